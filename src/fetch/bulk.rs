//! The registry's bulk download (`ctg-studies.json.zip`: one JSON file per study), read entry
//! by entry straight from the archive, never unpacked to disk.
//!
//! [`Bulk`] iterates over the archive's `.json` entries as texts; directories are passed
//! over, and entries of other kinds are counted ([`Bulk::other`]) so that the caller can say
//! they were not read. Each entry is bounded ([`MAX_ENTRY_BYTES`], checked against what is
//! actually inflated, not only what the archive declares), and every failure names the
//! archive and the entry.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use zip::ZipArchive;

/// The largest entry read: the largest real study records are a few megabytes.
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;

/// Whether the file starts as a zip archive does (`PK\x03\x04`, or `PK\x05\x06` for an
/// empty one). False for a file that cannot be read: the caller's read reports that.
pub fn is_zip(path: &Path) -> bool {
    let mut head = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && (head == *b"PK\x03\x04" || head == *b"PK\x05\x06")
}

/// One study file of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `ARCHIVE:ENTRY`, for reports.
    pub name: String,
    pub text: String,
}

/// A problem with the archive or one of its entries.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}", self.source_name(), self.reason())]
pub enum BulkError {
    Archive {
        archive: String,
        detail: String,
    },
    Entry {
        archive: String,
        entry: String,
        detail: String,
    },
    TooLarge {
        archive: String,
        entry: String,
        limit: u64,
    },
    NotUtf8 {
        archive: String,
        entry: String,
    },
}

impl BulkError {
    /// `ARCHIVE:ENTRY`, or the archive alone when the archive itself is unreadable.
    pub fn source_name(&self) -> String {
        match self {
            BulkError::Archive { archive, .. } => archive.clone(),
            BulkError::Entry { archive, entry, .. }
            | BulkError::TooLarge { archive, entry, .. }
            | BulkError::NotUtf8 { archive, entry } => format!("{archive}:{entry}"),
        }
    }

    /// What is wrong, without the names.
    pub fn reason(&self) -> String {
        match self {
            BulkError::Archive { detail, .. } => format!("cannot read the archive: {detail}"),
            BulkError::Entry { detail, .. } => {
                format!("cannot read the entry (the archive may be corrupt or cut short): {detail}")
            }
            BulkError::TooLarge { limit, .. } => {
                format!("larger than {limit} bytes unpacked; not read")
            }
            BulkError::NotUtf8 { .. } => "not UTF-8 text".into(),
        }
    }
}

/// An open archive, read one entry at a time.
pub struct Bulk {
    archive: ZipArchive<BufReader<File>>,
    name: String,
    next: usize,
    other: usize,
}

impl Bulk {
    /// Opens an archive and reads its directory (the entries stay unread).
    pub fn open(path: &Path) -> Result<Bulk, BulkError> {
        let name = path.display().to_string();
        let fail = |detail: String| BulkError::Archive {
            archive: name.clone(),
            detail,
        };
        let file = File::open(path).map_err(|e| fail(e.to_string()))?;
        let archive = ZipArchive::new(BufReader::new(file))
            .map_err(|e| fail(format!("not a readable zip archive ({e})")))?;
        Ok(Bulk {
            archive,
            name,
            next: 0,
            other: 0,
        })
    }

    /// Entries in the archive, directories and other files included.
    pub fn len(&self) -> usize {
        self.archive.len()
    }

    pub fn is_empty(&self) -> bool {
        self.archive.len() == 0
    }

    /// Files passed over so far because their names do not end in `.json`.
    pub fn other(&self) -> usize {
        self.other
    }

    /// What to say of the files passed over (see [`Bulk::other`]), once the archive is read:
    /// `note: ARCHIVE: 2 entries not ending in .json not read`; nothing when there were none.
    pub fn others_note(&self) -> Option<String> {
        let n = self.other;
        (n > 0).then(|| {
            format!(
                "note: {}: {n} entr{} not ending in .json not read",
                crate::text::clean(&self.name),
                if n == 1 { "y" } else { "ies" }
            )
        })
    }

    /// The archive's name, as reports give it.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn read(&mut self, index: usize) -> Option<Result<Entry, BulkError>> {
        let archive = self.name.clone();
        let mut file = match self.archive.by_index(index) {
            Ok(f) => f,
            Err(e) => {
                return Some(Err(BulkError::Entry {
                    archive,
                    entry: format!("entry {}", index + 1),
                    detail: e.to_string(),
                }));
            }
        };
        if file.is_dir() {
            return None;
        }
        let entry = String::from_utf8_lossy(file.name_raw()).into_owned();
        if !entry.to_ascii_lowercase().ends_with(".json") {
            self.other += 1;
            return None;
        }
        let too_large = |entry: String| BulkError::TooLarge {
            archive: archive.clone(),
            entry,
            limit: MAX_ENTRY_BYTES,
        };
        if file.size() > MAX_ENTRY_BYTES {
            return Some(Err(too_large(entry)));
        }
        let mut bytes = Vec::with_capacity(file.size() as usize);
        if let Err(e) = (&mut file)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut bytes)
        {
            return Some(Err(BulkError::Entry {
                archive,
                entry,
                detail: e.to_string(),
            }));
        }
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            return Some(Err(too_large(entry)));
        }
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            bytes.drain(..3);
        }
        Some(match String::from_utf8(bytes) {
            Ok(text) => Ok(Entry {
                name: format!("{archive}:{entry}"),
                text,
            }),
            Err(_) => Err(BulkError::NotUtf8 { archive, entry }),
        })
    }
}

impl Iterator for Bulk {
    type Item = Result<Entry, BulkError>;

    fn next(&mut self) -> Option<Self::Item> {
        while self.next < self.archive.len() {
            let i = self.next;
            self.next += 1;
            if let Some(r) = self.read(i) {
                return Some(r);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    fn archive(entries: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, data) in entries {
            if name.ends_with('/') {
                w.add_directory(*name, SimpleFileOptions::default())
                    .unwrap();
            } else {
                w.start_file(*name, SimpleFileOptions::default()).unwrap();
                w.write_all(data).unwrap();
            }
        }
        tmp.write_all(&w.finish().unwrap().into_inner()).unwrap();
        tmp
    }

    #[test]
    fn json_entries_are_read_in_order_and_others_counted() {
        let tmp = archive(&[
            ("ctg-studies/", b""),
            ("ctg-studies/NCT1.json", b"\xEF\xBB\xBF{\"a\":1}"),
            ("ctg-studies/README.txt", b"hello"),
            ("ctg-studies/NCT2.JSON", b"{\"b\":2}"),
        ]);
        assert!(is_zip(tmp.path()));
        let mut bulk = Bulk::open(tmp.path()).unwrap();
        let got: Vec<Entry> = bulk.by_ref().map(Result::unwrap).collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].name.ends_with(":ctg-studies/NCT1.json"));
        assert_eq!(got[0].text, "{\"a\":1}");
        assert_eq!(got[1].text, "{\"b\":2}");
        assert_eq!(bulk.other(), 1);
    }

    #[test]
    fn a_file_that_is_not_an_archive_is_named() {
        let mut tmp = tempfile::NamedTempFile::new().unwrap();
        tmp.write_all(b"PK\x03\x04 but nothing else").unwrap();
        let Err(e) = Bulk::open(tmp.path()) else {
            panic!("opened a broken archive")
        };
        let msg = e.to_string();
        assert!(msg.starts_with(&tmp.path().display().to_string()), "{msg}");
        assert!(msg.contains("not a readable zip archive"), "{msg}");
        assert!(!is_zip(Path::new("/nonexistent/evidex.zip")));
    }

    #[test]
    fn a_corrupt_entry_is_named_and_the_next_still_read() {
        let tmp = archive(&[
            ("NCT1.json", b"{\"first\": \"study\"}"),
            ("NCT2.json", b"{\"second\": \"study\"}"),
        ]);
        let mut bytes = std::fs::read(tmp.path()).unwrap();
        // Flip a byte of the first entry's data: its checksum no longer matches.
        let at = bytes
            .windows(5)
            .position(|w| w == b"first")
            .unwrap_or_else(|| {
                // Compressed: flip the first byte after the local header instead.
                30 + "NCT1.json".len()
            });
        bytes[at] ^= 0x55;
        std::fs::write(tmp.path(), &bytes).unwrap();
        let got: Vec<_> = Bulk::open(tmp.path()).unwrap().collect();
        assert_eq!(got.len(), 2);
        let e = got[0].as_ref().unwrap_err();
        assert!(
            matches!(e, BulkError::Entry { entry, .. } if entry == "NCT1.json"),
            "{e}"
        );
        assert!(e.to_string().contains("NCT1.json"));
        assert_eq!(got[1].as_ref().unwrap().text, "{\"second\": \"study\"}");
    }
}
