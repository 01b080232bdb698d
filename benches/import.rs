//! Import speed: ClinicalTrials.gov API v2 records mapped and merged per second.
//!
//! The five real records in tests/fixtures/ctgov/ range from 33 KB (no results) to 1.5 MB
//! (PALLAS: 437 locations listed twice, 2,000 adverse-event terms). Throughput is reported in
//! study records per second, for the five together and for each alone; a record with long
//! lists (100,000 conditions, 200,000 other names) shows that time grows with their length
//! and no faster. Results are in docs/PERFORMANCE.md ("Import").

// The binary allocates with mimalloc (src/main.rs); measure with the same allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use evidex::corpus::CorpusFile;
use evidex::import::Importer;

fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ctgov");
    let mut v: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/ctgov exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("fixture is UTF-8");
            (p.file_name().unwrap().to_string_lossy().into_owned(), text)
        })
        .collect();
    v.sort();
    v
}

fn import(files: &[(String, String)]) -> CorpusFile {
    let mut imp = Importer::new(CorpusFile::default());
    imp.add_texts(files);
    let (file, report) = imp.finish();
    assert_eq!(report.skipped(), 0);
    file
}

/// A `{"studies": [...]}` page of `n` copies of the results-less NCT06388018 record, each
/// under its own NCT id: the shape of an API search page of studies without posted results
/// (most registry records), 1,000 to the page as the API's largest `pageSize` gives.
fn page(files: &[(String, String)], n: usize) -> (String, String) {
    let text = &files
        .iter()
        .find(|(name, _)| name == "NCT06388018.json")
        .expect("NCT06388018.json")
        .1;
    let page: serde_json::Value = serde_json::from_str(text).expect("fixture is JSON");
    let study = &page["studies"][0];
    let studies: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut s = study.clone();
            s["protocolSection"]["identificationModule"]["nctId"] =
                serde_json::Value::String(format!("NCT9{i:07}"));
            s
        })
        .collect();
    (
        format!("page-{n}.json"),
        serde_json::json!({ "studies": studies }).to_string(),
    )
}

/// ALCHEMIST (NCT04267848) with 100,000 conditions (and 50,000 of them again in upper case)
/// and 200,000 other names for Carboplatin (and 100,000 again in upper case): 9.5 MB.
fn long_lists(files: &[(String, String)]) -> (String, String) {
    let text = &files
        .iter()
        .find(|(name, _)| name == "NCT04267848.json")
        .expect("NCT04267848.json")
        .1;
    let mut r: serde_json::Value = serde_json::from_str(text).expect("fixture is JSON");
    let mut conditions: Vec<String> = (0..100_000).map(|i| format!("Condition {i}")).collect();
    conditions.extend((0..100_000).step_by(2).map(|i| format!("CONDITION {i}")));
    r["protocolSection"]["conditionsModule"]["conditions"] = serde_json::json!(conditions);
    let mut names: Vec<String> = (0..200_000).map(|i| format!("Other name {i}")).collect();
    names.extend((0..200_000).step_by(2).map(|i| format!("OTHER NAME {i}")));
    r["protocolSection"]["armsInterventionsModule"]["interventions"][1]["otherNames"] =
        serde_json::json!(names);
    ("long-lists.json".into(), r.to_string())
}

fn bench(c: &mut Criterion) {
    let files = fixtures();
    let mut g = c.benchmark_group("import");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("ctgov-5-fixtures", |b| b.iter(|| import(black_box(&files))));
    for f in &files {
        g.throughput(Throughput::Elements(1));
        g.bench_function(format!("ctgov-{}", f.0), |b| {
            b.iter(|| import(black_box(std::slice::from_ref(f))))
        });
    }
    let page = [page(&files, 1000)];
    g.throughput(Throughput::Elements(1000));
    g.bench_function("ctgov-page-1000-without-results", |b| {
        b.iter(|| import(black_box(&page)))
    });
    let long = [long_lists(&files)];
    g.throughput(Throughput::Elements(1));
    g.sample_size(10);
    g.bench_function("ctgov-100k-conditions-200k-other-names", |b| {
        b.iter(|| import(black_box(&long)))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
