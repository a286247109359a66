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
-- A search reads the customers of one key from this index alone (index-only scan).
CREATE INDEX customer_search_keys_key ON customer_search_keys (kind, term, customer_id);

INSERT INTO customer_search_keys (customer_id, kind, term)
SELECT DISTINCT id, 'name_char', lower(substr(btrim(name), i, 1))
FROM customers, generate_series(2, char_length(btrim(name))) AS i
WHERE substr(btrim(name), i, 1) !~ '\s'
  AND lower(substr(btrim(name), i, 1)) <> lower(substr(btrim(name), 1, 1));

INSERT INTO customer_search_keys (customer_id, kind, term)
SELECT id, 'id_suffix', right(upper(id_number), 4) FROM customers
WHERE char_length(id_number) >= 4
UNION
SELECT id, 'id_suffix', right(upper(id_number), 6) FROM customers
WHERE char_length(id_number) >= 6;
