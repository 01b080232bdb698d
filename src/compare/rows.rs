//! The rows of a comparison: study facts, each endpoint's measures and ratios, therapy facts.

use super::endpoints::{endpoints, hr_outcome, measures, outcome_in};
use super::measure::Group;
use super::populations::Populations;
use super::{Cell, DIFFERENCE, NOT_APPLICABLE, NOT_REPORTED, Row};
use crate::corpus::{ArmValue, Corpus, Kind, Lang, Outcome, RecordRef, Trial};
use crate::present::{self, exp_ctrl, unit_suffix};

pub(super) fn study_rows(c: &Corpus, trials: &[Option<&Trial>], lang: Lang, rows: &mut Vec<Row>) {
    let mut row = |label: &str, f: &dyn Fn(&Trial) -> String| {
        let cells: Vec<Cell> = trials
            .iter()
            .map(|t| {
                Cell::new(t.map_or(NOT_APPLICABLE.to_string(), |t| {
                    let s = f(t);
                    if s.is_empty() {
                        NOT_REPORTED.to_string()
                    } else {
                        s
                    }
                }))
            })
            .collect();
        rows.push(Row {
            group: Group::Study,
            label: label.into(),
            cells,
            computed: false,
        });
    };
    row("Title", &|t| t.title.get(lang).to_string());
    row("Design", &|t| t.design.label().to_string());
    row("Evidence", &|t| {
        let l = t.evidence_level();
        format!("{l}: {}", l.meaning())
    });
    row("Phase", &|t| {
        t.phase.map(|p| p.label().to_string()).unwrap_or_default()
    });
    row("Patients (n)", &|t| {
        t.enrolment.map(|n| n.to_string()).unwrap_or_default()
    });
    row("Disease", &|t| {
        t.diseases
            .iter()
            .filter_map(|d| c.disease_by_id(d))
            .map(|d| d.short_name(lang).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    });
    row("Setting", &|t| t.setting.clone().unwrap_or_default());
    row("Experimental", &|t| {
        t.arms
            .iter()
            .filter(|a| !a.control)
            .map(|a| match a.n {
                Some(n) => format!("{} (n={n})", a.label.get(lang)),
                None => a.label.get(lang).to_string(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    });
    row("Control", &|t| {
        t.control_arm()
            .map(|a| match a.n {
                Some(n) => format!("{} (n={n})", a.label.get(lang)),
                None => a.label.get(lang).to_string(),
            })
            .unwrap_or_else(|| "none (no comparator)".into())
    });
    row("Reported", &|t| match (&t.reported_in, t.year) {
        (Some(j), Some(y)) => format!("{j} {y}"),
        (Some(j), None) => j.clone(),
        (None, Some(y)) => y.to_string(),
        _ => String::new(),
    });
}

pub(super) fn endpoint_rows(trials: &[Option<&Trial>], pops: &Populations, rows: &mut Vec<Row>) {
    let present: Vec<&Trial> = trials.iter().flatten().copied().collect();
    let groups = measures(&present);
    for ep in endpoints(&present) {
        for g in groups.iter().filter(|g| g.endpoint() == Some(ep.as_str())) {
            measure_rows(trials, g, pops, rows);
        }
        if present.iter().any(|t| hr_outcome(t, &ep).is_some()) {
            ratio_rows(trials, &ep, pops, rows);
        }
    }
}

/// Text for a column without a figure: not reported by a trial, not applicable to another kind.
pub(super) fn missing(t: &Option<&Trial>) -> &'static str {
    if t.is_some() {
        NOT_REPORTED
    } else {
        NOT_APPLICABLE
    }
}

pub(super) fn exact(v: &ArmValue) -> bool {
    v.comparator.is_none() && v.upper.is_none()
}

/// One column's cells of a measure group, and the values ★ compares.
struct MeasureCells {
    exp: Cell,
    ctrl: Cell,
    diff: Cell,
    /// The experimental value, when exact and of the whole population.
    exp_val: Option<f64>,
    /// The difference, when computed for the whole population.
    diff_val: Option<f64>,
    /// The column has a control figure to show.
    control: bool,
}

/// The cells of one column: its outcome in the group (`None`: it reports none).
fn measure_cells(trial: &Option<&Trial>, out: Option<(&Trial, &Outcome)>) -> MeasureCells {
    let Some((t, o)) = out else {
        return MeasureCells {
            exp: Cell::new(missing(trial)),
            ctrl: Cell::new(missing(trial)),
            diff: Cell::new(NOT_APPLICABLE),
            exp_val: None,
            diff_val: None,
            control: false,
        };
    };
    let (e, c) = exp_ctrl(t, o);
    let fmt = |v: Option<&ArmValue>| {
        v.map_or(NOT_REPORTED.to_string(), |v| {
            present::value(v, o.unit.as_deref())
        })
    };
    let no_control = c.is_none() && t.control_arm().is_none();
    // A subgroup's figure is not the same population as another trial's whole one.
    let whole = o.subgroup.is_none();
    let diff = difference(e, c, o);
    MeasureCells {
        exp: Cell::new(fmt(e)),
        ctrl: Cell::new(if no_control {
            "no control arm".to_string()
        } else {
            fmt(c)
        }),
        exp_val: e.filter(|v| exact(v) && whole).map(|v| v.value.value()),
        diff_val: diff.as_ref().filter(|_| whole).map(|(d, _)| *d),
        diff: Cell::new(diff.map_or(NOT_APPLICABLE.to_string(), |(_, text)| text)),
        control: c.is_some(),
    }
}

/// Experimental minus control, computed by evidex where both are exact and in months or %,
/// with as many decimals as the figures printed: the value and its text (`+7.0 mo`,
/// `+28.0 pts`).
fn difference(e: Option<&ArmValue>, c: Option<&ArmValue>, o: &Outcome) -> Option<(f64, String)> {
    let (e, c) = (e?, c?);
    if !(exact(e) && exact(c) && matches!(o.unit.as_deref(), Some("months") | Some("%"))) {
        return None;
    }
    let d = e.value.value() - c.value.value();
    let decimals = [e, c]
        .iter()
        .map(|v| v.value.text().split('.').nth(1).map_or(0, str::len))
        .max()
        .unwrap_or(0);
    let u = if o.unit.as_deref() == Some("%") {
        " pts".to_string()
    } else {
        unit_suffix(o.unit.as_deref())
    };
    Some((d, format!("{d:+.decimals$}{u}")))
}

/// Rows of one measure group: experimental, control, the difference evidex computes, P and
/// subgroup.
pub(super) fn measure_rows(
    trials: &[Option<&Trial>],
    group: &Group,
    pops: &Populations,
    rows: &mut Vec<Row>,
) {
    let outs: Vec<Option<(&Trial, &Outcome)>> = trials
        .iter()
        .map(|t| t.and_then(|t| outcome_in(t, group).map(|o| (t, o))))
        .collect();
    let higher = outs
        .iter()
        .flatten()
        .next()
        .is_none_or(|(_, o)| o.higher_is_better);
    let cells: Vec<MeasureCells> = trials
        .iter()
        .zip(&outs)
        .map(|(t, o)| measure_cells(t, *o))
        .collect();
    let any_control = cells.iter().any(|m| m.control);
    let (mut exp, mut ctrl, mut diff) = (Vec::new(), Vec::new(), Vec::new());
    let (mut exp_vals, mut diff_vals) = (Vec::new(), Vec::new());
    for m in cells {
        exp.push(m.exp);
        ctrl.push(m.ctrl);
        diff.push(m.diff);
        exp_vals.push(m.exp_val);
        diff_vals.push(m.diff_val);
    }
    mark_best(&mut exp, &exp_vals, higher, pops);
    mark_best(&mut diff, &diff_vals, higher, pops);
    let push = |rows: &mut Vec<Row>, label: &str, cells: Vec<Cell>, computed: bool| {
        rows.push(Row {
            group: group.clone(),
            label: label.to_string(),
            cells,
            computed,
        })
    };
    push(rows, "experimental", exp, false);
    if any_control {
        push(rows, "control", ctrl, false);
        if diff.iter().any(|c| !c.is_blank()) {
            push(rows, DIFFERENCE, diff, true);
        }
    }
    if outs.iter().flatten().any(|(_, o)| o.p.is_some()) {
        let cells = per_column(trials, &outs, |o| {
            o.p.as_ref()
                .map_or(NOT_REPORTED.to_string(), ToString::to_string)
        });
        push(rows, "P", cells, false);
    }
    if outs.iter().flatten().any(|(_, o)| o.subgroup.is_some()) {
        let cells = per_column(trials, &outs, |o| {
            o.subgroup.clone().unwrap_or_else(|| "all patients".into())
        });
        push(rows, "subgroup", cells, false);
    }
}

/// A row with `text` of each column's outcome, or why the column has none.
fn per_column(
    trials: &[Option<&Trial>],
    outs: &[Option<(&Trial, &Outcome)>],
    text: impl Fn(&Outcome) -> String,
) -> Vec<Cell> {
    outs.iter()
        .zip(trials)
        .map(|(o, t)| {
            Cell::new(match o {
                Some((_, o)) => text(o),
                None => missing(t).to_string(),
            })
        })
        .collect()
}

/// The hazard ratio row of an endpoint. Lower is better; ★ only between ratios of the same
/// kind (HR with HR) in the whole population.
pub(super) fn ratio_rows(
    trials: &[Option<&Trial>],
    ep: &str,
    pops: &Populations,
    rows: &mut Vec<Row>,
) {
    let outs: Vec<Option<&Outcome>> = trials
        .iter()
        .map(|t| t.and_then(|t| hr_outcome(t, ep)))
        .collect();
    let kind = |o: &Outcome| {
        o.hr.as_ref()
            .and_then(|h| h.kind.clone())
            .unwrap_or_else(|| "HR".into())
    };
    let kinds: Vec<String> = outs.iter().flatten().map(|o| kind(o)).collect();
    let one_kind = kinds.windows(2).all(|w| w[0] == w[1]);
    let mut cells = Vec::new();
    let mut vals = Vec::new();
    for (i, o) in outs.iter().enumerate() {
        match o.and_then(|o| o.hr.as_ref().map(|h| (o, h))) {
            Some((o, h)) => {
                let mut text = present::ratio(h);
                if let Some(sg) = &o.subgroup {
                    text.push_str(&format!(" ({sg})"));
                }
                cells.push(Cell::new(text));
                vals.push((one_kind && o.subgroup.is_none()).then(|| h.value.value()));
            }
            None => {
                cells.push(Cell::new(missing(&trials[i])));
                vals.push(None);
            }
        }
    }
    mark_best(&mut cells, &vals, false, pops);
    rows.push(Row {
        group: Group::Ratio {
            endpoint: ep.to_string(),
        },
        label: "HR (CI)".into(),
        cells,
        computed: false,
    });
}

/// Marks the single best value of a row; none when fewer than two values, on a tie, or when
/// the columns with values study different kinds of population.
pub(super) fn mark_best(
    cells: &mut [Cell],
    vals: &[Option<f64>],
    higher_is_better: bool,
    pops: &Populations,
) {
    let present: Vec<(usize, f64)> = vals
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    if present.len() < 2 {
        return;
    }
    let cols: Vec<usize> = present.iter().map(|&(i, _)| i).collect();
    if !pops.all_same(&cols) {
        return;
    }
    let key = |v: f64| if higher_is_better { v } else { -v };
    let best = present
        .iter()
        .map(|&(_, v)| key(v))
        .fold(f64::NEG_INFINITY, f64::max);
    let winners: Vec<usize> = present
        .iter()
        .filter(|&&(_, v)| key(v) == best)
        .map(|&(i, _)| i)
        .collect();
    if winners.len() == 1 {
        cells[winners[0]].best = true;
    }
}

/// The rows that describe compared therapies (other records' cells say "not applicable").
pub(super) fn therapy_rows(c: &Corpus, records: &[RecordRef], lang: Lang, rows: &mut Vec<Row>) {
    let mut row = |label: &str, f: &dyn Fn(u32) -> String| {
        let cells = records
            .iter()
            .map(|r| {
                Cell::new(if r.kind == Kind::Therapy {
                    let s = f(r.index);
                    if s.is_empty() {
                        NOT_REPORTED.to_string()
                    } else {
                        s
                    }
                } else {
                    NOT_APPLICABLE.to_string()
                })
            })
            .collect();
        rows.push(Row {
            group: Group::Therapy,
            label: label.into(),
            cells,
            computed: false,
        });
    };
    row("Kind", &|i| c.therapy(i).kind.label().to_string());
    row("Class", &|i| c.therapy(i).class.clone().unwrap_or_default());
    row("Targets", &|i| c.therapy(i).targets.join(", "));
    row("Indications", &|i| indications(c, i, lang));
    row("Approvals", &|i| approvals(c, i));
    row("Cost", &|i| {
        c.therapy(i)
            .costs
            .iter()
            .map(|n| n.text.clone())
            .collect::<Vec<_>>()
            .join("; ")
    });
    row("Studies", &|i| c.trials_of_therapy(i).len().to_string());
    row("Best evidence", &|i| best_evidence(c, i));
    row("Headline results", &|i| headline_results(c, i, lang));
}

/// A therapy's indications: disease, setting and biomarker of each.
fn indications(c: &Corpus, i: u32, lang: Lang) -> String {
    c.therapy(i)
        .indications
        .iter()
        .map(|ind| {
            let mut parts = Vec::new();
            if let Some(d) = ind.disease.as_deref().and_then(|d| c.disease_by_id(d)) {
                parts.push(d.short_name(lang).to_string());
            }
            parts.extend(ind.setting.clone());
            parts.extend(ind.biomarker.clone());
            parts.join(" ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A therapy's approvals: region, agency and date of each.
fn approvals(c: &Corpus, i: u32) -> String {
    c.therapy(i)
        .approvals
        .iter()
        .map(|a| {
            [Some(a.region.clone()), a.agency.clone(), a.date.clone()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The best evidence level among a therapy's studies, and what it means.
fn best_evidence(c: &Corpus, i: u32) -> String {
    c.trials_of_therapy(i)
        .iter()
        .map(|&t| c.trial(t).evidence_level())
        .min()
        .map(|l| format!("{l}: {}", l.meaning()))
        .unwrap_or_default()
}

/// The headlines of a therapy's three best studies (best evidence, then newest first).
fn headline_results(c: &Corpus, i: u32, lang: Lang) -> String {
    let mut ts: Vec<u32> = c.trials_of_therapy(i).to_vec();
    ts.sort_by_key(|&t| {
        (
            c.trial(t).evidence_level(),
            std::cmp::Reverse(c.trial(t).year),
        )
    });
    ts.iter()
        .take(3)
        .filter_map(|&t| {
            let name = c.name_of(RecordRef::new(Kind::Trial, t as usize), lang);
            present::headline(c.trial(t))
                .map(|h| format!("{}: {h}", crate::text::truncate(name, 40)))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
