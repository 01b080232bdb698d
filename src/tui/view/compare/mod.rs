//! The compare screen: tabs (Table, Forest plot, Bars, Summary of findings), the caveat banner,
//! and the four views of one [`crate::compare::Comparison`].
//!
//! `table` lays out and draws the table (its layout is kept in the state), `forest` the forest
//! plot with the pooled estimates, `bars` the bar chart, `summary` the summary of findings.

mod bars;
mod forest;
mod summary;
mod table;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::compare::{Chart, Group};
use crate::export::BEST;
use crate::i18n::{tr, trf};
use crate::present::Role;
use crate::text::{clean, truncate, width};
use crate::tui::state::{CompareView, State, Tab};
use crate::tui::theme::Theme;

use bars::bars;
use forest::forest;
pub use summary::SofLayout;
use summary::summary;
pub use table::TableLayout;
use table::table;

/// Draws the compare screen: the tab line, the caveat banner, the chosen tab's view and the
/// status line.
pub fn draw(s: &State, f: &mut Frame, theme: &Theme) {
    let Some(v) = s.compare_view() else { return };
    let Some(layout) = &v.table else { return };
    let area = f.area();
    f.render_widget(
        Paragraph::new(tab_line(s, area.width, theme)),
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
        Tab::Summary => summary(s, v.sof_layout.as_ref(), f, body, theme),
    }
    f.render_widget(
        Paragraph::new(Line::from(truncate_span(
            status_span(s, v, theme),
            area.width as usize,
        ))),
        Rect::new(0, area.height.saturating_sub(1), area.width, 1),
    );
}

/// The tab line: the screen's title, the tabs (the shown one selected), and the hints that
/// fit whole in `width` columns, never one cut in the middle.
fn tab_line(s: &State, width_cols: u16, theme: &Theme) -> Line<'static> {
    let mut tabs = vec![Span::styled(
        tr(s.lang, " Compare "),
        theme.role(Role::Title),
    )];
    for t in Tab::ALL {
        let st = if t == s.compare.tab {
            theme.selected()
        } else {
            theme.dim()
        };
        tabs.push(Span::styled(format!(" {} ", tr(s.lang, t.title())), st));
        tabs.push(Span::raw(" "));
    }
    let used: usize = tabs.iter().map(Span::width).sum();
    let mut hints = String::new();
    for (i, h) in tr(s.lang, " Tab switch · e export · y copy · Esc back")
        .split(" · ")
        .enumerate()
    {
        let piece = if i == 0 {
            h.to_string()
        } else {
            format!(" · {h}")
        };
        if used + width(&hints) + width(&piece) > usize::from(width_cols) {
            break;
        }
        hints.push_str(&piece);
    }
    tabs.push(Span::styled(hints, theme.dim()));
    Line::from(tabs)
}

/// The status line: the status message when there is one, else how to read the screen, with
/// the adverse-event key (from the keys in force) when there are events to list.
fn status_span(s: &State, v: &CompareView, theme: &Theme) -> Span<'static> {
    if let Some(st) = &s.status {
        let style = if st.is_error() {
            theme.error()
        } else {
            theme.key()
        };
        return Span::styled(clean(st.text()).into_owned(), style);
    }
    let events = v
        .comparison
        .adverse_events
        .zip(s.keymap.key_for(
            crate::tui::keymap::Context::Compare,
            false,
            crate::tui::action::Action::ToggleAllEvents,
        ))
        .map(|(shown, key)| match shown.events {
            crate::compare::Events::Top => trf(s.lang, " · %{key} all AEs", &[("key", &key)]),
            crate::compare::Events::All => trf(s.lang, " · %{key} top AEs", &[("key", &key)]),
        })
        .unwrap_or_default();
    Span::styled(
        trf(
            s.lang,
            "%{best} best value in its row (bold)%{events} · ↑/↓ scroll · ←/→ endpoint in charts · ? help",
            &[("best", &BEST), ("events", &events)],
        ),
        theme.dim(),
    )
}

/// The choices of a chart and which one is shown.
pub(super) fn chart_choice(s: &State, v: &CompareView, chart: Chart) -> (Vec<Group>, usize) {
    let choices = v.choices(chart).to_vec();
    let i = s.compare.endpoint % choices.len().max(1);
    (choices, i)
}

pub(super) fn endpoint_line(
    s: &State,
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
        Chart::Bars => g.title_in(s.lang),
    };
    let rest = trf(
        s.lang,
        " ▶  %{i} of %{n} · ←/→ another",
        &[("i", &(i + 1)), ("n", &choices.len())],
    );
    let head = tr(s.lang, "Endpoint ◀ ");
    let room = w.saturating_sub(width(&head) + width(&rest) + 2);
    Line::from(vec![
        Span::styled(head, theme.dim()),
        Span::styled(
            format!(" {} ", truncate(&clean(&name), room)),
            theme.selected(),
        ),
        Span::styled(rest, theme.dim()),
    ])
}

/// The rows of a pane `height` rows high that show at `scroll`, of `len`: the scroll is held
/// where the last row shows at the bottom.
pub(super) fn shown(len: usize, scroll: usize, height: u16) -> std::ops::Range<usize> {
    let visible = height as usize;
    let from = scroll.min(len.saturating_sub(visible));
    from..len.min(from + visible)
}

/// Draws `lines` in `area`, scrolled by `scroll` (see [`shown`]).
pub(super) fn scrolled(f: &mut Frame, lines: Vec<Line<'_>>, scroll: usize, area: Rect) {
    let rows = shown(lines.len(), scroll, area.height);
    let lines: Vec<Line> = lines
        .into_iter()
        .skip(rows.start)
        .take(rows.len())
        .collect();
    f.render_widget(Paragraph::new(lines), area);
}

fn truncate_span(s: Span<'static>, w: usize) -> Span<'static> {
    Span::styled(truncate(&s.content, w).into_owned(), s.style)
}
