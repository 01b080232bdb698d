//! The command line: argument definitions and the non-interactive commands.
//!
//! Every command runs on the same library code as the TUI: `search` on [`crate::search`],
//! `show` on [`crate::present::detail`], `compare` on [`crate::compare`] and [`crate::export`],
//! `meta` on [`crate::meta`].
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
use crate::tui::theme::ThemeName;

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
    /// Colours of the browser: dark, light or mono (default: from NO_COLOR, COLORFGBG or the
    /// terminal's background colour).
    #[arg(long, value_enum, env = "EVIDEX_THEME", value_name = "THEME")]
    pub theme: Option<ThemeName>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

const AFTER_HELP: &str = "Examples:
  evidex                                   open the browser on the bundled corpus
  evidex search 'tace kind:trial phase:3'  search from the shell
  evidex show emerald-1                    a record in full, with its sources
  evidex compare emerald-1 leap-012 --format md
  evidex meta emerald-1 talentace --endpoint pfs
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
    /// Pool the hazard (or odds, or risk) ratios that trials report for one endpoint: fixed
    /// and random effects, heterogeneity, prediction interval. Every pooled figure is computed
    /// by evidex, not reported by any source.
    Meta {
        /// Trial ids or queries (each resolved as `compare` resolves it).
        #[arg(required = true, num_args = 2.., value_name = "ID")]
        items: Vec<String>,
        /// The endpoint (PFS, OS, ORR, …); default: the one most of the trials give a ratio for.
        #[arg(long)]
        endpoint: Option<String>,
        /// The estimate to report: random effects (re) or inverse-variance fixed effect (fe).
        #[arg(long, value_enum, default_value_t = MetaModel::Re)]
        model: MetaModel,
        /// The estimator of the between-study variance τ²: reml or dl (DerSimonian–Laird).
        #[arg(long, value_enum, default_value_t = MetaTau2::Reml)]
        tau2: MetaTau2,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Check a corpus file and print every problem.
    Validate {
        /// The file to check (default: --corpus, or the bundled corpus).
        path: Option<PathBuf>,
    },
    /// Write a synthetic corpus of realistic shape, for benchmarks (not evidence).
    GenCorpus {
        /// How many trials, at most 500,000 (a corpus file evidex can open again).
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(0..=MAX_SYNTHETIC_TRIALS))]
        trials: u32,
        /// Seed of the generator: the same seed gives the same corpus.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Write here instead of stdout (`-`), by the rules in README.md's "Files evidex writes".
        #[arg(short, long, value_name = "OUT.json")]
        output: Option<PathBuf>,
    },
    /// Import registry records (ClinicalTrials.gov API v2 JSON) as a corpus.
    ///
    /// Each FILE is a study (<https://clinicaltrials.gov/api/v2/studies/NCT02513394>), a page of
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

/// `evidex meta --model`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MetaModel {
    Re,
    Fe,
}

/// `evidex meta --tau2`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MetaTau2 {
    Reml,
    Dl,
}

/// The most trials `gen-corpus` writes: at about 1.1 KB each, 500,000 stay well under the
/// size of file evidex opens ([`crate::fsio::MAX_FILE_BYTES`]).
pub const MAX_SYNTHETIC_TRIALS: i64 = 500_000;

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

/// Standard output, the one way commands print. Human-readable text passes the sanitiser
/// ([`crate::text::clean_block`]) and JSON is escaped ([`crate::text::json_safe`]), so no
/// string from a corpus, a registry record or a file name can act on the terminal; both end
/// quietly on a closed pipe (`evidex search x | head`). Data (a corpus, an export) goes
/// through [`Out::data`], where a closed or short write is an error.
pub struct Out {
    inner: io::StdoutLock<'static>,
}

impl Out {
    pub fn new() -> Out {
        Out {
            inner: io::stdout().lock(),
        }
    }

    /// Human-readable text.
    pub fn print(&mut self, s: &str) -> Result<(), CliError> {
        let s = crate::text::clean_block(s);
        match self.inner.write_all(s.as_bytes()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(CliError::new(0, "")),
            Err(e) => Err(CliError::new(2, format!("cannot write output: {e}"))),
        }
    }

    /// JSON for scripts.
    pub fn json(&mut self, json: String) -> Result<(), CliError> {
        let s = crate::text::json_safe(json);
        match self.inner.write_all(s.as_bytes()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(CliError::new(0, "")),
            Err(e) => Err(CliError::new(2, format!("cannot write output: {e}"))),
        }
    }

    /// Data that must arrive whole: any failure, a broken pipe included, is exit 2.
    pub fn data(&mut self, what: &str, bytes: &[u8]) -> Result<(), CliError> {
        let _ = self.inner.flush();
        crate::fsio::write_stdout(bytes).map_err(|e| {
            CliError::new(
                2,
                format!("cannot write {what} to standard output: {e}; the output is incomplete"),
            )
        })
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
            let file = crate::synthetic::corpus(trials as usize, seed);
            let text = crate::text::json_safe(
                serde_json::to_string(&file)
                    .map_err(|e| CliError::new(2, format!("cannot write the corpus: {e}")))?,
            ) + "\n";
            match output {
                Some(path) => crate::fsio::write_output(&path, text.as_bytes())
                    .map_err(|e| CliError::new(2, format!("cannot write {}: {e}", path.display()))),
                None => out.data("the corpus", text.as_bytes()),
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
            let c = engine.corpus();
            let records = resolve_items(&engine, &items, lang)?;
            compare::check(c, &records, lang)
                .map_err(|e| CliError::new(2, clean(&e.to_string())))?;
            let cmp = compare::compare(c, &records, lang);
            let text = match format {
                Format::Table => export::table(&cmp, out_width()),
                Format::Md => export::markdown(&cmp),
                Format::Csv => export::csv(&cmp),
                Format::Json => return out.json(export::json(&cmp) + "\n"),
            };
            out.print(&text)
        }
        Command::Meta {
            items,
            endpoint,
            model,
            tau2,
            json,
        } => {
            let engine = engine(global)?;
            let records = resolve_items(&engine, &items, lang)?;
            let model = match model {
                MetaModel::Re => crate::meta::report::Model::Random,
                MetaModel::Fe => crate::meta::report::Model::Fixed,
            };
            let tau2 = match tau2 {
                MetaTau2::Reml => crate::meta::Tau2::Reml,
                MetaTau2::Dl => crate::meta::Tau2::Dl,
            };
            meta_cmd(
                engine.corpus(),
                &records,
                endpoint,
                model,
                tau2,
                json,
                lang,
                &mut out,
            )
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
            let path = path.display().to_string();
            eprintln!(
                "evidex: {}: {n} warning{}; `evidex validate {}` lists them",
                clean(&path),
                if n == 1 { "" } else { "s" },
                clean(&path)
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

/// How [`resolve_sure`] found a record.
pub type How = &'static str;

/// Folds a name for exact comparison: case and runs of spaces do not matter.
fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Resolves one argument to one record with confidence: an id, a registry id (NCT…), an exact
/// name or alias, or a clear best match (a name that starts with the query, with no other
/// record matching as well). Anything else is an error with exit code 1 that lists the
/// candidates, so that a typo never compares the wrong record.
pub fn resolve_sure(engine: &Engine, text: &str, lang: Lang) -> Result<(RecordRef, How), CliError> {
    let c = engine.corpus();
    let t = text.trim();
    if let Some(r) = c.resolve(t).or_else(|| c.resolve(&t.to_lowercase())) {
        return Ok((r, "id"));
    }
    let candidates = |rs: &[RecordRef]| -> String {
        rs.iter()
            .map(|&r| {
                format!(
                    "\n  {}  {} ({})",
                    clean(c.id_of(r)),
                    clean(c.name_of(r, lang)),
                    r.kind.label()
                )
            })
            .collect()
    };
    let ambiguous = |rs: &[RecordRef], what: &str| {
        CliError::new(
            1,
            format!(
                "{:?} {what}; name one by its id:{}",
                clean(text),
                candidates(rs)
            ),
        )
    };
    let trials = || (0..c.trials.len()).map(|i| (RecordRef::new(Kind::Trial, i), &c.trials[i]));
    let by_registry: Vec<RecordRef> = trials()
        .filter(|(_, tr)| tr.registry_ids.iter().any(|x| x.eq_ignore_ascii_case(t)))
        .map(|(r, _)| r)
        .collect();
    match by_registry.len() {
        0 => {}
        1 => return Ok((by_registry[0], "registry id")),
        _ => {
            return Err(ambiguous(
                &by_registry,
                "is the registry id of several records",
            ));
        }
    }
    let q = fold(t);
    let named = |names: &mut dyn Iterator<Item = &str>| {
        for n in names {
            if fold(n) == q {
                return true;
            }
        }
        false
    };
    let mut by_name: Vec<RecordRef> = Vec::new();
    for (r, tr) in trials() {
        if named(
            &mut tr
                .acronym
                .iter()
                .map(String::as_str)
                .chain(tr.title.iter())
                .chain(tr.aliases.iter().map(String::as_str)),
        ) {
            by_name.push(r);
        }
    }
    for (i, th) in c.therapies.iter().enumerate() {
        if named(&mut th.name.iter().chain(th.aliases.iter().map(String::as_str))) {
            by_name.push(RecordRef::new(Kind::Therapy, i));
        }
    }
    for (i, d) in c.diseases.iter().enumerate() {
        if named(&mut d.name.iter().chain(d.aliases.iter().map(String::as_str))) {
            by_name.push(RecordRef::new(Kind::Disease, i));
        }
    }
    match by_name.len() {
        0 => {}
        1 => return Ok((by_name[0], "exact name")),
        _ => return Err(ambiguous(&by_name, "is the name of several records")),
    }
    let results = search::run(engine, text, 5).map_err(|e| {
        CliError::new(
            2,
            format!("bad query {:?}: {}", clean(text), clean(&e.to_string())),
        )
    })?;
    let hits = &results.hits;
    let Some(best) = hits.first() else {
        return Err(CliError::new(
            1,
            format!(
                "nothing matches {:?}; try `evidex search {}` to see what is there",
                clean(text),
                clean(text)
            ),
        ));
    };
    // Tier 0 is an exact id or name, 1 a name that starts with the query.
    let clear = best.tier <= 1 && hits.get(1).is_none_or(|h| h.tier > best.tier);
    if clear {
        return Ok((best.record, "best match"));
    }
    let rs: Vec<RecordRef> = hits.iter().map(|h| h.record).collect();
    let what = if best.tier <= 1 {
        "matches several records as well"
    } else {
        "names no record clearly (only partial matches)"
    };
    Err(ambiguous(&rs, what))
}

/// Resolves each argument with [`resolve_sure`], saying on stderr what it resolved to.
fn resolve_items(
    engine: &Engine,
    items: &[String],
    lang: Lang,
) -> Result<Vec<RecordRef>, CliError> {
    let c = engine.corpus();
    let mut records: Vec<RecordRef> = Vec::new();
    for item in items {
        let (r, how) = resolve_sure(engine, item, lang)?;
        eprintln!(
            "evidex: {:?} → {} ({}, {}; {how})",
            clean(item),
            clean(c.id_of(r)),
            clean(c.name_of(r, lang)),
            r.kind.label()
        );
        records.push(r);
    }
    Ok(records)
}

/// `evidex meta`: the pooled estimate of one endpoint across distinct trials. Exit code 1 when
/// fewer than two of them can be pooled (the report still lists each with its reason).
#[allow(clippy::too_many_arguments)]
fn meta_cmd(
    c: &Corpus,
    records: &[RecordRef],
    endpoint: Option<String>,
    model: crate::meta::report::Model,
    tau2: crate::meta::Tau2,
    json: bool,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    for (i, r) in records.iter().enumerate() {
        if r.kind != Kind::Trial {
            return Err(CliError::new(
                2,
                format!(
                    "{} ({}) is a {}: meta pools the ratios that trials report; name trials \
                     (`evidex show {}` lists a therapy's or a disease's trials)",
                    clean(c.name_of(*r, lang)),
                    clean(c.id_of(*r)),
                    r.kind.label(),
                    clean(c.id_of(*r))
                ),
            ));
        }
        if records[..i].contains(r) {
            return Err(CliError::new(
                2,
                format!(
                    "{} is named twice; pool distinct trials",
                    clean(c.id_of(*r))
                ),
            ));
        }
    }
    let choices: Vec<String> = compare::chart_choices(c, records, compare::Chart::Forest)
        .iter()
        .filter_map(|g| g.endpoint().map(str::to_string))
        .collect();
    let endpoint = match endpoint {
        Some(e) => e.trim().to_uppercase(),
        None => choices.first().cloned().ok_or_else(|| {
            CliError::new(
                1,
                "none of these trials reports a hazard, odds or risk ratio",
            )
        })?,
    };
    let pool = crate::meta::pool(c, records, &endpoint, tau2, lang);
    if json {
        out.json(
            serde_json::to_string_pretty(&crate::meta::report::json(&pool, model))
                .unwrap_or_default()
                + "\n",
        )?;
    } else {
        out.print(&crate::meta::report::text(&pool, model, out_width()))?;
    }
    if pool.is_pooled() {
        return Ok(());
    }
    let hint = if choices.is_empty() {
        "none of these trials reports a hazard, odds or risk ratio".to_string()
    } else {
        format!("ratios are reported for: {}", clean(&choices.join(", ")))
    };
    let why = pool.refused.clone().unwrap_or_else(|| {
        format!("fewer than two trials give a ratio with a standard error; {hint}")
    });
    Err(CliError::new(
        1,
        format!("nothing pooled for {}: {}", clean(&endpoint), clean(&why)),
    ))
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
    let sort = search::parse(q).map(|q| q.sort).unwrap_or_default();
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
        let v = json!({"query": q, "sort": sort.term().unwrap_or_else(|| "sort:relevance".into()), "total": results.total, "results": hits});
        return out.json(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n");
    }
    let mut s = String::new();
    let w = out_width();
    // Names as wide as the longest shown needs, up to a third of the line.
    let name_w = results
        .hits
        .iter()
        .map(|h| width(&clean(c.name_of(h.record, lang))))
        .max()
        .unwrap_or(0)
        .clamp(8, (w / 3).max(8));
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
        "{} of {} result{}{} ({:.1} ms)\n",
        results.hits.len(),
        results.total,
        if results.total == 1 { "" } else { "s" },
        if sort.is_relevance() {
            String::new()
        } else {
            format!(", sorted by {}", sort.describe())
        },
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
        return out.json(serde_json::to_string_pretty(&v).unwrap_or_default() + "\n");
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
