//! The passphrase dialogs (unlock an encrypted project, create a project with or without one,
//! change or remove one) and the restore confirmation.

use crate::i18n::{Lang, T};
use crate::store::key::Passphrase;
use crate::ui::state::Workspace;
use crate::ui::theme;
use egui::{Align, Layout, RichText, Ui};
use std::path::{Path, PathBuf};

/// What a dialog came to this frame.
pub enum Outcome {
    Pending,
    Cancel,
    /// Confirmed, with the passphrase (`None`: without one).
    Done(Option<Passphrase>),
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// A password field with its label; Enter in it returns true.
fn secret(ui: &mut Ui, label: &str, text: &mut String, focus: bool) -> bool {
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::singleline(text)
                .password(true)
                .desired_width(280.0),
        )
        .labelled_by(l.id);
    if focus {
        r.request_focus();
    }
    r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// OK and Cancel, right-aligned; returns (ok, cancel).
fn buttons(ui: &mut Ui, lang: Lang, ok: T, enabled: bool) -> (bool, bool) {
    let mut out = (false, false);
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        out.0 = ui
            .add_enabled(
                enabled,
                egui::Button::new(RichText::new(lang.tr(ok)).strong())
                    .fill(theme::ACCENT.linear_multiply(0.25)),
            )
            .clicked();
        out.1 = ui.button(lang.tr(T::Cancel)).clicked();
    });
    out
}

/// Asks for the passphrase of an encrypted project.
pub struct UnlockDialog {
    pub(super) path: PathBuf,
    text: String,
    wrong: bool,
    focused: bool,
}

impl UnlockDialog {
    /// Whether the dialog says the last passphrase was wrong.
    pub fn wrong(&self) -> bool {
        self.wrong
    }

    pub fn new(path: PathBuf, wrong: bool) -> Self {
        UnlockDialog {
            path,
            text: String::new(),
            wrong,
            focused: false,
        }
    }

    pub fn show(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let mut outcome = Outcome::Pending;
        let modal = egui::Modal::new(egui::Id::unique("unlock-dialog")).show(ctx, |ui| {
            ui.set_width(420.0);
            theme::page_header(ui, lang.tr(T::PvPassphraseTitle), None);
            ui.label(lang.f(T::PvPassphrasePrompt, &[&file_name(&self.path)]));
            ui.add_space(theme::GAP);
            let enter = secret(ui, lang.tr(T::PvPassphrase), &mut self.text, !self.focused);
            self.focused = true;
            if self.wrong {
                ui.label(
                    RichText::new(lang.tr(T::PvWrongPassphrase)).color(theme::error_color(ui)),
                );
            }
            ui.add_space(theme::GAP);
            let (ok, cancel) = buttons(ui, lang, T::PvOpenButton, !self.text.is_empty());
            if (ok || enter) && !self.text.is_empty() {
                if let Ok(k) = Passphrase::new(std::mem::take(&mut self.text)) {
                    outcome = Outcome::Done(Some(k));
                }
            } else if cancel {
                outcome = Outcome::Cancel;
            }
        });
        if modal.should_close() && matches!(outcome, Outcome::Pending) {
            outcome = Outcome::Cancel;
        }
        outcome
    }
}

/// A new passphrase typed twice; the message when it cannot be used yet.
#[derive(Default)]
struct NewPassphrase {
    first: String,
    second: String,
}

impl NewPassphrase {
    fn ui(&mut self, ui: &mut Ui, lang: Lang, focus: bool) -> bool {
        let a = secret(ui, lang.tr(T::PvNewPassphrase), &mut self.first, focus);
        let b = secret(ui, lang.tr(T::PvPassphraseRepeat), &mut self.second, false);
        a || b
    }

    fn problem(&self) -> Option<T> {
        if self.first.is_empty() {
            Some(T::PvPassphraseEmpty)
        } else if self.first != self.second {
            Some(T::PvPassphrasesDiffer)
        } else {
            None
        }
    }

    fn take(&mut self) -> Option<Passphrase> {
        self.second.clear();
        Passphrase::new(std::mem::take(&mut self.first)).ok()
    }
}

/// Creating a project: optionally encrypted.
pub struct NewProjectDialog {
    pub(super) path: PathBuf,
    encrypt: bool,
    pass: NewPassphrase,
}

impl NewProjectDialog {
    pub fn new(path: PathBuf) -> Self {
        NewProjectDialog {
            path,
            encrypt: false,
            pass: NewPassphrase::default(),
        }
    }

    pub fn show(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let mut outcome = Outcome::Pending;
        let modal = egui::Modal::new(egui::Id::unique("new-project-dialog")).show(ctx, |ui| {
            ui.set_width(440.0);
            theme::page_header(ui, lang.tr(T::PvNewProjectTitle), None);
            ui.label(RichText::new(self.path.display().to_string()).monospace());
            ui.add_space(theme::GAP);
            let was = self.encrypt;
            ui.checkbox(&mut self.encrypt, lang.tr(T::PvEncryptNew));
            let mut enter = false;
            if self.encrypt {
                theme::muted(ui, lang.tr(T::PvEncryptHint));
                enter = self.pass.ui(ui, lang, !was);
                if let Some(p) = self.pass.problem()
                    && !self.pass.second.is_empty()
                {
                    ui.label(RichText::new(lang.tr(p)).color(theme::error_color(ui)));
                }
            }
            ui.add_space(theme::GAP);
            let ready = !self.encrypt || self.pass.problem().is_none();
            let (ok, cancel) = buttons(ui, lang, T::PvCreateButton, ready);
            if (ok || enter) && ready {
                outcome = Outcome::Done(if self.encrypt { self.pass.take() } else { None });
            } else if cancel {
                outcome = Outcome::Cancel;
            }
        });
        if modal.should_close() && matches!(outcome, Outcome::Pending) {
            outcome = Outcome::Cancel;
        }
        outcome
    }
}

/// Setting, changing or removing the passphrase of the open project.
pub struct ChangeDialog {
    encrypted: bool,
    remove: bool,
    pass: NewPassphrase,
}

impl ChangeDialog {
    pub fn new(encrypted: bool) -> Self {
        ChangeDialog {
            encrypted,
            remove: false,
            pass: NewPassphrase::default(),
        }
    }

    pub fn show(&mut self, ctx: &egui::Context, lang: Lang) -> Outcome {
        let mut outcome = Outcome::Pending;
        let modal = egui::Modal::new(egui::Id::unique("passphrase-dialog")).show(ctx, |ui| {
            ui.set_width(440.0);
            let title = if self.encrypted {
                T::PvChangePassphrase
            } else {
                T::PvEncrypt
            };
            theme::page_header(ui, lang.tr(title).trim_end_matches('…'), None);
            theme::muted(ui, lang.tr(T::PvEncryptHint));
            ui.add_space(theme::GAP);
            if self.encrypted {
                ui.checkbox(&mut self.remove, lang.tr(T::PvRemovePassphrase));
            }
            let mut enter = false;
            if !self.remove {
                enter = self.pass.ui(ui, lang, false);
                if let Some(p) = self.pass.problem()
                    && !self.pass.second.is_empty()
                {
                    ui.label(RichText::new(lang.tr(p)).color(theme::error_color(ui)));
                }
            }
            ui.add_space(theme::GAP);
            let ready = self.remove || self.pass.problem().is_none();
            let (ok, cancel) = buttons(ui, lang, T::PvChangeButton, ready);
            if (ok || enter) && ready {
                outcome = Outcome::Done(if self.remove { None } else { self.pass.take() });
            } else if cancel {
                outcome = Outcome::Cancel;
            }
        });
        if modal.should_close() && matches!(outcome, Outcome::Pending) {
            outcome = Outcome::Cancel;
        }
        outcome
    }
}

/// Asks before restoring: `Some(true)` restore, `Some(false)` cancel, `None` not yet.
pub fn confirm_restore(ctx: &egui::Context, ws: &Workspace, from: &Path) -> Option<bool> {
    let lang = ws.lang;
    let project = ws.project.as_ref().map(|p| p.name()).unwrap_or_default();
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::unique("restore-dialog")).show(ctx, |ui| {
        ui.set_width(460.0);
        theme::page_header(ui, lang.tr(T::PvRestoreTitle), None);
        ui.label(lang.f(T::PvRestoreConfirm, &[&project, &file_name(from)]));
        ui.add_space(theme::GAP);
        let (ok, cancel) = buttons(ui, lang, T::PvRestoreButton, true);
        if ok {
            answer = Some(true);
        } else if cancel {
            answer = Some(false);
        }
    });
    if modal.should_close() && answer.is_none() {
        answer = Some(false);
    }
    answer
}
