//! The serious adverse events of a summary: a risk ratio per trial from its registry
//! counts (computed by evidex), pooled within one disease.

use super::*;
use crate::i18n::{tr, trf};

/// The arms' serious-event counts of one trial's registry safety section: the experimental
/// group's (affected, at risk) and the control group's.
pub(super) fn serious_counts(t: &Trial, s: &Safety) -> Option<((u32, u32), (u32, u32))> {
    let is_control = |g: &crate::corpus::SafetyGroup| {
        g.arm
            .as_deref()
            .and_then(|a| t.arm(a))
            .is_some_and(|a| a.control)
    };
    let ctrl = s.groups.iter().find(|&g| is_control(g))?.serious.as_ref()?;
    let exp = s
        .groups
        .iter()
        .find(|&g| g.arm.is_some() && !is_control(g))?
        .serious
        .as_ref()?;
    (exp.at_risk > 0 && ctrl.at_risk > 0)
        .then_some(((exp.affected, exp.at_risk), (ctrl.affected, ctrl.at_risk)))
}

/// The row of serious adverse events, from the registry safety sections of the trials: a
/// risk ratio per trial computed by evidex from the counts (0.5 added to every cell of a
/// trial with a zero count), pooled across two or more.
pub(super) fn serious_events(
    c: &Corpus,
    trials: &[(RecordRef, &Trial)],
    lang: Lang,
) -> Option<Finding> {
    let with: Vec<&Trial> = trials
        .iter()
        .map(|(_, t)| *t)
        .filter(|t| {
            t.safety
                .as_ref()
                .is_some_and(|s| s.groups.iter().any(|g| g.serious.is_some()))
        })
        .collect();
    if with.is_empty() {
        return None;
    }
    let (start, start_reason) = start_of(&with, c, lang);
    let mut downgrades = Vec::new();
    shared_downgrades(c, &with, lang, &mut downgrades);
    let participants: u64 = with
        .iter()
        .filter_map(|t| t.safety.as_ref())
        .flat_map(|s| s.groups.iter().filter(|g| g.arm.is_some()))
        .filter_map(|g| g.serious.as_ref())
        .map(|a| u64::from(a.at_risk))
        .sum();
    let r = ratios(c, &with, lang);
    let (relative, relative_computed, effect) =
        relative_effect(c, &with, &r, lang, &mut downgrades);
    let relative = if r.corrected {
        trf(
            lang,
            "%{relative}; 0.5 added to each cell of a study with no event in an arm",
            &[("relative", &relative)],
        )
    } else {
        relative
    };
    let absolute = absolute_of(&r, &effect, lang);
    Some(Finding {
        outcome: SERIOUS.into(),
        side: Side::Safety,
        studies: with.iter().map(|t| trial_name(c, t, lang)).collect(),
        participants: Some(participants),
        participants_are: tr(lang, "at risk").into_owned(),
        relative,
        relative_computed,
        absolute,
        start,
        certainty: grade(start, &downgrades),
        start_reason,
        downgrades,
        refs: Vec::new(),
    })
}

/// Each trial's serious-event risk ratio on the log scale with its variance, from the
/// registry's counts (computed by evidex), and the control and experimental rates.
#[derive(Default)]
struct Ratios {
    ys: Vec<f64>,
    vs: Vec<f64>,
    /// Each trial's counts and risk ratio, or why it has none, as the summary words them.
    parts: Vec<String>,
    /// 0.5 was added to the cells of a trial with no event in an arm.
    corrected: bool,
    ctrl_rates: Vec<f64>,
    exp_rates: Vec<f64>,
}

/// The risk ratios of the trials, and why a trial with no control group has none.
fn ratios(c: &Corpus, with: &[&Trial], lang: Lang) -> Ratios {
    let mut r = Ratios::default();
    for t in with {
        let Some(s) = t.safety.as_deref() else {
            continue;
        };
        let Some(((a, n1), (b, n2))) = serious_counts(t, s) else {
            r.parts.push(trf(
                lang,
                "%{name}: no control group to compare with",
                &[("name", &trial_name(c, t, lang))],
            ));
            continue;
        };
        r.ctrl_rates.push(f64::from(b) / f64::from(n2));
        r.exp_rates.push(f64::from(a) / f64::from(n1));
        let (mut a, mut n1, mut b, mut n2) =
            (f64::from(a), f64::from(n1), f64::from(b), f64::from(n2));
        if a == 0.0 || b == 0.0 {
            r.corrected = true;
            a += 0.5;
            b += 0.5;
            n1 += 1.0;
            n2 += 1.0;
        }
        let y = ((a / n1) / (b / n2)).ln();
        let v = 1.0 / a - 1.0 / n1 + 1.0 / b - 1.0 / n2;
        r.ys.push(y);
        r.vs.push(v);
        let se = v.sqrt();
        r.parts.push(format!(
            "{}: {}/{} vs {}/{}, RR {} (95% CI {}–{})",
            trial_name(c, t, lang),
            a as u32,
            n1 as u32,
            b as u32,
            n2 as u32,
            fmt(y.exp()),
            fmt((y - stats::qnorm(0.975) * se).exp()),
            fmt((y + stats::qnorm(0.975) * se).exp())
        ));
    }
    r
}

/// The relative effect: one trial's risk ratio, or the trials' pooled within one disease
/// (random effects, REML), or why none; whether evidex computed it; the ratio it gives.
fn relative_effect(
    c: &Corpus,
    with: &[&Trial],
    r: &Ratios,
    lang: Lang,
    downgrades: &mut Vec<Downgrade>,
) -> (String, bool, Option<Relative>) {
    let parts = r.parts.join("; ");
    match r.ys.len() {
        0 => {
            downgrades.push(Downgrade {
                rule: "imprecision",
                reason: tr(lang, "no control group: no relative effect").into_owned(),
            });
            let text = trf(lang, "not estimable (%{parts})", &[("parts", &parts)]);
            (text, false, None)
        }
        1 => one_risk_ratio(r.ys[0], r.vs[0], &parts, lang, downgrades),
        _ => match (
            same_population(c, with),
            stats::fit(&r.ys, &r.vs, stats::Method::Reml),
        ) {
            (true, Ok(f)) => pooled_risk_ratio(&f, r.ys.len(), &parts, lang, downgrades),
            _ => {
                downgrades.push(Downgrade {
                    rule: "imprecision",
                    reason: tr(
                        lang,
                        "the studies' risk ratios are not pooled: the precision of one effect cannot be judged",
                    )
                    .into_owned(),
                });
                let text = trf(
                    lang,
                    "%{parts} (not pooled) — risk ratios %{computed} from the registry's counts",
                    &[("parts", &parts), ("computed", &tr(lang, COMPUTED))],
                );
                (text, false, None)
            }
        },
    }
}

/// One trial's risk ratio (log `y`, variance `v`), computed by evidex, with its interval.
fn one_risk_ratio(
    y: f64,
    v: f64,
    parts: &str,
    lang: Lang,
    downgrades: &mut Vec<Downgrade>,
) -> (String, bool, Option<Relative>) {
    let se = v.sqrt();
    let z = stats::qnorm(0.975);
    let ci = ((y - z * se).exp(), (y + z * se).exp());
    downgrades.extend(imprecision(Some(ci), &tr(lang, "the risk ratio"), lang));
    let text = trf(
        lang,
        "%{parts} — risk ratio %{computed} from the registry's counts",
        &[("parts", &parts), ("computed", &tr(lang, COMPUTED))],
    );
    (text, true, Some(("RR".to_string(), y.exp(), Some(ci))))
}

/// The `n` trials' risk ratios pooled (random effects, REML), computed by evidex, with the
/// doubts the interval and the heterogeneity bring.
fn pooled_risk_ratio(
    f: &stats::Fit,
    n: usize,
    parts: &str,
    lang: Lang,
    downgrades: &mut Vec<Downgrade>,
) -> (String, bool, Option<Relative>) {
    let ci = (f.ci.0.exp(), f.ci.1.exp());
    downgrades.extend(imprecision(
        Some(ci),
        &tr(lang, "the pooled risk ratio"),
        lang,
    ));
    downgrades.extend(inconsistency(f.i2, lang));
    let text = trf(
        lang,
        "pooled RR %{ratio} (95% CI %{low}–%{high}), %{n} studies, random effects (REML); %{computed} (%{parts})",
        &[
            ("ratio", &fmt(f.estimate.exp())),
            ("low", &fmt(ci.0)),
            ("high", &fmt(ci.1)),
            ("n", &n),
            ("computed", &tr(lang, meta::COMPUTED)),
            ("parts", &parts),
        ],
    );
    (
        text,
        true,
        Some(("RR".to_string(), f.estimate.exp(), Some(ci))),
    )
}

/// Per 1,000: the control groups' median rate, and the experimental arm's from it and the
/// risk ratio (computed by evidex).
fn absolute_of(r: &Ratios, effect: &Option<Relative>, lang: Lang) -> Option<String> {
    (!r.ctrl_rates.is_empty()).then(|| {
        let per = |x: f64| (x * 1000.0).round() as i64;
        let mut cs = r.ctrl_rates.clone();
        cs.sort_by(f64::total_cmp);
        let ctrl = cs[cs.len() / 2];
        let (e, range) = match effect {
            Some((_, rr, Some((lo, hi)))) => (
                per((rr * ctrl).min(1.0)),
                format!(" (95% CI {}–{})", per((lo * ctrl).min(1.0)), per((hi * ctrl).min(1.0))),
            ),
            _ => (per(r.exp_rates[0]), String::new()),
        };
        let c0 = per(ctrl);
        let d = super::absolute::difference(e - c0, lang);
        let msg = if r.ctrl_rates.len() > 1 {
            "%{control} per 1,000 with control; %{experimental} per 1,000 with the experimental arm%{range}: %{difference} — %{computed} from the control groups' median rate and the risk ratio"
        } else {
            "%{control} per 1,000 with control; %{experimental} per 1,000 with the experimental arm%{range}: %{difference} — %{computed} from the control group's rate and the risk ratio"
        };
        trf(
            lang,
            msg,
            &[
                ("control", &c0),
                ("experimental", &e),
                ("range", &range),
                ("difference", &d),
                ("computed", &tr(lang, COMPUTED)),
            ],
        )
    })
}
