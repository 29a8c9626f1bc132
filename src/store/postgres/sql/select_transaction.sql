SELECT platform, transaction_id, lot_code, vehicle, amount_vnd,
       to_char(paid_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS paid_at
FROM parking_transactions
WHERE platform = $1 AND transaction_id = $2
