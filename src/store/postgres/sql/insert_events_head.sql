INSERT INTO events (at, actor, action, code, before, after, reason)
