//! The help overlay: every key of the screen underneath, straight from the keymap, and the
//! query language, and what each evidence level means.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::corpus::EvidenceLevel;
use crate::i18n::{tr, trf};
use crate::search::query::Field;
use crate::text::fit;
use crate::tui::keymap::Context;
use crate::tui::state::{Focus, Screen, State};
use crate::tui::theme::Theme;

/// The context the help is about: the screen under the overlay.
fn underneath(s: &State) -> Context {
    if s.screen == Screen::Compare {
        return Context::Compare;
    }
    if s.facet_cursor.is_some() {
        return Context::Facets;
    }
    match s.focus {
        Focus::Input => Context::Input,
        Focus::List => Context::List,
        Focus::Detail => Context::Detail,
    }
}

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

/// What each evidence level means (the `level:` filter and the detail's Evidence line).
fn evidence_legend(lines: &mut Vec<Line<'_>>, lang: crate::corpus::Lang, theme: &Theme) {
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        tr(
            lang,
            "Evidence levels (from the design the source states; level:1..2 filters)",
        ),
        theme.role(crate::present::Role::Heading),
    )));
    for l in (1..=5).chain([EvidenceLevel::UNRATED.0]) {
        let level = EvidenceLevel(l);
        lines.push(Line::from(vec![
            Span::styled(
                fit(&format!("  {}", tr(lang, &level.to_string())), 12),
                theme.key(),
            ),
            Span::raw(tr(lang, level.meaning())),
        ]));
    }
}

/// How far the help can scroll on the screen `s` describes: its lines beyond the ones shown.
pub fn max_scroll(s: &State) -> usize {
    let n = lines(s, &Theme::new(crate::tui::theme::ThemeName::Mono)).len();
    n.saturating_sub(visible_rows(s.height, n))
}

/// The rows of the help's box that hold lines, for `n` lines on a screen `height` rows tall.
fn visible_rows(height: u16, n: usize) -> usize {
    (n + 2)
        .min(usize::from(height.saturating_sub(2)))
        .saturating_sub(2)
}

pub fn draw(s: &State, f: &mut Frame, theme: &Theme) {
    let area = f.area();
    let ctx = underneath(s);
    let lines = lines(s, theme);
    let rows = visible_rows(area.height, lines.len());
    let max = lines.len().saturating_sub(rows);
    let skip = s.help_scroll.min(max);
    let w = (area.width.saturating_sub(4)).min(90);
    let h = (rows as u16 + 2).min(area.height);
    let rect = Rect::new((area.width - w) / 2, (area.height - h) / 2, w, h);
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
                ("n", &lines.len()),
            ],
        )
    };
    f.render_widget(Clear, rect);
    f.buffer_mut().set_style(rect, theme.base());
    f.render_widget(
        Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>()).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border(true))
                .title(title),
        ),
        rect,
    );
}

/// Every line of the help about the screen under it.
fn lines<'a>(s: &'a State, theme: &Theme) -> Vec<Line<'a>> {
    let ctx = underneath(s);
    let mut lines: Vec<Line> = Vec::new();
    // Key names stay as written (Ctrl-C, Space); the one word among them ("type") is translated.
    let keys: Vec<(String, std::borrow::Cow<str>)> = s
        .keymap
        .help_for(ctx, s.input.is_empty())
        .into_iter()
        .map(|(k, h)| (tr(s.lang, &k).into_owned(), tr(s.lang, h)))
        .collect();
    let kw = keys
        .iter()
        .map(|(k, _)| crate::text::width(k))
        .max()
        .unwrap_or(6)
        + 2;
    // The box's inner width (as `draw` makes it): a description longer than its room wraps
    // under itself rather than being cut.
    let inner = usize::from(s.width.saturating_sub(4).min(90).saturating_sub(2));
    for (k, h) in keys {
        let room = inner.saturating_sub(kw).max(10);
        for (i, part) in crate::text::wrap(&h, room).into_iter().enumerate() {
            let key = if i == 0 { fit(&k, kw) } else { " ".repeat(kw) };
            lines.push(Line::from(vec![
                Span::styled(key, theme.key()),
                Span::raw(part),
            ]));
        }
    }
    lines.push(Line::from(vec![
        Span::styled(fit(&tr(s.lang, "mouse"), kw), theme.key()),
        Span::raw(if ctx == Context::Compare {
            tr(s.lang, "the wheel scrolls the comparison")
        } else {
            tr(
                s.lang,
                "the wheel scrolls the pane under the pointer; a click selects",
            )
        }),
    ]));
    if ctx == Context::Detail {
        evidence_legend(&mut lines, s.lang, theme);
    }
    if matches!(ctx, Context::Input | Context::List) {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            tr(s.lang, "Query language"),
            theme.role(crate::present::Role::Heading),
        )));
        lines.push(Line::from(tr(
            s.lang,
            "  words match fuzzily in English, 中文, pinyin (aoxitini, axtn), aliases, ids",
        )));
        lines.push(Line::from(tr(
            s.lang,
            "  \"a phrase\" must appear as is · -word or -field:value excludes",
        )));
        lines.push(Line::from(tr(
            s.lang,
            "  a | b matches either: tace emerald | leap is tace and (emerald or leap)",
        )));
        for (name, _, values) in Field::ALL {
            let room = inner.saturating_sub(12).max(10);
            for (i, part) in crate::text::wrap(&tr(s.lang, values), room)
                .into_iter()
                .enumerate()
            {
                let key = if i == 0 {
                    fit(&format!("  {name}:"), 12)
                } else {
                    " ".repeat(12)
                };
                lines.push(Line::from(vec![
                    Span::styled(key, theme.key()),
                    Span::raw(part),
                ]));
            }
        }
        evidence_legend(&mut lines, s.lang, theme);
    }
    lines
}
