//! The corpus: sources, diseases, therapies and trials, loaded, validated and cross-linked.
//!
//! [`Corpus`] is immutable once built and is shared (`Arc`) by the search index, the TUI and
//! the CLI. Records are addressed by [`RecordRef`] (kind + position), ids are resolved once,
//! and back-links (a therapy's trials, a disease's therapies) are computed here, never stored
//! in the file.

pub mod evidence;
pub mod ids;
pub mod load;
pub mod model;
pub mod num;
pub mod safety;
pub mod skeleton;
pub mod store;
pub mod trial;
pub mod validate;

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use evidence::Evidence;
use ids::IdTable;
pub use load::LoadError;
pub use model::*;
pub use num::{Cmp, Num, PValue};
pub use safety::*;
use skeleton::Backlinks;
pub use skeleton::{Facts, Skeleton, SkeletonRef};
pub use store::{TrialSource, Trials};
pub use validate::{Problem, Severity};

/// The corpus compiled into the binary.
pub const BUNDLED: &[u8] = include_bytes!("../../data/corpus.json");
/// The name the bundled corpus goes by in messages.
pub const BUNDLED_NAME: &str = "<bundled corpus>";

/// What kind of record a [`RecordRef`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Kind {
    Trial,
    Therapy,
    Disease,
    Source,
}

impl Kind {
    /// Every kind, in the order of their discriminants (what a stored [`RecordRef`] holds).
    pub const ALL: [Kind; 4] = [Kind::Trial, Kind::Therapy, Kind::Disease, Kind::Source];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Trial => "trial",
            Kind::Therapy => "therapy",
            Kind::Disease => "disease",
            Kind::Source => "source",
        }
    }

    /// Three-letter badge for lists.
    pub fn badge(self) -> &'static str {
        match self {
            Kind::Trial => "TRL",
            Kind::Therapy => "THX",
            Kind::Disease => "DIS",
            Kind::Source => "SRC",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "trial" | "trials" | "study" | "studies" => Kind::Trial,
            "therapy" | "therapies" | "drug" | "drugs" | "treatment" => Kind::Therapy,
            "disease" | "diseases" | "condition" => Kind::Disease,
            "source" | "sources" | "article" => Kind::Source,
            _ => return None,
        })
    }
}

/// A record in the corpus, by kind and position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RecordRef {
    pub kind: Kind,
    pub index: u32,
}

impl RecordRef {
    pub fn new(kind: Kind, index: usize) -> Self {
        RecordRef {
            kind,
            index: index as u32,
        }
    }
}

/// A record's place as a snapshot stores it: its kind's byte, then its position.
impl crate::raw::Plain for RecordRef {
    const WIDTH: usize = 5;

    fn put(self, out: &mut Vec<u8>) {
        out.push(self.kind as u8);
        crate::raw::Plain::put(self.index, out);
    }

    #[inline]
    fn take(b: &[u8]) -> Option<RecordRef> {
        Some(RecordRef {
            kind: *Kind::ALL.get(b[0] as usize)?,
            index: <u32 as crate::raw::Plain>::take(&b[1..])?,
        })
    }
}

/// The evidence level derived from a study's design (see data/SCHEMA.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EvidenceLevel(pub u8);

impl EvidenceLevel {
    pub fn of(design: Design) -> Self {
        EvidenceLevel(match design {
            Design::Rct => 1,
            Design::NonRandomised | Design::ProspectiveCohort => 2,
            Design::PropensityMatched | Design::Retrospective => 3,
            Design::SingleArm | Design::CaseSeries => 4,
            Design::CaseReport
            | Design::ExpertOpinion
            | Design::Guideline
            | Design::Epidemiological => 5,
            Design::Unspecified => EvidenceLevel::UNRATED.0,
        })
    }

    /// A study whose source does not state its design: not rated rather than guessed.
    pub const UNRATED: EvidenceLevel = EvidenceLevel(6);

    pub fn meaning(self) -> &'static str {
        match self.0 {
            6 => "the source does not state the design",
            1 => "randomised controlled evidence",
            2 => "controlled or prospective, not randomised",
            3 => "retrospective comparison",
            4 => "one arm, no comparator",
            _ => "single case, opinion or figure without a study",
        }
    }
}

impl std::fmt::Display for EvidenceLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if *self == EvidenceLevel::UNRATED {
            f.write_str("unrated")
        } else {
            write!(f, "level {}", self.0)
        }
    }
}

/// A loaded, validated, cross-linked corpus.
#[derive(Debug, Default)]
pub struct Corpus {
    pub sources: Vec<Source>,
    pub diseases: Vec<Disease>,
    pub therapies: Vec<Therapy>,
    pub trials: Trials,
    links: Backlinks,
    /// Warnings found while validating (the corpus loaded despite them).
    pub warnings: Vec<Problem>,
    /// Where the records came from: the bundled corpus, the library, or one file.
    pub provenance: Provenance,
}

/// Where a corpus's records came from, for `source:bundled` and `source:library`.
///
/// The bundled corpus comes first in a corpus it is part of, so the first `bundled[k]` records
/// of each kind are its own (in the order trials, therapies, diseases, sources).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub bundled: [usize; 4],
    /// Indices of the trials that hold a library record, sorted: the library's own trials and
    /// the bundled trials it enriches.
    pub library_trials: Vec<u32>,
}

impl Provenance {
    fn slot(kind: Kind) -> usize {
        match kind {
            Kind::Trial => 0,
            Kind::Therapy => 1,
            Kind::Disease => 2,
            Kind::Source => 3,
        }
    }

    /// Whether a record is one of the bundled corpus's.
    pub fn is_bundled(&self, r: RecordRef) -> bool {
        (r.index as usize) < self.bundled[Provenance::slot(r.kind)]
    }

    /// Whether a trial holds a library record.
    pub fn is_library_trial(&self, index: u32) -> bool {
        self.library_trials.binary_search(&index).is_ok()
    }
}

impl Corpus {
    /// Loads the bundled corpus. It is tested in CI, so an error here is a build defect; it is
    /// still reported, not unwrapped.
    pub fn bundled() -> Result<Corpus, LoadError> {
        let mut c = Corpus::from_bytes(Path::new(BUNDLED_NAME), BUNDLED.to_vec())?;
        c.provenance.bundled = [
            c.trials.len(),
            c.therapies.len(),
            c.diseases.len(),
            c.sources.len(),
        ];
        Ok(c)
    }

    /// The corpus a command or the browser opens: the file given (`--corpus`), else the bundled
    /// corpus. The one place that choice is made.
    pub fn open_or_bundled(path: Option<&Path>) -> Result<Corpus, LoadError> {
        match path {
            Some(p) => Corpus::open(p),
            None => Corpus::bundled(),
        }
    }

    /// Loads and validates a corpus file.
    pub fn open(path: &Path) -> Result<Corpus, LoadError> {
        let (file, text) = load::read_file(path)?;
        Corpus::build(path, file, Some(&text))
    }

    /// Loads and validates a corpus from bytes; `path` names it in messages.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Corpus, LoadError> {
        let text = load::decode(path, bytes)?;
        let file = load::parse(path, &text)?;
        Corpus::build(path, file, Some(&text))
    }

    /// Validates a parsed file and links it; `text`, when given, supplies line numbers.
    pub fn build(path: &Path, file: CorpusFile, text: Option<&str>) -> Result<Corpus, LoadError> {
        let problems = validate::validate(&file, text);
        let (errors, warnings): (Vec<_>, Vec<_>) = problems
            .into_iter()
            .partition(|p| p.severity == Severity::Error);
        if !errors.is_empty() {
            return Err(LoadError::Invalid {
                path: path.to_path_buf(),
                problems: errors,
            });
        }
        let mut c = Corpus::link(file);
        c.warnings = warnings;
        Ok(c)
    }

    /// Builds the id table and back-links of a file already known to be valid.
    fn link(file: CorpusFile) -> Corpus {
        let CorpusFile {
            sources,
            diseases,
            therapies,
            trials,
            ..
        } = file;
        let ids = id_table(&sources, &diseases, &therapies, &trials);
        let index_of =
            |kind: Kind, id: &str| ids.get(id).filter(|r| r.kind == kind).map(|r| r.index);
        let (mut therapy_trials, disease_trials, source_trials) = trial_links(
            &trials,
            &index_of,
            [therapies.len(), diseases.len(), sources.len()],
        );
        let (therapy_parents, disease_therapies) =
            therapy_links(&therapies, &index_of, diseases.len());
        inherit_parents_trials(&mut therapy_trials, &therapy_parents);
        let evidence = Evidence::of(&trials);
        let facts = trials
            .iter()
            .map(|t| Facts {
                id: t.id.as_str().into(),
                design: t.design,
                phase: t.phase,
                status: t.status,
                year: t.year,
                enrolment: t.enrolment,
                diseases: t
                    .diseases
                    .iter()
                    .filter_map(|d| index_of(Kind::Disease, d))
                    .collect(),
            })
            .collect();
        Corpus {
            sources,
            diseases,
            therapies,
            trials: trials.into(),
            links: Backlinks {
                ids: IdTable::from(&ids),
                facts,
                evidence,
                therapy_trials,
                therapy_parents,
                disease_trials,
                disease_therapies,
                source_trials,
            },
            warnings: Vec::new(),
            provenance: Provenance::default(),
        }
    }

    pub fn resolve(&self, id: &str) -> Option<RecordRef> {
        self.links.ids.get(id)
    }

    pub fn trial(&self, i: u32) -> &Trial {
        &self.trials[i as usize]
    }

    /// What filters and sorting read of trial `i`, without reading its record.
    pub fn facts(&self, i: u32) -> &Facts {
        &self.links.facts[i as usize]
    }

    /// What the filters on trials' contents and `sort:effect` read, without reading any
    /// trial's record.
    pub fn evidence(&self) -> &Evidence {
        &self.links.evidence
    }

    pub fn therapy(&self, i: u32) -> &Therapy {
        &self.therapies[i as usize]
    }

    pub fn disease(&self, i: u32) -> &Disease {
        &self.diseases[i as usize]
    }

    pub fn source(&self, i: u32) -> &Source {
        &self.sources[i as usize]
    }

    pub fn therapy_by_id(&self, id: &str) -> Option<&Therapy> {
        match self.resolve(id)? {
            RecordRef {
                kind: Kind::Therapy,
                index,
            } => Some(self.therapy(index)),
            _ => None,
        }
    }

    pub fn disease_by_id(&self, id: &str) -> Option<&Disease> {
        match self.resolve(id)? {
            RecordRef {
                kind: Kind::Disease,
                index,
            } => Some(self.disease(index)),
            _ => None,
        }
    }

    pub fn source_by_id(&self, id: &str) -> Option<&Source> {
        match self.resolve(id)? {
            RecordRef {
                kind: Kind::Source,
                index,
            } => Some(self.source(index)),
            _ => None,
        }
    }

    /// The id of any record.
    pub fn id_of(&self, r: RecordRef) -> &str {
        let i = r.index as usize;
        match r.kind {
            Kind::Trial => &self.links.facts[i].id,
            Kind::Therapy => &self.therapies[i].id,
            Kind::Disease => &self.diseases[i].id,
            Kind::Source => &self.sources[i].id,
        }
    }

    /// The display name of any record in `lang`: a trial's acronym when it has one.
    pub fn name_of(&self, r: RecordRef, lang: Lang) -> &str {
        let i = r.index as usize;
        match r.kind {
            Kind::Trial => {
                let t = &self.trials[i];
                t.acronym.as_deref().unwrap_or_else(|| t.title.get(lang))
            }
            Kind::Therapy => self.therapies[i].name.get(lang),
            Kind::Disease => self.diseases[i].name.get(lang),
            Kind::Source => self.sources[i].title.get(lang),
        }
    }

    /// Trials that test a therapy, directly or as part of a regimen.
    pub fn trials_of_therapy(&self, i: u32) -> &[u32] {
        &self.links.therapy_trials[i as usize]
    }

    /// Regimens that include a therapy.
    pub fn regimens_with(&self, i: u32) -> &[u32] {
        &self.links.therapy_parents[i as usize]
    }

    pub fn trials_of_disease(&self, i: u32) -> &[u32] {
        &self.links.disease_trials[i as usize]
    }

    pub fn therapies_of_disease(&self, i: u32) -> &[u32] {
        &self.links.disease_therapies[i as usize]
    }

    /// Trials that cite a source, in file order.
    pub fn trials_of_source(&self, i: u32) -> &[u32] {
        &self.links.source_trials[i as usize]
    }

    /// Every record, trials first.
    pub fn records(&self) -> impl Iterator<Item = RecordRef> + '_ {
        (0..self.trials.len())
            .map(|i| RecordRef::new(Kind::Trial, i))
            .chain((0..self.therapies.len()).map(|i| RecordRef::new(Kind::Therapy, i)))
            .chain((0..self.diseases.len()).map(|i| RecordRef::new(Kind::Disease, i)))
            .chain((0..self.sources.len()).map(|i| RecordRef::new(Kind::Source, i)))
    }

    pub fn len(&self) -> usize {
        self.trials.len() + self.therapies.len() + self.diseases.len() + self.sources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Converts back to the file model (for writing merged or imported corpora).
    pub fn to_file(&self) -> CorpusFile {
        CorpusFile {
            schema_version: crate::corpus::SCHEMA_VERSION,
            sources: self.sources.clone(),
            diseases: self.diseases.clone(),
            therapies: self.therapies.clone(),
            trials: self.trials.to_vec(),
            ignored: Vec::new(),
        }
    }
}

fn push_unique(v: &mut Vec<u32>, x: u32) {
    if !v.contains(&x) {
        v.push(x);
    }
}

impl Trial {
    pub fn evidence_level(&self) -> EvidenceLevel {
        EvidenceLevel::of(self.design)
    }

    /// Whether the study has no result yet (planned or still recruiting, nothing reported).
    pub fn awaiting_results(&self) -> bool {
        self.outcomes.is_empty() && matches!(self.status, Status::Planned | Status::Recruiting)
    }

    pub fn arm(&self, id: &str) -> Option<&Arm> {
        self.arms.iter().find(|a| a.id == id)
    }

    /// The arm compared against, if the trial marks one.
    pub fn control_arm(&self) -> Option<&Arm> {
        self.arms.iter().find(|a| a.control)
    }
}

/// Every record's id, to where it is.
fn id_table(
    sources: &[Source],
    diseases: &[Disease],
    therapies: &[Therapy],
    trials: &[Trial],
) -> HashMap<String, RecordRef> {
    let mut ids =
        HashMap::with_capacity(sources.len() + diseases.len() + therapies.len() + trials.len());
    for (i, r) in sources.iter().enumerate() {
        ids.insert(r.id.clone(), RecordRef::new(Kind::Source, i));
    }
    for (i, r) in diseases.iter().enumerate() {
        ids.insert(r.id.clone(), RecordRef::new(Kind::Disease, i));
    }
    for (i, r) in therapies.iter().enumerate() {
        ids.insert(r.id.clone(), RecordRef::new(Kind::Therapy, i));
    }
    for (i, r) in trials.iter().enumerate() {
        ids.insert(r.id.clone(), RecordRef::new(Kind::Trial, i));
    }
    ids
}

/// For each record of a kind, the indices of the records of another linked to it.
type Links = Vec<Vec<u32>>;

/// The trials of each of the `therapies`, `diseases` and `sources`, in the trials' order.
fn trial_links(
    trials: &[Trial],
    index_of: &impl Fn(Kind, &str) -> Option<u32>,
    [therapies, diseases, sources]: [usize; 3],
) -> (Links, Links, Links) {
    let mut therapy_trials = vec![Vec::new(); therapies];
    let mut disease_trials = vec![Vec::new(); diseases];
    let mut source_trials = vec![Vec::new(); sources];
    // Trials are visited in order, so a trial already listed is the last one listed.
    let push_trial = |v: &mut Vec<u32>, ti: u32| {
        if v.last() != Some(&ti) {
            v.push(ti);
        }
    };
    for (ti, t) in trials.iter().enumerate() {
        for th in t.arms.iter().flat_map(|a| &a.therapies) {
            if let Some(i) = index_of(Kind::Therapy, th) {
                push_trial(&mut therapy_trials[i as usize], ti as u32);
            }
        }
        for d in &t.diseases {
            if let Some(i) = index_of(Kind::Disease, d) {
                push_trial(&mut disease_trials[i as usize], ti as u32);
            }
        }
        for cit in &t.citations {
            if let Some(i) = index_of(Kind::Source, &cit.source) {
                push_trial(&mut source_trials[i as usize], ti as u32);
            }
        }
    }
    (therapy_trials, disease_trials, source_trials)
}

/// The regimens each therapy is a component of, and the therapies indicated for each of the
/// `diseases`.
fn therapy_links(
    therapies: &[Therapy],
    index_of: &impl Fn(Kind, &str) -> Option<u32>,
    diseases: usize,
) -> (Links, Links) {
    let mut therapy_parents = vec![Vec::new(); therapies.len()];
    let mut disease_therapies = vec![Vec::new(); diseases];
    for (pi, t) in therapies.iter().enumerate() {
        for comp in &t.components {
            if let Some(i) = index_of(Kind::Therapy, comp) {
                push_unique(&mut therapy_parents[i as usize], pi as u32);
            }
        }
        for d in t.indications.iter().filter_map(|i| i.disease.as_deref()) {
            if let Some(i) = index_of(Kind::Disease, d) {
                push_unique(&mut disease_therapies[i as usize], pi as u32);
            }
        }
    }
    (therapy_parents, disease_therapies)
}

/// A regimen's component is tested wherever the regimen is: each therapy's trials take in
/// those of the regimens it is part of, at any depth.
fn inherit_parents_trials(therapy_trials: &mut [Vec<u32>], therapy_parents: &[Vec<u32>]) {
    for pi in 0..therapy_trials.len() {
        let mut parents = therapy_parents[pi].clone();
        let mut seen = 0;
        while seen < parents.len() {
            let p = parents[seen] as usize;
            seen += 1;
            for &gp in &therapy_parents[p] {
                if !parents.contains(&gp) && gp as usize != pi {
                    parents.push(gp);
                }
            }
        }
        if parents.is_empty() {
            continue;
        }
        let mut all = std::mem::take(&mut therapy_trials[pi]);
        for p in parents {
            all.extend_from_slice(&therapy_trials[p as usize]);
        }
        all.sort_unstable();
        all.dedup();
        therapy_trials[pi] = all;
    }
}
