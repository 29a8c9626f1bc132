-- Registry core on PostgreSQL + PostGIS: communes, places, the append-only event log, tokens,
-- idempotency keys. The same registry as migrations/sqlite/0001_registry.sql, with geometry
-- columns for GIS tools and constraints that hold for every writer, not only this service.
-- Coordinates are WGS84 lon/lat degrees (EPSG:4326). Times are timestamptz (microseconds).
-- docs/postgis.md describes the schema for GIS staff.

CREATE EXTENSION IF NOT EXISTS postgis;

-- The location code's check digit (src/code/damm.rs): true when the Damm interim digit of the
-- decimal string is 0, i.e. its last digit is the Damm check digit of the digits before it.
-- The table is Damm's order-10 quasigroup (H. M. Damm, 2004), TABLE[interim][digit].
CREATE FUNCTION diachiso_damm_valid(code text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    t CONSTANT smallint[] := '{{0,3,1,7,5,9,8,6,4,2},
                               {7,0,9,2,1,5,4,8,6,3},
                               {4,2,0,6,8,7,1,3,5,9},
                               {1,7,5,0,9,8,3,4,2,6},
                               {6,1,2,3,0,4,5,9,7,8},
                               {3,6,7,4,2,0,9,5,8,1},
                               {5,8,6,9,7,2,0,1,3,4},
                               {8,9,4,5,3,6,2,0,1,7},
                               {9,4,3,8,6,1,7,2,0,5},
                               {2,5,8,1,4,3,6,7,9,0}}';
    interim smallint := 0;
BEGIN
    IF code !~ '^[0-9]+$' THEN
        RETURN false;
    END IF;
    FOR i IN 1 .. length(code) LOOP
        interim := t[interim + 1][ascii(substr(code, i, 1)) - 47];
    END LOOP;
    RETURN interim = 0;
END
$$;

COMMENT ON FUNCTION diachiso_damm_valid(text) IS
    'True when the digit string ends with its Damm check digit (the location code''s digit 12).';

-- A footprint's geometry from its GeoJSON (Polygon or MultiPolygon, any extra members and
-- heights ignored); NULL when PostGIS cannot read it. The GeoJSON stays the record.
CREATE FUNCTION diachiso_footprint_geom(footprint jsonb) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET search_path FROM CURRENT AS $$
BEGIN
    RETURN ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(jsonb_build_object(
        'type', footprint -> 'type', 'coordinates', footprint -> 'coordinates')), 4326)));
EXCEPTION WHEN OTHERS THEN
    RETURN NULL;
END
$$;

-- Refuses the statement with the message given as the trigger's argument.
CREATE FUNCTION diachiso_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0] USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TABLE communes (
    code          text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
    name          text NOT NULL,
    full_name     text NOT NULL,
    unit_type     text NOT NULL,
    province_code text NOT NULL CHECK (length(province_code) = 2),
    province_name text NOT NULL,
    area_km2      double precision NOT NULL CHECK (area_km2 >= 0),
    boundary      geometry(MultiPolygon, 4326) NOT NULL
);

CREATE INDEX communes_boundary ON communes USING gist (boundary);

COMMENT ON TABLE communes IS
    'Communes, wards and special zones (xã, phường, đặc khu) with their boundaries.';
COMMENT ON COLUMN communes.code IS 'Official 5-digit code.';
COMMENT ON COLUMN communes.area_km2 IS 'Geodesic area of the boundary (WGS84 ellipsoid).';

CREATE TABLE places (
    code           text PRIMARY KEY
                   CONSTRAINT places_code_is_a_location_code
                   CHECK (code ~ '^[0-9]{12}$' AND diachiso_damm_valid(code)
                          AND left(code, 11)::bigint <= 96636764159), -- 90 tiles of 2^30 cells
    kind           text NOT NULL CHECK (kind IN ('public_building', 'government_office',
                       'business', 'tourist_site', 'bus_station', 'parking_lot',
                       'religious_site', 'community_point', 'house', 'other')),
    name           text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    lon            double precision NOT NULL CHECK (lon BETWEEN 102.0 AND 118.0),
    lat            double precision NOT NULL CHECK (lat BETWEEN 6.0 AND 23.5),
    geom           geometry(Point, 4326) NOT NULL
                   GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED,
    footprint      jsonb CHECK (footprint IS NULL
                       OR footprint ->> 'type' IN ('Polygon', 'MultiPolygon')),
    footprint_geom geometry(MultiPolygon, 4326)
                   GENERATED ALWAYS AS (diachiso_footprint_geom(footprint)) STORED,
    commune_code   text NOT NULL REFERENCES communes (code),
    house_number   text,
    street         text,
    hamlet         text,
    attributes     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
    external_ids   jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(external_ids) = 'object'),
    status         text NOT NULL CHECK (status IN ('provisional', 'active', 'retired')),
    generated      boolean NOT NULL DEFAULT false,
    version        bigint NOT NULL CHECK (version >= 1),
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE INDEX places_geom ON places USING gist (geom);
CREATE INDEX places_footprint_geom ON places USING gist (footprint_geom);
CREATE INDEX places_by_commune ON places (commune_code, kind);

COMMENT ON TABLE places IS
    'Places (địa điểm) with their permanent 12-digit location codes; never deleted (retired).';
COMMENT ON COLUMN places.code IS
    'Mã định danh địa điểm: 12 digits, digit 12 a Damm check digit; never changes.';
COMMENT ON COLUMN places.geom IS 'The point, kept equal to lon/lat (generated).';
COMMENT ON COLUMN places.footprint IS 'Optional footprint as submitted (GeoJSON).';
COMMENT ON COLUMN places.footprint_geom IS 'The footprint as a geometry (generated).';
COMMENT ON COLUMN places.status IS 'provisional → active (certified) → retired.';
COMMENT ON COLUMN places.generated IS 'True for generated demo and test data.';

-- A code is permanent: a place is never deleted (it is retired) and its code never changes.
CREATE TRIGGER places_are_never_deleted BEFORE DELETE ON places
    FOR EACH ROW EXECUTE FUNCTION diachiso_refuse('places are never deleted; retire them');
CREATE TRIGGER places_are_never_truncated BEFORE TRUNCATE ON places
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_refuse('places are never deleted; retire them');
CREATE TRIGGER place_codes_are_permanent BEFORE UPDATE OF code ON places
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code)
    EXECUTE FUNCTION diachiso_refuse('a location code never changes');

-- Active places only: the public view of the registry, as a layer.
CREATE VIEW places_active AS
    SELECT code, kind, name, commune_code, house_number, street, hamlet, attributes,
           external_ids, version, created_at, updated_at, geom, footprint_geom
    FROM places
    WHERE status = 'active';

COMMENT ON VIEW places_active IS 'Active (certified) places; key column: code.';

CREATE TABLE events (
    seq     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- strictly increasing, never reused
    at      timestamptz NOT NULL,
    actor   text NOT NULL,
    action  text NOT NULL CHECK (action IN ('create', 'update', 'certify', 'retire')),
    code    text NOT NULL REFERENCES places (code),
    before  jsonb,
    after   jsonb,
    reason  text
);

CREATE INDEX events_by_code ON events (code, seq);

COMMENT ON TABLE events IS
    'The append-only event log: every write to places, with who, when, before/after and why.';

CREATE TRIGGER events_are_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION diachiso_refuse('the event log is append-only');
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_refuse('the event log is append-only');

CREATE TABLE tokens (
    id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    role        text NOT NULL CHECK (role IN ('reader', 'editor', 'reviewer', 'admin')),
    communes    text NOT NULL DEFAULT '', -- comma-separated commune codes (editors)
    token_hash  text NOT NULL UNIQUE,     -- hex SHA-256 of the token; the token is never stored
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

CREATE TABLE idempotency_keys (
    scope        text NOT NULL,
    key          text NOT NULL,
    fingerprint  text NOT NULL,
    code         text NOT NULL REFERENCES places (code),
    response     jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
);
