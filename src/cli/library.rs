//! `evidex library` (where it is, what it holds, the last sync), `library changes`, `library
//! export`, `library remove`, and `evidex import ctgov FILE...` into the library.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{CliError, Global, LibraryCommand, Out};
use crate::corpus::CorpusFile;
use crate::library::{Change, Library, PageReport};
use crate::text::clean;

/// Above this many stored studies, the per-study lines are left out.
const LIST_LIMIT: usize = 50;
/// Studies written per transaction when a file holds many.
const BATCH: usize = 1_000;

/// The library's path, or an error that says how to name one.
fn library_path(global: &Global) -> Result<PathBuf, CliError> {
    global.library_path().ok_or_else(|| {
        CliError::Input(
            "no data directory found for the library (HOME is not set); name one with \
             --library PATH or EVIDEX_LIBRARY"
                .into(),
        )
    })
}

fn shown(p: &Path) -> String {
    clean(&p.display().to_string()).into_owned()
}

/// The existing library, or an error saying there is none yet.
fn existing(path: &Path) -> Result<Library, CliError> {
    Library::open_existing(path)?.ok_or_else(|| {
        CliError::Input(format!(
            "{}: there is no library here yet; `evidex import ctgov FILE...` or `evidex fetch \
             ctgov` fills it",
            shown(path)
        ))
    })
}

/// Runs `evidex library [changes|export|remove]`.
pub fn run(action: Option<LibraryCommand>, global: &Global, out: &mut Out) -> Result<(), CliError> {
    let path = library_path(global)?;
    match action {
        None => status(&path, out),
        Some(LibraryCommand::Changes { since, json }) => changes(&path, since, json, out),
        Some(LibraryCommand::Export { output }) => export(&path, &output, out),
        Some(LibraryCommand::Remove { ids, source }) => remove(&path, &ids, source, out),
    }
}

fn status(path: &Path, out: &mut Out) -> Result<(), CliError> {
    let Some(lib) = Library::open_existing(path)? else {
        return out.print(&format!(
            "library: {} (not created yet; `evidex import ctgov FILE...` or `evidex fetch \
             ctgov` fills it)\n",
            shown(path)
        ));
    };
    let s = lib.summary()?;
    let mut text = format!("library: {}\n", shown(path));
    let sources: Vec<String> = s
        .by_source
        .iter()
        .map(|(src, n)| format!("{} {n}", clean(src)))
        .collect();
    text.push_str(&format!(
        "studies: {}{}, {} with posted results\n",
        s.studies,
        if sources.is_empty() {
            String::new()
        } else {
            format!(" ({})", sources.join(", "))
        },
        s.with_results
    ));
    text.push_str(&format!(
        "changes: {} recorded (`evidex library changes`)\n",
        s.changes
    ));
    text.push_str(&snapshot_line(&lib));
    match &s.last_sync {
        None => text.push_str("last sync: none\n"),
        Some(y) => text.push_str(&format!(
            "last sync: {} ({} page{}, {} stud{}, started {} UTC, {})\n",
            clean(&y.key),
            y.pages,
            if y.pages == 1 { "" } else { "s" },
            y.studies,
            if y.studies == 1 { "y" } else { "ies" },
            y.started,
            match &y.finished {
                Some(f) => format!("finished {f} UTC"),
                None => format!(
                    "unfinished, last page stored {} UTC; the same fetch resumes it",
                    y.updated
                ),
            }
        )),
    }
    out.print(&text)
}

/// The snapshot the browser opens the library from, and whether it is current.
fn snapshot_line(lib: &Library) -> String {
    use crate::library::snapshot::{self, Miss};
    let path = snapshot::path_for(lib.path());
    let state = match snapshot::stamp(lib).map(|st| snapshot::check(&path, &st)) {
        Ok(Ok(size)) => format!("current, {:.1} MB", size as f64 / 1e6),
        Ok(Err(Miss::Absent)) => "none yet; the next open writes it".to_string(),
        Ok(Err(Miss::Stale)) => "out of date; the next open rebuilds it".to_string(),
        Ok(Err(Miss::Damaged(why))) => {
            format!("unreadable ({}); the next open rebuilds it", clean(&why))
        }
        Err(e) => format!("unknown ({})", clean(&e.to_string())),
    };
    format!("snapshot: {} ({state})\n", shown(&path))
}

/// After a write that changed the library: opens it once as the browser will, so that its
/// snapshot is current and the browser's next start reads that instead of every study. A
/// failure here loses nothing (the studies are stored) and is said in one line.
pub(super) fn refresh_snapshot(path: &Path) {
    use crate::library::load::SnapshotUse;
    use std::io::IsTerminal;
    let started = std::time::Instant::now();
    // Seconds at registry size (every study merged and indexed again): say so while it runs.
    let what = "updating the browser's snapshot of the library (every study is read again)";
    let spinner = if std::io::stderr().is_terminal() {
        let s = indicatif::ProgressBar::new_spinner().with_message(format!("{what}…"));
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        Some(s)
    } else {
        crate::note!("{what}");
        None
    };
    let opened = crate::library::open_corpus(None, Some(path));
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    match opened {
        Ok(l) => match l.snapshot {
            SnapshotUse::NotWritten(why) => crate::note!(
                "evidex: the library's snapshot could not be written ({}); the browser reads \
                 every study when it opens",
                clean(&why)
            ),
            _ => crate::note!(
                "the browser's snapshot of the library is up to date ({:.1} s)",
                started.elapsed().as_secs_f64()
            ),
        },
        Err(e) => crate::note!(
            "evidex: the library's snapshot could not be updated: {}",
            clean(&e.to_string())
        ),
    }
}

/// Whether `s` is a date of the calendar or the start of one: `2024`, `2024-05`, `2024-05-01`
/// (not `2024-13` nor `2024-02-30`).
fn is_date(s: &str) -> bool {
    match s.len() {
        4 => s.bytes().all(|b| b.is_ascii_digit()),
        7 => format!("{s}-01")
            .parse::<crate::fetch::query::Date>()
            .is_ok(),
        10 => s.parse::<crate::fetch::query::Date>().is_ok(),
        _ => false,
    }
}

fn changes(path: &Path, since: Option<String>, json: bool, out: &mut Out) -> Result<(), CliError> {
    if let Some(d) = since.as_deref().filter(|d| !is_date(d)) {
        return Err(CliError::Input(format!(
            "--since {:?} is not a date; write it as YYYY-MM-DD (or YYYY-MM, YYYY)",
            clean(d)
        )));
    }
    let list = match Library::open_existing(path)? {
        Some(lib) => lib.changes(since.as_deref())?,
        None => Vec::new(),
    };
    if json {
        return out.print(&super::to_json(&list)?);
    }
    if list.is_empty() {
        return out.print(&match &since {
            Some(d) => format!("no changes recorded since {d}\n"),
            None => "no changes recorded\n".to_string(),
        });
    }
    let mut text = String::new();
    for c in &list {
        text.push_str(&change_line(c));
    }
    out.print(&text)
}

/// `2024-05-01  NCT01234567  status: RECRUITING → COMPLETED  (title)`.
fn change_line(c: &Change) -> String {
    let v = |s: &Option<String>| {
        s.as_deref()
            .map_or("(none)".to_string(), |s| clean(s).into_owned())
    };
    format!(
        "{}  {}  {}: {} → {}{}\n",
        c.changed.as_deref().unwrap_or("(undated)"),
        clean(&c.registry_id),
        c.field.replace('_', " "),
        v(&c.old),
        v(&c.new),
        c.title
            .as_deref()
            .map_or(String::new(), |t| format!("  ({})", clean(t)))
    )
}

fn export(path: &Path, output: &Path, out: &mut Out) -> Result<(), CliError> {
    let lib = existing(path)?;
    let (file, report) = lib.corpus_into(CorpusFile {
        schema_version: crate::corpus::SCHEMA_VERSION,
        ..Default::default()
    })?;
    if file.trials.is_empty() {
        return Err(CliError::Input(format!(
            "{}: the library holds no study to export; nothing written",
            shown(path)
        )));
    }
    super::import::write_valid_corpus(&file, "exported", Some(output), out)?;
    let not_mapped = report.skipped() + report.bad_files();
    crate::note!(
        "exported {} stud{}{} → {}",
        file.trials.len(),
        if file.trials.len() == 1 { "y" } else { "ies" },
        if not_mapped > 0 {
            format!(" ({not_mapped} left out: this evidex cannot map them)")
        } else {
            String::new()
        },
        shown(output)
    );
    // The corpus is valid, but a file this large is more than evidex reads back.
    let size = std::fs::metadata(output).map_or(0, |m| if m.is_file() { m.len() } else { 0 });
    if size > crate::fsio::MAX_FILE_BYTES {
        crate::note!(
            "note: {} is {} MB, more than the {} MiB `evidex validate` and `--corpus` read; \
             the library itself opens with the bundled corpus as it is (`evidex`)",
            shown(output),
            size / 1_000_000,
            crate::fsio::MAX_FILE_BYTES >> 20
        );
    }
    Ok(())
}

fn remove(
    path: &Path,
    ids: &[String],
    source: Option<String>,
    out: &mut Out,
) -> Result<(), CliError> {
    let mut lib = existing(path)?;
    if let Some(src) = source {
        let n = lib.remove_source(&src)?;
        if n == 0 {
            // Most likely a misspelt source: say which there are.
            let sources: Vec<String> = lib
                .summary()?
                .by_source
                .iter()
                .map(|(s, n)| format!("{} ({n})", clean(s)))
                .collect();
            return Err(CliError::NoMatch(format!(
                "no study of source {} in the library; its sources: {}",
                clean(&src),
                if sources.is_empty() {
                    "none, it is empty".to_string()
                } else {
                    sources.join(", ")
                }
            )));
        }
        refresh_snapshot(path);
        return out.print(&format!(
            "removed {n} stud{} of source {}\n",
            if n == 1 { "y" } else { "ies" },
            clean(&src)
        ));
    }
    let missing = lib.remove(ids)?;
    let removed = ids.len() - missing.len();
    if removed > 0 {
        refresh_snapshot(path);
    }
    out.print(&format!(
        "removed {removed} stud{}\n",
        if removed == 1 { "y" } else { "ies" }
    ))?;
    if missing.is_empty() {
        Ok(())
    } else {
        Err(CliError::NoMatch(format!(
            "not in the library: {}",
            missing
                .iter()
                .map(|m| clean(m).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}

/// `evidex gen-corpus --registry`: fills the library with synthetic registry-shaped studies,
/// a page of 1,000 per transaction as a fetch writes them, with a line of progress per 10,000.
pub fn gen_registry(trials: usize, seed: u64, global: &Global) -> Result<(), CliError> {
    // Synthetic studies are stored as the registry's would be, so they could not be told
    // apart from real ones afterwards: never into the library evidex opens by default.
    let Some(path) = global.library.clone() else {
        return Err(CliError::Input(
            "gen-corpus --registry fills a library with synthetic studies, which nothing can \
             tell apart from fetched ones afterwards: name a library of its own with \
             --library PATH (or EVIDEX_LIBRARY), not the one you use"
                .into(),
        ));
    };
    let mut lib = Library::open(&path)?;
    let start = std::time::Instant::now();
    let sync = format!("gen-corpus --registry --seed {seed}");
    let mut done = 0;
    let mut bytes = 0usize;
    // Time spent writing (parsing, mapping, storing), apart from generating the texts.
    let mut writing = std::time::Duration::ZERO;
    while done < trials {
        let n = BATCH.min(trials - done);
        let ids: Vec<usize> = (done..done + n).collect();
        let texts: Vec<String> = {
            use rayon::prelude::*;
            ids.par_iter()
                .map(|&i| crate::synthetic_registry::study(i, seed))
                .collect()
        };
        bytes += texts.iter().map(String::len).sum::<usize>();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        done += n;
        let token = (done < trials).then(|| format!("synthetic-{done}"));
        let t = std::time::Instant::now();
        let r = lib.write_page(&sync, &refs, token.as_deref())?;
        writing += t.elapsed();
        if let Some(s) = r.skipped.first() {
            return Err(CliError::Input(format!(
                "a synthetic study did not import ({}); this is a defect of the generator",
                clean(&s.message)
            )));
        }
        if done % 10_000 == 0 || done == trials {
            let secs = start.elapsed().as_secs_f64();
            let w = writing.as_secs_f64();
            crate::note!(
                "{done} studies, {:.0} MB of registry JSON, {secs:.1} s, {:.0} studies/s; \
                 writing alone {w:.1} s, {:.0} studies/s",
                bytes as f64 / 1e6,
                done as f64 / secs.max(1e-9),
                done as f64 / w.max(1e-9)
            );
        }
    }
    lib.finish_sync(&sync)?;
    // Closing waits for the last checkpoint (the log copied into the file), which the rates
    // above leave out: it is timed apart.
    let t = std::time::Instant::now();
    drop(lib);
    crate::note!(
        "closed in {:.1} s; {:.0} studies/s in all, generation excluded",
        t.elapsed().as_secs_f64(),
        trials as f64 / (writing + t.elapsed()).as_secs_f64().max(1e-9)
    );
    crate::note!("→ {}", shown(&path));
    Ok(())
}

/// The studies of one file as JSON texts: a study, a page (`{"studies": [...]}`) or an array.
fn studies_of(path: &Path) -> Result<Vec<String>, String> {
    let bytes = crate::fsio::read_bounded(path).map_err(|e| match e {
        crate::fsio::ReadError::IsDir => "is a directory; pass the .json files inside it".into(),
        e => e.to_string(),
    })?;
    let text = crate::corpus::load::decode(path, bytes).map_err(|e| {
        let s = e.to_string();
        let prefix = format!("{}:", path.display());
        s.strip_prefix(&prefix)
            .map_or(s.clone(), |s| s.trim().to_string())
    })?;
    studies_in(&text)
}

/// The studies of a registry text: one study, a page `{"studies": [...]}` or a list.
fn studies_in(text: &str) -> Result<Vec<String>, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "{}:{}: not valid JSON: {}",
            e.line(),
            e.column(),
            e.to_string().split(" at line ").next().unwrap_or_default()
        )
    })?;
    let list = match v {
        Value::Array(a) => a,
        Value::Object(mut o) => match o.remove("studies") {
            Some(Value::Array(a)) => a,
            Some(_) => return Err("its \"studies\" is not a list".into()),
            None if o.contains_key("protocolSection") => vec![Value::Object(o)],
            None => {
                return Err("not a ClinicalTrials.gov API v2 record (a study, a page \
                            {\"studies\": [...]} or a list of studies)"
                    .into());
            }
        },
        _ => return Err("is not a ClinicalTrials.gov study, page or list of studies".into()),
    };
    if list.is_empty() {
        return Err("holds no studies (an empty list)".into());
    }
    Ok(list.iter().map(Value::to_string).collect())
}

/// Runs `evidex import ctgov FILES` into the library.
pub fn run_into_library(
    files: &[PathBuf],
    merge: Option<&Path>,
    global: &Global,
) -> Result<(), CliError> {
    if merge.is_some() {
        return Err(CliError::Input(
            "--merge adds the studies to a corpus file: give -o OUT.json (or -o - for stdout). \
             Without -o the studies go to the library, which opens with the bundled corpus"
                .into(),
        ));
    }
    let path = library_path(global)?;
    let mut lib = Library::open(&path)?;
    let mut report = PageReport::default();
    let mut problems: Vec<String> = Vec::new();
    // Studies written a batch at a time; a skipped one is reported by `label` of its index.
    let mut write =
        |studies: Vec<String>, label: &dyn Fn(usize) -> String, problems: &mut Vec<String>| {
            for (b, batch) in studies.chunks(BATCH).enumerate() {
                let refs: Vec<&str> = batch.iter().map(String::as_str).collect();
                let r = lib.write_studies(&refs)?;
                for s in &r.skipped {
                    let id = s
                        .registry_id
                        .as_deref()
                        .map_or(String::new(), |i| format!(" ({})", clean(i)));
                    let name = label(b * BATCH + s.position);
                    problems.push(format!("{name}{id}: skipped: {}", clean(&s.message)));
                }
                report.extend(r);
            }
            Ok::<_, CliError>(())
        };
    // A file's or an entry's studies: numbered when it holds more than one.
    let numbered = |name: String, n: usize| {
        move |i: usize| {
            if n > 1 {
                format!("{name}: study at index {i}")
            } else {
                name.clone()
            }
        }
    };
    // A syntax error starts with its line and column: `file:3:14: …`.
    let unread = |name: &str, message: &str| {
        let sep = if message.starts_with(|c: char| c.is_ascii_digit()) {
            ":"
        } else {
            ": "
        };
        format!("{}{sep}{}", clean(name), clean(message))
    };
    for file in files {
        if crate::fetch::bulk::is_zip(file) {
            // The registry's bulk download: entry by entry, nothing unpacked to disk.
            let mut bulk = match crate::fetch::bulk::Bulk::open(file) {
                Ok(b) => b,
                Err(e) => {
                    problems.push(unread(&e.source_name(), &e.reason()));
                    continue;
                }
            };
            // Entries of one study each (the bulk download's), gathered into batches.
            let (mut pending, mut names): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
            for entry in bulk.by_ref() {
                match entry.map_err(|e| (e.source_name(), e.reason())) {
                    Ok(e) => match studies_in(&e.text) {
                        Ok(studies) if studies.len() == 1 => {
                            pending.extend(studies);
                            names.push(clean(&e.name).into_owned());
                        }
                        Ok(studies) => {
                            let n = studies.len();
                            write(
                                studies,
                                &numbered(clean(&e.name).into_owned(), n),
                                &mut problems,
                            )?;
                        }
                        Err(message) => problems.push(unread(&e.name, &message)),
                    },
                    Err((name, message)) => problems.push(unread(&name, &message)),
                }
                if pending.len() == BATCH {
                    let names = std::mem::take(&mut names);
                    write(
                        std::mem::take(&mut pending),
                        &|i| names[i].clone(),
                        &mut problems,
                    )?;
                }
            }
            write(pending, &|i| names[i].clone(), &mut problems)?;
            if let Some(note) = bulk.others_note() {
                crate::note!("{note}");
            }
            continue;
        }
        match studies_of(file) {
            Ok(studies) => {
                let n = studies.len();
                write(studies, &numbered(shown(file), n), &mut problems)?;
            }
            Err(message) => problems.push(unread(&shown(file), &message)),
        }
    }
    let stored = report.added.len() + report.updated.len();
    tell_studies(&report);
    for p in &problems {
        crate::note!("{p}");
    }
    let summary = format!("{} → {}", report.summary(), shown(&path));
    if stored > 0 {
        drop(lib);
        refresh_snapshot(&path);
    }
    if !problems.is_empty() {
        return Err(CliError::Input(summary));
    }
    crate::note!("{summary}");
    Ok(())
}

/// What an import did with each study (when they are few enough to list), and which bundled
/// trials the imported studies enrich.
fn tell_studies(report: &PageReport) {
    let listed = report.added.len() + report.updated.len() + report.unchanged.len();
    if listed <= LIST_LIMIT {
        for id in &report.added {
            crate::note!("{id}: added");
        }
        for id in &report.updated {
            crate::note!("{id}: updated (the registry's version is newer)");
        }
        for id in &report.unchanged {
            crate::note!("{id}: unchanged (the library's version is as new)");
        }
    }
    for (nct, trial) in &report.enriches {
        crate::note!(
            "{nct}: belongs to the bundled trial {}, which it enriches when the library opens",
            clean(trial)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_date;

    #[test]
    fn dates_are_years_months_or_days() {
        assert!(is_date("2024"));
        assert!(is_date("2024-05"));
        assert!(is_date("2024-05-01"));
        assert!(!is_date("2024-5-1"));
        assert!(!is_date("yesterday"));
        assert!(!is_date("2024/05/01"));
    }
}
