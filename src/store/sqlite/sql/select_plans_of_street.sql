SELECT doc FROM numbering_plans WHERE street_id = ?1 ORDER BY proposed_at DESC, id
