SELECT * FROM place_rows WHERE code = ANY($1)
