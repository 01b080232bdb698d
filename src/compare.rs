//! Side-by-side comparison of 2–4 records as pure data: columns, rows aligned by field and by
//! endpoint, the best value of each row, and the caveats that must travel with it.
//!
//! The TUI draws a [`Comparison`]; `evidex compare` prints the same one through
//! [`crate::export`]. Nothing here knows about terminals or file formats.

use serde::Serialize;

use crate::corpus::{Corpus, Kind, Lang, Outcome, RecordRef, Trial};
use crate::present::{self, exp_ctrl, unit_suffix};

pub const MAX_COLUMNS: usize = 4;

pub const CROSS_TRIAL: &str = "Cross-trial comparison: populations, designs and follow-up differ; differences are not tested.";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    /// Weaker-evidence label shown in the header: `single-arm`, `retrospective`, `planned`.
    pub caution: Option<String>,
    pub flags: Vec<String>,
    #[serde(skip)]
    pub record: RecordRef,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub text: String,
    /// The best value of its row.
    pub best: bool,
}

impl Cell {
    fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            best: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// The block a row belongs to: `Study`, `PFS (months)`, `Therapy`.
    pub group: String,
    pub label: String,
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub caveats: Vec<String>,
}

/// Text for a field that does not apply to a column (a phase for a therapy).
pub const NOT_APPLICABLE: &str = "—";
/// Text for an endpoint a trial does not report.
pub const NOT_REPORTED: &str = "not reported";

/// The canonical order of endpoints in a comparison.
fn endpoint_rank(e: &str) -> (u8, String) {
    let r = match e {
        "OS" => 0,
        "PFS" => 1,
        "IPFS" => 2,
        "TTP" => 3,
        "ORR" => 4,
        "DCR" => 5,
        "CR" => 6,
        "PR" => 7,
        "SD" => 8,
        "CONVERSION" => 9,
        "RESECTION" => 10,
        "MRD-NEG" => 11,
        _ => 20,
    };
    (r, e.to_string())
}

/// Builds the comparison of `records` (2–4 of any kind) with names in `lang`.
pub fn compare(c: &Corpus, records: &[RecordRef], lang: Lang) -> Comparison {
    let columns: Vec<Column> = records
        .iter()
        .map(|&r| {
            let (caution, flags) = match r.kind {
                Kind::Trial => {
                    let t = c.trial(r.index);
                    (present::caution_label(t), t.flags.clone())
                }
                _ => (None, Vec::new()),
            };
            Column {
                id: c.id_of(r).to_string(),
                kind: r.kind.label(),
                title: c.name_of(r, lang).to_string(),
                caution,
                flags,
                record: r,
            }
        })
        .collect();
    let trials: Vec<Option<&Trial>> = records
        .iter()
        .map(|r| (r.kind == Kind::Trial).then(|| c.trial(r.index)))
        .collect();
    let mut rows = Vec::new();
    let any_trial = trials.iter().any(Option::is_some);
    let any_other = trials.iter().any(Option::is_none);

    if any_trial {
        study_rows(c, &trials, lang, &mut rows);
        endpoint_rows(&trials, &mut rows);
    }
    if any_other {
        therapy_rows(c, records, lang, &mut rows);
    }
    if columns.iter().any(|c| !c.flags.is_empty()) {
        rows.push(Row {
            group: "Study".into(),
            label: "Flags".into(),
            cells: columns
                .iter()
                .map(|c| {
                    Cell::new(if c.flags.is_empty() {
                        NOT_APPLICABLE.to_string()
                    } else {
                        format!("⚑ {}", c.flags.join(" ⚑ "))
                    })
                })
                .collect(),
        });
    }

    let mut caveats = Vec::new();
    let distinct_trials = trials.iter().flatten().count();
    if distinct_trials >= 2
        || (any_trial && any_other)
        || records.iter().filter(|r| r.kind == Kind::Therapy).count() >= 2
    {
        caveats.push(CROSS_TRIAL.to_string());
    }
    for col in &columns {
        if let Some(caution) = &col.caution {
            caveats.push(format!(
                "{}: {caution} — no randomised comparison behind its figures.",
                col.title
            ));
        }
    }
    if rows.iter().any(|r| r.label.contains("difference")) {
        caveats.push("Differences of medians are computed by evidex from the reported figures, not reported by the sources.".into());
    }
    Comparison {
        columns,
        rows,
        caveats,
    }
}

fn study_rows(c: &Corpus, trials: &[Option<&Trial>], lang: Lang, rows: &mut Vec<Row>) {
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
            group: "Study".into(),
            label: label.into(),
            cells,
        });
    };
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

/// The outcome a trial reports for an endpoint: the overall figure before a subgroup's.
pub fn outcome_for<'a>(t: &'a Trial, endpoint: &str) -> Option<&'a Outcome> {
    let mut matching = t.outcomes.iter().filter(|o| o.endpoint == endpoint);
    let first = matching.clone().next();
    matching.find(|o| o.subgroup.is_none()).or(first)
}

/// Endpoints reported by any of the trials, in canonical order.
pub fn endpoints(trials: &[&Trial]) -> Vec<String> {
    let mut eps: Vec<String> = Vec::new();
    for t in trials {
        for o in &t.outcomes {
            if !eps.contains(&o.endpoint) {
                eps.push(o.endpoint.clone());
            }
        }
    }
    eps.sort_by_key(|e| endpoint_rank(e));
    eps
}

fn endpoint_rows(trials: &[Option<&Trial>], rows: &mut Vec<Row>) {
    let present: Vec<&Trial> = trials.iter().flatten().copied().collect();
    for ep in endpoints(&present) {
        let outs: Vec<Option<(&Trial, &Outcome)>> = trials
            .iter()
            .map(|t| t.and_then(|t| outcome_for(t, &ep).map(|o| (t, o))))
            .collect();
        let unit = outs.iter().flatten().find_map(|(_, o)| o.unit.clone());
        let higher = outs
            .iter()
            .flatten()
            .next()
            .is_none_or(|(_, o)| o.higher_is_better);
        let group = match &unit {
            Some(u) => format!("{ep} ({u})"),
            None => ep.clone(),
        };
        let missing = |t: &Option<&Trial>| {
            if t.is_some() {
                NOT_REPORTED
            } else {
                NOT_APPLICABLE
            }
        };
        let same_unit = |o: &Outcome| o.unit == unit;

        // Experimental and control values, with the best experimental value marked.
        let mut exp_cells = Vec::new();
        let mut ctrl_cells = Vec::new();
        let mut diff_cells = Vec::new();
        let mut exp_vals = Vec::new();
        let mut diff_vals = Vec::new();
        for (i, o) in outs.iter().enumerate() {
            match o {
                Some((t, o)) => {
                    let (e, c) = exp_ctrl(t, o);
                    let fmt = |v: Option<&crate::corpus::ArmValue>| {
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
                    let exact =
                        |v: &crate::corpus::ArmValue| v.comparator.is_none() && v.upper.is_none();
                    exp_vals.push(
                        e.filter(|v| exact(v) && same_unit(o))
                            .map(|v| v.value.value()),
                    );
                    let diff = match (e, c) {
                        (Some(e), Some(c))
                            if exact(e)
                                && exact(c)
                                && matches!(o.unit.as_deref(), Some("months") | Some("%")) =>
                        {
                            Some(e.value.value() - c.value.value())
                        }
                        _ => None,
                    };
                    diff_vals.push(diff.filter(|_| same_unit(o)));
                    diff_cells.push(Cell::new(match diff {
                        Some(d) => {
                            let decimals = [e, c]
                                .iter()
                                .flatten()
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
                None => {
                    exp_cells.push(Cell::new(missing(&trials[i])));
                    ctrl_cells.push(Cell::new(missing(&trials[i])));
                    diff_cells.push(Cell::new(NOT_APPLICABLE));
                    exp_vals.push(None);
                    diff_vals.push(None);
                }
            }
        }
        mark_best(&mut exp_cells, &exp_vals, higher);
        mark_best(&mut diff_cells, &diff_vals, higher);
        let push = |rows: &mut Vec<Row>, label: &str, cells: Vec<Cell>| {
            rows.push(Row {
                group: group.clone(),
                label: format!("{ep} {label}"),
                cells,
            })
        };
        push(rows, "experimental", exp_cells);
        if ctrl_cells.iter().any(|c| {
            c.text != "no control arm" && c.text != NOT_REPORTED && c.text != NOT_APPLICABLE
        }) {
            push(rows, "control", ctrl_cells);
            push(rows, "difference", diff_cells);
        }

        // Hazard ratio: lower is better.
        let has_hr = outs.iter().flatten().any(|(_, o)| o.hr.is_some());
        if has_hr {
            let mut cells = Vec::new();
            let mut vals = Vec::new();
            for (i, o) in outs.iter().enumerate() {
                match o {
                    Some((_, o)) => {
                        cells.push(Cell::new(
                            o.hr.as_ref()
                                .map_or("HR not reported".to_string(), present::ratio),
                        ));
                        vals.push(o.hr.as_ref().map(|h| h.value.value()));
                    }
                    None => {
                        cells.push(Cell::new(missing(&trials[i])));
                        vals.push(None);
                    }
                }
            }
            mark_best(&mut cells, &vals, false);
            push(rows, "HR (CI)", cells);
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
                .map(|o| {
                    Cell::new(
                        o.and_then(|(_, o)| o.subgroup.clone())
                            .unwrap_or_else(|| "all patients".into()),
                    )
                })
                .collect();
            push(rows, "subgroup", cells);
        }
    }
}

/// Marks the single best value of a row; none when fewer than two values or on a tie.
fn mark_best(cells: &mut [Cell], vals: &[Option<f64>], higher_is_better: bool) {
    let present: Vec<(usize, f64)> = vals
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .collect();
    if present.len() < 2 {
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

fn therapy_rows(c: &Corpus, records: &[RecordRef], lang: Lang, rows: &mut Vec<Row>) {
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
            group: "Therapy".into(),
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

/// One row of a forest plot: a trial's hazard ratio for an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForestRow {
    pub title: String,
    /// `(estimate, low, high)`; `None` when the trial reports no HR for the endpoint.
    pub hr: Option<(f64, Option<(f64, f64)>)>,
    pub label: String,
}

/// Hazard ratios of `endpoint` across the compared trials.
pub fn forest(c: &Corpus, records: &[RecordRef], endpoint: &str, lang: Lang) -> Vec<ForestRow> {
    records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| {
            let t = c.trial(r.index);
            let hr = outcome_for(t, endpoint).and_then(|o| o.hr.as_ref());
            ForestRow {
                title: c.name_of(*r, lang).to_string(),
                hr: hr.map(|h| {
                    (
                        h.value.value(),
                        h.ci.as_ref().map(|ci| (ci.low.value(), ci.high.value())),
                    )
                }),
                label: hr.map_or("HR not reported".to_string(), present::ratio),
            }
        })
        .collect()
}

/// One bar: an arm's value of an endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bar {
    pub arm: String,
    pub value: f64,
    pub text: String,
    pub control: bool,
}

/// Bars of `endpoint` per arm, grouped by trial.
pub fn bars(
    c: &Corpus,
    records: &[RecordRef],
    endpoint: &str,
    lang: Lang,
) -> Vec<(String, Vec<Bar>)> {
    records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| {
            let t = c.trial(r.index);
            let bars = outcome_for(t, endpoint)
                .map(|o| {
                    o.values
                        .iter()
                        .map(|v| {
                            let arm = v.arm.as_deref().and_then(|a| t.arm(a));
                            Bar {
                                arm: arm.map_or_else(
                                    || "all patients".to_string(),
                                    |a| a.label.get(lang).to_string(),
                                ),
                                value: v.value.value(),
                                text: present::value(v, o.unit.as_deref()),
                                control: arm.is_some_and(|a| a.control),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            (c.name_of(*r, lang).to_string(), bars)
        })
        .collect()
}

/// The endpoints worth charting for these records: those with a HR (forest) or a value.
pub fn chart_endpoints(c: &Corpus, records: &[RecordRef]) -> Vec<String> {
    let trials: Vec<&Trial> = records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| c.trial(r.index))
        .collect();
    endpoints(&trials)
}
