//! Each step in words, in the window's language.

use super::{Case, Fence, Fill, Keep, OutlierAction, Step};
use crate::i18n::{Lang, T};

fn list(columns: &[String]) -> String {
    columns.join(", ")
}

fn bound(v: Option<f64>) -> String {
    v.map_or_else(|| "∞".to_string(), |x| format!("{x}"))
}

impl Step {
    /// What the step does, in words.
    pub fn describe(&self, lang: Lang) -> String {
        let keep = |k: Keep| {
            lang.tr(match k {
                Keep::First => T::KeepFirst,
                Keep::Last => T::KeepLast,
            })
        };
        match self {
            Step::RemoveDuplicates { columns, keep: k } if columns.is_empty() => {
                lang.f(T::StepRemoveDuplicates, &[&keep(*k)])
            }
            Step::RemoveDuplicates { columns, keep: k } => {
                lang.f(T::StepRemoveKeyDuplicates, &[&list(columns), &keep(*k)])
            }
            Step::DropRows { condition } => lang.f(T::StepDropRows, &[condition]),
            Step::FillMissing { column, with } => {
                let how = match with {
                    Fill::Constant(v) => format!("“{v}”"),
                    Fill::Mean => lang.tr(T::FillMean).into(),
                    Fill::Median => lang.tr(T::FillMedian).into(),
                    Fill::Mode => lang.tr(T::FillMode).into(),
                    Fill::Forward => lang.tr(T::FillForward).into(),
                };
                lang.f(T::StepFill, &[column, &how])
            }
            Step::Trim { columns } => lang.f(T::StepTrim, &[&list(columns)]),
            Step::ChangeCase { columns, case } => {
                let c = lang.tr(match case {
                    Case::Lower => T::CaseLower,
                    Case::Upper => T::CaseUpper,
                    Case::Title => T::CaseTitle,
                });
                lang.f(T::StepCase, &[&list(columns), &c])
            }
            Step::MapValues { column, map } => {
                let n: usize = map.iter().map(|m| m.from.len()).sum();
                lang.f(T::StepMap, &[&n, column])
            }
            Step::Cast { column, to, format } => match format {
                Some(f) => lang.f(T::StepCastFormat, &[column, &lang.column_type(*to), f]),
                None => lang.f(T::StepCast, &[column, &lang.column_type(*to)]),
            },
            Step::Outliers {
                column,
                fence,
                action,
            } => {
                let fence = match fence {
                    Fence::Iqr { k } => lang.f(T::FenceIqr, &[k]),
                    Fence::ZScore { z } => lang.f(T::FenceZ, &[z]),
                    Fence::Bounds { low, high } => {
                        lang.f(T::FenceBounds, &[&bound(*low), &bound(*high)])
                    }
                };
                match action {
                    OutlierAction::Clip => lang.f(T::StepOutliersClip, &[column, &fence]),
                    OutlierAction::Flag(flag) => {
                        lang.f(T::StepOutliersFlag, &[column, &fence, flag])
                    }
                    OutlierAction::Drop => lang.f(T::StepOutliersDrop, &[column, &fence]),
                }
            }
            Step::Split {
                column,
                separator,
                into,
                ..
            } => lang.f(T::StepSplit, &[column, separator, &list(into)]),
            Step::Rename { from, to } => lang.f(T::StepRename, &[from, to]),
            Step::DropColumns { columns } => lang.f(T::StepDropColumns, &[&list(columns)]),
            Step::Derive { name, expr } => lang.f(T::StepDerive, &[name, expr]),
            Step::StandardizePhone {
                column,
                country_code,
            } => lang.f(T::StepPhone, &[column, country_code]),
            Step::StandardizeEmail { column } => lang.f(T::StepEmail, &[column]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::Formula;
    use super::*;

    #[test]
    fn steps_read_in_both_languages() {
        let s = Step::DropRows {
            condition: Formula::parse("InvoiceNo starts with 'C'").unwrap(),
        };
        assert_eq!(
            s.describe(Lang::En),
            "Drop rows where InvoiceNo starts with 'C'"
        );
        assert_eq!(
            s.describe(Lang::ZhCn),
            "删除满足条件的行：InvoiceNo starts with 'C'"
        );
        let s = Step::RemoveDuplicates {
            columns: vec![],
            keep: Keep::First,
        };
        assert_eq!(
            s.describe(Lang::En),
            "Remove exact duplicate rows, keeping the first"
        );
    }
}
