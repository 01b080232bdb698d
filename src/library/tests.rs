//! Unit tests of the library on the recorded ClinicalTrials.gov fixtures, in temporary files.

use super::*;

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
