INSERT INTO numbering_plans (id, street_id, status, doc, proposed_by, proposed_at, decided_by, decided_at)
VALUES ($1, $2, $3, $4::jsonb, $5, $6::timestamptz, $7, $8::timestamptz)
