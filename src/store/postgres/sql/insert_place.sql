INSERT INTO places (code, kind, name, lon, lat, footprint, commune_code, house_number, street,
                    hamlet, attributes, external_ids, status, generated, version, created_at,
                    updated_at)
VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11::jsonb, $12::jsonb, $13, $14, $15,
        $16::timestamptz, $17::timestamptz)
