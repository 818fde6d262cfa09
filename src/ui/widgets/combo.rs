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
