//! The `evidex` binary: parses the command line, runs the browser or a command, and is the one
//! place that prints a fatal error and chooses the exit code.

use std::process::ExitCode;

// Loading a registry-sized corpus makes millions of small allocations; mimalloc does them
// in about half the time of the system allocator (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use evidex::cli::{self, Cli, Command};
use evidex::config::{self, Config};
use evidex::corpus::Lang;
use evidex::tui;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let args: Vec<String> = std::env::args_os()
                .skip(1)
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            match cli::args::negated_query_hint(&e, &args) {
                Some(hint) => return fail(2, &hint),
                None => e.exit(),
            }
        }
    };
    if cli.version {
        print!("{}", cli::shell::version_line());
        return ExitCode::SUCCESS;
    }
    let mut global = cli.global;
    match (&global.corpus, cli.path) {
        (Some(a), Some(b)) if *a != b => {
            return fail(
                2,
                &format!(
                    "two corpus files given ({} and {}); pass one, with --corpus or as PATH",
                    a.display(),
                    b.display()
                ),
            );
        }
        (None, Some(p)) => global.corpus = Some(p),
        _ => {}
    }
    let (settings, notice) = settings(&global, cli.command.as_ref());
    // --library and EVIDEX_LIBRARY (clap reads both) win over the configuration's library.
    if global.library.is_none() {
        global.library = settings.library.clone();
    }
    if global.corpus.is_none()
        && let Some(path) = global.library_path()
        && let Err(e) = upgrade_library(&path)
    {
        return fail(2, &e.to_string());
    }
    match cli.command {
        None => {
            // The library joins the bundled corpus only; one that cannot be opened is
            // reported here, before the screen is taken, and nothing is changed.
            let library = match global.corpus {
                Some(_) => None,
                None => global.library_path(),
            };
            if let Some(Err(e)) = library
                .as_deref()
                .map(evidex::library::Library::open_existing)
            {
                return fail(2, &e.to_string());
            }
            let lang = global
                .lang
                .map(Lang::from)
                .or(settings.language)
                .unwrap_or_default();
            let opts = tui::app::Options {
                corpus: global.corpus.clone(),
                library,
                lang,
                theme: cli.theme,
                config: settings,
                notice,
            };
            match tui::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e @ tui::app::AppError::Signal(_)) => ExitCode::from(e.exit_code()),
                Err(e) => fail(e.exit_code(), &e.to_string()),
            }
        }
        Some(cmd) => match cli::run(cmd, &global, &settings) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.is_silent() => ExitCode::from(e.exit_code()),
            Err(e) => fail(e.exit_code(), &e.to_string()),
        },
    }
}

/// The user's configuration, its problems printed as warnings (they never stop evidex), and
/// the first of them for the browser's status bar. Commands that do not use it (`config`,
/// `completions`, `man`) read none.
fn settings(global: &cli::Global, command: Option<&Command>) -> (Config, Option<String>) {
    if matches!(
        command,
        Some(Command::Config { .. } | Command::Completions { .. } | Command::Man { .. })
    ) {
        return (Config::default(), None);
    }
    let required = global.config.is_some() || std::env::var_os(config::ENV).is_some();
    let Some(path) = config::path(global.config.as_deref()) else {
        return (Config::default(), None);
    };
    let (settings, problems) = config::load(&path, required);
    for p in &problems {
        evidex::note!(
            "evidex: warning: {}",
            evidex::text::clean_block(&p.to_string())
        );
    }
    let notice = problems.first().map(|p| match problems.len() {
        1 => p.to_string(),
        n => format!("{p} ({} more: evidex config check)", n - 1),
    });
    (settings, notice)
}

/// Brings a library of an older schema up to this one before anything else, saying so: the
/// upgrade copies every study once, which takes a while on a large library.
fn upgrade_library(path: &std::path::Path) -> Result<(), evidex::library::LibraryError> {
    let Some(from) = evidex::library::Library::pending_migration(path) else {
        return Ok(());
    };
    let text = path.display().to_string();
    let shown = evidex::text::clean(&text);
    evidex::note!(
        "evidex: upgrading the library {shown} from schema {from} to {} (once; every study is copied) …",
        evidex::library::schema::VERSION
    );
    let start = std::time::Instant::now();
    evidex::library::Library::open_existing(path)?;
    evidex::note!(
        "evidex: the library is upgraded ({:.1} s)",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Prints a fatal error. Messages quote file names, JSON keys and values from outside the
/// program, so they pass the sanitiser here, on the one path every fatal error takes.
fn fail(code: u8, message: &str) -> ExitCode {
    evidex::note!("evidex: {}", evidex::text::clean_block(message));
    ExitCode::from(code)
}
