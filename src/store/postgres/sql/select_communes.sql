SELECT code, name, full_name, unit_type, province_code, province_name, area_km2,
       ST_AsGeoJSON(boundary, 15) AS boundary
FROM communes
ORDER BY code
