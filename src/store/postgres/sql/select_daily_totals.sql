SELECT t.lot_code, to_char(t.paid_on, 'YYYY-MM-DD') AS day, t.vehicle,
       count(*)::bigint AS transactions, sum(t.amount_vnd)::bigint AS amount_vnd
FROM parking_transactions t JOIN places p ON p.code = t.lot_code
WHERE t.paid_on BETWEEN $1::date AND $2::date
  AND ($3::text IS NULL OR t.lot_code = $3)
  AND ($4::text IS NULL OR p.commune_code = $4)
GROUP BY t.lot_code, t.paid_on, t.vehicle
ORDER BY t.lot_code, t.paid_on, t.vehicle
