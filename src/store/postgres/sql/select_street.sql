SELECT doc::text AS doc FROM streets WHERE id = $1
