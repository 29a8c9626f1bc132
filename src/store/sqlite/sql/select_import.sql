SELECT key, source, records_done, accepted, rejected, duplicates, started_at,
       finished_at IS NOT NULL AS finished
FROM imports
WHERE key = ?1
