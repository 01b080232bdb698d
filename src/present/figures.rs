//! How figures read: values with their units, ratios, headline results, designs, and which
//! value of an outcome is best.

use crate::corpus::{ArmValue, Outcome, Ratio, Trial};

/// `months` → ` mo`, `%` → `%`, other units after a space.
pub fn unit_suffix(unit: Option<&str>) -> String {
    match unit {
        None | Some("") => String::new(),
        Some("%") => "%".into(),
        Some("months") | Some("month") => " mo".into(),
        Some("years") | Some("year") => " y".into(),
        Some(u) => format!(" {u}"),
    }
}

/// One arm's figure as the source gives it: `15.0 mo`, `46% (73)`, `<10%`, `2–6 mo`,
/// `65.5% (21/29)`, `17.9 mo (95% CI 5.7–30.1)`.
pub fn value(v: &ArmValue, unit: Option<&str>) -> String {
    let u = unit_suffix(unit);
    let cmp = match v.comparator.as_deref() {
        Some("<=") => "≤",
        Some(">=") => "≥",
        Some(c) => c,
        None => "",
    };
    let mut s = match &v.upper {
        Some(up) => format!("{cmp}{}–{up}{u}", v.value),
        None => format!("{cmp}{}{u}", v.value),
    };
    match (v.count, v.of) {
        (Some(n), Some(of)) => s.push_str(&format!(" ({n}/{of})")),
        (Some(n), None) => s.push_str(&format!(" ({n})")),
        _ => {}
    }
    if let Some(ci) = &v.ci {
        let level = ci
            .level
            .as_ref()
            .map_or("95".to_string(), |l| l.to_string());
        s.push_str(&format!(" ({level}% CI {}–{})", ci.low, ci.high));
    }
    s
}

/// `HR 0.77`, `HR 0.96 (95% CI 0.81–1.14)`.
pub fn ratio(r: &Ratio) -> String {
    let kind = r.kind.as_deref().unwrap_or("HR");
    match &r.ci {
        Some(ci) => {
            let level = ci
                .level
                .as_ref()
                .map_or("95".to_string(), |l| l.to_string());
            format!("{kind} {} ({level}% CI {}–{})", r.value, ci.low, ci.high)
        }
        None => format!("{kind} {}", r.value),
    }
}

/// The experimental and control values of an outcome: the control arm's value, and the first
/// value of another arm (or of the whole population).
pub fn exp_ctrl<'a>(t: &Trial, o: &'a Outcome) -> (Option<&'a ArmValue>, Option<&'a ArmValue>) {
    let is_control = |v: &ArmValue| {
        v.arm
            .as_deref()
            .and_then(|a| t.arm(a))
            .is_some_and(|a| a.control)
    };
    let exp = o.values.iter().find(|v| !is_control(v));
    let ctrl = o.values.iter().find(|v| is_control(v));
    (exp, ctrl)
}

/// A trial's headline: its first survival outcome if any, else its first outcome.
/// `PFS 15.0 vs 8.2 mo, HR 0.77`; `ORR 82.1%`.
pub fn headline(t: &Trial) -> Option<String> {
    Some(outcome_summary(t, headline_outcome(t)?))
}

/// The outcome a trial's headline reports (see [`headline`]).
pub fn headline_outcome(t: &Trial) -> Option<&Outcome> {
    let rank = |e: &str| match e {
        // Progression- or disease-free survival: the usual primary endpoint, in the advanced
        // and in the adjuvant setting.
        "PFS" | "DFS" | "IDFS" | "EFS" | "RFS" => 0,
        "OS" => 1,
        "ORR" => 2,
        _ => 3,
    };
    t.outcomes.iter().min_by_key(|o| rank(&o.endpoint))
}

/// How favourable a trial's headline ratio is to the experimental arm, as a number where lower
/// is more favourable: a hazard ratio as it stands (fewer events), an odds or risk ratio of an
/// outcome where more is better (a response) inverted. `None` without a headline ratio.
pub fn headline_effect(t: &Trial) -> Option<f64> {
    let o = headline_outcome(t)?;
    let r = o.hr.as_ref()?;
    let v = r.value.value();
    if !(v.is_finite() && v > 0.0) {
        return None;
    }
    let hazard = r
        .kind
        .as_deref()
        .is_none_or(|k| k.eq_ignore_ascii_case("HR"));
    Some(if hazard || !o.higher_is_better {
        v
    } else {
        1.0 / v
    })
}

/// `PFS 15.0 vs 8.2 mo, HR 0.77, P=0.032`.
pub fn outcome_summary(t: &Trial, o: &Outcome) -> String {
    let (exp, ctrl) = exp_ctrl(t, o);
    let u = unit_suffix(o.unit.as_deref());
    let bare = |v: &ArmValue| {
        let c = match v.comparator.as_deref() {
            Some("<=") => "≤",
            Some(">=") => "≥",
            Some(c) => c,
            None => "",
        };
        match &v.upper {
            Some(up) => format!("{c}{}–{up}", v.value),
            None => format!("{c}{}", v.value),
        }
    };
    let mut s = o.endpoint.clone();
    match (exp, ctrl) {
        (Some(e), Some(c)) => s.push_str(&format!(" {} vs {}{u}", bare(e), bare(c))),
        (Some(e), None) => s.push_str(&format!(" {}{u}", bare(e))),
        (None, Some(c)) => s.push_str(&format!(" {}{u}", bare(c))),
        (None, None) => {}
    }
    if let Some(hr) = &o.hr {
        s.push_str(&format!(
            ", {} {}",
            hr.kind.as_deref().unwrap_or("HR"),
            hr.value
        ));
    }
    if let Some(p) = &o.p {
        s.push_str(&format!(", {p}"));
    }
    s
}

/// `phase 3 randomised controlled`, `retrospective`.
pub fn design_line(t: &Trial, lang: crate::corpus::Lang) -> String {
    use crate::i18n::tr;
    match t.phase {
        Some(p) => format!("{} {}", tr(lang, p.label()), tr(lang, t.design.label())),
        None => tr(lang, t.design.label()).into_owned(),
    }
}

/// A short label for evidence that is weaker than a controlled trial, for column headers:
/// `single-arm`, `retrospective`, `planned`. `None` for a randomised trial.
pub fn caution_label(t: &Trial, lang: crate::corpus::Lang) -> Option<String> {
    use crate::i18n::{tr, trf};
    if t.awaiting_results() {
        let status = tr(lang, t.status.label());
        return Some(trf(
            lang,
            "%{status}: no results yet",
            &[("status", &status)],
        ));
    }
    use crate::corpus::Design::*;
    match t.design {
        Rct | NonRandomised => None,
        d => Some(tr(lang, d.label()).into_owned()),
    }
}

/// Which value of an outcome is best (only when there are several and none is a bound).
pub fn best_value_index(o: &Outcome) -> Option<usize> {
    if o.values.len() < 2
        || o.values
            .iter()
            .any(|v| v.comparator.is_some() || v.upper.is_some())
    {
        return None;
    }
    let key = |v: &ArmValue| {
        if o.higher_is_better {
            v.value.value()
        } else {
            -v.value.value()
        }
    };
    let (i, best) = o
        .values
        .iter()
        .enumerate()
        .max_by(|a, b| key(a.1).total_cmp(&key(b.1)))?;
    // No best when tied.
    let ties = o.values.iter().filter(|v| key(v) == key(best)).count();
    (ties == 1).then_some(i)
}
