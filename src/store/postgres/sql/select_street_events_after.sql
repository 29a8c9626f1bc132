SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, actor, action,
       street_id, plan_id, before::text AS before, after::text AS after, reason
FROM street_events
WHERE seq > $1
ORDER BY seq
LIMIT $2
