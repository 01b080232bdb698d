//! Running a query: the records to look at (all, or an earlier query's matches; of those, only
//! the candidates the index's posting lists let through) are split into four chunks per core of
//! rayon's pool, each chunk matched and ranked
//! ([`score`](super::score)) into a buffer kept from search to search, then the chunks' best
//! hits are merged into the best `limit` in rank order, with facet counts over all matches.
//! Records are matched in blocks of [`STOP_EVERY`], and a search told to stop gives up
//! between two blocks.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::index::{Index, KeyField, KeyRef};
use super::plan::Plan;
use super::query::Query;
use super::score::{Cand, Scan, prepare_filters, unpack};
use crate::corpus::{Corpus, Kind, RecordRef};

/// One matching record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub record: RecordRef,
    /// 0 exact, 1 the start of a name, of a word of one or of a registry id, 2 another contiguous hit, 3
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
    /// Match buffers, one per chunk, kept from search to search.
    scratch: Mutex<Vec<Vec<Cand>>>,
    /// Whether the index's posting lists choose the records to match (always, but in the
    /// test that compares searches with and without them).
    prefilter: bool,
}

impl Engine {
    pub fn new(index: Index) -> Engine {
        Engine {
            index,
            scratch: Mutex::new(Vec::new()),
            prefilter: true,
        }
    }

    /// Matches every record (or every record of `within`) instead of the candidates the
    /// posting lists choose: what the prefilter is tested against.
    #[cfg(test)]
    pub(crate) fn without_prefilter(mut self) -> Engine {
        self.prefilter = false;
        self
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
    ///
    /// Its words are matched as typed first; only when that finds nothing are they matched
    /// misspelt too (letters between their letters, from [`MIN_MISSPELT`] letters on), over
    /// every record. A word that is found as typed is what was meant: letters scattered
    /// through other records' long words would only bury it (and cost the most to find).
    ///
    /// [`MIN_MISSPELT`]: super::keymatch::MIN_MISSPELT
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
        let tests = prepare_filters(self.corpus(), q);
        let run = |tolerant: bool, within: Option<&[u32]>| {
            let prepared = self.prepare(&plan, tolerant);
            let candidates = prepared
                .candidates
                .as_ref()
                .filter(|_| self.prefilter)
                .map(|c| self.index.candidates(c));
            let scan = prepared.scan(q, &tests);
            let partials = self.scan(&scan, candidates.as_deref(), within, limit, stop)?;
            Some(self.gather(partials, limit, started))
        };
        let typed = run(false, within)?;
        if typed.total > 0 || !plan.may_be_misspelt() {
            return Some(typed);
        }
        // Over every record: `within` holds an earlier query's matches as typed, which need
        // not hold this one's misspelt.
        run(true, None)
    }

    /// Matches the records to look at (every slot, or `within`), split into four chunks per
    /// core, each chunk summed up as a [`Partial`]; `None` when told to stop.
    fn scan(
        &self,
        scan: &Scan,
        candidates: Option<&[u64]>,
        within: Option<&[u32]>,
        limit: usize,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Vec<Partial>> {
        let n = within.map_or(self.index.len(), <[u32]>::len);
        let chunks = if n < 4096 {
            1
        } else {
            // Four chunks per core, which rayon hands out as cores come free: matches are not
            // spread evenly over the slots, and with one chunk per core the core with more of
            // them kept the other waiting (`p` at 500,000 records: 47 ms, now 37). No chunk
            // is shorter than a block, so that each still looks at whether to stop.
            (rayon::current_num_threads() * 4)
                .min(n / STOP_EVERY)
                .max(1)
        };
        let per = n.div_ceil(chunks.max(1)).max(1);
        // Each chunk's matches go to a buffer kept from search to search: a short query
        // matches most records, and fresh memory for them each time costs more (the kernel
        // zeroes every page) than matching.
        let mut bufs = std::mem::take(&mut *self.scratch.lock().unwrap_or_else(|e| e.into_inner()));
        bufs.resize_with(chunks.max(bufs.len()), Vec::new);
        let run = |c: usize, kept: &mut Vec<Cand>| {
            // Filled through a vector of this thread's own: the chunks' vectors sit side by
            // side in one cache line, and pushing to them in place would pass that line
            // between the cores at every match.
            let mut buf = std::mem::take(kept);
            buf.clear();
            let (from, to) = (c * per, ((c + 1) * per).min(n));
            for block in (from..to).step_by(STOP_EVERY) {
                if stop() {
                    *kept = buf;
                    return None;
                }
                buf.extend(
                    (block..(block + STOP_EVERY).min(to))
                        .map(|i| within.map_or(i as u32, |w| w[i]))
                        .filter(|&s| {
                            candidates.is_none_or(|c| c[s as usize >> 6] & (1 << (s & 63)) != 0)
                        })
                        .filter_map(|s| self.match_slot(scan, s)),
                );
            }
            let partial = self.partial(&mut buf, limit);
            *kept = buf;
            Some(partial)
        };
        let partials: Vec<Option<Partial>> = if chunks <= 1 {
            vec![run(0, &mut bufs[0])]
        } else {
            bufs[..chunks]
                .par_iter_mut()
                .enumerate()
                .map(|(c, buf)| run(c, buf))
                .collect()
        };
        *self.scratch.lock().unwrap_or_else(|e| e.into_inner()) = bufs;
        partials.into_iter().collect()
    }

    /// The chunks' matches merged: every slot, facet counts, and the best `limit` hits.
    fn gather(&self, partials: Vec<Partial>, limit: usize, started: Instant) -> Results {
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
        Results {
            hits,
            total,
            matched_slots,
            facets,
            elapsed: started.elapsed(),
        }
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
        p.kinds[self.index.facet_kind(slot)] += 1;
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

/// What one chunk of a search found (see [`Engine::partial`]).
struct Partial {
    /// Slots of every match, in slot order.
    slots: Vec<u32>,
    /// The best matches, at most the limit, in rank order.
    top: Vec<Cand>,
    /// By [`Index::facet_kind`](super::index::Index::facet_kind).
    kinds: [usize; 5],
    /// Matches per disease, by position in the corpus.
    diseases: Vec<usize>,
    phases: [usize; PHASES.len()],
}

impl Partial {
    fn empty(c: &Corpus) -> Partial {
        Partial {
            slots: Vec::new(),
            top: Vec::new(),
            kinds: [0; 5],
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
