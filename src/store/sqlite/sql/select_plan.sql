SELECT doc FROM numbering_plans WHERE id = ?1
