//! Unit tests of the library on the recorded ClinicalTrials.gov fixtures, in temporary files.

use super::*;

mod migrate;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ctgov");

fn fixture(nct: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{nct}.json")).expect("fixture")
}

fn temp() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lib").join(FILE_NAME);
    (dir, path)
}

#[test]
fn a_new_library_is_created_with_its_directory_and_reopens() {
    let (_d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    let r = lib
        .write_studies(&[&fixture("NCT02513394")])
        .expect("writes");
    assert_eq!(r.added, vec!["NCT02513394".to_string()]);
    drop(lib);
    let lib = Library::open_existing(&path)
        .expect("opens")
        .expect("exists");
    assert_eq!(lib.count().expect("counts"), 1);
    let mode: String = lib
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .expect("mode");
    assert_eq!(mode, "wal");
}

#[test]
fn open_existing_on_no_file_is_none_and_creates_nothing() {
    let (_d, path) = temp();
    assert!(Library::open_existing(&path).expect("no error").is_none());
    assert!(!path.exists());
}

/// The studies of a fixture as the API's page holds them: one JSON text each.
fn studies(nct: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&fixture(nct)).expect("json");
    match v.get("studies").and_then(|s| s.as_array()) {
        Some(a) => a.iter().map(|s| s.to_string()).collect(),
        None => vec![v.to_string()],
    }
}

#[test]
fn a_page_and_its_next_token_are_one_transaction_and_resume_after_a_restart() {
    let (_d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    assert_eq!(lib.resume_token("cond=hcc").expect("reads"), None);
    let a = studies("NCT02513394");
    let page1: Vec<&str> = a.iter().map(String::as_str).collect();
    let r = lib
        .write_page("cond=hcc", &page1, Some("token-2"))
        .expect("writes");
    assert_eq!(r.added.len(), 1);
    // The process ends without a word (as after kill -9): the page and the token are there.
    drop(lib);
    let mut lib = Library::open(&path).expect("reopens");
    assert_eq!(
        lib.resume_token("cond=hcc").expect("reads").as_deref(),
        Some("token-2")
    );
    assert_eq!(lib.resume_token("another query").expect("reads"), None);
    let b = studies("NCT04267848");
    let page2: Vec<&str> = b.iter().map(String::as_str).collect();
    lib.write_page("cond=hcc", &page2, None).expect("writes");
    assert_eq!(lib.resume_token("cond=hcc").expect("reads"), None);
    lib.finish_sync("cond=hcc").expect("finishes");
    let s = lib.summary().expect("summary");
    let sync = s.last_sync.expect("a sync");
    assert_eq!((sync.pages, sync.studies), (2, 2));
    assert!(sync.finished.is_some());
    assert_eq!(s.studies, 2);
    // A later run of the same query starts again and counts afresh.
    lib.write_page("cond=hcc", &page1, Some("t"))
        .expect("writes");
    let sync = lib.summary().expect("summary").last_sync.expect("a sync");
    assert_eq!((sync.pages, sync.studies, sync.finished), (1, 1, None));
}

#[test]
fn a_failed_page_leaves_no_study_and_no_token() {
    let (_d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    let a = studies("NCT02513394");
    lib.write_page("q", &[&a[0]], Some("t1")).expect("writes");
    // Another connection holds the write lock; this page cannot commit and must leave nothing.
    let other = rusqlite::Connection::open(&path).expect("second connection");
    other.execute_batch("BEGIN IMMEDIATE").expect("lock");
    lib.conn
        .busy_timeout(std::time::Duration::from_millis(50))
        .expect("timeout");
    let b = studies("NCT04267848");
    let e = lib.write_page("q", &[&b[0]], Some("t2")).expect_err("busy");
    assert!(matches!(e, LibraryError::Busy { .. }), "{e}");
    other.execute_batch("ROLLBACK").expect("unlock");
    assert_eq!(lib.count().expect("count"), 1);
    assert_eq!(lib.resume_token("q").expect("reads").as_deref(), Some("t1"));
}

#[test]
fn a_reader_and_a_writer_work_at_the_same_time() {
    let (_d, path) = temp();
    let mut writer = Library::open(&path).expect("creates");
    let a = studies("NCT02513394");
    writer.write_studies(&[&a[0]]).expect("writes");
    let reader = Library::open_existing(&path)
        .expect("opens")
        .expect("exists");
    // The reader holds a read transaction (as the browser's load does) while the writer
    // commits: WAL lets both go on, and the reader keeps its snapshot.
    reader.conn.execute_batch("BEGIN").expect("begin");
    assert_eq!(reader.count().expect("count"), 1);
    let b = studies("NCT04267848");
    writer
        .write_studies(&[&b[0]])
        .expect("writes while a reader reads");
    assert_eq!(reader.count().expect("count"), 1, "the reader's snapshot");
    reader.conn.execute_batch("COMMIT").expect("end");
    assert_eq!(reader.count().expect("count"), 2);

    // A writer thread and a loading reader side by side.
    let p = path.clone();
    let t = std::thread::spawn(move || {
        let mut w = Library::open(&p).expect("opens");
        for (i, nct) in ["NCT02210780", "NCT02552212", "NCT06388018"]
            .iter()
            .enumerate()
        {
            let s = studies(nct);
            w.write_page("bg", &[&s[0]], Some(&format!("t{i}")))
                .expect("writes");
        }
    });
    for _ in 0..5 {
        let l = open_corpus(None, Some(&path)).expect("loads while written");
        assert!(l.library_studies >= 2);
    }
    t.join().expect("writer thread");
    assert_eq!(reader.count().expect("count"), 5);
}

/// Each commit's log is copied into the file by the checkpoint thread, so the log is reused
/// from its start rather than growing with every page; what was written reads back from the
/// file alone once the library is closed.
#[test]
fn the_log_is_checkpointed_after_each_page_and_does_not_grow() {
    let (_d, path) = temp();
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let mut lib = Library::open(&path).expect("creates");
    let texts: Vec<String> = (0..400)
        .map(|i| crate::synthetic_registry::study(i, 3))
        .collect();
    let mut first = 0;
    for (i, page) in texts.chunks(20).enumerate() {
        let refs: Vec<&str> = page.iter().map(String::as_str).collect();
        lib.write_page("log", &refs, Some(&format!("t{i}")))
            .expect("writes");
        let writer_checkpoints: i64 = lib
            .conn
            .pragma_query_value(None, "wal_autocheckpoint", |r| r.get(0))
            .expect("reads");
        assert_eq!(
            writer_checkpoints, 0,
            "the writer leaves checkpoints to the thread"
        );
        lib.checkpoint.as_ref().expect("started").settle();
        let size = std::fs::metadata(&wal).expect("log").len();
        if i == 0 {
            first = size;
        }
        assert!(
            size <= first * 2,
            "page {i}: the log grew to {size} bytes (one page: {first})"
        );
    }
    drop(lib);
    assert!(!wal.exists() || std::fs::metadata(&wal).expect("log").len() == 0);
    let lib = Library::open_existing(&path)
        .expect("opens")
        .expect("exists");
    assert_eq!(lib.count().expect("counts"), 400);
}

#[test]
fn outcomes_with_ratios_answer_the_documented_query() {
    let (_d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    let a = studies("NCT02513394");
    lib.write_studies(&[&a[0]]).expect("writes");
    // The example of data/SCHEMA.md, with the condition and endpoint of this fixture.
    let rows: Vec<(String, f64)> = lib
        .conn
        .prepare(
            "SELECT s.registry_id, o.ratio FROM studies s JOIN outcomes o USING (registry_id)
             WHERE s.phase = '3' AND s.conditions LIKE '%breast%'
               AND o.endpoint = 'OS' AND o.ratio_kind = 'HR'",
        )
        .expect("query")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("rows")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(rows, vec![("NCT02513394".to_string(), 1.32)]);
}

/// Every fixture's studies, one JSON text each.
fn all_studies() -> Vec<String> {
    [
        "NCT02513394",
        "NCT04267848",
        "NCT02210780",
        "NCT02552212",
        "NCT06388018",
    ]
    .iter()
    .flat_map(|n| studies(n))
    .collect()
}

/// Runs `update` on the drafts (its `?1` the mapping stamp given), if any, then reads the
/// library into the bundled corpus.
fn reread_after(
    lib: &Library,
    update: Option<(&str, &str)>,
) -> (crate::corpus::CorpusFile, crate::import::Report) {
    if let Some((sql, stamp)) = update {
        lib.conn.execute(sql, [stamp]).expect("updates the drafts");
    }
    let base = crate::corpus::Corpus::bundled().expect("bundled").to_file();
    lib.corpus_into(base).expect("reads the library")
}

#[test]
fn stored_drafts_open_to_the_same_corpus_as_mapping_the_registry_text_again() {
    let (_d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    let texts = all_studies();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    lib.write_studies(&refs).expect("writes");
    let drafts: i64 = lib
        .conn
        .query_row(
            "SELECT count(*) FROM drafts WHERE mapping = ?1",
            [write::mapping_stamp()],
            |r| r.get(0),
        )
        .expect("counts");
    assert_eq!(drafts, texts.len() as i64, "every study keeps its draft");
    let (from_drafts, r1) = reread_after(&lib, None);
    // Drafts of another evidex are not trusted: every study is mapped from `raw` again.
    let (from_raw, r2) = reread_after(
        &lib,
        Some(("UPDATE drafts SET mapping = ?1", "an older evidex")),
    );
    assert_eq!(r1.imported() + r1.updated(), texts.len());
    assert_eq!(r1, r2);
    assert_eq!(from_drafts, from_raw);
    let stamp = write::mapping_stamp();
    // Some with a draft, some without: the same again.
    let (mixed, _) = reread_after(
        &lib,
        Some((
            "UPDATE drafts SET mapping = ?1 WHERE registry_id > 'NCT03'",
            &stamp,
        )),
    );
    assert_eq!(mixed, from_raw);
    // A draft that does not read as one is mapped from `raw` too.
    let (from_spoiled, _) = reread_after(
        &lib,
        Some((
            "UPDATE drafts SET mapping = ?1, draft = '{\"not\": \"a draft\"}'",
            &stamp,
        )),
    );
    assert_eq!(from_spoiled, from_raw);
    // Removing a study removes its draft.
    lib.remove(&["NCT02513394".into()]).expect("removes");
    let n: i64 = lib
        .conn
        .query_row("SELECT count(*) FROM drafts", [], |r| r.get(0))
        .expect("counts");
    assert_eq!(n as usize, texts.len() - 1);
}

#[test]
fn the_generation_rises_with_every_write_that_changes_studies_and_only_then() {
    let (_d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    let g0 = lib.generation().expect("reads");
    let a = studies("NCT02513394");
    lib.write_studies(&[&a[0]]).expect("writes");
    let g1 = lib.generation().expect("reads");
    assert!(g1 > g0);
    // The same version again changes nothing.
    lib.write_studies(&[&a[0]]).expect("writes");
    assert_eq!(lib.generation().expect("reads"), g1);
    let b = studies("NCT04267848");
    lib.write_studies(&[&b[0]]).expect("writes");
    let g2 = lib.generation().expect("reads");
    assert!(g2 > g1);
    assert_eq!(
        lib.remove(&["NCT00000000".into()]).expect("removes"),
        vec!["NCT00000000".to_string()]
    );
    assert_eq!(lib.generation().expect("reads"), g2, "nothing was removed");
    lib.remove(&["NCT04267848".into()]).expect("removes");
    let g3 = lib.generation().expect("reads");
    assert!(g3 > g2);
    lib.remove_source("ctgov").expect("removes");
    assert!(lib.generation().expect("reads") > g3);
}

/// The library with every fixture study, opened once so that its snapshot is written.
fn library_with_snapshot() -> (tempfile::TempDir, PathBuf) {
    let (d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    let texts = all_studies();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    lib.write_studies(&refs).expect("writes");
    drop(lib);
    let first = open_corpus(None, Some(&path)).expect("opens");
    assert_eq!(first.snapshot, load::SnapshotUse::Written);
    assert!(snapshot::path_for(&path).is_file());
    (d, path)
}

/// What a search shows: each hit's record, tier, score and matched text, the total and facets.
fn shown(l: &Loaded, q: &str) -> String {
    shown_in(&l.engine, q)
}

#[test]
fn an_unchanged_library_opens_from_its_snapshot_to_the_same_corpus_and_results() {
    let (_d, path) = library_with_snapshot();
    let snap = open_corpus(None, Some(&path)).expect("opens");
    assert_eq!(snap.snapshot, load::SnapshotUse::Read);
    // The long way, for comparison: the same library with its snapshot removed.
    std::fs::remove_file(snapshot::path_for(&path)).expect("removes");
    let full = open_corpus(None, Some(&path)).expect("opens");
    assert_eq!(full.snapshot, load::SnapshotUse::Written);
    let (a, b) = (&snap.engine.index.corpus, &full.engine.index.corpus);
    assert!(a.trials.is_lazy());
    assert_eq!(
        (snap.library_studies, snap.library_skipped),
        (full.library_studies, full.library_skipped)
    );
    // Searching by name, and filtering and sorting by what every trial's facts hold, read no
    // trial's record (the index and the facts hold what they need).
    let by_facts = [
        "",
        "pallas",
        "NCT04267848",
        "肝癌 tace",
        "palbociclib",
        "source:library",
        "kind:trial year:2010..2030",
        "sort:n",
        "sort:-year phase:3",
        "level:1..2 status:completed",
        "disease:breast design:rct",
        "id:nct0",
        // What the evidence facts hold: the filters on a trial's contents, `sort:effect`.
        "phase:3 sort:effect",
        "endpoint:os",
        "ae:neutropenia",
        "setting:hcc line:relapsed",
        "source:003 sort:-effect",
    ];
    for q in by_facts {
        assert_eq!(shown(&snap, q), shown(&full, q), "query {q:?}");
    }
    assert_eq!(a.trials.resident(), 0);
    assert_eq!(a.provenance, b.provenance);
    assert_eq!(a.evidence(), b.evidence());
    assert_eq!(a.therapies, b.therapies);
    assert_eq!(a.diseases, b.diseases);
    assert_eq!(a.sources, b.sources);
    assert_eq!(a.warnings, b.warnings);
    assert_eq!(a.trials.len(), b.trials.len());
    for (i, t) in b.trials.iter().enumerate() {
        assert_eq!(&a.trials[i], t, "trial {i}");
        assert_eq!(a.facts(i as u32), b.facts(i as u32), "trial {i}");
        assert_eq!(
            a.evidence().effect_of(i as u32),
            crate::present::headline_effect(t),
            "trial {i}"
        );
        assert_eq!(a.resolve(&t.id), b.resolve(&t.id));
    }
}

#[test]
fn a_write_or_a_removal_makes_the_snapshot_stale() {
    let (_d, path) = library_with_snapshot();
    let mut lib = Library::open(&path).expect("opens");
    lib.remove(&["NCT02513394".into()]).expect("removes");
    drop(lib);
    let l = open_corpus(None, Some(&path)).expect("opens");
    assert_eq!(l.snapshot, load::SnapshotUse::Written);
    assert!(
        shown(&l, "NCT02513394").starts_with("[]"),
        "{}",
        shown(&l, "NCT02513394")
    );
    let again = open_corpus(None, Some(&path)).expect("opens");
    assert_eq!(again.snapshot, load::SnapshotUse::Read);
    assert_eq!(again.library_studies, l.library_studies);
}

#[test]
fn a_damaged_or_foreign_snapshot_is_rebuilt_and_never_an_error() {
    let (_d, path) = library_with_snapshot();
    let snap = snapshot::path_for(&path);
    let good = std::fs::read(&snap).expect("reads");
    let reference = shown(&open_corpus(None, Some(&path)).expect("opens"), "pallas");
    let mut flipped = good.clone();
    let mid = flipped.len() / 3;
    flipped[mid] ^= 0x55;
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("cut short", good[..good.len() / 2].to_vec()),
        ("one byte changed", flipped),
        ("not a snapshot", b"{\"hello\": 1}".to_vec()),
        ("last byte gone", good[..good.len() - 1].to_vec()),
    ];
    for (what, bytes) in cases {
        std::fs::write(&snap, &bytes).expect("spoils");
        let l = open_corpus(None, Some(&path)).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(l.snapshot, load::SnapshotUse::Written, "{what}");
        assert_eq!(shown(&l, "pallas"), reference, "{what}");
        assert_eq!(
            std::fs::read(&snap).expect("rewritten").len(),
            good.len(),
            "{what}"
        );
    }
    // Something other than a file where the snapshot goes: left alone, the library still opens.
    std::fs::remove_file(&snap).expect("removes");
    std::fs::create_dir(&snap).expect("a directory in its place");
    let l = open_corpus(None, Some(&path)).expect("opens");
    assert!(
        matches!(l.snapshot, load::SnapshotUse::NotWritten(_)),
        "{:?}",
        l.snapshot
    );
    assert_eq!(shown(&l, "pallas"), reference);
    assert!(snap.is_dir());
}

/// Every section's length and bytes: a length changed (to past the file, to nothing, by one)
/// or a byte of the section changed is found, and the snapshot rebuilt, whichever section it
/// is in (the skeleton, each piece of a run, the index, each of its parts).
#[test]
fn damage_in_any_section_of_the_snapshot_is_found_and_it_is_rebuilt() {
    let (_d, path) = library_with_snapshot();
    let snap = snapshot::path_for(&path);
    let good = std::fs::read(&snap).expect("reads");
    let reference = shown(&open_corpus(None, Some(&path)).expect("opens"), "pallas");
    let starts = snapshot::section_starts(&snap);
    assert!(starts.len() >= 10, "{starts:?}");
    for (n, &at) in starts.iter().enumerate() {
        let at = at as usize;
        let len = u64::from_le_bytes(good[at..at + 8].try_into().unwrap());
        let lengths = [len | 1 << 40, 0, len + 1, len.saturating_sub(1)];
        let mut cases: Vec<(String, Vec<u8>)> = lengths
            .iter()
            .map(|l| {
                let mut b = good.clone();
                b[at..at + 8].copy_from_slice(&l.to_le_bytes());
                (format!("section {n} of length {l} (is {len})"), b)
            })
            .collect();
        if len > 0 {
            let mut b = good.clone();
            b[at + 12 + len as usize / 2] ^= 0x41;
            cases.push((format!("section {n}, a byte of it"), b));
        }
        for (what, bytes) in cases {
            std::fs::write(&snap, &bytes).expect("spoils");
            let l = open_corpus(None, Some(&path)).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(l.snapshot, load::SnapshotUse::Written, "{what}");
            assert_eq!(shown(&l, "pallas"), reference, "{what}");
        }
    }
    let rewritten = std::fs::read(&snap).expect("rewritten");
    assert_eq!(rewritten.len(), good.len());
}

#[test]
fn a_trial_damaged_in_the_snapshot_reads_as_a_stand_in_and_the_snapshot_is_rebuilt() {
    let (_d, path) = library_with_snapshot();
    let snap = snapshot::path_for(&path);
    let l = open_corpus(None, Some(&path)).expect("opens");
    let c = &l.engine.index.corpus;
    let last = c.trials.len() - 1;
    let id = c.trials[last].id.clone();
    drop(l);
    // The last trial's bytes end just before the table; change one byte in the middle of it.
    let mut bytes = std::fs::read(&snap).expect("reads");
    let at = u64::from_le_bytes(bytes[bytes.len() - 8..].try_into().unwrap()) as usize;
    bytes[at - 40] ^= 0x20;
    std::fs::write(&snap, &bytes).expect("spoils");
    let l = open_corpus(None, Some(&path)).expect("opens");
    assert_eq!(l.snapshot, load::SnapshotUse::Read);
    let t = &l.engine.index.corpus.trials[last];
    assert_eq!(t.id, id);
    let title = t.title.en.as_deref().unwrap_or_default();
    assert!(title.contains("could not be read"), "{title}");
    assert!(title.contains("rebuilt"), "{title}");
    assert!(!snap.exists(), "the damaged snapshot is removed");
    let again = open_corpus(None, Some(&path)).expect("opens");
    assert_eq!(again.snapshot, load::SnapshotUse::Written);
    assert_eq!(again.engine.index.corpus.trials[last].id, id);
    assert!(
        !again.engine.index.corpus.trials[last]
            .title
            .en
            .as_deref()
            .unwrap_or_default()
            .contains("could not be read")
    );
}

/// What a search shows on `engine` (see [`shown`]).
fn shown_in(engine: &crate::search::Engine, q: &str) -> String {
    let r = crate::search::run(engine, q, 100).expect("query");
    let hits: Vec<_> = r
        .hits
        .iter()
        .map(|h| (h.record, h.tier, h.score, h.matched.clone()))
        .collect();
    format!("{hits:?} {} {:?}", r.total, r.facets)
}

#[test]
fn filters_on_contents_and_sort_effect_read_no_record_and_pass_what_the_records_would() {
    let (_d, path) = temp();
    let mut lib = Library::open(&path).expect("creates");
    let mut texts = all_studies();
    // Registry-shaped studies, one in eight with posted results (endpoints with hazard
    // ratios, dozens of adverse-event terms each).
    texts.extend((0..160).map(|i| crate::synthetic_registry::study(i, 11)));
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    lib.write_studies(&refs).expect("writes");
    drop(lib);
    assert_eq!(
        open_corpus(None, Some(&path)).expect("opens").snapshot,
        load::SnapshotUse::Written
    );
    let snap = open_corpus(None, Some(&path)).expect("opens");
    assert_eq!(snap.snapshot, load::SnapshotUse::Read);
    let c = &snap.engine.index.corpus;
    assert!(c.trials.is_lazy());
    // The same corpus the long way, every trial in memory: what reading the records gives.
    let lib = Library::open_existing(&path)
        .expect("opens")
        .expect("exists");
    let (eager, _) = load::merged(&lib).expect("merges");
    assert!(!eager.trials.is_lazy());
    assert_eq!(
        c.evidence(),
        eager.evidence(),
        "the snapshot's evidence facts"
    );

    let counts = crate::search::filter::assert_content_filters_agree(c, &eager);
    assert_eq!(c.trials.resident(), 0, "a filter read a trial's record");
    let passed = |q: &str| counts.iter().find(|(x, _)| x == q).expect(q).1;
    for q in [
        "endpoint:os",
        "endpoint:OS",
        "ae:randomized",
        "ae:treatment",
        "source:ctgov-nct9",
        "source:nct02513394",
        "setting:hcc",
        "line:relapsed",
    ] {
        assert!(passed(q) > 0, "{q} passes nothing: {counts:?}");
    }

    // Through the search, with `sort:effect`: the same hits in the same order as an engine
    // over the trials in memory, and still no record read.
    let full = crate::search::engine(std::sync::Arc::new(eager));
    let sorted = [
        "sort:effect",
        "sort:-effect",
        "phase:3 sort:effect",
        "ae:randomized sort:effect",
        "endpoint:os -ae:treatment sort:-effect",
        "sort:effect hcc | tace",
    ];
    for q in crate::search::filter::CONTENT_FILTERS.iter().chain(&sorted) {
        assert_eq!(shown_in(&snap.engine, q), shown_in(&full, q), "query {q:?}");
    }
    assert_eq!(c.trials.resident(), 0, "a search read a trial's record");
    let by_effect = crate::search::run(&snap.engine, "sort:effect", 1_000).expect("query");
    let effects: Vec<f64> = by_effect
        .hits
        .iter()
        .filter_map(|h| {
            crate::search::order::sort_value(c, h.record, crate::search::SortKey::Effect)
        })
        .collect();
    assert!(effects.len() > 5, "registry results with hazard ratios");
    assert!(effects.is_sorted());
    for i in 0..c.trials.len() as u32 {
        let t = &full.index.corpus.trials[i as usize];
        assert_eq!(
            c.evidence().effect_of(i),
            crate::present::headline_effect(t)
        );
    }
    assert_eq!(c.trials.resident(), 0);
}

/// What a reader falls back to in a directory it may not write (where permissions bind, that
/// is, not as root): the file opened through an `immutable` URI, its path percent-encoded,
/// whatever characters it holds, and every message naming the path, not the URI.
#[test]
fn a_library_opens_as_immutable_whatever_its_path_holds() {
    let d = tempfile::tempdir().expect("tempdir");
    let dir = d.path().join("a dir?#%& é");
    std::fs::create_dir(&dir).expect("dir");
    let path = dir.join("lib ?.sqlite");
    let mut lib = Library::open(&path).expect("creates");
    lib.write_studies(&[&fixture("NCT02513394")])
        .expect("writes");
    drop(lib);
    let uri = super::immutable_uri(&path);
    assert!(
        uri.starts_with("file:/") && uri.ends_with("?immutable=1"),
        "{uri}"
    );
    assert!(!uri[5..uri.len() - 12].contains(['?', '#', ' ']), "{uri}");
    let ro = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI;
    let lib = Library::connect(Path::new(&uri), &path, ro, false).expect("opens");
    assert_eq!(lib.count().expect("counts"), 1);
    assert_eq!(lib.path(), path);
    // A file of another program, opened that way, is refused by its own name.
    let other = dir.join("other ?.sqlite");
    rusqlite::Connection::open(&other)
        .and_then(|c| c.execute_batch("CREATE TABLE t (x)"))
        .expect("another database");
    let err = Library::connect(Path::new(&super::immutable_uri(&other)), &other, ro, false)
        .expect_err("not a library")
        .to_string();
    assert!(err.starts_with(&other.display().to_string()), "{err}");
}
