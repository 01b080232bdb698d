//! The registry library: how fast studies are written into it and how fast the browser's
//! corpus (the bundled corpus with the library) is opened from it.
//!
//! - **write/1000**: a page of 1,000 synthetic registry-shaped studies
//!   (`evidex::synthetic_registry`, the generator of `evidex gen-corpus --registry`) written
//!   into a new library in one transaction, as a fetch writes a page: every study parsed,
//!   mapped, checked and stored with its columns, draft, record and registry text. The texts
//!   are generated before the measurement (the network's part is excluded). The library is
//!   closed outside the measurement: see the next for what that leaves out.
//! - **write/stream/N**: N such studies (default 20,000; `EVIDEX_BENCH_WRITE_STUDIES`) written
//!   as pages of 1,000 into a new library, which is then closed, all inside the measurement:
//!   the rate a fetch or an import sustains, with every checkpoint (the write-ahead log copied
//!   into the file, on its own thread while the next page is written) and the last one at
//!   closing included.
//! - **open/snapshot/N**: `library::open_corpus` on a library of N such studies, what the
//!   browser's loader and every CLI command do before searching, when the library is
//!   unchanged since the last open: the corpus and its search index read from the snapshot.
//! - **open/rebuild/N**: the same with the snapshot removed first, as after a fetch: every
//!   study read and merged, the corpus validated and indexed, the snapshot written and read
//!   back.
//!
//! `EVIDEX_BENCH_LIBRARY_SIZES=5000` sets the sizes of `open` (default 2,000). Results are in
//! docs/PERFORMANCE.md ("The library").

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use evidex::library::{Library, open_corpus};
use evidex::synthetic_registry::study;

const PAGE: usize = 1_000;

fn texts(from: usize, n: usize) -> Vec<String> {
    use rayon::prelude::*;
    (from..from + n)
        .into_par_iter()
        .map(|i| study(i, 42))
        .collect()
}

fn write(c: &mut Criterion) {
    let page = texts(0, PAGE);
    let refs: Vec<&str> = page.iter().map(String::as_str).collect();
    let mut g = c.benchmark_group("write");
    g.sample_size(10);
    g.throughput(Throughput::Elements(PAGE as u64));
    g.bench_function(format!("{PAGE}"), |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("temp dir");
                let lib = Library::open(&dir.path().join("library.sqlite")).expect("creates");
                (dir, lib)
            },
            |(dir, mut lib)| {
                let r = lib.write_page("bench", &refs, None).expect("writes");
                assert_eq!(r.added.len(), PAGE);
                (dir, lib)
            },
            criterion::BatchSize::PerIteration,
        )
    });
    let n: usize = std::env::var("EVIDEX_BENCH_WRITE_STUDIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let all = texts(0, n);
    let pages: Vec<Vec<&str>> = all
        .chunks(PAGE)
        .map(|p| p.iter().map(String::as_str).collect())
        .collect();
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function(format!("stream/{n}"), |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("temp dir"),
            |dir| {
                let mut lib = Library::open(&dir.path().join("library.sqlite")).expect("creates");
                for (i, page) in pages.iter().enumerate() {
                    let token = (i + 1 < pages.len()).then(|| format!("page-{i}"));
                    let r = lib
                        .write_page("bench", page, token.as_deref())
                        .expect("writes");
                    assert_eq!(r.added.len(), page.len());
                }
                lib.finish_sync("bench").expect("finishes");
                drop(lib);
                dir
            },
            criterion::BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn open(c: &mut Criterion) {
    let sizes: Vec<usize> = std::env::var("EVIDEX_BENCH_LIBRARY_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![2_000]);
    let mut g = c.benchmark_group("open");
    g.sample_size(10);
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("library.sqlite");
        let mut lib = Library::open(&path).expect("creates");
        let mut done = 0;
        while done < n {
            let k = PAGE.min(n - done);
            let page = texts(done, k);
            let refs: Vec<&str> = page.iter().map(String::as_str).collect();
            lib.write_page("bench", &refs, None).expect("writes");
            done += k;
        }
        drop(lib);
        g.throughput(Throughput::Elements(n as u64));
        let snapshot = evidex::library::snapshot::path_for(&path);
        g.bench_function(format!("snapshot/{n}"), |b| {
            b.iter(|| {
                let l = open_corpus(None, Some(&path)).expect("opens");
                assert_eq!(l.library_studies, n);
                black_box(l)
            })
        });
        g.bench_function(format!("rebuild/{n}"), |b| {
            b.iter_batched(
                || {
                    let _ = std::fs::remove_file(&snapshot);
                },
                |()| {
                    let l = open_corpus(None, Some(&path)).expect("opens");
                    assert_eq!(l.snapshot, evidex::library::load::SnapshotUse::Written);
                    black_box(l)
                },
                criterion::BatchSize::PerIteration,
            )
        });
    }
    g.finish();
}

criterion_group!(benches, write, open);
criterion_main!(benches);
