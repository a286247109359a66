-- SVC-4: visits and spending; INT-2: the domain events every module raises and subscribes to.

-- One visit: outpatient, an inpatient stay (admission at visited_at, discharge at ended_at),
-- a surgery, a treatment course (start, end) or a check-up. Money in fen.
CREATE TABLE visits (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL,
    sequence TEXT NOT NULL,
    department_id TEXT REFERENCES departments(id),
    doctor_id TEXT REFERENCES doctors(id),
    diagnosis_category TEXT,
    visited_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    amount_fen BIGINT NOT NULL CHECK (amount_fen >= 0),
    insurance_fen BIGINT NOT NULL CHECK (insurance_fen >= 0),
    paid_fen BIGINT NOT NULL CHECK (paid_fen >= 0),
    external_id TEXT,
    note TEXT,
    version INTEGER NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (insurance_fen + paid_fen <= amount_fen)
);
-- The HIS's id names one visit per institution (NULLs, hand-entered visits, are distinct).
CREATE UNIQUE INDEX visits_external ON visits (institution_id, external_id);
-- The 360 page, the timeline and the summary: a customer's visits by time.
CREATE INDEX visits_customer ON visits (customer_id, visited_at);
-- Lists and the funnel by institution and period.
CREATE INDEX visits_institution ON visits (institution_id, visited_at);

-- A domain event happens once per record and kind: the unique key makes raising it again
-- (a visit saved again, a replayed batch, two servers) insert nothing. `seq` orders events
-- for consumers that read them with a cursor.
CREATE TABLE domain_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    customer_id TEXT REFERENCES customers(id),
    occurred_at TIMESTAMP NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    payload TEXT NOT NULL,
    UNIQUE (kind, subject_type, subject_id)
);
CREATE INDEX domain_events_subject ON domain_events (subject_id);
CREATE INDEX domain_events_customer ON domain_events (customer_id, seq);
