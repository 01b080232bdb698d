//! The query language: free text, `"quoted phrases"`, `field:value` filters, and `-` to negate.
//!
//! ```text
//! tace kind:trial phase:3 disease:hcc year:>=2024 -design:retrospective "P<0.001"
//! ```
//!
//! Free terms are matched fuzzily (every term must match); a quoted phrase must appear as is;
//! filters test record attributes. Parsing never panics: a malformed query is an error with a
//! message for the line under the input.

use super::normalize::{fold, fold_query};
use crate::corpus::Kind;

/// A filter field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Kind,
    Phase,
    Disease,
    Design,
    Endpoint,
    Year,
    Status,
    Source,
    Id,
}

impl Field {
    pub const ALL: [(&'static str, Field, &'static str); 9] = [
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
        ("status", Field::Status, "planned, recruiting, completed…"),
        ("source", Field::Source, "part of a source id: 003, ctgov"),
        ("id", Field::Id, "part of a record id"),
    ];

    fn parse(name: &str) -> Option<Field> {
        let name = name.to_ascii_lowercase();
        Field::ALL
            .iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, f, _)| *f)
    }
}

/// A comparison for `year:`.
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
    /// Status code prefix.
    Status(String),
    /// Part of a source id.
    Source(String),
    /// Part of a record id.
    Id(String),
}

/// A filter or a phrase, possibly negated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause<T> {
    pub negated: bool,
    pub item: T,
}

/// A parsed query.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// Fuzzy terms, folded (punctuation dropped); every one must match.
    pub terms: Vec<String>,
    /// The terms as typed (for display and highlighting).
    pub raw_terms: Vec<String>,
    /// Negated free terms: records containing them are dropped.
    pub excluded: Vec<String>,
    /// Quoted phrases, folded; must appear verbatim (or, negated, must not).
    pub phrases: Vec<Clause<String>>,
    pub filters: Vec<Clause<Filter>>,
}

/// A query that could not be parsed, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct QueryError(pub String);

impl Query {
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
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
    /// `engine::quick_score`), so a longer term may match where they did not.
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
    }
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
            c => cur.push(c),
        }
    }
    if quoted {
        return Err(QueryError(
            "unclosed quote: add a closing \" to end the phrase".into(),
        ));
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
    for (had_quote, tok) in tokens(input)? {
        let (negated, body) = match tok.strip_prefix('-') {
            Some(rest) if !rest.is_empty() => (true, rest),
            _ => (false, tok.as_str()),
        };
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
        if let Some((name, value)) = body.split_once(':')
            && !name.is_empty()
            && name.chars().all(|c| c.is_ascii_alphabetic())
        {
            let Some(field) = Field::parse(name) else {
                let known: Vec<&str> = Field::ALL.iter().map(|(n, _, _)| *n).collect();
                return Err(QueryError(
                    format!("unknown filter {name}: — filters are {}", known.join(": ")) + ":",
                ));
            };
            let value = unquote(value);
            if value.is_empty() {
                return Err(QueryError(format!(
                    "{name}: needs a value, e.g. {name}:{}",
                    example(field)
                )));
            }
            q.filters.push(Clause {
                negated,
                item: filter(field, value)?,
            });
            continue;
        }
        let _ = had_quote;
        let folded = fold_query(body);
        if folded.is_empty() {
            continue;
        }
        if negated {
            q.excluded.push(folded);
        } else {
            q.terms.push(folded);
            q.raw_terms.push(body.to_string());
        }
    }
    Ok(q)
}

fn example(field: Field) -> &'static str {
    match field {
        Field::Kind => "trial",
        Field::Phase => "3",
        Field::Disease => "hcc",
        Field::Design => "rct",
        Field::Endpoint => "pfs",
        Field::Year => ">=2024",
        Field::Status => "recruiting",
        Field::Source => "003",
        Field::Id => "emerald",
    }
}

fn filter(field: Field, value: &str) -> Result<Filter, QueryError> {
    let lower = value.to_lowercase();
    Ok(match field {
        Field::Kind => match record_kind(&lower) {
            Some(design) => Filter::Design(design.into()),
            None => Filter::Kind(Kind::parse(&lower).ok_or_else(|| {
                QueryError(format!(
                    "kind:{value} is not a kind — use trial, therapy, disease, source, statistic, guideline, case or opinion"
                ))
            })?),
        },
        Field::Phase => Filter::Phase(phase(&lower).ok_or_else(|| {
            QueryError(format!(
                "phase:{value} is not a phase — use 1, 1/2, 2, 2/3, 3 or 4"
            ))
        })?),
        Field::Disease => Filter::Disease(fold(value)),
        Field::Design => {
            let code = match lower.as_str() {
                "randomised" | "randomized" | "rct" | "randomised-controlled" => "rct".into(),
                "pm" | "psm" | "propensity" => "propensity-matched".into(),
                "case" => "case-".into(),
                other => other.to_string(),
            };
            if !crate::corpus::Design::ALL
                .iter()
                .any(|d| d.code().starts_with(&code))
            {
                return Err(QueryError(format!(
                    "design:{value} is not a design — use rct, single-arm, retrospective, propensity-matched, case-series, case-report, …"
                )));
            }
            Filter::Design(code)
        }
        Field::Endpoint => Filter::Endpoint(value.to_uppercase()),
        Field::Year => Filter::Year(year(&lower).ok_or_else(|| {
            QueryError(format!(
                "year:{value} is not a year — use 2024, >=2020, <2025 or 2020..2024"
            ))
        })?),
        Field::Status => Filter::Status(lower.replace(' ', "-")),
        Field::Source => Filter::Source(lower),
        Field::Id => Filter::Id(lower),
    })
}

/// The design code of a kind of record that is not a study (`kind:statistic` is
/// `design:epidemiological`); `kind:trial` lists studies only (see `engine::passes`).
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
    let num = |s: &str| -> Option<u16> {
        let y: u16 = s.trim().parse().ok()?;
        (1900..=2200).contains(&y).then_some(y)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_and_filters() {
        let q = parse("TACE kind:trial phase:III year:>=2024 -design:retrospective").unwrap();
        assert_eq!(q.terms, vec!["tace"]);
        assert_eq!(q.filters.len(), 4);
        assert_eq!(q.filters[0].item, Filter::Kind(Kind::Trial));
        assert_eq!(q.filters[1].item, Filter::Phase("3".into()));
        assert_eq!(q.filters[2].item, Filter::Year(Range::Ge(2024)));
        assert!(q.filters[3].negated);
    }

    #[test]
    fn phrases_and_negation() {
        let q = parse(r#""tace alone" -kind:therapy -hcc"#).unwrap();
        assert_eq!(q.phrases[0].item, "tace alone");
        assert_eq!(q.excluded, vec!["hcc"]);
        assert!(q.filters[0].negated);
    }

    #[test]
    fn errors_explain_themselves() {
        assert!(parse("foo:bar").unwrap_err().0.contains("unknown filter"));
        assert!(parse("year:soon").unwrap_err().0.contains("year:soon"));
        assert!(parse("phase:9").unwrap_err().0.contains("phase"));
        assert!(parse("\"open").unwrap_err().0.contains("unclosed"));
        assert!(parse("kind:").unwrap_err().0.contains("needs a value"));
        // URLs and times are text, not filters.
        assert!(parse("10:30").is_ok());
    }

    #[test]
    fn narrowing() {
        let a = parse("emer").unwrap();
        let b = parse("emera").unwrap();
        let c = parse("emera hcc").unwrap();
        assert!(b.narrows(&a));
        assert!(c.narrows(&b));
        assert!(!a.narrows(&b));
        assert!(!parse("emera kind:trial").unwrap().narrows(&b));
        // Two letters match differently (prefixes, substrings, initials only).
        assert!(!parse("tace").unwrap().narrows(&parse("ta").unwrap()));
        // Editing inside a word is not typing on.
        assert!(!parse("emxer").unwrap().narrows(&a));
    }

    #[test]
    fn punctuation_and_width_are_ignored() {
        assert_eq!(parse("ＰＤ－１").unwrap().terms, vec!["pd1"]);
    }
}
