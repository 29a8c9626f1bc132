-- Streets, alleys and numbering plans (Circular 08/2024/TT-BXD), with their own append-only
-- log. A street is kept as a JSON document (validated by the service) beside the columns that
-- are queried or constrained. Streets are never deleted (retired), like places.

CREATE TABLE streets (
    id            TEXT PRIMARY KEY CHECK (id GLOB 'st-[0-9a-z]*' AND length(id) = 13),
    street_type   TEXT NOT NULL CHECK (street_type IN ('duong', 'pho', 'ngo', 'ngach', 'hem', 'kiet')),
    name          TEXT,                      -- NULL: an unnamed alley, named by its entrance number
    parent_id     TEXT REFERENCES streets (id),
    communes      TEXT NOT NULL,             -- comma-separated commune codes it runs through
    status        TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    doc           TEXT NOT NULL CHECK (json_type(doc) = 'object'), -- the whole street (GeoJSON Feature)
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX streets_by_parent ON streets (parent_id);

CREATE TRIGGER streets_are_never_deleted BEFORE DELETE ON streets
BEGIN
    SELECT RAISE(ABORT, 'streets are never deleted; retire them');
END;
CREATE TRIGGER street_ids_are_permanent BEFORE UPDATE OF id ON streets
BEGIN
    SELECT RAISE(ABORT, 'a street id never changes');
END;

CREATE TABLE numbering_plans (
    id             TEXT PRIMARY KEY CHECK (id GLOB 'np-[0-9a-z]*' AND length(id) = 13),
    street_id      TEXT NOT NULL REFERENCES streets (id),
    status         TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'rejected')),
    doc            TEXT NOT NULL CHECK (json_type(doc) = 'object'), -- rules, changes, reserved numbers
    proposed_by    TEXT NOT NULL,
    proposed_at    TEXT NOT NULL,
    decided_by     TEXT,
    decided_at     TEXT,
    CHECK ((status = 'draft') = (decided_at IS NULL))
) STRICT;

CREATE INDEX numbering_plans_by_street ON numbering_plans (street_id, proposed_at);

CREATE TRIGGER numbering_plans_are_never_deleted BEFORE DELETE ON numbering_plans
BEGIN
    SELECT RAISE(ABORT, 'numbering plans are never deleted');
END;
CREATE TRIGGER decided_plans_are_final BEFORE UPDATE ON numbering_plans
    WHEN OLD.status <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'a decided numbering plan never changes');
END;

CREATE TABLE street_events (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('create', 'update', 'retire', 'propose', 'approve', 'reject')),
    street_id  TEXT NOT NULL REFERENCES streets (id),
    plan_id    TEXT REFERENCES numbering_plans (id),
    before     TEXT,
    after      TEXT,
    reason     TEXT
) STRICT;

CREATE INDEX street_events_by_street ON street_events (street_id, seq);

CREATE TRIGGER street_events_are_append_only_update BEFORE UPDATE ON street_events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
CREATE TRIGGER street_events_are_append_only_delete BEFORE DELETE ON street_events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

-- The numbering rules a commune sets (suffix style for infill, reserved numbers for vacant
-- frontage); streets and plans without their own take these.
CREATE TABLE commune_numbering_rules (
    commune_code     TEXT PRIMARY KEY REFERENCES communes (code),
    suffix_style     TEXT NOT NULL CHECK (suffix_style IN ('letters', 'dash')),
    reserve_every_m  REAL CHECK (reserve_every_m IS NULL OR reserve_every_m BETWEEN 1 AND 1000),
    updated_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;
