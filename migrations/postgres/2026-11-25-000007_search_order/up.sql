-- PERF-1 / PERF-8: a search page costs what it shows, not what matches (CUS-9).
-- Searches are split into arms that each walk one index in list order and stop after a page:
-- pinyin (initials or full) and a name's beginning walk the live customers in pinyin order; a
-- name fragment inside the name uses the pairs of characters after the first.

-- Live customers in list order (pinyin, then id), both directions, with what the search arms
-- and the institution scope test, so that a page's ids come from the index alone (index-only
-- scan): a broad `lx` skips the rows it does not show without reading them.
CREATE INDEX customers_live_pinyin ON customers (name_pinyin, id)
    INCLUDE (name_initials, name, institution_id)
    WHERE merged_into_id IS NULL AND deleted_at IS NULL;

-- Live customers by initials (then pinyin, id): a search by initials (`zx`) lists its matches
-- in this order, so a page reads only the entries it shows, wherever they lie in pinyin order.
CREATE INDEX customers_live_initials ON customers (name_initials, name_pinyin, id)
    INCLUDE (institution_id)
    WHERE merged_into_id IS NULL AND deleted_at IS NULL;

-- Every pair of characters of the lower-cased name that does not start it (`张王伟` → 王伟):
-- a two-character fragment inside a name. Fragments at the start go through the pinyin order;
-- three or more characters use the trigram index customers_name_trgm.
CREATE FUNCTION hcrm_inner_pairs(name text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
        SELECT coalesce(array_agg(DISTINCT substr(lower(name), i, 2)), '{}')
        FROM generate_series(2, char_length(name) - 1) AS i
    $$;
CREATE INDEX customers_inner_pairs ON customers USING gin (hcrm_inner_pairs(name))
    WHERE merged_into_id IS NULL AND deleted_at IS NULL;

-- The last four digits of a phone with their customer, so that `5678` finds its customers'
-- ids in the index alone.
CREATE INDEX customer_phones_last4_customer ON customer_phones (last4) INCLUDE (customer_id);
DROP INDEX customer_phones_last4;

-- Replaced by the ones above.
DROP INDEX customers_name_grams;
DROP FUNCTION hcrm_name_grams(text);
DROP INDEX customers_pinyin_prefix;
DROP INDEX customers_initials_prefix;
