SELECT seq, at, actor, action, code, before, after, reason
FROM events
WHERE seq > ?1
ORDER BY seq
LIMIT ?2
