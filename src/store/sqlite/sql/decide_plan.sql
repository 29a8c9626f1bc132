UPDATE numbering_plans SET status = ?2, doc = ?3, decided_by = ?4, decided_at = ?5
WHERE id = ?1 AND status = 'draft'
