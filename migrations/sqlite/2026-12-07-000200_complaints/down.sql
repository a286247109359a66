DROP TABLE complaint_escalations;
DROP TABLE complaint_clocks;
DROP TABLE complaint_history;
DROP TABLE complaint_involved;
DROP TABLE complaints;
DROP TABLE complaint_counters;
