//! Adverse events and baseline characteristics from the results section.

use super::api::*;
use super::arms::ArmSet;
use crate::corpus::{ArmValue, Citation, Num, Outcome};
use crate::import::names::unescape;

/// Participants with a serious adverse event, per group, from the adverse-events module.
pub(super) fn map_serious_events<'s>(
    ae: &'s AdverseEvents,
    arms: &mut ArmSet<'s>,
    cite: &dyn Fn(&str) -> Citation,
    outcomes: &mut Vec<Outcome>,
) {
    // The quote must be the record's own words: the module's description, else its time frame.
    let Some(quote) = clean_opt(&ae.description)
        .or_else(|| clean_opt(&ae.time_frame).map(|tf| format!("Adverse events time frame: {tf}")))
    else {
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
