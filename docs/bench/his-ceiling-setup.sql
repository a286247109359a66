CREATE SEQUENCE ceil_ids;
INSERT INTO customers (id, institution_id, kind, name, name_pinyin, name_initials, form_of_address, lifecycle_stage, created_at, updated_at)
SELECT '01b' || lpad(to_hex(nextval('ceil_ids')), 33, '0'), '__INST__', 'individual', '客户' || g, 'kehu', 'kh', '尊敬的客户', 'current', now(), now()
FROM generate_series(1, 200000) g;
CREATE TABLE ceil_customers AS SELECT row_number() OVER () AS n, id FROM customers WHERE institution_id = '__INST__';
ALTER TABLE ceil_customers ADD PRIMARY KEY (n);
VACUUM ANALYZE;
