DROP TABLE domain_events;
DROP TABLE visits;
