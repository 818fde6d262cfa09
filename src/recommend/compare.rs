//! An evaluation set against its popularity baseline: each metric's value, its ratio to the
//! baseline's, and the table a grouped bar chart (window or PNG) is drawn from.

use super::evaluate::{AlgoResult, EvalReport};
use super::metrics::Metrics;
use super::model::Algorithm;
use crate::explore::table::{AggRow, AggTable, Key};

/// The metrics of the evaluation table, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    Precision,
    Recall,
    Map,
    Ndcg,
    HitRate,
    Coverage,
    Novelty,
}

impl Metric {
    pub const ALL: [Metric; 7] = [
        Metric::Precision,
        Metric::Recall,
        Metric::Map,
        Metric::Ndcg,
        Metric::HitRate,
        Metric::Coverage,
        Metric::Novelty,
    ];

    pub fn of(self, m: &Metrics) -> f64 {
        match self {
            Metric::Precision => m.precision,
            Metric::Recall => m.recall,
            Metric::Map => m.map,
            Metric::Ndcg => m.ndcg,
            Metric::HitRate => m.hit_rate,
            Metric::Coverage => m.coverage,
            Metric::Novelty => m.novelty,
        }
    }

    /// The metric's name at cut-off `k`: `precision@10`, `hit rate`, `novelty (bits)`.
    pub fn name(self, k: usize) -> String {
        match self {
            Metric::Precision => format!("precision@{k}"),
            Metric::Recall => format!("recall@{k}"),
            Metric::Map => format!("MAP@{k}"),
            Metric::Ndcg => format!("NDCG@{k}"),
            Metric::HitRate => "hit rate".into(),
            Metric::Coverage => "coverage".into(),
            Metric::Novelty => "novelty (bits)".into(),
        }
    }

    /// A share between 0 and 1 (novelty is in bits).
    pub fn is_share(self) -> bool {
        self != Metric::Novelty
    }
}

/// The popularity baseline of a report, when it was evaluated.
pub fn baseline(report: &EvalReport) -> Option<&AlgoResult> {
    report
        .results
        .iter()
        .find(|r| r.algorithm == Algorithm::Popular)
}

/// `value / baseline`; `None` when the baseline is 0 (no ratio to speak of).
pub fn ratio(value: f64, baseline: f64) -> Option<f64> {
    (baseline > 0.0 && value.is_finite()).then(|| value / baseline)
}

/// What the chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartValues {
    /// The metrics that are shares (novelty, in bits, left out), as they are.
    #[default]
    Values,
    /// Every metric over the baseline's (the baseline is 1).
    RatioToBaseline,
}

/// The table of a grouped bar chart: one x per metric (named by `metric_name`), one series per
/// algorithm (named by `algo_name`), one measure (`measure`).
pub fn chart_table(
    report: &EvalReport,
    show: ChartValues,
    metric_name: impl Fn(Metric) -> String,
    algo_name: impl Fn(Algorithm) -> String,
    measure: &str,
) -> AggTable {
    let base = baseline(report).map(|b| b.metrics);
    let metrics: Vec<Metric> = Metric::ALL
        .into_iter()
        .filter(|m| show == ChartValues::RatioToBaseline || m.is_share())
        .collect();
    let x_values: Vec<Key> = metrics.iter().map(|&m| Key::Text(metric_name(m))).collect();
    let series: Vec<Key> = report
        .results
        .iter()
        .map(|r| Key::Text(algo_name(r.algorithm)))
        .collect();
    let mut rows = Vec::new();
    for (m, x) in metrics.iter().zip(&x_values) {
        for (r, s) in report.results.iter().zip(&series) {
            let v = m.of(&r.metrics);
            let value = match show {
                ChartValues::Values => Some(v),
                ChartValues::RatioToBaseline => base.and_then(|b| ratio(v, m.of(&b))),
            };
            rows.push(AggRow {
                x: x.clone(),
                by: Some(s.clone()),
                values: vec![value],
            });
        }
    }
    AggTable {
        x: String::new(),
        grain: None,
        x_continuous: false,
        by: Some(String::new()),
        measures: vec![measure.to_string()],
        rows,
        x_values,
        series,
        input_rows: report.customers_evaluated as u64,
        span: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::evaluate::Relevant;

    fn result(algorithm: Algorithm, recall: f64, novelty: f64) -> AlgoResult {
        AlgoResult {
            algorithm,
            metrics: Metrics {
                precision: recall / 2.0,
                recall,
                map: 0.0,
                ndcg: 0.1,
                hit_rate: 0.5,
                coverage: 0.2,
                novelty,
                customers: 2,
            },
            fit_seconds: 0.0,
            recommend_seconds: 0.0,
        }
    }

    #[test]
    fn values_and_ratios_to_the_baseline() {
        let report = EvalReport {
            split: "2011-09-01".into(),
            k: 10,
            relevant: Relevant::NewItems,
            train_lines: 10,
            test_lines: 5,
            train_customers: 3,
            customers_in_both: 2,
            customers_evaluated: 2,
            catalogue: 4,
            results: vec![
                result(Algorithm::Popular, 0.02, 2.0),
                result(Algorithm::ItemKnn, 0.05, 3.0),
            ],
        };
        assert_eq!(baseline(&report).unwrap().metrics.recall, 0.02);
        let name = |m: Metric| m.name(10);
        let algo = |a: Algorithm| a.name().to_string();
        let t = chart_table(&report, ChartValues::Values, name, algo, "value");
        // Six shares, two algorithms each; novelty is left out.
        assert_eq!(t.x_values.len(), 6);
        assert_eq!(t.rows.len(), 12);
        let knn = Key::Text("itemknn".into());
        assert_eq!(
            t.value(&Key::Text("recall@10".into()), Some(&knn), 0),
            Some(0.05)
        );
        let t = chart_table(&report, ChartValues::RatioToBaseline, name, algo, "ratio");
        assert_eq!(t.x_values.len(), 7);
        let r = t
            .value(&Key::Text("recall@10".into()), Some(&knn), 0)
            .unwrap();
        assert!((r - 2.5).abs() < 1e-12);
        let pop = Key::Text("popular".into());
        assert_eq!(
            t.value(&Key::Text("novelty (bits)".into()), Some(&pop), 0),
            Some(1.0)
        );
        // MAP 0 for the baseline: no ratio.
        assert_eq!(t.value(&Key::Text("MAP@10".into()), Some(&knn), 0), None);
        assert_eq!(ratio(1.0, 0.0), None);
    }
}
