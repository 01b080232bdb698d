//! ClinicalTrials.gov API v2 study JSON: the shapes a file may take, the fields evidex reads,
//! and the mapping of one study onto the corpus model.
//!
//! Three file shapes are accepted: a bare study object (what
//! `https://clinicaltrials.gov/api/v2/studies/NCT…` returns), a search page
//! `{"studies": [...], "nextPageToken": ...}`, and a plain JSON array of studies. Pages and
//! arrays are split into raw elements first, so one malformed study is reported by position and
//! skipped while its neighbours import.
//!
//! The serde types below name only the fields evidex uses; everything else (and every key the
//! API adds later) is skipped unread. Every figure in the results section is a string in the API
//! ("0.96", "<0.001", "NA"); [`Text`] also accepts a JSON number, so a record that writes
//! numbers as numbers still imports. Figures are kept exactly as printed ([`Num::parse`]); a
//! figure that is not a number ("NA") is never guessed, it is reported in the outcome's note.
//!
//! Mapping decisions (also documented in data/SCHEMA.md, "Records imported from
//! ClinicalTrials.gov"): one [`Source`] per study, one [`Trial`], one draft therapy per
//! intervention and one draft disease per condition. The drafts are linked to existing records
//! (or created) by [`super::merge`]; this module never looks at the target corpus.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, Visitor};

use super::scan::{Doc, ScanError};

use crate::corpus::{
    Arm, ArmValue, Citation, Design, Interval, Names, Note, Num, Outcome, PValue, Phase, Ratio,
    Reference, Source, Status, TherapyKind, Trial,
};

// ---------------------------------------------------------------------------------------------
// The file's shape.

/// A file split into studies: the scanned text, and each study's part of it.
pub struct Split<'a> {
    pub doc: Doc<'a>,
    pub studies: Vec<RawStudy<'a>>,
}

/// A study as its raw JSON text, with its position in the file.
pub struct RawStudy<'a> {
    /// `None` for a file that is one bare study; else the index in the array or page.
    pub position: Option<usize>,
    pub json: &'a str,
    /// The study's top-level members, when the file's scan already found them.
    pub members: Option<Vec<(&'a str, &'a str)>>,
}

/// Why a file as a whole could not be read as ClinicalTrials.gov records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShapeError {
    /// Not JSON, or JSON that ends early.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// JSON, but neither a study, a page of studies nor an array.
    NotCtgov(String),
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeError::Syntax {
                line,
                column,
                message,
            } => write!(f, "{line}:{column}: not valid JSON: {message}"),
            ShapeError::NotCtgov(what) => write!(
                f,
                "not a ClinicalTrials.gov API v2 record: {what}; expected a study object with \
                 \"protocolSection\", a {{\"studies\": [...]}} page, or an array of studies \
                 (download one from https://clinicaltrials.gov/api/v2/studies/NCT…)"
            ),
        }
    }
}

/// Keys only a study object has at its top level.
const STUDY_KEYS: [&str; 5] = [
    "protocolSection",
    "resultsSection",
    "derivedSection",
    "documentSection",
    "hasResults",
];

/// Splits a file's text into studies, or says why it holds none.
///
/// A bare study is returned whole; a page or an array is split into its elements, whatever
/// they hold (each element's own problems are found when it is parsed). Only the structure is
/// scanned here (`scan.rs`); values are parsed later.
pub fn split(text: &str) -> Result<Split<'_>, ShapeError> {
    let syntax = |e: ScanError| {
        let (line, column) = e.line_col(text);
        ShapeError::Syntax {
            line,
            column,
            message: e.message.to_string(),
        }
    };
    let first = text.trim_start().as_bytes().first().copied();
    if first.is_none() {
        return Err(ShapeError::NotCtgov("the file is empty".into()));
    }
    if !matches!(first, Some(b'{' | b'[')) {
        return match serde_json::from_str::<IgnoredAny>(text) {
            // Valid JSON that is a string, a number, true, false or null.
            Ok(_) => Err(ShapeError::NotCtgov("a single JSON value".into())),
            Err(e) => {
                let mut message = e.to_string();
                if let Some(i) = message.rfind(" at line ") {
                    message.truncate(i);
                }
                Err(ShapeError::Syntax {
                    line: e.line().max(1),
                    column: e.column().max(1),
                    message,
                })
            }
        };
    }
    let doc = Doc::new(text).map_err(syntax)?;
    fn listed<'a>(doc: &Doc<'a>, list: &'a str) -> Result<Vec<RawStudy<'a>>, ScanError> {
        Ok(doc
            .elements(list)?
            .into_iter()
            .enumerate()
            .map(|(i, json)| RawStudy {
                position: Some(i),
                json,
                members: None,
            })
            .collect())
    }
    let studies = if first == Some(b'[') {
        listed(&doc, text).map_err(syntax)?
    } else {
        let members = doc.members(text).map_err(syntax)?;
        if let Some((_, list)) = members.iter().find(|(k, _)| *k == "studies") {
            match list.as_bytes().first() {
                Some(b'[') => listed(&doc, list).map_err(syntax)?,
                _ if *list == "null" => Vec::new(),
                _ => return Err(ShapeError::NotCtgov("\"studies\" is not a list".into())),
            }
        } else if members.iter().any(|(k, _)| STUDY_KEYS.contains(k)) {
            vec![RawStudy {
                position: None,
                json: text,
                members: Some(members),
            }]
        } else if members.is_empty() {
            return Err(ShapeError::NotCtgov("the object is empty".into()));
        } else {
            return Err(ShapeError::NotCtgov(format!(
                "an object with keys {}",
                members
                    .iter()
                    .take(5)
                    .map(|(k, _)| format!("{k:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    };
    Ok(Split { doc, studies })
}

// ---------------------------------------------------------------------------------------------
// API v2 types: only what evidex reads.

/// A string or number field, kept as its text. Results write figures as strings ("0.96");
/// other fields are numbers (`enrollmentInfo.count`); either is accepted everywhere.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(
                    serde_json::Number::from_f64(v)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                ))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Text {
    fn as_str(&self) -> &str {
        self.0.trim()
    }
}

fn text(t: &Option<Text>) -> Option<&str> {
    t.as_ref().map(Text::as_str).filter(|s| !s.is_empty())
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The strings seen so far, equal when `eq_ignore_ascii_case` says so: lists from the record
/// (conditions, other names, ids) are de-duplicated with one look-up per entry, not a search
/// of the entries kept, which made a list of 100,000 take minutes.
#[derive(Default)]
struct AsciiCaseSet(HashSet<String>);

impl AsciiCaseSet {
    /// Adds `s`; whether it was not there yet.
    fn insert(&mut self, s: &str) -> bool {
        self.0.insert(s.to_ascii_lowercase())
    }
}

#[derive(Debug, Default)]
pub struct Study {
    pub protocol_section: Option<Protocol>,
    pub results_section: Option<Results>,
    pub has_results: Option<bool>,
}

#[derive(Debug, Default)]
pub struct Protocol {
    pub identification_module: Identification,
    pub status_module: StatusModule,
    pub sponsor_collaborators_module: Sponsors,
    pub description_module: Description,
    pub conditions_module: Conditions,
    pub design_module: DesignModule,
    pub arms_interventions_module: ArmsInterventions,
    pub outcomes_module: OutcomesModule,
    pub contacts_locations_module: ContactsLocations,
    pub references_module: ReferencesModule,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Identification {
    pub nct_id: Option<String>,
    pub org_study_id_info: Option<IdInfo>,
    pub secondary_id_infos: Vec<IdInfo>,
    pub brief_title: Option<String>,
    pub official_title: Option<String>,
    pub acronym: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IdInfo {
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatusModule {
    pub overall_status: Option<String>,
    pub start_date_struct: Option<DateStruct>,
    pub primary_completion_date_struct: Option<DateStruct>,
    pub completion_date_struct: Option<DateStruct>,
    pub study_first_post_date_struct: Option<DateStruct>,
    pub results_first_post_date_struct: Option<DateStruct>,
    pub last_update_post_date_struct: Option<DateStruct>,
    pub last_update_submit_date: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DateStruct {
    pub date: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Sponsors {
    pub lead_sponsor: Option<NameOnly>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NameOnly {
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Description {
    pub brief_summary: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Conditions {
    pub conditions: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DesignModule {
    pub study_type: Option<String>,
    pub phases: Vec<String>,
    pub design_info: DesignInfo,
    pub enrollment_info: Option<Enrollment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DesignInfo {
    pub allocation: Option<String>,
    pub intervention_model: Option<String>,
    pub primary_purpose: Option<String>,
    pub masking_info: Option<Masking>,
    pub observational_model: Option<String>,
    pub time_perspective: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Masking {
    pub masking: Option<String>,
    pub who_masked: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Enrollment {
    pub count: Option<Text>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ArmsInterventions {
    pub arm_groups: Vec<ArmGroup>,
    pub interventions: Vec<Intervention>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ArmGroup {
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub description: Option<String>,
    pub intervention_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Intervention {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub arm_group_labels: Vec<String>,
    pub other_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OutcomesModule {
    pub primary_outcomes: Vec<PlannedOutcome>,
    pub secondary_outcomes: Vec<PlannedOutcome>,
    pub other_outcomes: Vec<PlannedOutcome>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PlannedOutcome {
    pub measure: Option<String>,
    pub description: Option<String>,
    pub time_frame: Option<String>,
}

#[derive(Debug, Default)]
pub struct ContactsLocations {
    /// How many locations (sites) the record lists.
    pub sites: usize,
    /// Their countries, each once, in order of first appearance.
    pub countries: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReferencesModule {
    pub references: Vec<RefEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RefEntry {
    pub pmid: Option<Text>,
    pub citation: Option<String>,
}

#[derive(Debug, Default)]
pub struct Results {
    pub participant_flow_module: Option<FlowModule>,
    pub outcome_measures_module: Option<MeasuresModule>,
    pub adverse_events_module: Option<AdverseEvents>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Group {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowModule {
    pub groups: Vec<Group>,
    pub periods: Vec<Period>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Period {
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Milestone {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub achievements: Vec<Achievement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Achievement {
    pub group_id: Option<String>,
    pub num_subjects: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeasuresModule {
    pub outcome_measures: Vec<Measure>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Measure {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub population_description: Option<String>,
    pub param_type: Option<String>,
    pub dispersion_type: Option<String>,
    pub unit_of_measure: Option<String>,
    pub time_frame: Option<String>,
    pub groups: Vec<Group>,
    pub denoms: Vec<Denom>,
    pub classes: Vec<MeasureClass>,
    pub analyses: Vec<Analysis>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Denom {
    pub units: Option<String>,
    pub counts: Vec<DenomCount>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DenomCount {
    pub group_id: Option<String>,
    pub value: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeasureClass {
    pub title: Option<String>,
    pub denoms: Vec<Denom>,
    pub categories: Vec<Category>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Category {
    pub title: Option<String>,
    pub measurements: Vec<Measurement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Measurement {
    pub group_id: Option<String>,
    pub value: Option<Text>,
    pub spread: Option<Text>,
    pub lower_limit: Option<Text>,
    pub upper_limit: Option<Text>,
    pub comment: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Analysis {
    pub group_ids: Vec<String>,
    pub group_description: Option<String>,
    pub non_inferiority_type: Option<String>,
    pub non_inferiority_comment: Option<String>,
    pub p_value: Option<Text>,
    pub p_value_comment: Option<String>,
    pub statistical_method: Option<String>,
    pub statistical_comment: Option<String>,
    pub param_type: Option<String>,
    pub param_value: Option<Text>,
    pub ci_pct_value: Option<Text>,
    pub ci_num_sides: Option<String>,
    pub ci_lower_limit: Option<Text>,
    pub ci_upper_limit: Option<Text>,
    pub estimate_comment: Option<String>,
}

#[derive(Debug, Default)]
pub struct AdverseEvents {
    pub time_frame: Option<String>,
    pub description: Option<String>,
    pub event_groups: Vec<EventGroup>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventGroup {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub serious_num_affected: Option<Text>,
    pub serious_num_at_risk: Option<Text>,
}

// ---------------------------------------------------------------------------------------------
// Parsing one study.

/// Why one study could not be imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordError {
    /// The NCT id, when the record got far enough to have one.
    pub nct: Option<String>,
    pub message: String,
}

/// Parses one study's JSON, naming the field of a type error. Only the modules evidex reads
/// are parsed; the rest is skipped by the scan.
pub fn parse_study<'a>(doc: &Doc<'a>, raw: &RawStudy<'a>) -> Result<Study, RecordError> {
    parse_members(doc, raw).map_err(|message| RecordError {
        nct: find_nct(raw.json),
        message,
    })
}

fn parse_members<'a>(doc: &Doc<'a>, raw: &RawStudy<'a>) -> Result<Study, String> {
    let at = |e: ScanError| {
        let (line, column) = e.line_col(doc.text());
        format!("line {line}, column {column}: {}", e.message)
    };
    let fail = |e: Fail| match e {
        Fail::Scan(e) => at(e),
        Fail::Serde(m) => m,
    };
    let scanned;
    let members = match &raw.members {
        Some(m) => m,
        None => {
            if !raw.json.starts_with('{') {
                return Err("not a JSON object, so not a study record".into());
            }
            scanned = doc.members(raw.json).map_err(at)?;
            &scanned
        }
    };
    let mut study = Study::default();
    for &(key, value) in members {
        match key {
            "protocolSection" => {
                study.protocol_section = Some(parse_protocol(doc, value).map_err(fail)?)
            }
            "resultsSection" => {
                study.results_section = Some(parse_results(doc, value).map_err(fail)?)
            }
            "hasResults" => study.has_results = serde_json::from_str(value).ok(),
            _ => {}
        }
    }
    Ok(study)
}

/// The value text of a location's `"country"` member, found by searching rather than by
/// walking all of the location's members (a record may list a thousand sites). A quoted
/// `"country"` followed by a colon can only be a key: a string value containing it would have
/// its quotes escaped. No object nested in a location has a `country` key.
fn country_of<'a>(loc: &'a str, key: &memchr::memmem::Finder<'_>) -> Option<&'a str> {
    let mut from = 0;
    while let Some(k) = key.find(&loc.as_bytes()[from..]) {
        let after = &loc[from + k + 9..];
        if let Some(rest) = after.trim_start().strip_prefix(':') {
            let rest = rest.trim_start();
            let len = if rest.starts_with('"') {
                // The end of the string: the first quote not preceded by an odd run of
                // backslashes.
                let b = rest.as_bytes();
                let mut i = 1;
                loop {
                    match b.get(i) {
                        Some(b'\\') => i += 2,
                        Some(b'"') => break i + 1,
                        Some(_) => i += 1,
                        None => return None,
                    }
                }
            } else {
                rest.find([',', '}', ' ', '\n', '\r', '\t'])
                    .unwrap_or(rest.len())
            };
            return rest.get(..len);
        }
        from += k + 9;
    }
    None
}

/// The text of a JSON string that has no escapes, without parsing it.
fn plain_string(v: &str) -> Option<&str> {
    let inner = v.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then_some(inner)
}

enum Fail {
    Scan(ScanError),
    Serde(String),
}

fn members_of<'a>(
    doc: &Doc<'a>,
    part: &'a str,
    path: &str,
) -> Result<Vec<(&'a str, &'a str)>, Fail> {
    if !part.starts_with('{') {
        if part == "null" {
            return Ok(Vec::new());
        }
        return Err(Fail::Serde(format!("in {path}: expected an object")));
    }
    doc.members(part).map_err(Fail::Scan)
}

/// Parses one module with serde, naming the field of an error from the record's top.
fn module<'a, T: Deserialize<'a> + Default>(json: &'a str, path: &str) -> Result<T, Fail> {
    if json == "null" {
        return Ok(T::default());
    }
    // Tracking the field path costs an allocation per key, so it is done only to explain an
    // error, on a second parse.
    if let Ok(v) = serde_json::from_str(json) {
        return Ok(v);
    }
    let mut de = serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|e| {
        let inner = e.path().to_string();
        let mut message = e.into_inner().to_string();
        if let Some(i) = message.rfind(" at line ") {
            message.truncate(i);
        }
        let field = if inner.is_empty() || inner == "." {
            path.to_string()
        } else {
            format!("{path}.{inner}")
        };
        Fail::Serde(format!("in {field}: {message}"))
    })
}

fn parse_protocol<'a>(doc: &Doc<'a>, json: &'a str) -> Result<Protocol, Fail> {
    const P: &str = "protocolSection";
    let mut p = Protocol::default();
    for (key, v) in members_of(doc, json, P)? {
        let path = format!("{P}.{key}");
        match key {
            "identificationModule" => p.identification_module = module(v, &path)?,
            "statusModule" => p.status_module = module(v, &path)?,
            "sponsorCollaboratorsModule" => p.sponsor_collaborators_module = module(v, &path)?,
            "descriptionModule" => p.description_module = module(v, &path)?,
            "conditionsModule" => p.conditions_module = module(v, &path)?,
            "designModule" => p.design_module = module(v, &path)?,
            "armsInterventionsModule" => p.arms_interventions_module = module(v, &path)?,
            "outcomesModule" => p.outcomes_module = module(v, &path)?,
            "referencesModule" => p.references_module = module(v, &path)?,
            "contactsLocationsModule" => {
                // Hundreds of sites, each with contacts: only the countries are read.
                for (k, locs) in members_of(doc, v, &path)? {
                    if k != "locations" || locs == "null" {
                        continue;
                    }
                    let lpath = format!("{path}.locations");
                    if !locs.starts_with('[') {
                        return Err(Fail::Serde(format!("in {lpath}: expected a list")));
                    }
                    let cl = &mut p.contacts_locations_module;
                    let country_key = memchr::memmem::Finder::new("\"country\"");
                    let mut seen: HashSet<String> = cl.countries.iter().cloned().collect();
                    for (i, loc) in doc
                        .elements(locs)
                        .map_err(Fail::Scan)?
                        .into_iter()
                        .enumerate()
                    {
                        cl.sites += 1;
                        if !loc.starts_with('{') {
                            return Err(Fail::Serde(format!(
                                "in {lpath}[{i}]: expected an object"
                            )));
                        }
                        let Some(c) = country_of(loc, &country_key) else {
                            continue;
                        };
                        // Most countries are plain strings: no allocation until a new one.
                        let country = match plain_string(c) {
                            Some(c) => std::borrow::Cow::Borrowed(c),
                            None => std::borrow::Cow::Owned(
                                module::<Option<String>>(c, &format!("{lpath}[{i}].country"))?
                                    .unwrap_or_default(),
                            ),
                        };
                        let country = country.trim();
                        if !country.is_empty() && !seen.contains(country) {
                            seen.insert(country.to_string());
                            cl.countries.push(country.to_string());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(p)
}

fn parse_results<'a>(doc: &Doc<'a>, json: &'a str) -> Result<Results, Fail> {
    const R: &str = "resultsSection";
    let mut r = Results::default();
    for (key, v) in members_of(doc, json, R)? {
        let path = format!("{R}.{key}");
        match key {
            "participantFlowModule" => r.participant_flow_module = module(v, &path)?,
            "outcomeMeasuresModule" => r.outcome_measures_module = module(v, &path)?,
            "adverseEventsModule" => {
                // Thousands of event terms: only the groups' totals are read.
                let mut ae = AdverseEvents::default();
                for (k, x) in members_of(doc, v, &path)? {
                    let here = format!("{path}.{k}");
                    match k {
                        "timeFrame" => ae.time_frame = module(x, &here)?,
                        "description" => ae.description = module(x, &here)?,
                        "eventGroups" => ae.event_groups = module(x, &here)?,
                        _ => {}
                    }
                }
                r.adverse_events_module = Some(ae);
            }
            _ => {}
        }
    }
    Ok(r)
}

/// The NCT id of a record that failed to parse, found in its text, for the message.
fn find_nct(json: &str) -> Option<String> {
    let at = json.find("\"nctId\"")?;
    let rest = &json[at + 7..];
    let start = rest.find("NCT")?;
    let id: String = rest[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    (start < 16 && is_nct(&id)).then_some(id)
}

/// `NCT` and eight digits.
pub fn is_nct(s: &str) -> bool {
    s.len() == 11 && s.starts_with("NCT") && s[3..].bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// Mapping one study onto the corpus model.

/// An intervention, before it is linked to a therapy of the target corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct TherapyDraft {
    pub name: String,
    /// The intervention's `otherNames`.
    pub other_names: Vec<String>,
    pub kind: TherapyKind,
    pub citation: Citation,
}

/// One study mapped onto the corpus model, with therapies and diseases still unlinked.
#[derive(Debug, Clone, PartialEq)]
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
    format!("ctgov-{}", nct.to_ascii_lowercase())
}

/// The public page of a study.
pub fn study_url(nct: &str) -> String {
    format!("https://clinicaltrials.gov/study/{nct}")
}

/// ClinicalTrials.gov text is Markdown with backslash escapes (`\<=50`, `regimens\*`); the
/// escapes are dropped so that quotes read as the page shows them. Nothing else changes.
pub fn unescape(s: &str) -> String {
    let s = s.trim();
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && n.is_ascii_punctuation()
        {
            out.push(n);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

fn clean_opt(s: &Option<String>) -> Option<String> {
    nonempty(s).map(unescape)
}

/// `ACTIVE_NOT_RECRUITING` → `active not recruiting`.
fn words(code: &str) -> String {
    code.trim().replace('_', " ").to_lowercase()
}

/// Maps a parsed study. Fails only when the record has no usable NCT id or title.
/// More participants than this is not a trial's enrolment but a typing or unit error.
pub const MAX_ENROLMENT: u32 = 100_000_000;

/// An enrolment count as the registry writes it: a whole number from 0 to [`MAX_ENROLMENT`].
fn enrolment_count(c: &str) -> Result<u32, String> {
    let t = c.trim();
    if t.starts_with('-') {
        return Err("is negative".into());
    }
    if !t.bytes().all(|b| b.is_ascii_digit()) || t.is_empty() {
        return Err(if t.parse::<f64>().is_ok() {
            "is not a whole number".into()
        } else {
            "is not a number".into()
        });
    }
    match t.parse::<u64>() {
        Ok(n) if n <= u64::from(MAX_ENROLMENT) => Ok(n as u32),
        _ => Err(format!("is more than {MAX_ENROLMENT} participants")),
    }
}

pub fn map_study(study: &Study) -> Result<Draft, RecordError> {
    let p = study.protocol_section.as_ref().ok_or_else(|| RecordError {
        nct: None,
        message: "no \"protocolSection\"; this is not a ClinicalTrials.gov study record".into(),
    })?;
    let idm = &p.identification_module;
    let nct = nonempty(&idm.nct_id).ok_or_else(|| RecordError {
        nct: None,
        message: "no protocolSection.identificationModule.nctId".into(),
    })?;
    if !is_nct(nct) {
        return Err(RecordError {
            nct: None,
            message: format!(
                "protocolSection.identificationModule.nctId {nct:?} is not an NCT number (NCT and eight digits)"
            ),
        });
    }
    let nct = nct.to_string();
    let brief = clean_opt(&idm.brief_title);
    let official = clean_opt(&idm.official_title);
    let title = brief
        .clone()
        .or_else(|| official.clone())
        .ok_or_else(|| RecordError {
            nct: Some(nct.clone()),
            message: "the record has neither a briefTitle nor an officialTitle".into(),
        })?;
    let src = source_id(&nct);
    let cite = |quote: &str| Citation {
        source: src.clone(),
        reference: None,
        quote: quote.to_string(),
    };

    let sm = &p.status_module;
    let date = |d: &Option<DateStruct>| {
        d.as_ref()
            .and_then(|d| nonempty(&d.date))
            .map(str::to_string)
    };
    let last_update = date(&sm.last_update_post_date_struct)
        .or_else(|| nonempty(&sm.last_update_submit_date).map(str::to_string));

    // The source: the registry record itself.
    let mut source_notes = vec![format!(
        "Imported from the ClinicalTrials.gov API v2 record {nct}{}.",
        match &last_update {
            Some(d) => format!(", last update posted {d}"),
            None => String::new(),
        }
    )];
    if let Some(d) = date(&sm.results_first_post_date_struct) {
        source_notes.push(format!("Results first posted {d}."));
    }
    let references = p
        .references_module
        .references
        .iter()
        .filter_map(|r| {
            let c = clean_opt(&r.citation)?;
            Some(match text(&r.pmid) {
                Some(pmid) => format!("{c} PMID: {pmid}"),
                None => c,
            })
        })
        .enumerate()
        .map(|(i, text)| Reference {
            number: i as u32 + 1,
            text,
            ..Default::default()
        })
        .collect();
    let source = Source {
        id: src.clone(),
        title: Names::en(&format!("ClinicalTrials.gov {nct}: {title}")),
        outlet: Some("ClinicalTrials.gov".into()),
        author: p
            .sponsor_collaborators_module
            .lead_sponsor
            .as_ref()
            .and_then(|s| clean_opt(&s.name)),
        date: last_update.clone(),
        language: "en".into(),
        url: Some(study_url(&nct)),
        references,
        notes: source_notes,
    };

    // Identity.
    let mut registry_ids = vec![nct.clone()];
    let mut seen_ids = AsciiCaseSet::default();
    seen_ids.insert(&nct);
    for id in idm
        .org_study_id_info
        .iter()
        .chain(&idm.secondary_id_infos)
        .filter_map(|i| nonempty(&i.id))
    {
        if seen_ids.insert(id) {
            registry_ids.push(id.to_string());
        }
    }
    let mut aliases = Vec::new();
    if let Some(o) = &official
        && *o != title
    {
        aliases.push(o.clone());
    }

    // Design.
    let dm = &p.design_module;
    let phase = phase(&dm.phases);
    let arm_groups = &p.arms_interventions_module.arm_groups;
    let design = design(dm, arm_groups.len());
    let design_note = design_note(dm);
    let enrolment = match dm.enrollment_info.as_ref().and_then(|e| text(&e.count)) {
        None => None,
        Some(c) => Some(enrolment_count(c).map_err(|why| RecordError {
            nct: Some(nct.clone()),
            message: format!(
                "protocolSection.designModule.enrollmentInfo.count {:?} {why}",
                crate::text::clean(c)
            ),
        })?),
    };

    // Where.
    let countries = p.contacts_locations_module.countries.clone();
    let centres = match p.contacts_locations_module.sites {
        0 => None,
        1 => Some("1 site".to_string()),
        n => Some(format!("{n} sites")),
    };

    // Interventions and arms. Assessments the registry lists as interventions (imaging,
    // questionnaires, sample collection) are not therapies: they are named in a note.
    let interventions = &p.arms_interventions_module.interventions;
    let assessments: Vec<String> = interventions
        .iter()
        .filter(|iv| is_assessment(iv.kind.as_deref().unwrap_or(""), iv.name.as_deref()))
        .filter_map(|iv| clean_opt(&iv.name))
        .collect();
    let therapies: Vec<TherapyDraft> = interventions
        .iter()
        .filter(|iv| !is_assessment(iv.kind.as_deref().unwrap_or(""), iv.name.as_deref()))
        .filter_map(|iv| {
            let name = clean_opt(&iv.name)?;
            let mut other_names: Vec<String> = Vec::new();
            let mut seen = AsciiCaseSet::default();
            seen.insert(&name);
            for o in iv.other_names.iter().map(|o| unescape(o)) {
                if !o.is_empty() && seen.insert(&o) {
                    other_names.push(o);
                }
            }
            let quote = clean_opt(&iv.description).unwrap_or_else(|| name.clone());
            Some(TherapyDraft {
                kind: therapy_kind(iv.kind.as_deref().unwrap_or("")),
                name,
                other_names,
                citation: cite(&quote),
            })
        })
        .collect();
    let mut arms = ArmSet::default();
    let randomised = dm
        .design_info
        .allocation
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case("RANDOMIZED"));
    // An arm gives the interventions that list its label, and those it names itself (`Drug:
    // Carboplatin` or `Carboplatin`), in the order of the interventions. Both are looked up,
    // so that a record with many arms and interventions is not searched arm by intervention.
    let mut by_label: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (k, iv) in interventions.iter().enumerate() {
        let Some(name) = nonempty(&iv.name) else {
            continue;
        };
        by_name
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(k);
        for l in &iv.arm_group_labels {
            by_label
                .entry(l.trim().to_ascii_lowercase())
                .or_default()
                .push(k);
        }
    }
    // Nameless interventions have no draft, so drafts are found by name.
    let mut draft_of: HashMap<&str, usize> = HashMap::new();
    for (d, t) in therapies.iter().enumerate() {
        draft_of.entry(t.name.as_str()).or_insert(d);
    }
    for g in arm_groups {
        let Some(label) = clean_opt(&g.label) else {
            continue;
        };
        let mut given: Vec<usize> = Vec::new();
        let mut add = |key: &str| {
            if let Some(ks) = by_name.get(&key.to_ascii_lowercase()) {
                given.extend(ks);
            }
        };
        for n in &g.intervention_names {
            let n = n.trim();
            add(n);
            if let Some((_, rest)) = n.split_once(':') {
                add(rest.trim());
            }
        }
        if let Some(ks) = by_label.get(&label.to_ascii_lowercase()) {
            given.extend(ks);
        }
        given.sort_unstable();
        given.dedup();
        let mut ther: Vec<usize> = Vec::new();
        let mut have: HashSet<usize> = HashSet::new();
        for k in given {
            if let Some(name) = nonempty(&interventions[k].name)
                && let Some(&d) = draft_of.get(unescape(name).as_str())
                && have.insert(d)
            {
                ther.push(d);
            }
        }
        let kind = g.kind.as_deref().unwrap_or("").to_ascii_uppercase();
        arms.push_protocol(
            label,
            clean_opt(&g.description),
            ther,
            matches!(
                kind.as_str(),
                "PLACEBO_COMPARATOR" | "ACTIVE_COMPARATOR" | "SHAM_COMPARATOR" | "NO_INTERVENTION"
            ),
            kind == "EXPERIMENTAL",
        );
    }
    arms.infer_control(randomised, &therapies);

    // Results.
    let mut outcomes = Vec::new();
    let mut notes = Vec::new();
    let mut reported_titles: HashSet<String> = HashSet::new();
    if let Some(r) = &study.results_section {
        if let Some(flow) = &r.participant_flow_module {
            arms.flow_counts(flow);
        }
        if let Some(m) = &r.outcome_measures_module {
            // Which protocol arms the result groups describe is settled before any group is
            // made an arm of its own (see `ArmSet::arm_for`).
            for g in m.outcome_measures.iter().flat_map(|x| &x.groups) {
                if let Some(t) = nonempty(&g.title) {
                    arms.arm_for(t, nonempty(&g.description), false);
                }
            }
            for measure in &m.outcome_measures {
                let before = outcomes.len();
                map_measure(measure, &mut arms, &cite, &mut outcomes, &mut notes);
                if outcomes.len() > before
                    && let Some(t) = nonempty(&measure.title)
                {
                    reported_titles.insert(fold_title(t));
                }
            }
        }
        if let Some(ae) = &r.adverse_events_module {
            map_serious_events(ae, &mut arms, &cite, &mut outcomes);
        }
    }

    // Planned outcomes that have no posted result are kept as notes, with their definitions.
    let om = &p.outcomes_module;
    for (kind, list) in [
        ("Primary", &om.primary_outcomes),
        ("Secondary", &om.secondary_outcomes),
        ("Other", &om.other_outcomes),
    ] {
        for o in list {
            let Some(measure) = clean_opt(&o.measure) else {
                continue;
            };
            if reported_titles.contains(&fold_title(&measure)) {
                continue;
            }
            let mut text = format!("{kind} outcome, no result imported");
            if let Some(tf) = clean_opt(&o.time_frame) {
                text.push_str(&format!(" (time frame: {tf})"));
            }
            let quote = match clean_opt(&o.description) {
                Some(d) => titled(&measure, &d),
                None => measure,
            };
            notes.push(Note {
                text,
                citation: Some(cite(&quote)),
            });
        }
    }

    // Dates and the summary.
    let mut facts: Vec<String> = Vec::new();
    let dated = |label: &str, d: &Option<DateStruct>| {
        let d = d.as_ref()?;
        let date = nonempty(&d.date)?;
        Some(match nonempty(&d.kind) {
            Some(k) => format!("{label} {date} ({})", words(k)),
            None => format!("{label} {date}"),
        })
    };
    facts.extend(dated("start", &sm.start_date_struct));
    facts.extend(dated(
        "primary completion",
        &sm.primary_completion_date_struct,
    ));
    facts.extend(dated("completion", &sm.completion_date_struct));
    facts.extend(dated("first posted", &sm.study_first_post_date_struct));
    facts.extend(dated(
        "results first posted",
        &sm.results_first_post_date_struct,
    ));
    facts.extend(dated(
        "last update posted",
        &sm.last_update_post_date_struct,
    ));
    if let (Some(n), Some(k)) = (
        enrolment,
        dm.enrollment_info.as_ref().and_then(|e| nonempty(&e.kind)),
    ) {
        facts.push(format!("enrolment {n} ({})", words(k)));
    }
    if !assessments.is_empty() {
        notes.push(Note {
            text: format!(
                "Assessments the registry lists as interventions, not entered as therapies: {}.",
                assessments.join(", ")
            ),
            citation: None,
        });
    }
    if !facts.is_empty() {
        notes.insert(
            0,
            Note {
                text: format!("ClinicalTrials.gov: {}.", facts.join("; ")),
                citation: None,
            },
        );
    }
    if let Some(s) = clean_opt(&p.description_module.brief_summary) {
        notes.insert(
            0,
            Note {
                text: "Brief summary (ClinicalTrials.gov)".into(),
                citation: Some(cite(&s)),
            },
        );
    }

    // Only an actual start date is a fact; an estimated one is a plan (it stays in the notes).
    let started = sm
        .start_date_struct
        .as_ref()
        .filter(|d| nonempty(&d.kind).is_some_and(|k| k.eq_ignore_ascii_case("ACTUAL")))
        .and_then(|d| nonempty(&d.date))
        .filter(|d| crate::corpus::validate::partial_date_year(d).is_some())
        .map(str::to_string);
    let has_results = !outcomes.is_empty();
    let year = date(&sm.results_first_post_date_struct)
        .filter(|_| has_results)
        .and_then(|d| d.get(..4).and_then(|y| y.parse::<u16>().ok()));
    let (arm_list, arm_therapies) = arms.finish();
    let trial = Trial {
        id: String::new(),
        acronym: clean_opt(&idm.acronym),
        registry_ids,
        title: Names::en(&title),
        aliases,
        diseases: Vec::new(),
        setting: None,
        phase,
        design,
        design_note,
        enrolment,
        countries,
        centres,
        status: status(sm.overall_status.as_deref().unwrap_or("")),
        started,
        treated: None,
        year,
        reported_in: year.map(|_| "ClinicalTrials.gov".to_string()),
        arms: arm_list,
        outcomes,
        flags: Vec::new(),
        notes,
        citations: vec![cite(official.as_deref().unwrap_or(&title))],
    };
    let conditions = p
        .conditions_module
        .conditions
        .iter()
        .map(|c| unescape(c))
        .filter(|c| !c.is_empty())
        .fold(
            (Vec::<String>::new(), AsciiCaseSet::default()),
            |(mut v, mut seen), c| {
                if seen.insert(&c) {
                    v.push(c);
                }
                (v, seen)
            },
        )
        .0;
    Ok(Draft {
        nct,
        source,
        trial,
        therapies,
        arm_therapies,
        conditions,
    })
}

/// A quote made of a measure's title and its description, both verbatim: `Title: description`,
/// or `Title. Description` when the title ends a sentence itself.
fn titled(title: &str, description: &str) -> String {
    if title.ends_with(['.', ':', '?', '!']) {
        format!("{title} {description}")
    } else {
        format!("{title}: {description}")
    }
}

fn fold_title(t: &str) -> String {
    t.trim().trim_end_matches('.').trim().to_lowercase()
}

fn phase(phases: &[String]) -> Option<Phase> {
    let has = |p: &str| phases.iter().any(|x| x.trim().eq_ignore_ascii_case(p));
    Some(match () {
        _ if has("PHASE1") && has("PHASE2") => Phase::P1_2,
        _ if has("PHASE2") && has("PHASE3") => Phase::P2_3,
        _ if has("PHASE4") => Phase::P4,
        _ if has("PHASE3") => Phase::P3,
        _ if has("PHASE2") => Phase::P2,
        _ if has("PHASE1") => Phase::P1,
        _ if has("EARLY_PHASE1") => Phase::Early1,
        _ => return None,
    })
}

fn status(s: &str) -> Status {
    match s.trim().to_ascii_uppercase().as_str() {
        "NOT_YET_RECRUITING" => Status::Planned,
        "RECRUITING" | "ENROLLING_BY_INVITATION" => Status::Recruiting,
        "ACTIVE_NOT_RECRUITING" => Status::ActiveNotRecruiting,
        "COMPLETED" => Status::Completed,
        "TERMINATED" => Status::Terminated,
        "WITHDRAWN" => Status::Withdrawn,
        "SUSPENDED" => Status::Suspended,
        _ => Status::Unknown,
    }
}

/// The design as the registry states it; never upgraded.
fn design(dm: &DesignModule, arms: usize) -> Design {
    let di = &dm.design_info;
    let is = |v: &Option<String>, x: &str| {
        v.as_deref()
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(x))
    };
    let study_type = dm
        .study_type
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    match study_type.as_str() {
        "INTERVENTIONAL" => {
            if is(&di.allocation, "RANDOMIZED") {
                Design::Rct
            } else if is(&di.allocation, "NON_RANDOMIZED") {
                Design::NonRandomised
            } else if is(&di.intervention_model, "SINGLE_GROUP") || arms == 1 {
                Design::SingleArm
            } else {
                Design::Unspecified
            }
        }
        "OBSERVATIONAL" => {
            if is(&di.time_perspective, "RETROSPECTIVE") {
                Design::Retrospective
            } else if is(&di.time_perspective, "PROSPECTIVE")
                && (is(&di.observational_model, "COHORT")
                    || is(&di.observational_model, "NATURAL_HISTORY"))
            {
                Design::ProspectiveCohort
            } else if is(&di.observational_model, "CASE_ONLY") {
                Design::CaseSeries
            } else {
                Design::Unspecified
            }
        }
        _ => Design::Unspecified,
    }
}

/// `randomized; parallel assignment; open label; primary purpose: treatment`.
fn design_note(dm: &DesignModule) -> Option<String> {
    let di = &dm.design_info;
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = nonempty(&dm.study_type)
        && !t.eq_ignore_ascii_case("INTERVENTIONAL")
    {
        parts.push(words(t));
    }
    if let Some(a) = nonempty(&di.allocation)
        && !a.eq_ignore_ascii_case("NA")
    {
        parts.push(words(a));
    }
    if let Some(m) = nonempty(&di.intervention_model) {
        parts.push(format!("{} assignment", words(m)));
    }
    if let Some(m) = nonempty(&di.observational_model) {
        parts.push(words(m));
    }
    if let Some(t) = nonempty(&di.time_perspective) {
        parts.push(words(t));
    }
    if let Some(m) = &di.masking_info
        && let Some(kind) = nonempty(&m.masking)
    {
        if kind.eq_ignore_ascii_case("NONE") {
            parts.push("open label".into());
        } else {
            let who: Vec<String> = m.who_masked.iter().map(|w| words(w)).collect();
            if who.is_empty() {
                parts.push(format!("{} masking", words(kind)));
            } else {
                parts.push(format!("{} masking ({})", words(kind), who.join(", ")));
            }
        }
    }
    if let Some(pp) = nonempty(&di.primary_purpose) {
        parts.push(format!("primary purpose: {}", words(pp)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Words that make a diagnostic-test, procedure or "other" intervention an assessment of the
/// patients rather than a treatment of them.
const ASSESSMENT_WORDS: &[&str] = &[
    "questionnaire",
    "survey",
    "quality of life",
    "qol",
    "interview",
    "assessment",
    "biospecimen",
    "specimen collection",
    "sample collection",
    "blood draw",
    "biopsy",
    "laboratory biomarker analysis",
    "biomarker analysis",
    "pharmacokinetic",
    "pharmacological study",
    "computed tomography",
    "ct",
    "ct scan",
    "magnetic resonance",
    "mri",
    "positron emission tomography",
    "pet",
    "pet ct",
    "ultrasound",
    "ultrasonography",
    "echocardiography",
    "echocardiogram",
    "electrocardiography",
    "electrocardiogram",
    "ecg",
    "ekg",
    "x ray",
    "radiography",
    "mammography",
    "bone scan",
    "scintigraphy",
    "muga",
    "multigated acquisition scan",
    "imaging",
];

/// Words that make such an intervention a treatment after all ("ultrasound-guided ablation").
const TREATMENT_WORDS: &[&str] = &[
    "guided",
    "ablation",
    "therapy",
    "treatment",
    "surgery",
    "resection",
    "embolization",
    "embolisation",
    "infusion",
    "injection",
    "transplant",
    "transplantation",
    "radiotherapy",
    "irradiation",
];

/// Whether an intervention is an assessment: a diagnostic test, procedure or other
/// intervention whose name says imaging, a questionnaire, sample collection and the like, and
/// nothing that treats.
fn is_assessment(kind: &str, name: Option<&str>) -> bool {
    let kind = kind.trim().to_ascii_uppercase();
    if !matches!(kind.as_str(), "DIAGNOSTIC_TEST" | "PROCEDURE" | "OTHER") {
        return false;
    }
    let Some(name) = name else { return false };
    let words = format!(
        " {} ",
        name.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let has = |list: &[&str]| list.iter().any(|w| words.contains(&format!(" {w} ")));
    has(ASSESSMENT_WORDS) && !has(TREATMENT_WORDS)
}

fn therapy_kind(t: &str) -> TherapyKind {
    match t.trim().to_ascii_uppercase().as_str() {
        "DRUG" | "BIOLOGICAL" => TherapyKind::Drug,
        "PROCEDURE" | "DIAGNOSTIC_TEST" => TherapyKind::Procedure,
        "RADIATION" => TherapyKind::Radiotherapy,
        "BEHAVIORAL" => TherapyKind::Strategy,
        _ => TherapyKind::Other,
    }
}

// ---------------------------------------------------------------------------------------------
// Arms and result groups.

#[derive(Default)]
struct ArmSet<'s> {
    arms: Vec<ArmEntry>,
    /// Every arm's id, and for each base id the next suffix to try (see `unique_id`).
    ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// Result group (title, description) → arm id, for groups already matched.
    memo: std::collections::HashMap<GroupKey<'s>, String>,
}

struct ArmEntry {
    arm: Arm,
    /// The label, folded for matching.
    label_key: String,
    /// The protocol's description, folded, to recognise result groups that repeat it.
    desc_key: Option<String>,
    therapies: Vec<usize>,
    experimental: bool,
    /// Created from a result group that matches no protocol arm.
    from_results: bool,
    /// A result group was matched to this protocol arm.
    matched: bool,
    /// Whether `label` was already improved from a result group's title.
    titled: bool,
}

/// A result group as the record names it, to remember which arm it matched: the same groups
/// recur in every outcome measure. Hashing reads only the title and the description's length
/// and ends (descriptions run to hundreds of bytes); equality compares them whole.
#[derive(PartialEq, Eq)]
struct GroupKey<'s> {
    title: &'s str,
    description: Option<&'s str>,
}

impl std::hash::Hash for GroupKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.title.hash(h);
        if let Some(d) = self.description {
            let b = d.as_bytes();
            b.len().hash(h);
            b[..b.len().min(16)].hash(h);
            b[b.len().saturating_sub(16)..].hash(h);
        }
    }
}

/// A name as it is compared: runs of whitespace made one space, ends trimmed, lower case.
/// Names are nearly always ASCII, which is folded in one pass with one allocation.
pub(super) fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_ascii() {
        out.make_ascii_lowercase();
        out
    } else {
        // `str::to_lowercase` knows the word-final sigma.
        out.to_lowercase()
    }
}

/// A title without a trailing parenthesised population: `Placebo (FAS)` → `Placebo`.
fn strip_population(t: &str) -> &str {
    let t = t.trim();
    if t.ends_with(')')
        && let Some(open) = t.rfind('(')
        && open > 0
    {
        return t[..open].trim_end();
    }
    t
}

impl<'s> ArmSet<'s> {
    fn push_protocol(
        &mut self,
        label: String,
        description: Option<String>,
        therapies: Vec<usize>,
        control: bool,
        experimental: bool,
    ) {
        let id = self.unique_id(&label);
        self.arms.push(ArmEntry {
            arm: Arm {
                id,
                label: Names::en(&label),
                therapies: Vec::new(),
                n: None,
                control,
            },
            label_key: fold(&label),
            desc_key: description.as_deref().map(fold),
            therapies,
            experimental,
            from_results: false,
            matched: false,
            titled: false,
        });
    }

    /// A new arm id from a label, unique among the arms, and reserved. The suffixes a base
    /// has been found to collide with are not tried again: ids are never given back.
    fn unique_id(&mut self, label: &str) -> String {
        let base = {
            let s = super::merge::slug(label, 40);
            if s.is_empty() { "arm".to_string() } else { s }
        };
        let mut id = base.clone();
        let n = self.next_suffix.entry(base.clone()).or_insert(2);
        if self.ids.contains(&id) {
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !self.ids.contains(&id) {
                    break;
                }
            }
        }
        self.ids.insert(id.clone());
        id
    }

    /// Marks a control when the registry names none: a randomised trial whose arms are all
    /// experimental but one, or an arm that gives only a placebo.
    fn infer_control(&mut self, randomised: bool, therapies: &[TherapyDraft]) {
        if self.arms.iter().any(|a| a.arm.control) {
            return;
        }
        for a in &mut self.arms {
            if !a.therapies.is_empty()
                && a.therapies.iter().all(|&i| {
                    therapies
                        .get(i)
                        .is_some_and(|t| t.name.to_lowercase().contains("placebo"))
                })
            {
                a.arm.control = true;
            }
        }
        if self.arms.iter().any(|a| a.arm.control) || !randomised || self.arms.len() < 2 {
            return;
        }
        let others: Vec<usize> = (0..self.arms.len())
            .filter(|&i| !self.arms[i].experimental)
            .collect();
        if let [only] = others[..] {
            self.arms[only].arm.control = true;
        }
    }

    /// The arm a result group (`OG000`, `FG000`, `EG000`) describes, created when the
    /// protocol has none that matches. Matching, in order: the same title; the same
    /// description; the arm's label in parentheses in the title (`… (Arm A)`); the title
    /// without a trailing population (`Placebo (FAS)`) equal to the label.
    fn arm_for(
        &mut self,
        title: &'s str,
        description: Option<&'s str>,
        create: bool,
    ) -> Option<String> {
        // The same groups recur in every outcome measure.
        let memo_key = GroupKey { title, description };
        if let Some(id) = self.memo.get(&memo_key) {
            return Some(id.clone());
        }
        let title = unescape(title);
        if title.is_empty() {
            return None;
        }
        let ft = fold(&title);
        let desc = description.map(|d| fold(&unescape(d)));
        let one = |v: Vec<usize>| if v.len() == 1 { Some(v[0]) } else { None };
        let found = self
            .arms
            .iter()
            .position(|a| a.label_key == ft)
            .or_else(|| {
                let d = desc.as_deref().filter(|d| d.len() >= 20)?;
                let same = |ad: &str| {
                    ad == d
                        || (ad.len() >= 60
                            && d.len() >= 60
                            && ad.as_bytes()[..60] == d.as_bytes()[..60])
                };
                one(self
                    .arms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| !a.from_results && a.desc_key.as_deref().is_some_and(same))
                    .map(|(i, _)| i)
                    .collect())
            })
            .or_else(|| {
                one(self
                    .arms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| !a.from_results && ft.contains(&format!("({})", a.label_key)))
                    .map(|(i, _)| i)
                    .collect())
            })
            .or_else(|| {
                let stripped = fold(strip_population(&title));
                self.arms.iter().position(|a| a.label_key == stripped)
            });
        let id = if let Some(i) = found {
            let a = &mut self.arms[i];
            a.matched = true;
            // `Arm A` says less than `Palbociclib Plus Endocrine Therapy (Arm A)`.
            if !a.titled && !a.from_results && ft.contains(&format!("({})", a.label_key)) {
                a.arm.label = Names::en(&title);
                a.label_key = ft;
                a.titled = true;
            }
            a.arm.id.clone()
        } else {
            // Once every arm of the protocol has its result group, a group left over is a
            // subset or a later period of those arms, not an arm of the comparison:
            // C-AXSPAND's `Placebo->OL CZP (SS)` and `SFE OL CZP 200 mg Q2W (SS)` are the
            // open-label extension of its two randomised arms. Its figures go to the
            // outcome's note instead.
            let protocol_covered = self.arms.iter().any(|a| !a.from_results)
                && self.arms.iter().all(|a| a.from_results || a.matched);
            if !create || protocol_covered {
                return None;
            }
            let id = self.unique_id(&title);
            self.arms.push(ArmEntry {
                arm: Arm {
                    id: id.clone(),
                    label: Names::en(&title),
                    therapies: Vec::new(),
                    n: None,
                    control: false,
                },
                label_key: ft,
                desc_key: desc,
                therapies: Vec::new(),
                experimental: false,
                from_results: true,
                matched: true,
                titled: true,
            });
            id
        };
        self.memo.insert(memo_key, id.clone());
        Some(id)
    }

    /// Arm sizes from the participant flow: the first non-zero `STARTED` count of each group.
    fn flow_counts(&mut self, flow: &'s FlowModule) {
        for g in &flow.groups {
            let (Some(gid), Some(title)) = (nonempty(&g.id), nonempty(&g.title)) else {
                continue;
            };
            let Some(arm) = self.arm_for(title, nonempty(&g.description), false) else {
                continue;
            };
            let started = flow
                .periods
                .iter()
                .flat_map(|p| &p.milestones)
                .filter(|m| nonempty(&m.kind).is_some_and(|k| k.eq_ignore_ascii_case("STARTED")))
                .flat_map(|m| &m.achievements)
                .filter(|a| nonempty(&a.group_id) == Some(gid))
                .filter_map(|a| text(&a.num_subjects)?.parse::<u32>().ok())
                .find(|&n| n > 0);
            if let Some(n) = started
                && let Some(e) = self.arms.iter_mut().find(|e| e.arm.id == arm)
                && e.arm.n.is_none()
            {
                e.arm.n = Some(n);
            }
        }
    }

    fn finish(self) -> (Vec<Arm>, Vec<Vec<usize>>) {
        self.arms.into_iter().map(|e| (e.arm, e.therapies)).unzip()
    }
}

// ---------------------------------------------------------------------------------------------
// Outcome measures.

/// The canonical endpoint code of a measure: a known endpoint named in the title, else the
/// title's own abbreviation (`(iDFS)` → `IDFS`), else the measure's type.
fn endpoint_code(title: &str, kind: &str) -> String {
    let t = title.to_lowercase();
    // Safety first: `… Serious Adverse Events (SAEs)` is SAE, `… (TEAEs)` is AE.
    if t.contains("serious adverse event") {
        return "SAE".into();
    }
    if t.contains("adverse event") {
        return "AE".into();
    }
    // Then the registry's own abbreviation: `Invasive Disease Free Survival (iDFS)` is IDFS,
    // not DFS.
    if let Some(abbr) = abbreviation(title) {
        return abbr;
    }
    const KNOWN: &[(&str, &str)] = &[
        ("overall survival", "OS"),
        ("progression-free survival", "PFS"),
        ("progression free survival", "PFS"),
        ("disease-free survival", "DFS"),
        ("disease free survival", "DFS"),
        ("event-free survival", "EFS"),
        ("event free survival", "EFS"),
        ("time to progression", "TTP"),
        ("objective response", "ORR"),
        ("overall response", "ORR"),
        ("disease control", "DCR"),
        ("pathologic complete response", "PCR"),
        ("pathological complete response", "PCR"),
        ("complete response", "CR"),
    ];
    for (words, code) in KNOWN {
        if t.contains(words) {
            return code.to_string();
        }
    }
    match kind.trim().to_ascii_uppercase().as_str() {
        "PRIMARY" => "PRIMARY".into(),
        "SECONDARY" => "SECONDARY".into(),
        _ => "OTHER".into(),
    }
}

/// The last parenthesised abbreviation of a title: `(iDFS)`, `(ASDAS-MI)`; not `(yes vs no)`.
fn abbreviation(title: &str) -> Option<String> {
    let mut best = None;
    let mut rest = title;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else { break };
        let inner = after[..close].trim();
        let upper = inner.chars().filter(char::is_ascii_uppercase).count();
        if (2..=15).contains(&inner.len())
            && upper >= 2
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        {
            // A plural of an abbreviation: `TEAEs` is TEAE.
            let singular = match inner.strip_suffix('s') {
                Some(stem) if stem.ends_with(|c: char| c.is_ascii_uppercase()) => stem,
                _ => inner,
            };
            best = Some(singular.to_ascii_uppercase());
        }
        rest = &after[close + 1..];
    }
    best
}

fn lower_is_better(title: &str) -> bool {
    let t = title.to_lowercase();
    [
        "adverse",
        "toxicit",
        "dose-limiting",
        "dose limiting",
        "mortality",
        "death",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// The unit as evidex writes it: `%` for a percentage of participants whose values all lie in
/// 0–100, `patients` for participant counts, durations in lower case, anything else verbatim.
fn unit(measure: &Measure, values: &[&str]) -> Option<String> {
    let raw = nonempty(&measure.unit_of_measure)?;
    let u = raw.to_lowercase();
    let param = measure
        .param_type
        .as_deref()
        .unwrap_or("")
        .to_ascii_uppercase();
    if u.starts_with("percent")
        && (u.contains("participant") || u.contains("patient") || u.contains("subject"))
        && values
            .iter()
            .all(|v| Num::parse(v).is_none_or(|n| (0.0..=100.0).contains(&n.value())))
    {
        return Some("%".into());
    }
    if param == "COUNT_OF_PARTICIPANTS"
        || matches!(u.as_str(), "participants" | "patients" | "subjects")
    {
        return Some("patients".into());
    }
    if matches!(u.as_str(), "months" | "weeks" | "days" | "years" | "hours") {
        return Some(u);
    }
    Some(unescape(raw))
}

/// A leading comparator of a figure: `<0.5` → (`<`, `0.5`).
fn split_comparator(s: &str) -> (Option<&'static str>, &str) {
    let s = s.trim();
    for (p, c) in [
        ("<=", "<="),
        (">=", ">="),
        ("≤", "<="),
        ("≥", ">="),
        ("<", "<"),
        (">", ">"),
        ("~", "~"),
    ] {
        if let Some(rest) = s.strip_prefix(p) {
            return (Some(c), rest.trim_start());
        }
    }
    (None, s)
}

/// Confidence level named by a dispersion type: `95% Confidence Interval` → 95.
fn ci_level(dispersion: &str) -> Option<Num> {
    let d = dispersion.to_lowercase();
    if !d.contains("confidence interval") {
        return None;
    }
    let digits: String = d
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    Num::parse(&digits)
}

fn denominators(denoms: &[Denom]) -> Vec<(String, u32)> {
    denoms
        .iter()
        .filter(|d| {
            nonempty(&d.units).is_none_or(|u| {
                let u = u.to_lowercase();
                u.contains("participant") || u.contains("patient") || u.contains("subject")
            })
        })
        .flat_map(|d| &d.counts)
        .filter_map(|c| {
            Some((
                nonempty(&c.group_id)?.to_string(),
                text(&c.value)?.parse().ok()?,
            ))
        })
        .collect()
}

fn map_measure<'s>(
    m: &'s Measure,
    arms: &mut ArmSet<'s>,
    cite: &dyn Fn(&str) -> Citation,
    outcomes: &mut Vec<Outcome>,
    notes: &mut Vec<Note>,
) {
    let Some(title) = clean_opt(&m.title) else {
        return;
    };
    let kind = m.kind.as_deref().unwrap_or("");
    let endpoint = endpoint_code(&title, kind);
    let quote = match clean_opt(&m.description) {
        Some(d) => titled(&title, &d),
        None => title.clone(),
    };
    // Result groups → arms.
    let mut group_arm: Vec<(String, String, String)> = Vec::new(); // (group id, arm id, title)
    // Groups that are no arm of the protocol: (group id, title).
    let mut outside: Vec<(&str, String)> = Vec::new();
    for g in &m.groups {
        let (Some(gid), Some(gt)) = (nonempty(&g.id), nonempty(&g.title)) else {
            continue;
        };
        match arms.arm_for(gt, nonempty(&g.description), true) {
            Some(arm) => group_arm.push((gid.to_string(), arm, unescape(gt))),
            None => outside.push((gid, unescape(gt))),
        }
    }
    let arm_of = |gid: &str| group_arm.iter().find(|(g, _, _)| g == gid);
    let measure_denoms = denominators(&m.denoms);
    let param = m.param_type.as_deref().unwrap_or("").to_ascii_uppercase();
    let dispersion = nonempty(&m.dispersion_type).unwrap_or("");
    let level = ci_level(dispersion);
    let all_values: Vec<&str> = m
        .classes
        .iter()
        .flat_map(|c| &c.categories)
        .flat_map(|c| &c.measurements)
        .filter_map(|x| text(&x.value))
        .collect();
    let unit = unit(m, &all_values);
    let higher_is_better = !lower_is_better(&title);
    let cells: Vec<(&MeasureClass, &Category)> = m
        .classes
        .iter()
        .flat_map(|c| c.categories.iter().map(move |cat| (c, cat)))
        .collect();
    let single = cells.len() == 1;
    let mut first_of_measure = true;
    for (class, cat) in &cells {
        let denoms = {
            let d = denominators(&class.denoms);
            if d.is_empty() {
                measure_denoms.clone()
            } else {
                d
            }
        };
        let mut values = Vec::new();
        let mut missing: Vec<String> = Vec::new();
        let mut spreads: Vec<String> = Vec::new();
        let mut others: Vec<String> = Vec::new();
        for x in &cat.measurements {
            let Some(gid) = nonempty(&x.group_id) else {
                continue;
            };
            let Some((_, arm, gtitle)) = arm_of(gid) else {
                if let Some((_, t)) = outside.iter().find(|(g, _)| *g == gid) {
                    let mut s = format!("{t}: {}", text(&x.value).unwrap_or("no value"));
                    if let Some(c) = clean_opt(&x.comment) {
                        s.push_str(&format!(" ({c})"));
                    }
                    others.push(s);
                }
                continue;
            };
            let raw = text(&x.value).unwrap_or("");
            let (comparator, figure) = split_comparator(raw);
            let Some(value) = Num::parse(figure) else {
                let mut s = format!(
                    "{gtitle}: {}",
                    if raw.is_empty() { "no value" } else { raw }
                );
                if let Some(c) = clean_opt(&x.comment) {
                    s.push_str(&format!(" ({c})"));
                }
                missing.push(s);
                continue;
            };
            let mut v = ArmValue {
                arm: Some(arm.clone()),
                value,
                comparator: comparator.map(str::to_string),
                ..Default::default()
            };
            if param == "COUNT_OF_PARTICIPANTS"
                && comparator.is_none()
                && let Ok(n) = figure.parse::<u32>()
            {
                v.count = Some(n);
                if let Some((_, of)) = denoms.iter().find(|(g, _)| g == gid)
                    && n <= *of
                {
                    v.of = Some(*of);
                }
            }
            let (lo, hi) = (text(&x.lower_limit), text(&x.upper_limit));
            match (
                level.as_ref(),
                lo.and_then(Num::parse),
                hi.and_then(Num::parse),
            ) {
                (Some(lvl), Some(low), Some(high)) => {
                    v.ci = Some(Box::new(Interval {
                        low,
                        high,
                        level: (lvl.text() != "95").then(|| lvl.clone()),
                    }));
                }
                _ => {
                    if lo.is_some() || hi.is_some() {
                        spreads.push(format!(
                            "{gtitle}: {} to {}",
                            lo.unwrap_or("NA"),
                            hi.unwrap_or("NA")
                        ));
                    }
                }
            }
            if let Some(s) = text(&x.spread) {
                spreads.push(format!("{gtitle}: {s}"));
            }
            if let Some(c) = clean_opt(&x.comment) {
                spreads.push(format!("{gtitle}: {c}"));
            }
            values.push(v);
        }

        let mut note: Vec<String> = Vec::new();
        if let Some(p) = nonempty(&m.param_type)
            && !p.eq_ignore_ascii_case("NUMBER")
        {
            note.push(match dispersion {
                "" => words(p),
                d => format!("{} ({})", words(p), d.to_lowercase()),
            });
        }
        if let Some(tf) = clean_opt(&m.time_frame) {
            note.push(format!("time frame: {tf}"));
        }
        if !spreads.is_empty() {
            let what = if dispersion.is_empty() {
                "details"
            } else {
                dispersion
            };
            note.push(format!("{}: {}", what.to_lowercase(), spreads.join("; ")));
        }
        if !missing.is_empty() {
            note.push(format!("not a number: {}", missing.join("; ")));
        }
        if !others.is_empty() {
            note.push(format!(
                "groups outside the protocol's arms: {}",
                others.join("; ")
            ));
        }
        let subgroup = clean_opt(&class.title);
        let label = match clean_opt(&cat.title) {
            Some(c) => format!("{title}: {c}"),
            None => title.clone(),
        };
        if values.is_empty() {
            notes.push(Note {
                text: format!(
                    "Outcome measure not imported, no numeric value{}{}",
                    subgroup
                        .as_deref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default(),
                    if missing.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", missing.join("; "))
                    }
                ),
                citation: Some(cite(&quote)),
            });
            continue;
        }
        let base = Outcome {
            endpoint: endpoint.clone(),
            label: Some(label),
            unit: unit.clone(),
            higher_is_better,
            values,
            hr: None,
            p: None,
            subgroup,
            note: None,
            citation: cite(&quote),
        };
        // Analyses belong to the measure, not to one class; they are attached only where the
        // measure has a single figure per group.
        let analyses: Vec<&Analysis> = if single && first_of_measure {
            m.analyses.iter().collect()
        } else {
            Vec::new()
        };
        first_of_measure = false;
        let covers_all = |a: &Analysis| {
            base.values.iter().all(|v| {
                a.group_ids
                    .iter()
                    .any(|g| arm_of(g.trim()).map(|(_, arm, _)| Some(arm)) == Some(v.arm.as_ref()))
            })
        };
        match analyses.as_slice() {
            [] => {
                let mut o = base;
                o.note = (!note.is_empty()).then(|| join_note(&note));
                outcomes.push(o);
            }
            [a] if covers_all(a) => {
                let mut o = base;
                let extra = apply_analysis(&mut o, a, &|g| arm_of(g).map(|x| x.2.clone()));
                note.extend(extra);
                o.note = (!note.is_empty()).then(|| join_note(&note));
                outcomes.push(o);
            }
            many => {
                // Each analysis compares its own groups: one outcome per analysis, with the
                // values of those groups, after the outcome with every group's value.
                let mut all = base.clone();
                all.note = (!note.is_empty()).then(|| join_note(&note));
                let mut per = Vec::new();
                for (k, a) in many.iter().enumerate() {
                    let arms_in: Vec<String> = a
                        .group_ids
                        .iter()
                        .filter_map(|g| arm_of(g.trim()).map(|x| x.1.clone()))
                        .collect();
                    let mut o = base.clone();
                    o.values
                        .retain(|v| v.arm.as_ref().is_some_and(|x| arms_in.contains(x)));
                    if o.values.is_empty() {
                        continue;
                    }
                    let names: Vec<String> = a
                        .group_ids
                        .iter()
                        .filter_map(|g| arm_of(g.trim()).map(|x| x.2.clone()))
                        .collect();
                    o.label = Some(format!(
                        "{} (analysis {}: {})",
                        base.label.as_deref().unwrap_or(&title),
                        k + 1,
                        names.join(" vs ")
                    ));
                    let mut n = note.clone();
                    n.extend(apply_analysis(&mut o, a, &|g| {
                        arm_of(g).map(|x| x.2.clone())
                    }));
                    o.note = (!n.is_empty()).then(|| join_note(&n));
                    per.push(o);
                }
                // The comparison view shows an endpoint's first outcome: put the analysed ones
                // first so their hazard ratios are the ones compared.
                outcomes.extend(per);
                outcomes.push(all);
            }
        }
    }
}

/// Note parts as sentences: each capitalised, each ending in a full stop.
fn join_note(parts: &[String]) -> String {
    let sentence = |p: &String| {
        let mut c = p.chars();
        let mut s = match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => String::new(),
        };
        if !s.ends_with(['.', '!', '?']) {
            s.push('.');
        }
        s
    };
    parts.iter().map(sentence).collect::<Vec<_>>().join(" ")
}

/// Puts an analysis on an outcome: a ratio (HR, OR, RR) in `hr`, the p-value in `p`; what the
/// model has no field for (a difference, a one-sided bound, the method) is returned as note
/// text, figures as printed.
fn apply_analysis(
    o: &mut Outcome,
    a: &Analysis,
    group_title: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut note = Vec::new();
    let param = nonempty(&a.param_type).unwrap_or("");
    let pl = param.to_lowercase();
    let kind = if pl.contains("hazard ratio") {
        Some("HR")
    } else if pl.contains("odds ratio") {
        Some("OR")
    } else if pl.contains("risk ratio") || pl.contains("relative risk") {
        Some("RR")
    } else {
        None
    };
    let value = text(&a.param_value);
    let level = text(&a.ci_pct_value).and_then(Num::parse);
    let (lo, hi) = (text(&a.ci_lower_limit), text(&a.ci_upper_limit));
    let two_sided = nonempty(&a.ci_num_sides).is_none_or(|s| s.eq_ignore_ascii_case("TWO_SIDED"));
    let groups: Vec<String> = a
        .group_ids
        .iter()
        .filter_map(|g| group_title(g.trim()))
        .collect();
    let mut described = false;
    if let (Some(k), Some(v)) = (kind, value.and_then(Num::parse))
        && v.value() > 0.0
    {
        let ci = match (lo.and_then(Num::parse), hi.and_then(Num::parse)) {
            (Some(low), Some(high))
                if two_sided
                    && low.value() > 0.0
                    && low.value() <= v.value()
                    && v.value() <= high.value() =>
            {
                Some(Interval {
                    low,
                    high,
                    level: level.clone().filter(|l| l.text() != "95"),
                })
            }
            _ => None,
        };
        if ci.is_none() && (lo.is_some() || hi.is_some()) {
            note.push(ci_text(
                param,
                value.unwrap_or(""),
                &level,
                lo,
                hi,
                two_sided,
            ));
        }
        o.hr = Some(Ratio {
            value: v,
            ci,
            kind: (k != "HR").then(|| k.to_string()),
        });
        described = true;
    }
    if !described && (value.is_some() || !param.is_empty()) {
        note.push(ci_text(
            param,
            value.unwrap_or(""),
            &level,
            lo,
            hi,
            two_sided,
        ));
    }
    if let Some(p) = text(&a.p_value) {
        match PValue::parse(p) {
            Some(pv) if (0.0..=1.0).contains(&pv.value.value()) => o.p = Some(pv),
            _ => note.push(format!("p-value: {p}")),
        }
    }
    if groups.len() >= 2 {
        note.push(format!("compared: {}", groups.join(" vs ")));
    }
    if let Some(m) = nonempty(&a.statistical_method) {
        note.push(format!("method: {}", unescape(m)));
    }
    if let Some(ni) = nonempty(&a.non_inferiority_type)
        && !ni.eq_ignore_ascii_case("OTHER")
    {
        note.push(format!("non-inferiority type: {}", words(ni)));
    }
    for c in [
        &a.group_description,
        &a.estimate_comment,
        &a.p_value_comment,
        &a.statistical_comment,
        &a.non_inferiority_comment,
    ] {
        if let Some(c) = clean_opt(c) {
            note.push(c);
        }
    }
    note
}

/// `LS Mean Difference -2.13 (90% CI -2.72 to -1.55)`.
fn ci_text(
    param: &str,
    value: &str,
    level: &Option<Num>,
    lo: Option<&str>,
    hi: Option<&str>,
    two_sided: bool,
) -> String {
    let mut s = format!("{} {}", unescape(param), value).trim().to_string();
    if lo.is_some() || hi.is_some() {
        let lvl = level
            .as_ref()
            .map_or("95".to_string(), |l| l.text().to_string());
        let sides = if two_sided { "" } else { "one-sided " };
        s.push_str(&format!(
            " ({sides}{lvl}% CI {} to {})",
            lo.unwrap_or("NA"),
            hi.unwrap_or("NA")
        ));
    }
    s
}

/// Participants with a serious adverse event, per group, from the adverse-events module.
fn map_serious_events<'s>(
    ae: &'s AdverseEvents,
    arms: &mut ArmSet<'s>,
    cite: &dyn Fn(&str) -> Citation,
    outcomes: &mut Vec<Outcome>,
) {
    // The quote must be the record's own words: the module's description, else its time frame.
    let Some(quote) = clean_opt(&ae.description)
        .or_else(|| clean_opt(&ae.time_frame).map(|tf| format!("Adverse events time frame: {tf}")))
    else {
        return;
    };
    let mut values = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for g in &ae.event_groups {
        let Some(title) = nonempty(&g.title) else {
            continue;
        };
        let Some(n) = text(&g.serious_num_affected).and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Some(arm) = arms.arm_for(title, nonempty(&g.description), true) else {
            others.push(format!("{}: {n}", unescape(title)));
            continue;
        };
        let of = text(&g.serious_num_at_risk)
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|&of| of >= n);
        values.push(ArmValue {
            arm: Some(arm),
            value: Num::from_f64(f64::from(n)),
            count: Some(n),
            of,
            ..Default::default()
        });
    }
    if values.is_empty() {
        return;
    }
    outcomes.push(Outcome {
        endpoint: "SAE".into(),
        label: Some("Participants with serious adverse events".into()),
        unit: Some("patients".into()),
        higher_is_better: false,
        values,
        hr: None,
        p: None,
        subgroup: None,
        note: {
            let mut note: Vec<String> = Vec::new();
            if let Some(tf) = clean_opt(&ae.time_frame) {
                note.push(format!("Time frame: {tf}."));
            }
            if !others.is_empty() {
                note.push(format!(
                    "Groups outside the protocol's arms: {}.",
                    others.join("; ")
                ));
            }
            (!note.is_empty()).then(|| note.join(" "))
        },
        citation: cite(&quote),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assessments_are_not_therapies() {
        for (kind, name) in [
            ("PROCEDURE", "Biospecimen Collection"),
            ("PROCEDURE", "Computed Tomography"),
            ("PROCEDURE", "Magnetic Resonance Imaging"),
            ("PROCEDURE", "Echocardiography Test"),
            ("OTHER", "Questionnaire Administration"),
            ("OTHER", "Quality-of-Life Assessment"),
            ("DIAGNOSTIC_TEST", "PET-CT"),
            ("DIAGNOSTIC_TEST", "Biopsy"),
        ] {
            assert!(is_assessment(kind, Some(name)), "{kind} {name}");
        }
        for (kind, name) in [
            ("DRUG", "Questionnaire-guided dosing"),
            ("PROCEDURE", "Ultrasound-guided Ablation"),
            ("PROCEDURE", "Transarterial Chemoembolization"),
            ("PROCEDURE", "Surgery"),
            ("OTHER", "Observation Activity"),
            ("OTHER", "Placebo"),
            ("RADIATION", "Image-guided Radiation Therapy"),
            ("DIAGNOSTIC_TEST", "ctDNA-guided adjuvant chemotherapy"),
            ("PROCEDURE", "Pet therapy"),
        ] {
            assert!(!is_assessment(kind, Some(name)), "{kind} {name}");
        }
    }

    #[test]
    fn folding_names() {
        assert_eq!(fold("  Placebo \n\t QW "), "placebo qw");
        assert_eq!(fold(""), "");
        // Not ASCII: the full Unicode lower case, word-final sigma included.
        assert_eq!(fold("ΟΔΟΣ  Ärm"), "οδος ärm");
        assert_eq!(fold("ΟΔΟΣ"), "ΟΔΟΣ".to_lowercase());
    }

    #[test]
    fn abbreviations_and_endpoints() {
        assert_eq!(
            endpoint_code("Invasive Disease Free Survival (iDFS)", "PRIMARY"),
            "IDFS"
        );
        assert_eq!(endpoint_code("Overall Survival (OS)", "SECONDARY"), "OS");
        assert_eq!(
            endpoint_code("Overall survival at 5 years", "SECONDARY"),
            "OS"
        );
        assert_eq!(
            endpoint_code("Plasma concentration (yes vs no)", "PRIMARY"),
            "PRIMARY"
        );
        assert_eq!(endpoint_code("Something", "OTHER_PRE_SPECIFIED"), "OTHER");
    }

    #[test]
    fn markdown_escapes_are_dropped() {
        assert_eq!(unescape(r"age (\<=50 vs \>50)"), "age (<=50 vs >50)");
        assert_eq!(unescape(r"regimens\* based"), "regimens* based");
        assert_eq!(unescape(r"a\b"), r"a\b");
    }

    #[test]
    fn shapes() {
        assert!(matches!(split("{\"a\": 1}"), Err(ShapeError::NotCtgov(_))));
        assert!(matches!(split("[1, {]"), Err(ShapeError::Syntax { .. })));
        assert!(matches!(split("\"x\""), Err(ShapeError::NotCtgov(_))));
        assert!(matches!(split(""), Err(ShapeError::NotCtgov(_))));
        let count = |t: &str| split(t).map(|s| s.studies.len()).ok();
        assert_eq!(count("[{}, 2]"), Some(2));
        assert_eq!(count("{\"studies\": [{}]}"), Some(1));
        assert_eq!(count("{\"protocolSection\": {}}"), Some(1));
        let text = "{\"protocolSection\": {}}";
        let one = split(text).map(|s| s.studies.into_iter().map(|r| r.position).collect());
        assert_eq!(one.ok(), Some(vec![None::<usize>]));
    }

    #[test]
    fn comparators_and_levels() {
        assert_eq!(split_comparator("<0.5"), (Some("<"), "0.5"));
        assert_eq!(split_comparator("12"), (None, "12"));
        assert_eq!(
            ci_level("90% Confidence Interval").map(|n| n.value()),
            Some(90.0)
        );
        assert!(ci_level("Standard Deviation").is_none());
    }
}
