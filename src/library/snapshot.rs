//! The library's snapshot: the corpus the library opens as (the bundled corpus and the
//! library's studies, merged, validated and linked) and its search index, stored in one file
//! beside the library (`library.sqlite.snapshot`), so that an unchanged library opens without
//! reading, merging, validating or indexing any study again. A trial's record is read from the
//! file the first time it is shown ([`TrialSource`]), so memory follows what is shown, not the
//! size of the library.
//!
//! The snapshot is derived data: it is used only when its [`Stamp`] matches the library
//! (its generation, raised by every write, and its count of studies) and this evidex (its
//! version, its mapping and its bundled corpus), and it is rebuilt otherwise. A file that is
//! missing, stale, cut short or damaged is never an error: the library is opened the long way
//! and the snapshot written again.
//!
//! Layout: `MAGIC`, then sections (length, CRC-32, bytes) for the stamp (JSON), the corpus's
//! skeleton (MessagePack with field names, since records leave out empty fields; with every
//! trial's facts and evidence facts, so that filters and sorts read no record), the index
//! (MessagePack), then each trial (MessagePack with field names), then the trial table (ids,
//! ends, CRC-32s) and the table's offset as the file's last 8 bytes.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use super::{Library, LibraryError};
use crate::corpus::store::unreadable;
use crate::corpus::{Corpus, Skeleton, SkeletonRef, Trial, TrialSource, Trials};
use crate::search::index::Index;

const MAGIC: &[u8; 8] = b"EVXSNAP\x01";
/// Raised by every change to what the file holds or how, and by every change to how the search
/// index, a trial's facts or its evidence facts (`crate::corpus::evidence`) are built: the
/// stamp cannot tell one build of the same evidex version from another, so a stored index
/// built the old way would otherwise be used. 4: the skeleton holds every trial's evidence
/// facts (endpoints, setting, line, adverse-event terms, cited sources, headline effect).
const FORMAT: u32 = 4;
/// Trials encoded at a time when writing (in parallel), so that the encoded records of a large
/// library are never all in memory at once.
const CHUNK: usize = 4_096;

/// What a snapshot was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    format: u32,
    evidex: String,
    mapping: String,
    /// CRC-32 of the bundled corpus.
    bundled: u32,
    generation: i64,
    studies: i64,
}

/// The library's counts the status bar shows, as they were when the snapshot was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub library_studies: usize,
    pub library_skipped: usize,
}

/// A snapshot read back: a corpus whose trials are read when first asked for, and its index.
pub struct Snapshot {
    pub corpus: Corpus,
    /// Not yet given its corpus: see [`Index::attach`].
    pub index: Index,
    pub counts: Counts,
}

/// Where the snapshot of the library at `library` is kept.
pub fn path_for(library: &Path) -> PathBuf {
    let mut name = library.file_name().unwrap_or_default().to_os_string();
    name.push(".snapshot");
    library.with_file_name(name)
}

/// The stamp a snapshot of `lib` must carry, as the library is now. Read before the library's
/// studies are: a write in between makes the stamp older than the snapshot's contents, which
/// the next open then rebuilds, never the other way round.
pub fn stamp(lib: &Library) -> Result<Stamp, LibraryError> {
    Ok(Stamp {
        format: FORMAT,
        evidex: env!("CARGO_PKG_VERSION").to_string(),
        mapping: super::write::mapping_stamp(),
        bundled: crc32fast::hash(crate::corpus::BUNDLED),
        generation: lib.generation()?,
        studies: lib.count()? as i64,
    })
}

#[derive(Serialize)]
struct HeadRef<'a> {
    counts: Counts,
    skeleton: SkeletonRef<'a>,
}

#[derive(Deserialize)]
struct Head {
    counts: Counts,
    skeleton: Skeleton,
}

/// Where each trial's bytes are: trial `i` ends at `ends[i]` (from the start of the trials)
/// and starts where trial `i - 1` ends.
#[derive(Serialize, Deserialize)]
struct Table {
    ids: Vec<String>,
    ends: Vec<u64>,
    crcs: Vec<u32>,
}

/// Writes the snapshot of `index` (and its corpus) to `path`: to a temporary file beside it
/// first, put in place when whole. A path that is something other than a regular file is
/// left alone.
pub fn write(path: &Path, stamp: &Stamp, counts: Counts, index: &Index) -> io::Result<()> {
    if let Ok(m) = std::fs::symlink_metadata(path)
        && !m.file_type().is_file()
    {
        return Err(io::Error::other("is not a regular file; not replaced"));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let prefix = format!(
        ".{}.",
        path.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut tmp = tempfile::Builder::new().prefix(&prefix).tempfile_in(dir)?;
    {
        let mut w = Counted::new(BufWriter::with_capacity(1 << 20, tmp.as_file_mut()));
        w.write_all(MAGIC)?;
        section(
            &mut w,
            &serde_json::to_vec(stamp).map_err(io::Error::other)?,
        )?;
        let corpus = &index.corpus;
        let head = HeadRef {
            counts,
            skeleton: corpus.skeleton(),
        };
        section(&mut w, &encode_named(&head)?)?;
        section(&mut w, &rmp_serde::to_vec(index).map_err(io::Error::other)?)?;
        let table = trials(&mut w, corpus)?;
        let at = w.written;
        section(
            &mut w,
            &rmp_serde::to_vec(&table).map_err(io::Error::other)?,
        )?;
        w.write_all(&at.to_le_bytes())?;
        w.flush()?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes every trial, `CHUNK` at a time encoded in parallel; returns where each one is.
fn trials<W: Write>(w: &mut Counted<W>, corpus: &Corpus) -> io::Result<Table> {
    use rayon::prelude::*;
    let n = corpus.trials.len();
    let mut table = Table {
        ids: Vec::with_capacity(n),
        ends: Vec::with_capacity(n),
        crcs: Vec::with_capacity(n),
    };
    let start = w.written;
    for from in (0..n).step_by(CHUNK) {
        let to = (from + CHUNK).min(n);
        let encoded: Vec<Vec<u8>> = (from..to)
            .into_par_iter()
            .map(|i| encode_named(&corpus.trials[i]))
            .collect::<io::Result<_>>()?;
        for (i, bytes) in (from..to).zip(encoded) {
            w.write_all(&bytes)?;
            table.ids.push(corpus.trials[i].id.clone());
            table.ends.push(w.written - start);
            table.crcs.push(crc32fast::hash(&bytes));
        }
    }
    Ok(table)
}

fn encode_named<T: Serialize + ?Sized>(v: &T) -> io::Result<Vec<u8>> {
    rmp_serde::to_vec_named(v).map_err(io::Error::other)
}

fn section<W: Write>(w: &mut W, bytes: &[u8]) -> io::Result<()> {
    w.write_all(&(bytes.len() as u64).to_le_bytes())?;
    w.write_all(&crc32fast::hash(bytes).to_le_bytes())?;
    w.write_all(bytes)
}

/// A writer that counts the bytes written through it.
struct Counted<W> {
    inner: W,
    written: u64,
}

impl<W: Write> Counted<W> {
    fn new(inner: W) -> Self {
        Counted { inner, written: 0 }
    }
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Why a snapshot was not used: absent, stale (another stamp) or unreadable.
#[derive(Debug)]
pub enum Miss {
    Absent,
    Stale,
    Damaged(String),
}

/// Whether the snapshot at `path` carries `want` (reading only its stamp): its size when it
/// does.
pub fn check(path: &Path, want: &Stamp) -> Result<u64, Miss> {
    open_stamped(path, want).map(|(_, size)| size)
}

/// The snapshot at `path`, opened and read up to the end of its stamp, when it carries `want`;
/// with the file's size.
fn open_stamped(path: &Path, want: &Stamp) -> Result<(File, u64), Miss> {
    let mut f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Miss::Absent),
        Err(e) => return Err(Miss::Damaged(e.to_string())),
    };
    let size = f
        .metadata()
        .map_err(|e| Miss::Damaged(e.to_string()))?
        .len();
    let mut magic = [0u8; 8];
    if f.read_exact(&mut magic).is_err() || &magic != MAGIC {
        return Err(Miss::Damaged("not an evidex snapshot".into()));
    }
    let stamp: Stamp =
        serde_json::from_slice(&read_section(&mut f, size)?).map_err(|_| Miss::Stale)?;
    if &stamp == want {
        Ok((f, size))
    } else {
        Err(Miss::Stale)
    }
}

/// Reads the snapshot at `path` when it carries `want`.
pub fn read(path: &Path, want: &Stamp) -> Result<Snapshot, Miss> {
    let damaged = |e: &dyn std::fmt::Display| Miss::Damaged(e.to_string());
    let (mut f, size) = open_stamped(path, want)?;
    // The skeleton and the index are decoded at the same time, on two threads, each reading
    // its own part of this one open file (a snapshot renamed into place meanwhile is not
    // mixed in).
    let head_at = f.stream_position().map_err(|e| damaged(&e))?;
    let mut len = [0u8; 8];
    f.read_exact(&mut len).map_err(|e| damaged(&e))?;
    let index_at = head_at + 12 + u64::from_le_bytes(len);
    let (head, index, start) = std::thread::scope(|scope| {
        let index = scope.spawn(|| {
            let (index, len): (Index, u64) = decode_section(&mut At::new(&f, index_at), size)?;
            Ok::<_, Miss>((index, index_at + len))
        });
        let head: Result<(Head, u64), Miss> = decode_section(&mut At::new(&f, head_at), size);
        let (index, start) = index
            .join()
            .unwrap_or_else(|_| Err(Miss::Damaged("its index could not be read".into())))?;
        Ok::<_, Miss>((head?.0, index, start))
    })?;
    let table = read_table(&mut f, size, start)?;
    let n = table.ids.len();
    let blobs = Blobs {
        file: Mutex::new(f),
        path: path.to_path_buf(),
        start,
        ends: table.ends.into(),
        crcs: table.crcs.into(),
        ids: table.ids.into(),
    };
    let trials = Trials::lazy(n, Arc::new(blobs));
    let corpus = Corpus::from_skeleton(head.skeleton, trials)
        .ok_or_else(|| Miss::Damaged("its records do not hold together".into()))?;
    Ok(Snapshot {
        corpus,
        index,
        counts: head.counts,
    })
}

fn read_table(f: &mut File, size: u64, start: u64) -> Result<Table, Miss> {
    let damaged = |e: &dyn std::fmt::Display| Miss::Damaged(e.to_string());
    if size < start + 8 {
        return Err(Miss::Damaged("cut short".into()));
    }
    f.seek(SeekFrom::Start(size - 8)).map_err(|e| damaged(&e))?;
    let mut at = [0u8; 8];
    f.read_exact(&mut at).map_err(|e| damaged(&e))?;
    let at = u64::from_le_bytes(at);
    if at < start || at > size - 8 {
        return Err(Miss::Damaged("cut short".into()));
    }
    f.seek(SeekFrom::Start(at)).map_err(|e| damaged(&e))?;
    let table: Table = rmp_serde::from_slice(&read_section(f, size)?).map_err(|e| damaged(&e))?;
    let n = table.ids.len();
    let sound = table.ends.len() == n
        && table.crcs.len() == n
        && table.ends.windows(2).all(|w| w[0] <= w[1])
        && start + table.ends.last().copied().unwrap_or(0) == at;
    if !sound {
        return Err(Miss::Damaged(
            "its table of records does not fit the file".into(),
        ));
    }
    Ok(table)
}

/// Decodes a section as it is read, checking its CRC over the bytes as they pass: the
/// largest sections (the corpus's skeleton and the index, hundreds of megabytes at registry
/// size) are never held whole in memory beside what they decode to. With the section's length
/// in the file (its header included).
fn decode_section<T: serde::de::DeserializeOwned, R: Read>(
    r: &mut R,
    size: u64,
) -> Result<(T, u64), Miss> {
    let damaged = |e: &dyn std::fmt::Display| Miss::Damaged(e.to_string());
    let (len, crc) = section_header(r, size)?;
    // Hashed a megabyte at a time; the decoder's many small reads are served from the buffer.
    let mut buffered = io::BufReader::with_capacity(
        1 << 20,
        Hashed {
            inner: r.take(len),
            hasher: crc32fast::Hasher::new(),
        },
    );
    let value = rmp_serde::from_read(&mut buffered);
    // What the decoder left of the section still counts in its checksum.
    io::copy(&mut buffered, &mut io::sink()).map_err(|e| damaged(&e))?;
    let hashed = buffered.into_inner();
    if hashed.inner.limit() != 0 {
        return Err(Miss::Damaged("cut short".into()));
    }
    if hashed.hasher.finalize() != crc {
        return Err(Miss::Damaged("a checksum does not match".into()));
    }
    value.map(|v| (v, 12 + len)).map_err(|e| damaged(&e))
}

/// Reads a file from a position of its own (not the file's shared offset), a megabyte at a
/// time.
struct At<'f> {
    file: &'f File,
    pos: u64,
}

impl<'f> At<'f> {
    fn new(file: &'f File, pos: u64) -> io::BufReader<At<'f>> {
        io::BufReader::with_capacity(1 << 20, At { file, pos })
    }
}

impl Read for At<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        #[cfg(unix)]
        let n = std::os::unix::fs::FileExt::read_at(self.file, buf, self.pos)?;
        #[cfg(windows)]
        let n = std::os::windows::fs::FileExt::seek_read(self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

/// A reader that keeps the CRC-32 of what passes through it.
struct Hashed<R> {
    inner: R,
    hasher: crc32fast::Hasher,
}

impl<R: Read> Read for Hashed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// A section's header: the length of its bytes (checked against the file's size) and their
/// CRC-32.
fn section_header<R: Read>(r: &mut R, size: u64) -> Result<(u64, u32), Miss> {
    let mut head = [0u8; 12];
    r.read_exact(&mut head)
        .map_err(|e| Miss::Damaged(e.to_string()))?;
    let len = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
    let crc = u32::from_le_bytes(head[8..].try_into().expect("4 bytes"));
    if len > size {
        return Err(Miss::Damaged("cut short".into()));
    }
    Ok((len, crc))
}

fn read_section<R: Read>(r: &mut R, size: u64) -> Result<Vec<u8>, Miss> {
    let damaged = |e: &dyn std::fmt::Display| Miss::Damaged(e.to_string());
    let (len, crc) = section_header(r, size)?;
    let mut bytes = Vec::with_capacity(len as usize);
    r.take(len)
        .read_to_end(&mut bytes)
        .map_err(|e| damaged(&e))?;
    if bytes.len() as u64 != len {
        return Err(Miss::Damaged("cut short".into()));
    }
    if crc32fast::hash(&bytes) != crc {
        return Err(Miss::Damaged("a checksum does not match".into()));
    }
    Ok(bytes)
}

/// The trials of a snapshot, read from its file one at a time. The file stays open, so a
/// snapshot written again by another evidex meanwhile (put in place by renaming) does not
/// change what this one reads.
struct Blobs {
    file: Mutex<File>,
    path: PathBuf,
    start: u64,
    ends: Box<[u64]>,
    crcs: Box<[u32]>,
    ids: Box<[String]>,
}

impl Blobs {
    /// Removes the damaged file, when it is still the one this reads, so that the next open
    /// writes it again.
    fn discard(&self) {
        let ours = self.file.lock().ok().and_then(|f| f.metadata().ok());
        let there = std::fs::symlink_metadata(&self.path).ok();
        if let (Some(a), Some(b)) = (ours, there)
            && b.file_type().is_file()
            && a.len() == b.len()
            && a.modified().ok() == b.modified().ok()
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }

    fn read(&self, i: usize) -> Result<Trial, String> {
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        let mut bytes = vec![0u8; (self.ends[i] - from) as usize];
        {
            let mut f = self.file.lock().unwrap_or_else(|e| e.into_inner());
            f.seek(SeekFrom::Start(self.start + from))
                .and_then(|_| f.read_exact(&mut bytes))
                .map_err(|e| e.to_string())?;
        }
        if crc32fast::hash(&bytes) != self.crcs[i] {
            return Err("a checksum does not match".into());
        }
        let t: Trial = rmp_serde::from_slice(&bytes).map_err(|e| e.to_string())?;
        if t.id != self.ids[i] {
            return Err("another record is stored in its place".into());
        }
        Ok(t)
    }
}

impl TrialSource for Blobs {
    fn load(&self, i: usize) -> Trial {
        self.read(i).unwrap_or_else(|why| {
            self.discard();
            unreadable(
                &self.ids[i],
                &format!(
                    "{}: {why}; it is rebuilt when evidex next opens the library",
                    self.path.display()
                ),
            )
        })
    }
}
