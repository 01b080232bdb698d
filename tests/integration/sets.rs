//! Named sets through the binary: save, list, show, compare, export, delete; a set keeps ids
//! that are no longer found and says so; an existing set is never replaced.

use crate::common;

use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn run(data: &std::path::Path, args: &[&str]) -> Output {
    common::bin()
        .env("EVIDEX_DATA_DIR", data)
        .env("COLUMNS", "120")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn a_set_is_saved_listed_shown_compared_exported_and_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let o = run(d, &["set", "list"]);
    assert!(o.status.success() && stdout(&o).contains("no sets yet"));
    let o = run(
        d,
        &[
            "set",
            "save",
            "Board 3 Dec",
            "emerald-1",
            "LEAP-012",
            "talentace",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let file = std::fs::read_to_string(d.join("sets/board-3-dec.toml")).unwrap();
    assert!(
        file.contains("records = [\"emerald-1\", \"leap-012\", \"talentace\"]"),
        "{file}"
    );
    assert!(stdout(&run(d, &["set", "list"])).contains("Board 3 Dec  (3 records"));
    // Saving again under the name keeps the first.
    let o = run(d, &["set", "save", "board 3 dec", "emerald-1", "leap-012"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exists already"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(d.join("sets/board-3-dec.toml")).unwrap(),
        file
    );
    // A record that left the corpus stays in the set and is reported.
    std::fs::write(
        d.join("sets/board-3-dec.toml"),
        file.replace("\"talentace\"", "\"talentace\", \"NCT99999999\""),
    )
    .unwrap();
    let o = run(d, &["set", "show", "Board 3 Dec"]);
    assert!(
        stdout(&o).contains("NCT99999999  not in this corpus"),
        "{}",
        stdout(&o)
    );
    let o = run(d, &["set", "compare", "Board 3 Dec", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("NCT99999999 is not in this corpus"));
    let rows = csv::Reader::from_reader(o.stdout.as_slice())
        .records()
        .count();
    assert!(rows > 3);
    let out = d.join("board.md");
    let o = run(
        d,
        &["set", "export", "Board 3 Dec", "-o", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(
        md.contains("EMERALD-1") && md.contains("Cross-trial"),
        "{md}"
    );
    let o = run(d, &["set", "delete", "Board 3 Dec"]);
    assert!(o.status.success());
    let o = run(d, &["set", "show", "Board 3 Dec"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_set_of_unknown_records_is_refused_with_candidates() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["set", "save", "x", "zzzzqqqq"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!dir.path().join("sets/x.toml").exists());
}
