INSERT INTO idempotency_keys (scope, key, fingerprint, code, response, created_at)
VALUES ($1, $2, $3, $4, $5::jsonb, $6::timestamptz)
