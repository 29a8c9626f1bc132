-- Places by code, packed as one JSON array of rows (columns in codec::PACKED_PLACE_COLUMNS
-- order): see select_place_docs.sql for why. Coordinates go as text with 17 significant
-- digits (the '!' flag: without it SQLite's printf stops at 16), which read back to the same
-- double; SQLite's JSON numbers keep 15.
SELECT json_group_array(json_array(code, kind, name, printf('%!.17g', lon), printf('%!.17g', lat),
                                   footprint, commune_code, house_number, street, hamlet,
                                   attributes, external_ids, status, generated, version,
                                   created_at, updated_at)) AS places
FROM places
WHERE code IN (SELECT value FROM json_each(?1))
