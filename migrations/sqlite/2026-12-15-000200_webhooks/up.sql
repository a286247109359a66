-- Issue 12 (INT-3): outgoing webhooks. A subscription belongs to one institution and receives
-- the domain events of that institution whose kinds it names. `secret` is the Standard
-- Webhooks signing key (`whsec_` + base64); after a rotation the previous one also signs until
-- `previous_secret_until`, so that a receiver can switch keys without losing a message.
CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    url TEXT NOT NULL,
    description TEXT,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until TIMESTAMP,
    active BOOLEAN NOT NULL,
    -- Why it was turned off by the server (`gone`: the receiver answered 410), if it was.
    disabled_reason TEXT,
    version INTEGER NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX webhook_subscriptions_institution ON webhook_subscriptions (institution_id);

-- The event kinds a subscription receives (one row each: the outbox subscriber joins on it).
CREATE TABLE webhook_subscription_events (
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (subscription_id, kind)
);
CREATE INDEX webhook_subscription_events_kind ON webhook_subscription_events (kind);

-- The outbox: one message per (subscription, event), written in the transaction that raised
-- the event. `attempts` counts the attempts of the current round (a manual redelivery starts
-- a new one), `next_attempt_at` is when it is due, `locked_until`/`locked_by` the lease of
-- the server sending it now.
CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES domain_events(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    locked_until TIMESTAMP,
    locked_by TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, created_at);

-- The delivery log: one row per attempt.
CREATE TABLE webhook_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempted_at TIMESTAMP NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    success BOOLEAN NOT NULL,
    response_excerpt TEXT,
    error TEXT,
    server TEXT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, attempted_at);
