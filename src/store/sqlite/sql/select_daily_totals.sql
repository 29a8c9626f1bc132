SELECT t.lot_code, t.paid_on AS day, t.vehicle, count(*) AS transactions,
       sum(t.amount_vnd) AS amount_vnd
FROM parking_transactions t JOIN places p ON p.code = t.lot_code
WHERE t.paid_on BETWEEN ?1 AND ?2
  AND (?3 IS NULL OR t.lot_code = ?3)
  AND (?4 IS NULL OR p.commune_code = ?4)
GROUP BY t.lot_code, t.paid_on, t.vehicle
ORDER BY t.lot_code, t.paid_on, t.vehicle
