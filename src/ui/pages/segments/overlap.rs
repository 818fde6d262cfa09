//! The overlap of saved segments: a matrix of shared customers and Jaccard indices, and a Venn
//! diagram of two or three chosen segments.

use crate::i18n::{Lang, T, int};
use crate::segments::base::SegmentBase;
use crate::segments::overlap::{Overlap, overlap, venn_regions};
use crate::segments::saved::Segment;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::{Color32, RichText, Ui};
use std::sync::Arc;

#[derive(Default)]
pub struct OverlapState {
    result: Option<Overlap>,
    job: JobSlot<Overlap>,
    stale: bool,
    /// Indices of the segments in the Venn view (up to three).
    venn: Vec<usize>,
}

const COLOURS: [Color32; 3] = [
    Color32::from_rgb(0x1f, 0x77, 0xb4),
    Color32::from_rgb(0xff, 0x7f, 0x0e),
    Color32::from_rgb(0x2c, 0xa0, 0x2c),
];

impl OverlapState {
    pub fn invalidate(&mut self) {
        self.stale = true;
    }

    /// Takes the overlap when its job finishes (once per frame).
    pub fn logic(&mut self) {
        if let Some(o) = self.job.poll_keep() {
            self.on_result(o);
        }
    }

    fn on_result(&mut self, o: Overlap) {
        self.venn.retain(|&i| i < o.names.len());
        if self.venn.is_empty() {
            self.venn = (0..o.names.len().min(2)).collect();
        }
        self.result = Some(o);
    }

    pub fn ui(
        &mut self,
        ui: &mut Ui,
        ws: &mut Workspace,
        base: &Arc<SegmentBase>,
        lines_from: Option<&super::lines::LinesFrom>,
        saved: &[Segment],
    ) {
        let lang = ws.lang;
        if saved.len() < 2 {
            theme::muted(ui, lang.tr(T::SegOverlapNeedTwo));
            return;
        }
        // A failed run is not retried until the saved segments change.
        let missing = self.result.is_none() && self.job.error().is_none();
        if (missing || self.stale) && !self.job.is_running() {
            self.stale = false;
            let b = base.clone();
            let rules: Vec<(String, crate::segments::Rule)> = saved
                .iter()
                .map(|s| (s.name.clone(), s.rule.clone()))
                .collect();
            let all = rules.iter().cloned().collect();
            let from = lines_from.cloned();
            self.job
                .start(ws, T::JobSegmentOverlap, String::new(), move |_| {
                    let b = super::lines::for_rules(
                        &b,
                        from.as_ref(),
                        rules.iter().map(|r| &r.1),
                        &all,
                    )?;
                    overlap(&b, &rules, &all)
                });
        }
        if let Some(e) = self.job.error() {
            let message = crate::ui::explain::explain(lang, e);
            ui.colored_label(theme::error_color(ui), message);
        }
        let Some(o) = &self.result else {
            ui.spinner();
            return;
        };
        egui::ScrollArea::both()
            .id_salt("segment-overlap")
            .auto_shrink([false, false])
            .show(ui, |ui| {
                theme::section(ui, lang.tr(T::SegOverlapMatrix));
                theme::muted(ui, lang.tr(T::SegOverlapNote));
                matrix(ui, o);
                ui.add_space(10.0);
                theme::section(ui, lang.tr(T::SegVenn));
                ui.horizontal_wrapped(|ui| {
                    for (i, n) in o.names.iter().enumerate() {
                        let mut on = self.venn.contains(&i);
                        if ui.checkbox(&mut on, n).changed() {
                            if on && self.venn.len() < 3 {
                                self.venn.push(i);
                            } else {
                                self.venn.retain(|&x| x != i);
                            }
                        }
                    }
                });
                if self.venn.len() >= 2 {
                    venn(ui, lang, o, &self.venn);
                } else {
                    theme::muted(ui, lang.tr(T::SegVennPick));
                }
            });
    }
}

fn matrix(ui: &mut Ui, o: &Overlap) {
    let k = o.names.len();
    egui::Grid::new("segment-overlap-grid")
        .num_columns(k + 1)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            ui.label("");
            for n in &o.names {
                ui.label(RichText::new(n).strong());
            }
            ui.end_row();
            for i in 0..k {
                ui.label(RichText::new(&o.names[i]).strong());
                for j in 0..k {
                    let jac = o.jaccard[i][j];
                    let fill =
                        Color32::from_rgba_unmultiplied(0x1f, 0x77, 0xb4, (jac * 160.0) as u8);
                    egui::Frame::new()
                        .fill(fill)
                        .inner_margin(egui::Margin::symmetric(6, 2))
                        .show(ui, |ui| {
                            ui.label(format!("{} · {:.2}", int(o.shared[i][j] as u64), jac));
                        });
                }
                ui.end_row();
            }
        });
}

fn venn(ui: &mut Ui, lang: Lang, o: &Overlap, pick: &[usize]) {
    let lists: Vec<&Vec<bool>> = pick.iter().map(|&i| &o.members[i]).collect();
    let regions = venn_regions(&lists);
    let (rect, _) = ui.allocate_exact_size(egui::vec2(460.0, 300.0), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let c = rect.center();
    let r = 95.0;
    let centres: Vec<egui::Pos2> = if pick.len() == 2 {
        vec![c + egui::vec2(-55.0, 0.0), c + egui::vec2(55.0, 0.0)]
    } else {
        vec![
            c + egui::vec2(-55.0, -35.0),
            c + egui::vec2(55.0, -35.0),
            c + egui::vec2(0.0, 55.0),
        ]
    };
    let text = ui.visuals().text_color();
    for (k, p) in centres.iter().enumerate() {
        painter.circle(
            *p,
            r,
            COLOURS[k].linear_multiply(0.25),
            egui::Stroke::new(2.0, COLOURS[k]),
        );
        let dir = (*p - c).normalized();
        let label = format!("{} ({})", o.names[pick[k]], int(o.sizes[pick[k]] as u64));
        // Outside the circle, on the side away from the others.
        let anchor = if dir.x < -0.3 {
            egui::Align2::RIGHT_CENTER
        } else if dir.x > 0.3 {
            egui::Align2::LEFT_CENTER
        } else {
            egui::Align2::CENTER_TOP
        };
        let at = if dir.x.abs() > 0.3 {
            *p + egui::vec2(dir.x.signum() * (r + 8.0), 0.0)
        } else {
            *p + egui::vec2(0.0, r + 6.0)
        };
        painter.text(
            at,
            anchor,
            label,
            egui::FontId::proportional(13.0),
            COLOURS[k],
        );
    }
    // Each region's count at the mean of its circles' centres, pushed away from the others.
    for (mask, &n) in regions.iter().enumerate().skip(1) {
        let inside: Vec<usize> = (0..pick.len()).filter(|b| mask & (1 << b) != 0).collect();
        let mut pos = inside
            .iter()
            .fold(egui::Vec2::ZERO, |a, &k| a + centres[k].to_vec2())
            / inside.len() as f32;
        for k in (0..pick.len()).filter(|k| !inside.contains(k)) {
            let away = (pos - centres[k].to_vec2()).normalized();
            pos += away * if inside.len() == 1 { 40.0 } else { 18.0 };
        }
        painter.text(
            pos.to_pos2(),
            egui::Align2::CENTER_CENTER,
            int(n as u64),
            egui::FontId::proportional(14.0),
            text,
        );
    }
    theme::muted(ui, lang.f(T::SegVennOutside, &[&int(regions[0] as u64)]));
}
