//! Pieces of the window that pages share. Pages take these from here, never from each other.
//!
//! - [`file_dialog`]: every Open…, Save… and Browse… (the one place `rfd` and `std::fs` are used
//!   in the window);
//! - [`charts`], [`distribution`]: the plot kit (colours, axes, legends, the aggregated table, a
//!   computed chart, histograms and box plots);
//! - [`combo`]: a labelled combo box; [`cells`]: number cells; [`job_status`]: a job's error or
//!   spinner.

pub mod cells;
pub mod charts;
pub mod combo;
pub mod distribution;
pub mod file_dialog;
pub mod job_status;

pub use cells::num_cell;
pub use combo::combo;
pub use file_dialog::FileDialog;
pub use job_status::job_status;
