SELECT code, kind, name, lon, lat, footprint, commune_code, house_number, street, hamlet,
       attributes, external_ids, status, generated, version, created_at, updated_at
FROM places
WHERE ?1 IS NULL OR commune_code = ?1
ORDER BY code
