//! Progress reporting and cancellation for long work (imports, rebuilds, analytics).
//!
//! The library reports through a [`Reporter`]; the CLI draws a progress bar from it and the window a
//! status-bar entry. Cancellation is cooperative: long loops call [`Reporter::check`] between batches.

use crate::error::{Error, Result};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// A cancel flag shared between the one who asks and the work that obeys.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What the work is counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Bytes,
    Rows,
    Steps,
}

/// What long work is doing now. The command line prints [`Stage::english`]; the window shows
/// the stage in its language ([`crate::i18n::Lang::stage`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    Reading,
    Scanning,
    Loading,
    Committing,
    Exporting,
    Sorting,
    Profiling,
    Fitting,
    Recommending,
    Evaluating,
    BackingUp,
    Checking,
    Copying,
    Restoring,
    Cleaning,
    Saving,
    Counting,
}

impl Stage {
    pub const ALL: [Stage; 17] = [
        Stage::Reading,
        Stage::Scanning,
        Stage::Loading,
        Stage::Committing,
        Stage::Exporting,
        Stage::Sorting,
        Stage::Profiling,
        Stage::Fitting,
        Stage::Recommending,
        Stage::Evaluating,
        Stage::BackingUp,
        Stage::Checking,
        Stage::Copying,
        Stage::Restoring,
        Stage::Cleaning,
        Stage::Saving,
        Stage::Counting,
    ];

    /// The stage's name in English, as the command line's progress lines print it.
    pub fn english(self) -> &'static str {
        match self {
            Stage::Reading => "Reading",
            Stage::Scanning => "Scanning",
            Stage::Loading => "Loading",
            Stage::Committing => "Committing",
            Stage::Exporting => "Exporting",
            Stage::Sorting => "Sorting",
            Stage::Profiling => "Profiling",
            Stage::Fitting => "Fitting",
            Stage::Recommending => "Recommending",
            Stage::Evaluating => "Evaluating",
            Stage::BackingUp => "Backing up",
            Stage::Checking => "Checking",
            Stage::Copying => "Copying",
            Stage::Restoring => "Restoring",
            Stage::Cleaning => "Cleaning",
            Stage::Saving => "Saving",
            Stage::Counting => "Counting",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.english())
    }
}

/// One progress report.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// What is being done now.
    pub stage: Stage,
    pub done: u64,
    pub total: Option<u64>,
    pub unit: Unit,
    /// Rows handled so far, when the work counts rows besides bytes.
    pub rows: u64,
    pub elapsed: Duration,
}

impl Progress {
    pub fn fraction(&self) -> Option<f32> {
        self.total
            .filter(|t| *t > 0)
            .map(|t| (self.done as f64 / t as f64).clamp(0.0, 1.0) as f32)
    }

    /// Remaining time, extrapolated from the rate so far.
    pub fn eta(&self) -> Option<Duration> {
        let f = self.fraction()? as f64;
        if f <= 0.01 || self.elapsed < Duration::from_millis(200) {
            return None;
        }
        let total = self.elapsed.as_secs_f64() / f;
        Some(Duration::from_secs_f64(
            (total - self.elapsed.as_secs_f64()).max(0.0),
        ))
    }
}

type Sink<'a> = dyn Fn(&Progress) + Send + Sync + 'a;

/// Handed to long work: reports progress (at most every 50 ms) and tells it when to stop.
pub struct Reporter<'a> {
    cancel: CancelToken,
    sink: Option<&'a Sink<'a>>,
    started: Instant,
    last: std::sync::Mutex<Option<Instant>>,
}

impl<'a> Reporter<'a> {
    pub fn new(cancel: CancelToken, sink: &'a Sink<'a>) -> Self {
        Reporter {
            cancel,
            sink: Some(sink),
            started: Instant::now(),
            last: std::sync::Mutex::new(None),
        }
    }

    /// A reporter that reports nothing and is never cancelled.
    pub fn silent() -> Reporter<'static> {
        Reporter {
            cancel: CancelToken::new(),
            sink: None,
            started: Instant::now(),
            last: std::sync::Mutex::new(None),
        }
    }

    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    /// Returns `Err(Cancelled)` once cancellation was asked for.
    pub fn check(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            Err(Error::Cancelled)
        } else {
            Ok(())
        }
    }

    /// Reports progress, throttled; `force` reports even if the last report was recent.
    pub fn report(
        &self,
        stage: Stage,
        done: u64,
        total: Option<u64>,
        unit: Unit,
        rows: u64,
        force: bool,
    ) {
        let Some(sink) = self.sink else { return };
        let now = Instant::now();
        {
            let Ok(mut last) = self.last.lock() else {
                return;
            };
            if !force
                && let Some(t) = *last
                && now.duration_since(t) < Duration::from_millis(50)
            {
                return;
            }
            *last = Some(now);
        }
        sink(&Progress {
            stage,
            done,
            total,
            unit,
            rows,
            elapsed: now.duration_since(self.started),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_extrapolates_from_rate() {
        let p = Progress {
            stage: Stage::Reading,
            done: 25,
            total: Some(100),
            unit: Unit::Bytes,
            rows: 0,
            elapsed: Duration::from_secs(1),
        };
        assert_eq!(p.fraction(), Some(0.25));
        let eta = p.eta().unwrap().as_secs_f64();
        assert!((eta - 3.0).abs() < 1e-6, "{eta}");
    }

    #[test]
    fn cancelled_reporter_stops_work() {
        let r = Reporter::silent();
        assert!(r.check().is_ok());
        r.cancel_token().cancel();
        assert!(matches!(r.check(), Err(Error::Cancelled)));
    }
}
