//! The compare screen: tabs (Table, Forest plot, Bars), the caveat banner, and the three views
//! of one [`crate::compare::Comparison`].

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::compare::{self, CaveatKind, Chart, Comparison, Group};
use crate::corpus::Kind;
use crate::export;
use crate::export::BEST;
use crate::meta;
use crate::present::Role;
use crate::text::{clean, fit, truncate, width, wrap};
use crate::tui::state::{ChartData, CompareView, State, Tab};
use crate::tui::theme::Theme;

pub fn draw(s: &State, f: &mut Frame, theme: &Theme) {
    let Some(v) = s.compare_view() else { return };
    let Some(layout) = &v.table else { return };
    let area = f.area();

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

    // Caveats: every one `evidex compare` prints, in full when they fit in a third of the
    // screen; else one line each, cut with `…`, and in full at the end of the table.
    let body = layout.body;
    for (y, (l, role)) in (1..).zip(&layout.banner.lines) {
        f.render_widget(
            Paragraph::new(Span::styled(l.clone(), theme.role(*role))),
            Rect::new(0, y, area.width, 1),
        );
    }
    match s.compare.tab {
        Tab::Table => table(s, layout, f, body, theme),
        Tab::Forest => forest(s, v, f, body, theme),
        Tab::Bars => bars(s, v, f, body, theme),
    }
    // Status line.
    let status = match &s.status {
        Some(st) => Span::styled(
            clean(st.text()).into_owned(),
            if st.is_error() {
                theme.error()
            } else {
                theme.key()
            },
        ),
        None => Span::styled(
            format!(
                "{BEST} best value in its row (bold) · ↑/↓ scroll · ←/→ endpoint in charts · ? help"
            ),
            theme.dim(),
        ),
    };
    f.render_widget(
        Paragraph::new(Line::from(truncate_span(status, area.width as usize))),
        Rect::new(0, area.height.saturating_sub(1), area.width, 1),
    );
}

fn truncate_span(s: Span<'static>, w: usize) -> Span<'static> {
    Span::styled(truncate(&s.content, w).into_owned(), s.style)
}

/// The caveat banner laid out for a terminal, and whether it had to cut caveats.
#[derive(Debug)]
struct Banner {
    lines: Vec<(String, Role)>,
    cut: bool,
}

fn caveat_role(k: CaveatKind) -> Role {
    match k {
        CaveatKind::Selection => Role::Label,
        _ => Role::Flag,
    }
}

fn banner(cmp: &Comparison, w: usize, h: usize) -> Banner {
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
    let tail = if more > 0 {
        format!(
            "⚠ {more} more caveat{} · all in full at the end of the Table (End)",
            if more == 1 { "" } else { "s" }
        )
    } else {
        "⚠ the caveats in full: at the end of the Table (End)".to_string()
    };
    lines.push((truncate(&tail, w).into_owned(), Role::Flag));
    Banner { lines, cut: true }
}

/// `text` wrapped to `w` columns in at most `max` lines; the last ends with `…` when cut.
fn wrap_at_most(text: &str, w: usize, max: usize) -> Vec<String> {
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
type TextLine = Vec<(String, Role)>;

/// The table laid out for a body of `w`x`h` cells (border included): its fixed header and
/// its scrolling lines.
fn table_text(
    cmp: &Comparison,
    caveats_below: bool,
    w: u16,
    h: u16,
) -> (Vec<TextLine>, Vec<TextLine>) {
    let n = cmp.columns.len().max(1);
    let w = w.saturating_sub(2) as usize;
    let natural_label = cmp.rows.iter().map(|r| width(&r.label)).max().unwrap_or(12);
    let label_w = natural_label.clamp(10, (w / 5).clamp(10, 20));
    let col_w = (w.saturating_sub(label_w + 1) / n).saturating_sub(1).max(6);
    let grid = |label: &str, label_role: Role, cells: Vec<(String, Role)>| {
        let mut line = vec![(fit(label, label_w), label_role)];
        for (t, r) in cells {
            line.push(("│".to_string(), Role::Plain));
            line.push((fit(&t, col_w), r));
        }
        line
    };

    // Header: titles, then cautions, then a rule; taller on a tall screen. What they cut
    // (`…`) is whole in the Title row and the caveats.
    let tall = h >= 30;
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
                wrap_at_most(&clean(&format!("{} {}", col.kind, col.id)), col_w, 1),
                Role::Dim,
            ),
        })
        .collect();
    for i in 0..titles.iter().map(Vec::len).max().unwrap_or(1) {
        let cells = titles
            .iter()
            .map(|t| (t.get(i).cloned().unwrap_or_default(), Role::Title))
            .collect();
        header.push(grid("", Role::Plain, cells));
    }
    for i in 0..subs.iter().map(|s| s.0.len()).max().unwrap_or(1) {
        let cells = subs
            .iter()
            .map(|(t, r)| (t.get(i).cloned().unwrap_or_default(), *r))
            .collect();
        header.push(grid("", Role::Plain, cells));
    }
    header.push(vec![("─".repeat(w), Role::Dim)]);

    // Body: every cell wrapped in full; the table scrolls.
    let mut lines: Vec<TextLine> = Vec::new();
    for (ri, r) in cmp.rows.iter().enumerate() {
        if ri == 0 || export::heading(&cmp.rows, ri).is_some() {
            for l in wrap(&clean(&r.group.title()), w) {
                lines.push(vec![(l, Role::Heading)]);
            }
        }
        let wrapped: Vec<Vec<String>> = r
            .cells
            .iter()
            .map(|cell| wrap(&export::cell_text(cell), col_w))
            .collect();
        let label = wrap(&clean(&r.label), label_w);
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
            lines.push(grid(
                label.get(i).map_or("", String::as_str),
                Role::Label,
                cells,
            ));
        }
    }
    if caveats_below {
        lines.push(Vec::new());
        lines.push(vec![("Caveats".to_string(), Role::Heading)]);
        for cav in &cmp.caveats {
            for l in wrap(&format!("⚠ {}", clean(&cav.text)), w) {
                lines.push(vec![(l, caveat_role(cav.kind))]);
            }
        }
    }
    (header, lines)
}

/// The body of the compare screen (below the tabs and the banner) for a terminal size.
fn body_area(cmp: &Comparison, width: u16, height: u16) -> (Banner, Rect) {
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
    banner: Banner,
    body: Rect,
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

fn styled(line: &TextLine, theme: &Theme) -> Line<'static> {
    Line::from(
        line.iter()
            .map(|(t, r)| Span::styled(t.clone(), theme.role(*r)))
            .collect::<Vec<_>>(),
    )
}

fn table(s: &State, layout: &TableLayout, f: &mut Frame, area: Rect, theme: &Theme) {
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
            " · ↓ more"
        } else {
            ""
        };
        block = block.title_bottom(Line::from(Span::styled(
            format!(" lines {}–{last} of {}{more} ", scroll + 1, lines.len()),
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

/// The choices of a chart and which one is shown.
fn chart_choice(s: &State, v: &CompareView, chart: Chart) -> (Vec<Group>, usize) {
    let choices = v.choices(chart).to_vec();
    let i = s.compare.endpoint % choices.len().max(1);
    (choices, i)
}

fn endpoint_line(
    choices: &[Group],
    i: usize,
    chart: Chart,
    w: usize,
    theme: &Theme,
) -> Line<'static> {
    let Some(g) = choices.get(i) else {
        return Line::default();
    };
    let name = match chart {
        Chart::Forest => g.endpoint().unwrap_or_default().to_string(),
        Chart::Bars => g.title(),
    };
    let rest = format!(" ▶  {} of {} · ←/→ another", i + 1, choices.len());
    let room = w.saturating_sub(width("Endpoint ◀ ") + width(&rest) + 2);
    Line::from(vec![
        Span::styled("Endpoint ◀ ", theme.dim()),
        Span::styled(
            format!(" {} ", truncate(&clean(&name), room)),
            theme.selected(),
        ),
        Span::styled(rest, theme.dim()),
    ])
}

/// Column of a value on a log axis from `lo` to `hi` over `w` cells.
fn log_x(v: f64, lo: f64, hi: f64, w: usize) -> usize {
    let t = (v.ln() - lo.ln()) / (hi.ln() - lo.ln());
    ((t * (w.saturating_sub(1)) as f64).round().max(0.0) as usize).min(w.saturating_sub(1))
}

/// Draws `lo..=hi` (a log axis over `cells`) with `fill`, ends `left`/`right`, and `mark` at
/// `at`.
#[allow(clippy::too_many_arguments)]
fn span_cells(
    cells: &mut [char],
    (l, h): (f64, f64),
    at: Option<f64>,
    (lo, hi): (f64, f64),
    fill: char,
    ends: (char, char),
    mark: char,
) {
    let w = cells.len();
    let (a, b) = (log_x(l, lo, hi, w), log_x(h, lo, hi, w));
    for cell in cells.iter_mut().take(b + 1).skip(a) {
        *cell = fill;
    }
    cells[a] = ends.0;
    cells[b] = ends.1;
    if let Some(x) = at {
        cells[log_x(x, lo, hi, w)] = mark;
    }
}

fn forest(s: &State, v: &CompareView, f: &mut Frame, area: Rect, theme: &Theme) {
    let Some(c) = s.corpus() else { return };
    let (choices, i) = chart_choice(s, v, Chart::Forest);
    let ep = choices.get(i).and_then(Group::endpoint);
    let (rows, pool) = match &v.chart {
        Some(ChartData::Forest { rows, pool, .. }) => (rows, pool.as_deref()),
        _ => return,
    };
    let kind = pool.map_or("HR".to_string(), |p| p.kind.clone());
    let kind = kind.as_str();
    let mut title = meta::kind_name(kind).to_string();
    title[..1].make_ascii_uppercase();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(format!(" {title}s (log scale) "));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = vec![
        endpoint_line(&choices, i, Chart::Forest, inner.width as usize, theme),
        Line::default(),
    ];
    let (Some(_), Some(pool)) = (ep, pool) else {
        lines.push(Line::from(Span::styled(
            "No compared trial reports a hazard, odds or risk ratio.",
            theme.dim(),
        )));
        f.render_widget(Paragraph::new(lines), inner);
        return;
    };
    let ids: Vec<&str> = s
        .compare
        .records
        .iter()
        .filter(|r| r.kind == Kind::Trial)
        .map(|r| c.trial(r.index).id.as_str())
        .collect();
    let study = |id: &str| pool.studies.iter().find(|s| s.id == id);
    let fe = pool.fixed.as_ref();
    let re = pool.random.as_ref();
    let w = inner.width as usize;
    let name_w = (w / 5).clamp(8, 20);
    let row_label = |r: &compare::ForestRow, id: &str| match (r.hr, study(id)) {
        (None, _) => format!("no {}", meta::kind_name(kind)),
        (Some(_), Some(st)) if matches!(st.se_from, meta::SeFrom::PValue { .. }) => {
            format!("{} · SE from P", r.label)
        }
        (Some(_), Some(_)) => r.label.clone(),
        (Some(_), None) => format!("{} · not pooled", r.label),
    };
    let pooled_label = |e: &meta::Estimate| {
        format!(
            "{} ({}–{})",
            meta::report::r3(e.ratio),
            meta::report::r3(e.ci.0),
            meta::report::r3(e.ci.1)
        )
    };
    let label_w = rows
        .iter()
        .zip(&ids)
        .map(|(r, id)| width(&row_label(r, id)))
        .chain(
            [fe, re]
                .into_iter()
                .flatten()
                .map(|e| width(&pooled_label(e))),
        )
        .max()
        .unwrap_or(10)
        .clamp(10, 30)
        .min(w / 3);
    let plot_w = w.saturating_sub(name_w + label_w + 3).max(10);
    // Axis range: the data, the pooled intervals and 1.0, padded, on a log scale.
    let mut lo: f64 = 1.0;
    let mut hi: f64 = 1.0;
    let pooled_spans = [fe, re]
        .into_iter()
        .flatten()
        .flat_map(|e| [Some(e.ci), e.prediction])
        .flatten();
    for (l, h) in rows
        .iter()
        .filter_map(|r| r.hr)
        .map(|(hr, ci)| {
            let (l, h) = ci.unwrap_or((hr, hr));
            (l.min(hr), h.max(hr))
        })
        .chain(pooled_spans)
    {
        lo = lo.min(l);
        hi = hi.max(h);
    }
    let (lo, hi) = ((lo / 1.25).max(0.01), (hi * 1.25).min(100.0));
    let one = log_x(1.0, lo, hi, plot_w);
    let plot_style = theme.role(Role::Best).remove_modifier(Modifier::BOLD);
    for (r, id) in rows.iter().zip(&ids) {
        let mut cells: Vec<char> = vec![' '; plot_w];
        cells[one] = '│';
        let label = row_label(r, id);
        let mut text = Span::styled(fit(&clean(&label), label_w), Style::new());
        if let Some((hr, ci)) = r.hr {
            match ci {
                Some(ci) => span_cells(&mut cells, ci, Some(hr), (lo, hi), '─', ('├', '┤'), '●'),
                None => cells[log_x(hr, lo, hi, plot_w)] = '●',
            }
            if study(id).is_none() {
                text = text.style(theme.dim());
            }
        } else {
            text = text.style(theme.dim());
        }
        let plot: String = cells.into_iter().collect();
        lines.push(Line::from(vec![
            Span::styled(fit(&clean(&r.title), name_w), theme.role(Role::Label)),
            Span::raw(" "),
            Span::styled(plot, plot_style),
            Span::raw(" "),
            text,
        ]));
    }
    // The pooled estimates: a diamond over the confidence interval, the random-effects one
    // with its prediction interval.
    for (name, e) in [("◆ Fixed effect", fe), ("◆ Random (REML)", re)] {
        let Some(e) = e else { continue };
        let mut cells: Vec<char> = vec![' '; plot_w];
        cells[one] = '│';
        if let Some(pi) = e.prediction {
            span_cells(&mut cells, pi, None, (lo, hi), '┄', ('┄', '┄'), '◆');
        }
        span_cells(
            &mut cells,
            e.ci,
            Some(e.ratio),
            (lo, hi),
            '◇',
            ('<', '>'),
            '◆',
        );
        lines.push(Line::from(vec![
            Span::styled(fit(name, name_w), theme.role(Role::Heading)),
            Span::raw(" "),
            Span::styled(
                cells.into_iter().collect::<String>(),
                theme.role(Role::Best),
            ),
            Span::raw(" "),
            Span::styled(fit(&pooled_label(e), label_w), theme.role(Role::Heading)),
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
    let para = |lines: &mut Vec<Line<'static>>, text: &str, role: Role| {
        for l in wrap(text, w) {
            lines.push(Line::from(Span::styled(l, theme.role(role))));
        }
    };
    lines.push(Line::default());
    if let (Some(e), Some(h)) = (re.or(fe), pool.heterogeneity.as_ref()) {
        let pi = e.prediction.map_or(String::new(), |(a, b)| {
            format!(
                " · 95% prediction interval {}–{}",
                meta::report::r3(a),
                meta::report::r3(b)
            )
        });
        para(
            &mut lines,
            &format!(
                "◆ Pooled {} of {} studies, {}. τ² {:.4} (REML) · I² {:.1}% · Q {:.2} (df {}), {}{pi}",
                meta::kind_name(kind),
                pool.studies.len(),
                meta::COMPUTED,
                h.tau2,
                h.i2,
                h.q,
                h.df,
                meta::report::p3(h.p),
            ),
            Role::Heading,
        );
        para(&mut lines, meta::CAVEAT, Role::Flag);
    } else {
        let why = pool.refused.clone().unwrap_or_else(|| {
            format!(
                "fewer than two studies give a {} with a standard error",
                meta::kind_name(kind)
            )
        });
        para(
            &mut lines,
            &format!("Nothing pooled: {}.", clean(&why)),
            Role::Dim,
        );
    }
    for st in &pool.not_pooled {
        para(
            &mut lines,
            &format!("Not pooled: {}: {}", clean(&st.title), clean(&st.reason)),
            Role::Dim,
        );
    }
    lines.push(Line::default());
    para(
        &mut lines,
        "● estimate  ├─┤ confidence interval  ◆ pooled, <◇> its CI, ┄ prediction interval  │ ratio = 1 (no difference)",
        Role::Dim,
    );
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

fn bars(s: &State, v: &CompareView, f: &mut Frame, area: Rect, theme: &Theme) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let (choices, i) = chart_choice(s, v, Chart::Bars);
    let mut lines = vec![
        endpoint_line(&choices, i, Chart::Bars, inner.width as usize, theme),
        Line::default(),
    ];
    let (Some(group), Some(ChartData::Bars { groups, .. })) = (choices.get(i), &v.chart) else {
        lines.push(Line::from(Span::styled(
            "The compared records report no endpoint.",
            theme.dim(),
        )));
        f.render_widget(Paragraph::new(lines), inner);
        return;
    };
    let ep = group.endpoint().unwrap_or_default();
    for l in wrap(&clean(&group.title()), inner.width as usize) {
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
