UPDATE places SET
    kind = $2, name = $3, lon = $4, lat = $5, footprint = $6::jsonb, commune_code = $7,
    house_number = $8, street = $9, hamlet = $10, attributes = $11::jsonb,
    external_ids = $12::jsonb, status = $13, generated = $14, version = $15,
    created_at = $16::timestamptz, updated_at = $17::timestamptz
WHERE code = $1 AND version = $18
