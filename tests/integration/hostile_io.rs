//! Hostile input around the records: file names, JSON keys, enum values and dates that carry
//! escape sequences, on every path to the terminal (messages included); writes that must not
//! replace a device, a FIFO or a link's directory, nor copy a dangerous mode; data that must
//! arrive whole or fail; inputs that never end.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::evidex;

const BIN: &str = env!("CARGO_BIN_EXE_evidex");

/// ESC, BEL, C1 controls (CSI U+009B among them) and bidi overrides: nothing of these may reach
/// a terminal raw.
fn dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

fn assert_inert(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text.chars().filter(|&c| dangerous(c)).collect();
    assert!(bad.is_empty(), "{what}: {bad:?} in {text:?}");
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

const EVIL: &str = "\u{1b}]0;PWNED\u{7}\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}\u{9b}31m\u{202e}";

/// A valid corpus with escape sequences in a JSON key (an unknown field) and a name.
fn corpus_with_escapes() -> String {
    let e = serde_json::to_string(EVIL).unwrap();
    format!(
        r#"{{"sources": [{{"id": "s", "title": {{"en": "S"}}, "language": "en", "date": "2024-05"}}],
 {e}: 1,
 "trials": [{{"id": "t", "title": {{"en": "Trial {}"}}, "citations": [{{"source": "s", "quote": "q"}}]}}]}}"#,
        &e[1..e.len() - 1]
    )
}

#[test]
fn no_command_prints_an_escape_from_a_corpus_key_or_name() {
    let d = tempfile::tempdir().unwrap();
    let p = write(d.path(), "c.json", &corpus_with_escapes());
    let p = p.to_str().unwrap();
    for args in [
        vec!["validate", p],
        vec!["--corpus", p, "search", "trial"],
        vec!["--corpus", p, "show", "t"],
        vec!["--corpus", p, "search", "trial", "--json"],
        vec!["--corpus", p, "show", "t", "--json"],
    ] {
        let o = evidex(&args);
        assert!(o.status.code().is_some(), "{args:?}");
        assert_inert(&format!("{args:?} stdout"), &o.stdout);
        assert_inert(&format!("{args:?} stderr"), &o.stderr);
    }
    // A date holding escapes is now refused by validation (inert message above); with a real
    // date the corpus opens, and JSON keeps the data, escaped.
    let e = serde_json::to_string(EVIL).unwrap();
    let dated = corpus_with_escapes().replacen(&format!("\"date\": {e}"), "\"date\": \"2025\"", 1);
    let q = write(d.path(), "dated.json", &dated);
    let p = q.to_str().unwrap();
    let o = evidex(&["--corpus", p, "show", "t", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["title"]["en"].as_str().unwrap().contains(EVIL));
}

#[test]
fn an_unknown_enum_value_or_a_bad_date_is_refused_with_an_inert_message() {
    let d = tempfile::tempdir().unwrap();
    let e = serde_json::to_string(EVIL).unwrap();
    // A source date is checked too: one that carries an escape is refused, inertly.
    let date = format!(
        r#"{{"sources": [{{"id": "s", "title": {{"en": "S"}}, "language": "en", "date": {e}}}],
 "trials": [{{"id": "t", "title": {{"en": "T"}}, "citations": [{{"source": "s", "quote": "q"}}]}}]}}"#
    );
    let p = write(d.path(), "date.json", &date);
    for args in [
        vec!["validate", p.to_str().unwrap()],
        vec!["--corpus", p.to_str().unwrap(), "search", "t"],
    ] {
        let o = evidex(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_inert(&format!("date {args:?}"), &o.stderr);
        assert!(String::from_utf8_lossy(&o.stderr).contains("date"));
    }
    for field in ["design", "phase", "status"] {
        let text = format!(
            r#"{{"sources": [{{"id": "s", "title": {{"en": "S"}}, "language": "en"}}],
 "trials": [{{"id": "t", "title": {{"en": "T"}}, "{field}": {e}, "citations": [{{"source": "s", "quote": "q"}}]}}]}}"#
        );
        let p = write(d.path(), &format!("{field}.json"), &text);
        for args in [
            vec!["validate", p.to_str().unwrap()],
            vec!["--corpus", p.to_str().unwrap(), "search", "t"],
        ] {
            let o = evidex(&args);
            assert_eq!(o.status.code(), Some(2), "{args:?}");
            assert_inert(&format!("{field} {args:?}"), &o.stderr);
            assert!(String::from_utf8_lossy(&o.stderr).contains(field));
        }
    }
}

#[test]
fn file_names_with_escapes_are_inert_in_every_message() {
    let d = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}]0;PWNED\u{7}.json";
    let good = write(d.path(), name, &corpus_with_escapes());
    let missing = d.path().join(format!("missing-{name}"));
    let broken = write(d.path(), &format!("broken-{name}"), "{");
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ctgov/NCT04267848.json"
    );
    let record = write(
        d.path(),
        &format!("record-{name}"),
        &std::fs::read_to_string(fixture).unwrap(),
    );
    let out = d.path().join(format!("out-{name}"));
    let s = |p: &Path| p.to_str().unwrap().to_string();
    for args in [
        vec!["validate".to_string(), s(&good)],
        vec!["validate".to_string(), s(&missing)],
        vec!["validate".to_string(), s(&broken)],
        vec![
            "--corpus".to_string(),
            s(&good),
            "search".into(),
            "x".into(),
        ],
        vec![
            "--corpus".to_string(),
            s(&broken),
            "search".into(),
            "x".into(),
        ],
        vec![
            "import".into(),
            "ctgov".into(),
            s(&record),
            "-o".into(),
            s(&out),
        ],
        vec![
            "import".into(),
            "ctgov".into(),
            s(&missing),
            "-o".into(),
            s(&out),
        ],
        vec![
            "import".into(),
            "ctgov".into(),
            s(&broken),
            "-o".into(),
            s(&out),
        ],
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = evidex(&args);
        assert_inert(&format!("{args:?} stdout"), &o.stdout);
        assert_inert(&format!("{args:?} stderr"), &o.stderr);
    }
}

#[test]
fn an_imported_date_with_an_escape_is_inert_in_search() {
    let d = tempfile::tempdir().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ctgov/NCT04267848.json"
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    v["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] =
        serde_json::json!("\u{1b}c");
    let rec = write(d.path(), "r.json", &v.to_string());
    let out = d.path().join("o.json");
    let o = evidex(&[
        "import",
        "ctgov",
        rec.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_inert("import stderr", &o.stderr);
    if out.exists() {
        let o = evidex(&["--corpus", out.to_str().unwrap(), "search", "nct04267848"]);
        assert_inert("search stdout", &o.stdout);
        assert_inert("search stderr", &o.stderr);
    }
}

/// Runs a bash `script` with the binary as `$0` and `arg` as `$1` (redirections, pipes and
/// limits are the shell's to set up).
#[cfg(unix)]
fn shell(script: &str, arg: &str) -> std::process::Output {
    Command::new("bash")
        .args(["-c", script, BIN, arg])
        .env("XDG_CONFIG_HOME", "/proc/nonexistent/evidex-test-home")
        .env("XDG_DATA_HOME", "/proc/nonexistent/evidex-test-home")
        // Never the user's library, whatever a script runs.
        .env(
            "EVIDEX_LIBRARY",
            std::env::temp_dir().join(format!(
                "evidex-hostile-io-{}/library.sqlite",
                std::process::id()
            )),
        )
        .output()
        .expect("bash runs")
}

#[cfg(unix)]
mod writes {
    use super::*;
    use common::{chmod, mkfifo, mode};
    use std::os::unix::fs::FileTypeExt;

    #[test]
    fn a_symlink_to_a_directory_is_refused_and_the_directory_keeps_its_mode() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("dir");
        std::fs::create_dir(&dir).unwrap();
        chmod(&dir, 0o755);
        let link = d.path().join("x.json");
        std::os::unix::fs::symlink(&dir, &link).unwrap();
        let o = evidex(&["gen-corpus", "--trials", "3", "-o", link.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&o.stderr).contains("directory"));
        assert_eq!(mode(&dir), 0o755);
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn a_replaced_setuid_file_loses_the_bit_and_a_new_file_is_0644() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "c.json", "{}");
        chmod(&p, 0o4755);
        let o = evidex(&["gen-corpus", "--trials", "3", "-o", p.to_str().unwrap()]);
        assert!(o.status.success());
        assert_eq!(mode(&p), 0o755);
        let n = d.path().join("new.json");
        let o = evidex(&["gen-corpus", "--trials", "3", "-o", n.to_str().unwrap()]);
        assert!(o.status.success());
        assert_eq!(mode(&n), 0o644);
    }

    #[test]
    fn a_fifo_output_is_streamed_not_replaced() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join("out.fifo");
        mkfifo(&fifo);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(&fifo).unwrap())
        };
        let o = evidex(&["gen-corpus", "--trials", "3", "-o", fifo.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let got = reader.join().unwrap();
        assert!(serde_json::from_slice::<serde_json::Value>(&got).is_ok());
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }

    /// A full disk, simulated with a file-size limit (tests run as root, so no chmod): the
    /// write fails with exit 2 and the file that was there is left whole.
    #[test]
    fn a_full_disk_fails_the_write_and_keeps_the_old_file() {
        let d = tempfile::tempdir().unwrap();
        let p = write(d.path(), "c.json", "{\"trials\": []}");
        let o = shell(
            "trap '' XFSZ; ulimit -f 8; exec \"$0\" gen-corpus --trials 2000 -o \"$1\"",
            p.to_str().unwrap(),
        );
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "{\"trials\": []}");
        assert_eq!(
            std::fs::read_dir(d.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }

    #[test]
    fn data_to_a_closed_or_broken_stdout_is_an_error() {
        // The five records make 120 KB of corpus, more than a pipe holds, so the writer sees
        // the reader go.
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ctgov");
        for script in [
            "\"$0\" import ctgov \"$1\"/*.json -o - >&-",
            "\"$0\" import ctgov \"$1\"/*.json -o - | head -c 100 >/dev/null; exit ${PIPESTATUS[0]}",
            "\"$0\" gen-corpus --trials 5000 | head -c 100 >/dev/null; exit ${PIPESTATUS[0]}",
            "\"$0\" gen-corpus --trials 3 >&-",
        ] {
            let o = shell(script, fixtures);
            assert_eq!(
                o.status.code(),
                Some(2),
                "{script}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        // Human output may still end quietly on a closed pipe.
        let o = shell(
            "\"$0\" search a | head -c 10 >/dev/null; exit ${PIPESTATUS[0]}",
            "",
        );
        assert_eq!(o.status.code(), Some(0));
    }
}

#[cfg(unix)]
#[test]
fn an_endless_device_is_refused_at_once() {
    for args in [
        vec!["import", "ctgov", "/dev/zero", "-o", "-"],
        vec!["--corpus", "/dev/zero", "search", "x"],
        vec!["validate", "/dev/urandom"],
    ] {
        let t = Instant::now();
        let o = evidex(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        // `/dev/urandom` starts like JSON one time in a hundred or so; then its bytes that
        // are not UTF-8 are what refuse it.
        assert!(
            err.contains("first byte") || err.contains("is not UTF-8 text"),
            "{args:?}: {err}"
        );
        // Generous: reading the whole limit took seconds and gigabytes.
        assert!(t.elapsed() < Duration::from_secs(20), "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_with_no_writer_can_be_interrupted() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("in.fifo");
    common::mkfifo(&fifo);
    let mut child = Command::new(BIN)
        .args(["import", "ctgov", fifo.to_str().unwrap(), "-o", "-"])
        .env("XDG_CONFIG_HOME", "/proc/nonexistent/evidex-test-home")
        .env("XDG_DATA_HOME", "/proc/nonexistent/evidex-test-home")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    let t = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "still blocked after SIGINT"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn gen_corpus_refuses_sizes_evidex_could_not_open() {
    for n in ["4294967296", "720000", "-1", "many"] {
        let arg = format!("--trials={n}");
        let o = evidex(&["gen-corpus", &arg, "-o", "/nonexistent/x.json"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{n}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
        assert!(err.contains("--trials"), "{n}: {err}");
    }
}

/// Standard error closed by its reader (`2>&1 | head -1` once head has its line) or full
/// (`2>/dev/full`): every command still ends as it would have, with its own exit code, never
/// with a panic (exit 101) because a message could not be written.
#[test]
fn a_closed_or_full_standard_error_never_makes_a_command_panic() {
    let d = tempfile::tempdir().unwrap();
    let lib = d.path().join("lib.sqlite");
    let lib = lib.to_str().unwrap();
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/ctgov/NCT02513394.json"
    );
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["import", "ctgov", "--library", lib, fixture], 0),
        (vec!["library", "--library", lib], 0),
        (
            vec!["library", "remove", "--library", lib, "NCT00000000"],
            1,
        ),
        (vec!["validate", "/nonexistent/corpus.json"], 2),
        (vec!["search", "phase:9"], 2),
        (
            vec![
                "gen-corpus",
                "--registry",
                "--library",
                lib,
                "--trials",
                "3",
            ],
            0,
        ),
    ];
    for (args, code) in &cases {
        for full in [false, true] {
            let stderr: Stdio = if full {
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap()
                    .into()
            } else {
                let (reader, writer) = std::io::pipe().unwrap();
                drop(reader);
                writer.into()
            };
            let status = common::bin()
                .args(args)
                .stdout(Stdio::null())
                .stderr(stderr)
                .status()
                .unwrap();
            assert_eq!(status.code(), Some(*code), "{args:?}, /dev/full: {full}");
        }
    }
}
