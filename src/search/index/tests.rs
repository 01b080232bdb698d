//! Unit tests of `search::index`.

use super::*;

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
