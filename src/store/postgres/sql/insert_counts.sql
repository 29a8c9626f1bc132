-- $2: a JSON array of [code, residents, households] (the same bind as SQLite's).
INSERT INTO resident_counts (snapshot_id, code, residents, households)
SELECT $1, r ->> 0, (r ->> 1)::int, (r ->> 2)::int FROM jsonb_array_elements($2::jsonb) AS r
