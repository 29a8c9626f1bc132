SELECT seq, at, actor, action, street_id, plan_id, before, after, reason
FROM street_events
WHERE street_id = ?1
ORDER BY seq
