//! A study mapped from a registry, before it is linked to the records of a corpus.

use crate::corpus::{Citation, Source, TherapyKind, Trial};

/// What a stored [`Draft`] was mapped by: the library keeps drafts as JSON and maps the
/// registry's text again when this (or evidex's version) differs from the one that wrote them.
/// Raise it with any change to the mapping or to the draft's shape.
pub const MAPPING: u32 = 1;

/// An intervention, before it is linked to a therapy of the target corpus.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TherapyDraft {
    pub name: String,
    /// The intervention's `otherNames`.
    pub other_names: Vec<String>,
    pub kind: TherapyKind,
    pub citation: Citation,
}

/// One study mapped onto the corpus model, with therapies and diseases still unlinked.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Draft {
    /// The NCT id.
    pub nct: String,
    pub source: Source,
    /// The trial; `id` is empty, `diseases` empty, and each arm's `therapies` empty: they are
    /// filled in by the merge from `conditions` and `arm_therapies`.
    pub trial: Trial,
    pub therapies: Vec<TherapyDraft>,
    /// For each arm of `trial`, indices into `therapies`.
    pub arm_therapies: Vec<Vec<usize>>,
    /// Condition names as the record gives them.
    pub conditions: Vec<String>,
}

/// The id of the source record of a study: `ctgov-nct02513394`.
pub fn source_id(nct: &str) -> String {
    format!(
        "{}{}",
        crate::corpus::REGISTRY_SOURCE_PREFIX,
        nct.to_ascii_lowercase()
    )
}

/// The public page of a study.
pub fn study_url(nct: &str) -> String {
    format!("https://clinicaltrials.gov/study/{nct}")
}
