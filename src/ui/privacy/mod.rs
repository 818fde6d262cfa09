//! The window's privacy and data-safety parts: the Project menu (backup, restore, passphrase,
//! customer data requests), the passphrase dialogs (opening an encrypted project, creating one,
//! changing the passphrase) and their background jobs. State here, drawing in [`dialogs`] and
//! [`subject`].

pub mod dialogs;
pub mod subject;

use crate::error::Error;
use crate::i18n::{Lang, T, bytes};
use crate::privacy::{PiiAction, PiiKind};
use crate::store::Project;
use crate::store::backup::{self, BackupReport, RestoreReport};
use crate::store::key::{self, Passphrase};
use crate::store::passphrase::{self, PassphraseChange};
use crate::ui::command::Command;
use crate::ui::state::{JobSlot, Workspace};
use egui::Ui;
use std::path::{Path, PathBuf};

/// What a privacy job produced.
pub enum PrivacyOutput {
    BackedUp(BackupReport),
    Restored(RestoreReport),
    PassphraseChanged(PathBuf, PassphraseChange),
}

/// The privacy dialogs and jobs of the window.
#[derive(Default)]
pub struct PrivacyUi {
    unlock: Option<dialogs::UnlockDialog>,
    new_project: Option<dialogs::NewProjectDialog>,
    change: Option<dialogs::ChangeDialog>,
    /// A backup file chosen for restoring, waiting for confirmation.
    restore: Option<PathBuf>,
    subject: Option<subject::SubjectWindow>,
    job: JobSlot<PrivacyOutput>,
    /// The project a restore or passphrase change closed, to reopen afterwards.
    reopen: Option<PathBuf>,
}

impl PrivacyUi {
    /// The passphrase dialog, while it asks.
    pub fn unlock(&self) -> Option<&dialogs::UnlockDialog> {
        self.unlock.as_ref()
    }

    /// The customer data request window, while open.
    pub fn subject(&self) -> Option<&subject::SubjectWindow> {
        self.subject.as_ref()
    }

    pub fn subject_mut(&mut self) -> Option<&mut subject::SubjectWindow> {
        self.subject.as_mut()
    }

    /// Asks to confirm restoring the open project from `backup` (as Restore… does once a
    /// backup is picked).
    pub fn ask_restore(&mut self, backup: PathBuf) {
        self.restore = Some(backup);
    }

    /// Asks for the passphrase of `path` (opening it failed for want of one, or a wrong one).
    pub fn ask_passphrase(&mut self, path: &Path, wrong: bool) {
        key::forget(path);
        self.unlock = Some(dialogs::UnlockDialog::new(path.to_path_buf(), wrong));
    }

    /// Offers encryption for a project about to be created at `path`.
    pub fn new_project(&mut self, path: PathBuf) {
        self.new_project = Some(dialogs::NewProjectDialog::new(path));
    }

    /// Handles an error of opening a project: true when it was about the passphrase (a dialog
    /// asks for it), false when the caller should report it.
    pub fn on_open_error(&mut self, path: &Path, e: &Error) -> bool {
        match e {
            Error::PassphraseNeeded { .. } => {
                self.ask_passphrase(path, false);
                true
            }
            Error::WrongPassphrase { .. } => {
                self.ask_passphrase(path, true);
                true
            }
            _ => false,
        }
    }

    /// Whether a privacy job is running.
    pub fn busy(&self) -> bool {
        self.job.is_running()
    }

    /// Takes the results of the privacy jobs (once per frame): a failed restore or passphrase
    /// change left the project as it was, and it is opened again.
    pub fn logic(&mut self, ws: &mut Workspace) {
        if let Some(w) = &mut self.subject {
            w.logic(ws);
        }
        match self.job.poll() {
            None => {}
            Some(Ok(out)) => self.on_output(ws, out),
            Some(Err(e)) => {
                ws.problem(ws.lang.tr(T::PvProjectMenu), &e);
                if let Some(p) = self.reopen.take() {
                    ws.push(Command::OpenProject(p));
                }
            }
        }
    }

    /// The Project menu of the top bar.
    pub fn menu(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        let Some(project) = &ws.project else {
            ui.add_enabled(false, egui::Button::new(lang.tr(T::PvProjectMenu)));
            return;
        };
        let path = project.path().to_path_buf();
        let encrypted = project.is_encrypted();
        let busy = self.busy();
        if encrypted {
            ui.label(
                egui::RichText::new(lang.tr(T::PvEncryptedBadge))
                    .small()
                    .color(egui::Color32::WHITE)
                    .background_color(egui::Color32::from_rgb(0x2e, 0x9d, 0x6b)),
            );
        }
        let (mut ask_backup_to, mut ask_restore) = (false, false);
        ui.menu_button(lang.tr(T::PvProjectMenu), |ui| {
            if ui
                .add_enabled(!busy, egui::Button::new(lang.tr(T::PvBackupNow)))
                .on_hover_text(lang.f(T::PvBackupsFolder, &[&backup::backups_dir(&path).display()]))
                .clicked()
            {
                self.start_backup(ws, backup::default_backup_path(&path));
                ui.close();
            }
            if ui
                .add_enabled(!busy, egui::Button::new(lang.tr(T::PvBackupTo)))
                .clicked()
            {
                ui.close();
                ask_backup_to = true;
            }
            if ui
                .add_enabled(!busy, egui::Button::new(lang.tr(T::PvRestore)))
                .clicked()
            {
                ui.close();
                ask_restore = true;
            }
            ui.separator();
            let label = if encrypted {
                T::PvChangePassphrase
            } else {
                T::PvEncrypt
            };
            if ui
                .add_enabled(!busy, egui::Button::new(lang.tr(label)))
                .clicked()
            {
                self.change = Some(dialogs::ChangeDialog::new(encrypted));
                ui.close();
            }
            ui.separator();
            if ui.button(lang.tr(T::PvSubjectMenu)).clicked() {
                self.subject = Some(subject::SubjectWindow::default());
                ui.close();
            }
        });
        // Asked from the menu; the window's browser answers in a later frame.
        if let Some(dest) = crate::ui::widgets::FileDialog::new("backup-to")
            .title(lang.tr(T::PvBackupTo))
            .filter(lang.tr(T::ProjectFilter), &["loupe"])
            .file_name(
                backup::default_backup_path(&path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
            .save_file(ui.ctx(), ask_backup_to)
        {
            self.start_backup(ws, dest);
        }
        if let Some(from) = crate::ui::widgets::FileDialog::new("restore-from")
            .title(lang.tr(T::PvRestoreTitle))
            .directory(backup::backups_dir(&path))
            .filter(lang.tr(T::ProjectFilter), &["loupe"])
            .pick_file(ui.ctx(), ask_restore)
        {
            self.restore = Some(from);
        }
    }

    /// Starts a backup of the open project to `dest`.
    pub fn start_backup(&mut self, ws: &mut Workspace, dest: PathBuf) {
        let Some(path) = ws.project_path() else {
            return;
        };
        let name = ws.project.as_ref().map(|p| p.name()).unwrap_or_default();
        self.job.start(ws, T::PvJobBackup, name, move |rep| {
            let project = Project::open(&path)?;
            backup::backup_to(&project, &dest, rep).map(PrivacyOutput::BackedUp)
        });
    }

    /// Restores the open project from `from` (closes it; reopened when done).
    pub fn start_restore(&mut self, ws: &mut Workspace, from: PathBuf) {
        if !ws.jobs.is_empty() {
            let t = ws.tr(T::PvRestoreTitle);
            ws.problem(t, &ws.tr(T::PvWaitForJobs));
            return;
        }
        let Some(project) = ws.project.take() else {
            return;
        };
        let path = project.path().to_path_buf();
        let key = project_key(&project);
        drop(project);
        self.reopen = Some(path.clone());
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let started = self.job.start(ws, T::PvJobRestore, name, move |rep| {
            backup::restore(&path, &from, key, rep).map(PrivacyOutput::Restored)
        });
        if !started && let Some(p) = self.reopen.take() {
            // The job could not start: the project is as it was; reopen it.
            ws.push(Command::OpenProject(p));
        }
    }

    /// Sets, changes or removes the passphrase (closes the project; reopened when done).
    pub fn start_change(&mut self, ws: &mut Workspace, new: Option<Passphrase>) {
        if !ws.jobs.is_empty() {
            let t = ws.tr(T::PvChangePassphrase);
            ws.problem(t, &ws.tr(T::PvWaitForJobs));
            return;
        }
        let Some(project) = ws.project.take() else {
            return;
        };
        let path = project.path().to_path_buf();
        self.reopen = Some(path.clone());
        let name = project.name();
        let started = self.job.start(ws, T::PvJobPassphrase, name, move |_rep| {
            let (p, change) = passphrase::change_passphrase(project, new)?;
            drop(p);
            Ok(PrivacyOutput::PassphraseChanged(path, change))
        });
        if !started {
            // The job could not start: the project was moved into it and dropped; reopen.
            if let Some(p) = self.reopen.take() {
                ws.push(Command::OpenProject(p));
            }
        }
    }

    /// A finished privacy job.
    fn on_output(&mut self, ws: &mut Workspace, out: PrivacyOutput) {
        let lang = ws.lang;
        match out {
            PrivacyOutput::BackedUp(r) => {
                ws.notice = Some(format!(
                    "{} ({})",
                    lang.f(T::PvBackedUp, &[&r.path.display()]),
                    bytes(r.bytes)
                ));
                ws.refresh_activity();
            }
            PrivacyOutput::Restored(r) => {
                ws.notice = Some(lang.f(T::PvRestored, &[&r.from.display()]));
                if let Some(p) = self.reopen.take() {
                    ws.push(Command::OpenProject(p));
                }
            }
            PrivacyOutput::PassphraseChanged(path, _) => {
                ws.notice = Some(
                    lang.f(
                        T::PvPassphraseChanged,
                        &[&path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default()],
                    ),
                );
                self.reopen = None;
                ws.push(Command::OpenProject(path));
            }
        }
    }

    /// Draws the open dialogs; what they decide reaches the app as commands.
    pub fn show(&mut self, ctx: &egui::Context, ws: &mut Workspace) {
        if let Some(d) = &mut self.unlock {
            match d.show(ctx, ws.lang) {
                dialogs::Outcome::Pending => {}
                dialogs::Outcome::Cancel => self.unlock = None,
                dialogs::Outcome::Done(k) => {
                    let path = d.path.clone();
                    if let Some(k) = k {
                        key::remember(&path, k);
                    }
                    self.unlock = None;
                    ws.push(Command::OpenProject(path));
                }
            }
        }
        if let Some(d) = &mut self.new_project {
            match d.show(ctx, ws.lang) {
                dialogs::Outcome::Pending => {}
                dialogs::Outcome::Cancel => self.new_project = None,
                dialogs::Outcome::Done(k) => {
                    let path = d.path.clone();
                    match k {
                        Some(k) => key::remember(&path, k),
                        None => key::forget(&path),
                    }
                    self.new_project = None;
                    ws.push(Command::CreateProject(path));
                }
            }
        }
        if let Some(d) = &mut self.change {
            match d.show(ctx, ws.lang) {
                dialogs::Outcome::Pending => {}
                dialogs::Outcome::Cancel => self.change = None,
                dialogs::Outcome::Done(k) => {
                    self.change = None;
                    self.start_change(ws, k);
                }
            }
        }
        if let Some(from) = self.restore.clone() {
            match dialogs::confirm_restore(ctx, ws, &from) {
                Some(true) => {
                    self.restore = None;
                    self.start_restore(ws, from);
                }
                Some(false) => self.restore = None,
                None => {}
            }
        }
        if let Some(w) = &mut self.subject
            && !w.show(ctx, ws)
        {
            self.subject = None;
        }
    }
}

/// The passphrase of an open project, for a job that reopens it by path.
fn project_key(project: &Project) -> Option<Passphrase> {
    if project.is_encrypted() {
        key::known(project.path())
    } else {
        None
    }
}

/// A kind of personal data, for people.
pub fn kind_label(lang: Lang, kind: PiiKind) -> &'static str {
    lang.tr(match kind {
        PiiKind::Phone => T::PvKindPhone,
        PiiKind::Email => T::PvKindEmail,
        PiiKind::IdNumber => T::PvKindIdNumber,
        PiiKind::BankCard => T::PvKindBankCard,
        PiiKind::Ip => T::PvKindIp,
        PiiKind::Name => T::PvKindName,
        PiiKind::Address => T::PvKindAddress,
        PiiKind::Other => T::PvKindOther,
    })
}

/// A decision, as a choice (keep, mask, …).
pub fn action_label(lang: Lang, a: PiiAction) -> &'static str {
    lang.tr(match a {
        PiiAction::Keep => T::PvKeep,
        PiiAction::Mask => T::PvMask,
        PiiAction::Hash => T::PvHash,
        PiiAction::Drop => T::PvDrop,
    })
}

/// A decision done (kept, masked, …), for badges.
pub fn done_label(lang: Lang, a: PiiAction) -> &'static str {
    lang.tr(match a {
        PiiAction::Keep => T::PvKept,
        PiiAction::Mask => T::PvMasked,
        PiiAction::Hash => T::PvHashed,
        PiiAction::Drop => T::PvDropped,
    })
}

/// A small badge: the kind of personal data and what was done with it.
pub fn pii_badge(ui: &mut Ui, lang: Lang, kind: PiiKind, action: PiiAction) -> egui::Response {
    let color = match action {
        PiiAction::Keep => egui::Color32::from_rgb(0xd9, 0x8c, 0x1f),
        _ => egui::Color32::from_rgb(0x2e, 0x9d, 0x6b),
    };
    ui.label(
        egui::RichText::new(format!(
            "{} · {}",
            kind_label(lang, kind),
            done_label(lang, action)
        ))
        .small()
        .color(egui::Color32::WHITE)
        .background_color(color),
    )
}
