//! The visual builder: a segment rule as a tree of rows (groups, conditions, behaviour), edited
//! in place. It edits the same [`Rule`] the text box shows, so the two stay one definition.

use crate::i18n::{Lang, T};
use crate::segments::rule::{
    Bought, Cmp, Condition, Did, Matching, Op, Rule, Target, TextMatch, Value, Window,
};
use egui::{RichText, Ui};

/// What kind of values a column holds, for the operators offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Number,
    Text,
    Date,
}

/// What the builder can offer: the customer table's columns, tags, saved segments, events.
pub struct Choices<'a> {
    pub columns: &'a [(String, ColumnKind)],
    pub tags: &'a [String],
    pub segments: &'a [String],
    pub events: &'a [String],
    /// Per text column, its most frequent values (as stored), for the value picker.
    pub values: &'a [(String, Vec<String>)],
}

impl Choices<'_> {
    fn kind_of(&self, column: &str) -> ColumnKind {
        self.columns
            .iter()
            .find(|x| x.0 == column)
            .map_or(ColumnKind::Text, |x| x.1)
    }

    fn values_of(&self, column: &str) -> &[String] {
        self.values
            .iter()
            .find(|(c, _)| c == column)
            .map_or(&[], |(_, v)| v.as_slice())
    }
}

/// The condition a column starts with when the user picks it: `=` its most frequent value for
/// text, `>= 1` for numbers, on or after a date for dates (an operator and value chosen for
/// another column would not fit).
fn fresh_op(kind: ColumnKind, values: &[String]) -> Op {
    match kind {
        ColumnKind::Number => Op::Compare {
            cmp: Cmp::Ge,
            value: Value::Int(1),
        },
        ColumnKind::Text => Op::Compare {
            cmp: Cmp::Eq,
            value: Value::Text(values.first().cloned().unwrap_or_default()),
        },
        ColumnKind::Date => Op::Compare {
            cmp: Cmp::Ge,
            value: Value::Text("2024-01-01".into()),
        },
    }
}

/// Picks a text value from the column's values, shown in the window's words (RFM groups,
/// lifecycle stages, weekdays) and stored as the data has them.
fn pick_value(
    ui: &mut Ui,
    lang: Lang,
    id: String,
    column: &str,
    value: &mut Value,
    values: &[String],
) -> bool {
    let Value::Text(current) = value else {
        return false;
    };
    let shown = |v: &str| crate::labels::value_label(lang, column, v);
    let mut pick = current.clone();
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown(current))
        .height(360.0)
        .show_ui(ui, |ui| {
            for v in values {
                ui.selectable_value(&mut pick, v.clone(), shown(v));
            }
        });
    if pick != *current {
        *current = pick;
        true
    } else {
        false
    }
}

/// Picks the values of an "in list" condition from the column's values, shown in the window's
/// words (RFM groups, lifecycle stages, weekdays) and stored as the data has them: the list
/// showed the stored English names in Chinese. At least one value stays chosen.
fn pick_list(
    ui: &mut Ui,
    lang: Lang,
    column: &str,
    values: &mut Vec<Value>,
    options: &[String],
) -> bool {
    let shown = |v: &str| crate::labels::value_label(lang, column, v);
    let chosen: Vec<String> = values.iter().map(value_text).collect();
    let text = chosen
        .iter()
        .map(|v| shown(v))
        .collect::<Vec<_>>()
        .join(", ");
    // The column's values, then any other chosen (typed in the rule's text).
    let mut all: Vec<&String> = options.iter().collect();
    all.extend(chosen.iter().filter(|v| !options.contains(*v)));
    let mut toggled = None;
    ui.menu_button(text, |ui| {
        egui::ScrollArea::vertical()
            .max_height(360.0)
            .show(ui, |ui| {
                for o in all {
                    let mut on = chosen.contains(o);
                    let last = on && chosen.len() == 1;
                    if ui
                        .add_enabled(!last, egui::Checkbox::new(&mut on, shown(o)))
                        .changed()
                    {
                        toggled = Some((o.clone(), on));
                    }
                }
            });
    });
    match toggled {
        Some((v, true)) => {
            values.push(Value::Text(v));
            true
        }
        Some((v, false)) => {
            values.retain(|x| value_text(x) != v);
            true
        }
        None => false,
    }
}

/// The operators of a condition row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OpKind {
    Cmp(Cmp),
    Between,
    In,
    NotIn,
    Text(TextMatch),
    Empty,
    NotEmpty,
    Within,
}

fn op_kind(op: &Op) -> OpKind {
    match op {
        Op::Compare { cmp, .. } => OpKind::Cmp(*cmp),
        Op::Between { .. } => OpKind::Between,
        Op::In { negated: false, .. } => OpKind::In,
        Op::In { negated: true, .. } => OpKind::NotIn,
        Op::Text { how, .. } => OpKind::Text(*how),
        Op::IsEmpty { negated: false } => OpKind::Empty,
        Op::IsEmpty { negated: true } => OpKind::NotEmpty,
        Op::WithinDays { .. } => OpKind::Within,
    }
}

fn op_label(lang: Lang, k: OpKind, kind: ColumnKind) -> String {
    match (k, kind) {
        (OpKind::Cmp(Cmp::Lt), ColumnKind::Date) => lang.tr(T::SegBefore).into(),
        (OpKind::Cmp(Cmp::Gt), ColumnKind::Date) => lang.tr(T::SegAfter).into(),
        (OpKind::Cmp(Cmp::Eq), _) => "=".into(),
        (OpKind::Cmp(Cmp::Ne), _) => "!=".into(),
        (OpKind::Cmp(Cmp::Lt), _) => "<".into(),
        (OpKind::Cmp(Cmp::Le), _) => "<=".into(),
        (OpKind::Cmp(Cmp::Gt), _) => ">".into(),
        (OpKind::Cmp(Cmp::Ge), _) => ">=".into(),
        (OpKind::Between, _) => lang.tr(T::SegBetween).into(),
        (OpKind::In, _) => lang.tr(T::SegInList).into(),
        (OpKind::NotIn, _) => lang.tr(T::SegNotInList).into(),
        (OpKind::Text(TextMatch::Contains), _) => lang.tr(T::SegContains).into(),
        (OpKind::Text(TextMatch::StartsWith), _) => lang.tr(T::SegStartsWith).into(),
        (OpKind::Text(TextMatch::EndsWith), _) => lang.tr(T::SegEndsWith).into(),
        (OpKind::Empty, _) => lang.tr(T::SegIsEmpty).into(),
        (OpKind::NotEmpty, _) => lang.tr(T::SegIsNotEmpty).into(),
        (OpKind::Within, _) => lang.tr(T::SegWithinDays).into(),
    }
}

fn ops_for(kind: ColumnKind) -> Vec<OpKind> {
    let cmps = Cmp::ALL.iter().map(|c| OpKind::Cmp(*c));
    match kind {
        ColumnKind::Number => cmps
            .chain([OpKind::Between, OpKind::In, OpKind::Empty, OpKind::NotEmpty])
            .collect(),
        ColumnKind::Text => [
            OpKind::Cmp(Cmp::Eq),
            OpKind::Cmp(Cmp::Ne),
            OpKind::In,
            OpKind::NotIn,
        ]
        .into_iter()
        .chain(TextMatch::ALL.iter().map(|t| OpKind::Text(*t)))
        .chain([OpKind::Empty, OpKind::NotEmpty])
        .collect(),
        ColumnKind::Date => vec![
            OpKind::Cmp(Cmp::Lt),
            OpKind::Cmp(Cmp::Gt),
            OpKind::Within,
            OpKind::Between,
            OpKind::Cmp(Cmp::Eq),
            OpKind::Empty,
            OpKind::NotEmpty,
        ],
    }
}

/// The value the row had, carried over to the new operator where it makes sense.
fn with_kind(op: &Op, k: OpKind, kind: ColumnKind) -> Op {
    let first = match op {
        Op::Compare { value, .. } => Some(value.clone()),
        Op::Between { low, .. } => Some(low.clone()),
        Op::In { values, .. } => values.first().cloned(),
        Op::Text { value, .. } => Some(Value::Text(value.clone())),
        _ => None,
    };
    let default = || match kind {
        ColumnKind::Number => Value::Int(0),
        ColumnKind::Text => Value::Text(String::new()),
        ColumnKind::Date => Value::Text("2024-01-01".into()),
    };
    let v = first.unwrap_or_else(default);
    match k {
        OpKind::Cmp(cmp) => Op::Compare { cmp, value: v },
        OpKind::Between => Op::Between {
            low: v.clone(),
            high: v,
            negated: false,
        },
        OpKind::In | OpKind::NotIn => Op::In {
            values: vec![v],
            negated: k == OpKind::NotIn,
        },
        OpKind::Text(how) => Op::Text {
            how,
            value: match v {
                Value::Text(s) => s,
                other => other.to_string(),
            },
            negated: false,
        },
        OpKind::Empty => Op::IsEmpty { negated: false },
        OpKind::NotEmpty => Op::IsEmpty { negated: true },
        OpKind::Within => Op::WithinDays { days: 30 },
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::Text(s) => s.clone(),
        other => other.to_string(),
    }
}

fn parse_value(s: &str, kind: ColumnKind) -> Option<Value> {
    let t = s.trim();
    match kind {
        ColumnKind::Number => t
            .parse::<i64>()
            .map(Value::Int)
            .ok()
            .or_else(|| t.parse::<f64>().ok().map(Value::Float)),
        ColumnKind::Date => chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .map(|_| Value::Text(t.to_string())),
        ColumnKind::Text => Some(Value::Text(s.to_string())),
    }
}

/// A text box bound to a value through a buffer kept while it has focus; returns true when the
/// value changed (only to a valid one).
fn buffered(
    ui: &mut Ui,
    id: egui::Id,
    shown: String,
    width: f32,
    set: impl FnOnce(&str) -> bool,
) -> bool {
    let mut buf: String = ui
        .data_mut(|d| d.get_temp::<String>(id))
        .unwrap_or(shown.clone());
    let r = ui.add(
        egui::TextEdit::singleline(&mut buf)
            .id(id)
            .desired_width(width),
    );
    let mut changed = false;
    if r.changed() {
        changed = set(&buf);
    }
    if r.has_focus() {
        ui.data_mut(|d| d.insert_temp(id, buf));
    } else {
        ui.data_mut(|d| d.remove::<String>(id));
    }
    changed
}

fn value_ui(ui: &mut Ui, id: egui::Id, v: &mut Value, kind: ColumnKind) -> bool {
    let shown = value_text(v);
    buffered(ui, id, shown, 110.0, |s| match parse_value(s, kind) {
        Some(n) if n != *v => {
            *v = n;
            true
        }
        _ => false,
    })
}

fn list_ui(ui: &mut Ui, id: egui::Id, values: &mut Vec<Value>, kind: ColumnKind) -> bool {
    let shown = values.iter().map(value_text).collect::<Vec<_>>().join(", ");
    buffered(ui, id, shown, 180.0, |s| {
        let parsed: Option<Vec<Value>> = s
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| parse_value(p.trim(), kind))
            .collect();
        match parsed {
            Some(p) if !p.is_empty() && p != *values => {
                *values = p;
                true
            }
            _ => false,
        }
    })
}

fn optional_u32(ui: &mut Ui, label: &str, v: &mut Option<u32>, default: u32) -> bool {
    let mut on = v.is_some();
    let mut changed = ui.checkbox(&mut on, label).changed();
    if changed {
        *v = on.then_some(default);
    }
    if let Some(n) = v {
        changed |= ui
            .add(egui::DragValue::new(n).range(0..=100_000).speed(0.2))
            .changed();
    }
    changed
}

fn optional_f64(ui: &mut Ui, label: &str, v: &mut Option<f64>) -> bool {
    let mut on = v.is_some();
    let mut changed = ui.checkbox(&mut on, label).changed();
    if changed {
        *v = on.then_some(100.0);
    }
    if let Some(x) = v {
        changed |= ui.add(egui::DragValue::new(x).speed(1.0)).changed();
    }
    changed
}

fn window_ui(ui: &mut Ui, lang: Lang, w: &mut Window) -> bool {
    optional_u32(ui, lang.tr(T::SegLastDays), &mut w.within_days, 90)
}

/// Draws a group (AND / OR) and its rows; returns true when anything changed.
pub fn group_ui(ui: &mut Ui, lang: Lang, rule: &mut Rule, c: &Choices<'_>, path: &str) -> bool {
    if !matches!(rule, Rule::All { .. } | Rule::Any { .. }) {
        let inner = std::mem::replace(rule, Rule::everyone());
        *rule = Rule::All { rules: vec![inner] };
    }
    let mut changed = false;
    let is_all = matches!(rule, Rule::All { .. });
    ui.horizontal(|ui| {
        let mut all = is_all;
        egui::ComboBox::from_id_salt(format!("seg-join-{path}"))
            .selected_text(lang.tr(if all { T::SegAllOf } else { T::SegAnyOf }))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut all, true, lang.tr(T::SegAllOf));
                ui.selectable_value(&mut all, false, lang.tr(T::SegAnyOf));
            });
        if all != is_all {
            let rules = match std::mem::replace(rule, Rule::everyone()) {
                Rule::All { rules } | Rule::Any { rules } => rules,
                _ => Vec::new(),
            };
            *rule = if all {
                Rule::All { rules }
            } else {
                Rule::Any { rules }
            };
            changed = true;
        }
    });
    let (Rule::All { rules } | Rule::Any { rules }) = rule else {
        return changed;
    };
    let mut remove = None;
    ui.indent(format!("seg-group-{path}"), |ui| {
        for (i, child) in rules.iter_mut().enumerate() {
            let p = format!("{path}.{i}");
            ui.horizontal_wrapped(|ui| {
                if ui
                    .small_button(crate::ui::theme::icon::CLOSE)
                    .on_hover_text(lang.tr(T::SegRemoveRow))
                    .clicked()
                {
                    remove = Some(i);
                }
                // NOT is a switch on the row.
                let negated = matches!(child, Rule::Not { .. });
                let word = RichText::new(lang.tr(T::SegNot));
                let word = if negated { word.strong() } else { word.weak() };
                if ui
                    .add(egui::Button::new(word).selected(negated).small())
                    .on_hover_text(lang.tr(T::SegNotHint))
                    .clicked()
                {
                    let inner = std::mem::replace(child, Rule::everyone());
                    *child = match inner {
                        Rule::Not { rule } => *rule,
                        other => Rule::Not {
                            rule: Box::new(other),
                        },
                    };
                    changed = true;
                }
                let target = match child {
                    Rule::Not { rule } => rule.as_mut(),
                    other => other,
                };
                if matches!(target, Rule::All { .. } | Rule::Any { .. }) {
                    ui.vertical(|ui| changed |= group_ui(ui, lang, target, c, &p));
                } else {
                    changed |= row_ui(ui, lang, target, c, &p);
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            let first = c.columns.first().map(|x| x.0.clone()).unwrap_or_default();
            if ui.small_button(lang.tr(T::SegAddCondition)).clicked() {
                rules.push(Rule::Condition(Condition {
                    column: first,
                    op: Op::Compare {
                        cmp: Cmp::Ge,
                        value: Value::Int(1),
                    },
                }));
                changed = true;
            }
            if ui.small_button(lang.tr(T::SegAddBought)).clicked() {
                rules.push(Rule::Bought(Bought::default()));
                changed = true;
            }
            if !c.events.is_empty() && ui.small_button(lang.tr(T::SegAddEvent)).clicked() {
                rules.push(Rule::Did(Did {
                    event: c.events[0].clone(),
                    min_times: None,
                    max_times: None,
                    window: Window::default(),
                }));
                changed = true;
            }
            if !c.tags.is_empty() && ui.small_button(lang.tr(T::SegAddTag)).clicked() {
                rules.push(Rule::HasTag {
                    name: c.tags[0].clone(),
                });
                changed = true;
            }
            if !c.segments.is_empty() && ui.small_button(lang.tr(T::SegAddSegment)).clicked() {
                rules.push(Rule::InSegment {
                    name: c.segments[0].clone(),
                });
                changed = true;
            }
            if ui.small_button(lang.tr(T::SegAddGroup)).clicked() {
                rules.push(Rule::Any { rules: Vec::new() });
                changed = true;
            }
        });
    });
    if let Some(i) = remove {
        rules.remove(i);
        changed = true;
    }
    changed
}

fn combo_of(ui: &mut Ui, id: String, value: &mut String, options: &[String]) -> bool {
    let before = value.clone();
    egui::ComboBox::from_id_salt(id)
        .selected_text(value.clone())
        .height(360.0)
        .show_ui(ui, |ui| {
            for o in options {
                ui.selectable_value(value, o.clone(), o);
            }
        });
    *value != before
}

/// One leaf row.
fn row_ui(ui: &mut Ui, lang: Lang, rule: &mut Rule, c: &Choices<'_>, path: &str) -> bool {
    let mut changed = false;
    match rule {
        Rule::Condition(cond) => {
            let names: Vec<String> = c.columns.iter().map(|x| x.0.clone()).collect();
            if combo_of(ui, format!("seg-col-{path}"), &mut cond.column, &names) {
                cond.op = fresh_op(c.kind_of(&cond.column), c.values_of(&cond.column));
                changed = true;
            }
            let kind = c.kind_of(&cond.column);
            let now = op_kind(&cond.op);
            let mut pick = now;
            egui::ComboBox::from_id_salt(format!("seg-op-{path}"))
                .selected_text(op_label(lang, now, kind))
                .show_ui(ui, |ui| {
                    for k in ops_for(kind) {
                        ui.selectable_value(&mut pick, k, op_label(lang, k, kind));
                    }
                });
            if pick != now {
                cond.op = with_kind(&cond.op, pick, kind);
                changed = true;
            }
            let ids = ["v", "lo", "hi", "list"]
                .map(|s| ui.make_persistent_id(("seg-val", path.to_string(), s)));
            let id = |s: &str| match s {
                "v" => ids[0],
                "lo" => ids[1],
                "hi" => ids[2],
                _ => ids[3],
            };
            match &mut cond.op {
                Op::Compare { cmp, value } => {
                    let values = c.values_of(&cond.column);
                    if kind == ColumnKind::Text
                        && matches!(cmp, Cmp::Eq | Cmp::Ne)
                        && !values.is_empty()
                    {
                        changed |= pick_value(
                            ui,
                            lang,
                            format!("seg-pick-{path}"),
                            &cond.column,
                            value,
                            values,
                        );
                    } else {
                        changed |= value_ui(ui, id("v"), value, kind);
                    }
                }
                Op::Between { low, high, .. } => {
                    changed |= value_ui(ui, id("lo"), low, kind);
                    ui.label(lang.tr(T::SegAnd));
                    changed |= value_ui(ui, id("hi"), high, kind);
                }
                Op::In { values, .. } => {
                    let options = c.values_of(&cond.column);
                    if kind == ColumnKind::Text && !options.is_empty() {
                        changed |= pick_list(ui, lang, &cond.column, values, options);
                    } else {
                        changed |= list_ui(ui, id("list"), values, kind);
                    }
                }
                Op::Text { value, .. } => {
                    changed |= ui
                        .add(egui::TextEdit::singleline(value).desired_width(140.0))
                        .changed();
                }
                Op::IsEmpty { .. } => {}
                Op::WithinDays { days } => {
                    changed |= ui
                        .add(egui::DragValue::new(days).range(0..=100_000).speed(0.2))
                        .changed();
                    ui.label(lang.tr(T::SegDays));
                }
            }
        }
        Rule::Expr { text } => {
            ui.label(RichText::new(lang.tr(T::SegExpression)).weak());
            ui.label(RichText::new(text.as_str()).monospace());
        }
        Rule::Bought(b) => {
            ui.label(RichText::new(lang.tr(T::SegBought)).strong());
            let mut target = b.matching.as_ref().map(|m| m.target);
            let label = |t: Option<Target>| match t {
                None => lang.tr(T::SegAnything).to_string(),
                Some(t) => t.keyword().to_string(),
            };
            egui::ComboBox::from_id_salt(format!("seg-bt-{path}"))
                .selected_text(label(target))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut target, None, label(None));
                    for t in Target::ALL {
                        ui.selectable_value(&mut target, Some(t), label(Some(t)));
                    }
                });
            if target != b.matching.as_ref().map(|m| m.target) {
                b.matching = target.map(|t| Matching {
                    target: t,
                    values: b.matching.take().map(|m| m.values).unwrap_or_default(),
                });
                changed = true;
            }
            if let Some(m) = &mut b.matching {
                let mut values: Vec<Value> = m.values.iter().cloned().map(Value::Text).collect();
                let id = ui.make_persistent_id(("seg-bv", path.to_string()));
                if list_ui(ui, id, &mut values, ColumnKind::Text) {
                    m.values = values.iter().map(value_text).collect();
                    changed = true;
                }
            }
            changed |= optional_u32(ui, lang.tr(T::SegMinTimes), &mut b.min_times, 2);
            changed |= optional_u32(ui, lang.tr(T::SegMaxTimes), &mut b.max_times, 3);
            changed |= optional_f64(ui, lang.tr(T::SegMinAmount), &mut b.min_amount);
            changed |= window_ui(ui, lang, &mut b.window);
        }
        Rule::Did(d) => {
            ui.label(RichText::new(lang.tr(T::SegDid)).strong());
            changed |= combo_of(ui, format!("seg-ev-{path}"), &mut d.event, c.events);
            changed |= optional_u32(ui, lang.tr(T::SegMinTimes), &mut d.min_times, 2);
            changed |= window_ui(ui, lang, &mut d.window);
        }
        Rule::HasTag { name } => {
            ui.label(RichText::new(lang.tr(T::SegHasTag)).strong());
            changed |= combo_of(ui, format!("seg-tag-{path}"), name, c.tags);
        }
        Rule::InSegment { name } => {
            ui.label(RichText::new(lang.tr(T::SegInSegment)).strong());
            changed |= combo_of(ui, format!("seg-in-{path}"), name, c.segments);
        }
        Rule::All { .. } | Rule::Any { .. } | Rule::Not { .. } => {}
    }
    changed
}
