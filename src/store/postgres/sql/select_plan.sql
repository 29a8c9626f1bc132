SELECT doc::text AS doc FROM numbering_plans WHERE id = $1
