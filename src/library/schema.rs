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
pub const VERSION: i64 = 3;

/// The `studies` table of schema 3. An ordinary (rowid) table: its rows are large (the
/// registry's text is 8–40 KB), and SQLite compares the whole row of a WITHOUT ROWID table,
/// overflow pages included, at every step of a lookup, so that table made every write and
/// lookup slower as the library grew.
const STUDIES: &str = "
CREATE TABLE studies (
    registry_id TEXT PRIMARY KEY NOT NULL,
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
    raw TEXT NOT NULL,
    added TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX studies_source ON studies(source);
";

/// The `drafts` table of schema 3 (a rowid table, as `studies`). `draft` is MessagePack (a
/// blob); a draft stored as JSON text by schema 2 still reads.
const DRAFTS: &str = "
CREATE TABLE drafts (
    registry_id TEXT PRIMARY KEY NOT NULL REFERENCES studies(registry_id) ON DELETE CASCADE,
    mapping TEXT NOT NULL,
    draft NOT NULL
);
";

/// The tables of every schema since 1, unchanged.
const UNCHANGED: &str = "
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

/// `meta`, as schema 2 added it.
const META: &str = "
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('generation', 1);
";

/// The `drafts` table of schema 2: the stored drafts (with what mapped them). Drafts
/// are a table of their own, so that opening the library reads them without passing over the
/// registry texts stored in `studies`.
const DRAFTS_2: &str = "
CREATE TABLE drafts (
    registry_id TEXT PRIMARY KEY REFERENCES studies(registry_id) ON DELETE CASCADE,
    mapping TEXT NOT NULL,
    draft TEXT NOT NULL
) WITHOUT ROWID;
";

/// From schema 1 to 2: the drafts ([`DRAFTS_2`]) and the generation (`meta`).
pub(crate) fn to_2() -> String {
    format!("{DRAFTS_2}{META}")
}

/// From schema 2 to 3: `studies` and `drafts` rebuilt as rowid tables, and the `record`
/// column dropped (the corpus form of a study is what `evidex library export` writes). SQLite's
/// documented way: new tables under other names, the rows copied, the old tables dropped, the
/// new ones renamed (renaming the old ones instead would move the other tables' references
/// with them). Run with foreign keys off, so that dropping the old tables deletes nothing else.
fn to_3() -> String {
    let studies = STUDIES
        .replace("CREATE TABLE studies (", "CREATE TABLE studies_3 (")
        .replace("CREATE INDEX studies_source ON studies(source);", "");
    let drafts = DRAFTS.replace("CREATE TABLE drafts (", "CREATE TABLE drafts_3 (");
    format!(
        "{studies}
         INSERT INTO studies_3 (registry_id, source, last_update, phase, status, enrolment,
                 enrolment_type, title, conditions, primary_outcomes, results_first_posted,
                 primary_completion, completion, has_results, raw, added, updated)
             SELECT registry_id, source, last_update, phase, status, enrolment,
                 enrolment_type, title, conditions, primary_outcomes, results_first_posted,
                 primary_completion, completion, has_results, raw, added, updated
             FROM studies ORDER BY registry_id;
         {drafts}
         INSERT INTO drafts_3 (registry_id, mapping, draft)
             SELECT registry_id, mapping, draft FROM drafts ORDER BY registry_id;
         DROP TABLE drafts;
         DROP TABLE studies;
         ALTER TABLE studies_3 RENAME TO studies;
         ALTER TABLE drafts_3 RENAME TO drafts;
         CREATE INDEX studies_source ON studies(source);"
    )
}

/// The `studies` table of schema 1 and 2.
#[cfg(test)]
const STUDIES_1: &str = "
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
";

/// The tables of schema 1 (as the first evidex with a library wrote them).
#[cfg(test)]
pub(crate) fn schema_1() -> String {
    format!("{STUDIES_1}{UNCHANGED}")
}

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
/// their drafts) and the `meta` table; schema 2's `studies` and `drafts` are rebuilt as rowid
/// tables without `record` (every row copied once: the file grows by the size of the two
/// tables until SQLite reuses the space freed). A library this process may not write is
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
    // Foreign keys are off on a new connection (and cannot change inside a transaction): say
    // so, since dropping a table with them on would delete its outcomes.
    conn.pragma_update(None, "foreign_keys", false)
        .map_err(sql)?;
    conn.execute_batch("BEGIN IMMEDIATE").map_err(sql)?;
    let done = (|| -> rusqlite::Result<()> {
        // Another process may have migrated it meanwhile.
        let now: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if now < 2 {
            conn.execute_batch(&format!("{} PRAGMA user_version = 2;", to_2()))?;
        }
        if now < 3 {
            conn.execute_batch(&format!("{} PRAGMA user_version = 3;", to_3()))?;
            let broken: i64 =
                conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                    r.get(0)
                })?;
            if broken > 0 {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
                    Some(format!(
                        "{broken} rows lost their study while the tables were rebuilt"
                    )),
                ));
            }
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
                "{STUDIES}
                 {DRAFTS}
                 {UNCHANGED}
                 {META}
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
