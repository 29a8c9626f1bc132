SELECT coalesce(max(seq), 0)::bigint AS seq FROM events
