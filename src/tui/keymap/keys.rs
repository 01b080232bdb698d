//! Keys: how the table and the configuration write them, and how a key press matches one.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A key as written in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum K {
    Code(KeyCode),
    Ctrl(char),
    Char(char),
}

pub(super) fn matches(k: &K, ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match *k {
        K::Ctrl(c) => ctrl && ev.code == KeyCode::Char(c),
        K::Char(c) => !ctrl && ev.code == KeyCode::Char(c),
        K::Code(code) => ev.code == code,
    }
}

/// A key as the configuration writes it: `q`, `Q`, `ctrl-l`, `enter`, `esc`, `tab`,
/// `shift-tab`, `space`, `up`, `down`, `left`, `right`, `pgup`, `pgdn`, `home`, `end`,
/// `backspace`, `delete`, `f1`…`f12`.
pub fn parse_key(text: &str) -> Result<K, String> {
    let t = text.trim();
    let lower = t.to_lowercase();
    if let Some(rest) = lower
        .strip_prefix("ctrl-")
        .or_else(|| lower.strip_prefix("ctrl+"))
    {
        let mut chars = rest.chars();
        return match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_alphanumeric() => Ok(K::Ctrl(c.to_ascii_lowercase())),
            _ => Err(format!("{t:?}: Ctrl- goes with one letter or digit")),
        };
    }
    let mut chars = t.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return if c.is_control() {
            Err(format!("{t:?} is a control character"))
        } else {
            Ok(K::Char(c))
        };
    }
    let code = match lower.as_str() {
        "space" => return Ok(K::Char(' ')),
        "enter" | "return" => KeyCode::Enter,
        "esc" | "escape" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "shift-tab" | "backtab" => KeyCode::BackTab,
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "pgup" | "pageup" => KeyCode::PageUp,
        "pgdn" | "pagedown" => KeyCode::PageDown,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "backspace" => KeyCode::Backspace,
        "delete" | "del" => KeyCode::Delete,
        f if f.starts_with('f') => match f[1..].parse::<u8>() {
            Ok(n @ 1..=12) => KeyCode::F(n),
            _ => return Err(format!("unknown key {t:?}")),
        },
        _ => return Err(format!("unknown key {t:?}")),
    };
    Ok(K::Code(code))
}

/// How one key is written: `↑`, `Enter`, `Ctrl-L`, `Space`.
pub fn key_name(k: &K) -> String {
    match *k {
        K::Ctrl(c) => format!("Ctrl-{}", c.to_ascii_uppercase()),
        K::Char(' ') => "Space".into(),
        K::Char(c) => c.to_string(),
        K::Code(code) => match code {
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::BackTab => "Shift-Tab".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        },
    }
}
