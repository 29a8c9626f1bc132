INSERT INTO events (at, actor, action, code, before, after, reason)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
RETURNING seq
