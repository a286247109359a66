-- Foundation (issue #2): organisation, staff, sign-in, audit trail.
-- Ids are UUID v7 as text; instants are UTC; the PostgreSQL twin has the same tables.

CREATE TABLE institutions (
    id TEXT PRIMARY KEY NOT NULL,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    city TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    time_zone TEXT NOT NULL,
    address TEXT,
    hotline TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE departments (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    name TEXT NOT NULL,
    code TEXT,
    phone TEXT,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (institution_id, name)
);

CREATE TABLE doctors (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    department_id TEXT NOT NULL REFERENCES departments(id),
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    specialties TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX doctors_department ON doctors (department_id);

CREATE TABLE doctor_schedules (
    id TEXT PRIMARY KEY NOT NULL,
    doctor_id TEXT NOT NULL REFERENCES doctors(id) ON DELETE CASCADE,
    weekday INTEGER,
    on_date DATE,
    half_day TEXT NOT NULL,
    capacity INTEGER NOT NULL
);
CREATE INDEX doctor_schedules_doctor ON doctor_schedules (doctor_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    phone TEXT,
    password_hash TEXT NOT NULL,
    group_wide BOOLEAN NOT NULL DEFAULT 0,
    supervisor_id TEXT REFERENCES users(id),
    department_id TEXT REFERENCES departments(id),
    active BOOLEAN NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    last_login_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE user_institutions (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    PRIMARY KEY (user_id, institution_id)
);
CREATE INDEX user_institutions_institution ON user_institutions (institution_id);

CREATE TABLE refresh_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    family_id TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    revoked_at TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE login_attempts (
    id TEXT PRIMARY KEY NOT NULL,
    username TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    remote_addr TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX login_attempts_username_at ON login_attempts (username, at);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY NOT NULL,
    at TIMESTAMP NOT NULL,
    actor_id TEXT,
    actor_username TEXT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT,
    institution_id TEXT,
    changes TEXT NOT NULL,
    remote_addr TEXT,
    flagged BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_entity ON audit_events (entity_type, entity_id);
CREATE INDEX audit_events_actor ON audit_events (actor_id, at);

-- X-5: the audit trail is append-only, enforced by the database itself.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- SQLite write transactions touch this row first so that they take the write lock up front
-- and wait (busy_timeout) instead of failing when two requests write at once.
CREATE TABLE write_lock (id INTEGER PRIMARY KEY NOT NULL, n BIGINT NOT NULL);
INSERT INTO write_lock (id, n) VALUES (1, 0);
