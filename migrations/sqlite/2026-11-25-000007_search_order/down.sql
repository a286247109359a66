DROP INDEX customers_live_pinyin;
