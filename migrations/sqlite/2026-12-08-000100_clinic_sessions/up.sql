-- ORG-2, SVC-2, SVC-2a: examination resources, clinic sessions (出诊), their exceptions,
-- appointments and the waitlist.

-- 检查资源 — an examination resource (ultrasound room, CT …), scheduled like a doctor.
CREATE TABLE clinic_resources (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    department_id TEXT REFERENCES departments(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX clinic_resources_institution ON clinic_resources (institution_id, name);

CREATE TABLE resource_schedules (
    id TEXT PRIMARY KEY NOT NULL,
    resource_id TEXT NOT NULL REFERENCES clinic_resources(id) ON DELETE CASCADE,
    weekday INTEGER,
    on_date DATE,
    half_day TEXT NOT NULL,
    capacity INTEGER NOT NULL
);
CREATE INDEX resource_schedules_resource ON resource_schedules (resource_id);

-- 出诊 — one half-day of one doctor or one resource with its places. `booked` only moves
-- by a guarded UPDATE (`booked + n <= capacity`), so it never passes the capacity.
CREATE TABLE clinic_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    department_id TEXT REFERENCES departments(id),
    doctor_id TEXT REFERENCES doctors(id),
    resource_id TEXT REFERENCES clinic_resources(id),
    on_date DATE NOT NULL,
    half_day TEXT NOT NULL,
    -- The half-day's order in the day (0 morning, 1 afternoon, 2 evening), for lists.
    slot INTEGER NOT NULL,
    capacity INTEGER NOT NULL CHECK (capacity >= 0),
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0 AND booked <= capacity),
    status TEXT NOT NULL,
    origin TEXT NOT NULL,
    cancel_reason TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((doctor_id IS NULL) <> (resource_id IS NULL))
);
CREATE UNIQUE INDEX clinic_sessions_doctor_slot ON clinic_sessions (doctor_id, on_date, half_day)
    WHERE doctor_id IS NOT NULL;
CREATE UNIQUE INDEX clinic_sessions_resource_slot ON clinic_sessions (resource_id, on_date, half_day)
    WHERE resource_id IS NOT NULL;
CREATE INDEX clinic_sessions_department_date ON clinic_sessions (department_id, on_date, slot);
CREATE INDEX clinic_sessions_institution_date ON clinic_sessions (institution_id, on_date, slot);

-- 停诊 — a doctor's leave or a resource out of service for a date range.
CREATE TABLE schedule_exceptions (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    doctor_id TEXT REFERENCES doctors(id),
    resource_id TEXT REFERENCES clinic_resources(id),
    from_date DATE NOT NULL,
    to_date DATE NOT NULL,
    reason TEXT NOT NULL,
    sessions_cancelled INTEGER NOT NULL,
    appointments_moved INTEGER NOT NULL,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    CHECK ((doctor_id IS NULL) <> (resource_id IS NULL))
);
CREATE INDEX schedule_exceptions_institution ON schedule_exceptions (institution_id, from_date);

-- 预约 — one booking of one or more places (a group's) in one session.
CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    session_id TEXT NOT NULL REFERENCES clinic_sessions(id),
    kind TEXT NOT NULL,
    places INTEGER NOT NULL CHECK (places >= 1),
    status TEXT NOT NULL,
    note TEXT,
    cancel_reason TEXT,
    booked_by TEXT REFERENCES users(id),
    reminded_at TIMESTAMP,
    ended_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- One live booking per customer and session (a cancelled one may be booked again).
CREATE UNIQUE INDEX appointments_one_per_session ON appointments (session_id, customer_id)
    WHERE status IN ('booked', 'arrived', 'no_show');
CREATE INDEX appointments_customer ON appointments (customer_id, created_at);
CREATE INDEX appointments_institution_status ON appointments (institution_id, status);
CREATE INDEX appointments_due_reminder ON appointments (status, reminded_at);

-- SVC-2a: 候补 — patients waiting for a place in a full session.
CREATE TABLE waitlist_entries (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    session_id TEXT NOT NULL REFERENCES clinic_sessions(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    places INTEGER NOT NULL CHECK (places >= 1),
    note TEXT,
    status TEXT NOT NULL,
    offered_at TIMESTAMP,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX waitlist_one_per_session ON waitlist_entries (session_id, customer_id)
    WHERE status = 'waiting';
CREATE INDEX waitlist_session ON waitlist_entries (session_id, status, created_at);
CREATE INDEX waitlist_customer ON waitlist_entries (customer_id);
