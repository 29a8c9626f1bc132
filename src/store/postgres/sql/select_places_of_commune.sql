SELECT * FROM place_rows
WHERE $1::text IS NULL OR commune_code = $1
ORDER BY code
