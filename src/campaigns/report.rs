//! The campaign report: the metrics of one attribution, every model side by side, and the
//! experiment's lift, as tables (sheets) for CSV, XLSX and JSON.

use super::attribution::{Attribution, Model};
use super::data::Inputs;
use super::metrics::{Computed, Metrics, attributed, compute};
use super::uplift::Uplift;
use crate::fsutil::write_atomic;
use crate::{Error, Result};
use serde::Serialize;
use std::path::Path;

/// One model's result for one campaign, in the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelResult {
    pub model: Model,
    pub conversions: f64,
    pub revenue: f64,
    pub roi: Option<f64>,
}

/// A campaign under every model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub key: String,
    pub name: String,
    pub cost: Option<f64>,
    pub models: Vec<ModelResult>,
}

/// The ROI analysis of a project.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoiReport {
    pub attribution: Attribution,
    pub sources: super::data::Sources,
    #[serde(flatten)]
    pub computed: Computed,
    pub comparison: Vec<Comparison>,
    pub orders: u64,
    pub contacts: u64,
    pub skipped_contacts: u64,
    pub skipped_orders: u64,
    /// Orders with a total ≤ 0 (cancellations, returns), not attributed.
    pub non_positive_orders: u64,
    /// Order lines left out for their status (cancelled or refunded), when any were.
    pub status_exclusion: Option<crate::status::StatusExclusion>,
}

/// Computes the report for `spec` and compares every model with the same window and half-life.
pub fn roi_report(inputs: &Inputs, spec: &Attribution) -> Result<RoiReport> {
    spec.validate()?;
    let computed = compute(inputs, spec);
    let mut comparison: Vec<Comparison> = computed
        .campaigns
        .iter()
        .map(|m| Comparison {
            key: m.key.clone(),
            name: m.name.clone(),
            cost: m.cost,
            models: Vec::new(),
        })
        .collect();
    let position: std::collections::HashMap<&str, usize> = inputs
        .campaigns
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    for model in Model::ALL {
        let a = attributed(inputs, &Attribution { model, ..*spec });
        for c in &mut comparison {
            let Some(&i) = position.get(c.key.as_str()) else {
                continue;
            };
            let revenue = a.revenue[i];
            c.models.push(ModelResult {
                model,
                conversions: a.conversions[i],
                revenue,
                roi: c.cost.filter(|k| *k != 0.0).map(|k| (revenue - k) / k),
            });
        }
    }
    Ok(RoiReport {
        attribution: *spec,
        sources: inputs.sources.clone(),
        computed,
        comparison,
        orders: inputs.orders.len() as u64,
        contacts: inputs.contacts.len() as u64,
        skipped_contacts: inputs.skipped_contacts,
        skipped_orders: inputs.skipped_orders,
        non_positive_orders: inputs.non_positive_orders,
        status_exclusion: inputs.status_exclusion.clone(),
    })
}

/// A cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(v) => crate::query::format_real(*v),
            Cell::Empty => String::new(),
        }
    }
}

fn num(v: f64) -> Cell {
    if v.is_finite() {
        Cell::Number(v)
    } else {
        Cell::Empty
    }
}

fn opt(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, num)
}

fn count(v: Option<u64>) -> Cell {
    v.map_or(Cell::Empty, |v| Cell::Number(v as f64))
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// A table with column ids (English, snake_case) and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// The metric columns, in order.
pub const METRIC_COLUMNS: [&str; 21] = [
    "key",
    "name",
    "channel",
    "contacts",
    "reach",
    "opened",
    "clicked",
    "open_rate",
    "click_rate",
    "converters",
    "conversion_rate",
    "conversions",
    "new_customers",
    "revenue",
    "cost",
    "cost_source",
    "roi",
    "roas",
    "cac",
    "cost_per_conversion",
    "revenue_per_contact",
];

/// A row of metrics in [`METRIC_COLUMNS`] order.
pub fn metric_cells(m: &Metrics) -> Vec<Cell> {
    vec![
        text(&m.key),
        text(&m.name),
        text(m.channel.as_deref().unwrap_or("")),
        Cell::Number(m.contacts as f64),
        Cell::Number(m.reach as f64),
        count(m.opened),
        count(m.clicked),
        opt(m.open_rate),
        opt(m.click_rate),
        Cell::Number(m.converters as f64),
        opt(m.conversion_rate),
        num(m.conversions),
        num(m.new_customers),
        num(m.revenue),
        opt(m.cost),
        text(m.cost_source.as_str()),
        opt(m.roi),
        opt(m.roas),
        opt(m.cac),
        opt(m.cost_per_conversion),
        opt(m.revenue_per_contact),
    ]
}

fn metrics_sheet(name: &str, rows: &[Metrics]) -> Sheet {
    Sheet {
        name: name.into(),
        columns: METRIC_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows: rows.iter().map(metric_cells).collect(),
    }
}

impl RoiReport {
    /// Per campaign, with the total as the last row.
    pub fn campaign_sheet(&self) -> Sheet {
        let mut rows = self.computed.campaigns.clone();
        rows.push(self.computed.total.clone());
        metrics_sheet("per campaign", &rows)
    }

    pub fn channel_sheet(&self) -> Sheet {
        let mut rows = self.computed.channels.clone();
        rows.push(self.computed.total.clone());
        metrics_sheet("per channel", &rows)
    }

    /// Every model's conversions, revenue and ROI per campaign.
    pub fn comparison_sheet(&self) -> Sheet {
        let mut columns = vec!["key".to_string(), "name".into(), "cost".into()];
        for m in Model::ALL {
            for what in ["conversions", "revenue", "roi"] {
                columns.push(format!("{}_{what}", m.as_str().replace('-', "_")));
            }
        }
        let rows = self
            .comparison
            .iter()
            .map(|c| {
                let mut r = vec![text(&c.key), text(&c.name), opt(c.cost)];
                for m in &c.models {
                    r.extend([num(m.conversions), num(m.revenue), opt(m.roi)]);
                }
                r
            })
            .collect();
        Sheet {
            name: "model comparison".into(),
            columns,
            rows,
        }
    }

    /// The cumulative spend and attributed revenue per day.
    pub fn timeline_sheet(&self) -> Sheet {
        Sheet {
            name: "timeline".into(),
            columns: ["day", "spend", "revenue", "spend_cum", "revenue_cum"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            rows: self
                .computed
                .timeline
                .iter()
                .map(|d| {
                    vec![
                        Cell::Text(d.day.format("%Y-%m-%d").to_string()),
                        num(d.spend),
                        num(d.revenue),
                        num(d.spend_cum),
                        num(d.revenue_cum),
                    ]
                })
                .collect(),
        }
    }

    /// The funnel per campaign and in total.
    pub fn funnel_sheet(&self) -> Sheet {
        Sheet {
            name: "funnel".into(),
            columns: [
                "key",
                "name",
                "contacted",
                "opened",
                "clicked",
                "visited",
                "converted",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
            rows: self
                .computed
                .funnels
                .iter()
                .map(|f| {
                    vec![
                        text(&f.key),
                        text(&f.name),
                        Cell::Number(f.contacted as f64),
                        count(f.opened),
                        count(f.clicked),
                        count(f.visited),
                        Cell::Number(f.converted as f64),
                    ]
                })
                .collect(),
        }
    }

    /// The CSV of `loupe roi --out`: campaigns, then channels, then the total, with a `level`
    /// column first.
    pub fn csv_sheet(&self) -> Sheet {
        let mut columns = vec!["level".to_string()];
        columns.extend(METRIC_COLUMNS.iter().map(|s| s.to_string()));
        let mut rows = Vec::new();
        for (level, ms) in [
            ("campaign", &self.computed.campaigns),
            ("channel", &self.computed.channels),
        ] {
            for m in ms {
                let mut r = vec![text(level)];
                r.extend(metric_cells(m));
                rows.push(r);
            }
        }
        let mut r = vec![text("total")];
        r.extend(metric_cells(&self.computed.total));
        rows.push(r);
        Sheet {
            name: "roi".into(),
            columns,
            rows,
        }
    }
}

/// The lift columns, in order.
pub const LIFT_COLUMNS: [&str; 22] = [
    "arm",
    "n",
    "conversions",
    "conversion_rate",
    "mean_outcome",
    "lift_abs",
    "lift_abs_low",
    "lift_abs_high",
    "lift_rel",
    "lift_rel_low",
    "lift_rel_high",
    "welch_df",
    "p_value",
    "conversion_lift_abs",
    "conversion_lift_low",
    "conversion_lift_high",
    "conversion_p_value",
    "incremental_conversions",
    "incremental_outcome",
    "incremental_outcome_low",
    "incremental_outcome_high",
    "incremental_roi",
];

/// The experiment as a sheet: the control first, then each arm.
pub fn lift_sheet(u: &Uplift) -> Sheet {
    let lo = |ci: Option<[f64; 2]>| opt(ci.map(|c| c[0]));
    let hi = |ci: Option<[f64; 2]>| opt(ci.map(|c| c[1]));
    let c = &u.control;
    let mut rows = vec![{
        let mut r = vec![
            text(&c.arm),
            Cell::Number(c.n as f64),
            Cell::Number(c.conversions as f64),
            num(c.conversion_rate),
            num(c.mean_outcome),
        ];
        r.resize(LIFT_COLUMNS.len(), Cell::Empty);
        r
    }];
    for a in &u.arms {
        let s = &a.summary;
        rows.push(vec![
            text(&s.arm),
            Cell::Number(s.n as f64),
            Cell::Number(s.conversions as f64),
            num(s.conversion_rate),
            num(s.mean_outcome),
            num(a.lift_abs),
            lo(a.lift_abs_ci),
            hi(a.lift_abs_ci),
            opt(a.lift_rel),
            lo(a.lift_rel_ci),
            hi(a.lift_rel_ci),
            opt(a.welch_df),
            opt(a.p_value),
            num(a.conversion_lift_abs),
            lo(a.conversion_lift_ci),
            hi(a.conversion_lift_ci),
            opt(a.conversion_p_value),
            num(a.incremental_conversions),
            num(a.incremental_outcome),
            lo(a.incremental_outcome_ci),
            hi(a.incremental_outcome_ci),
            opt(a.incremental_roi),
        ]);
    }
    Sheet {
        name: "lift".into(),
        columns: LIFT_COLUMNS.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

/// Writes a sheet as CSV.
pub fn write_csv(sheet: &Sheet, path: &Path) -> Result<()> {
    write_atomic(path, |path| write_csv_to(sheet, path))
}

fn write_csv_to(sheet: &Sheet, path: &Path) -> Result<()> {
    let mut w = csv::Writer::from_path(path).map_err(|e| Error::Export(e.to_string()))?;
    w.write_record(&sheet.columns)
        .map_err(|e| Error::Export(e.to_string()))?;
    for r in &sheet.rows {
        w.write_record(r.iter().map(Cell::text))
            .map_err(|e| Error::Export(e.to_string()))?;
    }
    w.flush().map_err(|e| Error::io(path, e))
}

/// Writes sheets into one workbook; `header` turns a column id into the heading to show.
pub fn write_xlsx(sheets: &[Sheet], header: &dyn Fn(&str) -> String, path: &Path) -> Result<()> {
    use rust_xlsxwriter::{Format, Workbook};
    crate::fsutil::Format::expect(
        path,
        &[crate::fsutil::Format::Xlsx],
        "cannot write a workbook to",
    )?;
    let err = |e: rust_xlsxwriter::XlsxError| Error::Export(format!("{}: {e}", path.display()));
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for s in sheets {
        let sheet = book.add_worksheet();
        // Sheet names: at most 31 characters, none of []:*?/\.
        let name: String = s
            .name
            .chars()
            .filter(|c| !"[]:*?/\\".contains(*c))
            .take(31)
            .collect();
        sheet.set_name(&name).map_err(err)?;
        for (j, c) in s.columns.iter().enumerate() {
            sheet
                .write_string_with_format(0, j as u16, header(c), &bold)
                .map_err(err)?;
            sheet.set_column_width(j as u16, 14).map_err(err)?;
        }
        for (i, r) in s.rows.iter().enumerate() {
            for (j, c) in r.iter().enumerate() {
                let (row, col) = ((i + 1) as u32, j as u16);
                match c {
                    Cell::Text(t) => {
                        sheet.write_string(row, col, t).map_err(err)?;
                    }
                    Cell::Number(v) => {
                        sheet.write_number(row, col, *v).map_err(err)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(err)?;
    }
    write_atomic(path, |tmp| book.save(tmp).map_err(err))
}

/// The whole campaign report as a workbook: per campaign, per channel, the model comparison,
/// the timeline and funnel, and the lift when an experiment was analysed.
pub fn write_report_xlsx(
    report: &RoiReport,
    lift: Option<&Uplift>,
    header: &dyn Fn(&str) -> String,
    sheet_name: &dyn Fn(&str) -> String,
    path: &Path,
) -> Result<()> {
    let mut sheets = vec![
        report.campaign_sheet(),
        report.channel_sheet(),
        report.comparison_sheet(),
        report.timeline_sheet(),
        report.funnel_sheet(),
    ];
    sheets.extend(lift.map(lift_sheet));
    for s in &mut sheets {
        s.name = sheet_name(&s.name);
    }
    write_xlsx(&sheets, header, path)
}
