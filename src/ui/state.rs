//! The workbench's state apart from drawing: settings, the open project, running jobs, problems.

use crate::dataset::DatasetInfo;
use crate::error::Error;
use crate::i18n::{Lang, T};
use crate::jobs::{Job, JobProbe, Wake};
use crate::progress::Reporter;
use crate::store::{ActivityEntry, Project};
use crate::ui::command::Command;
use crate::ui::explain::Explain;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The theme choice the user made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

impl ThemeChoice {
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    pub fn key(self) -> T {
        match self {
            ThemeChoice::System => T::ThemeSystem,
            ThemeChoice::Light => T::ThemeLight,
            ThemeChoice::Dark => T::ThemeDark,
        }
    }

    pub fn preference(self) -> egui::ThemePreference {
        match self {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        }
    }
}

/// What is remembered between runs (the window size eframe remembers itself).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub theme: ThemeChoice,
    /// Most recent first.
    pub recent: Vec<PathBuf>,
    /// The system's file dialog or the window's own browser.
    pub file_dialog: crate::ui::widgets::file_dialog::FileDialogChoice,
    /// Folders files were chosen in with the window's browser, most recent first.
    pub recent_folders: Vec<PathBuf>,
}

impl Settings {
    pub const STORAGE_KEY: &'static str = "loupe-settings";
    const MAX_RECENT: usize = 8;

    pub fn remember(&mut self, path: &Path) {
        let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.recent.retain(|p| p != &path);
        self.recent.insert(0, path);
        self.recent.truncate(Self::MAX_RECENT);
    }

    /// Remembers a folder the window's file browser chose a file in.
    pub fn remember_folder(&mut self, dir: &Path) {
        self.recent_folders.retain(|p| p != dir);
        self.recent_folders.insert(0, dir.to_path_buf());
        self.recent_folders.truncate(Self::MAX_RECENT);
    }
}

/// A job the status bar lists: what it is and how far it got. Type-erased: its result goes to
/// the page that started it, never through here.
pub struct RunningJob {
    pub probe: JobProbe,
    pub title: T,
    pub detail: String,
}

/// One typed background job a page (or dialog) owns, and how its last run failed. The owner
/// starts it with [`JobSlot::start`] and polls it in its own `logic`, once per frame.
pub struct JobSlot<R> {
    job: Option<Job<R>>,
    title: T,
    detail: String,
    error: Option<Error>,
}

impl<R> Default for JobSlot<R> {
    fn default() -> Self {
        JobSlot {
            job: None,
            title: T::Computing,
            detail: String::new(),
            error: None,
        }
    }
}

impl<R> Drop for JobSlot<R> {
    /// Nobody will take the result: the work may stop.
    fn drop(&mut self) {
        self.cancel();
    }
}

impl<R> std::fmt::Debug for JobSlot<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobSlot")
            .field("job", &self.job)
            .field("error", &self.error)
            .finish()
    }
}

impl<R: Send + 'static> JobSlot<R> {
    /// Starts `work` as a job the status bar shows as `title` (filled with `detail`), and
    /// forgets the last failure. A job still running here is cancelled and its result dropped.
    /// False when no thread could be started (the error panel says why).
    pub fn start<F>(
        &mut self,
        ws: &mut Workspace,
        title: T,
        detail: impl Into<String>,
        work: F,
    ) -> bool
    where
        F: FnOnce(&Reporter) -> crate::Result<R> + Send + 'static,
    {
        self.reset();
        let detail = detail.into();
        self.job = ws.spawn(title, detail.clone(), work);
        self.title = title;
        self.detail = detail;
        self.job.is_some()
    }
}

impl<R> JobSlot<R> {
    /// Whether a job started here has not delivered its result yet.
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Asks the running job, if any, to stop; it then finishes with `Error::Cancelled`.
    pub fn cancel(&self) {
        if let Some(j) = &self.job {
            j.cancel();
        }
    }

    /// Cancels and drops the running job (its result will not arrive) and forgets the last
    /// failure.
    pub fn reset(&mut self) {
        self.cancel();
        self.job = None;
        self.error = None;
    }

    /// The job's result, once, when it is done.
    pub fn poll(&mut self) -> Option<crate::Result<R>> {
        let r = self.job.as_mut()?.poll()?;
        self.job = None;
        Some(r)
    }

    /// The job's result, once; a failure (a cancellation too) is kept for the page to show
    /// ([`JobSlot::error`]).
    pub fn poll_keep(&mut self) -> Option<R> {
        match self.poll()? {
            Ok(r) => {
                self.error = None;
                Some(r)
            }
            Err(e) => {
                self.error = Some(e);
                None
            }
        }
    }

    /// The job's result, once; a failure goes to the error panel under the job's title, a
    /// cancellation to the status bar.
    pub fn poll_report(&mut self, ws: &mut Workspace) -> Option<R> {
        match self.poll()? {
            Ok(r) => Some(r),
            Err(e) => {
                self.report(ws, &e);
                None
            }
        }
    }

    /// What a failure of this slot's job looks like when the page does not show it itself.
    pub fn report(&self, ws: &mut Workspace, e: &Error) {
        ws.job_failed(self.title, &self.detail, e);
    }

    /// How the last run failed.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    pub fn set_error(&mut self, e: Error) {
        self.error = Some(e);
    }

    pub fn clear_error(&mut self) {
        self.error = None;
    }
}

/// Independent jobs of one kind that may overlap (imports, exports, written files), each
/// started by its owner and polled in its `logic`.
pub struct JobSet<R> {
    slots: Vec<JobSlot<R>>,
}

impl<R> Default for JobSet<R> {
    fn default() -> Self {
        JobSet { slots: Vec::new() }
    }
}

impl<R: Send + 'static> JobSet<R> {
    /// Starts one more job (see [`JobSlot::start`]); false when no thread could be started.
    pub fn start<F>(
        &mut self,
        ws: &mut Workspace,
        title: T,
        detail: impl Into<String>,
        work: F,
    ) -> bool
    where
        F: FnOnce(&Reporter) -> crate::Result<R> + Send + 'static,
    {
        let mut slot = JobSlot::default();
        let started = slot.start(ws, title, detail, work);
        if started {
            self.slots.push(slot);
        }
        started
    }
}

impl<R> JobSet<R> {
    /// Adds a job started elsewhere (a dialog that closes hands its job over).
    pub fn adopt(&mut self, slot: JobSlot<R>) {
        if slot.is_running() {
            self.slots.push(slot);
        }
    }

    pub fn is_running(&self) -> bool {
        !self.slots.is_empty()
    }

    /// The results of the jobs that finished, in the order they were started; failures go to
    /// the error panel (cancellations to the status bar).
    pub fn poll_report(&mut self, ws: &mut Workspace) -> Vec<R> {
        let mut done = Vec::new();
        self.slots.retain_mut(|slot| {
            if let Some(r) = slot.poll_report(ws) {
                done.push(r);
            }
            slot.is_running()
        });
        done
    }
}

/// A problem for the error panel: what was being done and the library's message.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub title: String,
    pub message: String,
}

/// State every page reads: language, project, catalog, jobs, problems.
pub struct Workspace {
    pub lang: Lang,
    pub project: Option<Project>,
    pub datasets: Vec<DatasetInfo>,
    /// The linked datasets: tables in a warehouse the project points at.
    pub links: Vec<crate::warehouse::link::Link>,
    pub activity: Vec<ActivityEntry>,
    /// Every running job, for the status bar (results go to the slots that started them).
    pub jobs: Vec<RunningJob>,
    /// File writes and other errands nobody waits for: a notice when done, a problem if not.
    errands: JobSet<String>,
    pub problems: Vec<Problem>,
    /// What pages asked the app to do, executed before the next frame.
    commands: Vec<Command>,
    /// The last thing that went well, for the status bar.
    pub notice: Option<String>,
    pub wake: Wake,
    /// Bumped whenever the catalog changes (open, import).
    pub catalog_rev: u64,
    /// Bumped whenever the window saves, renames or removes a saved chart.
    pub charts_rev: u64,
    /// The dataset the user last chose on the Data page, which other pages open on.
    focused: Option<String>,
    /// Build the sample project here when asked.
    pub sample_path: Option<PathBuf>,
    /// The catalog and activity log read again after a change, off the UI thread.
    catalog_job: JobSlot<Catalog>,
}

/// The catalog and activity log of a project, read by a job.
struct Catalog {
    path: PathBuf,
    datasets: Vec<DatasetInfo>,
    links: Vec<crate::warehouse::link::Link>,
    activity: Vec<ActivityEntry>,
    /// False when only the activity log was asked for: pages keyed on the catalog stay.
    datasets_changed: bool,
}

impl Workspace {
    pub fn new(lang: Lang, wake: Wake) -> Workspace {
        Workspace {
            lang,
            project: None,
            datasets: Vec::new(),
            links: Vec::new(),
            activity: Vec::new(),
            jobs: Vec::new(),
            errands: JobSet::default(),
            problems: Vec::new(),
            commands: Vec::new(),
            notice: None,
            wake,
            catalog_rev: 0,
            charts_rev: 0,
            focused: None,
            sample_path: None,
            catalog_job: JobSlot::default(),
        }
    }

    pub fn tr(&self, key: T) -> &'static str {
        self.lang.tr(key)
    }

    pub fn project_path(&self) -> Option<PathBuf> {
        self.project.as_ref().map(|p| p.path().to_path_buf())
    }

    /// Asks the app to do something before the next frame (a page or dialog cannot do it itself).
    pub fn push(&mut self, command: Command) {
        self.commands.push(command);
        (self.wake)();
    }

    /// The commands pushed since the last call, in order.
    pub fn take_commands(&mut self) -> Vec<Command> {
        std::mem::take(&mut self.commands)
    }

    /// Reports a problem in the error panel, a library error explained in the window's words.
    pub fn problem(&mut self, title: impl Into<String>, err: &dyn Explain) {
        // The log is read by whoever helps the user: in English, redacted by the log.
        crate::about::log::error(&format!("window: {}", err.explain(Lang::En)));
        self.problems.push(Problem {
            title: title.into(),
            message: err.explain(self.lang),
        });
    }

    /// Starts a job shown in the status bar; the caller keeps it (see [`JobSlot`]).
    fn spawn<R, F>(&mut self, title: T, detail: String, work: F) -> Option<Job<R>>
    where
        R: Send + 'static,
        F: FnOnce(&Reporter) -> crate::Result<R> + Send + 'static,
    {
        let name = format!("{title:?}");
        // A bare database error names the project it concerns.
        let project = self.project_path();
        let work = move |rep: &Reporter| {
            work(rep).map_err(|e| match &project {
                Some(p) => e.in_file(p, None),
                None => e,
            })
        };
        match Job::spawn(name, self.wake.clone(), work) {
            Ok(job) => {
                self.jobs.push(RunningJob {
                    probe: job.probe(),
                    title,
                    detail,
                });
                Some(job)
            }
            Err(e) => {
                let t = self.lang.f(title, &[&detail]);
                self.problem(t, &e);
                None
            }
        }
    }

    /// How a job's failure shows when its page does not show it: a cancellation in the status
    /// bar, anything else in the error panel under the job's title.
    pub fn job_failed(&mut self, title: T, detail: &str, e: &Error) {
        let t = self.lang.f(title, &[&detail]);
        if matches!(e, Error::Cancelled) {
            self.notice = Some(format!("{}: {t}", self.tr(T::Cancelled)));
        } else {
            self.problem(t, e);
        }
    }

    /// Runs an errand nobody waits for as a job: its text becomes the status bar's notice, a
    /// failure lands in the error panel under `title`.
    pub fn spawn_errand<F>(&mut self, title: T, detail: impl Into<String>, work: F)
    where
        F: FnOnce(&Reporter) -> crate::Result<String> + Send + 'static,
    {
        let mut errands = std::mem::take(&mut self.errands);
        errands.start(self, title, detail, work);
        errands.slots.append(&mut self.errands.slots);
        self.errands = errands;
    }

    /// Writes a file (a PNG, a workbook) as a job, off the UI thread: the status bar shows it, a
    /// notice says where it went, a failure lands in the error panel under `title`.
    pub fn spawn_write<F>(&mut self, title: T, path: PathBuf, write: F)
    where
        F: FnOnce(&Path) -> crate::Result<()> + Send + 'static,
    {
        let lang = self.lang;
        self.spawn_errand(title, "", move |_rep| {
            write(&path)?;
            Ok(lang.f(T::Exported, &[&path.display()]))
        });
    }

    /// Takes finished errands and forgets jobs that are over. Called by the app once per frame,
    /// after the pages' `logic`.
    pub fn logic(&mut self) {
        let mut errands = std::mem::take(&mut self.errands);
        for notice in errands.poll_report(self) {
            self.notice = Some(notice);
        }
        errands.slots.append(&mut self.errands.slots);
        self.errands = errands;
        self.take_catalog();
        self.jobs.retain(|j| j.probe.is_running());
    }

    /// Asks the status bar's job `id` to stop.
    pub fn cancel_job(&mut self, id: u64) {
        if let Some(j) = self.jobs.iter().find(|j| j.probe.id() == id) {
            j.probe.cancel();
        }
    }

    /// Shows a project opened by [`OpenedProject::open`] (in a job), in place of the one open.
    pub fn install(&mut self, opened: OpenedProject) {
        self.catalog_job.reset();
        self.datasets = opened.datasets;
        self.links = opened.links;
        self.activity = opened.activity;
        self.project = Some(opened.project);
        self.focused = None;
        self.catalog_rev += 1;
    }

    /// Re-reads the catalog and the activity log after a change, as a job; the window shows
    /// them when it is done (a read started earlier is dropped).
    pub fn refresh_catalog(&mut self) {
        self.read_catalog(true);
    }

    /// Re-reads the activity log (after a change that leaves the datasets alone), as a job.
    pub fn refresh_activity(&mut self) {
        if self.catalog_job.is_running() {
            // A catalog read already under way reads the log too.
            return;
        }
        self.read_catalog(false);
    }

    fn read_catalog(&mut self, datasets_changed: bool) {
        let Some(path) = self.project_path() else {
            return;
        };
        let mut slot = std::mem::take(&mut self.catalog_job);
        slot.start(self, T::JobCatalog, "", move |_rep| {
            let p = Project::open_read_only(&path)?;
            Ok(Catalog {
                datasets: p.datasets()?,
                links: crate::warehouse::link::list(&p)?,
                activity: p.activity(1000)?,
                path,
                datasets_changed,
            })
        });
        self.catalog_job = slot;
    }

    /// Shows a catalog read by [`Workspace::refresh_catalog`] when it is for the open project.
    fn take_catalog(&mut self) {
        let mut slot = std::mem::take(&mut self.catalog_job);
        let done = slot.poll();
        self.catalog_job = slot;
        match done {
            Some(Ok(c)) if Some(&c.path) == self.project_path().as_ref() => {
                if c.datasets_changed || c.datasets != self.datasets || c.links != self.links {
                    self.datasets = c.datasets;
                    self.links = c.links;
                    self.catalog_rev += 1;
                }
                self.activity = c.activity;
            }
            Some(Ok(_)) | Some(Err(Error::Cancelled)) | None => {}
            Some(Err(e)) => {
                let t = self.tr(T::Datasets);
                self.problem(t, &e);
            }
        }
    }

    /// Records the dataset the user chose on the Data page.
    pub fn focus_dataset(&mut self, name: &str) {
        self.focused = Some(name.to_string());
    }

    /// The dataset the user last chose on the Data page, while it exists.
    pub fn focused_dataset(&self) -> Option<&str> {
        self.focused
            .as_deref()
            .filter(|n| self.dataset(n).is_some())
    }

    pub fn dataset(&self, name: &str) -> Option<&DatasetInfo> {
        self.datasets.iter().find(|d| d.name == name)
    }

    /// The linked dataset `name`.
    pub fn link(&self, name: &str) -> Option<&crate::warehouse::link::Link> {
        self.links.iter().find(|l| l.name == name)
    }
}

/// A project opened off the UI thread, with what the window shows of it at once.
pub struct OpenedProject {
    project: Project,
    datasets: Vec<DatasetInfo>,
    links: Vec<crate::warehouse::link::Link>,
    activity: Vec<ActivityEntry>,
}

impl OpenedProject {
    /// Opens (`create`: creates, when missing) the project at `path` and reads its catalog
    /// and activity log: the work of a job (deriving a passphrase's key alone takes a while).
    pub fn open(path: &Path, create: bool) -> crate::Result<OpenedProject> {
        let project = if create {
            Project::open_or_create(path)?
        } else {
            Project::open(path)?
        };
        Ok(OpenedProject {
            datasets: project.datasets()?,
            links: crate::warehouse::link::list(&project)?,
            activity: project.activity(1000)?,
            project,
        })
    }

    pub fn path(&self) -> &Path {
        self.project.path()
    }
}

/// Shared handle type for the rowids of a view.
pub type RowIds = Arc<Vec<i64>>;

/// Where the sample project lives: the platform data dir (e.g. ~/.local/share/loupe).
pub fn default_sample_path() -> PathBuf {
    let dir = eframe::storage_dir("Loupe")
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/loupe")))
        .unwrap_or_else(std::env::temp_dir);
    dir.join("sample.loupe")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    fn ws() -> Workspace {
        Workspace::new(Lang::En, crate::jobs::no_wake())
    }

    /// Polls `f` until it gives something, or fails after five seconds.
    fn wait<X>(mut f: impl FnMut() -> Option<X>) -> X {
        let start = Instant::now();
        loop {
            if let Some(x) = f() {
                return x;
            }
            assert!(start.elapsed() < Duration::from_secs(5), "timed out");
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn a_slot_delivers_its_result_and_the_status_bar_lists_it_until_then() {
        let mut ws = ws();
        let mut slot: JobSlot<u32> = JobSlot::default();
        let gate = Arc::new(AtomicBool::new(false));
        let g = gate.clone();
        assert!(slot.start(&mut ws, T::JobSort, "orders", move |_| {
            while !g.load(Ordering::Acquire) {
                std::thread::sleep(Duration::from_millis(1));
            }
            Ok(7)
        }));
        assert!(slot.is_running());
        assert_eq!(ws.jobs.len(), 1);
        assert_eq!(
            ws.lang.f(ws.jobs[0].title, &[&ws.jobs[0].detail]),
            "Preparing rows of orders"
        );
        gate.store(true, Ordering::Release);
        let r = wait(|| slot.poll_report(&mut ws));
        assert_eq!(r, 7);
        assert!(!slot.is_running());
        ws.logic();
        assert!(
            ws.jobs.is_empty(),
            "the job is over once its result was taken"
        );
        assert!(ws.problems.is_empty());
    }

    #[test]
    fn starting_again_cancels_the_job_held_and_drops_its_result() {
        let mut ws = ws();
        let mut slot: JobSlot<&'static str> = JobSlot::default();
        slot.start(&mut ws, T::JobSort, "", |rep| {
            loop {
                rep.check()?;
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        slot.start(&mut ws, T::JobSort, "", |_| Ok("second"));
        assert_eq!(wait(|| slot.poll_keep()), "second");
        // The first job noticed its cancellation and is gone from the status bar.
        wait(|| {
            ws.logic();
            ws.jobs.is_empty().then_some(())
        });
        assert!(
            ws.notice.is_none(),
            "a replaced job is not reported as cancelled"
        );
    }

    #[test]
    fn failures_reach_the_slot_or_the_error_panel_and_cancels_the_status_bar() {
        let mut ws = ws();
        let mut slot: JobSlot<()> = JobSlot::default();
        slot.start(&mut ws, T::JobProfile, "amount", |_| {
            Err(Error::InvalidArgument("no such column".into()))
        });
        assert!(wait(|| slot.poll().map(|r| r.is_err())));
        slot.start(&mut ws, T::JobProfile, "amount", |_| {
            Err(Error::InvalidArgument("no such column".into()))
        });
        wait(|| {
            slot.poll_keep();
            slot.error().map(|_| ())
        });
        assert!(ws.problems.is_empty(), "kept by the page, not reported");
        slot.start(&mut ws, T::JobProfile, "amount", |_| {
            Err(Error::InvalidArgument("no such column".into()))
        });
        assert!(slot.error().is_none(), "a new run forgets the last failure");
        wait(|| {
            slot.poll_report(&mut ws);
            (!ws.problems.is_empty()).then_some(())
        });
        assert_eq!(ws.problems[0].title, "Profiling column amount");
        slot.start(&mut ws, T::JobProfile, "amount", |rep| {
            loop {
                rep.check()?;
                std::thread::sleep(Duration::from_millis(1));
            }
        });
        let id = ws.jobs.last().map(|j| j.probe.id()).unwrap_or_default();
        ws.cancel_job(id);
        wait(|| {
            slot.poll_report(&mut ws);
            ws.notice.clone()
        });
        assert_eq!(
            ws.notice.as_deref(),
            Some("Cancelled: Profiling column amount")
        );
        assert_eq!(ws.problems.len(), 1);
    }

    #[test]
    fn errands_leave_a_notice_and_job_sets_run_side_by_side() {
        let mut ws = ws();
        ws.spawn_errand(T::ExportPng, "", |_| Ok("written".into()));
        wait(|| {
            ws.logic();
            ws.notice.clone()
        });
        assert_eq!(ws.notice.as_deref(), Some("written"));
        let mut set: JobSet<u32> = JobSet::default();
        for i in 0..3 {
            set.start(&mut ws, T::JobSort, "", move |_| Ok(i));
        }
        let mut got = Vec::new();
        wait(|| {
            got.extend(set.poll_report(&mut ws));
            (got.len() == 3).then_some(())
        });
        got.sort_unstable();
        assert_eq!(got, vec![0, 1, 2]);
        assert!(!set.is_running());
    }
}
