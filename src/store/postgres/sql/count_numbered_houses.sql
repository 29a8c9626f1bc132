SELECT commune_code, count(*)::bigint AS n
FROM places
WHERE kind = 'house' AND status <> 'retired' AND attributes ? 'numbering'
GROUP BY commune_code
