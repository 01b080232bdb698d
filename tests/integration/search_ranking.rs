//! Ranking pinned on the bundled corpus: the queries clinicians type, and the record each must
//! put first (or the order a set must come in).

use std::sync::Arc;

use crate::common;

use evidex::corpus::Corpus;
use evidex::search::{self, Engine, KeyField};

fn engine() -> &'static Engine {
    common::bundled()
}

fn ids(q: &str, n: usize) -> Vec<String> {
    common::top_ids(q, n)
}

fn first(q: &str) -> String {
    ids(q, 1)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("{q:?} found nothing"))
}

#[test]
fn names_acronyms_ids_and_registry_ids_come_first() {
    for (q, want) in [
        ("emer", "emerald-1"),
        ("EMERALD-1", "emerald-1"),
        ("emerald 1", "emerald-1"),
        ("leap-012", "leap-012"),
        ("LEAP 012", "leap-012"),
        ("talentace", "talentace"),
        ("chance 2203", "chance-2203"),
        ("NCT05348811", "chance-2203"),
        ("nct05348811", "chance-2203"),
        ("hcc", "hcc"),
        ("b-all", "b-all"),
        ("B ALL", "b-all"),
        ("folfox", "folfox"),
    ] {
        assert_eq!(first(q), want, "query {q:?}: {:?}", ids(q, 5));
    }
}

#[test]
fn brand_names_and_aliases_in_both_languages() {
    for (q, want) in [
        ("imfinzi", "durvalumab"),
        ("英飞凡", "durvalumab"),
        ("avastin", "bevacizumab"),
        ("tagrisso", "osimertinib"),
        ("泰瑞沙", "osimertinib"),
        ("源瑞达", "inaticabtagene-autoleucel"),
        ("durva", "durvalumab"),
    ] {
        assert_eq!(first(q), want, "query {q:?}: {:?}", ids(q, 5));
    }
}

#[test]
fn pinyin_full_and_initials() {
    assert_eq!(first("aoxitini"), "osimertinib");
    assert_eq!(first("axtn"), "osimertinib");
    assert_eq!(first("gandongmai"), "haic", "{:?}", ids("gandongmai", 5));
    assert!(
        ids("gandongmai", 5).contains(&"tace".to_string()),
        "an alias's pinyin still finds TACE"
    );
    assert_eq!(first("yuanruida"), "inaticabtagene-autoleucel");
}

#[test]
fn simplified_and_traditional_width_and_punctuation() {
    assert_eq!(first("胶质瘤"), first("膠質瘤"));
    assert_eq!(first("奥希替尼"), "osimertinib");
    assert_eq!(first("奧希替尼"), "osimertinib");
    let full = ids("ＰＤ－１", 3);
    assert_eq!(full, ids("pd-1", 3));
    assert_eq!(first("pd1"), "pd-1-inhibitor");
    assert_eq!(first("PD_1"), "pd-1-inhibitor");
}

#[test]
fn ties_go_to_stronger_evidence_then_the_more_recent_year() {
    let e = engine();
    let c = e.corpus();
    let key = |h: &search::Hit| {
        let t = c.trial(h.record.index);
        (t.evidence_level().0, std::cmp::Reverse(t.year.unwrap_or(0)))
    };
    // Filters alone: every hit ties on match quality, so level then year decide the order.
    let r = search::run(e, "kind:trial phase:3", 50).unwrap();
    assert!(r.hits.len() >= 5);
    assert!(
        r.hits.windows(2).all(|w| key(&w[0]) <= key(&w[1])),
        "{:?}",
        r.hits.iter().map(|h| c.id_of(h.record)).collect::<Vec<_>>()
    );
    assert_eq!(c.id_of(r.hits[0].record), "leap-012");
    // With text, hits of equal tier and score are still ordered that way.
    for q in ["tace", "haic", "car-t"] {
        let r = search::run(e, &format!("{q} kind:trial"), 200).unwrap();
        for w in r.hits.windows(2) {
            if (w[0].tier, w[0].score) == (w[1].tier, w[1].score) {
                assert!(
                    key(&w[0]) <= key(&w[1]),
                    "{q}: {} before {}",
                    c.id_of(w[0].record),
                    c.id_of(w[1].record)
                );
            } else {
                assert!(
                    (w[0].tier, -w[0].score) < (w[1].tier, -w[1].score),
                    "{q}: rank order"
                );
            }
        }
    }
}

#[test]
fn filters_and_negation() {
    let c = engine().corpus();
    for id in ids("kind:trial disease:hcc year:>=2024", 50) {
        let t = c.trial(c.resolve(&id).unwrap().index);
        assert!(t.year.unwrap() >= 2024, "{id}");
        assert!(t.diseases.iter().any(|d| d == "hcc"), "{id}");
    }
    assert!(
        ids("tace -kind:therapy", 50)
            .iter()
            .all(|id| c.resolve(id).unwrap().kind != evidex::corpus::Kind::Therapy)
    );
    assert!(!ids("endpoint:mrd-neg kind:trial", 50).is_empty());
    assert!(
        ids("design:rct", 50)
            .iter()
            .all(|id| c.trial(c.resolve(id).unwrap().index).design == evidex::corpus::Design::Rct)
    );
    assert!(!ids("status:planned", 50).is_empty());
    assert!(ids("source:004", 50).contains(&"inaticabtagene-autoleucel".to_string()));
    assert!(ids("\"durvalumab and bevacizumab\"", 5).contains(&"emerald-1".to_string()));
}

#[test]
fn each_hit_says_which_field_matched() {
    let e = engine();
    let r = search::run(e, "imfinzi", 1).unwrap();
    assert_eq!(r.hits[0].field, Some(KeyField::Alias));
    let r = search::run(e, "axtn", 1).unwrap();
    assert_eq!(r.hits[0].field, Some(KeyField::Initials));
    let r = search::run(e, "NCT05348811", 1).unwrap();
    assert_eq!(r.hits[0].field, Some(KeyField::Registry));
}

#[test]
fn facets_count_the_matches() {
    let r = search::run(engine(), "tace", 5).unwrap();
    let trials = r
        .facets
        .kinds
        .iter()
        .find(|(k, _)| *k == evidex::corpus::Kind::Trial)
        .map(|k| k.1)
        .unwrap();
    assert!(trials >= 5);
    let hcc = r
        .facets
        .diseases
        .iter()
        .find(|(d, _)| d == "hcc")
        .map(|d| d.1)
        .unwrap();
    assert!(hcc >= 5);
    assert!(r.facets.phases.iter().any(|(p, _)| p == "3"));
    assert_eq!(r.total, r.matched_slots.len());
}

/// A facet's count is what choosing it gives: `kind:trial` keeps studies only, so statistics,
/// guidelines, case reports and opinions are not counted as trials.
#[test]
fn every_facet_counts_what_its_filter_keeps() {
    for q in [
        "tace",
        "hcc",
        "liver cancer",
        "肝癌",
        "breast",
        "car-t",
        "l",
    ] {
        let r = search::run(engine(), q, 5).unwrap();
        for (k, n) in &r.facets.kinds {
            let narrowed = format!("{q} kind:{}", k.label());
            let total = search::run(engine(), &narrowed, 5).unwrap().total;
            assert_eq!(
                *n,
                total,
                "{q}: the {} facet says {n}, {narrowed} gives {total}",
                k.label()
            );
        }
        for (d, n) in &r.facets.diseases {
            let narrowed = format!("{q} disease:{d}");
            let total = search::run(engine(), &narrowed, 5).unwrap().total;
            assert!(
                *n <= total,
                "{q}: the {d} facet says {n}, {narrowed} gives {total}"
            );
        }
    }
}

#[test]
fn a_narrowing_query_searches_only_the_previous_matches_and_agrees() {
    // Every prefix of these, typed on letter by letter: searching only the previous matches
    // must give exactly what a full search gives.
    let e = engine();
    for word in [
        "tace",
        "durvalumab",
        "gandongmai",
        "emerald",
        "nct05348811",
        "chemotherapy",
        "肝动脉灌注",
    ] {
        let chars: Vec<char> = word.chars().collect();
        for n in 1..chars.len() {
            let prev: String = chars[..n].iter().collect();
            let next: String = chars[..=n].iter().collect();
            let (p, q) = (search::parse(&prev).unwrap(), search::parse(&next).unwrap());
            if !e.narrows(&q, &p) {
                continue;
            }
            common::assert_narrowing_agrees(e, (&prev, &p), (&next, &q));
        }
    }
}

#[test]
fn a_disease_named_in_free_text_finds_its_studies_and_its_subtypes_studies() {
    let must = ["emerald-1", "leap-012", "talentace"];
    for q in [
        "liver cancer tace",
        "肝癌 tace",
        "肝癌tace",
        "原發性肝癌 tace",
        "primary liver cancer tace",
        "ganai tace",
    ] {
        let got = ids(q, 100);
        for id in must {
            assert!(got.iter().any(|g| g == id), "{q:?} misses {id}: {got:?}");
        }
    }
    // As the filter does: every study the filter finds, free text finds too.
    let filtered = ids("disease:肝癌 tace kind:trial", 100);
    let free = ids("肝癌 tace kind:trial", 100);
    for id in &filtered {
        assert!(free.contains(id), "{id} found by the filter only");
    }
    // A subtype's name does not reach up to its parent's other studies.
    assert!(!ids("icc", 100).contains(&"emerald-1".to_string()));
}

#[test]
fn whole_words_beat_scattered_letters_and_scattered_letters_do_not_crowd_in() {
    let got = ids("tace", 100);
    for noise in [
        "breast-cancer-china-epidemiology",
        "breast-cancer-screening",
        "gastric-cancer",
        // resisTAnCE: four letters are too few to be a misspelling.
        "egfr-tki-resistance-strategies",
    ] {
        assert!(!got.contains(&noise.to_string()), "tace matched {noise}");
    }
    assert!(got.contains(&"li-2021-haic-vs-tace".to_string()));
    let r = search::run(engine(), "haic", 100).unwrap();
    let c = engine().corpus();
    assert!(
        r.facets.diseases.iter().all(|(d, _)| d != "b-all"),
        "{:?}",
        r.facets.diseases
    );
    assert_eq!(r.facets.diseases.first().map(|d| d.0.as_str()), Some("hcc"));
    assert!(r.hits.iter().all(|h| c.id_of(h.record) != "hsct"));
    // Inside the pinyin of a name (乳腺癌筛查 is "ruxianaishaicha") only in the last tier.
    assert!(
        r.hits
            .iter()
            .all(|h| { c.id_of(h.record) != "breast-cancer-screening" || h.tier == 3 })
    );
    assert_eq!(first("guanzhu"), "haic", "a later syllable still matches");
    // A misspelling still finds its record, ranked below every real hit.
    assert_eq!(first("pembrolizumb"), "pembrolizumab");
    assert_eq!(first("glioblastome"), "gbm");
    let r = search::run(engine(), "durvalumb", 50).unwrap();
    assert!(r.hits.iter().all(|h| h.tier == 3));
}

#[test]
fn highlights_mark_the_contiguous_match() {
    let q = search::parse("tace").unwrap();
    assert_eq!(search::highlight("TALENTACE", &q.terms), vec![5, 6, 7, 8]);
}

#[test]
fn unspaced_chinese_is_cut_into_words() {
    assert_eq!(first("奥希替尼耐药"), "egfr-tki-resistance-strategies");
    assert_eq!(first("奧希替尼耐藥"), "egfr-tki-resistance-strategies");
    let got = ids("复发胶质母细胞瘤", 10);
    assert!(
        got.contains(&"oncolytic-virus-recurrent-gbm-trial".to_string()),
        "{got:?}"
    );
}

#[test]
fn arm_labels_are_searchable() {
    let r = search::run(engine(), "met amplification", 5).unwrap();
    let c = engine().corpus();
    assert_eq!(c.id_of(r.hits[0].record), "egfr-tki-resistance-strategies");
    // Only the arm says "amplification".
    let r = search::run(engine(), "amplification", 5).unwrap();
    assert_eq!(c.id_of(r.hits[0].record), "egfr-tki-resistance-strategies");
    assert_eq!(r.hits[0].field, Some(KeyField::Arm));
    assert!(ids("t790m", 5).contains(&"egfr-tki-resistance-strategies".to_string()));
}

#[test]
fn kind_trial_lists_studies_and_the_other_records_have_kinds_of_their_own() {
    use evidex::corpus::Design;
    let c = engine().corpus();
    let design = |id: &str| c.trial(c.resolve(id).unwrap().index).design;
    let trials = ids("kind:trial", 500);
    assert!(trials.contains(&"emerald-1".to_string()));
    for id in &trials {
        assert!(
            !matches!(
                design(id),
                Design::Epidemiological
                    | Design::Guideline
                    | Design::CaseReport
                    | Design::ExpertOpinion
            ),
            "{id} is not a study"
        );
    }
    for (kind, want, d) in [
        (
            "statistic",
            "car-t-b-all-cost-china",
            Design::Epidemiological,
        ),
        ("guideline", "china-plc-guideline-2024", Design::Guideline),
        ("case", "emily-whitehead-2012-car-t", Design::CaseReport),
        (
            "opinion",
            "egfr-tki-resistance-strategies",
            Design::ExpertOpinion,
        ),
    ] {
        let got = ids(&format!("kind:{kind}"), 500);
        assert!(got.contains(&want.to_string()), "kind:{kind}: {got:?}");
        assert!(got.iter().all(|id| design(id) == d), "kind:{kind}: {got:?}");
    }
    // Every trial record is a study or has one of those kinds.
    let split: usize = ["trial", "statistic", "guideline", "case", "opinion"]
        .iter()
        .map(|k| ids(&format!("kind:{k}"), 500).len())
        .sum();
    assert_eq!(split, c.trials.len());
}

#[test]
fn a_misspelling_is_highlighted_where_the_fuzzy_matcher_aligns_it() {
    // "pembrolizumb": every letter of the word but the missing "a".
    let q = search::parse("pembrolizumb").unwrap();
    let marks = search::highlight("Pembrolizumab", &q.terms);
    assert_eq!(marks.len(), 12, "{marks:?}");
    assert_eq!(
        marks,
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12],
        "all but the missing a"
    );
}

/// A registry id or record id is typed as it is written, or its start: an id's digits are not
/// a word to misspell, so `nct0100` finds the studies whose NCT id holds `nct0100`, never
/// every NCT id whose digits happen to contain 0, 1, 0, 0 in order with a few others between.
#[test]
fn an_id_prefix_never_matches_other_ids_by_scattered_digits() {
    let file = evidex::synthetic::corpus(3000, 11);
    let bytes = serde_json::to_vec(&file).unwrap();
    let corpus = Corpus::from_bytes(std::path::Path::new("t.json"), bytes).unwrap();
    let e = search::engine(Arc::new(corpus));
    for q in ["nct0100", "NCT01001", "nct010020"] {
        let want = q.to_ascii_lowercase();
        let r = search::run(&e, q, 5000).unwrap();
        assert!(r.total > 0, "{q} finds the ids that hold it");
        for h in &r.hits {
            let c = e.corpus();
            let holds = h.record.kind == evidex::corpus::Kind::Trial
                && c.trials[h.record.index as usize]
                    .registry_ids
                    .iter()
                    .any(|id| id.to_ascii_lowercase().contains(&want));
            assert!(
                holds,
                "{q} matched {} ({:?} {:?})",
                c.id_of(h.record),
                h.field,
                h.matched
            );
        }
    }
}

/// A word found as typed is what was meant: records that hold it only misspelt (letters
/// between its letters) are not listed beside it; typed with a letter missing, it finds its
/// records misspelt, as before; and the answer is the same whether searched in full or within
/// the matches of the query typed so far (what the browser does while you type).
#[test]
fn misspellings_are_matched_only_when_nothing_matches_as_typed() {
    let trial = |id: &str, title: &str| {
        format!(
            r#"{{"id": "{id}", "title": {{"en": "{title}"}}, "citations": [{{"source": "s", "quote": "q"}}]}}"#
        )
    };
    let json = format!(
        r#"{{"sources": [{{"id": "s", "title": {{"en": "S"}}, "language": "en", "date": "2024"}}],
 "trials": [{}, {}, {}]}}"#,
        trial("a", "Talentace in liver cancer"),
        trial("b", "Talenxtace regimen"),
        trial("c", "Another regimen"),
    );
    let corpus = Corpus::from_bytes(std::path::Path::new("t.json"), json.into_bytes()).unwrap();
    let e = search::engine(Arc::new(corpus));
    let found = |q: &str, within: Option<&[u32]>| -> Vec<(String, u8)> {
        let r = e.search(&search::parse(q).unwrap(), within, 100);
        r.hits
            .iter()
            .map(|h| (e.corpus().id_of(h.record).to_string(), h.tier))
            .collect()
    };
    // As typed: "b" holds the word only with an x inside it.
    assert_eq!(found("talentace", None), [("a".to_string(), 1)]);
    assert_eq!(
        found("talen", None),
        [("a".to_string(), 1), ("b".to_string(), 1)]
    );
    // With the e missing, nothing holds it as typed: both are found misspelt (tier 3).
    let misspelt = found("talntace", None);
    assert_eq!(
        misspelt
            .iter()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert!(misspelt.iter().all(|(_, tier)| *tier == 3), "{misspelt:?}");
    // Within an earlier query's matches as typed ("talen": a and b), or none of them
    // ("talenta" holds only a, as typed), the answer is the full search's.
    let slots = |q: &str| {
        e.search(&search::parse(q).unwrap(), None, 100)
            .matched_slots
    };
    for (prev, q) in [
        ("talen", "talentace"),
        ("talenta", "talentaca"),
        ("talen", "talntace"),
    ] {
        assert_eq!(found(q, Some(&slots(prev))), found(q, None), "{prev} → {q}");
    }
}
