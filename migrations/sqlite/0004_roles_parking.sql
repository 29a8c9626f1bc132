-- Roles for other systems (payment platforms, the population database's sync, population
-- analysts) and settled parking payments. SQLite cannot change a CHECK constraint in place, so
-- the tokens table is rebuilt with the same rows and ids.

CREATE TABLE tokens_new (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'reviewer', 'admin',
                    'payment_platform', 'population_sync', 'population_analyst')),
    communes    TEXT NOT NULL DEFAULT '',
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;
INSERT INTO tokens_new (id, name, role, communes, token_hash, created_at, revoked_at)
    SELECT id, name, role, communes, token_hash, created_at, revoked_at FROM tokens;
DROP TABLE tokens;
ALTER TABLE tokens_new RENAME TO tokens;

-- A settled payment as a payment platform reports it: which lot, which vehicle type, how much,
-- when. Nothing about the payer is stored. (platform, transaction_id) is the idempotency key.
CREATE TABLE parking_transactions (
    platform        TEXT NOT NULL CHECK (length(platform) BETWEEN 1 AND 64),
    transaction_id  TEXT NOT NULL CHECK (length(transaction_id) BETWEEN 1 AND 128),
    lot_code        TEXT NOT NULL REFERENCES places (code),
    vehicle         TEXT NOT NULL CHECK (vehicle IN ('motorbike', 'car', 'bus')),
    amount_vnd      INTEGER NOT NULL CHECK (amount_vnd BETWEEN 1 AND 1000000000),
    paid_at         TEXT NOT NULL,  -- RFC 3339 UTC
    paid_on         TEXT NOT NULL,  -- the day in Vietnam (UTC+7), YYYY-MM-DD, for daily totals
    received_at     TEXT NOT NULL,
    received_by     TEXT NOT NULL,  -- the token that reported it
    PRIMARY KEY (platform, transaction_id)
) STRICT;

CREATE INDEX parking_transactions_by_lot ON parking_transactions (lot_code, paid_on);

CREATE TRIGGER parking_transactions_are_append_only_update BEFORE UPDATE ON parking_transactions
BEGIN
    SELECT RAISE(ABORT, 'settled transactions are never changed');
END;
CREATE TRIGGER parking_transactions_are_append_only_delete BEFORE DELETE ON parking_transactions
BEGIN
    SELECT RAISE(ABORT, 'settled transactions are never changed');
END;
