//! The `evidex` binary: parses the command line, runs the browser or a command, and is the one
//! place that prints a fatal error and chooses the exit code.

use std::process::ExitCode;

// Loading a registry-sized corpus makes millions of small allocations; mimalloc does them
// in about half the time of the system allocator (docs/PERFORMANCE.md).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use evidex::cli::{self, Cli};
use evidex::tui;

fn main() -> ExitCode {
    let cli = Cli::parse();
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
            let opts = tui::app::Options {
                corpus: global.corpus.clone(),
                library,
                lang: global.lang.into(),
                theme: cli.theme,
            };
            match tui::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e @ tui::app::AppError::Signal(_)) => ExitCode::from(e.exit_code()),
                Err(e) => fail(e.exit_code(), &e.to_string()),
            }
        }
        Some(cmd) => match cli::run(cmd, &global) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.is_silent() => ExitCode::from(e.exit_code()),
            Err(e) => fail(e.exit_code(), &e.to_string()),
        },
    }
}

/// Prints a fatal error. Messages quote file names, JSON keys and values from outside the
/// program, so they pass the sanitiser here, on the one path every fatal error takes.
fn fail(code: u8, message: &str) -> ExitCode {
    eprintln!("evidex: {}", evidex::text::clean_block(message));
    ExitCode::from(code)
}
