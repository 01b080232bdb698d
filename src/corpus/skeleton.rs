//! What a corpus keeps beside its records and what a library's snapshot stores of it: every
//! trial's facts (what filters and sorting read) and evidence facts (what the filters on its
//! contents read, [`super::evidence`]), the id table and back-links, and the
//! skeleton (everything but the trials' contents) that a snapshot writes and reads back.

use serde::{Deserialize, Serialize};

use super::ids::IdTable;
use super::{
    Corpus, Design, Disease, Evidence, EvidenceLevel, Kind, Phase, Problem, Provenance, RecordRef,
    Source, Status, Therapy, Trials,
};

/// What filters and sorting read of a trial, kept in memory for every trial: a trial's record
/// may be read from disk only when it is shown (see [`super::store`]), and a filter or a sort over a
/// whole large library must not read them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub id: Box<str>,
    pub design: Design,
    pub phase: Option<Phase>,
    pub status: Status,
    pub year: Option<u16>,
    pub enrolment: Option<u32>,
    /// Positions of its diseases in the corpus (those that resolve).
    pub diseases: Box<[u32]>,
}

impl Facts {
    pub fn evidence_level(&self) -> EvidenceLevel {
        EvidenceLevel::of(self.design)
    }
}

/// The id table and back-links of a corpus, computed from its records (never stored in a
/// corpus file; a library's snapshot stores them).
#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Backlinks {
    pub(super) ids: IdTable,
    /// Stored apart (see [`SkeletonRef::facts`]).
    #[serde(skip)]
    pub(super) facts: Vec<Facts>,
    pub(super) evidence: Evidence,
    pub(super) therapy_trials: Vec<Vec<u32>>,
    pub(super) therapy_parents: Vec<Vec<u32>>,
    pub(super) disease_trials: Vec<Vec<u32>>,
    pub(super) disease_therapies: Vec<Vec<u32>>,
    pub(super) source_trials: Vec<Vec<u32>>,
}

/// Everything of a corpus but its trials' contents, borrowed for writing (a library's
/// snapshot stores it beside the trials, so that an unchanged library opens without
/// validating or linking anything again).
///
/// The sources, therapies and trials' facts, which at registry size number one or more per
/// study, are not part of what it serializes: a snapshot stores them apart, in pieces, to be
/// decoded beside the rest at the same time, never all of their bytes in memory at once.
#[derive(Serialize)]
pub struct SkeletonRef<'a> {
    #[serde(skip)]
    pub sources: &'a [Source],
    #[serde(skip)]
    pub therapies: &'a [Therapy],
    #[serde(skip)]
    pub facts: &'a [Facts],
    diseases: &'a [Disease],
    trial_count: usize,
    links: &'a Backlinks,
    warnings: &'a [Problem],
    provenance: &'a Provenance,
}

/// A [`SkeletonRef`] read back.
/// Its sources, therapies and facts are read apart and set before [`Corpus::from_skeleton`].
#[derive(Deserialize)]
pub struct Skeleton {
    #[serde(skip)]
    pub sources: Vec<Source>,
    #[serde(skip)]
    pub therapies: Vec<Therapy>,
    #[serde(skip)]
    pub facts: Vec<Facts>,
    diseases: Vec<Disease>,
    trial_count: usize,
    links: Backlinks,
    warnings: Vec<Problem>,
    provenance: Provenance,
}

impl Corpus {
    pub fn skeleton(&self) -> SkeletonRef<'_> {
        SkeletonRef {
            sources: &self.sources,
            therapies: &self.therapies,
            facts: &self.links.facts,
            diseases: &self.diseases,
            trial_count: self.trials.len(),
            links: &self.links,
            warnings: &self.warnings,
            provenance: &self.provenance,
        }
    }

    /// A corpus from a skeleton written by [`Corpus::skeleton`] and its trials, which must be
    /// as many as the skeleton's (`None` when they are not, or when a link or id points past
    /// the records: a file that does not hold what was written).
    pub fn from_skeleton(mut s: Skeleton, trials: Trials) -> Option<Corpus> {
        s.links.facts = std::mem::take(&mut s.facts);
        let counts = [
            s.trial_count,
            s.therapies.len(),
            s.diseases.len(),
            s.sources.len(),
        ];
        let fits = |r: &RecordRef| r.index < counts[Provenance::slot(r.kind)] as u32;
        let within = |lists: &[Vec<u32>], kind: Kind| {
            lists
                .iter()
                .flatten()
                .all(|&i| fits(&RecordRef { kind, index: i }))
        };
        let sound = trials.len() == s.trial_count
            && s.links.ids.sound()
            && s.links.ids.refs().all(|r| fits(&r))
            && s.links.facts.len() == counts[0]
            && s.links.evidence.sound(counts[0])
            && s.links
                .facts
                .iter()
                .flat_map(|f| f.diseases.iter())
                .all(|&d| (d as usize) < counts[2])
            && s.links.therapy_trials.len() == counts[1]
            && s.links.therapy_parents.len() == counts[1]
            && s.links.disease_trials.len() == counts[2]
            && s.links.disease_therapies.len() == counts[2]
            && s.links.source_trials.len() == counts[3]
            && within(&s.links.therapy_trials, Kind::Trial)
            && within(&s.links.therapy_parents, Kind::Therapy)
            && within(&s.links.disease_trials, Kind::Trial)
            && within(&s.links.disease_therapies, Kind::Therapy)
            && within(&s.links.source_trials, Kind::Trial)
            && s.provenance
                .library_trials
                .iter()
                .all(|&i| (i as usize) < counts[0]);
        sound.then(|| Corpus {
            sources: s.sources,
            diseases: s.diseases,
            therapies: s.therapies,
            trials,
            links: s.links,
            warnings: s.warnings,
            provenance: s.provenance,
        })
    }
}
