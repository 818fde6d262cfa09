//! Charts saved in the project for the dashboard: a title, a chart kind and the spec, kept as
//! JSON in the project file (`store::charts`), so the dashboard, `loupe dashboard` and the
//! builder all compute the same chart from the data as it is now.

use super::cards::Card;
use super::render::ChartKind;
use super::spec::ChartSpec;
use crate::store::{Project, charts as stored};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};

/// A saved chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedChart {
    /// Unique in the project.
    pub title: String,
    pub kind: ChartKind,
    pub spec: ChartSpec,
    /// How it shows on the dashboard.
    #[serde(default, skip_serializing_if = "Card::is_default")]
    pub card: Card,
}

/// What is stored as JSON (the title is the row's key). Charts saved before cards had sizes
/// read with the default card.
#[derive(Serialize, Deserialize)]
struct Body {
    kind: ChartKind,
    spec: ChartSpec,
    #[serde(default, skip_serializing_if = "Card::is_default")]
    card: Card,
}

fn check_title(title: &str) -> Result<&str> {
    let t = title.trim();
    if t.is_empty() {
        return Err(Error::InvalidArgument("a saved chart needs a title".into()));
    }
    if t.chars().count() > 200 {
        return Err(Error::InvalidArgument(
            "a chart title has at most 200 characters".into(),
        ));
    }
    Ok(t)
}

fn no_chart(project: &Project, title: &str) -> Error {
    let titles: Vec<String> = stored::list(project.conn())
        .map(|l| l.into_iter().map(|c| c.title).collect())
        .unwrap_or_default();
    Error::NoSuchChart {
        title: title.to_string(),
        hint: if titles.is_empty() {
            "; the project has no saved charts yet (save one with loupe chart --save TITLE)".into()
        } else {
            format!("; the saved charts are: {}", titles.join(", "))
        },
    }
}

/// Saves a chart under its (trimmed) title, replacing a chart of the same title in place.
/// The dataset must exist; the spec is checked when the chart is computed. A chart saved again
/// with the default card (from the builder or the CLI) keeps the card it had on the dashboard.
pub fn save_chart(project: &Project, chart: &SavedChart) -> Result<()> {
    let title = check_title(&chart.title)?;
    project.dataset(&chart.spec.dataset)?;
    let card = match stored::get(project.conn(), title)? {
        Some(old) if chart.card.is_default() => parse(old).map(|c| c.card).unwrap_or_default(),
        _ => chart.card,
    };
    let json = serde_json::to_string(&Body {
        kind: chart.kind,
        spec: chart.spec.clone(),
        card,
    })
    .map_err(|e| Error::Export(format!("cannot write the chart '{title}': {e}")))?;
    stored::put(project.conn(), title, &json)
}

fn parse(c: stored::StoredChart) -> Result<SavedChart> {
    let body: Body = serde_json::from_str(&c.json).map_err(|e| {
        Error::InvalidArgument(format!(
            "the saved chart '{}' cannot be read ({e}); it may come from a newer Loupe — delete it with loupe charts --delete",
            c.title
        ))
    })?;
    Ok(SavedChart {
        title: c.title,
        kind: body.kind,
        spec: body.spec,
        card: body.card,
    })
}

/// The saved charts in the user's order. A chart that cannot be read is an error naming it.
pub fn saved_charts(project: &Project) -> Result<Vec<SavedChart>> {
    stored::list(project.conn())?
        .into_iter()
        .map(parse)
        .collect()
}

/// One saved chart.
pub fn saved_chart(project: &Project, title: &str) -> Result<SavedChart> {
    match stored::get(project.conn(), title.trim())? {
        Some(c) => parse(c),
        None => Err(no_chart(project, title)),
    }
}

/// Whether a chart of this title is saved.
pub fn has_chart(project: &Project, title: &str) -> Result<bool> {
    Ok(stored::get(project.conn(), title.trim())?.is_some())
}

/// Gives a saved chart a new title; the new title must be free.
pub fn rename_chart(project: &Project, title: &str, new_title: &str) -> Result<()> {
    let new_title = check_title(new_title)?;
    let title = title.trim();
    if title == new_title {
        return Ok(());
    }
    if stored::get(project.conn(), new_title)?.is_some() {
        return Err(Error::InvalidArgument(format!(
            "a saved chart is already titled '{new_title}'; choose another title or delete that chart first"
        )));
    }
    if stored::rename(project.conn(), title, new_title)? {
        Ok(())
    } else {
        Err(no_chart(project, title))
    }
}

/// Deletes a saved chart.
pub fn delete_chart(project: &Project, title: &str) -> Result<()> {
    if stored::remove(project.conn(), title.trim())? {
        Ok(())
    } else {
        Err(no_chart(project, title))
    }
}

/// The `loupe chart` flags that build a saved chart's spec, for listings:
/// `--dataset orders --x order_time:month --y 'sum(amount)' --type line`.
pub fn describe(chart: &SavedChart) -> String {
    let quote = |s: &str| {
        if !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ':' | '.' | '/'))
        {
            s.to_string()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let s = &chart.spec;
    let mut parts = vec![
        format!("--dataset {}", quote(&s.dataset)),
        format!("--x {}", quote(&s.x.text())),
    ];
    if !chart.kind.is_distribution() {
        for m in &s.measures {
            let text = match &m.alias {
                Some(a) => format!("{} as {a}", m.text()),
                None => m.text(),
            };
            parts.push(format!("--y {}", quote(&text)));
        }
    }
    if let Some(b) = &s.by {
        parts.push(format!("--by {}", quote(&b.text())));
    }
    if let Some(f) = &s.filter {
        parts.push(format!("--where {}", quote(f)));
    }
    if let Some(n) = s.top {
        parts.push(format!("--top {n}"));
    }
    if let Some(n) = s.top_by {
        parts.push(format!("--top-by {n}"));
    }
    if s.order != super::spec::Order::Natural {
        let o = match s.order {
            super::spec::Order::Descending => "desc",
            _ => "asc",
        };
        parts.push(format!("--order {o}"));
    }
    if let Some(n) = s.bins {
        parts.push(format!("--bins {n}"));
    }
    parts.push(format!("--type {}", chart.kind.as_str()));
    parts.join(" ")
}

/// A file name (without extension) for a chart title: letters (any script), digits, `-` and `_`
/// kept, runs of anything else made one `-`.
pub fn file_stem(title: &str) -> String {
    let mut out = String::new();
    for c in title.trim().chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "chart".into() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explore::{Dimension, Measure};

    #[test]
    fn file_stems_and_descriptions() {
        assert_eq!(file_stem("Revenue by month"), "Revenue-by-month");
        assert_eq!(file_stem(" 各渠道 销售额 / 2011 "), "各渠道-销售额-2011");
        assert_eq!(file_stem("???"), "chart");
        let mut spec = ChartSpec::new(
            "orders",
            Dimension::new("order_time", Some(super::super::Grain::Month)),
            vec![Measure::parse("sum(amount) as revenue").unwrap()],
        );
        spec.filter = Some("channel = 'app'".into());
        let c = SavedChart {
            title: "t".into(),
            kind: ChartKind::Bar,
            spec,
            card: Card::default(),
        };
        assert_eq!(
            describe(&c),
            "--dataset orders --x order_time:month --y 'sum(amount) as revenue' --where 'channel = '\\''app'\\''' --type bar"
        );
    }
}
