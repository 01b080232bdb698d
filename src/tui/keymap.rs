//! The one table of key bindings. It turns key presses into [`Action`]s and it is what the
//! help overlay and the key-hint bar list, so help can never drift from the real bindings.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Where the keyboard focus is; decides what a key means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Input,
    List,
    Detail,
    Compare,
    Help,
}

impl Context {
    pub fn title(self) -> &'static str {
        match self {
            Context::Input => "Search input",
            Context::List => "Results list",
            Context::Detail => "Detail pane",
            Context::Compare => "Comparison",
            Context::Help => "Help",
        }
    }
}

/// A key as written in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum K {
    Code(KeyCode),
    Ctrl(char),
    Char(char),
}

pub struct Binding {
    pub keys: &'static [K],
    /// How the key is written in help: `↑/↓`, `Ctrl-W`.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    pub contexts: &'static [Context],
}

use Context::*;
use KeyCode as C;

const ALL: &[Context] = &[Input, List, Detail, Compare, Help];
const NAV: &[Context] = &[List, Detail, Compare];
const BROWSE: &[Context] = &[List, Detail];

/// Every binding. Order is the order help lists them in.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[K::Ctrl('c')],
        label: "Ctrl-C",
        action: Action::Quit,
        help: "quit",
        contexts: ALL,
    },
    Binding {
        keys: &[K::Char('q')],
        label: "q",
        action: Action::Quit,
        help: "quit",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Char('?'), K::Code(C::F(1))],
        label: "?",
        action: Action::ToggleHelp,
        help: "show or hide this help",
        contexts: &[List, Detail, Compare, Help],
    },
    Binding {
        keys: &[K::Code(C::F(1))],
        label: "F1",
        action: Action::ToggleHelp,
        help: "help",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::Esc), K::Char('?'), K::Char('q')],
        label: "Esc",
        action: Action::ToggleHelp,
        help: "close help",
        contexts: &[Help],
    },
    // Input line editing.
    Binding {
        keys: &[K::Code(C::Left)],
        label: "←/→",
        action: Action::Left,
        help: "move the cursor",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::Right)],
        label: "",
        action: Action::Right,
        help: "",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::Home), K::Ctrl('a')],
        label: "Home/End",
        action: Action::Home,
        help: "start / end of the line (also Ctrl-A / Ctrl-E)",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::End), K::Ctrl('e')],
        label: "",
        action: Action::End,
        help: "",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::Backspace)],
        label: "Backspace",
        action: Action::Backspace,
        help: "delete the character before the cursor",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::Delete)],
        label: "Delete",
        action: Action::Delete,
        help: "delete the character under the cursor",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Ctrl('w')],
        label: "Ctrl-W",
        action: Action::DeleteWord,
        help: "delete the word before the cursor",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Ctrl('u')],
        label: "Ctrl-U",
        action: Action::ClearLine,
        help: "clear the query",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::Down), K::Code(C::Enter), K::Code(C::Tab)],
        label: "↓/Enter",
        action: Action::Down,
        help: "go to the results",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::Esc)],
        label: "Esc",
        action: Action::Back,
        help: "clear the query, or go to the results",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Ctrl('f')],
        label: "Ctrl-F",
        action: Action::ApplyFacet,
        help: "filter by the largest disease facet",
        contexts: &[Input, List, Detail],
    },
    // Lists and panes.
    Binding {
        keys: &[K::Code(C::Up), K::Char('k')],
        label: "↑/↓ j/k",
        action: Action::Up,
        help: "move",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Code(C::Down), K::Char('j')],
        label: "",
        action: Action::Down,
        help: "",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Code(C::PageUp)],
        label: "PgUp/PgDn",
        action: Action::PageUp,
        help: "move a page",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Code(C::PageDown)],
        label: "",
        action: Action::PageDown,
        help: "",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Code(C::Home), K::Char('g')],
        label: "Home/End g/G",
        action: Action::Top,
        help: "first / last",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Code(C::End), K::Char('G')],
        label: "",
        action: Action::Bottom,
        help: "",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Code(C::Enter), K::Code(C::Right), K::Char('l')],
        label: "Enter",
        action: Action::Enter,
        help: "open the detail / follow the link under the cursor",
        contexts: BROWSE,
    },
    Binding {
        keys: &[
            K::Code(C::Esc),
            K::Code(C::Backspace),
            K::Code(C::Left),
            K::Char('h'),
        ],
        label: "Esc/Backspace",
        action: Action::Back,
        help: "go back one level",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Char('/')],
        label: "/",
        action: Action::FocusInput,
        help: "edit the query",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Char(' ')],
        label: "Space",
        action: Action::ToggleMark,
        help: "mark / unmark for comparison (up to 4)",
        contexts: BROWSE,
    },
    Binding {
        keys: &[K::Char('x')],
        label: "x",
        action: Action::ClearMarks,
        help: "unmark all",
        contexts: BROWSE,
    },
    Binding {
        keys: &[K::Char('c')],
        label: "c",
        action: Action::OpenCompare,
        help: "compare the marked items",
        contexts: BROWSE,
    },
    Binding {
        keys: &[K::Char('v')],
        label: "v",
        action: Action::OpenEvidence,
        help: "compare the studies of the selected therapy (its evidence)",
        contexts: BROWSE,
    },
    // Compare.
    Binding {
        keys: &[K::Code(C::Tab)],
        label: "Tab",
        action: Action::NextTab,
        help: "Table / Forest plot / Bars",
        contexts: &[Compare],
    },
    Binding {
        keys: &[K::Code(C::BackTab)],
        label: "",
        action: Action::PrevTab,
        help: "",
        contexts: &[Compare],
    },
    Binding {
        keys: &[K::Code(C::Right), K::Char('l')],
        label: "←/→",
        action: Action::NextEndpoint,
        help: "chart another endpoint",
        contexts: &[Compare],
    },
    Binding {
        keys: &[K::Code(C::Left), K::Char('h')],
        label: "",
        action: Action::PrevEndpoint,
        help: "",
        contexts: &[Compare],
    },
    Binding {
        keys: &[K::Char('e')],
        label: "e",
        action: Action::Export,
        help: "export as Markdown and CSV files",
        contexts: &[Compare],
    },
    Binding {
        keys: &[K::Char('y')],
        label: "y",
        action: Action::Copy,
        help: "copy as Markdown to the clipboard (OSC 52)",
        contexts: &[Compare],
    },
    Binding {
        keys: &[K::Char('L')],
        label: "L",
        action: Action::ToggleLang,
        help: "names in English / 中文",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Ctrl('l')],
        label: "Ctrl-L",
        action: Action::ToggleLang,
        help: "names in English / 中文",
        contexts: &[Input],
    },
];

fn matches(k: &K, ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match *k {
        K::Ctrl(c) => ctrl && ev.code == KeyCode::Char(c),
        K::Char(c) => !ctrl && ev.code == KeyCode::Char(c),
        K::Code(code) => ev.code == code,
    }
}

/// The action a key press means in a context, if any. In the input line, printable
/// characters without Ctrl/Alt are text.
pub fn action_for(ctx: Context, ev: &KeyEvent) -> Option<Action> {
    if let Some(b) = BINDINGS
        .iter()
        .find(|b| b.contexts.contains(&ctx) && b.keys.iter().any(|k| matches(k, ev)))
    {
        return Some(b.action);
    }
    if ctx == Context::Input
        && let KeyCode::Char(c) = ev.code
        && !ev
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return Some(Action::Insert(c));
    }
    None
}

/// The help lines of a context: (keys, what they do).
pub fn help_for(ctx: Context) -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = BINDINGS
        .iter()
        .filter(|b| b.contexts.contains(&ctx) && !b.label.is_empty())
        .map(|b| (b.label, b.help))
        .collect();
    if ctx == Context::Input {
        v.insert(
            1,
            (
                "type",
                "search: free text, \"phrases\", field:value, -negation",
            ),
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn letters_are_text_in_the_input_and_commands_elsewhere() {
        assert_eq!(
            action_for(Input, &key(KeyCode::Char('q'))),
            Some(Action::Insert('q'))
        );
        assert_eq!(
            action_for(List, &key(KeyCode::Char('q'))),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(List, &key(KeyCode::Char('c'))),
            Some(Action::OpenCompare)
        );
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for ctx in [Input, List, Detail, Compare, Help] {
            assert_eq!(action_for(ctx, &ctrl_c), Some(Action::Quit));
        }
    }

    #[test]
    fn every_context_has_help_and_every_help_line_is_bound() {
        for ctx in [Input, List, Detail, Compare, Help] {
            assert!(!help_for(ctx).is_empty(), "{ctx:?}");
        }
        assert!(help_for(List).iter().any(|(k, _)| *k == "Space"));
    }
}
