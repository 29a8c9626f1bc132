-- Roles for other systems (payment platforms, the population database's sync, population
-- analysts) and settled parking payments (nothing about the payer is stored).

ALTER TABLE tokens DROP CONSTRAINT tokens_role_check;
ALTER TABLE tokens ADD CONSTRAINT tokens_role_check CHECK (role IN ('reader', 'editor', 'reviewer',
    'admin', 'payment_platform', 'population_sync', 'population_analyst'));

CREATE TABLE parking_transactions (
    platform        text NOT NULL CHECK (length(platform) BETWEEN 1 AND 64),
    transaction_id  text NOT NULL CHECK (length(transaction_id) BETWEEN 1 AND 128),
    lot_code        text NOT NULL REFERENCES places (code),
    vehicle         text NOT NULL CHECK (vehicle IN ('motorbike', 'car', 'bus')),
    amount_vnd      bigint NOT NULL CHECK (amount_vnd BETWEEN 1 AND 1000000000),
    paid_at         timestamptz NOT NULL,
    paid_on         date NOT NULL,  -- the day in Vietnam (UTC+7), for daily totals
    received_at     timestamptz NOT NULL,
    received_by     text NOT NULL,
    PRIMARY KEY (platform, transaction_id)
);

CREATE INDEX parking_transactions_by_lot ON parking_transactions (lot_code, paid_on);

COMMENT ON TABLE parking_transactions IS
    'Settled parking payments reported by payment platforms; no payer data.';

CREATE TRIGGER parking_transactions_are_append_only BEFORE UPDATE OR DELETE ON parking_transactions
    FOR EACH ROW EXECUTE FUNCTION diachiso_refuse('settled transactions are never changed');
CREATE TRIGGER parking_transactions_are_never_truncated BEFORE TRUNCATE ON parking_transactions
    FOR EACH STATEMENT EXECUTE FUNCTION diachiso_refuse('settled transactions are never changed');
