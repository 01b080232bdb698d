//! Matching and scoring one record: filters first, then every unit of the free text (see
//! [`Plan`](super::plan::Plan)) against the record's keys.
//!
//! A record matches when it passes the query's filters, phrases and exclusions and every group
//! of units matches one of its keys (see [`keymatch`](super::keymatch)) or, for a group that
//! names a disease, links to that disease or one of its subtypes; a misspelt unit otherwise
//! matches as the nearest word of a therapy's or disease's name (see
//! [`Lexicon::correction`](super::plan::Lexicon::correction)).
//!
//! Ranking is by tier, then score. A record's tier is that of its weakest group of units: 0
//! an exact id, acronym, registry id, alias or name; 1 the start of a name or of a word of
//! one, or of a registry id (`nct0251`), also in the names and classes of linked
//! therapies and diseases (which score lower);
//! 2 any other contiguous hit (inside a word, word initials, a class, an arm, the studies of a
//! named disease); 3 the letters of a misspelling. So a whole word or acronym always ranks
//! above scattered letters. Ties go to the stronger evidence level, then the more recent year.

use super::engine::Engine;
use super::filter::Test;
use super::index::postings::{self, Candidates, GroupTest, UnitTest};
use super::index::{Key, KeyField, KeyRef, KeySlice, SHARED};
use super::keymatch::{Term, quick_score, tier_of};
use super::normalize::char_mask;
use super::plan::{Group, Plan};
use super::query::Query;
use crate::corpus::Kind;

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
    /// What the index's posting lists must let through; `None` when every record may match.
    pub(super) candidates: Option<Candidates>,
}

impl Prepared<'_> {
    /// What every slot is matched against: `tests` are the query's filters made ready
    /// ([`prepare_filters`]).
    pub(super) fn scan<'a>(&'a self, q: &'a Query, tests: &'a [(Test<'a>, bool)]) -> Scan<'a> {
        Scan {
            q,
            tests,
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
    /// What matching `plan` needs, worked out once per search; its units matched misspelt
    /// too when `tolerant`.
    pub(super) fn prepare<'p>(&self, plan: &'p Plan, tolerant: bool) -> Prepared<'p> {
        let term = |i: usize, t: &String| Term::new(t, i == 0, tolerant);
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
        let shared: Vec<SharedScores> = terms.iter().map(|t| self.shared_scores(t)).collect();
        let shared_corrections: Vec<Option<SharedScores>> = corrections
            .iter()
            .map(|c| c.as_ref().map(|t| self.shared_scores(t)))
            .collect();
        let candidates = candidates(plan, &terms, &corrections, &shared, &shared_corrections);
        Prepared {
            terms,
            corrections,
            groups,
            shared,
            shared_corrections,
            whole: plan.whole.as_deref(),
            candidates: (!candidates.is_empty()).then_some(candidates),
        }
    }

    /// Each shared key (a therapy's or disease's name) scored for one unit: once per search,
    /// not once per trial that links to it.
    fn shared_scores(&self, term: &Term) -> SharedScores {
        let shared = self.index.shared();
        let scores: Box<[(i32, u8)]> = shared
            .each()
            .map(|(_, k, wide)| {
                if !term.may_match_key(k, wide) {
                    return (-1, u8::MAX);
                }
                quick_score(shared, k, term).map_or((-1, u8::MAX), |(s, class)| {
                    (
                        (s + k.field.boost()) as i32,
                        tier_of(shared, k, class, term).max(1),
                    )
                })
            })
            .collect();
        SharedScores {
            any: scores.iter().any(|&(s, _)| s >= 0),
            scores,
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

    pub(super) fn match_slot(&self, scan: &Scan, slot: u32) -> Option<Cand> {
        if !self.passes_clauses(scan, slot) {
            return None;
        }
        if scan.terms.is_empty() {
            return Some(Cand {
                order: order(3, 0, self.index.tie_break(slot)),
                slot,
                key: None,
                field: None,
                named: false,
            });
        }
        let mut total = 0i64;
        let mut tier = 0u8;
        let mut first: Matched = None;
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
        // Read only for a match: a record that does not match costs no more reads.
        Some(Cand {
            order: order(tier, total, self.index.tie_break(slot)),
            slot,
            key: first.and_then(|(_, k)| k),
            field: first.map(|(f, _)| f),
            named,
        })
    }

    /// Whether a slot passes a query's filters, phrases and exclusions.
    fn passes_clauses(&self, scan: &Scan, slot: u32) -> bool {
        let q = scan.q;
        if q.filters.is_empty() && q.phrases.is_empty() && q.excluded.is_empty() {
            return true;
        }
        let record = self.index.records[slot as usize];
        let corpus = self.corpus();
        if !scan
            .tests
            .iter()
            .all(|(t, negated)| t.passes(corpus, record) != *negated)
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
    fn match_group(&self, scan: &Scan, g: &Group, slot: u32) -> Option<(i64, u8, Matched)> {
        let keys = self.index.keys(slot as usize);
        let mask = (
            self.index.mask(slot as usize),
            self.index.pairs(slot as usize),
        );
        let mut text: Option<(i64, u8)> = Some((0, 0));
        let mut text_first = None;
        for ti in g.units.clone() {
            let term = &scan.terms[ti];
            // A misspelt unit matches as the word it is taken for, in the last tier.
            let hit = self
                .best_key(keys, mask, slot, &scan.shared[ti], term)
                .or_else(|| {
                    let c = scan.corrections[ti].as_ref()?;
                    let scores = scan.shared_corrections[ti].as_ref()?;
                    let (s, _, key, field) = self.best_key(keys, mask, slot, scores, c)?;
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
        (mask, pairs): (u64, u64),
        slot: u32,
        shared: &SharedScores,
        term: &Term,
    ) -> Option<(i64, u8, KeyRef, KeyField)> {
        let mut best: Option<(i64, u8, KeyRef, KeyField)> = None;
        // No own key holds every character or pair of the unit: only links can match.
        let own = if term.may_match(mask, pairs) {
            keys.keys
        } else {
            &[]
        };
        for (ki, k) in own.iter().enumerate() {
            if !term.may_match_narrow(k) {
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
                let (t, s) = term.bound(k);
                if (t, -s) >= (bt, -bs) {
                    continue;
                }
            }
            // A long key's 64-bit pair mask is mostly ones: its wide one, for a unit of two
            // pairs or more, rejects most of the rest before its text is read. A unit of one
            // pair (two letters) is in most long keys its 64-bit mask lets through, so the
            // wide mask, a load of its own, would mostly be followed by reading the text anyway.
            if k.wide() && term.pair_count() > 1 && !term.may_match_wide(k, keys.wide(ki)) {
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
        // The slot's links are read only when the unit matches a shared key at all.
        if best.is_none_or(|(_, bt, ..)| bt > 1) && shared.any {
            let shared_keys = self.index.shared();
            for &l in self.index.links(slot as usize) {
                let (s, t) = shared.scores[l as usize];
                let s = i64::from(s);
                if s >= 0 && best.is_none_or(|(bs, bt, ..)| (t, -s) < (bt, -bs)) {
                    best = Some((s, t, SHARED | l, shared_keys.keys[l as usize].field));
                }
            }
        }
        best
    }
}

/// What a record must have in the index's posting lists to match a plan (see
/// [`Candidates`]): for each group, every unit by its own keys' pairs, a link to a shared
/// key that matches it, or its correction either way; or a study of a disease it names. A
/// unit without a pair of letters (one letter) lets every record through, and a group of
/// such units does not restrict at all.
fn candidates(
    plan: &Plan,
    terms: &[Term],
    corrections: &[Option<Term>],
    shared: &[SharedScores],
    shared_corrections: &[Option<SharedScores>],
) -> Candidates {
    let links = |scores: &SharedScores| {
        scores
            .scores
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| *s >= 0)
            .map(|(l, _)| postings::link_key(l as u32))
            .collect::<Vec<_>>()
    };
    let unit = |ti: usize| -> Option<UnitTest> {
        let term = &terms[ti];
        let correction = corrections[ti].as_ref();
        if !term.has_pairs() || correction.is_some_and(|c| !c.has_pairs()) {
            return None;
        }
        let mut u = UnitTest {
            pairs: vec![term.pair_keys()],
            links: links(&shared[ti]),
        };
        if let (Some(c), Some(scores)) = (correction, shared_corrections[ti].as_ref()) {
            u.pairs.push(c.pair_keys());
            u.links.extend(links(scores));
        }
        Some(u)
    };
    let groups = plan
        .groups
        .iter()
        .filter_map(|g| {
            let units: Vec<UnitTest> = g.units.clone().filter_map(unit).collect();
            if units.is_empty() {
                return None;
            }
            let diseases = g.diseases.as_ref().map_or_else(Vec::new, |set| {
                set.iter()
                    .enumerate()
                    .filter(|&(_, &named)| named)
                    .map(|(d, _)| postings::disease_key(d as u32))
                    .collect()
            });
            Some(GroupTest { units, diseases })
        })
        .collect();
    Candidates { groups }
}

/// The field (and key, unless it matched by a disease link) of the unit typed first.
type Matched = Option<(KeyField, Option<KeyRef>)>;

/// Each shared key's score and tier for one unit, or -1 when it does not match.
pub(super) struct SharedScores {
    scores: Box<[(i32, u8)]>,
    /// Whether any shared key matches.
    any: bool,
}

/// What every slot of one search is matched against.
#[derive(Clone, Copy)]
pub(super) struct Scan<'a> {
    q: &'a Query,
    /// The query's filters made ready, each with whether it is negated.
    tests: &'a [(Test<'a>, bool)],
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

/// A query's filters made ready to test the records of `c`, once per search (see
/// [`Test`]), each with whether it is negated.
pub(super) fn prepare_filters<'q>(
    c: &crate::corpus::Corpus,
    q: &'q Query,
) -> Vec<(Test<'q>, bool)> {
    q.filters
        .iter()
        .map(|f| (f.item.prepare(c), f.negated))
        .collect()
}

/// Added to the score of a record the whole query names exactly.
pub(super) const NAMED: i64 = 100_000;

/// The score, per unit, of a study matched through a disease its units name.
pub(super) const DISEASE_LINK: i64 = 300;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_packs_rank() {
        let a = order(1, 500, 7);
        assert!(order(0, 1, 9) < a, "a better tier first");
        assert!(order(1, 600, 9) < a, "then the higher score");
        assert!(order(1, 500, 6) < a, "then the tie-break");
        assert_eq!(unpack(a), (1, 500));
    }
}
