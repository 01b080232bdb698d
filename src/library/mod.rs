//! The registry library: registry records kept in an SQLite database, one row per registry id,
//! so that fetched and imported studies persist between runs and stay current.
//!
//! Storage only: nothing here prints. The CLI (`crate::cli::library`) prints, the fetcher and
//! `evidex import ctgov` write through [`Library::write_page`] and [`Library::write_studies`],
//! and the browser loads the records through [`load`].
//!
//! The file is an ordinary SQLite database (WAL mode, so a browser reads while a fetch writes)
//! whose tables are documented in data/SCHEMA.md for users of `sqlite3`. Each batch of studies
//! is one transaction: a process killed between batches loses nothing already committed, and a
//! failed batch (a full disk, a read-only file) leaves the library as it was.
//!
//! - [`schema`]: the tables, the schema version and the checks made on opening.
//! - [`write`]: storing studies, keeping dated changes, the state of a resumable sync; a study
//!   is first made ready to store (its columns, draft and record) by `row`, and the log each
//!   commit appends to is copied into the file on a thread of its own by [`checkpoint`].
//! - [`read`]: counts, changes, removal, and the studies as a corpus.
//! - [`load`]: what the browser and the commands open: the bundled corpus with the library.

mod checkpoint;
pub mod load;
pub mod read;
mod row;
pub mod schema;
pub mod snapshot;
pub mod write;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

pub use load::{Loaded, open_corpus};
pub use read::{Change, Summary};
pub use write::{PageReport, Skipped};

/// The file name of the library in the platform's data directory.
pub const FILE_NAME: &str = "library.sqlite";

/// How long a writer waits for another writer (or a checkpoint) before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The library's path when neither `--library` nor `EVIDEX_LIBRARY` names one: `library.sqlite`
/// in the platform's data directory (`$XDG_DATA_HOME/evidex` on Linux, else
/// `~/.local/share/evidex`; `~/Library/Application Support/evidex` on macOS).
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "evidex").map(|d| d.data_dir().join(FILE_NAME))
}

/// Why the library could not be opened, read or written. Every message names the file and
/// says what to do; the command exits with code 2.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("{path}: cannot open the library: {message}")]
    Open { path: PathBuf, message: String },
    #[error(
        "{path}: is not an evidex library ({detail}); name another file with --library or EVIDEX_LIBRARY"
    )]
    NotALibrary { path: PathBuf, detail: String },
    #[error(
        "{path}: the library was written by a newer evidex (library schema {found}; this version reads {supported}); upgrade evidex, or name another file with --library"
    )]
    Newer {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(
        "{path}: the library was written by an older evidex (library schema {found}; this version reads {supported}) and cannot be upgraded: {message}. Make it writable and open it once, or name another file with --library"
    )]
    Old {
        path: PathBuf,
        found: i64,
        supported: i64,
        message: String,
    },
    #[error(
        "{path}: the library file is corrupt ({message}); restore it from a backup, or move it aside and import again"
    )]
    Corrupt { path: PathBuf, message: String },
    #[error(
        "{path}: cannot write the library: the file or its directory is read-only ({message}); nothing was changed. Make it writable, or name another file with --library"
    )]
    ReadOnly { path: PathBuf, message: String },
    #[error(
        "{path}: the disk is full; the last batch was not written and the library is as it was before it. Free some space and run the command again"
    )]
    Full { path: PathBuf },
    #[error(
        "{path}: another evidex kept the library busy for more than {} s; try again when it has finished",
        BUSY_TIMEOUT.as_secs()
    )]
    Busy { path: PathBuf },
    #[error("{path}: {message}")]
    Other { path: PathBuf, message: String },
    #[error("{message}")]
    Input { message: String },
}

impl LibraryError {
    /// Classifies an SQLite error on the library at `path`.
    pub(crate) fn sql(path: &Path, e: rusqlite::Error) -> LibraryError {
        use rusqlite::ErrorCode as C;
        let path = path.to_path_buf();
        let message = e.to_string();
        match e.sqlite_error_code() {
            Some(C::NotADatabase) => LibraryError::NotALibrary {
                path,
                detail: "not an SQLite database".into(),
            },
            Some(C::DatabaseCorrupt) => LibraryError::Corrupt { path, message },
            Some(C::ReadOnly) | Some(C::PermissionDenied) => {
                LibraryError::ReadOnly { path, message }
            }
            Some(C::DiskFull) => LibraryError::Full { path },
            Some(C::DatabaseBusy) | Some(C::DatabaseLocked) => LibraryError::Busy { path },
            Some(C::CannotOpen) => LibraryError::Open { path, message },
            _ => LibraryError::Other { path, message },
        }
    }
}

/// `file:PATH?immutable=1`, the path made absolute and percent-encoded.
fn immutable_uri(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut uri = String::from("file:");
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(abs.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = abs.to_string_lossy().replace('\\', "/").into_bytes();
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// Why a path that is not a regular file (a directory, a FIFO, a socket, a device) cannot be
/// a library.
fn not_a_file(path: &Path, m: &std::fs::Metadata) -> LibraryError {
    let what = if m.is_dir() {
        "is a directory"
    } else {
        "is not a regular file (a FIFO, a socket or a device)"
    };
    LibraryError::Open {
        path: path.to_path_buf(),
        message: format!("{what}; name a file such as library.sqlite"),
    }
}

/// An open library.
pub struct Library {
    /// Started by the first write (see [`checkpoint`]); dropped, and so joined, before `conn`
    /// closes.
    checkpoint: Option<checkpoint::Checkpointer>,
    conn: Connection,
    path: PathBuf,
}

impl std::fmt::Debug for Library {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Library").field("path", &self.path).finish()
    }
}

impl Library {
    /// Opens the library at `path`, creating it (and its directory) when it does not exist.
    /// A file that is not a library, is corrupt, or comes from a newer evidex is refused with
    /// a message naming it, and left untouched.
    pub fn open(path: &Path) -> Result<Library, LibraryError> {
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
        {
            std::fs::create_dir_all(dir).map_err(|e| LibraryError::Open {
                path: path.to_path_buf(),
                message: format!("cannot create the directory {}: {e}", dir.display()),
            })?;
        }
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => return Err(not_a_file(path, &m)),
            _ => {}
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let lib = Library::open_with(path, flags, true)?;
        lib.verify()?;
        Ok(lib)
    }

    /// Counts the rows of every table, which reads each one's smallest index from end to end
    /// (a few megabytes at registry size, not the studies' text): a file damaged there is
    /// refused as corrupt before anything is written into it, as reading it would be.
    fn verify(&self) -> Result<(), LibraryError> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM studies) + (SELECT count(*) FROM drafts)
                      + (SELECT count(*) FROM outcomes) + (SELECT count(*) FROM changes)
                      + (SELECT count(*) FROM syncs) + (SELECT count(*) FROM meta)",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Opens an existing library to read it (the browser, `search`, `library changes`): never
    /// creates a file; changes the schema only to bring an older library up to this one (a
    /// read-only one of an older schema is refused by name). `Ok(None)` when there is no file at `path`.
    pub fn open_existing(path: &Path) -> Result<Option<Library>, LibraryError> {
        match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(LibraryError::Open {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                });
            }
            Ok(m) if !m.is_file() => return Err(not_a_file(path, &m)),
            Ok(_) => {}
        }
        // Read-write (without create) so that WAL readers can use the shared-memory index; a
        // file evidex may not write is opened read-only.
        let rw = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let ro = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let cannot = |r: &Result<Library, LibraryError>| {
            matches!(
                r,
                Err(LibraryError::ReadOnly { .. }) | Err(LibraryError::Open { .. })
            )
        };
        let mut r = Library::open_with(path, rw, false);
        if cannot(&r) {
            r = Library::open_with(path, ro, false);
        }
        if cannot(&r) {
            // In a directory evidex may not write, a reader cannot make the shared-memory file
            // WAL readers use: read the file as it is, as one that nothing changes (nothing
            // can, but its owner), through SQLite's `immutable` URI parameter.
            let uri = immutable_uri(path);
            r = Library::connect(
                Path::new(&uri),
                path,
                ro | OpenFlags::SQLITE_OPEN_URI,
                false,
            );
        }
        r.map(Some)
    }

    /// The schema of the library at `path` when opening it will bring it up to this one (an
    /// evidex library of an older schema); `None` otherwise, or when it cannot be read (opening
    /// it says why). Reads only the file's header.
    pub fn pending_migration(path: &Path) -> Option<i64> {
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            return None;
        }
        let ro = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, ro).ok()?;
        let app: i64 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .ok()?;
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .ok()?;
        (app == schema::APPLICATION_ID && (1..schema::VERSION).contains(&version))
            .then_some(version)
    }

    fn open_with(path: &Path, flags: OpenFlags, create: bool) -> Result<Library, LibraryError> {
        Library::connect(path, path, flags, create)
    }

    /// Opens `target` (the library's path, or a URI for it), named `path` in every message.
    fn connect(
        target: &Path,
        path: &Path,
        flags: OpenFlags,
        create: bool,
    ) -> Result<Library, LibraryError> {
        let sql = |e| LibraryError::sql(path, e);
        let conn = Connection::open_with_flags(target, flags).map_err(sql)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(sql)?;
        let lib = Library {
            checkpoint: None,
            conn,
            path: path.to_path_buf(),
        };
        schema::check(&lib.conn, path, create)?;
        Ok(lib)
    }

    /// The file this library is in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn err(&self, e: rusqlite::Error) -> LibraryError {
        LibraryError::sql(&self.path, e)
    }
}

#[cfg(test)]
mod tests;
