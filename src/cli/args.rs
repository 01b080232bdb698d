//! The command line's arguments: every command and option, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::corpus::Lang;
use crate::tui::theme::ThemeName;

/// evidex: browse the evidence behind cancer therapies and clinical trials.
///
/// With no command, opens the interactive browser on the bundled corpus and the library (or on
/// PATH alone).
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
  evidex                                   open the browser (bundled corpus + library)
  evidex search 'tace kind:trial phase:3'  search from the shell
  evidex show emerald-1                    a record in full, with its sources
  evidex compare emerald-1 leap-012 --format md
  evidex validate my-corpus.json
  evidex import ctgov NCT02513394.json       store a study in the library
  evidex library changes --since 2024-01-01
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
        /// How many trials, at most 500,000 (a corpus file evidex can open again).
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
    /// The registry library: where it is, what it holds, the last sync (or a subcommand).
    Library {
        #[command(subcommand)]
        action: Option<LibraryCommand>,
    },
    /// Import registry records (ClinicalTrials.gov API v2 JSON) into the library, or as a corpus.
    ///
    /// Each FILE is a study (<https://clinicaltrials.gov/api/v2/studies/NCT02513394>), a page of
    /// studies ({"studies": [...]}) or a JSON array of studies. They are stored in the library
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
}

/// The most trials `gen-corpus` writes: at about 1.1 KB each, 500,000 stay well under the
/// size of file evidex opens ([`crate::fsio::MAX_FILE_BYTES`]).
pub const MAX_SYNTHETIC_TRIALS: i64 = 500_000;
