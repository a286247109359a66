DROP INDEX customers_pinyin_prefix;
DROP INDEX customers_initials_prefix;
