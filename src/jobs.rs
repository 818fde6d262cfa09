//! Background jobs: long work (imports, queries over large tables, analytics) on a named thread,
//! reporting progress over a bounded channel, cancellable, polled by whoever started it.
//!
//! UI-agnostic: the window passes a `wake` callback (`ctx.request_repaint()`) and polls
//! [`Job::poll`] once per frame; tests poll in a loop.

use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress, Reporter};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::time::{Duration, Instant};

/// Called from the worker after each event, so that the owner polls soon (e.g. a repaint).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A wake callback that does nothing.
pub fn no_wake() -> Wake {
    Arc::new(|| {})
}

/// How many progress events may wait in the channel; more are dropped (the next one says more).
const PROGRESS_CAPACITY: usize = 32;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

enum Event<T> {
    Progress(Progress),
    Done(Result<T>),
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Running,
    Finished,
}

/// A piece of work running on its own thread.
pub struct Job<T> {
    id: u64,
    name: String,
    cancel: CancelToken,
    rx: Receiver<Event<T>>,
    last: Option<Progress>,
    started: Instant,
    state: JobState,
}

impl<T> std::fmt::Debug for Job<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("state", &self.state)
            .finish()
    }
}

impl<T: Send + 'static> Job<T> {
    /// Starts `work` on a thread named `loupe-{name}`. `work` gets a [`Reporter`] whose progress
    /// reaches [`Job::progress`] and whose cancel flag is [`Job::cancel`].
    pub fn spawn<F>(name: impl Into<String>, wake: Wake, work: F) -> Result<Job<T>>
    where
        F: FnOnce(&Reporter) -> Result<T> + Send + 'static,
    {
        let name = name.into();
        let cancel = CancelToken::new();
        let (tx, rx) = mpsc::sync_channel::<Event<T>>(PROGRESS_CAPACITY);
        let worker_cancel = cancel.clone();
        let worker_wake = wake.clone();
        let thread_name: String = format!("loupe-{name}").chars().take(60).collect();
        std::thread::Builder::new()
            .name(thread_name)
            .spawn(move || run_worker(tx, worker_cancel, worker_wake, work))
            .map_err(|e| Error::io(format!("<thread {name}>"), e))?;
        Ok(Job {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name,
            cancel,
            rx,
            last: None,
            started: Instant::now(),
            state: JobState::Running,
        })
    }
}

fn run_worker<T: Send, F>(tx: SyncSender<Event<T>>, cancel: CancelToken, wake: Wake, work: F)
where
    F: FnOnce(&Reporter) -> Result<T>,
{
    let progress_tx = tx.clone();
    let progress_wake = wake.clone();
    let sink = move |p: &Progress| {
        // Never block the work on a slow reader: a dropped event is superseded by the next one.
        if progress_tx.try_send(Event::Progress(p.clone())).is_ok() {
            progress_wake();
        }
    };
    let rep = Reporter::new(cancel, &sink);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&rep)))
        .unwrap_or_else(|panic| {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Err(Error::InvalidArgument(format!(
                "internal error in a background job ({what}); please report it"
            )))
        });
    // The owner may be gone (dropped the job): then nobody wants the result.
    let _ = tx.send(Event::Done(result));
    wake();
}

impl<T> Job<T> {
    /// A number that tells jobs apart.
    pub fn id(&self) -> u64 {
        self.id
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Asks the work to stop at its next check; it then finishes with `Err(Cancelled)`.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    /// The latest progress report, if any.
    pub fn progress(&self) -> Option<&Progress> {
        self.last.as_ref()
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn state(&self) -> JobState {
        self.state
    }

    /// Takes the waiting progress events and, once the work is done, its result (exactly once).
    pub fn poll(&mut self) -> Option<Result<T>> {
        if self.state == JobState::Finished {
            return None;
        }
        loop {
            match self.rx.try_recv() {
                Ok(Event::Progress(p)) => self.last = Some(p),
                Ok(Event::Done(r)) => {
                    self.state = JobState::Finished;
                    return Some(r);
                }
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    self.state = JobState::Finished;
                    return Some(Err(Error::InvalidArgument(format!(
                        "the background job '{}' stopped without a result; please report it",
                        self.name
                    ))));
                }
            }
        }
    }

    /// Blocks until the job is done (for tests and the command line).
    pub fn wait(&mut self, timeout: Duration) -> Option<Result<T>> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(r) = self.poll() {
                return Some(r);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{Stage, Unit};

    #[test]
    fn result_and_progress_arrive() {
        let mut job = Job::spawn("count", no_wake(), |rep| {
            for i in 0..10u64 {
                rep.report(Stage::Counting, i, Some(10), Unit::Rows, i, true);
            }
            Ok(42)
        })
        .unwrap();
        let r = job.wait(Duration::from_secs(5)).unwrap().unwrap();
        assert_eq!(r, 42);
        assert!(job.progress().is_some());
        assert_eq!(job.state(), JobState::Finished);
        assert!(job.poll().is_none(), "the result comes once");
    }

    #[test]
    fn cancel_stops_work() {
        let mut job: Job<()> = Job::spawn("spin", no_wake(), |rep| {
            loop {
                rep.check()?;
                std::thread::sleep(Duration::from_millis(1));
            }
        })
        .unwrap();
        job.cancel();
        let r = job.wait(Duration::from_secs(5)).unwrap();
        assert!(matches!(r, Err(Error::Cancelled)));
    }

    #[test]
    fn panic_becomes_error() {
        let mut job: Job<()> = Job::spawn("boom", no_wake(), |_| panic!("kaputt")).unwrap();
        let r = job.wait(Duration::from_secs(5)).unwrap();
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("kaputt"), "{msg}");
    }
}
