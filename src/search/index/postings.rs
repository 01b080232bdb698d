//! Posting lists of a part: for each pair of adjacent letters of its records' own keys (in
//! two groups: keys a unit must match where its letters stand together, and keys it may
//! match misspelt), each shared key its records link to, and each disease they are studies
//! of, the slots of the part that have it. A search intersects them for its units (see
//! [`Candidates`]) before any key is read, so a record that cannot match costs a bit of a
//! bitmap, not a read of its keys.
//!
//! Each set is the sorted local slots (two bytes each) while it has fewer than
//! [`DENSE_FROM`], and a bitmap of the part's 4,096 slots (512 bytes) from then on.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{KeyField, PART};

/// Words of a part's bitmap.
pub const WORDS: usize = PART / 64;

/// A part's slots as a bitmap.
pub type Bits = [u64; WORDS];

/// From this many slots a set is a bitmap (as small as the list, and faster to combine).
const DENSE_FROM: usize = PART / 16;

/// What a posting list is kept by (see [`PostingKey`]'s constructors).
pub type PostingKey = u64;

const TAG_SHIFT: u32 = 62;
const TIGHT: u64 = 0;
const LOOSE: u64 = 1 << TAG_SHIFT;
const LINK: u64 = 2 << TAG_SHIFT;
const DISEASE: u64 = 3 << TAG_SHIFT;

/// The key of pair `a b` in a key of field `field`: fields a unit may match misspelt (see
/// [`KeyField::misspellable`]) and the others are kept apart, because a misspelt unit may lack
/// a few of its pairs only in the first.
pub fn pair_key(loose: bool, a: char, b: char) -> PostingKey {
    (if loose { LOOSE } else { TIGHT }) | (u64::from(a) << 21) | u64::from(b)
}

/// Whether a field's pairs are kept with those of the keys a unit may match misspelt.
pub fn loose(field: KeyField) -> bool {
    field.misspellable()
}

/// The key of the slots that link to shared key `l`.
pub fn link_key(l: u32) -> PostingKey {
    LINK | u64::from(l)
}

/// The key of the slots that are studies of disease `d` (by position), or disease `d`.
pub fn disease_key(d: u32) -> PostingKey {
    DISEASE | u64::from(d)
}

/// One part's posting lists.
#[derive(Default, Serialize, Deserialize)]
pub struct Postings {
    /// Sorted.
    #[serde(with = "crate::raw")]
    keys: Box<[PostingKey]>,
    /// For each key: a list's start in `lists` and length, or, with length `u32::MAX`, a
    /// bitmap's position in `bitmaps`.
    #[serde(with = "crate::raw")]
    sets: Box<[(u32, u32)]>,
    #[serde(with = "crate::raw")]
    lists: Box<[u16]>,
    /// Bitmaps of [`WORDS`] words each, one after the other.
    #[serde(with = "crate::raw")]
    bitmaps: Box<[u64]>,
}

/// One set of slots of a part.
#[derive(Clone, Copy)]
pub enum Set<'a> {
    List(&'a [u16]),
    Bitmap(&'a Bits),
}

impl Postings {
    /// The slots that have `key`, if any has it.
    pub fn get(&self, key: PostingKey) -> Option<Set<'_>> {
        let i = self.keys.binary_search(&key).ok()?;
        let (from, len) = self.sets[i];
        Some(if len == u32::MAX {
            let at = from as usize * WORDS;
            Set::Bitmap(self.bitmaps[at..at + WORDS].try_into().ok()?)
        } else {
            Set::List(&self.lists[from as usize..(from + len) as usize])
        })
    }

    /// Bytes held.
    pub fn bytes(&self) -> usize {
        self.keys.len() * 8 + self.sets.len() * 8 + self.lists.len() * 2 + self.bitmaps.len() * 8
    }
}

/// Builds one part's [`Postings`]; reused from part to part by one thread.
#[derive(Default)]
pub(super) struct PostingsBuilder {
    /// Slots of each key seen in this part, by a number of the builder's own: pairs of ASCII
    /// letters and digits, links and diseases by their place, other keys through `others`.
    lists: Vec<Vec<u16>>,
    /// The numbers of the lists filled in this part.
    used: Vec<u32>,
    /// Keys of lists beyond the fixed ones, by number.
    other_keys: Vec<PostingKey>,
    others: HashMap<PostingKey, u32>,
    shared: usize,
}

/// Letters and digits, numbered.
const ALNUM: usize = 36;
const ASCII_PAIRS: usize = 2 * ALNUM * ALNUM;

fn alnum(c: char) -> Option<usize> {
    match c {
        'a'..='z' => Some(c as usize - 'a' as usize),
        '0'..='9' => Some(26 + c as usize - '0' as usize),
        _ => None,
    }
}

impl PostingsBuilder {
    /// Readies the builder for a part of an index with `shared` shared keys and `diseases`
    /// diseases.
    pub(super) fn start(&mut self, shared: usize, diseases: usize) {
        let fixed = ASCII_PAIRS + shared + diseases;
        if self.lists.len() != fixed || self.shared != shared {
            self.lists.clear();
            self.lists.resize_with(fixed, Vec::new);
            self.other_keys.clear();
            self.others.clear();
            self.used.clear();
        }
        self.shared = shared;
    }

    fn fixed(&self) -> usize {
        self.lists.len() - self.other_keys.len()
    }

    fn push(&mut self, n: usize, local: u16) {
        let list = &mut self.lists[n];
        let last = list.last().copied();
        if last == Some(local) {
            return;
        }
        if last.is_none() {
            self.used.push(n as u32);
        }
        list.push(local);
    }

    /// Slot `local` has pair `a b` in a key of the loose group or not.
    pub(super) fn pair(&mut self, loose: bool, a: char, b: char, local: u16) {
        let n = match (alnum(a), alnum(b)) {
            (Some(x), Some(y)) => usize::from(loose) * ALNUM * ALNUM + x * ALNUM + y,
            _ => self.other(pair_key(loose, a, b)),
        };
        self.push(n, local);
    }

    /// Slot `local` links to shared key `l`.
    pub(super) fn link(&mut self, l: u32, local: u16) {
        self.push(ASCII_PAIRS + l as usize, local);
    }

    /// Slot `local` is a study of disease `d`, or disease `d` itself.
    pub(super) fn disease(&mut self, d: u32, local: u16) {
        self.push(ASCII_PAIRS + self.shared + d as usize, local);
    }

    fn other(&mut self, key: PostingKey) -> usize {
        if let Some(&n) = self.others.get(&key) {
            return n as usize;
        }
        let n = self.lists.len();
        self.lists.push(Vec::new());
        self.other_keys.push(key);
        self.others.insert(key, n as u32);
        n
    }

    fn key_of(&self, n: usize) -> PostingKey {
        let shared_from = ASCII_PAIRS;
        let diseases_from = ASCII_PAIRS + self.shared;
        if n < shared_from {
            let (group, rest) = (n / (ALNUM * ALNUM), n % (ALNUM * ALNUM));
            let ch = |i: usize| {
                if i < 26 {
                    (b'a' + i as u8) as char
                } else {
                    (b'0' + (i - 26) as u8) as char
                }
            };
            pair_key(group == 1, ch(rest / ALNUM), ch(rest % ALNUM))
        } else if n < diseases_from {
            link_key((n - shared_from) as u32)
        } else if n < self.fixed() {
            disease_key((n - diseases_from) as u32)
        } else {
            self.other_keys[n - self.fixed()]
        }
    }

    /// The part's posting lists; the builder is emptied for the next part.
    pub(super) fn take(&mut self) -> Postings {
        let mut order: Vec<(PostingKey, u32)> = self
            .used
            .iter()
            .map(|&n| (self.key_of(n as usize), n))
            .collect();
        order.sort_unstable();
        let (mut lists, mut bitmaps, mut sets) = (Vec::new(), Vec::new(), Vec::new());
        for &(_, n) in &order {
            let list = &mut self.lists[n as usize];
            if list.len() >= DENSE_FROM {
                let mut bits = [0u64; WORDS];
                for &s in list.iter() {
                    bits[usize::from(s) >> 6] |= 1 << (s & 63);
                }
                sets.push(((bitmaps.len() / WORDS) as u32, u32::MAX));
                bitmaps.extend_from_slice(&bits);
            } else {
                sets.push((lists.len() as u32, list.len() as u32));
                lists.extend_from_slice(list);
            }
            list.clear();
        }
        self.used.clear();
        // Keys beyond the fixed ones differ from part to part: start them afresh.
        let fixed = self.fixed();
        self.lists.truncate(fixed);
        self.other_keys.clear();
        self.others.clear();
        Postings {
            keys: order.iter().map(|&(k, _)| k).collect(),
            sets: sets.into(),
            lists: lists.into(),
            bitmaps: bitmaps.into(),
        }
    }
}

/// What a search asks of the posting lists: every slot that could match the query, a
/// superset of those that do. Each group of units (see [`Plan`](crate::search::plan::Plan))
/// must match; a group matches by text (every one of its units) or, when it names diseases,
/// by a study of one of them; a unit matches by one of its own keys' pairs (see [`Pairs`]),
/// or by a link to a shared key that matches it (its correction's alike).
#[derive(Debug, Default)]
pub struct Candidates {
    pub groups: Vec<GroupTest>,
}

/// One group of units (see [`Candidates`]).
#[derive(Debug, Default)]
pub struct GroupTest {
    /// Units that restrict (a unit of one letter, which has no pair, does not).
    pub units: Vec<UnitTest>,
    /// Disease keys, any of which lets a slot through.
    pub diseases: Vec<PostingKey>,
}

/// One unit (see [`Candidates`]).
#[derive(Debug, Default)]
pub struct UnitTest {
    /// The unit's own pairs, and its correction's.
    pub pairs: Vec<Pairs>,
    /// Link keys of the shared keys it (or its correction) matches.
    pub links: Vec<PostingKey>,
}

/// The pairs a key must have to hold a unit: a key where the unit's letters must stand
/// together has every pair (`tight`), a key where it may be misspelt all but `budget` of
/// them (`loose`, the same pairs in the other group, with repeats: each repeat is one more
/// pair a misspelling breaks).
#[derive(Debug, Default)]
pub struct Pairs {
    pub tight: Vec<PostingKey>,
    pub loose: Vec<PostingKey>,
    pub budget: usize,
}

impl Candidates {
    /// Whether it lets every slot through.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// The slots of one part it lets through.
    pub fn part(&self, p: &Postings) -> Bits {
        let mut out = [!0u64; WORDS];
        for g in &self.groups {
            let mut text = [!0u64; WORDS];
            for u in &g.units {
                and(&mut text, &u.eval(p));
                if is_zero(&text) {
                    break;
                }
            }
            for &d in &g.diseases {
                or(&mut text, p.get(d));
            }
            and(&mut out, &text);
            if is_zero(&out) {
                break;
            }
        }
        out
    }
}

impl UnitTest {
    fn eval(&self, p: &Postings) -> Bits {
        let mut out = [0u64; WORDS];
        for pairs in &self.pairs {
            or_bits(&mut out, &pairs.eval(p));
        }
        for &l in &self.links {
            or(&mut out, p.get(l));
        }
        out
    }
}

impl Pairs {
    fn eval(&self, p: &Postings) -> Bits {
        // Keys that need every pair.
        let mut out = [!0u64; WORDS];
        for &k in &self.tight {
            match p.get(k) {
                Some(s) => and_set(&mut out, s),
                None => {
                    out = [0; WORDS];
                    break;
                }
            }
        }
        // Keys that may lack `budget` pairs: slots lacking none so far, one, two.
        let mut lacks = [[0u64; WORDS]; 3];
        lacks[0] = [!0; WORDS];
        let budget = self.budget.min(2);
        let mut x = [0u64; WORDS];
        for &k in &self.loose {
            load(&mut x, p.get(k));
            for w in 0..WORDS {
                let (l0, l1, l2) = (lacks[0][w], lacks[1][w], lacks[2][w]);
                lacks[2][w] = (l2 & x[w]) | (l1 & !x[w]);
                lacks[1][w] = (l1 & x[w]) | (l0 & !x[w]);
                lacks[0][w] = l0 & x[w];
            }
        }
        for l in &lacks[..=budget] {
            or_bits(&mut out, l);
        }
        out
    }
}

fn is_zero(b: &Bits) -> bool {
    b.iter().all(|&w| w == 0)
}

fn and(a: &mut Bits, b: &Bits) {
    a.iter_mut().zip(b).for_each(|(a, b)| *a &= b);
}

fn or_bits(a: &mut Bits, b: &Bits) {
    a.iter_mut().zip(b).for_each(|(a, b)| *a |= b);
}

fn load(x: &mut Bits, s: Option<Set<'_>>) {
    match s {
        Some(Set::Bitmap(b)) => *x = *b,
        Some(Set::List(l)) => {
            *x = [0; WORDS];
            for &s in l {
                x[usize::from(s) >> 6] |= 1 << (s & 63);
            }
        }
        None => *x = [0; WORDS],
    }
}

fn and_set(a: &mut Bits, s: Set<'_>) {
    match s {
        Set::Bitmap(b) => and(a, b),
        Set::List(l) => {
            let mut x = [0u64; WORDS];
            for &s in l {
                let (w, bit) = (usize::from(s) >> 6, 1u64 << (s & 63));
                x[w] |= a[w] & bit;
            }
            *a = x;
        }
    }
}

fn or(a: &mut Bits, s: Option<Set<'_>>) {
    match s {
        Some(Set::Bitmap(b)) => or_bits(a, b),
        Some(Set::List(l)) => {
            for &s in l {
                a[usize::from(s) >> 6] |= 1 << (s & 63);
            }
        }
        None => {}
    }
}
