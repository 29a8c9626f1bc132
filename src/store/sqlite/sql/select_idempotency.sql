SELECT scope, key, fingerprint, code, response
FROM idempotency_keys
WHERE scope = ?1 AND key = ?2
