-- Serialises appends to the event log across every node on this database, until the end of
-- the transaction: the next sequence number is taken only after the previous append has
-- committed, so events become visible in `seq` order and a reader that has seen `seq = n`
-- never later finds a smaller one (what the change feed's `after=SEQ` relies on).
SELECT pg_advisory_xact_lock(7450863017263051101)
