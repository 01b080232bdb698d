//! What a figure measures: a median or other time, a rate at a time point, an amount, or a
//! ratio, per endpoint; rows of different measures never share a header.

use serde::Serialize;

use crate::corpus::{Design, Lang, Outcome, Trial};
use crate::i18n::{tr, trf};

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
    /// Each study's participants with a serious adverse event, and the sources' safety
    /// statements.
    Safety,
    /// Adverse events of one organ system, serious or other, aligned by term.
    AdverseEvents {
        serious: bool,
        organ_system: Option<String>,
    },
    /// Baseline characteristics (age, sex).
    Baseline,
}

/// Endpoints that measure the time to an event: given in months, their summary is a median.
pub(super) fn time_to_event(endpoint: &str) -> bool {
    matches!(endpoint, "OS" | "TTP" | "DOR" | "TTR") || endpoint.ends_with("FS")
}

pub(super) fn is_time_unit(unit: Option<&str>) -> bool {
    matches!(
        unit,
        Some("months" | "month" | "years" | "year" | "weeks" | "week" | "days" | "day")
    )
}

impl Group {
    /// The heading of the group: `OS, median (months)`, `OS rate at 4 years (%)`,
    /// `OS hazard ratio`.
    pub fn title(&self) -> String {
        self.title_in(Lang::En)
    }

    /// [`Group::title`] in `lang`: the endpoint stays as the source names it, the words
    /// around it (and a common unit) are translated.
    pub fn title_in(&self, lang: Lang) -> String {
        match self {
            Group::Study => tr(lang, "Study").into_owned(),
            Group::Therapy => tr(lang, "Therapy").into_owned(),
            Group::Flags => tr(lang, "Flags").into_owned(),
            Group::Safety => tr(lang, "Safety").into_owned(),
            Group::Baseline => tr(lang, "Baseline").into_owned(),
            Group::AdverseEvents {
                serious,
                organ_system,
            } => match (serious, organ_system) {
                (true, Some(o)) => trf(
                    lang,
                    "Serious adverse events: %{system} (% of participants)",
                    &[("system", o)],
                ),
                (false, Some(o)) => trf(
                    lang,
                    "Other adverse events: %{system} (% of participants)",
                    &[("system", o)],
                ),
                (true, None) => tr(lang, "Serious adverse events (% of participants)").into_owned(),
                (false, None) => tr(lang, "Other adverse events (% of participants)").into_owned(),
            },
            Group::Ratio { endpoint: e } => {
                trf(lang, "%{endpoint} hazard ratio", &[("endpoint", e)])
            }
            Group::Measure {
                endpoint,
                statistic,
                unit,
                at,
            } => {
                let unit = unit
                    .as_deref()
                    .map(|u| trf(lang, " (%{unit})", &[("unit", &tr(lang, u))]))
                    .unwrap_or_default();
                let at = at
                    .as_deref()
                    .map(|a| trf(lang, " at %{at}", &[("at", &a)]))
                    .unwrap_or_default();
                let args: [(&str, &dyn std::fmt::Display); 3] =
                    [("endpoint", endpoint), ("unit", &unit), ("at", &at)];
                let form = match statistic {
                    Statistic::Median => "%{endpoint}, median%{unit}",
                    Statistic::Time => "%{endpoint}, time%{unit}",
                    Statistic::Rate if time_to_event(endpoint) => {
                        if at.is_empty() {
                            "%{endpoint} rate%{unit}, time point not stated"
                        } else {
                            "%{endpoint} rate%{at}%{unit}"
                        }
                    }
                    Statistic::Rate | Statistic::Amount => "%{endpoint}%{at}%{unit}",
                };
                trf(lang, form, &args)
            }
        }
    }

    /// Whether the group is about harms or baseline (its rates are computed by evidex from
    /// counts, and say so in their own caveat).
    pub fn is_safety(&self) -> bool {
        matches!(
            self,
            Group::Safety | Group::AdverseEvents { .. } | Group::Baseline
        )
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
pub(super) fn time_frame(o: &Outcome) -> Option<String> {
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

/// The canonical order of endpoints in a comparison.
pub(super) fn endpoint_rank(e: &str) -> (u8, String) {
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
