SELECT id, name, role, communes, created_at, revoked_at
FROM tokens
WHERE token_hash = ?1 AND revoked_at IS NULL
