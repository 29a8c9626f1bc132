SELECT key, source, records_done, accepted, rejected, duplicates, started_at, finished_at
FROM imports
WHERE key = ?1
