-- Bulk imports: progress committed in the same transaction as each batch, so an interrupted
-- import resumes after the last committed record and never assigns a code twice.
CREATE TABLE imports (
    key           text PRIMARY KEY,          -- fingerprint of the input file
    source        text NOT NULL,             -- file name as given
    records_done  bigint NOT NULL CHECK (records_done >= 0),
    accepted      bigint NOT NULL CHECK (accepted >= 0),
    rejected      bigint NOT NULL CHECK (rejected >= 0),
    duplicates    bigint NOT NULL CHECK (duplicates >= 0),
    started_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz
);
