//! The safety rows of a comparison: each study's participants with a serious adverse event,
//! the adverse events aligned by term within organ system, baseline age and sex, and the
//! safety statements the sources make.
//!
//! Registries give counts (affected of at risk); the rate beside each count is computed by
//! evidex, so the rows that show one are marked [`super::Row::computed`] and the comparison
//! carries [`RATES_COMPUTED`]. A lower rate is better: ★ marks the lowest experimental-arm
//! rate of a row by the rule every row follows (only between columns of the same kind of
//! population). An event a registry does not list for a study is "not listed", never zero:
//! registries list other (not serious) events only above a frequency threshold.

use serde::Serialize;

use super::measure::Group;
use super::populations::Populations;
use super::rows::{mark_best, missing};
use super::{Cell, NOT_APPLICABLE, NOT_REPORTED, Row};
use crate::corpus::{
    AdverseEvent, CharacteristicKind, Corpus, Kind, Lang, RecordRef, Safety, SafetyGroup,
    SafetyStatement, Trial,
};
use crate::i18n::trf;
use crate::search::normalize::fold;

/// How many event terms of each kind (serious, other) a comparison lists by default.
pub const TOP_EVENTS: usize = 10;

/// The caveat of a comparison that shows adverse-event or baseline rates.
pub const RATES_COMPUTED: &str = "Adverse-event and baseline rates (participants affected of those at risk, as %) are computed by evidex from the registry's counts, not reported by the sources; an event a registry does not list for a study is \"not listed\", not zero.";

/// Text for an event a study's registry table does not list.
pub const NOT_LISTED: &str = "not listed";

/// Which adverse-event terms a comparison lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Events {
    /// The [`TOP_EVENTS`] most frequent serious and the most frequent other events.
    #[default]
    Top,
    /// Every term.
    All,
}

impl Events {
    pub fn toggle(self) -> Events {
        match self {
            Events::Top => Events::All,
            Events::All => Events::Top,
        }
    }
}

/// How many adverse-event terms the comparison lists, of how many the studies report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EventsShown {
    pub events: Events,
    pub shown: usize,
    pub total: usize,
}

impl EventsShown {
    /// What the rows list, for the table and the exports.
    pub fn describe(&self) -> String {
        self.describe_in(Lang::En)
    }

    /// [`EventsShown::describe`] in `lang`.
    pub fn describe_in(&self, lang: Lang) -> String {
        match self.events {
            Events::All => trf(
                lang,
                "all %{n} adverse-event terms listed",
                &[("n", &self.total)],
            ),
            Events::Top => trf(
                lang,
                "%{n} of %{total} adverse-event terms listed: the %{top} most frequent serious and the %{top} most frequent other ones, by their highest rate in a study (all its groups together)",
                &[
                    ("n", &self.shown),
                    ("total", &self.total),
                    ("top", &TOP_EVENTS),
                ],
            ),
        }
    }
}

/// One arm's count behind a cell, for scripts reading the JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// The group's label as the source gives it.
    pub group: String,
    pub affected: u32,
    pub at_risk: u32,
}

/// The role of a safety group in its trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Experimental,
    Control,
    /// A group that is not an arm (an open-label extension, a subset).
    Other,
}

const ROLES: [(Role, &str); 3] = [
    (Role::Experimental, "experimental"),
    (Role::Control, "control"),
    (Role::Other, "other groups"),
];

fn role(t: &Trial, g: &SafetyGroup) -> Role {
    match g
        .arm
        .as_deref()
        .and_then(|a| t.arms.iter().find(|x| x.id == a))
    {
        Some(a) if a.control => Role::Control,
        Some(_) => Role::Experimental,
        None => Role::Other,
    }
}

/// `12.3 % (25/203)`: the rate evidex computes, with the counts it comes from.
pub fn rate(affected: u32, at_risk: u32) -> String {
    if at_risk == 0 {
        return format!("({affected}/{at_risk})");
    }
    let r = f64::from(affected) * 100.0 / f64::from(at_risk);
    if affected > 0 && r < 0.05 {
        // Would print as 0.0 %: say it is below 0.1 % instead of rounding a case away.
        return format!("<0.1 % ({affected}/{at_risk})");
    }
    format!("{r:.1} % ({affected}/{at_risk})")
}

fn value(affected: u32, at_risk: u32) -> Option<f64> {
    (at_risk > 0).then(|| f64::from(affected) / f64::from(at_risk))
}

/// A cell of one role's groups: each group's rate, labelled when the role has several; the
/// value ★ compares when the role has exactly one group with a count.
fn role_cell(
    t: &Trial,
    s: &Safety,
    r: Role,
    count: impl Fn(&SafetyGroup) -> Option<(u32, u32)>,
    lang: Lang,
) -> Option<(Cell, Option<f64>)> {
    let groups: Vec<&SafetyGroup> = s.groups.iter().filter(|g| role(t, g) == r).collect();
    if groups.is_empty() {
        return None;
    }
    let label = |g: &SafetyGroup| {
        g.arm
            .as_deref()
            .and_then(|a| t.arms.iter().find(|x| x.id == a))
            .map_or_else(|| g.label.clone(), |a| a.label.get(lang).to_string())
    };
    let mut parts = Vec::new();
    let mut counts = Vec::new();
    for g in &groups {
        let text = match count(g) {
            Some((a, n)) => {
                counts.push(Count {
                    group: g.label.clone(),
                    affected: a,
                    at_risk: n,
                });
                rate(a, n)
            }
            None => NOT_LISTED.to_string(),
        };
        parts.push(if groups.len() > 1 {
            format!("{}: {text}", label(g))
        } else {
            text
        });
    }
    if counts.is_empty() {
        // No group of this role lists the event: one "not listed", not one per group.
        return Some((Cell::new(NOT_LISTED), None));
    }
    let val = match (groups.len(), counts.first()) {
        (1, Some(c)) => value(c.affected, c.at_risk),
        _ => None,
    };
    let mut cell = Cell::new(parts.join("; "));
    cell.counts = counts;
    Some((cell, val))
}

/// A group's participants affected and at risk in one measure (serious AEs, an event).
/// It is given the column's index with its trial.
type CountOf<'a> = dyn Fn(usize, &Trial, &SafetyGroup) -> Option<(u32, u32)> + 'a;

/// The rows of one measure of each column's safety table, one per role any column has:
/// `experimental`, `control`, `other groups`; ★ on the lowest experimental rate.
fn role_rows(
    trials: &[Option<&Trial>],
    group: &Group,
    what: &str,
    count: &CountOf<'_>,
    pops: &Populations,
    lang: Lang,
    rows: &mut Vec<Row>,
) {
    for (r, name) in ROLES {
        let mut any = false;
        let mut cells = Vec::new();
        let mut vals = Vec::new();
        for (i, t) in trials.iter().enumerate() {
            let made = t.and_then(|t| {
                t.safety
                    .as_deref()
                    .map(|s| role_cell(t, s, r, |g| count(i, t, g), lang))
            });
            match made {
                Some(Some((cell, v))) => {
                    any = true;
                    cells.push(cell);
                    vals.push(v);
                }
                Some(None) => {
                    let none = match r {
                        Role::Control => "no control arm",
                        _ => NOT_APPLICABLE,
                    };
                    cells.push(Cell::new(none));
                    vals.push(None);
                }
                None => {
                    cells.push(Cell::new(missing(t)));
                    vals.push(None);
                }
            }
        }
        // A role no column has, or whose every cell is without a figure, makes no row.
        if !any || cells.iter().all(Cell::is_blank) {
            continue;
        }
        if r == Role::Experimental {
            mark_best(&mut cells, &vals, false, pops);
        }
        rows.push(Row {
            group: group.clone(),
            label: if what.is_empty() {
                name.to_string()
            } else {
                format!("{what}, {name}")
            },
            cells,
            computed: true,
        });
    }
}

/// An event's identity across studies: serious or not, organ system and term, folded.
type EventKey = (bool, String, String);

fn key(e: &AdverseEvent) -> EventKey {
    let f = |s: &str| {
        fold(s.trim())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    (
        e.serious,
        f(e.organ_system.as_deref().unwrap_or("")),
        f(&e.term),
    )
}

/// An event's rate in its study, all groups together: a small group's one case does not
/// outrank a common event of a large trial.
fn peak(e: &AdverseEvent) -> f64 {
    let (a, n) = e.counts.iter().fold((0u64, 0u64), |(a, n), c| {
        (a + u64::from(c.affected), n + u64::from(c.at_risk))
    });
    if n == 0 { 0.0 } else { a as f64 / n as f64 }
}

/// Every study's safety rows, when some compared study has a registry safety table or a
/// safety statement; the events shown of how many.
pub(super) fn safety_rows(
    c: &Corpus,
    records: &[RecordRef],
    trials: &[Option<&Trial>],
    pops: &Populations,
    events: Events,
    lang: Lang,
    rows: &mut Vec<Row>,
) -> Option<EventsShown> {
    let any_table = trials.iter().flatten().any(|t| t.safety.is_some());
    if any_table {
        role_rows(
            trials,
            &Group::Safety,
            "Serious AEs",
            &|_, _, g| g.serious.map(|a| (a.affected, a.at_risk)),
            pops,
            lang,
            rows,
        );
        if trials
            .iter()
            .flatten()
            .filter_map(|t| t.safety.as_deref())
            .any(|s| s.time_frame.is_some())
        {
            let cells = trials
                .iter()
                .map(|t| {
                    Cell::new(match t {
                        Some(t) => t
                            .safety
                            .as_deref()
                            .and_then(|s| s.time_frame.clone())
                            .unwrap_or_else(|| NOT_REPORTED.to_string()),
                        None => NOT_APPLICABLE.to_string(),
                    })
                })
                .collect();
            rows.push(Row {
                group: Group::Safety,
                label: "AE time frame".into(),
                cells,
                computed: false,
            });
        }
    }
    statement_row(c, records, lang, rows);
    let shown = any_table.then(|| event_rows(trials, pops, events, lang, rows));
    baseline_rows(trials, rows);
    shown
}

/// The sources' safety statements of each column (a trial's or a therapy's), with the arm
/// each is about.
fn statement_row(c: &Corpus, records: &[RecordRef], lang: Lang, rows: &mut Vec<Row>) {
    let of = |r: &RecordRef| statements_of(c, *r);
    if !records.iter().filter_map(of).any(|(s, _)| !s.is_empty()) {
        return;
    }
    let cells = records
        .iter()
        .map(|r| match of(r) {
            Some((ss, t)) if !ss.is_empty() => Cell::new(
                ss.iter()
                    .map(|s| {
                        let arm = s
                            .arm
                            .as_deref()
                            .and_then(|a| t?.arms.iter().find(|x| x.id == a))
                            .map(|a| format!("{}: ", a.label.get(lang)))
                            .unwrap_or_default();
                        format!("{arm}{} “{}”", s.text, s.citation.quote.trim())
                    })
                    .collect::<Vec<_>>()
                    .join(" · "),
            ),
            Some(_) => Cell::new("none stated"),
            None => Cell::new(NOT_APPLICABLE),
        })
        .collect();
    rows.push(Row {
        group: Group::Safety,
        label: "Safety statements".into(),
        cells,
        computed: false,
    });
}

/// A record's safety statements, with the trial whose arms they may name.
fn statements_of(c: &Corpus, r: RecordRef) -> Option<(&[SafetyStatement], Option<&Trial>)> {
    match r.kind {
        Kind::Trial => {
            let t = c.trial(r.index);
            Some((&t.safety_statements, Some(t)))
        }
        Kind::Therapy => Some((&c.therapy(r.index).safety_statements, None)),
        _ => None,
    }
}

/// An event as compared: its key, a representative (the first seen) and its peak rate.
type Ranked<'a> = (EventKey, &'a AdverseEvent, f64);

/// The adverse-event rows: the most frequent terms (by their highest rate in a compared study,
/// all its groups together), serious first, grouped by organ system in the order of their most frequent
/// term; one row per role under each term.
fn event_rows(
    trials: &[Option<&Trial>],
    pops: &Populations,
    events: Events,
    lang: Lang,
    rows: &mut Vec<Row>,
) -> EventsShown {
    let all = distinct_events(trials);
    let lookup = events_by_key(trials);
    let mut shown = 0;
    for serious in [true, false] {
        let these = ranked(&all, serious, events);
        shown += these.len();
        for sys in organ_systems(&these) {
            for (k, e, _) in these.iter().filter(|(k, _, _)| k.1 == sys) {
                let group = Group::AdverseEvents {
                    serious,
                    organ_system: e.organ_system.clone(),
                };
                role_rows(
                    trials,
                    &group,
                    &e.term,
                    &|i, _, g| {
                        lookup[i]
                            .get(k)?
                            .counts
                            .iter()
                            .find(|n| n.group == g.id)
                            .map(|n| (n.affected, n.at_risk))
                    },
                    pops,
                    lang,
                    rows,
                );
            }
        }
    }
    EventsShown {
        events,
        shown,
        total: all.len(),
    }
}

/// Each distinct event of the compared studies, with a representative (the first seen) and
/// its peak rate, in the order first seen.
fn distinct_events<'a>(trials: &[Option<&'a Trial>]) -> Vec<Ranked<'a>> {
    let mut all: Vec<Ranked<'a>> = Vec::new();
    let mut index = std::collections::HashMap::new();
    for t in trials.iter().flatten() {
        for e in t.safety.iter().flat_map(|s| &s.events) {
            let k = key(e);
            match index.get(&k) {
                Some(&i) => {
                    let slot: &mut Ranked<'a> = &mut all[i];
                    slot.2 = slot.2.max(peak(e));
                }
                None => {
                    index.insert(k.clone(), all.len());
                    all.push((k, e, peak(e)));
                }
            }
        }
    }
    all
}

/// Each column's events by key, so that a row finds its event at once.
fn events_by_key<'a>(
    trials: &[Option<&'a Trial>],
) -> Vec<std::collections::HashMap<EventKey, &'a AdverseEvent>> {
    trials
        .iter()
        .map(|t| {
            let mut m = std::collections::HashMap::new();
            for e in t
                .iter()
                .flat_map(|t| t.safety.iter().flat_map(|s| &s.events))
            {
                m.entry(key(e)).or_insert(e);
            }
            m
        })
        .collect()
}

/// The serious (or the other) events, most frequent first, only the top ones unless all are
/// asked for.
fn ranked<'r, 'a>(all: &'r [Ranked<'a>], serious: bool, events: Events) -> Vec<&'r Ranked<'a>> {
    let mut these: Vec<&Ranked<'a>> = all.iter().filter(|(k, _, _)| k.0 == serious).collect();
    these.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    if events == Events::Top {
        these.truncate(TOP_EVENTS);
    }
    these
}

/// Organ systems in the order of their most frequent term (terms are ranked already).
fn organ_systems<'r>(these: &[&'r Ranked<'_>]) -> Vec<&'r str> {
    let mut systems: Vec<&str> = Vec::new();
    for (k, _, _) in these {
        if !systems.contains(&k.1.as_str()) {
            systems.push(k.1.as_str());
        }
    }
    systems
}

/// Baseline age and the share of women, from each study's registry baseline table: the
/// total group's figures where there is one.
fn baseline_rows(trials: &[Option<&Trial>], rows: &mut Vec<Row>) {
    if !trials.iter().flatten().any(|t| t.baseline.is_some()) {
        return;
    }
    for (label, f, computed) in [
        ("Age", baseline_age as fn(&Trial) -> Option<String>, false),
        ("Women", baseline_women, true),
    ] {
        let cells = trials
            .iter()
            .map(|t| {
                Cell::new(match t {
                    Some(t) if t.baseline.is_some() => {
                        f(t).unwrap_or_else(|| NOT_REPORTED.to_string())
                    }
                    _ => missing(t).to_string(),
                })
            })
            .collect();
        rows.push(Row {
            group: Group::Baseline,
            label: label.into(),
            cells,
            computed,
        });
    }
}

/// The id and size of a baseline table's total group: the last group of no one arm, else the
/// last group.
fn total_group(b: &crate::corpus::Baseline) -> Option<(String, Option<u32>)> {
    b.groups
        .iter()
        .rev()
        .find(|g| g.arm.is_none())
        .or(b.groups.last())
        .map(|g| (g.id.clone(), g.n))
}

/// A study's baseline age in its total group, as the registry states it.
fn baseline_age(t: &Trial) -> Option<String> {
    let b = t.baseline.as_deref()?;
    let (total, _) = total_group(b)?;
    let ch = b.characteristics.iter().find(|ch| {
        ch.kind == CharacteristicKind::Age && ch.rows.len() == 1 && ch.rows[0].category.is_none()
    })?;
    let v = ch.rows[0].values.iter().find(|v| v.group == total)?;
    let mut s = match &ch.param {
        Some(p) => format!("{p} {}", v.value),
        None => v.value.to_string(),
    };
    if let Some(sp) = &v.spread {
        s.push_str(&format!(" (± {sp})"));
    } else if let (Some(lo), Some(hi)) = (&v.low, &v.high) {
        s.push_str(&format!(" ({lo} to {hi})"));
    }
    if let Some(u) = &ch.unit {
        s.push_str(&format!(" {u}"));
    }
    Some(s)
}

/// The women of a study's total group: a rate computed by evidex where the count is a whole
/// number of the group, else the registry's figure.
fn baseline_women(t: &Trial) -> Option<String> {
    let b = t.baseline.as_deref()?;
    let (total, n) = total_group(b)?;
    let row = b
        .characteristics
        .iter()
        .filter(|ch| ch.kind == CharacteristicKind::Sex)
        .flat_map(|ch| &ch.rows)
        .find(|r| {
            r.category
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case("female"))
        })?;
    let v = row.values.iter().find(|v| v.group == total)?;
    let count = v.value.value();
    match n {
        Some(n) if count.fract() == 0.0 && count >= 0.0 && count <= f64::from(n) => {
            Some(rate(count as u32, n))
        }
        _ => Some(v.value.to_string()),
    }
}
