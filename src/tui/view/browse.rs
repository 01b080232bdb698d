//! The browse screen: input line, facets or query error, results list, detail pane, status bar.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::corpus::{Corpus, Lang, RecordRef};
use crate::present;
use crate::search::{self, KeyField, highlight};
use crate::text::{clean, fit, truncate, width};
use crate::tui::action::Action;
use crate::tui::keymap::{self, Context};
use crate::tui::state::{
    Focus, State, areas_for, keep_span_visible, keep_visible, row_height, rows_of,
};
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
    info_line(s, c, f, a.info, theme);
    if a.list.width > 0 {
        results(s, c, f, a.list, theme);
    }
    detail(s, c, f, a.detail, theme);
    status_bar(s, c, f, a.status, theme);
}

fn input_line(s: &State, f: &mut Frame, area: Rect, theme: &Theme) {
    let prompt = "Search › ";
    let searching = s.generation != s.shown_generation;
    let right = match (&s.results, searching) {
        (_, true) => "searching…".to_string(),
        (Some(r), false) => format!(
            "{} result{} · {:.1} ms",
            r.total,
            if r.total == 1 { "" } else { "s" },
            r.elapsed.as_secs_f64() * 1000.0
        ),
        (None, false) => String::new(),
    };
    let avail = (area.width as usize)
        .saturating_sub(width(prompt) + width(&right) + 2)
        .max(1);
    // Scroll the text horizontally so the cursor stays visible.
    let text = clean(&s.input.text);
    let chars: Vec<char> = text.chars().collect();
    let before: String = chars[..s.input.cursor.min(chars.len())].iter().collect();
    let mut start = 0;
    while width(
        &chars[start..s.input.cursor.min(chars.len())]
            .iter()
            .collect::<String>(),
    ) >= avail
        && start < chars.len()
    {
        start += 1;
    }
    let shown: String = chars[start..].iter().collect();
    let shown = truncate(&shown, avail).into_owned();
    let prompt_style = if s.focus == Focus::Input {
        theme.key()
    } else {
        theme.dim()
    };
    let mut spans = vec![Span::styled(prompt, prompt_style), Span::raw(shown.clone())];
    let pad = (area.width as usize).saturating_sub(width(prompt) + width(&shown) + width(&right));
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, theme.dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
    if s.focus == Focus::Input && !s.help {
        let cursor_w = width(&before) - width(&chars[..start].iter().collect::<String>());
        let x =
            area.x + (width(prompt) + cursor_w).min(area.width.saturating_sub(1) as usize) as u16;
        f.set_cursor_position(Position::new(x, area.y));
    }
}

fn info_line(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let line = if let Some(err) = &s.query_error {
        Line::from(vec![
            Span::styled(format!("⚠ {}", clean(err)), theme.error()),
            Span::styled("  (showing the last good results)", theme.dim()),
        ])
    } else if let Some(r) = &s.results {
        let mut spans = Vec::new();
        let kinds: Vec<String> = r
            .facets
            .kinds
            .iter()
            .map(|(k, n)| format!("{} {n}", k.label()))
            .collect();
        spans.push(Span::styled(kinds.join(" · "), theme.dim()));
        if !r.facets.diseases.is_empty() {
            let ds: Vec<String> = r
                .facets
                .diseases
                .iter()
                .take(4)
                .map(|(id, n)| {
                    let name = c
                        .disease_by_id(id)
                        .map_or_else(|| id.clone(), |d| d.short_name(s.lang).to_string());
                    format!("{name} {n}")
                })
                .collect();
            spans.push(Span::styled("  │ ", theme.dim()));
            spans.push(Span::styled(ds.join(" · "), theme.dim()));
        }
        if !r.facets.phases.is_empty() {
            let ps: Vec<String> = r
                .facets
                .phases
                .iter()
                .map(|(p, n)| format!("Ph{p} {n}"))
                .collect();
            spans.push(Span::styled("  │ ", theme.dim()));
            spans.push(Span::styled(ps.join(" · "), theme.dim()));
        }
        if let Some((d, _)) = r.facets.diseases.first()
            && !s.input.text.contains("disease:")
        {
            spans.push(Span::styled(format!("  Ctrl-F: disease:{d}"), theme.dim()));
        }
        Line::from(spans)
    } else {
        Line::default()
    };
    f.render_widget(Paragraph::new(line), area);
}

fn results(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = s.focus == Focus::List;
    let query = s.sent.as_deref().and_then(|q| search::parse(q).ok());
    // The order of the results shown, from the query they answer.
    let title = match query.as_ref().map(|q| q.sort) {
        Some(sort) if !sort.is_relevance() => format!(" Results · sort: {} ", sort.describe()),
        _ => " Results ".to_string(),
    };
    let title = truncate(&title, (area.width as usize).saturating_sub(2)).into_owned();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Span::styled(title, theme.border(focused)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(r) = &s.results else { return };
    if r.hits.is_empty() {
        let msg = if s.input.text.trim().is_empty() {
            "The corpus is empty."
        } else {
            "Nothing matches. Try fewer letters, or remove a filter."
        };
        f.render_widget(Paragraph::new(Span::styled(msg, theme.dim())), inner);
        return;
    }
    let rh = row_height(area.width);
    let visible = (inner.height as usize / rh).max(1);
    let offset = keep_visible(s.list_offset, s.selected, visible);
    let terms = query.map(|q| q.highlight_terms()).unwrap_or_default();
    let w = inner.width as usize;
    let rows: Vec<_> = r
        .hits
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, hit)| {
            let row = present::result_row(c, hit.record, s.lang);
            let facts: Vec<String> = [row.disease.as_str(), row.design.as_str(), row.year.as_str()]
                .iter()
                .filter(|x| !x.is_empty())
                .map(|x| clean(x).into_owned())
                .collect();
            (i, hit, row, facts)
        })
        .collect();
    // One-line rows: columns as wide as the visible rows need, so the headline gets the rest.
    let name_w = rows
        .iter()
        .map(|(_, _, row, _)| width(&clean(&row.name)))
        .max()
        .unwrap_or(0)
        .clamp(8, (w / 4).max(8));
    let facts_w = rows
        .iter()
        .map(|(_, _, _, f)| width(&f.join(" ")))
        .max()
        .unwrap_or(0)
        .min(18);
    let mut lines: Vec<Line> = Vec::new();
    for (i, hit, row, mut facts) in rows {
        let selected = i == s.selected;
        let marked = s.marked.contains(&hit.record);
        let base = if selected {
            theme.selected()
        } else {
            Style::new()
        };
        let mark = if marked { "● " } else { "  " };
        let mut spans = vec![
            Span::styled(mark, base.patch(theme.key())),
            Span::styled(
                format!("{} ", row.badge),
                base.patch(theme.badge(hit.record.kind)),
            ),
        ];
        let name = clean(&row.name);
        if rh == 1 {
            spans.extend(highlighted(&name, &terms, name_w, base, theme));
            let head = format!(
                " {} {}",
                fit(&facts.join(" "), facts_w),
                clean(&row.headline)
            );
            let used = 2 + 4 + name_w;
            spans.push(Span::styled(
                fit(&head, w.saturating_sub(used)),
                base.patch(theme.dim()),
            ));
            lines.push(Line::from(spans));
        } else {
            spans.extend(highlighted(&name, &terms, w.saturating_sub(6), base, theme));
            lines.push(Line::from(spans));
            if !row.headline.is_empty() {
                facts.push(clean(&row.headline).into_owned());
            }
            let second = format!("      {}", facts.join(" · "));
            lines.push(Line::from(Span::styled(
                fit(&second, w),
                base.patch(theme.dim()),
            )));
        }
    }
    f.render_widget(Paragraph::new(lines), inner);
}

/// The name cut to `w` columns, matched characters highlighted, padded.
fn highlighted<'a>(
    name: &str,
    terms: &[String],
    w: usize,
    base: Style,
    theme: &Theme,
) -> Vec<Span<'a>> {
    let shown = truncate(name, w);
    let marks = if terms.is_empty() {
        Vec::new()
    } else {
        highlight(name, terms)
    };
    let mut spans = Vec::new();
    let mut buf = String::new();
    let mut buf_hl = false;
    // A cut name ends in "…", which stands for no character of the name.
    let cut_at = (shown.len() != name.len()).then(|| shown.chars().count() - 1);
    for (i, ch) in shown.chars().enumerate() {
        let hl = marks.binary_search(&i).is_ok() && Some(i) != cut_at;
        if hl != buf_hl && !buf.is_empty() {
            let st = if buf_hl {
                base.patch(theme.highlight())
            } else {
                base
            };
            spans.push(Span::styled(std::mem::take(&mut buf), st));
        }
        buf_hl = hl;
        buf.push(ch);
    }
    if !buf.is_empty() {
        let st = if buf_hl {
            base.patch(theme.highlight())
        } else {
            base
        };
        spans.push(Span::styled(buf, st));
    }
    let pad = w.saturating_sub(width(&shown));
    spans.push(Span::styled(" ".repeat(pad), base));
    spans
}

/// The detail document laid out for a width ([`present::Doc::layout`]), styled by role.
pub fn layout_doc(doc: &present::Doc, w: usize, theme: &Theme) -> Vec<(Line<'static>, usize)> {
    doc.layout(w)
        .into_iter()
        .map(|(spans, i)| {
            let line: Vec<Span<'static>> = spans
                .into_iter()
                .map(|sp| Span::styled(sp.text, theme.role(sp.role)))
                .collect();
            (Line::from(line), i)
        })
        .collect()
}

fn detail(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = s.focus == Focus::Detail;
    let title = if !s.detail.stack.is_empty() {
        let back = keymap::key_for(Context::Detail, false, Action::Back).unwrap_or_default();
        format!(" Detail · {} back ({back}) ", s.detail.stack.len())
    } else {
        // Which field of the selected result the query matched, when not its name.
        let hit = s.results.as_ref().and_then(|r| r.hits.get(s.selected));
        match hit.and_then(|h| h.field.zip(h.matched.as_deref())) {
            Some((field, text)) if !matches!(field, KeyField::Name | KeyField::Acronym) => {
                let room = (area.width as usize).saturating_sub(width(field.label()) + 20);
                format!(
                    " Detail · matched {}: {} ",
                    field.label(),
                    truncate(&clean(text), room)
                )
            }
            _ => " Detail ".to_string(),
        }
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(focused))
        .title(Span::styled(title, theme.border(focused)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let Some(r) = s.detail_record() else {
        f.render_widget(
            Paragraph::new(Span::styled(
                "Select a result to see its detail.",
                theme.dim(),
            )),
            inner,
        );
        return;
    };
    let doc = present::detail(c, r, s.lang);
    let lines = layout_doc(&doc, inner.width as usize, theme);
    let (cursor_row, cursor_end) = rows_of(&lines, s.detail.cursor);
    let visible = inner.height as usize;
    let offset = if focused {
        keep_span_visible(s.detail.offset, cursor_row, cursor_end, visible)
    } else {
        s.detail.offset
    };
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(offset)
        .take(visible)
        .map(|(l, i)| {
            if focused && i == s.detail.cursor {
                l.patch_style(theme.selected())
            } else {
                l
            }
        })
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
}

fn status_bar(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let (ctx, empty) = (s.context(), s.input.is_empty());
    let key = |a: Action| keymap::key_for(ctx, empty, a);
    // The corner names only keys that do what it says where the focus is.
    let mut corner: Vec<String> = Vec::new();
    if let Some(k) = key(Action::ToggleLang) {
        let lang = match s.lang {
            Lang::En => "EN",
            Lang::Zh => "中文",
        };
        corner.push(format!("{k} {lang}"));
    }
    if let Some(k) = key(Action::ToggleHelp).filter(|_| ctx != Context::Help) {
        corner.push(format!("{k} help"));
    }
    let right = if corner.is_empty() {
        String::new()
    } else {
        format!(" {} ", corner.join(" · "))
    };
    let mut spans: Vec<Span> = Vec::new();
    if let Some((msg, err)) = &s.status {
        spans.push(Span::styled(
            clean(msg).into_owned(),
            if *err { theme.error() } else { theme.key() },
        ));
    } else if !s.marked.is_empty() {
        let names: Vec<String> = s.marked.iter().map(|&r| short_name(c, r, s.lang)).collect();
        spans.push(Span::styled(
            format!("Marked {}/4: ", s.marked.len()),
            theme.key(),
        ));
        spans.push(Span::raw(names.join(", ")));
        let mut offers: Vec<String> = Vec::new();
        if s.marked.len() >= 2 {
            if let Some(k) = key(Action::OpenCompare) {
                offers.push(format!("{k} compare"));
            }
        } else {
            offers.push("mark one more to compare".into());
        }
        if let Some(k) = key(Action::ClearMarks) {
            offers.push(format!("{k} clear"));
        }
        if !offers.is_empty() {
            spans.push(Span::styled(
                format!("  · {}", offers.join(" · ")),
                theme.dim(),
            ));
        }
    } else {
        for (k, what) in keymap::hints(ctx, empty) {
            if ctx == Context::Input && Some(&k) == key(Action::ToggleHelp).as_ref() {
                continue; // the corner offers it
            }
            spans.push(Span::styled(format!("{k} "), theme.key()));
            spans.push(Span::styled(format!("{what}  "), theme.dim()));
        }
    }
    let used: usize = spans.iter().map(|sp| width(&sp.content)).sum();
    let avail = (area.width as usize).saturating_sub(width(&right));
    if used > avail {
        let text: String = spans.iter().map(|sp| sp.content.to_string()).collect();
        spans = vec![Span::raw(truncate(&text, avail).into_owned())];
    }
    let used: usize = spans.iter().map(|sp| width(&sp.content)).sum();
    spans.push(Span::raw(" ".repeat(avail.saturating_sub(used))));
    spans.push(Span::styled(right, theme.dim()));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn short_name(c: &Corpus, r: RecordRef, lang: Lang) -> String {
    truncate(&clean(c.name_of(r, lang)), 18).into_owned()
}
