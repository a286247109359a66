DROP INDEX customers_name_grams;
DROP FUNCTION hcrm_name_grams(text);
DROP INDEX customers_pinyin_prefix;
DROP INDEX customers_initials_prefix;
