-- After restoring events with their own sequence numbers, new events follow the largest.
SELECT setval(pg_get_serial_sequence('events', 'seq'), GREATEST((SELECT max(seq) FROM events), 1))
