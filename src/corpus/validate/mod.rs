//! Checks a parsed corpus as a whole: ids, references, ranges and arithmetic.
//!
//! Every problem is collected (never just the first), each with the field path and, where the
//! record can be found in the file's text, its line. Errors make a corpus unusable; warnings
//! (a source's own arithmetic that does not add up) are reported and the corpus still loads.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

use super::model::{
    ArmValue, Citation, CorpusFile, Disease, Interval, Names, Outcome, Ratio, SCHEMA_VERSION,
    Source, Therapy, Trial,
};
use super::num::Cmp;

mod safety;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with a corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
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
        check_trial(&mut c, file, &ids, i, t);
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
}

fn check_trial(c: &mut Checker, file: &CorpusFile, ids: &Ids, i: usize, t: &Trial) {
    let at = format!("trials[{i}] ({})", t.id);
    check_names(c, &t.id, format!("{at}.title"), &t.title);
    check_study_dates(c, t, &at);
    for (j, r) in t.registry_ids.iter().enumerate() {
        if r.trim().is_empty() {
            c.error(
                &t.id,
                format!("{at}.registry_ids[{j}]"),
                "the registry id is empty",
            );
        }
    }
    for (j, d) in t.diseases.iter().enumerate() {
        if !ids.diseases.contains(d.as_str()) {
            c.error(
                &t.id,
                format!("{at}.diseases[{j}]"),
                format!("unknown disease {d:?}"),
            );
        }
    }
    if t.citations.is_empty() {
        c.error(
            &t.id,
            format!("{at}.citations"),
            "a trial needs at least one citation",
        );
    }
    let reference_exists = |cit: &Citation| match cit.reference {
        None => true,
        Some(n) => file
            .sources
            .iter()
            .find(|s| s.id == cit.source)
            .is_none_or(|s| s.references.is_empty() || s.references.iter().any(|r| r.number == n)),
    };
    for (j, cit) in t.citations.iter().enumerate() {
        check_citation(c, ids, &t.id, format!("{at}.citations[{j}]"), cit);
        if !reference_exists(cit) {
            c.warn(
                &t.id,
                format!("{at}.citations[{j}].reference"),
                format!(
                    "the source lists no reference {}",
                    cit.reference.unwrap_or(0)
                ),
            );
        }
    }
    for (j, n) in t.notes.iter().enumerate() {
        if let Some(cit) = &n.citation {
            check_citation(c, ids, &t.id, format!("{at}.notes[{j}].citation"), cit);
        }
    }
    let arm_ids = check_arms(c, ids, t, &at);
    for (j, o) in t.outcomes.iter().enumerate() {
        let of = format!("{at}.outcomes[{j}]");
        check_citation(c, ids, &t.id, format!("{of}.citation"), &o.citation);
        check_outcome(c, t, &arm_ids, o, &of);
    }
    if let Some(s) = &t.safety {
        check_citation(c, ids, &t.id, format!("{at}.safety.citation"), &s.citation);
        safety::check_safety(c, t, &arm_ids, s, &format!("{at}.safety"));
    }
    if let Some(b) = &t.baseline {
        check_citation(
            c,
            ids,
            &t.id,
            format!("{at}.baseline.citation"),
            &b.citation,
        );
        safety::check_baseline(c, t, &arm_ids, b, &format!("{at}.baseline"));
    }
}

/// Each arm's id is unique and each of its therapies exists; the arm ids, for the references.
fn check_arms<'t>(c: &mut Checker, ids: &Ids, t: &'t Trial, at: &str) -> HashSet<&'t str> {
    let mut arm_ids = HashSet::new();
    for (j, arm) in t.arms.iter().enumerate() {
        if !arm_ids.insert(arm.id.as_str()) {
            c.error(
                &t.id,
                format!("{at}.arms[{j}].id"),
                format!("arm id {:?} appears twice", arm.id),
            );
        }
        check_names(c, &t.id, format!("{at}.arms[{j}].label"), &arm.label);
        for (k, th) in arm.therapies.iter().enumerate() {
            if !ids.therapies.contains(th.as_str()) {
                c.error(
                    &t.id,
                    format!("{at}.arms[{j}].therapies[{k}]"),
                    format!("unknown therapy {th:?}"),
                );
            }
        }
    }
    arm_ids
}

/// Whether an endpoint code holds only letters, digits and `- _ . + /`: it is used in queries,
/// file names and exports, so no spaces, quotes or shell metacharacters.
pub fn is_valid_endpoint(e: &str) -> bool {
    !e.is_empty()
        && e.chars()
            .all(|ch| ch.is_alphanumeric() || matches!(ch, '-' | '_' | '.' | '+' | '/'))
}

/// A confidence interval: low ≤ high, and a level strictly between 0 and 100 %.
fn check_interval(c: &mut Checker, id: &str, field: &str, ci: &Interval) -> bool {
    let mut ok = true;
    if ci.low.value() > ci.high.value() {
        c.error(
            id,
            field.to_string(),
            format!("the interval {}–{} is reversed", ci.low, ci.high),
        );
        ok = false;
    }
    if let Some(level) = &ci.level
        && !(level.value() > 0.0 && level.value() < 100.0)
    {
        c.error(
            id,
            format!("{field}.level"),
            format!("a confidence level of {level}% is not between 0 and 100"),
        );
    }
    ok
}

fn check_outcome(c: &mut Checker, t: &Trial, arm_ids: &HashSet<&str>, o: &Outcome, at: &str) {
    if o.endpoint.trim().is_empty() {
        c.error(&t.id, format!("{at}.endpoint"), "the endpoint is empty");
    } else if !is_valid_endpoint(&o.endpoint) {
        c.error(
            &t.id,
            format!("{at}.endpoint"),
            format!(
                "endpoint {:?} may hold only letters, digits and - _ . + / (no spaces, quotes or shell characters)",
                o.endpoint
            ),
        );
    }
    if o.values.is_empty() {
        c.error(
            &t.id,
            format!("{at}.values"),
            "an outcome needs at least one value",
        );
    }
    let percent = o.unit.as_deref() == Some("%");
    for (k, v) in o.values.iter().enumerate() {
        check_value(c, t, arm_ids, v, percent, &format!("{at}.values[{k}]"));
    }
    if let Some(hr) = &o.hr {
        check_ratio(c, &t.id, hr, &format!("{at}.hr"));
    }
    if let Some(p) = &o.p {
        let v = p.value.value();
        if !(0.0..=1.0).contains(&v) {
            c.error(
                &t.id,
                format!("{at}.p"),
                format!("p-value {} is outside 0–1", p.value),
            );
        } else if (p.cmp == Cmp::Lt && v <= 0.0) || (p.cmp == Cmp::Gt && v >= 1.0) {
            c.error(
                &t.id,
                format!("{at}.p"),
                format!("p-value {p} is impossible: a p-value lies in 0–1"),
            );
        }
    }
}

fn check_value(
    c: &mut Checker,
    t: &Trial,
    arm_ids: &HashSet<&str>,
    v: &ArmValue,
    percent: bool,
    vf: &str,
) {
    if let Some(arm) = &v.arm
        && !arm_ids.contains(arm.as_str())
    {
        c.error(
            &t.id,
            format!("{vf}.arm"),
            format!("the trial has no arm {arm:?}"),
        );
    }
    if percent {
        for n in std::iter::once(&v.value).chain(v.upper.as_ref()) {
            if !(0.0..=100.0).contains(&n.value()) {
                c.error(
                    &t.id,
                    format!("{vf}.value"),
                    format!("{n}% is outside 0–100"),
                );
            }
        }
    }
    if let Some(upper) = &v.upper
        && upper.value() < v.value.value()
    {
        c.error(
            &t.id,
            format!("{vf}.upper"),
            format!("the range {}–{} ends below where it starts", v.value, upper),
        );
    }
    if let Some(cmp) = &v.comparator
        && !matches!(cmp.as_str(), "<" | "<=" | ">" | ">=" | "~")
    {
        c.error(
            &t.id,
            format!("{vf}.comparator"),
            format!("{cmp:?} is not one of < <= > >= ~"),
        );
    }
    if let Some(ci) = &v.ci {
        let field = format!("{vf}.ci");
        if check_interval(c, &t.id, &field, ci)
            && v.comparator.is_none()
            && v.upper.is_none()
            && (v.value.value() < ci.low.value() || v.value.value() > ci.high.value())
        {
            c.error(
                &t.id,
                field,
                format!(
                    "the interval {}–{} does not contain its estimate {}",
                    ci.low, ci.high, v.value
                ),
            );
        }
    }
    if let (Some(n), Some(of)) = (v.count, v.of)
        && n > of
    {
        c.error(
            &t.id,
            format!("{vf}.count"),
            format!("count {n} is larger than its denominator {of}"),
        );
    }
    if percent && let Some(msg) = arithmetic(v) {
        c.warn(&t.id, vf.to_string(), msg);
    }
}

/// The kinds of ratio evidex knows: hazard, odds, risk (relative risk) ratios.
pub const RATIO_KINDS: &[&str] = &["HR", "OR", "RR"];

fn check_ratio(c: &mut Checker, id: &str, hr: &Ratio, at: &str) {
    if hr.value.value() <= 0.0 {
        c.error(
            id,
            format!("{at}.value"),
            format!("a hazard ratio must be above 0, not {}", hr.value),
        );
    }
    if let Some(kind) = &hr.kind
        && !RATIO_KINDS.contains(&kind.as_str())
    {
        c.error(
            id,
            format!("{at}.kind"),
            format!("{kind:?} is not one of {}", RATIO_KINDS.join(", ")),
        );
    }
    if let Some(ci) = &hr.ci {
        let field = format!("{at}.ci");
        if !check_interval(c, id, &field, ci) {
            return;
        }
        if ci.low.value() <= 0.0 {
            c.error(
                id,
                field,
                format!(
                    "the interval {}–{} is not a ratio interval",
                    ci.low, ci.high
                ),
            );
        } else if hr.value.value() < ci.low.value() || hr.value.value() > ci.high.value() {
            c.error(
                id,
                field,
                format!(
                    "the interval {}–{} does not contain its estimate {}",
                    ci.low, ci.high, hr.value
                ),
            );
        }
    }
}

/// A percentage that disagrees with its own count and denominator by more than rounding.
pub fn arithmetic(v: &ArmValue) -> Option<String> {
    let (count, of) = (v.count?, v.of?);
    if of == 0 || v.comparator.is_some() {
        return None;
    }
    let exact = 100.0 * f64::from(count) / f64::from(of);
    let decimals = v.value.text().split('.').nth(1).map_or(0, str::len) as i32;
    let step = 10f64.powi(-decimals);
    ((exact - v.value.value()).abs() > step / 2.0 + 1e-9).then(|| {
        format!(
            "{count} of {of} is {exact:.1}%, but the source gives {}%",
            v.value
        )
    })
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
