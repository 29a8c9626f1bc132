INSERT INTO tokens (name, role, communes, token_hash, created_at)
VALUES (?1, ?2, ?3, ?4, ?5)
RETURNING id, name, role, communes, created_at, revoked_at
