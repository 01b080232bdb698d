//! The detail document's model: lines of spans tagged with a semantic [`Role`], some lines
//! linking to another record, and its layout to a width.

use crate::corpus::{Lang, Names, RecordRef};
use crate::text::clean;

/// What a piece of text is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    Heading,
    Label,
    Value,
    Best,
    Quote,
    Flag,
    Link,
    Dim,
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub role: Role,
}

/// One line of a document. A line with `wrap` is one span that may be wrapped to the width.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocLine {
    pub spans: Vec<Span>,
    pub link: Option<RecordRef>,
    /// Columns of indentation (also for wrapped continuation lines).
    pub indent: u16,
    pub wrap: bool,
}

impl DocLine {
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A record's detail, ready to draw or print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub lines: Vec<DocLine>,
    /// The language of its headings and field names (the interface's words, see [`crate::i18n`]).
    pub lang: Lang,
    /// The lines each outcome of a trial takes (start, end exclusive, the outcome's index),
    /// so that a key can act on the outcome under the cursor.
    pub outcomes: Vec<(usize, usize, usize)>,
}

impl Doc {
    /// An empty document whose headings and field names are in `lang`.
    pub fn new(lang: Lang) -> Doc {
        Doc {
            lines: Vec::new(),
            lang,
            outcomes: Vec::new(),
        }
    }

    /// The index of the outcome whose lines include `line`.
    pub fn outcome_at(&self, line: usize) -> Option<usize> {
        self.outcomes
            .iter()
            .find(|(a, b, _)| (*a..*b).contains(&line))
            .map(|(_, _, i)| *i)
    }

    pub(super) fn line(&mut self, indent: u16, spans: Vec<Span>) {
        self.lines.push(DocLine {
            spans,
            link: None,
            indent,
            wrap: false,
        });
    }

    pub(super) fn para(&mut self, indent: u16, role: Role, text: &str) {
        self.lines.push(DocLine {
            spans: vec![span(role, text)],
            link: None,
            indent,
            wrap: true,
        });
    }

    pub(super) fn link(&mut self, indent: u16, to: RecordRef, spans: Vec<Span>) {
        self.lines.push(DocLine {
            spans,
            link: Some(to),
            indent,
            wrap: false,
        });
    }

    /// A record's name in `lang` with its id, then the name in the other language.
    pub(super) fn title(&mut self, name: &Names, id: &str, lang: Lang) {
        self.line(
            0,
            vec![
                span(Role::Title, name.get(lang)),
                span(Role::Dim, &format!("  {id}")),
            ],
        );
        if name.get(lang.toggle()) != name.get(lang) {
            self.para(0, Role::Dim, name.get(lang.toggle()));
        }
    }

    /// A heading, translated into the document's language.
    pub(super) fn heading(&mut self, text: &str) {
        self.blank();
        let text = crate::i18n::tr(self.lang, text);
        self.line(0, vec![span(Role::Heading, &text)]);
    }

    pub(super) fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.spans.is_empty()) {
            self.lines.push(DocLine::default());
        }
    }

    /// A field, its label translated into the document's language and padded to a common
    /// column by display width (a Chinese character takes two columns).
    pub(super) fn field(&mut self, label: &str, value: &str) {
        if !value.is_empty() {
            let label = crate::i18n::tr(self.lang, label);
            let pad = 11usize.saturating_sub(crate::text::width(&label));
            self.line(
                2,
                vec![
                    span(Role::Label, &format!("{label}{} ", " ".repeat(pad))),
                    span(Role::Value, value),
                ],
            );
        }
    }

    /// The document laid out in `width` columns: visual lines of spans, each with the index of
    /// the document line it shows. Paragraphs wrap under their indent; a line of several spans
    /// that does not fit keeps its first span (a label) and wraps the rest beside it, with a
    /// hanging indent. Nothing is cut off. The TUI's detail pane and `evidex show` both print
    /// this, so the two agree.
    pub fn layout(&self, width: usize) -> Vec<(Vec<Span>, usize)> {
        let mut out = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            let indent = l.indent as usize;
            let pad = || span(Role::Plain, &" ".repeat(indent));
            let total: usize = l.spans.iter().map(|s| crate::text::width(&s.text)).sum();
            if l.spans.is_empty() {
                out.push((Vec::new(), i));
            } else if l.wrap || (l.spans.len() == 1 && indent + total > width) {
                let role = l.spans[0].role;
                for piece in crate::text::wrap(&l.text(), width.saturating_sub(indent).max(4)) {
                    out.push((vec![pad(), Span { text: piece, role }], i));
                }
            } else if indent + total <= width {
                let mut spans = vec![pad()];
                spans.extend(l.spans.iter().cloned());
                out.push((spans, i));
            } else {
                let head = &l.spans[0];
                let head_w = crate::text::width(&head.text);
                let hang = if indent + head_w <= width / 2 {
                    head_w
                } else {
                    0
                };
                let rest_w = width.saturating_sub(indent + hang).max(4);
                // The rest as one text, remembering where each span starts.
                let rest_spans = if hang > 0 {
                    &l.spans[1..]
                } else {
                    &l.spans[..]
                };
                let mut rest = String::new();
                let mut starts = Vec::new();
                for sp in rest_spans {
                    starts.push((rest.len(), sp.role));
                    rest.push_str(&sp.text);
                }
                let mut pos = 0;
                for (n, piece) in crate::text::wrap(&rest, rest_w).into_iter().enumerate() {
                    let at = rest[pos..].find(piece.as_str()).map_or(pos, |o| pos + o);
                    pos = at + piece.len();
                    let role = starts
                        .iter()
                        .rev()
                        .find(|(s, _)| *s <= at)
                        .map_or(Role::Plain, |(_, r)| *r);
                    let lead = if n == 0 && hang > 0 {
                        head.clone()
                    } else {
                        span(Role::Plain, &" ".repeat(hang))
                    };
                    out.push((vec![pad(), lead, Span { text: piece, role }], i));
                }
            }
        }
        out
    }

    /// Plain text in `width` columns (for the CLI).
    pub fn to_plain(&self, width: usize) -> String {
        let mut out = String::new();
        for (spans, _) in self.layout(width) {
            let line: String = spans.iter().map(|s| s.text.as_str()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

pub fn span(role: Role, text: &str) -> Span {
    Span {
        text: clean(text).into_owned(),
        role,
    }
}
