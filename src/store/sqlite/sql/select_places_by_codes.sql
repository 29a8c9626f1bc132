SELECT code, kind, name, lon, lat, footprint, commune_code, house_number, street, hamlet,
       attributes, external_ids, status, generated, version, created_at, updated_at
FROM places
WHERE code IN (SELECT value FROM json_each(?1))
