//! What the browser and the commands open: one corpus file alone (`--corpus FILE`), or the
//! bundled corpus together with the library when there is one. The one place that choice is
//! made.
//!
//! The library's studies are mapped by the importer onto the bundled corpus, as
//! `evidex import ctgov --merge bundled` maps files: a study of a bundled trial enriches that
//! trial, and the others are added, linked to the bundled therapies and diseases by name.

use std::path::{Path, PathBuf};

use super::{Library, LibraryError};
use crate::corpus::{Corpus, LoadError, Provenance};

/// A corpus opened for browsing, and what it holds.
#[derive(Debug)]
pub struct Loaded {
    pub corpus: Corpus,
    /// The library, when it was opened with the bundled corpus.
    pub library: Option<PathBuf>,
    /// How many library studies were loaded.
    pub library_studies: usize,
    /// Library studies the importer could not map (an older record an evidex upgrade maps
    /// differently): left out of the corpus, still in the library.
    pub library_skipped: usize,
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
/// when that file exists.
pub fn open_corpus(corpus: Option<&Path>, library: Option<&Path>) -> Result<Loaded, OpenError> {
    if let Some(p) = corpus {
        return Ok(Loaded {
            corpus: Corpus::open(p)?,
            library: None,
            library_studies: 0,
            library_skipped: 0,
        });
    }
    let bundled = Corpus::bundled()?;
    let Some(lib) = library.map(Library::open_existing).transpose()?.flatten() else {
        return Ok(Loaded {
            corpus: bundled,
            library: None,
            library_studies: 0,
            library_skipped: 0,
        });
    };
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
    Ok(Loaded {
        corpus,
        library: Some(lib.path().to_path_buf()),
        library_studies: report.imported() + report.updated(),
        library_skipped: report.skipped() + report.bad_files(),
    })
}
