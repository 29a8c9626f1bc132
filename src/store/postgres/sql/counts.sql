SELECT (SELECT count(*) FROM communes),
       (SELECT count(*) FROM places),
       (SELECT count(*) FROM events),
       (SELECT count(*) FROM tokens)
