//! The rules for a trial: its references (diseases, therapies, arms, sources), its arms, and
//! each outcome's figures (percentages, ranges, intervals, ratios, p-values, arithmetic).

use std::collections::HashSet;

use super::{Checker, Ids, check_citation, check_names, check_study_dates};
use crate::corpus::model::{ArmValue, Citation, CorpusFile, Interval, Outcome, Ratio, Trial};
use crate::corpus::num::Cmp;

pub(super) fn check_trial(c: &mut Checker, file: &CorpusFile, ids: &Ids, i: usize, t: &Trial) {
    let at = format!("trials[{i}] ({})", t.id);
    check_names(c, &t.id, format!("{at}.title"), &t.title);
    check_study_dates(c, t, &at);
    for (j, r) in t.registry_ids.iter().enumerate() {
        if r.trim().is_empty() {
            c.error(
                &t.id,
                format!("{at}.registry_ids[{j}]"),
                "the registry id is empty",
            );
        }
    }
    for (j, d) in t.diseases.iter().enumerate() {
        if !ids.diseases.contains(d.as_str()) {
            c.error(
                &t.id,
                format!("{at}.diseases[{j}]"),
                format!("unknown disease {d:?}"),
            );
        }
    }
    if t.citations.is_empty() {
        c.error(
            &t.id,
            format!("{at}.citations"),
            "a trial needs at least one citation",
        );
    }
    let reference_exists = |cit: &Citation| match cit.reference {
        None => true,
        Some(n) => file
            .sources
            .iter()
            .find(|s| s.id == cit.source)
            .is_none_or(|s| s.references.is_empty() || s.references.iter().any(|r| r.number == n)),
    };
    for (j, cit) in t.citations.iter().enumerate() {
        check_citation(c, ids, &t.id, format!("{at}.citations[{j}]"), cit);
        if !reference_exists(cit) {
            c.warn(
                &t.id,
                format!("{at}.citations[{j}].reference"),
                format!(
                    "the source lists no reference {}",
                    cit.reference.unwrap_or(0)
                ),
            );
        }
    }
    if let Some(l) = &t.line {
        check_citation(c, ids, &t.id, format!("{at}.line.citation"), &l.citation);
    }
    for (j, n) in t.notes.iter().enumerate() {
        if let Some(cit) = &n.citation {
            check_citation(c, ids, &t.id, format!("{at}.notes[{j}].citation"), cit);
        }
    }
    let arm_ids = check_arms(c, ids, t, &at);
    for (j, o) in t.outcomes.iter().enumerate() {
        let of = format!("{at}.outcomes[{j}]");
        check_citation(c, ids, &t.id, format!("{of}.citation"), &o.citation);
        check_outcome(c, t, &arm_ids, o, &of);
    }
    if let Some(s) = &t.safety {
        check_citation(c, ids, &t.id, format!("{at}.safety.citation"), &s.citation);
        super::safety::check_safety(c, t, &arm_ids, s, &format!("{at}.safety"));
    }
    if let Some(b) = &t.baseline {
        check_citation(
            c,
            ids,
            &t.id,
            format!("{at}.baseline.citation"),
            &b.citation,
        );
        super::safety::check_baseline(c, t, &arm_ids, b, &format!("{at}.baseline"));
    }
    super::safety::check_statements(c, ids, &t.id, &t.safety_statements, Some(&arm_ids), &at);
}

/// Each arm's id is unique and each of its therapies exists; the arm ids, for the references.
fn check_arms<'t>(c: &mut Checker, ids: &Ids, t: &'t Trial, at: &str) -> HashSet<&'t str> {
    let mut arm_ids = HashSet::new();
    for (j, arm) in t.arms.iter().enumerate() {
        if !arm_ids.insert(arm.id.as_str()) {
            c.error(
                &t.id,
                format!("{at}.arms[{j}].id"),
                format!("arm id {:?} appears twice", arm.id),
            );
        }
        check_names(c, &t.id, format!("{at}.arms[{j}].label"), &arm.label);
        for (k, th) in arm.therapies.iter().enumerate() {
            if !ids.therapies.contains(th.as_str()) {
                c.error(
                    &t.id,
                    format!("{at}.arms[{j}].therapies[{k}]"),
                    format!("unknown therapy {th:?}"),
                );
            }
        }
    }
    arm_ids
}

/// Whether an endpoint code holds only letters, digits and `- _ . + /`: it is used in queries,
/// file names and exports, so no spaces, quotes or shell metacharacters.
pub fn is_valid_endpoint(e: &str) -> bool {
    !e.is_empty()
        && e.chars()
            .all(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | '+' | '/'))
}

/// A confidence interval: low ≤ high, and a level strictly between 0 and 100 %.
fn check_interval(c: &mut Checker, id: &str, field: &str, ci: &Interval) -> bool {
    let mut ok = true;
    if ci.low.value() > ci.high.value() {
        c.error(
            id,
            field.to_string(),
            format!("the interval {}–{} is reversed", ci.low, ci.high),
        );
        ok = false;
    }
    if let Some(level) = &ci.level
        && !(level.value() > 0.0 && level.value() < 100.0)
    {
        c.error(
            id,
            format!("{field}.level"),
            format!("a confidence level of {level}% is not between 0 and 100"),
        );
    }
    ok
}

fn check_outcome(c: &mut Checker, t: &Trial, arm_ids: &HashSet<&str>, o: &Outcome, at: &str) {
    if o.endpoint.trim().is_empty() {
        c.error(&t.id, format!("{at}.endpoint"), "the endpoint is empty");
    } else if !is_valid_endpoint(&o.endpoint) {
        c.error(
            &t.id,
            format!("{at}.endpoint"),
            format!(
                "endpoint {:?} may hold only letters, digits and - _ . + / (no spaces, quotes or shell characters)",
                o.endpoint
            ),
        );
    }
    if o.values.is_empty() {
        c.error(
            &t.id,
            format!("{at}.values"),
            "an outcome needs at least one value",
        );
    }
    let percent = o.unit.as_deref() == Some("%");
    for (k, v) in o.values.iter().enumerate() {
        check_value(c, t, arm_ids, v, percent, &format!("{at}.values[{k}]"));
    }
    if let Some(hr) = &o.hr {
        check_ratio(c, &t.id, hr, &format!("{at}.hr"));
    }
    if let Some(p) = &o.p {
        let v = p.value.value();
        if !(0.0..=1.0).contains(&v) {
            c.error(
                &t.id,
                format!("{at}.p"),
                format!("p-value {} is outside 0–1", p.value),
            );
        } else if (p.cmp == Cmp::Lt && v <= 0.0) || (p.cmp == Cmp::Gt && v >= 1.0) {
            c.error(
                &t.id,
                format!("{at}.p"),
                format!("p-value {p} is impossible: a p-value lies in 0–1"),
            );
        }
    }
}

fn check_value(
    c: &mut Checker,
    t: &Trial,
    arm_ids: &HashSet<&str>,
    v: &ArmValue,
    percent: bool,
    vf: &str,
) {
    if let Some(arm) = &v.arm
        && !arm_ids.contains(arm.as_str())
    {
        c.error(
            &t.id,
            format!("{vf}.arm"),
            format!("the trial has no arm {arm:?}"),
        );
    }
    if percent {
        for n in std::iter::once(&v.value).chain(v.upper.as_ref()) {
            if !(0.0..=100.0).contains(&n.value()) {
                c.error(
                    &t.id,
                    format!("{vf}.value"),
                    format!("{n}% is outside 0–100"),
                );
            }
        }
    }
    if let Some(upper) = &v.upper
        && upper.value() < v.value.value()
    {
        c.error(
            &t.id,
            format!("{vf}.upper"),
            format!("the range {}–{} ends below where it starts", v.value, upper),
        );
    }
    if let Some(cmp) = &v.comparator
        && !matches!(cmp.as_str(), "<" | "<=" | ">" | ">=" | "~")
    {
        c.error(
            &t.id,
            format!("{vf}.comparator"),
            format!("{cmp:?} is not one of < <= > >= ~"),
        );
    }
    if let Some(ci) = &v.ci {
        let field = format!("{vf}.ci");
        if check_interval(c, &t.id, &field, ci)
            && v.comparator.is_none()
            && v.upper.is_none()
            && (v.value.value() < ci.low.value() || v.value.value() > ci.high.value())
        {
            c.error(
                &t.id,
                field,
                format!(
                    "the interval {}–{} does not contain its estimate {}",
                    ci.low, ci.high, v.value
                ),
            );
        }
    }
    if let (Some(n), Some(of)) = (v.count, v.of)
        && n > of
    {
        c.error(
            &t.id,
            format!("{vf}.count"),
            format!("count {n} is larger than its denominator {of}"),
        );
    }
    if percent && let Some(msg) = arithmetic(v) {
        c.warn(&t.id, vf.to_string(), msg);
    }
}

/// The kinds of ratio evidex knows: hazard, odds, risk (relative risk) ratios.
pub const RATIO_KINDS: &[&str] = &["HR", "OR", "RR"];

fn check_ratio(c: &mut Checker, id: &str, hr: &Ratio, at: &str) {
    if hr.value.value() <= 0.0 {
        c.error(
            id,
            format!("{at}.value"),
            format!("a hazard ratio must be above 0, not {}", hr.value),
        );
    }
    if let Some(kind) = &hr.kind
        && !RATIO_KINDS.contains(&kind.as_str())
    {
        c.error(
            id,
            format!("{at}.kind"),
            format!("{kind:?} is not one of {}", RATIO_KINDS.join(", ")),
        );
    }
    if let Some(ci) = &hr.ci {
        let field = format!("{at}.ci");
        if !check_interval(c, id, &field, ci) {
            return;
        }
        if ci.low.value() <= 0.0 {
            c.error(
                id,
                field,
                format!(
                    "the interval {}–{} is not a ratio interval",
                    ci.low, ci.high
                ),
            );
        } else if hr.value.value() < ci.low.value() || hr.value.value() > ci.high.value() {
            c.error(
                id,
                field,
                format!(
                    "the interval {}–{} does not contain its estimate {}",
                    ci.low, ci.high, hr.value
                ),
            );
        }
    }
}

/// A percentage that disagrees with its own count and denominator by more than rounding.
pub fn arithmetic(v: &ArmValue) -> Option<String> {
    let (count, of) = (v.count?, v.of?);
    if of == 0 || v.comparator.is_some() {
        return None;
    }
    let exact = 100.0 * f64::from(count) / f64::from(of);
    let decimals = v.value.text().split('.').nth(1).map_or(0, str::len) as i32;
    let step = 10f64.powi(-decimals);
    ((exact - v.value.value()).abs() > step / 2.0 + 1e-9).then(|| {
        format!(
            "{count} of {of} is {exact:.1}%, but the source gives {}%",
            v.value
        )
    })
}
