-- A restore: events with their own sequence numbers (COPY writes identity columns as given).
COPY events (seq, at, actor, action, code, before, after, reason) FROM STDIN (FORMAT csv)
