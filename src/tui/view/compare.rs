//! The compare screen: tabs (Table, Forest plot, Bars), the caveat banner, and the three views
//! of one [`crate::compare::Comparison`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::compare::{self, Comparison};
use crate::corpus::Corpus;
use crate::export::BEST;
use crate::present::Role;
use crate::text::{clean, fit, truncate, width, wrap};
use crate::tui::state::{State, Tab};
use crate::tui::theme::Theme;

pub fn draw(s: &State, f: &mut Frame, theme: &Theme) {
    let Some(c) = s.corpus() else { return };
    let area = f.area();
    let cmp = compare::compare(c, &s.compare.records, s.lang);

    // Tabs.
    let mut tabs = vec![Span::styled(" Compare ", theme.role(Role::Title))];
    for t in Tab::ALL {
        let st = if t == s.compare.tab {
            theme.selected()
        } else {
            theme.dim()
        };
        tabs.push(Span::styled(format!(" {} ", t.title()), st));
        tabs.push(Span::raw(" "));
    }
    tabs.push(Span::styled(
        " Tab switch · e export · y copy · Esc back",
        theme.dim(),
    ));
    f.render_widget(
        Paragraph::new(Line::from(tabs)),
        Rect::new(0, 0, area.width, 1),
    );

    // Caveats. Those about one column are shown in its header ([single-arm], [planned…]);
    // the banner keeps the ones about the comparison as a whole.
    let mut y = 1;
    let general = cmp.caveats.iter().filter(|cav| {
        !cmp.columns
            .iter()
            .any(|col| col.caution.is_some() && cav.starts_with(&format!("{}:", col.title)))
    });
    for cav in general {
        for l in wrap(&format!("⚠ {}", clean(cav)), area.width as usize) {
            if y + 4 >= area.height {
                break;
            }
            f.render_widget(
                Paragraph::new(Span::styled(l, theme.role(Role::Flag))),
                Rect::new(0, y, area.width, 1),
            );
            y += 1;
        }
    }
    let body = Rect::new(0, y, area.width, area.height.saturating_sub(y + 1));
    match s.compare.tab {
        Tab::Table => table(s, &cmp, f, body, theme),
        Tab::Forest => forest(s, c, f, body, theme),
        Tab::Bars => bars(s, c, f, body, theme),
    }
    // Status line.
    let status = match &s.status {
        Some((m, err)) => Span::styled(
            clean(m).into_owned(),
            if *err { theme.error() } else { theme.key() },
        ),
        None => Span::styled(
            format!("{BEST} best value in its row (bold) · ←/→ endpoint in charts · ? help"),
            theme.dim(),
        ),
    };
    f.render_widget(
        Paragraph::new(Line::from(status)),
        Rect::new(0, area.height.saturating_sub(1), area.width, 1),
    );
}

fn table(s: &State, cmp: &Comparison, f: &mut Frame, area: Rect, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let n = cmp.columns.len().max(1);
    let w = inner.width as usize;
    let label_w = (w / 5).clamp(12, 22);
    let col_w = (w.saturating_sub(label_w + 1) / n).saturating_sub(1).max(6);

    let mut lines: Vec<Line> = Vec::new();
    // Header: titles, then cautions and flags.
    let mut head = vec![Span::raw(fit("", label_w))];
    for col in &cmp.columns {
        head.push(Span::raw("│"));
        head.push(Span::styled(
            fit(&clean(&col.title), col_w),
            theme.role(Role::Title),
        ));
    }
    let mut sub = vec![Span::raw(fit("", label_w))];
    for col in &cmp.columns {
        sub.push(Span::raw("│"));
        let text = col
            .caution
            .as_deref()
            .map(|c| format!("[{c}]"))
            .unwrap_or_else(|| format!("{} {}", col.kind, col.id));
        let role = if col.caution.is_some() {
            Role::Flag
        } else {
            Role::Dim
        };
        sub.push(Span::styled(fit(&clean(&text), col_w), theme.role(role)));
    }
    let header = [
        Line::from(head),
        Line::from(sub),
        Line::from(Span::styled("─".repeat(w), theme.dim())),
    ];

    let mut group = String::new();
    for r in &cmp.rows {
        if r.group != group {
            if r.group != "Study" && r.group != "Therapy" || group.is_empty() {
                lines.push(Line::from(Span::styled(
                    clean(&r.group).into_owned(),
                    theme.role(Role::Heading),
                )));
            }
            group = r.group.clone();
        }
        let wrapped: Vec<Vec<String>> = r
            .cells
            .iter()
            .map(|cell| {
                let t = if cell.best {
                    format!("{} {BEST}", clean(&cell.text))
                } else {
                    clean(&cell.text).into_owned()
                };
                wrap(&t, col_w)
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).min(4);
        for i in 0..height {
            let label = if i == 0 {
                fit(&clean(&r.label), label_w)
            } else {
                fit("", label_w)
            };
            let mut spans = vec![Span::styled(label, theme.role(Role::Label))];
            for (cell, lines) in r.cells.iter().zip(&wrapped) {
                spans.push(Span::raw("│"));
                let t = fit(lines.get(i).map_or("", String::as_str), col_w);
                let st = if cell.best {
                    theme.role(Role::Best)
                } else if cell.text == compare::NOT_REPORTED || cell.text == compare::NOT_APPLICABLE
                {
                    theme.dim()
                } else if cell.text.starts_with('⚑') {
                    theme.role(Role::Flag)
                } else {
                    Style::new()
                };
                spans.push(Span::styled(t, st));
            }
            lines.push(Line::from(spans));
        }
    }
    let visible = (inner.height as usize).saturating_sub(header.len());
    let max_scroll = lines.len().saturating_sub(visible);
    let scroll = s.compare.scroll.min(max_scroll);
    let mut shown: Vec<Line> = header.to_vec();
    shown.extend(lines.into_iter().skip(scroll).take(visible));
    f.render_widget(Paragraph::new(shown), inner);
}

/// The endpoint the charts show.
fn endpoint(s: &State, c: &Corpus) -> Option<String> {
    let eps = compare::chart_endpoints(c, &s.compare.records);
    if eps.is_empty() {
        return None;
    }
    Some(eps[s.compare.endpoint % eps.len()].clone())
}

fn endpoint_line(s: &State, c: &Corpus, theme: &Theme) -> Line<'static> {
    let eps = compare::chart_endpoints(c, &s.compare.records);
    let mut spans = vec![Span::styled("Endpoint ◀ ", theme.dim())];
    for (i, e) in eps.iter().enumerate() {
        let st = if i == s.compare.endpoint % eps.len().max(1) {
            theme.selected()
        } else {
            theme.dim()
        };
        spans.push(Span::styled(format!(" {e} "), st));
    }
    spans.push(Span::styled(" ▶", theme.dim()));
    Line::from(spans)
}

/// Column of a value on a log axis from `lo` to `hi` over `w` cells.
fn log_x(v: f64, lo: f64, hi: f64, w: usize) -> usize {
    let t = (v.ln() - lo.ln()) / (hi.ln() - lo.ln());
    ((t * (w.saturating_sub(1)) as f64).round().max(0.0) as usize).min(w.saturating_sub(1))
}

fn forest(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(" Hazard ratios (log scale) ");
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = vec![endpoint_line(s, c, theme), Line::default()];
    let Some(ep) = endpoint(s, c) else {
        lines.push(Line::from(Span::styled(
            "The compared records report no endpoint.",
            theme.dim(),
        )));
        f.render_widget(Paragraph::new(lines), inner);
        return;
    };
    let rows = compare::forest(c, &s.compare.records, &ep, s.lang);
    let w = inner.width as usize;
    let name_w = (w / 5).clamp(8, 20);
    let label_w = rows
        .iter()
        .map(|r| width(&r.label))
        .max()
        .unwrap_or(10)
        .clamp(10, 30)
        .min(w / 3);
    let plot_w = w.saturating_sub(name_w + label_w + 3).max(10);
    // Axis range: the data, 1.0 included, padded, on a log scale.
    let mut lo: f64 = 1.0;
    let mut hi: f64 = 1.0;
    for (hr, ci) in rows.iter().filter_map(|r| r.hr) {
        let (l, h) = ci.unwrap_or((hr, hr));
        lo = lo.min(l.min(hr));
        hi = hi.max(h.max(hr));
    }
    let (lo, hi) = ((lo / 1.25).max(0.01), (hi * 1.25).min(100.0));
    let one = log_x(1.0, lo, hi, plot_w);
    for r in &rows {
        let mut cells: Vec<char> = vec![' '; plot_w];
        cells[one] = '│';
        let mut text = Span::styled(fit(&clean(&r.label), label_w), Style::new());
        if let Some((hr, ci)) = r.hr {
            if let Some((l, h)) = ci {
                let (a, b) = (log_x(l, lo, hi, plot_w), log_x(h, lo, hi, plot_w));
                for cell in cells.iter_mut().take(b + 1).skip(a) {
                    *cell = '─';
                }
                cells[a] = '├';
                cells[b] = '┤';
            }
            cells[log_x(hr, lo, hi, plot_w)] = '●';
        } else {
            text = Span::styled(fit("HR not reported", label_w), theme.dim());
        }
        let plot: String = cells.into_iter().collect();
        lines.push(Line::from(vec![
            Span::styled(fit(&clean(&r.title), name_w), theme.role(Role::Label)),
            Span::raw(" "),
            Span::styled(plot, theme.role(Role::Best).remove_modifier(Modifier::BOLD)),
            Span::raw(" "),
            text,
        ]));
    }
    // Axis with ticks at lo, 1 and hi.
    let mut axis: Vec<char> = vec!['─'; plot_w];
    axis[one] = '┼';
    let mut ticks: Vec<char> = vec![' '; plot_w];
    let mut put = |x: usize, label: &str| {
        let start = x
            .saturating_sub(label.len() / 2)
            .min(plot_w.saturating_sub(label.len()));
        for (i, ch) in label.chars().enumerate() {
            if let Some(t) = ticks.get_mut(start + i) {
                *t = ch;
            }
        }
    };
    put(0, &format!("{lo:.2}"));
    put(one, "1");
    put(plot_w - 1, &format!("{hi:.2}"));
    let pad = " ".repeat(name_w + 1);
    lines.push(Line::from(format!(
        "{pad}{}",
        axis.into_iter().collect::<String>()
    )));
    lines.push(Line::from(format!(
        "{pad}{}",
        ticks.into_iter().collect::<String>()
    )));
    let left = "← favours experimental";
    let right = "favours control →";
    let gap = plot_w.saturating_sub(width(left) + width(right));
    lines.push(Line::from(Span::styled(
        format!("{pad}{left}{}{right}", " ".repeat(gap)),
        theme.dim(),
    )));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        truncate(
            "● estimate  ├─┤ confidence interval  │ HR = 1 (no difference)",
            w,
        )
        .into_owned(),
        theme.dim(),
    )));
    f.render_widget(Paragraph::new(lines), inner);
}

fn bars(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = vec![endpoint_line(s, c, theme), Line::default()];
    let Some(ep) = endpoint(s, c) else {
        f.render_widget(Paragraph::new(lines), inner);
        return;
    };
    let groups = compare::bars(c, &s.compare.records, &ep, s.lang);
    let unit = s
        .compare
        .records
        .iter()
        .filter(|r| r.kind == crate::corpus::Kind::Trial)
        .find_map(|r| compare::outcome_for(c.trial(r.index), &ep).and_then(|o| o.unit.clone()))
        .unwrap_or_default();
    lines.push(Line::from(Span::styled(
        format!(
            "{ep} {}",
            if unit.is_empty() {
                String::new()
            } else {
                format!("({unit})")
            }
        ),
        theme.role(Role::Heading),
    )));
    let w = inner.width as usize;
    let label_w = (w / 3).clamp(10, 34);
    let max = groups
        .iter()
        .flat_map(|(_, b)| b)
        .map(|b| b.value)
        .fold(0.0f64, f64::max);
    let bar_w = w.saturating_sub(label_w + 2 + 18).max(4);
    for (title, bars) in &groups {
        lines.push(Line::from(Span::styled(
            clean(title).into_owned(),
            theme.role(Role::Title),
        )));
        if bars.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  {ep} not reported"),
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
        "█ experimental  ░ control; bars scaled to the largest value",
        theme.dim(),
    )));
    let visible = inner.height as usize;
    let scroll = s.compare.scroll.min(lines.len().saturating_sub(visible));
    f.render_widget(
        Paragraph::new(
            lines
                .into_iter()
                .skip(scroll)
                .take(visible)
                .collect::<Vec<_>>(),
        ),
        inner,
    );
}
