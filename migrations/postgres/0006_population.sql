-- Resident counts per address (never per person), one snapshot per export, never changed.

CREATE TABLE resident_snapshots (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    as_of        date NOT NULL UNIQUE,
    source       text NOT NULL,
    imported_at  timestamptz NOT NULL,
    imported_by  text NOT NULL,
    addresses    bigint NOT NULL CHECK (addresses >= 0),
    residents    bigint NOT NULL CHECK (residents >= 0),
    households   bigint NOT NULL CHECK (households >= 0),
    generated    boolean NOT NULL DEFAULT false
);

CREATE TABLE resident_counts (
    snapshot_id  bigint NOT NULL REFERENCES resident_snapshots (id),
    code         text NOT NULL REFERENCES places (code),
    residents    integer NOT NULL CHECK (residents BETWEEN 0 AND 100000),
    households   integer NOT NULL CHECK (households BETWEEN 0 AND 50000 AND households <= residents),
    PRIMARY KEY (snapshot_id, code)
);

COMMENT ON TABLE resident_counts IS
    'Residents and households per address and snapshot (no person-level data); see docs/population.md.';

CREATE TRIGGER resident_snapshots_are_kept BEFORE UPDATE OR DELETE ON resident_snapshots
    FOR EACH ROW EXECUTE FUNCTION diachiso_refuse('snapshots are never changed');
CREATE TRIGGER resident_counts_are_kept BEFORE UPDATE OR DELETE ON resident_counts
    FOR EACH ROW EXECUTE FUNCTION diachiso_refuse('snapshots are never changed');
CREATE TRIGGER resident_snapshots_are_never_truncated BEFORE TRUNCATE ON resident_snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_refuse('snapshots are never changed');
CREATE TRIGGER resident_counts_are_never_truncated BEFORE TRUNCATE ON resident_counts
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_refuse('snapshots are never changed');
