//! Matching and ranking: filters first, then every free term fuzzily against a record's keys,
//! then the best `limit` hits in rank order, with facet counts over all matches.
//!
//! Ranking: exact hits on an id, acronym, registry id, alias or name first; then hits on a
//! name (prefix before fuzzy); then the rest by match quality. Ties go to the stronger evidence
//! level, then the more recent year. The work is split across the machine's cores.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::index::{Index, Key, KeyField, KeyRef, KeySlice, SHARED};
use super::normalize::{char_mask, fold, fold_query, is_han, pinyin};
use super::query::{Filter, Query};
use crate::corpus::{Corpus, Kind, RecordRef};

/// One matching record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub record: RecordRef,
    /// 0 exact, 1 name prefix, 2 name, 3 other field.
    pub tier: u8,
    pub score: i64,
    /// The field the first term matched best, and that key's text.
    pub field: Option<KeyField>,
    pub matched: Option<String>,
    /// Slot in the index, for narrowing the next search.
    pub slot: u32,
    /// The key behind `field`, resolved into `matched` only for the hits returned.
    key: Option<KeyRef>,
    /// The whole query spells one of the record's ids or names exactly.
    named: bool,
}

/// Counts of the matches by kind, disease and phase.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    pub kinds: Vec<(Kind, usize)>,
    /// Disease id and count, largest first.
    pub diseases: Vec<(String, usize)>,
    /// Phase code and count.
    pub phases: Vec<(String, usize)>,
}

/// The answer to one query.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// The best hits, in rank order, at most the limit asked for.
    pub hits: Vec<Hit>,
    /// How many records matched in all.
    pub total: usize,
    /// Slots of every match (for narrowing the next query), in slot order.
    pub matched_slots: Vec<u32>,
    pub facets: Facets,
    pub elapsed: Duration,
}

/// Searches an [`Index`].
pub struct Engine {
    pub index: Index,
    matcher: SkimMatcherV2,
    threads: usize,
    /// Match buffers, one per chunk, kept from search to search.
    scratch: Mutex<Vec<Vec<Cand>>>,
}

struct Term {
    text: String,
    mask: u64,
    /// A prepared substring searcher: building one per key would cost more than the search.
    finder: memchr::memmem::Finder<'static>,
    /// The term typed first: its field is the one a hit reports as matched.
    first: bool,
}

/// A match as the scan finds it, before ranking: small, because a short query matches most
/// records, and ordered by one integer.
#[derive(Clone, Copy)]
struct Cand {
    /// Tier, score and tie-break packed so that ascending order is rank order (see [`order`]).
    order: u64,
    slot: u32,
    /// The key the first term matched best; none when there are no terms.
    key: Option<KeyRef>,
    field: Option<KeyField>,
    named: bool,
}

/// The largest score the packed order holds; no sum of a query's terms comes near it.
const SCORE_MAX: i64 = (1 << 24) - 1;

/// Rank order as one integer: tier, then the higher score, then the tie-break; candidates and
/// hits are both ordered by it (then by slot).
fn order(tier: u8, score: i64, tie_break: u32) -> u64 {
    (u64::from(tier) << 56)
        | (((SCORE_MAX - score.clamp(0, SCORE_MAX)) as u64) << 32)
        | u64::from(tie_break)
}

fn unpack(order: u64) -> (u8, i64) {
    (
        (order >> 56) as u8,
        SCORE_MAX - ((order >> 32) & SCORE_MAX as u64) as i64,
    )
}

impl Engine {
    pub fn new(index: Index) -> Engine {
        Engine {
            index,
            matcher: SkimMatcherV2::default().ignore_case(),
            threads: crate::par::cores(),
            scratch: Mutex::new(Vec::new()),
        }
    }

    pub fn corpus(&self) -> &Corpus {
        &self.index.corpus
    }

    /// Runs `q`, over `within` (slots of an earlier, broader query's matches) when given.
    pub fn search(&self, q: &Query, within: Option<&[u32]>, limit: usize) -> Results {
        // `|` alternatives, a `sort:`, and a limit below the refined shortlist go through
        // `order`, which calls back here with a plain query.
        if let Some(r) = self.search_ordered(q, within, limit) {
            return r;
        }
        let started = Instant::now();
        let mut terms: Vec<Term> = q
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| Term {
                mask: char_mask(t),
                finder: memchr::memmem::Finder::new(t.as_bytes()).into_owned(),
                text: t.clone(),
                first: i == 0,
            })
            .collect();
        // The longest term first: it matches fewest records, so most are rejected by one term.
        terms.sort_by_key(|t| std::cmp::Reverse(t.text.len()));
        // Each shared key (a therapy's or disease's name) is scored once per term, not once
        // per trial that links to it.
        let shared = self.index.shared();
        let shared_scores: Vec<Box<[i32]>> = terms
            .iter()
            .map(|term| {
                shared
                    .keys
                    .iter()
                    .map(|k| {
                        if k.mask & term.mask != term.mask {
                            return -1;
                        }
                        quick_score(shared, k, term).map_or(-1, |s| (s + k.field.boost()) as i32)
                    })
                    .collect()
            })
            .collect();
        // "B ALL" or "leap 012" typed as several words is still an exact hit on "B-ALL".
        let whole = (q.terms.len() > 1).then(|| fold_query(&q.terms.concat()));
        let scan = Scan {
            q,
            terms: &terms,
            shared: &shared_scores,
            whole: whole.as_deref(),
        };
        let n = within.map_or(self.index.len(), <[u32]>::len);
        let chunks = if n < 4096 { 1 } else { self.threads };
        let per = n.div_ceil(chunks.max(1)).max(1);
        // Each chunk's matches go to a buffer kept from search to search: a short query
        // matches most records, and fresh memory for them each time costs more (the kernel
        // zeroes every page) than matching.
        let mut bufs = std::mem::take(&mut *self.scratch.lock().unwrap_or_else(|e| e.into_inner()));
        bufs.resize_with(chunks.max(bufs.len()), Vec::new);
        let run = |c: usize, buf: &mut Vec<Cand>| {
            buf.clear();
            buf.extend(
                (c * per..((c + 1) * per).min(n))
                    .filter_map(|i| self.match_slot(&scan, within.map_or(i as u32, |w| w[i]))),
            );
            self.partial(buf, limit)
        };
        let partials: Vec<Partial> = if chunks <= 1 {
            vec![run(0, &mut bufs[0])]
        } else {
            std::thread::scope(|s| {
                let handles: Vec<_> = bufs
                    .iter_mut()
                    .take(chunks)
                    .enumerate()
                    .map(|(c, buf)| {
                        let run = &run;
                        s.spawn(move || run(c, buf))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Partial::empty(self.corpus())))
                    .collect()
            })
        };
        *self.scratch.lock().unwrap_or_else(|e| e.into_inner()) = bufs;
        let total = partials.iter().map(|p| p.slots.len()).sum();
        let mut matched_slots: Vec<u32> = Vec::with_capacity(total);
        let mut counts = Partial::empty(self.corpus());
        let mut cands: Vec<Cand> = Vec::new();
        for p in partials {
            matched_slots.extend_from_slice(&p.slots);
            counts.add(&p);
            cands.extend(p.top);
        }
        let facets = self.facets(&counts);
        select_top(&mut cands, limit);
        cands.truncate(limit);
        let mut hits: Vec<Hit> = cands
            .iter()
            .map(|c| {
                let (tier, score) = unpack(c.order);
                Hit {
                    record: self.index.records[c.slot as usize],
                    tier,
                    score,
                    field: c.field,
                    matched: None,
                    slot: c.slot,
                    key: c.key,
                    named: c.named,
                }
            })
            .collect();
        // The shortlist the user sees first is scored again by the fuzzy matcher, which weighs
        // word starts and gaps more finely than the quick pass, and re-ordered within itself.
        let refine = hits.len().min(REFINE);
        for h in &mut hits[..refine] {
            if let Some(score) = self.fine_score(&terms, h) {
                h.score = score;
            }
        }
        hits[..refine]
            .sort_by_key(|h| (order(h.tier, h.score, self.index.tie_break(h.slot)), h.slot));
        for h in &mut hits {
            h.matched = h.key.map(|k| self.index.key(k).1.to_string());
        }
        Results {
            hits,
            total,
            matched_slots,
            facets,
            elapsed: started.elapsed(),
        }
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

    fn match_slot(&self, scan: &Scan, slot: u32) -> Option<Cand> {
        let Scan {
            q,
            terms,
            shared,
            whole,
        } = *scan;
        let record = self.index.records[slot as usize];
        let corpus = self.corpus();
        if !q
            .filters
            .iter()
            .all(|f| passes(corpus, record, &f.item) != f.negated)
        {
            return None;
        }
        for p in &q.phrases {
            let found = self
                .all_keys(slot)
                .any(|(ks, k)| ks.text(k).contains(&p.item));
            if found == p.negated {
                return None;
            }
        }
        for ex in &q.excluded {
            let m = char_mask(ex);
            if self.all_keys(slot).any(|(ks, k)| {
                k.mask & m == m
                    && ks
                        .text(k)
                        .chars()
                        .filter(|c| c.is_alphanumeric())
                        .collect::<String>()
                        .contains(ex.as_str())
            }) {
                return None;
            }
        }
        let tie_break = self.index.tie_break(slot);
        if terms.is_empty() {
            return Some(Cand {
                order: order(3, 0, tie_break),
                slot,
                key: None,
                field: None,
                named: false,
            });
        }
        let keys = self.index.keys(slot as usize);
        let links = self.index.links(slot as usize);
        let shared_keys = self.index.shared();
        let mut total = 0i64;
        let mut tier = u8::MAX;
        let mut first: Option<(KeyField, KeyRef)> = None;
        for (ti, term) in terms.iter().enumerate() {
            let mut best: Option<(i64, u8, KeyRef, KeyField)> = None;
            for (ki, k) in keys.keys.iter().enumerate() {
                if k.mask & term.mask != term.mask {
                    continue;
                }
                // Once a name matched, a key that is neither a name nor an id can only add a
                // hit of a lower tier: skip its text.
                if best.is_some_and(|(_, bt, ..)| bt <= 2)
                    && !k.field.is_name()
                    && !k.field.identifies()
                {
                    continue;
                }
                let Some(score) = quick_score(keys, k, term) else {
                    continue;
                };
                let t = tier_of(keys, k, score, term);
                let s = score + k.field.boost();
                if best.is_none_or(|(bs, bt, ..)| (t, -s) < (bt, -bs)) {
                    best = Some((s, t, keys.key_ref(ki), k.field));
                    if t == 0 {
                        break; // nothing ranks above an exact hit
                    }
                }
            }
            // Linked therapies' and diseases' names rank in the last tier: they matter only
            // when nothing of the record's own matched better.
            if best.is_none_or(|(_, bt, ..)| bt > 2) {
                let scores = &shared[ti];
                for &l in links {
                    let s = i64::from(scores[l as usize]);
                    if s >= 0 && best.is_none_or(|(bs, bt, ..)| (3, -s) < (bt, -bs)) {
                        best = Some((s, 3, SHARED | l, shared_keys.keys[l as usize].field));
                    }
                }
            }
            let (s, t, key, field) = best?;
            total += s;
            tier = tier.min(t);
            if term.first {
                first = Some((field, key));
            }
        }
        let named = whole.is_some_and(|w| {
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
            key: first.map(|(_, k)| k),
            field: first.map(|(f, _)| f),
            named,
        })
    }

    /// A hit's score by the fuzzy matcher, on each term's best key by the quick pass (a fuzzy
    /// alignment of every long title a short term occurs in would cost more than the scan).
    fn fine_score(&self, terms: &[Term], h: &Hit) -> Option<i64> {
        let mut total = 0;
        let mut best: Vec<(i64, &Key, &str)> = Vec::new();
        for term in terms {
            best.clear();
            for (ks, k) in self.all_keys(h.slot) {
                if k.mask & term.mask != term.mask {
                    continue;
                }
                let Some(s) = quick_score(ks, k, term) else {
                    continue;
                };
                let s = s + k.field.boost();
                if best.first().is_some_and(|&(b, ..)| s < b) {
                    continue;
                }
                if best.first().is_some_and(|&(b, ..)| s > b) {
                    best.clear();
                }
                best.push((s, k, ks.text(k)));
            }
            total += best
                .iter()
                .filter_map(|&(_, k, text)| {
                    Some(self.matcher.fuzzy_match(text, &term.text)? + k.field.boost())
                })
                .max()?;
        }
        // A whole-query exact hit keeps its lead.
        Some(total + if h.named { NAMED } else { 0 })
    }

    /// A chunk's matches summed up: their slots in order, facet counts, and the best
    /// `limit` of them in rank order.
    fn partial(&self, cands: &mut [Cand], limit: usize) -> Partial {
        let c = self.corpus();
        let mut p = Partial::empty(c);
        p.slots = cands.iter().map(|m| m.slot).collect();
        for m in cands.iter() {
            self.count(&mut p, m.slot);
        }
        let top = select_top(cands, limit);
        p.top = top.to_vec();
        p
    }

    /// Adds a match to a chunk's facet counts.
    fn count(&self, p: &mut Partial, slot: u32) {
        let slot = slot as usize;
        p.kinds[self.index.records[slot].kind as usize] += 1;
        for &d in self.index.diseases_of(slot) {
            p.diseases[d as usize] += 1;
        }
        if let Some(n) = p.phases.get_mut(usize::from(self.index.phase_of(slot))) {
            *n += 1;
        }
    }

    /// The facets of a set of matches.
    pub(super) fn facets_of(&self, slots: &[u32]) -> Facets {
        let mut p = Partial::empty(self.corpus());
        for &slot in slots {
            self.count(&mut p, slot);
        }
        self.facets(&p)
    }

    fn facets(&self, counts: &Partial) -> Facets {
        let c = self.corpus();
        let (kinds, phases) = (counts.kinds, counts.phases);
        let diseases = &counts.diseases;
        let order = [Kind::Trial, Kind::Therapy, Kind::Disease, Kind::Source];
        let mut diseases: Vec<(String, usize)> = diseases
            .iter()
            .copied()
            .enumerate()
            .filter(|&(_, n)| n > 0)
            .map(|(i, n)| (c.diseases[i].id.clone(), n))
            .collect();
        diseases.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Facets {
            kinds: order
                .iter()
                .map(|&k| (k, kinds[k as usize]))
                .filter(|&(_, n)| n > 0)
                .collect(),
            diseases,
            phases: PHASES
                .iter()
                .zip(phases)
                .filter(|&(_, n)| n > 0)
                .map(|(p, n)| (p.code().to_string(), n))
                .collect(),
        }
    }
}

/// What every slot of one search is matched against.
#[derive(Clone, Copy)]
struct Scan<'a> {
    q: &'a Query,
    terms: &'a [Term],
    /// Per term (in `terms` order), each shared key's score, or -1 when it does not match.
    shared: &'a [Box<[i32]>],
    whole: Option<&'a str>,
}

/// What one chunk of a search found (see [`Engine::partial`]).
struct Partial {
    /// Slots of every match, in slot order.
    slots: Vec<u32>,
    /// The best matches, at most the limit, in rank order.
    top: Vec<Cand>,
    kinds: [usize; 4],
    /// Matches per disease, by position in the corpus.
    diseases: Vec<usize>,
    phases: [usize; PHASES.len()],
}

impl Partial {
    fn empty(c: &Corpus) -> Partial {
        Partial {
            slots: Vec::new(),
            top: Vec::new(),
            kinds: [0; 4],
            diseases: vec![0; c.diseases.len()],
            phases: [0; PHASES.len()],
        }
    }

    /// Adds another chunk's counts.
    fn add(&mut self, other: &Partial) {
        self.kinds
            .iter_mut()
            .zip(other.kinds)
            .for_each(|(a, b)| *a += b);
        self.phases
            .iter_mut()
            .zip(other.phases)
            .for_each(|(a, b)| *a += b);
        self.diseases
            .iter_mut()
            .zip(&other.diseases)
            .for_each(|(a, b)| *a += b);
    }
}

/// Moves the best `limit` candidates to the front, in rank order, and returns them.
fn select_top(cands: &mut [Cand], limit: usize) -> &mut [Cand] {
    let key = |c: &Cand| (c.order, c.slot);
    if cands.len() > limit && limit > 0 {
        cands.select_nth_unstable_by_key(limit - 1, key);
    }
    let n = limit.min(cands.len());
    let top = &mut cands[..n];
    top.sort_unstable_by_key(key);
    top
}

/// Every phase, in the order of the enum's discriminants.
const PHASES: [crate::corpus::Phase; 7] = {
    use crate::corpus::Phase::*;
    [Early1, P1, P1_2, P2, P2_3, P3, P4]
};

/// How many of the best hits the fuzzy matcher scores again (see [`Engine::search`]).
pub(super) const REFINE: usize = 100;

/// Added to the score of a record the whole query names exactly.
const NAMED: i64 = 100_000;

/// The best score of a substring hit; a prefix hit scores above it (see [`quick_score`]).
const SUBSTRING: i64 = 320;

/// The tier of a key's hit (scored `score` by [`quick_score`]): 0 exact on an identifying field, 1 a name's prefix, 2 a name, 3
/// anything else.
fn tier_of(keys: KeySlice<'_>, k: &Key, score: i64, term: &Term) -> u8 {
    if k.field.identifies() && keys.is_exact(k, &term.text) {
        0
    } else if k.field.is_name() && score > SUBSTRING {
        1
    } else if k.field.is_name() {
        2
    } else {
        3
    }
}

/// The quick pass over every key: whether `term` occurs in `text` (both folded) as a prefix,
/// as a substring (better at a word start), or as a subsequence (better the tighter its span),
/// and a score in that order. `None` when the term's characters do not all occur in order.
/// This is what lets one keystroke search hundreds of thousands of records: it costs a
/// `starts_with`, a `find` and one linear scan, where a full fuzzy alignment costs far more.
fn quick_score(keys: KeySlice<'_>, k: &Key, term: &Term) -> Option<i64> {
    let (hay, needle) = (keys.bytes(k), term.text.as_bytes());
    if needle.len() > hay.len() {
        return None;
    }
    // Capped so that a longer name still beats a shorter key of a lesser field (its pinyin
    // initials) by its field's boost.
    let tail = (hay.len() - needle.len()).min(16) as i64;
    // Compared in line: a call to `memcmp` for a few bytes costs more than the comparison.
    if hay.iter().zip(needle).all(|(a, b)| a == b) {
        return Some(400 - tail);
    }
    if let Some(i) = term.finder.find(hay) {
        let word_start = match hay[..i].last() {
            None => true,
            Some(b) if b.is_ascii() => !b.is_ascii_alphanumeric(),
            // Chinese text before it (the common case, told without a Unicode table lookup).
            Some(_) => !keys.text(k)[..i]
                .chars()
                .next_back()
                .is_some_and(|c| is_han(c) || c.is_alphanumeric()),
        };
        return Some(if word_start { SUBSTRING } else { 260 } - (i.min(60) as i64));
    }
    // One or two letters match only where they stand together: scattered, they would match
    // nearly every record. Nor do the letters of pinyin (see `KeyField::scattered`).
    if !k.field.scattered() {
        return None;
    }
    term.text.chars().nth(2)?;
    // A scattered subsequence is noise in long titles ("pemb" would match almost every "phase
    // … versus … combined" title): gaps are bounded, except for the initials of words. (Word
    // initials are a subsequence too: when there is none, there is nothing to try.)
    let (start, end) = if term.text.is_ascii() {
        subsequence_bytes(hay, needle)?
    } else {
        subsequence_span(keys.text(k), &term.text)?
    };
    let gaps = end - start - needle.len();
    if gaps <= MAX_GAPS {
        return Some(160 - gaps as i64 - (start.min(30) as i64));
    }
    subsequence_span(keys.initials(k), &term.text).map(|_| 150)
}

/// How many characters may lie between the letters of a fuzzy match, in all. The same for
/// every length, so that typing on only ever narrows the matches (see `Query::narrows`).
const MAX_GAPS: usize = 10;

/// The byte span of the leftmost greedy occurrence of `term`'s chars, in order, in `text`.
fn subsequence_span(text: &str, term: &str) -> Option<(usize, usize)> {
    if term.is_ascii() {
        return subsequence_bytes(text.as_bytes(), term.as_bytes());
    }
    let mut chars = text.char_indices();
    let (mut start, mut end) = (None, 0);
    for tc in term.chars() {
        let (i, c) = chars.find(|&(_, c)| c == tc)?;
        start.get_or_insert(i);
        end = i + c.len_utf8();
    }
    Some((start.unwrap_or(0), end))
}

/// [`subsequence_span`] of ASCII bytes (no byte of a multi-byte char equals an ASCII one),
/// with memchr jumping to each next byte.
fn subsequence_bytes(hay: &[u8], needle: &[u8]) -> Option<(usize, usize)> {
    let mut at = 0;
    let mut start = None;
    for &b in needle {
        let i = at + memchr::memchr(b, &hay[at..])?;
        start.get_or_insert(i);
        at = i + 1;
    }
    Some((start.unwrap_or(0), at))
}

/// Whether a record passes a filter. Filters on trial attributes (phase, design, endpoint,
/// status, year) reject records that have no such attribute.
pub fn passes(c: &Corpus, r: RecordRef, f: &Filter) -> bool {
    let disease_matches = |id: &str, needle: &str| {
        c.disease_by_id(id).is_some_and(|d| {
            fold(&d.id).contains(needle)
                || d.name.iter().any(|n| fold(n).contains(needle))
                || d.aliases.iter().any(|a| fold(a).contains(needle))
        })
    };
    match f {
        Filter::Kind(k) => r.kind == *k,
        Filter::Id(s) => c.id_of(r).contains(s.as_str()),
        Filter::Disease(needle) => match r.kind {
            Kind::Trial => c
                .trial(r.index)
                .diseases
                .iter()
                .any(|d| disease_matches(d, needle)),
            Kind::Therapy => c
                .therapy(r.index)
                .indications
                .iter()
                .filter_map(|i| i.disease.as_deref())
                .any(|d| disease_matches(d, needle)),
            Kind::Disease => disease_matches(&c.disease(r.index).id, needle),
            Kind::Source => false,
        },
        Filter::Source(s) => match r.kind {
            Kind::Trial => c
                .trial(r.index)
                .citations
                .iter()
                .any(|x| x.source.contains(s.as_str())),
            Kind::Therapy => {
                let t = c.therapy(r.index);
                t.citations.iter().any(|x| x.source.contains(s.as_str()))
                    || c.trials_of_therapy(r.index).iter().any(|&ti| {
                        c.trial(ti)
                            .citations
                            .iter()
                            .any(|x| x.source.contains(s.as_str()))
                    })
            }
            Kind::Disease => c.trials_of_disease(r.index).iter().any(|&ti| {
                c.trial(ti)
                    .citations
                    .iter()
                    .any(|x| x.source.contains(s.as_str()))
            }),
            Kind::Source => c.source(r.index).id.contains(s.as_str()),
        },
        Filter::Phase(p) => trial(c, r).is_some_and(|t| t.phase.is_some_and(|x| x.code() == p)),
        Filter::Design(d) => trial(c, r).is_some_and(|t| t.design.code().starts_with(d.as_str())),
        Filter::Endpoint(e) => trial(c, r).is_some_and(|t| {
            t.outcomes
                .iter()
                .any(|o| o.endpoint.eq_ignore_ascii_case(e))
        }),
        Filter::Year(range) => {
            trial(c, r).is_some_and(|t| t.year.is_some_and(|y| range.contains(y)))
        }
        Filter::Status(s) => trial(c, r).is_some_and(|t| t.status.code().starts_with(s.as_str())),
    }
}

fn trial(c: &Corpus, r: RecordRef) -> Option<&crate::corpus::Trial> {
    (r.kind == Kind::Trial).then(|| c.trial(r.index))
}

/// Char positions in `name` to highlight for `terms`: a direct fuzzy match on the folded
/// name, or a match on its pinyin mapped back to the Chinese characters.
pub fn highlight(name: &str, terms: &[String]) -> Vec<usize> {
    let matcher = SkimMatcherV2::default().ignore_case();
    let folded = fold(name);
    let mut out: Vec<usize> = Vec::new();
    let py = std::cell::OnceCell::new();
    for t in terms {
        if let Some((_, idx)) = matcher.fuzzy_indices(&folded, t) {
            out.extend(idx);
            continue;
        }
        if let Some(p) = py.get_or_init(|| pinyin(name))
            && let Some((sp, idx)) = p
                .spellings()
                .find_map(|sp| matcher.fuzzy_indices(&sp.text, t).map(|(_, idx)| (sp, idx)))
        {
            out.extend(
                idx.iter()
                    .filter_map(|&i| sp.map.get(i).map(|&x| x as usize)),
            );
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsequence_span_is_leftmost_greedy() {
        assert_eq!(subsequence_span("xx pembrolizumab", "pmb"), Some((3, 7)));
        assert_eq!(
            subsequence_span("phase 3 versus pembrolizumab", "pmb"),
            Some((0, 19))
        );
        assert_eq!(subsequence_span("ba", "ab"), None);
        assert_eq!(subsequence_span("贝林妥欧单抗", "贝妥单"), Some((0, 15)));
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
