//! Look and feel of the workbench in one place: fonts (with CJK), spacing, colours, and the small
//! widgets every page uses (page headers, key/value grids, notices, the error card).

use egui::epaint::text::{FontInsert, InsertFontFamily};
use egui::{Color32, CornerRadius, FontData, FontFamily, FontPriority, Margin, RichText, Ui};

pub use crate::assets::BUNDLED_CJK;

/// The glyphs of [`icon`], subset from emoji-icon-font (MIT): egui 0.37's default fonts have no
/// emoji or symbols.
pub const ICONS: &[u8] = include_bytes!("../../assets/fonts/loupe-icons.ttf");

/// Nav and toolbar glyphs, all in [`ICONS`].
pub mod icon {
    pub const DATA: &str = "🗄";
    pub const CLEAN: &str = "🔧";
    pub const EXPLORE: &str = "🔍";
    pub const CUSTOMERS: &str = "👤";
    pub const SEGMENTS: &str = "👥";
    pub const RECOMMENDATIONS: &str = "💡";
    pub const CAMPAIGNS: &str = "🎯";
    pub const ACTIVITY: &str = "📋";
    pub const DASHBOARD: &str = "📊";
    pub const NEW: &str = "✚";
    pub const OPEN: &str = "🗁";
    pub const IMPORT: &str = "📥";
    pub const LANGUAGE: &str = "🌐";
    pub const THEME: &str = "🌓";
    pub const WARNING: &str = "⚠";
    pub const CLOSE: &str = "🗙";
    pub const SORT_ASC: &str = "⏶";
    pub const SORT_DESC: &str = "⏷";
    pub const OK: &str = "✔";
}

/// Spacing, in points.
pub const GAP: f32 = 8.0;
pub const ROW_HEIGHT: f32 = 22.0;
pub const HEADER_HEIGHT: f32 = 26.0;
pub const NAV_WIDTH: f32 = 184.0;

pub const ACCENT: Color32 = Color32::from_rgb(0x2f, 0x6f, 0xeb);
pub const ERROR: Color32 = Color32::from_rgb(0xc6, 0x28, 0x28);
pub const ERROR_DARK: Color32 = Color32::from_rgb(0xff, 0x8a, 0x80);

/// Known locations of system CJK fonts with Simplified Chinese glyphs: (path, face index).
const SYSTEM_CJK: &[(&str, u32)] = &[
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttf", 0),
    ("C:\\Windows\\Fonts\\simhei.ttf", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/Hiragino Sans GB.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        0,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc", 0),
];

fn insert(ctx: &egui::Context, name: &str, data: FontData) {
    ctx.add_font(FontInsert::new(
        name,
        data,
        vec![
            InsertFontFamily {
                family: FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    ));
}

/// Adds the icon font and CJK fonts after egui's defaults: a system font with Simplified Chinese glyphs when one is
/// installed (`system` true), then the bundled subset, so Chinese renders on any machine.
pub fn install_fonts(ctx: &egui::Context, system: bool) {
    insert(ctx, "loupe-icons", FontData::from_static(ICONS));
    if system {
        let paths = SYSTEM_CJK.iter().map(|(p, _)| std::path::Path::new(*p));
        if let Some((i, bytes)) = crate::ui::widgets::file_dialog::read_first(paths) {
            let mut data = FontData::from_owned(bytes);
            data.index = SYSTEM_CJK[i].1;
            insert(ctx, "system-cjk", data);
        }
    }
    insert(
        ctx,
        "noto-sans-sc-subset",
        FontData::from_static(BUNDLED_CJK),
    );
}

/// Spacing and shapes shared by both themes.
pub fn apply_style(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 24.0;
        style.spacing.menu_margin = Margin::same(8);
        style.visuals.selection.bg_fill = ACCENT.linear_multiply(0.35);
        style.visuals.hyperlink_color = ACCENT;
        style.visuals.widgets.noninteractive.corner_radius = CornerRadius::same(4);
        style.visuals.widgets.inactive.corner_radius = CornerRadius::same(4);
        style.visuals.widgets.hovered.corner_radius = CornerRadius::same(4);
        style.visuals.widgets.active.corner_radius = CornerRadius::same(4);
    });
}

/// A page title with a muted subtitle.
pub fn page_header(ui: &mut Ui, title: &str, subtitle: Option<&str>) {
    ui.add_space(2.0);
    ui.label(RichText::new(title).size(20.0).strong());
    if let Some(s) = subtitle {
        ui.label(RichText::new(s).weak());
    }
    ui.add_space(GAP);
}

/// A small section heading.
pub fn section(ui: &mut Ui, title: &str) {
    ui.add_space(GAP / 2.0);
    ui.label(RichText::new(title).strong());
    ui.add_space(2.0);
}

/// Muted text.
pub fn muted(ui: &mut Ui, text: impl Into<String>) -> egui::Response {
    ui.label(RichText::new(text.into()).weak())
}

/// A framed card.
pub fn card<R>(ui: &mut Ui, add: impl FnOnce(&mut Ui) -> R) -> R {
    egui::Frame::group(ui.style())
        .inner_margin(Margin::same(12))
        .corner_radius(CornerRadius::same(6))
        .show(ui, add)
        .inner
}

/// The colour of error text in the current theme.
pub fn error_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        ERROR_DARK
    } else {
        ERROR
    }
}

/// A readable error card: a title and the library's message, selectable for copying.
/// Returns true when the user dismissed it.
pub fn error_card(ui: &mut Ui, title: &str, message: &str, dismiss: &str) -> bool {
    let color = error_color(ui);
    let mut dismissed = false;
    egui::Frame::new()
        .fill(color.linear_multiply(0.08))
        .stroke(egui::Stroke::new(1.0, color.linear_multiply(0.6)))
        .corner_radius(CornerRadius::same(6))
        .inner_margin(Margin::symmetric(10, 8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(format!("{} {title}", icon::WARNING))
                        .color(color)
                        .strong(),
                );
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.small_button(dismiss).clicked() {
                        dismissed = true;
                    }
                });
            });
            ui.add(egui::Label::new(message).selectable(true).wrap());
        });
    dismissed
}

/// A key/value line in a two-column grid.
pub fn kv(ui: &mut Ui, key: &str, value: impl Into<egui::WidgetText>) {
    ui.label(RichText::new(key).weak());
    ui.label(value);
    ui.end_row();
}
