//! The fuzz targets' checks, one function per target, each taking the fuzzer's bytes.
//!
//! A target fails by panicking: evidex must never panic on any input, and each function also
//! asserts what evidex promises about its output. The same file is compiled into
//! `tests/integration/fuzz_regressions.rs`, which replays every kept input in CI without the fuzzer.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use evidex::corpus::validate::{self, Severity};
use evidex::corpus::{Corpus, CorpusFile, load};
use evidex::import::Importer;
use evidex::search::{self, Engine};

/// The corpus loader: bytes to a validated, linked corpus, or an error with a message. A corpus
/// that loads is indexed and searched, and survives being written and read again.
pub fn corpus(data: &[u8]) {
    let path = Path::new("fuzz.json");
    let c = match Corpus::from_bytes(path, data.to_vec()) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    for w in &c.warnings {
        let _ = w.display_in(path).to_string();
    }
    let json = serde_json::to_string_pretty(&c.to_file()).expect("a loaded corpus serialises");
    if let Err(e) = Corpus::from_bytes(path, json.into_bytes()) {
        panic!("a corpus that loaded does not load again once written: {e}");
    }
    let n = c.len();
    let e = search::engine(Arc::new(c));
    for q in ["a", "kind:trial", "sort:year"] {
        let r = search::run(&e, q, 10).expect("a fixed query parses");
        assert!(r.hits.len() <= 10 && r.total <= n);
    }
}

/// The bundled corpus, indexed once per process.
fn bundled() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| search::engine(Arc::new(Corpus::bundled().expect("bundled corpus loads"))))
}

/// The query parser, and the query run on the bundled corpus: the first hits of a small limit
/// are the first hits of a larger one.
pub fn query(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let q = match search::parse(text) {
        Ok(q) => q,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let e = bundled();
    let small = e.search(&q, None, 3);
    let large = e.search(&q, None, 40);
    assert_eq!(small.total, large.total, "the total depends on the limit");
    let head: Vec<_> = large.hits.iter().take(3).map(|h| h.record).collect();
    let got: Vec<_> = small.hits.iter().map(|h| h.record).collect();
    assert_eq!(
        got, head,
        "limit 3 is not the start of limit 40 for {text:?}"
    );
}

/// The registry importer on one file's bytes (ClinicalTrials.gov API v2 JSON): every study is
/// imported or reported, and a corpus with anything imported validates and loads.
pub fn ctgov(data: &[u8]) {
    let text = match load::decode(Path::new("fuzz.json"), data.to_vec()) {
        Ok(t) => t,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    let mut imp = Importer::new(CorpusFile::default());
    imp.add_text("fuzz.json", &text);
    let (file, report) = imp.finish();
    for e in &report.events {
        let _ = e.to_string();
    }
    let _ = report.summary();
    if report.imported() + report.updated() == 0 {
        return;
    }
    let errors: Vec<String> = validate::validate(&file, None)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect();
    assert!(
        errors.is_empty(),
        "an imported corpus does not validate: {errors:?}"
    );
    let json = serde_json::to_string_pretty(&file).expect("an imported corpus serialises");
    if let Err(e) = Corpus::from_bytes(Path::new("imported.json"), json.into_bytes()) {
        panic!("an imported corpus does not load: {e}");
    }
}
