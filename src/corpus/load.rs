//! Reading a corpus file: size, encoding and JSON syntax, with errors that name the file,
//! the line, the column and the field path.
//!
//! Parsing is lenient about fields it does not know (they are collected in
//! [`CorpusFile::ignored`] and reported as warnings, see data/SCHEMA.md) and bounded: files larger
//! than [`MAX_FILE_BYTES`] are refused ([`crate::fsio`] reads them), and serde_json's recursion limit
//! turns absurdly nested input into an error instead of a stack overflow. A UTF-8 byte-order
//! mark is tolerated.

use std::fmt;
use std::path::{Path, PathBuf};

use super::model::CorpusFile;
use super::validate::Problem;
pub use crate::fsio::MAX_FILE_BYTES;
use crate::fsio::{self, ReadError};

/// Why a corpus could not be loaded. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{path}: cannot read the file: {reason}")]
    Io { path: PathBuf, reason: String },
    #[error("{path}: is a directory, not a corpus file; pass the path of a .json file")]
    IsDir { path: PathBuf },
    #[error(
        "{path}: the file is {size} bytes, larger than the {limit} bytes evidex reads; split it or import fewer records"
    )]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error(
        "{path}: is not a corpus file: its first byte is 0x{byte:02x}, where JSON starts with {{ or ["
    )]
    NotJson { path: PathBuf, byte: u8 },
    #[error("{path}: is not a corpus file: byte {at} is not UTF-8 text, where JSON is UTF-8 text")]
    NotText { path: PathBuf, at: u64 },
    #[error("{path}: the file is empty; a corpus is a JSON object such as {{\"trials\": []}}")]
    Empty { path: PathBuf },
    #[error(
        "{path}:{line}:{column}: the file is not valid UTF-8 (byte 0x{byte:02x}); save it as UTF-8"
    )]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        column: usize,
        byte: u8,
    },
    #[error("{path}:{line}:{column}: {}{message}", field_prefix(.field))]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        /// Field path such as `trials[3].outcomes[0].p`; empty at the top level.
        field: String,
        message: String,
    },
    #[error("{}", Invalid(.path, .problems))]
    Invalid {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

fn field_prefix(field: &str) -> String {
    if field.is_empty() || field == "." {
        String::new()
    } else {
        format!("in {field}: ")
    }
}

struct Invalid<'a>(&'a Path, &'a [Problem]);

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.1.len();
        write!(
            f,
            "{}: {n} problem{} found:",
            self.0.display(),
            if n == 1 { "" } else { "s" }
        )?;
        for p in self.1 {
            write!(f, "\n  {}", p.display_in(self.0))?;
        }
        Ok(())
    }
}

/// Reads and parses a corpus file (no validation).
pub fn read_file(path: &Path) -> Result<(CorpusFile, String), LoadError> {
    let bytes = fsio::read_bounded(path).map_err(|e| {
        let path = path.to_path_buf();
        match e {
            ReadError::Io(e) => LoadError::Io {
                path,
                reason: e.to_string(),
            },
            ReadError::IsDir => LoadError::IsDir { path },
            ReadError::TooLarge { size, limit } => LoadError::TooLarge { path, size, limit },
            ReadError::NotJson(byte) => LoadError::NotJson { path, byte },
            ReadError::NotText(at) => LoadError::NotText { path, at },
        }
    })?;
    let text = decode(path, bytes)?;
    let file = parse(path, &text)?;
    Ok((file, text))
}

/// Turns bytes into text, naming the line and column of the first invalid byte.
pub fn decode(path: &Path, mut bytes: Vec<u8>) -> Result<String, LoadError> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let (line, column) = line_col(&bytes[..good]);
        LoadError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            column,
            byte: bytes[good],
        }
    })
}

fn line_col(prefix: &[u8]) -> (usize, usize) {
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = prefix
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&prefix[start..]).chars().count() + 1;
    (line, column)
}

/// Parses JSON text into the model, reporting the field path of the first error.
pub fn parse(path: &Path, text: &str) -> Result<CorpusFile, LoadError> {
    if text.trim().is_empty() {
        return Err(LoadError::Empty {
            path: path.to_path_buf(),
        });
    }
    // The fast path reads without tracking where it is; only a file that fails is read again
    // with the field path tracked, for the message (tracking allocates at every map key).
    let mut ignored = Vec::new();
    let mut de = serde_json::Deserializer::from_str(text);
    let mut note = |p: serde_ignored::Path<'_>| ignored.push(bracket_indices(&p.to_string()));
    let fast: Result<CorpusFile, _> = serde_ignored::deserialize(&mut de, &mut note);
    let mut file = match fast.and_then(|f| de.end().map(|()| f)) {
        Ok(f) => f,
        Err(_) => return Err(parse_with_path(path, text)),
    };
    file.ignored = ignored;
    Ok(file)
}

/// Parses again, tracking the field path, to describe the first error.
fn parse_with_path(path: &Path, text: &str) -> LoadError {
    let mut de = serde_json::Deserializer::from_str(text);
    match serde_path_to_error::deserialize::<_, CorpusFile>(&mut de) {
        Err(e) => {
            let field = e.path().to_string();
            parse_error(path, &field, e.inner())
        }
        Ok(_) => match de.end() {
            Err(e) => parse_error(path, "", &e),
            Ok(()) => LoadError::Parse {
                path: path.to_path_buf(),
                line: 1,
                column: 1,
                field: String::new(),
                message: "the file could not be read as a corpus".into(),
            },
        },
    }
}

/// `trials.0.titel` → `trials[0].titel`, the form every other message uses.
fn bracket_indices(path: &str) -> String {
    let mut out = String::new();
    for part in path.split('.') {
        if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(part);
        }
    }
    out
}

fn parse_error(path: &Path, field: &str, e: &serde_json::Error) -> LoadError {
    let mut message = e.to_string();
    // serde_json appends " at line L column C"; the prefix already says where.
    if let Some(i) = message.rfind(" at line ") {
        message.truncate(i);
    }
    if message.starts_with("EOF while parsing") {
        message = format!("{message}: the file ends early (truncated?)");
    }
    if message.starts_with("recursion limit exceeded") {
        message = "the JSON is nested too deeply to be a corpus".to_string();
    }
    LoadError::Parse {
        path: path.to_path_buf(),
        line: e.line().max(1),
        column: e.column().max(1),
        field: field.to_string(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(Path::new("c.json"), text).unwrap_err().to_string()
    }

    #[test]
    fn names_line_column_and_field() {
        let text = "{\n  \"trials\": [\n    {\"id\": \"x\", \"title\": {\"en\": \"t\"}, \"enrolment\": \"many\", \"citations\": []}\n  ]\n}";
        let e = err(text);
        assert!(e.starts_with("c.json:3:"), "{e}");
        assert!(e.contains("trials[0].enrolment"), "{e}");
    }

    #[test]
    fn unknown_fields_are_collected() {
        let f = parse(
            Path::new("c.json"),
            r#"{"trials": [{"id": "x", "title": {"en": "t"}, "titel": {}, "citations": []}], "extra": 1}"#,
        )
        .unwrap();
        assert_eq!(f.ignored, vec!["trials[0].titel", "extra"]);
    }

    #[test]
    fn empty_truncated_and_deep() {
        assert!(err("  \n").contains("empty"));
        assert!(err(r#"{"trials": [{"id": "#).contains("truncated"));
        let deep = "[".repeat(10_000);
        assert!(err(&deep).contains("nested too deeply") || err(&deep).contains("expected"));
    }

    #[test]
    fn invalid_utf8_has_a_position() {
        let e = decode(Path::new("c.json"), b"{\n \"a\xff\": 1}".to_vec()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.json:2:4: the file is not valid UTF-8 (byte 0xff); save it as UTF-8"
        );
    }

    #[test]
    fn bom_is_tolerated() {
        let t = decode(Path::new("c.json"), b"\xEF\xBB\xBF{}".to_vec()).unwrap();
        assert_eq!(t, "{}");
    }
}
