INSERT INTO events (at, actor, action, code, before, after, reason)
VALUES ($1::timestamptz, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
RETURNING seq
