//! The user's configuration file: a TOML file at the platform's config directory
//! (`$XDG_CONFIG_HOME/evidex/config.toml` on Linux), or the file `--config` or `EVIDEX_CONFIG`
//! names.
//!
//! A configuration never stops evidex from starting: a file that does not parse, a key this
//! version does not know or a value it cannot use is reported as a [`Problem`] naming the file,
//! the line and the key, and that key keeps its default while the others apply.

use std::path::{Path, PathBuf};

use crate::corpus::Lang;
use crate::tui::keymap::{self, Keymap};
use crate::tui::theme::{Overrides, ThemeName};

/// The environment variable that names a configuration file (as `--config` does).
pub const ENV: &str = "EVIDEX_CONFIG";

/// What a configuration file sets; `None` and empty mean the default.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub theme: Option<ThemeName>,
    pub language: Option<Lang>,
    /// Where the browser's `e` writes comparisons.
    pub export_dir: Option<PathBuf>,
    /// The registry library (`--library` and `EVIDEX_LIBRARY` win).
    pub library: Option<PathBuf>,
    /// The list's share of the browser's width, in percent (20–80).
    pub split: Option<u8>,
    /// Colours for theme roles.
    pub colors: Overrides,
    /// The keys in force, the defaults with the file's `[keys]` applied.
    pub keymap: Keymap,
    /// How many queries the history keeps (default [`crate::userdata::HISTORY_SIZE`]).
    pub history_size: Option<usize>,
    /// Whether web addresses in the detail are OSC 8 hyperlinks.
    pub hyperlinks: crate::tui::hyperlink::Mode,
    /// The command that opens a web address (`EVIDEX_OPENER` wins); none: the system's.
    pub opener: Option<String>,
}

impl Config {
    /// How many queries the history keeps.
    pub fn history_size(&self) -> usize {
        self.history_size.unwrap_or(crate::userdata::HISTORY_SIZE)
    }
}

/// Something wrong in a configuration file: where, which key, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based; 0 when the problem is the file as a whole.
    pub line: usize,
    pub key: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}; using the default", self.message)
    }
}

/// The configuration file of this user: `explicit` (from `--config`), else `EVIDEX_CONFIG`,
/// else `config.toml` in the platform's config directory. `None` when there is no home.
pub fn path(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os(ENV).filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    directories::ProjectDirs::from("", "", "evidex").map(|d| d.config_dir().join("config.toml"))
}

/// Reads the configuration at `path`. A file that does not exist is the default
/// configuration, without a problem unless `required` (it was named on the command line or in
/// the environment).
pub fn load(path: &Path, required: bool) -> (Config, Vec<Problem>) {
    let problem = |line: usize, key: &str, message: String| Problem {
        path: path.to_path_buf(),
        line,
        key: key.to_string(),
        message,
    };
    let text = match crate::fsio::read_bounded_with(path, MAX_BYTES) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => return (Config::default(), vec![problem(0, "", "not UTF-8".into())]),
        },
        Err(crate::fsio::ReadError::Io(e))
            if e.kind() == std::io::ErrorKind::NotFound && !required =>
        {
            return (Config::default(), Vec::new());
        }
        Err(e) => return (Config::default(), vec![problem(0, "", e.to_string())]),
    };
    parse(path, &text)
}

/// The largest configuration file read.
const MAX_BYTES: u64 = 1 << 20;

/// Parses a configuration's text; `path` names it in problems.
pub fn parse(path: &Path, text: &str) -> (Config, Vec<Problem>) {
    let mut cfg = Config::default();
    let mut problems = Vec::new();
    let mut report = |key: &str, message: String| {
        problems.push(Problem {
            path: path.to_path_buf(),
            line: line_of(text, key),
            key: key.to_string(),
            message,
        });
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => return (cfg, vec![not_toml(path, text, &e)]),
    };
    for (key, value) in &table {
        set(&mut cfg, key, value, &mut report);
    }
    problems.sort_by_key(|p| p.line);
    (cfg, problems)
}

/// The one problem of a text that is not TOML, at the line where it stops being TOML.
fn not_toml(path: &Path, text: &str, e: &toml::de::Error) -> Problem {
    let line = e.span().map_or(0, |s| {
        text[..s.start.min(text.len())].lines().count().max(1)
    });
    let message = e.message().to_string();
    Problem {
        path: path.to_path_buf(),
        line,
        key: String::new(),
        message: format!("not valid TOML: {message}"),
    }
}

/// Sets the top-level `key` of `cfg` from its `value`, or reports why it cannot.
fn set(cfg: &mut Config, key: &str, value: &toml::Value, report: &mut impl FnMut(&str, String)) {
    match key {
        "theme" => match value.as_str().map(str::to_lowercase).as_deref() {
            Some("dark") => cfg.theme = Some(ThemeName::Dark),
            Some("light") => cfg.theme = Some(ThemeName::Light),
            Some("mono") => cfg.theme = Some(ThemeName::Mono),
            Some("auto") => {}
            _ => report(
                key,
                "must be \"dark\", \"light\", \"mono\" or \"auto\"".into(),
            ),
        },
        "language" => match value.as_str().and_then(Lang::parse) {
            Some(l) => cfg.language = Some(l),
            _ => report(
                key,
                "must be \"en\", \"zh\" (simplified) or \"zh-Hant\" (traditional)".into(),
            ),
        },
        "export_dir" => match value.as_str() {
            Some(s) if !s.is_empty() => cfg.export_dir = Some(expand_home(s)),
            _ => report(key, "must be a folder's path".into()),
        },
        "library" => match value.as_str() {
            Some(s) if !s.is_empty() => cfg.library = Some(expand_home(s)),
            _ => report(key, "must be a library file's path".into()),
        },
        "split" => match value.as_integer() {
            Some(n @ 20..=80) => cfg.split = Some(n as u8),
            _ => report(key, "must be a percentage from 20 to 80".into()),
        },
        "history_size" => match value.as_integer() {
            Some(n @ 0..=MAX_HISTORY) => cfg.history_size = Some(n as usize),
            _ => report(
                key,
                format!("must be a number of queries from 0 to {MAX_HISTORY}"),
            ),
        },
        "hyperlinks" => match value.as_str() {
            Some("auto") => cfg.hyperlinks = crate::tui::hyperlink::Mode::Auto,
            Some("always") => cfg.hyperlinks = crate::tui::hyperlink::Mode::Always,
            Some("never") => cfg.hyperlinks = crate::tui::hyperlink::Mode::Never,
            _ => report(key, "must be \"auto\", \"always\" or \"never\"".into()),
        },
        "opener" => match value.as_str() {
            Some(s) if !s.trim().is_empty() => cfg.opener = Some(s.trim().to_string()),
            _ => report(
                key,
                "must be a command, e.g. \"firefox\" (the address is its last argument)".into(),
            ),
        },
        "colors" => match value.as_table() {
            Some(t) => set_colors(cfg, t, report),
            None => report(key, "must be a table: [colors]".into()),
        },
        "keys" => match value.as_table() {
            Some(t) => set_keys(cfg, t, report),
            None => report(key, "must be a table: [keys]".into()),
        },
        _ => report(
            key,
            format!("unknown key; the keys are {}", KEYS.join(", ")),
        ),
    }
}

/// The `[colors]` table: a colour number for each role.
fn set_colors(cfg: &mut Config, t: &toml::Table, report: &mut impl FnMut(&str, String)) {
    for (role, v) in t {
        let key = format!("colors.{role}");
        match v.as_integer() {
            Some(i @ 0..=255) => {
                if let Err(e) = cfg.colors.set(role, i as u8) {
                    report(&key, e);
                }
            }
            _ => report(&key, "must be a colour number from 0 to 255".into()),
        }
    }
}

/// The `[keys]` table: the keys bound to each action.
fn set_keys(cfg: &mut Config, t: &toml::Table, report: &mut impl FnMut(&str, String)) {
    for (name, v) in t {
        let key = format!("keys.{name}");
        match keys_of(name, v).and_then(|(action, keys)| cfg.keymap.with_keys(action, &keys)) {
            Ok(k) => cfg.keymap = k,
            Err(e) => report(&key, e),
        }
    }
}

/// The largest `history_size` (the history is read whole at start).
const MAX_HISTORY: i64 = 100_000;

/// The top-level keys of a configuration.
const KEYS: &[&str] = &[
    "theme",
    "language",
    "export_dir",
    "library",
    "split",
    "history_size",
    "hyperlinks",
    "opener",
    "[colors]",
    "[keys]",
];

/// An action's name and its keys from `[keys] name = "k"` or `name = ["k", "ctrl-k"]`.
fn keys_of(
    name: &str,
    v: &toml::Value,
) -> Result<(crate::tui::action::Action, Vec<keymap::K>), String> {
    let action = keymap::ACTION_NAMES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, a)| *a)
        .ok_or_else(|| {
            let names: Vec<&str> = keymap::ACTION_NAMES.iter().map(|(n, _)| *n).collect();
            format!(
                "no action named {name:?}; the actions are {}",
                names.join(", ")
            )
        })?;
    let texts: Vec<&str> = match v {
        toml::Value::String(s) => vec![s.as_str()],
        toml::Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .ok_or("keys are strings: \"q\", \"ctrl-l\", \"f2\"")
            })
            .collect::<Result<_, _>>()?,
        _ => return Err("keys are a string or a list of strings".into()),
    };
    let keys = texts
        .into_iter()
        .map(keymap::parse_key)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((action, keys))
}

/// `~/x` as the home directory's `x`.
fn expand_home(s: &str) -> PathBuf {
    match (s.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(s),
    }
}

/// The 1-based line where `key` (`split`, `keys.compare`) is set, or 0.
fn line_of(text: &str, key: &str) -> usize {
    let (table, name) = match key.split_once('.') {
        Some((t, n)) => (Some(t), n),
        None => (None, key),
    };
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if let Some(h) = l.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
            current = Some(h.trim().to_string());
            if table.is_none() && h.trim() == name {
                return i + 1;
            }
            continue;
        }
        let Some((k, _)) = l.split_once('=') else {
            continue;
        };
        if k.trim().trim_matches('"') == name && current.as_deref() == table {
            return i + 1;
        }
    }
    0
}

/// What `evidex config init` writes: every setting, commented out at its default.
pub const TEMPLATE: &str = r#"# evidex configuration (TOML). Every setting is optional; a line that is
# wrong is reported when evidex starts, and that setting keeps its default.

# Colours: "dark", "light", "mono" or "auto" (from the terminal's background).
# --theme and EVIDEX_THEME win over this.
# theme = "auto"

# Language of names and labels at start: "en", "zh" (simplified Chinese) or "zh-Hant"
# (traditional Chinese labels; L then switches between English and traditional Chinese).
# language = "en"

# Where the browser's `e` writes comparisons (EVIDEX_EXPORT_DIR wins over this).
# export_dir = "~/evidex-exports"

# The registry library (--library and EVIDEX_LIBRARY win over this).
# library = "~/evidex/library.sqlite"

# The results list's share of the browser's width, in percent (20-80).
# split = 50

# How many queries the search history keeps (history.txt in the data directory);
# 0 keeps none.
# history_size = 1000

# Web addresses in a record (DOIs, PubMed and NCT ids, URLs) as clickable OSC 8 links:
# "auto" (terminals known to show them, never inside tmux or screen), "always" or "never".
# hyperlinks = "auto"

# The command `o` opens a web address with (the address is its last argument);
# EVIDEX_OPENER wins over this. Unset: BROWSER, else the system's (xdg-open, open, start).
# opener = "firefox --new-tab"

# Colours of theme roles, as xterm 256-colour numbers (0-255). Roles: background,
# selected, text, title, heading, label, best, quote, flag, link, dim, border,
# highlight, key, trial, therapy, disease, source.
[colors]
# heading = 33
# link = 75

# Keys: an action and its key, or a list of keys. Keys: a character ("c", "C"),
# "ctrl-x", "enter", "esc", "tab", "shift-tab", "space", "up", "down", "left",
# "right", "pgup", "pgdn", "home", "end", "backspace", "delete", "f1".."f12".
# Help and the hint bar show the keys you set. Ctrl-C always quits.
[keys]
# compare = "C"
# quit = ["q", "ctrl-q"]
# next_link = ["tab", "."]
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::Action;
    use crate::tui::keymap::Context;

    fn parsed(text: &str) -> (Config, Vec<Problem>) {
        parse(Path::new("config.toml"), text)
    }

    #[test]
    fn the_template_parses_without_a_problem_and_changes_nothing() {
        let (cfg, problems) = parsed(TEMPLATE);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(cfg.theme.is_none() && cfg.language.is_none() && cfg.colors.is_empty());
        // Uncommented, every example applies.
        let live: String = TEMPLATE
            .lines()
            .map(|l| {
                l.strip_prefix("# ")
                    .filter(|r| r.contains(" = "))
                    .unwrap_or(l)
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let (cfg, problems) = parsed(&live.replace("theme = \"auto\"", "theme = \"light\""));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cfg.theme, Some(ThemeName::Light));
        assert_eq!(cfg.split, Some(50));
        assert_eq!(cfg.history_size, Some(crate::userdata::HISTORY_SIZE));
        assert_eq!(cfg.opener.as_deref(), Some("firefox --new-tab"));
        assert!(
            cfg.library
                .is_some_and(|p| p.ends_with("evidex/library.sqlite"))
        );
        assert_eq!(
            cfg.keymap
                .key_for(Context::List, false, Action::OpenCompare),
            Some("C".into())
        );
    }

    #[test]
    fn each_bad_key_is_reported_with_its_line_and_the_rest_applies() {
        let text = "theme = \"light\"\nsplit = 95\nlanguage = \"fr\"\ncolour = 1\n[colors]\nheading = 300\nlink = 75\nnope = 1\n[keys]\ncompare = \"C\"\nclear_query = \"x\"\nfly = \"z\"\nsort = \"c\"\n";
        let (cfg, problems) = parsed(text);
        let at: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.key.as_str())).collect();
        assert_eq!(
            at,
            vec![
                (2, "split"),
                (3, "language"),
                (4, "colour"),
                (6, "colors.heading"),
                (8, "colors.nope"),
                (11, "keys.clear_query"),
                (12, "keys.fly"),
            ]
        );
        assert!(
            problems[2]
                .to_string()
                .starts_with("config.toml:4: colour: unknown key")
        );
        assert_eq!(cfg.theme, Some(ThemeName::Light));
        assert!(!cfg.colors.is_empty());
        // `sort = "c"` comes after `compare = "C"`: c is free again, so it binds.
        assert_eq!(
            cfg.keymap.key_for(Context::List, false, Action::CycleSort),
            Some("c".into())
        );
    }

    #[test]
    fn hyperlinks_and_the_opener_are_checked() {
        let (cfg, problems) = parsed("hyperlinks = 1\nopener = \" \"\n");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(cfg.hyperlinks, crate::tui::hyperlink::Mode::Auto);
        assert!(cfg.opener.is_none());
        let (cfg, problems) = parsed("hyperlinks = \"never\"\nopener = \"fake-open\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cfg.hyperlinks, crate::tui::hyperlink::Mode::Never);
        assert_eq!(cfg.opener.as_deref(), Some("fake-open"));
    }

    #[test]
    fn the_history_size_is_a_bounded_number() {
        assert_eq!(parsed("").0.history_size(), crate::userdata::HISTORY_SIZE);
        assert_eq!(parsed("history_size = 20\n").0.history_size(), 20);
        assert_eq!(parsed("history_size = 0\n").0.history_size(), 0);
        for bad in ["-1", "1000000", "\"many\""] {
            let (cfg, problems) = parsed(&format!("split = 40\nhistory_size = {bad}\n"));
            assert_eq!(problems.len(), 1, "{bad}");
            assert_eq!(
                (problems[0].line, problems[0].key.as_str()),
                (2, "history_size")
            );
            assert_eq!(cfg.history_size(), crate::userdata::HISTORY_SIZE);
        }
    }

    #[test]
    fn a_key_that_would_mean_two_things_is_refused() {
        let (cfg, problems) = parsed("[keys]\ncompare = \"q\"\n");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].message.contains("already means quit"),
            "{}",
            problems[0]
        );
        assert_eq!(
            cfg.keymap
                .key_for(Context::List, false, Action::OpenCompare),
            Some("c".into())
        );
    }

    #[test]
    fn a_file_that_is_not_toml_is_one_problem_with_its_line() {
        let (cfg, problems) = parsed("theme = \"dark\"\nsplit = = 3\n");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
        assert!(cfg.theme.is_none());
    }

    #[test]
    fn a_missing_file_is_the_default_unless_it_was_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("none.toml");
        assert!(load(&p, false).1.is_empty());
        assert_eq!(load(&p, true).1.len(), 1);
    }
}
