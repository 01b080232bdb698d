//! A registry study made ready to store: the columns of `studies` and `outcomes` read from the
//! parts of its JSON they come from, its draft mapped by the importer, and the values of the
//! fields whose changes are kept.

use serde_json::Value;

use crate::import::Event;
use crate::import::draft::Draft;

/// One study, ready to store.
pub(super) struct Row {
    pub(super) nct: String,
    pub(super) last_update: Option<String>,
    pub(super) phase: Option<String>,
    pub(super) status: Option<String>,
    pub(super) enrolment: Option<i64>,
    pub(super) enrolment_type: Option<String>,
    pub(super) title: String,
    pub(super) conditions: String,
    pub(super) primary_outcomes: String,
    pub(super) results_first_posted: Option<String>,
    pub(super) primary_completion: Option<String>,
    pub(super) completion: Option<String>,
    pub(super) has_results: bool,
    pub(super) draft: Vec<u8>,
    pub(super) raw: String,
    pub(super) outcomes: Vec<OutcomeRow>,
}

pub(super) struct OutcomeRow {
    pub(super) endpoint: String,
    pub(super) label: Option<String>,
    pub(super) unit: Option<String>,
    pub(super) ratio_kind: Option<String>,
    pub(super) ratio: Option<f64>,
    pub(super) ci_low: Option<f64>,
    pub(super) ci_high: Option<f64>,
    pub(super) p: Option<String>,
}

/// The fields whose changes are kept, as named in `changes.field`.
pub const TRACKED: [&str; 6] = [
    "status",
    "enrolment",
    "primary_outcomes",
    "results_first_posted",
    "primary_completion",
    "completion",
];

impl Row {
    /// The tracked fields' values, in the order of [`TRACKED`].
    pub(super) fn tracked(&self) -> [Option<String>; 6] {
        [
            self.status.clone(),
            enrolment_text(self.enrolment, self.enrolment_type.as_deref()),
            Some(self.primary_outcomes.clone()),
            self.results_first_posted.clone(),
            self.primary_completion.clone(),
            self.completion.clone(),
        ]
    }
}

/// `5796 (actual)`: the count with the registry's kind of figure, which changes from
/// estimated to actual when recruitment ends.
pub(super) fn enrolment_text(count: Option<i64>, kind: Option<&str>) -> Option<String> {
    count.map(|n| match kind {
        Some(k) => format!("{n} ({})", k.to_lowercase()),
        None => n.to_string(),
    })
}

fn text_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The parts of a registry study the columns are read from. Everything else (descriptions,
/// eligibility, sites, results) is passed over by the parser without being built as values:
/// building the whole study as a `Value` cost more than mapping it.
#[derive(serde::Deserialize)]
struct Parts {
    #[serde(rename = "protocolSection")]
    protocol: Option<ProtocolParts>,
    #[serde(rename = "resultsSection", default, deserialize_with = "present")]
    results: bool,
    #[serde(rename = "hasResults")]
    has_results: Option<Value>,
}

#[derive(serde::Deserialize)]
struct ProtocolParts {
    #[serde(rename = "identificationModule")]
    identification: Option<Value>,
    #[serde(rename = "statusModule")]
    status: Option<Value>,
    #[serde(rename = "designModule")]
    design: Option<DesignParts>,
    #[serde(rename = "conditionsModule")]
    conditions: Option<ConditionsParts>,
    #[serde(rename = "outcomesModule")]
    outcomes: Option<OutcomesParts>,
}

#[derive(serde::Deserialize)]
struct DesignParts {
    #[serde(rename = "enrollmentInfo")]
    enrollment: Option<Value>,
}

#[derive(serde::Deserialize)]
struct ConditionsParts {
    conditions: Option<Value>,
}

#[derive(serde::Deserialize)]
struct OutcomesParts {
    #[serde(rename = "primaryOutcomes")]
    primary: Option<Value>,
}

/// `true` for a member that is there, whatever its value (`null` included).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    use serde::Deserialize as _;
    serde::de::IgnoredAny::deserialize(d).map(|_| true)
}

/// The study as a `Value` holding only what the columns need, in the places the whole study
/// has it; whether it has results. A study whose parts do not have the expected shape (or that
/// is not valid JSON) is read whole, so that its message is the parser's own.
fn columns_of(raw: &str) -> Result<(Value, bool), (Option<String>, String)> {
    if let Ok(parts) = serde_json::from_str::<Parts>(raw) {
        let mut v = serde_json::Map::new();
        if let Some(p) = parts.protocol {
            let mut m = serde_json::Map::new();
            let mut put = |k: &str, x: Option<Value>| {
                if let Some(x) = x {
                    m.insert(k.to_string(), x);
                }
            };
            put("identificationModule", p.identification);
            put("statusModule", p.status);
            put(
                "designModule",
                p.design
                    .and_then(|d| d.enrollment)
                    .map(|e| serde_json::json!({ "enrollmentInfo": e })),
            );
            put(
                "conditionsModule",
                p.conditions
                    .and_then(|c| c.conditions)
                    .map(|c| serde_json::json!({ "conditions": c })),
            );
            put(
                "outcomesModule",
                p.outcomes
                    .and_then(|o| o.primary)
                    .map(|o| serde_json::json!({ "primaryOutcomes": o })),
            );
            v.insert("protocolSection".into(), Value::Object(m));
        }
        let results =
            parts.results || parts.has_results.as_ref().and_then(Value::as_bool) == Some(true);
        return Ok((Value::Object(v), results));
    }
    let v: Value = serde_json::from_str(raw).map_err(|e| (None, format!("not valid JSON: {e}")))?;
    let results = v.get("resultsSection").is_some()
        || v.get("hasResults").and_then(Value::as_bool) == Some(true);
    Ok((v, results))
}

/// Reads the columns of one registry study and maps it to a draft.
pub(super) fn prepare(raw: &str) -> Result<Row, (Option<String>, String)> {
    let (v, has_results) = columns_of(raw)?;
    let p = v.get("protocolSection").ok_or_else(|| {
        (
            None,
            "not a ClinicalTrials.gov study: it has no protocolSection".to_string(),
        )
    })?;
    let nct = text_at(p, &["identificationModule", "nctId"])
        .map(str::to_ascii_uppercase)
        .ok_or_else(|| (None, "the study has no nctId".to_string()))?;
    let fail = |m: String| (Some(nct.clone()), m);
    let draft = mapped(&nct, raw).map_err(fail)?;
    let stored = encode_draft(&draft).map_err(fail)?;
    let trial = &draft.trial;
    let status_m = p.get("statusModule").unwrap_or(&Value::Null);
    let date = |key: &str| text_at(status_m, &[key, "date"]).map(str::to_string);
    let enrol = p
        .get("designModule")
        .and_then(|d| d.get("enrollmentInfo"))
        .unwrap_or(&Value::Null);
    let conditions = strings(p.get("conditionsModule").and_then(|c| c.get("conditions")));
    let primary = primary_outcomes(p);
    let title = text_at(p, &["identificationModule", "briefTitle"])
        .or_else(|| text_at(p, &["identificationModule", "officialTitle"]))
        .map(str::to_string)
        .unwrap_or_else(|| trial.title.get(crate::corpus::Lang::En).to_string());
    let outcomes = trial.outcomes.iter().map(OutcomeRow::of).collect();
    Ok(Row {
        last_update: date("lastUpdatePostDateStruct"),
        phase: trial.phase.map(|p| p.code().to_string()),
        status: text_at(status_m, &["overallStatus"]).map(str::to_string),
        enrolment: enrol.get("count").and_then(Value::as_i64),
        enrolment_type: text_at(enrol, &["type"]).map(str::to_string),
        title,
        conditions: serde_json::to_string(&conditions).unwrap_or_else(|_| "[]".into()),
        primary_outcomes: serde_json::to_string(&primary).unwrap_or_else(|_| "[]".into()),
        results_first_posted: date("resultsFirstPostDateStruct"),
        primary_completion: date("primaryCompletionDateStruct"),
        completion: date("completionDateStruct"),
        has_results,
        draft: stored,
        raw: raw.to_string(),
        outcomes,
        nct,
    })
}

/// The study mapped by the importer on its own.
fn mapped(nct: &str, raw: &str) -> Result<Draft, String> {
    match crate::import::drafts(nct, raw).into_iter().next() {
        Some(Ok(d)) => Ok(d),
        Some(Err(Event::Skipped { message, .. } | Event::BadFile { message, .. })) => Err(message),
        _ => Err("the importer did not take it".into()),
    }
}

/// A draft as the `drafts` table stores it: MessagePack with field names (as the snapshot
/// stores trials), smaller and quicker to write and read than JSON.
pub(super) fn encode_draft(d: &Draft) -> Result<Vec<u8>, String> {
    rmp_serde::to_vec_named(d).map_err(|e| format!("cannot write its draft: {e}"))
}

/// A stored draft: MessagePack (a blob), or JSON text as schema 2 stored it.
pub(super) fn decode_draft(stored: rusqlite::types::ValueRef<'_>) -> Result<Draft, String> {
    use rusqlite::types::ValueRef;
    match stored {
        ValueRef::Blob(b) => rmp_serde::from_slice(b).map_err(|e| e.to_string()),
        ValueRef::Text(t) => serde_json::from_slice(t).map_err(|e| e.to_string()),
        _ => Err("not a draft".into()),
    }
}

/// The strings of a JSON array, trimmed (none when it is not one).
fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The primary outcomes as the registry words them: `measure [time frame]`.
fn primary_outcomes(protocol: &Value) -> Vec<String> {
    protocol
        .get("outcomesModule")
        .and_then(|o| o.get("primaryOutcomes"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .map(|o| {
                    let measure = text_at(o, &["measure"]).unwrap_or("");
                    match text_at(o, &["timeFrame"]) {
                        Some(t) => format!("{measure} [{t}]"),
                        None => measure.to_string(),
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

impl OutcomeRow {
    /// The columns of one mapped outcome.
    fn of(o: &crate::corpus::Outcome) -> OutcomeRow {
        let ci = o.hr.as_ref().and_then(|r| r.ci.as_ref());
        OutcomeRow {
            endpoint: o.endpoint.clone(),
            label: o.label.clone(),
            unit: o.unit.clone(),
            ratio_kind: o
                .hr
                .as_ref()
                .map(|r| r.kind.clone().unwrap_or_else(|| "HR".into())),
            ratio: o.hr.as_ref().map(|r| r.value.value()),
            ci_low: ci.map(|c| c.low.value()),
            ci_high: ci.map(|c| c.high.value()),
            p: o.p.as_ref().map(|p| p.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Value, columns_of, text_at};

    /// The columns read from the parts of a study are those read from the whole study.
    #[test]
    fn the_parts_read_for_the_columns_agree_with_the_whole_study() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ctgov");
        let mut texts = Vec::new();
        for e in std::fs::read_dir(dir).expect("fixtures") {
            let path = e.expect("entry").path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let text = std::fs::read_to_string(path).expect("reads");
            let v: Value = serde_json::from_str(&text).expect("json");
            match v.get("studies").and_then(Value::as_array) {
                Some(a) => texts.extend(a.iter().map(Value::to_string)),
                None => texts.push(text),
            }
        }
        texts.extend((0..40).map(|i| crate::synthetic_registry::study(i, 7)));
        let paths: &[&[&str]] = &[
            &["identificationModule", "nctId"],
            &["identificationModule", "briefTitle"],
            &["identificationModule", "officialTitle"],
            &["statusModule", "overallStatus"],
            &["statusModule", "lastUpdatePostDateStruct", "date"],
            &["statusModule", "resultsFirstPostDateStruct", "date"],
            &["statusModule", "completionDateStruct", "date"],
            &["designModule", "enrollmentInfo", "type"],
        ];
        let mut with_results = 0;
        for text in &texts {
            let whole: Value = serde_json::from_str(text).expect("json");
            let (parts, results) = columns_of(text).expect("reads");
            let (w, p) = (&whole["protocolSection"], &parts["protocolSection"]);
            for path in paths {
                assert_eq!(text_at(w, path), text_at(p, path), "{path:?}");
            }
            for path in [
                "/designModule/enrollmentInfo/count",
                "/conditionsModule/conditions",
                "/outcomesModule/primaryOutcomes",
            ] {
                assert_eq!(w.pointer(path), p.pointer(path), "{path}");
            }
            assert_eq!(results, whole.get("resultsSection").is_some());
            with_results += usize::from(results);
        }
        assert!(
            with_results >= 3,
            "the fixtures and synthetic studies include results"
        );
        // Not valid JSON, or parts of another shape: read whole, with the parser's message.
        assert!(columns_of("{").unwrap_err().1.starts_with("not valid JSON"));
        let (v, _) = columns_of(r#"{"protocolSection": {"statusModule": 5}}"#).expect("reads");
        assert_eq!(v["protocolSection"]["statusModule"], 5);
    }
}
