SELECT key, source, records_done, accepted, rejected, duplicates,
       to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS started_at,
       finished_at IS NOT NULL AS finished
FROM imports
WHERE key = $1
