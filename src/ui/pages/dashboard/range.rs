//! The dashboard's one filter: a date range for every card, typed as two dates (either may be
//! left empty), applied with a button and kept in the project.

use crate::explore::cards::DateRange;
use crate::i18n::{Lang, T};
use crate::ui::theme;
use chrono::NaiveDate;
use egui::{RichText, Ui};

/// The two dates as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RangeDraft {
    pub from: String,
    pub to: String,
    /// Why the typed range was refused.
    pub error: Option<String>,
}

impl RangeDraft {
    pub fn of(range: &DateRange) -> Self {
        let text = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        RangeDraft {
            from: text(range.from),
            to: text(range.to),
            error: None,
        }
    }

    /// The typed range, or why it is not one.
    fn parse(&self, lang: Lang) -> Result<DateRange, String> {
        let date = |s: &str| -> Result<Option<NaiveDate>, String> {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            NaiveDate::parse_from_str(t, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| lang.f(T::DashNotADate, &[&t]))
        };
        let range = DateRange {
            from: date(&self.from)?,
            to: date(&self.to)?,
        };
        if let (Some(f), Some(t)) = (range.from, range.to)
            && f > t
        {
            return Err(lang.tr(T::DashRangeBackwards).to_string());
        }
        Ok(range)
    }
}

/// The range bar; returns the range to apply when the user applies or clears it.
pub fn range_ui(
    ui: &mut Ui,
    lang: Lang,
    draft: &mut RangeDraft,
    applied: &DateRange,
) -> Option<DateRange> {
    let mut out = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(lang.tr(T::DashDates)).strong());
        for (key, text) in [(T::DashFrom, &mut draft.from), (T::DashTo, &mut draft.to)] {
            let l = ui.label(lang.tr(key));
            ui.add(
                egui::TextEdit::singleline(text)
                    .hint_text("YYYY-MM-DD")
                    .desired_width(96.0),
            )
            .labelled_by(l.id);
        }
        if ui.button(lang.tr(T::DashApplyRange)).clicked() {
            match draft.parse(lang) {
                Ok(r) => {
                    draft.error = None;
                    out = Some(r);
                }
                Err(e) => draft.error = Some(e),
            }
        }
        if !applied.is_open() && ui.button(lang.tr(T::DashAllDates)).clicked() {
            *draft = RangeDraft::default();
            out = Some(DateRange::default());
        }
        if let Some(e) = &draft.error {
            ui.label(RichText::new(e).color(theme::error_color(ui)));
        } else if !applied.is_open() {
            theme::muted(ui, lang.tr(T::DashRangeHint));
        }
    });
    out
}
