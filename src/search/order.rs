//! The order of the results: `|` alternatives merged into one list, `sort:` keys, and one
//! total order behind every limit.
//!
//! A query with `|` runs once per choice of alternatives (see [`Query::variants`]); a record
//! any of them matches is kept once, at its best place: the better tier, then the earlier
//! position in its variant's list, then the earlier variant. A `sort:` orders every match by
//! its key, ties keeping that relevance order. Every list is cut only after it is in its final
//! order, and the relevance shortlist that the fuzzy matcher refines is the same for every
//! limit, so the first N results are the same whatever limit was asked for.

use std::cmp::Ordering;
use std::time::Instant;

use super::engine::{Engine, Hit, REFINE, Results};
use super::query::{Query, SortKey};
use crate::corpus::{Corpus, EvidenceLevel, Kind, RecordRef};

impl Engine {
    /// The answer to a query with alternatives or a sort, or with a limit shorter than the
    /// refined shortlist; `None` for a plain query, which [`Engine::search`] runs itself, and
    /// `Some(None)` when `stop` ended it.
    pub(super) fn search_ordered(
        &self,
        q: &Query,
        within: Option<&[u32]>,
        limit: usize,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Option<Results>> {
        let sorted = !q.sort.is_relevance();
        if q.any.is_empty() && !sorted && limit >= REFINE {
            return None;
        }
        let started = Instant::now();
        // A sort needs every match; relevance needs the whole refined shortlist.
        let inner = if sorted {
            usize::MAX
        } else {
            limit.max(REFINE)
        };
        let mut results = if q.any.is_empty() {
            let plain = Query {
                sort: Default::default(),
                ..q.clone()
            };
            match self.search_until(&plain, within, inner, stop) {
                Some(r) => r,
                None => return Some(None),
            }
        } else {
            let parts: Option<Vec<Results>> = q
                .variants()
                .iter()
                .map(|v| self.search_until(v, within, inner, stop))
                .collect();
            match parts {
                Some(parts) => self.merge(parts),
                None => return Some(None),
            }
        };
        if sorted {
            sort_hits(
                self.corpus(),
                &mut results.hits,
                q.sort.key,
                q.sort.reversed,
            );
        }
        results.hits.truncate(limit);
        results.elapsed = started.elapsed();
        Some(Some(results))
    }

    /// One list from the lists of several variants of a query (see the module doc).
    fn merge(&self, parts: Vec<Results>) -> Results {
        let mut slots: Vec<u32> = parts
            .iter()
            .flat_map(|r| r.matched_slots.iter().copied())
            .collect();
        slots.sort_unstable();
        slots.dedup();
        let mut all: Vec<(u8, usize, usize, Hit)> = parts
            .into_iter()
            .enumerate()
            .flat_map(|(v, r)| {
                r.hits
                    .into_iter()
                    .enumerate()
                    .map(move |(i, h)| (h.tier, i, v, h))
            })
            .collect();
        all.sort_by_key(|&(tier, i, v, _)| (tier, i, v));
        let mut seen = std::collections::HashSet::new();
        let hits: Vec<Hit> = all
            .into_iter()
            .filter(|(.., h)| seen.insert(h.slot))
            .map(|(.., h)| h)
            .collect();
        Results {
            hits,
            total: slots.len(),
            facets: self.facets_of(&slots),
            matched_slots: slots,
            elapsed: Default::default(),
        }
    }
}

/// A record's value for a sort key, lower first in the unreversed order; `None` sorts last in
/// either direction (a therapy has no year; an unrated study has no level).
pub fn sort_value(c: &Corpus, r: RecordRef, key: SortKey) -> Option<f64> {
    let trial = (r.kind == Kind::Trial).then(|| c.facts(r.index));
    match key {
        SortKey::Relevance => None,
        SortKey::Year => {
            let year = match r.kind {
                Kind::Trial => trial?.year,
                Kind::Source => c.source(r.index).date.as_deref()?.get(..4)?.parse().ok(),
                _ => None,
            };
            year.map(|y: u16| -f64::from(y))
        }
        SortKey::Level => {
            let level = trial?.evidence_level();
            (level != EvidenceLevel::UNRATED).then_some(f64::from(level.0))
        }
        SortKey::N => trial?.enrolment.map(|n| -f64::from(n)),
        // Kept with every trial's evidence facts: sorting reads no record.
        SortKey::Effect => c.evidence().effect_of(trial.map(|_| r.index)?),
    }
}

/// Orders hits by a sort key, stably: equal values keep their relevance order, records without
/// a value go last, and `reversed` reverses only the values (relevance reversed reverses all).
fn sort_hits(c: &Corpus, hits: &mut Vec<Hit>, key: SortKey, reversed: bool) {
    if key == SortKey::Relevance {
        if reversed {
            hits.reverse();
        }
        return;
    }
    let mut keyed: Vec<(Option<f64>, usize, Hit)> = hits
        .drain(..)
        .enumerate()
        .map(|(i, h)| (sort_value(c, h.record, key), i, h))
        .collect();
    keyed.sort_by(|(a, i, _), (b, j, _)| {
        let by_value = match (a, b) {
            (Some(a), Some(b)) if reversed => b.total_cmp(a),
            (Some(a), Some(b)) => a.total_cmp(b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        by_value.then(i.cmp(j))
    });
    hits.extend(keyed.into_iter().map(|(.., h)| h));
}
