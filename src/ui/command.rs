//! What pages, widgets and dialogs ask the app to do: they push a [`Command`] onto the
//! [`Workspace`](crate::ui::state::Workspace); `App::logic` (`LoupeApp::poll`) executes it before
//! the next frame is drawn. `ui()` only draws.

use crate::explore::saved::SavedChart;
use std::path::PathBuf;

/// A request to the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open this project (its passphrase, if any, is now remembered).
    OpenProject(PathBuf),
    /// Create this project (encrypted when a passphrase was remembered for it).
    CreateProject(PathBuf),
    /// Show the rows of `dataset` that match `sql` on the Data page, titled `label`.
    ShowRows {
        dataset: String,
        sql: String,
        label: String,
    },
    /// Open a saved chart in the Explore builder.
    OpenChart(Box<SavedChart>),
}
