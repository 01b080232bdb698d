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
    let mut title = meta::kind_name(kind).to_string();
    title[..1].make_ascii_uppercase();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border(true))
        .title(trf(
            s.lang,
            " %{kinds} (log scale) ",
            &[("kinds", &tr(s.lang, &format!("{title}s")))],
        ));
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
    let study = |id: &str| pool.studies.iter().find(|s| s.id == id);
    let fe = pool.fixed.as_ref();
    let re = pool.random.as_ref();
    let w = inner.width as usize;
    let name_w = (w / 5).clamp(8, 20);
    let row_label = |r: &compare::ForestRow, id: &str| match (r.hr, study(id)) {
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
    for (name, e) in [
        (tr(s.lang, "◆ Fixed effect"), fe),
        (tr(s.lang, "◆ Random (REML)"), re),
    ] {
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
            Span::styled(fit(&name, name_w), theme.role(Role::Heading)),
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
    let left = tr(s.lang, "← favours experimental");
    let right = tr(s.lang, "favours control →");
    let gap = plot_w.saturating_sub(width(&left) + width(&right));
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
            trf(
                s.lang,
                " · 95% prediction interval %{low}–%{high}",
                &[
                    ("low", &meta::report::r3(a)),
                    ("high", &meta::report::r3(b)),
                ],
            )
        });
        para(
            &mut lines,
            &format!(
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
            ),
            Role::Heading,
        );
        para(&mut lines, &tr(s.lang, meta::CAVEAT), Role::Flag);
    } else {
        let why = pool.refused.clone().unwrap_or_else(|| {
            trf(
                s.lang,
                "fewer than two studies give a %{kind} with a standard error",
                &[("kind", &tr(s.lang, meta::kind_name(kind)))],
            )
        });
        para(
            &mut lines,
            &trf(s.lang, "Nothing pooled: %{why}.", &[("why", &clean(&why))]),
            Role::Dim,
        );
    }
    for st in &pool.not_pooled {
        para(
            &mut lines,
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
        &mut lines,
        &tr(
            s.lang,
            "● estimate  ├─┤ confidence interval  ◆ pooled, <◇> its CI, ┄ prediction interval  │ ratio = 1 (no difference)",
        ),
        Role::Dim,
    );
    scrolled(f, lines, s.compare.scroll, inner);
}
