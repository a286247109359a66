DROP TABLE waitlist_entries;
DROP TABLE appointments;
DROP TABLE schedule_exceptions;
DROP TABLE clinic_sessions;
DROP TABLE resource_schedules;
DROP TABLE clinic_resources;
