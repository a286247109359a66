-- INT-1, X-8 (issue 12): the HIS's money lines of a visit, and the batches a HIS sends.

-- A money line of a visit as the HIS keys it: a charge (收费; part of it the medical
-- insurance's) or a payment (缴费). A visit with lines has their sums as its totals.
CREATE TABLE visit_charges (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    visit_id TEXT NOT NULL REFERENCES visits(id),
    external_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    insurance_fen BIGINT NOT NULL CHECK (insurance_fen >= 0 AND insurance_fen <= amount_fen),
    occurred_at TIMESTAMP NOT NULL,
    item TEXT,
    version INTEGER NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX visit_charges_external ON visit_charges (institution_id, external_id);
CREATE INDEX visit_charges_visit ON visit_charges (visit_id);

-- A batch as received and what became of each item (JSON), for replays and the integration
-- status page. `batch_key` is set on applied batches only — the client's replay key, unique
-- per client, claimed in the batch's own transaction; `sent_key` is the key as sent.
CREATE TABLE integration_batches (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    client_id TEXT NOT NULL REFERENCES users(id),
    client_name TEXT NOT NULL,
    batch_key TEXT,
    sent_key TEXT,
    request_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    created_count INTEGER NOT NULL,
    updated_count INTEGER NOT NULL,
    unchanged_count INTEGER NOT NULL,
    rejected_count INTEGER NOT NULL,
    skipped_count INTEGER NOT NULL,
    items TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    duration_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX integration_batches_key ON integration_batches (client_id, batch_key);
CREATE INDEX integration_batches_received ON integration_batches (institution_id, received_at);
