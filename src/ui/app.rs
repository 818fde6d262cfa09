//! The workbench shell: top bar, navigation, status bar with jobs, error panel, dialogs and
//! keyboard shortcuts. `poll` (in `App::logic`) takes finished jobs; `draw` (in `App::ui`) draws.

use crate::error::Error;
use crate::i18n::{Lang, T, bytes, int};
use crate::progress::Unit;
use crate::ui::command::Command;
use crate::ui::explain::explain;
use crate::ui::import_dialog::{DialogAction, ImportDialog};
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
use crate::ui::state::{self, JobOutput, RunningJob, Settings, ThemeChoice, Workspace};
use crate::ui::theme::{self, icon};
use crate::ui::widgets::FileDialog;
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
}

impl Startup {
    /// How the window starts from the command line: `project` if given, else the most recent
    /// project, else the sample project (built on first start).
    pub fn window(project: Option<PathBuf>) -> Startup {
        Startup {
            project,
            sample_path: Some(state::default_sample_path()),
            reopen_recent: true,
        }
    }
}

/// The workbench.
pub struct LoupeApp {
    pub settings: Settings,
    pub ws: Workspace,
    pub page: Page,
    pub data: DataPage,
    pub activity: ActivityPage,
    pub clean: CleanPage,
    pub customers: CustomersPage,
    pub explore: ExplorePage,
    pub segments: SegmentsPage,
    pub dashboard: DashboardPage,
    pub campaigns: CampaignsPage,
    pub recs: RecommendationsPage,
    pub import: Option<ImportDialog>,
    /// Backup, restore, passphrases and customer data requests.
    pub privacy: PrivacyUi,
    /// The Help menu and each page's "?".
    pub help: crate::ui::help::HelpUi,
    startup: Option<Startup>,
    sample_job: Option<u64>,
    show_problems: bool,
    seen_problems: usize,
    applied_theme: Option<ThemeChoice>,
    title: String,
}

/// The label of a navigation entry (glyph and title), as drawn and as tests find it.
pub fn nav_label(lang: Lang, page: Page) -> String {
    format!("{}  {}", page.icon(), lang.tr(page.title()))
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
            sample_job: None,
            show_problems: true,
            seen_problems: 0,
            applied_theme: None,
            title: String::new(),
        }
    }

    /// From eframe: remembered settings, system and bundled fonts.
    pub fn from_creation(cc: &eframe::CreationContext<'_>, project: Option<PathBuf>) -> LoupeApp {
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
        LoupeApp::new(settings, Startup::window(project))
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
            self.open_project(&p);
            if self.ws.project.is_some() {
                return;
            }
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
        if self.ws.job_running(self.sample_job) {
            return;
        }
        self.sample_job = self.ws.spawn(T::JobSample, "", move |rep| {
            Ok(JobOutput::Sample(crate::demo::build_sample(&path, rep)?))
        });
    }

    pub fn open_project(&mut self, path: &Path) {
        match self.ws.open_project(path) {
            Ok(()) => self.settings.remember(path),
            Err(e) if self.privacy.on_open_error(path, &e) => {}
            Err(e) => {
                let t = self.ws.tr(T::OpenProjectTitle);
                self.ws.problem(t, &e);
            }
        }
    }

    pub fn create_project(&mut self, path: &Path) {
        match self.ws.create_project(path) {
            Ok(()) => self.settings.remember(path),
            Err(e) => {
                let t = self.ws.tr(T::NewProjectTitle);
                self.ws.problem(t, &e);
            }
        }
    }

    /// Opens the import dialog for these files.
    pub fn open_import(&mut self, files: Vec<PathBuf>) {
        let files: Vec<PathBuf> = files.into_iter().filter(|f| f.is_file()).collect();
        if !files.is_empty() {
            self.import = Some(ImportDialog::new(files));
        }
    }

    /// Executes the commands pages pushed, then takes finished jobs and routes their results.
    /// Call once per frame (`App::logic`).
    pub fn poll(&mut self, ctx: &egui::Context) {
        if self.startup.is_some() {
            self.first_frame(ctx);
        }
        for command in self.ws.take_commands() {
            self.execute(command);
        }
        let mut finished: Vec<(u64, T, String, crate::Result<JobOutput>)> = Vec::new();
        for j in &mut self.ws.jobs {
            if let Some(r) = j.job.poll() {
                finished.push((j.job.id(), j.title, j.detail.clone(), r));
            }
        }
        self.ws
            .jobs
            .retain(|j| j.job.state() == crate::jobs::JobState::Running);
        for (id, title, detail, result) in finished {
            self.finish(id, title, &detail, result);
        }
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

    fn finish(&mut self, id: u64, title: T, detail: &str, result: crate::Result<JobOutput>) {
        let lang = self.ws.lang;
        match result {
            Ok(JobOutput::Sample(path)) => {
                self.sample_job = None;
                self.open_project(&path);
            }
            Ok(JobOutput::Written(path)) => {
                self.ws.notice = Some(lang.f(T::Exported, &[&path.display()]));
            }
            Ok(JobOutput::Imported(report)) => {
                self.ws.refresh_catalog();
                self.ws.notice = Some(lang.f(T::Imported, &[&int(report.rows), &report.dataset]));
                if !report.warnings.is_empty() {
                    self.ws.problems.push(state::Problem {
                        title: format!("{} — {}", lang.tr(T::Warnings), report.dataset),
                        message: report.warnings.join("\n"),
                    });
                }
                self.data.show_after_change(&mut self.ws, &report.dataset);
                self.page = Page::Data;
            }
            Ok(JobOutput::Rows(generation, ids)) => self.data.on_rows(generation, ids),
            Ok(JobOutput::Profile(p)) => self.data.on_profile(p),
            Ok(JobOutput::Quality(r)) => self.clean.on_report(r),
            Ok(JobOutput::Customers(o)) => self.customers.on_overview(o),
            Ok(JobOutput::Explore(generation, r)) => self.explore.on_result(generation, r),
            Ok(JobOutput::Dashboard(token, d)) => self.dashboard.on_result(token, *d),
            Ok(JobOutput::RawFrame(name, df)) => self.clean.on_raw(&mut self.ws, name, df),
            Ok(JobOutput::StepPreview(generation, p)) => self.clean.on_preview(generation, p),
            Ok(JobOutput::Segments(out)) => self.segments.on_output(&mut self.ws, out),
            Ok(JobOutput::Privacy(out)) => self.privacy.on_output(&mut self.ws, *out),
            Ok(JobOutput::Campaigns(out)) => self.campaigns.on_output(out),
            Ok(JobOutput::Recs(out)) => self.recs.on_output(&mut self.ws, out),
            Ok(JobOutput::Rebuilt(s)) => {
                self.ws.notice = Some(lang.f(T::CleanedTable, &[&s.output, &int(s.rows_out)]));
                self.clean.on_rebuilt(&mut self.ws, s);
            }
            Ok(JobOutput::Preview(generation, p)) => {
                if let Some(d) = &mut self.import {
                    d.on_preview(generation, *p);
                }
            }
            Err(e) => {
                self.data.on_rows_failed(id);
                if self.dashboard.on_failed(id, &e) {
                    return;
                }
                if !matches!(e, Error::Cancelled) && self.explore.on_failed(id, explain(lang, &e)) {
                    return;
                }
                if self.clean.on_failed(id, &e) {
                    return;
                }
                if self.segments.on_failed(id, &explain(lang, &e)) {
                    return;
                }
                if self.privacy.on_failed(&mut self.ws, id, &e) {
                    return;
                }
                if self.campaigns.on_failed(id, &explain(lang, &e)) {
                    return;
                }
                if self.recs.on_failed(id, &e) {
                    return;
                }
                if let Some(d) = &mut self.import
                    && d.preview_job() == Some(id)
                {
                    d.on_preview_error(id, explain(lang, &e));
                    return;
                }
                if matches!(e, Error::Cancelled) {
                    self.ws.notice = Some(format!(
                        "{}: {}",
                        lang.tr(T::Cancelled),
                        lang.f(title, &[&detail])
                    ));
                } else {
                    if self.sample_job == Some(id) {
                        self.sample_job = None;
                    }
                    self.ws.problem(lang.f(title, &[&detail]), &e);
                }
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
            self.data.focus_filter = true;
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
            self.open_import(dropped);
        }
    }

    fn pick_project(&mut self) {
        let lang = self.ws.lang;
        if let Some(p) = FileDialog::new()
            .title(lang.tr(T::OpenProjectTitle))
            .filter(lang.tr(T::ProjectFilter), &["loupe"])
            .pick_file()
        {
            self.open_project(&p);
        }
    }

    fn pick_new_project(&mut self) {
        let lang = self.ws.lang;
        if let Some(p) = FileDialog::new()
            .title(lang.tr(T::NewProjectTitle))
            .filter(lang.tr(T::ProjectFilter), &["loupe"])
            .file_name("project.loupe")
            .default_extension("loupe")
            .save_file()
        {
            // Asks whether to encrypt it first.
            self.privacy.new_project(p);
        }
    }

    fn pick_import(&mut self) {
        let lang = self.ws.lang;
        if let Some(files) = FileDialog::new()
            .title(lang.tr(T::ImportFilesTitle))
            .filter(
                lang.tr(T::DataFiles),
                &[
                    "csv", "tsv", "txt", "xlsx", "xls", "parquet", "json", "jsonl", "gz",
                ],
            )
            .pick_files()
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
        if self.import.is_none() {
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
                DialogAction::Close | DialogAction::Started => self.import = None,
            }
        }
        self.privacy.show(&ctx, &mut self.ws);
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
        let preparing = self.ws.job_running(self.sample_job);
        egui::CentralPanel::default().show(ui, |ui| {
            ui.add_space(60.0);
            ui.vertical_centered(|ui| {
                ui.label(RichText::new(lang.tr(T::Welcome)).size(24.0).strong());
                ui.add_space(6.0);
                theme::muted(ui, lang.tr(T::Tagline));
                ui.add_space(16.0);
                if preparing {
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
        ui.horizontal(|ui| {
            if self.ws.jobs.is_empty() {
                let text = self
                    .ws
                    .notice
                    .clone()
                    .unwrap_or_else(|| lang.tr(T::Ready).into());
                ui.label(RichText::new(format!("{} {text}", icon::OK)).weak());
            }
            // The most recent jobs first, a few at most; the rest are counted.
            let shown = 3;
            for j in self.ws.jobs.iter().rev().take(shown) {
                if job_ui(ui, lang, j) {
                    cancel = Some(j.job.id());
                }
                ui.separator();
            }
            if self.ws.jobs.len() > shown {
                theme::muted(ui, lang.f(T::JobsRunning, &[&self.ws.jobs.len()]));
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
    let p = j.job.progress();
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
        !j.job.is_cancelled(),
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
