-- ORG-3: each institution's business calendar. The time zone is the institution's own
-- `time_zone`. An institution without a row in calendar_settings works the default hours
-- (08:00-12:00, 13:30-17:30, Monday to Friday); a year without a row in calendar_years is the
-- official schedule shipped with the product (read at run time, not copied here), so new
-- institutions and new shipped years need no rows.
CREATE TABLE calendar_settings (
    institution_id TEXT PRIMARY KEY NOT NULL REFERENCES institutions(id),
    -- Working intervals of a day, in order: "08:00-12:00,13:30-17:30".
    hours TEXT NOT NULL,
    -- Weekly rest days as codes, Monday first: "saturday,sunday".
    rest_days TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- A year of special days an institution imported, with the notice it comes from; it
-- replaces the shipped year of the same number for that institution.
CREATE TABLE calendar_years (
    institution_id TEXT NOT NULL REFERENCES institutions(id),
    year INTEGER NOT NULL,
    notice TEXT NOT NULL,
    document_number TEXT,
    imported_at TIMESTAMP NOT NULL,
    imported_by TEXT REFERENCES users(id),
    PRIMARY KEY (institution_id, year)
);

-- The holidays and make-up working days (kind holiday | makeup_workday) of an imported year.
CREATE TABLE calendar_days (
    institution_id TEXT NOT NULL,
    day DATE NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (institution_id, day),
    FOREIGN KEY (institution_id, year) REFERENCES calendar_years(institution_id, year)
);
CREATE INDEX calendar_days_year ON calendar_days (institution_id, year);
