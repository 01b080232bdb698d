//! The comparison's table and the caveat banner, laid out for a terminal size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::compare::{CaveatKind, Comparison, Group, Row, words};
use crate::export;
use crate::i18n::{tr, trf};
use crate::present::Role;
use crate::text::{clean, fit, truncate, width, wrap};
use crate::tui::state::State;
use crate::tui::theme::Theme;

/// The caveat banner laid out for a terminal, and whether it had to cut caveats.
#[derive(Debug)]
pub(super) struct Banner {
    pub(super) lines: Vec<(String, Role)>,
    cut: bool,
}

pub(super) fn caveat_role(k: CaveatKind) -> Role {
    match k {
        CaveatKind::Selection => Role::Label,
        _ => Role::Flag,
    }
}

pub(super) fn banner(cmp: &Comparison, w: usize, h: usize) -> Banner {
    let budget = (h.saturating_sub(8) / 3).max(2);
    let full: Vec<(String, Role)> = cmp
        .caveats
        .iter()
        .flat_map(|cav| {
            wrap(&format!("⚠ {}", clean(&cav.text)), w)
                .into_iter()
                .map(move |l| (l, caveat_role(cav.kind)))
        })
        .collect();
    if full.len() <= budget {
        return Banner {
            lines: full,
            cut: false,
        };
    }
    let room = budget - 1;
    let mut lines: Vec<(String, Role)> = cmp
        .caveats
        .iter()
        .take(room)
        .map(|cav| {
            (
                truncate(&format!("⚠ {}", clean(&cav.text)), w).into_owned(),
                caveat_role(cav.kind),
            )
        })
        .collect();
    let more = cmp.caveats.len().saturating_sub(room);
    let tail = match more {
        0 => tr(
            cmp.lang,
            "⚠ the caveats in full: at the end of the Table (End)",
        )
        .into_owned(),
        1 => tr(
            cmp.lang,
            "⚠ 1 more caveat · all in full at the end of the Table (End)",
        )
        .into_owned(),
        _ => trf(
            cmp.lang,
            "⚠ %{n} more caveats · all in full at the end of the Table (End)",
            &[("n", &more)],
        ),
    };
    lines.push((truncate(&tail, w).into_owned(), Role::Flag));
    Banner { lines, cut: true }
}

/// `text` wrapped to `w` columns in at most `max` lines; the last ends with `…` when cut.
pub(super) fn wrap_at_most(text: &str, w: usize, max: usize) -> Vec<String> {
    let mut lines = wrap(text, w);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            let mut t = truncate(last, w.saturating_sub(1)).into_owned();
            if !t.ends_with('…') {
                t.push('…');
            }
            *last = t;
        }
    }
    lines
}

/// A line of the table as text pieces tagged with their role; drawn by [`table`], counted by
/// [`max_scroll`], so that scrolling stops where the drawing ends.
pub(super) type TextLine = Vec<(String, Role)>;

/// The table laid out for a body of `w`x`h` cells (border included): its fixed header and
/// its scrolling lines.
pub(super) fn table_text(
    cmp: &Comparison,
    caveats_below: bool,
    w: u16,
    h: u16,
) -> (Vec<TextLine>, Vec<TextLine>) {
    let grid = Grid::new(cmp, w);
    let w = grid.w;
    // Taller on a tall screen.
    let header = header_lines(cmp, &grid, h >= 30);

    // Body: every cell wrapped in full; the table scrolls.
    let mut lines: Vec<TextLine> = Vec::new();
    let first_event = cmp
        .rows
        .iter()
        .position(|r| matches!(r.group, Group::AdverseEvents { .. }));
    for (ri, r) in cmp.rows.iter().enumerate() {
        if Some(ri) == first_event
            && let Some(shown) = &cmp.adverse_events
        {
            for l in wrap(&shown.describe_in(cmp.lang), w) {
                lines.push(vec![(l, Role::Dim)]);
            }
        }
        if ri == 0 || export::heading(&cmp.rows, ri).is_some() {
            for l in wrap(&clean(&r.group.title_in(cmp.lang)), w) {
                lines.push(vec![(l, Role::Heading)]);
            }
        }
        row_lines(&mut lines, cmp, r, &grid);
    }
    if caveats_below {
        lines.push(Vec::new());
        lines.push(vec![(tr(cmp.lang, "Caveats").into_owned(), Role::Heading)]);
        for cav in &cmp.caveats {
            for l in wrap(&format!("⚠ {}", clean(&cav.text)), w) {
                lines.push(vec![(l, caveat_role(cav.kind))]);
            }
        }
    }
    (header, lines)
}

/// The table's columns: `w` cells inside the border, the labels' column and one column a
/// record.
struct Grid {
    w: usize,
    label_w: usize,
    col_w: usize,
}

impl Grid {
    fn new(cmp: &Comparison, w: u16) -> Grid {
        let n = cmp.columns.len().max(1);
        let w = w.saturating_sub(2) as usize;
        let natural_label = cmp
            .rows
            .iter()
            .map(|r| width(&words::label_in(r, cmp.lang)))
            .max()
            .unwrap_or(12);
        let label_w = natural_label.clamp(10, (w / 5).clamp(10, 20));
        let col_w = (w.saturating_sub(label_w + 1) / n).saturating_sub(1).max(6);
        Grid { w, label_w, col_w }
    }

    /// A line of the grid: the label, then each cell after a rule, each cut to its column.
    fn line(&self, label: &str, label_role: Role, cells: Vec<(String, Role)>) -> TextLine {
        let mut line = vec![(fit(label, self.label_w), label_role)];
        for (t, r) in cells {
            line.push(("│".to_string(), Role::Plain));
            line.push((fit(&t, self.col_w), r));
        }
        line
    }
}

/// The fixed header: the records' titles, then their cautions (or kind and id), then a rule.
/// What they cut (`…`) is whole in the Title row and the caveats.
fn header_lines(cmp: &Comparison, grid: &Grid, tall: bool) -> Vec<TextLine> {
    let col_w = grid.col_w;
    let mut header: Vec<TextLine> = Vec::new();
    let titles: Vec<Vec<String>> = cmp
        .columns
        .iter()
        .map(|col| wrap_at_most(&clean(&col.title), col_w, if tall { 3 } else { 2 }))
        .collect();
    let subs: Vec<(Vec<String>, Role)> = cmp
        .columns
        .iter()
        .map(|col| match &col.caution {
            Some(c) => (
                wrap_at_most(&clean(&format!("[{c}]")), col_w, if tall { 2 } else { 1 }),
                Role::Flag,
            ),
            None => (
                wrap_at_most(
                    &clean(&format!("{} {}", tr(cmp.lang, col.kind), col.id)),
                    col_w,
                    1,
                ),
                Role::Dim,
            ),
        })
        .collect();
    for i in 0..titles.iter().map(Vec::len).max().unwrap_or(1) {
        let cells = titles
            .iter()
            .map(|t| (t.get(i).cloned().unwrap_or_default(), Role::Title))
            .collect();
        header.push(grid.line("", Role::Plain, cells));
    }
    for i in 0..subs.iter().map(|s| s.0.len()).max().unwrap_or(1) {
        let cells = subs
            .iter()
            .map(|(t, r)| (t.get(i).cloned().unwrap_or_default(), *r))
            .collect();
        header.push(grid.line("", Role::Plain, cells));
    }
    header.push(vec![("─".repeat(grid.w), Role::Dim)]);
    header
}

/// One row of the table: its label and cells wrapped in their columns, as many lines as the
/// tallest needs; the best value, blanks and flags in their roles.
fn row_lines(lines: &mut Vec<TextLine>, cmp: &Comparison, r: &Row, grid: &Grid) {
    let wrapped: Vec<Vec<String>> = r
        .cells
        .iter()
        .map(|cell| wrap(&words::cell_in(r, cell, cmp.lang), grid.col_w))
        .collect();
    let label = wrap(&clean(&words::label_in(r, cmp.lang)), grid.label_w);
    let height = wrapped
        .iter()
        .map(Vec::len)
        .chain([label.len()])
        .max()
        .unwrap_or(1);
    for i in 0..height {
        let cells = r
            .cells
            .iter()
            .zip(&wrapped)
            .map(|(cell, ls)| {
                let role = if cell.best {
                    Role::Best
                } else if cell.is_blank() {
                    Role::Dim
                } else if r.group == Group::Flags {
                    Role::Flag
                } else {
                    Role::Plain
                };
                (ls.get(i).cloned().unwrap_or_default(), role)
            })
            .collect();
        lines.push(grid.line(label.get(i).map_or("", String::as_str), Role::Label, cells));
    }
}

/// The body of the compare screen (below the tabs and the banner) for a terminal size.
pub(super) fn body_area(cmp: &Comparison, width: u16, height: u16) -> (Banner, Rect) {
    let banner = banner(cmp, width as usize, height as usize);
    let y = 1 + banner.lines.len() as u16;
    let body = Rect::new(0, y, width, height.saturating_sub(y + 1));
    (banner, body)
}

/// The compare screen laid out for a terminal size: the caveat banner, the body below it, and
/// the table's fixed header and scrolling lines. Kept in the state's
/// [`crate::tui::state::CompareView`], rebuilt only when the size or the comparison changes.
#[derive(Debug)]
pub struct TableLayout {
    /// The terminal size it was laid out for.
    pub size: (u16, u16),
    pub(super) banner: Banner,
    pub body: Rect,
    header: Vec<TextLine>,
    lines: Vec<TextLine>,
}

impl TableLayout {
    pub fn new(cmp: &Comparison, width: u16, height: u16) -> TableLayout {
        let (banner, body) = body_area(cmp, width, height);
        let (header, lines) = table_text(cmp, banner.cut, body.width, body.height);
        TableLayout {
            size: (width, height),
            banner,
            body,
            header,
            lines,
        }
    }

    /// Lines of the table the body shows at once, below the header.
    fn visible(&self) -> usize {
        (self.body.height.saturating_sub(2) as usize).saturating_sub(self.header.len())
    }

    /// How far the table can scroll: `update` clamps to it, so that after End the first ↑
    /// moves at once.
    pub fn max_scroll(&self) -> usize {
        self.lines.len().saturating_sub(self.visible())
    }
}

pub(super) fn styled(line: &TextLine, theme: &Theme) -> Line<'static> {
    Line::from(
        line.iter()
            .map(|(t, r)| Span::styled(t.clone(), theme.role(*r)))
            .collect::<Vec<_>>(),
    )
}

pub(super) fn table(s: &State, layout: &TableLayout, f: &mut Frame, area: Rect, theme: &Theme) {
    let (header, lines) = (&layout.header, &layout.lines);
    let visible = layout.visible();
    let max_scroll = layout.max_scroll();
    let scroll = s.compare.scroll.min(max_scroll);
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true));
    if max_scroll > 0 {
        let last = (scroll + visible).min(lines.len());
        let more = if last < lines.len() {
            tr(s.lang, " · ↓ more")
        } else {
            "".into()
        };
        block = block.title_bottom(Line::from(Span::styled(
            trf(
                s.lang,
                " lines %{first}–%{last} of %{n}%{more} ",
                &[
                    ("first", &(scroll + 1)),
                    ("last", &last),
                    ("n", &lines.len()),
                    ("more", &more),
                ],
            ),
            theme.dim(),
        )));
    }
    let inner = block.inner(area);
    f.render_widget(block, area);
    let shown: Vec<Line> = header
        .iter()
        .chain(lines.iter().skip(scroll).take(visible))
        .map(|l| styled(l, theme))
        .collect();
    f.render_widget(Paragraph::new(shown), inner);
}
