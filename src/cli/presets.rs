//! `loupe presets`: the platform presets an import recognises (built in and the user's).

use super::say;
use clap::Args;
use loupe::error::{Error, Result};
use loupe::import::presets;

#[derive(Args)]
pub struct PresetsArgs {
    /// Print the presets as JSON (the whole definitions).
    #[arg(long)]
    json: bool,
}

pub fn presets(a: PresetsArgs) -> Result<()> {
    let all = presets::all()?;
    if a.json {
        let text = serde_json::to_string_pretty(&all).map_err(|e| Error::Export(e.to_string()))?;
        say!("{text}");
        return Ok(());
    }
    for p in &all {
        let roles: Vec<String> = p
            .columns
            .iter()
            .filter_map(|c| c.role.map(|r| format!("{}={r}", c.name)))
            .collect();
        say!("{:<20} {} / {}", p.name, p.label, p.label_zh);
        say!("{:<20} {}", "", roles.join(", "));
    }
    match presets::user_dir() {
        Some(d) => say!(
            "Add your own as .json files in {} (see the README: platform presets).",
            d.display()
        ),
        None => say!("Set LOUPE_PRESETS_DIR to a folder of .json presets to add your own."),
    }
    Ok(())
}
