//! A measure's statistical analyses on its outcome: ratios and p-values into the model, the
//! rest as note text, figures as printed.

use super::api::*;
use crate::corpus::{Interval, Num, Outcome, PValue, Ratio};
use crate::import::names::{unescape, words};

/// The ratio an analysis's parameter names: `HR`, `OR` or `RR`.
fn ratio_kind(param: &str) -> Option<&'static str> {
    let pl = param.to_lowercase();
    if pl.contains("hazard ratio") {
        Some("HR")
    } else if pl.contains("odds ratio") {
        Some("OR")
    } else if pl.contains("risk ratio") || pl.contains("relative risk") {
        Some("RR")
    } else {
        None
    }
}

/// A ratio's interval, when it is two-sided, positive and contains the estimate.
fn ratio_ci(
    v: &Num,
    lo: Option<&str>,
    hi: Option<&str>,
    two_sided: bool,
    level: &Option<Num>,
) -> Option<Interval> {
    match (lo.and_then(Num::parse), hi.and_then(Num::parse)) {
        (Some(low), Some(high))
            if two_sided
                && low.value() > 0.0
                && low.value() <= v.value()
                && v.value() <= high.value() =>
        {
            Some(Interval {
                low,
                high,
                level: level.clone().filter(|l| l.text() != "95"),
            })
        }
        _ => None,
    }
}

/// Puts an analysis on an outcome: a ratio (HR, OR, RR) in `hr`, the p-value in `p`; what the
/// model has no field for (a difference, a one-sided bound, the method) is returned as note
/// text, figures as printed.
pub(super) fn apply_analysis(
    o: &mut Outcome,
    a: &Analysis,
    group_title: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut note = Vec::new();
    let param = nonempty(&a.param_type).unwrap_or("");
    let kind = ratio_kind(param);
    let value = text(&a.param_value);
    let level = text(&a.ci_pct_value).and_then(Num::parse);
    let (lo, hi) = (text(&a.ci_lower_limit), text(&a.ci_upper_limit));
    let two_sided = nonempty(&a.ci_num_sides).is_none_or(|s| s.eq_ignore_ascii_case("TWO_SIDED"));
    let groups: Vec<String> = a
        .group_ids
        .iter()
        .filter_map(|g| group_title(g.trim()))
        .collect();
    let mut described = false;
    if let (Some(k), Some(v)) = (kind, value.and_then(Num::parse))
        && v.value() > 0.0
    {
        let ci = ratio_ci(&v, lo, hi, two_sided, &level);
        if ci.is_none() && (lo.is_some() || hi.is_some()) {
            note.push(ci_text(
                param,
                value.unwrap_or(""),
                &level,
                lo,
                hi,
                two_sided,
            ));
        }
        o.hr = Some(Ratio {
            value: v,
            ci,
            kind: (k != "HR").then(|| k.to_string()),
        });
        described = true;
    }
    if !described && (value.is_some() || !param.is_empty()) {
        note.push(ci_text(
            param,
            value.unwrap_or(""),
            &level,
            lo,
            hi,
            two_sided,
        ));
    }
    if let Some(p) = text(&a.p_value) {
        match PValue::parse(p) {
            Some(pv) if (0.0..=1.0).contains(&pv.value.value()) => o.p = Some(pv),
            _ => note.push(format!("p-value: {p}")),
        }
    }
    if groups.len() >= 2 {
        note.push(format!("compared: {}", groups.join(" vs ")));
    }
    if let Some(m) = nonempty(&a.statistical_method) {
        note.push(format!("method: {}", unescape(m)));
    }
    if let Some(ni) = nonempty(&a.non_inferiority_type)
        && !ni.eq_ignore_ascii_case("OTHER")
    {
        note.push(format!("non-inferiority type: {}", words(ni)));
    }
    for c in [
        &a.group_description,
        &a.estimate_comment,
        &a.p_value_comment,
        &a.statistical_comment,
        &a.non_inferiority_comment,
    ] {
        if let Some(c) = clean_opt(c) {
            note.push(c);
        }
    }
    note
}

/// `LS Mean Difference -2.13 (90% CI -2.72 to -1.55)`.
pub(super) fn ci_text(
    param: &str,
    value: &str,
    level: &Option<Num>,
    lo: Option<&str>,
    hi: Option<&str>,
    two_sided: bool,
) -> String {
    let mut s = format!("{} {}", unescape(param), value).trim().to_string();
    if lo.is_some() || hi.is_some() {
        let lvl = level
            .as_ref()
            .map_or("95".to_string(), |l| l.text().to_string());
        let sides = if two_sided { "" } else { "one-sided " };
        s.push_str(&format!(
            " ({sides}{lvl}% CI {} to {})",
            lo.unwrap_or("NA"),
            hi.unwrap_or("NA")
        ));
    }
    s
}
