INSERT INTO resident_counts (snapshot_id, code, residents, households)
SELECT ?1, value ->> 0, value ->> 1, value ->> 2 FROM json_each(?2)
