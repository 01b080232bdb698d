//! A study as the corpus stores it: its design, phase and status, arms, outcomes with their
//! values, ratios and intervals.

use serde::{Deserialize, Serialize};

use super::model::{Citation, Names, Note, tight};
use super::num::{Num, PValue};
use super::safety::{Baseline, Safety, SafetyStatement};

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

/// Which line of treatment a study's patients receive, as a source states it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Line {
    /// First line: untreated for this disease (stage).
    First,
    /// Second line: after one earlier treatment.
    Second,
    /// Third line or later.
    Later,
    /// Relapsed, recurrent or refractory disease where the source numbers no line.
    Relapsed,
    /// After surgery (or other definitive treatment), to prevent recurrence.
    Adjuvant,
    /// Before surgery.
    Neoadjuvant,
    /// Maintenance after a response.
    Maintenance,
}

impl Line {
    pub const ALL: [Line; 7] = [
        Line::First,
        Line::Second,
        Line::Later,
        Line::Relapsed,
        Line::Adjuvant,
        Line::Neoadjuvant,
        Line::Maintenance,
    ];

    /// The code in the corpus and in a `line:` filter.
    pub fn code(self) -> &'static str {
        match self {
            Line::First => "first",
            Line::Second => "second",
            Line::Later => "later",
            Line::Relapsed => "relapsed",
            Line::Adjuvant => "adjuvant",
            Line::Neoadjuvant => "neoadjuvant",
            Line::Maintenance => "maintenance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Line::First => "first line",
            Line::Second => "second line",
            Line::Later => "third line or later",
            Line::Relapsed => "relapsed or recurrent disease (no line number stated)",
            Line::Adjuvant => "adjuvant",
            Line::Neoadjuvant => "neoadjuvant",
            Line::Maintenance => "maintenance",
        }
    }

    /// The line a `line:` value names: a code, its start, or a number (`1`, `2`, `3+`).
    pub fn parse(v: &str) -> Option<Line> {
        let v = v.trim().to_ascii_lowercase();
        let v = v.trim_end_matches("-line").trim_end_matches("line");
        match v {
            "1" | "1st" => return Some(Line::First),
            "2" | "2nd" => return Some(Line::Second),
            "3" | "3+" | "3rd" | "later" | "third" => return Some(Line::Later),
            "recurrent" | "refractory" | "relapsed-refractory" | "r/r" => {
                return Some(Line::Relapsed);
            }
            _ => {}
        }
        let mut found = Line::ALL
            .iter()
            .filter(|l| !v.is_empty() && l.code().starts_with(v));
        match (found.next(), found.next()) {
            (Some(&l), None) => Some(l),
            _ => None,
        }
    }
}

/// A study's line of therapy and the sentence of its source that states it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LineOfTherapy {
    pub line: Line,
    pub citation: Citation,
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
    /// The line of therapy, only where a source states it (with its quote).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<LineOfTherapy>,
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
    /// What the sources state about the trial's harms, with their quotes.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub safety_statements: Vec<SafetyStatement>,
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
