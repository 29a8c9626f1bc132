SELECT seq, at, actor, action, street_id, plan_id, before, after, reason
FROM street_events
WHERE seq > ?1
ORDER BY seq
LIMIT ?2
