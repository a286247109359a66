-- PERF-1 / PERF-8: customer search on a million customers without full scans (CUS-9).
-- Whole-table indexes on purpose: with partial ones PostgreSQL re-evaluates the search's OR on
-- every row it fetches (a BitmapOr over exact arms needs no recheck).

-- Pinyin initials (`zs`) and full pinyin (`zhangsan`) are prefix searches: LIKE 'zs%' uses a
-- B-tree only with text_pattern_ops unless the database collation is "C".
CREATE INDEX customers_initials_prefix ON customers (name_initials text_pattern_ops);
CREATE INDEX customers_pinyin_prefix ON customers (name_pinyin text_pattern_ops);

-- Name fragments of one or two characters (`王伟`) have no trigram; index every character and
-- every pair of characters of the lower-cased name instead (fragments of three or more use the
-- trigram index customers_name_trgm).
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
