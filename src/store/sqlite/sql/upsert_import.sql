INSERT INTO imports (key, source, records_done, accepted, rejected, duplicates, started_at,
                     updated_at, finished_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)
ON CONFLICT (key) DO UPDATE SET
    (records_done, accepted, rejected, duplicates, updated_at, finished_at)
    = (excluded.records_done, excluded.accepted, excluded.rejected, excluded.duplicates, excluded.updated_at, excluded.finished_at)
