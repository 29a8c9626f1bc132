COPY places (code, kind, name, lon, lat, footprint, commune_code, house_number, street, hamlet,
             attributes, external_ids, status, generated, version, created_at, updated_at)
FROM STDIN (FORMAT csv)
