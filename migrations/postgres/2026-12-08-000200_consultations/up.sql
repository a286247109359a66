-- SVC-1, SVC-3, SVC-6: consultations (首问负责制), the in-visit services' details of their
-- tasks, and the service times recorded against the time-limit targets.

CREATE TABLE consultations (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    channel TEXT NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    -- 首问负责制: the first receiver owns the consultation until it is closed.
    owner_id TEXT NOT NULL REFERENCES users(id),
    -- Referral (转介): a colleague who knows, or a specialist doctor of the archive.
    referred_to_id TEXT REFERENCES users(id),
    referred_doctor_id TEXT REFERENCES doctors(id),
    referral_note TEXT,
    department_id TEXT REFERENCES departments(id),
    topic TEXT,
    question TEXT NOT NULL,
    answer TEXT,
    outcome TEXT,
    state TEXT NOT NULL,
    callback_task_id TEXT REFERENCES tasks(id),
    received_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    closed_by TEXT REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX consultations_inst_received ON consultations (institution_id, received_at);
CREATE INDEX consultations_customer ON consultations (customer_id);
CREATE INDEX consultations_owner ON consultations (owner_id, state);

-- SVC-3: what an in-visit service task holds besides the task itself.
CREATE TABLE task_in_visit (
    task_id TEXT PRIMARY KEY NOT NULL REFERENCES tasks(id),
    service TEXT NOT NULL,
    -- The moment the due time is counted from (the result's time for a result call, the
    -- appointment or discharge time otherwise).
    reference_at TIMESTAMP NOT NULL,
    steps_done TEXT NOT NULL DEFAULT '',
    delivery TEXT,
    address TEXT,
    tracking_number TEXT,
    location TEXT
);
CREATE INDEX task_in_visit_service ON task_in_visit (service);

-- SVC-6: a measured service time against a target kind; the limit in force is kept with it.
CREATE TABLE service_times (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    target TEXT NOT NULL,
    customer_id TEXT REFERENCES customers(id),
    occurred_on DATE NOT NULL,
    minutes INTEGER NOT NULL,
    limit_minutes INTEGER NOT NULL,
    met BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT,
    recorded_by TEXT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX service_times_inst_day ON service_times (institution_id, occurred_on);
CREATE INDEX service_times_customer ON service_times (customer_id);
