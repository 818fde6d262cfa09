//! The workbench's state apart from drawing: settings, the open project, running jobs, problems.

use crate::browse;
use crate::dataset::DatasetInfo;
use crate::error::Error;
use crate::i18n::{Lang, T};
use crate::import::{ImportReport, Preview};
use crate::jobs::{Job, Wake};
use crate::profile::ColumnProfile;
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
}

/// What a job produces.
pub enum JobOutput {
    /// The sample project was built at this path.
    Sample(PathBuf),
    /// A file (a PNG, a workbook) was written at this path.
    Written(PathBuf),
    Imported(ImportReport),
    /// The row order of the data page's view (generation, rowids).
    Rows(u64, Vec<i64>),
    Profile(Box<ColumnProfile>),
    /// A preview for the import dialog (generation).
    Preview(u64, Box<Preview>),
    /// The quality report for the Clean page.
    Quality(Box<crate::clean::QualityReport>),
    /// The customer table and what the Customers page draws from it.
    Customers(Box<crate::customers::overview::Overview>),
    /// A chart or analysis of the Explore page (generation).
    Explore(u64, Box<crate::ui::pages::explore::ExploreResult>),
    /// A dashboard tile's chart (the tile's job token).
    Dashboard(u64, Box<crate::explore::chart::ChartData>),
    /// A dataset's raw frame, loaded for the recipe editor.
    RawFrame(String, Arc<polars::prelude::DataFrame>),
    /// A step preview (recipe generation).
    StepPreview(u64, Box<crate::clean::StepPreview>),
    /// The cleaned table was rebuilt.
    Rebuilt(Box<crate::clean::RebuildSummary>),
    /// A job of the Segments page.
    Segments(crate::ui::pages::segments::SegmentsOutput),
    /// A backup, restore, passphrase change or customer data request.
    Privacy(Box<crate::ui::privacy::PrivacyOutput>),
    /// A job of the Campaigns page.
    Campaigns(crate::ui::pages::campaigns::CampaignsOutput),
    /// A job of the Recommendations page.
    Recs(crate::ui::pages::recommendations::RecsOutput),
}

/// One background job a view waits for, and how its last run failed.
#[derive(Debug, Default)]
pub struct JobSlot {
    pub id: Option<u64>,
    pub error: Option<String>,
}

impl JobSlot {
    /// A job was started (or could not be: `None`).
    pub fn start(&mut self, id: Option<u64>) {
        self.id = id;
    }

    /// Its result arrived.
    pub fn finished(&mut self) {
        self.id = None;
        self.error = None;
    }

    /// True when job `id` was this slot's; keeps the message.
    pub fn failed(&mut self, id: u64, message: &str) -> bool {
        if self.id == Some(id) {
            self.id = None;
            self.error = Some(message.to_string());
            true
        } else {
            false
        }
    }
}

/// A job the status bar shows.
pub struct RunningJob {
    pub job: Job<JobOutput>,
    pub title: T,
    pub detail: String,
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
    pub activity: Vec<ActivityEntry>,
    pub jobs: Vec<RunningJob>,
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
    /// Build the sample project here when asked.
    pub sample_path: Option<PathBuf>,
}

impl Workspace {
    pub fn new(lang: Lang, wake: Wake) -> Workspace {
        Workspace {
            lang,
            project: None,
            datasets: Vec::new(),
            activity: Vec::new(),
            jobs: Vec::new(),
            problems: Vec::new(),
            commands: Vec::new(),
            notice: None,
            wake,
            catalog_rev: 0,
            charts_rev: 0,
            sample_path: None,
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
        self.problems.push(Problem {
            title: title.into(),
            message: err.explain(self.lang),
        });
    }

    /// Starts a job shown in the status bar; returns its id.
    pub fn spawn<F>(&mut self, title: T, detail: impl Into<String>, work: F) -> Option<u64>
    where
        F: FnOnce(&Reporter) -> crate::Result<JobOutput> + Send + 'static,
    {
        let detail = detail.into();
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
                let id = job.id();
                self.jobs.push(RunningJob { job, title, detail });
                Some(id)
            }
            Err(e) => {
                let t = self.lang.f(title, &[&detail]);
                self.problem(t, &e);
                None
            }
        }
    }

    /// Writes a file (a PNG, a workbook) as a job, off the UI thread: the status bar shows it, a
    /// notice says where it went, a failure lands in the error panel under `title`.
    pub fn spawn_write<F>(&mut self, title: T, path: PathBuf, write: F) -> Option<u64>
    where
        F: FnOnce(&Path) -> crate::Result<()> + Send + 'static,
    {
        self.spawn(title, "", move |_rep| {
            write(&path)?;
            Ok(JobOutput::Written(path))
        })
    }

    pub fn cancel_job(&mut self, id: u64) {
        if let Some(j) = self.jobs.iter().find(|j| j.job.id() == id) {
            j.job.cancel();
        }
    }

    pub fn job_running(&self, id: Option<u64>) -> bool {
        id.is_some_and(|id| self.jobs.iter().any(|j| j.job.id() == id))
    }

    /// Opens a project (quick: checks the schema and reads the catalog).
    pub fn open_project(&mut self, path: &Path) -> Result<(), Error> {
        let project = Project::open(path)?;
        self.datasets = project.datasets()?;
        self.activity = project.activity(1000)?;
        self.project = Some(project);
        self.catalog_rev += 1;
        Ok(())
    }

    /// Creates a new, empty project.
    pub fn create_project(&mut self, path: &Path) -> Result<(), Error> {
        let project = Project::open_or_create(path)?;
        self.datasets = project.datasets()?;
        self.activity = project.activity(1000)?;
        self.project = Some(project);
        self.catalog_rev += 1;
        Ok(())
    }

    /// Re-reads the catalog and the activity log after a change.
    pub fn refresh_catalog(&mut self) {
        let Some(p) = &self.project else { return };
        let r = p.datasets().and_then(|d| Ok((d, p.activity(1000)?)));
        match r {
            Ok((d, a)) => {
                self.datasets = d;
                self.activity = a;
                self.catalog_rev += 1;
            }
            Err(e) => {
                let t = self.tr(T::Datasets);
                self.problem(t, &e);
            }
        }
    }

    /// Re-reads the activity log (after a change that leaves the datasets alone).
    pub fn refresh_activity(&mut self) {
        if let Some(p) = &self.project
            && let Ok(a) = p.activity(1000)
        {
            self.activity = a;
        }
    }

    pub fn dataset(&self, name: &str) -> Option<&DatasetInfo> {
        self.datasets.iter().find(|d| d.name == name)
    }

    /// Starts building the row order of a view (for the data page).
    pub fn spawn_rows(&mut self, generation: u64, view: browse::View) -> Option<u64> {
        let path = self.project_path()?;
        let detail = view.dataset.clone();
        self.spawn(T::JobSort, detail, move |rep| {
            let project = Project::open_read_only(&path)?;
            let ids = browse::row_ids(project.conn(), &view, rep)?;
            Ok(JobOutput::Rows(generation, ids))
        })
    }

    /// Starts profiling a column.
    pub fn spawn_profile(&mut self, info: DatasetInfo, column: String) -> Option<u64> {
        let path = self.project_path()?;
        self.spawn(T::JobProfile, column.clone(), move |rep| {
            let project = Project::open_read_only(&path)?;
            let p = crate::profile::profile_column(project.conn(), &info, &column, rep)?;
            Ok(JobOutput::Profile(Box::new(p)))
        })
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
