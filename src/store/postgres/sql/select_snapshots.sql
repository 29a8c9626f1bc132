SELECT id, to_char(as_of, 'YYYY-MM-DD') AS as_of, source,
       to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS imported_at,
       imported_by, addresses, residents, households, generated
FROM resident_snapshots
ORDER BY as_of
