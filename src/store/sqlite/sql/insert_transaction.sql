INSERT INTO parking_transactions
    (platform, transaction_id, lot_code, vehicle, amount_vnd, paid_at, paid_on, received_at, received_by)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (platform, transaction_id) DO NOTHING
