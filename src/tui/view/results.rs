//! The results list of the browse screen: a window of the ranked results around the
//! selection, one or two lines a result (mark, badge, name with the query's terms
//! highlighted, headline, facts), laid out in columns that line up.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::corpus::Corpus;
use crate::i18n::{tr, trf};
use crate::present;
use crate::search::highlight;
use crate::text::{clean, fit, fit_right, truncate, width};
use crate::tui::state::{Focus, State, keep_visible, row_height};
use crate::tui::theme::Theme;

/// The results list in `area`.
pub(super) fn results(s: &State, c: &Corpus, f: &mut Frame, area: Rect, theme: &Theme) {
    let focused = s.focus == Focus::List;
    let inner = super::pane(f, area, results_title(s, area.width), focused, theme);
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
    let rows = shown_rows(s, c, &r.hits, offset, visible);
    let lines = result_lines(s, rows, rh, inner.width as usize, theme);
    f.render_widget(Paragraph::new(lines), inner);
}

/// The list's title: with the order of the results shown, from the query they answer, when
/// it is not relevance.
fn results_title(s: &State, area_width: u16) -> String {
    let title = match s.query.as_deref().map(|q| q.sort) {
        Some(sort) if !sort.is_relevance() => trf(
            s.lang,
            " Results · sort: %{sort} ",
            &[("sort", &sort.describe_in(s.lang))],
        ),
        _ => tr(s.lang, " Results ").into_owned(),
    };
    truncate(&title, (area_width as usize).saturating_sub(2)).into_owned()
}

/// A result in view: its position in the results, its hit, its row, and the row's facts
/// (disease, design, year), cleaned.
type ShownRow<'a> = (
    usize,
    &'a crate::search::Hit,
    present::ResultRow,
    Vec<String>,
);

/// The `visible` results from `offset`.
fn shown_rows<'a>(
    s: &State,
    c: &Corpus,
    hits: &'a [crate::search::Hit],
    offset: usize,
    visible: usize,
) -> Vec<ShownRow<'a>> {
    hits.iter()
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
        .collect()
}

/// The lines of the results in view, `rh` lines a result, `w` columns wide: the mark, the
/// badge, the name with the query's terms highlighted, the headline and the facts.
fn result_lines(
    s: &State,
    rows: Vec<ShownRow<'_>>,
    rh: usize,
    w: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let terms = s
        .query
        .as_deref()
        .map(|q| q.highlight_terms())
        .unwrap_or_default();
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
    lines
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
