SELECT commune_code, count(*) AS n
FROM places
WHERE kind = 'house' AND status <> 'retired' AND json_type(attributes, '$.numbering') IS NOT NULL
GROUP BY commune_code
