//! Segment rules generated from the data: an RFM group, the top N by a column.

use super::rule::{Cmp, Condition, Op, Rule, Value};
use crate::customers::rfm::RfmGroup;
use crate::{Error, Result};
use polars::prelude::*;

/// `rfm_group = '…'`.
pub fn rfm_group(g: RfmGroup) -> Rule {
    Rule::Condition(Condition {
        column: "rfm_group".into(),
        op: Op::Compare {
            cmp: Cmp::Eq,
            value: Value::Text(g.name().into()),
        },
    })
}

/// `column >= v`, where v is the n-th largest value: the top n customers by `column` (more when
/// the n-th value is shared). The threshold is fixed when the rule is made, so the segment keeps
/// its meaning ("CLV of at least v") as the data changes.
pub fn top_n(frame: &DataFrame, column: &str, n: usize) -> Result<Rule> {
    let c = frame.column(column).map_err(|_| {
        Error::InvalidArgument(format!("the customer table has no column '{column}'"))
    })?;
    if !c.dtype().is_primitive_numeric() {
        return Err(Error::InvalidArgument(format!(
            "'{column}' is not a number column"
        )));
    }
    let mut v: Vec<f64> = c
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .flatten()
        .filter(|x| x.is_finite())
        .collect();
    if v.is_empty() || n == 0 {
        return Err(Error::InvalidArgument(format!(
            "no customer has a value of '{column}' to rank by, or N is 0"
        )));
    }
    v.sort_by(|a, b| b.total_cmp(a));
    let threshold = v[(n - 1).min(v.len() - 1)];
    Ok(Rule::Condition(Condition {
        column: column.into(),
        op: Op::Compare {
            cmp: Cmp::Ge,
            value: Value::Float(threshold),
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_n_threshold() {
        let df = DataFrame::new(
            5,
            vec![Column::new(
                "clv".into(),
                vec![Some(5.0), None, Some(9.0), Some(7.0), Some(7.0)],
            )],
        )
        .unwrap();
        assert_eq!(top_n(&df, "clv", 1).unwrap().to_string(), "clv >= 9.0");
        assert_eq!(top_n(&df, "clv", 2).unwrap().to_string(), "clv >= 7.0");
        assert_eq!(top_n(&df, "clv", 99).unwrap().to_string(), "clv >= 5.0");
        assert!(top_n(&df, "nope", 1).is_err());
        assert_eq!(
            rfm_group(RfmGroup::Champions).to_string(),
            "rfm_group = 'Champions'"
        );
    }
}
