INSERT INTO tokens (name, role, communes, token_hash, created_at)
VALUES ($1, $2, $3, $4, $5::timestamptz)
RETURNING id, name, role, communes,
          to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
          to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS revoked_at
