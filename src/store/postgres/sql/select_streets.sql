SELECT doc::text AS doc FROM streets ORDER BY id
