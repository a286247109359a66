ALTER TABLE institutions DROP COLUMN break_glass_roles;
DROP INDEX break_glass_user_granted;
ALTER TABLE break_glass_grants DROP COLUMN approved_at;
ALTER TABLE break_glass_grants DROP COLUMN approved_by;
ALTER TABLE break_glass_grants DROP COLUMN needs_approval;
ALTER TABLE break_glass_grants DROP COLUMN category;
ALTER TABLE idempotency_keys DROP COLUMN permission;
ALTER TABLE api_keys DROP COLUMN scopes;
DROP INDEX login_attempts_addr;
