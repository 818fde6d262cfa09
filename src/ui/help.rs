//! Help in the window: the Help menu, each page's "?" and terms that explain themselves on hover.
//!
//! The guide is the built mdBook HTML installed beside the app ([`crate::guide`] says where it
//! is looked for and why it is not embedded); it opens in the system browser through a
//! `file://` URL, so no network is needed. The URL goes through egui's `open_url`, which eframe
//! hands to the browser; [`HelpUi::last_opened`] keeps it, which is what tests check.

use crate::guide::{self, Chapter};
use crate::i18n::{Lang, T};
use crate::ui::about::AboutDialog;
use crate::ui::pages::Page;
use crate::ui::state::Workspace;
use egui::{Align, Layout, Response, RichText, Ui};
use std::path::PathBuf;

/// The Help menu's state.
#[derive(Default)]
pub struct HelpUi {
    /// A folder holding the built books as `<lang>/index.html`, tried instead of the usual places
    /// (tests; an app that ships the guide elsewhere).
    guide_root: Option<PathBuf>,
    /// The last URL the window asked the system to open.
    last_opened: Option<String>,
    /// Help ▸ About Loupe, while it is open.
    about: Option<AboutDialog>,
}

/// The guide's chapter about a page.
pub fn chapter_of(page: Page) -> Chapter {
    match page {
        Page::Data => Chapter::Import,
        Page::Clean => Chapter::Clean,
        Page::Explore | Page::Dashboard => Chapter::Explore,
        Page::Customers => Chapter::Customers,
        Page::Segments => Chapter::Segments,
        Page::Recommendations => Chapter::Recommend,
        Page::Campaigns => Chapter::Campaigns,
        Page::Activity => Chapter::Privacy,
    }
}

impl HelpUi {
    /// Looks for the built books in `root` (as `<lang>/index.html`) before the usual places.
    pub fn set_guide_root(&mut self, root: Option<PathBuf>) {
        self.guide_root = root;
    }

    /// The last URL the window asked the system to open.
    pub fn last_opened(&self) -> Option<&str> {
        self.last_opened.as_deref()
    }

    pub fn forget_last_opened(&mut self) {
        self.last_opened = None;
    }

    /// The Help menu of the top bar.
    pub fn menu(&mut self, ui: &mut Ui, ws: &mut Workspace, page: Page) {
        let lang = ws.lang;
        ui.menu_button(lang.tr(T::HelpMenu), |ui| {
            let items = [
                (T::HelpGuide, Chapter::Home),
                (T::HelpThisPage, chapter_of(page)),
                (T::HelpGlossary, Chapter::Glossary),
                (T::HelpCommands, Chapter::Commands),
            ];
            for (label, chapter) in items {
                if ui.button(lang.tr(label)).clicked() {
                    self.open(ui.ctx(), ws, chapter);
                    ui.close();
                }
            }
            ui.separator();
            if ui.button(lang.tr(T::HelpAbout)).clicked() {
                self.about = Some(AboutDialog::default());
                ui.close();
            }
        });
    }

    /// The About dialog, while it is open.
    pub fn about_ui(&mut self, ctx: &egui::Context, ws: &Workspace) {
        let Some(about) = &mut self.about else { return };
        let schema = ws.project.as_ref().and_then(|p| p.schema_version().ok());
        if !about.show(ctx, ws.lang, schema) {
            self.about = None;
        }
    }

    /// The About dialog, when it is open (tests read what it copied).
    pub fn about(&self) -> Option<&AboutDialog> {
        self.about.as_ref()
    }

    /// A slim bar above a page: what the page is for, and its "?".
    pub fn page_bar(&mut self, ui: &mut Ui, ws: &mut Workspace, page: Page) {
        let lang = ws.lang;
        egui::Panel::top("page-help")
            .frame(
                egui::Frame::side_top_panel(ui.style())
                    .inner_margin(egui::Margin::symmetric(10, 3)),
            )
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                        let hover = lang.f(T::HelpPageButton, &[&lang.tr(page.title())]);
                        if ui
                            .button(RichText::new("?").strong())
                            .on_hover_text(hover)
                            .clicked()
                        {
                            self.open(ui.ctx(), ws, chapter_of(page));
                        }
                        ui.add(
                            egui::Label::new(
                                RichText::new(lang.tr(page.description())).weak().small(),
                            )
                            .truncate(),
                        );
                    });
                });
            });
        // The page's area starts in the panel colour: pages' frameless panels would otherwise
        // show the window's clear colour (dark under eframe) behind them.
        let rect = ui.available_rect_before_wrap();
        ui.painter().rect_filled(rect, 0.0, ui.visuals().panel_fill);
    }

    /// Opens `chapter` in the window's language (the other language's book when only that one is
    /// installed), or says where the guide was looked for.
    pub fn open(&mut self, ctx: &egui::Context, ws: &mut Workspace, chapter: Chapter) {
        let lang = ws.lang;
        let other = if lang == Lang::En {
            Lang::ZhCn
        } else {
            Lang::En
        };
        let dirs = |l: Lang| match &self.guide_root {
            Some(root) => vec![root.join(l.code())],
            None => guide::candidates(l),
        };
        let Some(book) = guide::find_book(&dirs(lang)).or_else(|| guide::find_book(&dirs(other)))
        else {
            let tried: Vec<String> = dirs(lang)
                .iter()
                .map(|d| format!("  {}", d.display()))
                .collect();
            let message = lang.f(T::HelpMissing, &[&tried.join("\n")]);
            ws.problem(lang.tr(T::HelpMissingTitle), &message);
            return;
        };
        let url = guide::chapter_url(&book, chapter);
        ctx.open_url(egui::OpenUrl::new_tab(url.clone()));
        ws.notice = Some(lang.f(T::HelpOpened, &[&url]));
        self.last_opened = Some(url);
    }
}

/// Terms of the window's tables that explain themselves on hover, with their explanations.
pub const TERMS: [(T, T); 14] = [
    (T::ColRfmGroup, T::ExplainRfmGroup),
    (T::KeyPAlive, T::ExplainPAlive),
    (T::ColTgi, T::ExplainTgi),
    (T::LiftAbs, T::ExplainLift),
    (T::LiftCi, T::ExplainCi),
    (T::LiftP, T::ExplainPValue),
    (T::LiftConvAbs, T::ExplainConversionLift),
    (T::RecColLift, T::ExplainRuleLift),
    (T::RecColConfidence, T::ExplainConfidence),
    (T::RecColSupport, T::ExplainSupport),
    (T::RecMinLift, T::ExplainRuleLift),
    (T::RecMinConfidence, T::ExplainConfidence),
    (T::ColRoi, T::ExplainRoi),
    (T::ColRoas, T::ExplainRoas),
];

/// The explanation of the term `key`, if it has one.
pub fn explanation(lang: Lang, key: T) -> Option<&'static str> {
    TERMS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, e)| lang.tr(*e))
}

/// Adds the explanation of the term `key` to `r`'s hover text (unchanged when it has none).
pub fn explain(r: Response, lang: Lang, key: T) -> Response {
    match explanation(lang, key) {
        Some(e) => r.on_hover_text(e),
        None => r,
    }
}

/// Adds the explanation of a heading shown as `text` (in either language), for tables whose
/// headings arrive as text. A heading that is no explained term is left as it is.
pub fn explain_text(r: Response, text: &str) -> Response {
    for (key, e) in TERMS {
        for lang in Lang::ALL {
            if lang.tr(key) == text {
                return r.on_hover_text(lang.tr(e));
            }
        }
    }
    r
}

/// A heading label that explains itself on hover (strong text, as table headings are drawn).
pub fn term_heading(ui: &mut Ui, lang: Lang, key: T) -> Response {
    let r = ui.label(RichText::new(lang.tr(key)).strong());
    explain(r, lang, key)
}
