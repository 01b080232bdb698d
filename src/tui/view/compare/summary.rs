//! The summary of findings: per outcome the studies and participants, the relative and the
//! absolute effect, the certainty and each rule that lowered it with its reason, then the
//! notes. Laid out once per summary and width ([`SofLayout`], kept in the state); drawing
//! takes the visible lines.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::compare::sof::{Side, SummaryOfFindings};
use crate::export::sof::{certainty_text, studies_text};
use crate::i18n::{tr, trf};
use crate::present::Role;
use crate::text::{clean, fit, wrap};
use crate::tui::state::State;
use crate::tui::theme::Theme;

/// The summary wrapped to a width: lines of (label, text, role).
#[derive(Debug)]
pub struct SofLayout {
    pub width: u16,
    lines: Vec<(String, String, Role)>,
}

/// The width of the labels (`Relative`, `Per 1,000`; in Chinese at most five characters).
const LABEL: usize = 11;

impl SofLayout {
    /// The summary laid out in its own language ([`SummaryOfFindings::lang`]).
    pub fn new(s: &SummaryOfFindings, width: u16) -> SofLayout {
        let lang = s.lang;
        let mut out = Lines {
            lang,
            w: width.saturating_sub(2) as usize,
            lines: Vec::new(),
        };
        let title = trf(
            lang,
            "Summary of findings · %{title}",
            &[("title", &clean(&s.title))],
        );
        out.wrapped(&title, Role::Title);
        for f in &s.findings {
            out.finding(f);
        }
        if s.findings.is_empty() {
            out.line(tr(lang, "No outcome to summarise.").into_owned(), Role::Dim);
        }
        for n in &s.notes {
            out.blank();
            out.wrapped(&clean(n), Role::Dim);
        }
        if !s.references.is_empty() {
            out.blank();
            out.line(tr(lang, "References").into_owned(), Role::Heading);
            for r in s.references.iter() {
                out.wrapped(
                    &format!("{}. {}", r.number, crate::cite::vancouver(r)),
                    Role::Dim,
                );
            }
        }
        SofLayout {
            width,
            lines: out.lines,
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

/// The lines of a layout as they are added, `w` columns wide.
struct Lines {
    lang: crate::corpus::Lang,
    w: usize,
    lines: Vec<(String, String, Role)>,
}

impl Lines {
    /// One line of text with no label.
    fn line(&mut self, text: String, role: Role) {
        self.lines.push((String::new(), text, role));
    }

    /// An empty line.
    fn blank(&mut self) {
        self.line(String::new(), Role::Plain);
    }

    /// `text` wrapped to the full width, with no label.
    fn wrapped(&mut self, text: &str, role: Role) {
        for l in wrap(text, self.w) {
            self.line(l, role);
        }
    }

    /// `text` wrapped beside `label` (translated; on its first line only).
    fn field(&mut self, label: &str, text: &str, role: Role) {
        let w = self.w.saturating_sub(LABEL + 2).max(10);
        for (i, l) in wrap(&clean(text), w).into_iter().enumerate() {
            let label = if i == 0 {
                tr(self.lang, label)
            } else {
                "".into()
            };
            self.lines
                .push((format!("  {}", fit(&label, LABEL)), l, role));
        }
    }

    /// One finding: its outcome, studies, relative and absolute effects, and its certainty
    /// with where it started and each rule that lowered it.
    fn finding(&mut self, f: &crate::compare::sof::Finding) {
        let lang = self.lang;
        self.blank();
        let refs = crate::cite::marker(&f.refs);
        let side = if f.side == Side::Safety {
            format!(" · {}", tr(lang, "safety"))
        } else {
            String::new()
        };
        self.line(
            format!("{}{side} {refs}", clean(&f.outcome_in(lang)))
                .trim_end()
                .to_string(),
            Role::Heading,
        );
        self.field("Studies", &studies_text(f, lang), Role::Value);
        self.field("Relative", &f.relative, Role::Value);
        match &f.absolute {
            Some(a) => self.field("Per 1,000", a, Role::Value),
            None => self.field("Per 1,000", &tr(lang, "no control rate known"), Role::Dim),
        }
        self.field("Certainty", &certainty_text(f, lang), Role::Best);
        let start = trf(lang, "starts: %{reason}", &[("reason", &f.start_reason)]);
        self.field("", &start, Role::Dim);
        for d in &f.downgrades {
            let rule = trf(
                lang,
                "↓ %{rule}: %{reason}",
                &[("rule", &d.rule_in(lang)), ("reason", &d.reason)],
            );
            self.field("", &rule, Role::Dim);
        }
    }
}

pub(super) fn summary(
    s: &State,
    layout: Option<&SofLayout>,
    f: &mut Frame,
    area: Rect,
    theme: &Theme,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(layout) = layout else { return };
    let rows = super::shown(layout.len(), s.compare.scroll, inner.height);
    let lines: Vec<Line> = layout.lines[rows]
        .iter()
        .map(|(label, text, role)| {
            Line::from(vec![
                Span::styled(label.clone(), theme.role(Role::Label)),
                Span::styled(text.clone(), theme.role(*role)),
            ])
        })
        .collect();
    f.render_widget(Paragraph::new(lines), inner);
}
