//! The rules for a trial's adverse events and baseline characteristics: every group named
//! exists in its section, every arm a group names exists in the trial, and no count has more
//! participants affected than at risk; and for the safety statements of trials and therapies.

use std::collections::HashSet;

use super::Checker;
use crate::corpus::model::Trial;
use crate::corpus::safety::{Affected, Baseline, Safety, SafetyStatement};

/// Group ids unique within the section, each group's arm a trial arm; the group ids.
fn check_groups<'a>(
    c: &mut Checker,
    t: &Trial,
    arm_ids: &HashSet<&str>,
    groups: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    at: &str,
) -> HashSet<&'a str> {
    let mut seen = HashSet::new();
    for (j, (id, arm)) in groups.enumerate() {
        if id.trim().is_empty() {
            c.error(
                &t.id,
                format!("{at}.groups[{j}].id"),
                "the group id is empty",
            );
        } else if !seen.insert(id) {
            c.error(
                &t.id,
                format!("{at}.groups[{j}].id"),
                format!("group id {id:?} appears twice"),
            );
        }
        if let Some(arm) = arm
            && !arm_ids.contains(arm)
        {
            c.error(
                &t.id,
                format!("{at}.groups[{j}].arm"),
                format!("the trial has no arm {arm:?}"),
            );
        }
    }
    seen
}

fn check_affected(c: &mut Checker, t: &Trial, a: &Affected, field: String) {
    if a.affected > a.at_risk {
        c.error(
            &t.id,
            field,
            format!(
                "{} affected is more than the {} at risk",
                a.affected, a.at_risk
            ),
        );
    }
}

/// The adverse-event table of a trial.
pub(super) fn check_safety(
    c: &mut Checker,
    t: &Trial,
    arm_ids: &HashSet<&str>,
    s: &Safety,
    at: &str,
) {
    let groups = check_groups(
        c,
        t,
        arm_ids,
        s.groups.iter().map(|g| (g.id.as_str(), g.arm.as_deref())),
        at,
    );
    for (j, g) in s.groups.iter().enumerate() {
        for (name, a) in [
            ("serious", &g.serious),
            ("other", &g.other),
            ("deaths", &g.deaths),
        ] {
            if let Some(a) = a {
                check_affected(c, t, a, format!("{at}.groups[{j}].{name}"));
            }
        }
    }
    for (j, e) in s.events.iter().enumerate() {
        let ef = format!("{at}.events[{j}]");
        if e.term.trim().is_empty() {
            c.error(&t.id, format!("{ef}.term"), "the event term is empty");
        }
        if e.counts.is_empty() {
            c.error(
                &t.id,
                format!("{ef}.counts"),
                "an event needs at least one count",
            );
        }
        for (k, n) in e.counts.iter().enumerate() {
            let cf = format!("{ef}.counts[{k}]");
            if !groups.contains(n.group.as_str()) {
                c.error(
                    &t.id,
                    format!("{cf}.group"),
                    format!("the safety section has no group {:?}", n.group),
                );
            }
            let a = Affected {
                affected: n.affected,
                at_risk: n.at_risk,
            };
            check_affected(c, t, &a, format!("{cf}.affected"));
        }
    }
}

/// The baseline table of a trial.
pub(super) fn check_baseline(
    c: &mut Checker,
    t: &Trial,
    arm_ids: &HashSet<&str>,
    b: &Baseline,
    at: &str,
) {
    let groups = check_groups(
        c,
        t,
        arm_ids,
        b.groups.iter().map(|g| (g.id.as_str(), g.arm.as_deref())),
        at,
    );
    for (j, ch) in b.characteristics.iter().enumerate() {
        for (k, row) in ch.rows.iter().enumerate() {
            for (m, v) in row.values.iter().enumerate() {
                if !groups.contains(v.group.as_str()) {
                    c.error(
                        &t.id,
                        format!("{at}.characteristics[{j}].rows[{k}].values[{m}].group"),
                        format!("the baseline section has no group {:?}", v.group),
                    );
                }
            }
        }
    }
}

/// A record's safety statements: each says something, names an arm of the trial if any (a
/// therapy's name none), and cites a source with its quote.
pub(super) fn check_statements(
    c: &mut Checker,
    ids: &super::Ids,
    id: &str,
    statements: &[SafetyStatement],
    arm_ids: Option<&HashSet<&str>>,
    at: &str,
) {
    for (j, s) in statements.iter().enumerate() {
        let sat = format!("{at}.safety_statements[{j}]");
        if s.text.trim().is_empty() {
            c.error(id, format!("{sat}.text"), "the statement is empty");
        }
        if let Some(arm) = &s.arm {
            match arm_ids {
                Some(arms) if arms.contains(arm.as_str()) => {}
                Some(_) => c.error(
                    id,
                    format!("{sat}.arm"),
                    format!("the trial has no arm {arm:?}"),
                ),
                None => c.error(
                    id,
                    format!("{sat}.arm"),
                    "a therapy has no arms; name the arm on the trial's statement",
                ),
            }
        }
        for (k, term) in s.terms.iter().enumerate() {
            if term.trim().is_empty() {
                c.error(id, format!("{sat}.terms[{k}]"), "the term is empty");
            }
        }
        super::check_citation(c, ids, id, format!("{sat}.citation"), &s.citation);
    }
}
