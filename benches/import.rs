//! Import speed: ClinicalTrials.gov API v2 records mapped and merged per second.
//!
//! The five real records in tests/fixtures/ctgov/ range from 33 KB (no results) to 1.5 MB
//! (PALLAS: 437 locations listed twice, 2,000 adverse-event terms). Throughput is reported in
//! study records per second, for the five together and for each alone; a record with long
//! lists (100,000 conditions, 200,000 other names) shows that time grows with their length
//! and no faster. Results are in docs/PERFORMANCE.md ("Import").
//!
//! The "parse" group compares the two ways of reading records, on registry-shaped pages (see
//! [`shaped`]): the structural scanner with serde per module (`ctgov::split` and
//! `ctgov::parse_study`, what the import uses) and `serde_json` alone (`ctgov::whole`: the page
//! split with `RawValue`, each study parsed whole). Both parse every section the model holds,
//! adverse events and baseline included, into the same values (checked before measuring).

// The binary allocates with mimalloc (src/main.rs); measure with the same allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use evidex::corpus::CorpusFile;
use evidex::import::Importer;
use evidex::import::ctgov;
use serde_json::Value;

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

/// The lists a record is shortened by: sites, adverse-event terms, outcome and baseline
/// measures, references and planned outcomes.
const LISTS: [&[&str]; 9] = [
    &["protocolSection", "contactsLocationsModule", "locations"],
    &["resultsSection", "adverseEventsModule", "otherEvents"],
    &["resultsSection", "adverseEventsModule", "seriousEvents"],
    &["resultsSection", "outcomeMeasuresModule", "outcomeMeasures"],
    &[
        "resultsSection",
        "baselineCharacteristicsModule",
        "measures",
    ],
    &["protocolSection", "referencesModule", "references"],
    &["protocolSection", "outcomesModule", "secondaryOutcomes"],
    &["protocolSection", "outcomesModule", "otherOutcomes"],
    &["protocolSection", "outcomesModule", "primaryOutcomes"],
];

fn list<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Vec<Value>> {
    path.iter()
        .try_fold(v, |v, k| v.get_mut(*k))?
        .as_array_mut()
}

/// A real record with results shortened to at most `target` bytes of compact JSON, as the API
/// sends it: the longest of [`LISTS`] (by its JSON length) is halved until the record fits,
/// every list keeping at least one entry, so the record keeps every section the model holds
/// (protocol, participant flow, outcome measures with analyses, adverse events with serious
/// and other terms, baseline). PALLAS's duplicate `locations_nested` list is dropped.
fn shrink(record: &Value, target: usize) -> Value {
    let mut r = record.clone();
    if let Some(cl) = r["protocolSection"]["contactsLocationsModule"].as_object_mut() {
        cl.remove("locations_nested");
    }
    while r.to_string().len() > target {
        let longest = LISTS
            .iter()
            .filter_map(|p| {
                let l = list(&mut r, p)?;
                (l.len() > 1).then(|| (Value::Array(l.clone()).to_string().len(), *p))
            })
            .max_by_key(|(len, _)| *len);
        let Some((_, p)) = longest else { break };
        let l = list(&mut r, p).expect("list");
        l.truncate(l.len() / 2);
    }
    r
}

/// A `{"studies": [...]}` page of `n` records shortened to at most `target` bytes, taken in
/// turn from the three fixtures with results (dupilumab, PALLAS, C-AXSPAND), each under its own
/// NCT id; and the records' mean size.
fn shaped(files: &[(String, String)], n: usize, target: usize) -> (String, usize) {
    let records: Vec<Value> = ["NCT02210780.json", "NCT02513394.json", "NCT02552212.json"]
        .iter()
        .map(|name| {
            let text = &files.iter().find(|(f, _)| f == name).expect(name).1;
            shrink(&serde_json::from_str(text).expect("JSON"), target)
        })
        .collect();
    let studies: Vec<Value> = (0..n)
        .map(|i| {
            let mut s = records[i % records.len()].clone();
            s["protocolSection"]["identificationModule"]["nctId"] =
                Value::String(format!("NCT8{i:07}"));
            s
        })
        .collect();
    let mean = studies.iter().map(|s| s.to_string().len()).sum::<usize>() / n;
    (serde_json::json!({ "studies": studies }).to_string(), mean)
}

/// Every study of a page through the scanner and serde per module.
fn parse_scanned(text: &str) -> Vec<ctgov::api::Study> {
    let split = ctgov::split(text).expect("a page");
    split
        .studies
        .iter()
        .map(|raw| ctgov::parse_study(&split.doc, raw).expect("a study"))
        .collect()
}

/// Every study of a page through `serde_json` alone.
fn parse_whole(text: &str) -> Vec<ctgov::api::Study> {
    ctgov::whole::parse_all(text)
        .expect("a page")
        .into_iter()
        .map(|s| s.expect("a study"))
        .collect()
}

fn bench_parse(c: &mut Criterion, files: &[(String, String)]) {
    let mut g = c.benchmark_group("parse");
    for target in [8 * 1024, 16 * 1024, 32 * 1024] {
        let (page, mean) = shaped(files, 100, target);
        let a = parse_scanned(&page);
        let b = parse_whole(&page);
        assert_eq!(
            format!("{a:?}"),
            format!("{b:?}"),
            "both read the same values"
        );
        let ae: usize = a
            .iter()
            .filter_map(|s| s.results_section.as_ref()?.adverse_events_module.as_ref())
            .map(|m| m.serious_events.len() + m.other_events.len())
            .sum();
        assert!(ae >= 100, "every record keeps adverse-event terms");
        eprintln!(
            "page of 100 records, at most {} KB each: mean {mean} bytes, {} bytes in all",
            target / 1024,
            page.len()
        );
        g.throughput(Throughput::Bytes(page.len() as u64));
        let kb = target / 1024;
        g.bench_function(format!("scan-serde-modules-100x{kb}kb"), |bch| {
            bch.iter(|| parse_scanned(black_box(&page)))
        });
        g.bench_function(format!("serde-json-whole-100x{kb}kb"), |bch| {
            bch.iter(|| parse_whole(black_box(&page)))
        });
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    bench_parse(c, &fixtures());
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
