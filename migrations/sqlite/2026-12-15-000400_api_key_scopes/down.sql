DROP INDEX audit_events_api_key;
ALTER TABLE audit_events DROP COLUMN api_key_name;
ALTER TABLE audit_events DROP COLUMN api_key_id;

WITH m(scope, permission, rank) AS (VALUES
    ('organisation:read', 'institution.read', 1),
    ('organisation:read', 'department.read', 2),
    ('patients:read', 'customer.read', 3),
    ('patients:write', 'customer.write', 4),
    ('visits:read', 'service.read', 5),
    ('appointments:read', 'service.read', 5),
    ('appointments:write', 'service.write', 6),
    ('follow-ups:read', 'follow_up.read', 7),
    ('complaints:read', 'complaint.read', 8),
    ('patients:write', 'integration.write', 9),
    ('visits:write', 'integration.write', 9)
)
UPDATE api_keys SET scopes = (
    SELECT json_group_array(permission) FROM (
        SELECT DISTINCT m.permission, m.rank FROM json_each(api_keys.scopes) AS j
        JOIN m ON m.scope = j.value
        ORDER BY m.rank
    )
);
