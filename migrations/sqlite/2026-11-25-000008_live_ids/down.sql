DROP INDEX customers_live_id;
