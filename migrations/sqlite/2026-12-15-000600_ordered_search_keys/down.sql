DROP INDEX customers_merged_into;
DROP INDEX customer_search_keys_key;
ALTER TABLE customer_search_keys DROP COLUMN name_pinyin;
CREATE INDEX customer_search_keys_key ON customer_search_keys (kind, term, customer_id);
