//! The Chinese window shows no English: every page of the sample project is walked in zh-CN, and
//! no label it shows is the English text of a translation key (which would mean a string that
//! bypassed the translation table, or a key used with the wrong language).

use crate::ui::{app, sample, wait_until};
use egui_kittest::kittest::{NodeT, Queryable};
use loupe::i18n::{Lang, T};
use loupe::ui::{Page, nav_label};
use std::collections::{BTreeSet, HashSet};

/// English strings that have a Chinese translation different from them, without placeholders
/// (a filled-in sentence cannot be matched whole).
fn english_only() -> HashSet<&'static str> {
    T::ALL
        .iter()
        .filter(|k| k.en() != k.zh() && !k.en().contains('{'))
        .map(|k| k.en())
        .collect()
}

#[test]
fn every_page_in_chinese_shows_no_english_label_that_has_a_translation() {
    let mut english = english_only();
    let mut h = app(sample(), Lang::ZhCn);
    wait_until(&mut h, "the sample project", |a| !a.busy());
    // The data's own names (datasets, columns) are shown as they are.
    for d in &h.state().ws().datasets {
        english.remove(d.name.as_str());
        for c in &d.columns {
            english.remove(c.name.as_str());
        }
    }
    let mut found: BTreeSet<String> = BTreeSet::new();
    for page in Page::ALL {
        h.get_by_label(&nav_label(Lang::ZhCn, page)).click();
        h.run_steps(3);
        wait_until(&mut h, "the page's work", |a| !a.busy());
        h.run_steps(3);
        // Each tab of the page (the first is open already).
        let tabs: &[T] = match page {
            Page::Explore => &[
                T::TabBuilder,
                T::TabTrend,
                T::TabCohorts,
                T::TabFunnel,
                T::TabRepeat,
                T::TabPareto,
                T::TabForecast,
            ],
            Page::Customers => &[
                T::CustTabList,
                T::CustTabMap,
                T::CustTabPortrait,
                T::CustTabTags,
            ],
            Page::Segments => &[T::SegTabBuilder, T::SegTabGenerate, T::SegTabOverlap],
            Page::Recommendations => &[T::RecTabPicks, T::RecTabRules, T::RecTabEvaluation],
            Page::Campaigns => &[T::CampTabRoi, T::CampTabLift],
            _ => &[],
        };
        for view in std::iter::once(None).chain(tabs.iter().map(Some)) {
            if let Some(tab) = view {
                let Some(node) = h.query_all_by_label(Lang::ZhCn.tr(*tab)).next() else {
                    found.insert(format!("{page:?}: no tab {}", Lang::ZhCn.tr(*tab)));
                    continue;
                };
                node.click();
                h.run_steps(3);
                wait_until(&mut h, "the tab's work", |a| !a.busy());
                h.run_steps(3);
            }
            let root = h.root();
            for node in root.children_recursive() {
                let n = node.accesskit_node();
                for text in [n.label(), n.value()].into_iter().flatten() {
                    let text = text.trim().to_string();
                    if text.is_ascii() && english.contains(text.as_str()) {
                        let at = view.map_or(String::new(), |t| format!(" / {}", t.en()));
                        found.insert(format!("{page:?}{at}: {text}"));
                    }
                }
            }
        }
    }
    // The default tags every project starts with read in Chinese (stored under English names).
    h.get_by_label(&nav_label(Lang::ZhCn, Page::Customers))
        .click();
    h.run_steps(3);
    h.query_all_by_label(Lang::ZhCn.tr(T::CustTabTags))
        .next()
        .expect("the Tags tab")
        .click();
    h.run_steps(3);
    h.get_by_label("高价值");
    assert!(
        found.is_empty(),
        "English labels in the Chinese window (use the translation table):\n{}",
        found.into_iter().collect::<Vec<_>>().join("\n")
    );
}
