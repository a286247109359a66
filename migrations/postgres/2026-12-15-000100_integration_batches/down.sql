DROP TABLE integration_batches;
DROP TABLE visit_charges;
