SELECT platform, transaction_id, lot_code, vehicle, amount_vnd, paid_at
FROM parking_transactions
WHERE platform = ?1 AND transaction_id = ?2
