//! `view(&State, &mut Frame)`: pure drawing. Nothing here mutates state or does I/O, and
//! nothing scales with the corpus: only visible rows are built, and highlights are computed
//! for them alone.

mod browse;
pub(crate) mod compare;
pub(crate) mod help;
mod results;

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::state::{Load, MIN_HEIGHT, MIN_WIDTH, Screen, State};
use super::theme::Theme;

pub fn view(s: &State, f: &mut Frame) {
    let area = f.area();
    let theme = Theme::new(s.theme).with(&s.colors);
    // The theme's own background under everything, so its contrast holds in any terminal.
    f.buffer_mut().set_style(area, theme.base());
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(f, area, &theme, s.lang);
        return;
    }
    if let Load::Loading { name, elapsed_ms } = &s.load {
        let y = area.height / 2;
        let spinner = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
        let msg = crate::i18n::trf(
            s.lang,
            "%{spin} Loading and indexing %{name}… %{secs} s",
            &[
                (
                    "spin",
                    &spinner[(*elapsed_ms / 100) as usize % spinner.len()],
                ),
                ("name", &crate::text::clean(name)),
                ("secs", &format!("{:.1}", *elapsed_ms as f64 / 1000.0)),
            ],
        );
        f.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled(msg, theme.key())),
                Line::from(Span::styled(
                    crate::i18n::tr(s.lang, "q, Esc or Ctrl-C quits"),
                    theme.dim(),
                )),
            ])
            .alignment(Alignment::Center),
            Rect::new(0, y.saturating_sub(1), area.width, 2),
        );
        return;
    }
    match s.screen {
        Screen::Browse => browse::draw(s, f, &theme),
        Screen::Compare => compare::draw(s, f, &theme),
    }
    if s.sets_menu.is_some() {
        help::draw_sets(s, f, &theme);
    }
    if s.help {
        help::draw(s, f, &theme);
    }
}

/// A bordered pane drawn in `area` with `title`, its border marked when it has the focus;
/// returns the area inside the border.
fn pane(f: &mut Frame, area: Rect, title: String, focused: bool, theme: &Theme) -> Rect {
    let block = ratatui::widgets::Block::default()
        .borders(ratatui::widgets::Borders::ALL)
        .border_style(theme.border(focused))
        .title(Span::styled(title, theme.border(focused)));
    let inner = block.inner(area);
    f.render_widget(block, area);
    inner
}

fn too_small(f: &mut Frame, area: Rect, theme: &Theme, lang: crate::corpus::Lang) {
    use crate::i18n::{tr, trf};
    let text = vec![
        Line::from(Span::styled(tr(lang, "Terminal too small"), theme.error())),
        Line::from(trf(
            lang,
            "evidex needs %{w}x%{h}; this is %{cw}x%{ch}.",
            &[
                ("w", &MIN_WIDTH),
                ("h", &MIN_HEIGHT),
                ("cw", &area.width),
                ("ch", &area.height),
            ],
        )),
        Line::from(tr(lang, "Enlarge the window, or press Ctrl-C to quit.")),
    ];
    let y = area.height.saturating_sub(3) / 2;
    let h = area.height.min(3);
    f.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        Rect::new(0, y, area.width, h),
    );
}
