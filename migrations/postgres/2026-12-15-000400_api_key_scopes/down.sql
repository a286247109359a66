DROP INDEX audit_events_api_key;
ALTER TABLE audit_events DROP COLUMN api_key_name;
ALTER TABLE audit_events DROP COLUMN api_key_id;

ALTER TABLE api_keys ALTER COLUMN scopes SET DEFAULT '["customer.read","customer.write","service.read","service.write","follow_up.read","integration.write"]';
UPDATE api_keys SET scopes = COALESCE((
    SELECT json_agg(s.permission ORDER BY s.rank)::text FROM (
        SELECT DISTINCT m.permission, m.rank FROM json_array_elements_text(api_keys.scopes::json) AS j(scope)
        JOIN (VALUES
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
        ) AS m(scope, permission, rank) ON m.scope = j.scope
    ) AS s
), '[]');
