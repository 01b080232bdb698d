//! Writing studies: one row per registry id, replaced only by a newer version of the record
//! (the registry's last-update date), every change a reader relies on kept as a dated row of
//! `changes`, and the page token of a resumable sync stored in the same transaction as the
//! page's studies.
//!
//! Each study is mapped with the importer (`crate::import`) on its own: its draft (the mapped
//! study before it is linked to a corpus, the `draft` column, which opening the library merges
//! without mapping the registry's text again). A study the importer would skip is skipped here
//! too, and reported. Every write raises the
//! library's generation (`meta`), which derived files compare against.

use std::collections::HashMap;
use std::sync::OnceLock;

use rusqlite::{OptionalExtension, Transaction, params};

use super::row::{Row, TRACKED, enrolment_text, prepare};
use super::{Library, LibraryError};
use crate::corpus::Corpus;

/// How many studies are mapped at a time, ahead of the inserts.
const PREPARED_AHEAD: usize = 64;

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
        let path = self.path.clone();
        if self.checkpoint.is_none() {
            self.checkpoint = Some(
                super::checkpoint::Checkpointer::start(&self.conn, &path)
                    .map_err(|e| LibraryError::sql(&path, e))?,
            );
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| LibraryError::sql(&path, e))?;
        let mut report = PageReport::default();
        let bundled = bundled_registry();
        let stamp = mapping_stamp();
        // Mapping is the costly part and touches no database: it runs on every core, a chunk
        // ahead of the inserts, which this thread makes in the batch's order meanwhile.
        std::thread::scope(|scope| -> Result<(), LibraryError> {
            let (send, receive) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                use rayon::prelude::*;
                for chunk in studies.chunks(PREPARED_AHEAD) {
                    let rows: Vec<_> = chunk.par_iter().map(|raw| prepare(raw)).collect();
                    if send.send(rows).is_err() {
                        return; // the inserts failed: the batch is abandoned
                    }
                }
            });
            let mut position = 0;
            for rows in receive {
                for row in rows {
                    let at = position;
                    position += 1;
                    let row = match row {
                        Ok(r) => r,
                        Err((registry_id, message)) => {
                            report.skipped.push(Skipped {
                                position: at,
                                registry_id,
                                message,
                            });
                            continue;
                        }
                    };
                    if let Some(id) = bundled.get(&row.nct) {
                        report.enriches.push((row.nct.clone(), id.clone()));
                    }
                    store(&tx, row, &stamp, &mut report)
                        .map_err(|e| LibraryError::sql(&path, e))?;
                }
            }
            Ok(())
        })?;
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
        if let Some(c) = &self.checkpoint {
            c.nudge();
        }
        Ok(report)
    }
}

/// Inserts a new study, replaces an older version (recording what changed), or leaves a
/// version as new or newer alone.
fn store(
    tx: &Transaction<'_>,
    row: Row<'_>,
    stamp: &str,
    report: &mut PageReport,
) -> rusqlite::Result<()> {
    let old = stored_version(tx, &row.nct)?;
    if let Some((last_update, was)) = &old {
        if !is_newer(row.last_update.as_deref(), last_update.as_deref()) {
            report.unchanged.push(row.nct);
            return Ok(());
        }
        report.changes += record_changes(tx, &row, was)?;
    }
    upsert_study(tx, &row)?;
    upsert_draft_and_outcomes(tx, &row, stamp)?;
    if old.is_some() {
        report.updated.push(row.nct);
    } else {
        report.added.push(row.nct);
    }
    Ok(())
}

/// A stored study's last-update date and tracked values (in the order of [`TRACKED`]).
type Stored = (Option<String>, [Option<String>; 6]);

/// The stored version of a study, if there is one.
fn stored_version(tx: &Transaction<'_>, nct: &str) -> rusqlite::Result<Option<Stored>> {
    tx.prepare_cached(
        "SELECT last_update, status, enrolment, enrolment_type, primary_outcomes,
                results_first_posted, primary_completion, completion
         FROM studies WHERE registry_id = ?1",
    )?
    .query_row([nct], |r| {
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
    .optional()
}

/// Keeps a dated row of `changes` for each tracked field whose value differs from what was
/// stored; returns how many.
fn record_changes(
    tx: &Transaction<'_>,
    row: &Row<'_>,
    was: &[Option<String>; 6],
) -> rusqlite::Result<usize> {
    let now = row.tracked();
    let mut insert = tx.prepare_cached(
        "INSERT INTO changes (registry_id, changed, recorded, field, old, new)
         VALUES (?1, ?2, datetime('now'), ?3, ?4, ?5)",
    )?;
    let mut changes = 0;
    for ((field, before), after) in TRACKED.iter().zip(was).zip(&now) {
        if before != after {
            insert.execute(params![row.nct, row.last_update, field, before, after])?;
            changes += 1;
        }
    }
    Ok(changes)
}

/// Writes the study's row of `studies`, replacing the stored one.
fn upsert_study(tx: &Transaction<'_>, row: &Row<'_>) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO studies (registry_id, source, last_update, phase, status, enrolment,
             enrolment_type, title, conditions, primary_outcomes, results_first_posted,
             primary_completion, completion, has_results, raw, added, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
             datetime('now'), datetime('now'))
         ON CONFLICT(registry_id) DO UPDATE SET source = excluded.source,
             last_update = excluded.last_update, phase = excluded.phase,
             status = excluded.status, enrolment = excluded.enrolment,
             enrolment_type = excluded.enrolment_type, title = excluded.title,
             conditions = excluded.conditions, primary_outcomes = excluded.primary_outcomes,
             results_first_posted = excluded.results_first_posted,
             primary_completion = excluded.primary_completion,
             completion = excluded.completion, has_results = excluded.has_results,
             raw = excluded.raw, updated = datetime('now')",
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
        row.raw,
    ])?;
    Ok(())
}

/// Writes the study's draft (stamped with the mapping that made it) and its outcome rows.
fn upsert_draft_and_outcomes(
    tx: &Transaction<'_>,
    row: &Row<'_>,
    stamp: &str,
) -> rusqlite::Result<()> {
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_newer;

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
