-- PERF-1 / PERF-8: live customers in list order (pinyin, then id), so a search arm walks one
-- index in list order and stops after a page (CUS-9). The PostgreSQL side adds an index of
-- the character pairs inside names.
CREATE INDEX customers_live_pinyin ON customers (name_pinyin, id)
    WHERE merged_into_id IS NULL AND deleted_at IS NULL;
