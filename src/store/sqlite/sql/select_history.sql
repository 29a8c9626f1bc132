SELECT seq, at, actor, action, code, before, after, reason
FROM events
WHERE code = ?1
ORDER BY seq
