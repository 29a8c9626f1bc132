SELECT code, residents::bigint AS residents, households::bigint AS households
FROM resident_counts WHERE snapshot_id = $1
