INSERT INTO commune_numbering_rules (commune_code, suffix_style, reserve_every_m, updated_by, updated_at)
VALUES (?1, ?2, ?3, ?4, ?5)
ON CONFLICT (commune_code) DO UPDATE SET
    suffix_style = excluded.suffix_style, reserve_every_m = excluded.reserve_every_m,
    updated_by = excluded.updated_by, updated_at = excluded.updated_at
