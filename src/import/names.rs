//! Text as the importer compares and names it: registry escapes dropped, names folded for
//! comparison, ids made from names.

/// ClinicalTrials.gov text is Markdown with backslash escapes (`\<=50`, `regimens\*`); the
/// escapes are dropped so that quotes read as the page shows them. Nothing else changes.
pub fn unescape(s: &str) -> String {
    let s = s.trim();
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && n.is_ascii_punctuation()
        {
            out.push(n);
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// `ACTIVE_NOT_RECRUITING` → `active not recruiting`.
pub fn words(code: &str) -> String {
    code.trim().replace('_', " ").to_lowercase()
}

/// A name as it is compared: runs of whitespace made one space, ends trimmed, lower case.
/// Names are nearly always ASCII, which is folded in one pass with one allocation.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    if out.is_ascii() {
        out.make_ascii_lowercase();
        out
    } else {
        // `str::to_lowercase` knows the word-final sigma.
        out.to_lowercase()
    }
}

/// A kebab-case id from any text: ASCII letters and digits, everything else a single hyphen,
/// cut at a hyphen to at most `max` bytes. Empty when the text has no ASCII letter or digit.
pub fn slug(text: &str, max: usize) -> String {
    let mut s = String::with_capacity(text.len().min(max + 8));
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if s.len() > max {
        let cut = s[..max].rfind('-').filter(|&i| i > 0).unwrap_or(max);
        s.truncate(cut);
        while s.ends_with('-') {
            s.pop();
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_names() {
        assert_eq!(fold("  Placebo \n\t QW "), "placebo qw");
        assert_eq!(fold(""), "");
        // Not ASCII: the full Unicode lower case, word-final sigma included.
        assert_eq!(fold("ΟΔΟΣ  Ärm"), "οδος ärm");
        assert_eq!(fold("ΟΔΟΣ"), "ΟΔΟΣ".to_lowercase());
    }

    #[test]
    fn markdown_escapes_are_dropped() {
        assert_eq!(unescape(r"age (\<=50 vs \>50)"), "age (<=50 vs >50)");
        assert_eq!(unescape(r"regimens\* based"), "regimens* based");
        assert_eq!(unescape(r"a\b"), r"a\b");
    }
}
