//! The workbench shell: top bar, navigation, status bar with jobs, error panel, dialogs and
//! keyboard shortcuts. `poll` (in `App::logic`) executes commands and calls each page's `logic`,
//! where the page takes its own finished jobs; `draw` (in `App::ui`) draws.

use crate::i18n::{Lang, T, bytes, int};
use crate::import::ImportReport;
use crate::progress::Unit;
use crate::ui::command::Command;
use crate::ui::import_dialog::{DialogAction, ImportDialog};
use crate::ui::import_where::{ImportWhere, WhereChoice};
use crate::ui::pages::Page;
use crate::ui::pages::activity::ActivityPage;
use crate::ui::pages::campaigns::CampaignsPage;
use crate::ui::pages::clean::CleanPage;
use crate::ui::pages::customers::CustomersPage;
use crate::ui::pages::dashboard::DashboardPage;
use crate::ui::pages::data::DataPage;
use crate::ui::pages::explore::ExplorePage;
use crate::ui::pages::recommendations::RecommendationsPage;
use crate::ui::pages::segments::SegmentsPage;
use crate::ui::privacy::PrivacyUi;
use crate::ui::state::{
    self, JobSet, JobSlot, OpenedProject, RunningJob, Settings, ThemeChoice, Workspace,
};
use crate::ui::theme::{self, icon};
use crate::ui::widgets::FileDialog;
use crate::ui::widgets::file_dialog;
use egui::{Align, Key, KeyboardShortcut, Layout, Modifiers, RichText, Ui};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What to open when the window starts.
#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// A project given on the command line.
    pub project: Option<PathBuf>,
    /// Where the sample project is (built there on first start).
    pub sample_path: Option<PathBuf>,
    /// Open the most recent project when no project is given.
    pub reopen_recent: bool,
    /// Data files given on the command line ("Open with Loupe"): the window asks which project
    /// they go into.
    pub import: Vec<PathBuf>,
}

impl Startup {
    /// How the window starts from the command line: `project` if given, else the most recent
    /// project, else the sample project (built on first start).
    pub fn window(project: Option<PathBuf>) -> Startup {
        Startup {
            project,
            sample_path: Some(state::default_sample_path()),
            reopen_recent: true,
            import: Vec::new(),
        }
    }

    /// The window started on data files: it asks which project to import them into.
    pub fn import(files: Vec<PathBuf>) -> Startup {
        Startup {
            import: files,
            ..Startup::window(None)
        }
    }
}

/// The project being opened.
struct Opening {
    path: PathBuf,
    /// Created when missing (a new project).
    create: bool,
    /// Open the sample project instead when this one fails (the most recent one, at start).
    sample_if_failed: bool,
}

/// How long a job runs before the status bar lists it.
const QUIET_JOB: std::time::Duration = std::time::Duration::from_millis(300);

/// The workbench.
pub struct LoupeApp {
    settings: Settings,
    ws: Workspace,
    page: Page,
    data: DataPage,
    activity: ActivityPage,
    clean: CleanPage,
    customers: CustomersPage,
    explore: ExplorePage,
    segments: SegmentsPage,
    dashboard: DashboardPage,
    campaigns: CampaignsPage,
    recs: RecommendationsPage,
    import: Option<ImportDialog>,
    /// Backup, restore, passphrases and customer data requests.
    privacy: PrivacyUi,
    /// The Help menu and each page's "?".
    help: crate::ui::help::HelpUi,
    startup: Option<Startup>,
    sample_job: JobSlot<PathBuf>,
    /// The project being opened (or created), off the UI thread.
    open_job: JobSlot<OpenedProject>,
    opening: Option<Opening>,
    /// "Which project should these files go into?", while asked.
    import_where: Option<ImportWhere>,
    /// Files to import once the project being opened is open.
    pending_import: Vec<PathBuf>,
    /// Imports started from the import dialog (which closes once one starts).
    imports: JobSet<ImportReport>,
    show_problems: bool,
    seen_problems: usize,
    applied_theme: Option<ThemeChoice>,
    title: String,
    /// File dialogs asked for this frame (by a button or a shortcut): open, new, import.
    ask_open: bool,
    ask_new: bool,
    ask_import: bool,
}

/// The label of a navigation entry (glyph and title), as drawn and as tests find it.
pub fn nav_label(lang: Lang, page: Page) -> String {
    format!("{}  {}", page.icon(), lang.tr(page.title()))
}

/// What tests and tools read and change of the workbench: each page's state behind an accessor.
impl LoupeApp {
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn settings_mut(&mut self) -> &mut Settings {
        &mut self.settings
    }

    pub fn ws(&self) -> &Workspace {
        &self.ws
    }

    pub fn ws_mut(&mut self) -> &mut Workspace {
        &mut self.ws
    }

    pub fn data(&self) -> &DataPage {
        &self.data
    }

    pub fn data_mut(&mut self) -> &mut DataPage {
        &mut self.data
    }

    pub fn activity(&self) -> &ActivityPage {
        &self.activity
    }

    pub fn activity_mut(&mut self) -> &mut ActivityPage {
        &mut self.activity
    }

    pub fn clean(&self) -> &CleanPage {
        &self.clean
    }

    pub fn clean_mut(&mut self) -> &mut CleanPage {
        &mut self.clean
    }

    pub fn customers(&self) -> &CustomersPage {
        &self.customers
    }

    pub fn customers_mut(&mut self) -> &mut CustomersPage {
        &mut self.customers
    }

    pub fn explore(&self) -> &ExplorePage {
        &self.explore
    }

    pub fn explore_mut(&mut self) -> &mut ExplorePage {
        &mut self.explore
    }

    pub fn segments(&self) -> &SegmentsPage {
        &self.segments
    }

    pub fn segments_mut(&mut self) -> &mut SegmentsPage {
        &mut self.segments
    }

    pub fn dashboard(&self) -> &DashboardPage {
        &self.dashboard
    }

    pub fn dashboard_mut(&mut self) -> &mut DashboardPage {
        &mut self.dashboard
    }

    pub fn campaigns(&self) -> &CampaignsPage {
        &self.campaigns
    }

    pub fn campaigns_mut(&mut self) -> &mut CampaignsPage {
        &mut self.campaigns
    }

    pub fn recs(&self) -> &RecommendationsPage {
        &self.recs
    }

    pub fn recs_mut(&mut self) -> &mut RecommendationsPage {
        &mut self.recs
    }

    pub fn privacy(&self) -> &PrivacyUi {
        &self.privacy
    }

    pub fn privacy_mut(&mut self) -> &mut PrivacyUi {
        &mut self.privacy
    }

    pub fn help(&self) -> &crate::ui::help::HelpUi {
        &self.help
    }

    pub fn help_mut(&mut self) -> &mut crate::ui::help::HelpUi {
        &mut self.help
    }

    /// Runs `f` with the workbench and its workspace apart, for page methods that take both
    /// (inside `f`, the workbench's own workspace is a blank stand-in).
    pub fn with_ws<R>(&mut self, f: impl FnOnce(&mut LoupeApp, &mut Workspace) -> R) -> R {
        let blank = Workspace::new(self.ws.lang, crate::jobs::no_wake());
        let mut ws = std::mem::replace(&mut self.ws, blank);
        let r = f(self, &mut ws);
        self.ws = ws;
        r
    }

    /// The page shown.
    pub fn page(&self) -> Page {
        self.page
    }

    /// Shows `page`, as the navigation does.
    pub fn set_page(&mut self, page: Page) {
        self.page = page;
    }

    /// The import dialog, while open.
    pub fn import(&self) -> Option<&ImportDialog> {
        self.import.as_ref()
    }

    pub fn import_mut(&mut self) -> Option<&mut ImportDialog> {
        self.import.as_mut()
    }

    /// Shows `dialog` as the import dialog (`None`: closes it).
    pub fn set_import(&mut self, dialog: Option<ImportDialog>) {
        self.import = dialog;
    }
}

impl LoupeApp {
    pub fn new(settings: Settings, startup: Startup) -> LoupeApp {
        let ws = Workspace::new(settings.lang, crate::jobs::no_wake());
        LoupeApp {
            settings,
            ws,
            page: Page::Data,
            data: DataPage::default(),
            activity: ActivityPage::default(),
            clean: CleanPage::default(),
            customers: CustomersPage::default(),
            explore: ExplorePage::default(),
            segments: SegmentsPage::default(),
            dashboard: DashboardPage::default(),
            campaigns: CampaignsPage::default(),
            recs: RecommendationsPage::default(),
            import: None,
            privacy: PrivacyUi::default(),
            help: Default::default(),
            startup: Some(startup),
            sample_job: JobSlot::default(),
            open_job: JobSlot::default(),
            opening: None,
            import_where: None,
            pending_import: Vec::new(),
            imports: JobSet::default(),
            show_problems: true,
            seen_problems: 0,
            applied_theme: None,
            title: String::new(),
            ask_open: false,
            ask_new: false,
            ask_import: false,
        }
    }

    /// From eframe: remembered settings, system and bundled fonts.
    pub fn from_creation(
        cc: &eframe::CreationContext<'_>,
        project: Option<PathBuf>,
        import: Vec<PathBuf>,
    ) -> LoupeApp {
        let mut settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, Settings::STORAGE_KEY))
            .unwrap_or_default();
        // LOUPE_LANG=zh-CN (or en) picks the language, e.g. for screenshots.
        if let Some(l) = std::env::var("LOUPE_LANG")
            .ok()
            .and_then(|c| Lang::from_code(&c))
        {
            settings.lang = l;
        }
        let system_fonts = std::env::var_os("LOUPE_NO_SYSTEM_FONTS").is_none();
        theme::install_fonts(&cc.egui_ctx, system_fonts);
        let startup = if import.is_empty() {
            Startup::window(project)
        } else {
            Startup {
                project,
                ..Startup::import(import)
            }
        };
        LoupeApp::new(settings, startup)
    }

    pub fn lang(&self) -> Lang {
        self.ws.lang
    }

    pub fn set_lang(&mut self, lang: Lang) {
        self.ws.lang = lang;
        self.settings.lang = lang;
    }

    /// Whether background work is running (the status bar shows it).
    pub fn busy(&self) -> bool {
        !self.ws.jobs.is_empty()
    }

    fn first_frame(&mut self, ctx: &egui::Context) {
        let c = ctx.clone();
        self.ws.wake = Arc::new(move || c.request_repaint());
        theme::apply_style(ctx);
        let Some(s) = self.startup.take() else { return };
        self.ws.sample_path = s.sample_path.clone();
        if !s.import.is_empty() {
            match s.project {
                // `loupe --project P orders.csv`: into P.
                Some(p) => {
                    self.pending_import = s.import;
                    self.start_open(p, false, false);
                }
                None => self.import_where = Some(ImportWhere::new(s.import)),
            }
            return;
        }
        if let Some(p) = s.project {
            if p.exists() {
                self.open_project(&p);
            } else {
                self.create_project(&p);
            }
            return;
        }
        if s.reopen_recent
            && let Some(p) = self.settings.recent.iter().find(|p| p.exists()).cloned()
        {
            self.start_open(p, false, true);
            return;
        }
        self.open_sample();
    }

    /// Opens the sample project, building it first (as a job) if it does not exist yet.
    pub fn open_sample(&mut self) {
        let Some(path) = self.ws.sample_path.clone() else {
            return;
        };
        if path.exists() {
            self.open_project(&path);
            return;
        }
        if self.sample_job.is_running() {
            return;
        }
        self.sample_job
            .start(&mut self.ws, T::JobSample, "", move |rep| {
                crate::demo::build_sample(&path, rep)
            });
    }

    /// Opens a project, as a job: the one open stays until it is ready.
    pub fn open_project(&mut self, path: &Path) {
        self.start_open(path.to_path_buf(), false, false);
    }

    /// Creates a new, empty project, as a job.
    pub fn create_project(&mut self, path: &Path) {
        self.start_open(path.to_path_buf(), true, false);
    }

    fn start_open(&mut self, path: PathBuf, create: bool, sample_if_failed: bool) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let p = path.clone();
        self.open_job
            .start(&mut self.ws, T::JobOpen, name, move |_rep| {
                OpenedProject::open(&p, create)
            });
        self.opening = Some(Opening {
            path,
            create,
            sample_if_failed,
        });
    }

    /// Whether a project is being opened or created.
    pub fn opening(&self) -> bool {
        self.open_job.is_running()
    }

    /// Shows the project the open job opened, or says why it could not.
    fn opened(&mut self, result: crate::Result<OpenedProject>) {
        let Some(o) = self.opening.take() else { return };
        match result {
            Ok(opened) => {
                self.ws.install(opened);
                self.settings.remember(&o.path);
                let files = std::mem::take(&mut self.pending_import);
                if !files.is_empty() {
                    self.open_import(files);
                }
            }
            Err(e) if !o.create && self.privacy.on_open_error(&o.path, &e) => {}
            Err(e) => {
                let title = if o.create {
                    T::NewProjectTitle
                } else {
                    T::OpenProjectTitle
                };
                if matches!(e, crate::Error::Cancelled) {
                    self.open_job.report(&mut self.ws, &e);
                } else {
                    let t = self.ws.tr(title);
                    self.ws.problem(t, &e);
                }
            }
        }
        // The project the files were to go into did not open: ask again.
        let files = std::mem::take(&mut self.pending_import);
        if !files.is_empty() && self.ws.project.is_none() {
            self.import_where = Some(ImportWhere::new(files));
        } else if o.sample_if_failed && self.ws.project.is_none() {
            self.open_sample();
        }
    }

    /// "Where should these files go?", while it is open.
    fn import_where_ui(&mut self, ctx: &egui::Context) {
        let Some(w) = &self.import_where else { return };
        match w.show(ctx, self.ws.lang, &self.settings.recent) {
            WhereChoice::Undecided => return,
            WhereChoice::Into(p) => {
                self.pending_import = w.files().to_vec();
                self.open_project(&p);
            }
            WhereChoice::Other => {
                self.pending_import = w.files().to_vec();
                self.pick_project();
            }
            WhereChoice::New => {
                self.pending_import = w.files().to_vec();
                self.pick_new_project();
            }
            WhereChoice::Cancel => {}
        }
        self.import_where = None;
    }

    /// The files waiting for the user to choose a project ("Open with Loupe"), if asked.
    pub fn import_where(&self) -> Option<&[PathBuf]> {
        self.import_where.as_ref().map(|w| w.files())
    }

    /// Opens the import dialog for these files.
    pub fn open_import(&mut self, files: Vec<PathBuf>) {
        let files: Vec<PathBuf> = files.into_iter().filter(|f| f.is_file()).collect();
        if !files.is_empty() {
            self.import = Some(ImportDialog::new(files));
        }
    }

    /// Executes the commands pages pushed, then lets the app and every page take their finished
    /// jobs (each page polls its own, in its `logic`). Call once per frame (`App::logic`).
    pub fn poll(&mut self, ctx: &egui::Context) {
        if self.startup.is_some() {
            self.first_frame(ctx);
        }
        for command in self.ws.take_commands() {
            self.execute(command);
        }
        self.logic();
        // What the library put right on its own (an interrupted passphrase change).
        for m in crate::store::interrupted::take_notices() {
            let title = self.ws.tr(T::InterruptedPutRight);
            self.ws.problem(title, &m);
        }
        if self.ws.problems.len() > self.seen_problems {
            self.show_problems = true;
        }
        self.seen_problems = self.ws.problems.len();
    }

    /// The app's own jobs, then each page's and dialog's `logic`, then the workspace's errands.
    fn logic(&mut self) {
        if let Some(path) = self.sample_job.poll_report(&mut self.ws) {
            self.open_project(&path);
        }
        if let Some(r) = self.open_job.poll() {
            self.opened(r);
        }
        for report in self.imports.poll_report(&mut self.ws) {
            self.imported(&report);
        }

        let ws = &mut self.ws;
        self.data.logic(ws);
        self.activity.logic(ws);
        self.clean.logic(ws);
        self.customers.logic(ws);
        self.explore.logic(ws);
        self.segments.logic(ws);
        self.dashboard.logic(ws);
        self.campaigns.logic();
        self.recs.logic(ws);
        if let Some(d) = &mut self.import {
            d.logic(ws);
            // An import the dialog started is the app's to finish, whether the dialog stays.
            if let Some(job) = d.take_import() {
                self.imports.adopt(job);
            }
        }
        self.privacy.logic(ws);
        ws.logic();
    }

    /// An import finished: show the new dataset.
    fn imported(&mut self, report: &ImportReport) {
        let lang = self.ws.lang;
        self.ws.refresh_catalog();
        let mut notice = lang.f(T::Imported, &[&int(report.rows), &report.dataset]);
        if report.blank_rows_skipped > 0 {
            notice.push_str(&lang.f(T::BlankRowsSkipped, &[&int(report.blank_rows_skipped)]));
        }
        self.ws.notice = Some(notice);
        if !report.warnings.is_empty() {
            self.ws.problems.push(state::Problem {
                title: format!("{} — {}", lang.tr(T::Warnings), report.dataset),
                message: report.warnings.join("\n"),
            });
        }
        self.data.show_after_change(&mut self.ws, &report.dataset);
        self.page = Page::Data;
    }

    fn execute(&mut self, command: Command) {
        match command {
            Command::OpenProject(p) => self.open_project(&p),
            Command::CreateProject(p) => self.create_project(&p),
            Command::ShowRows {
                dataset,
                sql,
                label,
            } => {
                self.data.show_rows(&mut self.ws, &dataset, sql, label);
                self.page = Page::Data;
            }
            Command::OpenChart(chart) => {
                self.explore.open_saved(&mut self.ws, &chart);
                self.page = Page::Explore;
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let cmd = |k| KeyboardShortcut::new(Modifiers::COMMAND, k);
        let (open, import, filter) = ctx.input_mut(|i| {
            (
                i.consume_shortcut(&cmd(Key::O)),
                i.consume_shortcut(&cmd(Key::I)),
                i.consume_shortcut(&cmd(Key::F)),
            )
        });
        if open {
            self.pick_project();
        }
        if import {
            self.pick_import();
        }
        if filter {
            self.page = Page::Data;
            self.data.focus_filter();
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if !dropped.is_empty() {
            self.dropped(dropped);
        }
    }

    /// Files dropped on the window: a project is opened, data files go to the import dialog.
    pub fn dropped(&mut self, files: Vec<PathBuf>) {
        use crate::fsutil::Format;
        let (projects, rest): (Vec<PathBuf>, Vec<PathBuf>) = files
            .into_iter()
            .partition(|f| Format::from_path(f) == Some(Format::Loupe));
        let (data, other): (Vec<PathBuf>, Vec<PathBuf>) = rest.into_iter().partition(|f| {
            Format::from_path_through_gzip(f).is_some_and(|x| x != Format::Png) || f.is_dir()
        });
        if let Some(p) = other.first() {
            let name = p.file_name().unwrap_or(p.as_os_str()).to_string_lossy();
            self.ws.notice = Some(self.ws.lang.f(T::DropNotData, &[&name]));
        }
        if let Some(p) = projects.into_iter().next() {
            self.open_project(&p);
        } else if !data.is_empty() {
            if self.ws.project.is_some() {
                self.open_import(data);
            } else {
                self.import_where = Some(ImportWhere::new(data));
            }
        }
    }

    fn pick_project(&mut self) {
        self.ask_open = true;
    }

    fn pick_new_project(&mut self) {
        self.ask_new = true;
    }

    /// Asks for files to import, as Import… in the top bar does (the system's dialog, or the
    /// window's browser where there is none).
    pub fn pick_import(&mut self) {
        self.ask_import = true;
    }

    /// The file dialogs of the top bar: opened in the frame they were asked for, answered then
    /// (the system's dialog) or in a later frame (the window's own browser).
    fn file_dialogs(&mut self, ctx: &egui::Context) {
        let lang = self.ws.lang;
        if let Some(p) = FileDialog::new("open-project")
            .title(lang.tr(T::OpenProjectTitle))
            .filter(lang.tr(T::ProjectFilter), &["loupe"])
            .pick_file(ctx, std::mem::take(&mut self.ask_open))
        {
            self.open_project(&p);
        }
        if let Some(p) = FileDialog::new("new-project")
            .title(lang.tr(T::NewProjectTitle))
            .filter(lang.tr(T::ProjectFilter), &["loupe"])
            .file_name("project.loupe")
            .default_extension("loupe")
            .save_file(ctx, std::mem::take(&mut self.ask_new))
        {
            // Asks whether to encrypt it first.
            self.privacy.new_project(p);
        }
        if let Some(files) = FileDialog::new("import-files")
            .title(lang.tr(T::ImportFilesTitle))
            .filter(lang.tr(T::DataFiles), crate::import::DATA_EXTENSIONS)
            .pick_files(ctx, std::mem::take(&mut self.ask_import))
        {
            self.open_import(files);
        }
    }

    /// Draws one frame (`App::ui`).
    /// One whole frame, as eframe runs it (`logic`, then `ui`): for headless drivers.
    pub fn frame(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        self.draw(ui);
    }

    pub fn draw(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        if self.startup.is_some() {
            self.poll(&ctx);
        }
        if self.applied_theme != Some(self.settings.theme) {
            ctx.set_theme(self.settings.theme.preference());
            self.applied_theme = Some(self.settings.theme);
        }
        let title = match &self.ws.project {
            Some(p) => format!("{} — Loupe", p.name()),
            None => "Loupe".to_string(),
        };
        if title != self.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
        file_dialog::configure(
            &ctx,
            self.settings.file_dialog,
            &self.settings.recent_folders,
        );
        if self.import.is_none() && !file_dialog::browser_open(&ctx) {
            self.shortcuts(&ctx);
        }

        egui::Panel::top("top-bar")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(egui::Margin::symmetric(10, 6)),
            )
            .show(ui, |ui| self.top_bar(ui));
        egui::Panel::bottom("status-bar")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(egui::Margin::symmetric(10, 4)),
            )
            .show(ui, |ui| self.status_bar(ui));
        if self.show_problems && !self.ws.problems.is_empty() {
            egui::Panel::bottom("problems")
                .resizable(true)
                .default_size(140.0)
                .max_size(360.0)
                .show(ui, |ui| self.problems_ui(ui));
        }
        egui::Panel::left("nav")
            .resizable(false)
            .exact_size(theme::NAV_WIDTH)
            .show(ui, |ui| self.nav(ui));
        self.help.page_bar(ui, &mut self.ws, self.page);

        match self.page {
            Page::Data if self.ws.project.is_none() => self.welcome(ui),
            Page::Data => self.data.ui(ui, &mut self.ws),
            Page::Activity => self.activity.ui(ui, &mut self.ws),
            Page::Clean => self.clean.ui(ui, &mut self.ws),
            Page::Customers => self.customers.ui(ui, &mut self.ws),
            Page::Explore => self.explore.ui(ui, &mut self.ws),
            Page::Segments => self.segments.ui(ui, &mut self.ws),
            Page::Recommendations => self.recs.ui(ui, &mut self.ws),
            Page::Dashboard => self.dashboard.ui(ui, &mut self.ws),
            Page::Campaigns => self.campaigns.ui(ui, &mut self.ws),
        }

        if let Some(dialog) = &mut self.import {
            match dialog.show(&ctx, &mut self.ws) {
                DialogAction::None => {}
                DialogAction::Close | DialogAction::Started => {
                    if let Some(job) = dialog.take_import() {
                        self.imports.adopt(job);
                    }
                    self.import = None;
                }
            }
        }
        self.privacy.show(&ctx, &mut self.ws);
        self.import_where_ui(&ctx);
        self.help.about_ui(&ctx, &self.ws);
        self.file_dialogs(&ctx);
        file_dialog::show(&ctx, self.ws.lang, &mut self.settings.file_dialog);
        for dir in file_dialog::take_remembered(&ctx) {
            self.settings.remember_folder(&dir);
        }
        self.drop_overlay(&ctx);
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        let lang = self.ws.lang;
        ui.horizontal(|ui| {
            ui.label(
                RichText::new("Loupe")
                    .size(17.0)
                    .strong()
                    .color(theme::ACCENT),
            );
            ui.separator();
            match &self.ws.project {
                Some(p) => {
                    ui.label(RichText::new(p.name()).strong())
                        .on_hover_text(p.path().display().to_string());
                }
                None => {
                    theme::muted(ui, lang.tr(T::NoProject));
                }
            }
            ui.add_space(12.0);
            if ui
                .button(format!("{} {}", icon::NEW, lang.tr(T::New)))
                .clicked()
            {
                self.pick_new_project();
            }
            if ui
                .button(format!("{} {}", icon::OPEN, lang.tr(T::Open)))
                .on_hover_text("Ctrl+O")
                .clicked()
            {
                self.pick_project();
            }
            let mut open_recent = None;
            ui.menu_button(lang.tr(T::Recent), |ui| {
                if self.settings.recent.is_empty() {
                    theme::muted(ui, lang.tr(T::NoRecent));
                }
                for p in &self.settings.recent {
                    if ui.button(p.display().to_string()).clicked() {
                        open_recent = Some(p.clone());
                    }
                }
                if self.ws.sample_path.is_some() {
                    ui.separator();
                    if ui.button(lang.tr(T::OpenSample)).clicked() {
                        open_recent = self.ws.sample_path.clone();
                    }
                }
            });
            if let Some(p) = open_recent {
                if p.exists() {
                    self.open_project(&p);
                } else if Some(&p) == self.ws.sample_path.as_ref() {
                    self.open_sample();
                } else {
                    self.open_project(&p);
                }
            }
            if ui
                .add_enabled(
                    self.ws.project.is_some(),
                    egui::Button::new(format!("{} {}", icon::IMPORT, lang.tr(T::Import))),
                )
                .on_hover_text("Ctrl+I")
                .clicked()
            {
                self.pick_import();
            }
            self.privacy.menu(ui, &mut self.ws);
            self.help.menu(ui, &mut self.ws, self.page);

            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                let mut theme_choice = self.settings.theme;
                egui::ComboBox::from_id_salt("theme")
                    .selected_text(format!("{} {}", icon::THEME, lang.tr(theme_choice.key())))
                    .show_ui(ui, |ui| {
                        for t in ThemeChoice::ALL {
                            ui.selectable_value(&mut theme_choice, t, lang.tr(t.key()));
                        }
                    })
                    .response
                    .on_hover_text(lang.tr(T::Theme));
                self.settings.theme = theme_choice;

                let mut l = lang;
                egui::ComboBox::from_id_salt("language")
                    .selected_text(format!("{} {}", icon::LANGUAGE, l.native_name()))
                    .show_ui(ui, |ui| {
                        for x in Lang::ALL {
                            ui.selectable_value(&mut l, x, x.native_name());
                        }
                    })
                    .response
                    .on_hover_text(lang.tr(T::Language));
                if l != lang {
                    self.set_lang(l);
                }
            });
        });
    }

    fn nav(&mut self, ui: &mut Ui) {
        let lang = self.ws.lang;
        ui.add_space(8.0);
        ui.with_layout(Layout::top_down_justified(Align::Min), |ui| {
            for page in Page::ALL {
                if page == Page::Activity {
                    ui.add_space(4.0);
                    ui.separator();
                    ui.add_space(4.0);
                }
                let selected = self.page == page;
                let text = RichText::new(nav_label(lang, page)).size(14.0);
                let text = if selected { text.strong() } else { text };
                let r = ui
                    .add(egui::Button::selectable(selected, text).min_size(egui::vec2(0.0, 30.0)));
                let r = r.on_hover_text(lang.tr(page.description()));
                if r.clicked() {
                    self.page = page;
                }
            }
        });
    }

    fn welcome(&mut self, ui: &mut Ui) {
        let lang = self.ws.lang;
        let preparing = self.sample_job.is_running();
        let opening = self
            .opening
            .as_ref()
            .filter(|_| self.open_job.is_running())
            .map(|o| {
                let name = o.path.file_name().map(|n| n.to_string_lossy().into_owned());
                lang.f(T::JobOpen, &[&name.unwrap_or_default()])
            });
        egui::CentralPanel::default().show(ui, |ui| {
            ui.add_space(60.0);
            ui.vertical_centered(|ui| {
                ui.label(RichText::new(lang.tr(T::Welcome)).size(24.0).strong());
                ui.add_space(6.0);
                theme::muted(ui, lang.tr(T::Tagline));
                ui.add_space(16.0);
                if let Some(text) = &opening {
                    ui.spinner();
                    ui.label(text);
                } else if preparing {
                    ui.spinner();
                    ui.label(lang.tr(T::PreparingSample));
                } else {
                    ui.label(lang.tr(T::WelcomeBody));
                    ui.add_space(8.0);
                    if self.ws.sample_path.is_some() && ui.button(lang.tr(T::OpenSample)).clicked()
                    {
                        self.open_sample();
                    }
                }
            });
        });
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        let lang = self.ws.lang;
        let mut cancel = None;
        // A job shows once it has run a moment: quick reads leave the notice in place.
        let listed: Vec<&RunningJob> = (self.ws.jobs.iter())
            .filter(|j| j.probe.elapsed() >= QUIET_JOB)
            .collect();
        ui.horizontal(|ui| {
            if listed.is_empty() {
                let text = self
                    .ws
                    .notice
                    .clone()
                    .unwrap_or_else(|| lang.tr(T::Ready).into());
                ui.label(RichText::new(format!("{} {text}", icon::OK)).weak());
            }
            // The most recent jobs first, a few at most; the rest are counted.
            let shown = 3;
            for j in listed.iter().rev().take(shown) {
                if job_ui(ui, lang, j) {
                    cancel = Some(j.probe.id());
                }
                ui.separator();
            }
            if listed.len() > shown {
                theme::muted(ui, lang.f(T::JobsRunning, &[&listed.len()]));
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if !self.ws.problems.is_empty() {
                    let text = RichText::new(format!(
                        "{} {} ({})",
                        icon::WARNING,
                        lang.tr(T::Errors),
                        self.ws.problems.len()
                    ))
                    .color(theme::error_color(ui));
                    if ui.add(egui::Button::new(text).frame(false)).clicked() {
                        self.show_problems = !self.show_problems;
                    }
                }
                if let Some(p) = &self.ws.project {
                    let path = p.path().display().to_string();
                    let ro = if p.is_read_only() {
                        format!(" ({})", lang.tr(T::ReadOnly))
                    } else {
                        String::new()
                    };
                    ui.add(
                        egui::Label::new(RichText::new(format!("{path}{ro}")).weak().small())
                            .truncate(),
                    );
                }
            });
        });
        if let Some(id) = cancel {
            self.ws.cancel_job(id);
        }
        if self.busy() {
            // Keep the ETA and elapsed time moving between progress events.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(250));
        }
    }

    fn problems_ui(&mut self, ui: &mut Ui) {
        let lang = self.ws.lang;
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(lang.tr(T::Errors)).strong());
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if ui.small_button(lang.tr(T::DismissAll)).clicked() {
                    self.ws.problems.clear();
                    self.seen_problems = 0;
                }
            });
        });
        let mut dismiss = None;
        egui::ScrollArea::vertical()
            .auto_shrink([false, true])
            .show(ui, |ui| {
                for (i, p) in self.ws.problems.iter().enumerate().rev() {
                    if theme::error_card(ui, &p.title, &p.message, lang.tr(T::Dismiss)) {
                        dismiss = Some(i);
                    }
                    ui.add_space(4.0);
                }
            });
        if let Some(i) = dismiss {
            self.ws.problems.remove(i);
            self.seen_problems = self.ws.problems.len();
        }
    }

    fn drop_overlay(&self, ctx: &egui::Context) {
        let hovering = ctx.input(|i| !i.raw.hovered_files.is_empty());
        if !hovering {
            return;
        }
        let screen = ctx.content_rect();
        let painter = ctx.layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::unique("drop-overlay"),
        ));
        painter.rect_filled(screen, 0.0, egui::Color32::from_black_alpha(140));
        painter.text(
            screen.center(),
            egui::Align2::CENTER_CENTER,
            format!("{} {}", icon::IMPORT, self.ws.tr(T::DropHint)),
            egui::FontId::proportional(24.0),
            egui::Color32::WHITE,
        );
    }
}

/// One job in the status bar; returns true when Cancel was clicked.
fn job_ui(ui: &mut Ui, lang: Lang, j: &RunningJob) -> bool {
    let title = lang.f(j.title, &[&j.detail]);
    ui.label(title);
    let p = j.probe.progress();
    let p = p.as_ref();
    let fraction = p.and_then(|p| p.fraction());
    let bar = match fraction {
        Some(f) => egui::ProgressBar::new(f).show_percentage(),
        None => egui::ProgressBar::new(0.0).animate(true),
    };
    ui.add(bar.desired_width(140.0).desired_height(14.0));
    if let Some(p) = p {
        let mut parts = vec![lang.stage(p.stage).to_string()];
        if p.rows > 0 {
            parts.push(lang.f(T::RowsDone, &[&int(p.rows)]));
        }
        if p.unit == Unit::Bytes && p.done > 0 {
            // Imports count the file twice (scan, then load).
            let total = p
                .total
                .map(|t| format!(" / {}", bytes(t)))
                .unwrap_or_default();
            parts.push(format!("{}{total}", bytes(p.done)));
        }
        if let Some(eta) = p.eta() {
            parts.push(lang.f(T::Remaining, &[&lang.duration(eta)]));
        }
        theme::muted(ui, parts.join(" · "));
    }
    ui.add_enabled(
        !j.probe.is_cancelled(),
        egui::Button::new(lang.tr(T::Cancel)).small(),
    )
    .clicked()
}

impl eframe::App for LoupeApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, Settings::STORAGE_KEY, &self.settings);
    }
}
