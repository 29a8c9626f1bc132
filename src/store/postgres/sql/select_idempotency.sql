SELECT scope, key, fingerprint, code, response::text AS response
FROM idempotency_keys
WHERE scope = $1 AND key = $2
