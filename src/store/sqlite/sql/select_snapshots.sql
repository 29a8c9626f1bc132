SELECT id, as_of, source, imported_at, imported_by, addresses, residents, households, generated
FROM resident_snapshots
ORDER BY as_of
