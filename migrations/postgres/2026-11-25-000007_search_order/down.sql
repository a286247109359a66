CREATE INDEX customer_phones_last4 ON customer_phones (last4);
DROP INDEX customer_phones_last4_customer;
CREATE INDEX customers_initials_prefix ON customers (name_initials text_pattern_ops);
CREATE INDEX customers_pinyin_prefix ON customers (name_pinyin text_pattern_ops);
CREATE FUNCTION hcrm_name_grams(name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT coalesce(array_agg(DISTINCT g), '{}')
        FROM (
            SELECT substr(lower(name), i, 1) AS g FROM generate_series(1, char_length(name)) AS i
            UNION ALL
            SELECT substr(lower(name), i, 2) FROM generate_series(1, char_length(name) - 1) AS i
        ) AS grams
    $$;
CREATE INDEX customers_name_grams ON customers USING gin (hcrm_name_grams(name));
DROP INDEX customers_inner_pairs;
DROP FUNCTION hcrm_inner_pairs(text);
DROP INDEX customers_live_pinyin;
DROP INDEX customers_live_initials;
