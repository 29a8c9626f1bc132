INSERT INTO communes (code, name, full_name, unit_type, province_code, province_name, area_km2,
                      boundary)
VALUES ($1, $2, $3, $4, $5, $6, $7, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($8), 4326)))
ON CONFLICT (code) DO UPDATE SET
    (name, full_name, unit_type, province_code, province_name, area_km2, boundary)
    = (excluded.name, excluded.full_name, excluded.unit_type, excluded.province_code, excluded.province_name, excluded.area_km2, excluded.boundary)
