//! The command line's arguments: every command and option, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::corpus::Lang;
use crate::fetch::{DEFAULT_BASE_URL, Date, NctId};
pub use crate::fetch::{Phase as FetchPhase, Status as FetchStatus};
use crate::tui::theme::ThemeName;

/// evidex: browse the evidence behind cancer therapies and clinical trials.
///
/// With no command, opens the interactive browser on the bundled corpus and the library (or on
/// PATH alone).
#[derive(Debug, Parser)]
#[command(
    name = "evidex",
    version,
    about,
    long_about = None,
    after_help = after_help(),
    disable_version_flag = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    /// Print the version and the bundled corpus's record counts.
    #[arg(short = 'V', long)]
    pub version: bool,
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

/// Examples for `--help` and the manual page: a command and what it does.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("evidex", "open the browser (bundled corpus and library)"),
    (
        "evidex search 'tace kind:trial phase:3'",
        "search from the shell",
    ),
    (
        "evidex show emerald-1",
        "a record in full, with its sources",
    ),
    (
        "evidex compare emerald-1 leap-012 --format md",
        "two trials side by side, as Markdown",
    ),
    (
        "evidex meta emerald-1 talentace --endpoint pfs",
        "pool two trials' hazard ratios (computed by evidex)",
    ),
    ("evidex validate my-corpus.json", "check a corpus file"),
    (
        "evidex import ctgov NCT02513394.json",
        "store a study in the library",
    ),
    (
        "evidex library changes --since 2024-01-01",
        "what the registry changed: status, enrolment, outcomes",
    ),
    (
        "evidex import ctgov NCT02513394.json --merge bundled -o merged.json",
        "registry records into a corpus",
    ),
    (
        "evidex fetch ctgov --cond 'hepatocellular carcinoma' --phase 3 -o hcc.json",
        "studies from ClinicalTrials.gov",
    ),
];

/// `--help`'s closing lines: the examples and the exit codes.
fn after_help() -> String {
    let w = EXAMPLES
        .iter()
        .map(|(c, _)| c.len())
        .max()
        .unwrap_or(0)
        .min(44);
    let mut s = String::from("Examples:\n");
    for (cmd, what) in EXAMPLES {
        if cmd.len() > w {
            s.push_str(&format!("  {cmd}\n  {:w$}  {what}\n", ""));
        } else {
            s.push_str(&format!("  {cmd:w$}  {what}\n"));
        }
    }
    s.push_str("\nExit codes:\n");
    for (code, what) in super::error::EXIT_CODES {
        s.push_str(&format!("  {code:7}  {what}\n"));
    }
    s
}

#[derive(Debug, Args)]
pub struct Global {
    /// Corpus file to use instead of the bundled one.
    #[arg(long, global = true, value_name = "PATH")]
    pub corpus: Option<PathBuf>,
    /// Language of names and labels: en, zh (or zh-Hans: simplified Chinese) or zh-hant
    /// (traditional Chinese labels) (default: the configuration's, else en). JSON and CSV keep English
    /// keys and column names.
    #[arg(long, global = true, value_enum)]
    pub lang: Option<LangArg>,
    /// The configuration file to read instead of the usual one (also EVIDEX_CONFIG; see
    /// `evidex config path`).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The registry library (SQLite) to use instead of library.sqlite in the data directory
    /// ($XDG_DATA_HOME/evidex on Linux).
    #[arg(long, global = true, env = "EVIDEX_LIBRARY", value_name = "PATH")]
    pub library: Option<PathBuf>,
}

impl Global {
    /// The library's path: `--library`, `EVIDEX_LIBRARY`, else the data directory's.
    pub fn library_path(&self) -> Option<PathBuf> {
        self.library.clone().or_else(crate::library::default_path)
    }
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LangArg {
    En,
    #[value(alias = "zh-Hans", alias = "zh-hans")]
    Zh,
    #[value(name = "zh-hant", alias = "zh-Hant")]
    ZhHant,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::En => Lang::En,
            LangArg::Zh => Lang::Zh,
            LangArg::ZhHant => Lang::ZhHant,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Search the corpus (same query language as the browser).
    Search {
        /// The query: free text, "phrases", field:value filters, -negation. A query that
        /// starts with a negation goes after `--` (`search -- -kind:therapy tace`): quoted,
        /// it is still read as an option.
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
        /// List every adverse-event term (default: the 10 most frequent serious and the 10
        /// most frequent other ones).
        #[arg(long)]
        all_events: bool,
    },
    /// Check a corpus file and print every problem.
    Validate {
        /// The file to check (default: --corpus, or the bundled corpus).
        path: Option<PathBuf>,
    },
    /// Write a synthetic corpus of realistic shape, for benchmarks (not evidence).
    GenCorpus {
        /// How many trials, at most 600,000 (a corpus file evidex can open again).
        #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(0..=MAX_SYNTHETIC_TRIALS))]
        trials: u32,
        /// Seed of the generator: the same seed gives the same corpus.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Write here instead of stdout (`-`), by the rules in README.md's "Files evidex writes".
        #[arg(short, long, value_name = "OUT.json", conflicts_with = "registry")]
        output: Option<PathBuf>,
        /// Fill the library (--library) with synthetic ClinicalTrials.gov studies of the
        /// registry's shape (15–60 KB each, one in eight with results) instead of writing a
        /// corpus; NCT ids NCT9xxxxxxx.
        #[arg(long)]
        registry: bool,
    },
    /// Fetch studies from ClinicalTrials.gov (API v2) as a corpus.
    ///
    /// Pages of 1000 studies are asked for with the filters given (all must hold), retried
    /// on HTTP 429, 5xx and broken connections, and written to OUTPUT; Ctrl-C stops after the
    /// page being fetched and writes what was fetched. Progress goes to stderr.
    Fetch {
        /// The registry: ctgov (ClinicalTrials.gov).
        #[arg(value_enum)]
        registry: Registry,
        #[command(flatten)]
        args: FetchArgs,
    },
    /// The registry library: where it is, what it holds, the last sync (or a subcommand).
    Library {
        #[command(subcommand)]
        action: Option<LibraryCommand>,
    },
    /// Import registry records (ClinicalTrials.gov API v2 JSON) into the library, or as a corpus.
    ///
    /// Each FILE is a study (<https://clinicaltrials.gov/api/v2/studies/NCT02513394>), a page of
    /// studies ({"studies": [...]}), a JSON array of studies, or a zip archive of study files
    /// (the registry's bulk download, read without unpacking). They are stored in the library
    /// (one record per NCT id, replaced only by a newer version), unless -o asks for a JSON
    /// corpus in a file (or `-o -` on stdout). The report goes to stderr. Exit code 2 when any
    /// record was skipped.
    Import {
        /// The registry format: ctgov (ClinicalTrials.gov API v2).
        #[arg(value_enum)]
        registry: Registry,
        /// Study files to import.
        #[arg(required = true, num_args = 1.., value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Write a JSON corpus here (replaced atomically; `-` for stdout) instead of storing
        /// the studies in the library.
        #[arg(short, long, value_name = "OUT.json")]
        output: Option<PathBuf>,
        /// With -o: add the studies to this corpus (de-duplicated by NCT id, therapies and diseases
        /// linked by name or alias) instead of starting an empty one. `bundled` is the corpus
        /// built into evidex; a file named bundled is `./bundled`.
        #[arg(long, value_name = "CORPUS.json|bundled")]
        merge: Option<PathBuf>,
    },
    /// Print shell completions: `evidex completions bash > ~/.local/share/bash-completion/completions/evidex`.
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the manual page (roff): `evidex man | man -l -`, or write every page to a folder.
    Man {
        /// A command whose own page to print (evidex-search(1)…); default: evidex(1).
        command: Option<String>,
        /// Write evidex.1 and one page per command into this folder instead.
        #[arg(long, value_name = "DIR", conflicts_with = "command")]
        out_dir: Option<PathBuf>,
    },
    /// The configuration file: where it is, a commented default to start from, its problems.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// Named sets of records (a tumour board, a review topic): list, show, compare, export,
    /// save, delete. Kept in the data directory as TOML files of record ids.
    Set {
        #[command(subcommand)]
        action: SetAction,
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

/// What `evidex set` does.
#[derive(Debug, Subcommand)]
pub enum SetAction {
    /// Every set: name, size, date made.
    List,
    /// A set's records, and those no longer found.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Compare a set's records (2–4 of them) side by side.
    Compare {
        name: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Write a set's comparison as Markdown, CSV or JSON, its summary of findings (sof-md,
    /// sof-csv) or its references (ris, bibtex), to a file or standard output.
    Export {
        name: String,
        #[arg(long, value_enum, default_value_t = Format::Md)]
        format: Format,
        /// The file to write (`-`: standard output, the default).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Save records (ids, registry ids, names, as `compare` takes them) as a new set.
    Save {
        name: String,
        #[arg(required = true, num_args = 1..)]
        records: Vec<String>,
    },
    /// Delete a set.
    Delete { name: String },
}

/// What `evidex config` does.
#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Print the configuration file's path (it need not exist).
    Path,
    /// Write a commented configuration with every setting at its default.
    Init {
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print every problem of the configuration file; exit 2 when there is one.
    Check,
}

/// Shells `evidex completions` writes for.
pub use clap_complete::Shell;

/// `evidex fetch`'s filters and options.
#[derive(Debug, Args)]
pub struct FetchArgs {
    /// Only these studies (NCT ids).
    #[arg(value_name = "NCT_ID")]
    pub ids: Vec<NctId>,
    /// Condition or disease, in the registry's search syntax ("liver cancer OR HCC").
    #[arg(long, value_name = "TEXT")]
    pub cond: Option<String>,
    /// Words anywhere in the record.
    #[arg(long, value_name = "TEXT")]
    pub term: Option<String>,
    /// Intervention or treatment.
    #[arg(long, value_name = "TEXT")]
    pub intr: Option<String>,
    /// Overall status; repeat or separate with commas for any of several.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "STATUS")]
    pub status: Vec<FetchStatus>,
    /// Phase; repeat or separate with commas for any of several (a phase 2/3 trial is both).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "PHASE")]
    pub phase: Vec<FetchPhase>,
    /// Only records the registry updated on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub updated_since: Option<Date>,
    /// Fetch the whole registry (over 500,000 studies) when no filter is given.
    #[arg(long)]
    pub all: bool,
    /// Write the fetched studies as a corpus to this file (`-` for stdout) instead of storing
    /// them in the library.
    #[arg(short, long, value_name = "OUT.json")]
    pub output: Option<PathBuf>,
    /// Add the studies to this corpus, as `evidex import --merge` does (`bundled`: the corpus
    /// built into evidex).
    #[arg(long, value_name = "CORPUS.json|bundled")]
    pub merge: Option<PathBuf>,
    /// The API's address (a mirror, or a test server).
    #[arg(long, env = "EVIDEX_CTGOV_URL", value_name = "URL", default_value = DEFAULT_BASE_URL)]
    pub base_url: String,
    /// How many times a page is tried again after HTTP 429, 5xx or a broken connection.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
}

/// `evidex library` subcommands.
#[derive(Debug, Subcommand)]
pub enum LibraryCommand {
    /// Dated changes of status, enrolment, primary outcomes, results and completion dates.
    Changes {
        /// Only changes of versions the registry updated on or after this date (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Print JSON for scripts.
        #[arg(long)]
        json: bool,
    },
    /// Write the library's studies as a JSON corpus (which `evidex validate` accepts).
    Export {
        /// The corpus file to write (replaced atomically; `-` for stdout).
        #[arg(short, long, value_name = "FILE.json", required = true)]
        output: PathBuf,
    },
    /// Remove studies by registry id, or every study of a source.
    Remove {
        /// Registry ids (NCT…).
        #[arg(
            value_name = "ID",
            required_unless_present = "source",
            conflicts_with = "source"
        )]
        ids: Vec<String>,
        /// Remove every study of this source (ctgov).
        #[arg(long, value_name = "SOURCE")]
        source: Option<String>,
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
    /// The summary of findings (GRADE layout) as Markdown.
    SofMd,
    /// The summary of findings as CSV.
    SofCsv,
    /// The references behind the records, RIS (Zotero, EndNote, Mendeley).
    Ris,
    /// The references behind the records, BibTeX.
    Bibtex,
}

/// The most trials `gen-corpus` writes: more than the whole registry's 560,000 studies (for
/// `--registry`), and at about 1.14 KB each a corpus file still under the size of file evidex
/// opens ([`crate::fsio::MAX_FILE_BYTES`]).
pub const MAX_SYNTHETIC_TRIALS: i64 = 600_000;

/// The commands whose words are a query (or queries): a word of theirs that starts with `-`
/// is a negation the user meant, not an option.
const QUERY_COMMANDS: &[&str] = &["search", "show", "compare", "meta"];

/// When clap refused `args` (the command line without the program's name) because a query
/// word that starts with `-` read as an option (`evidex search -kind:therapy tace`): what to
/// write instead, in the language the command line or the configuration asks for. clap's own
/// message (`to pass '-k' as a value, use '-- -k'`) is English, and names one letter of the
/// word. `None` for any other refusal, a mistyped long option (`--jsn`) included.
pub fn negated_query_hint(e: &clap::Error, args: &[String]) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if e.kind() != ErrorKind::UnknownArgument {
        return None;
    }
    let Some(ContextValue::String(flag)) = e.get(ContextKind::InvalidArg) else {
        return None;
    };
    if flag.starts_with("--") || !flag.starts_with('-') {
        return None;
    }
    let at = args
        .iter()
        .position(|a| QUERY_COMMANDS.contains(&a.as_str()))?;
    let word = args[at + 1..]
        .iter()
        .find(|a| a.starts_with(flag.as_str()) && !a.starts_with("--"))?;
    let lang = early_lang(args);
    Some(crate::i18n::trf(
        lang,
        "%{word} starts with - and reads as an option: put the query after -- (evidex %{command} -- %{word} …)",
        &[("command", &args[at]), ("word", &crate::text::clean(word))],
    ))
}

/// The language of a command line that did not parse: its `--lang`, else the configuration's
/// (`--config`, `EVIDEX_CONFIG` or the usual file), else English.
fn early_lang(args: &[String]) -> Lang {
    let value = |name: &str| {
        args.iter()
            .enumerate()
            .find_map(|(i, a)| match a.strip_prefix(name) {
                Some("") => args.get(i + 1).cloned(),
                Some(v) => v.strip_prefix('=').map(str::to_string),
                None => None,
            })
    };
    if let Some(lang) = value("--lang").as_deref().and_then(Lang::parse) {
        return lang;
    }
    let explicit = value("--config").map(PathBuf::from);
    crate::config::path(explicit.as_deref())
        .and_then(|p| crate::config::load(&p, false).0.language)
        .unwrap_or_default()
}
