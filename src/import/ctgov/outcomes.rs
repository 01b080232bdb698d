//! Outcome measures and their statistical analyses, as outcomes of the corpus model.

use super::analyses::apply_analysis;
use super::api::*;
use super::arms::ArmSet;
use super::map::titled;
use crate::corpus::{ArmValue, Citation, Interval, Note, Num, Outcome};
use crate::import::names::{unescape, words};

// ---------------------------------------------------------------------------------------------
// Outcome measures.

/// The canonical endpoint code of a measure: a known endpoint named in the title, else the
/// title's own abbreviation (`(iDFS)` → `IDFS`), else the measure's type.
pub(super) fn endpoint_code(title: &str, kind: &str) -> String {
    let t = title.to_lowercase();
    // Safety first: `… Serious Adverse Events (SAEs)` is SAE, `… (TEAEs)` is AE.
    if t.contains("serious adverse event") {
        return "SAE".into();
    }
    if t.contains("adverse event") {
        return "AE".into();
    }
    // Then the registry's own abbreviation: `Invasive Disease Free Survival (iDFS)` is IDFS,
    // not DFS.
    if let Some(abbr) = abbreviation(title) {
        return abbr;
    }
    const KNOWN: &[(&str, &str)] = &[
        ("overall survival", "OS"),
        ("progression-free survival", "PFS"),
        ("progression free survival", "PFS"),
        ("disease-free survival", "DFS"),
        ("disease free survival", "DFS"),
        ("event-free survival", "EFS"),
        ("event free survival", "EFS"),
        ("time to progression", "TTP"),
        ("objective response", "ORR"),
        ("overall response", "ORR"),
        ("disease control", "DCR"),
        ("pathologic complete response", "PCR"),
        ("pathological complete response", "PCR"),
        ("complete response", "CR"),
    ];
    for (words, code) in KNOWN {
        if t.contains(words) {
            return code.to_string();
        }
    }
    match kind.trim().to_ascii_uppercase().as_str() {
        "PRIMARY" => "PRIMARY".into(),
        "SECONDARY" => "SECONDARY".into(),
        _ => "OTHER".into(),
    }
}

/// The last parenthesised abbreviation of a title: `(iDFS)`, `(ASDAS-MI)`; not `(yes vs no)`.
pub(super) fn abbreviation(title: &str) -> Option<String> {
    let mut best = None;
    let mut rest = title;
    while let Some(open) = rest.find('(') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(')') else { break };
        let inner = after[..close].trim();
        let upper = inner.chars().filter(char::is_ascii_uppercase).count();
        if (2..=15).contains(&inner.len())
            && upper >= 2
            && inner
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
        {
            // A plural of an abbreviation: `TEAEs` is TEAE.
            let singular = match inner.strip_suffix('s') {
                Some(stem) if stem.ends_with(|c: char| c.is_ascii_uppercase()) => stem,
                _ => inner,
            };
            best = Some(singular.to_ascii_uppercase());
        }
        rest = &after[close + 1..];
    }
    best
}

pub(super) fn lower_is_better(title: &str) -> bool {
    let t = title.to_lowercase();
    [
        "adverse",
        "toxicit",
        "dose-limiting",
        "dose limiting",
        "mortality",
        "death",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// The unit as evidex writes it: `%` for a percentage of participants whose values all lie in
/// 0–100, `patients` for participant counts, durations in lower case, anything else verbatim.
pub(super) fn unit(measure: &Measure, values: &[&str]) -> Option<String> {
    let raw = nonempty(&measure.unit_of_measure)?;
    let u = raw.to_lowercase();
    let param = measure
        .param_type
        .as_deref()
        .unwrap_or("")
        .to_ascii_uppercase();
    if u.starts_with("percent")
        && (u.contains("participant") || u.contains("patient") || u.contains("subject"))
        && values
            .iter()
            .all(|v| Num::parse(v).is_none_or(|n| (0.0..=100.0).contains(&n.value())))
    {
        return Some("%".into());
    }
    if param == "COUNT_OF_PARTICIPANTS"
        || matches!(u.as_str(), "participants" | "patients" | "subjects")
    {
        return Some("patients".into());
    }
    if matches!(u.as_str(), "months" | "weeks" | "days" | "years" | "hours") {
        return Some(u);
    }
    Some(unescape(raw))
}

/// A leading comparator of a figure: `<0.5` → (`<`, `0.5`).
pub(super) fn split_comparator(s: &str) -> (Option<&'static str>, &str) {
    let s = s.trim();
    for (p, c) in [
        ("<=", "<="),
        (">=", ">="),
        ("≤", "<="),
        ("≥", ">="),
        ("<", "<"),
        (">", ">"),
        ("~", "~"),
    ] {
        if let Some(rest) = s.strip_prefix(p) {
            return (Some(c), rest.trim_start());
        }
    }
    (None, s)
}

/// Confidence level named by a dispersion type: `95% Confidence Interval` → 95.
pub(super) fn ci_level(dispersion: &str) -> Option<Num> {
    let d = dispersion.to_lowercase();
    if !d.contains("confidence interval") {
        return None;
    }
    let digits: String = d
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    Num::parse(&digits)
}

pub(super) fn denominators(denoms: &[Denom]) -> Vec<(String, u32)> {
    denoms
        .iter()
        .filter(|d| {
            nonempty(&d.units).is_none_or(|u| {
                let u = u.to_lowercase();
                u.contains("participant") || u.contains("patient") || u.contains("subject")
            })
        })
        .flat_map(|d| &d.counts)
        .filter_map(|c| {
            Some((
                nonempty(&c.group_id)?.to_string(),
                text(&c.value)?.parse().ok()?,
            ))
        })
        .collect()
}

/// The result groups of a measure: those that are arms (group id, arm id, title), and those
/// that are no arm of the protocol (group id, title).
struct Groups<'m> {
    arms: Vec<(String, String, String)>,
    outside: Vec<(&'m str, String)>,
}

impl Groups<'_> {
    fn arm_of(&self, gid: &str) -> Option<&(String, String, String)> {
        self.arms.iter().find(|(g, _, _)| g == gid)
    }
}

fn measure_groups<'s>(m: &'s Measure, arms: &mut ArmSet<'s>) -> Groups<'s> {
    let mut groups = Groups {
        arms: Vec::new(),
        outside: Vec::new(),
    };
    for g in &m.groups {
        let (Some(gid), Some(gt)) = (nonempty(&g.id), nonempty(&g.title)) else {
            continue;
        };
        match arms.arm_for(gt, nonempty(&g.description), true) {
            Some(arm) => groups.arms.push((gid.to_string(), arm, unescape(gt))),
            None => groups.outside.push((gid, unescape(gt))),
        }
    }
    groups
}

/// What a measure says of all its cells.
struct MeasureInfo {
    title: String,
    endpoint: String,
    quote: String,
    unit: Option<String>,
    higher_is_better: bool,
    param: String,
    level: Option<Num>,
}

fn measure_info(m: &Measure, title: String) -> MeasureInfo {
    let all_values: Vec<&str> = m
        .classes
        .iter()
        .flat_map(|c| &c.categories)
        .flat_map(|c| &c.measurements)
        .filter_map(|x| text(&x.value))
        .collect();
    MeasureInfo {
        endpoint: endpoint_code(&title, m.kind.as_deref().unwrap_or("")),
        quote: match clean_opt(&m.description) {
            Some(d) => titled(&title, &d),
            None => title.clone(),
        },
        unit: unit(m, &all_values),
        higher_is_better: !lower_is_better(&title),
        param: m.param_type.as_deref().unwrap_or("").to_ascii_uppercase(),
        level: ci_level(nonempty(&m.dispersion_type).unwrap_or("")),
        title,
    }
}

/// One cell's values per arm, and what goes to the note: figures that are not numbers,
/// spreads and comments, and the figures of groups outside the arms.
#[derive(Default)]
struct Cell {
    values: Vec<ArmValue>,
    missing: Vec<String>,
    spreads: Vec<String>,
    others: Vec<String>,
}

fn with_comment(mut s: String, x: &Measurement) -> String {
    if let Some(c) = clean_opt(&x.comment) {
        s.push_str(&format!(" ({c})"));
    }
    s
}

fn cell_values(
    cat: &Category,
    groups: &Groups,
    denoms: &[(String, u32)],
    info: &MeasureInfo,
) -> Cell {
    let mut cell = Cell::default();
    for x in &cat.measurements {
        let Some(gid) = nonempty(&x.group_id) else {
            continue;
        };
        let Some((_, arm, gtitle)) = groups.arm_of(gid) else {
            if let Some((_, t)) = groups.outside.iter().find(|(g, _)| *g == gid) {
                let s = format!("{t}: {}", text(&x.value).unwrap_or("no value"));
                cell.others.push(with_comment(s, x));
            }
            continue;
        };
        let raw = text(&x.value).unwrap_or("");
        let (comparator, figure) = split_comparator(raw);
        let Some(value) = Num::parse(figure) else {
            let s = format!(
                "{gtitle}: {}",
                if raw.is_empty() { "no value" } else { raw }
            );
            cell.missing.push(with_comment(s, x));
            continue;
        };
        let mut v = ArmValue {
            arm: Some(arm.clone()),
            value,
            comparator: comparator.map(str::to_string),
            ..Default::default()
        };
        if info.param == "COUNT_OF_PARTICIPANTS"
            && comparator.is_none()
            && let Ok(n) = figure.parse::<u32>()
        {
            v.count = Some(n);
            if let Some((_, of)) = denoms.iter().find(|(g, _)| g == gid)
                && n <= *of
            {
                v.of = Some(*of);
            }
        }
        interval(&mut v, x, gtitle, info, &mut cell.spreads);
        if let Some(s) = text(&x.spread) {
            cell.spreads.push(format!("{gtitle}: {s}"));
        }
        if let Some(c) = clean_opt(&x.comment) {
            cell.spreads.push(format!("{gtitle}: {c}"));
        }
        cell.values.push(v);
    }
    cell
}

/// A value's confidence interval, when the measure's dispersion is one and both ends are
/// numbers; else the limits as printed go to the spreads.
fn interval(
    v: &mut ArmValue,
    x: &Measurement,
    gtitle: &str,
    info: &MeasureInfo,
    spreads: &mut Vec<String>,
) {
    let (lo, hi) = (text(&x.lower_limit), text(&x.upper_limit));
    match (
        info.level.as_ref(),
        lo.and_then(Num::parse),
        hi.and_then(Num::parse),
    ) {
        (Some(lvl), Some(low), Some(high)) => {
            v.ci = Some(Box::new(Interval {
                low,
                high,
                level: (lvl.text() != "95").then(|| lvl.clone()),
            }));
        }
        _ => {
            if lo.is_some() || hi.is_some() {
                spreads.push(format!(
                    "{gtitle}: {} to {}",
                    lo.unwrap_or("NA"),
                    hi.unwrap_or("NA")
                ));
            }
        }
    }
}

/// The note parts of a cell: the parameter, the time frame, spreads, figures that are not
/// numbers, and groups outside the arms.
fn cell_note(m: &Measure, cell: &Cell) -> Vec<String> {
    let dispersion = nonempty(&m.dispersion_type).unwrap_or("");
    let mut note: Vec<String> = Vec::new();
    if let Some(p) = nonempty(&m.param_type)
        && !p.eq_ignore_ascii_case("NUMBER")
    {
        note.push(match dispersion {
            "" => words(p),
            d => format!("{} ({})", words(p), d.to_lowercase()),
        });
    }
    if let Some(tf) = clean_opt(&m.time_frame) {
        note.push(format!("time frame: {tf}"));
    }
    if !cell.spreads.is_empty() {
        let what = if dispersion.is_empty() {
            "details"
        } else {
            dispersion
        };
        note.push(format!(
            "{}: {}",
            what.to_lowercase(),
            cell.spreads.join("; ")
        ));
    }
    if !cell.missing.is_empty() {
        note.push(format!("not a number: {}", cell.missing.join("; ")));
    }
    if !cell.others.is_empty() {
        note.push(format!(
            "groups outside the protocol's arms: {}",
            cell.others.join("; ")
        ));
    }
    note
}

/// Outcomes from one outcome measure, one per class and category with a number; a cell with
/// none becomes a trial note.
pub(super) fn map_measure<'s>(
    m: &'s Measure,
    arms: &mut ArmSet<'s>,
    cite: &dyn Fn(&str) -> Citation,
    outcomes: &mut Vec<Outcome>,
    notes: &mut Vec<Note>,
) {
    let Some(title) = clean_opt(&m.title) else {
        return;
    };
    let groups = measure_groups(m, arms);
    let info = measure_info(m, title);
    let measure_denoms = denominators(&m.denoms);
    let cells: Vec<(&MeasureClass, &Category)> = m
        .classes
        .iter()
        .flat_map(|c| c.categories.iter().map(move |cat| (c, cat)))
        .collect();
    let single = cells.len() == 1;
    let mut first_of_measure = true;
    for (class, cat) in &cells {
        let denoms = {
            let d = denominators(&class.denoms);
            if d.is_empty() {
                measure_denoms.clone()
            } else {
                d
            }
        };
        let cell = cell_values(cat, &groups, &denoms, &info);
        let note = cell_note(m, &cell);
        let subgroup = clean_opt(&class.title);
        if cell.values.is_empty() {
            notes.push(Note {
                text: format!(
                    "Outcome measure not imported, no numeric value{}{}",
                    subgroup
                        .as_deref()
                        .map(|s| format!(" ({s})"))
                        .unwrap_or_default(),
                    if cell.missing.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", cell.missing.join("; "))
                    }
                ),
                citation: Some(cite(&info.quote)),
            });
            continue;
        }
        let base = Outcome {
            endpoint: info.endpoint.clone(),
            label: Some(match clean_opt(&cat.title) {
                Some(c) => format!("{}: {c}", info.title),
                None => info.title.clone(),
            }),
            unit: info.unit.clone(),
            higher_is_better: info.higher_is_better,
            values: cell.values,
            hr: None,
            p: None,
            subgroup,
            note: None,
            citation: cite(&info.quote),
        };
        // Analyses belong to the measure, not to one class; they are attached only where the
        // measure has a single figure per group.
        let analyses: Vec<&Analysis> = if single && first_of_measure {
            m.analyses.iter().collect()
        } else {
            Vec::new()
        };
        first_of_measure = false;
        with_analyses(base, note, &analyses, &groups, &info.title, outcomes);
    }
}

/// Pushes a cell's outcome with the measure's analyses: as it is with none; with the one
/// analysis that compares all its arms; else one outcome per analysis, with the values of the
/// groups it compares, before the outcome with every group's value.
fn with_analyses(
    base: Outcome,
    mut note: Vec<String>,
    analyses: &[&Analysis],
    groups: &Groups,
    title: &str,
    outcomes: &mut Vec<Outcome>,
) {
    let group_title = |g: &str| groups.arm_of(g).map(|x| x.2.clone());
    let covers_all = |a: &Analysis| {
        base.values.iter().all(|v| {
            a.group_ids.iter().any(|g| {
                groups.arm_of(g.trim()).map(|(_, arm, _)| Some(arm)) == Some(v.arm.as_ref())
            })
        })
    };
    match analyses {
        [] => {
            let mut o = base;
            o.note = (!note.is_empty()).then(|| join_note(&note));
            outcomes.push(o);
        }
        [a] if covers_all(a) => {
            let mut o = base;
            let extra = apply_analysis(&mut o, a, &group_title);
            note.extend(extra);
            o.note = (!note.is_empty()).then(|| join_note(&note));
            outcomes.push(o);
        }
        many => {
            let mut all = base.clone();
            all.note = (!note.is_empty()).then(|| join_note(&note));
            let mut per = Vec::new();
            for (k, a) in many.iter().enumerate() {
                let arms_in: Vec<String> = a
                    .group_ids
                    .iter()
                    .filter_map(|g| groups.arm_of(g.trim()).map(|x| x.1.clone()))
                    .collect();
                let mut o = base.clone();
                o.values
                    .retain(|v| v.arm.as_ref().is_some_and(|x| arms_in.contains(x)));
                if o.values.is_empty() {
                    continue;
                }
                let names: Vec<String> = a
                    .group_ids
                    .iter()
                    .filter_map(|g| group_title(g.trim()))
                    .collect();
                o.label = Some(format!(
                    "{} (analysis {}: {})",
                    base.label.as_deref().unwrap_or(title),
                    k + 1,
                    names.join(" vs ")
                ));
                let mut n = note.clone();
                n.extend(apply_analysis(&mut o, a, &group_title));
                o.note = (!n.is_empty()).then(|| join_note(&n));
                per.push(o);
            }
            // The comparison view shows an endpoint's first outcome: put the analysed ones
            // first so their hazard ratios are the ones compared.
            outcomes.extend(per);
            outcomes.push(all);
        }
    }
}

/// Note parts as sentences: each capitalised, each ending in a full stop.
pub(super) fn join_note(parts: &[String]) -> String {
    let sentence = |p: &String| {
        let mut c = p.chars();
        let mut s = match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => String::new(),
        };
        if !s.ends_with(['.', '!', '?']) {
            s.push('.');
        }
        s
    };
    parts.iter().map(sentence).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_and_endpoints() {
        assert_eq!(
            endpoint_code("Invasive Disease Free Survival (iDFS)", "PRIMARY"),
            "IDFS"
        );
        assert_eq!(endpoint_code("Overall Survival (OS)", "SECONDARY"), "OS");
        assert_eq!(
            endpoint_code("Overall survival at 5 years", "SECONDARY"),
            "OS"
        );
        assert_eq!(
            endpoint_code("Plasma concentration (yes vs no)", "PRIMARY"),
            "PRIMARY"
        );
        assert_eq!(endpoint_code("Something", "OTHER_PRE_SPECIFIED"), "OTHER");
    }

    #[test]
    fn comparators_and_levels() {
        assert_eq!(split_comparator("<0.5"), (Some("<"), "0.5"));
        assert_eq!(split_comparator("12"), (None, "12"));
        assert_eq!(
            ci_level("90% Confidence Interval").map(|n| n.value()),
            Some(90.0)
        );
        assert!(ci_level("Standard Deviation").is_none());
    }
}
