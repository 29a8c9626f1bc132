-- The start-up load: chunks of places packed as one JSON array each, keyset on the code.
SELECT max(code) AS last,
       json_agg(json_build_array(code, kind, status, commune_code, lon, lat, name,
                                 house_number, street, hamlet))::text AS docs
FROM (SELECT code, kind, status, commune_code, lon, lat, name, house_number, street, hamlet
      FROM places
      WHERE code > $1
      ORDER BY code
      LIMIT $2) AS chunk
