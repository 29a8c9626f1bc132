SELECT id, name, role, communes, created_at, revoked_at
FROM tokens
ORDER BY id
