//! One result line's facts, shared by the TUI list and `evidex search`.

use super::figures::headline;
use crate::corpus::{Corpus, Kind, Lang, RecordRef};
use crate::i18n::{tr, trf};

/// One result line's facts: kind, name, disease, design, year, headline.
pub struct ResultRow {
    pub badge: &'static str,
    pub name: String,
    pub disease: String,
    pub design: String,
    pub year: String,
    pub headline: String,
}

/// "1 study", "N studies" in `lang`.
fn studies(lang: Lang, n: usize) -> String {
    if n == 1 {
        tr(lang, "1 study").into_owned()
    } else {
        trf(lang, "%{n} studies", &[("n", &n)])
    }
}

/// The facts a result row shows, shared by the TUI list and `evidex search`.
pub fn result_row(c: &Corpus, r: RecordRef, lang: Lang) -> ResultRow {
    let name = c.name_of(r, lang).to_string();
    match r.kind {
        Kind::Trial => {
            let t = c.trial(r.index);
            ResultRow {
                badge: r.kind.badge(),
                name,
                disease: t
                    .diseases
                    .first()
                    .and_then(|d| c.disease_by_id(d))
                    .map(|d| d.short_name(lang).to_string())
                    .unwrap_or_default(),
                design: match t.phase {
                    Some(p) => format!(
                        "{} {}",
                        tr(lang, p.short()),
                        tr(lang, short_design(t.design))
                    ),
                    None => tr(lang, short_design(t.design)).into_owned(),
                },
                year: t.year.map(|y| y.to_string()).unwrap_or_default(),
                headline: if t.awaiting_results() {
                    tr(lang, "no results yet").into_owned()
                } else {
                    headline(t).unwrap_or_default()
                },
            }
        }
        Kind::Therapy => {
            let t = c.therapy(r.index);
            let n = c.trials_of_therapy(r.index).len();
            ResultRow {
                badge: r.kind.badge(),
                name,
                disease: t
                    .indications
                    .first()
                    .and_then(|i| i.disease.as_deref())
                    .and_then(|d| c.disease_by_id(d))
                    .map(|d| d.short_name(lang).to_string())
                    .unwrap_or_default(),
                design: tr(lang, t.kind.label()).into_owned(),
                year: String::new(),
                headline: if n > 0 {
                    studies(lang, n)
                } else {
                    t.class.clone().unwrap_or_default()
                },
            }
        }
        Kind::Disease => {
            let d = c.disease(r.index);
            let n = c.trials_of_disease(r.index).len();
            ResultRow {
                badge: r.kind.badge(),
                name,
                disease: d.aliases.first().cloned().unwrap_or_default(),
                design: String::new(),
                year: String::new(),
                headline: studies(lang, n),
            }
        }
        Kind::Source => {
            let s = c.source(r.index);
            ResultRow {
                badge: r.kind.badge(),
                name,
                disease: String::new(),
                design: s.outlet.clone().unwrap_or_default(),
                year: s
                    .date
                    .as_deref()
                    .map(|d| d.chars().take(4).collect())
                    .unwrap_or_default(),
                headline: s.author.clone().unwrap_or_default(),
            }
        }
    }
}

/// Design in a few letters for lists.
pub fn short_design(d: crate::corpus::Design) -> &'static str {
    use crate::corpus::Design::*;
    match d {
        Rct => "RCT",
        NonRandomised => "non-rand",
        SingleArm => "single-arm",
        ProspectiveCohort => "cohort",
        PropensityMatched => "PSM",
        Retrospective => "retro",
        CaseSeries => "series",
        CaseReport => "case",
        Epidemiological => "epi",
        Guideline => "guideline",
        ExpertOpinion => "opinion",
        Unspecified => "",
    }
}
