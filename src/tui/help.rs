//! The help overlay's content, as data: every key of the screen underneath (straight from the
//! keymap), the mouse, and for the search line and the list the query language, for the
//! detail what each evidence level means. `State` keeps it while the help is open, rebuilt
//! when the screen underneath, the language or the emptiness of the search line changes;
//! `update` scrolls by its length and `view::help` styles and draws it.

use crate::corpus::{EvidenceLevel, Lang};
use crate::i18n::tr;
use crate::search::query::Field;
use crate::tui::keymap::Context;
use crate::tui::state::{Focus, Screen, State};

/// One line of the help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelpLine {
    /// A key (or a field, an evidence level) in a column `width` wide, and what it does.
    Key {
        key: String,
        width: usize,
        text: String,
    },
    Heading(String),
    Text(String),
    Blank,
}

/// The help about one screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Help {
    /// The screen under the overlay.
    pub context: Context,
    pub lines: Vec<HelpLine>,
    /// What the lines were built for: the screen underneath, the language, whether the
    /// search line was empty, and the screen's width (long descriptions wrap to it).
    built_for: (Context, Lang, bool, u16),
}

/// The context the help is about: the screen under the overlay.
fn underneath(s: &State) -> Context {
    if s.screen == Screen::Compare {
        return Context::Compare;
    }
    if s.facet_cursor.is_some() {
        return Context::Facets;
    }
    match s.focus {
        Focus::Input => Context::Input,
        Focus::List => Context::List,
        Focus::Detail => Context::Detail,
    }
}

impl Help {
    /// The help for the screen `s` shows, or `current` again when it was built for the same
    /// screen, language, search line and width.
    pub fn refreshed(current: Option<Help>, s: &State) -> Help {
        let key = (underneath(s), s.lang, s.input.is_empty(), s.width);
        match current {
            Some(h) if h.built_for == key => h,
            _ => Help::new(s, key),
        }
    }

    fn new(s: &State, built_for: (Context, Lang, bool, u16)) -> Help {
        let (ctx, lang, empty, width) = built_for;
        // The box's inner width (as `view::help` makes it): a description longer than its room
        // wraps under itself rather than being cut.
        let inner = usize::from(width.saturating_sub(4).min(90).saturating_sub(2));
        let mut lines = Vec::new();
        // Key names stay as written (Ctrl-C, Space); the one word among them ("type") is
        // translated.
        let keys: Vec<(String, String)> = s
            .keymap
            .help_for(ctx, empty)
            .into_iter()
            .map(|(k, h)| (tr(lang, &k).into_owned(), tr(lang, h).into_owned()))
            .collect();
        let kw = keys
            .iter()
            .map(|(k, _)| crate::text::width(k))
            .max()
            .unwrap_or(6)
            + 2;
        for (key, text) in keys {
            key_lines(&mut lines, &key, kw, &text, inner);
        }
        lines.push(HelpLine::Key {
            key: tr(lang, "mouse").into_owned(),
            width: kw,
            text: if ctx == Context::Compare {
                tr(lang, "the wheel scrolls the comparison")
            } else {
                tr(
                    lang,
                    "the wheel scrolls the pane under the pointer; a click selects",
                )
            }
            .into_owned(),
        });
        if ctx == Context::Detail {
            evidence_legend(&mut lines, lang);
        }
        if matches!(ctx, Context::Input | Context::List) {
            query_language(&mut lines, lang, inner);
            evidence_legend(&mut lines, lang);
        }
        Help {
            context: ctx,
            lines,
            built_for,
        }
    }

    /// The rows of the help's box that hold lines, on a screen `height` rows tall.
    pub fn visible_rows(&self, height: u16) -> usize {
        (self.lines.len() + 2)
            .min(usize::from(height.saturating_sub(2)))
            .saturating_sub(2)
    }

    /// How far the help can scroll on a screen `height` rows tall: its lines beyond the ones
    /// shown.
    pub fn max_scroll(&self, height: u16) -> usize {
        self.lines.len().saturating_sub(self.visible_rows(height))
    }
}

/// A key (or a field) in a column `width` wide and what it does, wrapped under itself to the
/// box's `inner` width.
fn key_lines(lines: &mut Vec<HelpLine>, key: &str, width: usize, text: &str, inner: usize) {
    let room = inner.saturating_sub(width).max(10);
    for (i, part) in crate::text::wrap(text, room).into_iter().enumerate() {
        lines.push(HelpLine::Key {
            key: if i == 0 {
                key.to_string()
            } else {
                String::new()
            },
            width,
            text: part,
        });
    }
}

/// The query language: its syntax and every filter field with its values.
fn query_language(lines: &mut Vec<HelpLine>, lang: Lang, inner: usize) {
    lines.push(HelpLine::Blank);
    lines.push(HelpLine::Heading(tr(lang, "Query language").into_owned()));
    lines.push(HelpLine::Text(
        tr(
            lang,
            "  words match fuzzily in English, 中文, pinyin (aoxitini, axtn), aliases, ids",
        )
        .into_owned(),
    ));
    lines.push(HelpLine::Text(
        tr(
            lang,
            "  \"a phrase\" must appear as is · -word or -field:value excludes",
        )
        .into_owned(),
    ));
    lines.push(HelpLine::Text(
        tr(
            lang,
            "  a | b matches either: tace emerald | leap is tace and (emerald or leap)",
        )
        .into_owned(),
    ));
    for (name, _, values) in Field::ALL {
        key_lines(lines, &format!("  {name}:"), 12, &tr(lang, values), inner);
    }
}

/// What each evidence level means (the `level:` filter and the detail's Evidence line).
fn evidence_legend(lines: &mut Vec<HelpLine>, lang: Lang) {
    lines.push(HelpLine::Blank);
    lines.push(HelpLine::Heading(
        tr(
            lang,
            "Evidence levels (from the design the source states; level:1..2 filters)",
        )
        .into_owned(),
    ));
    for l in (1..=5).chain([EvidenceLevel::UNRATED.0]) {
        let level = EvidenceLevel(l);
        lines.push(HelpLine::Key {
            key: format!("  {}", tr(lang, &level.to_string())),
            width: 12,
            text: tr(lang, level.meaning()).into_owned(),
        });
    }
}
