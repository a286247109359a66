-- Issue 7 (X-3, X-4, X-6a, X-8): security hardening.

-- A sign-in attempt is recorded before its password is checked (pending = succeeded false),
-- so parallel attempts count; the per-address limit reads failures by address.
CREATE INDEX login_attempts_addr ON login_attempts (remote_addr, at);

-- API keys reach only what their scopes name (permission codes, JSON array).
ALTER TABLE api_keys ADD COLUMN scopes TEXT NOT NULL DEFAULT '["customer.read","customer.write","service.read","service.write","follow_up.read","integration.write"]';

-- X-8: the permission the first request passed, checked again before a replay is served.
ALTER TABLE idempotency_keys ADD COLUMN permission TEXT;

-- X-6a: a break-glass request names a category; over the daily cap it waits for a
-- supervisor's approval (approved_by/at) before it opens anything.
ALTER TABLE break_glass_grants ADD COLUMN category TEXT NOT NULL DEFAULT 'emergency';
ALTER TABLE break_glass_grants ADD COLUMN needs_approval BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE break_glass_grants ADD COLUMN approved_by TEXT;
ALTER TABLE break_glass_grants ADD COLUMN approved_at TIMESTAMP;
CREATE INDEX break_glass_user_granted ON break_glass_grants (user_id, granted_at);

-- X-6a: which roles may break the glass into this institution's records (JSON array of role
-- codes); NULL is the default set.
ALTER TABLE institutions ADD COLUMN break_glass_roles TEXT;
