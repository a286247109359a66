CREATE INDEX customers_initials_prefix ON customers (name_initials COLLATE NOCASE);
DROP INDEX customers_live_initials;
DROP INDEX customers_live_pinyin;
