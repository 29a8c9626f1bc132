SELECT commune_code, suffix_style, reserve_every_m, updated_by, updated_at
FROM commune_numbering_rules
WHERE commune_code = ?1
