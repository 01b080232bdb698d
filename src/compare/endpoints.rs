//! Which outcome of a trial fills a row, and the endpoints and measures a set of trials shares.

use super::measure::{Group, Statistic, endpoint_rank, measure_of};
use crate::corpus::{Outcome, Trial};

/// The outcome a trial reports for an endpoint: the overall figure before a subgroup's.
pub fn outcome_for<'a>(t: &'a Trial, endpoint: &str) -> Option<&'a Outcome> {
    first_overall(t.outcomes.iter().filter(|o| o.endpoint == endpoint))
}

/// The first outcome of the whole population, else the first of a subgroup.
pub(super) fn first_overall<'a>(
    mut it: impl Iterator<Item = &'a Outcome> + Clone,
) -> Option<&'a Outcome> {
    let first = it.clone().next();
    it.find(|o| o.subgroup.is_none()).or(first)
}

/// The outcome a trial reports in a measure group (the whole population's first).
pub fn outcome_in<'a>(t: &'a Trial, group: &Group) -> Option<&'a Outcome> {
    first_overall(t.outcomes.iter().filter(|o| measure_of(t, o) == *group))
}

/// The outcome that gives a trial's hazard ratio for an endpoint (the whole population's first).
pub fn hr_outcome<'a>(t: &'a Trial, endpoint: &str) -> Option<&'a Outcome> {
    first_overall(
        t.outcomes
            .iter()
            .filter(|o| o.endpoint == endpoint && o.hr.is_some()),
    )
}

/// Endpoints reported by any of the trials, in canonical order.
pub fn endpoints(trials: &[&Trial]) -> Vec<String> {
    let mut eps: Vec<String> = Vec::new();
    for t in trials {
        for o in &t.outcomes {
            if !eps.contains(&o.endpoint) {
                eps.push(o.endpoint.clone());
            }
        }
    }
    eps.sort_by_key(|e| endpoint_rank(e));
    eps
}

/// The measure groups of the trials' outcomes: by endpoint in canonical order, then by
/// statistic, then in the order the trials give them.
pub fn measures(trials: &[&Trial]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for t in trials {
        for o in &t.outcomes {
            let g = measure_of(t, o);
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    let stat = |g: &Group| match g {
        Group::Measure { statistic, .. } => *statistic,
        _ => Statistic::Amount,
    };
    groups.sort_by_key(|g| (endpoint_rank(g.endpoint().unwrap_or("")), stat(g)));
    groups
}
