//! Checks a parsed corpus as a whole: ids, references, ranges and arithmetic.
//!
//! Every problem is collected (never just the first), each with the field path and, where the
//! record can be found in the file's text, its line. Errors make a corpus unusable; warnings
//! (a source's own arithmetic that does not add up) are reported and the corpus still loads.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use super::model::{Citation, CorpusFile, Disease, Names, SCHEMA_VERSION, Source, Therapy, Trial};

mod safety;
mod trial;

pub use trial::{arithmetic, is_valid_endpoint};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with a corpus.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub severity: Severity,
    /// Field path, e.g. `trials[3].outcomes[0].p`, with the record id: `trials[3] (emerald-1)`.
    pub field: String,
    pub message: String,
    /// 1-based line of the record in the file, when it could be found.
    pub line: Option<usize>,
}

impl Problem {
    /// `path:line: error: field: message`.
    pub fn display_in<'a>(&'a self, path: &'a Path) -> impl fmt::Display + 'a {
        struct D<'a>(&'a Problem, &'a Path);
        impl fmt::Display for D<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let p = self.0;
                write!(f, "{}", self.1.display())?;
                if let Some(l) = p.line {
                    write!(f, ":{l}")?;
                }
                let sev = match p.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                write!(f, ": {sev}: {}: {}", p.field, p.message)
            }
        }
        D(self, path)
    }
}

struct Checker<'a> {
    text: Option<&'a str>,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn push(&mut self, severity: Severity, record_id: &str, field: String, message: String) {
        let line = self.text.and_then(|t| line_of_id(t, record_id));
        self.problems.push(Problem {
            severity,
            field,
            message,
            line,
        });
    }
    fn error(&mut self, id: &str, field: String, message: impl Into<String>) {
        self.push(Severity::Error, id, field, message.into());
    }
    fn warn(&mut self, id: &str, field: String, message: impl Into<String>) {
        self.push(Severity::Warning, id, field, message.into());
    }
}

/// The line where `"id": "<id>"` first stands, so a problem points into the file.
fn line_of_id(text: &str, id: &str) -> Option<usize> {
    if id.is_empty() {
        return None;
    }
    let needle = format!("\"{id}\"");
    let mut from = 0;
    while let Some(i) = text[from..].find(&needle) {
        let at = from + i;
        let before = text[..at].trim_end();
        if before.ends_with(':') && before[..before.len() - 1].trim_end().ends_with("\"id\"") {
            return Some(text[..at].bytes().filter(|&b| b == b'\n').count() + 1);
        }
        from = at + needle.len();
    }
    None
}

/// The id of the record a field path (`trials[3].outcomes[0].x`) lies in.
fn record_of<'a>(file: &'a CorpusFile, path: &str) -> Option<&'a str> {
    let (list, rest) = path.split_once('[')?;
    let i: usize = rest.split_once(']')?.0.parse().ok()?;
    Some(match list {
        "sources" => &file.sources.get(i)?.id,
        "diseases" => &file.diseases.get(i)?.id,
        "therapies" => &file.therapies.get(i)?.id,
        "trials" => &file.trials.get(i)?.id,
        _ => return None,
    })
}

/// Whether `id` is kebab-case: lower-case ASCII letters and digits joined by single hyphens.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// The ids of each kind of record, for checking references.
struct Ids<'a> {
    sources: HashSet<&'a str>,
    diseases: HashSet<&'a str>,
    therapies: HashSet<&'a str>,
}

/// Checks the whole corpus. `text` is the file's text, used only to find line numbers.
pub fn validate(file: &CorpusFile, text: Option<&str>) -> Vec<Problem> {
    let mut c = Checker {
        text,
        problems: Vec::new(),
    };
    if file.schema_version != SCHEMA_VERSION {
        c.error(
            "",
            "schema_version".into(),
            format!(
                "version {} is not supported; this evidex reads version {SCHEMA_VERSION}",
                file.schema_version
            ),
        );
    }
    c.problems.extend(unknown_fields(file, text));
    check_ids(&mut c, file);
    let ids = Ids {
        sources: file.sources.iter().map(|s| s.id.as_str()).collect(),
        diseases: file.diseases.iter().map(|s| s.id.as_str()).collect(),
        therapies: file.therapies.iter().map(|s| s.id.as_str()).collect(),
    };
    for (i, s) in file.sources.iter().enumerate() {
        check_source(&mut c, i, s);
    }
    for (i, d) in file.diseases.iter().enumerate() {
        check_disease(&mut c, &ids, i, d);
    }
    check_disease_parents(file, &mut c);
    for (i, t) in file.therapies.iter().enumerate() {
        check_therapy(&mut c, &ids, i, t);
    }
    check_cycles(file, &mut c);
    for (i, t) in file.trials.iter().enumerate() {
        trial::check_trial(&mut c, file, &ids, i, t);
    }
    c.problems.sort_by_key(|p| p.severity);
    c.problems
}

/// One warning per field this version does not know (kept in [`CorpusFile::ignored`]).
pub fn unknown_fields(file: &CorpusFile, text: Option<&str>) -> Vec<Problem> {
    let mut c = Checker {
        text,
        problems: Vec::new(),
    };
    for path in &file.ignored {
        let id = record_of(file, path).unwrap_or("");
        c.warn(
            id,
            path.clone(),
            "unknown field, ignored (misspelt? data/SCHEMA.md lists every field)",
        );
    }
    c.problems
}

/// Ids: well-formed and unique across the file.
fn check_ids(c: &mut Checker, file: &CorpusFile) {
    let mut seen: HashMap<&str, String> = HashMap::new();
    let all_ids = file
        .sources
        .iter()
        .enumerate()
        .map(|(i, r)| (&r.id, format!("sources[{i}]")))
        .chain(
            file.diseases
                .iter()
                .enumerate()
                .map(|(i, r)| (&r.id, format!("diseases[{i}]"))),
        )
        .chain(
            file.therapies
                .iter()
                .enumerate()
                .map(|(i, r)| (&r.id, format!("therapies[{i}]"))),
        )
        .chain(
            file.trials
                .iter()
                .enumerate()
                .map(|(i, r)| (&r.id, format!("trials[{i}]"))),
        );
    for (id, field) in all_ids {
        if !is_valid_id(id) {
            c.error(
                id,
                format!("{field}.id"),
                format!("id {id:?} is not kebab-case (a-z, 0-9 and single hyphens)"),
            );
        }
        if let Some(first) = seen.get(id.as_str()) {
            c.error(
                id,
                format!("{field}.id"),
                format!("duplicate id {id:?}, first used by {first}"),
            );
        } else {
            seen.insert(id, field);
        }
    }
}

fn check_names(c: &mut Checker, id: &str, field: String, names: &Names) {
    if names.is_empty() {
        c.error(id, field, "needs an \"en\" or a \"zh\" name");
    }
}

fn check_citation(c: &mut Checker, ids: &Ids, id: &str, field: String, cit: &Citation) {
    if !ids.sources.contains(cit.source.as_str()) {
        c.error(
            id,
            format!("{field}.source"),
            format!("unknown source {:?}", cit.source),
        );
    }
    if cit.quote.trim().is_empty() {
        c.error(
            id,
            format!("{field}.quote"),
            "the quote is empty; copy the supporting sentence",
        );
    }
}

/// Whether `d` is an ISO date, possibly partial (`2025`, `2025-12`, `2025-12-30`), that exists.
pub fn is_valid_date(d: &str) -> bool {
    let parts: Vec<&str> = d.split('-').collect();
    let num = |s: &str, len: usize| {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let Some(year) = parts.first().and_then(|y| num(y, 4)) else {
        return false;
    };
    if parts.len() > 3 {
        return false;
    }
    let Some(month) = parts.get(1).map(|m| num(m, 2)) else {
        return true;
    };
    let Some(month) = month.filter(|m| (1..=12).contains(m)) else {
        return false;
    };
    let Some(day) = parts.get(2).map(|d| num(d, 2)) else {
        return true;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day.is_some_and(|d| (1..=days).contains(&d))
}

/// The year of a partial ISO date (`2025`, `2024-09`, `2024-09-30`) that exists, or `None`.
pub fn partial_date_year(s: &str) -> Option<u16> {
    if !is_valid_date(s) {
        return None;
    }
    s.get(..4)?.parse().ok()
}

/// `year` is the year of the report; a start or treatment date has its own field. A study with
/// no result yet has no report year, and no report comes before its study started.
fn check_study_dates(c: &mut Checker, t: &Trial, at: &str) {
    let mut first = None;
    for (field, value) in [("started", &t.started), ("treated", &t.treated)] {
        let Some(v) = value else { continue };
        match partial_date_year(v) {
            Some(y) => first = Some(first.map_or(y, |f: u16| f.min(y))),
            None => c.error(
                &t.id,
                format!("{at}.{field}"),
                format!("{v:?} is not a date; write 2025, 2025-03 or 2025-03-31"),
            ),
        }
    }
    let Some(year) = t.year else { return };
    if t.awaiting_results() {
        c.warn(
            &t.id,
            format!("{at}.year"),
            format!(
                "the study has no results yet, but `year` ({year}) is the year a result was \
                 reported; a start year belongs in `started`"
            ),
        );
    }
    if let Some(s) = first
        && year < s
    {
        c.warn(
            &t.id,
            format!("{at}.year"),
            format!("reported in {year}, before the study started or the case was treated ({s})"),
        );
    }
}

fn check_date(c: &mut Checker, id: &str, field: String, date: Option<&str>) {
    if let Some(d) = date
        && !is_valid_date(d)
    {
        c.error(
            id,
            field,
            format!("{d:?} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"),
        );
    }
}

fn check_source(c: &mut Checker, i: usize, s: &Source) {
    let at = format!("sources[{i}] ({})", s.id);
    check_names(c, &s.id, format!("{at}.title"), &s.title);
    if s.language.trim().is_empty() {
        c.error(
            &s.id,
            format!("{at}.language"),
            "the language is empty (zh-Hans, zh-Hant, en, …)",
        );
    }
    check_date(c, &s.id, format!("{at}.date"), s.date.as_deref());
    let mut numbers = HashSet::new();
    for (j, r) in s.references.iter().enumerate() {
        if !numbers.insert(r.number) {
            c.error(
                &s.id,
                format!("{at}.references[{j}].number"),
                format!("reference number {} appears twice", r.number),
            );
        }
    }
}

fn check_disease(c: &mut Checker, ids: &Ids, i: usize, d: &Disease) {
    let at = format!("diseases[{i}] ({})", d.id);
    check_names(c, &d.id, format!("{at}.name"), &d.name);
    if let Some(p) = &d.parent {
        if *p == d.id {
            c.error(
                &d.id,
                format!("{at}.parent"),
                "a disease cannot be its own parent",
            );
        } else if !ids.diseases.contains(p.as_str()) {
            c.error(
                &d.id,
                format!("{at}.parent"),
                format!("unknown disease {p:?}"),
            );
        }
    }
    for (j, n) in d.notes.iter().enumerate() {
        if let Some(cit) = &n.citation {
            check_citation(c, ids, &d.id, format!("{at}.notes[{j}].citation"), cit);
        }
    }
}

/// Parents may not form a cycle (`a` → `b` → `a`); a disease that is its own parent is
/// reported by [`check_disease`].
fn check_disease_parents(file: &CorpusFile, c: &mut Checker) {
    let index: HashMap<&str, usize> = file
        .diseases
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.as_str(), i))
        .collect();
    // 0 = unvisited, 1 = on the current chain, 2 = done.
    let mut state = vec![0u8; file.diseases.len()];
    for start in 0..file.diseases.len() {
        let mut chain = Vec::new();
        let mut node = start;
        loop {
            if state[node] != 0 {
                if state[node] == 1
                    && file.diseases[node].parent.as_deref()
                        != Some(file.diseases[node].id.as_str())
                {
                    let d = &file.diseases[node];
                    c.error(
                        &d.id,
                        format!("diseases[{node}] ({}).parent", d.id),
                        format!("{:?} is its own ancestor through its parents", d.id),
                    );
                }
                break;
            }
            state[node] = 1;
            chain.push(node);
            match file.diseases[node]
                .parent
                .as_deref()
                .and_then(|p| index.get(p))
            {
                Some(&next) => node = next,
                None => break,
            }
        }
        for n in chain {
            state[n] = 2;
        }
    }
}

fn check_therapy(c: &mut Checker, ids: &Ids, i: usize, t: &Therapy) {
    let at = format!("therapies[{i}] ({})", t.id);
    check_names(c, &t.id, format!("{at}.name"), &t.name);
    for (j, comp) in t.components.iter().enumerate() {
        if !ids.therapies.contains(comp.as_str()) {
            c.error(
                &t.id,
                format!("{at}.components[{j}]"),
                format!("unknown therapy {comp:?}"),
            );
        }
    }
    for (j, ind) in t.indications.iter().enumerate() {
        if let Some(d) = &ind.disease
            && !ids.diseases.contains(d.as_str())
        {
            c.error(
                &t.id,
                format!("{at}.indications[{j}].disease"),
                format!("unknown disease {d:?}"),
            );
        }
        if let Some(cit) = &ind.citation {
            check_citation(
                c,
                ids,
                &t.id,
                format!("{at}.indications[{j}].citation"),
                cit,
            );
        }
    }
    for (j, a) in t.approvals.iter().enumerate() {
        check_citation(
            c,
            ids,
            &t.id,
            format!("{at}.approvals[{j}].citation"),
            &a.citation,
        );
        check_date(
            c,
            &t.id,
            format!("{at}.approvals[{j}].date"),
            a.date.as_deref(),
        );
    }
    for (j, n) in t.costs.iter().chain(&t.notes).enumerate() {
        if let Some(cit) = &n.citation {
            check_citation(c, ids, &t.id, format!("{at}.notes[{j}].citation"), cit);
        }
    }
    for (j, cit) in t.citations.iter().enumerate() {
        check_citation(c, ids, &t.id, format!("{at}.citations[{j}]"), cit);
    }
    safety::check_statements(c, ids, &t.id, &t.safety_statements, None, &at);
}

/// Regimens may not contain themselves, directly or through other regimens.
fn check_cycles(file: &CorpusFile, c: &mut Checker) {
    let index: HashMap<&str, usize> = file
        .therapies
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    // 0 = unvisited, 1 = on the stack, 2 = done.
    let mut state = vec![0u8; file.therapies.len()];
    for start in 0..file.therapies.len() {
        if state[start] != 0 {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let comps = &file.therapies[node].components;
            if *next < comps.len() {
                let child = comps[*next].as_str();
                *next += 1;
                if let Some(&ci) = index.get(child) {
                    match state[ci] {
                        0 => {
                            state[ci] = 1;
                            stack.push((ci, 0));
                        }
                        1 => {
                            let t = &file.therapies[node];
                            c.error(
                                &t.id,
                                format!("therapies[{node}] ({}).components", t.id),
                                format!("{:?} contains itself through {:?}", child, t.id),
                            );
                        }
                        _ => {}
                    }
                }
            } else {
                state[node] = 2;
                stack.pop();
            }
        }
    }
}

#[cfg(test)]
mod tests;
