//! Which columns may be starred against each other: the same kind of population (a shared
//! disease, the whole trial rather than a subgroup).

use super::Column;
use crate::corpus::{Corpus, Lang, Trial};

/// Which columns study the same kind of population: those that share a disease, or where one
/// column's disease is part of another's (HCC within liver cancer).
pub(super) struct Populations {
    /// Per column, its diseases with every disease they are part of.
    pub(super) lineages: Vec<Vec<String>>,
    /// Per column, its own diseases.
    pub(super) own: Vec<Vec<String>>,
}

/// Whether the trials all study the same kind of population, by the rule ★ follows (a shared
/// disease, or one's disease part of another's).
pub fn same_population(c: &Corpus, trials: &[&Trial]) -> bool {
    let p = Populations::of(c, trials.iter().map(|t| t.diseases.clone()).collect());
    p.all_same(&(0..trials.len()).collect::<Vec<_>>())
}

impl Populations {
    pub(super) fn new(c: &Corpus, columns: &[Column]) -> Populations {
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
    pub(super) fn same(&self, a: usize, b: usize) -> bool {
        if a == b || self.own[a].is_empty() || self.own[b].is_empty() {
            return true;
        }
        let related = |x: usize, y: usize| self.own[x].iter().any(|d| self.lineages[y].contains(d));
        related(a, b) || related(b, a)
    }

    pub(super) fn all_same(&self, cols: &[usize]) -> bool {
        cols.iter().all(|&a| cols.iter().all(|&b| self.same(a, b)))
    }

    /// The banner line for a comparison across diseases, if it is one.
    pub(super) fn cross_disease(
        &self,
        c: &Corpus,
        columns: &[Column],
        lang: Lang,
    ) -> Option<String> {
        let all: Vec<usize> = (0..columns.len()).collect();
        if self.all_same(&all) {
            return None;
        }
        let parts: Vec<String> = columns
            .iter()
            .filter(|col| !col.diseases.is_empty())
            .map(|col| format!("{}: {}", col.title, disease_names(c, &col.diseases, lang)))
            .collect();
        Some(crate::i18n::trf(
            lang,
            "Different diseases: %{parts}. Their figures come from different populations; ★ marks a best value only between columns of the same disease.",
            &[("parts", &parts.join("; "))],
        ))
    }
}

/// The short names of the diseases `ids` (an id without a record as itself), joined by
/// commas, for messages that say which populations differ.
pub fn disease_names(c: &Corpus, ids: &[String], lang: Lang) -> String {
    ids.iter()
        .map(|d| {
            c.disease_by_id(d)
                .map_or(d.as_str(), |x| x.short_name(lang))
        })
        .collect::<Vec<_>>()
        .join(", ")
}
