-- PERF-1: SQLite's LIKE is case-insensitive, so a prefix search (`zs%`) can use an index only
-- if the index is NOCASE (the PostgreSQL side adds text_pattern_ops and n-gram indexes).
CREATE INDEX customers_initials_prefix ON customers (name_initials COLLATE NOCASE);
CREATE INDEX customers_pinyin_prefix ON customers (name_pinyin COLLATE NOCASE);
