UPDATE streets SET
    street_type = $2, name = $3, parent_id = $4, communes = $5, status = $6, doc = $7::jsonb,
    version = $8, created_at = $9::timestamptz, updated_at = $10::timestamptz
WHERE id = $1 AND version = $11
