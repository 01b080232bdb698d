//! Matching and ranking: filters first, then every unit of the free text (see [`Plan`])
//! against a record's keys, then the best `limit` hits in rank order, with facet counts over
//! all matches.
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
//! above scattered letters. Ties go to the stronger evidence level,
//! then the more recent year. The work is split across the machine's cores.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::index::{Index, Key, KeyField, KeyRef, KeySlice, SHARED};
use super::normalize::{char_mask, fold, is_han, keeps, pinyin};
use super::plan::{Group, Plan};
use super::query::{Filter, Query};
use crate::corpus::{Corpus, Kind, RecordRef};

/// One matching record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub record: RecordRef,
    /// 0 exact, 1 the start of a name or of a word of one, 2 another contiguous hit, 3
    /// scattered letters (see the module documentation).
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
    threads: usize,
    /// Match buffers, one per chunk, kept from search to search.
    scratch: Mutex<Vec<Vec<Cand>>>,
}

/// One unit of a query's free text, ready for matching.
struct Term {
    text: String,
    mask: u64,
    /// A prepared substring searcher: building one per key would cost more than the search.
    finder: memchr::memmem::Finder<'static>,
    /// The unit typed first: its field is the one a hit reports as matched.
    first: bool,
    /// Chinese: its words are not set apart by spaces, so any occurrence counts as a word's.
    han: bool,
}

/// How a unit occurs in a key, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
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
            threads: crate::par::cores(),
            scratch: Mutex::new(Vec::new()),
        }
    }

    pub fn corpus(&self) -> &Corpus {
        &self.index.corpus
    }

    /// Whether every record `q` matches is also matched by `prev`, so that searching
    /// `prev`'s matches is enough (the search worker narrows only then).
    pub fn narrows(&self, q: &Query, prev: &Query) -> bool {
        q.narrows(prev) && self.plan(q).narrows(&self.plan(prev))
    }

    /// What the free text of `q` asks for.
    pub fn plan(&self, q: &Query) -> Plan {
        Plan::new(&self.index.lexicon, q)
    }

    /// Runs `q`, over `within` (slots of an earlier, broader query's matches) when given.
    pub fn search(&self, q: &Query, within: Option<&[u32]>, limit: usize) -> Results {
        // Never asked to stop, it always answers.
        self.search_until(q, within, limit, &|| false)
            .unwrap_or_default()
    }

    /// [`Engine::search`] that gives up, returning `None`, as soon as `stop` says so: it is
    /// asked between blocks of [`STOP_EVERY`] records on every core, so a newer query never
    /// waits for a stale one (the search worker passes "a newer query has come").
    pub fn search_until(
        &self,
        q: &Query,
        within: Option<&[u32]>,
        limit: usize,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Results> {
        // `|` alternatives, a `sort:`, and a limit below the refined shortlist go through
        // `order`, which calls back here with a plain query.
        if let Some(r) = self.search_ordered(q, within, limit, stop) {
            return r;
        }
        if stop() {
            return None;
        }
        let started = Instant::now();
        let plan = self.plan(q);
        let term = |i: usize, t: &String| Term {
            mask: char_mask(t),
            finder: memchr::memmem::Finder::new(t.as_bytes()).into_owned(),
            text: t.clone(),
            first: i == 0,
            han: t.chars().next().is_some_and(is_han),
        };
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
        // Each shared key (a therapy's or disease's name) is scored once per unit, not once
        // per trial that links to it.
        let shared = self.index.shared();
        let shared_scores = |term: &Term| -> SharedScores {
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
        };
        let unit_scores: Vec<SharedScores> = terms.iter().map(shared_scores).collect();
        let correction_scores: Vec<Option<SharedScores>> = corrections
            .iter()
            .map(|c| c.as_ref().map(shared_scores))
            .collect();
        let scan = Scan {
            q,
            terms: &terms,
            corrections: &corrections,
            groups: &groups,
            shared: &unit_scores,
            shared_corrections: &correction_scores,
            whole: plan.whole.as_deref(),
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
            let (from, to) = (c * per, ((c + 1) * per).min(n));
            for block in (from..to).step_by(STOP_EVERY) {
                if stop() {
                    return None;
                }
                buf.extend(
                    (block..(block + STOP_EVERY).min(to))
                        .filter_map(|i| self.match_slot(&scan, within.map_or(i as u32, |w| w[i]))),
                );
            }
            Some(self.partial(buf, limit))
        };
        let partials: Vec<Option<Partial>> = if chunks <= 1 {
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
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|_| Some(Partial::empty(self.corpus())))
                    })
                    .collect()
            })
        };
        *self.scratch.lock().unwrap_or_else(|e| e.into_inner()) = bufs;
        let partials: Vec<Partial> = partials.into_iter().collect::<Option<_>>()?;
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
        for h in &mut hits {
            h.matched = h.key.map(|k| self.index.key(k).1.to_string());
        }
        Some(Results {
            hits,
            total,
            matched_slots,
            facets,
            elapsed: started.elapsed(),
        })
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
            corrections,
            groups,
            shared,
            shared_corrections,
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
        let mut total = 0i64;
        let mut tier = 0u8;
        let mut first: Option<(KeyField, Option<KeyRef>)> = None;
        for g in groups {
            let mut text: Option<(i64, u8)> = Some((0, 0));
            let mut text_first = None;
            for ti in g.units.clone() {
                let term = &terms[ti];
                // A misspelt unit matches as the word it is taken for, in the last tier.
                let hit = self.best_key(keys, links, &shared[ti], term).or_else(|| {
                    let (c, scores) = (corrections[ti].as_ref()?, shared_corrections[ti].as_ref()?);
                    let (s, _, key, field) = self.best_key(keys, links, scores, c)?;
                    Some((s / 4, 3, key, field))
                });
                match hit {
                    Some((s, t, key, field)) => {
                        text = text.map(|(ts, tt)| (ts + s, tt.max(t)));
                        if term.first {
                            text_first = Some((field, Some(key)));
                        }
                    }
                    None => {
                        text = None;
                        break;
                    }
                }
            }
            let link = g.diseases.as_ref().and_then(|set| {
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
            if text_first.is_none() && terms[g.units.start].first {
                text_first = Some((KeyField::Disease, None));
            }
            if first.is_none() {
                first = text_first;
            }
            total += s;
            tier = tier.max(t);
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
            key: first.and_then(|(_, k)| k),
            field: first.map(|(f, _)| f),
            named,
        })
    }

    /// A unit's best hit among a slot's own keys and, when none is a name's, the shared keys
    /// it links to: score, tier, key and field.
    fn best_key(
        &self,
        keys: KeySlice<'_>,
        links: &[u32],
        shared: &[(i32, u8)],
        term: &Term,
    ) -> Option<(i64, u8, KeyRef, KeyField)> {
        let mut best: Option<(i64, u8, KeyRef, KeyField)> = None;
        for (ki, k) in keys.keys.iter().enumerate() {
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

/// Each shared key's score and tier for one unit, or -1 when it does not match.
type SharedScores = Box<[(i32, u8)]>;

/// What every slot of one search is matched against.
#[derive(Clone, Copy)]
struct Scan<'a> {
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

/// The fewest hits a search ranks before it cuts to a smaller limit, so that the first N
/// results are the same for every limit (see [`super::order`]).
pub(super) const REFINE: usize = 100;

/// How many records a search core matches between two looks at whether to stop.
pub const STOP_EVERY: usize = 2048;

/// Added to the score of a record the whole query names exactly.
const NAMED: i64 = 100_000;

/// Scores of the classes of hits (see [`quick_score`]), before the field's boost.
const PREFIX: i64 = 400;
const WORD: i64 = 320;
const INNER: i64 = 260;
const INITIALS: i64 = 150;
const SCATTERED: i64 = 100;

/// The score, per unit, of a study matched through a disease its units name.
const DISEASE_LINK: i64 = 300;

/// The tier of a key's hit of class `class` (see the module documentation).
fn tier_of(keys: KeySlice<'_>, k: &Key, class: Class, term: &Term) -> u8 {
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
fn quick_score(keys: KeySlice<'_>, k: &Key, term: &Term) -> Option<(i64, Class)> {
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
    let apart = k.field.scattered() && term.text.chars().nth(2).is_some();
    let misspelt = apart && term.text.chars().nth(MIN_MISSPELT - 1).is_some();
    let budget = if misspelt { MAX_GAPS } else { 0 };
    let found = if budget == 0 && !k.joined {
        None
    } else if term.text.is_ascii() {
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
const MAX_GAPS: usize = 2;

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
fn tight_bytes(hay: &[u8], needle: &[u8], budget: usize) -> Option<(usize, usize)> {
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
fn tight_chars(text: &str, term: &str, budget: usize) -> Option<(usize, usize)> {
    let hay: Vec<(usize, char)> = text.char_indices().collect();
    let needle: Vec<char> = term.chars().collect();
    let (&first, rest) = needle.split_first()?;
    let mut best: Option<(usize, usize)> = None;
    for (si, &(start, c)) in hay.iter().enumerate() {
        if c != first {
            continue;
        }
        let limit = best.map_or(budget, |(_, g)| g.saturating_sub(1));
        let (mut gaps, mut crossed, mut at, mut ok) = (0, false, si + 1, true);
        for &tc in rest {
            loop {
                let Some(&(_, h)) = hay.get(at) else {
                    ok = false;
                    break;
                };
                at += 1;
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
        // Statistics, guidelines, case reports and expert opinion are kept as trials but are
        // not studies: `kind:trial` leaves them out (`kind:statistic` and the like list them).
        Filter::Kind(k) => {
            r.kind == *k && (r.kind != Kind::Trial || is_study(c.trial(r.index).design))
        }
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
        Filter::Source(s) if s == "bundled" || s == "library" => {
            let p = &c.provenance;
            let lib = |ti: &u32| p.is_library_trial(*ti);
            if s == "bundled" {
                p.is_bundled(r)
            } else {
                match r.kind {
                    Kind::Trial => p.is_library_trial(r.index),
                    Kind::Therapy => c.trials_of_therapy(r.index).iter().any(lib),
                    Kind::Disease => c.trials_of_disease(r.index).iter().any(lib),
                    Kind::Source => !p.is_bundled(r) && c.trials_of_source(r.index).iter().any(lib),
                }
            }
        }
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

/// Whether a design is that of a study, as opposed to a statistic, a guideline, a case report
/// or an expert's position.
pub fn is_study(d: crate::corpus::Design) -> bool {
    use crate::corpus::Design::*;
    !matches!(d, Epidemiological | Guideline | CaseReport | ExpertOpinion)
}

fn trial(c: &Corpus, r: RecordRef) -> Option<&crate::corpus::Trial> {
    (r.kind == Kind::Trial).then(|| c.trial(r.index))
}

/// Char positions in `name` to highlight for `terms` (a query's folded terms): what matched,
/// found as the search finds it. Each Latin part of a term is marked where it stands together
/// in the folded name (at a word's start if it is at one), else in the name's pinyin (mapped
/// back to the Chinese characters), else as the initials of consecutive words, else as letters
/// with at most [`MAX_GAPS`] others between them. A run of Chinese is marked word by word: the
/// longest parts of it that occur in the name. A term that matched through a link (a therapy,
/// a disease) marks nothing in the name.
pub fn highlight(name: &str, terms: &[String]) -> Vec<usize> {
    let folded: Vec<char> = fold(name).chars().collect();
    let py = std::cell::OnceCell::new();
    let mut out: Vec<usize> = Vec::new();
    for t in terms {
        for (part, han) in script_parts(t) {
            let part: Vec<char> = part.chars().collect();
            if han {
                mark_han(&folded, &part, &mut out);
                continue;
            }
            if let Some(found) = mark_latin(&folded, &part) {
                out.extend(found);
                continue;
            }
            if let Some(p) = py.get_or_init(|| pinyin(name)) {
                let found = p.spellings().find_map(|sp| {
                    let text: Vec<char> = sp.text.chars().collect();
                    let i = occurrences(&text, &part).next()?;
                    Some(
                        (i..i + part.len())
                            .filter_map(|j| sp.map.get(j).map(|&x| x as usize))
                            .collect::<Vec<_>>(),
                    )
                });
                if let Some(found) = found {
                    out.extend(found);
                    continue;
                }
            }
            if part.len() >= 3 {
                if let Some(found) = mark_initials(&folded, &part) {
                    out.extend(found);
                } else if part.len() >= MIN_MISSPELT
                    && tight_positions(&folded, &part, MAX_GAPS).is_some()
                {
                    // A misspelling: the engine decided it matches; the letters shown are
                    // the fuzzy matcher's best alignment of the word in the name.
                    out.extend(misspelt_positions(&folded, &part));
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A folded term cut where Chinese meets other letters, each part with whether it is Chinese.
fn script_parts(term: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for c in term.chars() {
        let han = is_han(c);
        match out.last_mut() {
            Some((s, h)) if *h == han => s.push(c),
            _ => out.push((c.to_string(), han)),
        }
    }
    out
}

/// Starts of `needle` in `hay`.
fn occurrences<'a>(hay: &'a [char], needle: &'a [char]) -> impl Iterator<Item = usize> + 'a {
    (0..(hay.len() + 1).saturating_sub(needle.len().max(1)))
        .filter(move |&i| hay[i..i + needle.len()] == *needle)
}

/// A Latin part where it stands together, at a word's start if it is at one, punctuation
/// between its letters allowed.
fn mark_latin(folded: &[char], part: &[char]) -> Option<Vec<usize>> {
    let at_word = |i: usize| i == 0 || !folded[i - 1].is_alphanumeric();
    let mut first = None;
    for i in occurrences(folded, part) {
        if at_word(i) {
            return Some((i..i + part.len()).collect());
        }
        first.get_or_insert(i);
    }
    if let Some(i) = first {
        return Some((i..i + part.len()).collect());
    }
    tight_positions(folded, part, 0)
}

/// The word starts whose letters spell `part`, for consecutive words.
fn mark_initials(folded: &[char], part: &[char]) -> Option<Vec<usize>> {
    let starts: Vec<usize> = (0..folded.len())
        .filter(|&i| folded[i].is_alphanumeric() && (i == 0 || !folded[i - 1].is_alphanumeric()))
        .collect();
    let initials: Vec<char> = starts.iter().map(|&i| folded[i]).collect();
    let i = occurrences(&initials, part).next()?;
    Some(starts[i..i + part.len()].to_vec())
}

/// The longest parts of a run of Chinese that occur in the name, left to right.
fn mark_han(folded: &[char], part: &[char], out: &mut Vec<usize>) {
    let min = if part.len() == 1 { 1 } else { 2 };
    let mut i = 0;
    while i < part.len() {
        let found = (i + min..=part.len())
            .rev()
            .find_map(|j| occurrences(folded, &part[i..j]).next().map(|at| (j, at)));
        match found {
            Some((j, at)) => {
                out.extend(at..at + (j - i));
                i = j;
            }
            None => i += 1,
        }
    }
}

/// Positions of `needle`'s chars in order in `hay` with the fewest letters between them, if
/// at most `budget` (as [`tight_bytes`] counts them).
/// Where a misspelt word's letters stand in a folded name, as skim's fuzzy matcher aligns them
/// (it prefers word starts and letters together), falling back to the first tight run.
fn misspelt_positions(hay: &[char], needle: &[char]) -> Vec<usize> {
    use fuzzy_matcher::FuzzyMatcher;
    let hay_s: String = hay.iter().collect();
    let needle_s: String = needle.iter().collect();
    fuzzy_matcher::skim::SkimMatcherV2::default()
        .fuzzy_indices(&hay_s, &needle_s)
        .map(|(_, idx)| idx)
        .or_else(|| tight_positions(hay, needle, MAX_GAPS))
        .unwrap_or_default()
}

fn tight_positions(hay: &[char], needle: &[char], budget: usize) -> Option<Vec<usize>> {
    let mut best: Option<(usize, Vec<usize>)> = None;
    for start in (0..hay.len()).filter(|&i| Some(&hay[i]) == needle.first()) {
        let mut pos = vec![start];
        let (mut gaps, mut at) = (0, start + 1);
        let mut crossed = false;
        for &c in &needle[1..] {
            while at < hay.len() && hay[at] != c {
                if keeps(hay[at]) {
                    gaps += 1;
                } else if hay[at].is_whitespace() {
                    at = hay.len();
                    break;
                } else {
                    crossed = true;
                }
                at += 1;
            }
            if at == hay.len() {
                break;
            }
            pos.push(at);
            at += 1;
        }
        if pos.len() == needle.len()
            && gaps <= budget
            && (gaps == 0 || !crossed)
            && best.as_ref().is_none_or(|(g, _)| gaps < *g)
        {
            best = Some((gaps, pos));
        }
    }
    best.map(|(_, p)| p)
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
    fn highlights_mark_what_matched() {
        let marks = |name: &str, q: &str| {
            let q = crate::search::parse(q).unwrap();
            highlight(name, &q.terms)
        };
        // Contiguous TACE inside TALENTACE, not T + ACE.
        assert_eq!(marks("TALENTACE", "tace"), vec![5, 6, 7, 8]);
        // A whole word before letters inside one.
        assert_eq!(
            marks("TALENTACE: TACE with atezolizumab", "tace"),
            vec![11, 12, 13, 14]
        );
        assert_eq!(marks("LEAP-012", "leap012"), vec![0, 1, 2, 3, 5, 6, 7]);
        assert_eq!(
            marks("Hepatic arterial infusion chemotherapy", "haic"),
            vec![0, 8, 17, 26]
        );
        assert_eq!(marks("奥希替尼", "aoxitini"), vec![0, 1, 2, 3]);
        // A run of Chinese, word by word.
        assert_eq!(marks("T790M:奥希替尼", "奥希替尼耐药"), vec![6, 7, 8, 9]);
        assert!(marks("Haematopoietic stem-cell transplantation", "haic").is_empty());
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
