//! A registry study made ready to store: its draft mapped by the importer, the columns of
//! `studies` and `outcomes` read from the importer's parse of it (the text is parsed once), and
//! the values of the fields whose changes are kept.

use crate::import::Event;
use crate::import::ctgov::api::{DateStruct, Study};
use crate::import::draft::Draft;

/// One study, ready to store.
pub(super) struct Row<'a> {
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
    /// The registry's text, as given.
    pub(super) raw: &'a str,
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

impl Row<'_> {
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

/// The columns of `studies` read from the importer's parse of a study (all but the draft, the
/// outcome rows and the text).
#[derive(Default)]
struct Columns {
    title: Option<String>,
    last_update: Option<String>,
    status: Option<String>,
    enrolment: Option<i64>,
    enrolment_type: Option<String>,
    conditions: Vec<String>,
    primary_outcomes: Vec<String>,
    results_first_posted: Option<String>,
    primary_completion: Option<String>,
    completion: Option<String>,
    has_results: bool,
}

/// A text trimmed, when something is left.
fn trimmed(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Columns {
    fn of(study: &Study) -> Columns {
        let has_results = study.results_section.is_some() || study.has_results == Some(true);
        let Some(p) = &study.protocol_section else {
            return Columns {
                has_results,
                ..Columns::default()
            };
        };
        let (id, sm) = (&p.identification_module, &p.status_module);
        let date = |d: &Option<DateStruct>| d.as_ref().and_then(|d| trimmed(&d.date));
        let enrol = p.design_module.enrollment_info.as_ref();
        Columns {
            title: trimmed(&id.brief_title).or_else(|| trimmed(&id.official_title)),
            last_update: date(&sm.last_update_post_date_struct),
            status: trimmed(&sm.overall_status),
            enrolment: enrol
                .and_then(|e| e.count.as_ref())
                .and_then(|c| c.0.trim().parse().ok()),
            enrolment_type: enrol.and_then(|e| trimmed(&e.kind)),
            conditions: p
                .conditions_module
                .conditions
                .iter()
                .map(|c| c.trim().to_string())
                .collect(),
            primary_outcomes: p
                .outcomes_module
                .primary_outcomes
                .iter()
                .map(|o| {
                    let measure = trimmed(&o.measure).unwrap_or_default();
                    match trimmed(&o.time_frame) {
                        Some(t) => format!("{measure} [{t}]"),
                        None => measure,
                    }
                })
                .collect(),
            results_first_posted: date(&sm.results_first_post_date_struct),
            primary_completion: date(&sm.primary_completion_date_struct),
            completion: date(&sm.completion_date_struct),
            has_results,
        }
    }
}

/// Maps one registry study with the importer and reads its columns from the same parse.
pub(super) fn prepare(raw: &str) -> Result<Row<'_>, (Option<String>, String)> {
    let (draft, c) = match crate::import::drafts_with("", raw, Columns::of)
        .into_iter()
        .next()
    {
        Some(Ok(mapped)) => mapped,
        Some(Err(Event::Skipped { nct, message, .. })) => return Err((nct, message)),
        Some(Err(Event::BadFile { message, .. })) => return Err((None, message)),
        _ => return Err((None, "the importer did not take it".into())),
    };
    let nct = draft.nct.to_ascii_uppercase();
    let stored = encode_draft(&draft).map_err(|m| (Some(nct.clone()), m))?;
    let trial = &draft.trial;
    Ok(Row {
        last_update: c.last_update,
        phase: trial.phase.map(|p| p.code().to_string()),
        status: c.status,
        enrolment: c.enrolment,
        enrolment_type: c.enrolment_type,
        title: c
            .title
            .unwrap_or_else(|| trial.title.get(crate::corpus::Lang::En).to_string()),
        conditions: serde_json::to_string(&c.conditions).unwrap_or_else(|_| "[]".into()),
        primary_outcomes: serde_json::to_string(&c.primary_outcomes)
            .unwrap_or_else(|_| "[]".into()),
        results_first_posted: c.results_first_posted,
        primary_completion: c.primary_completion,
        completion: c.completion,
        has_results: c.has_results,
        outcomes: trial.outcomes.iter().map(OutcomeRow::of).collect(),
        draft: stored,
        raw,
        nct,
    })
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
    use serde_json::Value;

    use super::prepare;

    fn text_at<'a>(v: &'a Value, path: &str) -> Option<&'a str> {
        v.pointer(path)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The columns read from the importer's parse are those read from the whole study as JSON
    /// values (how schema 1 and 2 read them), for the fixtures and synthetic studies.
    #[test]
    fn the_columns_agree_with_the_whole_study() {
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
        let mut with_results = 0;
        let mut rows = 0;
        for text in &texts {
            let Ok(row) = prepare(text) else { continue };
            rows += 1;
            let v: Value = serde_json::from_str(text).expect("json");
            let p = "/protocolSection";
            let at = |path: &str| text_at(&v, &format!("{p}{path}")).map(str::to_string);
            assert_eq!(
                Some(row.nct.as_str()),
                text_at(&v, &format!("{p}/identificationModule/nctId"))
            );
            assert_eq!(
                Some(row.title.clone()),
                at("/identificationModule/briefTitle")
                    .or_else(|| at("/identificationModule/officialTitle"))
            );
            assert_eq!(row.status, at("/statusModule/overallStatus"));
            assert_eq!(
                row.last_update,
                at("/statusModule/lastUpdatePostDateStruct/date")
            );
            assert_eq!(
                row.results_first_posted,
                at("/statusModule/resultsFirstPostDateStruct/date")
            );
            assert_eq!(
                row.primary_completion,
                at("/statusModule/primaryCompletionDateStruct/date")
            );
            assert_eq!(
                row.completion,
                at("/statusModule/completionDateStruct/date")
            );
            assert_eq!(row.enrolment_type, at("/designModule/enrollmentInfo/type"));
            assert_eq!(
                row.enrolment,
                v.pointer(&format!("{p}/designModule/enrollmentInfo/count"))
                    .and_then(Value::as_i64)
            );
            let conditions: Vec<String> = v
                .pointer(&format!("{p}/conditionsModule/conditions"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(|s| s.trim().to_string())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(
                row.conditions,
                serde_json::to_string(&conditions).expect("json")
            );
            let primary: Vec<String> = v
                .pointer(&format!("{p}/outcomesModule/primaryOutcomes"))
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|o| {
                            let measure = text_at(o, "/measure").unwrap_or("");
                            match text_at(o, "/timeFrame") {
                                Some(t) => format!("{measure} [{t}]"),
                                None => measure.to_string(),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(
                row.primary_outcomes,
                serde_json::to_string(&primary).expect("json")
            );
            let results = v.get("resultsSection").is_some()
                || v.get("hasResults").and_then(Value::as_bool) == Some(true);
            assert_eq!(row.has_results, results);
            assert_eq!(row.raw, text);
            with_results += usize::from(results);
        }
        assert!(
            rows >= 44,
            "the fixtures and synthetic studies map ({rows})"
        );
        assert!(
            with_results >= 3,
            "the fixtures and synthetic studies include results"
        );
        // Not valid JSON, or no study: the importer's own message, and nothing stored.
        let (nct, message) = prepare("{").err().expect("refused");
        assert_eq!(nct, None);
        assert!(message.starts_with("not valid JSON"), "{message}");
        let (_, message) = prepare(r#"{"protocolSection": {"statusModule": 5}}"#)
            .err()
            .expect("refused");
        assert!(!message.is_empty());
    }
}
