//! Adverse events from the results section: the serious-event outcome compared across arms,
//! and the whole table of events per group as the trial's [`Safety`].

use super::api::*;
use super::arms::ArmSet;
use crate::corpus::{
    AdverseEvent, Affected, ArmValue, Assessment, Citation, EventCount, Num, Outcome, Safety,
    SafetyGroup,
};
use crate::import::names::unescape;

/// Participants with a serious adverse event, per group, from the adverse-events module.
pub(super) fn map_serious_events<'s>(
    ae: &'s AdverseEvents,
    arms: &mut ArmSet<'s>,
    cite: &dyn Fn(&str) -> Citation,
    outcomes: &mut Vec<Outcome>,
) {
    // The quote must be the record's own words: the module's description, else its time frame.
    let Some(quote) = quote(ae) else {
        return;
    };
    let mut values = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for g in &ae.event_groups {
        let Some(title) = nonempty(&g.title) else {
            continue;
        };
        let Some(n) = text(&g.serious_num_affected).and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        let Some(arm) = arms.arm_for(title, nonempty(&g.description), true) else {
            others.push(format!("{}: {n}", unescape(title)));
            continue;
        };
        let of = text(&g.serious_num_at_risk)
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|&of| of >= n);
        values.push(ArmValue {
            arm: Some(arm),
            value: Num::from_f64(f64::from(n)),
            count: Some(n),
            of,
            ..Default::default()
        });
    }
    if values.is_empty() {
        return;
    }
    outcomes.push(Outcome {
        endpoint: "SAE".into(),
        label: Some("Participants with serious adverse events".into()),
        unit: Some("patients".into()),
        higher_is_better: false,
        values,
        hr: None,
        p: None,
        subgroup: None,
        note: {
            let mut note: Vec<String> = Vec::new();
            if let Some(tf) = clean_opt(&ae.time_frame) {
                note.push(format!("Time frame: {tf}."));
            }
            if !others.is_empty() {
                note.push(format!(
                    "Groups outside the protocol's arms: {}.",
                    others.join("; ")
                ));
            }
            (!note.is_empty()).then(|| note.join(" "))
        },
        citation: cite(&quote),
    });
}

/// The quote an adverse-event table is cited with: the record's own words.
fn quote(ae: &AdverseEvents) -> Option<String> {
    clean_opt(&ae.description)
        .or_else(|| clean_opt(&ae.time_frame).map(|tf| format!("Adverse events time frame: {tf}")))
}

/// A count as the registry writes it: a whole number.
fn count(t: &Option<Text>) -> Option<u32> {
    text(t)?.parse().ok()
}

/// Affected of at risk, when both are given and agree; a pair with more affected than at risk
/// is described in `dropped` instead.
fn affected(
    affected: &Option<Text>,
    at_risk: &Option<Text>,
    what: impl FnOnce() -> String,
    dropped: &mut Vec<String>,
) -> Option<Affected> {
    let (a, r) = (count(affected)?, count(at_risk)?);
    if a > r {
        dropped.push(format!("{}: {a} affected of {r} at risk", what()));
        return None;
    }
    Some(Affected {
        affected: a,
        at_risk: r,
    })
}

/// The adverse-events table: each group (with the arm it is, when it is one), each group's
/// totals, and every serious and other event term with its counts. Counts that do not add up
/// (more affected than at risk) are left out and described in `dropped`, never corrected.
pub(super) fn map_safety<'s>(
    ae: &'s AdverseEvents,
    arms: &mut ArmSet<'s>,
    cite: &dyn Fn(&str) -> Citation,
    dropped: &mut Vec<String>,
) -> Option<Safety> {
    let groups = safety_groups(ae, arms, dropped);
    if groups.is_empty() {
        return None;
    }
    let known = |g: &str| groups.iter().any(|x| x.id == g);
    let mut events = Vec::new();
    for (serious, list) in [(true, &ae.serious_events), (false, &ae.other_events)] {
        for e in list {
            if let Some(e) = adverse_event(e, serious, &known, dropped) {
                events.push(e);
            }
        }
    }
    let quote = quote(ae).unwrap_or_else(|| {
        let titles: Vec<&str> = groups.iter().map(|g| g.label.as_str()).collect();
        format!("Adverse events: {}", titles.join("; "))
    });
    Some(Safety {
        groups,
        time_frame: clean_opt(&ae.time_frame),
        description: clean_opt(&ae.description),
        frequency_threshold: text(&ae.frequency_threshold).and_then(Num::parse),
        events,
        citation: cite(&quote),
    })
}

fn safety_groups<'s>(
    ae: &'s AdverseEvents,
    arms: &mut ArmSet<'s>,
    dropped: &mut Vec<String>,
) -> Vec<SafetyGroup> {
    let mut groups: Vec<SafetyGroup> = Vec::new();
    for g in &ae.event_groups {
        let (Some(id), Some(title)) = (nonempty(&g.id), nonempty(&g.title)) else {
            continue;
        };
        if groups.iter().any(|x| x.id == id) {
            continue;
        }
        let label = unescape(title);
        let mut total = |what: &str, a: &Option<Text>, r: &Option<Text>| {
            affected(a, r, || format!("{label}, {what}"), dropped)
        };
        let serious = total(
            "serious adverse events",
            &g.serious_num_affected,
            &g.serious_num_at_risk,
        );
        let other = total(
            "other adverse events",
            &g.other_num_affected,
            &g.other_num_at_risk,
        );
        let deaths = total("deaths", &g.deaths_num_affected, &g.deaths_num_at_risk);
        groups.push(SafetyGroup {
            id: id.to_string(),
            arm: arms.arm_for(title, nonempty(&g.description), false),
            label,
            serious,
            other,
            deaths,
        });
    }
    groups
}

fn adverse_event(
    e: &EventTerm,
    serious: bool,
    known: &dyn Fn(&str) -> bool,
    dropped: &mut Vec<String>,
) -> Option<AdverseEvent> {
    let term = clean_opt(&e.term)?;
    let mut counts = Vec::new();
    for s in &e.stats {
        let Some(group) = nonempty(&s.group_id).filter(|g| known(g)) else {
            continue;
        };
        let Some(a) = affected(
            &s.num_affected,
            &s.num_at_risk,
            || format!("{term} ({group})"),
            dropped,
        ) else {
            continue;
        };
        counts.push(EventCount {
            group: group.to_string(),
            affected: a.affected,
            at_risk: a.at_risk,
            events: count(&s.num_events),
        });
    }
    if counts.is_empty() {
        return None;
    }
    let assessment = match nonempty(&e.assessment_type).map(str::to_ascii_uppercase) {
        Some(a) if a == "SYSTEMATIC_ASSESSMENT" => Some(Assessment::Systematic),
        Some(a) if a == "NON_SYSTEMATIC_ASSESSMENT" => Some(Assessment::NonSystematic),
        _ => None,
    };
    Some(AdverseEvent {
        term,
        organ_system: clean_opt(&e.organ_system),
        serious,
        assessment,
        vocabulary: clean_opt(&e.source_vocabulary),
        counts,
    })
}
