-- X-3 (issue 12): an API key names scopes (`patients:write` …, hcrm_domain::ApiScope), no longer
-- permission codes. Each stored permission maps onto the scopes that grant it (service.read was
-- both appointments and visits; integration.write was the HIS's pushes of visits and the reading
-- of its batches); permissions no scope grants are dropped (none of the integration role's).
WITH m(permission, scope, rank) AS (VALUES
    ('institution.read', 'organisation:read', 1),
    ('department.read', 'organisation:read', 1),
    ('customer.read', 'patients:read', 2),
    ('customer.write', 'patients:write', 3),
    ('service.read', 'visits:read', 4),
    ('integration.write', 'visits:write', 5),
    ('service.read', 'appointments:read', 6),
    ('service.write', 'appointments:write', 7),
    ('follow_up.read', 'follow-ups:read', 8),
    ('integration.write', 'batches:read', 9)
)
UPDATE api_keys SET scopes = (
    SELECT json_group_array(scope) FROM (
        SELECT DISTINCT m.scope, m.rank FROM json_each(api_keys.scopes) AS j
        JOIN m ON m.permission = j.value
        ORDER BY m.rank
    )
);

-- X-5: an entry written with an API key names the key as well as its user.
ALTER TABLE audit_events ADD COLUMN api_key_id TEXT;
ALTER TABLE audit_events ADD COLUMN api_key_name TEXT;
CREATE INDEX audit_events_api_key ON audit_events (api_key_id, at);
