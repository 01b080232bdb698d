//! How one unit of a query occurs in one key, best first: as its prefix, at a word's start,
//! inside a word, with only punctuation between its letters, as the initials of consecutive
//! words (from three letters on), or, from [`MIN_MISSPELT`] letters on, with at most
//! [`MAX_GAPS`] letters between them inside one word (a misspelling: tried only when the query
//! finds nothing as typed, see [`Engine::search`](super::Engine::search)); with the score and
//! tier of each (see [`score`](super::score) for how a record's units add up).

use super::index::postings::{self, Pairs};
use super::index::{Key, KeyField, KeySlice};
use super::normalize::{
    Wide, char_mask, each_char_pair, each_pair, in_wide, is_han, keeps, narrow_bit,
};

/// One unit of a query's free text, ready for matching.
pub(super) struct Term {
    pub(super) text: String,
    pub(super) mask: u64,
    /// Its pairs of adjacent letters (see [`Term::may_match`]), in 64 and in 256 bits.
    pairs: u64,
    wide: Wide,
    /// Each pair's position (see [`each_pair`]), for a misspelt unit, which may lack a few.
    pair_pos: Vec<u8>,
    /// Each pair of adjacent letters itself, in order, repeats kept: what the index's
    /// posting lists are looked up by (see [`Term::pair_keys`]).
    pair_chars: Vec<(char, char)>,
    /// A prepared substring searcher: building one per key would cost more than the search.
    pub(super) finder: memchr::memmem::Finder<'static>,
    /// The unit typed first: its field is the one a hit reports as matched.
    pub(super) first: bool,
    /// Chinese: its words are not set apart by spaces, so any occurrence counts as a word's.
    pub(super) han: bool,
    /// Three characters or more: may match as word initials (see [`quick_score`]).
    pub(super) apart: bool,
    /// [`MIN_MISSPELT`] characters or more, and misspellings asked for: may match misspelt.
    pub(super) misspelt: bool,
    /// Only ASCII: scanned byte by byte.
    pub(super) ascii: bool,
}

impl Term {
    /// The unit `text`, typed first or not; matched misspelt too when `tolerant` (and long
    /// enough).
    pub(super) fn new(text: &str, first: bool, tolerant: bool) -> Term {
        let mut pair_pos = Vec::new();
        each_pair(text, |p| pair_pos.push(p));
        let mut pair_chars = Vec::new();
        each_char_pair(text, |a, b| pair_chars.push((a, b)));
        let mut wide = Wide::default();
        for &p in &pair_pos {
            wide[usize::from(p >> 6)] |= narrow_bit(p);
        }
        Term {
            mask: char_mask(text),
            pairs: pair_pos.iter().fold(0, |m, &p| m | narrow_bit(p)),
            wide,
            pair_pos,
            pair_chars,
            finder: memchr::memmem::Finder::new(text.as_bytes()).into_owned(),
            text: text.to_string(),
            first,
            han: text.chars().next().is_some_and(is_han),
            apart: text.chars().nth(2).is_some(),
            misspelt: tolerant && may_be_misspelt(text),
            ascii: text.is_ascii(),
        }
    }

    /// Whether keys whose character and pair masks are these may hold the unit at all: every
    /// character of it, and every pair of its adjacent letters (a substring, letters with
    /// only punctuation between, and word initials keep them all); a misspelt unit may lose
    /// one pair to each letter between its letters, so all but [`MAX_GAPS`] of them. One or
    /// two ANDs, where reading the key's text costs a search of it.
    #[inline]
    pub(super) fn may_match(&self, mask: u64, pairs: u64) -> bool {
        mask & self.mask == self.mask && self.pairs_in(pairs, true)
    }

    /// Whether a 64-bit pair mask holds the unit's pairs: all of them, or, when `misspelt`
    /// may apply, all but [`MAX_GAPS`].
    #[inline]
    fn pairs_in(&self, pairs: u64, misspelt: bool) -> bool {
        pairs & self.pairs == self.pairs
            || (misspelt && self.lacks_few(|p| pairs & narrow_bit(p) != 0))
    }

    /// A misspelt unit: whether a key lacks at most [`MAX_GAPS`] of its pairs (`has` tells
    /// which pairs it holds); a misspelling loses at most one pair per letter between.
    #[inline]
    fn lacks_few(&self, has: impl Fn(u8) -> bool) -> bool {
        self.misspelt && self.pair_pos.iter().filter(|&&p| !has(p)).count() <= MAX_GAPS
    }

    /// [`Term::may_match`] for one key by its own masks. A field a unit never matches misspelt
    /// (pinyin, ids; see [`KeyField::misspellable`]) must hold every pair.
    #[inline]
    pub(super) fn may_match_narrow(&self, k: &Key) -> bool {
        k.mask & self.mask == self.mask && self.pairs_in(k.pairs, k.field.misspellable())
    }

    /// [`Term::may_match_narrow`], and for a long key its wide pair mask (see
    /// [`Term::may_match_wide`]).
    #[inline]
    pub(super) fn may_match_key(&self, k: &Key, wide: Option<&Wide>) -> bool {
        self.may_match_narrow(k) && wide.is_none_or(|w| self.may_match_wide(k, w))
    }

    /// The posting lists a record's own keys must have for one of them to hold the unit (see
    /// [`Term::may_match_narrow`], whose test this is over all of a record's keys at once):
    /// every pair in the keys where its letters stand together, or, where it may be
    /// misspelt, every pair but [`MAX_GAPS`] for a misspelt unit.
    pub(super) fn pair_keys(&self) -> Pairs {
        let keys = |loose: bool| {
            self.pair_chars
                .iter()
                .map(|&(a, b)| postings::pair_key(loose, a, b))
                .collect()
        };
        Pairs {
            tight: keys(false),
            loose: keys(true),
            budget: if self.misspelt { MAX_GAPS } else { 0 },
        }
    }

    /// How many pairs of adjacent letters the unit has.
    pub(super) fn pair_count(&self) -> usize {
        self.pair_pos.len()
    }

    /// Whether the unit has a pair of adjacent letters (two letters or more).
    #[inline]
    pub(super) fn has_pairs(&self) -> bool {
        self.pairs != 0
    }

    /// The pair test of [`Term::may_match_narrow`] on a long key's wide pair mask, which its
    /// 64-bit one, mostly ones, cannot make.
    #[inline]
    pub(super) fn may_match_wide(&self, k: &Key, w: &Wide) -> bool {
        !self.has_pairs()
            || w.iter().zip(&self.wide).all(|(w, t)| w & t == *t)
            || (k.field.misspellable() && self.lacks_few(|p| in_wide(w, p)))
    }

    /// The best tier and score a key could give this unit, from its first byte alone (which
    /// the key holds, so its text is not read): tier 0
    /// only for an identifying key as long as the unit, tier 1 only for a name's, a therapy's
    /// or a disease's key or the start of a registry id, and a prefix's score only where the first bytes agree (see
    /// [`tier_of`] and [`quick_score`]); inside the pinyin of a name, only a misspelling's.
    pub(super) fn bound(&self, k: &Key) -> (u8, i64) {
        let prefix = k.first_byte().as_ref() == self.text.as_bytes().first();
        if !prefix && k.field.syllables() {
            return (3, SCATTERED + k.field.boost());
        }
        // A hit at a word's start, which ranks above one inside a word.
        let word = prefix || self.han || k.words();
        let tier = if k.field.identifies() && k.stripped_len() == self.text.len() {
            0
        } else if (word
            && (k.field.is_name() || matches!(k.field, KeyField::Therapy | KeyField::Disease)))
            || (prefix && k.field == KeyField::Registry)
        {
            1
        } else {
            2
        };
        let class = if prefix {
            PREFIX
        } else if word {
            WORD
        } else {
            INNER
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
/// Scores of the classes of hits (see [`quick_score`]), before the field's boost.
pub(super) const PREFIX: i64 = 400;
pub(super) const WORD: i64 = 320;
pub(super) const INNER: i64 = 260;
pub(super) const INITIALS: i64 = 150;
pub(super) const SCATTERED: i64 = 100;

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
        // The start of a registry id (`nct0251` of NCT02513394) names the record as surely as
        // the start of its name does.
        Class::Prefix if k.field == KeyField::Registry => 1,
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
    let needle = term.text.as_bytes();
    // A one-byte unit at the key's start is told by the byte the key holds: a short query
    // matches the start of most records' names, and their text is not read.
    if let [only] = needle
        && k.first_byte() == Some(*only)
    {
        return Some((PREFIX, Class::Prefix));
    }
    let hay = keys.bytes(k);
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
    let budget = if misspelt && k.field.misspellable() {
        MAX_GAPS
    } else {
        0
    };
    let found = if budget == 0 && !k.joined() {
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
    let (start, gaps) = found?;
    // A misspelling at the key's start ranks above one inside it, and one of the whole key
    // above both: "pembrolizumb" is the drug Pembrolizumab before a title that names it.
    let at_start = if start == 0 { 10 } else { 0 };
    let whole = if start == 0 && k.stripped_len() == needle.len() + gaps {
        10
    } else {
        0
    };
    Some((
        SCATTERED - 10 * gaps as i64 + at_start + whole,
        Class::Scattered,
    ))
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
pub const MAX_GAPS: usize = 2;

/// The fewest characters a unit has for letters between its letters to count as a
/// misspelling: "tace" is not a misspelling of "resisTAnCE".
pub const MIN_MISSPELT: usize = 5;

/// Whether a unit is long enough to be matched misspelt.
pub(super) fn may_be_misspelt(unit: &str) -> bool {
    unit.chars().nth(MIN_MISSPELT - 1).is_some()
}

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
}
