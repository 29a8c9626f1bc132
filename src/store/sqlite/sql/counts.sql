SELECT (SELECT count(*) FROM communes) AS communes,
       (SELECT count(*) FROM places) AS places,
       (SELECT count(*) FROM events) AS events,
       (SELECT count(*) FROM tokens) AS tokens
