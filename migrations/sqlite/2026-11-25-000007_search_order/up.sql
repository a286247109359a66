-- PERF-1 / PERF-8: live customers in the orders searches list them in (CUS-9): by pinyin
-- (then id) and by initials (then pinyin, id), with what the search arms and the institution
-- scope test, so that a page reads only the index entries it shows. The PostgreSQL side adds
-- an index of the character pairs inside names.
CREATE INDEX customers_live_pinyin ON customers (name_pinyin, id, name_initials, name, institution_id)
    WHERE merged_into_id IS NULL AND deleted_at IS NULL;
CREATE INDEX customers_live_initials ON customers (name_initials, name_pinyin, id, institution_id)
    WHERE merged_into_id IS NULL AND deleted_at IS NULL;
DROP INDEX customers_initials_prefix;
