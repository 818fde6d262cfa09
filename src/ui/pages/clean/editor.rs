//! The form that adds or edits one recipe step.

use crate::clean::clusters::{Method, clusters};
use crate::clean::recipe::{Case, Fence, Fill, Formula, Keep, Mapping, OutlierAction, Step};
use crate::dataset::ColumnType;
use crate::i18n::{Lang, T};
use crate::ui::theme;
use egui::{RichText, Ui};
use polars::prelude::DataFrame;

/// The kinds of step, in the order of the "Add step" menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    RemoveDuplicates,
    DropRows,
    Fill,
    Trim,
    Case,
    Map,
    Cast,
    Outliers,
    Split,
    Rename,
    DropColumns,
    Derive,
    Phone,
    Email,
}

impl Op {
    pub const ALL: [Op; 14] = [
        Op::RemoveDuplicates,
        Op::DropRows,
        Op::Fill,
        Op::Trim,
        Op::Case,
        Op::Map,
        Op::Cast,
        Op::Outliers,
        Op::Split,
        Op::Rename,
        Op::DropColumns,
        Op::Derive,
        Op::Phone,
        Op::Email,
    ];

    pub fn label(self) -> T {
        match self {
            Op::RemoveDuplicates => T::OpRemoveDuplicates,
            Op::DropRows => T::OpDropRows,
            Op::Fill => T::OpFill,
            Op::Trim => T::OpTrim,
            Op::Case => T::OpCase,
            Op::Map => T::OpMap,
            Op::Cast => T::OpCast,
            Op::Outliers => T::OpOutliers,
            Op::Split => T::OpSplit,
            Op::Rename => T::OpRename,
            Op::DropColumns => T::OpDropColumns,
            Op::Derive => T::OpDerive,
            Op::Phone => T::OpPhone,
            Op::Email => T::OpEmail,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FillChoice {
    Value,
    Mean,
    Median,
    Mode,
    Forward,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FenceChoice {
    Iqr,
    Z,
    Bounds,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ActionChoice {
    Clip,
    Flag,
    Drop,
}

/// A step being written. Every field of every kind lives here, so switching kinds keeps what
/// was typed.
#[derive(Debug, Clone)]
pub struct StepEditor {
    /// The step being edited, or `None` for a new one.
    pub index: Option<usize>,
    pub op: Op,
    column: String,
    columns: Vec<String>,
    condition: String,
    keep: Keep,
    fill: FillChoice,
    value: String,
    case: Case,
    mapping: String,
    to: ColumnType,
    format: String,
    fence: FenceChoice,
    factor: String,
    low: String,
    high: String,
    action: ActionChoice,
    new_name: String,
    separator: String,
    into: String,
    keep_original: bool,
    expr: String,
    country: String,
    pub error: Option<String>,
}

impl StepEditor {
    pub fn new(op: Op, index: Option<usize>, first_column: Option<&str>) -> Self {
        StepEditor {
            index,
            op,
            column: first_column.unwrap_or_default().to_string(),
            columns: Vec::new(),
            condition: String::new(),
            keep: Keep::First,
            fill: FillChoice::Value,
            value: String::new(),
            case: Case::Lower,
            mapping: String::new(),
            to: ColumnType::Text,
            format: String::new(),
            fence: FenceChoice::Iqr,
            factor: "1.5".into(),
            low: String::new(),
            high: String::new(),
            action: ActionChoice::Clip,
            new_name: String::new(),
            separator: " ".into(),
            into: String::new(),
            keep_original: false,
            expr: String::new(),
            country: "86".into(),
            error: None,
        }
    }

    /// A form filled from an existing step.
    pub fn edit(step: &Step, index: usize) -> Self {
        let mut e = StepEditor::new(Op::DropRows, Some(index), None);
        match step {
            Step::RemoveDuplicates { columns, keep } => {
                e.op = Op::RemoveDuplicates;
                e.columns = columns.clone();
                e.keep = *keep;
            }
            Step::DropRows { condition } => {
                e.op = Op::DropRows;
                e.condition = condition.to_string();
            }
            Step::FillMissing { column, with } => {
                e.op = Op::Fill;
                e.column = column.clone();
                e.fill = match with {
                    Fill::Constant(v) => {
                        e.value = v.clone();
                        FillChoice::Value
                    }
                    Fill::Mean => FillChoice::Mean,
                    Fill::Median => FillChoice::Median,
                    Fill::Mode => FillChoice::Mode,
                    Fill::Forward => FillChoice::Forward,
                };
            }
            Step::Trim { columns } => {
                e.op = Op::Trim;
                e.columns = columns.clone();
            }
            Step::ChangeCase { columns, case } => {
                e.op = Op::Case;
                e.columns = columns.clone();
                e.case = *case;
            }
            Step::MapValues { column, map } => {
                e.op = Op::Map;
                e.column = column.clone();
                e.mapping = mapping_text(map);
            }
            Step::Cast { column, to, format } => {
                e.op = Op::Cast;
                e.column = column.clone();
                e.to = *to;
                e.format = format.clone().unwrap_or_default();
            }
            Step::Outliers {
                column,
                fence,
                action,
            } => {
                e.op = Op::Outliers;
                e.column = column.clone();
                match fence {
                    Fence::Iqr { k } => {
                        e.fence = FenceChoice::Iqr;
                        e.factor = k.to_string();
                    }
                    Fence::ZScore { z } => {
                        e.fence = FenceChoice::Z;
                        e.factor = z.to_string();
                    }
                    Fence::Bounds { low, high } => {
                        e.fence = FenceChoice::Bounds;
                        e.low = low.map(|v| v.to_string()).unwrap_or_default();
                        e.high = high.map(|v| v.to_string()).unwrap_or_default();
                    }
                }
                e.action = match action {
                    OutlierAction::Clip => ActionChoice::Clip,
                    OutlierAction::Flag(name) => {
                        e.new_name = name.clone();
                        ActionChoice::Flag
                    }
                    OutlierAction::Drop => ActionChoice::Drop,
                };
            }
            Step::Split {
                column,
                separator,
                into,
                keep_original,
            } => {
                e.op = Op::Split;
                e.column = column.clone();
                e.separator = separator.clone();
                e.into = into.join(", ");
                e.keep_original = *keep_original;
            }
            Step::Rename { from, to } => {
                e.op = Op::Rename;
                e.column = from.clone();
                e.new_name = to.clone();
            }
            Step::DropColumns { columns } => {
                e.op = Op::DropColumns;
                e.columns = columns.clone();
            }
            Step::Derive { name, expr } => {
                e.op = Op::Derive;
                e.new_name = name.clone();
                e.expr = expr.to_string();
            }
            Step::StandardizePhone {
                column,
                country_code,
            } => {
                e.op = Op::Phone;
                e.column = column.clone();
                e.country = country_code.clone();
            }
            Step::StandardizeEmail { column } => {
                e.op = Op::Email;
                e.column = column.clone();
            }
        }
        e
    }

    /// The step the form describes, or what is wrong with it.
    pub fn build(&self) -> Result<Step, String> {
        let need_column = || {
            if self.column.is_empty() {
                Err("choose a column".to_string())
            } else {
                Ok(self.column.clone())
            }
        };
        let need_columns = || {
            if self.columns.is_empty() {
                Err("choose at least one column".to_string())
            } else {
                Ok(self.columns.clone())
            }
        };
        let number = |s: &str, what: &str| {
            s.trim()
                .parse::<f64>()
                .map_err(|_| format!("{what}: “{s}” is not a number"))
        };
        let optional = |s: &str, what: &str| -> Result<Option<f64>, String> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                number(s, what).map(Some)
            }
        };
        Ok(match self.op {
            Op::RemoveDuplicates => Step::RemoveDuplicates {
                columns: self.columns.clone(),
                keep: self.keep,
            },
            Op::DropRows => Step::DropRows {
                condition: Formula::parse(&self.condition).map_err(|e| e.to_string())?,
            },
            Op::Fill => Step::FillMissing {
                column: need_column()?,
                with: match self.fill {
                    FillChoice::Value => Fill::Constant(self.value.clone()),
                    FillChoice::Mean => Fill::Mean,
                    FillChoice::Median => Fill::Median,
                    FillChoice::Mode => Fill::Mode,
                    FillChoice::Forward => Fill::Forward,
                },
            },
            Op::Trim => Step::Trim {
                columns: need_columns()?,
            },
            Op::Case => Step::ChangeCase {
                columns: need_columns()?,
                case: self.case,
            },
            Op::Map => Step::MapValues {
                column: need_column()?,
                map: parse_mapping(&self.mapping)?,
            },
            Op::Cast => Step::Cast {
                column: need_column()?,
                to: self.to,
                format: Some(self.format.trim().to_string()).filter(|f| !f.is_empty()),
            },
            Op::Outliers => Step::Outliers {
                column: need_column()?,
                fence: match self.fence {
                    FenceChoice::Iqr => Fence::Iqr {
                        k: number(&self.factor, "k")?,
                    },
                    FenceChoice::Z => Fence::ZScore {
                        z: number(&self.factor, "z")?,
                    },
                    FenceChoice::Bounds => Fence::Bounds {
                        low: optional(&self.low, "lower bound")?,
                        high: optional(&self.high, "upper bound")?,
                    },
                },
                action: match self.action {
                    ActionChoice::Clip => OutlierAction::Clip,
                    ActionChoice::Flag => {
                        if self.new_name.trim().is_empty() {
                            return Err("name the new column".into());
                        }
                        OutlierAction::Flag(self.new_name.trim().to_string())
                    }
                    ActionChoice::Drop => OutlierAction::Drop,
                },
            },
            Op::Split => Step::Split {
                column: need_column()?,
                separator: self.separator.clone(),
                into: self
                    .into
                    .split([',', '，'])
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect(),
                keep_original: self.keep_original,
            },
            Op::Rename => Step::Rename {
                from: need_column()?,
                to: self.new_name.trim().to_string(),
            },
            Op::DropColumns => Step::DropColumns {
                columns: need_columns()?,
            },
            Op::Derive => Step::Derive {
                name: self.new_name.trim().to_string(),
                expr: Formula::parse(&self.expr).map_err(|e| e.to_string())?,
            },
            Op::Phone => Step::StandardizePhone {
                column: need_column()?,
                country_code: self.country.trim().to_string(),
            },
            Op::Email => Step::StandardizeEmail {
                column: need_column()?,
            },
        })
    }

    /// Draws the form. `columns` are those the step sees; `frame` is the raw data, for suggesting
    /// groups of values.
    pub fn ui(&mut self, ui: &mut Ui, lang: Lang, columns: &[String], frame: Option<&DataFrame>) {
        ui.label(RichText::new(lang.tr(self.op.label())).strong());
        ui.add_space(4.0);
        let one = |ui: &mut Ui, id: &str, label: T, value: &mut String| {
            ui.horizontal(|ui| {
                ui.label(lang.tr(label));
                egui::ComboBox::from_id_salt(id)
                    .selected_text(value.clone())
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        for c in columns {
                            ui.selectable_value(value, c.clone(), c);
                        }
                    });
            });
        };
        let many = |ui: &mut Ui, label: T, chosen: &mut Vec<String>| {
            ui.label(lang.tr(label));
            egui::ScrollArea::vertical()
                .id_salt("editor-columns")
                .max_height(140.0)
                .show(ui, |ui| {
                    for c in columns {
                        let mut on = chosen.contains(c);
                        if ui.checkbox(&mut on, c).changed() {
                            if on {
                                chosen.push(c.clone());
                            } else {
                                chosen.retain(|x| x != c);
                            }
                        }
                    }
                });
        };
        let text = |ui: &mut Ui, label: T, value: &mut String, multiline: bool| {
            let l = ui.label(lang.tr(label));
            let edit = if multiline {
                egui::TextEdit::multiline(value).desired_rows(4)
            } else {
                egui::TextEdit::singleline(value)
            };
            ui.add(edit.desired_width(f32::INFINITY).code_editor())
                .labelled_by(l.id);
        };
        match self.op {
            Op::RemoveDuplicates => {
                many(ui, T::FieldKeyColumns, &mut self.columns);
                ui.horizontal(|ui| {
                    ui.label(lang.tr(T::FieldKeep));
                    ui.radio_value(&mut self.keep, Keep::First, lang.tr(T::KeepFirst));
                    ui.radio_value(&mut self.keep, Keep::Last, lang.tr(T::KeepLast));
                });
            }
            Op::DropRows => {
                text(ui, T::FieldCondition, &mut self.condition, false);
                theme::muted(ui, lang.tr(T::ConditionHint));
            }
            Op::Fill => {
                one(ui, "editor-column", T::Column, &mut self.column);
                ui.label(lang.tr(T::FieldFillWith));
                ui.horizontal_wrapped(|ui| {
                    ui.radio_value(&mut self.fill, FillChoice::Value, lang.tr(T::FillValue));
                    ui.radio_value(&mut self.fill, FillChoice::Mean, lang.tr(T::FillMean));
                    ui.radio_value(&mut self.fill, FillChoice::Median, lang.tr(T::FillMedian));
                    ui.radio_value(&mut self.fill, FillChoice::Mode, lang.tr(T::FillMode));
                    ui.radio_value(&mut self.fill, FillChoice::Forward, lang.tr(T::FillForward));
                });
                if self.fill == FillChoice::Value {
                    text(ui, T::Value, &mut self.value, false);
                }
            }
            Op::Trim | Op::DropColumns => many(ui, T::Columns, &mut self.columns),
            Op::Case => {
                many(ui, T::Columns, &mut self.columns);
                ui.horizontal(|ui| {
                    ui.label(lang.tr(T::FieldCase));
                    ui.radio_value(&mut self.case, Case::Lower, lang.tr(T::CaseLower));
                    ui.radio_value(&mut self.case, Case::Upper, lang.tr(T::CaseUpper));
                    ui.radio_value(&mut self.case, Case::Title, lang.tr(T::CaseTitle));
                });
            }
            Op::Map => {
                one(ui, "editor-column", T::Column, &mut self.column);
                if ui
                    .add_enabled(
                        frame.is_some() && !self.column.is_empty(),
                        egui::Button::new(lang.tr(T::SuggestGroups)),
                    )
                    .clicked()
                    && let Some(df) = frame
                {
                    self.mapping = suggest(df, &self.column);
                }
                text(ui, T::FieldMapping, &mut self.mapping, true);
            }
            Op::Cast => {
                one(ui, "editor-column", T::Column, &mut self.column);
                ui.horizontal(|ui| {
                    ui.label(lang.tr(T::FieldToType));
                    egui::ComboBox::from_id_salt("editor-type")
                        .selected_text(lang.column_type(self.to))
                        .show_ui(ui, |ui| {
                            for t in ColumnType::ALL {
                                ui.selectable_value(&mut self.to, t, lang.column_type(t));
                            }
                        });
                });
                if self.to.is_temporal() {
                    text(ui, T::FieldFormat, &mut self.format, false);
                }
            }
            Op::Outliers => {
                one(ui, "editor-column", T::Column, &mut self.column);
                ui.label(lang.tr(T::FieldFence));
                ui.horizontal_wrapped(|ui| {
                    ui.radio_value(
                        &mut self.fence,
                        FenceChoice::Iqr,
                        lang.tr(T::FenceIqrChoice),
                    );
                    ui.radio_value(&mut self.fence, FenceChoice::Z, lang.tr(T::FenceZChoice));
                    ui.radio_value(
                        &mut self.fence,
                        FenceChoice::Bounds,
                        lang.tr(T::FenceBoundsChoice),
                    );
                });
                match self.fence {
                    FenceChoice::Iqr | FenceChoice::Z => {
                        ui.horizontal(|ui| {
                            let l = ui.label(if self.fence == FenceChoice::Iqr {
                                "k"
                            } else {
                                "z"
                            });
                            ui.add(
                                egui::TextEdit::singleline(&mut self.factor).desired_width(60.0),
                            )
                            .labelled_by(l.id);
                        });
                    }
                    FenceChoice::Bounds => {
                        text(ui, T::FieldLow, &mut self.low, false);
                        text(ui, T::FieldHigh, &mut self.high, false);
                    }
                }
                ui.label(lang.tr(T::FieldAction));
                ui.horizontal_wrapped(|ui| {
                    ui.radio_value(&mut self.action, ActionChoice::Clip, lang.tr(T::ActionClip));
                    ui.radio_value(&mut self.action, ActionChoice::Flag, lang.tr(T::ActionFlag));
                    ui.radio_value(&mut self.action, ActionChoice::Drop, lang.tr(T::ActionDrop));
                });
                if self.action == ActionChoice::Flag {
                    if self.new_name.is_empty() {
                        self.new_name = format!("{}_outlier", self.column);
                    }
                    text(ui, T::FieldNewColumn, &mut self.new_name, false);
                }
            }
            Op::Split => {
                one(ui, "editor-column", T::Column, &mut self.column);
                text(ui, T::FieldSeparator, &mut self.separator, false);
                text(ui, T::FieldInto, &mut self.into, false);
                ui.checkbox(&mut self.keep_original, lang.tr(T::KeepOriginal));
            }
            Op::Rename => {
                one(ui, "editor-column", T::FieldFrom, &mut self.column);
                text(ui, T::FieldTo, &mut self.new_name, false);
            }
            Op::Derive => {
                text(ui, T::FieldNewColumn, &mut self.new_name, false);
                text(ui, T::FieldExpression, &mut self.expr, false);
            }
            Op::Phone => {
                one(ui, "editor-column", T::Column, &mut self.column);
                text(ui, T::FieldCountry, &mut self.country, false);
            }
            Op::Email => one(ui, "editor-column", T::Column, &mut self.column),
        }
        if let Some(e) = &self.error {
            ui.label(RichText::new(e).color(theme::error_color(ui)));
        }
    }
}

fn mapping_text(map: &[Mapping]) -> String {
    map.iter()
        .map(|m| format!("{} => {}", m.from.join(" | "), m.to))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads `old | old => new` lines.
pub fn parse_mapping(text: &str) -> Result<Vec<Mapping>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((from, to)) = line.split_once("=>") else {
            return Err(format!("line {}: write old | old => new", i + 1));
        };
        let from: Vec<String> = from.split('|').map(|s| s.trim().to_string()).collect();
        out.push(Mapping {
            from,
            to: to.trim().to_string(),
        });
    }
    if out.is_empty() {
        return Err("write at least one line: old | old => new".into());
    }
    Ok(out)
}

/// Suggested groups for a text column: key collision, then nearest neighbours.
fn suggest(df: &DataFrame, column: &str) -> String {
    let Ok(c) = df.column(column) else {
        return String::new();
    };
    let Ok(s) = c.str() else {
        return String::new();
    };
    let mut counts: std::collections::HashMap<&str, u64> = Default::default();
    for v in s.iter().flatten() {
        *counts.entry(v).or_default() += 1;
    }
    if counts.len() > 20_000 {
        return String::new();
    }
    let values: Vec<(String, u64)> = counts
        .into_iter()
        .map(|(k, n)| (k.to_string(), n))
        .collect();
    let mut groups = clusters(&values, Method::KeyCollision);
    for g in clusters(&values, Method::NearestNeighbour { radius: 1 }) {
        if !groups.iter().any(|x| x.values == g.values) {
            groups.push(g);
        }
    }
    groups
        .iter()
        .map(|g| Mapping {
            from: g.values.iter().filter(|v| **v != g.to).cloned().collect(),
            to: g.to.clone(),
        })
        .map(|m| mapping_text(std::slice::from_ref(&m)))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_round_trip_steps() {
        let steps = [
            r#"{"op":"remove_duplicates","columns":["a"],"keep":"last"}"#,
            r#"{"op":"drop_rows","where":"Quantity <= 0"}"#,
            r#"{"op":"fill_missing","column":"a","with":{"constant":"x"}}"#,
            r#"{"op":"map_values","column":"City","map":[{"from":["beijing","北京市"],"to":"北京"}]}"#,
            r#"{"op":"outliers","column":"q","fence":{"method":"bounds","low":0.0,"high":null},"action":{"flag":"f"}}"#,
            r#"{"op":"split","column":"n","separator":" ","into":["a","b"],"keep_original":true}"#,
            r#"{"op":"derive","name":"revenue","expr":"Quantity * UnitPrice"}"#,
            r#"{"op":"standardize_phone","column":"p","country_code":"44"}"#,
        ];
        for json in steps {
            let step: Step = serde_json::from_str(json).unwrap();
            let built = StepEditor::edit(&step, 0).build().unwrap();
            assert_eq!(built, step, "{json}");
        }
    }

    #[test]
    fn mapping_lines() {
        let m = parse_mapping("beijing | 北京市 => 北京\n\nShanghai=>上海").unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].from, ["beijing", "北京市"]);
        assert_eq!(m[1].to, "上海");
        assert!(parse_mapping("no arrow").is_err());
        assert!(StepEditor::new(Op::Trim, None, None).build().is_err());
    }
}
