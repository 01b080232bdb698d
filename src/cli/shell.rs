//! Fitting into the shell: completions (clap_complete), manual pages (clap_mangen) and the
//! version line with the bundled corpus's counts.

use std::path::Path;

use clap::CommandFactory;

use super::{Cli, CliError, Out};
use crate::corpus::Corpus;

/// `evidex completions SHELL`: the completion script for every command and option.
pub fn completions(shell: clap_complete::Shell, out: &mut Out) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "evidex", &mut buf);
    out.data("the completion script", &buf)
}

/// The manual page of evidex, or of one of its commands (`evidex-search`), as roff.
pub fn man_page(command: Option<&str>) -> Result<Vec<u8>, CliError> {
    let mut top = Cli::command();
    // Global options (--corpus, --lang) reach each command's page.
    top.build();
    let cmd = match command {
        None => top,
        Some(name) => {
            let sub = top
                .get_subcommands()
                .find(|c| c.get_name() == name)
                .cloned()
                .ok_or_else(|| {
                    let names: Vec<&str> = top.get_subcommands().map(|c| c.get_name()).collect();
                    CliError::Input(format!(
                        "no command {:?}; the commands are {}",
                        crate::text::clean(name),
                        names.join(", ")
                    ))
                })?;
            // The page is evidex-search(1), its synopsis `evidex search …`.
            let page = format!("evidex-{}", sub.get_name());
            sub.name(page.clone())
                .display_name(page)
                .bin_name(format!("evidex {name}"))
        }
    };
    let top_page = command.is_none();
    let man = clap_mangen::Man::new(cmd);
    let mut buf = Vec::new();
    let io = |e: std::io::Error| CliError::Output(format!("cannot write the manual page: {e}"));
    if !top_page {
        man.render(&mut buf).map_err(io)?;
        return Ok(buf);
    }
    man.render_title(&mut buf).map_err(io)?;
    man.render_name_section(&mut buf).map_err(io)?;
    man.render_synopsis_section(&mut buf).map_err(io)?;
    man.render_description_section(&mut buf).map_err(io)?;
    man.render_options_section(&mut buf).map_err(io)?;
    man.render_subcommands_section(&mut buf).map_err(io)?;
    buf.extend(extra_sections().into_bytes());
    man.render_version_section(&mut buf).map_err(io)?;
    Ok(buf)
}

/// The sections of evidex(1) that clap does not know: examples, exit status, environment,
/// files.
fn extra_sections() -> String {
    use roff::{Roff, bold, roman};
    let mut r = Roff::new();
    r.control("SH", ["EXAMPLES"]);
    for (cmd, what) in super::args::EXAMPLES {
        r.control("TP", [] as [&str; 0])
            .text([bold(*cmd)])
            .text([roman(*what)]);
    }
    r.control("SH", ["EXIT STATUS"]);
    for (code, what) in super::error::EXIT_CODES {
        r.control("TP", [] as [&str; 0])
            .text([bold(*code)])
            .text([roman(*what)]);
    }
    r.control("SH", ["ENVIRONMENT"]);
    for (var, what) in ENVIRONMENT {
        r.control("TP", [] as [&str; 0])
            .text([bold(*var)])
            .text([roman(*what)]);
    }
    r.to_roff()
}

/// The environment variables evidex reads.
const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "EVIDEX_THEME",
        "dark, light or mono: the browser's colours (as --theme).",
    ),
    (
        "NO_COLOR",
        "when set and not empty, the browser uses no colours.",
    ),
    (
        "COLORFGBG",
        "the terminal's colours, read to choose a dark or light theme.",
    ),
    (
        "COLUMNS",
        "the width of human output when standard output is not a terminal.",
    ),
];

/// `evidex man [COMMAND] [--out-dir DIR]` (the folder is made when it does not exist, as a
/// `man1` folder of a fresh `MANPATH` entry often does not).
pub fn man(command: Option<&str>, out_dir: Option<&Path>, out: &mut Out) -> Result<(), CliError> {
    let Some(dir) = out_dir else {
        return out.data("the manual page", &man_page(command)?);
    };
    std::fs::create_dir_all(dir).map_err(|e| {
        CliError::Output(format!(
            "{}: cannot make the folder: {e}",
            crate::text::clean(&dir.display().to_string())
        ))
    })?;
    let mut pages = vec![("evidex.1".to_string(), man_page(None)?)];
    for sub in Cli::command()
        .get_subcommands()
        .filter(|c| c.get_name() != "help")
    {
        let name = sub.get_name();
        pages.push((format!("evidex-{name}.1"), man_page(Some(name))?));
    }
    for (file, text) in &pages {
        let path = dir.join(file);
        crate::fsio::write_output(&path, text)
            .map_err(|e| CliError::Output(format!("{}: cannot write: {e}", path.display())))?;
    }
    crate::note!(
        "evidex: wrote {} manual pages to {}",
        pages.len(),
        crate::text::clean(&dir.display().to_string())
    );
    Ok(())
}

/// `evidex --version`: the version, and what the bundled corpus holds.
pub fn version_line() -> String {
    let counts = match Corpus::bundled() {
        Ok(c) => format!(
            "bundled corpus: {} trials, {} therapies, {} diseases, {} sources",
            c.trials.len(),
            c.therapies.len(),
            c.diseases.len(),
            c.sources.len()
        ),
        Err(e) => format!("bundled corpus unreadable: {e}"),
    };
    format!("evidex {} ({counts})\n", env!("CARGO_PKG_VERSION"))
}
