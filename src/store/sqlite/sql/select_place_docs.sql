-- The start-up load, in chunks of rows packed as one JSON array each: sqlx decodes a
-- row at a time through a channel (about 13 µs a row), while SQLite builds the JSON at a few
-- hundred ns a row and serde parses it faster still.
SELECT max(rowid) AS last,
       json_group_array(json_array(code, kind, status, commune_code, lon, lat, name,
                                   house_number, street, hamlet)) AS docs
FROM (SELECT rowid, code, kind, status, commune_code, lon, lat, name, house_number, street,
             hamlet
      FROM places
      WHERE rowid > ?1
      ORDER BY rowid
      LIMIT ?2)
