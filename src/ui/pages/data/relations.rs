//! The Data page's model view: the datasets as boxes with the relationships between them as
//! arrows (confirmed solid, candidates dashed), and the list of them with their cardinality and
//! the share of keys that match, to confirm or remove.

use crate::combine::relationships::{self, Cardinality, Relationship};
use crate::i18n::{Lang, T};
use crate::store::Project;
use crate::store::relationships::Link;
use crate::ui::state::{JobSlot, Workspace};
use crate::ui::theme;
use egui::{Align2, FontId, Pos2, Rect, RichText, Stroke, Ui, Vec2};
use egui_extras::{Column, TableBuilder};

/// What the model view holds.
#[derive(Default)]
pub struct Relations {
    /// The relationships found, for catalog revision `.0` (and change count `.1`).
    found: Option<((u64, u64), Vec<Relationship>)>,
    job: JobSlot<Vec<Relationship>>,
    /// Confirming or removing one.
    change: JobSlot<()>,
    /// Bumped by each confirmed or removed relationship.
    changes: u64,
}

fn cardinality(lang: Lang, c: Cardinality) -> &'static str {
    lang.tr(match c {
        Cardinality::OneToOne => T::RelOneToOne,
        Cardinality::ManyToOne => T::RelManyToOne,
        Cardinality::ManyToMany => T::RelManyToMany,
    })
}

impl Relations {
    /// The relationships shown (found and confirmed), once known.
    pub fn found(&self) -> Option<&[Relationship]> {
        self.found.as_ref().map(|(_, v)| v.as_slice())
    }

    /// Takes finished work: the relationships found, or a change saved (then finds again).
    pub fn logic(&mut self, ws: &mut Workspace) {
        if let Some(v) = self.job.poll_report(ws) {
            self.found = Some(((ws.catalog_rev, self.changes), v));
        }
        if self.change.poll_report(ws).is_some() {
            self.changes += 1;
            ws.refresh_activity();
        }
    }

    fn refresh(&mut self, ws: &mut Workspace) {
        let key = (ws.catalog_rev, self.changes);
        if self.job.is_running()
            || self.change.is_running()
            || self.found.as_ref().is_some_and(|(k, _)| *k == key)
            || self.job.error().is_some()
        {
            return;
        }
        let Some(path) = ws.project_path() else {
            return;
        };
        self.found = None;
        self.job.start(ws, T::JobRelations, "", move |rep| {
            let project = Project::open_read_only(&path)?;
            relationships::find(&project, rep)
        });
    }

    fn apply(&mut self, ws: &mut Workspace, link: Link, confirm: bool) {
        let Some(path) = ws.project_path() else {
            return;
        };
        self.change
            .start(ws, T::JobRelationChange, link.to_string(), move |_rep| {
                let project = Project::open(&path)?;
                if confirm {
                    relationships::confirm(&project, &link).map(|_| ())
                } else {
                    relationships::remove(&project, &link)
                }
            });
    }

    pub fn ui(&mut self, ui: &mut Ui, ws: &mut Workspace) {
        let lang = ws.lang;
        self.refresh(ws);
        theme::muted(ui, lang.tr(T::RelHint));
        if let Some(e) = self.job.error().or(self.change.error()) {
            ui.colored_label(theme::error_color(ui), crate::ui::explain::explain(lang, e));
        }
        let Some((_, found)) = &self.found else {
            ui.spinner();
            return;
        };
        if found.is_empty() {
            theme::muted(ui, lang.tr(T::RelNone));
            return;
        }
        diagram(ui, found);
        ui.add_space(6.0);
        let busy = self.change.is_running();
        let mut act: Option<(Link, bool)> = None;
        TableBuilder::new(ui)
            .id_salt("relations")
            .striped(true)
            .auto_shrink([false, true])
            .column(Column::auto().at_least(120.0).clip(true))
            .column(Column::auto().at_least(120.0).clip(true))
            .column(Column::auto().at_least(80.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::auto().at_least(60.0))
            .column(Column::remainder().at_least(80.0))
            .header(theme::HEADER_HEIGHT, |mut h| {
                for k in [
                    T::RelFrom,
                    T::RelTo,
                    T::RelCardinality,
                    T::RelMatch,
                    T::RelStatus,
                ] {
                    h.col(|ui| {
                        ui.label(RichText::new(lang.tr(k)).strong());
                    });
                }
                h.col(|_| {});
            })
            .body(|body| {
                body.rows(theme::ROW_HEIGHT, found.len(), |mut row| {
                    let r = &found[row.index()];
                    let l = &r.link;
                    row.col(|ui| {
                        ui.label(format!("{}.{}", l.from_dataset, l.from_column));
                    });
                    row.col(|ui| {
                        ui.label(format!("{}.{}", l.to_dataset, l.to_column));
                    });
                    row.col(|ui| {
                        ui.label(cardinality(lang, r.cardinality));
                    });
                    row.col(|ui| {
                        ui.label(crate::format::percent(r.match_share));
                    });
                    row.col(|ui| {
                        ui.label(lang.tr(if r.confirmed {
                            T::RelConfirmed
                        } else {
                            T::RelCandidate
                        }));
                    });
                    row.col(|ui| {
                        let (key, confirm) = if r.confirmed {
                            (T::RelRemove, false)
                        } else {
                            (T::RelConfirm, true)
                        };
                        if ui
                            .add_enabled(!busy, egui::Button::new(lang.tr(key)).small())
                            .clicked()
                        {
                            act = Some((l.clone(), confirm));
                        }
                    });
                });
            });
        if let Some((link, confirm)) = act {
            self.apply(ws, link, confirm);
        }
    }
}

/// The datasets the relationships join, as boxes on an ellipse, with an arrow per relationship
/// from the many side to the one side: solid when confirmed, faint when a candidate.
fn diagram(ui: &mut Ui, found: &[Relationship]) {
    let mut names: Vec<&str> = Vec::new();
    for r in found {
        for n in [&r.link.from_dataset, &r.link.to_dataset] {
            if !names.contains(&n.as_str()) {
                names.push(n);
            }
        }
    }
    let n = names.len().max(1);
    let width = ui.available_width().max(320.0);
    let height = 300.0;
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, height), egui::Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals().clone();
    let box_size = Vec2::new(118.0, 28.0);
    let (rx, ry) = (
        (width / 2.0 - box_size.x / 2.0 - 8.0).max(40.0),
        height / 2.0 - box_size.y / 2.0 - 8.0,
    );
    let centre = |i: usize| {
        let a = std::f32::consts::TAU * i as f32 / n as f32 - std::f32::consts::FRAC_PI_2;
        rect.center() + Vec2::new(rx * a.cos(), ry * a.sin())
    };
    // Where the line from `p` towards `q` leaves the box around `p`.
    let exit = |p: Pos2, q: Pos2| {
        let d = q - p;
        let (hx, hy) = (box_size.x / 2.0, box_size.y / 2.0);
        let t = (hx / d.x.abs().max(1e-3)).min(hy / d.y.abs().max(1e-3));
        p + d * t.min(1.0)
    };
    let font = FontId::proportional(11.0);
    for r in found {
        let (Some(a), Some(b)) = (
            names.iter().position(|x| *x == r.link.from_dataset),
            names.iter().position(|x| *x == r.link.to_dataset),
        ) else {
            continue;
        };
        let (p, q) = (centre(a), centre(b));
        let (start, end) = (exit(p, q), exit(q, p));
        let colour = if r.confirmed {
            theme::ACCENT
        } else {
            visuals.weak_text_color().gamma_multiply(0.7)
        };
        let stroke = Stroke::new(if r.confirmed { 2.0 } else { 1.0 }, colour);
        arrow(&painter, start, end, stroke, !r.confirmed);
        // Many candidates would bury each other's labels: the table names them all.
        if !r.confirmed && found.len() > 6 {
            continue;
        }
        let short = match r.cardinality {
            Cardinality::OneToOne => "1:1",
            Cardinality::ManyToOne => "n:1",
            Cardinality::ManyToMany => "n:n",
        };
        let key = if r.link.from_column == r.link.to_column {
            r.link.from_column.clone()
        } else {
            format!("{} → {}", r.link.from_column, r.link.to_column)
        };
        painter.text(
            start + (end - start) * 0.5,
            Align2::CENTER_CENTER,
            format!("{key} {short}"),
            font.clone(),
            colour,
        );
    }
    for (i, name) in names.iter().enumerate() {
        let r = Rect::from_center_size(centre(i), box_size);
        painter.rect(
            r,
            4.0,
            visuals.extreme_bg_color,
            Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color),
            egui::StrokeKind::Inside,
        );
        painter.text(
            r.center(),
            Align2::CENTER_CENTER,
            *name,
            FontId::proportional(13.0),
            visuals.text_color(),
        );
    }
}

/// An arrow from `start` to `end` with a head of a fixed size (egui's own scales the head with
/// the length); dashed for a candidate.
fn arrow(
    painter: &egui::Painter,
    start: egui::Pos2,
    end: egui::Pos2,
    stroke: Stroke,
    dashed: bool,
) {
    const HEAD: f32 = 9.0;
    if dashed {
        painter.extend(egui::Shape::dashed_line(&[start, end], stroke, 6.0, 4.0));
    } else {
        painter.line_segment([start, end], stroke);
    }
    let dir = (end - start).normalized();
    if !dir.x.is_finite() || !dir.y.is_finite() {
        return;
    }
    let rot = egui::emath::Rot2::from_angle(0.45);
    for side in [rot, rot.inverse()] {
        painter.line_segment([end, end - side * dir * HEAD], stroke);
    }
}
