//! The scheduler: one dedicated thread (not an actix worker) that sleeps until the next job is due
//! according to its cron schedule, runs it, and stops promptly when asked.

use std::sync::mpsc::{Receiver, RecvTimeoutError};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::domain::clock::Clock;

/// A job the scheduler runs.
pub struct Job {
    /// Shown in logs.
    pub name: &'static str,
    /// When it runs.
    pub schedule: cron::Schedule,
    /// The work; it receives the scheduled instant as "now".
    pub run: Box<dyn FnMut(DateTime<Utc>) + Send>,
}

/// The next instant any job is due after `after`, and the indexes of the jobs due then.
fn next_due(jobs: &[Job], tz: Tz, after: DateTime<Utc>) -> Option<(DateTime<Utc>, Vec<usize>)> {
    let local = after.with_timezone(&tz);
    let times: Vec<_> =
        jobs.iter().map(|job| job.schedule.after(&local).next().map(|t| t.with_timezone(&Utc))).collect();
    let earliest = times.iter().flatten().min().copied()?;
    let due = times.iter().enumerate().filter(|(_, t)| **t == Some(earliest)).map(|(i, _)| i).collect();
    Some((earliest, due))
}

/// Runs the jobs until a message arrives on `stop` or its sender is dropped.
pub fn run(mut jobs: Vec<Job>, tz: Tz, clock: Clock, stop: &Receiver<()>) {
    let mut after = clock.now_utc();
    while let Some((at, due)) = next_due(&jobs, tz, after) {
        let wait = (at - clock.now_utc()).to_std().unwrap_or_default();
        match stop.recv_timeout(wait) {
            Err(RecvTimeoutError::Timeout) => {}
            Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
        }
        for index in due {
            let job = &mut jobs[index];
            tracing::debug!(job = job.name, %at, "running scheduled job");
            (job.run)(at);
        }
        after = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn job(name: &'static str, expr: &str) -> Job {
        Job { name, schedule: cron::Schedule::from_str(expr).unwrap(), run: Box::new(|_| {}) }
    }

    #[test]
    fn next_due_uses_the_configured_time_zone() {
        // 09:00 in Shanghai is 01:00 UTC.
        let jobs = [job("sweep", "0 0 9 * * *"), job("digest", "0 30 8 * * Mon")];
        let after = DateTime::parse_from_rfc3339("2026-11-22T00:00:00Z").unwrap().with_timezone(&Utc);
        let (at, due) = next_due(&jobs, chrono_tz::Asia::Shanghai, after).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-11-22T01:00:00+00:00");
        assert_eq!(due, [0]);
        let (at, due) = next_due(&jobs, chrono_tz::Asia::Shanghai, at).unwrap();
        // Monday 23 November 08:30 Shanghai.
        assert_eq!(at.to_rfc3339(), "2026-11-23T00:30:00+00:00");
        assert_eq!(due, [1]);
    }

    #[test]
    fn stop_ends_the_loop() {
        let (tx, rx) = std::sync::mpsc::channel();
        let handle =
            std::thread::spawn(move || run(vec![job("tick", "* * * * * *")], chrono_tz::UTC, Clock::System, &rx));
        tx.send(()).unwrap();
        handle.join().unwrap();
    }
}
