-- Wake the serving nodes when the event log grows, whoever wrote to it: a statement-level
-- trigger sends one notification per INSERT statement on the channel `diachiso_events`.
-- Delivery happens at commit; nodes then read the log after the last sequence they applied,
-- so a lost notification (a reconnect) only delays them until their next poll.
CREATE FUNCTION diachiso_notify_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('diachiso_events', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_notify_events();
