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
        let engine = search::engine(Arc::new(corpus));
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
        fzf_reference(n, &engine);
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
