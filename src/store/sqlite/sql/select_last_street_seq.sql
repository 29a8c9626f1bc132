SELECT COALESCE(MAX(seq), 0) FROM street_events
