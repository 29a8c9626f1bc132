-- Places by code, packed as one JSON array of rows (columns in codec::PACKED_PLACE_COLUMNS
-- order); NULL when no code matches. PostgreSQL writes doubles with the digits that read back
-- to the same value.
SELECT json_agg(json_build_array(code, kind, name, lon, lat, footprint, commune_code,
                                 house_number, street, hamlet, attributes, external_ids, status,
                                 generated, version, created_at, updated_at))::text AS places
FROM place_rows
WHERE code = ANY($1)
