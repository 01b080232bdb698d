//! Replays the fuzzer's seeds and every input it found a fault with through the fuzz targets'
//! own checks (`fuzz/src/lib.rs`), so CI guards them without the fuzzer. A finding is kept as
//! a file under `tests/fixtures/fuzz/TARGET/`; see README.md, Development.

#[path = "../../fuzz/src/lib.rs"]
mod targets;

use std::fs;
use std::path::{Path, PathBuf};

fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    v.sort();
    v
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `check` on every file, naming the file that fails.
fn replay(paths: &[PathBuf], check: fn(&[u8])) -> usize {
    for p in paths {
        let bytes = fs::read(p).unwrap();
        if std::panic::catch_unwind(|| check(&bytes)).is_err() {
            panic!("fuzz input {} fails its target", p.display());
        }
    }
    paths.len()
}

fn findings(target: &str) -> Vec<PathBuf> {
    files(&root().join("tests/fixtures/fuzz").join(target))
}

#[test]
fn corpus_seeds_and_findings() {
    let mut paths = vec![
        root().join("tests/fixtures/mini.json"),
        root().join("data/corpus.json"),
    ];
    paths.extend(findings("corpus"));
    assert!(replay(&paths, targets::corpus) >= 2);
}

#[test]
fn query_seeds_and_findings() {
    let mut paths = files(&root().join("fuzz/seeds/query"));
    assert!(!paths.is_empty(), "the query seeds are missing");
    paths.extend(findings("query"));
    replay(&paths, targets::query);
}

#[test]
fn ctgov_seeds_and_findings() {
    let mut paths: Vec<PathBuf> = files(&root().join("tests/fixtures/ctgov"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert!(!paths.is_empty(), "the registry fixtures are missing");
    paths.extend(findings("ctgov"));
    replay(&paths, targets::ctgov);
}
