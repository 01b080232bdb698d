//! Text for the terminal: inert control characters, display width, truncation and wrapping.
//!
//! Every corpus string passes through [`clean`] before it reaches a terminal, in the TUI and in
//! the CLI's human formats, so a data file can never move the cursor, retitle the window,
//! write the clipboard or reorder text with bidirectional overrides. Widths are display
//! columns (a Chinese character is two), never bytes or chars, and truncation never splits a
//! wide character.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Whether `c` would act on a terminal or on the layout instead of being shown.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{200E}' | '\u{200F}' | '\u{061C}'          // directional marks
            | '\u{202A}'..='\u{202E}'                   // embeddings and overrides
            | '\u{2066}'..='\u{2069}'                   // isolates
            | '\u{2028}' | '\u{2029}'                   // line / paragraph separators
            | '\u{FFF9}'..='\u{FFFB}')
}

/// Replaces control characters with visible stand-ins: C0 controls by their Unicode control
/// picture (ESC → ␛), DEL by ␡, C1 controls and bidi controls by U+FFFD. Newlines and tabs become
/// spaces: the result is one line.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(replacement).collect())
}

/// Like [`clean`] but keeps newlines, for multi-line text that will be wrapped.
pub fn clean_block(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if c == '\n' { c } else { replacement(c) })
            .collect(),
    )
}

/// JSON text made safe to show on a terminal without changing what it means: DEL, C1
/// controls, bidirectional controls and line separators (which serde_json leaves raw inside
/// strings) become `\uXXXX` escapes. JSON's structure is ASCII, so such a character can only
/// stand inside a string, where the escape decodes to the same character.
pub fn json_safe(json: String) -> String {
    if !json.chars().any(is_unsafe) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn replacement(c: char) -> char {
    match c {
        '\n' | '\t' | '\r' => ' ',
        '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7F}' => '\u{2421}',
        c if is_unsafe(c) => '\u{FFFD}',
        c => c,
    }
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns, ending with `…` when cut. Never splits a grapheme.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w > max - 1 {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// `s` cut or padded with spaces to exactly `w` columns.
pub fn fit(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    let mut out = t.into_owned();
    out.extend(std::iter::repeat_n(' ', pad));
    out
}

/// `s` right-aligned in `w` columns (cut when longer).
pub fn fit_right(s: &str, w: usize) -> String {
    let t = truncate(s, w);
    let pad = w.saturating_sub(width(&t));
    let mut out: String = std::iter::repeat_n(' ', pad).collect();
    out.push_str(&t);
    out
}

/// Wraps text to `w` columns, breaking Chinese between characters and other text at spaces
/// (Unicode line breaking). Newlines in the input start new lines.
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let opts = textwrap::Options::new(w)
        .word_separator(textwrap::WordSeparator::UnicodeBreakProperties)
        .break_words(true);
    let mut out = Vec::new();
    for para in s.split('\n') {
        if para.is_empty() {
            out.push(String::new());
            continue;
        }
        out.extend(textwrap::wrap(para, &opts).into_iter().map(Cow::into_owned));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_become_inert() {
        assert_eq!(clean("a\x1b]52;c;SGVsbG8=\x07b"), "a␛]52;c;SGVsbG8=␇b");
        assert_eq!(clean("x\u{202E}y\u{9b}z"), "x\u{FFFD}y\u{FFFD}z");
        assert_eq!(clean("line\nnext\ttab"), "line next tab");
        assert!(matches!(clean("plain 中文"), Cow::Borrowed(_)));
        assert_eq!(clean_block("a\nb\x1b"), "a\nb␛");
    }

    #[test]
    fn json_is_escaped_without_changing_its_data() {
        let v = serde_json::json!({"name": "a\x1b]0;x\x07\u{9b}\u{202E}\u{7f}\u{2028}b 中"});
        let safe = json_safe(serde_json::to_string(&v).unwrap());
        assert!(!safe.chars().any(is_unsafe), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
        let pretty = serde_json::to_string_pretty(&v).unwrap();
        assert_eq!(
            json_safe(pretty.clone()).lines().count(),
            pretty.lines().count()
        );
    }

    #[test]
    fn truncation_respects_wide_characters() {
        assert_eq!(truncate("肝细胞癌", 5), "肝细…");
        assert_eq!(width(&truncate("肝细胞癌", 5)), 5);
        assert_eq!(truncate("肝细胞癌", 4), "肝…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcd", 1), "…");
        assert_eq!(fit("肝", 4), "肝  ");
        assert_eq!(fit_right("7", 3), "  7");
        // A family emoji joined by ZWJ is one grapheme and is kept or dropped whole.
        let family = "👨\u{200D}👩\u{200D}👧x";
        assert!(!truncate(family, 2).contains('\u{200D}') || truncate(family, 2).ends_with('…'));
    }

    #[test]
    fn wraps_chinese_between_characters() {
        let lines = wrap("中位无进展生存时间显著延长", 10);
        assert!(lines.len() >= 3, "{lines:?}");
        assert!(lines.iter().all(|l| width(l) <= 10), "{lines:?}");
    }
}
