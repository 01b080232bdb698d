//! The command line: argument definitions and the non-interactive commands.
//!
//! Every command runs on the same library code as the TUI: `search` on [`crate::search`],
//! `show` on [`crate::present::detail`], `compare` on [`crate::compare`] and [`crate::export`].
//! Commands return a [`CliError`] with an exit code instead of printing fatal errors
//! themselves; `main` prints it. Output goes through [`Out`], which treats a closed pipe
//! (`evidex search x | head`) as a normal end, not a panic.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::json;

use crate::compare;
use crate::corpus::{Corpus, Kind, Lang, LoadError, RecordRef, Severity};
use crate::export;
use crate::present;
use crate::search::{self, Engine};
use crate::text::{clean, fit, width};

/// evidex: browse the evidence behind cancer therapies and clinical trials.
///
/// With no command, opens the interactive browser on the bundled corpus (or on PATH).
#[derive(Debug, Parser)]
#[command(name = "evidex", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// A corpus file to open in the browser (same as --corpus).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

const AFTER_HELP: &str = "Examples:
  evidex                                   open the browser on the bundled corpus
  evidex search 'tace kind:trial phase:3'  search from the shell
  evidex show emerald-1                    a record in full, with its sources
  evidex compare emerald-1 leap-012 --format md
  evidex validate my-corpus.json
  evidex import ctgov NCT02513394.json --merge bundled -o merged.json

Exit codes: 0 success, 1 nothing matched, 2 bad input (corpus, query or arguments).";

#[derive(Debug, Args)]
pub struct Global {
    /// Corpus file to use instead of the bundled one.
    #[arg(long, global = true, value_name = "PATH")]
    pub corpus: Option<PathBuf>,
    /// Language of names: en or zh.
    #[arg(long, global = true, value_enum, default_value_t = LangArg::En)]
    pub lang: LangArg,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LangArg {
    En,
    Zh,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the corpus (same query language as the browser).
    Search {
        /// The query: free text, "phrases", field:value filters, -negation. Quote a query
        /// that starts with a negation ('-kind:therapy tace'), or put it after `--`.
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Show one record in full: arms, outcomes, sources with their quotes.
    Show {
        /// A record id, or a query whose best match is shown.
        #[arg(required = true, num_args = 1..)]
        id_or_query: Vec<String>,
        #[arg(long)]
        json: bool,
    },
    /// Compare 2–4 records side by side.
    Compare {
        /// Ids or queries (each resolved as `show` resolves it).
        #[arg(required = true, num_args = 2..=4)]
        items: Vec<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check a corpus file and print every problem.
    Validate {
        /// The file to check (default: --corpus, or the bundled corpus).
        path: Option<PathBuf>,
    },
    /// Write a synthetic corpus of realistic shape, for benchmarks (not evidence).
    GenCorpus {
        /// How many trials.
        #[arg(long, default_value_t = 10_000)]
        trials: usize,
        /// Seed of the generator: the same seed gives the same corpus.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Write here instead of stdout (replaced atomically).
        #[arg(short, long, value_name = "OUT.json")]
        output: Option<PathBuf>,
    },
    /// Import registry records (ClinicalTrials.gov API v2 JSON) as a corpus.
    ///
    /// Each FILE is a study (https://clinicaltrials.gov/api/v2/studies/NCT02513394), a page of
    /// studies ({"studies": [...]}) or a JSON array of studies. The corpus is written to
    /// OUTPUT, or to stdout; the report goes to stderr. Exit code 2 when any record was skipped.
    Import {
        /// The registry format: ctgov (ClinicalTrials.gov API v2).
        #[arg(value_enum)]
        registry: Registry,
        /// Study files to import.
        #[arg(required = true, num_args = 1.., value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Write the corpus here instead of stdout (replaced atomically).
        #[arg(short, long, value_name = "OUT.json")]
        output: Option<PathBuf>,
        /// Add the studies to this corpus (de-duplicated by NCT id, therapies and diseases
        /// linked by name or alias) instead of starting an empty one. `bundled` is the corpus
        /// built into evidex; a file named bundled is `./bundled`.
        #[arg(long, value_name = "CORPUS.json|bundled")]
        merge: Option<PathBuf>,
    },
}

/// Registry formats `evidex import` reads.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Registry {
    /// ClinicalTrials.gov API v2 study JSON.
    Ctgov,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Table,
    Md,
    Csv,
    Json,
}

/// A command's failure: the message for stderr and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn new(code: u8, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
        }
    }
}

impl From<LoadError> for CliError {
    fn from(e: LoadError) -> CliError {
        CliError::new(2, e.to_string())
    }
}

/// Stdout that ends quietly on a closed pipe.
pub struct Out {
    inner: io::StdoutLock<'static>,
}

impl Out {
    pub fn new() -> Out {
        Out {
            inner: io::stdout().lock(),
        }
    }

    pub fn print(&mut self, s: &str) -> Result<(), CliError> {
        match self.inner.write_all(s.as_bytes()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(CliError::new(0, "")),
            Err(e) => Err(CliError::new(2, format!("cannot write output: {e}"))),
        }
    }
}

impl Default for Out {
    fn default() -> Self {
        Out::new()
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        let _ = self.inner.flush();
    }
}

/// Loads the corpus the options name: `--corpus`, else the bundled one.
pub fn load_corpus(path: Option<&Path>) -> Result<Corpus, LoadError> {
    match path {
        Some(p) => Corpus::open(p),
        None => Corpus::bundled(),
    }
}

/// Width for human output: the terminal's, else `COLUMNS`, else 100.
fn out_width() -> usize {
    if io::stdout().is_terminal()
        && let Ok((w, _)) = ratatui::crossterm::terminal::size()
    {
        return (w as usize).clamp(40, 200);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100usize)
        .clamp(40, 400)
}

/// Runs a non-interactive command.
pub fn run(cmd: Command, global: &Global) -> Result<(), CliError> {
    let lang: Lang = global.lang.into();
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
        } => crate::import::ctgov_command(&files, output.as_deref(), merge.as_deref(), &mut out),
        Command::GenCorpus {
            trials,
            seed,
            output,
        } => {
            let file = crate::synthetic::corpus(trials, seed);
            let text = serde_json::to_string(&file)
                .map_err(|e| CliError::new(2, format!("cannot write the corpus: {e}")))?;
            match output {
                Some(path) => export::write_atomic(&path, text.as_bytes())
                    .map_err(|e| CliError::new(2, format!("cannot write {}: {e}", path.display()))),
                None => out.print(&(text + "\n")),
            }
        }
        Command::Search { query, json, limit } => {
            let engine = engine(global)?;
            search_cmd(&engine, &query.join(" "), json, limit, lang, &mut out)
        }
        Command::Show { id_or_query, json } => {
            let engine = engine(global)?;
            let r = resolve(&engine, &id_or_query.join(" "))?;
            show(engine.corpus(), r, json, lang, &mut out)
        }
        Command::Compare { items, format } => {
            let engine = engine(global)?;
            let mut records: Vec<RecordRef> = Vec::new();
            for item in &items {
                let r = resolve(&engine, item)?;
                if records.contains(&r) {
                    return Err(CliError::new(
                        2,
                        format!(
                            "{item:?} is {} again; compare distinct records",
                            engine.corpus().id_of(r)
                        ),
                    ));
                }
                records.push(r);
            }
            let cmp = compare::compare(engine.corpus(), &records, lang);
            let text = match format {
                Format::Table => export::table(&cmp, out_width()),
                Format::Md => export::markdown(&cmp),
                Format::Csv => export::csv(&cmp),
                Format::Json => export::json(&cmp) + "\n",
            };
            out.print(&text)
        }
    }
}

fn engine(global: &Global) -> Result<Engine, CliError> {
    let corpus = load_corpus(global.corpus.as_deref())?;
    // The bundled corpus's warnings are known and flagged in its records; a user's file gets a
    // one-line reminder that `validate` lists them.
    if let Some(path) = &global.corpus {
        let n = corpus.warnings.len();
        if n > 0 {
            eprintln!(
                "evidex: {}: {n} warning{}; `evidex validate {}` lists them",
                path.display(),
                if n == 1 { "" } else { "s" },
                path.display()
            );
        }
    }
    Ok(search::engine(Arc::new(corpus)))
}

/// An id, else the best match of a query.
pub fn resolve(engine: &Engine, text: &str) -> Result<RecordRef, CliError> {
    let c = engine.corpus();
    if let Some(r) = c.resolve(text.trim()) {
        return Ok(r);
    }
    let results = search::run(engine, text, 1)
        .map_err(|e| CliError::new(2, format!("bad query {text:?}: {e}")))?;
    results.hits.first().map(|h| h.record).ok_or_else(|| {
        CliError::new(
            1,
            format!(
                "nothing matches {:?}; try `evidex search {}` to see what is there",
                clean(text),
                clean(text)
            ),
        )
    })
}

fn validate(path: Option<&Path>, out: &mut Out) -> Result<(), CliError> {
    let name = path.unwrap_or(Path::new(crate::corpus::BUNDLED_NAME));
    let corpus = load_corpus(path)?;
    let mut s = String::new();
    for w in &corpus.warnings {
        s.push_str(&format!("{}\n", w.display_in(name)));
    }
    let warnings = corpus
        .warnings
        .iter()
        .filter(|w| w.severity == Severity::Warning)
        .count();
    s.push_str(&format!(
        "{}: valid: {} trials, {} therapies, {} diseases, {} sources, {} outcomes{}\n",
        name.display(),
        corpus.trials.len(),
        corpus.therapies.len(),
        corpus.diseases.len(),
        corpus.sources.len(),
        corpus
            .trials
            .iter()
            .map(|t| t.outcomes.len())
            .sum::<usize>(),
        if warnings > 0 {
            format!(
                ", {warnings} warning{}",
                if warnings == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    ));
    out.print(&s)
}

fn search_cmd(
    engine: &Engine,
    q: &str,
    as_json: bool,
    limit: usize,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    let results =
        search::run(engine, q, limit).map_err(|e| CliError::new(2, format!("bad query: {e}")))?;
    let c = engine.corpus();
    if as_json {
        let hits: Vec<_> = results
            .hits
            .iter()
            .map(|h| {
                let row = present::result_row(c, h.record, lang);
                json!({
                    "id": c.id_of(h.record),
                    "kind": h.record.kind.label(),
                    "name": c.name_of(h.record, lang),
                    "disease": row.disease,
                    "design": row.design,
                    "year": row.year,
                    "headline": row.headline,
                    "matched_field": h.field.map(|f| f.label()),
                    "matched": h.matched,
                    "tier": h.tier,
                    "score": h.score,
                })
            })
            .collect();
        let v = json!({"query": q, "total": results.total, "results": hits});
        return out.print(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"));
    }
    let mut s = String::new();
    let w = out_width();
    let name_w = 26.min(w / 3);
    for h in &results.hits {
        let row = present::result_row(c, h.record, lang);
        let id = c.id_of(h.record);
        let mut line = format!(
            "{} {} {} {} {}",
            row.badge,
            fit(&clean(&row.name), name_w),
            fit(&clean(&row.disease), 8),
            fit(&clean(&row.design), 14),
            fit(&row.year, 4),
        );
        line.push_str(&format!("  {}", clean(&row.headline)));
        let rest = w.saturating_sub(width(&line) + 2);
        if rest > 8 {
            let m = match (h.field, &h.matched) {
                (Some(f), Some(m)) if f != crate::search::KeyField::Id => {
                    format!("[{}: {}]", f.label(), m)
                }
                _ => format!("[{id}]"),
            };
            line.push_str(&format!("  {}", crate::text::truncate(&clean(&m), rest)));
        }
        s.push_str(line.trim_end());
        s.push('\n');
    }
    s.push_str(&format!(
        "{} of {} result{} ({:.1} ms)\n",
        results.hits.len(),
        results.total,
        if results.total == 1 { "" } else { "s" },
        results.elapsed.as_secs_f64() * 1000.0
    ));
    if results.total == 0 {
        out.print(&s)?;
        return Err(CliError::new(1, format!("nothing matches {:?}", clean(q))));
    }
    out.print(&s)
}

fn show(
    c: &Corpus,
    r: RecordRef,
    as_json: bool,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    if as_json {
        let v = resolved_json(c, r, lang);
        return out.print(&(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"));
    }
    out.print(&present::detail(c, r, lang).to_plain(out_width()))
}

/// A record with its references resolved: arms with therapy names, diseases, sources.
pub fn resolved_json(c: &Corpus, r: RecordRef, lang: Lang) -> serde_json::Value {
    let source = |id: &str| {
        c.source_by_id(id)
            .map(|s| json!({"id": s.id, "title": s.title, "outlet": s.outlet, "date": s.date, "language": s.language}))
    };
    let mut v = match r.kind {
        Kind::Trial => {
            let t = c.trial(r.index);
            let mut v = serde_json::to_value(t).unwrap_or_default();
            let lvl = t.evidence_level();
            v["evidence_level"] = json!({"level": lvl.0, "meaning": lvl.meaning()});
            v["resolved"] = json!({
                "arms": t.arms.iter().map(|a| json!({
                    "id": a.id,
                    "label": a.label,
                    "therapies": a.therapies.iter().filter_map(|id| c.therapy_by_id(id)).map(|th| json!({"id": th.id, "name": th.name})).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "diseases": t.diseases.iter().filter_map(|id| c.disease_by_id(id)).map(|d| json!({"id": d.id, "name": d.name})).collect::<Vec<_>>(),
                "sources": unique(t.citations.iter().map(|x| x.source.as_str()).chain(t.outcomes.iter().map(|o| o.citation.source.as_str()))).into_iter().filter_map(source).collect::<Vec<_>>(),
                "headline": present::headline(t),
            });
            v
        }
        Kind::Therapy => {
            let t = c.therapy(r.index);
            let mut v = serde_json::to_value(t).unwrap_or_default();
            v["resolved"] = json!({
                "trials": c.trials_of_therapy(r.index).iter().map(|&i| {
                    let tr = c.trial(i);
                    json!({"id": tr.id, "name": c.name_of(RecordRef::new(Kind::Trial, i as usize), lang), "evidence_level": tr.evidence_level().0, "headline": present::headline(tr)})
                }).collect::<Vec<_>>(),
                "components": t.components.iter().filter_map(|id| c.therapy_by_id(id)).map(|th| json!({"id": th.id, "name": th.name})).collect::<Vec<_>>(),
                "sources": unique(t.citations.iter().map(|x| x.source.as_str())).into_iter().filter_map(source).collect::<Vec<_>>(),
            });
            v
        }
        Kind::Disease => {
            let d = c.disease(r.index);
            let mut v = serde_json::to_value(d).unwrap_or_default();
            v["resolved"] = json!({
                "trials": c.trials_of_disease(r.index).iter().map(|&i| c.trial(i).id.clone()).collect::<Vec<_>>(),
                "therapies": c.therapies_of_disease(r.index).iter().map(|&i| c.therapy(i).id.clone()).collect::<Vec<_>>(),
            });
            v
        }
        Kind::Source => serde_json::to_value(c.source(r.index)).unwrap_or_default(),
    };
    v["kind"] = json!(r.kind.label());
    v
}

fn unique<'a>(it: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = Vec::new();
    for s in it {
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}
