SELECT doc FROM streets ORDER BY id
