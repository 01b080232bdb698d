//! The references behind compared or marked records, numbered, and written for reference
//! managers (RIS, BibTeX) and as a Vancouver-style list.
//!
//! [`references`] numbers, in the order the records cite them, the sources (articles) whose
//! quotes the records carry, and after each source the primary publications its reference
//! list names for those quotes (a citation's `reference`: "[7]" of the article), so that a
//! figure can carry both numbers: where evidex read it, and the publication that article
//! attributes it to. [`References::numbers`] gives a citation's numbers. Nothing here reads
//! files or knows about terminals; every string from the corpus is passed through
//! [`crate::text::clean`] by the writers.

use serde::Serialize;

mod formats;
pub use formats::{bib_key, bibtex, ris};

use crate::corpus::{Citation, Corpus, Kind, Lang, RecordRef, Source, Trial};
use crate::text::clean;

/// One numbered reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub number: u32,
    /// The source's id, or `SOURCE#N` for the N-th entry of a source's reference list.
    pub key: String,
    pub entry: Entry,
    /// Ids of the compared records that cite it.
    pub records: Vec<String>,
}

/// What a reference is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// An article the corpus was built from.
    Source {
        /// The title in the source's language, and its translation when there is one.
        title: String,
        translated: Option<String>,
        author: Option<String>,
        outlet: Option<String>,
        /// ISO date, possibly partial.
        date: Option<String>,
        url: Option<String>,
        language: String,
    },
    /// An entry of a source's own reference list.
    Cited {
        /// The reference as the article prints it.
        text: String,
        authors: Option<String>,
        journal: Option<String>,
        year: Option<u16>,
        doi: Option<String>,
        /// The number of the source it was cited by, and its number in that source's list.
        cited_by: u32,
        as_number: u32,
    },
}

/// The numbered references of a set of records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct References(pub Vec<Reference>);

impl References {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Reference> {
        self.0.iter()
    }

    /// A citation's numbers: its source's, then the primary publication's when the source's
    /// list has the entry the citation names.
    pub fn numbers(&self, cit: &Citation) -> Vec<u32> {
        let mut v = Vec::new();
        if let Some(r) = self.0.iter().find(|r| r.key == cit.source) {
            v.push(r.number);
        }
        if let Some(n) = cit.reference
            && let Some(r) = self.0.iter().find(|r| r.key == cited_key(&cit.source, n))
        {
            v.push(r.number);
        }
        v
    }
}

/// `[1]`, `[1,3]`; empty for no numbers.
pub fn marker(numbers: &[u32]) -> String {
    if numbers.is_empty() {
        return String::new();
    }
    let s: Vec<String> = numbers.iter().map(u32::to_string).collect();
    format!("[{}]", s.join(","))
}

fn cited_key(source: &str, n: u32) -> String {
    format!("{source}#{n}")
}

/// Every citation of a trial: its own, its line's, its outcomes', its notes', its safety and
/// baseline sections'.
pub fn trial_citations(t: &Trial) -> impl Iterator<Item = &Citation> {
    t.citations
        .iter()
        .chain(t.line.iter().map(|l| &l.citation))
        .chain(t.outcomes.iter().map(|o| &o.citation))
        .chain(t.notes.iter().filter_map(|n| n.citation.as_ref()))
        .chain(t.safety.iter().map(|s| &s.citation))
        .chain(t.baseline.iter().map(|b| &b.citation))
}

/// The citations of any record: a trial's (see [`trial_citations`]), a therapy's, a
/// disease's none, a source itself.
fn record_citations(c: &Corpus, r: RecordRef) -> Vec<&Citation> {
    match r.kind {
        Kind::Trial => trial_citations(c.trial(r.index)).collect(),
        Kind::Therapy => {
            let t = c.therapy(r.index);
            t.citations
                .iter()
                .chain(t.indications.iter().filter_map(|i| i.citation.as_ref()))
                .chain(t.approvals.iter().map(|a| &a.citation))
                .chain(
                    t.costs
                        .iter()
                        .chain(&t.notes)
                        .filter_map(|n| n.citation.as_ref()),
                )
                .collect()
        }
        Kind::Disease | Kind::Source => Vec::new(),
    }
}

/// The references of `records`, numbered in the order the records cite them.
pub fn references(c: &Corpus, records: &[RecordRef], lang: Lang) -> References {
    let mut out: Vec<Reference> = Vec::new();
    let add = |out: &mut Vec<Reference>, key: String, entry: Entry, id: &str| -> u32 {
        if let Some(r) = out.iter_mut().find(|r| r.key == key) {
            if !r.records.iter().any(|x| x == id) {
                r.records.push(id.to_string());
            }
            return r.number;
        }
        let number = out.len() as u32 + 1;
        out.push(Reference {
            number,
            key,
            entry,
            records: vec![id.to_string()],
        });
        number
    };
    for &r in records {
        let id = c.id_of(r).to_string();
        let mut cits = record_citations(c, r);
        if r.kind == Kind::Source {
            let s = c.source(r.index);
            add(&mut out, s.id.clone(), source_entry(s, lang), &id);
            continue;
        }
        // Sources first, in the order the record cites them; then the primary publications.
        cits.dedup();
        for cit in &cits {
            if let Some(s) = c.source_by_id(&cit.source) {
                add(&mut out, s.id.clone(), source_entry(s, lang), &id);
            }
        }
        for cit in &cits {
            let (Some(s), Some(n)) = (c.source_by_id(&cit.source), cit.reference) else {
                continue;
            };
            let Some(refd) = s.references.iter().find(|x| x.number == n) else {
                continue;
            };
            let by = out.iter().find(|r| r.key == s.id).map_or(0, |r| r.number);
            add(
                &mut out,
                cited_key(&s.id, n),
                Entry::Cited {
                    text: refd.text.clone(),
                    authors: refd.authors.clone(),
                    journal: refd.journal.clone(),
                    year: refd.year,
                    doi: refd.doi.clone(),
                    cited_by: by,
                    as_number: n,
                },
                &id,
            );
        }
    }
    References(out)
}

fn source_entry(s: &Source, lang: Lang) -> Entry {
    // The title in the article's own language; its translation beside it.
    let zh = s.language.starts_with("zh");
    let original = (if zh {
        s.title.zh.as_deref()
    } else {
        s.title.en.as_deref()
    })
    .unwrap_or_else(|| s.title.get(lang))
    .to_string();
    let other = if zh {
        s.title.en.as_deref()
    } else {
        s.title.zh.as_deref()
    };
    Entry::Source {
        translated: other.filter(|o| *o != original).map(str::to_string),
        title: original,
        author: s.author.clone(),
        outlet: s.outlet.clone(),
        date: s.date.clone(),
        url: s.url.clone(),
        language: s.language.clone(),
    }
}

fn year_of(date: Option<&str>) -> Option<&str> {
    date.and_then(|d| d.get(..4))
        .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
}

/// A one-line string: control characters and line breaks out.
fn one_line(s: &str) -> String {
    clean(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One reference in the Vancouver style (ICMJE), without its number.
pub fn vancouver(r: &Reference) -> String {
    match &r.entry {
        Entry::Source {
            title,
            translated,
            author,
            outlet,
            date,
            url,
            ..
        } => {
            let mut s = String::new();
            if let Some(a) = author {
                s.push_str(&format!("{}. ", one_line(a).trim_end_matches('.')));
            }
            s.push_str(&one_line(title));
            if let Some(t) = translated {
                s.push_str(&format!(" [{}]", one_line(t)));
            }
            s.push_str(if url.is_some() { " [Internet]. " } else { ". " });
            if let Some(o) = outlet {
                s.push_str(&one_line(o));
            }
            match date {
                Some(d) => s.push_str(&format!("; {}.", one_line(&vancouver_date(d)))),
                None => s.push_str(if outlet.is_some() {
                    "; date not stated."
                } else {
                    "Date not stated."
                }),
            }
            if let Some(u) = url {
                s.push_str(&format!(" Available from: {}", one_line(u)));
            }
            s
        }
        Entry::Cited {
            text,
            doi,
            cited_by,
            as_number,
            ..
        } => {
            let mut s = one_line(text);
            if let Some(d) = doi
                && !s.contains(d.as_str())
            {
                s.push_str(&format!(" doi:{}", one_line(d)));
            }
            s.push_str(&format!(
                " (Cited in reference {cited_by} as [{as_number}].)"
            ));
            s
        }
    }
}

/// `2025 Dec 30` from `2025-12-30`.
fn vancouver_date(d: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let parts: Vec<&str> = d.split('-').collect();
    let month = parts
        .get(1)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)));
    match (parts.first(), month, parts.get(2)) {
        (Some(y), Some(m), Some(day)) => format!("{y} {m} {}", day.trim_start_matches('0')),
        (Some(y), Some(m), None) => format!("{y} {m}"),
        _ => d.to_string(),
    }
}

/// The numbered list, Markdown: `1. …`, under a heading in `lang`.
pub fn markdown_list(refs: &References, lang: Lang) -> String {
    if refs.is_empty() {
        return String::new();
    }
    let mut out = format!("\n## {}\n\n", crate::i18n::tr(lang, "References"));
    for r in refs.iter() {
        out.push_str(&format!(
            "{}. {}\n",
            r.number,
            vancouver(r).replace('\\', "\\\\").replace('|', "\\|")
        ));
    }
    out
}

/// One outcome, ready for a slide: the figure (each arm's value, the ratio and P), the quote
/// it comes from, and the reference(s) behind it in the Vancouver style. Plain text,
/// sanitised.
pub fn outcome_snippet(c: &Corpus, t: &Trial, o: &crate::corpus::Outcome, lang: Lang) -> String {
    let name = c
        .resolve(&t.id)
        .map_or(t.id.as_str(), |r| c.name_of(r, lang));
    let mut head = format!("{name} — {}", o.endpoint);
    if let Some(l) = &o.label {
        head.push_str(&format!(" ({l})"));
    }
    if let Some(sg) = &o.subgroup {
        head.push_str(&format!(", subgroup: {sg}"));
    }
    let mut figures: Vec<String> = o
        .values
        .iter()
        .map(|v| {
            let arm = v
                .arm
                .as_deref()
                .and_then(|a| t.arm(a))
                .map_or("all patients", |a| a.label.get(lang));
            format!("{arm}: {}", crate::present::value(v, o.unit.as_deref()))
        })
        .collect();
    if let Some(hr) = &o.hr {
        figures.push(crate::present::ratio(hr));
    }
    if let Some(p) = &o.p {
        figures.push(p.to_string());
    }
    // Numbered as in a one-record reference list.
    let refs = references(c, &[RecordRef::new(Kind::Trial, trial_index(c, t))], lang);
    let numbers = refs.numbers(&o.citation);
    let mut out = format!(
        "{} {}\n{}\n“{}”\n",
        one_line(&head),
        marker(&numbers),
        one_line(&figures.join("; ")),
        one_line(o.citation.quote.trim())
    );
    for r in refs.iter().filter(|r| numbers.contains(&r.number)) {
        out.push_str(&format!("{}. {}\n", r.number, vancouver(r)));
    }
    out
}

fn trial_index(c: &Corpus, t: &Trial) -> usize {
    c.resolve(&t.id).map_or(0, |r| r.index as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn corpus() -> Corpus {
        Corpus::bundled().unwrap()
    }

    fn refs_of(ids: &[&str]) -> (Corpus, References) {
        let c = corpus();
        let records: Vec<RecordRef> = ids.iter().map(|id| c.resolve(id).unwrap()).collect();
        let r = references(&c, &records, Lang::En);
        (c, r)
    }

    #[test]
    fn sources_then_the_publications_they_cite_numbered_once() {
        let (c, refs) = refs_of(&["emerald-1", "leap-012"]);
        let keys: Vec<&str> = refs.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys[0], "003-liver-interventional-2025", "{keys:?}");
        // Numbered 1.. without gaps, each key once.
        for (i, r) in refs.iter().enumerate() {
            assert_eq!(r.number as usize, i + 1);
            assert_eq!(keys.iter().filter(|k| **k == r.key).count(), 1);
        }
        // Every citation of the records gets its source's number.
        for id in ["emerald-1", "leap-012"] {
            let t = c.trial(c.resolve(id).unwrap().index);
            for cit in trial_citations(t) {
                let n = refs.numbers(cit);
                assert!(n.first() == Some(&1), "{id}: {cit:?} → {n:?}");
            }
        }
    }

    #[test]
    fn an_outcome_for_a_slide_has_figure_quote_and_reference() {
        let c = corpus();
        let t = c.trial(c.resolve("emerald-1").unwrap().index);
        let o = t.outcomes.iter().find(|o| o.endpoint == "PFS").unwrap();
        let s = outcome_snippet(&c, t, o, Lang::En);
        let lines: Vec<&str> = s.lines().collect();
        assert!(
            lines[0].starts_with("EMERALD-1 — PFS") && lines[0].contains("[1"),
            "{s}"
        );
        assert!(lines[1].contains("HR 0.77"), "{s}");
        assert!(lines[2].contains(o.citation.quote.trim()), "{s}");
        assert!(
            lines[3].starts_with("1. ") && lines[3].contains("陈敏山"),
            "{s}"
        );
    }

    #[test]
    fn vancouver_dates() {
        assert_eq!(vancouver_date("2025-12-30"), "2025 Dec 30");
        assert_eq!(vancouver_date("2026-01"), "2026 Jan");
        assert_eq!(vancouver_date("2024"), "2024");
    }
}
