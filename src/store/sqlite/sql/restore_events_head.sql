INSERT INTO events (seq, at, actor, action, code, before, after, reason)
