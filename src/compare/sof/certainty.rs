//! The certainty of a finding: where it starts (the weakest study's design-based level) and
//! the rules that lower it, each with its reason.

use super::*;
use crate::i18n::{tr, trf};

/// Where the certainty starts: the weakest study's level.
pub(super) fn start_of(studies: &[&Trial], c: &Corpus, lang: Lang) -> (Certainty, String) {
    let Some(weakest) = studies.iter().max_by_key(|t| t.evidence_level()) else {
        return (Certainty::VeryLow, tr(lang, "no study").into_owned());
    };
    let level = weakest.evidence_level();
    let start = Certainty::start(level);
    let who = if studies.iter().any(|t| t.evidence_level() != level) {
        trf(
            lang,
            " (the weakest study, %{name})",
            &[("name", &trial_name(c, weakest, lang))],
        )
    } else {
        String::new()
    };
    (
        start,
        trf(
            lang,
            "%{level}: %{meaning}%{who} — starts %{start}",
            &[
                ("level", &tr(lang, &level.to_string())),
                ("meaning", &tr(lang, level.meaning())),
                ("who", &who),
                ("start", &start.label_in(lang)),
            ],
        ),
    )
}

pub(super) fn trial_name(c: &Corpus, t: &Trial, lang: Lang) -> String {
    c.resolve(&t.id)
        .map_or(t.id.clone(), |r| c.name_of(r, lang).to_string())
}

/// The downgrades every outcome shares: one study only, indirectness.
pub(super) fn shared_downgrades(
    c: &Corpus,
    studies: &[&Trial],
    lang: Lang,
    out: &mut Vec<Downgrade>,
) {
    if studies.len() == 1 {
        out.push(Downgrade {
            rule: "one study only",
            reason: trf(
                lang,
                "only %{name} reports it: consistency and replication cannot be judged",
                &[("name", &trial_name(c, studies[0], lang))],
            ),
        });
        return;
    }
    if !same_population(c, studies) {
        out.push(cross_disease(c, studies, lang));
        return;
    }
    let first = studies[0];
    if studies.iter().any(|t| {
        regimen(t, false) != regimen(first, false) || regimen(t, true) != regimen(first, true)
    }) {
        out.push(cross_trial(c, studies, lang));
    }
}

/// Indirectness: the studies are of different diseases, named for each study.
fn cross_disease(c: &Corpus, studies: &[&Trial], lang: Lang) -> Downgrade {
    let parts: Vec<String> = studies
        .iter()
        .map(|t| {
            let names = crate::compare::disease_names(c, &t.diseases, lang);
            format!("{}: {}", trial_name(c, t, lang), names)
        })
        .collect();
    Downgrade {
        rule: "indirectness",
        reason: trf(
            lang,
            "cross-disease: the studies are of different diseases (%{parts})",
            &[("parts", &parts.join("; "))],
        ),
    }
}

/// Indirectness: the studies compare different treatments, each study's arms named.
fn cross_trial(c: &Corpus, studies: &[&Trial], lang: Lang) -> Downgrade {
    let parts: Vec<String> = studies
        .iter()
        .map(|t| {
            trf(
                lang,
                "%{name}: %{experimental} vs %{control}",
                &[
                    ("name", &trial_name(c, t, lang)),
                    ("experimental", &regimen_names(c, t, false, lang)),
                    ("control", &regimen_names(c, t, true, lang)),
                ],
            )
        })
        .collect();
    Downgrade {
        rule: "indirectness",
        reason: trf(
            lang,
            "cross-trial: the studies compare different treatments (%{parts})",
            &[("parts", &parts.join("; "))],
        ),
    }
}

/// The names of the therapies of a trial's control arms (or its other arms), `—` for none.
fn regimen_names(c: &Corpus, t: &Trial, control: bool, lang: Lang) -> String {
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
}

/// The therapies of a trial's control arms, or of its other arms.
pub(super) fn regimen(t: &Trial, control: bool) -> Vec<&str> {
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

/// Lowers for imprecision when the interval of `what` (a message, in `lang`) crosses no
/// effect or is missing.
pub(super) fn imprecision(ci: Option<(f64, f64)>, what: &str, lang: Lang) -> Option<Downgrade> {
    match ci {
        Some((lo, hi)) if lo <= 1.0 && hi >= 1.0 => Some(Downgrade {
            rule: "imprecision",
            reason: trf(
                lang,
                "the interval of %{what} (%{low}–%{high}) crosses no effect (1)",
                &[("what", &what), ("low", &fmt(lo)), ("high", &fmt(hi))],
            ),
        }),
        Some(_) => None,
        None => Some(Downgrade {
            rule: "imprecision",
            reason: trf(
                lang,
                "no interval for %{what}: its precision cannot be judged",
                &[("what", &what)],
            ),
        }),
    }
}

pub(super) fn inconsistency(i2: f64, lang: Lang) -> Option<Downgrade> {
    (i2 > 50.0).then(|| Downgrade {
        rule: "inconsistency",
        reason: trf(
            lang,
            "I² = %{i2}% across the pooled studies (above 50%)",
            &[("i2", &format!("{i2:.0}"))],
        ),
    })
}

/// Two decimals, as ratios are printed.
pub(super) fn fmt(x: f64) -> String {
    format!("{x:.2}")
}

pub(super) fn grade(start: Certainty, downgrades: &[Downgrade]) -> Certainty {
    downgrades.iter().fold(start, |c, _| c.lower())
}
