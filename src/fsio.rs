//! Files in and out: reads bounded in size, and writes that never replace what is not a
//! regular file.
//!
//! Every file evidex reads (a corpus, a registry record) goes through [`read_bounded`], and
//! every file it writes (a corpus, an export, a synthetic corpus) through [`write_output`] or
//! [`write_all_or_none`]. The rules, also stated in README.md:
//!
//! - A read stops as soon as [`MAX_FILE_BYTES`] is crossed, for regular files (told by their
//!   size before reading) and for pipes and devices alike; input that is not a regular file and
//!   does not start like JSON (`/dev/zero`, `/dev/urandom`) is refused at its first byte, or at
//!   its first bytes when they are not UTF-8 text.
//! - `-` as an output means standard output, and a FIFO or a device is written directly
//!   (streamed), never replaced.
//! - A symbolic link is followed to its target, and the rules apply to the target.
//! - A new regular file gets mode 0644; a replaced one keeps its permission bits without
//!   setuid, setgid and sticky. The replacement is atomic (a temporary file in the same
//!   directory, synced, then renamed), so a failed write leaves the old file whole.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// The largest file evidex reads. A 500,000-trial registry export is well under it.
pub const MAX_FILE_BYTES: u64 = 768 * 1024 * 1024;

/// Why a file could not be read. Messages do not name the file: callers do.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] io::Error),
    #[error("is a directory, not a file")]
    IsDir,
    #[error("the file is {size} bytes, larger than the {limit} bytes evidex reads")]
    TooLarge { size: u64, limit: u64 },
    #[error("is not JSON: its first byte is 0x{0:02x}, where JSON starts with {{ or [")]
    NotJson(u8),
    /// A stream (not a regular file) whose first bytes are not UTF-8 text, at this offset.
    #[error("is not JSON: byte {0} is not UTF-8 text, where JSON is UTF-8 text")]
    NotText(u64),
}

/// Reads a whole file, at most [`MAX_FILE_BYTES`].
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_bounded_with(path, MAX_FILE_BYTES)
}

/// [`read_bounded`] with another limit (tests use a small one).
pub fn read_bounded_with(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Stat before opening: opening a directory works, and a FIFO's open waits for a writer.
    if fs::metadata(path)?.is_dir() {
        return Err(ReadError::IsDir);
    }
    let file = File::open(path)?;
    let meta = file.metadata()?;
    let regular = meta.is_file();
    if regular && meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let capacity = if regular { meta.len() as usize } else { 0 };
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(capacity)
        .map_err(|_| ReadError::TooLarge {
            size: meta.len(),
            limit,
        })?;
    // `take` also guards against a regular file that grows between the stat and the read.
    let mut reader = file.take(limit + 1);
    if !regular {
        // A stream is judged by its first bytes (up to a chunk's worth, however the writer
        // splits them), so an endless one of zeros is refused at once.
        let mut chunk = [0u8; 4096];
        loop {
            let n = reader.read(&mut chunk)?;
            bytes.extend_from_slice(&chunk[..n]);
            let judged = match first_significant(&bytes) {
                Some(b'{' | b'[') => bytes.len() >= chunk.len(),
                Some(_) => true,
                None => false,
            };
            if n == 0 || judged {
                break;
            }
            if bytes.len() as u64 > limit {
                break;
            }
        }
        if let Some(b) = first_significant(&bytes)
            && b != b'{'
            && b != b'['
        {
            return Err(ReadError::NotJson(b));
        }
        // Random bytes start like JSON one time in a hundred or so; they are not UTF-8 for
        // long, and JSON is UTF-8 text (a sequence cut at the chunk's end is not judged yet).
        if let Err(e) = std::str::from_utf8(&bytes)
            && e.error_len().is_some()
        {
            return Err(ReadError::NotText(e.valid_up_to() as u64));
        }
    }
    reader.read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// The first byte that is not JSON white space or part of a UTF-8 byte-order mark.
fn first_significant(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.len() < 3 && b"\xEF\xBB\xBF".starts_with(bytes) && !bytes.is_empty() {
        return None;
    }
    bytes
        .iter()
        .copied()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

/// Writes data (a corpus, an export) to standard output. Unlike human-readable output, a
/// closed or broken standard output is an error here: the data did not arrive.
pub fn write_stdout(bytes: &[u8]) -> io::Result<()> {
    if stdout_was_closed() {
        return Err(io::Error::new(
            io::ErrorKind::BrokenPipe,
            "standard output is closed",
        ));
    }
    let mut out = io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// Whether standard output was closed when evidex started (`>&-`). Rust's runtime opens
/// /dev/null read-write in place of a closed standard descriptor, so that is what a closed
/// one looks like; a shell's `>/dev/null` opens it write-only.
#[cfg(unix)]
fn stdout_was_closed() -> bool {
    use rustix::fs::{FileType, OFlags, fcntl_getfl, fstat, major, minor};
    let out = rustix::stdio::stdout();
    let Ok(st) = fstat(out) else { return true };
    let null = FileType::from_raw_mode(st.st_mode) == FileType::CharacterDevice
        && major(st.st_rdev) == 1
        && minor(st.st_rdev) == 3;
    null && fcntl_getfl(out).is_ok_and(|f| f & OFlags::ACCMODE == OFlags::RDWR)
}

#[cfg(not(unix))]
fn stdout_was_closed() -> bool {
    false
}

/// Why a file could not be written. Messages do not name the file: callers do.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("is a directory")]
    IsDir,
    #[error("is a symbolic link that leads to itself")]
    LinkLoop,
}

/// Where a write goes, after following symbolic links.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Stdout,
    /// A FIFO, a character or block device or a socket: written in place.
    Stream(PathBuf),
    /// A regular file, replaced atomically, with the permission bits it had.
    Replace(PathBuf, u32),
    /// Nothing there yet: a new regular file.
    New(PathBuf),
}

/// How many links are followed before a chain counts as a loop (as Linux's MAXSYMLINKS).
const MAX_LINKS: usize = 40;

fn target(path: &Path) -> Result<Target, WriteError> {
    if path.as_os_str() == "-" {
        return Ok(Target::Stdout);
    }
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match fs::symlink_metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::New(p)),
            Err(e) => return Err(e.into()),
        };
        let ft = meta.file_type();
        if ft.is_symlink() {
            let link = fs::read_link(&p)?;
            p = match p.parent() {
                Some(dir) if link.is_relative() => dir.join(link),
                _ => link,
            };
            continue;
        }
        if ft.is_dir() {
            return Err(WriteError::IsDir);
        }
        if ft.is_file() {
            return Ok(Target::Replace(p, mode_of(&meta)));
        }
        return Ok(Target::Stream(p));
    }
    Err(WriteError::LinkLoop)
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    // Permission bits only: setuid, setgid and sticky are never carried over.
    meta.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn mode_of(_: &fs::Metadata) -> u32 {
    NEW_FILE_MODE
}

const NEW_FILE_MODE: u32 = 0o644;

/// Writes `bytes` to `path` by the rules of this module; `-` is standard output.
pub fn write_output(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    match target(path)? {
        Target::Stdout => Ok(write_stdout(bytes)?),
        Target::Stream(p) => {
            let mut f = OpenOptions::new().write(true).open(p)?;
            f.write_all(bytes)?;
            f.flush()?;
            Ok(())
        }
        Target::Replace(p, mode) => Ok(staged(&p, bytes, mode)?.persist()?),
        Target::New(p) => Ok(staged(&p, bytes, NEW_FILE_MODE)?.persist()?),
    }
}

/// Writes several files so that either every one is written or none is: every file is
/// written to a temporary file first (a full disk shows there), and only then are they all
/// put in place. Returns the index of the file that failed with the error.
///
/// Every path must be a regular file or a new one (exports are); a path that leads
/// elsewhere is refused before anything is written.
pub fn write_all_or_none(files: &[(&Path, &[u8])]) -> Result<(), (usize, WriteError)> {
    let mut staged_files = Vec::with_capacity(files.len());
    for (i, (path, bytes)) in files.iter().enumerate() {
        let (p, mode) = match target(path).map_err(|e| (i, e))? {
            Target::Replace(p, mode) => (p, mode),
            Target::New(p) => (p, NEW_FILE_MODE),
            Target::Stdout | Target::Stream(_) => {
                return Err((i, WriteError::Io(io::Error::other("is not a regular file"))));
            }
        };
        staged_files.push(staged(&p, bytes, mode).map_err(|e| (i, e.into()))?);
    }
    for (i, s) in staged_files.into_iter().enumerate() {
        s.persist().map_err(|e| (i, e.into()))?;
    }
    Ok(())
}

/// A file written in full beside its destination, waiting to be renamed over it.
struct Staged {
    tmp: tempfile::NamedTempFile,
    dest: PathBuf,
}

impl Staged {
    fn persist(self) -> io::Result<()> {
        self.tmp.persist(&self.dest).map_err(|e| e.error)?;
        Ok(())
    }
}

fn staged(dest: &Path, bytes: &[u8], mode: u32) -> io::Result<Staged> {
    let dir = match dest.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".evidex-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    tmp.as_file().sync_all()?;
    Ok(Staged {
        tmp,
        dest: dest.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        #[cfg(unix)]
        return fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        #[cfg(not(unix))]
        return 0;
    }

    #[test]
    fn replaces_whole_files_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.md");
        write_output(&p, b"first").unwrap();
        write_output(&p, b"second").unwrap();
        assert_eq!(fs::read_to_string(&p).unwrap(), "second");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn reports_a_missing_directory() {
        assert!(write_output(Path::new("/nonexistent-dir/x.md"), b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_0644_and_replaced_ones_lose_setuid_setgid_sticky() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.json");
        write_output(&p, b"{}").unwrap();
        assert_eq!(mode(&p), 0o644);
        fs::set_permissions(&p, fs::Permissions::from_mode(0o7640)).unwrap();
        write_output(&p, b"[]").unwrap();
        assert_eq!(mode(&p), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_is_followed_and_its_target_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        fs::write(&real, b"old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write_output(&link, b"new").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(mode(&real), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_a_directory_is_refused_not_made_world_writable() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("x.json");
        std::os::unix::fs::symlink("/tmp", &link).unwrap();
        assert!(matches!(write_output(&link, b"{}"), Err(WriteError::IsDir)));
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dangling_symlink_creates_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("x.json");
        std::os::unix::fs::symlink("made.json", &link).unwrap();
        write_output(&link, b"{}").unwrap();
        assert_eq!(fs::read(dir.path().join("made.json")).unwrap(), b"{}");
        assert_eq!(mode(&dir.path().join("made.json")), 0o644);
    }

    #[cfg(unix)]
    #[test]
    fn a_link_loop_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("a", &a).unwrap();
        assert!(matches!(write_output(&a, b"{}"), Err(WriteError::LinkLoop)));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place_not_replaced() {
        write_output(Path::new("/dev/null"), b"{}").unwrap();
        let ft = fs::symlink_metadata("/dev/null").unwrap().file_type();
        use std::os::unix::fs::FileTypeExt;
        assert!(ft.is_char_device());
    }

    #[test]
    fn all_or_none_writes_nothing_when_one_target_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.md");
        let b = dir.path().join("sub");
        fs::create_dir(&b).unwrap();
        let err = write_all_or_none(&[(&a, b"a"), (&b, b"b")]).unwrap_err();
        assert_eq!(err.0, 1);
        assert!(!a.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn reads_are_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.json");
        fs::write(&p, vec![b' '; 100]).unwrap();
        assert!(matches!(
            read_bounded_with(&p, 99),
            Err(ReadError::TooLarge { size: 100, .. })
        ));
        assert_eq!(read_bounded_with(&p, 100).unwrap().len(), 100);
        assert!(matches!(read_bounded(dir.path()), Err(ReadError::IsDir)));
    }

    #[cfg(unix)]
    #[test]
    fn an_endless_device_is_refused_at_its_first_byte() {
        let t = std::time::Instant::now();
        assert!(matches!(
            read_bounded(Path::new("/dev/zero")),
            Err(ReadError::NotJson(0))
        ));
        // A generous bound: reading the whole limit would take seconds and gigabytes.
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
    }

    /// A stream that starts like JSON but goes on as bytes that are not UTF-8 (what
    /// `/dev/urandom` gives one time in a hundred or so) is refused at its first chunk, not
    /// read to the limit.
    #[cfg(unix)]
    #[test]
    fn an_endless_stream_that_only_starts_like_json_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("in.fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let writer = {
            let fifo = fifo.clone();
            std::thread::spawn(move || {
                let mut f = fs::OpenOptions::new().write(true).open(fifo).unwrap();
                let _ = f.write_all(b"{\"a\": \"");
                // Endless, until the reader is gone.
                while f.write_all(&[0xFF; 4096]).is_ok() {}
            })
        };
        let t = std::time::Instant::now();
        assert!(matches!(read_bounded(&fifo), Err(ReadError::NotText(7))));
        assert!(t.elapsed() < std::time::Duration::from_secs(5));
        writer.join().unwrap();
        let message = ReadError::NotText(7).to_string();
        assert!(message.contains("not UTF-8"), "{message}");
    }

    #[test]
    fn first_significant_skips_white_space_and_a_byte_order_mark() {
        assert_eq!(first_significant(b" \n\xEF\xBB\xBF"), Some(0xEF));
        assert_eq!(first_significant(b"\xEF\xBB\xBF \n{"), Some(b'{'));
        assert_eq!(first_significant(b"\xEF\xBB"), None);
        assert_eq!(first_significant(b"  "), None);
    }
}
