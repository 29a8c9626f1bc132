SELECT * FROM place_rows WHERE code = $1
