-- Registry core: communes, places, the append-only event log, tokens, idempotency keys.
-- Coordinates are WGS84 lon/lat degrees. Times are RFC 3339 UTC text with microseconds.

CREATE TABLE communes (
    code          TEXT PRIMARY KEY CHECK (length(code) = 5 AND code NOT GLOB '*[^0-9]*'),
    name          TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    unit_type     TEXT NOT NULL,
    province_code TEXT NOT NULL CHECK (length(province_code) = 2),
    province_name TEXT NOT NULL,
    area_km2      REAL NOT NULL CHECK (area_km2 >= 0),
    boundary      TEXT NOT NULL -- GeoJSON MultiPolygon
) STRICT;

CREATE TABLE places (
    code          TEXT PRIMARY KEY CHECK (length(code) = 12 AND code NOT GLOB '*[^0-9]*'),
    kind          TEXT NOT NULL CHECK (kind IN ('public_building', 'government_office', 'business',
                      'tourist_site', 'bus_station', 'parking_lot', 'religious_site',
                      'community_point', 'house', 'other')),
    name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    lon           REAL NOT NULL CHECK (lon BETWEEN 102.0 AND 118.0),
    lat           REAL NOT NULL CHECK (lat BETWEEN 6.0 AND 23.5),
    footprint     TEXT, -- GeoJSON Polygon or MultiPolygon
    commune_code  TEXT NOT NULL REFERENCES communes (code),
    house_number  TEXT,
    street        TEXT,
    hamlet        TEXT,
    attributes    TEXT NOT NULL DEFAULT '{}' CHECK (json_type(attributes) = 'object'),
    external_ids  TEXT NOT NULL DEFAULT '{}' CHECK (json_type(external_ids) = 'object'),
    status        TEXT NOT NULL CHECK (status IN ('provisional', 'active', 'retired')),
    generated     INTEGER NOT NULL DEFAULT 0 CHECK (generated IN (0, 1)),
    version       INTEGER NOT NULL CHECK (version >= 1),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;

CREATE INDEX places_by_commune ON places (commune_code, kind);

-- A code is permanent: a place is never deleted (it is retired) and its code never changes.
CREATE TRIGGER places_are_never_deleted BEFORE DELETE ON places
BEGIN
    SELECT RAISE(ABORT, 'places are never deleted; retire them');
END;
CREATE TRIGGER place_codes_are_permanent BEFORE UPDATE OF code ON places
BEGIN
    SELECT RAISE(ABORT, 'a location code never changes');
END;

CREATE TABLE events (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, even after a rollback
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL CHECK (action IN ('create', 'update', 'certify', 'retire')),
    code    TEXT NOT NULL,
    before  TEXT,
    after   TEXT,
    reason  TEXT
) STRICT;

CREATE INDEX events_by_code ON events (code, seq);

CREATE TRIGGER events_are_append_only_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;
CREATE TRIGGER events_are_append_only_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only');
END;

CREATE TABLE tokens (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'reviewer', 'admin')),
    communes    TEXT NOT NULL DEFAULT '', -- comma-separated commune codes (editors)
    token_hash  TEXT NOT NULL UNIQUE,     -- hex SHA-256 of the token; the token is never stored
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;

CREATE TABLE idempotency_keys (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    code         TEXT NOT NULL REFERENCES places (code),
    response     TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope, key)
) STRICT;
