-- PERF-1 (issue 9): a search key carries its customer's list order (the pinyin), so that an
-- arm served by keys (one character inside names, `婷`) walks the keys of its term in list
-- order and stops after a page and the count's cap. Written by hcrm-db with the keys and again
-- when the name changes (the pinyin follows the name). The same as on PostgreSQL.
ALTER TABLE customer_search_keys ADD COLUMN name_pinyin TEXT NOT NULL DEFAULT '';
UPDATE customer_search_keys SET name_pinyin = (
    SELECT c.name_pinyin FROM customers c WHERE c.id = customer_search_keys.customer_id
);
DROP INDEX customer_search_keys_key;
CREATE INDEX customer_search_keys_key ON customer_search_keys (kind, term, name_pinyin, customer_id);

-- PERF-2: the customer 360 timeline lists the duplicates merged into a customer.
CREATE INDEX customers_merged_into ON customers (merged_into_id, updated_at)
    WHERE merged_into_id IS NOT NULL;
