INSERT INTO resident_counts (snapshot_id, code, residents, households)
SELECT $1, c, r, h FROM unnest($2::text[], $3::int[], $4::int[]) AS t(c, r, h)
