//! The key bindings in force. They turn key presses into [`Action`]s and they are what the
//! help overlay and the key-hint bar list, so help can never drift from the real bindings.
//!
//! - [`table`]: the default bindings, the hints, the actions' configuration names.
//! - [`keys`]: keys as written, and matching a key press.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

mod keys;
mod table;

pub use keys::{K, key_name, parse_key};
pub use table::{ACTION_NAMES, BINDINGS, EMPTY_INPUT, action_name};

use Context::*;
use keys::matches;
use table::HINTS;

/// Where the keyboard focus is; decides what a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Input,
    List,
    Detail,
    Compare,
    Help,
    /// A one-line prompt (a set's name): letters type.
    Prompt,
    /// The menu of saved sets.
    Sets,
    /// The facet line under the search line.
    Facets,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Input => "Search input",
            Context::List => "Results list",
            Context::Detail => "Detail pane",
            Context::Compare => "Comparison",
            Context::Help => "Help",
            Context::Prompt => "Name prompt",
            Context::Sets => "Saved sets",
            Context::Facets => "Facet line",
        }
    }
}

pub struct Binding {
    pub keys: &'static [K],
    /// How the key is written in help: `↑/↓`, `Ctrl-W`.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    pub contexts: &'static [Context],
}

/// One binding in force: the table's, or the same with the keys the user's configuration
/// gives its action (and a label made from them).
#[derive(Debug, Clone)]
pub struct Bound {
    pub keys: Vec<K>,
    /// How the keys are written in help; empty for a binding listed on the line before it.
    pub label: String,
    pub action: Action,
    pub help: &'static str,
    pub contexts: &'static [Context],
}

impl Bound {
    fn of(b: &Binding) -> Bound {
        Bound {
            keys: b.keys.to_vec(),
            label: b.label.to_string(),
            action: b.action,
            help: b.help,
            contexts: b.contexts,
        }
    }
}

/// The bindings in force: [`BINDINGS`] with the user's overrides ([`Keymap::with_keys`]). It
/// turns keys into actions, and the hint bar and help are made from it, so both always name
/// the keys that work.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: Vec<Bound>,
    empty_input: Vec<Bound>,
}

impl Default for Keymap {
    fn default() -> Keymap {
        Keymap {
            bindings: BINDINGS.iter().map(Bound::of).collect(),
            empty_input: EMPTY_INPUT.iter().map(Bound::of).collect(),
        }
    }
}

/// A binding the configuration may not change: Ctrl-C quits everywhere, Esc closes help.
fn fixed(b: &Bound) -> bool {
    (b.action == Action::Quit && b.keys == [K::Ctrl('c')]) || b.contexts == [Help]
}

impl Keymap {
    /// The keymap with `keys` bound to `action` in place of its default keys, in every place
    /// the action has a binding (but [`fixed`] ones). Refused, with the reason, when the
    /// action has no binding, when a plain character would be bound on the search line (it
    /// types there), or when a key would then mean two actions in one place.
    pub fn with_keys(&self, action: Action, keys: &[K]) -> Result<Keymap, String> {
        if keys.is_empty() {
            return Err("no key given".into());
        }
        let mut next = self.clone();
        let mut changed = false;
        for i in 0..next.bindings.len() {
            let b = &next.bindings[i];
            if b.action != action || fixed(b) {
                continue;
            }
            if b.contexts.contains(&Input)
                && let Some(k) = keys.iter().find(|k| matches!(k, K::Char(_)))
            {
                return Err(format!(
                    "{} types text on the search line; bind a Ctrl- or named key there",
                    key_name(k)
                ));
            }
            next.bindings[i].keys = keys.to_vec();
            changed = true;
        }
        if !changed {
            return Err("this action has no key to change".into());
        }
        next.relabel();
        let places = [Input, List, Detail, Compare, Facets]
            .into_iter()
            .filter(|ctx| {
                next.bindings
                    .iter()
                    .any(|b| b.action == action && b.contexts.contains(ctx))
            });
        for ctx in places {
            for k in keys {
                let actions: Vec<Action> = next
                    .bindings
                    .iter()
                    .filter(|b| b.contexts.contains(&ctx) && b.keys.contains(k))
                    .map(|b| b.action)
                    .collect();
                if let Some(other) = actions.iter().find(|&&a| a != action) {
                    return Err(format!(
                        "{} already means {} in the {}",
                        key_name(k),
                        action_name(*other).unwrap_or("another action"),
                        ctx.title().to_lowercase()
                    ));
                }
            }
        }
        Ok(next)
    }

    /// Help labels made from the keys where they differ from the table's: a binding's keys,
    /// and those of the unlabelled bindings listed on its line.
    fn relabel(&mut self) {
        let n = self.bindings.len();
        let mut i = 0;
        while i < n {
            let mut j = i + 1;
            while j < n && BINDINGS[j].label.is_empty() {
                j += 1;
            }
            let changed = (i..j).any(|x| self.bindings[x].keys.as_slice() != BINDINGS[x].keys);
            if changed && !BINDINGS[i].label.is_empty() {
                let groups: Vec<String> = (i..j)
                    .map(|x| {
                        self.bindings[x]
                            .keys
                            .iter()
                            .map(key_name)
                            .collect::<Vec<_>>()
                            .join("/")
                    })
                    .collect();
                self.bindings[i].label = groups.join(" · ");
            }
            i = j;
        }
    }

    /// The bindings in force in a context, in the order they are tried; `empty_query` says
    /// whether the search line is empty.
    fn bindings(&self, ctx: Context, empty_query: bool) -> impl Iterator<Item = &Bound> {
        let first: &[Bound] = if ctx == Input && empty_query {
            &self.empty_input
        } else {
            &[]
        };
        first.iter().chain(
            self.bindings
                .iter()
                .filter(move |b| b.contexts.contains(&ctx)),
        )
    }

    /// The action a key press means in a context, if any. In the input line, printable
    /// characters without Ctrl/Alt are text (but see [`EMPTY_INPUT`]).
    pub fn action_for(&self, ctx: Context, empty_query: bool, ev: &KeyEvent) -> Option<Action> {
        if let Some(b) = self
            .bindings(ctx, empty_query)
            .find(|b| b.keys.iter().any(|k| matches(k, ev)))
        {
            return Some(b.action);
        }
        if matches!(ctx, Context::Input | Context::Prompt)
            && let KeyCode::Char(c) = ev.code
            && !ev
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        {
            return Some(Action::Insert(c));
        }
        None
    }

    /// The key of the first binding of `action` in a context, as written: what a hint names.
    pub fn key_for(&self, ctx: Context, empty_query: bool, action: Action) -> Option<String> {
        self.bindings(ctx, empty_query)
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(key_name)
    }

    /// The status bar's hints for a context: (key, what it does), every key one that does it
    /// there.
    pub fn hints(&self, ctx: Context, empty_query: bool) -> Vec<(String, &'static str)> {
        HINTS
            .iter()
            .filter(|(c, ..)| *c == ctx)
            .filter_map(|&(_, a, what)| Some((self.key_for(ctx, empty_query, a)?, what)))
            .collect()
    }

    /// The help lines of a context: (keys, what they do).
    pub fn help_for(&self, ctx: Context, empty_query: bool) -> Vec<(String, &'static str)> {
        let mut v: Vec<(String, &str)> = self
            .bindings(ctx, empty_query)
            .filter(|b| !b.label.is_empty())
            .map(|b| (b.label.clone(), b.help))
            .collect();
        if ctx == Context::Input {
            v.insert(
                1,
                (
                    "type".to_string(),
                    "search: free text, a | b, \"phrases\", field:value, sort:, -negation",
                ),
            );
        }
        v
    }
}

/// The table's keymap, for the free functions below and for tests.
fn standard() -> &'static Keymap {
    static STANDARD: std::sync::OnceLock<Keymap> = std::sync::OnceLock::new();
    STANDARD.get_or_init(Keymap::default)
}

/// The bindings of the table in force in a context (see [`Keymap`]).
#[cfg(test)]
fn bindings(ctx: Context, empty_query: bool) -> impl Iterator<Item = &'static Bound> {
    standard().bindings(ctx, empty_query)
}

/// [`Keymap::action_for`] on the table's keymap.
pub fn action_for(ctx: Context, empty_query: bool, ev: &KeyEvent) -> Option<Action> {
    standard().action_for(ctx, empty_query, ev)
}

/// [`Keymap::key_for`] on the table's keymap.
pub fn key_for(ctx: Context, empty_query: bool, action: Action) -> Option<String> {
    standard().key_for(ctx, empty_query, action)
}

/// [`Keymap::hints`] on the table's keymap.
pub fn hints(ctx: Context, empty_query: bool) -> Vec<(String, &'static str)> {
    standard().hints(ctx, empty_query)
}

/// [`Keymap::help_for`] on the table's keymap.
pub fn help_for(ctx: Context, empty_query: bool) -> Vec<(String, &'static str)> {
    standard().help_for(ctx, empty_query)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn event(k: &K) -> KeyEvent {
        match *k {
            K::Ctrl(c) => KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL),
            K::Char(c) => key(KeyCode::Char(c)),
            K::Code(c) => key(c),
        }
    }

    const CONTEXTS: [Context; 8] = [Input, List, Detail, Compare, Help, Prompt, Sets, Facets];

    #[test]
    fn letters_are_text_in_the_input_and_commands_elsewhere() {
        assert_eq!(
            action_for(Input, false, &key(KeyCode::Char('q'))),
            Some(Action::Insert('q'))
        );
        assert_eq!(
            action_for(List, false, &key(KeyCode::Char('q'))),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(List, false, &key(KeyCode::Char('c'))),
            Some(Action::OpenCompare)
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctx in CONTEXTS {
            assert_eq!(action_for(ctx, false, &ctrl_c), Some(Action::Quit));
        }
    }

    #[test]
    fn a_question_mark_opens_help_on_an_empty_query_and_types_otherwise() {
        let q = key(KeyCode::Char('?'));
        assert_eq!(action_for(Input, true, &q), Some(Action::ToggleHelp));
        assert_eq!(action_for(Input, false, &q), Some(Action::Insert('?')));
        assert_eq!(
            key_for(Input, true, Action::ToggleHelp).as_deref(),
            Some("?")
        );
        assert_eq!(
            key_for(Input, false, Action::ToggleHelp).as_deref(),
            Some("F1")
        );
    }

    #[test]
    fn every_hint_names_a_key_that_does_what_it_says_there() {
        for ctx in CONTEXTS {
            for empty in [false, true] {
                let hints = hints(ctx, empty);
                assert!(!hints.is_empty(), "{ctx:?}");
                for (label, what) in hints {
                    let (_, action, _) = HINTS
                        .iter()
                        .find(|(c, _, w)| *c == ctx && *w == what)
                        .unwrap();
                    let k = bindings(ctx, empty)
                        .flat_map(|b| &b.keys)
                        .find(|k| key_name(k) == label)
                        .unwrap();
                    assert_eq!(
                        action_for(ctx, empty, &event(k)),
                        Some(*action),
                        "{ctx:?}: {label} {what}"
                    );
                }
            }
        }
    }

    #[test]
    fn help_lists_every_key_that_does_something() {
        for ctx in CONTEXTS {
            for empty in [false, true] {
                let all: Vec<&Bound> = bindings(ctx, empty).collect();
                // A binding without a label is listed on the line of the one before it.
                let mut label = "";
                for b in &all {
                    if !b.label.is_empty() {
                        label = &b.label;
                        assert!(!b.help.is_empty(), "{ctx:?} {label}");
                    }
                    let tokens: Vec<&str> = label.split(['/', ' ']).collect();
                    for k in &b.keys {
                        // A key an earlier binding takes is not this binding's.
                        let taken = all
                            .iter()
                            .take_while(|o| !std::ptr::eq(**o, *b))
                            .any(|o| o.keys.contains(k));
                        if !taken {
                            let name = key_name(k);
                            assert!(
                                label == name || tokens.contains(&name.as_str()),
                                "{ctx:?}: {} is missing from help line {label:?}",
                                key_name(k)
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn rebound_keys_work_and_help_and_hints_name_them() {
        let km = Keymap::default()
            .with_keys(Action::OpenCompare, &[K::Char('C')])
            .unwrap()
            .with_keys(Action::Up, &[K::Code(KeyCode::Up), K::Char('i')])
            .unwrap();
        let help = km.help_for(List, false);
        assert!(help.contains(&("C".to_string(), "compare the marked items")));
        // Up and Down share a help line: both groups of keys are on it.
        assert!(help.iter().any(|(k, _)| k == "↑/i · ↓/j"), "{help:?}");
        assert_eq!(
            km.action_for(List, false, &key(KeyCode::Char('C'))),
            Some(Action::OpenCompare)
        );
        assert_eq!(km.action_for(List, false, &key(KeyCode::Char('c'))), None);
        // Ctrl-C still quits; a letter cannot be bound on the search line.
        let quit = km.with_keys(Action::Quit, &[K::Char('Q')]).unwrap();
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(quit.action_for(Input, false, &ctrl_c), Some(Action::Quit));
        assert!(km.with_keys(Action::ClearLine, &[K::Char('x')]).is_err());
        assert_eq!(parse_key("ctrl-L"), Ok(K::Ctrl('l')));
        assert_eq!(parse_key("shift-tab"), Ok(K::Code(KeyCode::BackTab)));
        assert!(parse_key("hyper-x").is_err());
    }

    #[test]
    fn every_context_has_help() {
        for ctx in CONTEXTS {
            assert!(!help_for(ctx, false).is_empty(), "{ctx:?}");
        }
        assert!(help_for(List, false).iter().any(|(k, _)| k == "Space"));
    }
}
