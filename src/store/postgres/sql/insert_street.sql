INSERT INTO streets (id, street_type, name, parent_id, communes, status, doc, version, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::timestamptz, $10::timestamptz)
