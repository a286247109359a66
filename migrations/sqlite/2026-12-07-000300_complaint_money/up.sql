-- CMP-6, CMP-7, CMP-9: the money and accountability of a complaint, and its files. Every
-- row carries the case's institution (copied from the case) so that reads are scoped by it.

-- CMP-9: the files of a case. The content lives in its own table, so that listing
-- attachments never reads their bytes; both are stored in the database (one backup, both
-- backends).
CREATE TABLE complaint_attachments (
    id TEXT PRIMARY KEY NOT NULL,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    description TEXT,
    uploaded_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_attachments_complaint ON complaint_attachments (complaint_id, id);

CREATE TABLE complaint_attachment_contents (
    attachment_id TEXT PRIMARY KEY NOT NULL REFERENCES complaint_attachments(id) ON DELETE CASCADE,
    content BLOB NOT NULL
);

-- CMP-6: refunds and compensation with their approval chain.
CREATE TABLE complaint_refunds (
    id TEXT PRIMARY KEY NOT NULL,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    kind TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    method TEXT NOT NULL,
    reason TEXT NOT NULL,
    signed_document_id TEXT REFERENCES complaint_attachments(id),
    status TEXT NOT NULL,
    countersigned_by TEXT REFERENCES users(id),
    countersigned_at TIMESTAMP,
    approved_by TEXT REFERENCES users(id),
    approved_at TIMESTAMP,
    rejected_by TEXT REFERENCES users(id),
    rejected_at TIMESTAMP,
    rejection_reason TEXT,
    paid_by TEXT REFERENCES users(id),
    paid_at TIMESTAMP,
    expected_arrival_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_refunds_complaint ON complaint_refunds (complaint_id, id);

-- CMP-7: who is responsible, the proposed and the confirmed penalty level.
CREATE TABLE complaint_responsibilities (
    id TEXT PRIMARY KEY NOT NULL,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    staff_user_id TEXT REFERENCES users(id),
    staff_doctor_id TEXT REFERENCES doctors(id),
    staff_name TEXT NOT NULL,
    department_id TEXT REFERENCES departments(id),
    supervisor_user_id TEXT REFERENCES users(id),
    supervisor_name TEXT,
    leader_user_id TEXT REFERENCES users(id),
    leader_name TEXT,
    description TEXT NOT NULL,
    loss_fen BIGINT NOT NULL,
    serious_accident BOOLEAN NOT NULL,
    reputation_damage BOOLEAN NOT NULL,
    patient_dissatisfied BOOLEAN NOT NULL,
    proposed_level TEXT NOT NULL,
    confirmed_level TEXT,
    confirmed_by TEXT REFERENCES users(id),
    confirmed_at TIMESTAMP,
    confirmed_on DATE,
    confirmation_note TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_responsibilities_complaint ON complaint_responsibilities (complaint_id, id);
CREATE INDEX complaint_responsibilities_confirmed ON complaint_responsibilities (institution_id, confirmed_on);

-- Prevention measures (防范改善) with owner and due date.
CREATE TABLE complaint_improvements (
    id TEXT PRIMARY KEY NOT NULL,
    complaint_id TEXT NOT NULL REFERENCES complaints(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    text TEXT NOT NULL,
    owner_id TEXT NOT NULL REFERENCES users(id),
    due_on DATE NOT NULL,
    done BOOLEAN NOT NULL,
    done_at TIMESTAMP,
    done_by TEXT REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_improvements_complaint ON complaint_improvements (complaint_id, id);

-- Whether the complainant wants a follow-up call on the handling (回访), recorded as the case
-- closes; the follow-up plans (FUP-1) read it. One row per case once recorded.
CREATE TABLE complaint_follow_up_wishes (
    complaint_id TEXT PRIMARY KEY NOT NULL REFERENCES complaints(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    wanted BOOLEAN NOT NULL,
    note TEXT,
    recorded_by TEXT REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX complaint_follow_up_wishes_wanted ON complaint_follow_up_wishes (institution_id, wanted, recorded_at);
