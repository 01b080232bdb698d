//! The data of the comparison's charts: the forest plot's rows and the bar chart's bars, and
//! which endpoints each can show.

use serde::Serialize;

use super::endpoints::{endpoints, hr_outcome, measures, outcome_in};
use super::measure::Group;
use crate::corpus::{Corpus, Kind, Lang, RecordRef, Trial};
use crate::present;

/// One row of a forest plot: a trial's hazard ratio for an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForestRow {
    pub title: String,
    /// `(estimate, low, high)`; `None` when the trial reports no HR for the endpoint.
    pub hr: Option<(f64, Option<(f64, f64)>)>,
    pub label: String,
}

/// Hazard ratios of `endpoint` across the compared trials.
pub fn forest(c: &Corpus, records: &[RecordRef], endpoint: &str, lang: Lang) -> Vec<ForestRow> {
    records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| {
            let t = c.trial(r.index);
            let hr = hr_outcome(t, endpoint).and_then(|o| o.hr.as_ref());
            ForestRow {
                title: c.name_of(*r, lang).to_string(),
                hr: hr.map(|h| {
                    (
                        h.value.value(),
                        h.ci.as_ref().map(|ci| (ci.low.value(), ci.high.value())),
                    )
                }),
                label: hr.map_or_else(
                    || crate::i18n::tr(lang, "HR not reported").into_owned(),
                    present::ratio,
                ),
            }
        })
        .collect()
}

/// One bar: an arm's value of an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub arm: String,
    pub value: f64,
    pub text: String,
    pub control: bool,
}

/// Bars of one measure group per arm, grouped by trial: only figures measured the same way
/// share a scale.
pub fn bars(
    c: &Corpus,
    records: &[RecordRef],
    group: &Group,
    lang: Lang,
) -> Vec<(String, Vec<Bar>)> {
    records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| {
            let t = c.trial(r.index);
            let bars = outcome_in(t, group)
                .map(|o| {
                    o.values
                        .iter()
                        .map(|v| {
                            let arm = v.arm.as_deref().and_then(|a| t.arm(a));
                            Bar {
                                arm: arm.map_or_else(
                                    || crate::i18n::tr(lang, "all patients").into_owned(),
                                    |a| a.label.get(lang).to_string(),
                                ),
                                value: v.value.value(),
                                text: present::value(v, o.unit.as_deref()),
                                control: arm.is_some_and(|a| a.control),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            (c.name_of(*r, lang).to_string(), bars)
        })
        .collect()
}

/// The two charts of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Hazard ratios of an endpoint.
    Forest,
    /// Values of a measure per arm.
    Bars,
}

/// What a chart can show for these records, the best first: for the forest plot, the
/// endpoints with a hazard ratio (as [`Group::Ratio`]), for the bars the measure groups;
/// ordered by how many of the compared trials report them, then in the table's order.
/// An endpoint no compared trial gives a hazard ratio for is not offered.
pub fn chart_choices(c: &Corpus, records: &[RecordRef], chart: Chart) -> Vec<Group> {
    let trials: Vec<&Trial> = records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| c.trial(r.index))
        .collect();
    let mut choices: Vec<(usize, Group)> = match chart {
        Chart::Forest => endpoints(&trials)
            .into_iter()
            .map(|ep| {
                let n = trials
                    .iter()
                    .filter(|t| hr_outcome(t, &ep).is_some())
                    .count();
                (n, Group::Ratio { endpoint: ep })
            })
            .collect(),
        Chart::Bars => measures(&trials)
            .into_iter()
            .map(|g| {
                let n = trials
                    .iter()
                    .filter(|t| outcome_in(t, &g).is_some())
                    .count();
                (n, g)
            })
            .collect(),
    };
    choices.retain(|(n, _)| *n > 0);
    // Stable: equal counts keep the table's order.
    choices.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    choices.into_iter().map(|(_, g)| g).collect()
}
