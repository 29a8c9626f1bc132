-- Streets, alleys and numbering plans (Circular 08/2024/TT-BXD), with their own append-only
-- log; the same model as migrations/sqlite/0003_streets.sql, with the line as a PostGIS
-- geometry (generated from the document) so GIS tools can read the table.

CREATE TABLE streets (
    id            text PRIMARY KEY CHECK (id ~ '^st-[0-9a-z]{10}$'),
    street_type   text NOT NULL CHECK (street_type IN ('duong', 'pho', 'ngo', 'ngach', 'hem', 'kiet')),
    name          text,
    parent_id     text REFERENCES streets (id),
    communes      text NOT NULL,
    status        text NOT NULL CHECK (status IN ('active', 'retired')),
    doc           jsonb NOT NULL CHECK (jsonb_typeof(doc) = 'object'
                      AND doc->'geometry'->>'type' = 'LineString'),
    geom          geometry(LineString, 4326) NOT NULL
                  GENERATED ALWAYS AS (ST_SetSRID(ST_GeomFromGeoJSON(doc->>'geometry'), 4326)) STORED,
    version       bigint NOT NULL CHECK (version >= 1),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE INDEX streets_geom ON streets USING gist (geom);
CREATE INDEX streets_by_parent ON streets (parent_id);

COMMENT ON TABLE streets IS
    'Streets and alleys (đường, phố, ngõ, ngách, hẻm, kiệt); doc is the GeoJSON Feature served.';
COMMENT ON COLUMN streets.geom IS 'The line, kept equal to doc.geometry (generated).';

CREATE TRIGGER streets_are_never_deleted BEFORE DELETE ON streets
    FOR EACH ROW EXECUTE FUNCTION diachiso_refuse('streets are never deleted; retire them');
CREATE TRIGGER streets_are_never_truncated BEFORE TRUNCATE ON streets
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_refuse('streets are never deleted; retire them');
CREATE TRIGGER street_ids_are_permanent BEFORE UPDATE OF id ON streets
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION diachiso_refuse('a street id never changes');

CREATE TABLE numbering_plans (
    id             text PRIMARY KEY CHECK (id ~ '^np-[0-9a-z]{10}$'),
    street_id      text NOT NULL REFERENCES streets (id),
    status         text NOT NULL CHECK (status IN ('draft', 'approved', 'rejected')),
    doc            jsonb NOT NULL CHECK (jsonb_typeof(doc) = 'object'),
    proposed_by    text NOT NULL,
    proposed_at    timestamptz NOT NULL,
    decided_by     text,
    decided_at     timestamptz,
    CHECK ((status = 'draft') = (decided_at IS NULL))
);

CREATE INDEX numbering_plans_by_street ON numbering_plans (street_id, proposed_at);

CREATE FUNCTION diachiso_plan_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.status <> 'draft' THEN
        RAISE EXCEPTION 'a decided numbering plan never changes';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER decided_plans_are_final BEFORE UPDATE ON numbering_plans
    FOR EACH ROW EXECUTE FUNCTION diachiso_plan_is_final();
CREATE TRIGGER numbering_plans_are_never_deleted BEFORE DELETE ON numbering_plans
    FOR EACH ROW EXECUTE FUNCTION diachiso_refuse('numbering plans are never deleted');

CREATE TABLE street_events (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    action     text NOT NULL CHECK (action IN ('create', 'update', 'retire', 'propose', 'approve', 'reject')),
    street_id  text NOT NULL REFERENCES streets (id),
    plan_id    text REFERENCES numbering_plans (id),
    before     jsonb,
    after      jsonb,
    reason     text
);

CREATE INDEX street_events_by_street ON street_events (street_id, seq);

CREATE TRIGGER street_events_are_append_only BEFORE UPDATE OR DELETE ON street_events
    FOR EACH ROW EXECUTE FUNCTION diachiso_refuse('the event log is append-only');
CREATE TRIGGER street_events_are_never_truncated BEFORE TRUNCATE ON street_events
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_refuse('the event log is append-only');
CREATE TRIGGER street_events_notify AFTER INSERT ON street_events
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_notify_events();

CREATE TABLE commune_numbering_rules (
    commune_code     text PRIMARY KEY REFERENCES communes (code),
    suffix_style     text NOT NULL CHECK (suffix_style IN ('letters', 'dash')),
    reserve_every_m  double precision CHECK (reserve_every_m IS NULL OR reserve_every_m BETWEEN 1 AND 1000),
    updated_by       text NOT NULL,
    updated_at       timestamptz NOT NULL
);
