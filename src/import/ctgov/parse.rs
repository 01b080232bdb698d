//! Splitting a file into studies and parsing each study's modules into the [`super::api`]
//! types, naming the field of any type error.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use serde::de::IgnoredAny;

use super::api::*;
use crate::import::scan::{Doc, ScanError};

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
pub(super) const STUDY_KEYS: [&str; 5] = [
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
        return Err(not_a_container(text));
    }
    let doc = Doc::new(text).map_err(syntax)?;
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

/// Why a text that starts with neither `{` nor `[` holds no study: it is another JSON value,
/// or not JSON (where serde says, without its position, which the error carries).
fn not_a_container(text: &str) -> ShapeError {
    match serde_json::from_str::<IgnoredAny>(text) {
        // Valid JSON that is a string, a number, true, false or null.
        Ok(_) => ShapeError::NotCtgov("a single JSON value".into()),
        Err(e) => {
            let mut message = e.to_string();
            if let Some(i) = message.rfind(" at line ") {
                message.truncate(i);
            }
            ShapeError::Syntax {
                line: e.line().max(1),
                column: e.column().max(1),
                message,
            }
        }
    }
}

/// The elements of the array `list`, each a study at its index.
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

pub(super) fn parse_members<'a>(doc: &Doc<'a>, raw: &RawStudy<'a>) -> Result<Study, String> {
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
pub(super) fn country_of<'a>(loc: &'a str, key: &memchr::memmem::Finder<'_>) -> Option<&'a str> {
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
pub(super) fn plain_string(v: &str) -> Option<&str> {
    let inner = v.strip_prefix('"')?.strip_suffix('"')?;
    (!inner.contains('\\')).then_some(inner)
}

pub(super) enum Fail {
    Scan(ScanError),
    Serde(String),
}

pub(super) fn members_of<'a>(
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
pub(super) fn module<'a, T: Deserialize<'a> + Default>(
    json: &'a str,
    path: &str,
) -> Result<T, Fail> {
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

pub(super) fn parse_protocol<'a>(doc: &Doc<'a>, json: &'a str) -> Result<Protocol, Fail> {
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
                    if k == "locations" && locs != "null" {
                        let lpath = format!("{path}.locations");
                        countries(doc, locs, &lpath, &mut p.contacts_locations_module)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(p)
}

/// Counts the sites of the list `locs` (at `lpath`) into `cl` and adds the countries not yet
/// listed, in the order first seen.
fn countries<'a>(
    doc: &Doc<'a>,
    locs: &'a str,
    lpath: &str,
    cl: &mut ContactsLocations,
) -> Result<(), Fail> {
    if !locs.starts_with('[') {
        return Err(Fail::Serde(format!("in {lpath}: expected a list")));
    }
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
            return Err(Fail::Serde(format!("in {lpath}[{i}]: expected an object")));
        }
        let Some(c) = country_of(loc, &country_key) else {
            continue;
        };
        // Most countries are plain strings: no allocation until a new one.
        let country = match plain_string(c) {
            Some(c) => std::borrow::Cow::Borrowed(c),
            None => std::borrow::Cow::Owned(
                module::<Option<String>>(c, &format!("{lpath}[{i}].country"))?.unwrap_or_default(),
            ),
        };
        let country = country.trim();
        if !country.is_empty() && !seen.contains(country) {
            seen.insert(country.to_string());
            cl.countries.push(country.to_string());
        }
    }
    Ok(())
}

pub(super) fn parse_results<'a>(doc: &Doc<'a>, json: &'a str) -> Result<Results, Fail> {
    const R: &str = "resultsSection";
    let mut r = Results::default();
    for (key, v) in members_of(doc, json, R)? {
        let path = format!("{R}.{key}");
        match key {
            "participantFlowModule" => r.participant_flow_module = module(v, &path)?,
            "outcomeMeasuresModule" => r.outcome_measures_module = module(v, &path)?,
            "adverseEventsModule" => r.adverse_events_module = Some(module(v, &path)?),
            "baselineCharacteristicsModule" => {
                r.baseline_characteristics_module = Some(module(v, &path)?)
            }
            _ => {}
        }
    }
    Ok(r)
}

/// The NCT id of a record that failed to parse, found in its text, for the message.
pub(super) fn find_nct(json: &str) -> Option<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
