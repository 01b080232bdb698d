//! The query language: free text, `"quoted phrases"`, `field:value` filters, and `-` to negate.
//!
//! ```text
//! tace kind:trial phase:3 disease:hcc year:>=2024 -design:retrospective "P<0.001"
//! level:<=2 setting:bclc line:first
//! ```
//!
//! Free terms are matched fuzzily (every term must match); `a | b` matches either word and binds
//! tighter than the space (`tace emerald | leap` is tace and either emerald or leap); a quoted
//! phrase must appear as is; filters test record attributes; `sort:` orders the results
//! (relevance, the default; year, level, n, effect; `sort:-year` reverses). Parsing never
//! panics: a malformed query is a [`QueryError`] that names what is wrong, and says so in
//! the interface's language for the line under the input.

mod error;

pub use error::QueryError;

use super::filter::filter;
use super::normalize::{fold, fold_query};

/// A filter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Kind,
    Phase,
    Disease,
    Design,
    Endpoint,
    Year,
    /// Evidence level, as `year:` takes ranges.
    Level,
    Setting,
    Line,
    Status,
    Source,
    Id,
    /// An adverse-event term (registry events, the sources' safety statements).
    Ae,
    /// The user's note on a record (see [`super::filter::NoteIndex`]).
    Note,
    /// `has:note`: the record has a note.
    Has,
    /// Not a filter: the order of the results (see [`Sort`]).
    Sort,
}

impl Field {
    pub const ALL: [(&'static str, Field, &'static str); 16] = [
        (
            "kind",
            Field::Kind,
            "trial, therapy, disease, source, statistic, guideline, case, opinion",
        ),
        ("phase", Field::Phase, "1, 1/2, 2, 2/3, 3, 4"),
        (
            "disease",
            Field::Disease,
            "a disease name or abbreviation: hcc, 肝癌",
        ),
        (
            "design",
            Field::Design,
            "rct, single-arm, retrospective, propensity-matched, case-report…",
        ),
        (
            "endpoint",
            Field::Endpoint,
            "pfs, os, orr, dcr, cr, mrd-neg, conversion…",
        ),
        ("year", Field::Year, "2024, >=2020, <2025, 2020..2024"),
        (
            "level",
            Field::Level,
            "evidence level 1–5: level:1, level:<=2, level:1..2",
        ),
        (
            "setting",
            Field::Setting,
            "words of the study's setting: bclc, recurrent",
        ),
        (
            "line",
            Field::Line,
            "first (1), second (2), later (3+), relapsed, adjuvant…",
        ),
        ("status", Field::Status, "planned, recruiting, completed…"),
        (
            "source",
            Field::Source,
            "bundled, library, or part of a source id: 003, ctgov",
        ),
        ("id", Field::Id, "part of a record id"),
        (
            "ae",
            Field::Ae,
            "an adverse-event term: neutropenia, fever, 低烧",
        ),
        (
            "note",
            Field::Note,
            "a word of your note on the record; note: alone, any note",
        ),
        ("has", Field::Has, "note: the records you wrote a note on"),
        (
            "sort",
            Field::Sort,
            "relevance, year, level, n, effect; sort:-year reverses",
        ),
    ];

    /// The field's name in a query (`phase`).
    pub fn name(self) -> &'static str {
        Field::ALL
            .iter()
            .find(|(_, f, _)| *f == self)
            .map_or("", |(n, _, _)| n)
    }

    fn parse(name: &str) -> Option<Field> {
        let name = name.to_ascii_lowercase();
        Field::ALL
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, f, _)| *f)
    }
}

pub use super::filter::{Filter, Range};

/// A filter or a phrase, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause<T> {
    pub negated: bool,
    pub item: T,
}

/// What the results are ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// How well the record matches the query (the default).
    #[default]
    Relevance,
    /// The study's report year (a source's date), newest first.
    Year,
    /// Evidence level, strongest first; unrated studies and other records last.
    Level,
    /// Patients enrolled, largest first.
    N,
    /// The headline outcome's hazard or odds ratio, most favourable to the experimental arm
    /// first; records without one last.
    Effect,
}

impl SortKey {
    /// The order the sort key cycles through.
    pub const ALL: [SortKey; 5] = [
        SortKey::Relevance,
        SortKey::Year,
        SortKey::Level,
        SortKey::N,
        SortKey::Effect,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortKey::Relevance => "relevance",
            SortKey::Year => "year",
            SortKey::Level => "level",
            SortKey::N => "n",
            SortKey::Effect => "effect",
        }
    }

    fn parse(v: &str) -> Option<SortKey> {
        Some(match v {
            "relevance" | "rel" | "score" => SortKey::Relevance,
            "year" | "date" | "new" | "newest" => SortKey::Year,
            "level" | "evidence" => SortKey::Level,
            "n" | "size" | "enrolment" | "enrollment" => SortKey::N,
            "effect" | "hr" | "ratio" => SortKey::Effect,
            // The start of a name (`sort:y` while `sort:year` is being typed).
            _ => {
                let mut found = SortKey::ALL.iter().filter(|k| k.name().starts_with(v));
                match (found.next(), found.next()) {
                    (Some(&k), None) if !v.is_empty() => k,
                    _ => return None,
                }
            }
        })
    }
}

/// A sort key and whether it is reversed (`sort:-year`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sort {
    pub key: SortKey,
    pub reversed: bool,
}

impl Sort {
    /// The default order: best match first.
    pub fn is_relevance(self) -> bool {
        self == Sort::default()
    }

    /// The order in words: `year, newest first`.
    pub fn describe(self) -> String {
        self.describe_in(crate::corpus::Lang::En)
    }

    /// [`Sort::describe`] in `lang` (the key stays as the query writes it).
    pub fn describe_in(self, lang: crate::corpus::Lang) -> String {
        let (usual, reversed) = match self.key {
            SortKey::Relevance => ("best match first", "weakest match first"),
            SortKey::Year => ("newest first", "oldest first"),
            SortKey::Level => ("strongest evidence first", "weakest evidence first"),
            SortKey::N => ("largest first", "smallest first"),
            SortKey::Effect => ("most favourable first", "least favourable first"),
        };
        format!(
            "{}, {}",
            self.key.name(),
            crate::i18n::tr(lang, if self.reversed { reversed } else { usual })
        )
    }

    /// The query term that asks for this order (`sort:-year`); none for the default.
    pub fn term(self) -> Option<String> {
        (!self.is_relevance()).then(|| {
            format!(
                "sort:{}{}",
                if self.reversed { "-" } else { "" },
                self.key.name()
            )
        })
    }

    /// The next key in [`SortKey::ALL`], unreversed.
    pub fn next(self) -> Sort {
        let i = SortKey::ALL
            .iter()
            .position(|&k| k == self.key)
            .unwrap_or(0);
        Sort {
            key: SortKey::ALL[(i + 1) % SortKey::ALL.len()],
            reversed: false,
        }
    }
}

/// The most combinations of `|` alternatives a query may ask for: each is one pass over the
/// records.
pub const MAX_VARIANTS: usize = 64;

/// The most words, phrases and filters a query may have. Each word is one more pass over the
/// keys, so a pasted paragraph would cost seconds per keystroke at registry scale; a real
/// query has a handful.
pub const MAX_WORDS: usize = 32;

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Fuzzy terms, folded (punctuation dropped); every one must match.
    pub terms: Vec<String>,
    /// Groups of alternatives joined by `|`, folded: one of each group must match.
    pub any: Vec<Vec<String>>,
    /// The order of the results.
    pub sort: Sort,
    /// The terms as typed (for display and highlighting).
    pub raw_terms: Vec<String>,
    /// Negated free terms: records containing them are dropped.
    pub excluded: Vec<String>,
    /// Quoted phrases, folded; must appear verbatim (or, negated, must not).
    pub phrases: Vec<Clause<String>>,
    pub filters: Vec<Clause<Filter>>,
}

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
            && self.any.is_empty()
            && self.excluded.is_empty()
            && self.phrases.is_empty()
            && self.filters.is_empty()
    }

    /// Whether every record this query matches is also matched by `prev`, so that searching
    /// `prev`'s results is enough: the same filters and phrases, and each term of `prev`
    /// extended (or kept) in the same position, with nothing excluded that was not.
    ///
    /// That holds when each earlier term is a prefix of the new one (typing on) and at least
    /// three characters long: shorter terms match only as prefixes and substrings (see
    /// `keymatch::quick_score`), so a longer term may match where they did not.
    pub fn narrows(&self, prev: &Query) -> bool {
        prev.filters == self.filters
            && prev.phrases == self.phrases
            && prev.excluded == self.excluded
            && prev.terms.len() <= self.terms.len()
            && prev
                .terms
                .iter()
                .zip(&self.terms)
                .all(|(p, n)| p.chars().nth(2).is_some() && n.starts_with(p.as_str()))
            && same_alternatives_narrowed(prev, self)
    }

    /// Every word a match may be highlighted for: the terms and every alternative.
    pub fn highlight_terms(&self) -> Vec<String> {
        let mut v = self.terms.clone();
        v.extend(self.any.iter().flatten().cloned());
        v
    }

    /// The query as plain conjunctions, one per choice of one word from each `|` group (the
    /// terms first, then the chosen words), in the default order; itself when it has no `|`.
    pub fn variants(&self) -> Vec<Query> {
        let base = Query {
            any: Vec::new(),
            sort: Sort::default(),
            ..self.clone()
        };
        let mut out = vec![base];
        for group in &self.any {
            out = out
                .iter()
                .flat_map(|q| {
                    group.iter().map(move |w| {
                        let mut q = q.clone();
                        q.terms.push(w.clone());
                        q
                    })
                })
                .collect();
        }
        out
    }
}

/// Whether `next`'s `|` groups are `prev`'s, each word typed on (an added word or group, or a
/// changed one, may match what `prev` did not).
fn same_alternatives_narrowed(prev: &Query, next: &Query) -> bool {
    prev.any.len() == next.any.len()
        && prev.any.iter().zip(&next.any).all(|(p, n)| {
            p.len() == n.len()
                && p.iter()
                    .zip(n)
                    .all(|(p, n)| p.chars().nth(2).is_some() && n.starts_with(p.as_str()))
        })
}

/// Splits on whitespace, keeping `"quoted phrases"` and `field:"quoted values"` together.
fn tokens(input: &str) -> Result<Vec<(bool, String)>, QueryError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut had_quote = false;
    for c in input.chars() {
        match c {
            '"' | '“' | '”' => {
                quoted = !quoted;
                had_quote = true;
                cur.push('"');
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push((had_quote, std::mem::take(&mut cur)));
                }
                had_quote = false;
            }
            '|' | '｜' if !quoted => {
                if !cur.is_empty() {
                    out.push((had_quote, std::mem::take(&mut cur)));
                }
                had_quote = false;
                out.push((false, "|".into()));
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err(QueryError::UnclosedQuote);
    }
    if !cur.is_empty() {
        out.push((had_quote, cur));
    }
    Ok(out)
}

fn unquote(s: &str) -> &str {
    s.trim_matches('"')
}

/// Parses a query. Never panics.
pub fn parse(input: &str) -> Result<Query, QueryError> {
    let mut q = Query::default();
    // Words in typed order, each a group of alternatives; a `|` joins the next word to the
    // group of the word before it. A `|` with no word on one side is ignored (it is being
    // typed), but one next to a filter, a phrase or a negation is an error.
    let mut groups: Vec<Vec<(String, String)>> = Vec::new();
    let mut join = false;
    let mut last_word: Option<usize> = None;
    let mut last_other: Option<String> = None;
    let joins_words = |tok: &str| QueryError::JoinsWordsOnly {
        token: tok.to_string(),
    };
    for (had_quote, tok) in tokens(input)? {
        if tok == "|" {
            if let Some(other) = &last_other {
                return Err(joins_words(other));
            }
            join = last_word.is_some();
            continue;
        }
        let (negated, body) = match tok.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, tok.as_str()),
        };
        let is_filter = body.split_once(':').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic())
        });
        if negated || is_filter || body.starts_with('"') {
            if join {
                return Err(joins_words(&tok));
            }
            last_word = None;
            last_other = Some(tok.clone());
        }
        if body.starts_with('"') {
            let phrase = fold(unquote(body));
            if !phrase.trim().is_empty() {
                q.phrases.push(Clause {
                    negated,
                    item: phrase,
                });
            }
            continue;
        }
        if is_filter && let Some((name, value)) = body.split_once(':') {
            add_filter(&mut q, name, value, negated)?;
            continue;
        }
        let _ = had_quote;
        let folded = fold_query(body);
        if negated {
            if !folded.is_empty() {
                q.excluded.push(folded);
            }
            continue;
        }
        if folded.is_empty() {
            // Punctuation alone: no word, but it still ends the run a `|` may join.
            if !join {
                last_word = None;
            }
            join = false;
            continue;
        }
        match last_word {
            Some(g) if join => groups[g].push((folded, body.to_string())),
            _ => {
                groups.push(vec![(folded, body.to_string())]);
                last_word = Some(groups.len() - 1);
            }
        }
        last_other = None;
        join = false;
    }
    finish(q, groups)
}

/// A `name:value` filter (or the order, for `sort:`) added to the query.
fn add_filter(q: &mut Query, name: &str, value: &str, negated: bool) -> Result<(), QueryError> {
    let Some(field) = Field::parse(name) else {
        return Err(QueryError::UnknownFilter {
            name: name.to_string(),
        });
    };
    let value = unquote(value);
    // `note:` alone asks for any note.
    if (value.is_empty() && field != Field::Note) || value == "-" {
        return Err(QueryError::NeedsValue {
            name: name.to_string(),
            field,
        });
    }
    if field == Field::Sort {
        // The last `sort:` wins; `-sort:year` reads as `sort:-year`.
        let (rev, v) = match value.strip_prefix('-') {
            Some(v) => (true, v),
            None => (false, value),
        };
        let key = SortKey::parse(&v.to_lowercase()).ok_or_else(|| QueryError::BadValue {
            field,
            value: value.to_string(),
        })?;
        q.sort = Sort {
            key,
            reversed: rev != negated,
        };
        return Ok(());
    }
    q.filters.push(Clause {
        negated,
        item: filter(field, value)?,
    });
    Ok(())
}

/// The word groups made terms (one word) and alternatives (several), and the query's size
/// checked.
fn finish(mut q: Query, groups: Vec<Vec<(String, String)>>) -> Result<Query, QueryError> {
    for mut g in groups {
        // `a | a` is `a`.
        let mut seen = std::collections::HashSet::new();
        g.retain(|(f, _)| seen.insert(f.clone()));
        if g.len() == 1 {
            let (folded, raw) = g.remove(0);
            q.terms.push(folded);
            q.raw_terms.push(raw);
        } else {
            q.any.push(g.into_iter().map(|(f, _)| f).collect());
        }
    }
    let words = q.terms.len() + q.any.len() + q.excluded.len() + q.phrases.len() + q.filters.len();
    if words > MAX_WORDS {
        return Err(QueryError::TooManyWords { words });
    }
    let variants = q
        .any
        .iter()
        .try_fold(1usize, |n, g| n.checked_mul(g.len()))
        .unwrap_or(usize::MAX);
    if variants > MAX_VARIANTS {
        return Err(QueryError::TooManyAlternatives { variants });
    }
    Ok(q)
}

#[cfg(test)]
mod tests;
