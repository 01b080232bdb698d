//! The browse screen: input line, facets or query error, results list, detail pane, status bar.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::corpus::{Corpus, Lang, RecordRef};
use crate::i18n::{tr, trf};
use crate::present;
use crate::search::{KeyField, highlight};
use crate::text::{clean, fit, fit_right, truncate, width};
use crate::tui::action::Action;
use crate::tui::facets;
use crate::tui::keymap::Context;
use crate::tui::state::{
    Focus, PromptKind, State, areas_for, keep_span_visible, keep_visible, row_height, rows_of,
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
    info_line(s, f, a.info, theme);
    if a.list.width > 0 {
        results(s, c, f, a.list, theme);
    }
    detail(s, c, f, a.detail, theme);
    status_bar(s, c, f, a.status, theme);
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
    let line = if let Some(err) = &s.query_error {
        Line::from(vec![
            Span::styled(format!("⚠ {}", clean(err)), theme.error()),
            Span::styled(tr(s.lang, "  (showing the last good results)"), theme.dim()),
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

fn results(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = s.focus == Focus::List;
    let query = s.query.as_deref();
    // The order of the results shown, from the query they answer.
    let title = match query.as_ref().map(|q| q.sort) {
        Some(sort) if !sort.is_relevance() => trf(
            s.lang,
            " Results · sort: %{sort} ",
            &[("sort", &sort.describe_in(s.lang))],
        ),
        _ => tr(s.lang, " Results ").into_owned(),
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
        let msg = if s.input.text().trim().is_empty() {
            tr(s.lang, "The corpus is empty.")
        } else {
            tr(
                s.lang,
                "Nothing matches. Try fewer letters, or remove a filter.",
            )
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
                .map(|x| x.trim())
                .filter(|x| !x.is_empty())
                .map(|x| clean(x).into_owned())
                .collect();
            (i, hit, row, facts)
        })
        .collect();
    let widths: Vec<(usize, usize, usize)> = rows
        .iter()
        .map(|(_, _, row, facts)| {
            (
                width(&clean(&row.name)),
                width(&clean(&row.headline)),
                width(&facts.join(" ")),
            )
        })
        .collect();
    let cols = RowColumns::new(w, &widths);
    let mut lines: Vec<Line> = Vec::new();
    for ((i, hit, row, mut facts), &(name_need, head_need, facts_need)) in
        rows.into_iter().zip(&widths)
    {
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
            let (name_w, head_w, facts_w) = cols.split(name_need, head_need, facts_need);
            spans.extend(highlighted(&name, &terms, name_w, base, theme));
            let gap = head_w.min(if head_need > 0 { NAME_GAP } else { 0 });
            let head = fit(&clean(&row.headline), head_w - gap);
            spans.push(Span::styled(
                format!("{}{head}", " ".repeat(gap)),
                base.patch(theme.role(present::Role::Value)),
            ));
            if facts_need > 0 {
                spans.push(Span::styled(
                    format!(" {}", fit_right(&facts.join(" "), facts_w)),
                    base.patch(theme.dim()),
                ));
            }
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

/// Columns of a one-line result row: badge and name on the left, then the headline, and the
/// facts (disease, design, year) right-aligned at the right edge, so years line up. Names are
/// padded to a common column, as wide as the visible names need up to half the room, so that
/// headlines line up too. A row whose name is longer takes what its own headline and facts
/// leave free: nothing in a row is cut while that row has blank columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowColumns {
    /// Columns after the mark and badge.
    avail: usize,
    /// Width of the facts column when a row cannot show everything.
    facts: usize,
    /// Where names are padded to, when the row has the room.
    name: usize,
}

/// Mark and badge: "● THX ".
const ROW_PREFIX: usize = 6;
/// Space between a name and its headline.
const NAME_GAP: usize = 2;

impl RowColumns {
    /// For a list `w` columns wide showing rows of (name, headline, facts) widths.
    fn new(w: usize, rows: &[(usize, usize, usize)]) -> RowColumns {
        let avail = w.saturating_sub(ROW_PREFIX);
        let facts_need = rows.iter().map(|r| r.2).max().unwrap_or(0);
        let facts = facts_need.min((avail / 4).clamp(16, 28)).min(avail / 3);
        let room = avail.saturating_sub(facts + 1);
        let name_need = rows.iter().map(|r| r.0).max().unwrap_or(0);
        let name = name_need.min(room / 2);
        RowColumns { avail, facts, name }
    }

    /// The widths of a row's name, its headline (with the gap before it, and padding) and its
    /// facts (with the gap before it), for a name `n`, a headline `h` and facts `f` columns
    /// long. Together they fill the row.
    fn split(&self, n: usize, h: usize, f: usize) -> (usize, usize, usize) {
        let gap = if h > 0 { NAME_GAP } else { 0 };
        let facts_gap = usize::from(f > 0);
        let mut facts_w = f;
        if n + gap + h + facts_gap + f > self.avail {
            // Something is cut. The facts keep their column; what the name and headline do
            // not need of the rest goes back to the facts.
            facts_w = f.min(self.facts);
            let rest = self.avail.saturating_sub(facts_w + facts_gap);
            if n + gap + h < rest {
                facts_w = f.min(self.avail.saturating_sub(n + gap + h + facts_gap));
            }
        }
        let rest = self.avail.saturating_sub(facts_w + facts_gap);
        let name_w = if n + gap + h <= rest {
            n.max(self.name).min(rest - gap - h)
        } else {
            n.min(self.name.max(rest.saturating_sub(gap + h)))
        };
        (name_w, rest - name_w, facts_w)
    }
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
    let title = if !s.detail.stack.is_empty() {
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
    let clamp = |n: usize| n.min(u16::MAX as usize) as u16;
    // The link cursor: the address `o` opens, marked on the cursor's line.
    if focused
        && let Some(v) = s.detail_view().filter(|v| v.width == inner.width as usize)
        && let Some(url) = v.chosen_link(&s.detail)
    {
        for l in v.web.iter().filter(|l| {
            l.line == s.detail.cursor && l.url == url && (offset..offset + visible).contains(&l.row)
        }) {
            let area = Rect::new(
                inner.x.saturating_add(clamp(l.col)),
                inner.y + clamp(l.row - offset),
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
        let rows = offset..offset + visible;
        for l in v.web.iter().filter(|l| rows.contains(&l.row)) {
            crate::tui::hyperlink::write(
                f.buffer_mut(),
                inner.x.saturating_add(clamp(l.col)),
                inner.y + clamp(l.row - offset),
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
#[cfg(test)]
mod tests {
    use super::*;

    /// Every row fills its width exactly, and a row that cuts anything pads nothing.
    #[test]
    fn row_columns_fill_the_row_and_cut_only_when_full() {
        for w in [20, 40, 64, 66, 100, 108, 200] {
            for rows in [
                vec![(10, 20, 16), (70, 30, 12)],
                vec![(30, 0, 0), (5, 5, 40)],
                vec![(60, 60, 60)],
            ] {
                let cols = RowColumns::new(w, &rows);
                for n in (0..80).step_by(3) {
                    for h in (0..80).step_by(3) {
                        for f in (0..40).step_by(3) {
                            let (nw, hw, fw) = cols.split(n, h, f);
                            let gap = hw.min(if h > 0 { NAME_GAP } else { 0 });
                            let facts_gap = usize::from(f > 0);
                            let avail = w - ROW_PREFIX;
                            if avail >= NAME_GAP + 2 {
                                assert_eq!(nw + hw + facts_gap + fw, avail, "{w} {n} {h} {f}");
                            }
                            let cut = nw < n || hw - gap < h || fw < f;
                            let padded = nw > n || hw - gap > h;
                            assert!(
                                !(cut && padded),
                                "w={w} n={n} h={h} f={f}: {nw} {hw} {fw} cuts and pads"
                            );
                            if n + NAME_GAP + h + 1 + f <= avail {
                                assert!(!cut, "w={w} n={n} h={h} f={f}: cut though it fits");
                            }
                        }
                    }
                }
            }
        }
    }
}
