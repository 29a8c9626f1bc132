-- Resident counts per address (never per person): one snapshot per export of the national
-- population database, kept with its as-of date so the map can show any snapshot and the
-- change between two. Snapshots are never changed or deleted.

CREATE TABLE resident_snapshots (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    as_of        TEXT NOT NULL UNIQUE,      -- YYYY-MM-DD, the export's date
    source       TEXT NOT NULL,             -- file name or system that sent it
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL,
    addresses    INTEGER NOT NULL CHECK (addresses >= 0),
    residents    INTEGER NOT NULL CHECK (residents >= 0),
    households   INTEGER NOT NULL CHECK (households >= 0),
    generated    INTEGER NOT NULL DEFAULT 0 CHECK (generated IN (0, 1))
) STRICT;

CREATE TABLE resident_counts (
    snapshot_id  INTEGER NOT NULL REFERENCES resident_snapshots (id),
    code         TEXT NOT NULL REFERENCES places (code),
    residents    INTEGER NOT NULL CHECK (residents BETWEEN 0 AND 100000),
    households   INTEGER NOT NULL CHECK (households BETWEEN 0 AND 50000 AND households <= residents),
    PRIMARY KEY (snapshot_id, code)
) STRICT, WITHOUT ROWID;

CREATE TRIGGER resident_snapshots_are_kept_update BEFORE UPDATE ON resident_snapshots
BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed');
END;
CREATE TRIGGER resident_snapshots_are_kept_delete BEFORE DELETE ON resident_snapshots
BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed');
END;
CREATE TRIGGER resident_counts_are_kept_update BEFORE UPDATE ON resident_counts
BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed');
END;
CREATE TRIGGER resident_counts_are_kept_delete BEFORE DELETE ON resident_counts
BEGIN
    SELECT RAISE(ABORT, 'snapshots are never changed');
END;
