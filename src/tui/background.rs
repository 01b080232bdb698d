//! Which theme to start in: the user's choice, else what the terminal's background says.
//!
//! The order: `--theme` (or `EVIDEX_THEME`, which clap reads as the option's default), then
//! `NO_COLOR` (monochrome), then `COLORFGBG` (set by rxvt, Konsole and others as `fg;bg`),
//! then the terminal's answer to an OSC 11 query for its background colour, then dark.
//!
//! The OSC 11 query is written and its answer read before the browser's input thread starts
//! (the caller has the terminal in raw mode): the answer arrives on standard input like typed
//! keys, and the input thread would otherwise take it for a key press. A Device Attributes
//! request (DA1, `ESC [ c`) follows the query; every terminal answers that one, so a terminal
//! that ignores OSC 11 costs one round trip, not the whole timeout.

use std::time::Duration;

use super::theme::{ThemeName, luminance};

/// How long to wait for the terminal's answers.
pub const QUERY_TIMEOUT: Duration = Duration::from_millis(100);

/// The theme to use. `chosen` is the `--theme` option (or `EVIDEX_THEME`); `query` asks the
/// terminal for its background, and is called only when nothing before it decides.
pub fn choose(
    chosen: Option<ThemeName>,
    no_color: bool,
    colorfgbg: Option<&str>,
    query: impl FnOnce() -> Option<(u16, u16, u16)>,
) -> ThemeName {
    if let Some(t) = chosen {
        return t;
    }
    if no_color {
        return ThemeName::Mono;
    }
    if let Some(t) = colorfgbg.and_then(parse_colorfgbg) {
        return t;
    }
    query().map_or(ThemeName::Dark, theme_for_rgb)
}

/// A dark theme for a dark background, a light one for a light background.
pub fn theme_for_rgb((r, g, b): (u16, u16, u16)) -> ThemeName {
    let to8 = |c: u16| (c >> 8) as u8;
    if luminance((to8(r), to8(g), to8(b))) > 0.3 {
        ThemeName::Light
    } else {
        ThemeName::Dark
    }
}

/// `COLORFGBG` is `fg;bg` (sometimes `fg;default;bg`) in colours 0–15; a background of 7 or
/// 9–15 is light (rxvt's convention; 8 is a dark grey).
pub fn parse_colorfgbg(value: &str) -> Option<ThemeName> {
    let bg = value.rsplit(';').next()?.trim();
    let n: u8 = bg.parse().ok()?;
    match n {
        7 | 9..=15 => Some(ThemeName::Light),
        0..=6 | 8 => Some(ThemeName::Dark),
        _ => None,
    }
}

/// The colour in a terminal's answer to OSC 11, `ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by BEL
/// or `ESC \`. Each part has 1 to 4 hex digits; the result is scaled to 16 bits. Bytes before
/// the answer (a key typed meanwhile) are skipped.
pub fn parse_osc11(reply: &[u8]) -> Option<(u16, u16, u16)> {
    let text = String::from_utf8_lossy(reply);
    let start = text.find("]11;")? + 4;
    let rest = &text[start..];
    let end = rest.find(['\x07', '\x1b']).unwrap_or(rest.len());
    let spec = &rest[..end];
    let body = spec
        .strip_prefix("rgb:")
        .or_else(|| spec.strip_prefix("rgba:"))?;
    let mut parts = body.split('/').map(hex_channel);
    let (r, g, b) = (parts.next()??, parts.next()??, parts.next()??);
    Some((r, g, b))
}

/// One channel of an X11 colour spec, `h` to `hhhh`, scaled to 16 bits.
fn hex_channel(s: &str) -> Option<u16> {
    if s.is_empty() || s.len() > 4 {
        return None;
    }
    let v = u32::from_str_radix(s, 16).ok()?;
    let max = (1u32 << (4 * s.len())) - 1;
    Some((v * 0xffff / max) as u16)
}

/// Whether `buf` holds a complete DA1 answer (`ESC [ ? … c`).
fn has_da1_reply(buf: &[u8]) -> bool {
    buf.windows(3)
        .enumerate()
        .any(|(i, w)| w == b"\x1b[?" && buf[i + 3..].contains(&b'c'))
}

/// Asks the terminal for its background colour. The terminal must be in raw mode, and
/// nothing else may be reading standard input. `None` when it does not answer in time.
#[cfg(unix)]
pub fn query_terminal(timeout: Duration) -> Option<(u16, u16, u16)> {
    use std::io::Write;
    use std::time::Instant;

    use rustix::event::{PollFd, PollFlags, Timespec, poll};

    let mut out = std::io::stdout().lock();
    out.write_all(b"\x1b]11;?\x1b\\\x1b[c").ok()?;
    out.flush().ok()?;
    drop(out);
    let stdin = rustix::stdio::stdin();
    let deadline = Instant::now() + timeout;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 256];
    while !has_da1_reply(&buf) {
        let left = deadline.checked_duration_since(Instant::now())?;
        let ts = Timespec {
            tv_sec: left.as_secs() as _,
            tv_nsec: left.subsec_nanos() as _,
        };
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        match poll(&mut fds, Some(&ts)) {
            Ok(0) => break,
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => break,
        }
        match rustix::io::read(stdin, &mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    parse_osc11(&buf)
}

#[cfg(not(unix))]
pub fn query_terminal(_timeout: Duration) -> Option<(u16, u16, u16)> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc11_replies_parse() {
        assert_eq!(
            parse_osc11(b"\x1b]11;rgb:ffff/ffff/ffff\x1b\\"),
            Some((0xffff, 0xffff, 0xffff))
        );
        assert_eq!(
            parse_osc11(b"\x1b]11;rgb:0000/2b2b/3636\x07"),
            Some((0, 0x2b2b, 0x3636))
        );
        // Two-digit parts (some terminals), and the DA1 answer behind it.
        assert_eq!(
            parse_osc11(b"\x1b]11;rgb:fd/f6/e3\x1b\\\x1b[?62;22c"),
            Some((0xfdfd, 0xf6f6, 0xe3e3))
        );
        // A key typed before the answer.
        assert_eq!(parse_osc11(b"q\x1b]11;rgb:0/0/0\x07"), Some((0, 0, 0)));
        assert_eq!(parse_osc11(b"\x1b[?62;22c"), None);
        assert_eq!(parse_osc11(b"\x1b]11;rgb:zz/00/00\x07"), None);
        assert_eq!(parse_osc11(b"\x1b]11;rgb:00/00\x07"), None);
        assert_eq!(parse_osc11(b""), None);
    }

    #[test]
    fn backgrounds_pick_their_theme() {
        assert_eq!(theme_for_rgb((0xffff, 0xffff, 0xffff)), ThemeName::Light);
        // Solarized Light and Dark.
        assert_eq!(theme_for_rgb((0xfdfd, 0xf6f6, 0xe3e3)), ThemeName::Light);
        assert_eq!(theme_for_rgb((0, 0x2b2b, 0x3636)), ThemeName::Dark);
        assert_eq!(theme_for_rgb((0, 0, 0)), ThemeName::Dark);
    }

    #[test]
    fn colorfgbg_parses() {
        assert_eq!(parse_colorfgbg("15;0"), Some(ThemeName::Dark));
        assert_eq!(parse_colorfgbg("0;15"), Some(ThemeName::Light));
        assert_eq!(parse_colorfgbg("0;default;15"), Some(ThemeName::Light));
        assert_eq!(parse_colorfgbg("12;8"), Some(ThemeName::Dark));
        assert_eq!(parse_colorfgbg("0;7"), Some(ThemeName::Light));
        assert_eq!(parse_colorfgbg("default;default"), None);
        assert_eq!(parse_colorfgbg(""), None);
        assert_eq!(parse_colorfgbg("0;200"), None);
    }

    #[test]
    fn the_order_of_choices() {
        let never = || -> Option<(u16, u16, u16)> { panic!("the terminal is not asked") };
        let white = || Some((0xffff, 0xffff, 0xffff));
        assert_eq!(
            choose(Some(ThemeName::Light), true, Some("15;0"), never),
            ThemeName::Light
        );
        assert_eq!(choose(None, true, Some("0;15"), never), ThemeName::Mono);
        assert_eq!(choose(None, false, Some("0;15"), never), ThemeName::Light);
        assert_eq!(choose(None, false, Some("15;0"), white), ThemeName::Dark);
        assert_eq!(choose(None, false, Some("junk"), white), ThemeName::Light);
        assert_eq!(choose(None, false, None, white), ThemeName::Light);
        assert_eq!(choose(None, false, None, || None), ThemeName::Dark);
    }

    #[test]
    fn da1_ends_the_wait() {
        assert!(has_da1_reply(b"\x1b]11;rgb:0/0/0\x07\x1b[?62;22c"));
        assert!(!has_da1_reply(b"\x1b]11;rgb:0/0/0\x07\x1b[?62;2"));
        assert!(!has_da1_reply(b""));
    }
}
