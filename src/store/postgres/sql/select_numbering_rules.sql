SELECT commune_code, suffix_style, reserve_every_m, updated_by,
       to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_at
FROM commune_numbering_rules
WHERE commune_code = $1
