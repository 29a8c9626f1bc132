INSERT INTO resident_snapshots (as_of, source, imported_at, imported_by, addresses, residents, households, generated)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
RETURNING id
