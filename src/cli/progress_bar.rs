//! A terminal progress bar over the library's progress reports (hidden when stderr is not a terminal).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use loupe::progress::{CancelToken, Progress, Reporter, Unit};

pub struct Bar {
    bar: ProgressBar,
}

impl Bar {
    pub fn new() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>10} [{bar:40.cyan/blue}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        Bar { bar }
    }

    pub fn update(&self, p: &Progress) {
        if let Some(t) = p.total {
            self.bar.set_length(t);
        }
        if p.unit == Unit::Rows {
            self.bar.set_style(
                ProgressStyle::with_template(
                    "{msg:>10} [{bar:40.cyan/blue}] {pos}/{len} rows ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
        self.bar.set_position(p.done);
        self.bar.set_message(p.stage.english());
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Runs `f` with a reporter that draws a progress bar; with `LOUPE_PROGRESS=plain`, progress is
/// printed as lines (`progress: Loading 1048576/73400320`) to stderr instead, for scripts.
pub fn with_bar<T>(f: impl FnOnce(&Reporter) -> T) -> T {
    if std::env::var("LOUPE_PROGRESS").is_ok_and(|v| v == "plain") {
        let sink = |p: &Progress| {
            let total = p.total.map(|t| format!("/{t}")).unwrap_or_default();
            eprintln!("progress: {} {}{total}", p.stage, p.done);
        };
        let rep = Reporter::new(CancelToken::new(), &sink);
        return f(&rep);
    }
    let bar = Bar::new();
    let sink = |p: &Progress| bar.update(p);
    let rep = Reporter::new(CancelToken::new(), &sink);
    let out = f(&rep);
    bar.finish();
    out
}
