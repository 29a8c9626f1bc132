-- Whole places as the store reads them back (JSON and times as text): the one column list of
-- every statement that reads places. A plain view, so conditions and orders reach the table's
-- indexes.
CREATE VIEW place_rows AS
SELECT code, kind, name, lon, lat, footprint::text AS footprint, commune_code, house_number,
       street, hamlet, attributes::text AS attributes, external_ids::text AS external_ids, status,
       generated, version,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_at,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at
FROM places;
