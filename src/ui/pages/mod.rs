//! One struct per page of the workbench, each with its own `ui` method.

pub mod activity;
pub mod campaigns;
pub mod clean;
pub mod customers;
pub mod dashboard;
pub mod data;
pub mod explore;
pub mod recommendations;
pub mod segments;

use crate::i18n::T;
use crate::ui::theme::icon;
use serde::{Deserialize, Serialize};

/// A page of the left navigation, one per capability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Page {
    #[default]
    Data,
    Clean,
    Explore,
    Dashboard,
    Customers,
    Segments,
    Recommendations,
    Campaigns,
    Activity,
}

impl Page {
    pub const ALL: [Page; 9] = [
        Page::Data,
        Page::Clean,
        Page::Explore,
        Page::Dashboard,
        Page::Customers,
        Page::Segments,
        Page::Recommendations,
        Page::Campaigns,
        Page::Activity,
    ];

    pub fn title(self) -> T {
        match self {
            Page::Data => T::NavData,
            Page::Clean => T::NavClean,
            Page::Explore => T::NavExplore,
            Page::Dashboard => T::NavDashboard,
            Page::Customers => T::NavCustomers,
            Page::Segments => T::NavSegments,
            Page::Recommendations => T::NavRecommendations,
            Page::Campaigns => T::NavCampaigns,
            Page::Activity => T::NavActivity,
        }
    }

    pub fn icon(self) -> &'static str {
        match self {
            Page::Data => icon::DATA,
            Page::Clean => icon::CLEAN,
            Page::Explore => icon::EXPLORE,
            Page::Dashboard => icon::DASHBOARD,
            Page::Customers => icon::CUSTOMERS,
            Page::Segments => icon::SEGMENTS,
            Page::Recommendations => icon::RECOMMENDATIONS,
            Page::Campaigns => icon::CAMPAIGNS,
            Page::Activity => icon::ACTIVITY,
        }
    }

    /// What the page is for, shown when the pointer rests on its navigation entry.
    pub fn description(self) -> T {
        match self {
            Page::Data => T::DescData,
            Page::Clean => T::DescClean,
            Page::Explore => T::DescExplore,
            Page::Dashboard => T::DescDashboard,
            Page::Customers => T::DescCustomers,
            Page::Segments => T::DescSegments,
            Page::Recommendations => T::DescRecommendations,
            Page::Campaigns => T::DescCampaigns,
            Page::Activity => T::DescActivity,
        }
    }
}
