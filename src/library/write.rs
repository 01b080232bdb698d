//! Writing studies: one row per registry id, replaced only by a newer version of the record
//! (the registry's last-update date), every change a reader relies on kept as a dated row of
//! `changes`, and the page token of a resumable sync stored in the same transaction as the
//! page's studies.
//!
//! Each study is mapped with the importer (`crate::import`) on its own: its draft (the mapped
//! study before it is linked to a corpus, the `draft` column, which opening the library merges
//! without mapping the registry's text again) and a one-study corpus (the `record` column). A
//! study the importer would skip is skipped here too, and reported. Every write raises the
//! library's generation (`meta`), which derived files compare against.

use std::collections::HashMap;
use std::sync::OnceLock;

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::Value;

use super::{Library, LibraryError};
use crate::corpus::{Corpus, CorpusFile};
use crate::import::Event;
use crate::import::merge::Merger;

/// The `source` of a ClinicalTrials.gov record.
pub const CTGOV: &str = "ctgov";

/// What writing a batch did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageReport {
    /// Registry ids stored for the first time.
    pub added: Vec<String>,
    /// Registry ids replaced by a newer version.
    pub updated: Vec<String>,
    /// Registry ids already stored at this version or a newer one: left as they were.
    pub unchanged: Vec<String>,
    pub skipped: Vec<Skipped>,
    /// How many dated changes the updates recorded.
    pub changes: usize,
    /// (registry id, trial id) of each study that belongs to a trial of the bundled corpus: it
    /// enriches that trial when the library is opened, rather than adding another.
    pub enriches: Vec<(String, String)>,
}

impl PageReport {
    /// Adds another batch's report to this one.
    pub fn extend(&mut self, other: PageReport) {
        self.added.extend(other.added);
        self.updated.extend(other.updated);
        self.unchanged.extend(other.unchanged);
        self.skipped.extend(other.skipped);
        self.changes += other.changes;
        self.enriches.extend(other.enriches);
    }

    /// `added 3, updated 1, unchanged 0, skipped 0, 2 changes recorded`.
    pub fn summary(&self) -> String {
        format!(
            "added {}, updated {}, unchanged {}, skipped {}, {} change{} recorded",
            self.added.len(),
            self.updated.len(),
            self.unchanged.len(),
            self.skipped.len(),
            self.changes,
            if self.changes == 1 { "" } else { "s" }
        )
    }
}

/// A study that was not stored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its index in the batch.
    pub position: usize,
    pub registry_id: Option<String>,
    pub message: String,
}

/// One study, ready to store.
struct Row {
    nct: String,
    last_update: Option<String>,
    phase: Option<String>,
    status: Option<String>,
    enrolment: Option<i64>,
    enrolment_type: Option<String>,
    title: String,
    conditions: String,
    primary_outcomes: String,
    results_first_posted: Option<String>,
    primary_completion: Option<String>,
    completion: Option<String>,
    has_results: bool,
    record: String,
    draft: String,
    raw: String,
    outcomes: Vec<OutcomeRow>,
}

struct OutcomeRow {
    endpoint: String,
    label: Option<String>,
    unit: Option<String>,
    ratio_kind: Option<String>,
    ratio: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    p: Option<String>,
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
    fn tracked(&self) -> [Option<String>; 6] {
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
fn enrolment_text(count: Option<i64>, kind: Option<&str>) -> Option<String> {
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

/// Reads the columns of one registry study and maps it to a one-study corpus.
fn prepare(raw: &str) -> Result<Row, (Option<String>, String)> {
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
    let draft = match crate::import::drafts(&nct, raw).into_iter().next() {
        Some(Ok(d)) => d,
        Some(Err(Event::Skipped { message, .. } | Event::BadFile { message, .. })) => {
            return Err(fail(message));
        }
        _ => return Err(fail("the importer did not take it".into())),
    };
    let stored = serde_json::to_string(&draft)
        .map_err(|e| fail(format!("cannot write its draft as JSON: {e}")))?;
    let mut merger = Merger::new(CorpusFile {
        schema_version: crate::corpus::SCHEMA_VERSION,
        ..Default::default()
    });
    merger.add(draft);
    let file = merger.file;
    let trial = file
        .trials
        .first()
        .ok_or_else(|| fail("the importer made no trial of it".into()))?;
    let status_m = p.get("statusModule").unwrap_or(&Value::Null);
    let date = |key: &str| text_at(status_m, &[key, "date"]).map(str::to_string);
    let enrol = p
        .get("designModule")
        .and_then(|d| d.get("enrollmentInfo"))
        .unwrap_or(&Value::Null);
    let strings = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|s| s.trim().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let conditions = strings(p.get("conditionsModule").and_then(|c| c.get("conditions")));
    let primary: Vec<String> = p
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
        .unwrap_or_default();
    let title = text_at(p, &["identificationModule", "briefTitle"])
        .or_else(|| text_at(p, &["identificationModule", "officialTitle"]))
        .map(str::to_string)
        .unwrap_or_else(|| trial.title.get(crate::corpus::Lang::En).to_string());
    let outcomes = trial
        .outcomes
        .iter()
        .map(|o| OutcomeRow {
            endpoint: o.endpoint.clone(),
            label: o.label.clone(),
            unit: o.unit.clone(),
            ratio_kind: o
                .hr
                .as_ref()
                .map(|r| r.kind.clone().unwrap_or_else(|| "HR".into())),
            ratio: o.hr.as_ref().map(|r| r.value.value()),
            ci_low: o
                .hr
                .as_ref()
                .and_then(|r| r.ci.as_ref())
                .map(|c| c.low.value()),
            ci_high: o
                .hr
                .as_ref()
                .and_then(|r| r.ci.as_ref())
                .map(|c| c.high.value()),
            p: o.p.as_ref().map(|p| p.to_string()),
        })
        .collect();
    let record = serde_json::to_string(&file)
        .map_err(|e| fail(format!("cannot write its record as JSON: {e}")))?;
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
        record,
        draft: stored,
        raw: raw.to_string(),
        outcomes,
        nct,
    })
}

/// What stamps a stored draft: evidex's version and its mapping's. Drafts with another stamp
/// are not trusted when the library is opened; their studies are mapped from `raw` instead.
pub fn mapping_stamp() -> String {
    format!(
        "{}/{}",
        env!("CARGO_PKG_VERSION"),
        crate::import::draft::MAPPING
    )
}

/// Raises the library's generation, in the writer's transaction.
pub(crate) fn bump_generation(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES ('generation', 1)
         ON CONFLICT(key) DO UPDATE SET value = value + 1",
        [],
    )
    .map(|_| ())
}

/// Whether a record last updated on `new` replaces one last updated on `old` (ISO dates
/// compare as text). A record without a date never replaces one.
fn is_newer(new: Option<&str>, old: Option<&str>) -> bool {
    match (new, old) {
        (Some(n), Some(o)) => n > o,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

/// Upper-case registry id → trial id, of every trial of the bundled corpus.
fn bundled_registry() -> &'static HashMap<String, String> {
    static IDS: OnceLock<HashMap<String, String>> = OnceLock::new();
    IDS.get_or_init(|| {
        let Ok(c) = Corpus::bundled() else {
            return HashMap::new();
        };
        c.trials
            .iter()
            .flat_map(|t| {
                t.registry_ids
                    .iter()
                    .map(|r| (r.to_ascii_uppercase(), t.id.clone()))
            })
            .collect()
    })
}

impl Library {
    /// Stores one page of a sync and the token of the page after it, in one transaction: a
    /// process killed after it returns resumes at `next_page_token` and loses nothing.
    /// `studies` are ClinicalTrials.gov API v2 study objects as JSON text; `sync` names the
    /// query; `next_page_token` is `None` on the last page.
    pub fn write_page(
        &mut self,
        sync: &str,
        studies: &[&str],
        next_page_token: Option<&str>,
    ) -> Result<PageReport, LibraryError> {
        self.write(studies, Some((sync, next_page_token)))
    }

    /// Stores a batch of studies in one transaction (`evidex import ctgov`).
    pub fn write_studies(&mut self, studies: &[&str]) -> Result<PageReport, LibraryError> {
        self.write(studies, None)
    }

    /// Where an interrupted sync resumes: the token of the next page to fetch, or `None` to
    /// start from the first page (never run, or finished).
    pub fn resume_token(&self, sync: &str) -> Result<Option<String>, LibraryError> {
        self.conn
            .query_row(
                "SELECT next_page_token FROM syncs WHERE key = ?1 AND finished IS NULL",
                [sync],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(|e| self.err(e))
    }

    /// Marks a sync as finished: its next run starts from the first page.
    pub fn finish_sync(&mut self, sync: &str) -> Result<(), LibraryError> {
        self.conn
            .execute(
                "INSERT INTO syncs (key, next_page_token, started, updated, finished)
                 VALUES (?1, NULL, datetime('now'), datetime('now'), datetime('now'))
                 ON CONFLICT(key) DO UPDATE SET next_page_token = NULL,
                     updated = datetime('now'), finished = datetime('now')",
                [sync],
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    fn write(
        &mut self,
        studies: &[&str],
        sync: Option<(&str, Option<&str>)>,
    ) -> Result<PageReport, LibraryError> {
        // Mapping is the costly part and touches no database: on every core, before the
        // transaction starts.
        let rows: Vec<_> = {
            use rayon::prelude::*;
            studies.par_iter().map(|raw| prepare(raw)).collect()
        };
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| LibraryError::sql(&path, e))?;
        let mut report = PageReport::default();
        let bundled = bundled_registry();
        let stamp = mapping_stamp();
        for (position, row) in rows.into_iter().enumerate() {
            let row = match row {
                Ok(r) => r,
                Err((registry_id, message)) => {
                    report.skipped.push(Skipped {
                        position,
                        registry_id,
                        message,
                    });
                    continue;
                }
            };
            if let Some(id) = bundled.get(&row.nct) {
                report.enriches.push((row.nct.clone(), id.clone()));
            }
            store(&tx, row, &stamp, &mut report).map_err(|e| LibraryError::sql(&path, e))?;
        }
        if !report.added.is_empty() || !report.updated.is_empty() {
            bump_generation(&tx).map_err(|e| LibraryError::sql(&path, e))?;
        }
        if let Some((key, token)) = sync {
            let n = (report.added.len() + report.updated.len() + report.unchanged.len()) as i64;
            tx.execute(
                "INSERT INTO syncs (key, next_page_token, pages, studies, started, updated)
                 VALUES (?1, ?2, 1, ?3, datetime('now'), datetime('now'))
                 ON CONFLICT(key) DO UPDATE SET
                     next_page_token = excluded.next_page_token,
                     pages = CASE WHEN finished IS NULL THEN pages + 1 ELSE 1 END,
                     studies = CASE WHEN finished IS NULL THEN studies + excluded.studies
                               ELSE excluded.studies END,
                     started = CASE WHEN finished IS NULL THEN started ELSE datetime('now') END,
                     updated = datetime('now'),
                     finished = NULL",
                params![key, token, n],
            )
            .map_err(|e| LibraryError::sql(&path, e))?;
        }
        tx.commit().map_err(|e| LibraryError::sql(&path, e))?;
        Ok(report)
    }
}

/// Inserts a new study, replaces an older version (recording what changed), or leaves a
/// version as new or newer alone.
fn store(
    tx: &Transaction<'_>,
    row: Row,
    stamp: &str,
    report: &mut PageReport,
) -> rusqlite::Result<()> {
    type Old = (Option<String>, [Option<String>; 6]);
    let old: Option<Old> = tx
        .prepare_cached(
            "SELECT last_update, status, enrolment, enrolment_type, primary_outcomes,
                    results_first_posted, primary_completion, completion
             FROM studies WHERE registry_id = ?1",
        )?
        .query_row([&row.nct], |r| {
            Ok((
                r.get(0)?,
                [
                    r.get(1)?,
                    enrolment_text(r.get(2)?, r.get::<_, Option<String>>(3)?.as_deref()),
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ],
            ))
        })
        .optional()?;
    if let Some((last_update, was)) = &old {
        if !is_newer(row.last_update.as_deref(), last_update.as_deref()) {
            report.unchanged.push(row.nct);
            return Ok(());
        }
        let now = row.tracked();
        let mut insert = tx.prepare_cached(
            "INSERT INTO changes (registry_id, changed, recorded, field, old, new)
             VALUES (?1, ?2, datetime('now'), ?3, ?4, ?5)",
        )?;
        for ((field, before), after) in TRACKED.iter().zip(was).zip(&now) {
            if before != after {
                insert.execute(params![row.nct, row.last_update, field, before, after])?;
                report.changes += 1;
            }
        }
    }
    tx.prepare_cached(
        "INSERT INTO studies (registry_id, source, last_update, phase, status, enrolment,
             enrolment_type, title, conditions, primary_outcomes, results_first_posted,
             primary_completion, completion, has_results, record, raw, added, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
             datetime('now'), datetime('now'))
         ON CONFLICT(registry_id) DO UPDATE SET source = excluded.source,
             last_update = excluded.last_update, phase = excluded.phase,
             status = excluded.status, enrolment = excluded.enrolment,
             enrolment_type = excluded.enrolment_type, title = excluded.title,
             conditions = excluded.conditions, primary_outcomes = excluded.primary_outcomes,
             results_first_posted = excluded.results_first_posted,
             primary_completion = excluded.primary_completion,
             completion = excluded.completion, has_results = excluded.has_results,
             record = excluded.record, raw = excluded.raw, updated = datetime('now')",
    )?
    .execute(params![
        row.nct,
        CTGOV,
        row.last_update,
        row.phase,
        row.status,
        row.enrolment,
        row.enrolment_type,
        row.title,
        row.conditions,
        row.primary_outcomes,
        row.results_first_posted,
        row.primary_completion,
        row.completion,
        row.has_results,
        row.record,
        row.raw,
    ])?;
    tx.prepare_cached(
        "INSERT INTO drafts (registry_id, mapping, draft) VALUES (?1, ?2, ?3)
         ON CONFLICT(registry_id) DO UPDATE SET mapping = excluded.mapping,
             draft = excluded.draft",
    )?
    .execute(params![row.nct, stamp, row.draft])?;
    tx.prepare_cached("DELETE FROM outcomes WHERE registry_id = ?1")?
        .execute([&row.nct])?;
    let mut ins = tx.prepare_cached(
        "INSERT INTO outcomes (registry_id, position, endpoint, label, unit, ratio_kind,
             ratio, ci_low, ci_high, p)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, o) in row.outcomes.iter().enumerate() {
        ins.execute(params![
            row.nct,
            i as i64,
            o.endpoint,
            o.label,
            o.unit,
            o.ratio_kind,
            o.ratio,
            o.ci_low,
            o.ci_high,
            o.p,
        ])?;
    }
    if old.is_some() {
        report.updated.push(row.nct);
    } else {
        report.added.push(row.nct);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Value, columns_of, is_newer, text_at};

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

    #[test]
    fn only_a_later_date_replaces_a_record() {
        assert!(is_newer(Some("2024-01-02"), Some("2024-01-01")));
        assert!(!is_newer(Some("2024-01-01"), Some("2024-01-01")));
        assert!(!is_newer(Some("2023-12-31"), Some("2024-01-01")));
        assert!(is_newer(Some("2024-01-01"), None));
        assert!(!is_newer(None, Some("2024-01-01")));
        assert!(!is_newer(None, None));
    }
}
