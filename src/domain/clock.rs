//! The one place that reads the wall clock.
//!
//! Every rule takes "now" or "today" as a parameter; callers obtain it from a [`Clock`], which tests
//! replace with a fixed instant so that they can travel through a whole execution period.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Where the current time comes from.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    /// The real wall clock.
    System,
    /// A frozen instant (UTC), for tests and reproducible command-line runs.
    Fixed(NaiveDateTime),
}

impl Clock {
    /// The current instant in UTC, without a time zone as stored in the database.
    pub fn now(&self) -> NaiveDateTime {
        self.now_utc().naive_utc()
    }

    /// The current instant in UTC.
    pub fn now_utc(&self) -> DateTime<Utc> {
        match self {
            #[expect(clippy::disallowed_methods, reason = "the single sanctioned wall-clock read")]
            Clock::System => Utc::now(),
            Clock::Fixed(at) => at.and_utc(),
        }
    }

    /// Today where the people served are: the date in the configured zone, which is 2026-03-02 in
    /// Shanghai while it is still 2026-03-01 in UTC.
    pub fn today<Tz: TimeZone>(&self, tz: &Tz) -> NaiveDate {
        self.now_utc().with_timezone(tz).date_naive()
    }
}
