//! Whether a record passes a query's filters (`kind:`, `disease:`, `phase:` and the rest; the
//! filters themselves are parsed in [`query`](super::query)).

use super::normalize::fold;
use super::query::Filter;
use crate::corpus::{Corpus, Kind, RecordRef};

/// Whether a record passes a filter. Filters on trial attributes (phase, design, endpoint,
/// status, year) reject records that have no such attribute.
pub fn passes(c: &Corpus, r: RecordRef, f: &Filter) -> bool {
    let disease_matches = |id: &str, needle: &str| {
        c.disease_by_id(id).is_some_and(|d| {
            fold(&d.id).contains(needle)
                || d.name.iter().any(|n| fold(n).contains(needle))
                || d.aliases.iter().any(|a| fold(a).contains(needle))
        })
    };
    match f {
        // Statistics, guidelines, case reports and expert opinion are kept as trials but are
        // not studies: `kind:trial` leaves them out (`kind:statistic` and the like list them).
        Filter::Kind(k) => {
            r.kind == *k && (r.kind != Kind::Trial || is_study(c.trial(r.index).design))
        }
        Filter::Id(s) => c.id_of(r).contains(s.as_str()),
        Filter::Disease(needle) => match r.kind {
            Kind::Trial => c
                .trial(r.index)
                .diseases
                .iter()
                .any(|d| disease_matches(d, needle)),
            Kind::Therapy => c
                .therapy(r.index)
                .indications
                .iter()
                .filter_map(|i| i.disease.as_deref())
                .any(|d| disease_matches(d, needle)),
            Kind::Disease => disease_matches(&c.disease(r.index).id, needle),
            Kind::Source => false,
        },
        Filter::Source(s) => match r.kind {
            Kind::Trial => c
                .trial(r.index)
                .citations
                .iter()
                .any(|x| x.source.contains(s.as_str())),
            Kind::Therapy => {
                let t = c.therapy(r.index);
                t.citations.iter().any(|x| x.source.contains(s.as_str()))
                    || c.trials_of_therapy(r.index).iter().any(|&ti| {
                        c.trial(ti)
                            .citations
                            .iter()
                            .any(|x| x.source.contains(s.as_str()))
                    })
            }
            Kind::Disease => c.trials_of_disease(r.index).iter().any(|&ti| {
                c.trial(ti)
                    .citations
                    .iter()
                    .any(|x| x.source.contains(s.as_str()))
            }),
            Kind::Source => c.source(r.index).id.contains(s.as_str()),
        },
        Filter::Phase(p) => trial(c, r).is_some_and(|t| t.phase.is_some_and(|x| x.code() == p)),
        Filter::Design(d) => trial(c, r).is_some_and(|t| t.design.code().starts_with(d.as_str())),
        Filter::Endpoint(e) => trial(c, r).is_some_and(|t| {
            t.outcomes
                .iter()
                .any(|o| o.endpoint.eq_ignore_ascii_case(e))
        }),
        Filter::Year(range) => {
            trial(c, r).is_some_and(|t| t.year.is_some_and(|y| range.contains(y)))
        }
        Filter::Status(s) => trial(c, r).is_some_and(|t| t.status.code().starts_with(s.as_str())),
    }
}

/// Whether a design is that of a study, as opposed to a statistic, a guideline, a case report
/// or an expert's position.
pub fn is_study(d: crate::corpus::Design) -> bool {
    use crate::corpus::Design::*;
    !matches!(d, Epidemiological | Guideline | CaseReport | ExpertOpinion)
}

fn trial(c: &Corpus, r: RecordRef) -> Option<&crate::corpus::Trial> {
    (r.kind == Kind::Trial).then(|| c.trial(r.index))
}
