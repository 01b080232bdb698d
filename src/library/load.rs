//! What the browser and the commands open: one corpus file alone (`--corpus FILE`), or the
//! bundled corpus together with the library when there is one. The one place that choice is
//! made.
//!
//! The library's studies are mapped by the importer onto the bundled corpus, as
//! `evidex import ctgov --merge bundled` maps files: a study of a bundled trial enriches that
//! trial, and the others are added, linked to the bundled therapies and diseases by name.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Library, LibraryError, snapshot};
use crate::corpus::{Corpus, LoadError, Provenance};
use crate::search::Engine;

/// A corpus opened for browsing and searching, and what it holds.
pub struct Loaded {
    /// The corpus (`engine.index.corpus`) and its search index.
    pub engine: Engine,
    /// The library, when it was opened with the bundled corpus.
    pub library: Option<PathBuf>,
    /// How many library studies were loaded.
    pub library_studies: usize,
    /// Library studies the importer could not map (an older record an evidex upgrade maps
    /// differently): left out of the corpus, still in the library.
    pub library_skipped: usize,
    /// How the library's snapshot served this open.
    pub snapshot: SnapshotUse,
}

/// How the library's snapshot served an open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotUse {
    /// No library, so no snapshot.
    None,
    /// The library opened from its snapshot.
    Read,
    /// The library was read study by study, and the snapshot written for the next open.
    Written,
    /// The library was read study by study; the snapshot could not be written (why).
    NotWritten(String),
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("records", &self.engine.index.corpus.len())
            .field("library", &self.library)
            .field("library_studies", &self.library_studies)
            .field("library_skipped", &self.library_skipped)
            .field("snapshot", &self.snapshot)
            .finish()
    }
}

impl Loaded {
    /// What is loaded, for the status bar: `bundled corpus + library: 1,204 studies (PATH)`.
    pub fn describe(&self) -> Option<String> {
        let path = self.library.as_ref()?;
        let mut s = format!(
            "loaded the bundled corpus and the library: {} stud{} ({})",
            self.library_studies,
            if self.library_studies == 1 {
                "y"
            } else {
                "ies"
            },
            path.display()
        );
        if self.library_skipped > 0 {
            s.push_str(&format!(
                "; {} not mapped, see `evidex library`",
                self.library_skipped
            ));
        }
        Some(s)
    }
}

/// Why a corpus could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Corpus(#[from] LoadError),
    #[error(transparent)]
    Library(#[from] LibraryError),
}

/// Opens `corpus` alone when given; else the bundled corpus, with the library at `library`
/// when that file exists, and indexes it for searching. An unchanged library opens from its
/// snapshot; otherwise its studies are read and merged, and the snapshot written again.
pub fn open_corpus(corpus: Option<&Path>, library: Option<&Path>) -> Result<Loaded, OpenError> {
    let alone = |corpus: Corpus| Loaded {
        engine: crate::search::engine(Arc::new(corpus)),
        library: None,
        library_studies: 0,
        library_skipped: 0,
        snapshot: SnapshotUse::None,
    };
    if let Some(p) = corpus {
        return Ok(alone(Corpus::open(p)?));
    }
    let Some(lib) = library.map(Library::open_existing).transpose()?.flatten() else {
        return Ok(alone(Corpus::bundled()?));
    };
    let stamp = snapshot::stamp(&lib)?;
    let snap_path = snapshot::path_for(lib.path());
    if let Some(l) = from_snapshot(&snap_path, &stamp, lib.path()) {
        return Ok(l);
    }
    let (corpus, counts) = merged(&lib)?;
    let engine = crate::search::engine(Arc::new(corpus));
    let loaded = |engine, snapshot| Loaded {
        engine,
        library: Some(lib.path().to_path_buf()),
        library_studies: counts.library_studies,
        library_skipped: counts.library_skipped,
        snapshot,
    };
    if let Err(e) = snapshot::write(&snap_path, &stamp, counts, &engine.index) {
        let why = format!("{}: {e}", snap_path.display());
        return Ok(loaded(engine, SnapshotUse::NotWritten(why)));
    }
    // Read back what was written, so that this session's memory is what the next one's is;
    // the whole corpus is let go first, so that memory never holds both.
    drop(engine);
    if let Some(mut l) = from_snapshot(&snap_path, &stamp, lib.path()) {
        l.snapshot = SnapshotUse::Written;
        return Ok(l);
    }
    // Replaced meanwhile by a snapshot of another version of the library: merged again.
    let (corpus, _) = merged(&lib)?;
    Ok(loaded(
        crate::search::engine(Arc::new(corpus)),
        SnapshotUse::Written,
    ))
}

/// The library opened from its snapshot, when that is there and of this library as it is.
fn from_snapshot(path: &Path, stamp: &snapshot::Stamp, library: &Path) -> Option<Loaded> {
    let snap = snapshot::read(path, stamp).ok()?;
    let corpus = Arc::new(snap.corpus);
    let index = snap.index.attach(corpus)?;
    Some(Loaded {
        engine: Engine::new(index),
        library: Some(library.to_path_buf()),
        library_studies: snap.counts.library_studies,
        library_skipped: snap.counts.library_skipped,
        snapshot: SnapshotUse::Read,
    })
}

/// The bundled corpus with every study of the library merged onto it, validated and linked.
pub(super) fn merged(lib: &Library) -> Result<(Corpus, snapshot::Counts), OpenError> {
    let bundled = Corpus::bundled()?;
    let counts = bundled.provenance.bundled;
    let ids: std::collections::HashSet<String> = lib.registry_ids()?.into_iter().collect();
    let (file, report) = lib.corpus_into(bundled.to_file())?;
    let mut corpus = Corpus::build(lib.path(), file, None)?;
    let trials: Vec<u32> = corpus
        .trials
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.registry_ids
                .iter()
                .any(|r| ids.contains(&r.to_ascii_uppercase()))
        })
        .map(|(i, _)| i as u32)
        .collect();
    corpus.provenance = Provenance {
        bundled: counts,
        library_trials: trials,
    };
    Ok((
        corpus,
        snapshot::Counts {
            library_studies: report.imported() + report.updated(),
            library_skipped: report.skipped() + report.bad_files(),
        },
    ))
}
