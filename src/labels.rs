//! Enum values in the window's words: the translation key (see [`crate::i18n`]) of each RFM
//! group, lifecycle stage, weekday, portrait attribute and chart kind.

use crate::customers::rfm::{Lifecycle, RfmGroup};
use crate::explore::render::ChartKind;
use crate::i18n::{Lang, T};

/// The translated name of an RFM group.
pub fn group_label(g: RfmGroup) -> T {
    match g {
        RfmGroup::Champions => T::RfmChampions,
        RfmGroup::Loyal => T::RfmLoyal,
        RfmGroup::PotentialLoyalist => T::RfmPotentialLoyalist,
        RfmGroup::New => T::RfmNew,
        RfmGroup::Promising => T::RfmPromising,
        RfmGroup::NeedAttention => T::RfmNeedAttention,
        RfmGroup::AboutToSleep => T::RfmAboutToSleep,
        RfmGroup::AtRisk => T::RfmAtRisk,
        RfmGroup::CantLoseThem => T::RfmCantLoseThem,
        RfmGroup::Hibernating => T::RfmHibernating,
        RfmGroup::Lost => T::RfmLost,
    }
}

pub fn stage_label(s: Lifecycle) -> T {
    match s {
        Lifecycle::New => T::StageNew,
        Lifecycle::Active => T::StageActive,
        Lifecycle::AtRisk => T::StageAtRisk,
        Lifecycle::Lapsed => T::StageLapsed,
        Lifecycle::Churned => T::StageChurned,
    }
}

const WEEKDAY_KEYS: [T; 7] = [
    T::Monday,
    T::Tuesday,
    T::Wednesday,
    T::Thursday,
    T::Friday,
    T::Saturday,
    T::Sunday,
];

pub fn weekday_label(lang: Lang, d: u8) -> &'static str {
    lang.tr(WEEKDAY_KEYS[d as usize % 7])
}

/// The translated name of a portrait attribute (joined attributes keep their column names).
pub fn dimension_label(lang: Lang, name: &str) -> String {
    let key = match name {
        "rfm_group" => T::ColRfmGroup,
        "lifecycle_stage" => T::ColStage,
        "r_score" => T::AxisR,
        "f_score" => T::AxisF,
        "m_score" => T::AxisM,
        "orders" => T::ColOrders,
        "revenue" => T::ColRevenue,
        "average_order_value" => T::KeyAov,
        "favourite_category" => T::KeyFavCategory,
        "preferred_channel" => T::KeyChannel,
        "preferred_weekday" => T::KeyWeekday,
        "preferred_hour" => T::KeyHour,
        "return_orders" => T::DimReturnOrders,
        other => return other.to_string(),
    };
    lang.tr(key).to_string()
}

/// The translated text of a portrait value (group, stage and weekday names; others as they are).
pub fn value_label(lang: Lang, dimension: &str, value: &str) -> String {
    match dimension {
        "rfm_group" => RfmGroup::ALL
            .iter()
            .find(|g| g.name() == value)
            .map(|g| lang.tr(group_label(*g)).to_string()),
        "lifecycle_stage" => Lifecycle::ALL
            .iter()
            .find(|s| s.name() == value)
            .map(|s| lang.tr(stage_label(*s)).to_string()),
        "preferred_weekday" => crate::customers::stats::WEEKDAYS
            .iter()
            .position(|d| *d == value)
            .map(|d| weekday_label(lang, d as u8).to_string()),
        _ => None,
    }
    .unwrap_or_else(|| value.to_string())
}

/// The stored value of a group or stage given as shown in either language ("冠军客户" or
/// "Champions" for `rfm_group`): a rule typed with the label the window shows matched no one.
pub fn stored_value(dimension: &str, shown: &str) -> Option<&'static str> {
    let t = shown.trim();
    let is = |key: T| Lang::ALL.iter().any(|l| l.tr(key) == t);
    match dimension {
        "rfm_group" => RfmGroup::ALL
            .iter()
            .find(|g| g.name() != t && is(group_label(**g)))
            .map(|g| g.name()),
        "lifecycle_stage" => Lifecycle::ALL
            .iter()
            .find(|s| s.name() != t && is(stage_label(**s)))
            .map(|s| s.name()),
        _ => None,
    }
}

/// Replaces, in every condition of `rule`, a group or stage written as shown (in either
/// language) by its stored value; true when something changed.
pub fn store_shown_values(rule: &mut crate::segments::Rule) -> bool {
    use crate::segments::Rule;
    use crate::segments::rule::{Op, Value};
    let fix = |column: &str, v: &mut Value| match v {
        Value::Text(t) => match stored_value(column, t) {
            Some(s) => {
                *t = s.to_string();
                true
            }
            None => false,
        },
        _ => false,
    };
    match rule {
        Rule::All { rules } | Rule::Any { rules } => rules
            .iter_mut()
            .fold(false, |c, r| store_shown_values(r) | c),
        Rule::Not { rule } => store_shown_values(rule),
        Rule::Condition(c) => match &mut c.op {
            Op::Compare { value, .. } => fix(&c.column, value),
            Op::In { values, .. } => values
                .iter_mut()
                .fold(false, |ch, v| fix(&c.column, v) | ch),
            _ => false,
        },
        _ => false,
    }
}

pub fn kind_label(k: ChartKind) -> T {
    match k {
        ChartKind::Line => T::KindLine,
        ChartKind::Bar => T::KindBar,
        ChartKind::StackedBar => T::KindStacked,
        ChartKind::Area => T::KindArea,
        ChartKind::Scatter => T::KindScatter,
        ChartKind::Pie => T::KindPie,
        ChartKind::Histogram => T::KindHistogram,
        ChartKind::BoxPlot => T::KindBoxPlot,
    }
}

#[cfg(test)]
mod shown_value_tests {
    use super::*;
    use crate::segments::parse_rule;

    #[test]
    fn a_group_typed_as_shown_matches_its_stored_value() {
        assert_eq!(stored_value("rfm_group", "冠军客户"), Some("Champions"));
        assert_eq!(stored_value("rfm_group", "Champions"), None);
        assert_eq!(stored_value("rfm_group", "nobody"), None);
        assert_eq!(stored_value("city", "冠军客户"), None);
        let mut typed = parse_rule("rfm_group = '冠军客户' AND revenue >= 500").unwrap();
        assert!(store_shown_values(&mut typed));
        let stored = parse_rule("rfm_group = 'Champions' AND revenue >= 500").unwrap();
        assert_eq!(typed, stored);
        let mut list = parse_rule("rfm_group IN ('冠军客户', 'At risk')").unwrap();
        assert!(store_shown_values(&mut list));
        assert_eq!(
            list,
            parse_rule("rfm_group IN ('Champions', 'At risk')").unwrap()
        );
    }
}
