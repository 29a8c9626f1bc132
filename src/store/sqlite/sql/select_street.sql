SELECT doc FROM streets WHERE id = ?1
