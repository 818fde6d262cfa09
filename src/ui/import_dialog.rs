//! The import dialog: previews the first rows as Loupe will read them, shows what was detected
//! (encoding, delimiter, header, column types and roles) and lets the user change it.

use crate::dataset::{ColumnType, Role};
use crate::i18n::{Lang, T, bytes};
use crate::import::ImportReport;
use crate::import::{
    DelimiterChoice, EncodingChoice, HeaderChoice, ImportOptions, Preview, QuoteMode,
};
use crate::privacy::PiiAction;
use crate::store::{self, Project};
use crate::ui::privacy::{action_label, kind_label};
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};
use std::path::PathBuf;

/// Rows the preview shows.
pub const PREVIEW_ROWS: usize = 50;

/// Encodings the user can choose (labels `EncodingChoice` parses).
const ENCODINGS: [&str; 7] = [
    "auto", "utf-8", "gbk", "gb18030", "utf-16le", "utf-16be", "mixed",
];

/// What the user did in the dialog this frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogAction {
    None,
    Close,
    /// The import job started.
    Started,
}

/// State of the import dialog.
#[derive(Debug)]
pub struct ImportDialog {
    files: Vec<PathBuf>,
    name: String,
    encoding: &'static str,
    delimiter: DelimiterChoice,
    header: HeaderChoice,
    quotes: QuoteMode,
    replace: bool,
    /// Types the user set, by column.
    types: Vec<(String, ColumnType)>,
    /// Roles the user set, by column (`None`: no role).
    roles: Vec<(String, Option<Role>)>,
    /// Decisions on personal data the user made, by column (others: the proposed default).
    pii: Vec<(String, PiiAction)>,
    preview: Option<Result<Preview, String>>,
    preview_job: JobSlot<Preview>,
    /// The import, once started: the app takes it when the dialog closes.
    import_job: Option<JobSlot<ImportReport>>,
    dirty: bool,
    sizes: Vec<u64>,
}

impl ImportDialog {
    pub fn new(files: Vec<PathBuf>) -> ImportDialog {
        let name = files
            .first()
            .map(|f| store::dataset_name_from_path(f))
            .unwrap_or_default();
        let sizes = crate::ui::widgets::file_dialog::file_sizes(&files);
        ImportDialog {
            files,
            name,
            encoding: "auto",
            delimiter: DelimiterChoice::Auto,
            header: HeaderChoice::Auto,
            quotes: QuoteMode::Standard,
            replace: false,
            types: Vec::new(),
            roles: Vec::new(),
            pii: Vec::new(),
            preview: None,
            preview_job: JobSlot::default(),
            import_job: None,
            dirty: true,
            sizes,
        }
    }

    /// The files to import.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// The dataset name, as typed.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The import options the dialog's settings make.
    pub fn options(&self) -> ImportOptions {
        let encoding = self
            .encoding
            .parse::<EncodingChoice>()
            .unwrap_or(EncodingChoice::Auto);
        ImportOptions {
            name: Some(self.name.trim().to_string()).filter(|n| !n.is_empty()),
            encoding,
            delimiter: self.delimiter,
            header: self.header,
            quotes: self.quotes,
            types: self.types.clone(),
            roles: self
                .roles
                .iter()
                .filter_map(|(c, r)| r.map(|r| (c.clone(), r)))
                .collect(),
            no_roles: self
                .roles
                .iter()
                .filter(|(_, r)| r.is_none())
                .map(|(c, _)| c.clone())
                .collect(),
            replace: self.replace,
            pii: self.pii.clone(),
            ..ImportOptions::default()
        }
    }

    /// Sets what to do with a column of personal data (no new preview: the file reads the same).
    pub fn set_pii(&mut self, column: &str, action: PiiAction) {
        self.pii.retain(|(c, _)| c != column);
        self.pii.push((column.to_string(), action));
    }

    /// The decision for a flagged column: the user's, else the proposed one.
    pub fn pii_action(&self, flag: &crate::privacy::PiiColumn) -> PiiAction {
        self.pii
            .iter()
            .find(|(c, _)| *c == flag.column)
            .map_or(flag.action, |(_, a)| *a)
    }

    pub fn preview(&self) -> Option<&Result<Preview, String>> {
        self.preview.as_ref()
    }

    /// The import job the dialog started, for the app to keep once the dialog closes.
    pub fn take_import(&mut self) -> Option<JobSlot<ImportReport>> {
        self.import_job.take()
    }

    /// Takes the preview when it arrives (called once per frame, before drawing).
    pub fn logic(&mut self, ws: &mut Workspace) {
        self.refresh(ws);
        match self.preview_job.poll() {
            None | Some(Err(crate::Error::Cancelled)) => {}
            Some(Ok(p)) => self.preview = Some(Ok(p)),
            Some(Err(e)) => self.preview = Some(Err(crate::ui::explain::explain(ws.lang, &e))),
        }
    }

    /// Starts a preview when settings changed since the last one.
    pub fn refresh(&mut self, ws: &mut Workspace) {
        if !self.dirty {
            return;
        }
        self.dirty = false;
        let Some(file) = self.files.first().cloned() else {
            return;
        };
        let opts = self.options();
        let detail = file
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.preview_job
            .start(ws, T::JobPreview, detail, move |_rep| {
                crate::import::preview(&file, &opts, PREVIEW_ROWS)
            });
    }

    fn changed(&mut self) {
        self.dirty = true;
    }

    /// Sets the type of a column and re-runs the preview.
    pub fn set_type(&mut self, column: &str, ty: ColumnType) {
        self.types.retain(|(c, _)| c != column);
        self.types.push((column.to_string(), ty));
        self.changed();
    }

    /// Sets (or clears) the role of a column and re-runs the preview.
    pub fn set_role(&mut self, column: &str, role: Option<Role>) {
        self.roles.retain(|(c, _)| c != column);
        self.roles.push((column.to_string(), role));
        self.changed();
    }

    /// Whether Import can be pressed, and if not why.
    pub fn blocker(&self, ws: &Workspace) -> Option<String> {
        if ws.project.is_none() {
            return Some(ws.tr(T::NeedProject).into());
        }
        if let Err(e) = store::validate_dataset_name(self.name.trim()) {
            return Some(e.to_string());
        }
        if !self.replace && ws.dataset(self.name.trim()).is_some() {
            return Some(ws.tr(T::NameTaken).into());
        }
        match &self.preview {
            Some(Ok(_)) => None,
            Some(Err(e)) => Some(e.clone()),
            None => Some(ws.tr(T::ReadingPreview).into()),
        }
    }

    /// Starts the import on its own thread with its own connection; false when it could not.
    pub fn start_import(&mut self, ws: &mut Workspace) -> bool {
        let Some(path) = ws.project_path() else {
            return false;
        };
        let files = self.files.clone();
        let opts = self.options();
        let name = self.name.trim().to_string();
        let mut job = JobSlot::default();
        let started = job.start(ws, T::JobImport, name, move |rep| {
            let mut project = Project::open(&path)?;
            crate::import::import_files(&mut project, &files, &opts, rep)
        });
        if started {
            self.import_job = Some(job);
        }
        started
    }

    /// Draws the dialog as a modal window.
    pub fn show(&mut self, ctx: &egui::Context, ws: &mut Workspace) -> DialogAction {
        let mut action = DialogAction::None;
        let modal = egui::Modal::new(egui::Id::unique("import-dialog")).show(ctx, |ui| {
            let screen = ui.ctx().content_rect();
            ui.set_width((screen.width() - 80.0).clamp(480.0, 1000.0));
            ui.set_max_height((screen.height() - 80.0).max(320.0));
            action = self.ui(ui, ws);
        });
        if modal.should_close() && action == DialogAction::None {
            action = DialogAction::Close;
        }
        if action != DialogAction::None {
            self.preview_job.reset();
        }
        action
    }

    fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) -> DialogAction {
        let lang = ws.lang;
        let mut action = DialogAction::None;
        theme::page_header(ui, lang.tr(T::ImportTitle), None);

        // Files.
        for (f, size) in self.files.iter().zip(&self.sizes) {
            ui.horizontal(|ui| {
                ui.label(RichText::new(f.display().to_string()).monospace());
                theme::muted(ui, bytes(*size));
            });
        }
        ui.add_space(theme::GAP);

        let detected = self.preview.as_ref().and_then(|p| p.as_ref().ok()).cloned();
        egui::Grid::new("import-settings")
            .num_columns(3)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                let label = ui.label(lang.tr(T::DatasetName));
                let r = ui
                    .add(egui::TextEdit::singleline(&mut self.name).desired_width(240.0))
                    .labelled_by(label.id);
                if r.changed() {
                    // The name does not change how the file reads: no new preview.
                }
                ui.checkbox(&mut self.replace, lang.tr(T::Replace));
                ui.end_row();

                let label = ui.label(lang.tr(T::Encoding));
                let mut enc = self.encoding;
                egui::ComboBox::from_id_salt("import-encoding")
                    .width(240.0)
                    .selected_text(encoding_label(lang, enc))
                    .show_ui(ui, |ui| {
                        for e in ENCODINGS {
                            ui.selectable_value(&mut enc, e, encoding_label(lang, e));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if enc != self.encoding {
                    self.encoding = enc;
                    self.changed();
                }
                detected_label(ui, lang, detected.as_ref().and_then(|p| p.encoding.clone()));
                ui.end_row();

                let label = ui.label(lang.tr(T::Delimiter));
                let mut d = self.delimiter;
                egui::ComboBox::from_id_salt("import-delimiter")
                    .width(240.0)
                    .selected_text(delimiter_label(lang, d))
                    .show_ui(ui, |ui| {
                        for c in [
                            DelimiterChoice::Auto,
                            DelimiterChoice::Byte(b','),
                            DelimiterChoice::Byte(b'\t'),
                            DelimiterChoice::Byte(b';'),
                            DelimiterChoice::Byte(b'|'),
                            DelimiterChoice::Whitespace,
                        ] {
                            ui.selectable_value(&mut d, c, delimiter_label(lang, c));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if d != self.delimiter {
                    self.delimiter = d;
                    self.changed();
                }
                detected_label(
                    ui,
                    lang,
                    detected.as_ref().and_then(|p| p.delimiter.clone()),
                );
                ui.end_row();

                let label = ui.label(lang.tr(T::Header));
                let mut h = self.header;
                egui::ComboBox::from_id_salt("import-header")
                    .width(240.0)
                    .selected_text(header_label(lang, h))
                    .show_ui(ui, |ui| {
                        for c in [HeaderChoice::Auto, HeaderChoice::Yes, HeaderChoice::No] {
                            ui.selectable_value(&mut h, c, header_label(lang, c));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if h != self.header {
                    self.header = h;
                    self.changed();
                }
                detected_label(
                    ui,
                    lang,
                    detected.as_ref().map(|p| {
                        lang.tr(if p.has_header { T::Yes } else { T::No })
                            .to_string()
                    }),
                );
                ui.end_row();

                let label = ui.label(lang.tr(T::Quotes));
                let mut q = self.quotes;
                egui::ComboBox::from_id_salt("import-quotes")
                    .width(240.0)
                    .selected_text(quotes_label(lang, q))
                    .show_ui(ui, |ui| {
                        for c in [QuoteMode::Standard, QuoteMode::Plain, QuoteMode::Long] {
                            ui.selectable_value(&mut q, c, quotes_label(lang, c));
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if q != self.quotes {
                    self.quotes = q;
                    self.changed();
                }
                ui.label("");
                ui.end_row();

                if let Some(p) = &detected {
                    ui.label(lang.tr(T::Format));
                    ui.label(&p.format);
                    ui.label("");
                    ui.end_row();
                }
            });

        ui.add_space(theme::GAP);
        match self.preview.clone() {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    theme::muted(ui, lang.tr(T::ReadingPreview));
                });
            }
            Some(Err(e)) => {
                theme::error_card(ui, lang.tr(T::ImportTitle), &e, lang.tr(T::Dismiss));
            }
            Some(Ok(p)) => {
                if self.preview_job.is_running() {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        theme::muted(ui, lang.tr(T::ReadingPreview));
                    });
                }
                // The dialog fits the window: the column list and the preview take what the
                // settings above and the buttons below leave, each scrolling within it.
                let columns_h = ((ui.available_height() - FOOTER) * 0.45).clamp(72.0, 180.0);
                self.columns_ui(ui, lang, &p, columns_h);
                ui.add_space(theme::GAP);
                theme::section(ui, &lang.f(T::PreviewRows, &[&p.rows.len()]));
                let table_h =
                    (ui.available_height() - FOOTER - theme::HEADER_HEIGHT).clamp(60.0, 260.0);
                preview_table(ui, &p, table_h);
            }
        }

        ui.add_space(theme::GAP);
        ui.separator();
        let blocker = self.blocker(ws);
        ui.horizontal(|ui| {
            if let Some(b) = &blocker
                && self.preview.is_some()
            {
                ui.label(RichText::new(b).color(theme::error_color(ui)));
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                let import = ui.add_enabled(
                    blocker.is_none(),
                    egui::Button::new(RichText::new(lang.tr(T::ImportButton)).strong())
                        .fill(theme::ACCENT.linear_multiply(0.25)),
                );
                if import.clicked() && self.start_import(ws) {
                    action = DialogAction::Started;
                }
                if ui.button(lang.tr(T::Cancel)).clicked() {
                    action = DialogAction::Close;
                }
            });
        });
        action
    }

    fn columns_ui(&mut self, ui: &mut Ui, lang: Lang, p: &Preview, max_height: f32) {
        theme::section(ui, lang.tr(T::Columns));
        let mut set_type = None;
        let mut set_role = None;
        let mut set_pii = None;
        if let Some(r) = &p.preset {
            let label = if lang == Lang::ZhCn {
                &r.label_zh
            } else {
                &r.label
            };
            ui.label(RichText::new(lang.f(T::PresetRecognised, &[label])).strong());
        }
        if !p.pii.is_empty() {
            ui.label(
                RichText::new(lang.f(T::PvImportNote, &[&p.pii.len()]))
                    .color(egui::Color32::from_rgb(0xd9, 0x8c, 0x1f)),
            );
        }
        egui::ScrollArea::vertical()
            .id_salt("import-columns")
            .auto_shrink([false, true])
            .max_height(max_height)
            .show(ui, |ui| {
                egui::Grid::new("import-columns-grid")
                    .num_columns(4)
                    .striped(true)
                    .spacing([16.0, 4.0])
                    .show(ui, |ui| {
                        ui.label(RichText::new(lang.tr(T::Column)).strong());
                        ui.label(RichText::new(lang.tr(T::Type)).strong());
                        ui.label(RichText::new(lang.tr(T::Role)).strong());
                        ui.label(RichText::new(lang.tr(T::PvPersonalData)).strong());
                        ui.end_row();
                        for (i, c) in p.columns.iter().enumerate() {
                            let name = ui.label(&c.name);
                            let mut ty = c.ty;
                            egui::ComboBox::from_id_salt(("import-type", i))
                                .width(130.0)
                                .selected_text(lang.column_type(ty))
                                .show_ui(ui, |ui| {
                                    for t in ColumnType::ALL {
                                        ui.selectable_value(&mut ty, t, lang.column_type(t));
                                    }
                                })
                                .response
                                .labelled_by(name.id);
                            if ty != c.ty {
                                set_type = Some((c.name.clone(), ty));
                            }
                            let mut role = c.role;
                            egui::ComboBox::from_id_salt(("import-role", i))
                                .width(150.0)
                                .selected_text(role.map_or(lang.tr(T::NoRole), |r| lang.role(r)))
                                .show_ui(ui, |ui| {
                                    ui.selectable_value(&mut role, None, lang.tr(T::NoRole));
                                    for r in Role::ALL {
                                        ui.selectable_value(&mut role, Some(r), lang.role(r));
                                    }
                                })
                                .response
                                .labelled_by(name.id);
                            if role != c.role {
                                set_role = Some((c.name.clone(), role));
                            }
                            match p.pii.iter().find(|f| f.column == c.name) {
                                Some(flag) => {
                                    let current = self.pii_action(flag);
                                    let mut action = current;
                                    ui.horizontal(|ui| {
                                        egui::ComboBox::from_id_salt(("import-pii", i))
                                            .width(90.0)
                                            .selected_text(action_label(lang, action))
                                            .show_ui(ui, |ui| {
                                                for a in PiiAction::ALL {
                                                    ui.selectable_value(
                                                        &mut action,
                                                        a,
                                                        action_label(lang, a),
                                                    );
                                                }
                                            })
                                            .response
                                            .labelled_by(name.id);
                                        theme::muted(
                                            ui,
                                            format!(
                                                "{} · {}",
                                                kind_label(lang, flag.kind),
                                                lang.f(
                                                    T::PvShare,
                                                    &[&format!("{:.0}", flag.share * 100.0)]
                                                )
                                            ),
                                        );
                                    });
                                    if action != current {
                                        set_pii = Some((c.name.clone(), action));
                                    }
                                }
                                None => {
                                    ui.label("");
                                }
                            }
                            ui.end_row();
                        }
                    });
            });
        if let Some((c, t)) = set_type {
            self.set_type(&c, t);
        }
        if let Some((c, r)) = set_role {
            self.set_role(&c, r);
        }
        if let Some((c, a)) = set_pii {
            self.set_pii(&c, a);
        }
    }
}

/// Height the dialog keeps below the preview for its separator and buttons.
const FOOTER: f32 = 56.0;

fn preview_table(ui: &mut Ui, p: &Preview, max_height: f32) {
    egui::ScrollArea::horizontal()
        .id_salt("import-preview-scroll")
        .show(ui, |ui| {
            let mut t = TableBuilder::new(ui)
                .id_salt(("import-preview", p.columns.len()))
                .striped(true)
                .resizable(true)
                .max_scroll_height(max_height)
                .cell_layout(Layout::left_to_right(Align::Center));
            for c in &p.columns {
                let w = if c.ty.is_numeric() { 90.0 } else { 140.0 };
                t = t.column(Column::initial(w).at_least(50.0).clip(true));
            }
            t.header(theme::HEADER_HEIGHT, |mut h| {
                for c in &p.columns {
                    h.col(|ui| {
                        ui.label(RichText::new(&c.name).strong());
                    });
                }
            })
            .body(|body| {
                body.rows(theme::ROW_HEIGHT, p.rows.len(), |mut row| {
                    let Some(r) = p.rows.get(row.index()) else {
                        return;
                    };
                    for (j, c) in p.columns.iter().enumerate() {
                        let v = r.get(j).map(String::as_str).unwrap_or("");
                        row.col(|ui| {
                            if c.ty.is_numeric() {
                                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                    ui.add(egui::Label::new(v).truncate());
                                });
                            } else {
                                ui.add(egui::Label::new(v).truncate());
                            }
                        });
                    }
                });
            });
        });
}

fn detected_label(ui: &mut Ui, lang: Lang, what: Option<String>) {
    match what {
        Some(w) => theme::muted(ui, lang.f(T::Detected, &[&w])),
        None => ui.label(""),
    };
}

fn quotes_label(lang: Lang, q: QuoteMode) -> &'static str {
    lang.tr(match q {
        QuoteMode::Standard => T::QuotesStandard,
        QuoteMode::Plain => T::QuotesPlain,
        QuoteMode::Long => T::QuotesLong,
    })
}

fn encoding_label(lang: Lang, e: &str) -> String {
    match e {
        "auto" => lang.tr(T::Auto).to_string(),
        "mixed" => lang.tr(T::EncodingMixed).to_string(),
        other => other.to_ascii_uppercase(),
    }
}

fn delimiter_label(lang: Lang, d: DelimiterChoice) -> String {
    match d {
        DelimiterChoice::Auto => lang.tr(T::Auto).into(),
        DelimiterChoice::Byte(b',') => lang.tr(T::DelimComma).into(),
        DelimiterChoice::Byte(b'\t') => lang.tr(T::DelimTab).into(),
        DelimiterChoice::Byte(b';') => lang.tr(T::DelimSemicolon).into(),
        DelimiterChoice::Byte(b'|') => lang.tr(T::DelimPipe).into(),
        DelimiterChoice::Byte(b) => format!("'{}'", b as char),
        DelimiterChoice::Whitespace => lang.tr(T::DelimWhitespace).into(),
    }
}

fn header_label(lang: Lang, h: HeaderChoice) -> &'static str {
    lang.tr(match h {
        HeaderChoice::Auto => T::Auto,
        HeaderChoice::Yes => T::HeaderYes,
        HeaderChoice::No => T::HeaderNo,
    })
}
