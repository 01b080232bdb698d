//! Reading the library: counts, the last sync, dated changes, removal, and its studies as a
//! corpus (through the importer, so that a library record and an imported file are one thing).

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params_from_iter};
use serde::Serialize;

use super::row::decode_draft;
use super::{Library, LibraryError};
use crate::corpus::CorpusFile;
use crate::import::{Importer, Report};

/// Studies are read and mapped this many at a time, so that the registry texts of a large
/// library are never all in memory at once.
const CHUNK: usize = 2_000;

/// What `evidex library` prints.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub path: String,
    pub studies: i64,
    /// (source, studies), most first.
    pub by_source: Vec<(String, i64)>,
    pub with_results: i64,
    pub changes: i64,
    pub last_sync: Option<Sync>,
}

/// The state of the sync written most recently.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Sync {
    pub key: String,
    pub pages: i64,
    pub studies: i64,
    pub started: String,
    pub updated: String,
    /// `None` while it is unfinished (a later fetch of the same query resumes it).
    pub finished: Option<String>,
}

/// One dated change of a study.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    pub registry_id: String,
    pub title: Option<String>,
    /// The registry's last-update date of the version that made the change.
    pub changed: Option<String>,
    /// When evidex stored it (UTC).
    pub recorded: String,
    /// One of `status`, `enrolment`, `primary_outcomes`, `results_first_posted`,
    /// `primary_completion`, `completion`.
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

impl Library {
    /// Counts and the last sync.
    pub fn summary(&self) -> Result<Summary, LibraryError> {
        let e = |e| self.err(e);
        let one = |sql: &str| -> Result<i64, LibraryError> {
            self.conn.query_row(sql, [], |r| r.get(0)).map_err(e)
        };
        let mut st = self
            .conn
            .prepare("SELECT source, count(*) FROM studies GROUP BY source ORDER BY 2 DESC, 1")
            .map_err(e)?;
        let by_source = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(e)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(e)?;
        let last_sync = self
            .conn
            .query_row(
                "SELECT key, pages, studies, started, updated, finished FROM syncs
                 ORDER BY updated DESC, key LIMIT 1",
                [],
                |r| {
                    Ok(Sync {
                        key: r.get(0)?,
                        pages: r.get(1)?,
                        studies: r.get(2)?,
                        started: r.get(3)?,
                        updated: r.get(4)?,
                        finished: r.get(5)?,
                    })
                },
            )
            .optional()
            .map_err(e)?;
        Ok(Summary {
            path: self.path.display().to_string(),
            studies: one("SELECT count(*) FROM studies")?,
            by_source,
            with_results: one("SELECT count(*) FROM studies WHERE has_results")?,
            changes: one("SELECT count(*) FROM changes")?,
            last_sync,
        })
    }

    /// How many studies the library holds.
    pub fn count(&self) -> Result<usize, LibraryError> {
        self.conn
            .query_row("SELECT count(*) FROM studies", [], |r| r.get::<_, i64>(0))
            .map(|n| n as usize)
            .map_err(|e| self.err(e))
    }

    /// Dated changes, oldest first; `since` (a date, `2024-05-01`) keeps those of versions
    /// updated on or after it.
    pub fn changes(&self, since: Option<&str>) -> Result<Vec<Change>, LibraryError> {
        let e = |e| self.err(e);
        let mut st = self
            .conn
            .prepare(
                "SELECT c.registry_id, s.title, c.changed, c.recorded, c.field, c.old, c.new
                 FROM changes c LEFT JOIN studies s USING (registry_id)
                 WHERE ?1 IS NULL OR c.changed >= ?1
                 ORDER BY c.changed, c.registry_id, c.id",
            )
            .map_err(e)?;
        st.query_map([since], |r| {
            Ok(Change {
                registry_id: r.get(0)?,
                title: r.get(1)?,
                changed: r.get(2)?,
                recorded: r.get(3)?,
                field: r.get(4)?,
                old: r.get(5)?,
                new: r.get(6)?,
            })
        })
        .map_err(e)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(e)
    }

    /// Removes studies by registry id (any case), with their outcomes and changes, in one
    /// transaction. Returns the ids that were not in the library.
    pub fn remove(&mut self, ids: &[String]) -> Result<Vec<String>, LibraryError> {
        let path = self.path.clone();
        let sql = |e| LibraryError::sql(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        let mut missing = Vec::new();
        for id in ids {
            let id = id.trim().to_ascii_uppercase();
            tx.execute("DELETE FROM changes WHERE registry_id = ?1", [&id])
                .map_err(sql)?;
            let n = tx
                .execute("DELETE FROM studies WHERE registry_id = ?1", [&id])
                .map_err(sql)?;
            if n == 0 {
                missing.push(id);
            }
        }
        if missing.len() < ids.len() {
            super::write::bump_generation(&tx).map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(missing)
    }

    /// Removes every study of a source (`ctgov`); returns how many.
    pub fn remove_source(&mut self, source: &str) -> Result<usize, LibraryError> {
        let path = self.path.clone();
        let sql = |e| LibraryError::sql(&path, e);
        let tx = self.conn.transaction().map_err(sql)?;
        tx.execute(
            "DELETE FROM changes WHERE registry_id IN
                 (SELECT registry_id FROM studies WHERE source = ?1)",
            [source],
        )
        .map_err(sql)?;
        let n = tx
            .execute("DELETE FROM studies WHERE source = ?1", [source])
            .map_err(sql)?;
        if n > 0 {
            super::write::bump_generation(&tx).map_err(sql)?;
        }
        tx.commit().map_err(sql)?;
        Ok(n)
    }

    /// The library's generation: raised by every write that changes its studies, so that a
    /// file derived from the library (the browser's snapshot) knows when it is stale.
    pub fn generation(&self) -> Result<i64, LibraryError> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = 'generation'", [], |r| {
                r.get(0)
            })
            .optional()
            .map(|g| g.unwrap_or(0))
            .map_err(|e| self.err(e))
    }

    /// Every study imported into `base`, by the importer, in registry-id order, read in one
    /// transaction (a consistent snapshot while a fetch writes). With the bundled corpus as
    /// `base`, a study of a bundled trial enriches that trial. A study's stored draft is merged
    /// as it is when this evidex wrote it; otherwise (an older evidex's, or a library migrated
    /// from schema 1) the registry's text is mapped again.
    pub fn corpus_into(&self, base: CorpusFile) -> Result<(CorpusFile, Report), LibraryError> {
        let e = |e| self.err(e);
        // A read transaction: every chunk sees the same version of the library.
        self.conn.execute_batch("BEGIN").map_err(e)?;
        let result = (|| {
            let mut imp = Importer::new(base);
            let mut after = String::new();
            let stamp = super::write::mapping_stamp();
            // Usually every study has a draft of this evidex: only `drafts` is read. Otherwise
            // (a library an older evidex wrote) each study's draft or registry text is.
            let drafts: i64 = self
                .conn
                .query_row(
                    "SELECT count(*) FROM drafts WHERE mapping = ?1",
                    [&stamp],
                    |r| r.get(0),
                )
                .map_err(e)?;
            let all_drafts = drafts == self.count()? as i64;
            let mut st = self
                .conn
                .prepare(if all_drafts {
                    "SELECT registry_id, draft, NULL FROM drafts
                     WHERE registry_id > ?1 AND mapping = ?3
                     ORDER BY registry_id LIMIT ?2"
                } else {
                    "SELECT s.registry_id, d.draft, CASE WHEN d.draft IS NULL THEN s.raw END
                     FROM studies s LEFT JOIN drafts d
                         ON d.registry_id = s.registry_id AND d.mapping = ?3
                     WHERE s.registry_id > ?1
                     ORDER BY s.registry_id LIMIT ?2"
                })
                .map_err(e)?;
            let mut raw_of = self
                .conn
                .prepare("SELECT raw FROM studies WHERE registry_id = ?1")
                .map_err(e)?;
            loop {
                let chunk: Vec<(String, Option<Value>, Option<String>)> = st
                    .query_map(rusqlite::params![after, CHUNK as i64, stamp], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .map_err(e)?
                    .collect::<Result<_, _>>()
                    .map_err(e)?;
                let Some((last, _, _)) = chunk.last() else {
                    break;
                };
                after = last.clone();
                let n = chunk.len();
                let mut mapped = {
                    use rayon::prelude::*;
                    chunk
                        .par_iter()
                        .map(|(id, draft, raw)| match (draft, raw) {
                            (Some(d), _) => decode_draft(d.into()).map(|d| vec![Ok(d)]),
                            (None, Some(raw)) => Ok(crate::import::drafts(id, raw)),
                            (None, None) => Ok(Vec::new()),
                        })
                        .collect::<Vec<_>>()
                };
                for ((id, _, _), m) in chunk.iter().zip(mapped.iter_mut()) {
                    // A draft that no longer reads: the registry's text is mapped again.
                    if m.is_err() {
                        let raw: String = raw_of.query_row([id], |r| r.get(0)).map_err(e)?;
                        *m = Ok(crate::import::drafts(id, &raw));
                    }
                }
                for ((id, _, _), m) in chunk.iter().zip(mapped) {
                    imp.add_drafts(id, m.unwrap_or_default());
                }
                if n < CHUNK {
                    break;
                }
            }
            Ok(imp.finish())
        })();
        let _ = self.conn.execute_batch("COMMIT");
        result
    }

    /// The registry ids of the studies, in order.
    pub fn registry_ids(&self) -> Result<Vec<String>, LibraryError> {
        let e = |e| self.err(e);
        let mut st = self
            .conn
            .prepare("SELECT registry_id FROM studies ORDER BY registry_id")
            .map_err(e)?;
        st.query_map(params_from_iter(std::iter::empty::<i64>()), |r| r.get(0))
            .map_err(e)?
            .collect::<Result<_, _>>()
            .map_err(e)
    }
}
