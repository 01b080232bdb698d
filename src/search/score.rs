//! Matching and scoring one record: filters first, then every unit of the free text (see
//! [`Plan`](super::plan::Plan)) against the record's keys.
//!
//! A unit matches a key where its letters stand together (as the key's start, a word's start,
//! or inside a word; punctuation between them does not count), as the first letters of
//! consecutive words (from three letters on), or, from [`MIN_MISSPELT`] letters on, with at
//! most [`MAX_GAPS`] letters between them inside one word (a misspelling); a word misspelt otherwise matches as the nearest word of a therapy's
//! or disease's name (see [`Lexicon::correction`](super::plan::Lexicon::correction)). Units
//! that name a disease also match the studies of that disease and
//! of its subtypes.
//!
//! Ranking is by tier, then score. A record's tier is that of its weakest group of units: 0
//! an exact id, acronym, registry id, alias or name; 1 the start of a name or of a word of
//! one, also in the names and classes of linked therapies and diseases (which score lower);
//! 2 any other contiguous hit (inside a word, word initials, a class, an arm, the studies of a
//! named disease); 3 the letters of a misspelling. So a whole word or acronym always ranks
//! above scattered letters. Ties go to the stronger evidence level, then the more recent year.

use super::engine::Engine;
use super::filter::passes;
use super::index::{Key, KeyField, KeyRef, KeySlice, SHARED};
use super::normalize::{char_mask, is_han, keeps};
use super::plan::{Group, Plan};
use super::query::Query;
use crate::corpus::Kind;

/// One unit of a query's free text, ready for matching.
pub(super) struct Term {
    text: String,
    mask: u64,
    /// A prepared substring searcher: building one per key would cost more than the search.
    finder: memchr::memmem::Finder<'static>,
    /// The unit typed first: its field is the one a hit reports as matched.
    first: bool,
    /// Chinese: its words are not set apart by spaces, so any occurrence counts as a word's.
    han: bool,
    /// Three characters or more: may match as word initials (see [`quick_score`]).
    apart: bool,
    /// [`MIN_MISSPELT`] characters or more: may match misspelt.
    misspelt: bool,
    /// Only ASCII: scanned byte by byte.
    ascii: bool,
}

impl Term {
    fn new(text: &str, first: bool) -> Term {
        Term {
            mask: char_mask(text),
            finder: memchr::memmem::Finder::new(text.as_bytes()).into_owned(),
            text: text.to_string(),
            first,
            han: text.chars().next().is_some_and(is_han),
            apart: text.chars().nth(2).is_some(),
            misspelt: text.chars().nth(MIN_MISSPELT - 1).is_some(),
            ascii: text.is_ascii(),
        }
    }

    /// The best tier and score a key could give this unit, from its first byte alone: tier 0
    /// only for an identifying key as long as the unit, tier 1 only for a name's, a therapy's
    /// or a disease's key, and a prefix's score only where the first bytes agree (see
    /// [`tier_of`] and [`quick_score`]).
    fn bound(&self, k: &Key, first: Option<&u8>) -> (u8, i64) {
        let tier = if k.field.identifies() && k.stripped_len() == self.text.len() {
            0
        } else if k.field.is_name() || matches!(k.field, KeyField::Therapy | KeyField::Disease) {
            1
        } else {
            2
        };
        let class = if first == self.text.as_bytes().first() {
            PREFIX
        } else {
            WORD
        };
        (tier, class + k.field.boost())
    }
}

/// How a unit occurs in a key, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    /// At the key's start.
    Prefix,
    /// At the start of a word (anywhere, for Chinese).
    Word,
    /// Inside a word.
    Inner,
    /// As the first letters of consecutive words.
    Initials,
    /// Letters in order with a few others between them.
    Scattered,
}

/// A match as the scan finds it, before ranking: small, because a short query matches most
/// records, and ordered by one integer.
#[derive(Clone, Copy)]
pub(super) struct Cand {
    /// Tier, score and tie-break packed so that ascending order is rank order (see [`order`]).
    pub(super) order: u64,
    pub(super) slot: u32,
    /// The key the first term matched best; none when there are no terms.
    pub(super) key: Option<KeyRef>,
    pub(super) field: Option<KeyField>,
    pub(super) named: bool,
}

/// The largest score the packed order holds; no sum of a query's terms comes near it.
pub(super) const SCORE_MAX: i64 = (1 << 24) - 1;

/// Rank order as one integer: tier, then the higher score, then the tie-break; candidates and
/// hits are both ordered by it (then by slot).
pub(super) fn order(tier: u8, score: i64, tie_break: u32) -> u64 {
    (u64::from(tier) << 56)
        | (((SCORE_MAX - score.clamp(0, SCORE_MAX)) as u64) << 32)
        | u64::from(tie_break)
}

pub(super) fn unpack(order: u64) -> (u8, i64) {
    (
        (order >> 56) as u8,
        SCORE_MAX - ((order >> 32) & SCORE_MAX as u64) as i64,
    )
}

/// A query's units made ready for matching, once per search.
pub(super) struct Prepared<'p> {
    terms: Vec<Term>,
    corrections: Vec<Option<Term>>,
    groups: Vec<&'p Group>,
    shared: Vec<SharedScores>,
    shared_corrections: Vec<Option<SharedScores>>,
    whole: Option<&'p str>,
}

impl Prepared<'_> {
    /// What every slot is matched against.
    pub(super) fn scan<'a>(&'a self, q: &'a Query) -> Scan<'a> {
        Scan {
            q,
            terms: &self.terms,
            corrections: &self.corrections,
            groups: &self.groups,
            shared: &self.shared,
            shared_corrections: &self.shared_corrections,
            whole: self.whole,
        }
    }
}

impl Engine {
    /// Prepares a plan's units: their searchers, the order groups are tried in, and each
    /// shared key's score for each unit.
    pub(super) fn prepare<'p>(&self, plan: &'p Plan) -> Prepared<'p> {
        let term = |i: usize, t: &String| Term::new(t, i == 0);
        let terms: Vec<Term> = plan
            .units
            .iter()
            .enumerate()
            .map(|(i, t)| term(i, t))
            .collect();
        let corrections: Vec<Option<Term>> = plan
            .corrections
            .iter()
            .enumerate()
            .map(|(i, c)| c.as_ref().map(|t| term(i, t)))
            .collect();
        // Groups of plain text first, the longest first: they match fewest records, so most
        // are rejected by one unit. A group that names a disease may match by a link instead.
        let mut groups: Vec<&Group> = plan.groups.iter().collect();
        groups.sort_by_key(|g| {
            (
                g.diseases.is_some(),
                std::cmp::Reverse(terms[g.units.start].text.len()),
            )
        });
        let shared = terms.iter().map(|t| self.shared_scores(t)).collect();
        let shared_corrections = corrections
            .iter()
            .map(|c| c.as_ref().map(|t| self.shared_scores(t)))
            .collect();
        Prepared {
            terms,
            corrections,
            groups,
            shared,
            shared_corrections,
            whole: plan.whole.as_deref(),
        }
    }

    /// Each shared key (a therapy's or disease's name) scored for one unit: once per search,
    /// not once per trial that links to it.
    fn shared_scores(&self, term: &Term) -> SharedScores {
        let shared = self.index.shared();
        shared
            .keys
            .iter()
            .map(|k| {
                if k.mask & term.mask != term.mask {
                    return (-1, u8::MAX);
                }
                quick_score(shared, k, term).map_or((-1, u8::MAX), |(s, class)| {
                    (
                        (s + k.field.boost()) as i32,
                        tier_of(shared, k, class, term).max(1),
                    )
                })
            })
            .collect()
    }
    /// Every key of a slot, its own and the shared keys it links to, each with the keys it
    /// is one of (for its text).
    fn all_keys(&self, slot: u32) -> impl Iterator<Item = (KeySlice<'_>, &Key)> {
        let own = self.index.keys(slot as usize);
        let shared = self.index.shared();
        own.keys.iter().map(move |k| (own, k)).chain(
            self.index
                .links(slot as usize)
                .iter()
                .map(move |&l| (shared, &shared.keys[l as usize])),
        )
    }

    pub(super) fn match_slot(&self, scan: &Scan, slot: u32) -> Option<Cand> {
        if !self.passes_clauses(scan.q, slot) {
            return None;
        }
        let tie_break = self.index.tie_break(slot);
        if scan.terms.is_empty() {
            return Some(Cand {
                order: order(3, 0, tie_break),
                slot,
                key: None,
                field: None,
                named: false,
            });
        }
        let mut total = 0i64;
        let mut tier = 0u8;
        let mut first: Option<(KeyField, Option<KeyRef>)> = None;
        for g in scan.groups {
            let (s, t, group_first) = self.match_group(scan, g, slot)?;
            if first.is_none() {
                first = group_first;
            }
            total += s;
            tier = tier.max(t);
        }
        let keys = self.index.keys(slot as usize);
        let named = scan.whole.is_some_and(|w| {
            keys.keys
                .iter()
                .any(|k| k.field.identifies() && keys.is_exact(k, w))
        });
        if named {
            // The whole query names this record: it outranks a record one word names.
            tier = 0;
            total += NAMED;
        }
        Some(Cand {
            order: order(tier, total, tie_break),
            slot,
            key: first.and_then(|(_, k)| k),
            field: first.map(|(f, _)| f),
            named,
        })
    }

    /// Whether a slot passes a query's filters, phrases and exclusions.
    fn passes_clauses(&self, q: &Query, slot: u32) -> bool {
        let record = self.index.records[slot as usize];
        let corpus = self.corpus();
        if !q
            .filters
            .iter()
            .all(|f| passes(corpus, record, &f.item) != f.negated)
        {
            return false;
        }
        for p in &q.phrases {
            let found = self
                .all_keys(slot)
                .any(|(ks, k)| ks.text(k).contains(&p.item));
            if found == p.negated {
                return false;
            }
        }
        q.excluded.iter().all(|ex| {
            let m = char_mask(ex);
            !self.all_keys(slot).any(|(ks, k)| {
                k.mask & m == m
                    && ks
                        .text(k)
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .collect::<String>()
                        .contains(ex.as_str())
            })
        })
    }

    /// How a slot matches one group of units: score, tier, and the field (and key) of the
    /// unit typed first when it is in this group; `None` when it does not match. The units
    /// match by text, or, when they name a disease, by a link to it (whichever ranks higher).
    fn match_group(
        &self,
        scan: &Scan,
        g: &Group,
        slot: u32,
    ) -> Option<(i64, u8, Option<(KeyField, Option<KeyRef>)>)> {
        let keys = self.index.keys(slot as usize);
        let links = self.index.links(slot as usize);
        let mask = self.index.mask(slot as usize);
        let mut text: Option<(i64, u8)> = Some((0, 0));
        let mut text_first = None;
        for ti in g.units.clone() {
            let term = &scan.terms[ti];
            // A misspelt unit matches as the word it is taken for, in the last tier.
            let hit = self
                .best_key(keys, mask, links, &scan.shared[ti], term)
                .or_else(|| {
                    let c = scan.corrections[ti].as_ref()?;
                    let scores = scan.shared_corrections[ti].as_ref()?;
                    let (s, _, key, field) = self.best_key(keys, mask, links, scores, c)?;
                    Some((s / 4, 3, key, field))
                });
            let Some((s, t, key, field)) = hit else {
                text = None;
                break;
            };
            text = text.map(|(ts, tt)| (ts + s, tt.max(t)));
            if term.first {
                text_first = Some((field, Some(key)));
            }
        }
        let link = g.diseases.as_ref().and_then(|set| {
            let record = self.index.records[slot as usize];
            let linked = match record.kind {
                Kind::Disease => set[record.index as usize],
                _ => self
                    .index
                    .diseases_of(slot as usize)
                    .iter()
                    .any(|&d| set[d as usize]),
            };
            linked.then(|| (DISEASE_LINK * g.units.len() as i64, 2u8))
        });
        let (s, t) = match (text, link) {
            (Some(a), Some(b)) if (b.1, -b.0) < (a.1, -a.0) => {
                text_first = None;
                b
            }
            (Some(a), _) => a,
            (None, Some(b)) => b,
            (None, None) => return None,
        };
        if text_first.is_none() && scan.terms[g.units.start].first {
            text_first = Some((KeyField::Disease, None));
        }
        Some((s, t, text_first))
    }

    /// A unit's best hit among a slot's own keys and, when none is a name's, the shared keys
    /// it links to: score, tier, key and field.
    fn best_key(
        &self,
        keys: KeySlice<'_>,
        mask: u64,
        links: &[u32],
        shared: &[(i32, u8)],
        term: &Term,
    ) -> Option<(i64, u8, KeyRef, KeyField)> {
        let mut best: Option<(i64, u8, KeyRef, KeyField)> = None;
        // No own key holds every character of the unit: only links can match.
        let own = if mask & term.mask == term.mask {
            keys.keys
        } else {
            &[]
        };
        for (ki, k) in own.iter().enumerate() {
            if k.mask & term.mask != term.mask {
                continue;
            }
            // Once a name matched, a key that is neither a name nor an id can only add a hit
            // of a lower tier: skip its text.
            if best.is_some_and(|(_, bt, ..)| bt <= 2)
                && !k.field.is_name()
                && !k.field.identifies()
            {
                continue;
            }
            // A key whose best possible hit does not beat the best so far is not read (the
            // first of equal hits is kept).
            if let Some((bs, bt, ..)) = best {
                let (t, s) = term.bound(k, keys.bytes(k).first());
                if (t, -s) >= (bt, -bs) {
                    continue;
                }
            }
            let Some((score, class)) = quick_score(keys, k, term) else {
                continue;
            };
            let t = tier_of(keys, k, class, term);
            let s = score + k.field.boost();
            if best.is_none_or(|(bs, bt, ..)| (t, -s) < (bt, -bs)) {
                best = Some((s, t, keys.key_ref(ki), k.field));
                if t == 0 {
                    break; // nothing ranks above an exact hit
                }
            }
        }
        // Linked therapies' and diseases' names score below the record's own names (they
        // have no boost): they matter only when nothing of the record's own matched as well.
        if best.is_none_or(|(_, bt, ..)| bt > 1) {
            let shared_keys = self.index.shared();
            for &l in links {
                let (s, t) = shared[l as usize];
                let s = i64::from(s);
                if s >= 0 && best.is_none_or(|(bs, bt, ..)| (t, -s) < (bt, -bs)) {
                    best = Some((s, t, SHARED | l, shared_keys.keys[l as usize].field));
                }
            }
        }
        best
    }
}

/// Each shared key's score and tier for one unit, or -1 when it does not match.
pub(super) type SharedScores = Box<[(i32, u8)]>;

/// What every slot of one search is matched against.
#[derive(Clone, Copy)]
pub(super) struct Scan<'a> {
    q: &'a Query,
    terms: &'a [Term],
    /// Per unit, the word a misspelt one is taken for.
    corrections: &'a [Option<Term>],
    /// The groups of units, in the order they are tried.
    groups: &'a [&'a Group],
    /// Per unit (in `terms` order), each shared key's score and tier, or -1 when it does not
    /// match.
    shared: &'a [SharedScores],
    /// The same for the corrections.
    shared_corrections: &'a [Option<SharedScores>],
    whole: Option<&'a str>,
}

/// Added to the score of a record the whole query names exactly.
pub(super) const NAMED: i64 = 100_000;

/// Scores of the classes of hits (see [`quick_score`]), before the field's boost.
pub(super) const PREFIX: i64 = 400;
pub(super) const WORD: i64 = 320;
pub(super) const INNER: i64 = 260;
pub(super) const INITIALS: i64 = 150;
pub(super) const SCATTERED: i64 = 100;

/// The score, per unit, of a study matched through a disease its units name.
pub(super) const DISEASE_LINK: i64 = 300;

/// The tier of a key's hit of class `class` (see the module documentation).
pub(super) fn tier_of(keys: KeySlice<'_>, k: &Key, class: Class, term: &Term) -> u8 {
    match class {
        Class::Prefix | Class::Word | Class::Inner
            if k.field.identifies() && keys.is_exact(k, &term.text) =>
        {
            0
        }
        Class::Scattered => 3,
        Class::Prefix | Class::Word
            if k.field.is_name() || matches!(k.field, KeyField::Therapy | KeyField::Disease) =>
        {
            1
        }
        _ => 2,
    }
}

/// The quick pass over every key: how `term` occurs in the key's text (both folded), best
/// first: as its prefix, as a substring (at a word's start or inside a word), with only
/// punctuation between its letters, as the initials of consecutive words, or with at most
/// [`MAX_GAPS`] letters between its letters; and a score in that order. This is what lets one
/// keystroke search hundreds of thousands of records: it costs a `starts_with`, a `find` and
/// short scans, where a full fuzzy alignment costs far more.
pub(super) fn quick_score(keys: KeySlice<'_>, k: &Key, term: &Term) -> Option<(i64, Class)> {
    let (hay, needle) = (keys.bytes(k), term.text.as_bytes());
    if needle.len() > hay.len() {
        return None;
    }
    // Compared in line: a call to `memcmp` for a few bytes costs more than the comparison.
    if hay.iter().zip(needle).all(|(a, b)| a == b) {
        return Some((PREFIX, Class::Prefix));
    }
    // Where in a key a unit occurs, and how long the key is, does not count: between hits of
    // one class and field, the stronger evidence ranks first.
    let contiguous = |i: usize| {
        if i == 0 {
            Some((PREFIX, Class::Prefix))
        } else if term.han || word_start(keys.text(k), hay, i) {
            Some((WORD, Class::Word))
        } else if k.field.syllables() {
            // Inside the pinyin of a name, perhaps inside a syllable ("haic" in
            // "shaicha"): ranked with misspellings, below every whole word.
            Some((SCATTERED, Class::Scattered))
        } else {
            Some((INNER, Class::Inner))
        }
    };
    if let Some(i) = term.finder.find(hay) {
        return contiguous(i);
    }
    // Pinyin has no punctuation to pass over, and its letters never match apart.
    if !k.field.scattered() {
        return None;
    }
    // Letters apart would make a unit of a few letters match nearly every record, and so
    // would a few letters of pinyin (see `KeyField::scattered`): word initials need three
    // letters, a misspelling [`MIN_MISSPELT`]; otherwise letters match only where they stand
    // together, punctuation aside.
    let apart = term.apart;
    let misspelt = term.misspelt;
    let budget = if misspelt { MAX_GAPS } else { 0 };
    let found = if budget == 0 && !k.joined {
        None
    } else if term.ascii {
        tight_bytes(hay, needle, budget)
    } else {
        tight_chars(keys.text(k), &term.text, budget)
    };
    if let Some((start, 0)) = found {
        return contiguous(start);
    }
    if !apart {
        return None;
    }
    if !term.han {
        let initials = keys.initials(k).as_bytes();
        if initials.len() >= needle.len() && initials.windows(needle.len()).any(|w| w == needle) {
            return Some((INITIALS, Class::Initials));
        }
    }
    let (_, gaps) = found?;
    Some((SCATTERED - 10 * gaps as i64, Class::Scattered))
}

/// Whether byte `i` of a key's text starts a word.
fn word_start(text: &str, hay: &[u8], i: usize) -> bool {
    match hay[..i].last() {
        None => true,
        Some(b) if b.is_ascii() => !b.is_ascii_alphanumeric(),
        // Chinese text before it (the common case, told without a Unicode table lookup).
        Some(_) => !text[..i]
            .chars()
            .next_back()
            .is_some_and(|c| is_han(c) || c.is_alphanumeric()),
    }
}

/// How many letters may lie between the letters of a misspelt unit, in all. The same for
/// every length, so that typing on only ever narrows the matches (see [`Plan::narrows`]): a
/// unit's letters never lie further apart than those of a longer unit that contains it.
pub(super) const MAX_GAPS: usize = 2;

/// The fewest characters a unit has for letters between its letters to count as a
/// misspelling: "tace" is not a misspelling of "resisTAnCE".
pub const MIN_MISSPELT: usize = 5;

/// Where `needle`'s bytes occur in order in `hay` with the fewest letters (ASCII letters and
/// digits, and other chars, counted once each) between them, if at most `budget`: the byte
/// where that occurrence starts and the letters between. Punctuation between is free when no
/// letter is ("pd1" in "pd-1"); a space ends the occurrence (keys whose letters no punctuation
/// joins are not scanned for such a match: see `Key::joined`); letters between must lie in the same word as the
/// unit's ("pembrolizumb" in "pembrolizumab", not "tace" in "breast cancer"). Every
/// occurrence of the first byte is tried (no byte of a multi-byte char equals an ASCII one).
pub(super) fn tight_bytes(hay: &[u8], needle: &[u8], budget: usize) -> Option<(usize, usize)> {
    let (&first, rest) = needle.split_first()?;
    let letter = |b: u8| b.is_ascii_alphanumeric() || b >= 0xC0;
    let mut best: Option<(usize, usize)> = None;
    for start in memchr::memchr_iter(first, hay) {
        if hay.len() - start < needle.len() {
            break;
        }
        let limit = best.map_or(budget, |(_, g)| g.saturating_sub(1));
        let (mut gaps, mut crossed) = (0, false);
        let mut at = start + 1;
        let mut ok = true;
        for &b in rest {
            loop {
                let Some(&h) = hay.get(at) else {
                    ok = false;
                    break;
                };
                at += 1;
                if h == b {
                    break;
                }
                if letter(h) {
                    gaps += 1;
                } else if h.is_ascii_whitespace() {
                    ok = false;
                    break;
                } else if h < 0x80 {
                    crossed = true;
                }
                if gaps > limit || (gaps > 0 && crossed) {
                    ok = false;
                    break;
                }
            }
            if !ok {
                break;
            }
        }
        if ok && best.is_none_or(|(_, g)| gaps < g) {
            best = Some((start, gaps));
            if gaps == 0 {
                break;
            }
        }
    }
    best
}

/// [`tight_bytes`] for a unit with characters beyond ASCII; the start is still a byte offset.
pub(super) fn tight_chars(text: &str, term: &str, budget: usize) -> Option<(usize, usize)> {
    // Read in place: this runs for every joined key a Chinese unit is tried on.
    let mut needle = term.chars();
    let first = needle.next()?;
    let mut best: Option<(usize, usize)> = None;
    for (start, c) in text.char_indices() {
        if c != first {
            continue;
        }
        let limit = best.map_or(budget, |(_, g)| g.saturating_sub(1));
        let mut hay = text[start + c.len_utf8()..].chars();
        let (mut gaps, mut crossed, mut ok) = (0, false, true);
        for tc in needle.clone() {
            loop {
                let Some(h) = hay.next() else {
                    ok = false;
                    break;
                };
                if h == tc {
                    break;
                }
                if keeps(h) {
                    gaps += 1;
                } else if h.is_whitespace() {
                    ok = false;
                    break;
                } else {
                    crossed = true;
                }
                if gaps > limit || (gaps > 0 && crossed) {
                    ok = false;
                    break;
                }
            }
            if !ok {
                break;
            }
        }
        if ok && best.is_none_or(|(_, g)| gaps < g) {
            best = Some((start, gaps));
            if gaps == 0 {
                break;
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tight_matches_count_letters_between_not_punctuation() {
        assert_eq!(tight_bytes(b"leap-012", b"leap01", 0), Some((0, 0)));
        assert_eq!(tight_bytes(b"pd-1 inhibitor", b"pd1", 0), Some((0, 0)));
        // The tightest occurrence, not the first.
        assert_eq!(
            tight_bytes(b"p x m pembrolizumab", b"pembr", 10),
            Some((6, 0))
        );
        assert_eq!(
            tight_bytes(b"pembrolizumab", b"pembrolizumb", 2),
            Some((0, 1))
        );
        // Letters scattered through a long word are not a misspelling.
        assert_eq!(tight_bytes(b"haematopoietic", b"haic", 2), None);
        assert_eq!(tight_bytes(b"breast cancer", b"tace", 2), None);
        assert_eq!(tight_chars("贝林妥欧单抗", "贝妥单", 2), Some((0, 2)));
        assert_eq!(tight_chars("奥希替尼", "奥希尼", 2), Some((0, 1)));
    }

    #[test]
    fn order_packs_rank() {
        let a = order(1, 500, 7);
        assert!(order(0, 1, 9) < a, "a better tier first");
        assert!(order(1, 600, 9) < a, "then the higher score");
        assert!(order(1, 500, 6) < a, "then the tie-break");
        assert_eq!(unpack(a), (1, 500));
    }
}
