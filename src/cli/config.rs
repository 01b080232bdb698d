//! `evidex config path|init|check`: the configuration file.

use std::path::Path;

use super::{CliError, ConfigAction, Out};
use crate::config;
use crate::text::clean;

/// Runs `evidex config ACTION` on the file `explicit` (`--config`) or the usual one.
pub fn run(action: ConfigAction, explicit: Option<&Path>, out: &mut Out) -> Result<(), CliError> {
    let path = config::path(explicit).ok_or_else(|| {
        CliError::Input(
            "no home directory to keep a configuration in; name a file with --config".into(),
        )
    })?;
    let shown = clean(&path.display().to_string()).into_owned();
    match action {
        ConfigAction::Path => out.print(&format!("{shown}\n")),
        ConfigAction::Init { force } => {
            if !force && std::fs::symlink_metadata(&path).is_ok() {
                return Err(CliError::Input(format!(
                    "{shown} exists; nothing written (--force replaces it)"
                )));
            }
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    CliError::Output(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            crate::fsio::write_output(&path, config::TEMPLATE.as_bytes())
                .map_err(|e| CliError::Output(format!("{shown}: cannot write: {e}")))?;
            out.print(&format!("wrote {shown}\n"))
        }
        ConfigAction::Check => {
            let (_, problems) = config::load(&path, true);
            if problems.is_empty() {
                return out.print(&format!("{shown}: no problems\n"));
            }
            let list: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
            Err(CliError::Input(list.join("\n")))
        }
    }
}
