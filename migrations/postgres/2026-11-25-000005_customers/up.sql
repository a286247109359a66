-- Issue #3: the customer archive (CUS-1 … CUS-13), contact records, tasks, break-glass.
-- Designed for a million customers per group: every search path has an index, merged and
-- deleted customers stay (history) but are excluded by `merged_into_id`/`deleted_at`.

CREATE TABLE customers (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_pinyin TEXT NOT NULL,
    name_initials TEXT NOT NULL,
    gender TEXT,
    birth_date DATE,
    birth_month INTEGER,
    id_type TEXT,
    id_number TEXT,
    card_number TEXT,
    form_of_address TEXT NOT NULL,
    form_of_address_custom BOOLEAN NOT NULL DEFAULT FALSE,
    lifecycle_stage TEXT NOT NULL,
    relationship_type TEXT,
    source_channel TEXT,
    account_manager_id TEXT REFERENCES users(id),
    uscc TEXT,
    employer_id TEXT REFERENCES customers(id),
    merged_into_id TEXT REFERENCES customers(id),
    deleted_at TIMESTAMP,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX customers_inst_name ON customers (institution_id, name);
CREATE INDEX customers_inst_pinyin ON customers (institution_id, name_pinyin);
CREATE INDEX customers_inst_initials ON customers (institution_id, name_initials);
CREATE INDEX customers_id_number ON customers (id_number);
CREATE INDEX customers_card_number ON customers (card_number);
CREATE INDEX customers_uscc ON customers (uscc);
CREATE INDEX customers_manager ON customers (account_manager_id);
CREATE INDEX customers_birth_month ON customers (institution_id, birth_month);
CREATE INDEX customers_employer ON customers (employer_id);

-- The rest of the profile (CUS-4, CUS-6), one row per customer.
CREATE TABLE customer_profiles (
    customer_id TEXT PRIMARY KEY NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    landline TEXT,
    wechat TEXT,
    qq TEXT,
    email TEXT,
    province TEXT,
    city TEXT,
    district TEXT,
    street TEXT,
    occupation TEXT,
    education TEXT,
    marital_status TEXT,
    family_situation TEXT,
    preferred_language TEXT,
    preferred_channel TEXT,
    preferred_hours TEXT,
    source_detail TEXT,
    referred_by_id TEXT REFERENCES customers(id),
    interests TEXT NOT NULL DEFAULT '[]',
    notes TEXT,
    industry TEXT,
    org_size TEXT
);

CREATE TABLE customer_phones (
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    phone TEXT NOT NULL,
    last4 TEXT NOT NULL,
    is_primary BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (customer_id, phone)
);
CREATE INDEX customer_phones_phone ON customer_phones (phone);
CREATE INDEX customer_phones_last4 ON customer_phones (last4);

CREATE TABLE customer_categories (
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (customer_id, category)
);

CREATE TABLE customer_tags (
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags (tag);

-- HIS and other systems' ids (X-8 upserts key on them); unique per institution and system.
CREATE TABLE customer_external_ids (
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    system TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (institution_id, system, external_id)
);
CREATE INDEX customer_external_ids_customer ON customer_external_ids (customer_id);
CREATE INDEX customer_external_ids_value ON customer_external_ids (external_id);

CREATE TABLE customer_stage_history (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    from_stage TEXT,
    to_stage TEXT NOT NULL,
    reason TEXT,
    changed_by TEXT,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_stage_history_customer ON customer_stage_history (customer_id, changed_at);

CREATE TABLE customer_relations (
    id TEXT PRIMARY KEY NOT NULL,
    from_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    to_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    note TEXT,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (from_id, to_id, kind)
);
CREATE INDEX customer_relations_to ON customer_relations (to_id);

CREATE TABLE customer_contracts (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    starts_on DATE,
    ends_on DATE,
    terms TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX customer_contracts_customer ON customer_contracts (customer_id);

-- CUS-5: medical-sensitive profile, read audited.
CREATE TABLE customer_medical (
    customer_id TEXT PRIMARY KEY NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    allergies TEXT,
    family_history TEXT,
    chronic_conditions TEXT,
    information_needs TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- X-6: VIP private details, for the account manager, supervisor and up.
CREATE TABLE customer_private_notes (
    customer_id TEXT PRIMARY KEY NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    preferences TEXT,
    habits TEXT,
    family_background TEXT,
    special_requirements TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    updated_by TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- CUS-12: contact records.
CREATE TABLE contacts (
    id TEXT PRIMARY KEY NOT NULL,
    customer_id TEXT NOT NULL REFERENCES customers(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    party TEXT NOT NULL,
    party_customer_id TEXT REFERENCES customers(id),
    subject TEXT NOT NULL,
    content TEXT,
    feedback TEXT,
    agreement TEXT,
    next_step TEXT,
    next_step_on DATE,
    minutes_spent INTEGER,
    money_spent_fen BIGINT,
    owner_id TEXT NOT NULL REFERENCES users(id),
    occurred_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_customer ON contacts (customer_id, occurred_at);

-- A general work queue reused by later modules (follow-ups, care, in-visit services).
CREATE TABLE tasks (
    id TEXT PRIMARY KEY NOT NULL,
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT,
    owner_id TEXT REFERENCES users(id),
    team TEXT,
    due_on DATE,
    due_at TIMESTAMP,
    status TEXT NOT NULL,
    customer_id TEXT REFERENCES customers(id),
    source_type TEXT,
    source_id TEXT,
    outcome TEXT,
    completed_at TIMESTAMP,
    completed_by TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX tasks_owner_status_due ON tasks (owner_id, status, due_on);
CREATE INDEX tasks_inst_status_due ON tasks (institution_id, status, due_on);
CREATE INDEX tasks_customer ON tasks (customer_id);
CREATE INDEX tasks_source ON tasks (source_type, source_id);

-- X-6a: time-limited access by stating a reason, for the supervisor's review.
CREATE TABLE break_glass_grants (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    reason TEXT NOT NULL,
    granted_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    reviewed_by TEXT REFERENCES users(id),
    reviewed_at TIMESTAMP,
    review_note TEXT
);
CREATE INDEX break_glass_user_customer ON break_glass_grants (user_id, customer_id, expires_at);
CREATE INDEX break_glass_review ON break_glass_grants (institution_id, reviewed_at);

-- PostgreSQL only (PERF-1): trigram indexes make name fragments and phone suffixes fast on a
-- million customers; live customers only.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX customers_name_trgm ON customers USING gin (name gin_trgm_ops) WHERE merged_into_id IS NULL AND deleted_at IS NULL;
