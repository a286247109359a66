-- PERF-1: an exact lookup (a phone's last 4 digits, a mobile, an ID, card or HIS number) reads
-- each live customer it found by id, for the list order and the institution scope: from this
-- index alone, not from the table.
CREATE INDEX customers_live_id ON customers (id, name_pinyin, institution_id)
    WHERE merged_into_id IS NULL AND deleted_at IS NULL;
