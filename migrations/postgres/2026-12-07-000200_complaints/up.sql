-- CMP-1 … CMP-5a: complaint cases, their numbers, history, SLA clocks and escalations.

-- CMP-2: the last serial given per institution and month (`BJ01-2026-11`), taken in the
-- insert's transaction.
CREATE TABLE complaint_counters (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    period TEXT NOT NULL,
    last_serial INTEGER NOT NULL,
    PRIMARY KEY (institution_id, period)
);

CREATE TABLE complaints (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    number TEXT NOT NULL UNIQUE,
    period TEXT NOT NULL,
    serial INTEGER NOT NULL,
    channel TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    receiver_id TEXT NOT NULL REFERENCES users(id),
    handler_id TEXT REFERENCES users(id),
    description TEXT NOT NULL,
    occurred_at TIMESTAMP,
    received_at TIMESTAMP NOT NULL,
    demands TEXT,
    category TEXT,
    severity TEXT,
    major_dispute BOOLEAN NOT NULL DEFAULT FALSE,
    state TEXT NOT NULL,
    waiting_on_patient BOOLEAN NOT NULL DEFAULT FALSE,
    promised_reply_at TIMESTAMP NOT NULL,
    settled_on_spot BOOLEAN NOT NULL DEFAULT FALSE,
    solution TEXT,
    outcome TEXT,
    closed_at TIMESTAMP,
    -- The deadline of the most urgent running clock (the list's order), kept with the clocks.
    urgent_deadline TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (institution_id, period, serial)
);
CREATE INDEX complaints_inst_state ON complaints (institution_id, state);
CREATE INDEX complaints_customer ON complaints (customer_id);
CREATE INDEX complaints_urgent ON complaints (urgent_deadline);
CREATE INDEX complaints_receiver ON complaints (receiver_id);
CREATE INDEX complaints_handler ON complaints (handler_id);

-- Departments and staff involved (CMP-3): a record or a name.
CREATE TABLE complaint_involved (
    id TEXT PRIMARY KEY NOT NULL,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    position INTEGER NOT NULL,
    kind TEXT NOT NULL,
    department_id TEXT REFERENCES departments(id),
    doctor_id TEXT REFERENCES doctors(id),
    user_id TEXT REFERENCES users(id),
    name TEXT
);
CREATE INDEX complaint_involved_complaint ON complaint_involved (complaint_id, position);
CREATE INDEX complaint_involved_department ON complaint_involved (department_id);

-- CMP-4: every move, by whom, when, with the comment.
CREATE TABLE complaint_history (
    id TEXT PRIMARY KEY NOT NULL,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    action TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    actor_id TEXT NOT NULL REFERENCES users(id),
    at TIMESTAMP NOT NULL,
    comment TEXT
);
CREATE INDEX complaint_history_complaint ON complaint_history (complaint_id, at);

-- CMP-5 / CMP-5a: one row per clock run (a step entered again gets a new row).
CREATE TABLE complaint_clocks (
    id TEXT PRIMARY KEY NOT NULL,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    kind TEXT NOT NULL,
    limit_unit TEXT NOT NULL,
    limit_amount INTEGER NOT NULL,
    started_at TIMESTAMP NOT NULL,
    paused_since TIMESTAMP,
    paused_total_seconds BIGINT NOT NULL DEFAULT 0,
    stopped_at TIMESTAMP,
    breached_at TIMESTAMP,
    -- The deadline after the pauses that ended (a running pause moves it further).
    deadline TIMESTAMP NOT NULL
);
CREATE INDEX complaint_clocks_complaint ON complaint_clocks (complaint_id);
CREATE INDEX complaint_clocks_running ON complaint_clocks (stopped_at, deadline);

-- CMP-5b, X-14: each escalation level of a clock once, whatever the number of servers.
CREATE TABLE complaint_escalations (
    clock_id TEXT NOT NULL REFERENCES complaint_clocks(id),
    level TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (clock_id, level)
);
