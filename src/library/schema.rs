//! The library's tables (documented for `sqlite3` users in data/SCHEMA.md, "The library"), its
//! schema version, and the checks made when a file is opened.
//!
//! A library is recognised by its SQLite `application_id`; its schema version is SQLite's
//! `user_version`. A file with another application id, or tables but no id, is not a library;
//! a higher version is a newer evidex's. Both are refused before anything is written. A library
//! of an older schema is brought up to this one when it is opened (see [`migrate`]).

use std::path::Path;

use rusqlite::Connection;

use super::LibraryError;

/// `PRAGMA application_id` of an evidex library: "EVDX".
pub const APPLICATION_ID: i64 = 0x4556_4458;
/// The schema version this evidex reads and writes (`PRAGMA user_version`).
pub const VERSION: i64 = 2;

/// The tables of schema 1; [`TO_2`] adds the rest.
const TABLES: &str = "
CREATE TABLE studies (
    registry_id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    last_update TEXT,
    phase TEXT,
    status TEXT,
    enrolment INTEGER,
    enrolment_type TEXT,
    title TEXT NOT NULL,
    conditions TEXT NOT NULL,
    primary_outcomes TEXT NOT NULL,
    results_first_posted TEXT,
    primary_completion TEXT,
    completion TEXT,
    has_results INTEGER NOT NULL,
    record TEXT NOT NULL,
    raw TEXT NOT NULL,
    added TEXT NOT NULL,
    updated TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX studies_source ON studies(source);
CREATE TABLE outcomes (
    registry_id TEXT NOT NULL REFERENCES studies(registry_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    endpoint TEXT NOT NULL,
    label TEXT,
    unit TEXT,
    ratio_kind TEXT,
    ratio REAL,
    ci_low REAL,
    ci_high REAL,
    p TEXT,
    PRIMARY KEY (registry_id, position)
) WITHOUT ROWID;
CREATE INDEX outcomes_endpoint ON outcomes(endpoint);
CREATE TABLE changes (
    id INTEGER PRIMARY KEY,
    registry_id TEXT NOT NULL,
    changed TEXT,
    recorded TEXT NOT NULL,
    field TEXT NOT NULL,
    old TEXT,
    new TEXT
);
CREATE INDEX changes_changed ON changes(changed);
CREATE TABLE syncs (
    key TEXT PRIMARY KEY,
    next_page_token TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    studies INTEGER NOT NULL DEFAULT 0,
    started TEXT NOT NULL,
    updated TEXT NOT NULL,
    finished TEXT
);
";

/// What schema 1 lacks: the stored drafts (with what mapped them) and the generation. Drafts
/// are a table of their own, so that opening the library reads them without passing over the
/// registry texts stored in `studies`.
const TO_2: &str = "
CREATE TABLE drafts (
    registry_id TEXT PRIMARY KEY REFERENCES studies(registry_id) ON DELETE CASCADE,
    mapping TEXT NOT NULL,
    draft TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('generation', 1);
";

/// Checks the file, and gives a new (empty) file its tables when `create` is set.
pub fn check(conn: &Connection, path: &Path, create: bool) -> Result<(), LibraryError> {
    let sql = |e| LibraryError::sql(path, e);
    // Reading the header is the first access: a file that is not SQLite fails here.
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(sql)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(sql)?;
    let objects: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(sql)?;
    if app == 0 && version == 0 && objects == 0 {
        if !create {
            return Err(LibraryError::NotALibrary {
                path: path.to_path_buf(),
                detail: "an empty database".into(),
            });
        }
        return init(conn, path);
    }
    if app != APPLICATION_ID {
        return Err(LibraryError::NotALibrary {
            path: path.to_path_buf(),
            detail: "an SQLite database of another program".into(),
        });
    }
    if version > VERSION {
        return Err(LibraryError::Newer {
            path: path.to_path_buf(),
            found: version,
            supported: VERSION,
        });
    }
    if version < 1 {
        return Err(LibraryError::NotALibrary {
            path: path.to_path_buf(),
            detail: format!("library schema {version} is not one evidex wrote"),
        });
    }
    if version < VERSION {
        migrate(conn, path, version)?;
    }
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(sql)?;
    Ok(())
}

/// Brings a library of an older schema up to this one, in one transaction. Schema 1 gains the
/// `drafts` table (empty: its studies are mapped from `raw` when opened, until a write stores
/// their drafts) and the `meta` table. A library this process may not write is
/// refused with a message naming it.
fn migrate(conn: &Connection, path: &Path, from: i64) -> Result<(), LibraryError> {
    let old = |message: String| LibraryError::Old {
        path: path.to_path_buf(),
        found: from,
        supported: VERSION,
        message,
    };
    if conn.is_readonly(rusqlite::MAIN_DB).unwrap_or(true) {
        return Err(old("the file is read-only".into()));
    }
    let sql = |e| LibraryError::sql(path, e);
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
    let done = (|| -> rusqlite::Result<()> {
        // Another process may have migrated it meanwhile.
        let now: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if now < 2 {
            conn.execute_batch(&format!("{TO_2} PRAGMA user_version = 2;"))?;
        }
        conn.execute_batch("COMMIT")
    })();
    if let Err(e) = done {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(match LibraryError::sql(path, e) {
            LibraryError::ReadOnly { message, .. } => old(message),
            e => e,
        });
    }
    Ok(())
}

/// Gives an empty database the library's tables, version and WAL mode, in one transaction.
fn init(conn: &Connection, path: &Path) -> Result<(), LibraryError> {
    let sql = |e| LibraryError::sql(path, e);
    // WAL is a property of the file: set once, every later connection uses it.
    let _: String = conn
        .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
        .map_err(sql)?;
    // Two processes may create the library at once: the second finds the tables made.
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
    let made = (|| -> rusqlite::Result<()> {
        let objects: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if objects == 0 {
            conn.execute_batch(&format!(
                "{TABLES}
                 {TO_2}
                 PRAGMA application_id = {APPLICATION_ID};
                 PRAGMA user_version = {VERSION};"
            ))?;
        }
        conn.execute_batch("COMMIT")
    })();
    if let Err(e) = made {
        let _ = conn.execute_batch("ROLLBACK");
        return Err(sql(e));
    }
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(sql)?;
    Ok(())
}
