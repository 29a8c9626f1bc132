SELECT COALESCE(MAX(seq), 0) AS seq FROM street_events
