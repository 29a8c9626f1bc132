INSERT INTO street_events (at, actor, action, street_id, plan_id, before, after, reason)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
RETURNING seq
