//! The one clock. Every path that writes takes its time from a [`Clock`] passed in; nothing
//! else reads the system time (the tidy test `no_system_time_outside_the_clock` keeps it so).

use jiff::civil::Date;

/// Where "today" comes from. Phases and overdue flags move with the calendar, so tests and
/// demonstrations pin the date; a live server reads the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    #[default]
    System,
    Fixed(Date),
}

impl Clock {
    /// Today's date in the UK.
    pub fn today(self) -> Date {
        match self {
            Clock::System => domain::case::uk_date(jiff::Timestamp::now()),
            Clock::Fixed(d) => d,
        }
    }

    /// The real instant, whatever date is pinned: for what must follow real time even in a
    /// demonstration or a test (a session's idle and absolute limits, the sign-in lockout,
    /// the tokens that expire with them), never for what is recorded about a case.
    pub fn instant() -> jiff::Timestamp {
        jiff::Timestamp::now()
    }

    /// A monotonic instant for measuring intervals (the sign-in throttle's window), which no
    /// pinned date may stop.
    pub fn monotonic() -> std::time::Instant {
        std::time::Instant::now()
    }

    /// When something recorded now happened: the current instant, or, when the date is
    /// pinned, 18:00 UK time on that date (the end of a working day, so that what a test or a
    /// demonstration records that day has happened by then), the same on every run.
    pub fn now(self) -> jiff::Timestamp {
        match self {
            Clock::System => jiff::Timestamp::now(),
            Clock::Fixed(d) => {
                let london = jiff::tz::TimeZone::get("Europe/London").unwrap_or(jiff::tz::TimeZone::UTC);
                let evening = d.to_datetime(jiff::civil::time(18, 0, 0, 0));
                london.to_timestamp(evening).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            }
        }
    }
}
