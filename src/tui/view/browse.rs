//! The browse screen: input line, facets or query error, results list (`view::results`),
//! detail pane, status bar.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::corpus::{Corpus, Lang, RecordRef};
use crate::i18n::{tr, trf};
use crate::present;
use crate::search::KeyField;
use crate::text::{clean, truncate, width};
use crate::tui::action::Action;
use crate::tui::facets;
use crate::tui::keymap::Context;
use crate::tui::state::{Focus, PromptKind, State, areas_for, keep_span_visible, rows_of};
use crate::tui::theme::Theme;

pub fn draw(s: &State, f: &mut Frame, theme: &Theme) {
    let Some(engine) = s.engine() else { return };
    let c = engine.corpus();
    let a = areas_for(
        s.width.min(f.area().width),
        s.height.min(f.area().height),
        s.zoomed(),
    );
    input_line(s, f, a.input, theme);
    info_line(s, f, a.info, theme);
    if a.list.width > 0 {
        super::results::results(s, c, f, a.list, theme);
    }
    detail(s, c, f, a.detail, theme);
    status_bar(s, c, f, a.status, theme);
    error_in_full(s, f, a.info, a.list.height, theme);
}

/// The query error and its note, each as the info line shows them.
fn error_words(s: &State) -> Option<(String, String)> {
    let err = s.query_error.as_ref()?;
    Some((
        format!("⚠ {}", err.message(s.lang)),
        tr(s.lang, "  (showing the last good results)").into_owned(),
    ))
}

/// A query error too long for the info line is shown whole, wrapped over the first rows below
/// it while the query stays wrong (at most the body's height; a last row that cannot hold the
/// rest ends with `…`).
fn error_in_full(s: &State, f: &mut Frame, info: Rect, body_h: u16, theme: &Theme) {
    let Some((message, note)) = error_words(s) else {
        return;
    };
    let w = info.width as usize;
    if w == 0 || width(&message) + width(&note) <= w {
        return;
    }
    let mut rows = crate::text::wrap(&format!("{message}{note}"), w);
    let most = (body_h as usize + 1).max(1);
    if rows.len() > most {
        let rest = rows[most - 1..].join(" ");
        rows.truncate(most - 1);
        rows.push(truncate(&rest, w).into_owned());
    }
    let area = Rect::new(info.x, info.y, info.width, rows.len() as u16);
    let lines: Vec<Line> = rows
        .into_iter()
        .map(|r| Line::from(Span::styled(r, theme.error())))
        .collect();
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(lines).style(theme.base()), area);
}

fn input_line(s: &State, f: &mut Frame, area: Rect, theme: &Theme) {
    let (prompt, input, focused) = match &s.prompt {
        Some(p) => (
            match p.kind {
                PromptKind::SaveSet => tr(s.lang, "Save the marked records as the set › "),
                PromptKind::Note(_) => tr(s.lang, "Your note › "),
            },
            &p.input,
            true,
        ),
        None => (tr(s.lang, "Search › "), &s.input, s.focus == Focus::Input),
    };
    let searching = s.generation != s.shown_generation;
    let right = match (&s.results, searching) {
        (_, true) => tr(s.lang, "searching…").into_owned(),
        (Some(r), false) => trf(
            s.lang,
            if r.total == 1 {
                "1 result · %{ms} ms"
            } else {
                "%{n} results · %{ms} ms"
            },
            &[
                ("n", &r.total),
                ("ms", &format!("{:.1}", r.elapsed.as_secs_f64() * 1000.0)),
            ],
        ),
        (None, false) => String::new(),
    };
    let avail = (area.width as usize)
        .saturating_sub(width(&prompt) + width(&right) + 2)
        .max(1);
    // The text scrolled horizontally (by tui-input) so the cursor stays visible.
    let (scroll, cursor_col) = input.scroll(avail);
    let text = clean(input.text());
    let mut skipped = 0;
    let mut start = text.len();
    for (i, ch) in text.char_indices() {
        if skipped >= scroll {
            start = i;
            break;
        }
        skipped += width(ch.encode_utf8(&mut [0; 4]));
    }
    let shown = truncate(&text[start..], avail).into_owned();
    let cursor_w = cursor_col.saturating_sub(skipped);
    let prompt_style = if focused { theme.key() } else { theme.dim() };
    let mut spans = vec![
        Span::styled(prompt.clone(), prompt_style),
        Span::raw(shown.clone()),
    ];
    let pad = (area.width as usize).saturating_sub(width(&prompt) + width(&shown) + width(&right));
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, theme.dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
    if focused && !s.help {
        let x =
            area.x + (width(&prompt) + cursor_w).min(area.width.saturating_sub(1) as usize) as u16;
        f.set_cursor_position(Position::new(x, area.y));
    }
}

fn info_line(s: &State, f: &mut Frame, area: Rect, theme: &Theme) {
    let line = if let Some((message, note)) = error_words(s) {
        // Too long for the line, it is drawn whole over the rows below (`error_in_full`).
        Line::from(vec![
            Span::styled(message, theme.error()),
            Span::styled(note, theme.dim()),
        ])
    } else if s.results.is_some() {
        // The items and their columns come from the state, as the mouse finds them.
        let items = s.facet_items();
        let focused = s.context() == Context::Facets;
        let chosen = s.facet_cursor.map(|i| i.min(items.len().saturating_sub(1)));
        let mut spans = Vec::new();
        for (n, item) in items.iter().enumerate() {
            if n > 0 {
                let sep = if item.new_group {
                    facets::GROUP_SEP
                } else {
                    facets::SEP
                };
                spans.push(Span::styled(sep, theme.dim()));
            }
            let style = if focused && chosen == Some(n) {
                theme.selected()
            } else if item.active {
                theme.key()
            } else {
                theme.dim()
            };
            spans.push(Span::styled(item.label.clone(), style));
        }
        if !focused
            && !items.is_empty()
            && let Some(k) = s
                .keymap
                .key_for(s.context(), s.input.is_empty(), Action::FocusFacets)
        {
            spans.push(Span::styled(
                trf(s.lang, "  %{key}: filter", &[("key", &k)]),
                theme.dim(),
            ));
        }
        Line::from(spans)
    } else {
        Line::default()
    };
    f.render_widget(Paragraph::new(fit_line(line, area.width as usize)), area);
}

/// A line cut to `w` columns, ending in "…" when cut, each part keeping its style.
fn fit_line(line: Line<'_>, w: usize) -> Line<'_> {
    if line.width() <= w {
        return line;
    }
    let mut spans = Vec::new();
    let mut left = w;
    for sp in line.spans {
        let sw = width(&sp.content);
        if sw < left {
            left -= sw;
            spans.push(sp);
            continue;
        }
        // The span that reaches the edge: cut it to leave room for the ellipsis.
        let cut = truncate(&sp.content, left).into_owned();
        let cut = if cut.ends_with('…') {
            cut
        } else {
            format!(
                "{}…",
                truncate(&cut, left.saturating_sub(1)).trim_end_matches('…')
            )
        };
        spans.push(Span::styled(cut, sp.style));
        break;
    }
    Line::from(spans).style(line.style)
}

/// One laid-out row of a detail document in the theme's styles.
fn styled_row(spans: &[present::Span], theme: &Theme) -> Line<'static> {
    Line::from(
        spans
            .iter()
            .map(|sp| Span::styled(sp.text.clone(), theme.role(sp.role)))
            .collect::<Vec<_>>(),
    )
}

fn detail(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = s.focus == Focus::Detail;
    let inner = super::pane(f, area, detail_title(s, area), focused, theme);
    let Some(r) = s.detail_record() else {
        f.render_widget(
            Paragraph::new(Span::styled(
                tr(s.lang, "Select a result to see its detail."),
                theme.dim(),
            )),
            inner,
        );
        return;
    };
    // The document and its layout come from the state; a view built for another width (a
    // frame drawn before the resize reached `update`) is laid out here for this frame only.
    let built;
    let rows: &[(Vec<present::Span>, usize)] = match s.detail_view() {
        Some(v) if v.width == inner.width as usize => &v.rows,
        _ => {
            built = present::detail(c, r, s.lang).layout(inner.width as usize);
            &built
        }
    };
    let (cursor_row, cursor_end) = rows_of(rows, s.detail.cursor);
    let visible = inner.height as usize;
    let offset = if focused {
        keep_span_visible(s.detail.offset, cursor_row, cursor_end, visible)
    } else {
        s.detail.offset
    };
    // Only the rows on screen are styled.
    let shown: Vec<Line> = rows
        .iter()
        .skip(offset)
        .take(visible)
        .map(|(spans, i)| {
            let line = styled_row(spans, theme);
            if focused && *i == s.detail.cursor {
                line.patch_style(theme.selected())
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
    web_links(s, f, inner, offset..offset + visible, theme);
}

/// The detail's title: how many records back Esc goes, or which field of the selected result
/// the query matched when not its name.
fn detail_title(s: &State, area: Rect) -> String {
    if !s.detail.stack.is_empty() {
        let back = s
            .keymap
            .key_for(Context::Detail, false, Action::Back)
            .unwrap_or_default();
        trf(
            s.lang,
            " Detail · %{n} back (%{key}) ",
            &[("n", &s.detail.stack.len()), ("key", &back)],
        )
    } else {
        // Which field of the selected result the query matched, when not its name.
        let hit = s.results.as_ref().and_then(|r| r.hits.get(s.selected));
        match hit.and_then(|h| h.field.zip(h.matched.as_deref())) {
            Some((field, text)) if !matches!(field, KeyField::Name | KeyField::Acronym) => {
                let label = tr(s.lang, field.label());
                let room = (area.width as usize).saturating_sub(width(&label) + 20);
                trf(
                    s.lang,
                    " Detail · matched %{field}: %{text} ",
                    &[("field", &label), ("text", &truncate(&clean(text), room))],
                )
            }
            _ => tr(s.lang, " Detail ").into_owned(),
        }
    }
}

/// The web addresses of the rows on screen (`rows`): the one `o` opens marked on the cursor's
/// line, and each written as an OSC 8 hyperlink where the terminal shows them.
fn web_links(s: &State, f: &mut Frame, inner: Rect, rows: std::ops::Range<usize>, theme: &Theme) {
    let clamp = |n: usize| n.min(u16::MAX as usize) as u16;
    // The link cursor: the address `o` opens, marked on the cursor's line.
    if s.focus == Focus::Detail
        && let Some(v) = s.detail_view().filter(|v| v.width == inner.width as usize)
        && let Some(url) = v.chosen_link(&s.detail)
    {
        for l in v
            .web
            .iter()
            .filter(|l| l.line == s.detail.cursor && l.url == url && rows.contains(&l.row))
        {
            let area = Rect::new(
                inner.x.saturating_add(clamp(l.col)),
                inner.y + clamp(l.row - rows.start),
                clamp(l.width),
                1,
            )
            .intersection(inner);
            f.buffer_mut().set_style(area, theme.chosen_link());
        }
    }
    if s.hyperlinks
        && let Some(v) = s.detail_view().filter(|v| v.width == inner.width as usize)
    {
        for l in v.web.iter().filter(|l| rows.contains(&l.row)) {
            crate::tui::hyperlink::write(
                f.buffer_mut(),
                inner.x.saturating_add(clamp(l.col)),
                inner.y + clamp(l.row - rows.start),
                clamp(l.width),
                &l.url,
            );
        }
    }
}

fn status_bar(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let (ctx, empty) = (s.context(), s.input.is_empty());
    let key = |a: Action| s.keymap.key_for(ctx, empty, a);
    // The corner names only keys that do what it says where the focus is.
    let mut corner: Vec<String> = Vec::new();
    if let Some(k) = key(Action::ToggleLang) {
        let lang = match s.lang {
            Lang::En => "EN",
            Lang::Zh => "中文",
            Lang::ZhHant => "繁體",
        };
        corner.push(format!("{k} {lang}"));
    }
    if let Some(k) = key(Action::ToggleHelp).filter(|_| ctx != Context::Help) {
        corner.push(trf(s.lang, "%{key} help", &[("key", &k)]));
    }
    let right = if corner.is_empty() {
        String::new()
    } else {
        format!(" {} ", corner.join(" · "))
    };
    let mut spans: Vec<Span> = Vec::new();
    if let Some(st) = &s.status {
        spans.push(Span::styled(
            clean(st.text()).into_owned(),
            if st.is_error() {
                theme.error()
            } else {
                theme.key()
            },
        ));
    } else if !s.marked.is_empty() {
        let head = trf(s.lang, "Marked %{n}/4: ", &[("n", &s.marked.len())]);
        let mut offers: Vec<String> = Vec::new();
        if s.marked.len() >= 2 {
            if let Some(k) = key(Action::OpenCompare) {
                offers.push(trf(s.lang, "%{key} compare", &[("key", &k)]));
            }
        } else {
            offers.push(tr(s.lang, "mark one more to compare").into_owned());
        }
        if let Some(k) = key(Action::ClearMarks) {
            offers.push(trf(s.lang, "%{key} clear", &[("key", &k)]));
        }
        let hint = if offers.is_empty() {
            String::new()
        } else {
            format!("  · {}", offers.join(" · "))
        };
        let room =
            (area.width as usize).saturating_sub(width(&right) + width(&head) + width(&hint));
        let names = marked_names(c, &s.marked, s.lang, room);
        spans.push(Span::styled(head, theme.key()));
        spans.push(Span::raw(names.join(", ")));
        spans.push(Span::styled(hint, theme.dim()));
    } else {
        for (k, what) in s.keymap.hints(ctx, empty) {
            if ctx == Context::Input && Some(&k) == key(Action::ToggleHelp).as_ref() {
                continue; // the corner offers it
            }
            spans.push(Span::styled(format!("{k} "), theme.key()));
            spans.push(Span::styled(format!("{}  ", tr(s.lang, what)), theme.dim()));
        }
    }
    let used: usize = spans.iter().map(|sp| width(&sp.content)).sum();
    let avail = (area.width as usize).saturating_sub(width(&right));
    if used > avail {
        spans = fit_line(Line::from(spans), avail).spans;
    }
    let used: usize = spans.iter().map(|sp| width(&sp.content)).sum();
    spans.push(Span::raw(" ".repeat(avail.saturating_sub(used))));
    spans.push(Span::styled(right, theme.dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The names of the marked records in `room` columns with ", " between them: short names
/// whole, the room they leave shared by the longer ones, each cut with "…".
fn marked_names(c: &Corpus, marked: &[RecordRef], lang: Lang, room: usize) -> Vec<String> {
    let names: Vec<String> = marked
        .iter()
        .map(|&r| clean(c.name_of(r, lang)).into_owned())
        .collect();
    let mut budget = room.saturating_sub(2 * names.len().saturating_sub(1));
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| width(&names[i]));
    let mut widths = vec![0; names.len()];
    for (k, &i) in order.iter().enumerate() {
        let share = (budget / (names.len() - k)).max(8);
        widths[i] = width(&names[i]).min(share);
        budget = budget.saturating_sub(widths[i]);
    }
    names
        .iter()
        .zip(widths)
        .map(|(n, w)| truncate(n, w).into_owned())
        .collect()
}
