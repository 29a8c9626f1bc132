SELECT code, kind, name, lon, lat, footprint::text AS footprint, commune_code, house_number,
       street, hamlet, attributes::text AS attributes, external_ids::text AS external_ids, status,
       generated, version,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at
FROM places
WHERE $1::text IS NULL OR commune_code = $1
ORDER BY code
