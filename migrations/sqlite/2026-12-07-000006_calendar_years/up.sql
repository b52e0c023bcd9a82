-- Holiday arrangements administrators entered on /admin/calendar, one row per year, from the State
-- Council's published notice (named in source): holidays and make-up working days as dates or
-- ranges, one per line, in the configuration's notation. A year here replaces the built-in or
-- configured arrangement of that year.
CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY NOT NULL,
    holidays TEXT NOT NULL,
    workdays TEXT NOT NULL,
    source TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    CONSTRAINT calendar_years_year_check CHECK (year BETWEEN 2000 AND 2100),
    CONSTRAINT calendar_years_source_check CHECK (source <> '')
);
