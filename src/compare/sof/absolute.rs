//! Absolute effects per 1,000: from a control arm's rate and a ratio, or from both arms'
//! rates; computed by evidex and labelled so.

use super::*;
use crate::i18n::{tr, trf};

/// A control arm's rate (a share, 0–1) of an endpoint and the experimental arm's, with where
/// they are measured: from an outcome of the endpoint in per cent.
pub(super) fn rates(t: &Trial, ep: &str, lang: Lang) -> Option<(f64, Option<f64>, String)> {
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
                    format!(
                        "{}: {}",
                        t.acronym.as_deref().unwrap_or(&t.id),
                        g.title_in(lang)
                    ),
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
    lang: Lang,
) -> Option<String> {
    let found: Vec<(f64, Option<f64>, String)> =
        studies.iter().filter_map(|t| rates(t, ep, lang)).collect();
    let (_, exp, what) = found.first()?.clone();
    let many = found.len() > 1;
    let ctrl = median_control(&found);
    match effect {
        Some((kind, ratio, ci)) if ratio.is_finite() && *ratio > 0.0 => {
            let basis = if many {
                trf(
                    lang,
                    "the median control rate of %{n} studies (%{what})",
                    &[("n", &found.len()), ("what", &what)],
                )
            } else {
                trf(lang, "the control arm's rate (%{what})", &[("what", &what)])
            };
            let ratio = Ratio {
                kind,
                ratio: *ratio,
                ci: *ci,
                harm,
            };
            Some(from_ratio(ctrl, &ratio, &basis, lang))
        }
        _ if !many => Some(from_rates(ctrl, exp?, &what, lang)),
        _ => None,
    }
}

/// The control rate: the one study's, or the median of several.
fn median_control(found: &[(f64, Option<f64>, String)]) -> f64 {
    let mut cs: Vec<f64> = found.iter().map(|f| f.0).collect();
    cs.sort_by(f64::total_cmp);
    let m = cs.len() / 2;
    if cs.len().is_multiple_of(2) {
        (cs[m - 1] + cs[m]) / 2.0
    } else {
        cs[m]
    }
}

/// A share as a whole number per 1,000.
fn per_1000(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

/// A relative effect applied to a control rate: its kind, value and interval, and whether the
/// outcome is a harm.
struct Ratio<'a> {
    kind: &'a str,
    ratio: f64,
    ci: Option<(f64, f64)>,
    harm: bool,
}

impl Ratio<'_> {
    /// The experimental arm's share when the control arm's is `ctrl` and the ratio `ratio`.
    fn apply(&self, ctrl: f64, ratio: f64) -> f64 {
        match self.kind {
            // The share is of patients with the outcome; a hazard ratio acts on the event-free
            // share for survival endpoints, on the share with the event for harms.
            "HR" if self.harm => 1.0 - (1.0 - ctrl).powf(ratio),
            "HR" => ctrl.powf(ratio),
            "OR" => ratio * ctrl / (1.0 - ctrl + ratio * ctrl),
            _ => (ratio * ctrl).min(1.0),
        }
    }
}

/// Per 1,000 from a control rate and a relative effect, with the interval it carries.
fn from_ratio(ctrl: f64, r: &Ratio, basis: &str, lang: Lang) -> String {
    let e = per_1000(r.apply(ctrl, r.ratio));
    let c = per_1000(ctrl);
    let range =
        r.ci.map(|(lo, hi)| {
            let (a, b) = (per_1000(r.apply(ctrl, lo)), per_1000(r.apply(ctrl, hi)));
            format!(" (95% CI {}–{})", a.min(b), a.max(b))
        })
        .unwrap_or_default();
    trf(
        lang,
        "%{control} per 1,000 with control; %{experimental} per 1,000 with the experimental arm%{range}: %{difference} — %{computed} from %{basis} and the %{kind}",
        &[
            ("control", &c),
            ("experimental", &e),
            ("range", &range),
            ("difference", &difference(e - c, lang)),
            ("computed", &tr(lang, COMPUTED)),
            ("basis", &basis),
            ("kind", &r.kind),
        ],
    )
}

/// Per 1,000 from both arms' own rates, of one study.
fn from_rates(ctrl: f64, exp: f64, what: &str, lang: Lang) -> String {
    let e = per_1000(exp);
    let c = per_1000(ctrl);
    trf(
        lang,
        "%{control} per 1,000 with control; %{experimental} per 1,000 with the experimental arm: %{difference} — %{computed} from the arms' rates (%{what})",
        &[
            ("control", &c),
            ("experimental", &e),
            ("difference", &difference(e - c, lang)),
            ("computed", &tr(lang, COMPUTED)),
            ("what", &what),
        ],
    )
}

/// `no difference`, `12 more`, `3 fewer` (per 1,000), in `lang`.
pub(super) fn difference(d: i64, lang: Lang) -> String {
    match d {
        0 => tr(lang, "no difference").into_owned(),
        d if d > 0 => trf(lang, "%{n} more", &[("n", &d)]),
        d => trf(lang, "%{n} fewer", &[("n", &-d)]),
    }
}
