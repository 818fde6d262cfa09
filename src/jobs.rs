//! Background jobs: long work (imports, queries over large tables, analytics) on a named thread,
//! reporting progress over a bounded channel, cancellable, polled by whoever started it.
//!
//! UI-agnostic: the window passes a `wake` callback (`ctx.request_repaint()`) and polls
//! [`Job::poll`] once per frame; tests poll in a loop. A [`JobProbe`] is a job's type-erased
//! view (name, progress, cancel), for whoever lists running jobs without taking their results.

use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress, Reporter};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Called from the worker after each event, so that the owner polls soon (e.g. a repaint).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// A wake callback that does nothing.
pub fn no_wake() -> Wake {
    Arc::new(|| {})
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// What the worker and every probe of one job share.
#[derive(Debug, Default)]
struct Shared {
    /// The latest progress report.
    last: Mutex<Option<Progress>>,
    /// The worker has returned (its result is sent or about to be).
    worker_done: AtomicBool,
    /// The owner took the result or dropped the job: nobody waits for it.
    released: AtomicBool,
}

impl Shared {
    fn progress(&self) -> Option<Progress> {
        self.last.lock().ok().and_then(|l| l.clone())
    }
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
    rx: Receiver<Result<T>>,
    shared: Arc<Shared>,
    started: Instant,
    state: JobState,
}

impl<T> Drop for Job<T> {
    fn drop(&mut self) {
        self.shared.released.store(true, Ordering::Release);
    }
}

/// A job seen from outside: its name, progress and cancel flag, but not its result. Cheap to
/// clone; stays valid after the job is gone.
#[derive(Debug, Clone)]
pub struct JobProbe {
    id: u64,
    cancel: CancelToken,
    shared: Arc<Shared>,
    started: Instant,
}

impl JobProbe {
    pub fn id(&self) -> u64 {
        self.id
    }

    /// True until the work has returned and its owner has taken the result (or dropped the
    /// job): a cancelled job stays running until its work notices.
    pub fn is_running(&self) -> bool {
        !(self.shared.worker_done.load(Ordering::Acquire)
            && self.shared.released.load(Ordering::Acquire))
    }

    /// The latest progress report, if any.
    pub fn progress(&self) -> Option<Progress> {
        self.shared.progress()
    }

    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }
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
        let (tx, rx) = mpsc::sync_channel::<Result<T>>(1);
        let shared = Arc::new(Shared::default());
        let worker_cancel = cancel.clone();
        let worker_shared = shared.clone();
        let thread_name: String = format!("loupe-{name}").chars().take(60).collect();
        std::thread::Builder::new()
            .name(thread_name)
            .spawn(move || run_worker(tx, worker_cancel, worker_shared, wake, work))
            .map_err(|e| Error::io(format!("<thread {name}>"), e))?;
        Ok(Job {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            name,
            cancel,
            rx,
            shared,
            started: Instant::now(),
            state: JobState::Running,
        })
    }
}

fn run_worker<T: Send, F>(
    tx: SyncSender<Result<T>>,
    cancel: CancelToken,
    shared: Arc<Shared>,
    wake: Wake,
    work: F,
) where
    F: FnOnce(&Reporter) -> Result<T>,
{
    let progress_shared = shared.clone();
    let progress_wake = wake.clone();
    let sink = move |p: &Progress| {
        // The reporter throttles; the reader sees the latest report only.
        if let Ok(mut last) = progress_shared.last.lock() {
            *last = Some(p.clone());
        }
        progress_wake();
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
    shared.worker_done.store(true, Ordering::Release);
    // The owner may be gone (dropped the job): then nobody wants the result.
    let _ = tx.send(result);
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
    pub fn progress(&self) -> Option<Progress> {
        self.shared.progress()
    }

    /// A type-erased view of this job (for a list of running jobs).
    pub fn probe(&self) -> JobProbe {
        JobProbe {
            id: self.id,
            cancel: self.cancel.clone(),
            shared: self.shared.clone(),
            started: self.started,
        }
    }

    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    pub fn state(&self) -> JobState {
        self.state
    }

    /// Once the work is done, its result (exactly once).
    pub fn poll(&mut self) -> Option<Result<T>> {
        if self.state == JobState::Finished {
            return None;
        }
        let r = match self.rx.try_recv() {
            Ok(r) => r,
            Err(TryRecvError::Empty) => return None,
            Err(TryRecvError::Disconnected) => Err(Error::InvalidArgument(format!(
                "the background job '{}' stopped without a result; please report it",
                self.name
            ))),
        };
        self.state = JobState::Finished;
        // A worker that vanished without a result is done too.
        self.shared.worker_done.store(true, Ordering::Release);
        self.shared.released.store(true, Ordering::Release);
        Some(r)
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
    fn probe_runs_until_the_result_is_taken() {
        let gate = Arc::new(AtomicBool::new(false));
        let g = gate.clone();
        let mut job = Job::spawn("gate", no_wake(), move |rep| {
            rep.report(Stage::Counting, 1, Some(2), Unit::Rows, 1, true);
            while !g.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(7)
        })
        .unwrap();
        let probe = job.probe();
        assert!(probe.is_running());
        gate.store(true, Ordering::Release);
        let deadline = Instant::now() + Duration::from_secs(5);
        while !job.shared.worker_done.load(Ordering::Acquire) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(probe.is_running(), "the result is not taken yet");
        assert_eq!(probe.progress().map(|p| p.done), Some(1));
        assert_eq!(job.wait(Duration::from_secs(5)).unwrap().unwrap(), 7);
        assert!(!probe.is_running());
    }

    #[test]
    fn a_dropped_job_runs_until_its_work_returns() {
        let job: Job<()> = Job::spawn("spin", no_wake(), |rep| {
            loop {
                rep.check()?;
                std::thread::sleep(Duration::from_millis(1));
            }
        })
        .unwrap();
        let probe = job.probe();
        drop(job);
        std::thread::sleep(Duration::from_millis(20));
        assert!(probe.is_running(), "the work has not noticed anything");
        probe.cancel();
        let deadline = Instant::now() + Duration::from_secs(5);
        while probe.is_running() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(!probe.is_running());
    }

    #[test]
    fn panic_becomes_error() {
        let mut job: Job<()> = Job::spawn("boom", no_wake(), |_| panic!("kaputt")).unwrap();
        let r = job.wait(Duration::from_secs(5)).unwrap();
        let msg = r.unwrap_err().to_string();
        assert!(msg.contains("kaputt"), "{msg}");
    }
}
