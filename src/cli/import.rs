//! `evidex import`: reads registry files, merges them into a corpus, writes the
//! corpus (to a file atomically, or to stdout) and reports to stderr.
//!
//! Exit status: 0 when every study imported; 2 when any study was skipped or any file could
//! not be read (the others are still written), when nothing at all was imported, or when the
//! corpus to merge into is itself invalid or holds fields this version does not know (a merge
//! would drop them, so it is refused and names each one with its line).

use std::path::{Path, PathBuf};

use super::{CliError, Out};
use crate::corpus::validate::{self, Severity};
use crate::corpus::{Corpus, CorpusFile};
use crate::fsio::write_output;
use crate::import::{Event, Importer};
use crate::text::clean;

/// Above this many imported studies, the per-study lines are left out and only the summary,
/// updates and problems are printed.
const LIST_LIMIT: usize = 50;

/// The `--merge` value that means the corpus built into evidex, so that merging needs no
/// source tree (`cargo install` leaves no data/corpus.json behind). A file of that name is
/// `./bundled`.
pub const BUNDLED_WORD: &str = "bundled";

/// The corpus `--merge` names: the bundled one for the bare word `bundled`, else a file.
pub(super) fn merge_base(merge: Option<&Path>) -> Result<CorpusFile, CliError> {
    match merge {
        Some(p) if p.as_os_str() == BUNDLED_WORD => {
            if p.exists() {
                crate::note!(
                    "note: --merge {BUNDLED_WORD} is the corpus built into evidex; \
                     for the file named {BUNDLED_WORD} here, write --merge ./{BUNDLED_WORD}"
                );
            }
            Ok(Corpus::bundled()?.to_file())
        }
        Some(p) => {
            // A field this version does not know would be dropped by the merge: refuse.
            let (file, text) = crate::corpus::load::read_file(p)?;
            let unknown = validate::unknown_fields(&file, Some(&text));
            if !unknown.is_empty() {
                let list: Vec<String> = unknown
                    .iter()
                    .map(|u| format!("  {}", clean(&u.display_in(p).to_string())))
                    .collect();
                return Err(CliError::Input(format!(
                    "{}: holds {} field(s) this version does not know; merging would drop \
                     them, so nothing was written (rename or remove them, then merge):\n{}",
                    clean(&p.display().to_string()),
                    unknown.len(),
                    list.join("\n")
                )));
            }
            Ok(Corpus::build(p, file, Some(&text))?.to_file())
        }
        None => Ok(CorpusFile {
            schema_version: crate::corpus::SCHEMA_VERSION,
            ..Default::default()
        }),
    }
}

/// Runs `evidex import ctgov FILES [-o OUTPUT] [--merge CORPUS|bundled]`.
pub fn run(
    files: &[PathBuf],
    output: Option<&Path>,
    merge: Option<&Path>,
    out: &mut Out,
) -> Result<(), CliError> {
    let base = merge_base(merge)?;
    let mut imp = Importer::new(base);
    // Files are imported in the order given; a run of plain files is read on every core, a
    // zip archive (the registry's bulk download) entry by entry.
    let mut plain: Vec<&PathBuf> = Vec::new();
    for f in files {
        if crate::fetch::bulk::is_zip(f) {
            imp.add_files(&std::mem::take(&mut plain));
            add_archive(&mut imp, f);
        } else {
            plain.push(f);
        }
    }
    imp.add_files(&plain);
    write_corpus(imp, output, out)
}

/// Studies of an archive read in batches of this many, each batch mapped on every core.
const ARCHIVE_BATCH: usize = 256;

/// Imports every `.json` entry of a zip archive, streaming: a batch of entries in memory at
/// a time, nothing unpacked to disk. A corrupt archive or entry is reported as a file not
/// read, by archive and entry name; entries of other kinds are noted.
fn add_archive(imp: &mut Importer, path: &Path) {
    let mut bulk = match crate::fetch::bulk::Bulk::open(path) {
        Ok(b) => b,
        Err(e) => {
            imp.add_problem(&e.source_name(), &e.reason());
            return;
        }
    };
    let mut batch = Vec::with_capacity(ARCHIVE_BATCH);
    for entry in bulk.by_ref() {
        match entry {
            Ok(e) => batch.push((e.name, e.text)),
            Err(e) => {
                imp.add_texts(&std::mem::take(&mut batch));
                imp.add_problem(&e.source_name(), &e.reason());
            }
        }
        if batch.len() == ARCHIVE_BATCH {
            imp.add_texts(&std::mem::take(&mut batch));
        }
    }
    imp.add_texts(&batch);
    if let Some(note) = bulk.others_note() {
        crate::note!("{note}");
    }
}

/// Writes a corpus that validates (an error otherwise, naming each problem, and nothing
/// written), as JSON to `output` (a file replaced atomically, or stdout for `None` or `-`).
/// `what` names the corpus in the message: "merged", "exported".
pub(super) fn write_valid_corpus(
    file: &CorpusFile,
    what: &str,
    output: Option<&Path>,
    out: &mut Out,
) -> Result<(), CliError> {
    let errors: Vec<String> = validate::validate(file, None)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("  {}: {}", p.field, p.message))
        .collect();
    if !errors.is_empty() {
        return Err(CliError::Input(format!(
            "the {what} corpus would not validate, so nothing was written:\n{}",
            errors.join("\n")
        )));
    }
    let json = serde_json::to_string_pretty(file)
        .map_err(|e| CliError::Output(format!("cannot write the corpus as JSON: {e}")))?
        + "\n";
    let json = crate::text::json_safe(json);
    match output.filter(|p| p.as_os_str() != "-") {
        Some(p) => write_output(p, json.as_bytes()).map_err(|e| {
            CliError::Output(format!(
                "{}: cannot write the corpus: {e}",
                clean(&p.display().to_string())
            ))
        }),
        None => out.data("the corpus", json.as_bytes()),
    }
}

/// Reports an import, checks the merged corpus and writes it to `output` (a file replaced
/// atomically, or stdout for `None` or `-`).
pub(super) fn write_corpus(
    imp: Importer,
    output: Option<&Path>,
    out: &mut Out,
) -> Result<(), CliError> {
    let (file, report) = imp.finish();
    let list_imported = report.imported() <= LIST_LIMIT;
    for e in &report.events {
        if list_imported || !matches!(e, Event::Imported { .. }) {
            crate::note!("{}", clean(&e.to_string()));
        }
    }
    if report.imported() + report.updated() == 0 {
        return Err(CliError::Input(format!(
            "{}; nothing imported, no output written",
            report.summary()
        )));
    }
    // Each study was validated before it was merged; this guards the merge itself.
    write_valid_corpus(&file, "merged", output, out)?;
    let to = output.map_or(String::new(), |p| {
        format!(" → {}", clean(&p.display().to_string()))
    });
    if report.has_failures() {
        return Err(CliError::Input(format!("{}{to}", report.summary())));
    }
    crate::note!("{}{to}", report.summary());
    Ok(())
}
