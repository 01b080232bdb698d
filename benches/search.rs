//! Search benchmarks on synthetic corpora of 10k, 100k and 500k trials (`EVIDEX_BENCH_SIZES`
//! overrides, e.g. `EVIDEX_BENCH_SIZES=10000 cargo bench --bench search`):
//!
//! - `load/N`: parse, validate, link and index a corpus file's bytes (what the browser's
//!   background loader does);
//! - `keystroke/N/QUERY`: one keystroke's search over the whole index (filter, score, select
//!   the top 1000 the browser keeps, facets) plus highlight positions for the 40 rows a tall
//!   terminal shows;
//! - `narrowed/N/QUERY`: the same keystroke when it extends the previous query, so only the
//!   previous matches are searched (what the worker does while you type).
//! - `typing/N`: 24 realistic queries (drug and disease names, a brand, abbreviations, Chinese,
//!   pinyin, a registry id, filters, `a | b`) typed one character at a time through the
//!   browser's own searcher (`search::worker::Searcher`, which narrows only where the new
//!   query's matches are provably a subset of the last), with the 40 rows' highlights: the
//!   time of each keystroke is what a user waits for. The run prints the median, 90th
//!   percentile and slowest keystroke of the last pass and the keystrokes over 16 ms.
//!   `typing/N/warmed` types them into one searcher that has first found its one-character
//!   answers, as the browser's search thread does while nothing is asked of it (the time that
//!   takes is printed).
//! - `typing/library`: the same on a library (`EVIDEX_BENCH_LIBRARY=PATH`, e.g. one filled by
//!   `evidex gen-corpus --registry`), opened as the browser opens it (from its snapshot).
//!
//! When `fzf` is installed it is timed on the same searchable strings in the same run, as a
//! reference point, and printed. Results are recorded in docs/PERFORMANCE.md.

use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use evidex::corpus::{Corpus, Lang};
use evidex::search::worker::{Reply, Searcher};
use evidex::search::{self, Engine};

// The allocator the binary uses, so that loading is measured as users get it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const QUERIES: &[&str] = &[
    "p",
    "pe",
    "pem",
    "pemb",
    "nct0100",
    "肝癌",
    "gandong",
    "tace haic",
];

/// Queries as users type them, one character at a time.
const TYPED: &[&str] = &[
    "pembrolizumab",
    "osimertinib",
    "nivolumab",
    "keytruda",
    "sorafenib",
    "lenvatinib",
    "trastuzumab deruxtecan",
    "hepatocellular",
    "breast cancer",
    "liver cancer tace",
    "tace haic",
    "nsclc egfr",
    "overall survival",
    "pd-1",
    "her2",
    "肝癌",
    "乳腺癌",
    "奥希替尼耐药",
    "gandong",
    "ganai",
    "nct0251",
    "phase:3 hcc",
    "emerald | leap",
    "year:2020.. nsclc",
];

fn sizes() -> Vec<usize> {
    std::env::var("EVIDEX_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 100_000, 500_000])
}

fn one_keystroke(engine: &Engine, q: &str, within: Option<&[u32]>) -> usize {
    let parsed = search::parse(q).expect("benchmark queries parse");
    let r = engine.search(&parsed, within, 1000);
    let c = engine.corpus();
    let mut marks = 0;
    for h in r.hits.iter().take(40) {
        marks += search::highlight(c.name_of(h.record, Lang::En), &parsed.terms).len();
    }
    black_box(marks) + r.total
}

/// Types every query of [`TYPED`] one character at a time, drawing the highlights of the 40
/// rows shown; each keystroke's time. With `warmed` (a searcher that has found its
/// one-character answers, as the browser's does while idle), one searcher types them all, the
/// line cleared between queries; without, each query starts in a fresh searcher.
fn type_all(engine: &Arc<Engine>, warmed: Option<&Searcher>) -> Vec<(String, Duration)> {
    let mut times = Vec::new();
    let mut searcher = warmed
        .cloned()
        .unwrap_or_else(|| Searcher::new(engine.clone(), 1000));
    for q in TYPED {
        if warmed.is_some() {
            searcher.answer(0, "", &|| false);
        } else {
            searcher = Searcher::new(engine.clone(), 1000);
        }
        let mut typed = String::new();
        for ch in q.chars() {
            typed.push(ch);
            let start = Instant::now();
            if let Some(Reply::Results { results, query, .. }) =
                searcher.answer(0, &typed, &|| false)
            {
                let c = engine.corpus();
                let mut marks = 0;
                for h in results.hits.iter().take(40) {
                    marks += search::highlight(c.name_of(h.record, Lang::En), &query.terms).len();
                }
                black_box(marks);
            }
            times.push((typed.clone(), start.elapsed()));
        }
    }
    times
}

/// Median, 90th percentile and slowest of a run's keystrokes, how many took over 16 ms, and
/// the five slowest with what had been typed.
fn report_typing(what: &str, mut typed: Vec<(String, Duration)>) {
    typed.sort_by_key(|(_, d)| *d);
    let times: Vec<Duration> = typed.iter().map(|(_, d)| *d).collect();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    eprintln!(
        "typing {what}: {} keystrokes, median {:.2} ms, 90th percentile {:.2} ms, slowest {:.2} ms, {} over 16 ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.9)),
        ms(*times.last().expect("keystrokes")),
        times.iter().filter(|d| ms(**d) > 16.0).count()
    );
    let slowest: Vec<String> = typed
        .iter()
        .rev()
        .take(5)
        .map(|(q, d)| format!("{q:?} {:.1} ms", ms(*d)))
        .collect();
    eprintln!("typing {what}: slowest keystrokes: {}", slowest.join(", "));
}

fn typing(c: &mut Criterion, what: &str, engine: &Arc<Engine>) {
    let mut g = c.benchmark_group("typing");
    g.sample_size(10);
    let mut last = Vec::new();
    g.bench_function(what, |b| b.iter(|| last = type_all(engine, None)));
    if !last.is_empty() {
        report_typing(what, std::mem::take(&mut last));
    }
    let what = format!("{what}/warmed");
    // Found only when the benchmark runs (criterion calls this only when its name is
    // selected), not for every size whatever was asked.
    let mut warmed: Option<Searcher> = None;
    g.bench_function(&what, |b| {
        let warmed = warmed.get_or_insert_with(|| {
            let mut s = Searcher::new(engine.clone(), 1000);
            let started = Instant::now();
            while s.warm_next(&|| false) {}
            eprintln!(
                "typing {what}: the one-character answers found in {:.0} ms",
                started.elapsed().as_secs_f64() * 1000.0
            );
            s
        });
        b.iter(|| last = type_all(engine, Some(warmed)))
    });
    g.finish();
    if !last.is_empty() {
        report_typing(&what, last);
    }
}

/// `typing/library` on the library `EVIDEX_BENCH_LIBRARY` names, if any.
fn typing_library(c: &mut Criterion) {
    let Some(path) = std::env::var_os("EVIDEX_BENCH_LIBRARY") else {
        return;
    };
    let loaded = evidex::library::open_corpus(None, Some(Path::new(&path))).expect("opens");
    eprintln!(
        "library {}: {} studies",
        Path::new(&path).display(),
        loaded.library_studies
    );
    typing(c, "library", &Arc::new(loaded.engine));
}

/// Every record's searchable strings on one line, for fzf.
fn haystack(engine: &Engine) -> String {
    let c = engine.corpus();
    let mut out = String::new();
    for r in c.records() {
        let mut line = vec![
            c.id_of(r).to_string(),
            c.name_of(r, Lang::En).to_string(),
            c.name_of(r, Lang::Zh).to_string(),
        ];
        if r.kind == evidex::corpus::Kind::Trial {
            line.extend(c.trial(r.index).registry_ids.iter().cloned());
        }
        out.push_str(&line.join(" "));
        out.push('\n');
    }
    out
}

fn fzf_reference(n: usize, engine: &Engine) {
    if Command::new("fzf").arg("--version").output().is_err() {
        eprintln!("fzf reference: fzf is not installed (apt-get install fzf); skipped");
        return;
    }
    let dir = std::env::temp_dir().join(format!("evidex-bench-fzf-{n}"));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("haystack.txt");
    std::fs::write(&file, haystack(engine)).expect("write the fzf haystack");
    for q in ["pem", "pemb", "nct0100"] {
        let mut times = Vec::new();
        for _ in 0..5 {
            let input = std::fs::File::open(&file).expect("haystack");
            let start = Instant::now();
            let mut child = Command::new("fzf")
                .args(["--filter", q])
                .stdin(input)
                .stdout(Stdio::null())
                .spawn()
                .expect("fzf runs");
            let _ = child.wait();
            times.push(start.elapsed());
        }
        times.sort();
        eprintln!(
            "fzf reference: n={n} query={q:?} median {:.1} ms (whole process, 5 runs)",
            times[2].as_secs_f64() * 1000.0
        );
    }
    let _ = std::io::stderr().flush();
}

fn bench(c: &mut Criterion) {
    for n in sizes() {
        let bytes = serde_json::to_vec(&evidex::synthetic::corpus(n, 42)).expect("serialise");
        eprintln!(
            "corpus of {n} trials: {:.1} MB of JSON",
            bytes.len() as f64 / 1e6
        );
        let mut g = c.benchmark_group("load");
        g.sample_size(10)
            .measurement_time(Duration::from_secs(if n > 100_000 { 60 } else { 20 }));
        g.bench_function(n.to_string(), |b| {
            b.iter(|| {
                let corpus =
                    Corpus::from_bytes(Path::new("bench.json"), bytes.clone()).expect("valid");
                black_box(search::engine(Arc::new(corpus)).index.len())
            })
        });
        g.finish();

        let corpus = Corpus::from_bytes(Path::new("bench.json"), bytes).expect("valid");
        let engine = Arc::new(search::engine(Arc::new(corpus)));
        let mut g = c.benchmark_group("keystroke");
        g.sample_size(20);
        for q in QUERIES {
            g.bench_function(format!("{n}/{q}"), |b| {
                b.iter(|| one_keystroke(&engine, q, None))
            });
        }
        g.finish();

        let mut g = c.benchmark_group("narrowed");
        g.sample_size(20);
        for (prev, q) in [("pe", "pem"), ("pem", "pemb"), ("nct010", "nct0100")] {
            let before = search::run(&engine, prev, 1000).expect("parses");
            g.bench_function(format!("{n}/{q}"), |b| {
                b.iter(|| one_keystroke(&engine, q, Some(&before.matched_slots)))
            });
        }
        g.finish();
        typing(c, &n.to_string(), &engine);
        fzf_reference(n, &engine);
    }
}

criterion_group!(benches, bench, typing_library);
criterion_main!(benches);
