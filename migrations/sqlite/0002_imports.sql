-- Bulk imports: progress committed in the same transaction as each batch, so an interrupted
-- import resumes after the last committed record and never assigns a code twice.
CREATE TABLE imports (
    key           TEXT PRIMARY KEY,          -- fingerprint of the input file
    source        TEXT NOT NULL,             -- file name as given
    records_done  INTEGER NOT NULL CHECK (records_done >= 0),
    accepted      INTEGER NOT NULL CHECK (accepted >= 0),
    rejected      INTEGER NOT NULL CHECK (rejected >= 0),
    duplicates    INTEGER NOT NULL CHECK (duplicates >= 0),
    started_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    finished_at   TEXT
) STRICT;
