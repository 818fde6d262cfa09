//! Opens the real workbench on one view of a project (a page and its tab), in the light theme at
//! a fixed size, and writes READY_FILE once the view's background work is done and the window
//! has settled, so `scripts/screenshots.sh` can take the picture under Xvfb.
//!
//!     cargo run --example screenshot_pages -- PROJECT.loupe VIEW READY_FILE [FILE]
//!
//! VIEW is one of [`VIEWS`]; `import` opens the import dialog on FILE. The language comes from
//! `LOUPE_LANG` (as for `loupe`); `LOUPE_SHOT_THEME` (`light`, the default, or `dark`) and
//! `LOUPE_SHOT_SIZE` (`WIDTHxHEIGHT`, default 1280x800) choose the theme and the window size.

use loupe::dataset::Role;
use loupe::ui::pages::{campaigns, customers, explore, recommendations, segments};
use loupe::ui::state::ThemeChoice;
use loupe::ui::{LoupeApp, Page};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The views the guide shows.
const VIEWS: [&str; 27] = [
    "data",
    "data-relations",
    // A table linked from PostgreSQL (the script links it when LOUPE_SHOT_PG_URL is set).
    "data-warehouse",
    "data-connect",
    "import",
    "clean",
    "explore-trend",
    "explore-cohorts",
    "dashboard",
    "customers-list",
    "customers-map",
    "customers-portrait",
    "customers-linked",
    "customers-identity",
    "segments",
    "recs-picks",
    "recs-rules",
    "campaigns-roi",
    "campaigns-lift",
    "activity",
    // On the Chinook project (three related files), with the roles taken through them.
    "chinook-relations",
    "chinook-customers",
    "chinook-export",
    // The README's walkthrough: a GBK export of the user's own, from an empty project.
    "walk-browse",
    "walk-import",
    "walk-roles",
    "walk-customers",
];

/// The linked dataset of `data-warehouse`, and the segment counted on it.
const WAREHOUSE_LINK: &str = "orders_pg";
const WAREHOUSE_RULE: &str = "orders >= 3 AND revenue >= 200";

/// The walkthrough's dataset and the column whose role it sets (the customer id, a header
/// import does not recognise).
const WALK_DATASET: &str = "门店订单";
const WALK_CUSTOMER: &str = "卡号";

/// Frames without a job before the view counts as settled.
const IDLE_FRAMES: u32 = 20;

/// Size of the window (and of the virtual screen the script starts), unless `LOUPE_SHOT_SIZE`
/// says another.
const SIZE: [f32; 2] = [1280.0, 800.0];

/// The window size `LOUPE_SHOT_SIZE` asks for (`1000x700`), else [`SIZE`].
fn size() -> [f32; 2] {
    std::env::var("LOUPE_SHOT_SIZE")
        .ok()
        .and_then(|s| {
            let (w, h) = s.split_once('x')?;
            Some([w.trim().parse().ok()?, h.trim().parse().ok()?])
        })
        .unwrap_or(SIZE)
}

struct Shot {
    app: LoupeApp,
    view: String,
    ready_file: PathBuf,
    /// The file the import view opens.
    import_file: Option<PathBuf>,
    /// When the view was set up (after the project opened).
    shown: Option<Instant>,
    idle_since: Option<Instant>,
    /// Frames drawn since `idle_since`.
    idle_frames: u32,
    /// The export dialog of `chinook-export` is open.
    dialog_open: bool,
    /// `customers-linked`: the customer whose card is shown was picked; `walk-roles`: the role
    /// was set.
    picked: bool,
    done: bool,
}

impl Shot {
    /// `customers-linked`: once the unified table is built, shows the card of the most valuable
    /// customer found on more than one platform.
    fn pick_linked_customer(&mut self) {
        let c = self.app.customers_mut();
        let Some(o) = c.overview() else { return };
        let platforms = |id: &str| {
            let mut p: Vec<&str> = c.linked(id).iter().map(|l| l.platform.as_str()).collect();
            p.sort_unstable();
            p.dedup();
            p.len()
        };
        let best = o
            .base
            .table
            .customers
            .iter()
            .enumerate()
            .filter(|(_, x)| platforms(&x.customer_id) > 1)
            .max_by(|a, b| a.1.revenue.total_cmp(&b.1.revenue))
            .map(|(i, _)| i);
        if let Some(i) = best {
            c.select(i);
            self.picked = true;
        }
    }

    fn show_view(&mut self) {
        let a = &mut self.app;
        a.set_page(match self.view.as_str() {
            "chinook-relations" => Page::Data,
            "chinook-customers" => Page::Customers,
            "chinook-export" => Page::Segments,
            v => Self::page_of(v),
        });
        match self.view.as_str() {
            "explore-trend" => a.explore_mut().set_tab(explore::Tab::Trend),
            "explore-cohorts" => a.explore_mut().set_tab(explore::Tab::Cohorts),
            "customers-list" | "chinook-customers" => {
                a.customers_mut().set_tab(customers::Tab::List)
            }
            "customers-map" => a.customers_mut().set_tab(customers::Tab::Map),
            "customers-portrait" => a.customers_mut().set_tab(customers::Tab::Portrait),
            "customers-linked" => {
                a.customers_mut().set_unified(true);
                a.customers_mut().set_tab(customers::Tab::List);
            }
            "customers-identity" => {
                a.customers_mut().set_unified(true);
                a.customers_mut().set_tab(customers::Tab::Identity);
            }
            "segments" => {
                a.segments_mut().set_tab(segments::Tab::Builder);
                a.segments_mut().set_text(
                    "rfm_group IN ('At risk', 'Can''t lose them') AND revenue >= 500 \
                     AND bought(category = '厨房餐具', min_times = 2)",
                );
            }
            "chinook-export" => {
                a.segments_mut().set_tab(segments::Tab::Builder);
                a.segments_mut().set_name("best-customers");
                a.segments_mut().set_text("revenue >= 45");
            }
            "recs-picks" => a.recs_mut().set_tab(recommendations::Tab::Picks),
            "recs-rules" => a.recs_mut().set_tab(recommendations::Tab::Rules),
            "campaigns-roi" => a.campaigns_mut().set_tab(campaigns::Tab::Roi),
            "campaigns-lift" => a.campaigns_mut().set_tab(campaigns::Tab::Lift),
            "clean" => a.with_ws(|a, ws| a.clean_mut().select(ws, "orders")),
            "data-relations" | "chinook-relations" => a.data_mut().show_relations(),
            "import" | "walk-import" => a.open_import(self.import_file.iter().cloned().collect()),
            "walk-browse" => a.pick_import(),
            _ => {}
        }
    }

    fn page_of(view: &str) -> Page {
        match view.split('-').next().unwrap_or("") {
            "clean" => Page::Clean,
            "explore" => Page::Explore,
            "dashboard" => Page::Dashboard,
            "customers" => Page::Customers,
            "segments" => Page::Segments,
            "recs" => Page::Recommendations,
            "campaigns" => Page::Campaigns,
            "activity" => Page::Activity,
            "walk" if view == "walk-customers" => Page::Customers,
            _ => Page::Data,
        }
    }
}

impl eframe::App for Shot {
    fn logic(&mut self, ctx: &egui::Context, frame: &mut eframe::Frame) {
        self.app.logic(ctx, frame);
        ctx.request_repaint_after(Duration::from_millis(50));
        if self.app.ws().project.is_none() || self.done {
            return;
        }
        let Some(shown) = self.shown else {
            self.show_view();
            self.shown = Some(Instant::now());
            return;
        };
        if self.view == "customers-linked" && !self.picked {
            self.pick_linked_customer();
            self.idle_since = None;
            return;
        }
        if self.view == "data-warehouse" && !self.picked {
            // Once the catalog lists the link: its view, and a segment counted in PostgreSQL.
            self.picked = self.app.with_ws(|a, ws| {
                a.data_mut()
                    .count_on_link(ws, WAREHOUSE_LINK, WAREHOUSE_RULE)
            });
            self.idle_since = None;
            return;
        }
        if self.view == "data-connect" && !self.picked {
            // The dialog on the script's variable, its tables listed and the sample's read.
            self.picked = self.app.with_ws(|a, ws| {
                a.data_mut()
                    .connect_and_show(ws, "LOUPE_SHOT_PG_URL", "public.loupe_sample_orders")
            });
            self.idle_since = None;
            return;
        }
        if self.view == "walk-roles" && !self.picked {
            // Once the catalog lists the dataset: its columns and roles, and the amount set.
            self.picked = self.app.with_ws(|a, ws| {
                let d = a.data_mut();
                d.select(ws, WALK_DATASET);
                d.show_roles();
                d.set_roles(
                    ws,
                    WALK_DATASET,
                    vec![(WALK_CUSTOMER.to_string(), Some(Role::CustomerId))],
                )
            });
            self.idle_since = None;
            return;
        }
        // Done when no job has run for a second (pages start their work when first drawn).
        if self.app.busy() {
            self.idle_since = None;
            return;
        }
        // Frames are counted as well as seconds: on a loaded machine one frame can take longer
        // than the second, and a page starts its next job in the frame after the last one ended.
        self.idle_frames = if self.idle_since.is_some() {
            self.idle_frames + 1
        } else {
            0
        };
        let idle = *self.idle_since.get_or_insert_with(Instant::now);
        if shown.elapsed() > Duration::from_secs(2)
            && idle.elapsed() > Duration::from_secs(1)
            && self.idle_frames >= IDLE_FRAMES
        {
            // The export dialog opens over the loaded segment, then the window settles again.
            if self.view == "chinook-export" && !self.dialog_open {
                self.dialog_open = self.app.segments_mut().open_export();
                self.idle_since = None;
                return;
            }
            if let Err(e) = std::fs::write(&self.ready_file, self.view.as_bytes()) {
                eprintln!("cannot write {}: {e}", self.ready_file.display());
                std::process::exit(1);
            }
            self.done = true;
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        self.app.ui(ui, frame);
    }
}

/// The dashboard view's cards: the month's revenue as a KPI tile, the monthly chart wide (the
/// script saves the charts).
fn dashboard_cards(project: &std::path::Path) {
    use loupe::explore::cards::{Card, CardSize, set_card};
    let Ok(p) = loupe::store::Project::open(project) else {
        return;
    };
    let cards = [
        (
            "Revenue this month · 本月销售额",
            Card {
                size: CardSize::Small,
                kpi: true,
            },
        ),
        (
            "Monthly revenue · 月度销售额",
            Card {
                size: CardSize::Wide,
                kpi: false,
            },
        ),
    ];
    for (title, card) in cards {
        if let Err(e) = set_card(&p, title, card) {
            eprintln!("screenshot_pages: the card of {title}: {e}");
        }
    }
}

fn main() -> Result<(), eframe::Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (project, view, ready, import_file) = match args.as_slice() {
        [p, v, r] => (p, v, r, None),
        [p, v, r, f] => (p, v, r, Some(PathBuf::from(f))),
        _ => {
            eprintln!(
                "usage: screenshot_pages PROJECT.loupe VIEW READY_FILE [FILE]\nviews: {VIEWS:?}"
            );
            std::process::exit(2);
        }
    };
    if !VIEWS.contains(&view.as_str()) {
        eprintln!("unknown view {view}; views: {VIEWS:?}");
        std::process::exit(2);
    }
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Loupe")
            .with_position([0.0, 0.0])
            .with_inner_size(size())
            .with_decorations(false),
        persist_window: false,
        ..Default::default()
    };
    let (project, view, ready_file) = (PathBuf::from(project), view.clone(), PathBuf::from(ready));
    if view == "dashboard" {
        dashboard_cards(&project);
    }
    eframe::run_native(
        "Loupe screenshots",
        options,
        Box::new(move |cc| {
            let mut app = LoupeApp::from_creation(cc, Some(project), Vec::new());
            app.settings_mut().theme = match std::env::var("LOUPE_SHOT_THEME").as_deref() {
                Ok("dark") => ThemeChoice::Dark,
                _ => ThemeChoice::Light,
            };
            // Nothing remembered from an earlier session (recent projects, sizes).
            app.settings_mut().recent.clear();
            Ok(Box::new(Shot {
                app,
                view,
                ready_file,
                import_file,
                shown: None,
                idle_since: None,
                idle_frames: 0,
                dialog_open: false,
                picked: false,
                done: false,
            }))
        }),
    )
}
