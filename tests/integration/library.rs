//! The registry library through the real binary: import into it, browse it with the bundled
//! corpus, dated changes, export round trip, removal, and hostile library files. Every test
//! names its own library in a temporary directory (`--library` or `EVIDEX_LIBRARY`), so the
//! user's data directory is never touched.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ctgov");

fn fixture(nct: &str) -> PathBuf {
    Path::new(FIXTURES).join(format!("{nct}.json"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Runs the binary with the library at `lib` (by EVIDEX_LIBRARY) and the data directory in the
/// same temporary directory.
fn evidex(lib: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_evidex"))
        .args(args)
        .env("EVIDEX_LIBRARY", lib)
        .env(
            "XDG_DATA_HOME",
            lib.parent().expect("a parent").join("data"),
        )
        .env("NO_COLOR", "1")
        .env("COLUMNS", "160")
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let lib = dir.path().join("library.sqlite");
    (dir, lib)
}

fn import(lib: &Path, files: &[&Path]) -> Output {
    let mut args = vec!["import", "ctgov"];
    args.extend(files.iter().map(|p| s(p)));
    evidex(lib, &args)
}

/// A fixture as JSON, changed by `f`, written to `dir/name`.
fn edited(dir: &Path, nct: &str, name: &str, f: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture(nct)).expect("fixture"))
            .expect("json");
    f(&mut v);
    let p = dir.join(name);
    std::fs::write(&p, v.to_string()).expect("write");
    p
}

#[test]
fn import_writes_the_library_and_search_finds_it_with_the_bundled_corpus() {
    let (_d, lib) = setup();
    let r = import(&lib, &[&fixture("NCT02513394"), &fixture("NCT04267848")]);
    let err = text(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(r.stdout.is_empty(), "no corpus on stdout without -o");
    assert!(
        err.contains("added 2, updated 0, unchanged 0, skipped 0"),
        "{err}"
    );

    let st = evidex(&lib, &["library"]);
    let out = text(&st.stdout);
    assert!(
        out.contains(&format!("library: {}", lib.display())),
        "{out}"
    );
    assert!(out.contains("studies: 2 (ctgov 2)"), "{out}");

    // The same file again: one record per id, nothing replaced.
    let r = import(&lib, &[&fixture("NCT02513394")]);
    assert!(text(&r.stderr).contains("added 0, updated 0, unchanged 1"));

    // `search` without --corpus opens the bundled corpus with the library.
    let r = evidex(&lib, &["search", "NCT02513394"]);
    assert!(text(&r.stdout).contains("PALLAS"), "{}", text(&r.stdout));
    let r = evidex(&lib, &["search", "source:library", "kind:trial"]);
    let out = text(&r.stdout);
    assert!(out.contains("PALLAS") && out.contains("2 results"), "{out}");
    let r = evidex(
        &lib,
        &["search", "source:bundled", "kind:trial", "--limit", "200"],
    );
    let out = text(&r.stdout);
    assert!(
        out.contains("EMERALD-1") && !out.contains("PALLAS"),
        "{out}"
    );
    let r = evidex(&lib, &["show", "NCT02513394"]);
    assert!(r.status.success(), "{}", text(&r.stderr));

    // --corpus opens one file alone.
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/corpus.json");
    let r = evidex(&lib, &["--corpus", s(&corpus), "search", "NCT02513394"]);
    assert_eq!(r.status.code(), Some(1), "{}", text(&r.stdout));
}

/// The snapshot through the binary: written by an import (so that the browser's next start
/// reads it), used by every open after, rebuilt after a change and after damage, reported by
/// `evidex library`, and the same answers every time.
#[test]
fn the_library_opens_from_its_snapshot_and_a_change_or_damage_rebuilds_it() {
    let (d, lib) = setup();
    let snap = d.path().join("library.sqlite.snapshot");
    let line = |lib: &Path| {
        let out = text(&evidex(lib, &["library"]).stdout);
        out.lines()
            .find(|l| l.starts_with("snapshot: "))
            .unwrap_or_else(|| panic!("no snapshot line in {out}"))
            .to_string()
    };
    let modified = || std::fs::metadata(&snap).expect("snapshot").modified().ok();
    let r = import(&lib, &[&fixture("NCT02513394")]);
    assert!(r.status.success());
    let err = text(&r.stderr);
    assert!(
        err.contains("snapshot of the library is up to date"),
        "{err}"
    );
    assert!(snap.is_file(), "the import writes the snapshot");
    assert!(line(&lib).contains("current"), "{}", line(&lib));
    let search = |q: &str| {
        let r = evidex(&lib, &["search", "--json", q]);
        assert!(r.status.success(), "{}", text(&r.stderr));
        text(&r.stdout)
    };
    let written = modified();
    let first = search("NCT02513394");
    assert!(first.contains("PALLAS"), "{first}");
    assert_eq!(
        search("NCT02513394"),
        first,
        "the same answer from the snapshot"
    );
    assert_eq!(
        modified(),
        written,
        "an unchanged library does not write it again"
    );
    // A change made outside evidex's commands: out of date until the next open rebuilds it.
    let conn = rusqlite::Connection::open(&lib).expect("opens");
    conn.execute(
        "UPDATE meta SET value = value + 1 WHERE key = 'generation'",
        [],
    )
    .expect("raises the generation");
    drop(conn);
    assert!(line(&lib).contains("out of date"), "{}", line(&lib));
    assert_eq!(search("NCT02513394"), first);
    assert!(line(&lib).contains("current"), "{}", line(&lib));
    // Another import: current again, and the new study is found.
    assert!(import(&lib, &[&fixture("NCT04267848")]).status.success());
    assert!(line(&lib).contains("current"), "{}", line(&lib));
    assert!(search("NCT04267848").contains("NCT04267848"));
    // Damage: a snapshot cut in half is rebuilt, and the answers stay the same.
    let both = search("source:library");
    let bytes = std::fs::read(&snap).expect("snapshot");
    std::fs::write(&snap, &bytes[..bytes.len() / 2]).expect("cut");
    assert_eq!(search("source:library"), both);
    assert_eq!(std::fs::read(&snap).expect("rewritten").len(), bytes.len());
    // Removal updates it too.
    let r = evidex(&lib, &["library", "remove", "NCT04267848"]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(line(&lib).contains("current"), "{}", line(&lib));
    assert!(!search("source:library").contains("NCT04267848"));
}

/// The start of a registry id finds the trial first: the registry's source record, whose title
/// holds the same id as a word, comes after it.
#[test]
fn the_start_of_a_registry_id_ranks_the_trial_above_its_source_record() {
    let (_d, lib) = setup();
    assert!(import(&lib, &[&fixture("NCT02513394")]).status.success());
    for q in ["nct0251", "NCT025133", "NCT02513394"] {
        let r = evidex(&lib, &["search", "--json", q]);
        let v: Value = serde_json::from_slice(&r.stdout).expect("json");
        let kinds: Vec<&str> = v["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|h| h["kind"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(kinds.first(), Some(&"trial"), "{q}: {kinds:?}");
        assert!(kinds.contains(&"source"), "{q}: {kinds:?}");
    }
    // The record's title repeats the study's: a title finds the study once, not twice.
    let r = evidex(&lib, &["search", "--json", "collaborative adjuvant"]);
    let v: Value = serde_json::from_slice(&r.stdout).expect("json");
    let ids: Vec<&str> = v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|h| h["id"].as_str().unwrap_or_default())
        .collect();
    assert!(ids.contains(&"nct02513394"), "{ids:?}");
    assert!(!ids.contains(&"ctgov-nct02513394"), "{ids:?}");
    let r = evidex(&lib, &["search", "kind:source", "--limit", "50"]);
    assert!(
        text(&r.stdout).contains("NCT02513394"),
        "{}",
        text(&r.stdout)
    );
}

#[test]
fn with_output_import_writes_a_corpus_and_leaves_the_library_alone() {
    let (_d, lib) = setup();
    let r = evidex(
        &lib,
        &["import", "ctgov", s(&fixture("NCT02513394")), "-o", "-"],
    );
    assert!(r.status.success());
    let v: Value = serde_json::from_slice(&r.stdout).expect("a corpus");
    assert_eq!(v["trials"].as_array().map(Vec::len), Some(1));
    assert!(!lib.exists());
    // --merge needs -o: without it the studies would go to the library.
    let r = evidex(
        &lib,
        &[
            "import",
            "ctgov",
            s(&fixture("NCT02513394")),
            "--merge",
            "bundled",
        ],
    );
    assert_eq!(r.status.code(), Some(2));
    assert!(text(&r.stderr).contains("give -o"), "{}", text(&r.stderr));
}

#[test]
fn a_newer_version_is_an_update_with_dated_changes() {
    let (d, lib) = setup();
    assert!(import(&lib, &[&fixture("NCT04267848")]).status.success());
    // An older version does not replace the stored one.
    let older = edited(d.path(), "NCT04267848", "older.json", |v| {
        let st = &mut v["protocolSection"]["statusModule"];
        st["lastUpdatePostDateStruct"]["date"] = "2024-01-01".into();
        st["overallStatus"] = "WITHDRAWN".into();
    });
    let r = import(&lib, &[&older]);
    assert!(
        text(&r.stderr).contains("unchanged 1"),
        "{}",
        text(&r.stderr)
    );

    let newer = edited(d.path(), "NCT04267848", "newer.json", |v| {
        let p = &mut v["protocolSection"];
        p["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2026-03-02".into();
        p["statusModule"]["overallStatus"] = "ACTIVE_NOT_RECRUITING".into();
        p["designModule"]["enrollmentInfo"] = serde_json::json!({"count": 1180, "type": "ACTUAL"});
        p["outcomesModule"]["primaryOutcomes"][0]["measure"] = "Overall survival (OS)".into();
    });
    let r = import(&lib, &[&newer]);
    let err = text(&r.stderr);
    assert!(err.contains("updated 1"), "{err}");
    assert!(err.contains("3 changes recorded"), "{err}");

    let r = evidex(&lib, &["library", "changes"]);
    let out = text(&r.stdout);
    assert!(r.status.success());
    assert!(
        out.contains("2026-03-02  NCT04267848  status: RECRUITING → ACTIVE_NOT_RECRUITING"),
        "{out}"
    );
    assert!(
        out.contains("enrolment: 1210 (estimated) → 1180 (actual)"),
        "{out}"
    );
    assert!(
        out.contains("primary outcomes:") && out.contains("Overall survival (OS)"),
        "{out}"
    );

    let r = evidex(
        &lib,
        &["library", "changes", "--since", "2026-04-01", "--json"],
    );
    let v: Value = serde_json::from_slice(&r.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(0));
    let r = evidex(
        &lib,
        &["library", "changes", "--since", "2026-03", "--json"],
    );
    let v: Value = serde_json::from_slice(&r.stdout).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(3));
    assert_eq!(v[0]["registry_id"], "NCT04267848");
    for not_a_date in ["last week", "2026-13-01", "2026-02-30", "2026-00", "2026-4"] {
        let r = evidex(&lib, &["library", "changes", "--since", not_a_date]);
        assert_eq!(r.status.code(), Some(2), "{not_a_date}");
        assert!(text(&r.stderr).contains("is not a date"), "{not_a_date}");
    }

    // The stored record is the newer one.
    let r = evidex(&lib, &["show", "NCT04267848", "--json"]);
    assert!(text(&r.stdout).contains("1180"), "{}", text(&r.stdout));
}

#[test]
fn export_round_trips_through_validate_and_remove_takes_records_out() {
    let (d, lib) = setup();
    let all: Vec<PathBuf> = [
        "NCT02210780",
        "NCT02513394",
        "NCT02552212",
        "NCT04267848",
        "NCT06388018",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect();
    let refs: Vec<&Path> = all.iter().map(PathBuf::as_path).collect();
    assert!(import(&lib, &refs).status.success());
    let out = d.path().join("export.json");
    let r = evidex(&lib, &["library", "export", "-o", s(&out)]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(text(&r.stderr).contains("exported 5 studies"));
    let v = evidex(&lib, &["validate", s(&out)]);
    assert!(v.status.success(), "{}", text(&v.stdout));
    assert!(
        text(&v.stdout).contains("valid: 5 trials"),
        "{}",
        text(&v.stdout)
    );
    // The exported corpus opens alone and finds the same studies.
    let r = evidex(&lib, &["--corpus", s(&out), "search", "NCT02552212"]);
    assert!(r.status.success());

    let r = evidex(&lib, &["library", "remove", "nct02513394", "NCT00000000"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(text(&r.stdout).contains("removed 1 study"));
    assert!(text(&r.stderr).contains("not in the library: NCT00000000"));
    let r = evidex(&lib, &["search", "NCT02513394"]);
    assert_eq!(r.status.code(), Some(1));
    // A source misspelt removes nothing and says which sources there are.
    let r = evidex(&lib, &["library", "remove", "--source", "clinicaltrials"]);
    assert_eq!(r.status.code(), Some(1));
    assert!(
        text(&r.stderr)
            .contains("no study of source clinicaltrials in the library; its sources: ctgov (4)"),
        "{}",
        text(&r.stderr)
    );
    let r = evidex(&lib, &["library", "remove", "--source", "ctgov"]);
    assert!(
        text(&r.stdout).contains("removed 4 studies"),
        "{}",
        text(&r.stdout)
    );
    let r = evidex(&lib, &["library", "remove", "--source", "ctgov"]);
    assert!(
        text(&r.stderr).contains("its sources: none, it is empty"),
        "{}",
        text(&r.stderr)
    );
    let r = evidex(&lib, &["library", "export", "-o", s(&out)]);
    assert_eq!(r.status.code(), Some(2));
}

#[test]
fn a_study_of_a_bundled_trial_enriches_it_and_is_not_a_second_trial() {
    let (d, lib) = setup();
    // CHANCE2203 is in the bundled corpus with registry id NCT05348811.
    let f = edited(d.path(), "NCT04267848", "chance.json", |v| {
        v["protocolSection"]["identificationModule"]["nctId"] = "NCT05348811".into();
    });
    let r = import(&lib, &[&f]);
    let err = text(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(
        err.contains("NCT05348811: belongs to the bundled trial chance-2203"),
        "{err}"
    );
    let r = evidex(&lib, &["search", "NCT05348811", "kind:trial"]);
    let out = text(&r.stdout);
    assert!(out.contains("1 result"), "{out}");
    let r = evidex(&lib, &["search", "source:library", "kind:trial"]);
    assert!(
        text(&r.stdout).contains("[chance-2203]"),
        "{}",
        text(&r.stdout)
    );
    let bundled = evidex(
        &lib,
        &[
            "--corpus",
            concat!(env!("CARGO_MANIFEST_DIR"), "/data/corpus.json"),
            "search",
            "kind:trial",
            "--json",
            "--limit",
            "1000",
        ],
    );
    let with_lib = evidex(&lib, &["search", "kind:trial", "--json", "--limit", "1000"]);
    let n = |o: &Output| {
        let v: Value = serde_json::from_slice(&o.stdout).expect("json");
        v["total"]
            .as_u64()
            .or_else(|| v["results"].as_array().map(|a| a.len() as u64))
    };
    assert_eq!(n(&bundled), n(&with_lib));
}

/// Every way a library file can be wrong: a message that names it, exit 2, no panic, and the
/// file as it was.
#[test]
fn hostile_library_files_are_refused_by_name_and_left_as_they_were() {
    let (d, _) = setup();
    let cases: Vec<(&str, PathBuf, &str)> = {
        let json = d.path().join("json.sqlite");
        std::fs::write(&json, "{\"trials\": []}\n".repeat(200)).expect("write");
        let other = d.path().join("other.sqlite");
        {
            let c = rusqlite::Connection::open(&other).expect("sqlite");
            c.execute_batch("CREATE TABLE notes (x TEXT); INSERT INTO notes VALUES ('mine');")
                .expect("table");
        }
        let newer = d.path().join("newer.sqlite");
        assert!(import(&newer, &[&fixture("NCT02513394")]).status.success());
        {
            let c = rusqlite::Connection::open(&newer).expect("sqlite");
            c.pragma_update(None, "user_version", 99).expect("version");
            c.pragma_update(None, "journal_mode", "DELETE")
                .expect("no wal");
        }
        let corrupt = d.path().join("corrupt.sqlite");
        assert!(
            import(
                &corrupt,
                &[&fixture("NCT02513394"), &fixture("NCT04267848")]
            )
            .status
            .success()
        );
        {
            let c = rusqlite::Connection::open(&corrupt).expect("sqlite");
            c.pragma_update(None, "journal_mode", "DELETE")
                .expect("no wal");
        }
        let mut bytes = std::fs::read(&corrupt).expect("read");
        // Keep the header (page 1 holds the schema); overwrite the pages that hold the data.
        for b in bytes.iter_mut().skip(4096) {
            *b = 0x5a;
        }
        std::fs::write(&corrupt, &bytes).expect("write");
        // Only one index damaged (the one by source, as a disk error might leave it): the
        // studies a write would update are intact, and it is still refused as corrupt.
        let index = d.path().join("index.sqlite");
        assert!(import(&index, &[&fixture("NCT02513394")]).status.success());
        let page: i64 = {
            let c = rusqlite::Connection::open(&index).expect("sqlite");
            c.pragma_update(None, "journal_mode", "DELETE")
                .expect("no wal");
            c.query_row(
                "SELECT rootpage FROM sqlite_master WHERE name = 'studies_source'",
                [],
                |r| r.get(0),
            )
            .expect("the index")
        };
        let mut bytes = std::fs::read(&index).expect("read");
        let at = (page as usize - 1) * 4096;
        bytes[at..at + 4096].fill(0xde);
        std::fs::write(&index, &bytes).expect("write");
        vec![
            ("an index damaged", index, "corrupt"),
            (
                "not a database",
                json,
                "is not an evidex library (not an SQLite database)",
            ),
            (
                "another program's",
                other,
                "an SQLite database of another program",
            ),
            (
                "newer",
                newer,
                "written by a newer evidex (library schema 99",
            ),
            ("corrupt", corrupt, "corrupt"),
        ]
    };
    for (what, path, message) in &cases {
        let before = std::fs::read(path).expect("read");
        // Corruption inside the data is found when the data is read, which the browser does
        // once it has the terminal (and reports on leaving it); `search` reads it the same way.
        let browser: Vec<&str> = if message == &"corrupt" {
            vec!["search", "x"]
        } else {
            vec![]
        };
        for args in [
            browser,
            vec!["search", "pallas"],
            vec!["library"],
            vec!["library", "changes"],
            vec!["import", "ctgov", s(&fixture("NCT06388018"))],
            // A study already there, unchanged: nothing of the damage is on its way.
            vec!["import", "ctgov", s(&fixture("NCT02513394"))],
        ] {
            // The changes are listed from their own table, which that damage leaves whole.
            if *what == "an index damaged" && args == ["library", "changes"] {
                continue;
            }
            let r = evidex(path, &args);
            let err = text(&r.stderr);
            assert_eq!(r.status.code(), Some(2), "{what} {args:?}: {err}");
            assert!(err.contains(s(path)), "{what} {args:?}: {err}");
            assert!(err.contains(message), "{what} {args:?}: {err}");
            assert!(!err.contains("panicked"), "{what} {args:?}: {err}");
        }
        assert_eq!(
            std::fs::read(path).expect("read"),
            before,
            "{what}: the file changed"
        );
    }
}

#[test]
fn a_library_that_cannot_be_created_or_written_says_so_and_changes_nothing() {
    let (d, _) = setup();
    // A path under a regular file: no directory can be made there.
    let file = d.path().join("plain");
    std::fs::write(&file, "x").expect("write");
    let lib = file.join("library.sqlite");
    let r = import(&lib, &[&fixture("NCT02513394")]);
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot open the library") && err.contains(s(&lib)),
        "{err}"
    );

    // A read-only directory and file. Permissions do not bind root, so where the test runs as
    // root the directory is writable after all and this part proves nothing: it says so.
    let ro = d.path().join("ro");
    std::fs::create_dir(&ro).expect("dir");
    let lib = ro.join("library.sqlite");
    assert!(import(&lib, &[&fixture("NCT02513394")]).status.success());
    crate::common::chmod(&lib, 0o444);
    crate::common::chmod(&ro, 0o555);
    if std::fs::write(ro.join("probe"), "x").is_ok() {
        eprintln!("skipping the read-only part: permissions do not bind this user (root)");
        crate::common::chmod(&ro, 0o755);
        return;
    }
    let before = std::fs::read(&lib).expect("read");
    let r = import(&lib, &[&fixture("NCT04267848")]);
    let err = text(&r.stderr);
    crate::common::chmod(&ro, 0o755);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("read-only") && err.contains(s(&lib)), "{err}");
    assert_eq!(std::fs::read(&lib).expect("read"), before);
    // Still readable: browsing works on a library evidex may not write.
    crate::common::chmod(&ro, 0o555);
    let r = evidex(&lib, &["search", "NCT02513394"]);
    crate::common::chmod(&ro, 0o755);
    assert!(r.status.success(), "{}", text(&r.stderr));
}

/// A FIFO (or a socket, a device) where the library should be is named as what it is, and
/// never opened: SQLite would only say "disk I/O error", or wait on it.
#[test]
fn a_fifo_at_the_library_path_is_refused_as_not_a_file() {
    let d = tempfile::tempdir().expect("tempdir");
    let fifo = d.path().join("fifo.sqlite");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipping: mkfifo is not available here");
        return;
    }
    for args in [
        vec!["library"],
        vec!["search", "pallas"],
        vec!["import", "ctgov", s(&fixture("NCT02513394"))],
    ] {
        let r = evidex(&fifo, &args);
        let err = text(&r.stderr);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("is not a regular file"), "{args:?}: {err}");
    }
}

/// Synthetic studies never go into the library evidex opens by default: `gen-corpus
/// --registry` wants one named, and leaves the data directory alone.
#[test]
fn generated_studies_need_a_library_named_for_them() {
    let d = tempfile::tempdir().expect("tempdir");
    let r = crate::common::bin()
        .args(["gen-corpus", "--registry", "--trials", "3"])
        .env_remove("EVIDEX_LIBRARY")
        .env("XDG_DATA_HOME", d.path())
        .output()
        .expect("runs");
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("--library PATH"), "{err}");
    assert_eq!(std::fs::read_dir(d.path()).expect("dir").count(), 0);
}

/// A writer killed with SIGKILL between pages loses nothing it committed: the library opens,
/// holds whole pages only, and its sync resumes at the page after the last one stored.
#[test]
fn a_writer_killed_mid_way_leaves_whole_pages_and_a_resume_token() {
    let (_d, lib) = setup();
    let mut child = Command::new(env!("CARGO_BIN_EXE_evidex"))
        .args(["gen-corpus", "--registry", "--trials", "100000"])
        .env("EVIDEX_LIBRARY", &lib)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let count = |lib: &Path| -> Option<i64> {
        let c =
            rusqlite::Connection::open_with_flags(lib, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .ok()?;
        c.query_row("SELECT count(*) FROM studies", [], |r| r.get(0))
            .ok()
    };
    let start = std::time::Instant::now();
    while count(&lib).unwrap_or(0) < 1_000 {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(300),
            "no page was written"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let n = count(&lib).expect("the library opens after the kill");
    assert_eq!(n % 1_000, 0, "whole pages only: {n}");
    let c = rusqlite::Connection::open(&lib).expect("opens");
    let token: Option<String> = c
        .query_row("SELECT next_page_token FROM syncs", [], |r| r.get(0))
        .expect("a sync row");
    assert_eq!(token, Some(format!("synthetic-{n}")));
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("check");
    assert_eq!(ok, "ok");
    let r = evidex(&lib, &["library"]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(
        text(&r.stdout).contains("unfinished"),
        "{}",
        text(&r.stdout)
    );
}

/// A library of an older schema is upgraded once, before the command runs, with a line on
/// standard error before and after (the upgrade copies every study, which takes a while on a
/// large library); the next command opens it silently.
#[test]
fn an_older_library_is_upgraded_once_before_the_command_and_says_so() {
    let (_d, lib) = setup();
    assert!(
        import(&lib, &[&fixture("NCT02513394"), &fixture("NCT04267848")])
            .status
            .success()
    );
    {
        // What schema 1 lacks.
        let c = rusqlite::Connection::open(&lib).expect("sqlite");
        c.execute_batch("DROP TABLE drafts; DROP TABLE meta; PRAGMA user_version = 1;")
            .expect("downgrades");
    }
    let out = evidex(&lib, &["search", "NCT04267848"]);
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("upgrading the library") && err.contains("from schema 1 to 3"),
        "{err}"
    );
    assert!(err.contains("the library is upgraded"), "{err}");
    assert!(
        text(&out.stdout).contains("[nct04267848]"),
        "{}",
        text(&out.stdout)
    );
    let version: i64 = rusqlite::Connection::open(&lib)
        .expect("sqlite")
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .expect("version");
    assert_eq!(version, 3);
    let again = evidex(&lib, &["search", "NCT04267848"]);
    assert!(again.status.success());
    assert!(
        !text(&again.stderr).contains("upgrading"),
        "{}",
        text(&again.stderr)
    );
}
