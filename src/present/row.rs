//! One result line's facts, shared by the TUI list and `evidex search`.

use super::figures::headline;
use crate::corpus::{Corpus, Kind, Lang, RecordRef};
use crate::i18n::{tr, trf};

/// One result line's facts: kind, name, disease, design, year, headline.
#[derive(Default)]
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
    let row = match r.kind {
        Kind::Trial => trial_row(c, r.index, lang),
        Kind::Therapy => therapy_row(c, r.index, lang),
        Kind::Disease => disease_row(c, r.index, lang),
        Kind::Source => source_row(c, r.index),
    };
    ResultRow {
        badge: r.kind.badge(),
        name,
        ..row
    }
}

/// A trial's row: its first disease, phase and design, report year and headline result.
fn trial_row(c: &Corpus, index: u32, lang: Lang) -> ResultRow {
    let t = c.trial(index);
    ResultRow {
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
        ..ResultRow::default()
    }
}

/// A therapy's row: its first indication's disease, its kind, and its studies (or class).
fn therapy_row(c: &Corpus, index: u32, lang: Lang) -> ResultRow {
    let t = c.therapy(index);
    let n = c.trials_of_therapy(index).len();
    ResultRow {
        disease: t
            .indications
            .first()
            .and_then(|i| i.disease.as_deref())
            .and_then(|d| c.disease_by_id(d))
            .map(|d| d.short_name(lang).to_string())
            .unwrap_or_default(),
        design: tr(lang, t.kind.label()).into_owned(),
        headline: if n > 0 {
            studies(lang, n)
        } else {
            t.class.clone().unwrap_or_default()
        },
        ..ResultRow::default()
    }
}

/// A disease's row: its first alias and its studies.
fn disease_row(c: &Corpus, index: u32, lang: Lang) -> ResultRow {
    let d = c.disease(index);
    ResultRow {
        disease: d.aliases.first().cloned().unwrap_or_default(),
        headline: studies(lang, c.trials_of_disease(index).len()),
        ..ResultRow::default()
    }
}

/// A source's row: its outlet, year and author.
fn source_row(c: &Corpus, index: u32) -> ResultRow {
    let s = c.source(index);
    ResultRow {
        design: s.outlet.clone().unwrap_or_default(),
        year: s
            .date
            .as_deref()
            .map(|d| d.chars().take(4).collect())
            .unwrap_or_default(),
        headline: s.author.clone().unwrap_or_default(),
        ..ResultRow::default()
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
