//! What evidex remembers for its user, in the platform's data directory
//! (`$XDG_DATA_HOME/evidex`, usually `~/.local/share/evidex`): the query history, the marks,
//! and named sets of records. Every file is plain text meant to be read, diffed and versioned:
//!
//! - `history.txt`: one query a line, oldest first.
//! - `marks.txt`: one record id a line.
//! - `sets/NAME.toml`: a set's name, when it was made, and its record ids.
//!
//! A set stores ids, never positions, so it survives corpus and library updates; ids that no
//! longer resolve are reported by whoever shows the set, never dropped. Writes go through
//! [`crate::fsio`] (atomic replacement), so a crash never leaves half a file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The environment variable that moves the data directory (tests, portable installs).
pub const ENV: &str = "EVIDEX_DATA_DIR";

/// How many queries the history keeps by default.
pub const HISTORY_SIZE: usize = 1000;

/// The longest query kept in the history (longer ones are not remembered).
const MAX_QUERY: usize = 2000;

/// A failure to read or write the user's files.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: crate::fsio::ReadError,
    },
    #[error("{}: cannot write: {source}", path.display())]
    Write {
        path: PathBuf,
        source: crate::fsio::WriteError,
    },
    #[error("{}: cannot create the folder: {source}", path.display())]
    Mkdir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a set: {message}", path.display())]
    BadSet { path: PathBuf, message: String },
    #[error("no set named {0:?} (`evidex set list` lists them)")]
    NoSet(String),
    #[error("a set named {0:?} exists already; choose another name, or delete it first")]
    SetExists(String),
    #[error("a set's name needs a letter or a digit")]
    BadName,
}

/// A named set of records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Set {
    pub name: String,
    /// When it was made: an ISO date.
    pub created: String,
    /// Record ids, in the order they were marked.
    pub records: Vec<String>,
}

/// The user's own note on a record: never a source's words, and always shown as the user's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The record's id.
    pub record: String,
    /// When it was last written: an ISO date.
    pub date: String,
    pub text: String,
}

/// `notes.toml`: every note, one `[[note]]` table each.
#[derive(Debug, Default, Serialize, Deserialize)]
struct NotesFile {
    #[serde(default, rename = "note")]
    notes: Vec<Note>,
}

/// The user's data directory and the files in it.
#[derive(Debug, Clone)]
pub struct UserData {
    dir: PathBuf,
}

impl UserData {
    /// The data directory: `EVIDEX_DATA_DIR`, else `evidex` in the platform's data directory.
    pub fn default_dir() -> Option<PathBuf> {
        if let Some(d) = std::env::var_os(ENV).filter(|d| !d.is_empty()) {
            return Some(PathBuf::from(d));
        }
        directories::ProjectDirs::from("", "", "evidex").map(|d| d.data_dir().to_path_buf())
    }

    pub fn at(dir: impl Into<PathBuf>) -> UserData {
        UserData { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Lines of a text file; none when it does not exist yet.
    fn lines(&self, path: &Path) -> Result<Vec<String>, DataError> {
        match crate::fsio::read_bounded_with(path, 16 << 20) {
            Ok(bytes) => Ok(String::from_utf8_lossy(&bytes)
                .lines()
                .map(str::trim_end)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect()),
            Err(crate::fsio::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Vec::new())
            }
            Err(source) => Err(DataError::Read {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    fn write(&self, path: &Path, text: &str) -> Result<(), DataError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| DataError::Mkdir {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        crate::fsio::write_output(path, text.as_bytes()).map_err(|source| DataError::Write {
            path: path.to_path_buf(),
            source,
        })
    }

    /// The query history, oldest first.
    pub fn history(&self) -> Result<Vec<String>, DataError> {
        self.lines(&self.file("history.txt"))
    }

    /// Adds `query` as the newest entry (an earlier copy of it moves up), keeping the newest
    /// `size`. Blank and over-long queries are not kept; line breaks become spaces.
    pub fn remember(&self, query: &str, size: usize) -> Result<Vec<String>, DataError> {
        let q: String = query
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string();
        let mut all = self.history()?;
        if q.is_empty() || q.chars().count() > MAX_QUERY {
            return Ok(all);
        }
        all.retain(|h| *h != q);
        all.push(q);
        let start = all.len().saturating_sub(size);
        let kept = all.split_off(start);
        self.write(&self.file("history.txt"), &lines_text(&kept))?;
        Ok(kept)
    }

    /// The marked record ids.
    pub fn marks(&self) -> Result<Vec<String>, DataError> {
        self.lines(&self.file("marks.txt"))
    }

    pub fn save_marks(&self, ids: &[String]) -> Result<(), DataError> {
        self.write(&self.file("marks.txt"), &lines_text(ids))
    }

    fn set_path(&self, name: &str) -> Result<PathBuf, DataError> {
        let slug = slug(name);
        if slug.is_empty() {
            return Err(DataError::BadName);
        }
        Ok(self.dir.join("sets").join(format!("{slug}.toml")))
    }

    /// Every set, by name.
    pub fn sets(&self) -> Result<Vec<Set>, DataError> {
        let dir = self.dir.join("sets");
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(DataError::Read {
                    path: dir,
                    source: crate::fsio::ReadError::Io(e),
                });
            }
        };
        let mut sets = Vec::new();
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "toml") {
                sets.push(self.read_set(&p)?);
            }
        }
        sets.sort_by_key(|s| s.name.to_lowercase());
        Ok(sets)
    }

    fn read_set(&self, path: &Path) -> Result<Set, DataError> {
        let bytes =
            crate::fsio::read_bounded_with(path, 4 << 20).map_err(|source| DataError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        let text = String::from_utf8_lossy(&bytes);
        toml::from_str(&text).map_err(|e| DataError::BadSet {
            path: path.to_path_buf(),
            message: e.message().to_string(),
        })
    }

    /// The set named `name` (case and spacing as in its file name do not matter).
    pub fn set(&self, name: &str) -> Result<Set, DataError> {
        let path = self.set_path(name)?;
        if !path.exists() {
            return Err(DataError::NoSet(name.to_string()));
        }
        self.read_set(&path)
    }

    /// Saves a new set; an existing set of that name is never replaced.
    pub fn save_set(&self, name: &str, records: &[String], today: &str) -> Result<Set, DataError> {
        let path = self.set_path(name)?;
        if std::fs::symlink_metadata(&path).is_ok() {
            return Err(DataError::SetExists(name.to_string()));
        }
        let set = Set {
            name: name.trim().to_string(),
            created: today.to_string(),
            records: records.to_vec(),
        };
        let text = toml::to_string(&set).map_err(|e| DataError::BadSet {
            path: path.clone(),
            message: e.to_string(),
        })?;
        self.write(&path, &text)?;
        Ok(set)
    }

    /// Every note, in the order they were first written.
    pub fn notes(&self) -> Result<Vec<Note>, DataError> {
        let path = self.file("notes.toml");
        let bytes = match crate::fsio::read_bounded_with(&path, 16 << 20) {
            Ok(b) => b,
            Err(crate::fsio::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Vec::new());
            }
            Err(source) => return Err(DataError::Read { path, source }),
        };
        let file: NotesFile =
            toml::from_str(&String::from_utf8_lossy(&bytes)).map_err(|e| DataError::BadSet {
                path: path.clone(),
                message: e.message().to_string(),
            })?;
        Ok(file.notes)
    }

    /// Writes the note on `record` (an empty text removes it); returns every note.
    pub fn set_note(&self, record: &str, text: &str, today: &str) -> Result<Vec<Note>, DataError> {
        let mut notes = self.notes()?;
        let text: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .trim()
            .to_string();
        match notes.iter_mut().find(|n| n.record == record) {
            Some(n) if !text.is_empty() => {
                n.text = text;
                n.date = today.to_string();
            }
            Some(_) => notes.retain(|n| n.record != record),
            None if !text.is_empty() => notes.push(Note {
                record: record.to_string(),
                date: today.to_string(),
                text,
            }),
            None => {}
        }
        let path = self.file("notes.toml");
        let body = toml::to_string(&NotesFile {
            notes: notes.clone(),
        })
        .map_err(|e| DataError::BadSet {
            path: path.clone(),
            message: e.to_string(),
        })?;
        self.write(&path, &body)?;
        Ok(notes)
    }

    /// Deletes a set's file.
    pub fn delete_set(&self, name: &str) -> Result<(), DataError> {
        let path = self.set_path(name)?;
        std::fs::remove_file(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                DataError::NoSet(name.to_string())
            } else {
                DataError::Read {
                    path,
                    source: crate::fsio::ReadError::Io(e),
                }
            }
        })
    }
}

/// Lines joined with a final newline.
fn lines_text(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\n")).collect()
}

/// A set's file name: lower-case letters and digits of any script, other runs as `-`.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.trim().chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') {
            s.push('-');
        }
    }
    s.trim_matches('-').chars().take(80).collect()
}

/// Today's date (UTC) as `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_keeps_the_newest_once_each_and_survives_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let u = UserData::at(dir.path());
        assert!(u.history().unwrap().is_empty());
        for q in ["tace", "emerald", "tace", "  ", "a\nb"] {
            u.remember(q, 3).unwrap();
        }
        assert_eq!(
            UserData::at(dir.path()).history().unwrap(),
            ["emerald", "tace", "a b"]
        );
        u.remember("x", 2).unwrap();
        assert_eq!(u.history().unwrap(), ["a b", "x"]);
    }

    #[test]
    fn a_set_is_saved_once_read_back_and_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let u = UserData::at(dir.path());
        let ids = vec!["emerald-1".to_string(), "NCT01234567".to_string()];
        u.save_set("Tumour board 2026-12-03", &ids, "2026-12-01")
            .unwrap();
        let text =
            std::fs::read_to_string(dir.path().join("sets/tumour-board-2026-12-03.toml")).unwrap();
        assert!(text.contains("records = ["), "{text}");
        let back = u.set("tumour board 2026-12-03").unwrap();
        assert_eq!(back.records, ids);
        assert_eq!(back.name, "Tumour board 2026-12-03");
        assert!(matches!(
            u.save_set("Tumour board 2026-12-03", &[], "2026-12-02"),
            Err(DataError::SetExists(_))
        ));
        assert_eq!(u.set("tumour board 2026-12-03").unwrap().records, ids);
        assert_eq!(u.sets().unwrap().len(), 1);
        assert!(matches!(u.set("nope"), Err(DataError::NoSet(_))));
        assert!(matches!(
            u.save_set("  ", &[], "x"),
            Err(DataError::BadName)
        ));
        u.delete_set("Tumour board 2026-12-03").unwrap();
        assert!(u.sets().unwrap().is_empty());
    }

    #[test]
    fn a_note_is_written_replaced_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let u = UserData::at(dir.path());
        u.set_note("emerald-1", "ask about\nPD-L1", "2026-12-01")
            .unwrap();
        u.set_note("leap-012", "subgroup?", "2026-12-01").unwrap();
        let notes = u.set_note("emerald-1", "asked", "2026-12-02").unwrap();
        assert_eq!(notes[0].text, "asked");
        assert_eq!(notes[0].date, "2026-12-02");
        let text = std::fs::read_to_string(dir.path().join("notes.toml")).unwrap();
        assert!(
            text.contains("[[note]]") && text.contains("record = \"leap-012\""),
            "{text}"
        );
        let notes = u.set_note("emerald-1", "  ", "2026-12-03").unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(u.notes().unwrap(), notes);
    }

    #[test]
    fn marks_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let u = UserData::at(dir.path().join("deep/er"));
        let ids = vec!["a".to_string(), "b".to_string()];
        u.save_marks(&ids).unwrap();
        assert_eq!(u.marks().unwrap(), ids);
    }

    #[test]
    fn today_is_an_iso_date() {
        let t = today();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20") && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-');
    }
}
