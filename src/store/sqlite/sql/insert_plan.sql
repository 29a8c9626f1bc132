INSERT INTO numbering_plans (id, street_id, status, doc, proposed_by, proposed_at, decided_by, decided_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
