//! The search index: every searchable field of every record as its own short, folded key.
//!
//! Keys are short (one name, one alias, one id each) and Latin and Chinese text never share a
//! key, because key length and the Unicode path are what a fuzzy matcher's time depends on.
//! Each key carries a 64-bit character mask and a 64-bit mask of its pairs of adjacent
//! letters, and a long key a 256-bit pair mask beside it, so most keys are rejected by an AND
//! or two before their text is read. A record's own keys are spans of its part's text (parts of 4,096
//! records, built in parallel and kept as built); the names of linked therapies and diseases
//! are shared keys, stored once and listed by each trial that links to them. Each part also
//! keeps [posting lists](postings) of its records by pair of letters, link and disease, from
//! which a search chooses the records to match before any key is read.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::normalize::{Wide, keeps};
use super::plan::Lexicon;
use crate::corpus::{Corpus, RecordRef};

mod build;
pub mod postings;

use postings::{Bits, Candidates, Postings, WORDS};

/// Which field of a record a key holds; shown with each result ("matched: alias").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KeyField {
    Id,
    Acronym,
    Registry,
    Name,
    Alias,
    Pinyin,
    Initials,
    /// Pinyin of an alias (or of a disease or therapy name), ranked below a name's own.
    OtherPinyin,
    Class,
    /// The label of one of a trial's arms.
    Arm,
    Disease,
    Therapy,
    Other,
}

impl KeyField {
    /// Every field, in the order of their discriminants (what a stored key holds).
    const ALL: [KeyField; 13] = [
        KeyField::Id,
        KeyField::Acronym,
        KeyField::Registry,
        KeyField::Name,
        KeyField::Alias,
        KeyField::Pinyin,
        KeyField::Initials,
        KeyField::OtherPinyin,
        KeyField::Class,
        KeyField::Arm,
        KeyField::Disease,
        KeyField::Therapy,
        KeyField::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            KeyField::Id => "id",
            KeyField::Acronym => "acronym",
            KeyField::Registry => "registry id",
            KeyField::Name => "name",
            KeyField::Alias => "alias",
            KeyField::Pinyin => "pinyin",
            KeyField::Initials => "pinyin initials",
            KeyField::OtherPinyin => "pinyin of an alias",
            KeyField::Class => "class / target",
            KeyField::Arm => "arm",
            KeyField::Disease => "disease",
            KeyField::Therapy => "therapy",
            KeyField::Other => "text",
        }
    }

    /// Whether an exact hit on this field is an exact hit on the record.
    pub fn identifies(self) -> bool {
        matches!(
            self,
            KeyField::Id
                | KeyField::Acronym
                | KeyField::Registry
                | KeyField::Alias
                | KeyField::Name
        )
    }

    /// Whether a hit here is a hit on the record's name.
    pub fn is_name(self) -> bool {
        matches!(
            self,
            KeyField::Acronym
                | KeyField::Name
                | KeyField::Alias
                | KeyField::Pinyin
                | KeyField::Initials
                | KeyField::OtherPinyin
        )
    }

    /// Whether the quick pass may match the field's letters scattered (with bounded gaps).
    /// Pinyin is typed as whole syllables or their initials, which a prefix or substring of
    /// the pinyin keys finds; scattered, a few letters would match nearly every long title's
    /// pinyin.
    pub fn scattered(self) -> bool {
        !matches!(
            self,
            KeyField::Pinyin | KeyField::Initials | KeyField::OtherPinyin
        )
    }

    /// Whether a unit may match the field misspelt (letters in order with a few others
    /// between): names and words may be misspelt; pinyin matches only where its letters stand
    /// together (see [`KeyField::scattered`]), and an id or registry id is typed as written or
    /// by its start, its digits no word to misspell (`nct01001` is not `nct01000180`).
    pub fn misspellable(self) -> bool {
        self.scattered() && !matches!(self, KeyField::Id | KeyField::Registry)
    }

    /// Whether the key is the pinyin of a whole name, with no mark of where its syllables
    /// start: a unit found inside it may start inside a syllable.
    pub fn syllables(self) -> bool {
        matches!(self, KeyField::Pinyin | KeyField::OtherPinyin)
    }

    /// Added to the matcher's score.
    pub fn boost(self) -> i64 {
        match self {
            KeyField::Id | KeyField::Acronym | KeyField::Registry => 40,
            KeyField::Name => 30,
            KeyField::Alias => 25,
            KeyField::Pinyin => 15,
            KeyField::Initials => 10,
            KeyField::OtherPinyin => 8,
            KeyField::Class | KeyField::Arm => 5,
            KeyField::Disease | KeyField::Therapy => 0,
            KeyField::Other => 0,
        }
    }
}

/// One searchable key (32 bytes: a search reads millions of them).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Key {
    pub mask: u64,
    /// The pairs of adjacent letters of its text and of its initials (see
    /// [`pair_mask`](super::normalize::pair_mask)).
    pub pairs: u64,
    /// Byte span of the folded text in the text of the key's part.
    start: u32,
    len: u32,
    /// Bytes of the text with punctuation dropped: only a term of this length can be an
    /// exact hit (see [`KeySlice::is_exact`]).
    stripped: u16,
    /// Bytes of the first letters of its words, stored right after the text ("tdb" for
    /// "tace + durvalumab + bevacizumab"), so matching word initials reads a few bytes.
    initials: u16,
    pub field: KeyField,
    /// [`KEY_JOINED`], [`KEY_WORDS`] and [`KEY_WIDE`] (see [`Key::joined`], [`Key::words`],
    /// [`Key::wide`]): one byte, so that the key stays 32 bytes with `first` beside it.
    flags: u8,
    /// The first byte of its text: what `keymatch::Term::bound` compares, so
    /// that a key whose best possible hit cannot beat a record's best so far is skipped
    /// without reading its text (a load from elsewhere in memory for every such key).
    first: u8,
}

// A search reads every key of the records it looks at: a key that grew would cost every search.
const _: () = assert!(std::mem::size_of::<Key>() == 32);

const KEY_JOINED: u8 = 1;
const KEY_WORDS: u8 = 2;
const KEY_WIDE: u8 = 4;

/// Keys with more pairs of letters than this have a [`Wide`] pair mask: from about 24 pairs,
/// a third of a 64-bit mask is set and a unit's three pairs pass it one time in thirty.
pub(super) const WIDE_FROM: usize = 24;

/// A key by its place: a record's own keys are numbered across the parts of the index; the
/// shared keys (names of linked therapies and diseases) have [`SHARED`] set.
pub type KeyRef = u32;

/// Marks a [`KeyRef`] as a shared key.
pub const SHARED: KeyRef = 1 << 31;

/// Records per part (a power of two: a slot's part is a shift away).
const PART_SHIFT: u32 = 12;
const PART: usize = 1 << PART_SHIFT;

/// Some keys and the text they are spans of.
#[derive(Default, Serialize, Deserialize)]
pub struct Keys {
    #[serde(with = "crate::raw")]
    keys: Box<[Key]>,
    text: Box<str>,
    /// The wide pair masks of the keys that have one, in key order.
    #[serde(with = "crate::raw")]
    wide: Box<[Wide]>,
}

/// The keys of one record: a slice of its part's keys, with that part's text.
#[derive(Clone, Copy)]
pub struct KeySlice<'a> {
    pub keys: &'a [Key],
    text: &'a str,
    /// Wide pair masks in key order, the first of `keys`' at `*wide_first` (a reference, so
    /// that finding a slot's keys does not read where its wide masks start: most searches
    /// never need them).
    wide: &'a [Wide],
    wide_first: &'a u32,
    /// The [`KeyRef`] of `keys[0]`.
    first: KeyRef,
}

/// A key as a snapshot stores it: 31 bytes.
impl crate::raw::Plain for Key {
    const WIDTH: usize = 31;

    fn put(self, out: &mut Vec<u8>) {
        self.mask.put(out);
        self.pairs.put(out);
        self.start.put(out);
        self.len.put(out);
        self.stripped.put(out);
        self.initials.put(out);
        out.push(self.field as u8);
        out.push(self.flags);
        out.push(self.first);
    }

    #[inline]
    fn take(b: &[u8]) -> Option<Key> {
        let flags = b[29];
        (flags < 8).then_some(())?;
        Some(Key {
            mask: u64::take(&b[0..8])?,
            pairs: u64::take(&b[8..16])?,
            start: u32::take(&b[16..20])?,
            len: u32::take(&b[20..24])?,
            stripped: u16::take(&b[24..26])?,
            initials: u16::take(&b[26..28])?,
            field: *KeyField::ALL.get(b[28] as usize)?,
            flags,
            first: b[30],
        })
    }
}

impl Key {
    /// Whether punctuation joins two of its letters ("pd-1", "car-t"): only then can a unit
    /// match across punctuation ("pd1").
    #[inline]
    pub fn joined(&self) -> bool {
        self.flags & KEY_JOINED != 0
    }

    /// Whether a word starts after its first character (after a space or punctuation): if
    /// not, a unit not at its start is inside a word.
    #[inline]
    pub fn words(&self) -> bool {
        self.flags & KEY_WORDS != 0
    }

    /// Whether the key has so many pairs of letters that `pairs` is mostly ones, and a
    /// 256-bit pair mask of its own (in its [`Keys`]' `wide`, in key order; see
    /// [`KeySlice::each`]).
    #[inline]
    pub fn wide(&self) -> bool {
        self.flags & KEY_WIDE != 0
    }

    /// The first byte of its text, `None` for an empty key.
    #[inline]
    pub fn first_byte(&self) -> Option<u8> {
        (self.len > 0).then_some(self.first)
    }

    /// Bytes of the text with punctuation dropped.
    pub fn stripped_len(&self) -> usize {
        self.stripped as usize
    }
}

impl<'a> KeySlice<'a> {
    pub fn text(&self, k: &Key) -> &'a str {
        &self.text[k.start as usize..(k.start + k.len) as usize]
    }

    /// A key's text as bytes: what matching reads. (Slicing the `str` checks that both ends
    /// are char boundaries, which reads the byte at the key's end, a memory access of its own
    /// in a scan that is bound by memory.)
    pub fn bytes(&self, k: &Key) -> &'a [u8] {
        &self.text.as_bytes()[k.start as usize..(k.start + k.len) as usize]
    }

    /// The first letters of a key's words.
    pub fn initials(&self, k: &Key) -> &'a str {
        let from = (k.start + k.len) as usize;
        &self.text[from..from + k.initials as usize]
    }

    /// Whether the key, punctuation dropped, is `term` (folded, without punctuation).
    #[inline]
    pub fn is_exact(&self, k: &Key, term: &str) -> bool {
        k.stripped as usize == term.len()
            && self.text(k).chars().filter(|&c| keeps(c)).eq(term.chars())
    }

    /// The reference of the `i`th key.
    pub fn key_ref(&self, i: usize) -> KeyRef {
        self.first + i as u32
    }

    /// The wide pair mask of the `i`th key, which has one (found by counting: a record has a
    /// few keys, and most searches never ask).
    pub fn wide(&self, i: usize) -> &'a Wide {
        &self.wide[*self.wide_first as usize + self.keys[..i].iter().filter(|k| k.wide()).count()]
    }

    /// Each key with its position and its wide pair mask, if it has one.
    pub fn each(&self) -> impl Iterator<Item = (usize, &'a Key, Option<&'a Wide>)> + use<'a> {
        let mut wide = self.wide[*self.wide_first as usize..].iter();
        self.keys
            .iter()
            .enumerate()
            .map(move |(i, k)| (i, k, if k.wide() { wide.next() } else { None }))
    }
}

/// The own keys and links of [`PART`] consecutive slots, built by one thread and kept as built,
/// so that the index is never copied whole.
#[derive(Serialize, Deserialize)]
struct Part {
    /// Local slot → first key; one entry more than slots.
    #[serde(with = "crate::raw")]
    key_start: Box<[u32]>,
    /// Local slot → the union of its own keys' masks: a unit whose mask is not within it
    /// matches none of them, which one AND tells.
    #[serde(with = "crate::raw")]
    masks: Box<[u64]>,
    /// Local slot → the union of its own keys' pair masks.
    #[serde(with = "crate::raw")]
    pairs: Box<[u64]>,
    keys: Keys,
    /// Local slot → first of its keys' wide pair masks.
    #[serde(with = "crate::raw")]
    wide_start: Box<[u32]>,
    /// Local slot → first link; one entry more than slots.
    #[serde(with = "crate::raw")]
    link_start: Box<[u32]>,
    /// The shared keys of each slot's linked therapies and diseases.
    #[serde(with = "crate::raw")]
    links: Box<[u32]>,
    /// The part's slots by pair of letters, link and disease.
    postings: Postings,
    /// Own keys in the parts before this one.
    key_base: u32,
}

impl Part {
    /// Whether a part read back has the arrays of `slots` slots, their ends within what they
    /// point into (what [`Index::attach`] checks; its bytes are checked by their CRC).
    fn holds(&self, slots: usize) -> bool {
        self.key_start.len() == slots + 1
            && self.masks.len() == slots
            && self.pairs.len() == slots
            && self.wide_start.len() == slots
            && self.link_start.len() == slots + 1
            && self
                .key_start
                .last()
                .is_some_and(|&k| k as usize == self.keys.keys.len())
            && self
                .link_start
                .last()
                .is_some_and(|&l| l as usize == self.links.len())
    }
}

/// The index over one corpus.
///
/// A trial's own keys (id, acronym, registry ids, titles and their pinyin) are its own; the
/// names of the therapies and diseases it links to are the same for thousands of trials, so
/// they are stored once, as shared keys, and each trial lists the ones it links to. A search
/// scores each shared key once and looks the score up per trial.
#[derive(Serialize, Deserialize)]
pub struct Index {
    /// Not stored with the rest: a stored index is given its corpus when it is read back.
    #[serde(skip)]
    pub corpus: Arc<Corpus>,
    /// Slot → record.
    #[serde(with = "crate::raw")]
    pub records: Vec<RecordRef>,
    /// Stored apart, each on its own (see [`Index::encode_part`]).
    #[serde(skip)]
    parts: Vec<Part>,
    shared: Keys,
    /// Slot → first of its diseases in `diseases`; one entry more than slots.
    #[serde(with = "crate::raw")]
    disease_start: Vec<u32>,
    /// Positions (in `corpus.diseases`) of each trial's diseases, for facet counts.
    #[serde(with = "crate::raw")]
    diseases: Vec<u32>,
    /// Slot → a trial's phase as [`Phase`](crate::corpus::Phase) discriminant, or `NO_PHASE`.
    #[serde(with = "crate::raw")]
    phases: Vec<u8>,
    /// Slot → the kind its record counts as in the kind facet, which is what `kind:` keeps:
    /// its own, or [`NOT_A_STUDY`] for a statistic, guideline, case report or opinion.
    #[serde(with = "crate::raw")]
    facet_kinds: Vec<u8>,
    /// Slot → how ties rank: stronger evidence, then the more recent year, first.
    #[serde(with = "crate::raw")]
    tie_break: Vec<u32>,
    /// Words and disease names, for cutting and reading queries.
    pub lexicon: Lexicon,
}

/// The kind facet's bucket for records of kind trial that are not studies (`kind:trial` leaves
/// them out; `kind:statistic` and the like keep them).
pub const NOT_A_STUDY: usize = 4;

/// A slot without a phase (not a trial, or a trial whose phase is not given).
pub const NO_PHASE: u8 = u8::MAX;

impl Index {
    /// A stored index given back its corpus; `None` when it does not fit that corpus (a
    /// record it lists is not there).
    pub fn attach(mut self, corpus: Arc<Corpus>) -> Option<Index> {
        let fits = self.records.len() == corpus.len()
            && self.parts.len() == self.parts_stored()
            && self
                .parts
                .iter()
                .enumerate()
                .all(|(i, p)| p.holds((self.records.len() - i * PART).min(PART)))
            && self.records.iter().all(|r| {
                let n = match r.kind {
                    crate::corpus::Kind::Trial => corpus.trials.len(),
                    crate::corpus::Kind::Therapy => corpus.therapies.len(),
                    crate::corpus::Kind::Disease => corpus.diseases.len(),
                    crate::corpus::Kind::Source => corpus.sources.len(),
                };
                (r.index as usize) < n
            });
        fits.then(|| {
            self.corpus = corpus;
            self
        })
    }

    /// How many parts an index of its records is stored as: a stored index is read back
    /// without them (they are not serialized with it), then given each with
    /// [`Index::decode_part`].
    pub fn parts_stored(&self) -> usize {
        self.records.len().div_ceil(PART)
    }

    /// Part `i` (of [`Index::parts_stored`]), encoded. A library's snapshot stores each part in
    /// a section of its own, so that reading the index back holds one part's bytes at a time
    /// beside what is decoded, never the whole index's.
    pub fn encode_part(&self, i: usize) -> Result<Vec<u8>, rmp_serde::encode::Error> {
        rmp_serde::to_vec(&self.parts[i])
    }

    /// Adds the next part, as [`Index::encode_part`] encoded it.
    pub fn decode_part(&mut self, bytes: &[u8]) -> Result<(), rmp_serde::decode::Error> {
        self.parts.push(rmp_serde::from_slice(bytes)?);
        Ok(())
    }

    /// The order of a slot among hits that match equally well (lower first).
    pub fn tie_break(&self, slot: u32) -> u32 {
        self.tie_break[slot as usize]
    }

    /// Positions of a trial's diseases (empty for other records).
    pub fn diseases_of(&self, slot: usize) -> &[u32] {
        &self.diseases[self.disease_start[slot] as usize..self.disease_start[slot + 1] as usize]
    }

    /// The kind facet's bucket of a slot: its kind's discriminant, or [`NOT_A_STUDY`].
    pub fn facet_kind(&self, slot: usize) -> usize {
        usize::from(self.facet_kinds[slot])
    }

    /// A trial's phase as a `Phase` discriminant, or [`NO_PHASE`].
    pub fn phase_of(&self, slot: usize) -> u8 {
        self.phases[slot]
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The own keys of one slot.
    pub fn keys(&self, slot: usize) -> KeySlice<'_> {
        let part = &self.parts[slot >> PART_SHIFT];
        let local = slot & (PART - 1);
        let (from, to) = (
            part.key_start[local] as usize,
            part.key_start[local + 1] as usize,
        );
        KeySlice {
            keys: &part.keys.keys[from..to],
            text: &part.keys.text,
            wide: &part.keys.wide,
            wide_first: &part.wide_start[local],
            first: part.key_base + from as u32,
        }
    }

    /// The union of the masks of one slot's own keys.
    pub fn mask(&self, slot: usize) -> u64 {
        self.parts[slot >> PART_SHIFT].masks[slot & (PART - 1)]
    }

    /// The union of the pair masks of one slot's own keys.
    pub fn pairs(&self, slot: usize) -> u64 {
        self.parts[slot >> PART_SHIFT].pairs[slot & (PART - 1)]
    }

    /// The shared keys one slot links to, as positions in [`Index::shared`].
    pub fn links(&self, slot: usize) -> &[u32] {
        let part = &self.parts[slot >> PART_SHIFT];
        let local = slot & (PART - 1);
        &part.links[part.link_start[local] as usize..part.link_start[local + 1] as usize]
    }

    /// Every shared key.
    pub fn shared(&self) -> KeySlice<'_> {
        KeySlice {
            keys: &self.shared.keys,
            text: &self.shared.text,
            wide: &self.shared.wide,
            wide_first: &0,
            first: SHARED,
        }
    }

    /// A key's field and text by its reference.
    pub fn key(&self, r: KeyRef) -> (KeyField, &str) {
        let (keys, i) = if r & SHARED != 0 {
            (self.shared(), (r & !SHARED) as usize)
        } else {
            let p = self.parts.partition_point(|p| p.key_base <= r) - 1;
            let part = &self.parts[p];
            let keys = KeySlice {
                keys: &part.keys.keys,
                text: &part.keys.text,
                wide: &part.keys.wide,
                wide_first: &0,
                first: part.key_base,
            };
            (keys, (r - part.key_base) as usize)
        };
        let k = &keys.keys[i];
        (k.field, keys.text(k))
    }

    /// The slots `c` lets through, as a bitmap of every slot (bit `slot % 64` of word
    /// `slot / 64`), a part on each core in turn.
    pub fn candidates(&self, c: &Candidates) -> Vec<u64> {
        use rayon::prelude::*;
        let parts: Vec<Bits> = self.parts.par_iter().map(|p| c.part(&p.postings)).collect();
        let mut bits: Vec<u64> = parts.concat();
        bits.truncate(self.len().div_ceil(64));
        debug_assert!(bits.len() <= self.parts.len() * WORDS);
        bits
    }

    /// Bytes held by the posting lists (for statistics).
    pub fn postings_bytes(&self) -> usize {
        self.parts.iter().map(|p| p.postings.bytes()).sum()
    }

    /// Total number of keys: own keys, and shared keys once each (for statistics).
    pub fn key_count(&self) -> usize {
        self.parts.iter().map(|p| p.keys.keys.len()).sum::<usize>() + self.shared.keys.len()
    }
}

#[cfg(test)]
mod tests;
