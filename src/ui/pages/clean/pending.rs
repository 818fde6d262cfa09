//! A fix chosen in the quality report, previewed before it joins the recipe: what it would
//! change (rows removed or changed, sample values before and after), then Apply or Cancel.

use super::preview;
use crate::clean::{Recipe, RecipeStep, Step, StepPreview};
use crate::i18n::{Lang, T};
use crate::ui::theme;
use egui::{RichText, Ui};

/// The fix waiting for the user's answer, and its preview once computed.
pub struct PendingFix {
    pub step: Step,
    pub preview: Option<Box<StepPreview>>,
}

/// What the user answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Apply,
    Cancel,
}

/// The recipe with the fix at its end, and the fix's index in it: what its preview runs.
pub fn candidate(recipe: Option<&Recipe>, step: &Step) -> (Recipe, usize) {
    let mut r = recipe.cloned().unwrap_or_default();
    r.steps.push(RecipeStep::new(step.clone()));
    let at = r.steps.len() - 1;
    (r, at)
}

/// The pending fix: its title, the buttons (first, so they stay in view), then the preview, its
/// failure, or a spinner.
pub fn pending_ui(
    ui: &mut Ui,
    lang: Lang,
    fix: &PendingFix,
    in_recipe: bool,
    error: Option<&crate::Error>,
) -> Option<Answer> {
    let mut answer = None;
    ui.label(RichText::new(lang.f(T::FixPreviewTitle, &[&fix.step.describe(lang)])).strong());
    if in_recipe {
        theme::muted(ui, lang.tr(T::FixAlreadyInRecipe));
    } else {
        theme::muted(ui, lang.tr(T::FixPreviewHint));
    }
    ui.horizontal(|ui| {
        let ready = fix.preview.is_some() && !in_recipe;
        if ui
            .add_enabled(ready, egui::Button::new(lang.tr(T::Apply)))
            .clicked()
        {
            answer = Some(Answer::Apply);
        }
        if ui.button(lang.tr(T::Cancel)).clicked() {
            answer = Some(Answer::Cancel);
        }
    });
    ui.add_space(4.0);
    if let Some(e) = error {
        let message = crate::ui::explain::explain(lang, e);
        ui.label(RichText::new(message).color(theme::error_color(ui)));
    } else {
        match &fix.preview {
            Some(p) => preview::preview_ui(ui, lang, p),
            None => {
                ui.spinner();
            }
        }
    }
    answer
}
