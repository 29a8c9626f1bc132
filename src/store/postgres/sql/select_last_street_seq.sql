SELECT COALESCE(MAX(seq), 0)::bigint FROM street_events
