SELECT code, residents, households FROM resident_counts WHERE snapshot_id = ?1
