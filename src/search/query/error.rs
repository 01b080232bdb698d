//! What can be wrong with a query, and the message that says so in the interface's language.
//!
//! The parser returns a [`QueryError`] that names what went wrong and carries the words it
//! quotes (the field, the value as typed); [`QueryError::message`] says it, with what the
//! field accepts, in English, simplified or traditional Chinese (the messages are in
//! `locales/`). The browser keeps the error itself, not its text, so `L` re-says it; the
//! command line says it in the language of `--lang`. The query's own words (`phase:`,
//! `sort:-year`, the values a field takes) stay as the query writes them in every language.

use crate::corpus::Lang;
use crate::i18n::{tr, trf};
use crate::text::clean;

use super::{Field, MAX_VARIANTS, MAX_WORDS};

/// A query that could not be parsed: what is wrong, and the words of the query it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// A `"` opens a phrase that nothing closes.
    UnclosedQuote,
    /// A `|` joins `token`, a filter, phrase or negation, to a word.
    JoinsWordsOnly { token: String },
    /// `name:` is not a filter.
    UnknownFilter { name: String },
    /// `name:` (as typed) with no value.
    NeedsValue { name: String, field: Field },
    /// `field:value` with a value the field does not take (`phase:9`, `sort:soon`); the
    /// message says what it takes.
    BadValue { field: Field, value: String },
    /// `sort:` handed to the filters: it orders the results, it filters nothing.
    SortIsNotAFilter,
    /// More words, phrases and filters than [`MAX_WORDS`].
    TooManyWords { words: usize },
    /// More combinations of `|` alternatives than [`MAX_VARIANTS`].
    TooManyAlternatives { variants: usize },
}

impl QueryError {
    /// The error in `lang`, with what to do about it. The words it quotes from the query pass
    /// the sanitiser.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            QueryError::UnclosedQuote => {
                tr(lang, "unclosed quote: add a closing \" to end the phrase").into_owned()
            }
            QueryError::JoinsWordsOnly { token } => trf(
                lang,
                "| joins words only: %{token} is not a word — write it beside the group (tace kind:trial emerald | leap)",
                &[("token", &clean(token))],
            ),
            QueryError::UnknownFilter { name } => {
                let known: Vec<String> =
                    Field::ALL.iter().map(|(n, _, _)| format!("{n}:")).collect();
                trf(
                    lang,
                    "unknown filter %{name}: — filters are %{filters}",
                    &[("name", &clean(name)), ("filters", &known.join(" "))],
                )
            }
            QueryError::NeedsValue { name, field } => trf(
                lang,
                "%{name}: needs a value, e.g. %{name}:%{example}",
                &[("name", &clean(name)), ("example", &example(*field))],
            ),
            QueryError::BadValue { field, value } => bad_value(lang, *field, &clean(value)),
            QueryError::SortIsNotAFilter => {
                tr(lang, "sort: orders the results; it is not a filter").into_owned()
            }
            QueryError::TooManyWords { words } => trf(
                lang,
                "too many words (%{words}; a query has at most %{max}): search for fewer, or use filters",
                &[("words", words), ("max", &MAX_WORDS)],
            ),
            QueryError::TooManyAlternatives { variants } => trf(
                lang,
                "too many combinations of | alternatives (%{variants}; at most %{max}): put the alternatives in fewer groups",
                &[("variants", variants), ("max", &MAX_VARIANTS)],
            ),
        }
    }

    /// One error of each kind, for the tests that hold every message to every language.
    #[cfg(test)]
    pub(crate) fn examples() -> Vec<QueryError> {
        let mut out = vec![
            QueryError::UnclosedQuote,
            QueryError::JoinsWordsOnly {
                token: "kind:trial".into(),
            },
            QueryError::UnknownFilter {
                name: "nosuchfield".into(),
            },
            QueryError::SortIsNotAFilter,
            QueryError::TooManyWords { words: 40 },
            QueryError::TooManyAlternatives { variants: 128 },
        ];
        for (name, field, _) in Field::ALL {
            out.push(QueryError::NeedsValue {
                name: name.into(),
                field,
            });
            out.push(QueryError::BadValue {
                field,
                value: "xyz".into(),
            });
        }
        out
    }
}

/// `field:value` is not a value `field` takes, and what it takes.
fn bad_value(lang: Lang, field: Field, value: &str) -> String {
    let msg = match field {
        Field::Kind => {
            "kind:%{value} is not a kind — use trial, therapy, disease, source, statistic, guideline, case or opinion"
        }
        Field::Phase => "phase:%{value} is not a phase — use 1, 1/2, 2, 2/3, 3 or 4",
        Field::Design => {
            "design:%{value} is not a design — use rct, single-arm, retrospective, propensity-matched, case-series, case-report, …"
        }
        Field::Year => "year:%{value} is not a year — use 2024, >=2020, <2025 or 2020..2024",
        Field::Level => {
            "level:%{value} is not an evidence level — use 1 to 5: level:1, level:<=2, level:1..2"
        }
        Field::Line => {
            "line:%{value} is not a line of therapy — use first (1), second (2), later (3+), relapsed, adjuvant, neoadjuvant or maintenance"
        }
        Field::Ae => {
            "ae:%{value} names no term — use a word of an adverse event: ae:neutropenia, ae:低烧"
        }
        Field::Has => "has:%{value} is not something a record has — use has:note",
        Field::Sort => {
            "sort:%{value} is not an order — use relevance, year, level, n or effect, and a - to reverse (sort:-year)"
        }
        // Fields that take any value: the parser never finds one wrong.
        Field::Disease
        | Field::Endpoint
        | Field::Setting
        | Field::Status
        | Field::Source
        | Field::Id
        | Field::Note => {
            return trf(
                lang,
                "%{name}:%{value} is not a value of %{name}: — e.g. %{name}:%{example}",
                &[
                    ("name", &field.name()),
                    ("example", &example(field)),
                    ("value", &value),
                ],
            );
        }
    };
    trf(lang, msg, &[("value", &value)])
}

/// A value `field` takes, for the messages that suggest one.
fn example(field: Field) -> &'static str {
    match field {
        Field::Kind => "trial",
        Field::Phase => "3",
        Field::Disease => "hcc",
        Field::Design => "rct",
        Field::Endpoint => "pfs",
        Field::Year => ">=2024",
        Field::Level => "<=2",
        Field::Setting => "bclc",
        Field::Line => "first",
        Field::Status => "recruiting",
        Field::Source => "003",
        Field::Id => "emerald",
        Field::Ae => "neutropenia",
        Field::Note => "ask",
        Field::Has => "note",
        Field::Sort => "year",
    }
}

impl std::fmt::Display for QueryError {
    /// The message in English.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for QueryError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_han(c: char) -> bool {
        ('\u{4e00}'..='\u{9fff}').contains(&c)
    }

    /// Every kind of error says itself in every language: in English as the parser always
    /// has, and in Chinese with no English sentence left, traditional in traditional
    /// characters.
    #[test]
    fn every_error_speaks_every_language() {
        let examples = QueryError::examples();
        assert!(examples.len() > 30, "{}", examples.len());
        for e in &examples {
            let en = e.message(Lang::En);
            assert!(!en.trim().is_empty(), "{e:?}");
            assert_eq!(en, e.to_string());
            let hans = e.message(Lang::Zh);
            let hant = e.message(Lang::ZhHant);
            for (lang, zh) in [("zh-Hans", &hans), ("zh-Hant", &hant)] {
                assert!(!zh.trim().is_empty(), "{lang} {e:?}");
                assert_ne!(zh, &en, "{lang} {e:?} is still English");
                assert!(zh.chars().any(is_han), "{lang} {e:?}: {zh}");
                let runs = crate::i18n::english_runs(zh);
                assert!(runs.is_empty(), "{lang} {e:?}: English {runs:?} in {zh}");
            }
            // Traditional characters: a traditional message that is not the simplified one
            // has characters of its own (it changes when read as simplified).
            if hant != hans {
                assert_ne!(fast2s::convert(&hant), hant, "{e:?}: {hant}");
            }
        }
        // The English messages are the parser's own words, unchanged.
        let en = |q: &str| crate::search::parse(q).unwrap_err().message(Lang::En);
        assert_eq!(
            en("phase:9"),
            "phase:9 is not a phase — use 1, 1/2, 2, 2/3, 3 or 4"
        );
        assert_eq!(
            en("nosuchfield:x"),
            "unknown filter nosuchfield: — filters are kind: phase: disease: design: \
             endpoint: year: level: setting: line: status: source: id: ae: note: has: sort:"
        );
        assert_eq!(en("KIND:"), "KIND: needs a value, e.g. KIND:trial");
        assert_eq!(
            en("\"open"),
            "unclosed quote: add a closing \" to end the phrase"
        );
    }

    /// What the parser finds wrong is named, with the words it quotes, whatever the case
    /// of the field.
    #[test]
    fn the_parser_names_what_is_wrong() {
        let err = |q: &str| crate::search::parse(q).unwrap_err();
        let bad = |field, value: &str| QueryError::BadValue {
            field,
            value: value.into(),
        };
        assert_eq!(err("phase:9"), bad(Field::Phase, "9"));
        assert_eq!(err("tace YEAR:abc"), bad(Field::Year, "abc"));
        assert_eq!(err("kind:foo"), bad(Field::Kind, "foo"));
        assert_eq!(err("design:xyz"), bad(Field::Design, "xyz"));
        assert_eq!(err("sort:bogus"), bad(Field::Sort, "bogus"));
        assert_eq!(err("level:9"), bad(Field::Level, "9"));
        assert_eq!(err("line:fifth"), bad(Field::Line, "fifth"));
        assert_eq!(err("ae:--"), bad(Field::Ae, "--"));
        assert_eq!(err("has:flag"), bad(Field::Has, "flag"));
        assert_eq!(
            err("nosuchfield:x"),
            QueryError::UnknownFilter {
                name: "nosuchfield".into()
            }
        );
        assert_eq!(err("tace \"open"), QueryError::UnclosedQuote);
        assert_eq!(
            err("kind:trial | tace"),
            QueryError::JoinsWordsOnly {
                token: "kind:trial".into()
            }
        );
        assert_eq!(
            err("Phase:"),
            QueryError::NeedsValue {
                name: "Phase".into(),
                field: Field::Phase
            }
        );
        assert_eq!(
            crate::search::filter::filter(Field::Sort, "year").unwrap_err(),
            QueryError::SortIsNotAFilter
        );
    }

    /// The words a message quotes from the query pass the sanitiser, in every language.
    #[test]
    fn quoted_words_are_sanitised() {
        for e in [
            QueryError::BadValue {
                field: Field::Phase,
                value: "9\u{1b}]0;owned\u{7}".into(),
            },
            QueryError::BadValue {
                field: Field::Disease,
                value: "\u{1b}[2J".into(),
            },
            QueryError::JoinsWordsOnly {
                token: "-x\u{1b}[31m".into(),
            },
            QueryError::UnknownFilter {
                name: "x\u{9b}1m".into(),
            },
        ] {
            for lang in [Lang::En, Lang::Zh, Lang::ZhHant] {
                let m = e.message(lang);
                assert_eq!(clean(&m), m, "{lang:?} {e:?}");
                assert!(!m.chars().any(|c| c.is_control()), "{m:?}");
            }
        }
    }
}
