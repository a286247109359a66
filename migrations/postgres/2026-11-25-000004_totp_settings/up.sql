-- X-6c: two-factor sign-in (TOTP) per user, and settings (which roles must use it).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled BOOLEAN NOT NULL DEFAULT FALSE;
-- The last 30-second step whose code was accepted: a code works once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    updated_at TIMESTAMP NOT NULL
);
