//! The model of a trial's adverse events and baseline characteristics, as registry results
//! report them: [`Safety`] and [`Baseline`], held in [`super::Trial::safety`] and
//! [`super::Trial::baseline`]. Both are optional, so a corpus without them loads as before.

use serde::{Deserialize, Serialize};

use super::model::{Citation, tight};
use super::num::Num;

/// Adverse events as a registry's results report them (ClinicalTrials.gov
/// `resultsSection.adverseEventsModule`): the groups they are counted in, each group's totals,
/// and every serious and other event with its counts per group.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Safety {
    /// The groups the events are counted in.
    #[serde(deserialize_with = "tight")]
    pub groups: Vec<SafetyGroup>,
    /// The period over which events were collected, as the source words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_frame: Option<String>,
    /// How events were collected and counted, as the source words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Other (not serious) events are listed only when their frequency in some group exceeds
    /// this percentage ("5"); serious events are all listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_threshold: Option<Num>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub events: Vec<AdverseEvent>,
    pub citation: Citation,
}

/// A group adverse events are counted in: an arm of the trial, or a set of participants that
/// is not one (an open-label extension, a crossover subset).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SafetyGroup {
    /// Unique within the safety section; the registry's own (`EG000`).
    pub id: String,
    /// The group's title as the source gives it.
    pub label: String,
    /// The trial arm this group is, when it is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Participants with at least one serious adverse event, of those at risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serious: Option<Affected>,
    /// Participants with at least one other (not serious) adverse event listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<Affected>,
    /// Deaths from any cause, of those at risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deaths: Option<Affected>,
}

/// Participants affected of those at risk.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Affected {
    pub affected: u32,
    pub at_risk: u32,
}

/// One adverse-event term with its counts per group.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct AdverseEvent {
    /// The event term (a MedDRA preferred term, usually).
    pub term: String,
    /// The organ system (MedDRA system organ class) the term belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organ_system: Option<String>,
    /// A serious adverse event; else an other (not serious) one.
    pub serious: bool,
    /// Whether events were looked for systematically or reported as they came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<Assessment>,
    /// The terminology of `term` (`MedDRA 23.1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vocabulary: Option<String>,
    #[serde(deserialize_with = "tight")]
    pub counts: Vec<EventCount>,
}

/// How adverse events were assessed.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Assessment {
    Systematic,
    NonSystematic,
}

/// One group's count for an adverse-event term.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct EventCount {
    /// The id of a group of the safety section.
    pub group: String,
    /// Participants with the event.
    pub affected: u32,
    /// Participants at risk.
    pub at_risk: u32,
    /// Events counted (one participant may have several), when the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<u32>,
}

/// Baseline characteristics as a registry's results report them (ClinicalTrials.gov
/// `resultsSection.baselineCharacteristicsModule`): age, sex, race and ethnicity, region and
/// performance status, per group.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Baseline {
    /// The groups described; usually the arms and a total.
    #[serde(deserialize_with = "tight")]
    pub groups: Vec<BaselineGroup>,
    /// Who the figures describe, as the source words it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<String>,
    #[serde(deserialize_with = "tight")]
    pub characteristics: Vec<Characteristic>,
    pub citation: Citation,
}

/// A group baseline characteristics are given for.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct BaselineGroup {
    /// Unique within the baseline section; the registry's own (`BG000`).
    pub id: String,
    /// The group's title as the source gives it.
    pub label: String,
    /// The trial arm this group is, when it is one (a total is none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Participants in the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<u32>,
}

/// What a baseline characteristic describes.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum CharacteristicKind {
    #[default]
    Age,
    Sex,
    RaceEthnicity,
    Region,
    PerformanceStatus,
}

/// One baseline characteristic ("Age, Continuous") and its rows.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Characteristic {
    pub kind: CharacteristicKind,
    /// The source's title for it.
    pub title: String,
    /// What the figures are: `median`, `mean`, `count of participants`, … .
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The spread or range given beside them: `full range`, `standard deviation`, … .
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispersion: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(deserialize_with = "tight")]
    pub rows: Vec<CharacteristicRow>,
}

/// One row of a characteristic: a category (`Female`), within a class (`Race`) where the
/// source groups them, or the characteristic itself when it has one figure per group.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CharacteristicRow {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(deserialize_with = "tight")]
    pub values: Vec<BaselineValue>,
}

/// One group's figure in a baseline row.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct BaselineValue {
    /// The id of a group of the baseline section.
    pub group: String,
    pub value: Num,
    /// A standard deviation or other spread, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<Num>,
    /// The ends of a range or interval, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<Num>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<Num>,
}

/// A statement a source makes about a treatment's harms (serious adverse reactions reduced by
/// a third, late effects of radiotherapy, risks under control), with the sentence that says
/// it. Held in [`super::Trial::safety_statements`] and [`super::Therapy::safety_statements`];
/// a source's words, never counts evidex could compute with.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct SafetyStatement {
    /// What the source states, in English, every figure as the quote gives it.
    pub text: String,
    /// The trial arm the statement is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// The adverse events or harms it names, in either language (`late effects`, `后遗症`):
    /// what the `ae:` query filter matches.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub terms: Vec<String>,
    pub citation: Citation,
}
