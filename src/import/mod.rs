//! Registry formats into the corpus model: `evidex import ctgov FILE...`.
//!
//! [`ctgov`] reads ClinicalTrials.gov API v2 JSON and maps each study onto a [`draft::Draft`]
//! (the trial, its source, unlinked therapies and conditions); [`merge`] adds the drafts to a
//! corpus (a new one, or the one given to `--merge`), linking therapies and diseases by name
//! ([`conditions`] knows registry condition names). [`names`] holds the text rules both share
//! (escapes, folding, slugs): `ctgov` and `merge` both use `draft` and `names`, and neither
//! uses the other. [`Importer`] drives both over files and keeps the [`Report`]: each study is
//! imported, updated or skipped, and every skipped study or unreadable file is reported with
//! its file and position, never silently dropped. Nothing here prints; the CLI prints the
//! report (`crate::cli::import`).
//!
//! Each study is validated on its own (with the rules of [`crate::corpus::validate`]) before it
//! is merged, so one odd record cannot make the whole output invalid.

pub mod conditions;
pub mod ctgov;
pub mod draft;
pub mod merge;
pub mod names;
mod scan;

use std::fmt;
use std::path::Path;

use crate::corpus::CorpusFile;
use crate::corpus::load::decode;
use crate::corpus::validate::{self, Severity};

pub use merge::Added;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// A study added as a new trial.
    Imported {
        file: String,
        nct: String,
        id: String,
    },
    /// A study whose NCT id the corpus already had.
    Updated {
        file: String,
        nct: String,
        id: String,
        /// The existing trial was curated by hand (kept, with the registry's data added),
        /// rather than an earlier import (replaced).
        curated: bool,
    },
    /// A study that could not be imported.
    Skipped {
        file: String,
        /// Index in the file's array or page; `None` for a file that is one study.
        position: Option<usize>,
        nct: Option<String>,
        message: String,
    },
    /// A file that could not be read as ClinicalTrials.gov records at all.
    BadFile {
        file: String,
        /// Line and column of a syntax error.
        at: Option<(usize, usize)>,
        message: String,
    },
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::Imported { file, nct, id } => write!(f, "{file}: {nct}: imported as {id}"),
            Event::Updated {
                file,
                nct,
                id,
                curated,
            } => {
                if *curated {
                    write!(
                        f,
                        "{file}: {nct}: updated existing trial {id} (its curated arms, outcomes and sources are kept; the registry's are added)"
                    )
                } else {
                    write!(
                        f,
                        "{file}: {nct}: updated existing trial {id} (replaces the earlier import)"
                    )
                }
            }
            Event::Skipped {
                file,
                position,
                nct,
                message,
            } => {
                write!(f, "{file}")?;
                if let Some(p) = position {
                    write!(f, ": study at index {p}")?;
                }
                if let Some(n) = nct {
                    write!(f, " ({n})")?;
                }
                write!(f, ": skipped: {message}")
            }
            Event::BadFile {
                file,
                at: Some((line, column)),
                message,
            } => write!(f, "{file}:{line}:{column}: {message}"),
            Event::BadFile {
                file,
                at: None,
                message,
            } => write!(f, "{file}: {message}"),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub events: Vec<Event>,
}

impl Report {
    pub fn imported(&self) -> usize {
        self.count(|e| matches!(e, Event::Imported { .. }))
    }
    pub fn updated(&self) -> usize {
        self.count(|e| matches!(e, Event::Updated { .. }))
    }
    pub fn skipped(&self) -> usize {
        self.count(|e| matches!(e, Event::Skipped { .. }))
    }
    pub fn bad_files(&self) -> usize {
        self.count(|e| matches!(e, Event::BadFile { .. }))
    }
    fn count(&self, f: impl Fn(&Event) -> bool) -> usize {
        self.events.iter().filter(|e| f(e)).count()
    }

    /// Whether anything was skipped or unreadable (the command then exits non-zero).
    pub fn has_failures(&self) -> bool {
        self.skipped() > 0 || self.bad_files() > 0
    }

    /// `imported 3, updated 1, skipped 0`, and the unreadable files when there are any.
    pub fn summary(&self) -> String {
        let mut s = format!(
            "imported {}, updated {}, skipped {}",
            self.imported(),
            self.updated(),
            self.skipped()
        );
        match self.bad_files() {
            0 => {}
            1 => s.push_str(", 1 file not read"),
            n => s.push_str(&format!(", {n} files not read")),
        }
        s
    }
}

/// Imports studies into a corpus, one file or text at a time.
pub struct Importer {
    merger: merge::Merger,
    report: Report,
}

impl Importer {
    /// Starts from `base`: an empty corpus, or the one being merged into.
    pub fn new(mut base: CorpusFile) -> Importer {
        // `CorpusFile::default()` has no version; an import writes the version this reads.
        if base.schema_version == 0 {
            base.schema_version = crate::corpus::SCHEMA_VERSION;
        }
        Importer {
            merger: merge::Merger::new(base),
            report: Report::default(),
        }
    }

    /// Reads a file of ClinicalTrials.gov JSON; problems go to the report.
    pub fn add_file(&mut self, path: &Path) {
        self.add_files(std::slice::from_ref(&path));
    }

    /// Reads files of ClinicalTrials.gov JSON, on every core: each file is read and its
    /// studies mapped by whichever thread is free, then merged in the order given, so the
    /// result and the report do not depend on the threads.
    pub fn add_files(&mut self, paths: &[impl AsRef<Path> + Sync]) {
        let prepared = parallel(paths, |p| {
            let name = p.as_ref().display().to_string();
            match read(p.as_ref()) {
                Ok(text) => prepare(&name, &text),
                Err(message) => Prepared::bad(&name, None, message),
            }
        });
        self.merge_all(prepared);
    }

    /// Imports the studies in `text`; `name` names it in the report.
    pub fn add_text(&mut self, name: &str, text: &str) {
        let p = prepare(name, text);
        self.merge(p);
    }

    /// Merges studies mapped earlier by [`drafts`] (the library stores them so that opening it
    /// maps nothing again), in order, as if `name`'s text had been imported.
    pub fn add_drafts(&mut self, name: &str, events: Vec<Result<draft::Draft, Event>>) {
        self.merge(Prepared {
            file: name.to_string(),
            events,
        });
    }

    /// Imports several texts, named, as [`Importer::add_files`] imports files.
    pub fn add_texts(&mut self, texts: &[(String, String)]) {
        let prepared = parallel(texts, |(name, text)| prepare(name, text));
        self.merge_all(prepared);
    }

    fn merge_all(&mut self, prepared: Vec<Prepared>) {
        for p in prepared {
            self.merge(p);
        }
    }

    /// Adds a file's mapped studies to the corpus, in order, and reports each.
    fn merge(&mut self, p: Prepared) {
        let Prepared { file, events } = p;
        for e in events {
            let draft = match e {
                Ok(d) => d,
                Err(event) => {
                    self.report.events.push(event);
                    continue;
                }
            };
            let nct = draft.nct.clone();
            let file = file.clone();
            self.report.events.push(match self.merger.add(draft) {
                Added::New(id) => Event::Imported { file, nct, id },
                Added::Replaced(id) => Event::Updated {
                    file,
                    nct,
                    id,
                    curated: false,
                },
                Added::Curated(id) => Event::Updated {
                    file,
                    nct,
                    id,
                    curated: true,
                },
            });
        }
    }

    /// Reports a source that could not be read at all (`name`: what it is called).
    pub fn add_problem(&mut self, name: &str, message: &str) {
        self.report.events.push(Event::BadFile {
            file: name.to_string(),
            at: None,
            message: message.to_string(),
        });
    }

    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The corpus with every imported study, and the report.
    pub fn finish(self) -> (CorpusFile, Report) {
        (self.merger.file, self.report)
    }
}

/// A file's studies mapped and checked, not yet merged: each a draft to merge, or the event
/// that reports why it is not (a study skipped, the file unreadable).
struct Prepared {
    file: String,
    events: Vec<Result<draft::Draft, Event>>,
}

impl Prepared {
    fn bad(file: &str, at: Option<(usize, usize)>, message: String) -> Prepared {
        Prepared {
            file: file.to_string(),
            events: vec![Err(Event::BadFile {
                file: file.to_string(),
                at,
                message,
            })],
        }
    }
}

/// The studies of a registry text, each mapped and checked but not yet merged into a corpus:
/// what [`Importer::add_drafts`] merges. `name` names the text in the events.
pub fn drafts(name: &str, text: &str) -> Vec<Result<draft::Draft, Event>> {
    prepare(name, text).events
}

/// Scans a text and maps each of its studies, the studies of a large page on every core.
fn prepare(name: &str, text: &str) -> Prepared {
    Prepared {
        file: name.to_string(),
        events: drafts_with(name, text, |_| ())
            .into_iter()
            .map(|e| e.map(|(draft, ())| draft))
            .collect(),
    }
}

/// [`drafts`], each with what `read` takes from the parsed study beside its draft (the library
/// reads its columns so, from the importer's one parse of the text); a text that is not a
/// registry page or study is one `BadFile` event.
pub fn drafts_with<T: Send>(
    name: &str,
    text: &str,
    read: impl Fn(&ctgov::api::Study) -> T + Sync + Send,
) -> Vec<Result<(draft::Draft, T), Event>> {
    let bad = |at: Option<(usize, usize)>, message: String| {
        vec![Err(Event::BadFile {
            file: name.to_string(),
            at,
            message,
        })]
    };
    let ctgov::Split { doc, studies } = match ctgov::split(text) {
        Ok(s) => s,
        Err(e) => {
            let (at, message) = match e {
                ctgov::ShapeError::Syntax {
                    line,
                    column,
                    message,
                } => (Some((line, column)), format!("not valid JSON: {message}")),
                e => (None, e.to_string()),
            };
            return bad(at, message);
        }
    };
    if studies.is_empty() {
        return bad(None, "holds no studies (an empty list)".into());
    }
    let one = |raw: &ctgov::RawStudy| {
        let skipped = |nct: Option<String>, message: String| Event::Skipped {
            file: name.to_string(),
            position: raw.position,
            nct,
            message,
        };
        let study = ctgov::parse_study(&doc, raw).map_err(|e| skipped(e.nct, e.message))?;
        let mut draft = ctgov::map_study(&study).map_err(|e| skipped(e.nct, e.message))?;
        match check(&mut draft) {
            Some(problem) => Err(skipped(Some(draft.nct.clone()), problem)),
            None => Ok((draft, read(&study))),
        }
    };
    if studies.len() < PARALLEL_STUDIES {
        studies.iter().map(one).collect()
    } else {
        parallel(&studies, one)
    }
}

/// A page with fewer studies is mapped on one thread: starting threads would cost more.
const PARALLEL_STUDIES: usize = 16;

/// `f` of every item, in order, on every core.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

/// Reads a file as text, bounded like a corpus file.
fn read(path: &Path) -> Result<String, String> {
    let bytes = crate::fsio::read_bounded(path).map_err(|e| match e {
        crate::fsio::ReadError::IsDir => "is a directory; pass the .json files inside it".into(),
        crate::fsio::ReadError::TooLarge { .. } => format!("{e}; split it"),
        e => e.to_string(),
    })?;
    decode(path, bytes).map_err(|e| {
        // `decode` names the path itself; the report names it once.
        let s = e.to_string();
        let prefix = format!("{}:", path.display());
        s.strip_prefix(&prefix).map_or(s.clone(), str::to_string)
    })
}

/// Validates one study on its own: the trial, with its source, before it is linked.
fn check(d: &mut draft::Draft) -> Option<String> {
    // The trial and source are moved into a one-study corpus and back, not copied.
    let id = names::slug(&d.nct, 48);
    let mut trial = std::mem::take(&mut d.trial);
    trial.id = id.clone();
    let mini = CorpusFile {
        schema_version: crate::corpus::SCHEMA_VERSION,
        sources: vec![std::mem::take(&mut d.source)],
        trials: vec![trial],
        ..Default::default()
    };
    let problems = validate::validate(&mini, None);
    let CorpusFile {
        mut sources,
        mut trials,
        ..
    } = mini;
    d.source = sources.pop().unwrap_or_default();
    d.trial = trials.pop().unwrap_or_default();
    d.trial.id = String::new();
    let prefix = format!("trials[0] ({id})");
    let errors: Vec<String> = problems
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| {
            let field = p
                .field
                .strip_prefix(&prefix)
                .map_or(p.field.clone(), |f| format!("trial{f}"));
            format!("{field}: {}", p.message)
        })
        .collect();
    (!errors.is_empty()).then(|| {
        format!(
            "the mapped record would not validate: {}",
            errors.join("; ")
        )
    })
}

/// Imports files into `base` (an empty corpus when `None`).
pub fn import_ctgov_files(
    paths: &[impl AsRef<Path> + Sync],
    base: Option<CorpusFile>,
) -> (CorpusFile, Report) {
    let mut imp = Importer::new(base.unwrap_or_else(|| CorpusFile {
        schema_version: crate::corpus::SCHEMA_VERSION,
        ..Default::default()
    }));
    imp.add_files(paths);
    imp.finish()
}
