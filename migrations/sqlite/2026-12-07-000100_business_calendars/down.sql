DROP TABLE calendar_days;
DROP TABLE calendar_years;
DROP TABLE calendar_settings;
