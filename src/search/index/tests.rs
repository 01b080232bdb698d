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

#[test]
fn exact_hits_ignore_punctuation_and_read_the_text() {
    let mut b = Builder::default();
    b.push(KeyField::Acronym, "leap-012");
    b.push(KeyField::Id, "b-all");
    b.push(KeyField::Name, "胶质瘤");
    let keys = b.take();
    let slice = KeySlice {
        keys: &keys.keys,
        text: &keys.text,
        wide: &keys.wide,
        wide_first: &0,
        first: 0,
    };
    let [leap, ball, glioma] = [0, 1, 2].map(|i| &slice.keys[i]);
    assert!(slice.is_exact(leap, "leap012"));
    assert!(!slice.is_exact(leap, "leap013"), "same length, other text");
    assert!(!slice.is_exact(leap, "leap01"));
    assert!(slice.is_exact(ball, "ball"));
    assert!(slice.is_exact(glioma, "胶质瘤"));
    assert_eq!(slice.initials(leap), "l0", "word initials follow the text");
    assert_eq!(slice.bytes(ball), b"b-all");
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
                let term = Term::new(u, true);
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
