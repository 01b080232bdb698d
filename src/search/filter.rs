//! A query's filters (`kind:`, `disease:`, `phase:`, `level:`, `setting:`, `line:`, `ae:` and the rest): their values read from a
//! `field:value` word (the words themselves are found by [`query`](super::query)), and whether
//! a record passes them.
//!
//! `note:` and `has:note` test the user's own notes, which the corpus does not hold: whoever
//! runs a query hands the notes in as a [`NoteIndex`], which fills in the records each note
//! filter passes before the search (a query never given notes passes no record for them).

use std::collections::BTreeSet;
use std::sync::Arc;

use super::normalize::{fold, fold_query, strip_punctuation};
use super::query::{Field, QueryError};
use crate::corpus::evidence::Matching;
use crate::corpus::{Corpus, Kind, RecordRef};

/// A comparison for `year:` and `level:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Range {
    Eq(u16),
    Ge(u16),
    Gt(u16),
    Le(u16),
    Lt(u16),
    Between(u16, u16),
}

impl Range {
    pub fn contains(self, y: u16) -> bool {
        match self {
            Range::Eq(a) => y == a,
            Range::Ge(a) => y >= a,
            Range::Gt(a) => y > a,
            Range::Le(a) => y <= a,
            Range::Lt(a) => y < a,
            Range::Between(a, b) => (a..=b).contains(&y),
        }
    }
}

/// One `field:value` test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filter {
    Kind(Kind),
    /// Phase code as in the corpus: `3`, `1/2`.
    Phase(String),
    /// Folded text matched against a disease's id, names and aliases.
    Disease(String),
    /// Design code prefix: `rct`, `single`.
    Design(String),
    /// Upper-case endpoint code.
    Endpoint(String),
    Year(Range),
    /// Evidence level (1 strongest … 5); unrated studies never pass.
    Level(Range),
    /// Folded text matched against a study's setting.
    Setting(String),
    /// A study's line of therapy, as its source states it.
    Line(crate::corpus::Line),
    /// Status code prefix.
    Status(String),
    /// Part of a source id.
    Source(String),
    /// Part of a record id.
    Id(String),
    /// Folded text (no punctuation) matched against adverse-event terms.
    Ae(String),
    /// `note:word`: the records whose user note contains `word` (folded); an empty word asks
    /// for any note. `records` are the ids that pass, filled in by [`NoteIndex::resolve`].
    Note {
        word: String,
        records: Arc<BTreeSet<String>>,
    },
}

/// The user's notes as the search reads them: each record id with its note's text, folded as
/// search folds text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteIndex {
    notes: Vec<(String, String)>,
}

impl NoteIndex {
    /// The index of `(record id, note text)` pairs.
    pub fn new<'a>(notes: impl IntoIterator<Item = (&'a str, &'a str)>) -> NoteIndex {
        NoteIndex {
            notes: notes
                .into_iter()
                .filter(|(_, text)| !text.trim().is_empty())
                .map(|(id, text)| (id.to_string(), fold(text)))
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.notes.is_empty()
    }

    /// Fills in the records each `note:` filter of `q` passes.
    pub fn resolve(&self, q: &mut super::Query) {
        for clause in &mut q.filters {
            if let Filter::Note { word, records } = &mut clause.item {
                *records = Arc::new(
                    self.notes
                        .iter()
                        .filter(|(_, text)| text.contains(word.as_str()))
                        .map(|(id, _)| id.clone())
                        .collect(),
                );
            }
        }
    }
}

/// The filter a `field:value` word asks for.
pub(super) fn filter(field: Field, value: &str) -> Result<Filter, QueryError> {
    let lower = value.to_lowercase();
    Ok(match field {
        Field::Kind => kind_filter(value, &lower)?,
        Field::Phase => Filter::Phase(phase(&lower).ok_or_else(|| bad(Field::Phase, value))?),
        Field::Disease => Filter::Disease(fold(value)),
        Field::Design => design_filter(value, &lower)?,
        Field::Endpoint => Filter::Endpoint(value.to_uppercase()),
        Field::Year => Filter::Year(year(&lower).ok_or_else(|| bad(Field::Year, value))?),
        Field::Level => {
            Filter::Level(range(&lower, 1..=5).ok_or_else(|| bad(Field::Level, value))?)
        }
        Field::Setting => Filter::Setting(fold(value)),
        Field::Line => {
            Filter::Line(crate::corpus::Line::parse(&lower).ok_or_else(|| bad(Field::Line, value))?)
        }
        Field::Status => Filter::Status(lower.replace(' ', "-")),
        Field::Source => Filter::Source(lower),
        Field::Id => Filter::Id(lower),
        Field::Ae => {
            let needle = fold_query(value);
            if needle.is_empty() {
                return Err(bad(Field::Ae, value));
            }
            Filter::Ae(needle)
        }
        Field::Note => Filter::Note {
            word: fold(value).trim().to_string(),
            records: Arc::default(),
        },
        Field::Has => match lower.as_str() {
            "note" | "notes" => Filter::Note {
                word: String::new(),
                records: Arc::default(),
            },
            _ => {
                return Err(bad(Field::Has, value));
            }
        },
        // `parse` reads `sort:` itself: it orders the results, it filters nothing.
        Field::Sort => {
            return Err(QueryError::SortIsNotAFilter);
        }
    })
}

/// `field:value` is not a value `field` takes.
fn bad(field: Field, value: &str) -> QueryError {
    QueryError::BadValue {
        field,
        value: value.to_string(),
    }
}

/// `kind:`: a record kind, or a kind of record that is not a study (kept as a design).
fn kind_filter(value: &str, lower: &str) -> Result<Filter, QueryError> {
    Ok(match record_kind(lower) {
        Some(design) => Filter::Design(design.into()),
        None => Filter::Kind(Kind::parse(lower).ok_or_else(|| bad(Field::Kind, value))?),
    })
}

/// `design:`: a design code or the start of one, with the usual other names of a few.
fn design_filter(value: &str, lower: &str) -> Result<Filter, QueryError> {
    let code = match lower {
        "randomised" | "randomized" | "rct" | "randomised-controlled" => "rct".into(),
        "pm" | "psm" | "propensity" => "propensity-matched".into(),
        "case" => "case-".into(),
        other => other.to_string(),
    };
    if !crate::corpus::Design::ALL
        .iter()
        .any(|d| d.code().starts_with(&code))
    {
        return Err(bad(Field::Design, value));
    }
    Ok(Filter::Design(code))
}

/// The design code of a kind of record that is not a study (`kind:statistic` is
/// `design:epidemiological`); `kind:trial` lists studies only (see `filter::passes`).
fn record_kind(v: &str) -> Option<&'static str> {
    Some(match v {
        "statistic" | "statistics" | "figure" | "figures" | "epidemiology" => "epidemiological",
        "guideline" | "guidelines" | "review" => "guideline",
        "case" | "cases" | "case-report" => "case-report",
        "opinion" | "expert-opinion" | "programme" => "expert-opinion",
        _ => return None,
    })
}

fn phase(v: &str) -> Option<String> {
    let v = v
        .trim_start_matches("phase")
        .trim_start_matches("ph")
        .trim_start_matches('-');
    let arabic = match v {
        "i" => "1",
        "ii" => "2",
        "iii" => "3",
        "iv" => "4",
        "i/ii" | "1-2" | "12" => "1/2",
        "ii/iii" | "2-3" | "23" => "2/3",
        "0" | "early1" | "early-1" => "early-1",
        "1" | "2" | "3" | "4" | "1/2" | "2/3" => v,
        _ => return None,
    };
    Some(arabic.to_string())
}

fn year(v: &str) -> Option<Range> {
    range(v, 1900..=2200)
}

/// `N`, `=N`, `>=N`, `<=N`, `>N`, `<N` or `A..B`, every number within `bounds`.
fn range(v: &str, bounds: std::ops::RangeInclusive<u16>) -> Option<Range> {
    let num = |s: &str| -> Option<u16> {
        let y: u16 = s.trim().parse().ok()?;
        bounds.contains(&y).then_some(y)
    };
    if let Some((a, b)) = v.split_once("..") {
        let (a, b) = (num(a)?, num(b)?);
        return (a <= b).then_some(Range::Between(a, b));
    }
    Some(if let Some(r) = v.strip_prefix(">=") {
        Range::Ge(num(r)?)
    } else if let Some(r) = v.strip_prefix("<=") {
        Range::Le(num(r)?)
    } else if let Some(r) = v.strip_prefix('>') {
        Range::Gt(num(r)?)
    } else if let Some(r) = v.strip_prefix('<') {
        Range::Lt(num(r)?)
    } else {
        Range::Eq(num(v.trim_start_matches('='))?)
    })
}

/// A filter made ready for one search. A filter that compares a trial's strings (`endpoint:`,
/// `setting:`, `ae:`, `source:` by citation) looks them up in the corpus's tables of them
/// ([`Evidence`]): the entries it accepts are worked out here, once, and each trial is then
/// tested by its ids, so that no filter reads a trial's record.
pub struct Test<'f> {
    filter: &'f Filter,
    /// The entries of the filter's table it accepts (empty for the other filters).
    matching: Matching,
}

impl Filter {
    /// This filter made ready to test the records of `c`.
    pub fn prepare(&self, c: &Corpus) -> Test<'_> {
        let ev = c.evidence();
        let matching = match self {
            Filter::Endpoint(e) => ev.endpoints.matching(|x| x.eq_ignore_ascii_case(e)),
            Filter::Setting(needle) => ev.settings.matching(|x| x.contains(needle.as_str())),
            Filter::Ae(needle) => ev.ae_terms.matching(|x| x.contains(needle.as_str())),
            Filter::Source(s) if !is_origin(s) => ev.sources.matching(|x| x.contains(s.as_str())),
            _ => Matching::default(),
        };
        Test {
            filter: self,
            matching,
        }
    }
}

/// Whether a record passes a filter (preparing it for this one record: a search prepares
/// each filter once, [`Filter::prepare`]).
pub fn passes(c: &Corpus, r: RecordRef, f: &Filter) -> bool {
    f.prepare(c).passes(c, r)
}

impl Test<'_> {
    /// Whether a record passes. Filters on trial attributes (phase, design, endpoint, status,
    /// year) reject records that have no such attribute.
    pub fn passes(&self, c: &Corpus, r: RecordRef) -> bool {
        let ev = c.evidence();
        let trial = (r.kind == Kind::Trial).then_some(r.index);
        match self.filter {
            // Statistics, guidelines, case reports and expert opinion are kept as trials but
            // are not studies: `kind:trial` leaves them out (`kind:statistic` lists them).
            Filter::Kind(k) => {
                r.kind == *k && (r.kind != Kind::Trial || is_study(c.facts(r.index).design))
            }
            Filter::Id(s) => c.id_of(r).contains(s.as_str()),
            Filter::Note { records, .. } => records.contains(c.id_of(r)),
            Filter::Disease(needle) => disease_passes(c, r, needle),
            Filter::Source(s) if is_origin(s) => origin_passes(c, r, s),
            Filter::Source(s) => self.cites(c, r, s),
            Filter::Phase(p) => facts(c, r).is_some_and(|t| t.phase.is_some_and(|x| x.code() == p)),
            Filter::Design(d) => {
                facts(c, r).is_some_and(|t| t.design.code().starts_with(d.as_str()))
            }
            Filter::Endpoint(_) => trial.is_some_and(|i| self.matching.any(ev.endpoints_of(i))),
            Filter::Year(range) => {
                facts(c, r).is_some_and(|t| t.year.is_some_and(|y| range.contains(y)))
            }
            Filter::Status(s) => {
                facts(c, r).is_some_and(|t| t.status.code().starts_with(s.as_str()))
            }
            Filter::Level(range) => facts(c, r).is_some_and(|t| {
                let l = t.evidence_level();
                l != crate::corpus::EvidenceLevel::UNRATED && range.contains(u16::from(l.0))
            }),
            Filter::Setting(_) => trial
                .and_then(|i| ev.setting_of(i))
                .is_some_and(|s| self.matching.has(s)),
            Filter::Line(l) => trial.is_some_and(|i| ev.line_of(i) == Some(*l)),
            Filter::Ae(needle) => self.ae_matches(c, r, needle),
        }
    }

    /// `source:` by citation: a source id that a record (or, for a therapy or disease, one of
    /// its trials) cites, or a source's own id.
    fn cites(&self, c: &Corpus, r: RecordRef, s: &str) -> bool {
        let trial_cites = |&ti: &u32| self.matching.any(c.evidence().sources_of(ti));
        match r.kind {
            Kind::Trial => trial_cites(&r.index),
            Kind::Therapy => {
                c.therapy(r.index)
                    .citations
                    .iter()
                    .any(|x| x.source.contains(s))
                    || (!self.matching.is_none()
                        && c.trials_of_therapy(r.index).iter().any(trial_cites))
            }
            Kind::Disease => {
                !self.matching.is_none() && c.trials_of_disease(r.index).iter().any(trial_cites)
            }
            Kind::Source => c.source(r.index).id.contains(s),
        }
    }

    /// Whether a record has an adverse event, or a safety statement naming a harm, whose term
    /// contains `needle` (folded as names are: case, width, script; punctuation dropped).
    fn ae_matches(&self, c: &Corpus, r: RecordRef, needle: &str) -> bool {
        match r.kind {
            Kind::Trial => self.matching.any(c.evidence().ae_terms_of(r.index)),
            Kind::Therapy => c.therapy(r.index).safety_statements.iter().any(|s| {
                s.terms
                    .iter()
                    .any(|t| strip_punctuation(&fold(t)).contains(needle))
            }),
            Kind::Disease | Kind::Source => false,
        }
    }
}

/// `source:bundled` and `source:library` ask where a record came from, not what it cites.
fn is_origin(s: &str) -> bool {
    s == "bundled" || s == "library"
}

/// `disease:`: a trial's diseases, a therapy's indications, a disease itself, by id, name or
/// alias.
fn disease_passes(c: &Corpus, r: RecordRef, needle: &str) -> bool {
    let disease_matches = |id: &str, needle: &str| {
        c.disease_by_id(id).is_some_and(|d| {
            fold(&d.id).contains(needle)
                || d.name.iter().any(|n| fold(n).contains(needle))
                || d.aliases.iter().any(|a| fold(a).contains(needle))
        })
    };
    match r.kind {
        Kind::Trial => c
            .facts(r.index)
            .diseases
            .iter()
            .any(|&d| disease_matches(&c.disease(d).id, needle)),
        Kind::Therapy => c
            .therapy(r.index)
            .indications
            .iter()
            .filter_map(|i| i.disease.as_deref())
            .any(|d| disease_matches(d, needle)),
        Kind::Disease => disease_matches(&c.disease(r.index).id, needle),
        Kind::Source => false,
    }
}

/// `source:bundled` and `source:library`: where a record came from (a therapy, disease or
/// source is from the library when one of its trials is).
fn origin_passes(c: &Corpus, r: RecordRef, s: &str) -> bool {
    let p = &c.provenance;
    let lib = |ti: &u32| p.is_library_trial(*ti);
    if s == "bundled" {
        p.is_bundled(r)
    } else {
        match r.kind {
            Kind::Trial => p.is_library_trial(r.index),
            Kind::Therapy => c.trials_of_therapy(r.index).iter().any(lib),
            Kind::Disease => c.trials_of_disease(r.index).iter().any(lib),
            Kind::Source => !p.is_bundled(r) && c.trials_of_source(r.index).iter().any(lib),
        }
    }
}

/// Whether a design is that of a study, as opposed to a statistic, a guideline, a case report
/// or an expert's position.
pub fn is_study(d: crate::corpus::Design) -> bool {
    use crate::corpus::Design::*;
    !matches!(d, Epidemiological | Guideline | CaseReport | ExpertOpinion)
}

/// A trial's facts, which filters read without reading the trial's record.
fn facts(c: &Corpus, r: RecordRef) -> Option<&crate::corpus::Facts> {
    (r.kind == Kind::Trial).then(|| c.facts(r.index))
}

/// Whether a record passes a filter, reading the trial's record for the filters on its
/// contents, as evidex did before it kept [`Evidence`]: what the tests hold the evidence facts
/// to, for every filter and value.
#[cfg(test)]
pub(crate) fn passes_by_record(c: &Corpus, r: RecordRef, f: &Filter) -> bool {
    let trial = (r.kind == Kind::Trial).then(|| c.trial(r.index));
    let hit = |needle: &str, term: &str| strip_punctuation(&fold(term)).contains(needle);
    let cited = |cs: &[crate::corpus::Citation], s: &str| cs.iter().any(|x| x.source.contains(s));
    match f {
        Filter::Endpoint(e) => trial.is_some_and(|t| {
            t.outcomes
                .iter()
                .any(|o| o.endpoint.eq_ignore_ascii_case(e))
        }),
        Filter::Setting(needle) => trial.is_some_and(|t| {
            t.setting
                .as_deref()
                .is_some_and(|s| fold(s).contains(needle.as_str()))
        }),
        Filter::Line(l) => trial.is_some_and(|t| t.line.as_ref().is_some_and(|x| x.line == *l)),
        Filter::Ae(needle) => match r.kind {
            Kind::Trial => {
                let t = c.trial(r.index);
                t.safety_statements
                    .iter()
                    .any(|s| s.terms.iter().any(|x| hit(needle, x)))
                    || t.safety
                        .as_deref()
                        .is_some_and(|s| s.events.iter().any(|e| hit(needle, &e.term)))
            }
            _ => passes(c, r, f),
        },
        Filter::Source(s) if !is_origin(s) => {
            let trial_cites = |&ti: &u32| cited(&c.trial(ti).citations, s);
            match r.kind {
                Kind::Trial => trial_cites(&r.index),
                Kind::Therapy => {
                    cited(&c.therapy(r.index).citations, s)
                        || c.trials_of_therapy(r.index).iter().any(trial_cites)
                }
                Kind::Disease => c.trials_of_disease(r.index).iter().any(trial_cites),
                Kind::Source => c.source(r.index).id.contains(s.as_str()),
            }
        }
        _ => passes(c, r, f),
    }
}

/// Values of each filter on a trial's contents to test the evidence facts with: present and
/// absent, whole and in part, in other cases and widths, in Chinese (simplified and
/// traditional).
#[cfg(test)]
pub(crate) const CONTENT_FILTERS: &[&str] = &[
    "endpoint:os",
    "endpoint:OS",
    "endpoint:Pfs",
    "endpoint:orr",
    "endpoint:patient-volume",
    "endpoint:sae",
    "endpoint:other",
    "endpoint:o",
    "endpoint:nothing-such",
    "endpoint:总生存",
    "-endpoint:pfs",
    "setting:hcc",
    "setting:HCC",
    "setting:ｈｃｃ",
    "setting:portal vein",
    "setting:\"portal vein\"",
    "setting:relapsed",
    "setting:巨大",
    "setting:巨",
    "setting:nowhere",
    "-setting:glioblastoma",
    "line:relapsed",
    "line:adjuvant",
    "line:1",
    "line:later",
    "-line:adjuvant",
    "ae:fever",
    "ae:FEVER",
    "ae:低烧",
    "ae:低燒",
    "ae:副作用",
    "ae:認知",
    "ae:认知",
    "ae:side-effects",
    "ae:sideeffects",
    "ae:neutropenia",
    "ae:randomized",
    "ae:\"survival progression\"",
    "ae:treatment",
    "ae:nothing",
    "-ae:infection",
    "source:003",
    "source:003-liver-interventional-2025",
    "source:sanbo",
    "source:SANBO",
    "source:ctgov",
    "source:ctgov-nct9",
    "source:nct02513394",
    "source:-2025",
    "source:nowhere",
    "source:bundled",
    "source:library",
    "-source:004",
];

/// Asserts that every filter of [`CONTENT_FILTERS`] passes the same records of `c` as reading
/// the records of `eager` (the same corpus, its trials in memory) would; returns how many
/// records each passed.
#[cfg(test)]
pub(crate) fn assert_content_filters_agree(c: &Corpus, eager: &Corpus) -> Vec<(String, usize)> {
    assert_eq!(c.len(), eager.len());
    CONTENT_FILTERS
        .iter()
        .map(|q| {
            let parsed = crate::search::parse(q).unwrap_or_else(|e| panic!("{q}: {e:?}"));
            let clause = &parsed.filters[0];
            let test = clause.item.prepare(c);
            let mut n = 0;
            for r in eager.records() {
                let by_record = passes_by_record(eager, r, &clause.item) != clause.negated;
                let by_facts = test.passes(c, r) != clause.negated;
                assert_eq!(by_facts, by_record, "{q} on {}", eager.id_of(r));
                n += usize::from(by_facts);
            }
            (q.to_string(), n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::parse;

    #[test]
    fn filters_on_contents_pass_the_records_that_reading_them_would_pass() {
        let c = Corpus::bundled().expect("bundled");
        let counts = assert_content_filters_agree(&c, &c);
        let passed = |q: &str| counts.iter().find(|(x, _)| x == q).expect(q).1;
        // Not vacuous: each kind of value finds what the corpus holds.
        for q in [
            "endpoint:os",
            "endpoint:OS",
            "endpoint:patient-volume",
            "setting:HCC",
            "setting:ｈｃｃ",
            "setting:巨大",
            "line:relapsed",
            "line:adjuvant",
            "ae:FEVER",
            "ae:低燒",
            "ae:认知",
            "ae:sideeffects",
            "source:SANBO",
            "-endpoint:pfs",
        ] {
            assert!(passed(q) > 0, "{q} passes nothing");
        }
        for q in [
            "endpoint:o",
            "endpoint:nothing-such",
            "setting:nowhere",
            "ae:nothing",
        ] {
            assert_eq!(passed(q), 0, "{q}");
        }
    }

    fn resolved(text: &str, notes: &NoteIndex) -> Vec<String> {
        let mut q = parse(text).unwrap();
        notes.resolve(&mut q);
        match &q.filters[0].item {
            Filter::Note { records, .. } => records.iter().cloned().collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn note_filters_pass_the_records_whose_note_has_the_word() {
        let notes = NoteIndex::new([
            ("emerald-1", "Ask about PD-L1 at the Board"),
            ("leap-012", "肝癌 subgroup？"),
            ("talentace", "  "),
        ]);
        assert_eq!(resolved("note:board", &notes), ["emerald-1"]);
        assert_eq!(resolved("note:BOARD", &notes), ["emerald-1"]);
        // Folded as search folds: full-width letters, traditional characters.
        assert_eq!(resolved("note:ｐｄ-l1", &notes), ["emerald-1"]);
        assert_eq!(resolved("note:肝癌", &notes), ["leap-012"]);
        assert_eq!(resolved("note:\"at the\"", &notes), ["emerald-1"]);
        // Any note (a blank one is none).
        assert_eq!(resolved("note:", &notes), ["emerald-1", "leap-012"]);
        assert_eq!(resolved("has:note", &notes), ["emerald-1", "leap-012"]);
        assert_eq!(resolved("-note:", &notes), ["emerald-1", "leap-012"]);
        assert!(parse("-note:").unwrap().filters[0].negated);
        assert!(resolved("note:nowhere", &notes).is_empty());
        // Never resolved: no record passes.
        assert_eq!(
            resolved("note:board", &NoteIndex::default()),
            Vec::<String>::new()
        );
        assert!(
            parse("has:flag")
                .unwrap_err()
                .to_string()
                .contains("has:note")
        );
    }
}
