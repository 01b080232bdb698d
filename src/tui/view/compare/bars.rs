//! The bar chart: one endpoint's values per arm, scaled to the largest.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::compare::Chart;
use crate::present::Role;
use crate::text::{clean, fit, wrap};
use crate::tui::state::{ChartData, CompareView, State};
use crate::tui::theme::Theme;

use super::{chart_choice, endpoint_line, scrolled};
use crate::i18n::{tr, trf};

pub(super) fn bars(s: &State, v: &CompareView, f: &mut Frame, area: Rect, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let (choices, i) = chart_choice(s, v, Chart::Bars);
    let mut lines = vec![
        endpoint_line(s, &choices, i, Chart::Bars, inner.width as usize, theme),
        Line::default(),
    ];
    let (Some(group), Some(ChartData::Bars { groups, .. })) = (choices.get(i), &v.chart) else {
        lines.push(Line::from(Span::styled(
            tr(s.lang, "The compared records report no endpoint."),
            theme.dim(),
        )));
        f.render_widget(Paragraph::new(lines), inner);
        return;
    };
    let ep = group.endpoint().unwrap_or_default();
    for l in wrap(&clean(&group.title_in(s.lang)), inner.width as usize) {
        lines.push(Line::from(Span::styled(l, theme.role(Role::Heading))));
    }
    let w = inner.width as usize;
    let label_w = (w / 3).clamp(10, 34);
    let max = groups
        .iter()
        .flat_map(|(_, b)| b)
        .map(|b| b.value)
        .fold(0.0f64, f64::max);
    let bar_w = w.saturating_sub(label_w + 2 + 18).max(4);
    for (title, bars) in groups {
        lines.push(Line::from(Span::styled(
            clean(title).into_owned(),
            theme.role(Role::Title),
        )));
        if bars.is_empty() {
            lines.push(Line::from(Span::styled(
                trf(s.lang, "  %{ep} not reported", &[("ep", &ep)]),
                theme.dim(),
            )));
        }
        for b in bars {
            let len = if max > 0.0 {
                ((b.value / max) * bar_w as f64).round() as usize
            } else {
                0
            };
            let ch = if b.control { "░" } else { "█" };
            lines.push(Line::from(vec![
                Span::styled(
                    fit(&format!("  {}", clean(&b.arm)), label_w),
                    theme.role(Role::Label),
                ),
                Span::raw(" "),
                Span::styled(
                    ch.repeat(len.max(1)),
                    if b.control {
                        theme.dim()
                    } else {
                        theme.role(Role::Best).remove_modifier(Modifier::BOLD)
                    },
                ),
                Span::raw(format!(" {}", clean(&b.text))),
            ]));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        tr(
            s.lang,
            "█ experimental  ░ control; bars scaled to the largest value",
        ),
        theme.dim(),
    )));
    scrolled(f, lines, s.compare.scroll, inner);
}
