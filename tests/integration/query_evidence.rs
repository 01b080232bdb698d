//! The evidence filters of the query language on the bundled corpus: `level:` (one level, a
//! bound or a range, as `year:` takes them), `setting:` and `line:` (the line of therapy where
//! a source states it).

use crate::common;

use evidex::corpus::{EvidenceLevel, Kind};
use evidex::search::{self, Engine};

fn engine() -> &'static Engine {
    common::bundled()
}

fn ids(q: &str) -> Vec<String> {
    let e = engine();
    let r = search::run(e, q, 1000).unwrap_or_else(|err| panic!("{q:?}: {err}"));
    r.hits
        .iter()
        .map(|h| e.corpus().id_of(h.record).to_string())
        .collect()
}

/// The ids of the bundled trials whose level `keep` accepts, sorted.
fn trials_with_level(keep: impl Fn(u8) -> bool) -> Vec<String> {
    let c = engine().corpus();
    let mut v: Vec<String> = c
        .trials
        .iter()
        .filter(|t| {
            let l = t.evidence_level();
            l != EvidenceLevel::UNRATED && keep(l.0)
        })
        .map(|t| t.id.clone())
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn level_filters_one_level_a_bound_and_a_range() {
    let one = sorted(ids("level:1"));
    assert!(one.contains(&"emerald-1".to_string()), "{one:?}");
    assert!(
        !one.contains(&"talentace".to_string()),
        "unrated is no level: {one:?}"
    );
    assert_eq!(one, trials_with_level(|l| l == 1));
    assert_eq!(sorted(ids("level:<=2")), trials_with_level(|l| l <= 2));
    assert_eq!(sorted(ids("level:1..2")), trials_with_level(|l| l <= 2));
    assert_eq!(
        sorted(ids("level:4..5")),
        trials_with_level(|l| (4..=5).contains(&l))
    );
    let not_one = ids("-level:1");
    assert!(!not_one.contains(&"emerald-1".to_string()));
    // Every study of level 3 or weaker, and nothing else that is a trial.
    let weak = sorted(ids("level:>=3"));
    assert_eq!(weak, trials_with_level(|l| l >= 3));
    assert!(
        weak.iter()
            .all(|id| engine().corpus().resolve(id).unwrap().kind == Kind::Trial)
    );
}

#[test]
fn setting_matches_the_setting_words() {
    let r = ids("setting:bclc");
    assert!(r.contains(&"talentace".to_string()), "{r:?}");
    assert!(!r.contains(&"leap-012".to_string()), "{r:?}");
    let r = ids("setting:recurrent kind:trial");
    assert!(
        r.contains(&"fan-2024-tace-sorafenib-recurrent".to_string()),
        "{r:?}"
    );
}

#[test]
fn line_matches_only_where_a_source_states_it() {
    let relapsed = sorted(ids("line:relapsed"));
    assert_eq!(
        relapsed,
        vec![
            "apatinib-temozolomide-recurrent-gbm",
            "b-all-car-t-case-xiaolin",
            "fan-2024-tace-sorafenib-recurrent",
            "oncolytic-virus-recurrent-gbm-trial",
        ]
    );
    assert_eq!(
        ids("line:adjuvant"),
        vec!["opg-chemotherapy-vs-radiotherapy"]
    );
    // CHANCE 2203's setting says "first line", but no quote of its source does: no line.
    assert!(ids("line:first").is_empty());
    // Each stated line carries the sentence that states it.
    let c = engine().corpus();
    for t in c.trials.iter().filter(|t| t.line.is_some()) {
        let l = t.line.as_ref().unwrap();
        assert!(!l.citation.quote.trim().is_empty(), "{}", t.id);
    }
}
