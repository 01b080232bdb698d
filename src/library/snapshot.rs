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
//! Layout: `MAGIC`, then sections (length, CRC-32, bytes): the stamp (JSON); the corpus's
//! skeleton (MessagePack with field names, since records leave out empty fields), without its
//! sources, therapies and trials' facts, which follow as runs (a section with their count, then
//! sections of 8,192 each), since at registry size they number one or more per study; the
//! index without its parts, then each part in a section of its own; then each trial
//! (MessagePack with field names), then the trial table (ids, ends, CRC-32s) and the table's
//! offset as the file's last 8 bytes. Every trial's facts and evidence facts are there so that
//! filters and sorts read no record. The large arrays of plain numbers (the index's keys and
//! posting lists, the id table) are stored as bytes ([`crate::raw`]): reading them is a copy,
//! not a decoding of each number. No section is larger than a few megabytes but the skeleton's
//! (its evidence tables and id table, about 80 MB at 560,000 studies), so reading one into
//! memory to decode it from a slice never holds much beside what it decodes to.

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
/// 5: the facts, therapies and sources in runs, the index's parts in sections of their own;
/// arrays of numbers and the id table as bytes. 6: each search key holds its text's first byte.
const FORMAT: u32 = 6;
/// Trials encoded at a time when writing (in parallel), so that the encoded records of a large
/// library are never all in memory at once.
const CHUNK: usize = 4_096;
/// Items per section of a run (see [`write_run`]): a few megabytes of sources or therapies.
const RUN: usize = 8_192;

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
        write_run(&mut w, head.skeleton.facts)?;
        write_run(&mut w, head.skeleton.therapies)?;
        write_run(&mut w, head.skeleton.sources)?;
        section(&mut w, &rmp_serde::to_vec(index).map_err(io::Error::other)?)?;
        for i in 0..index.parts_stored() {
            section(&mut w, &index.encode_part(i).map_err(io::Error::other)?)?;
        }
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

/// Writes `items` as a run: a section holding how many they are (8 bytes), then sections of
/// [`RUN`] items each (the last fewer), so that reading them back holds one section's bytes at
/// a time beside what is decoded.
fn write_run<W: Write, T: Serialize>(w: &mut W, items: &[T]) -> io::Result<()> {
    section(w, &(items.len() as u64).to_le_bytes())?;
    for chunk in items.chunks(RUN) {
        section(w, &encode_named(chunk)?)?;
    }
    Ok(())
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
    // Where each part starts, from the sections' headers alone; then the skeleton with the
    // trials' facts, the therapies, the sources and the index are decoded at the same time,
    // on four threads, each reading its own part of this one open file (a snapshot renamed
    // into place meanwhile is not mixed in), each section from a slice of its own bytes.
    let head_at = f.stream_position().map_err(|e| damaged(&e))?;
    let facts_at = section_end(&f, head_at, size)?;
    let therapies_at = run_end(&f, facts_at, size)?;
    let sources_at = run_end(&f, therapies_at, size)?;
    let index_at = run_end(&f, sources_at, size)?;
    let (head, index, start) = std::thread::scope(|scope| {
        let lost = |what: &str| Miss::Damaged(format!("its {what} could not be read"));
        let index = scope.spawn(|| read_index(&f, index_at, size));
        let sources = scope.spawn(|| read_run(&mut At::new(&f, sources_at), size));
        let therapies = scope.spawn(|| read_run(&mut At::new(&f, therapies_at), size));
        let mut r = At::new(&f, head_at);
        let head = read_section_into(&mut r, size, &mut Vec::new())
            .and_then(|(bytes, _)| rmp_serde::from_slice::<Head>(bytes).map_err(|e| damaged(&e)));
        let facts = read_run(&mut r, size);
        let (index, start) = index.join().unwrap_or_else(|_| Err(lost("index")))?;
        let sources = sources.join().unwrap_or_else(|_| Err(lost("sources")))?;
        let therapies = therapies
            .join()
            .unwrap_or_else(|_| Err(lost("therapies")))?;
        let mut head = head?;
        head.skeleton.facts = facts?;
        head.skeleton.therapies = therapies;
        head.skeleton.sources = sources;
        Ok::<_, Miss>((head, index, start))
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

/// Where each section before the trials starts, in order (stamp, skeleton, the runs of facts,
/// therapies and sources, the index and its parts), found as [`read`] finds them.
#[cfg(test)]
pub(crate) fn section_starts(path: &Path) -> Vec<u64> {
    let f = File::open(path).expect("opens");
    let size = f.metadata().expect("metadata").len();
    let mut starts = vec![MAGIC.len() as u64];
    let mut at = section_end(&f, starts[0], size).expect("stamp");
    for run in [false, true, true, true] {
        starts.push(at);
        let mut end = section_end(&f, at, size).expect("section");
        if run {
            let mut bytes = Vec::new();
            read_section_into(&mut At::new(&f, at), size, &mut bytes).expect("count");
            for _ in 0..run_count(&bytes).expect("count").div_ceil(RUN) {
                starts.push(end);
                end = section_end(&f, end, size).expect("chunk");
            }
        }
        at = end;
    }
    let mut r = At::new(&f, at);
    let mut bytes = Vec::new();
    let len = read_section_into(&mut r, size, &mut bytes)
        .expect("index")
        .1;
    let index: Index = rmp_serde::from_slice(&bytes).expect("index");
    starts.push(at);
    at += len;
    for _ in 0..index.parts_stored() {
        starts.push(at);
        at = section_end(&f, at, size).expect("part");
    }
    starts
}

/// The index stored at `at` (without its parts), then each of its parts; with where the
/// trials start, right after them.
fn read_index(f: &File, at: u64, size: u64) -> Result<(Index, u64), Miss> {
    let damaged = |e: &dyn std::fmt::Display| Miss::Damaged(e.to_string());
    let mut r = At::new(f, at);
    let mut bytes = Vec::new();
    let mut len = read_section_into(&mut r, size, &mut bytes)?.1;
    let mut index: Index = rmp_serde::from_slice(&bytes).map_err(|e| damaged(&e))?;
    for _ in 0..index.parts_stored() {
        len += read_section_into(&mut r, size, &mut bytes)?.1;
        index.decode_part(&bytes).map_err(|e| damaged(&e))?;
    }
    Ok((index, at + len))
}

/// Reads a run written by [`write_run`].
fn read_run<T: serde::de::DeserializeOwned, R: Read>(r: &mut R, size: u64) -> Result<Vec<T>, Miss> {
    let damaged = |e: &dyn std::fmt::Display| Miss::Damaged(e.to_string());
    let mut bytes = Vec::new();
    let n = run_count(read_section_into(r, size, &mut bytes)?.0)?;
    // Room for all of them at once, unless the count is not to be believed.
    let mut items = Vec::with_capacity(n.min(1 << 20));
    while items.len() < n {
        read_section_into(r, size, &mut bytes)?;
        let chunk: Vec<T> = rmp_serde::from_slice(&bytes).map_err(|e| damaged(&e))?;
        if chunk.is_empty() || items.len() + chunk.len() > n {
            return Err(Miss::Damaged(
                "a run of records does not hold together".into(),
            ));
        }
        items.extend(chunk);
    }
    Ok(items)
}

/// The count a run's first section holds.
fn run_count(bytes: &[u8]) -> Result<usize, Miss> {
    bytes
        .try_into()
        .ok()
        .and_then(|b| usize::try_from(u64::from_le_bytes(b)).ok())
        .ok_or_else(|| Miss::Damaged("a run of records does not hold together".into()))
}

/// Where the section at `at` ends, from its header.
fn section_end(f: &File, at: u64, size: u64) -> Result<u64, Miss> {
    let (len, _) = section_header(&mut At::new(f, at), size)?;
    (at + 12)
        .checked_add(len)
        .filter(|&end| end <= size)
        .ok_or_else(|| Miss::Damaged("cut short".into()))
}

/// Where the run at `at` ends, from its count and its sections' headers.
fn run_end(f: &File, at: u64, size: u64) -> Result<u64, Miss> {
    let mut bytes = Vec::new();
    read_section_into(&mut At::new(f, at), size, &mut bytes)?;
    let mut end = section_end(f, at, size)?;
    for _ in 0..run_count(&bytes)?.div_ceil(RUN) {
        end = section_end(f, end, size)?;
    }
    Ok(end)
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

/// Reads a section into `bytes` (reused from section to section: a buffer that has room is
/// not cleared or filled first); its bytes, with the section's length in the file (its
/// header included).
fn read_section_into<'b, R: Read>(
    r: &mut R,
    size: u64,
    bytes: &'b mut Vec<u8>,
) -> Result<(&'b [u8], u64), Miss> {
    let (len, crc) = section_header(r, size)?;
    let n = usize::try_from(len).map_err(|_| Miss::Damaged("cut short".into()))?;
    if bytes.len() < n {
        bytes.resize(n, 0);
    }
    bytes.truncate(n);
    r.read_exact(bytes)
        .map_err(|_| Miss::Damaged("cut short".into()))?;
    if crc32fast::hash(bytes) != crc {
        return Err(Miss::Damaged("a checksum does not match".into()));
    }
    Ok((bytes, 12 + len))
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
