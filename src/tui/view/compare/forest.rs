//! The forest plot: each trial's ratio with its interval on a log axis, and the pooled
//! estimates as diamonds, labelled as computed by evidex.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::compare::{self, Chart, Group};
use crate::corpus::Kind;
use crate::i18n::{tr, trf};
use crate::meta;
use crate::present::Role;
use crate::text::{clean, fit, width, wrap};
use crate::tui::state::{ChartData, CompareView, State};
use crate::tui::theme::Theme;

use super::{chart_choice, endpoint_line, scrolled};

/// Column of a value on a log axis from `lo` to `hi` over `w` cells.
pub(super) fn log_x(v: f64, lo: f64, hi: f64, w: usize) -> usize {
    let t = (v.ln() - lo.ln()) / (hi.ln() - lo.ln());
    ((t * (w.saturating_sub(1)) as f64).round().max(0.0) as usize).min(w.saturating_sub(1))
}

/// Draws `lo..=hi` (a log axis over `cells`) with `fill`, ends `left`/`right`, and `mark` at
/// `at`.
#[allow(clippy::too_many_arguments)]
pub(super) fn span_cells(
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

pub(super) fn forest(s: &State, v: &CompareView, f: &mut Frame, area: Rect, theme: &Theme) {
    let Some(c) = s.corpus() else { return };
    let (choices, i) = chart_choice(s, v, Chart::Forest);
    let ep = choices.get(i).and_then(Group::endpoint);
    let (rows, pool) = match &v.chart {
        Some(ChartData::Forest { rows, pool, .. }) => (rows, pool.as_deref()),
        _ => return,
    };
    let kind = pool.map_or("HR".to_string(), |p| p.kind.clone());
    let kind = kind.as_str();
    let block = forest_block(s, kind, theme);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let mut lines = vec![
        endpoint_line(s, &choices, i, Chart::Forest, inner.width as usize, theme),
        Line::default(),
    ];
    let (Some(_), Some(pool)) = (ep, pool) else {
        lines.push(Line::from(Span::styled(
            tr(
                s.lang,
                "No compared trial reports a hazard, odds or risk ratio.",
            ),
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
    let labels: Vec<String> = rows
        .iter()
        .zip(&ids)
        .map(|(r, id)| row_label(s, kind, r, pool.studies.iter().find(|st| st.id == *id)))
        .collect();
    let w = inner.width as usize;
    let plot = Plot::new(rows, pool, &labels, w);
    trial_lines(&mut lines, rows, &ids, &labels, pool, &plot, theme);
    pooled_lines(&mut lines, s, pool, &plot, theme);
    axis_lines(&mut lines, s, &plot, theme);
    lines.push(Line::default());
    pool_notes(&mut lines, s, pool, kind, w, theme);
    scrolled(f, lines, s.compare.scroll, inner);
}

/// The plot's frame, titled with the kind of ratio plotted.
fn forest_block(s: &State, kind: &str, theme: &Theme) -> Block<'static> {
    let mut title = meta::kind_name(kind).to_string();
    title[..1].make_ascii_uppercase();
    Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(trf(
            s.lang,
            " %{kinds} (log scale) ",
            &[("kinds", &tr(s.lang, &format!("{title}s")))],
        ))
}

/// One line per trial: its name, its ratio and interval on the plot, and its label (dim when
/// it has no ratio or is not pooled).
fn trial_lines(
    lines: &mut Vec<Line<'static>>,
    rows: &[compare::ForestRow],
    ids: &[&str],
    labels: &[String],
    pool: &meta::Pool,
    plot: &Plot,
    theme: &Theme,
) {
    let plot_style = theme.role(Role::Best).remove_modifier(Modifier::BOLD);
    for ((r, id), label) in rows.iter().zip(ids).zip(labels) {
        let mut cells = plot.blank();
        let mut text = Span::styled(fit(&clean(label), plot.label_w), Style::new());
        if let Some((hr, ci)) = r.hr {
            match ci {
                Some(ci) => plot.span(&mut cells, ci, Some(hr), '─', ('├', '┤'), '●'),
                None => cells[log_x(hr, plot.lo, plot.hi, plot.plot_w)] = '●',
            }
            if !pool.studies.iter().any(|st| st.id == *id) {
                text = text.style(theme.dim());
            }
        } else {
            text = text.style(theme.dim());
        }
        let cells: String = cells.into_iter().collect();
        lines.push(Line::from(vec![
            Span::styled(fit(&clean(&r.title), plot.name_w), theme.role(Role::Label)),
            Span::raw(" "),
            Span::styled(cells, plot_style),
            Span::raw(" "),
            text,
        ]));
    }
}

/// A trial's label: its ratio's label, or why it has none or is not pooled.
fn row_label(s: &State, kind: &str, r: &compare::ForestRow, study: Option<&meta::Study>) -> String {
    match (r.hr, study) {
        (None, _) => trf(
            s.lang,
            "no %{kind}",
            &[("kind", &tr(s.lang, meta::kind_name(kind)))],
        ),
        (Some(_), Some(st)) if matches!(st.se_from, meta::SeFrom::PValue { .. }) => {
            trf(s.lang, "%{label} · SE from P", &[("label", &r.label)])
        }
        (Some(_), Some(_)) => r.label.clone(),
        (Some(_), None) => trf(s.lang, "%{label} · not pooled", &[("label", &r.label)]),
    }
}

/// A pooled estimate's label: the ratio and its confidence interval.
fn pooled_label(e: &meta::Estimate) -> String {
    format!(
        "{} ({}–{})",
        meta::report::r3(e.ratio),
        meta::report::r3(e.ci.0),
        meta::report::r3(e.ci.1)
    )
}

/// The plot's columns and its log axis.
struct Plot {
    name_w: usize,
    label_w: usize,
    plot_w: usize,
    lo: f64,
    hi: f64,
    /// The column of ratio 1.
    one: usize,
}

impl Plot {
    /// Columns for `w` cells; the axis spans the data, the pooled intervals and 1.0, padded,
    /// on a log scale.
    fn new(rows: &[compare::ForestRow], pool: &meta::Pool, labels: &[String], w: usize) -> Plot {
        let (fe, re) = (pool.fixed.as_ref(), pool.random.as_ref());
        let name_w = (w / 5).clamp(8, 20);
        let label_w = labels
            .iter()
            .map(|l| width(l))
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
        Plot {
            name_w,
            label_w,
            plot_w,
            lo,
            hi,
            one: log_x(1.0, lo, hi, plot_w),
        }
    }

    /// An empty row of the plot: blank, with the line of ratio 1.
    fn blank(&self) -> Vec<char> {
        let mut cells: Vec<char> = vec![' '; self.plot_w];
        cells[self.one] = '│';
        cells
    }

    /// [`span_cells`] on this plot's axis.
    fn span(
        &self,
        cells: &mut [char],
        range: (f64, f64),
        at: Option<f64>,
        fill: char,
        ends: (char, char),
        mark: char,
    ) {
        span_cells(cells, range, at, (self.lo, self.hi), fill, ends, mark);
    }
}

/// The pooled estimates: a diamond over the confidence interval, the random-effects one with
/// its prediction interval.
fn pooled_lines(
    lines: &mut Vec<Line<'static>>,
    s: &State,
    pool: &meta::Pool,
    plot: &Plot,
    theme: &Theme,
) {
    for (name, e) in [
        (tr(s.lang, "◆ Fixed effect"), pool.fixed.as_ref()),
        (tr(s.lang, "◆ Random (REML)"), pool.random.as_ref()),
    ] {
        let Some(e) = e else { continue };
        let mut cells = plot.blank();
        if let Some(pi) = e.prediction {
            plot.span(&mut cells, pi, None, '┄', ('┄', '┄'), '◆');
        }
        plot.span(&mut cells, e.ci, Some(e.ratio), '◇', ('<', '>'), '◆');
        lines.push(Line::from(vec![
            Span::styled(fit(&name, plot.name_w), theme.role(Role::Heading)),
            Span::raw(" "),
            Span::styled(
                cells.into_iter().collect::<String>(),
                theme.role(Role::Best),
            ),
            Span::raw(" "),
            Span::styled(
                fit(&pooled_label(e), plot.label_w),
                theme.role(Role::Heading),
            ),
        ]));
    }
}

/// The axis with ticks at its ends and at 1, and which side favours which arm.
fn axis_lines(lines: &mut Vec<Line<'static>>, s: &State, plot: &Plot, theme: &Theme) {
    let (plot_w, one) = (plot.plot_w, plot.one);
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
    put(0, &format!("{:.2}", plot.lo));
    put(one, "1");
    put(plot_w - 1, &format!("{:.2}", plot.hi));
    let pad = " ".repeat(plot.name_w + 1);
    lines.push(Line::from(format!(
        "{pad}{}",
        axis.into_iter().collect::<String>()
    )));
    lines.push(Line::from(format!(
        "{pad}{}",
        ticks.into_iter().collect::<String>()
    )));
    let left = tr(s.lang, "← favours experimental");
    let right = tr(s.lang, "favours control →");
    let gap = plot_w.saturating_sub(width(&left) + width(&right));
    lines.push(Line::from(Span::styled(
        format!("{pad}{left}{}{right}", " ".repeat(gap)),
        theme.dim(),
    )));
}

/// Under the plot: the pooled estimate with its heterogeneity and caveat (or why nothing was
/// pooled), the studies left out, and the legend, wrapped to `w` columns.
fn pool_notes(
    lines: &mut Vec<Line<'static>>,
    s: &State,
    pool: &meta::Pool,
    kind: &str,
    w: usize,
    theme: &Theme,
) {
    let para = |lines: &mut Vec<Line<'static>>, text: &str, role: Role| {
        for l in wrap(text, w) {
            lines.push(Line::from(Span::styled(l, theme.role(role))));
        }
    };
    let (fe, re) = (pool.fixed.as_ref(), pool.random.as_ref());
    if let (Some(e), Some(h)) = (re.or(fe), pool.heterogeneity.as_ref()) {
        para(lines, &pooled_note(s, pool, e, h, kind), Role::Heading);
        para(lines, &tr(s.lang, meta::CAVEAT), Role::Flag);
    } else {
        para(lines, &nothing_pooled(s, pool, kind), Role::Dim);
    }
    for st in &pool.not_pooled {
        para(
            lines,
            &trf(
                s.lang,
                "Not pooled: %{title}: %{reason}",
                &[("title", &clean(&st.title)), ("reason", &clean(&st.reason))],
            ),
            Role::Dim,
        );
    }
    lines.push(Line::default());
    para(
        lines,
        &tr(
            s.lang,
            "● estimate  ├─┤ confidence interval  ◆ pooled, <◇> its CI, ┄ prediction interval  │ ratio = 1 (no difference)",
        ),
        Role::Dim,
    );
}

/// The pooled estimate `e` with its heterogeneity `h` and prediction interval, labelled as
/// computed by evidex.
fn pooled_note(
    s: &State,
    pool: &meta::Pool,
    e: &meta::Estimate,
    h: &meta::Heterogeneity,
    kind: &str,
) -> String {
    let pi = e.prediction.map_or(String::new(), |(a, b)| {
        trf(
            s.lang,
            " · 95% prediction interval %{low}–%{high}",
            &[
                ("low", &meta::report::r3(a)),
                ("high", &meta::report::r3(b)),
            ],
        )
    });
    format!(
        "{}τ² {:.4} (REML) · I² {:.1}% · Q {:.2} (df {}), {}{pi}",
        trf(
            s.lang,
            "◆ Pooled %{kind} of %{n} studies, %{computed}. ",
            &[
                ("kind", &tr(s.lang, meta::kind_name(kind))),
                ("n", &pool.studies.len()),
                ("computed", &tr(s.lang, meta::COMPUTED)),
            ],
        ),
        h.tau2,
        h.i2,
        h.q,
        h.df,
        meta::report::p3(h.p),
    )
}

/// Why nothing was pooled: the pool's refusal, or too few studies with a standard error.
fn nothing_pooled(s: &State, pool: &meta::Pool, kind: &str) -> String {
    let why = pool.refused.clone().unwrap_or_else(|| {
        trf(
            s.lang,
            "fewer than two studies give a %{kind} with a standard error",
            &[("kind", &tr(s.lang, meta::kind_name(kind)))],
        )
    });
    trf(s.lang, "Nothing pooled: %{why}.", &[("why", &clean(&why))])
}
