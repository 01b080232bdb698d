//! Unit tests of `search::index`.

use super::build::Builder;
use super::*;
use crate::search::normalize::fold;

#[test]
fn parts_built_in_parallel_keep_the_records_order() {
    // Three parts and a bit: each slot's first key is its own record's id.
    let file = crate::synthetic::corpus(3 * PART + 100, 7);
    let bytes = serde_json::to_vec(&file).unwrap();
    let corpus = Corpus::from_bytes(std::path::Path::new("t.json"), bytes).unwrap();
    let index = Index::build(Arc::new(corpus));
    assert!(index.parts.len() >= 4);
    for (slot, &r) in index.records.iter().enumerate() {
        let keys = index.keys(slot);
        assert_eq!(
            keys.text(&keys.keys[0]),
            fold(index.corpus.id_of(r)),
            "slot {slot}"
        );
        let m = keys.keys.iter().fold(0, |m, k| m | k.mask);
        assert_eq!(index.mask(slot), m, "slot {slot}");
    }
}

/// All of `keys`, as the keys of one record.
fn whole(keys: &Keys) -> KeySlice<'_> {
    KeySlice {
        keys: &keys.keys,
        text: &keys.text,
        wide: &keys.wide,
        wide_first: &0,
        first: 0,
    }
}

#[test]
fn exact_hits_ignore_punctuation_and_read_the_text() {
    let mut b = Builder::default();
    b.push(KeyField::Acronym, "leap-012");
    b.push(KeyField::Id, "b-all");
    b.push(KeyField::Name, "胶质瘤");
    let keys = b.take();
    let slice = whole(&keys);
    let [leap, ball, glioma] = [0, 1, 2].map(|i| &slice.keys[i]);
    assert!(slice.is_exact(leap, "leap012"));
    assert!(!slice.is_exact(leap, "leap013"), "same length, other text");
    assert!(!slice.is_exact(leap, "leap01"));
    assert!(slice.is_exact(ball, "ball"));
    assert!(slice.is_exact(glioma, "胶质瘤"));
    assert_eq!(slice.initials(leap), "l0", "word initials follow the text");
    assert_eq!(slice.bytes(ball), b"b-all");
}

/// A key holds its text's first byte (what ranking compares instead of reading the text) and
/// its flags, and a stored key reads back as the same key.
#[test]
fn a_key_holds_its_first_byte_and_reads_back_whole() {
    use crate::raw::Plain;
    let mut b = Builder::default();
    b.push(KeyField::Acronym, "pd-1");
    b.push(
        KeyField::Name,
        "phase 3 study of pembrolizumab versus placebo in hcc",
    );
    b.push(KeyField::Name, "胶质瘤");
    b.push(KeyField::Other, "");
    let keys = b.take();
    let slice = whole(&keys);
    for k in slice.keys {
        assert_eq!(k.first_byte(), slice.bytes(k).first().copied());
        let mut stored = Vec::new();
        k.put(&mut stored);
        assert_eq!(stored.len(), Key::WIDTH);
        let back = Key::take(&stored).expect("a stored key reads back");
        assert_eq!(format!("{back:?}"), format!("{k:?}"));
    }
    let [pd1, title, glioma, _] = [0, 1, 2, 3].map(|i| &slice.keys[i]);
    assert!(pd1.joined() && pd1.words() && !pd1.wide());
    assert!(!title.joined() && title.words() && title.wide());
    assert!(!glioma.joined() && !glioma.words() && !glioma.wide());
    let mut flags = Vec::new();
    pd1.put(&mut flags);
    flags[29] = 8;
    assert!(Key::take(&flags).is_none(), "a flag out of range is damage");
}

/// The character and pair masks only ever reject keys the text match would reject: for units
/// cut from every key of the bundled corpus (substrings, substrings with letters left out as
/// misspellings, and word initials), whenever [`quick_score`] finds the unit in a key, the
/// key's masks let it through.
#[test]
fn masks_never_reject_a_key_that_matches() {
    use crate::search::keymatch::{Term, quick_score};
    use crate::search::normalize::fold_query;
    let corpus = Corpus::bundled().expect("the bundled corpus loads");
    let index = Index::build(Arc::new(corpus));
    let mut slices: Vec<KeySlice<'_>> = (0..index.len()).map(|s| index.keys(s)).collect();
    slices.push(index.shared());
    let (mut checked, mut found, mut wide_found) = (0usize, 0usize, 0usize);
    for keys in slices {
        for (_, k, wide) in keys.each() {
            let chars: Vec<char> = keys.text(k).chars().collect();
            let mut units: Vec<String> = Vec::new();
            for start in (0..chars.len()).step_by(3) {
                for len in 1..=8 {
                    let Some(window) = chars.get(start..start + len) else {
                        break;
                    };
                    let w: String = window.iter().collect();
                    units.push(fold_query(&w));
                    // Letters left out inside the window: a misspelling of it.
                    for skip in 1..len.saturating_sub(1) {
                        let mut m: Vec<char> = window.to_vec();
                        m.remove(skip);
                        units.push(fold_query(&m.into_iter().collect::<String>()));
                    }
                }
            }
            units.push(fold_query(keys.initials(k)));
            for u in units.iter().filter(|u| !u.is_empty()) {
                let term = Term::new(u, true, true);
                checked += 1;
                if quick_score(keys, k, &term).is_some() {
                    found += 1;
                    wide_found += usize::from(wide.is_some() && term.has_pairs());
                    assert!(
                        term.may_match_key(k, wide),
                        "{u:?} matches {:?} but its masks reject it",
                        keys.text(k)
                    );
                }
            }
        }
    }
    assert!(found > 10_000 && checked > found, "{found} of {checked}");
    assert!(
        wide_found > 1_000,
        "long keys' wide masks tested {wide_found} times"
    );
}

/// Units a user might type that a record's keys hold: substrings (from two letters), the
/// same with a letter left out (misspellings, from five), word initials, in every field
/// (ids, registry ids, names in English and Chinese, pinyin, arms), for every `every`th slot,
/// and cut from the shared keys (names of therapies and diseases, matched through links).
fn units_from(index: &Index, every: usize, shared_every: usize) -> Vec<String> {
    use crate::search::normalize::fold_query;
    let mut out = std::collections::BTreeSet::new();
    let mut add = |keys: KeySlice<'_>, k: &Key| {
        let chars: Vec<char> = keys.text(k).chars().collect();
        for start in (0..chars.len()).step_by(4) {
            for len in [2, 3, 4, 5, 7, 9] {
                let Some(window) = chars.get(start..start + len) else {
                    break;
                };
                out.insert(fold_query(&window.iter().collect::<String>()));
                if len >= 7 {
                    let mut m = window.to_vec();
                    m.remove(len / 2);
                    m.remove(1);
                    out.insert(fold_query(&m.into_iter().collect::<String>()));
                }
            }
        }
        out.insert(fold_query(keys.initials(k)));
    };
    for slot in (0..index.len()).step_by(every) {
        let keys = index.keys(slot);
        keys.keys.iter().for_each(|k| add(keys, k));
    }
    let shared = index.shared();
    shared
        .keys
        .iter()
        .step_by(shared_every)
        .for_each(|k| add(shared, k));
    out.into_iter().filter(|u| u.chars().count() >= 2).collect()
}

/// The posting lists never reject a record that the full match accepts: every query, plain
/// and narrowed, finds the same records, ranks and fields with them as without them. The
/// queries are units cut from the records' own keys and the shared keys (see [`units_from`]),
/// pairs of them, disease names, and misspelt words taken for the name they stand for.
fn prefilter_changes_nothing(corpus: Corpus, every: (usize, usize), most: usize, extra: &[&str]) {
    use crate::search::{Engine, parse};
    let corpus = Arc::new(corpus);
    let with = Engine::new(Index::build(corpus.clone()));
    let without = Engine::new(Index::build(corpus)).without_prefilter();
    let units = units_from(&with.index, every.0, every.1);
    // At most `most` of them, spread over the list.
    let units: Vec<String> = units
        .iter()
        .step_by(units.len().div_ceil(most).max(1))
        .cloned()
        .collect();
    let mut queries: Vec<String> = units.clone();
    queries.extend(
        units
            .iter()
            .step_by(11)
            .zip(units.iter().skip(5).step_by(13))
            .map(|(a, b)| format!("{a} {b}")),
    );
    queries.extend(extra.iter().map(|q| q.to_string()));
    let within: Vec<u32> = (0..with.index.len() as u32).step_by(3).collect();
    let (mut rejected, mut restricting) = (0usize, 0usize);
    for text in &queries {
        let Ok(q) = parse(text) else { continue };
        for within in [None, Some(within.as_slice())] {
            let (a, b) = (with.search(&q, within, 50), without.search(&q, within, 50));
            assert_eq!(
                a.matched_slots,
                b.matched_slots,
                "{text:?} within {}",
                within.is_some()
            );
            let rank = |r: &crate::search::Results| -> Vec<_> {
                r.hits
                    .iter()
                    .map(|h| (h.slot, h.tier, h.score, h.field, h.matched.clone()))
                    .collect()
            };
            assert_eq!(rank(&a), rank(&b), "{text:?}");
        }
        let plan = with.plan(&q);
        if let Some(c) = with.prepare(&plan, true).candidates {
            restricting += 1;
            let bits = with.index.candidates(&c);
            let passed: usize = bits.iter().map(|w| w.count_ones() as usize).sum();
            rejected += with.index.len() - passed.min(with.index.len());
        }
    }
    assert!(queries.len() > 500, "{} queries", queries.len());
    assert!(
        restricting * 2 > queries.len() && rejected > restricting * with.index.len() / 4,
        "the posting lists restrict {restricting} of {} queries and reject {rejected} records",
        queries.len()
    );
}

#[test]
fn prefilter_changes_nothing_on_the_bundled_corpus() {
    prefilter_changes_nothing(
        Corpus::bundled().expect("the bundled corpus loads"),
        (1, 1),
        2_000,
        &[
            "liver cancer tace",
            "肝癌 tace",
            "ganai tace",
            "奥希替尼耐药",
            "pembrolizumb",
            "glioblastome",
            "haic folfox",
            "tdb",
            "nct0",
            "hcc",
        ],
    );
}

#[test]
fn prefilter_changes_nothing_on_a_synthetic_corpus() {
    // Two parts, the second not full.
    let file = crate::synthetic::corpus(PART + 300, 11);
    let bytes = serde_json::to_vec(&file).unwrap();
    let corpus = Corpus::from_bytes(std::path::Path::new("t.json"), bytes).unwrap();
    prefilter_changes_nothing(
        corpus,
        (601, 41),
        900,
        &[
            "pembrolizumb",
            "gandong",
            "tace haic",
            "肝癌",
            "肝细胞癌 tace",
            "nct0100",
            "hepatocelular",
            "keytruda",
        ],
    );
}
