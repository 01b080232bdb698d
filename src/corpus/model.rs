//! The corpus as it is stored on disk: the serde types of `data/corpus.json`.
//!
//! These types are plain data. Fields they do not know are ignored and reported as warnings
//! (see [`CorpusFile::ignored`]), so files from newer versions still open. They are deserialised with path-aware errors by
//! [`super::load`], checked by [`super::validate`] and indexed by [`super::Corpus`].
//! `data/SCHEMA.md` documents every field; keep the two in step.

use serde::{Deserialize, Serialize};

use super::num::{Num, PValue};
use super::safety::{Baseline, Safety};

/// Deserialises a list and frees the room its growth left unused. A list read from JSON grows
/// by doubling (room for four outcomes where a trial has one), and in a registry-sized corpus
/// that slack is most of the memory the records take; freed at once, it never piles up.
pub(super) fn tight<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut v = Vec::<T>::deserialize(d)?;
    v.shrink_to_fit();
    Ok(v)
}

/// The schema version this program reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CorpusFile {
    /// Schema version; this program reads [`SCHEMA_VERSION`].
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sources: Vec<Source>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub diseases: Vec<Disease>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub therapies: Vec<Therapy>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub trials: Vec<Trial>,
    /// Paths of fields the file has but this schema does not (`trials[3].titel`): ignored
    /// when reading, and reported as warnings so a misspelt field does not pass unseen.
    #[serde(skip)]
    pub ignored: Vec<String>,
}

fn schema_version() -> u32 {
    SCHEMA_VERSION
}

/// A name in English and in Chinese; at least one of the two is present.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Names {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
}

/// Which language the user wants names shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn toggle(self) -> Self {
        match self {
            Lang::En => Lang::Zh,
            Lang::Zh => Lang::En,
        }
    }
}

impl Names {
    pub fn en(en: &str) -> Self {
        Names {
            en: Some(en.to_string()),
            zh: None,
        }
    }

    /// The name in `lang`, falling back to the other language.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::En => (&self.en, &self.zh),
            Lang::Zh => (&self.zh, &self.en),
        };
        first
            .as_deref()
            .filter(|s| !s.is_empty())
            .or(second.as_deref())
            .unwrap_or("")
    }

    pub fn is_empty(&self) -> bool {
        self.en.as_deref().unwrap_or("").trim().is_empty()
            && self.zh.as_deref().unwrap_or("").trim().is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.en.as_deref().into_iter().chain(self.zh.as_deref())
    }
}

/// Where a fact comes from: a source, the article's own reference number, and the sentence.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Citation {
    /// Id of a [`Source`].
    pub source: String,
    /// The reference number the article gives for this fact (`[4]` → 4), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<u32>,
    /// The supporting sentence, copied verbatim in the source's language.
    pub quote: String,
}

/// An article or publication the corpus was built from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub id: String,
    pub title: Names,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// ISO date, possibly partial (`2025`, `2025-12`, `2025-12-30`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// BCP 47 tag: `zh-Hans`, `zh-Hant`, `en`.
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The article's own numbered reference list.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub references: Vec<Reference>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub notes: Vec<String>,
}

/// One entry of a source's reference list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Reference {
    pub number: u32,
    /// The reference as printed.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authors: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
}

/// A disease or condition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Disease {
    pub id: String,
    pub name: Names,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<String>,
    /// A broader disease this one belongs to (e.g. ICC → primary liver cancer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub notes: Vec<Note>,
}

impl Disease {
    /// The name lists and tables use: the first alias (the abbreviation clinicians use, HCC),
    /// else the name in `lang`.
    pub fn short_name(&self, lang: Lang) -> &str {
        self.aliases
            .first()
            .map_or_else(|| self.name.get(lang), String::as_str)
    }
}

/// What kind of intervention a therapy is.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum TherapyKind {
    #[default]
    Drug,
    Regimen,
    Procedure,
    CellTherapy,
    Radiotherapy,
    Surgery,
    Strategy,
    Other,
}

impl TherapyKind {
    pub fn label(self) -> &'static str {
        match self {
            TherapyKind::Drug => "drug",
            TherapyKind::Regimen => "regimen",
            TherapyKind::Procedure => "procedure",
            TherapyKind::CellTherapy => "cell therapy",
            TherapyKind::Radiotherapy => "radiotherapy",
            TherapyKind::Surgery => "surgery",
            TherapyKind::Strategy => "strategy",
            TherapyKind::Other => "other",
        }
    }
}

/// A drug, regimen, procedure, cell therapy or treatment strategy.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Therapy {
    pub id: String,
    pub name: Names,
    /// Brand and generic names, codes, abbreviations, in either language.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<String>,
    pub kind: TherapyKind,
    /// Drug class, e.g. "PD-L1 inhibitor".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub targets: Vec<String>,
    /// For regimens: the therapy ids it combines.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub components: Vec<String>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub indications: Vec<Indication>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub approvals: Vec<Approval>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub costs: Vec<Note>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub notes: Vec<Note>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub citations: Vec<Citation>,
}

/// A use of a therapy: disease, setting or line, biomarker.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Indication {
    /// Id of a [`Disease`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disease: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biomarker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
}

/// A regulatory approval stated by a source.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Approval {
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indication: Option<String>,
    pub citation: Citation,
}

/// A free-text statement, with the sentence that supports it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
}

/// How a study was designed, as its source describes it (never upgraded).
#[derive(
    Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord,
)]
#[serde(rename_all = "kebab-case")]
pub enum Design {
    /// Randomised controlled trial.
    Rct,
    /// Controlled, not randomised.
    NonRandomised,
    /// Prospective, one arm.
    SingleArm,
    /// Prospective cohort or registry.
    ProspectiveCohort,
    /// Retrospective comparison matched by propensity score.
    PropensityMatched,
    /// Retrospective study.
    Retrospective,
    /// Case series.
    CaseSeries,
    /// A single patient.
    CaseReport,
    /// Population or registry statistics quoted without a study.
    Epidemiological,
    /// A guideline, consensus or review.
    Guideline,
    /// A programme, care model or expert statement with no study behind it.
    ExpertOpinion,
    /// The source does not say.
    #[default]
    Unspecified,
}

impl Design {
    pub fn label(self) -> &'static str {
        match self {
            Design::Rct => "randomised controlled",
            Design::NonRandomised => "non-randomised controlled",
            Design::SingleArm => "single-arm",
            Design::ProspectiveCohort => "prospective cohort",
            Design::PropensityMatched => "propensity-matched",
            Design::Retrospective => "retrospective",
            Design::CaseSeries => "case series",
            Design::CaseReport => "case report",
            Design::Epidemiological => "epidemiological data",
            Design::Guideline => "guideline / review",
            Design::ExpertOpinion => "expert opinion",
            Design::Unspecified => "design not stated",
        }
    }

    /// The short code used by the `design:` filter.
    pub fn code(self) -> &'static str {
        match self {
            Design::Rct => "rct",
            Design::NonRandomised => "non-randomised",
            Design::SingleArm => "single-arm",
            Design::ProspectiveCohort => "prospective-cohort",
            Design::PropensityMatched => "propensity-matched",
            Design::Retrospective => "retrospective",
            Design::CaseSeries => "case-series",
            Design::CaseReport => "case-report",
            Design::Epidemiological => "epidemiological",
            Design::Guideline => "guideline",
            Design::ExpertOpinion => "expert-opinion",
            Design::Unspecified => "unspecified",
        }
    }

    pub const ALL: [Design; 12] = [
        Design::Rct,
        Design::NonRandomised,
        Design::SingleArm,
        Design::ProspectiveCohort,
        Design::PropensityMatched,
        Design::Retrospective,
        Design::CaseSeries,
        Design::CaseReport,
        Design::Epidemiological,
        Design::Guideline,
        Design::ExpertOpinion,
        Design::Unspecified,
    ];
}

/// Trial phase.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    #[serde(rename = "early-1")]
    Early1,
    #[serde(rename = "1")]
    P1,
    #[serde(rename = "1/2")]
    P1_2,
    #[serde(rename = "2")]
    P2,
    #[serde(rename = "2/3")]
    P2_3,
    #[serde(rename = "3")]
    P3,
    #[serde(rename = "4")]
    P4,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Early1 => "early phase 1",
            Phase::P1 => "phase 1",
            Phase::P1_2 => "phase 1/2",
            Phase::P2 => "phase 2",
            Phase::P2_3 => "phase 2/3",
            Phase::P3 => "phase 3",
            Phase::P4 => "phase 4",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            Phase::Early1 => "Ph0/1",
            Phase::P1 => "Ph1",
            Phase::P1_2 => "Ph1/2",
            Phase::P2 => "Ph2",
            Phase::P2_3 => "Ph2/3",
            Phase::P3 => "Ph3",
            Phase::P4 => "Ph4",
        }
    }

    /// The phase's digits, as typed in a `phase:` filter (`3`, `1/2`).
    pub fn code(self) -> &'static str {
        match self {
            Phase::Early1 => "early-1",
            Phase::P1 => "1",
            Phase::P1_2 => "1/2",
            Phase::P2 => "2",
            Phase::P2_3 => "2/3",
            Phase::P3 => "3",
            Phase::P4 => "4",
        }
    }
}

/// Recruitment status.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Planned,
    Recruiting,
    ActiveNotRecruiting,
    Completed,
    Terminated,
    Withdrawn,
    Suspended,
    #[default]
    Unknown,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Recruiting => "recruiting",
            Status::ActiveNotRecruiting => "active, not recruiting",
            Status::Completed => "completed",
            Status::Terminated => "terminated",
            Status::Withdrawn => "withdrawn",
            Status::Suspended => "suspended",
            Status::Unknown => "status unknown",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::Recruiting => "recruiting",
            Status::ActiveNotRecruiting => "active-not-recruiting",
            Status::Completed => "completed",
            Status::Terminated => "terminated",
            Status::Withdrawn => "withdrawn",
            Status::Suspended => "suspended",
            Status::Unknown => "unknown",
        }
    }
}

/// A clinical trial, or any study: retrospective series, case series, single case,
/// population statistic. Whatever reports an outcome.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Trial {
    pub id: String,
    /// Short name as clinicians say it (EMERALD-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    /// NCT…, ChiCTR…, EudraCT…, only where a source prints them.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub registry_ids: Vec<String>,
    pub title: Names,
    /// Other names the study is known by (first author + year, "LEAP 012").
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<String>,
    /// Disease ids.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub diseases: Vec<String>,
    /// Stage, setting or population ("BCLC B, embolisation-eligible").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<Phase>,
    #[serde(default)]
    pub design: Design,
    /// Extra design words as the source gives them ("multicentre, double-blind").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub design_note: Option<String>,
    /// Patients enrolled (or analysed, when that is all the source gives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolment: Option<u32>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub countries: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centres: Option<String>,
    #[serde(default)]
    pub status: Status,
    /// When the study started, as a partial ISO date (`2025`, `2024-09`), where a source says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    /// For a case report: when the treatment the case reports was given (partial ISO date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treated: Option<String>,
    /// Year the reported result was published or presented: never a start, treatment or
    /// approval year (those have `started`, `treated` and a therapy's `approvals`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// Journal or congress where the result was reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_in: Option<String>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub arms: Vec<Arm>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub outcomes: Vec<Outcome>,
    /// Problems the source itself has (figures that do not add up, …).
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub flags: Vec<String>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub notes: Vec<Note>,
    #[serde(deserialize_with = "tight")]
    pub citations: Vec<Citation>,
    /// Adverse events per group, as a registry's results report them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety: Option<Box<Safety>>,
    /// Baseline characteristics per group, as a registry's results report them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Box<Baseline>>,
}

/// One arm of a trial.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Arm {
    /// Unique within the trial, referenced by outcome values.
    pub id: String,
    pub label: Names,
    /// Therapy ids given in this arm.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub therapies: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
    /// The arm the others are compared with.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub control: bool,
}

/// A reported result: one endpoint, its value per arm, and the comparison between arms.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Outcome {
    /// Canonical abbreviation: PFS, OS, ORR, DCR, CR, PR, SD, IPFS, MRD-NEG, CONVERSION,
    /// RESECTION, SURVIVAL-1Y, SURVIVAL-2Y, SURVIVAL-5Y, CURE, LATE-EFFECTS, TTP, COST, … .
    pub endpoint: String,
    /// What the source calls it, if more precise than the endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `months`, `%`, `patients`, `years`, `CNY`, … .
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Whether larger values are better (true for survival and response, false for toxicity
    /// and cost); decides which value the comparison marks best.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub higher_is_better: bool,
    #[serde(deserialize_with = "tight")]
    pub values: Vec<ArmValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hr: Option<Ratio>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<PValue>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subgroup: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub citation: Citation,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// One arm's value for an outcome.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ArmValue {
    /// Arm id within the trial; absent for a single-population figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// The figure as the source gives it. With `comparator` it is a bound ("<10", ">=90").
    pub value: Num,
    /// `<`, `<=`, `>`, `>=` or `~` when the source gives a bound or an approximation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comparator: Option<String>,
    /// Upper end when the source gives a range ("2 to 6 months").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<Num>,
    /// Patients with the event, when the source gives the count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Denominator for `count`, when the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub of: Option<u32>,
    /// Boxed: most values have none, and a registry holds millions of values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<Box<Interval>>,
}

/// A hazard ratio (or odds ratio) with its interval.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Ratio {
    pub value: Num,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<Interval>,
    /// `HR` unless stated (`OR`, `RR`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A confidence interval.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Interval {
    pub low: Num,
    pub high: Num,
    /// Confidence level in percent; 95 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Num>,
}
