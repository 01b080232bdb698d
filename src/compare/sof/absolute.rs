//! Absolute effects per 1,000: from a control arm's rate and a ratio, or from both arms'
//! rates; computed by evidex and labelled so.

use super::*;

/// A control arm's rate (a share, 0–1) of an endpoint and the experimental arm's, with where
/// they are measured: from an outcome of the endpoint in per cent.
pub(super) fn rates(t: &Trial, ep: &str) -> Option<(f64, Option<f64>, String)> {
    t.outcomes
        .iter()
        .filter(|o| o.endpoint == ep && o.subgroup.is_none())
        .find_map(|o| {
            let g = measure_of(t, o);
            let Group::Measure {
                statistic: Statistic::Rate,
                ..
            } = &g
            else {
                return None;
            };
            let (exp, ctrl) = present::exp_ctrl(t, o);
            let ctrl = ctrl.filter(|v| v.comparator.is_none() && v.upper.is_none())?;
            let share = |v: &crate::corpus::ArmValue| v.value.value() / 100.0;
            let c = share(ctrl);
            (0.0..=1.0).contains(&c).then(|| {
                (
                    c,
                    exp.filter(|v| v.comparator.is_none() && v.upper.is_none())
                        .map(share),
                    format!("{}: {}", t.acronym.as_deref().unwrap_or(&t.id), g.title()),
                )
            })
        })
}

/// Per 1,000 from the control arm's rate: with the relative effect when there is one (a
/// hazard ratio on the event-free share, `S₁ = S₀^HR`; an odds or risk ratio on the share),
/// else from both arms' own rates. Computed by evidex, and labelled so.
pub(super) fn absolute_effect(
    studies: &[&Trial],
    ep: &str,
    effect: Option<&Relative>,
    harm: bool,
) -> Option<String> {
    let found: Vec<(f64, Option<f64>, String)> =
        studies.iter().filter_map(|t| rates(t, ep)).collect();
    let (ctrl, exp, what) = found.first()?.clone();
    let many = found.len() > 1;
    let ctrl = if many {
        let mut cs: Vec<f64> = found.iter().map(|f| f.0).collect();
        cs.sort_by(f64::total_cmp);
        let m = cs.len() / 2;
        if cs.len().is_multiple_of(2) {
            (cs[m - 1] + cs[m]) / 2.0
        } else {
            cs[m]
        }
    } else {
        ctrl
    };
    let per = |x: f64| (x * 1000.0).round() as i64;
    let apply = |kind: &str, ratio: f64| -> f64 {
        match kind {
            // The share is of patients with the outcome; a hazard ratio acts on the event-free
            // share for survival endpoints, on the share with the event for harms.
            "HR" if harm => 1.0 - (1.0 - ctrl).powf(ratio),
            "HR" => ctrl.powf(ratio),
            "OR" => ratio * ctrl / (1.0 - ctrl + ratio * ctrl),
            _ => (ratio * ctrl).min(1.0),
        }
    };
    let basis = if many {
        format!(
            "the median control rate of {} studies ({what})",
            found.len()
        )
    } else {
        format!("the control arm's rate ({what})")
    };
    let diff = |e: i64, c: i64| match e - c {
        0 => "no difference".to_string(),
        d if d > 0 => format!("{d} more"),
        d => format!("{} fewer", -d),
    };
    match effect {
        Some((kind, ratio, ci)) if ratio.is_finite() && *ratio > 0.0 => {
            let e = per(apply(kind, *ratio));
            let c = per(ctrl);
            let range = ci
                .map(|(lo, hi)| {
                    let (a, b) = (per(apply(kind, lo)), per(apply(kind, hi)));
                    format!(" (95% CI {}–{})", a.min(b), a.max(b))
                })
                .unwrap_or_default();
            Some(format!(
                "{c} per 1,000 with control; {e} per 1,000 with the experimental arm{range}: {} — {COMPUTED} from {basis} and the {kind}",
                diff(e, c)
            ))
        }
        _ if !many => {
            let e = per(exp?);
            let c = per(ctrl);
            Some(format!(
                "{c} per 1,000 with control; {e} per 1,000 with the experimental arm: {} — {COMPUTED} from the arms' rates ({what})",
                diff(e, c)
            ))
        }
        _ => None,
    }
}
