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
//!
//! - [`measure`]: what a figure measures ([`Group`], [`Statistic`]).
//! - [`endpoints`]: which outcome of a trial fills a row; the endpoints a set of trials shares.
//! - `populations`: which columns may be starred against each other.
//! - `rows`: the rows of each group.
//! - [`safety`]: serious adverse events, adverse events aligned by term within organ system,
//!   baseline age and sex, and the sources' safety statements.
//! - [`charts`]: the forest plot's and the bar chart's data.
//! - [`evidence`]: the studies of a therapy, and its role in each.

pub mod charts;
pub mod endpoints;
pub mod evidence;
pub mod measure;
mod populations;
mod rows;
pub mod safety;
pub mod sof;
pub mod words;

use serde::Serialize;

use crate::corpus::{Corpus, Kind, Lang, RecordRef, Trial};
use crate::present;

pub use charts::{Bar, Chart, ForestRow, bars, chart_choices, forest};
pub use endpoints::{endpoints, hr_outcome, measures, outcome_for, outcome_in};
pub use evidence::{Evidence, Role, evidence, role_in};
pub use measure::{Group, Statistic, measure_of};
use populations::Populations;
pub use populations::{disease_names, same_population};
use rows::{endpoint_rows, study_rows, therapy_rows};
pub use safety::{Events, EventsShown};

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
    /// The counts behind a rate evidex computed (adverse events): each group's affected of
    /// at risk.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counts: Vec<safety::Count>,
    /// The numbers, in [`Comparison::references`], of the references behind the figure.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<u32>,
}

impl Cell {
    pub(crate) fn new(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            best: false,
            counts: Vec::new(),
            refs: Vec::new(),
        }
    }

    /// Whether the cell holds no figure: not reported, not applicable to its column, or an
    /// adverse event its study's table does not list.
    pub fn is_blank(&self) -> bool {
        self.text == NOT_REPORTED || self.text == NOT_APPLICABLE || self.text == safety::NOT_LISTED
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub group: Group,
    /// The row's label within its group: `Design`, `experimental`, `HR (CI)`.
    pub label: String,
    pub cells: Vec<Cell>,
    /// The figures are computed by evidex (differences), not reported by a source.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub computed: bool,
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
    /// The language of its caveats and of its labels where they are shown ([`words`]); the
    /// rows keep English labels for CSV and JSON.
    #[serde(skip)]
    pub lang: Lang,
    /// How many adverse-event terms the rows list, of how many the studies report (none
    /// without a registry safety table).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adverse_events: Option<EventsShown>,
    /// The numbered references behind the compared records ([`crate::cite`]).
    #[serde(skip_serializing_if = "crate::cite::References::is_empty")]
    pub references: crate::cite::References,
    /// Per column, the numbers of the references the record cites.
    #[serde(skip)]
    pub column_refs: Vec<Vec<u32>>,
}

/// Text for a field that does not apply to a column (a phase for a therapy).
pub const NOT_APPLICABLE: &str = "—";
/// Text for an endpoint a trial does not report.
pub const NOT_REPORTED: &str = "not reported";
/// Label of the row of differences, which evidex computes.
pub const DIFFERENCE: &str = "difference (evidex)";

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
        f.write_str(&self.message(Lang::En))
    }
}

impl NotComparable {
    /// Why, in `lang` (a `Kinds` message is already in the language [`check`] was given).
    pub fn message(&self, lang: Lang) -> String {
        use crate::i18n::trf;
        match self {
            NotComparable::TooFew => trf(
                lang,
                "compare needs 2–%{max} records",
                &[("max", &MAX_COLUMNS)],
            ),
            NotComparable::TooMany => trf(
                lang,
                "compare takes at most %{max} records",
                &[("max", &MAX_COLUMNS)],
            ),
            NotComparable::Duplicate(id) => trf(
                lang,
                "%{id} is named twice; compare distinct records",
                &[("id", id)],
            ),
            NotComparable::Kinds(m) => m.clone(),
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
        return Err(NotComparable::Kinds(crate::i18n::trf(
            lang,
            "%{name} is a %{kind}: compare trials with trials, or therapies with therapies",
            &[
                ("name", &name(r)),
                ("kind", &crate::i18n::tr(lang, r.kind.label())),
            ],
        )));
    }
    let trial = records.iter().find(|r| r.kind == Kind::Trial);
    let therapy = records.iter().find(|r| r.kind == Kind::Therapy);
    if let (Some(&t), Some(&th)) = (trial, therapy) {
        return Err(NotComparable::Kinds(crate::i18n::trf(
            lang,
            "%{trial} is a trial and %{therapy} a therapy: they share no rows. Compare trials with trials (a therapy's studies: `evidex show %{id}` lists them, `v` in the browser compares them), or therapies with therapies",
            &[
                ("trial", &name(t)),
                ("therapy", &name(th)),
                ("id", &c.id_of(th)),
            ],
        )));
    }
    Ok(())
}

/// Builds the comparison of `records` (2–4 trials, or 2–4 therapies; see [`check`]) with
/// names in `lang`, listing the most frequent adverse events.
pub fn compare(c: &Corpus, records: &[RecordRef], lang: Lang) -> Comparison {
    compare_with(c, records, lang, Events::Top)
}

/// [`compare`], listing the adverse events `events` says.
pub fn compare_with(c: &Corpus, records: &[RecordRef], lang: Lang, events: Events) -> Comparison {
    let columns: Vec<Column> = records.iter().map(|&r| column(c, r, lang)).collect();
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
    let adverse_events =
        safety::safety_rows(c, records, &trials, &populations, events, lang, &mut rows);
    if columns.iter().any(|c| !c.flags.is_empty()) {
        rows.push(flags_row(&columns));
    }
    let caveats = caveats(c, records, &trials, &columns, &rows, &populations, lang);
    let references = crate::cite::references(c, records, lang);
    number_figures(&trials, &references, &mut rows);
    let column_refs = records
        .iter()
        .map(|&r| match r.kind {
            Kind::Trial => {
                let mut v: Vec<u32> = c
                    .trial(r.index)
                    .citations
                    .iter()
                    .flat_map(|cit| references.numbers(cit))
                    .collect();
                v.sort_unstable();
                v.dedup();
                v
            }
            _ => references
                .iter()
                .filter(|x| x.records.iter().any(|id| id == c.id_of(r)))
                .map(|x| x.number)
                .collect(),
        })
        .collect();
    Comparison {
        columns,
        rows,
        caveats,
        pooled: crate::meta::pools(c, records, lang),
        lang,
        adverse_events,
        references,
        column_refs,
    }
}

/// Gives each figure of an endpoint the numbers of the references behind it: the citation of
/// the outcome the row takes it from.
fn number_figures(trials: &[Option<&Trial>], refs: &crate::cite::References, rows: &mut [Row]) {
    for row in rows.iter_mut().filter(|r| !r.computed) {
        for (cell, t) in row.cells.iter_mut().zip(trials) {
            let Some(t) = t else { continue };
            if cell.is_blank() {
                continue;
            }
            let outcome = match &row.group {
                Group::Measure { .. } => outcome_in(t, &row.group),
                Group::Ratio { endpoint } => hr_outcome(t, endpoint),
                Group::Study | Group::Therapy | Group::Flags => continue,
                #[allow(unreachable_patterns)]
                _ => None,
            };
            cell.refs = match outcome {
                Some(o) => refs.numbers(&o.citation),
                // Rows drawn from a registry's safety or baseline section.
                None => t
                    .safety
                    .iter()
                    .map(|s| &s.citation)
                    .chain(t.baseline.iter().map(|b| &b.citation))
                    .next()
                    .map(|cit| refs.numbers(cit))
                    .unwrap_or_default(),
            };
        }
    }
}

/// One record's column: its title, weaker-evidence label, flags and diseases.
fn column(c: &Corpus, r: RecordRef, lang: Lang) -> Column {
    let (caution, flags, diseases) = match r.kind {
        Kind::Trial => {
            let t = c.trial(r.index);
            (
                present::caution_label(t, lang),
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
}

/// The row of each column's flags.
fn flags_row(columns: &[Column]) -> Row {
    Row {
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
        computed: false,
    }
}

/// The caveats that travel with a comparison: across trials, across diseases, each column's
/// weaker evidence, and figures evidex computed.
fn caveats(
    c: &Corpus,
    records: &[RecordRef],
    trials: &[Option<&Trial>],
    columns: &[Column],
    rows: &[Row],
    populations: &Populations,
    lang: Lang,
) -> Vec<Caveat> {
    let mut caveats = Vec::new();
    let any_trial = trials.iter().any(Option::is_some);
    let any_other = trials.iter().any(Option::is_none);
    if trials.iter().flatten().count() >= 2
        || (any_trial && any_other)
        || records.iter().filter(|r| r.kind == Kind::Therapy).count() >= 2
    {
        caveats.push(Caveat {
            kind: CaveatKind::CrossTrial,
            text: crate::i18n::tr(lang, CROSS_TRIAL).into_owned(),
        });
    }
    if let Some(text) = populations.cross_disease(c, columns, lang) {
        caveats.push(Caveat {
            kind: CaveatKind::CrossDisease,
            text,
        });
    }
    for (i, col) in columns.iter().enumerate() {
        if let Some(caution) = &col.caution {
            caveats.push(Caveat {
                kind: CaveatKind::Column { column: i },
                text: crate::i18n::trf(
                    lang,
                    "%{title}: %{caution} — no randomised comparison behind its figures.",
                    &[("title", &col.title), ("caution", caution)],
                ),
            });
        }
    }
    if rows.iter().any(|r| r.computed && !r.group.is_safety()) {
        caveats.push(Caveat {
            kind: CaveatKind::Computed,
            text: crate::i18n::tr(lang, COMPUTED).into_owned(),
        });
    }
    if rows.iter().any(|r| r.computed && r.group.is_safety()) {
        caveats.push(Caveat {
            kind: CaveatKind::Computed,
            text: crate::i18n::tr(lang, safety::RATES_COMPUTED).into_owned(),
        });
    }
    caveats
}

thread_local! {
    static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many comparisons [`build`] has made on this thread: tests check that drawing and
/// scrolling the compare screen build none (the TUI keeps the comparison in its state).
pub fn builds() -> usize {
    BUILDS.with(|n| n.get())
}

/// The comparison the browser shows and exports: of `records`, or, when they are the studies
/// [`evidence`] chose for a therapy, of those with the caveat that says which and why first.
pub fn build(c: &Corpus, records: &[RecordRef], of_therapy: Option<u32>, lang: Lang) -> Comparison {
    build_with(c, records, of_therapy, lang, Events::Top)
}

/// [`build`], listing the adverse events `events` says.
pub fn build_with(
    c: &Corpus,
    records: &[RecordRef],
    of_therapy: Option<u32>,
    lang: Lang,
    events: Events,
) -> Comparison {
    BUILDS.with(|n| n.set(n.get() + 1));
    let mut cmp = compare_with(c, records, lang, events);
    if let Some(i) = of_therapy {
        let ev = evidence(c, i, lang);
        if ev.records == records {
            cmp.caveats.insert(0, ev.caveat);
        }
    }
    cmp
}

#[cfg(test)]
mod tests;
