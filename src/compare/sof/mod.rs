//! The summary of findings of a comparison, in the GRADE layout: per outcome the studies and
//! participants behind it, the relative effect with its interval, the absolute effect per
//! 1,000 where a control arm's rate is known, and a certainty that starts from the studies'
//! design-based evidence level and is lowered by rules shown with their reason.
//!
//! At most [`MAX_ROWS`] outcomes, efficacy and safety together. A relative effect of two or
//! more studies is pooled by [`crate::meta`] (random effects, REML) and labelled as computed
//! by evidex; so is every absolute effect and every risk ratio evidex derives from a
//! registry's adverse-event counts. The rules that lower the certainty, one step each:
//!
//! - one study only: consistency and replication cannot be judged;
//! - imprecision: the interval crosses no effect (a ratio of 1), or no interval is given;
//! - inconsistency: I² above 50 % across the pooled studies;
//! - indirectness: the studies are of different diseases, or they compare different
//!   treatments (the experimental or the control arms' therapies differ).
//!
//! The certainty starts High for randomised evidence (level 1), Low for other controlled or
//! observational evidence (levels 2–3), and Very low for one-arm studies, cases, opinion and
//! unrated designs (levels 4–5, unrated), from the weakest study of the outcome. This is a
//! rule-based aid, not a GRADE assessment: risk of bias and publication bias are not judged.
//! Nothing here prints.

use serde::Serialize;

use super::endpoints::{endpoints, hr_outcome, outcome_for};
use super::measure::{Group, Statistic, measure_of};
use super::populations::same_population;
use crate::corpus::{Corpus, EvidenceLevel, Kind, Lang, Outcome, RecordRef, Safety, Trial};
use crate::i18n::{tr, trf};
use crate::meta::{self, stats};
use crate::present;

mod absolute;
mod certainty;
mod serious;

use absolute::absolute_effect;
use certainty::{fmt, grade, imprecision, inconsistency, shared_downgrades, start_of, trial_name};
use serious::serious_events;

/// The most outcomes a summary of findings shows (GRADE's guidance).
pub const MAX_ROWS: usize = 7;

/// A relative effect: its kind (`HR`, `OR`, `RR`), the ratio and its 95 % interval.
type Relative = (String, f64, Option<(f64, f64)>);

/// The outcome of the row of serious adverse events.
pub const SERIOUS: &str = "Serious adverse events";

/// The label of every figure evidex computes here.
pub const COMPUTED: &str = "computed by evidex";

/// How sure the evidence is, GRADE's four grades.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Certainty {
    VeryLow,
    Low,
    Moderate,
    High,
}

impl Certainty {
    pub fn label(self) -> &'static str {
        match self {
            Certainty::High => "High",
            Certainty::Moderate => "Moderate",
            Certainty::Low => "Low",
            Certainty::VeryLow => "Very low",
        }
    }

    /// The grade's name in `lang`.
    pub fn label_in(self, lang: Lang) -> String {
        tr(lang, self.label()).into_owned()
    }

    /// The grade a study design starts from.
    pub fn start(level: EvidenceLevel) -> Certainty {
        match level.0 {
            1 => Certainty::High,
            2 | 3 => Certainty::Low,
            _ => Certainty::VeryLow,
        }
    }

    fn lower(self) -> Certainty {
        match self {
            Certainty::High => Certainty::Moderate,
            Certainty::Moderate => Certainty::Low,
            _ => Certainty::VeryLow,
        }
    }
}

/// One rule that lowered the certainty, and why it applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Downgrade {
    /// `one study only`, `imprecision`, `inconsistency`, `indirectness` (English, a stable
    /// value for CSV; [`Downgrade::rule_in`] names it in a language).
    pub rule: &'static str,
    /// Why it applies, in the summary's language.
    pub reason: String,
}

impl Downgrade {
    /// The rule's name in `lang`.
    pub fn rule_in(&self, lang: Lang) -> String {
        tr(lang, self.rule).into_owned()
    }
}

/// Efficacy or safety.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Efficacy,
    Safety,
}

/// One outcome's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// `PFS`, `Serious adverse events`.
    pub outcome: String,
    pub side: Side,
    /// Titles of the studies that report it.
    pub studies: Vec<String>,
    /// Participants: the studies' enrolment (efficacy) or those at risk (adverse events).
    pub participants: Option<u64>,
    /// `enrolled`, `at risk`, `enrolled (stated by 1 of 4 studies)`.
    pub participants_are: String,
    /// `HR 0.77 (95% CI 0.61–0.98)`, or the pooled estimate, or `not reported`.
    pub relative: String,
    /// The relative effect is computed by evidex (pooled, or a risk ratio from counts).
    pub relative_computed: bool,
    /// Per 1,000: the control arm's and the experimental arm's, always computed by evidex.
    pub absolute: Option<String>,
    /// Where the certainty starts, and why.
    pub start: Certainty,
    pub start_reason: String,
    pub downgrades: Vec<Downgrade>,
    pub certainty: Certainty,
    /// The numbers, in [`SummaryOfFindings::references`], of the references behind the row.
    pub refs: Vec<u32>,
}

impl Finding {
    /// The outcome's name in `lang`: the endpoint as the source names it, the row of serious
    /// adverse events in `lang`'s words.
    pub fn outcome_in(&self, lang: Lang) -> String {
        if self.outcome == SERIOUS {
            tr(lang, SERIOUS).into_owned()
        } else {
            self.outcome.clone()
        }
    }
}

/// The summary of findings of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryOfFindings {
    /// `EMERALD-1 · TALENTACE`.
    pub title: String,
    pub findings: Vec<Finding>,
    /// Outcomes beyond [`MAX_ROWS`], left out.
    pub left_out: Vec<String>,
    /// What evidex computed and how to read the certainty; always shown with the table.
    pub notes: Vec<String>,
    /// The numbered references of the compared records.
    pub references: crate::cite::References,
    /// The language its texts are written in (its views and Markdown follow it).
    #[serde(skip)]
    pub lang: Lang,
}

/// What the certainty column means, for every view and export.
pub const CERTAINTY_NOTE: &str = "Certainty starts from the weakest study's design-based evidence level (level 1 High; 2–3 Low; 4–5 and unrated Very low) and is lowered one step by each rule shown with its reason: one study only; imprecision (the interval crosses no effect); inconsistency (I² > 50 %); indirectness (different diseases, or different treatments compared). A rule-based aid computed by evidex, not a GRADE panel's judgement: risk of bias and publication bias are not assessed.";

/// The summary of findings of `records` (the trials among them).
pub fn summary(c: &Corpus, records: &[RecordRef], lang: Lang) -> SummaryOfFindings {
    let trials: Vec<(RecordRef, &Trial)> = records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|&r| (r, c.trial(r.index)))
        .collect();
    let title = records
        .iter()
        .map(|&r| c.name_of(r, lang).to_string())
        .collect::<Vec<_>>()
        .join(" · ");
    if trials.is_empty() {
        return no_studies(title, lang);
    }
    let (efficacy, safety) = endpoint_findings(c, records, &trials, lang);
    let (mut findings, left_out) = fit_rows(efficacy, safety);
    let notes = notes_of(&findings, &left_out, lang);
    let references = crate::cite::references(c, records, lang);
    for f in &mut findings {
        f.refs = refs_of(c, &trials, f, &references, lang);
    }
    SummaryOfFindings {
        title,
        findings,
        left_out,
        notes,
        references,
        lang,
    }
}

/// The summary of a comparison with no trials: no findings, and a note that says why.
fn no_studies(title: String, lang: Lang) -> SummaryOfFindings {
    let notes = vec![
        tr(
            lang,
            "A summary of findings needs studies: compare trials (a therapy's studies: v in the browser).",
        )
        .into_owned(),
        tr(lang, CERTAINTY_NOTE).into_owned(),
    ];
    SummaryOfFindings {
        title,
        findings: Vec::new(),
        left_out: Vec::new(),
        notes,
        references: crate::cite::References::default(),
        lang,
    }
}

/// The findings of every endpoint the trials report for the whole population: efficacy
/// ones with how many studies report them, most reported first (stable: the table's order
/// otherwise); safety ones after serious adverse events.
fn endpoint_findings(
    c: &Corpus,
    records: &[RecordRef],
    trials: &[(RecordRef, &Trial)],
    lang: Lang,
) -> (Vec<(usize, Finding)>, Vec<Finding>) {
    let ts: Vec<&Trial> = trials.iter().map(|(_, t)| *t).collect();
    let mut efficacy: Vec<(usize, Finding)> = Vec::new();
    let mut safety: Vec<Finding> = serious_events(c, trials, lang).into_iter().collect();
    for ep in endpoints(&ts) {
        let with: Vec<(RecordRef, &Trial)> = trials
            .iter()
            .copied()
            .filter(|(_, t)| outcome_for(t, &ep).is_some_and(|o| o.subgroup.is_none()))
            .collect();
        if with.is_empty() {
            continue;
        }
        let harm = with
            .iter()
            .any(|(_, t)| outcome_for(t, &ep).is_some_and(is_harm));
        let f = endpoint_finding(c, records, &with, &ep, harm, lang);
        if harm {
            safety.push(f);
        } else {
            efficacy.push((with.len(), f));
        }
    }
    efficacy.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    (efficacy, safety)
}

/// At most [`MAX_ROWS`] findings, up to two of them safety ones when there are efficacy ones
/// to show: the findings shown, and the outcomes left out.
fn fit_rows(efficacy: Vec<(usize, Finding)>, safety: Vec<Finding>) -> (Vec<Finding>, Vec<String>) {
    let n_safety = safety.len().min(2).min(MAX_ROWS);
    let n_efficacy = efficacy.len().min(MAX_ROWS - n_safety);
    let n_safety = safety.len().min(MAX_ROWS - n_efficacy);
    let mut findings: Vec<Finding> = Vec::new();
    let mut left_out = Vec::new();
    for (i, (_, f)) in efficacy.into_iter().enumerate() {
        if i < n_efficacy {
            findings.push(f);
        } else {
            left_out.push(f.outcome);
        }
    }
    for (i, f) in safety.into_iter().enumerate() {
        if i < n_safety {
            findings.push(f);
        } else {
            left_out.push(f.outcome);
        }
    }
    (findings, left_out)
}

/// The notes shown with the table: how to read the certainty, and what evidex computed or
/// left out.
fn notes_of(findings: &[Finding], left_out: &[String], lang: Lang) -> Vec<String> {
    let mut notes = vec![tr(lang, CERTAINTY_NOTE).into_owned()];
    if findings.iter().any(|f| f.relative_computed) {
        notes.push(trf(
            lang,
            "Pooled estimates and risk ratios are %{computed}. %{caveat}",
            &[
                ("computed", &tr(lang, meta::COMPUTED)),
                ("caveat", &tr(lang, meta::CAVEAT)),
            ],
        ));
    }
    if findings.iter().any(|f| f.absolute.is_some()) {
        notes.push(
            tr(
                lang,
                "Absolute effects per 1,000 are computed by evidex from the control arm's rate and the relative effect (or the arms' own rates), not reported by any source.",
            )
            .into_owned(),
        );
    }
    if !left_out.is_empty() {
        notes.push(trf(
            lang,
            "At most %{max} outcomes are shown; left out: %{names}.",
            &[("max", &MAX_ROWS), ("names", &left_out.join(", "))],
        ));
    }
    notes
}

/// The reference numbers of a finding: the citations of its studies' outcomes (of their
/// safety sections, for serious adverse events), sorted, each once.
fn refs_of(
    c: &Corpus,
    trials: &[(RecordRef, &Trial)],
    f: &Finding,
    references: &crate::cite::References,
    lang: Lang,
) -> Vec<u32> {
    let mut refs: Vec<u32> = trials
        .iter()
        .filter(|(r, _)| f.studies.contains(&c.name_of(*r, lang).to_string()))
        .flat_map(|(_, t)| {
            let cits: Vec<&crate::corpus::Citation> = if f.outcome == SERIOUS {
                t.safety.iter().map(|s| &s.citation).collect()
            } else {
                t.outcomes
                    .iter()
                    .filter(|o| o.endpoint == f.outcome)
                    .map(|o| &o.citation)
                    .collect()
            };
            cits.into_iter()
                .flat_map(|cit| references.numbers(cit))
                .collect::<Vec<_>>()
        })
        .collect();
    refs.sort_unstable();
    refs.dedup();
    refs
}

/// Whether an outcome measures a harm (an adverse event, late effects, toxicity) rather than
/// a benefit, a cost or a rank.
fn is_harm(o: &Outcome) -> bool {
    let e = o.endpoint.to_ascii_uppercase();
    !o.higher_is_better
        && !matches!(e.as_str(), "COST")
        && !e.ends_with("-RANK")
        && o.unit.as_deref() != Some("rank")
}

/// The finding of one endpoint reported by the trials `with`.
fn endpoint_finding(
    c: &Corpus,
    records: &[RecordRef],
    with: &[(RecordRef, &Trial)],
    ep: &str,
    harm: bool,
    lang: Lang,
) -> Finding {
    let studies: Vec<&Trial> = with.iter().map(|(_, t)| *t).collect();
    let (start, start_reason) = start_of(&studies, c, lang);
    let mut downgrades = Vec::new();
    shared_downgrades(c, &studies, lang, &mut downgrades);
    let (relative, relative_computed, effect) =
        relative_of(c, records, with, ep, lang, &mut downgrades);
    let absolute = absolute_effect(&studies, ep, effect.as_ref(), harm, lang);
    let certainty = grade(start, &downgrades);
    let (participants, participants_are) = participants_of(&studies, lang);
    Finding {
        outcome: ep.to_string(),
        side: if harm { Side::Safety } else { Side::Efficacy },
        studies: studies.iter().map(|t| trial_name(c, t, lang)).collect(),
        participants,
        participants_are,
        relative,
        relative_computed,
        absolute,
        start,
        start_reason,
        downgrades,
        certainty,
        refs: Vec::new(),
    }
}

/// An endpoint's relative effect: its text, whether evidex computed it, and the effect on the
/// ratio scale with its interval when there is one. Two or more ratios are pooled, one is
/// shown as reported; with none, imprecision cannot be judged.
fn relative_of(
    c: &Corpus,
    records: &[RecordRef],
    with: &[(RecordRef, &Trial)],
    ep: &str,
    lang: Lang,
    downgrades: &mut Vec<Downgrade>,
) -> (String, bool, Option<Relative>) {
    let studies: Vec<&Trial> = with.iter().map(|(_, t)| *t).collect();
    let ratios: Vec<&Trial> = studies
        .iter()
        .copied()
        .filter(|t| hr_outcome(t, ep).is_some_and(|o| o.subgroup.is_none()))
        .collect();
    if ratios.len() >= 2 {
        let recs: Vec<RecordRef> = with
            .iter()
            .map(|(r, _)| *r)
            .filter(|r| records.contains(r))
            .collect();
        let pool = meta::pool(c, &recs, ep, meta::Tau2::Reml, lang);
        match (&pool.random, &pool.heterogeneity) {
            (Some(re), Some(h)) => {
                let (text, pooled) = pooled_text(&pool, re, h.i2, lang, downgrades);
                (text, true, Some(pooled))
            }
            _ => (
                unpooled_text(c, &ratios, ep, &pool, lang, downgrades),
                false,
                None,
            ),
        }
    } else if let Some(t) = ratios.first() {
        let (text, one) = one_ratio(c, t, ep, studies.len() > 1, lang, downgrades);
        (text, false, one)
    } else {
        downgrades.push(Downgrade {
            rule: "imprecision",
            reason: tr(
                lang,
                "no ratio with an interval is reported: the precision of the effect cannot be judged",
            )
            .into_owned(),
        });
        (tr(lang, "not reported").into_owned(), false, None)
    }
}

/// The participants the studies enrolled (when any states it), and what the number is.
fn participants_of(studies: &[&Trial], lang: Lang) -> (Option<u64>, String) {
    let participants: u64 = studies
        .iter()
        .filter_map(|t| t.enrolment)
        .map(u64::from)
        .sum();
    let stating = studies.iter().filter(|t| t.enrolment.is_some()).count();
    let are = if stating == studies.len() {
        tr(lang, "enrolled").into_owned()
    } else {
        trf(
            lang,
            "enrolled (stated by %{n} of %{total} studies)",
            &[("n", &stating), ("total", &studies.len())],
        )
    };
    (
        studies
            .iter()
            .any(|t| t.enrolment.is_some())
            .then_some(participants),
        are,
    )
}

/// The pooled estimate of two or more trials' ratios (computed by evidex), with the trials it
/// left out and why; the doubts it brings; the ratio it gives.
fn pooled_text(
    pool: &meta::Pool,
    re: &meta::Estimate,
    i2: f64,
    lang: Lang,
    downgrades: &mut Vec<Downgrade>,
) -> (String, Relative) {
    downgrades.extend(imprecision(
        Some(re.ci),
        &tr(lang, "the pooled estimate"),
        lang,
    ));
    downgrades.extend(inconsistency(i2, lang));
    let mut s = trf(
        lang,
        "pooled %{kind} %{ratio} (95% CI %{low}–%{high}), %{n} studies, %{model}; %{computed}",
        &[
            ("kind", &pool.kind),
            ("ratio", &fmt(re.ratio)),
            ("low", &fmt(re.ci.0)),
            ("high", &fmt(re.ci.1)),
            ("n", &pool.studies.len()),
            ("model", &re.model),
            ("computed", &tr(lang, meta::COMPUTED)),
        ],
    );
    for np in &pool.not_pooled {
        s.push_str(&trf(
            lang,
            "; %{title} not pooled: %{reason}",
            &[("title", &np.title), ("reason", &np.reason)],
        ));
    }
    (s, (pool.kind.clone(), re.ratio, Some(re.ci)))
}

/// Not pooled: each trial's own ratio, the widest doubt counted, and why they were not pooled.
fn unpooled_text(
    c: &Corpus,
    ratios: &[&Trial],
    ep: &str,
    pool: &meta::Pool,
    lang: Lang,
    downgrades: &mut Vec<Downgrade>,
) -> String {
    let mut parts = Vec::new();
    let mut any_imprecise = None;
    for t in ratios {
        let Some(r) = hr_outcome(t, ep).and_then(|o| o.hr.as_ref()) else {
            continue;
        };
        parts.push(format!("{}: {}", trial_name(c, t, lang), present::ratio(r)));
        let ci = r.ci.as_ref().map(|ci| (ci.low.value(), ci.high.value()));
        if any_imprecise.is_none() {
            any_imprecise = imprecision(
                ci,
                &trf(
                    lang,
                    "%{name}'s ratio",
                    &[("name", &trial_name(c, t, lang))],
                ),
                lang,
            );
        }
    }
    downgrades.extend(any_imprecise);
    let why = pool
        .refused
        .clone()
        .or_else(|| {
            pool.not_pooled
                .first()
                .map(|n| format!("{}: {}", n.title, n.reason))
        })
        .unwrap_or_default();
    trf(
        lang,
        "%{ratios} (not pooled: %{why})",
        &[("ratios", &parts.join("; ")), ("why", &why)],
    )
}

/// The one trial's ratio (with its name when other trials are in the summary), its doubt,
/// and the ratio it gives.
fn one_ratio(
    c: &Corpus,
    t: &Trial,
    ep: &str,
    several: bool,
    lang: Lang,
    downgrades: &mut Vec<Downgrade>,
) -> (String, Option<Relative>) {
    let mut effect = None;
    let text = {
        let r = hr_outcome(t, ep)
            .and_then(|o| o.hr.as_ref())
            .map(|r| {
                let ci = r.ci.as_ref().map(|ci| (ci.low.value(), ci.high.value()));
                downgrades.extend(imprecision(ci, &tr(lang, "the ratio"), lang));
                effect = Some((
                    r.kind.clone().unwrap_or_else(|| "HR".into()),
                    r.value.value(),
                    ci,
                ));
                present::ratio(r)
            })
            .unwrap_or_default();
        if several {
            trf(
                lang,
                "%{ratio} (%{name} only)",
                &[("ratio", &r), ("name", &trial_name(c, t, lang))],
            )
        } else {
            r
        }
    };
    (text, effect)
}

#[cfg(test)]
mod tests;
