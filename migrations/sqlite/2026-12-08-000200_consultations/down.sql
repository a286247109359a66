DROP TABLE service_times;
DROP TABLE task_in_visit;
DROP TABLE consultations;
