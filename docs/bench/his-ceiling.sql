\set seed random(1, 2000000000)
BEGIN;
WITH picked AS (
  SELECT g, (SELECT id FROM ceil_customers WHERE n = 1 + ((:seed::bigint * 7919 + g * 104729) % 199000)) AS customer_id
  FROM generate_series(1, 1000) g
), v AS (
  INSERT INTO visits (id, institution_id, customer_id, kind, sequence, department_id, doctor_id, diagnosis_category, visited_at, ended_at, amount_fen, insurance_fen, paid_fen, external_id, note, version, created_by, created_at, updated_at)
  SELECT '01c' || lpad(to_hex(nextval('ceil_ids')), 33, '0'), '__INST__', customer_id, 'outpatient', 'return', NULL, NULL, 'cardiology', now(), NULL, 12000, 3000, 9000, 'V' || :seed || '-' || g, NULL, 1, '__USER__', now(), now()
  FROM picked
  ON CONFLICT (institution_id, external_id) DO UPDATE SET note = excluded.note, version = excluded.version WHERE visits.version + 1 = excluded.version
  RETURNING id, customer_id
), e AS (
  INSERT INTO domain_events (id, kind, subject_type, subject_id, institution_id, customer_id, occurred_at, recorded_at, payload)
  SELECT '01d' || lpad(to_hex(nextval('ceil_ids')), 33, '0'), 'visit_recorded', 'visit', id, '__INST__', customer_id, now(), now(),
    '{"visit_id":"' || id || '","kind":"outpatient","amount_fen":12000,"department_id":null,"visited_at":"2026-12-07T10:00:00Z"}'
  FROM v
  ON CONFLICT (kind, subject_type, subject_id) DO NOTHING
  RETURNING 1
)
INSERT INTO audit_events (id, at, actor_id, actor_username, action, entity_type, entity_id, institution_id, changes, remote_addr, flagged, api_key_id)
SELECT '01e' || lpad(to_hex(nextval('ceil_ids')), 33, '0'), now(), '__USER__', 'his.bj01', 'create', 'visit', id, '__INST__',
  '{"kind":"outpatient","sequence":"return","amount_fen":12000,"insurance_fen":3000,"paid_fen":9000,"external_id":"V1","via":"integration_batch"}', '127.0.0.1', false, NULL
FROM v;
COMMIT;
