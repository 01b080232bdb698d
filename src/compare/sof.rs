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
use crate::meta::{self, stats};
use crate::present;

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
    /// `one study only`, `imprecision`, `inconsistency`, `indirectness`.
    pub rule: &'static str,
    pub reason: String,
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
    let mut notes = vec![CERTAINTY_NOTE.to_string()];
    if trials.is_empty() {
        notes.insert(
            0,
            "A summary of findings needs studies: compare trials (a therapy's studies: v in the browser).".into(),
        );
        return SummaryOfFindings {
            title,
            findings: Vec::new(),
            left_out: Vec::new(),
            notes,
            references: crate::cite::References::default(),
        };
    }
    let ts: Vec<&Trial> = trials.iter().map(|(_, t)| *t).collect();
    let mut efficacy: Vec<(usize, Finding)> = Vec::new();
    let mut safety: Vec<Finding> = Vec::new();
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
    // Endpoints most of the studies report first (stable: the table's order otherwise).
    efficacy.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    let mut safety_rows: Vec<Finding> = serious_events(c, &trials, lang).into_iter().collect();
    safety_rows.extend(safety);
    let n_safety = safety_rows.len().min(2).min(MAX_ROWS);
    let n_efficacy = efficacy.len().min(MAX_ROWS - n_safety);
    let n_safety = safety_rows.len().min(MAX_ROWS - n_efficacy);
    let mut findings: Vec<Finding> = Vec::new();
    let mut left_out = Vec::new();
    for (i, (_, f)) in efficacy.into_iter().enumerate() {
        if i < n_efficacy {
            findings.push(f);
        } else {
            left_out.push(f.outcome);
        }
    }
    for (i, f) in safety_rows.into_iter().enumerate() {
        if i < n_safety {
            findings.push(f);
        } else {
            left_out.push(f.outcome);
        }
    }
    if findings.iter().any(|f| f.relative_computed) {
        notes.push(format!(
            "Pooled estimates and risk ratios are {}. {}",
            meta::COMPUTED,
            meta::CAVEAT
        ));
    }
    if findings.iter().any(|f| f.absolute.is_some()) {
        notes.push(
            "Absolute effects per 1,000 are computed by evidex from the control arm's rate and the relative effect (or the arms' own rates), not reported by any source.".into(),
        );
    }
    if !left_out.is_empty() {
        notes.push(format!(
            "At most {MAX_ROWS} outcomes are shown; left out: {}.",
            left_out.join(", ")
        ));
    }
    let references = crate::cite::references(c, records, lang);
    for f in &mut findings {
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
        f.refs = refs;
    }
    SummaryOfFindings {
        title,
        findings,
        left_out,
        notes,
        references,
    }
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

/// Where the certainty starts: the weakest study's level.
fn start_of(studies: &[&Trial], c: &Corpus, lang: Lang) -> (Certainty, String) {
    let Some(weakest) = studies.iter().max_by_key(|t| t.evidence_level()) else {
        return (Certainty::VeryLow, "no study".into());
    };
    let level = weakest.evidence_level();
    let start = Certainty::start(level);
    let who = if studies.iter().any(|t| t.evidence_level() != level) {
        format!(" (the weakest study, {})", trial_name(c, weakest, lang))
    } else {
        String::new()
    };
    (
        start,
        format!(
            "{level}: {}{who} — starts {}",
            level.meaning(),
            start.label()
        ),
    )
}

fn trial_name(c: &Corpus, t: &Trial, lang: Lang) -> String {
    c.resolve(&t.id)
        .map_or(t.id.clone(), |r| c.name_of(r, lang).to_string())
}

/// The downgrades every outcome shares: one study only, indirectness.
fn shared_downgrades(c: &Corpus, studies: &[&Trial], lang: Lang, out: &mut Vec<Downgrade>) {
    if studies.len() == 1 {
        out.push(Downgrade {
            rule: "one study only",
            reason: format!(
                "only {} reports it: consistency and replication cannot be judged",
                trial_name(c, studies[0], lang)
            ),
        });
        return;
    }
    if !same_population(c, studies) {
        let parts: Vec<String> = studies
            .iter()
            .map(|t| {
                let ds: Vec<&str> = t
                    .diseases
                    .iter()
                    .map(|d| {
                        c.disease_by_id(d)
                            .map_or(d.as_str(), |x| x.short_name(lang))
                    })
                    .collect();
                format!("{}: {}", trial_name(c, t, lang), ds.join(", "))
            })
            .collect();
        out.push(Downgrade {
            rule: "indirectness",
            reason: format!(
                "cross-disease: the studies are of different diseases ({})",
                parts.join("; ")
            ),
        });
        return;
    }
    let first = studies[0];
    if studies.iter().any(|t| {
        regimen(t, false) != regimen(first, false) || regimen(t, true) != regimen(first, true)
    }) {
        let parts: Vec<String> = studies
            .iter()
            .map(|t| {
                let arm = |control: bool| {
                    let ids = regimen(t, control);
                    if ids.is_empty() {
                        "—".to_string()
                    } else {
                        ids.iter()
                            .map(|id| {
                                c.resolve(id)
                                    .map_or(id.to_string(), |r| c.name_of(r, lang).to_string())
                            })
                            .collect::<Vec<_>>()
                            .join(" + ")
                    }
                };
                format!(
                    "{}: {} vs {}",
                    trial_name(c, t, lang),
                    arm(false),
                    arm(true)
                )
            })
            .collect();
        out.push(Downgrade {
            rule: "indirectness",
            reason: format!(
                "cross-trial: the studies compare different treatments ({})",
                parts.join("; ")
            ),
        });
    }
}

/// The therapies of a trial's control arms, or of its other arms.
fn regimen(t: &Trial, control: bool) -> Vec<&str> {
    let mut v: Vec<&str> = t
        .arms
        .iter()
        .filter(|a| a.control == control)
        .flat_map(|a| a.therapies.iter().map(String::as_str))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn imprecision(ci: Option<(f64, f64)>, what: &str) -> Option<Downgrade> {
    match ci {
        Some((lo, hi)) if lo <= 1.0 && hi >= 1.0 => Some(Downgrade {
            rule: "imprecision",
            reason: format!(
                "the interval of {what} ({}–{}) crosses no effect (1)",
                fmt(lo),
                fmt(hi)
            ),
        }),
        Some(_) => None,
        None => Some(Downgrade {
            rule: "imprecision",
            reason: format!("no interval for {what}: its precision cannot be judged"),
        }),
    }
}

fn inconsistency(i2: f64) -> Option<Downgrade> {
    (i2 > 50.0).then(|| Downgrade {
        rule: "inconsistency",
        reason: format!("I² = {:.0}% across the pooled studies (above 50%)", i2),
    })
}

/// Two decimals, as ratios are printed.
fn fmt(x: f64) -> String {
    format!("{x:.2}")
}

fn grade(start: Certainty, downgrades: &[Downgrade]) -> Certainty {
    downgrades.iter().fold(start, |c, _| c.lower())
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
    let ratios: Vec<&Trial> = studies
        .iter()
        .copied()
        .filter(|t| hr_outcome(t, ep).is_some_and(|o| o.subgroup.is_none()))
        .collect();
    let mut relative_computed = false;
    // The relative effect on the ratio scale, with its interval, when there is one.
    let mut effect: Option<Relative> = None;
    let relative = if ratios.len() >= 2 {
        let recs: Vec<RecordRef> = with
            .iter()
            .map(|(r, _)| *r)
            .filter(|r| records.contains(r))
            .collect();
        let pool = meta::pool(c, &recs, ep, meta::Tau2::Reml, lang);
        match (&pool.random, &pool.heterogeneity) {
            (Some(re), Some(h)) => {
                relative_computed = true;
                downgrades.extend(imprecision(Some(re.ci), "the pooled estimate"));
                downgrades.extend(inconsistency(h.i2));
                effect = Some((pool.kind.clone(), re.ratio, Some(re.ci)));
                let mut s = format!(
                    "pooled {} {} (95% CI {}–{}), {} studies, {}; {}",
                    pool.kind,
                    fmt(re.ratio),
                    fmt(re.ci.0),
                    fmt(re.ci.1),
                    pool.studies.len(),
                    re.model,
                    meta::COMPUTED
                );
                for np in &pool.not_pooled {
                    s.push_str(&format!("; {} not pooled: {}", np.title, np.reason));
                }
                s
            }
            _ => {
                // Not pooled: each study's own ratio, the widest doubt counted.
                let mut parts = Vec::new();
                let mut any_imprecise = None;
                for t in &ratios {
                    let Some(r) = hr_outcome(t, ep).and_then(|o| o.hr.as_ref()) else {
                        continue;
                    };
                    parts.push(format!("{}: {}", trial_name(c, t, lang), present::ratio(r)));
                    let ci = r.ci.as_ref().map(|ci| (ci.low.value(), ci.high.value()));
                    if any_imprecise.is_none() {
                        any_imprecise =
                            imprecision(ci, &format!("{}'s ratio", trial_name(c, t, lang)));
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
                format!("{} (not pooled: {why})", parts.join("; "))
            }
        }
    } else if let Some(t) = ratios.first() {
        let r = hr_outcome(t, ep)
            .and_then(|o| o.hr.as_ref())
            .map(|r| {
                let ci = r.ci.as_ref().map(|ci| (ci.low.value(), ci.high.value()));
                downgrades.extend(imprecision(ci, "the ratio"));
                effect = Some((
                    r.kind.clone().unwrap_or_else(|| "HR".into()),
                    r.value.value(),
                    ci,
                ));
                present::ratio(r)
            })
            .unwrap_or_default();
        if studies.len() > 1 {
            format!("{r} ({} only)", trial_name(c, t, lang))
        } else {
            r
        }
    } else {
        downgrades.push(Downgrade {
            rule: "imprecision",
            reason: "no ratio with an interval is reported: the precision of the effect cannot be judged".into(),
        });
        "not reported".to_string()
    };
    let absolute = absolute_effect(&studies, ep, effect.as_ref(), harm);
    let certainty = grade(start, &downgrades);
    let participants: u64 = studies
        .iter()
        .filter_map(|t| t.enrolment)
        .map(u64::from)
        .sum();
    let stating = studies.iter().filter(|t| t.enrolment.is_some()).count();
    let participants_are = if stating == studies.len() {
        "enrolled".to_string()
    } else {
        format!(
            "enrolled (stated by {stating} of {} studies)",
            studies.len()
        )
    };
    Finding {
        outcome: ep.to_string(),
        side: if harm { Side::Safety } else { Side::Efficacy },
        studies: studies.iter().map(|t| trial_name(c, t, lang)).collect(),
        participants: studies
            .iter()
            .any(|t| t.enrolment.is_some())
            .then_some(participants),
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

/// A control arm's rate (a share, 0–1) of an endpoint and the experimental arm's, with where
/// they are measured: from an outcome of the endpoint in per cent.
fn rates(t: &Trial, ep: &str) -> Option<(f64, Option<f64>, String)> {
    t.outcomes
        .iter()
        .filter(|o| o.endpoint == ep && o.subgroup.is_none())
        .find_map(|o| {
            let g = measure_of(t, o);
            let Group::Measure {
                statistic: Statistic::Rate,
                ..
            } = &g
            else {
                return None;
            };
            let (exp, ctrl) = present::exp_ctrl(t, o);
            let ctrl = ctrl.filter(|v| v.comparator.is_none() && v.upper.is_none())?;
            let share = |v: &crate::corpus::ArmValue| v.value.value() / 100.0;
            let c = share(ctrl);
            (0.0..=1.0).contains(&c).then(|| {
                (
                    c,
                    exp.filter(|v| v.comparator.is_none() && v.upper.is_none())
                        .map(share),
                    format!("{}: {}", t.acronym.as_deref().unwrap_or(&t.id), g.title()),
                )
            })
        })
}

/// Per 1,000 from the control arm's rate: with the relative effect when there is one (a
/// hazard ratio on the event-free share, `S₁ = S₀^HR`; an odds or risk ratio on the share),
/// else from both arms' own rates. Computed by evidex, and labelled so.
fn absolute_effect(
    studies: &[&Trial],
    ep: &str,
    effect: Option<&Relative>,
    harm: bool,
) -> Option<String> {
    let found: Vec<(f64, Option<f64>, String)> =
        studies.iter().filter_map(|t| rates(t, ep)).collect();
    let (ctrl, exp, what) = found.first()?.clone();
    let many = found.len() > 1;
    let ctrl = if many {
        let mut cs: Vec<f64> = found.iter().map(|f| f.0).collect();
        cs.sort_by(f64::total_cmp);
        let m = cs.len() / 2;
        if cs.len().is_multiple_of(2) {
            (cs[m - 1] + cs[m]) / 2.0
        } else {
            cs[m]
        }
    } else {
        ctrl
    };
    let per = |x: f64| (x * 1000.0).round() as i64;
    let apply = |kind: &str, ratio: f64| -> f64 {
        match kind {
            // The share is of patients with the outcome; a hazard ratio acts on the event-free
            // share for survival endpoints, on the share with the event for harms.
            "HR" if harm => 1.0 - (1.0 - ctrl).powf(ratio),
            "HR" => ctrl.powf(ratio),
            "OR" => ratio * ctrl / (1.0 - ctrl + ratio * ctrl),
            _ => (ratio * ctrl).min(1.0),
        }
    };
    let basis = if many {
        format!(
            "the median control rate of {} studies ({what})",
            found.len()
        )
    } else {
        format!("the control arm's rate ({what})")
    };
    let diff = |e: i64, c: i64| match e - c {
        0 => "no difference".to_string(),
        d if d > 0 => format!("{d} more"),
        d => format!("{} fewer", -d),
    };
    match effect {
        Some((kind, ratio, ci)) if ratio.is_finite() && *ratio > 0.0 => {
            let e = per(apply(kind, *ratio));
            let c = per(ctrl);
            let range = ci
                .map(|(lo, hi)| {
                    let (a, b) = (per(apply(kind, lo)), per(apply(kind, hi)));
                    format!(" (95% CI {}–{})", a.min(b), a.max(b))
                })
                .unwrap_or_default();
            Some(format!(
                "{c} per 1,000 with control; {e} per 1,000 with the experimental arm{range}: {} — {COMPUTED} from {basis} and the {kind}",
                diff(e, c)
            ))
        }
        _ if !many => {
            let e = per(exp?);
            let c = per(ctrl);
            Some(format!(
                "{c} per 1,000 with control; {e} per 1,000 with the experimental arm: {} — {COMPUTED} from the arms' rates ({what})",
                diff(e, c)
            ))
        }
        _ => None,
    }
}

/// The arms' serious-event counts of one trial's registry safety section: the experimental
/// group's (affected, at risk) and the control group's.
fn serious_counts(t: &Trial, s: &Safety) -> Option<((u32, u32), (u32, u32))> {
    let is_control = |g: &crate::corpus::SafetyGroup| {
        g.arm
            .as_deref()
            .and_then(|a| t.arm(a))
            .is_some_and(|a| a.control)
    };
    let ctrl = s.groups.iter().find(|&g| is_control(g))?.serious.as_ref()?;
    let exp = s
        .groups
        .iter()
        .find(|&g| g.arm.is_some() && !is_control(g))?
        .serious
        .as_ref()?;
    (exp.at_risk > 0 && ctrl.at_risk > 0)
        .then_some(((exp.affected, exp.at_risk), (ctrl.affected, ctrl.at_risk)))
}

/// The row of serious adverse events, from the registry safety sections of the trials: a
/// risk ratio per trial computed by evidex from the counts (0.5 added to every cell of a
/// trial with a zero count), pooled across two or more.
fn serious_events(c: &Corpus, trials: &[(RecordRef, &Trial)], lang: Lang) -> Option<Finding> {
    let with: Vec<&Trial> = trials
        .iter()
        .map(|(_, t)| *t)
        .filter(|t| {
            t.safety
                .as_ref()
                .is_some_and(|s| s.groups.iter().any(|g| g.serious.is_some()))
        })
        .collect();
    if with.is_empty() {
        return None;
    }
    let (start, start_reason) = start_of(&with, c, lang);
    let mut downgrades = Vec::new();
    shared_downgrades(c, &with, lang, &mut downgrades);
    let participants: u64 = with
        .iter()
        .filter_map(|t| t.safety.as_ref())
        .flat_map(|s| s.groups.iter().filter(|g| g.arm.is_some()))
        .filter_map(|g| g.serious.as_ref())
        .map(|a| u64::from(a.at_risk))
        .sum();
    let mut ys = Vec::new();
    let mut vs = Vec::new();
    let mut parts = Vec::new();
    let mut corrected = false;
    let mut ctrl_rates = Vec::new();
    let mut exp_rates = Vec::new();
    for t in &with {
        let Some(s) = t.safety.as_deref() else {
            continue;
        };
        let Some(((a, n1), (b, n2))) = serious_counts(t, s) else {
            parts.push(format!(
                "{}: no control group to compare with",
                trial_name(c, t, lang)
            ));
            continue;
        };
        ctrl_rates.push(f64::from(b) / f64::from(n2));
        exp_rates.push(f64::from(a) / f64::from(n1));
        let (mut a, mut n1, mut b, mut n2) =
            (f64::from(a), f64::from(n1), f64::from(b), f64::from(n2));
        if a == 0.0 || b == 0.0 {
            corrected = true;
            a += 0.5;
            b += 0.5;
            n1 += 1.0;
            n2 += 1.0;
        }
        let y = ((a / n1) / (b / n2)).ln();
        let v = 1.0 / a - 1.0 / n1 + 1.0 / b - 1.0 / n2;
        ys.push(y);
        vs.push(v);
        let se = v.sqrt();
        parts.push(format!(
            "{}: {}/{} vs {}/{}, RR {} (95% CI {}–{})",
            trial_name(c, t, lang),
            a as u32,
            n1 as u32,
            b as u32,
            n2 as u32,
            fmt(y.exp()),
            fmt((y - stats::qnorm(0.975) * se).exp()),
            fmt((y + stats::qnorm(0.975) * se).exp())
        ));
    }
    let mut relative_computed = false;
    let mut effect = None;
    let relative = match ys.len() {
        0 => {
            downgrades.push(Downgrade {
                rule: "imprecision",
                reason: "no control group: no relative effect".into(),
            });
            format!("not estimable ({})", parts.join("; "))
        }
        1 => {
            relative_computed = true;
            let se = vs[0].sqrt();
            let z = stats::qnorm(0.975);
            let ci = ((ys[0] - z * se).exp(), (ys[0] + z * se).exp());
            downgrades.extend(imprecision(Some(ci), "the risk ratio"));
            effect = Some(("RR".to_string(), ys[0].exp(), Some(ci)));
            format!(
                "{} — risk ratio {COMPUTED} from the registry's counts",
                parts.join("; ")
            )
        }
        _ => match (
            same_population(c, &with),
            stats::fit(&ys, &vs, stats::Method::Reml),
        ) {
            (true, Ok(f)) => {
                relative_computed = true;
                let ci = (f.ci.0.exp(), f.ci.1.exp());
                downgrades.extend(imprecision(Some(ci), "the pooled risk ratio"));
                downgrades.extend(inconsistency(f.i2));
                effect = Some(("RR".to_string(), f.estimate.exp(), Some(ci)));
                format!(
                    "pooled RR {} (95% CI {}–{}), {} studies, random effects (REML); {} ({})",
                    fmt(f.estimate.exp()),
                    fmt(ci.0),
                    fmt(ci.1),
                    ys.len(),
                    meta::COMPUTED,
                    parts.join("; ")
                )
            }
            _ => {
                downgrades.push(Downgrade {
                    rule: "imprecision",
                    reason: "the studies' risk ratios are not pooled: the precision of one effect cannot be judged".into(),
                });
                format!(
                    "{} (not pooled) — risk ratios {COMPUTED} from the registry's counts",
                    parts.join("; ")
                )
            }
        },
    };
    let relative = if corrected {
        format!("{relative}; 0.5 added to each cell of a study with no event in an arm")
    } else {
        relative
    };
    let absolute = (!ctrl_rates.is_empty()).then(|| {
        let per = |x: f64| (x * 1000.0).round() as i64;
        let mut cs = ctrl_rates.clone();
        cs.sort_by(f64::total_cmp);
        let ctrl = cs[cs.len() / 2];
        let (e, range) = match &effect {
            Some((_, rr, Some((lo, hi)))) => (
                per((rr * ctrl).min(1.0)),
                format!(" (95% CI {}–{})", per((lo * ctrl).min(1.0)), per((hi * ctrl).min(1.0))),
            ),
            _ => (per(exp_rates[0]), String::new()),
        };
        let c0 = per(ctrl);
        let d = match e - c0 {
            0 => "no difference".to_string(),
            d if d > 0 => format!("{d} more"),
            d => format!("{} fewer", -d),
        };
        format!(
            "{c0} per 1,000 with control; {e} per 1,000 with the experimental arm{range}: {d} — {COMPUTED} from the control {} and the risk ratio",
            if ctrl_rates.len() > 1 { "groups' median rate" } else { "group's rate" }
        )
    });
    Some(Finding {
        outcome: SERIOUS.into(),
        side: Side::Safety,
        studies: with.iter().map(|t| trial_name(c, t, lang)).collect(),
        participants: Some(participants),
        participants_are: "at risk".into(),
        relative,
        relative_computed,
        absolute,
        start,
        certainty: grade(start, &downgrades),
        start_reason,
        downgrades,
        refs: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sof(ids: &[&str]) -> SummaryOfFindings {
        let c = Corpus::bundled().unwrap();
        let records: Vec<RecordRef> = ids.iter().map(|id| c.resolve(id).unwrap()).collect();
        summary(&c, &records, Lang::En)
    }

    #[test]
    fn pooled_pfs_with_its_rules() {
        let s = sof(&["emerald-1", "talentace"]);
        let pfs = s
            .findings
            .iter()
            .find(|f| f.outcome == "PFS")
            .expect("PFS row");
        assert_eq!(pfs.studies.len(), 2);
        assert!(pfs.relative.starts_with("pooled HR"), "{}", pfs.relative);
        assert!(pfs.relative.contains(meta::COMPUTED), "{}", pfs.relative);
        assert!(pfs.relative_computed);
        // TALENTACE's design is not stated: unrated, so the start is Very low.
        assert_eq!(pfs.start, Certainty::VeryLow, "{}", pfs.start_reason);
        assert!(
            pfs.start_reason.contains("TALENTACE"),
            "{}",
            pfs.start_reason
        );
        // Different experimental treatments: indirect.
        assert!(
            pfs.downgrades
                .iter()
                .any(|d| d.rule == "indirectness" && d.reason.contains("different treatments")),
            "{:?}",
            pfs.downgrades
        );
        assert!(s.findings.len() <= MAX_ROWS);
    }

    #[test]
    fn one_randomised_study_starts_high_and_is_lowered_once_for_being_alone() {
        let s = sof(&["emerald-1", "leap-012"]);
        let os: Vec<&Finding> = s.findings.iter().filter(|f| f.studies.len() == 1).collect();
        assert!(!os.is_empty());
        for f in os {
            assert!(
                f.downgrades.iter().any(|d| d.rule == "one study only"),
                "{f:?}"
            );
            assert_eq!(f.certainty, grade(f.start, &f.downgrades));
        }
    }

    #[test]
    fn grades_fall_one_step_per_rule_and_stop_at_very_low() {
        let d = |n: usize| {
            vec![
                Downgrade {
                    rule: "imprecision",
                    reason: String::new()
                };
                n
            ]
        };
        assert_eq!(grade(Certainty::High, &d(0)), Certainty::High);
        assert_eq!(grade(Certainty::High, &d(1)), Certainty::Moderate);
        assert_eq!(grade(Certainty::High, &d(2)), Certainty::Low);
        assert_eq!(grade(Certainty::High, &d(5)), Certainty::VeryLow);
        assert_eq!(grade(Certainty::Low, &d(1)), Certainty::VeryLow);
        assert!(imprecision(Some((0.8, 1.1)), "x").is_some());
        assert!(imprecision(Some((0.6, 0.9)), "x").is_none());
        assert!(imprecision(None, "x").is_some());
        assert!(inconsistency(50.0).is_none());
        assert!(inconsistency(50.1).is_some());
    }

    #[test]
    fn absolute_effects_from_the_control_rate_and_the_ratio() {
        use crate::corpus::{Arm, ArmValue, Num, Outcome};
        let arm = |id: &str, control: bool| Arm {
            id: id.into(),
            control,
            ..Default::default()
        };
        let value = |arm: &str, v: &str| ArmValue {
            arm: Some(arm.into()),
            value: serde_json::from_str::<Num>(v).unwrap(),
            ..Default::default()
        };
        let t = Trial {
            id: "t".into(),
            acronym: Some("T".into()),
            arms: vec![arm("e", false), arm("c", true)],
            outcomes: vec![Outcome {
                endpoint: "OS".into(),
                unit: Some("%".into()),
                values: vec![value("e", "60"), value("c", "50")],
                ..Default::default()
            }],
            ..Default::default()
        };
        // HR 0.5 on a control survival of 50 %: 0.5^0.5 = 707 per 1,000 alive.
        let hr = ("HR".to_string(), 0.5, Some((0.25, 1.0)));
        let a = absolute_effect(&[&t], "OS", Some(&hr), false).unwrap();
        assert!(
            a.starts_with("500 per 1,000 with control; 707 per 1,000"),
            "{a}"
        );
        assert!(
            a.contains("(95% CI 500–841)") && a.contains("207 more"),
            "{a}"
        );
        assert!(a.contains(COMPUTED), "{a}");
        // Without a ratio: the arms' own rates.
        let a = absolute_effect(&[&t], "OS", None, false).unwrap();
        assert!(
            a.starts_with("500 per 1,000 with control; 600 per 1,000"),
            "{a}"
        );
        assert!(
            a.contains("100 more") && a.contains("arms' rates (T: OS rate"),
            "{a}"
        );
        // A risk ratio on a harm: 0.5 × 50 % = 250.
        let rr = ("RR".to_string(), 0.5, None);
        let a = absolute_effect(&[&t], "OS", Some(&rr), true).unwrap();
        assert!(
            a.contains("250 per 1,000") && a.contains("250 fewer"),
            "{a}"
        );
        // No control rate: nothing.
        assert!(absolute_effect(&[&t], "PFS", Some(&hr), false).is_none());
    }

    #[test]
    fn therapies_give_no_rows_and_say_why() {
        let s = sof(&["durvalumab", "bevacizumab"]);
        assert!(s.findings.is_empty());
        assert!(s.notes[0].contains("needs studies"));
    }
}
