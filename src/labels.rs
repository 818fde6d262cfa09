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
