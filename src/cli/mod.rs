//! The command line: argument definitions and the non-interactive commands.
//!
//! Every command runs on the same library code as the TUI: `search` on [`crate::search`],
//! `show` on [`crate::present::detail`], `compare` on [`crate::compare`] and [`crate::export`],
//! `import` on [`crate::import`], `fetch` on [`crate::fetch`], `meta` on [`crate::meta`]. The library never prints; this
//! module does. Commands return a [`CliError`], whose kind decides the exit code, instead of
//! printing fatal errors themselves; `main` prints it. Output goes through [`Out`], which treats a closed pipe
//! (`evidex search x | head`) as a normal end, not a panic.
//!
//! - [`args`]: every command and option, as clap parses them.
//! - [`error`]: [`CliError`] and its exit codes.
//! - [`out`]: standard output and the width of human output.
//! - [`resolve`]: from an argument to one record.
//! - [`search`], [`show`], [`compare`], [`import`], [`fetch`], [`library`]: one command each; `validate` and
//!   `gen-corpus` are short enough to live here.
//! - [`shell`]: completions, manual pages, the version line.

pub mod args;
pub mod compare;
pub mod config;
pub mod error;
pub mod fetch;
pub mod import;
pub mod library;
pub mod meta;
pub mod out;
pub mod resolve;
pub mod search;
pub mod set;
pub mod shell;
pub mod show;

use std::path::Path;

use serde::Serialize;

pub use args::{
    Cli, Command, ConfigAction, FetchArgs, Format, Global, LangArg, LibraryCommand,
    MAX_SYNTHETIC_TRIALS, MetaModel, MetaTau2, Registry, SetAction,
};
pub use error::CliError;
pub use out::{Out, out_width};
pub use resolve::{How, resolve, resolve_sure};
pub use show::resolved_json;

use crate::corpus::{Corpus, Lang, Severity};
use crate::search::Engine;
use crate::text::clean;

/// Runs a non-interactive command with the user's configuration.
pub fn run(
    cmd: Command,
    global: &Global,
    settings: &crate::config::Config,
) -> Result<(), CliError> {
    let lang: Lang = global
        .lang
        .map(Lang::from)
        .or(settings.language)
        .unwrap_or_default();
    let mut out = Out::new();
    match cmd {
        Command::Validate { path } => {
            validate(path.as_deref().or(global.corpus.as_deref()), &mut out)
        }
        Command::Import {
            registry: Registry::Ctgov,
            files,
            output,
            merge,
        } => match output {
            Some(output) => import::run(&files, Some(&output), merge.as_deref(), &mut out),
            None => library::run_into_library(&files, merge.as_deref(), global),
        },
        Command::Library { action } => library::run(action, global, &mut out),
        Command::GenCorpus {
            trials,
            seed,
            registry: true,
            ..
        } => library::gen_registry(trials as usize, seed, global),
        Command::Fetch {
            registry: Registry::Ctgov,
            args,
        } => fetch::run(&args, global, &mut out),
        Command::GenCorpus {
            trials,
            seed,
            output,
            registry: false,
        } => gen_corpus(trials as usize, seed, output.as_deref(), &mut out),
        Command::Search { query, json, limit } => {
            let engine = engine(global)?;
            search::run(&engine, &query.join(" "), json, limit, lang, &mut out)
        }
        Command::Show { id_or_query, json } => {
            run_show(&id_or_query, json, global, settings, lang, &mut out)
        }
        Command::Compare {
            items,
            format,
            all_events,
        } => run_compare(&items, format, all_events, global, lang, &mut out),
        Command::Meta {
            items,
            endpoint,
            model,
            tau2,
            json,
        } => run_meta(
            &items,
            endpoint,
            (model, tau2),
            json,
            global,
            lang,
            &mut out,
        ),
        Command::Completions { shell } => shell::completions(shell, &mut out),
        Command::Set { action } => set::run(action, || engine(global), lang, &mut out),
        Command::Config { action } => config::run(action, global.config.as_deref(), &mut out),
        Command::Man { command, out_dir } => {
            shell::man(command.as_deref(), out_dir.as_deref(), &mut out)
        }
    }
}

/// `evidex show`: one record, resolved from an id or a query, with links where the terminal
/// and the configuration allow them.
fn run_show(
    id_or_query: &[String],
    json: bool,
    global: &Global,
    settings: &crate::config::Config,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    let engine = engine(global)?;
    let r = resolve(&engine, &id_or_query.join(" "), lang)?;
    let env = |k: &str| std::env::var(k).ok();
    let links = out.is_terminal() && crate::tui::hyperlink::enabled(settings.hyperlinks, &env);
    show::run(engine.corpus(), r, json, lang, links, out)
}

/// `evidex compare`: the items side by side in the format asked for.
fn run_compare(
    items: &[String],
    format: Format,
    all_events: bool,
    global: &Global,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    let engine = engine(global)?;
    let events = if all_events {
        crate::compare::Events::All
    } else {
        crate::compare::Events::Top
    };
    compare::run(&engine, items, format, lang, events, out)
}

/// `evidex meta`: the items resolved to records, their ratios pooled.
fn run_meta(
    items: &[String],
    endpoint: Option<String>,
    models: (MetaModel, MetaTau2),
    json: bool,
    global: &Global,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    let engine = engine(global)?;
    let records = resolve::resolve_items(&engine, items, lang)?;
    meta::run(engine.corpus(), &records, endpoint, models, json, lang, out)
}

/// JSON for scripts, pretty-printed with a final newline.
fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<String, CliError> {
    serde_json::to_string_pretty(v)
        .map(|s| s + "\n")
        .map_err(|e| CliError::Output(format!("cannot write JSON: {e}")))
}

/// The search engine over the corpus the options name (a file alone, or the bundled corpus
/// with the library), with a one-line reminder on stderr
/// when a user's file loaded with warnings (the bundled corpus's are known and flagged in its
/// records).
fn engine(global: &Global) -> Result<Engine, CliError> {
    let library = global.library_path();
    let loaded = crate::library::open_corpus(global.corpus.as_deref(), library.as_deref())?;
    if let Some(path) = &global.corpus {
        let n = loaded.engine.index.corpus.warnings.len();
        if n > 0 {
            let path = path.display().to_string();
            crate::note!(
                "evidex: {}: {n} warning{}; `evidex validate {}` lists them",
                clean(&path),
                if n == 1 { "" } else { "s" },
                clean(&path)
            );
        }
    }
    Ok(loaded.engine)
}

/// `evidex gen-corpus`: a synthetic corpus for benchmarks, to a file or standard output.
fn gen_corpus(
    trials: usize,
    seed: u64,
    output: Option<&Path>,
    out: &mut Out,
) -> Result<(), CliError> {
    let file = crate::synthetic::corpus(trials, seed);
    let text = crate::text::json_safe(
        serde_json::to_string(&file)
            .map_err(|e| CliError::Output(format!("cannot write the corpus: {e}")))?,
    ) + "\n";
    match output {
        Some(path) => crate::fsio::write_output(path, text.as_bytes())
            .map_err(|e| CliError::Output(format!("cannot write {}: {e}", path.display()))),
        None => out.data("the corpus", text.as_bytes()),
    }
}

/// `evidex validate`: every problem of a corpus, then a one-line summary.
fn validate(path: Option<&Path>, out: &mut Out) -> Result<(), CliError> {
    let name = path.unwrap_or(Path::new(crate::corpus::BUNDLED_NAME));
    let corpus = Corpus::open_or_bundled(path)?;
    let mut s = String::new();
    for w in &corpus.warnings {
        s.push_str(&format!("{}\n", w.display_in(name)));
    }
    let warnings = corpus
        .warnings
        .iter()
        .filter(|w| w.severity == Severity::Warning)
        .count();
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    s.push_str(&format!(
        "{}: valid: {}, {}, {}, {}, {} outcomes{}\n",
        name.display(),
        count(corpus.trials.len(), "trial", "trials"),
        count(corpus.therapies.len(), "therapy", "therapies"),
        count(corpus.diseases.len(), "disease", "diseases"),
        count(corpus.sources.len(), "source", "sources"),
        corpus
            .trials
            .iter()
            .map(|t| t.outcomes.len())
            .sum::<usize>(),
        if warnings > 0 {
            format!(", {warnings} warning{}", plural(warnings))
        } else {
            String::new()
        }
    ));
    out.print(&s)
}
