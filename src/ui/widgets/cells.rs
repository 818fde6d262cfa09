//! Table and grid cells pages share.

use egui::Ui;

/// A right-aligned number in a grid cell of fixed width (a right-to-left layout alone would
/// stretch the cell to the panel's edge).
pub fn num_cell(ui: &mut Ui, text: impl Into<egui::WidgetText>, width: f32) {
    ui.allocate_ui_with_layout(
        egui::vec2(width, ui.spacing().interact_size.y),
        egui::Layout::right_to_left(egui::Align::Center),
        |ui| ui.label(text),
    );
}
