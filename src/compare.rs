//! Side-by-side comparison of 2–4 records as pure data: columns, rows grouped by what they
//! measure, the best value of each row, and the caveats that must travel with it.
//!
//! The TUI draws a [`Comparison`]; `evidex compare` prints the same one through
//! [`crate::export`]. Nothing here knows about terminals or file formats.
//!
//! Rows are grouped by a typed [`Group`]: the study and therapy facts, then, per endpoint,
//! one group per way of measuring it ([`Statistic`]: a median or other time, a rate at a time
//! point, an amount) and one for its hazard ratio, so that a 4-year survival rate and a median
//! survival never share a header. ★ ([`Cell::best`]) marks the best value of a row only among
//! columns that measure the same thing in the same kind of population (a shared disease, the
//! whole trial population rather than a subgroup).

use serde::Serialize;

use crate::corpus::{ArmValue, Corpus, Design, Kind, Lang, Outcome, RecordRef, Trial};
use crate::present::{self, exp_ctrl, unit_suffix};

pub const MAX_COLUMNS: usize = 4;

pub const CROSS_TRIAL: &str = "Cross-trial comparison: populations, designs and follow-up differ; differences are not tested.";

pub const COMPUTED: &str =
    "Differences are computed by evidex from the reported figures, not reported by the sources.";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    /// Weaker-evidence label shown in the header: `single-arm`, `retrospective`, `planned`.
    pub caution: Option<String>,
    pub flags: Vec<String>,
    /// Disease ids the column is about (a trial's diseases).
    #[serde(skip)]
    pub diseases: Vec<String>,
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

    /// Whether the cell holds no figure: not reported, or not applicable to its column.
    pub fn is_blank(&self) -> bool {
        self.text == NOT_REPORTED || self.text == NOT_APPLICABLE
    }
}

/// How an endpoint's figures are summarised: figures summarised differently never share a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Statistic {
    /// A median time to an event (median PFS in months).
    Median,
    /// Another time or duration (one patient's survival in years).
    Time,
    /// A share of patients, in per cent (a response rate, a survival rate at a time point).
    Rate,
    /// Anything else: counts of patients, scores, costs.
    Amount,
}

/// The block a row belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Group {
    /// Design, evidence, population and arms of the compared studies.
    Study,
    /// Class, targets, approvals and studies of the compared therapies.
    Therapy,
    /// One endpoint measured one way: same statistic, same unit, same time point.
    Measure {
        endpoint: String,
        statistic: Statistic,
        unit: Option<String>,
        /// The time point of a rate or amount ("4 years"), when the source gives it.
        at: Option<String>,
    },
    /// The hazard ratios of one endpoint.
    Ratio { endpoint: String },
    /// The corpus's flags on the compared records.
    Flags,
}

/// Endpoints that measure the time to an event: given in months, their summary is a median.
fn time_to_event(endpoint: &str) -> bool {
    matches!(endpoint, "OS" | "TTP" | "DOR" | "TTR") || endpoint.ends_with("FS")
}

fn is_time_unit(unit: Option<&str>) -> bool {
    matches!(
        unit,
        Some("months" | "month" | "years" | "year" | "weeks" | "week" | "days" | "day")
    )
}

impl Group {
    /// The heading of the group: `OS, median (months)`, `OS rate at 4 years (%)`,
    /// `OS hazard ratio`.
    pub fn title(&self) -> String {
        match self {
            Group::Study => "Study".into(),
            Group::Therapy => "Therapy".into(),
            Group::Flags => "Flags".into(),
            Group::Ratio { endpoint } => format!("{endpoint} hazard ratio"),
            Group::Measure {
                endpoint,
                statistic,
                unit,
                at,
            } => {
                let unit = unit
                    .as_deref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default();
                let at = at
                    .as_deref()
                    .map(|a| format!(" at {a}"))
                    .unwrap_or_default();
                match statistic {
                    Statistic::Median => format!("{endpoint}, median{unit}"),
                    Statistic::Time => format!("{endpoint}, time{unit}"),
                    Statistic::Rate if time_to_event(endpoint) => {
                        if at.is_empty() {
                            format!("{endpoint} rate{unit}, time point not stated")
                        } else {
                            format!("{endpoint} rate{at}{unit}")
                        }
                    }
                    Statistic::Rate | Statistic::Amount => format!("{endpoint}{at}{unit}"),
                }
            }
        }
    }

    /// The endpoint the group is about, if any.
    pub fn endpoint(&self) -> Option<&str> {
        match self {
            Group::Measure { endpoint, .. } | Group::Ratio { endpoint } => Some(endpoint),
            _ => None,
        }
    }
}

/// The time point an imported outcome gives in its note (`Time frame: 4 years.`).
fn time_frame(o: &Outcome) -> Option<String> {
    let note = o.note.as_deref()?;
    let rest = &note[note.find("Time frame: ")? + "Time frame: ".len()..];
    let end = rest.find(". ").unwrap_or(rest.len());
    let tf = rest[..end].trim().trim_end_matches('.').trim();
    (!tf.is_empty()).then(|| tf.to_string())
}

/// The measure group an outcome of trial `t` belongs to.
pub fn measure_of(t: &Trial, o: &Outcome) -> Group {
    let unit = o.unit.as_deref();
    let label = o.label.as_deref().unwrap_or("").to_lowercase();
    let statistic = if is_time_unit(unit) {
        let median = label.contains("median") || label.contains("中位");
        if median || (time_to_event(&o.endpoint) && t.design != Design::CaseReport) {
            Statistic::Median
        } else {
            Statistic::Time
        }
    } else if unit == Some("%") {
        Statistic::Rate
    } else {
        Statistic::Amount
    };
    let at = match statistic {
        Statistic::Rate | Statistic::Amount => time_frame(o),
        _ => None,
    };
    Group::Measure {
        endpoint: o.endpoint.clone(),
        statistic,
        unit: o.unit.clone(),
        at,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub group: Group,
    /// The row's label within its group: `Design`, `experimental`, `HR (CI)`.
    pub label: String,
    pub cells: Vec<Cell>,
}

impl Row {
    /// The label with its group, for formats without group headings:
    /// `OS, median (months): experimental`.
    pub fn field(&self) -> String {
        match &self.group {
            Group::Study | Group::Therapy | Group::Flags => self.label.clone(),
            g => format!("{}: {}", g.title(), self.label),
        }
    }
}

/// What a caveat is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaveatKind {
    /// The columns come from different studies.
    CrossTrial,
    /// The columns study different diseases.
    CrossDisease,
    /// One column's weaker evidence (its index).
    Column { column: usize },
    /// Figures evidex computed.
    Computed,
    /// How the compared records were chosen (a therapy's studies).
    Selection,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Caveat {
    #[serde(flatten)]
    pub kind: CaveatKind,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub caveats: Vec<Caveat>,
    /// The pooled estimates of the endpoints two or more compared trials give a ratio for,
    /// computed by evidex ([`crate::meta`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pooled: Vec<crate::meta::Pool>,
}

/// Text for a field that does not apply to a column (a phase for a therapy).
pub const NOT_APPLICABLE: &str = "—";
/// Text for an endpoint a trial does not report.
pub const NOT_REPORTED: &str = "not reported";
/// Label of the row of differences, which evidex computes.
pub const DIFFERENCE: &str = "difference (evidex)";

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

/// Why a set of records cannot be compared side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotComparable {
    TooFew,
    TooMany,
    Duplicate(String),
    /// Records of different kinds, or of a kind without comparable fields.
    Kinds(String),
}

impl std::fmt::Display for NotComparable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotComparable::TooFew => write!(f, "compare needs 2–{MAX_COLUMNS} records"),
            NotComparable::TooMany => write!(f, "compare takes at most {MAX_COLUMNS} records"),
            NotComparable::Duplicate(id) => {
                write!(f, "{id} is named twice; compare distinct records")
            }
            NotComparable::Kinds(m) => f.write_str(m),
        }
    }
}

/// Checks that `records` can be compared: 2–4 distinct trials, or 2–4 distinct therapies.
/// A trial and a therapy share no rows, so a mixed set is refused with a message that says
/// what to compare instead.
pub fn check(c: &Corpus, records: &[RecordRef], lang: Lang) -> Result<(), NotComparable> {
    if records.len() < 2 {
        return Err(NotComparable::TooFew);
    }
    if records.len() > MAX_COLUMNS {
        return Err(NotComparable::TooMany);
    }
    for (i, r) in records.iter().enumerate() {
        if records[..i].contains(r) {
            return Err(NotComparable::Duplicate(c.id_of(*r).to_string()));
        }
    }
    let name = |r: RecordRef| format!("{} ({})", c.name_of(r, lang), c.id_of(r));
    if let Some(&r) = records
        .iter()
        .find(|r| !matches!(r.kind, Kind::Trial | Kind::Therapy))
    {
        return Err(NotComparable::Kinds(format!(
            "{} is a {}: compare trials with trials, or therapies with therapies",
            name(r),
            r.kind.label()
        )));
    }
    let trial = records.iter().find(|r| r.kind == Kind::Trial);
    let therapy = records.iter().find(|r| r.kind == Kind::Therapy);
    if let (Some(&t), Some(&th)) = (trial, therapy) {
        return Err(NotComparable::Kinds(format!(
            "{} is a trial and {} a therapy: they share no rows. Compare trials with trials \
             (a therapy's studies: `evidex show {}` lists them, `v` in the browser compares \
             them), or therapies with therapies",
            name(t),
            name(th),
            c.id_of(th)
        )));
    }
    Ok(())
}

/// Builds the comparison of `records` (2–4 trials, or 2–4 therapies; see [`check`]) with
/// names in `lang`.
pub fn compare(c: &Corpus, records: &[RecordRef], lang: Lang) -> Comparison {
    let columns: Vec<Column> = records
        .iter()
        .map(|&r| {
            let (caution, flags, diseases) = match r.kind {
                Kind::Trial => {
                    let t = c.trial(r.index);
                    (
                        present::caution_label(t),
                        t.flags.clone(),
                        t.diseases.clone(),
                    )
                }
                Kind::Therapy => (
                    None,
                    Vec::new(),
                    c.therapy(r.index)
                        .indications
                        .iter()
                        .filter_map(|i| i.disease.clone())
                        .collect(),
                ),
                _ => (None, Vec::new(), Vec::new()),
            };
            Column {
                id: c.id_of(r).to_string(),
                kind: r.kind.label(),
                title: c.name_of(r, lang).to_string(),
                caution,
                flags,
                diseases,
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
    let populations = Populations::new(c, &columns);

    if any_trial {
        study_rows(c, &trials, lang, &mut rows);
        endpoint_rows(&trials, &populations, &mut rows);
    }
    if any_other {
        therapy_rows(c, records, lang, &mut rows);
    }
    if columns.iter().any(|c| !c.flags.is_empty()) {
        rows.push(Row {
            group: Group::Flags,
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
        caveats.push(Caveat {
            kind: CaveatKind::CrossTrial,
            text: CROSS_TRIAL.to_string(),
        });
    }
    if let Some(text) = populations.cross_disease(c, &columns, lang) {
        caveats.push(Caveat {
            kind: CaveatKind::CrossDisease,
            text,
        });
    }
    for (i, col) in columns.iter().enumerate() {
        if let Some(caution) = &col.caution {
            caveats.push(Caveat {
                kind: CaveatKind::Column { column: i },
                text: format!(
                    "{}: {caution} — no randomised comparison behind its figures.",
                    col.title
                ),
            });
        }
    }
    if rows.iter().any(|r| r.label == DIFFERENCE) {
        caveats.push(Caveat {
            kind: CaveatKind::Computed,
            text: COMPUTED.into(),
        });
    }
    Comparison {
        columns,
        rows,
        caveats,
        pooled: crate::meta::pools(c, records, lang),
    }
}

/// Which columns study the same kind of population: those that share a disease, or where one
/// column's disease is part of another's (HCC within liver cancer).
struct Populations {
    /// Per column, its diseases with every disease they are part of.
    lineages: Vec<Vec<String>>,
    /// Per column, its own diseases.
    own: Vec<Vec<String>>,
}

/// Whether the trials all study the same kind of population, by the rule ★ follows (a shared
/// disease, or one's disease part of another's).
pub fn same_population(c: &Corpus, trials: &[&Trial]) -> bool {
    let p = Populations::of(c, trials.iter().map(|t| t.diseases.clone()).collect());
    p.all_same(&(0..trials.len()).collect::<Vec<_>>())
}

impl Populations {
    fn new(c: &Corpus, columns: &[Column]) -> Populations {
        Populations::of(c, columns.iter().map(|col| col.diseases.clone()).collect())
    }

    /// From each column's own diseases.
    fn of(c: &Corpus, own: Vec<Vec<String>>) -> Populations {
        let lineage = |d: &str| {
            let mut out = vec![d.to_string()];
            let mut cur = c.disease_by_id(d).and_then(|x| x.parent.clone());
            while let Some(p) = cur {
                if out.contains(&p) || out.len() > 16 {
                    break;
                }
                cur = c.disease_by_id(&p).and_then(|x| x.parent.clone());
                out.push(p);
            }
            out
        };
        Populations {
            lineages: own
                .iter()
                .map(|ds| ds.iter().flat_map(|d| lineage(d)).collect())
                .collect(),
            own,
        }
    }

    /// Whether columns `a` and `b` study the same kind of population. A column that names no
    /// disease is taken to match (nothing says it differs).
    fn same(&self, a: usize, b: usize) -> bool {
        if a == b || self.own[a].is_empty() || self.own[b].is_empty() {
            return true;
        }
        let related = |x: usize, y: usize| self.own[x].iter().any(|d| self.lineages[y].contains(d));
        related(a, b) || related(b, a)
    }

    fn all_same(&self, cols: &[usize]) -> bool {
        cols.iter().all(|&a| cols.iter().all(|&b| self.same(a, b)))
    }

    /// The banner line for a comparison across diseases, if it is one.
    fn cross_disease(&self, c: &Corpus, columns: &[Column], lang: Lang) -> Option<String> {
        let all: Vec<usize> = (0..columns.len()).collect();
        if self.all_same(&all) {
            return None;
        }
        let parts: Vec<String> = columns
            .iter()
            .filter_map(|col| {
                let ds: Vec<&str> = col
                    .diseases
                    .iter()
                    .map(|d| {
                        c.disease_by_id(d)
                            .map_or(d.as_str(), |x| x.short_name(lang))
                    })
                    .collect();
                (!ds.is_empty()).then(|| format!("{}: {}", col.title, ds.join(", ")))
            })
            .collect();
        Some(format!(
            "Different diseases: {}. Their figures come from different populations; ★ marks a best value only between columns of the same disease.",
            parts.join("; ")
        ))
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

/// The outcome a trial reports for an endpoint: the overall figure before a subgroup's.
pub fn outcome_for<'a>(t: &'a Trial, endpoint: &str) -> Option<&'a Outcome> {
    first_overall(t.outcomes.iter().filter(|o| o.endpoint == endpoint))
}

/// The first outcome of the whole population, else the first of a subgroup.
fn first_overall<'a>(mut it: impl Iterator<Item = &'a Outcome> + Clone) -> Option<&'a Outcome> {
    let first = it.clone().next();
    it.find(|o| o.subgroup.is_none()).or(first)
}

/// The outcome a trial reports in a measure group (the whole population's first).
pub fn outcome_in<'a>(t: &'a Trial, group: &Group) -> Option<&'a Outcome> {
    first_overall(t.outcomes.iter().filter(|o| measure_of(t, o) == *group))
}

/// The outcome that gives a trial's hazard ratio for an endpoint (the whole population's first).
pub fn hr_outcome<'a>(t: &'a Trial, endpoint: &str) -> Option<&'a Outcome> {
    first_overall(
        t.outcomes
            .iter()
            .filter(|o| o.endpoint == endpoint && o.hr.is_some()),
    )
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

/// The measure groups of the trials' outcomes: by endpoint in canonical order, then by
/// statistic, then in the order the trials give them.
pub fn measures(trials: &[&Trial]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for t in trials {
        for o in &t.outcomes {
            let g = measure_of(t, o);
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
    }
    let stat = |g: &Group| match g {
        Group::Measure { statistic, .. } => *statistic,
        _ => Statistic::Amount,
    };
    groups.sort_by_key(|g| (endpoint_rank(g.endpoint().unwrap_or("")), stat(g)));
    groups
}

fn endpoint_rows(trials: &[Option<&Trial>], pops: &Populations, rows: &mut Vec<Row>) {
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
fn missing(t: &Option<&Trial>) -> &'static str {
    if t.is_some() {
        NOT_REPORTED
    } else {
        NOT_APPLICABLE
    }
}

fn exact(v: &ArmValue) -> bool {
    v.comparator.is_none() && v.upper.is_none()
}

/// Rows of one measure group: experimental, control, the difference evidex computes, P and
/// subgroup.
fn measure_rows(trials: &[Option<&Trial>], group: &Group, pops: &Populations, rows: &mut Vec<Row>) {
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
fn ratio_rows(trials: &[Option<&Trial>], ep: &str, pops: &Populations, rows: &mut Vec<Row>) {
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
fn mark_best(cells: &mut [Cell], vals: &[Option<f64>], higher_is_better: bool, pops: &Populations) {
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
            let hr = hr_outcome(t, endpoint).and_then(|o| o.hr.as_ref());
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

/// Bars of one measure group per arm, grouped by trial: only figures measured the same way
/// share a scale.
pub fn bars(
    c: &Corpus,
    records: &[RecordRef],
    group: &Group,
    lang: Lang,
) -> Vec<(String, Vec<Bar>)> {
    records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| {
            let t = c.trial(r.index);
            let bars = outcome_in(t, group)
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

/// The two charts of a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Hazard ratios of an endpoint.
    Forest,
    /// Values of a measure per arm.
    Bars,
}

/// What a chart can show for these records, the best first: for the forest plot, the
/// endpoints with a hazard ratio (as [`Group::Ratio`]), for the bars the measure groups;
/// ordered by how many of the compared trials report them, then in the table's order.
/// An endpoint no compared trial gives a hazard ratio for is not offered.
pub fn chart_choices(c: &Corpus, records: &[RecordRef], chart: Chart) -> Vec<Group> {
    let trials: Vec<&Trial> = records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| c.trial(r.index))
        .collect();
    let mut choices: Vec<(usize, Group)> = match chart {
        Chart::Forest => endpoints(&trials)
            .into_iter()
            .map(|ep| {
                let n = trials
                    .iter()
                    .filter(|t| hr_outcome(t, &ep).is_some())
                    .count();
                (n, Group::Ratio { endpoint: ep })
            })
            .collect(),
        Chart::Bars => measures(&trials)
            .into_iter()
            .map(|g| {
                let n = trials
                    .iter()
                    .filter(|t| outcome_in(t, &g).is_some())
                    .count();
                (n, g)
            })
            .collect(),
    };
    choices.retain(|(n, _)| *n > 0);
    // Stable: equal counts keep the table's order.
    choices.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    choices.into_iter().map(|(_, g)| g).collect()
}

/// How a therapy takes part in a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Given in an experimental arm and not in the control arm: the trial tests it.
    Tested,
    /// Given in both arms: the trial tests what is added to it.
    Background,
    /// Given only in the control arm: it is the comparator.
    Control,
}

/// Whether `arm_therapy` is the therapy `id` or a regimen that contains it.
fn gives(c: &Corpus, arm_therapy: &str, id: &str, depth: u8) -> bool {
    arm_therapy == id
        || (depth < 8
            && c.therapy_by_id(arm_therapy)
                .is_some_and(|t| t.components.iter().any(|x| gives(c, x, id, depth + 1))))
}

/// The role of therapy `id` in trial `t`, if it is given there.
pub fn role_in(c: &Corpus, t: &Trial, id: &str) -> Option<Role> {
    let in_arm = |control: bool| {
        t.arms
            .iter()
            .filter(|a| a.control == control)
            .any(|a| a.therapies.iter().any(|x| gives(c, x, id, 0)))
    };
    match (in_arm(false), in_arm(true)) {
        (true, false) => Some(Role::Tested),
        (true, true) => Some(Role::Background),
        (false, true) => Some(Role::Control),
        (false, false) => None,
    }
}

/// The studies `v` compares for a therapy, and the caveat that says which and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub records: Vec<RecordRef>,
    pub caveat: Caveat,
}

/// Chooses up to [`MAX_COLUMNS`] studies of therapy `index`: those that give it in an
/// experimental arm (alone, with more, or within a regimen), strongest evidence first, then
/// the newest; the studies where it is only the comparator come in only when there is no
/// other. The caveat names the rule, what was left out, and where the therapy is in both arms.
pub fn evidence(c: &Corpus, index: u32, lang: Lang) -> Evidence {
    let th = c.therapy(index);
    let name = th.name.get(lang);
    let mut studies: Vec<(Role, u32)> = c
        .trials_of_therapy(index)
        .iter()
        .filter_map(|&i| role_in(c, c.trial(i), &th.id).map(|r| (r, i)))
        .collect();
    studies.sort_by(|a, b| {
        let (ta, tb) = (c.trial(a.1), c.trial(b.1));
        (a.0 == Role::Control)
            .cmp(&(b.0 == Role::Control))
            .then(ta.evidence_level().cmp(&tb.evidence_level()))
            .then(tb.year.cmp(&ta.year))
            .then(ta.id.cmp(&tb.id))
    });
    let experimental = studies.iter().filter(|(r, _)| *r != Role::Control).count();
    let only_control = experimental == 0;
    let taken: Vec<(Role, u32)> = studies
        .iter()
        .copied()
        .filter(|(r, _)| only_control || *r != Role::Control)
        .take(MAX_COLUMNS)
        .collect();
    let total = studies.len();
    let n = taken.len();
    let mut text = if only_control {
        format!(
            "Studies of {name}: {n} of {total}. {name} is only ever the control arm in them: they compare other treatments with it; strongest evidence first, then newest, at most {MAX_COLUMNS}."
        )
    } else {
        format!(
            "Studies of {name}: {n} of {total}, those with it in an experimental arm ({experimental}), strongest evidence first, then newest, at most {MAX_COLUMNS}."
        )
    };
    let left = if only_control { total } else { experimental } - n;
    if left > 0 {
        text.push_str(&format!(" {left} more left out for the limit."));
    }
    let ctrl = studies.iter().filter(|(r, _)| *r == Role::Control).count();
    if !only_control && ctrl > 0 {
        text.push_str(&format!(
            " {ctrl} where it is only the control arm not taken."
        ));
    }
    let both: Vec<&str> = taken
        .iter()
        .filter(|(r, _)| *r == Role::Background)
        .map(|&(_, i)| c.name_of(RecordRef::new(Kind::Trial, i as usize), lang))
        .collect();
    if both.len() == n && n > 0 {
        text.push_str(" It is in both arms of each: they test what is added to it.");
    } else if !both.is_empty() {
        text.push_str(&format!(
            " It is in both arms of {}: they test what is added to it.",
            both.join(", ")
        ));
    }
    Evidence {
        records: taken
            .iter()
            .map(|&(_, i)| RecordRef::new(Kind::Trial, i as usize))
            .collect(),
        caveat: Caveat {
            kind: CaveatKind::Selection,
            text,
        },
    }
}

/// The comparison the browser shows and exports: of `records`, or, when they are the studies
/// [`evidence`] chose for a therapy, of those with the caveat that says which and why first.
pub fn build(c: &Corpus, records: &[RecordRef], of_therapy: Option<u32>, lang: Lang) -> Comparison {
    let mut cmp = compare(c, records, lang);
    if let Some(i) = of_therapy {
        let ev = evidence(c, i, lang);
        if ev.records == records {
            cmp.caveats.insert(0, ev.caveat);
        }
    }
    cmp
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::corpus::{BUNDLED, CorpusFile};

    fn bundled() -> Corpus {
        Corpus::bundled().expect("bundled corpus")
    }

    /// The bundled corpus with PALLAS (breast cancer, NCT02513394) imported: 4-year rates.
    fn with_pallas() -> Corpus {
        let base: CorpusFile = serde_json::from_slice(BUNDLED).expect("bundled json");
        let mut imp = crate::import::Importer::new(base);
        imp.add_file(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ctgov/NCT02513394.json"),
        );
        let (file, _) = imp.finish();
        Corpus::build(Path::new("merged.json"), file, None).expect("merged corpus")
    }

    fn refs(c: &Corpus, ids: &[&str]) -> Vec<RecordRef> {
        ids.iter().map(|id| c.resolve(id).expect(id)).collect()
    }

    fn rows_of<'a>(cmp: &'a Comparison, title: &str) -> Vec<&'a Row> {
        cmp.rows
            .iter()
            .filter(|r| r.group.title() == title)
            .collect()
    }

    #[test]
    fn rates_medians_and_ratios_never_share_a_header() {
        let c = with_pallas();
        let cmp = compare(&c, &refs(&c, &["nct02513394", "talentace"]), Lang::En);
        let median = rows_of(&cmp, "OS, median (months)");
        let rate = rows_of(&cmp, "OS rate at 4 years (%)");
        let ratio = rows_of(&cmp, "OS hazard ratio");
        assert_eq!(median[0].label, "experimental");
        assert_eq!(median[0].cells[0].text, NOT_REPORTED);
        assert_eq!(median[0].cells[1].text, "34.53 mo");
        assert_eq!(rate[0].cells[0].text, "93.8%");
        assert_eq!(rate[0].cells[1].text, NOT_REPORTED);
        assert!(ratio[0].cells[0].text.starts_with("HR 1.32"));
        assert_eq!(ratio[0].cells[1].text, "HR 0.96");
        // No group mixes units: every filled cell of a measure group carries its unit.
        for r in &cmp.rows {
            if let Group::Measure {
                unit: Some(u),
                statistic: Statistic::Median | Statistic::Rate,
                ..
            } = &r.group
                && (r.label == "experimental" || r.label == "control")
            {
                let suffix = if u == "%" { "%" } else { " mo" };
                for cell in r.cells.iter().filter(|c| !c.is_blank()) {
                    assert!(
                        cell.text.ends_with(suffix),
                        "{} in {}",
                        cell.text,
                        r.field()
                    );
                }
            }
        }
    }

    #[test]
    fn no_star_across_diseases_and_the_banner_says_so() {
        let c = with_pallas();
        let cmp = compare(&c, &refs(&c, &["nct02513394", "talentace"]), Lang::En);
        assert!(
            cmp.rows.iter().flat_map(|r| &r.cells).all(|c| !c.best),
            "breast cancer and HCC: nothing is best"
        );
        let cross = cmp
            .caveats
            .iter()
            .find(|cv| cv.kind == CaveatKind::CrossDisease)
            .expect("a cross-disease caveat");
        assert!(cross.text.contains("PALLAS: BC"), "{}", cross.text);
        assert!(cross.text.contains("TALENTACE: HCC"), "{}", cross.text);
    }

    #[test]
    fn star_within_one_disease_and_one_measure() {
        let c = bundled();
        let cmp = compare(&c, &refs(&c, &["emerald-1", "leap-012"]), Lang::En);
        let pfs = rows_of(&cmp, "PFS, median (months)");
        assert!(
            !pfs[0].cells[0].best && pfs[0].cells[1].best,
            "16.6 beats 15.0"
        );
        assert!(
            cmp.caveats
                .iter()
                .all(|cv| cv.kind != CaveatKind::CrossDisease)
        );
        // The one HR has nothing to be compared with.
        let hr = rows_of(&cmp, "PFS hazard ratio");
        assert!(hr[0].cells.iter().all(|c| !c.best));
    }

    #[test]
    fn best_needs_two_values_of_one_kind_of_population() {
        let c = bundled();
        let pops = Populations {
            lineages: vec![vec!["hcc".into()], vec!["hcc".into()]],
            own: vec![vec!["hcc".into()], vec!["hcc".into()]],
        };
        let mut cells = vec![Cell::new("1"), Cell::new("2")];
        mark_best(&mut cells, &[Some(1.0), None], true, &pops);
        assert!(cells.iter().all(|c| !c.best), "one value alone is not best");
        mark_best(&mut cells, &[Some(1.0), Some(2.0)], true, &pops);
        assert!(cells[1].best);
        let apart = Populations {
            lineages: vec![vec!["hcc".into()], vec!["bc".into()]],
            own: vec![vec!["hcc".into()], vec!["bc".into()]],
        };
        let mut cells = vec![Cell::new("1"), Cell::new("2")];
        mark_best(&mut cells, &[Some(1.0), Some(2.0)], true, &apart);
        assert!(cells.iter().all(|c| !c.best));
        // A disease and the disease it is part of are one kind of population.
        let hcc = c.disease_by_id("hcc").expect("hcc");
        if let Some(parent) = &hcc.parent {
            let cols = [
                Column {
                    id: "a".into(),
                    kind: "trial",
                    title: "A".into(),
                    caution: None,
                    flags: vec![],
                    diseases: vec!["hcc".into()],
                    record: RecordRef::new(Kind::Trial, 0),
                },
                Column {
                    id: "b".into(),
                    kind: "trial",
                    title: "B".into(),
                    caution: None,
                    flags: vec![],
                    diseases: vec![parent.clone()],
                    record: RecordRef::new(Kind::Trial, 1),
                },
            ];
            assert!(Populations::new(&c, &cols).same(0, 1));
        }
    }

    #[test]
    fn a_subgroup_figure_is_not_starred_against_a_whole_trial() {
        let mut file: CorpusFile = serde_json::from_slice(BUNDLED).expect("bundled json");
        let leap = file
            .trials
            .iter_mut()
            .find(|t| t.id == "leap-012")
            .expect("leap-012");
        for o in leap.outcomes.iter_mut().filter(|o| o.endpoint == "PFS") {
            o.subgroup = Some("Chinese patients".into());
        }
        let c = Corpus::build(Path::new("t.json"), file, None).expect("corpus");
        let cmp = compare(&c, &refs(&c, &["emerald-1", "leap-012"]), Lang::En);
        let pfs = rows_of(&cmp, "PFS, median (months)");
        assert!(pfs.iter().flat_map(|r| &r.cells).all(|c| !c.best));
        let sg = pfs
            .iter()
            .find(|r| r.label == "subgroup")
            .expect("a subgroup row");
        assert_eq!(sg.cells[0].text, "all patients");
        assert_eq!(sg.cells[1].text, "Chinese patients");
        // ORR is still the whole trial's in both: starred.
        assert!(rows_of(&cmp, "ORR (%)")[0].cells[1].best);
    }

    #[test]
    fn trials_and_therapies_are_not_compared_together() {
        let c = bundled();
        let mixed = check(&c, &refs(&c, &["emerald-1", "tace"]), Lang::En);
        assert!(
            matches!(&mixed, Err(NotComparable::Kinds(m)) if m.contains("is a trial and") && m.contains("a therapy")),
            "{mixed:?}"
        );
        assert!(matches!(
            check(&c, &refs(&c, &["hcc", "emerald-1"]), Lang::En),
            Err(NotComparable::Kinds(_))
        ));
        assert_eq!(
            check(&c, &refs(&c, &["emerald-1", "emerald-1"]), Lang::En),
            Err(NotComparable::Duplicate("emerald-1".into()))
        );
        assert!(check(&c, &refs(&c, &["emerald-1", "leap-012"]), Lang::En).is_ok());
        assert!(check(&c, &refs(&c, &["tace", "haic"]), Lang::En).is_ok());
    }

    #[test]
    fn a_therapys_evidence_is_its_experimental_arm_studies() {
        let c = bundled();
        let tace = c.resolve("tace").expect("tace");
        let ev = evidence(&c, tace.index, Lang::En);
        let ids: Vec<&str> = ev.records.iter().map(|&r| c.id_of(r)).collect();
        assert_eq!(ids.len(), MAX_COLUMNS, "{ids:?}");
        for &r in &ev.records {
            let role = role_in(&c, c.trial(r.index), "tace");
            assert!(
                matches!(role, Some(Role::Tested | Role::Background)),
                "{}: {role:?}",
                c.id_of(r)
            );
        }
        let levels: Vec<_> = ev
            .records
            .iter()
            .map(|r| c.trial(r.index).evidence_level())
            .collect();
        assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{levels:?}");
        let text = &ev.caveat.text;
        assert!(
            text.contains("4 of 8, those with it in an experimental arm (5)"),
            "{text}"
        );
        assert!(text.contains("1 more left out for the limit"), "{text}");
        assert!(
            text.contains("3 where it is only the control arm not taken"),
            "{text}"
        );
        assert!(text.contains("at most 4"), "{text}");
        assert!(text.contains("in both arms of each"), "{text}");
        let cmp = build(&c, &ev.records, Some(tace.index), Lang::En);
        assert_eq!(cmp.caveats[0].kind, CaveatKind::Selection);
    }

    #[test]
    fn the_forest_plot_offers_only_endpoints_with_a_hazard_ratio_most_first() {
        let c = with_pallas();
        let rs = refs(&c, &["nct02513394", "talentace"]);
        let choices = chart_choices(&c, &rs, Chart::Forest);
        assert_eq!(choices[0].endpoint(), Some("OS"), "both give an OS HR");
        for g in &choices {
            let ep = g.endpoint().expect("an endpoint");
            assert!(
                rs.iter()
                    .any(|r| hr_outcome(c.trial(r.index), ep).is_some()),
                "{ep} has no HR"
            );
        }
        assert!(!choices.iter().any(|g| g.endpoint() == Some("ORR")));
        // Bars: one measure per choice, never a rate and a median on one scale.
        let bars = chart_choices(&c, &rs, Chart::Bars);
        assert!(bars.iter().all(|g| matches!(g, Group::Measure { .. })));
        assert!(bars.iter().any(|g| g.title() == "OS rate at 4 years (%)"));
        assert!(bars.iter().any(|g| g.title() == "OS, median (months)"));
    }
}
