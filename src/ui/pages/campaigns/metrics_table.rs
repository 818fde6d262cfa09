//! The metrics table of the ROI view, one row per campaign (or channel) and the total last, and
//! the number formats the view shares.

use super::table::{Cell, column_label, cost_source_label, grid};
use crate::campaigns::metrics::Metrics;
use crate::format::{column_decimals, fixed, number, opt_percent};
use crate::i18n::{Lang, T, int};
use egui::Ui;

/// A column of the metrics table. The order of [`Column::ALL`] is the order on screen: what paid
/// for itself first, so that it is in view on a narrow window, then the reach and response
/// behind it. (The report's raw open and click counts show as their rates.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Channel,
    Revenue,
    Cost,
    Roi,
    Roas,
    Conversions,
    ConversionRate,
    Contacts,
    Reach,
    OpenRate,
    ClickRate,
    Converters,
    NewCustomers,
    Cac,
    CostPerConversion,
    RevenuePerContact,
    CostSource,
}

impl Column {
    const ALL: [Column; 18] = [
        Column::Name,
        Column::Channel,
        Column::Revenue,
        Column::Cost,
        Column::Roi,
        Column::Roas,
        Column::Conversions,
        Column::ConversionRate,
        Column::Contacts,
        Column::Reach,
        Column::OpenRate,
        Column::ClickRate,
        Column::Converters,
        Column::NewCustomers,
        Column::Cac,
        Column::CostPerConversion,
        Column::RevenuePerContact,
        Column::CostSource,
    ];

    /// The report's column id, which names the header in the translation table.
    fn id(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Channel => "channel",
            Column::Revenue => "revenue",
            Column::Cost => "cost",
            Column::Roi => "roi",
            Column::Roas => "roas",
            Column::Conversions => "conversions",
            Column::ConversionRate => "conversion_rate",
            Column::Contacts => "contacts",
            Column::Reach => "reach",
            Column::OpenRate => "open_rate",
            Column::ClickRate => "click_rate",
            Column::Converters => "converters",
            Column::NewCustomers => "new_customers",
            Column::Cac => "cac",
            Column::CostPerConversion => "cost_per_conversion",
            Column::RevenuePerContact => "revenue_per_contact",
            Column::CostSource => "cost_source",
        }
    }

    /// The amount of an amount column (a count with fractions, money, a ratio), whose decimals
    /// the column shares.
    fn amount(self, m: &Metrics) -> Option<Option<f64>> {
        Some(match self {
            Column::Revenue => Some(m.revenue),
            Column::Cost => m.cost,
            Column::Roas => m.roas.map(round2),
            Column::Conversions => Some(round2(m.conversions)),
            Column::NewCustomers => Some(round2(m.new_customers)),
            Column::Cac => m.cac,
            Column::CostPerConversion => m.cost_per_conversion,
            Column::RevenuePerContact => m.revenue_per_contact,
            _ => return None,
        })
    }

    /// The cell of one row; `label` names the row; an amount column's numbers have `decimals`.
    fn cell(self, lang: Lang, m: &Metrics, label: &str, decimals: usize) -> Cell {
        if let Some(v) = self.amount(m) {
            return Cell::num(v.map_or_else(|| "—".into(), |v| fixed(v, decimals)));
        }
        match self {
            Column::Name => Cell::text(label.to_string()),
            Column::Channel => Cell::text(m.channel.clone().unwrap_or_default()),
            Column::Roi => Cell::num(opt_percent(m.roi)),
            Column::ConversionRate => Cell::num(opt_percent(m.conversion_rate)),
            Column::Contacts => Cell::num(int(m.contacts)),
            Column::Reach => Cell::num(int(m.reach)),
            Column::OpenRate => Cell::num(opt_percent(m.open_rate)),
            Column::ClickRate => Cell::num(opt_percent(m.click_rate)),
            Column::Converters => Cell::num(int(m.converters)),
            Column::CostSource => Cell::text(lang.tr(cost_source_label(m.cost_source))),
            // The amount columns are answered above.
            _ => Cell::num(String::new()),
        }
    }
}

/// The metrics of the campaigns (or channels), with the total last. A channel row is named by
/// its channel, so the table by channel has no separate channel column.
pub(super) fn metrics_table(
    ui: &mut Ui,
    lang: Lang,
    rows: &[Metrics],
    total: &Metrics,
    by_channel: bool,
) {
    let columns: Vec<Column> = Column::ALL
        .into_iter()
        .filter(|c| !(by_channel && *c == Column::Channel))
        .collect();
    let headers: Vec<String> = columns
        .iter()
        .map(|c| match c {
            Column::Name if by_channel => column_label(lang, Column::Channel.id(), ""),
            c => column_label(lang, c.id(), ""),
        })
        .collect();
    // Each amount column with one number of decimals ("169.20" over "3,030.00", not "169.2"
    // over "3,030").
    let decimals: Vec<usize> = columns
        .iter()
        .map(|c| {
            let values: Vec<f64> = rows
                .iter()
                .chain(std::iter::once(total))
                .filter_map(|m| c.amount(m).flatten())
                .collect();
            column_decimals(&values)
        })
        .collect();
    let cells = |m: &Metrics, is_total: bool| -> Vec<Cell> {
        let label = if is_total {
            lang.tr(T::Total).to_string()
        } else if by_channel && m.key.is_empty() {
            lang.tr(T::NoChannel).to_string()
        } else {
            m.name.clone()
        };
        let row = columns
            .iter()
            .zip(&decimals)
            .map(|(c, d)| c.cell(lang, m, &label, *d));
        if is_total {
            row.map(Cell::strong).collect()
        } else {
            row.collect()
        }
    };
    let mut body: Vec<Vec<Cell>> = rows.iter().map(|m| cells(m, false)).collect();
    body.push(cells(total, true));
    grid(ui, "campaigns-metrics", &headers, &body, 170.0);
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

pub(super) fn two(v: f64) -> String {
    number((v * 100.0).round() / 100.0)
}

pub(super) fn ratio(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), two)
}
