SELECT COALESCE(MAX(seq), 0)::bigint AS seq FROM street_events
