-- CUS-9 (issue 9): the keys a customer is found by beyond the name's start and the pinyin —
-- each character inside the name but the first (`name_char`: `婷` finds 白婷佳) and the last 4 and 6
-- characters of the ID number (`id_suffix`: `1234`, `311234`). One row per key (`term`), written with
-- the customer (hcrm-db `customers::NewCustomers`) and again when the name or the ID number
-- changes; the same table and statements on both backends. A merged or deleted customer
-- keeps its keys: searches read live customers only.
CREATE TABLE customer_search_keys (
    customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    term TEXT NOT NULL,
    PRIMARY KEY (customer_id, kind, term)
);
-- A search reads the customers of one key from this index alone.
CREATE INDEX customer_search_keys_key ON customer_search_keys (kind, term, customer_id);

-- SQLite's lower() folds ASCII only; names are Chinese, and later writes key through Rust.
INSERT OR IGNORE INTO customer_search_keys (customer_id, kind, term)
WITH RECURSIVE pos(id, name, i) AS (
    SELECT id, trim(name), 2 FROM customers WHERE length(trim(name)) >= 2
    UNION ALL
    SELECT id, name, i + 1 FROM pos WHERE i < length(name)
)
SELECT id, 'name_char', lower(substr(name, i, 1)) FROM pos
WHERE trim(substr(name, i, 1), ' ' || char(9, 10, 13, 12288)) <> ''
  AND lower(substr(name, i, 1)) <> lower(substr(name, 1, 1));

INSERT OR IGNORE INTO customer_search_keys (customer_id, kind, term)
SELECT id, 'id_suffix', substr(upper(id_number), -4) FROM customers
WHERE length(id_number) >= 4;
INSERT OR IGNORE INTO customer_search_keys (customer_id, kind, term)
SELECT id, 'id_suffix', substr(upper(id_number), -6) FROM customers
WHERE length(id_number) >= 6;
