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
)
SELECT count(*) FROM v;
COMMIT;
