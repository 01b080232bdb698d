//! `|` alternatives and `sort:` orders on the bundled and a synthetic corpus: what they match,
//! the order they give, and one total order behind every `--limit`.

use crate::common;

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use evidex::corpus::{Corpus, Kind, RecordRef};
use evidex::search::order::sort_value;
use evidex::search::{self, Engine, SortKey};
use proptest::prelude::*;

fn engine() -> &'static Engine {
    common::bundled()
}

/// A synthetic corpus: thousands of records with tied scores and tied years.
fn synthetic() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let file = evidex::synthetic::corpus(6000, 7);
        let c = Corpus::build(std::path::Path::new("syn"), file, None).unwrap();
        search::engine(Arc::new(c))
    })
}

fn records(e: &Engine, q: &str, limit: usize) -> Vec<RecordRef> {
    search::run(e, q, limit)
        .unwrap_or_else(|err| panic!("{q:?}: {err}"))
        .hits
        .iter()
        .map(|h| h.record)
        .collect()
}

fn ids(q: &str, limit: usize) -> Vec<String> {
    let e = engine();
    records(e, q, limit)
        .into_iter()
        .map(|r| e.corpus().id_of(r).to_string())
        .collect()
}

fn set(q: &str) -> BTreeSet<String> {
    ids(q, usize::MAX).into_iter().collect()
}

#[test]
fn a_bar_means_either_and_binds_tighter_than_the_space() {
    let either = set("tace emerald | leap");
    let union: BTreeSet<String> = set("tace emerald")
        .union(&set("tace leap"))
        .cloned()
        .collect();
    assert_eq!(either, union);
    assert!(either.contains("emerald-1") && either.contains("leap-012"));
    // Not (tace and emerald) or leap: every match matches tace.
    assert!(either.is_subset(&set("tace")));
    let r = search::run(engine(), "tace emerald | leap", 1000).unwrap();
    assert_eq!(r.total, either.len());
    assert_eq!(r.matched_slots.len(), either.len());
}

#[test]
fn a_tumour_board_set_is_one_search() {
    let top = ids("emerald | leap | talentace", 3);
    let want: BTreeSet<&str> = ["emerald-1", "leap-012", "talentace"].into();
    assert_eq!(
        top.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        want,
        "{top:?}"
    );
    // Spacing does not matter; the full-width bar of a Chinese keyboard is a bar too.
    assert_eq!(ids("emerald|leap|talentace", 3), top);
    assert_eq!(ids("emerald ｜ leap ｜ talentace", 3), top);
}

#[test]
fn facets_count_every_alternative_once() {
    let r = search::run(engine(), "emerald | emerald-1 | leap", 100).unwrap();
    let hcc = r
        .facets
        .diseases
        .iter()
        .find(|(d, _)| d == "hcc")
        .map(|x| x.1);
    let n_hcc = r
        .hits
        .iter()
        .filter(|h| {
            h.record.kind == Kind::Trial
                && engine()
                    .corpus()
                    .trial(h.record.index)
                    .diseases
                    .iter()
                    .any(|d| d == "hcc")
        })
        .count();
    assert_eq!(hcc, Some(n_hcc));
    let slots: BTreeSet<u32> = r.hits.iter().map(|h| h.slot).collect();
    assert_eq!(slots.len(), r.hits.len(), "a record is listed once");
}

/// The sort values of a result list, checked to be in order with the missing ones last.
fn assert_sorted(e: &Engine, q: &str, key: SortKey, reversed: bool) {
    let rs = records(e, q, usize::MAX);
    let vals: Vec<Option<f64>> = rs.iter().map(|&r| sort_value(e.corpus(), r, key)).collect();
    let first_none = vals.iter().position(Option::is_none).unwrap_or(vals.len());
    assert!(
        vals[first_none..].iter().all(Option::is_none),
        "{q}: missing values last"
    );
    for w in vals[..first_none].windows(2) {
        let (a, b) = (w[0].unwrap(), w[1].unwrap());
        assert!(if reversed { a >= b } else { a <= b }, "{q}: {a} then {b}");
    }
    assert!(first_none > 0, "{q}: some record has a value");
}

#[test]
fn every_sort_orders_by_its_key_and_reverses() {
    for (name, key) in [
        ("year", SortKey::Year),
        ("level", SortKey::Level),
        ("n", SortKey::N),
        ("effect", SortKey::Effect),
    ] {
        for e in [engine(), synthetic()] {
            assert_sorted(e, &format!("sort:{name}"), key, false);
            assert_sorted(e, &format!("kind:trial sort:-{name}"), key, true);
        }
    }
    // Newest first, strongest first, largest first, most favourable (lowest HR) first.
    let c = engine().corpus();
    let trial = |id: &str| c.trials.iter().find(|t| t.id == id).unwrap();
    let y = ids("tace sort:year", 2);
    assert!(y.iter().all(|id| trial(id).year == Some(2025)), "{y:?}");
    assert_eq!(
        ids("kind:trial sort:effect", 1),
        ["fan-2024-tace-sorafenib-recurrent"]
    );
    assert_eq!(ids("hcc sort:level", 1).len(), 1);
    assert!(
        ids("kind:trial sort:level", 5)
            .iter()
            .all(|id| trial(id).evidence_level().0 == 1)
    );
}

#[test]
fn sorting_keeps_the_matches_and_the_relevance_order_among_ties() {
    for q in ["tace", "haic", "kind:trial", "emerald | leap"] {
        for s in ["year", "-year", "level", "n", "effect", "-relevance"] {
            let sorted = format!("{q} sort:{s}");
            assert_eq!(set(q), set(&sorted), "{sorted}");
        }
    }
    // `sort:-relevance` is the relevance list backwards.
    let mut fwd = ids("tace", usize::MAX);
    fwd.reverse();
    assert_eq!(ids("tace sort:-relevance", usize::MAX), fwd);
}

#[test]
fn typing_on_within_alternatives_narrows_and_agrees_with_a_full_search() {
    let e = engine();
    for text in [
        "emerald | leap | talentace",
        "tace emerald | leap",
        "haic | tace sort:year",
    ] {
        let chars: Vec<char> = text.chars().collect();
        for n in 1..chars.len() {
            let prev: String = chars[..n].iter().collect();
            let next: String = chars[..=n].iter().collect();
            let (Ok(p), Ok(q)) = (search::parse(&prev), search::parse(&next)) else {
                continue;
            };
            if !q.narrows(&p) {
                continue;
            }
            common::assert_narrowing_agrees(e, (&prev, &p), (&next, &q));
        }
    }
    // Adding an alternative widens: never narrowed.
    let p = search::parse("emerald").unwrap();
    let q = search::parse("emerald | leap").unwrap();
    assert!(!q.narrows(&p));
    let p = search::parse("emerald | lea").unwrap();
    assert!(search::parse("emerald | leap").unwrap().narrows(&p));
    assert!(!search::parse("emerald | leap | t").unwrap().narrows(&p));
}

const WORDS: &[&str] = &[
    "tace",
    "haic",
    "car",
    "t",
    "pd",
    "lung",
    "hcc",
    "therapy",
    "emerald",
    "leap",
    "肝癌",
    "a",
    "kind:trial",
    "year:>=2020",
    "phase:3",
    "ca",
];
const SORTS: &[&str] = &[
    "",
    " sort:year",
    " sort:-year",
    " sort:level",
    " sort:n",
    " sort:-n",
    " sort:effect",
    " sort:-relevance",
];

fn query() -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(0..WORDS.len(), 0..3),
        any::<bool>(),
        0..SORTS.len(),
    )
        .prop_map(|(ws, bar, s)| {
            let words: Vec<&str> = ws.iter().map(|&i| WORDS[i]).collect();
            let mut q = words.join(
                if bar && words.len() > 1 && !words.iter().any(|w| w.contains(':')) {
                    " | "
                } else {
                    " "
                },
            );
            q.push_str(SORTS[s]);
            q
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// One total order behind every limit: the first N results of any limit are the first N of
    /// a larger one, on the bundled corpus and on a synthetic one full of ties.
    #[test]
    fn the_first_results_do_not_depend_on_the_limit(
        q in query(),
        small in 1usize..40,
        extra in 0usize..300,
    ) {
        for e in [engine(), synthetic()] {
            let a = records(e, &q, small);
            let b = records(e, &q, small + extra);
            prop_assert_eq!(&a[..], &b[..a.len()], "{:?} limit {} vs {}", q, small, small + extra);
        }
    }
}

#[test]
fn the_command_line_reads_bars_and_sorts_as_the_browser_does() {
    let o = common::evidex(&["search", "emerald | leap | talentace", "--limit", "3"]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    for name in ["EMERALD-1", "LEAP-012", "TALENTACE"] {
        assert!(out.contains(name), "{name}: {out}");
    }
    let o = common::evidex(&["search", "tace sort:-year", "--limit", "2"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("sorted by year, oldest first"), "{out}");
    assert!(out.lines().next().unwrap().contains("2016"), "{out}");
    let o = common::evidex(&["search", "tace sort:year", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sort"], "sort:year");
    let o = common::evidex(&["search", "tace sort:soon"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("sort:soon is not an order"));
}

/// A search asked to stop gives up between blocks of records, on every core, instead of
/// finishing a stale query; one never asked answers exactly as `search` does.
#[test]
fn a_search_stops_when_asked_between_blocks() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let engine = synthetic();
    let q = evidex::search::parse("pem").unwrap();
    let asked = AtomicUsize::new(0);
    let stop_at_third = || asked.fetch_add(1, Ordering::Relaxed) >= 2;
    assert!(engine.search_until(&q, None, 50, &stop_at_third).is_none());
    let blocks = 6_000usize.div_ceil(evidex::search::engine::STOP_EVERY);
    assert!(
        asked.load(Ordering::Relaxed) < blocks + 4,
        "it stopped early: asked {} times",
        asked.load(Ordering::Relaxed)
    );
    let never = engine.search_until(&q, None, 50, &|| false).unwrap();
    let plain = engine.search(&q, None, 50);
    let ids = |r: &evidex::search::Results| r.hits.iter().map(|h| h.record).collect::<Vec<_>>();
    assert_eq!(ids(&never), ids(&plain));
    assert_eq!(never.total, plain.total);
    // `|` alternatives and a sort go through the ordered path, which stops as well.
    for text in ["pem | nivo", "pem sort:year"] {
        let q = evidex::search::parse(text).unwrap();
        assert!(
            engine.search_until(&q, None, 50, &|| true).is_none(),
            "{text}"
        );
    }
}
