// Temporary (UI helper session): runs tests/it/ui.rs while tests/it does not compile. Delete me.
#[path = "it/ui.rs"]
mod ui;
