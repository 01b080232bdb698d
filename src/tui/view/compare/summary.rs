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
        let w = width.saturating_sub(2) as usize;
        let mut lines: Vec<(String, String, Role)> = Vec::new();
        let field = |lines: &mut Vec<(String, String, Role)>, label: &str, text: &str, role| {
            for (i, l) in wrap(&clean(text), w.saturating_sub(LABEL + 2).max(10))
                .into_iter()
                .enumerate()
            {
                let label = if i == 0 { tr(lang, label) } else { "".into() };
                lines.push((format!("  {}", fit(&label, LABEL)), l, role));
            }
        };
        let title = trf(
            lang,
            "Summary of findings · %{title}",
            &[("title", &clean(&s.title))],
        );
        for l in wrap(&title, w) {
            lines.push((String::new(), l, Role::Title));
        }
        for f in &s.findings {
            lines.push((String::new(), String::new(), Role::Plain));
            let refs = crate::cite::marker(&f.refs);
            let side = if f.side == Side::Safety {
                format!(" · {}", tr(lang, "safety"))
            } else {
                String::new()
            };
            lines.push((
                String::new(),
                format!("{}{side} {refs}", clean(&f.outcome_in(lang)))
                    .trim_end()
                    .to_string(),
                Role::Heading,
            ));
            field(&mut lines, "Studies", &studies_text(f, lang), Role::Value);
            field(&mut lines, "Relative", &f.relative, Role::Value);
            field(
                &mut lines,
                "Per 1,000",
                &f.absolute
                    .clone()
                    .unwrap_or_else(|| tr(lang, "no control rate known").into_owned()),
                if f.absolute.is_some() {
                    Role::Value
                } else {
                    Role::Dim
                },
            );
            field(
                &mut lines,
                "Certainty",
                &certainty_text(f, lang),
                Role::Best,
            );
            field(
                &mut lines,
                "",
                &trf(lang, "starts: %{reason}", &[("reason", &f.start_reason)]),
                Role::Dim,
            );
            for d in &f.downgrades {
                field(
                    &mut lines,
                    "",
                    &trf(
                        lang,
                        "↓ %{rule}: %{reason}",
                        &[("rule", &d.rule_in(lang)), ("reason", &d.reason)],
                    ),
                    Role::Dim,
                );
            }
        }
        if s.findings.is_empty() {
            lines.push((
                String::new(),
                tr(lang, "No outcome to summarise.").into_owned(),
                Role::Dim,
            ));
        }
        for n in &s.notes {
            lines.push((String::new(), String::new(), Role::Plain));
            for l in wrap(&clean(n), w) {
                lines.push((String::new(), l, Role::Dim));
            }
        }
        if !s.references.is_empty() {
            lines.push((String::new(), String::new(), Role::Plain));
            lines.push((
                String::new(),
                tr(lang, "References").into_owned(),
                Role::Heading,
            ));
            for r in s.references.iter() {
                let text = format!("{}. {}", r.number, crate::cite::vancouver(r));
                for l in wrap(&text, w) {
                    lines.push((String::new(), l, Role::Dim));
                }
            }
        }
        SofLayout { width, lines }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
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
