//! The help overlay, drawn from the lines `State` keeps (`tui::help`: every key of the screen
//! underneath, straight from the keymap, the query language, what each evidence level means),
//! and the menu of saved sets.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::i18n::{tr, trf};
use crate::text::fit;
use crate::tui::help::HelpLine;
use crate::tui::state::State;
use crate::tui::theme::Theme;

/// The menu of saved sets, over the browser: each set's name, size and date.
pub fn draw_sets(s: &State, f: &mut Frame, theme: &Theme) {
    let Some((sets, selected)) = &s.sets_menu else {
        return;
    };
    let area = f.area();
    let w = area.width.saturating_sub(8).min(80);
    let inner_w = w.saturating_sub(2) as usize;
    let lines: Vec<Line> = sets
        .iter()
        .enumerate()
        .map(|(i, set)| {
            let text = fit(
                &trf(
                    s.lang,
                    " %{name}  (%{n} records, %{date})",
                    &[
                        ("name", &crate::text::clean(&set.name)),
                        ("n", &set.records.len()),
                        ("date", &crate::text::clean(&set.created)),
                    ],
                ),
                inner_w,
            );
            if i == *selected {
                Line::from(Span::styled(text, theme.selected()))
            } else {
                Line::from(Span::raw(text))
            }
        })
        .collect();
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(4));
    let rect = Rect::new((area.width - w) / 2, (area.height - h) / 2, w, h);
    // Keep the selected set in view.
    let visible = h.saturating_sub(2) as usize;
    let skip = selected.saturating_sub(visible.saturating_sub(1));
    f.render_widget(Clear, rect);
    f.buffer_mut().set_style(rect, theme.base());
    f.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border(true))
                .title(tr(
                    s.lang,
                    " Saved sets — Enter marks its records · Esc closes ",
                )),
        ),
        rect,
    );
}

/// The help overlay: the lines `State` keeps for the screen underneath, scrolled.
pub fn draw(s: &State, f: &mut Frame, theme: &Theme) {
    let Some(help) = &s.help_content else {
        return;
    };
    let area = f.area();
    let rows = help.visible_rows(area.height);
    let max = help.max_scroll(area.height);
    let skip = s.help_scroll.min(max);
    let w = (area.width.saturating_sub(4)).min(90);
    let h = (rows as u16 + 2).min(area.height);
    let rect = Rect::new((area.width - w) / 2, (area.height - h) / 2, w, h);
    let ctx = help.context;
    let title = if max == 0 {
        trf(
            s.lang,
            " Keys: %{ctx} — Esc closes ",
            &[("ctx", &tr(s.lang, ctx.title()))],
        )
    } else {
        trf(
            s.lang,
            " Keys: %{ctx} — ↑/↓ %{from}–%{to} of %{n} · Esc closes ",
            &[
                ("ctx", &tr(s.lang, ctx.title())),
                ("from", &(skip + 1)),
                ("to", &(skip + rows)),
                ("n", &help.lines.len()),
            ],
        )
    };
    let lines: Vec<Line> = help
        .lines
        .iter()
        .skip(skip)
        .map(|l| match l {
            HelpLine::Key { key, width, text } => Line::from(vec![
                Span::styled(fit(key, *width), theme.key()),
                Span::raw(text.as_str()),
            ]),
            HelpLine::Heading(text) => Line::from(Span::styled(
                text.as_str(),
                theme.role(crate::present::Role::Heading),
            )),
            HelpLine::Text(text) => Line::from(text.as_str()),
            HelpLine::Blank => Line::default(),
        })
        .collect();
    f.render_widget(Clear, rect);
    f.buffer_mut().set_style(rect, theme.base());
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border(true))
                .title(title),
        ),
        rect,
    );
}
