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
    let mut exp_cells = Vec::new();
    let mut ctrl_cells = Vec::new();
    let mut diff_cells = Vec::new();
    let mut exp_vals = Vec::new();
    let mut diff_vals = Vec::new();
    for (i, o) in outs.iter().enumerate() {
        let Some((t, o)) = o else {
            exp_cells.push(Cell::new(missing(&trials[i])));
            ctrl_cells.push(Cell::new(missing(&trials[i])));
            diff_cells.push(Cell::new(NOT_APPLICABLE));
            exp_vals.push(None);
            diff_vals.push(None);
            continue;
        };
        let (e, c) = exp_ctrl(t, o);
        let fmt = |v: Option<&ArmValue>| {
            v.map_or(NOT_REPORTED.to_string(), |v| {
                present::value(v, o.unit.as_deref())
            })
        };
        exp_cells.push(Cell::new(fmt(e)));
        ctrl_cells.push(Cell::new(if c.is_none() && t.control_arm().is_none() {
            "no control arm".to_string()
        } else {
            fmt(c)
        }));
        // A subgroup's figure is not the same population as another trial's whole one.
        let whole = o.subgroup.is_none();
        exp_vals.push(e.filter(|v| exact(v) && whole).map(|v| v.value.value()));
        let diff = match (e, c) {
            (Some(e), Some(c))
                if exact(e)
                    && exact(c)
                    && matches!(o.unit.as_deref(), Some("months") | Some("%")) =>
            {
                Some((e, c, e.value.value() - c.value.value()))
            }
            _ => None,
        };
        diff_vals.push(diff.filter(|_| whole).map(|(_, _, d)| d));
        diff_cells.push(Cell::new(match diff {
            Some((e, c, d)) => {
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
                format!("{d:+.decimals$}{u}")
            }
            None => NOT_APPLICABLE.to_string(),
        }));
    }
    mark_best(&mut exp_cells, &exp_vals, higher, pops);
    mark_best(&mut diff_cells, &diff_vals, higher, pops);
    let push = |rows: &mut Vec<Row>, label: &str, cells: Vec<Cell>| {
        rows.push(Row {
            group: group.clone(),
            label: label.to_string(),
            cells,
        })
    };
    push(rows, "experimental", exp_cells);
    if ctrl_cells
        .iter()
        .any(|c| c.text != "no control arm" && !c.is_blank())
    {
        push(rows, "control", ctrl_cells);
        if diff_cells.iter().any(|c| !c.is_blank()) {
            push(rows, DIFFERENCE, diff_cells);
        }
    }
    if outs.iter().flatten().any(|(_, o)| o.p.is_some()) {
        let cells = outs
            .iter()
            .enumerate()
            .map(|(i, o)| {
                Cell::new(match o {
                    Some((_, o)) => {
                        o.p.as_ref()
                            .map_or(NOT_REPORTED.to_string(), ToString::to_string)
                    }
                    None => missing(&trials[i]).to_string(),
                })
            })
            .collect();
        push(rows, "P", cells);
    }
    if outs.iter().flatten().any(|(_, o)| o.subgroup.is_some()) {
        let cells = outs
            .iter()
            .enumerate()
            .map(|(i, o)| {
                Cell::new(match o {
                    Some((_, o)) => o.subgroup.clone().unwrap_or_else(|| "all patients".into()),
                    None => missing(&trials[i]).to_string(),
                })
            })
            .collect();
        push(rows, "subgroup", cells);
    }
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
        });
    };
    row("Kind", &|i| c.therapy(i).kind.label().to_string());
    row("Class", &|i| c.therapy(i).class.clone().unwrap_or_default());
    row("Targets", &|i| c.therapy(i).targets.join(", "));
    row("Indications", &|i| {
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
    });
    row("Approvals", &|i| {
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
    });
    row("Cost", &|i| {
        c.therapy(i)
            .costs
            .iter()
            .map(|n| n.text.clone())
            .collect::<Vec<_>>()
            .join("; ")
    });
    row("Studies", &|i| c.trials_of_therapy(i).len().to_string());
    row("Best evidence", &|i| {
        c.trials_of_therapy(i)
            .iter()
            .map(|&t| c.trial(t).evidence_level())
            .min()
            .map(|l| format!("{l}: {}", l.meaning()))
            .unwrap_or_default()
    });
    row("Headline results", &|i| {
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
    });
}
