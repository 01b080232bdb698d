//! A driver for profiling one keystroke's search under valgrind's callgrind, where criterion's
//! timing loop would cost too much: builds a synthetic corpus of N trials, then runs each query
//! R times (with the highlights of the 40 rows a tall terminal shows, as the benchmark does).
//!
//! Prints each query's median wall-clock time to standard error (a quick check; the
//! benchmark, `cargo bench --bench search`, is the measurement).
//!
//! `cargo build --release --example search_profile`, then
//! `valgrind --tool=callgrind target/release/examples/search_profile 20000 0 QUERY…` and the
//! same with R = 10: the difference of the two totals, divided by 10, is one keystroke's
//! instructions (see docs/PERFORMANCE.md).

use std::sync::Arc;

use evidex::corpus::{Corpus, Lang};
use evidex::search;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.first().and_then(|s| s.parse().ok()).unwrap_or(20_000);
    let reps: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let queries: Vec<&str> = args.iter().skip(2).map(String::as_str).collect();
    let bytes = serde_json::to_vec(&evidex::synthetic::corpus(n, 42)).expect("serialise");
    let corpus = Corpus::from_bytes(std::path::Path::new("bench.json"), bytes).expect("valid");
    let engine = search::engine(Arc::new(corpus));
    let postings = engine.index.postings_bytes();
    eprintln!(
        "{} records, {} keys; posting lists: {:.1} MB, {:.0} bytes per record",
        engine.index.len(),
        engine.index.key_count(),
        postings as f64 / 1e6,
        postings as f64 / engine.index.len().max(1) as f64
    );
    let mut total = 0;
    for q in &queries {
        let mut times = Vec::with_capacity(reps);
        for _ in 0..reps {
            let started = std::time::Instant::now();
            let parsed = search::parse(q).expect("the query parses");
            let r = engine.search(&parsed, None, 1000);
            for h in r.hits.iter().take(40) {
                let name = engine.corpus().name_of(h.record, Lang::En);
                total += search::highlight(name, &parsed.terms).len();
            }
            total += r.total;
            times.push(started.elapsed());
        }
        times.sort();
        if let Some(median) = times.get(times.len() / 2) {
            eprintln!("{q}: median {:.2} ms of {reps}", median.as_secs_f64() * 1e3);
        }
    }
    println!("{total}");
}
