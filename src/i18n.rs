//! The interface's own words in English, simplified Chinese and traditional Chinese.
//!
//! Messages live in `locales/en.toml`, `locales/zh-Hans.toml` and `locales/zh-Hant.toml`,
//! compiled into the binary by `rust-i18n` (nothing is read at run time, so an installed
//! binary speaks both languages from any directory). A message's key is its English text,
//! so the code reads as it did and a label written before it had a translation still shows,
//! in English. Record data is never translated: only what evidex itself writes.
//!
//! [`tr`] looks a label up; [`trf`] also fills `%{name}` placeholders. Every message exists
//! in every locale (a test compares the files' key sets), and every literal the code looks up
//! exists in the English file (a test reads the sources).

use std::borrow::Cow;

use crate::corpus::Lang;

// The `i18n!` macro reads the files when it expands, but nothing tells cargo that the crate
// depends on them; including them makes an edited message file rebuild the crate.
const _: &[&str] = &[
    include_str!("../locales/en.toml"),
    include_str!("../locales/zh-Hans.toml"),
    include_str!("../locales/zh-Hant.toml"),
];

/// The label `msg` (its English text) in `lang`; `msg` itself when it has no translation.
pub fn tr(lang: Lang, msg: &str) -> Cow<'static, str> {
    if lang == Lang::En {
        return Cow::Owned(msg.to_string());
    }
    match crate::_rust_i18n_try_translate(lang.locale(), msg) {
        Some(t) => t,
        None => Cow::Owned(msg.to_string()),
    }
}

/// The label `msg` in `lang` with each `%{name}` replaced by its value.
pub fn trf(lang: Lang, msg: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut s = tr(lang, msg).into_owned();
    for (name, value) in args {
        s = s.replace(&format!("%{{{name}}}"), &value.to_string());
    }
    s
}

/// Runs of three or more lower-case English words in `text` (`is not a`), the kind of text
/// only a sentence of evidex's own (or a record's) makes: the tests that hold Chinese screens
/// and messages to Chinese look for them. Single words (values, codes) are not runs.
#[doc(hidden)]
pub fn english_runs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run: Vec<&str> = Vec::new();
    for w in text.split(' ').chain([""]) {
        if w.len() > 1 && w.chars().all(|c| c.is_ascii_lowercase()) {
            run.push(w);
        } else {
            if run.len() >= 3 {
                out.push(run.join(" "));
            }
            run.clear();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(locale: &str) -> BTreeSet<String> {
        let path = format!("{}/locales/{locale}.toml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        let table: toml::Table = text.parse().unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut out = BTreeSet::new();
        for (k, v) in table {
            assert!(
                v.as_str().is_some_and(|s| !s.trim().is_empty()),
                "{path}: {k:?} is not a non-empty string"
            );
            out.insert(k);
        }
        out
    }

    /// Every message exists in every language: a message in one file only fails here.
    #[test]
    fn every_message_is_in_every_language() {
        let en = keys("en");
        assert!(en.len() > 100, "{}", en.len());
        for locale in ["zh-Hans", "zh-Hant"] {
            let other = keys(locale);
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty(), "{locale} lacks {missing:#?}");
            assert!(
                extra.is_empty(),
                "{locale} has messages en lacks: {extra:#?}"
            );
        }
    }

    /// The English file maps each message to itself: the key is the English text.
    #[test]
    fn english_messages_are_their_keys() {
        let path = format!("{}/locales/en.toml", env!("CARGO_MANIFEST_DIR"));
        let table: toml::Table = std::fs::read_to_string(path).unwrap().parse().unwrap();
        for (k, v) in table {
            assert_eq!(Some(k.as_str()), v.as_str());
        }
    }

    /// Placeholders survive translation: each `%{name}` of a message is in its translations.
    #[test]
    fn translations_keep_their_placeholders() {
        let holes = |s: &str| -> BTreeSet<String> {
            s.split("%{")
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect()
        };
        for key in keys("en") {
            for lang in [Lang::Zh, Lang::ZhHant] {
                assert_eq!(holes(&key), holes(&tr(lang, &key)), "{lang:?} {key:?}");
            }
        }
    }

    /// Every literal the code looks up (`tr(lang, "…")`, `trf(lang, "…", …)`) is a message of
    /// the English file, so no label silently stays English.
    #[test]
    fn every_looked_up_literal_is_a_message() {
        let en = keys("en");
        let mut missing = Vec::new();
        let root = format!("{}/src", env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![std::path::PathBuf::from(root)];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("i18n.rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for lit in looked_up(&text) {
                        if !en.contains(&lit) {
                            missing.push(format!("{}: {lit:?}", p.display()));
                        }
                    }
                }
            }
        }
        assert!(missing.is_empty(), "not in locales/en.toml: {missing:#?}");
    }

    /// The string literals right after `tr(…, ` / `trf(…, `.
    fn looked_up(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for call in ["tr(", "trf("] {
            for (i, _) in text.match_indices(call) {
                // Only calls (not `ctr(`, `attr(`), with a first argument then a literal.
                if text[..i]
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
                {
                    continue;
                }
                let rest = &text[i + call.len()..];
                let Some(comma) = rest.find(',') else {
                    continue;
                };
                let after = rest[comma + 1..].trim_start();
                if let Some(lit) = after.strip_prefix('"')
                    && let Some(s) = rust_literal(lit)
                {
                    out.push(s);
                }
            }
        }
        out
    }

    /// A Rust string literal's value, from just after its opening quote.
    fn rust_literal(s: &str) -> Option<String> {
        let mut out = String::new();
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => match chars.next()? {
                    'n' => out.push('\n'),
                    '"' => out.push('"'),
                    '\\' => out.push('\\'),
                    '\n' => {
                        // A continued line: skip the next line's indentation.
                        let rest: String = chars.clone().collect();
                        let skip = rest.len() - rest.trim_start().len();
                        for _ in 0..rest[..skip].chars().count() {
                            chars.next();
                        }
                    }
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        None
    }

    #[test]
    fn looks_up_in_each_language() {
        assert_eq!(tr(Lang::En, "Overview"), "Overview");
        assert_eq!(tr(Lang::Zh, "Overview"), "概况");
        assert_eq!(tr(Lang::ZhHant, "Overview"), "概況");
        assert_eq!(tr(Lang::Zh, "no such message"), "no such message");
        assert_eq!(
            trf(Lang::Zh, "Marked %{n}/4: ", &[("n", &2)]),
            "已标记 2/4："
        );
    }
}
