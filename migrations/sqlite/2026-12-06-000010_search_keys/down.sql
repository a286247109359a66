DROP TABLE customer_search_keys;
