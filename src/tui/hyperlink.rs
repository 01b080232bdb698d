//! OSC 8 hyperlinks: whether the terminal shows them, and writing them into ratatui's buffer.
//!
//! ratatui's cells hold text, not links. A link is written as the ratatui `hyperlink` example
//! does, into the cells themselves: the first cell of a run of cells with one style gets the
//! whole run's text wrapped in the OSC 8 sequence, and a forced width
//! ([`CellDiffOption::ForcedWidth`]) tells the buffer's diff how many columns that text takes,
//! so the cells it covers are skipped and whatever follows is placed by column, not by the
//! length of the escape sequence. Only addresses that [`is_safe_url`] accepts (http(s),
//! printable ASCII, no escape) are written, and only over cells of single-column ASCII text.

use std::num::NonZeroU16;

use ratatui::buffer::{Buffer, CellDiffOption};

use crate::present::weblinks::is_safe_url;

/// The configuration's `hyperlinks`: draw links where the terminal is known to show them, always,
/// or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Auto,
    Always,
    Never,
}

/// Whether to draw hyperlinks in a terminal whose environment `env` reads. `Auto` is
/// conservative: only terminals that say who they are and are known to show OSC 8 (a
/// multiplexer such as tmux, which may drop or garble them, never is).
pub fn enabled(mode: Mode, env: &dyn Fn(&str) -> Option<String>) -> bool {
    match mode {
        Mode::Always => return true,
        Mode::Never => return false,
        Mode::Auto => {}
    }
    let var = |k: &str| env(k).filter(|v| !v.is_empty());
    let term = var("TERM").unwrap_or_default();
    if term == "dumb" || term == "linux" || term.starts_with("screen") || term.starts_with("tmux") {
        return false;
    }
    if var("TMUX").is_some() || var("STY").is_some() || var("ZELLIJ").is_some() {
        return false;
    }
    if let Some(v) = var("FORCE_HYPERLINK") {
        return v != "0";
    }
    let program = var("TERM_PROGRAM").unwrap_or_default();
    matches!(
        program.as_str(),
        "iTerm.app" | "WezTerm" | "vscode" | "ghostty" | "Hyper" | "Tabby" | "rio"
    ) || var("VTE_VERSION")
        .and_then(|v| v.parse::<u32>().ok())
        .is_some_and(|v| v >= 5000)
        || var("KONSOLE_VERSION").is_some()
        || var("WT_SESSION").is_some()
        || var("KITTY_WINDOW_ID").is_some()
        || matches!(
            term.as_str(),
            "xterm-kitty" | "xterm-ghostty" | "alacritty" | "foot" | "foot-extra" | "wezterm"
        )
}

/// The OSC 8 sequence that makes `text` a link to `url`.
pub fn osc8(url: &str, text: &str) -> String {
    format!("\x1b]8;;{url}\x1b\\{text}\x1b]8;;\x1b\\")
}

/// Makes `width` cells of row `y` from column `x` a link to `url` (cut at the buffer's edge).
/// Nothing is written for an address that is not safe, or over cells that are not all
/// single-column ASCII text (their widths could not be kept).
pub fn write(buf: &mut Buffer, x: u16, y: u16, width: u16, url: &str) {
    let area = buf.area;
    if !is_safe_url(url) || y < area.y || y >= area.bottom() || x < area.x {
        return;
    }
    let end = x.saturating_add(width).min(area.right());
    let plain = |s: &str| s.len() == 1 && s.bytes().all(|b| (0x20..0x7f).contains(&b));
    if (x..end)
        .any(|cx| !plain(buf[(cx, y)].symbol()) || buf[(cx, y)].diff_option != CellDiffOption::None)
    {
        return;
    }
    let mut start = x;
    while start < end {
        let style = buf[(start, y)].style();
        let mut stop = start + 1;
        while stop < end && buf[(stop, y)].style() == style {
            stop += 1;
        }
        let text: String = (start..stop).map(|cx| buf[(cx, y)].symbol()).collect();
        let Some(n) = NonZeroU16::new(stop - start) else {
            break;
        };
        let cell = &mut buf[(start, y)];
        cell.set_symbol(&osc8(url, &text));
        cell.set_diff_option(CellDiffOption::ForcedWidth(n));
        start = stop;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::{Color, Style};

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn auto_draws_links_only_where_the_terminal_is_known_to_show_them() {
        let on = |vars: &[(&str, &str)]| enabled(Mode::Auto, &env(vars));
        assert!(on(&[
            ("TERM", "xterm-256color"),
            ("TERM_PROGRAM", "WezTerm")
        ]));
        assert!(on(&[("TERM", "xterm-256color"), ("VTE_VERSION", "7600")]));
        assert!(on(&[("TERM", "xterm-kitty")]));
        assert!(!on(&[("TERM", "xterm-256color")]), "an unknown terminal");
        assert!(!on(&[("TERM", "xterm-256color"), ("VTE_VERSION", "4200")]));
        assert!(!on(&[("TERM", "dumb"), ("TERM_PROGRAM", "WezTerm")]));
        assert!(!on(&[("TERM", "tmux-256color"), ("TERM_PROGRAM", "tmux")]));
        assert!(!on(&[
            ("TERM", "xterm-kitty"),
            ("TMUX", "/tmp/tmux-0/default,1,0")
        ]));
        assert!(on(&[("TERM", "xterm"), ("FORCE_HYPERLINK", "1")]));
        assert!(enabled(Mode::Always, &env(&[("TERM", "dumb")])));
        assert!(!enabled(Mode::Never, &env(&[("TERM_PROGRAM", "WezTerm")])));
    }

    #[test]
    fn a_link_is_written_in_runs_of_one_style_with_their_width() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 1));
        buf.set_string(0, 0, "see NCT05348811 ok", Style::default());
        buf.set_style(
            Rect::new(4, 0, 3, 1),
            Style::default().bg(Color::Indexed(24)),
        );
        let url = "https://clinicaltrials.gov/study/NCT05348811";
        write(&mut buf, 4, 0, 11, url);
        assert_eq!(buf[(4, 0)].symbol(), osc8(url, "NCT"));
        assert_eq!(
            buf[(4, 0)].diff_option,
            CellDiffOption::ForcedWidth(NonZeroU16::new(3).unwrap())
        );
        assert_eq!(buf[(7, 0)].symbol(), osc8(url, "05348811"));
        assert_eq!(
            buf[(7, 0)].diff_option,
            CellDiffOption::ForcedWidth(NonZeroU16::new(8).unwrap())
        );
        assert_eq!(buf[(15, 0)].symbol(), " ");
        // Not twice, not an unsafe address, not over wide text.
        let before = buf.clone();
        write(&mut buf, 4, 0, 11, url);
        write(&mut buf, 0, 0, 3, "https://x.org/\x1b]0;pwned\x07");
        assert_eq!(buf, before);
        let mut wide = Buffer::empty(Rect::new(0, 0, 10, 1));
        wide.set_string(0, 0, "肝癌 x", Style::default());
        let before = wide.clone();
        write(&mut wide, 0, 0, 4, url);
        assert_eq!(wide, before);
    }
}
