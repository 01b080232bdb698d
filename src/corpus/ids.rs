//! Every record's id, to where it is: the ids sorted, in one text, found by binary search.
//!
//! A map of a million strings is a million allocations and a million hashes each time a
//! library's snapshot is read (0.74 s of a 560,000-study library's start); this table is three
//! arrays that the snapshot stores as bytes and reads back in three copies.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::RecordRef;

/// Ids sorted, each with its record.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct IdTable {
    /// The ids, one after the other, in byte order.
    text: Box<str>,
    /// Where each id ends in `text` (it starts where the one before ends).
    #[serde(with = "crate::raw")]
    ends: Box<[u64]>,
    #[serde(with = "crate::raw")]
    refs: Box<[RecordRef]>,
}

impl IdTable {
    /// The record of `id`, if any has it.
    pub fn get(&self, id: &str) -> Option<RecordRef> {
        let (mut lo, mut hi) = (0, self.refs.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.id(mid).cmp(id) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(self.refs[mid]),
            }
        }
        None
    }

    fn id(&self, i: usize) -> &str {
        let from = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[from..self.ends[i] as usize]
    }

    pub fn len(&self) -> usize {
        self.refs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.refs.is_empty()
    }

    /// Every record the table points at.
    pub fn refs(&self) -> impl Iterator<Item = RecordRef> + '_ {
        self.refs.iter().copied()
    }

    /// Whether a table read back holds together: as many ends as records, each id within the
    /// text and cut at a character's boundary, the ids strictly in order (what [`get`] needs).
    ///
    /// [`get`]: IdTable::get
    pub fn sound(&self) -> bool {
        let n = self.refs.len();
        self.ends.len() == n
            && self
                .ends
                .last()
                .map_or(self.text.is_empty(), |&e| e as usize == self.text.len())
            && self.ends.windows(2).all(|w| w[0] < w[1])
            && self.ends.first().is_none_or(|&e| e > 0)
            && self
                .ends
                .iter()
                .all(|&e| self.text.is_char_boundary(e as usize))
            && (1..n).all(|i| self.id(i - 1) < self.id(i))
    }
}

impl From<&HashMap<String, RecordRef>> for IdTable {
    fn from(map: &HashMap<String, RecordRef>) -> IdTable {
        let mut sorted: Vec<(&str, RecordRef)> =
            map.iter().map(|(k, &r)| (k.as_str(), r)).collect();
        sorted.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut text = String::with_capacity(sorted.iter().map(|(k, _)| k.len()).sum());
        let mut ends = Vec::with_capacity(sorted.len());
        for (k, _) in &sorted {
            text.push_str(k);
            ends.push(text.len() as u64);
        }
        IdTable {
            text: text.into(),
            ends: ends.into(),
            refs: sorted.into_iter().map(|(_, r)| r).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Kind;

    #[test]
    fn every_id_is_found_and_no_other_and_it_reads_back() {
        let ids = ["b", "a", "ab", "閩", "z9", "ctgov-nct01", "ctgov-nct010"];
        let map: HashMap<String, RecordRef> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.to_string(), RecordRef::new(Kind::Trial, i)))
            .collect();
        let table = IdTable::from(&map);
        assert!(table.sound());
        assert_eq!(table.len(), ids.len());
        for (id, r) in &map {
            assert_eq!(table.get(id), Some(*r), "{id}");
        }
        for missing in ["", "c", "aa", "ctgov-nct0", "ctgov-nct0100", "閩閩"] {
            assert_eq!(table.get(missing), None, "{missing}");
        }
        let back: IdTable =
            rmp_serde::from_slice(&rmp_serde::to_vec(&table).expect("encodes")).expect("decodes");
        assert!(back.sound());
        assert_eq!(back.get("閩"), map.get("閩").copied());
        assert!(IdTable::from(&HashMap::new()).sound());
    }

    #[test]
    fn a_table_out_of_order_or_cut_inside_a_character_is_not_sound() {
        let table = |text: &str, ends: &[u64]| IdTable {
            text: text.into(),
            ends: ends.into(),
            refs: vec![RecordRef::new(Kind::Trial, 0); ends.len()].into(),
        };
        assert!(table("ab", &[1, 2]).sound());
        assert!(!table("ba", &[1, 2]).sound(), "out of order");
        assert!(!table("aa", &[1, 2]).sound(), "twice");
        assert!(!table("ab", &[1, 3]).sound(), "past the text");
        assert!(!table("ab", &[1]).sound(), "text left over");
        assert!(!table("閩", &[1, 3]).sound(), "inside a character");
        assert!(!table("ab", &[0, 2]).sound(), "an empty id");
    }
}
