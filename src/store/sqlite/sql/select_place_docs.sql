-- The start-up load, in chunks of rows packed as one JSON array each: sqlx decodes a
-- row at a time through a channel (about 13 µs a row), while SQLite builds the JSON at a few
-- hundred ns a row and serde parses it faster still. The keyset (rowid) travels as text, as
-- PostgreSQL's (the code) does, so the store core reads both the same way. Coordinates go as
-- text with 17 significant digits (SQLite's JSON numbers keep 15; see
-- select_places_packed.sql).
SELECT CAST(max(rowid) AS TEXT) AS last,
       json_group_array(json_array(code, kind, status, commune_code, printf('%!.17g', lon),
                                   printf('%!.17g', lat), name, house_number, street,
                                   hamlet)) AS docs
FROM (SELECT rowid, code, kind, status, commune_code, lon, lat, name, house_number, street,
             hamlet
      FROM places
      WHERE rowid > CAST(?1 AS INTEGER)
      ORDER BY rowid
      LIMIT ?2)
