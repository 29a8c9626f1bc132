COPY events (at, actor, action, code, before, after, reason) FROM STDIN (FORMAT csv)
