//! A labelled combo box: the label first, tied to the box for screen readers and tests.

use egui::{RichText, Ui};

/// A label, then a combo box tied to it (for screen readers and tests): reads left to right like
/// the other pages' forms.
pub fn combo<'a>(ui: &mut Ui, label: &str, id: &str) -> Combo<'a> {
    let label = ui.label(RichText::new(label).weak()).id;
    Combo {
        // Tall enough for every chart type and most datasets' columns without scrolling.
        inner: egui::ComboBox::from_id_salt(id).height(420.0),
        label,
    }
}

pub struct Combo<'a> {
    inner: egui::ComboBox<'a>,
    label: egui::Id,
}

impl<'a> Combo<'a> {
    pub fn selected_text(self, text: impl Into<egui::WidgetText>) -> Combo<'a> {
        Combo {
            inner: self.inner.selected_text(text),
            label: self.label,
        }
    }

    pub fn show_ui(self, ui: &mut Ui, add: impl FnOnce(&mut Ui)) {
        let r = self.inner.show_ui(ui, add);
        r.response.labelled_by(self.label);
    }
}

/// A column's role in a combo box tied to the column's name label `label`: no role, or a role
/// that fits the column's type. The role chosen (the same as `current` unless the user picked).
pub fn role_picker(
    ui: &mut Ui,
    lang: crate::i18n::Lang,
    id: impl std::hash::Hash + std::fmt::Debug,
    ty: crate::dataset::ColumnType,
    current: Option<crate::dataset::Role>,
    label: egui::Id,
) -> Option<crate::dataset::Role> {
    use crate::dataset::Role;
    let mut role = current;
    let shown = role.map_or(lang.tr(crate::i18n::T::NoRole), |r| lang.role(r));
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .width(180.0)
        .show_ui(ui, |ui| {
            ui.selectable_value(&mut role, None, lang.tr(crate::i18n::T::NoRole));
            for r in Role::ALL {
                if crate::import::roles::fits(r, ty) {
                    ui.selectable_value(&mut role, Some(r), lang.role(r));
                }
            }
        })
        .response
        .labelled_by(label);
    role
}
