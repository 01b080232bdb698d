//! The table of default bindings, the hints each place offers, and the names actions go by in
//! the configuration.

use ratatui::crossterm::event::KeyCode;

use super::{Binding, Context, K};
use crate::tui::action::Action;

use Context::*;
use KeyCode as C;

const ALL: &[Context] = &[Input, List, Detail, Compare, Help];
const NAV: &[Context] = &[List, Detail, Compare];
const BROWSE: &[Context] = &[List, Detail];

/// Every binding. Order is the order help lists them in.
pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[K::Code(C::Esc), K::Char('?'), K::Char('q')],
        label: "Esc/?/q",
        action: Action::ToggleHelp,
        help: "close help",
        contexts: &[Help],
    },
    Binding {
        keys: &[K::Char('q')],
        label: "q",
        action: Action::Quit,
        help: "quit",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Ctrl('c')],
        label: "Ctrl-C",
        action: Action::Quit,
        help: "quit",
        contexts: ALL,
    },
    Binding {
        keys: &[K::Ctrl('z')],
        label: "Ctrl-Z",
        action: Action::Suspend,
        help: "suspend to the shell (fg comes back)",
        contexts: ALL,
    },
    Binding {
        keys: &[K::Char('?'), K::Code(C::F(1))],
        label: "?/F1",
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
        label: "Home/End Ctrl-A/Ctrl-E",
        action: Action::Home,
        help: "start / end of the line",
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
        keys: &[K::Code(C::Up), K::Ctrl('p')],
        label: "↑/Ctrl-P Ctrl-N",
        action: Action::HistoryPrev,
        help: "earlier / later queries of the history",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Ctrl('n')],
        label: "",
        action: Action::HistoryNext,
        help: "",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Ctrl('r')],
        label: "Ctrl-R",
        action: Action::HistorySearch,
        help: "search the history for what is typed (again: older)",
        contexts: &[Input],
    },
    Binding {
        keys: &[K::Code(C::Down), K::Code(C::Enter), K::Code(C::Tab)],
        label: "↓/Enter/Tab",
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
        label: "Enter/→/l",
        action: Action::Enter,
        help: "open the detail / follow the link under the cursor",
        contexts: BROWSE,
    },
    Binding {
        keys: &[K::Code(C::Esc), K::Code(C::Backspace)],
        label: "Esc/Backspace",
        action: Action::Back,
        help: "go back one level",
        contexts: NAV,
    },
    Binding {
        keys: &[K::Code(C::Left), K::Char('h')],
        label: "←/h",
        action: Action::Back,
        help: "go back one level",
        contexts: BROWSE,
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
        action: Action::MarkNext,
        help: "mark / unmark for comparison (up to 4) and move to the next row",
        contexts: &[List],
    },
    Binding {
        keys: &[K::Char(' ')],
        label: "Space",
        action: Action::ToggleMark,
        help: "mark / unmark for comparison (up to 4)",
        contexts: &[Detail],
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
        keys: &[K::Char('s')],
        label: "s",
        action: Action::CycleSort,
        help: "sort by relevance / year / level / n / effect (edits the sort: term)",
        contexts: BROWSE,
    },
    Binding {
        keys: &[K::Char('f')],
        label: "f",
        action: Action::ToggleZoom,
        help: "detail pane full screen / beside the list",
        contexts: BROWSE,
    },
    Binding {
        keys: &[K::Code(C::Tab), K::Char(']')],
        label: "Tab/Shift-Tab ]/[",
        action: Action::NextLink,
        help: "next / previous link",
        contexts: &[Detail],
    },
    Binding {
        keys: &[K::Code(C::BackTab), K::Char('[')],
        label: "",
        action: Action::PrevLink,
        help: "",
        contexts: &[Detail],
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
        label: "Tab/Shift-Tab",
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
        label: "←/→ h/l",
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

/// Bindings of the search line while the query is empty: a key that would type the first
/// character of a query means something else there.
pub const EMPTY_INPUT: &[Binding] = &[Binding {
    keys: &[K::Char('?')],
    label: "?",
    action: Action::ToggleHelp,
    help: "help (on an empty query; F1 always)",
    contexts: &[Input],
}];

/// The hints the status bar offers in each context, most useful first, with a word or two
/// each. Only an action bound in the context is shown, with the key bound to it there.
pub(super) const HINTS: &[(Context, Action, &str)] = &[
    (Input, Action::Down, "results"),
    (Input, Action::ClearLine, "clear"),
    (Input, Action::ToggleHelp, "help"),
    (List, Action::Enter, "open"),
    (List, Action::MarkNext, "mark"),
    (List, Action::CycleSort, "sort"),
    (List, Action::FocusInput, "search"),
    (List, Action::Quit, "quit"),
    (Detail, Action::Enter, "follow link"),
    (Detail, Action::NextLink, "next link"),
    (Detail, Action::ToggleZoom, "full screen"),
    (Detail, Action::Back, "back"),
    (Compare, Action::NextTab, "view"),
    (Compare, Action::Export, "export"),
    (Compare, Action::Back, "back"),
    (Help, Action::ToggleHelp, "close"),
];

/// The names actions go by in the configuration file (`[keys] compare = "C"`), one per
/// action that has keys.
pub const ACTION_NAMES: &[(&str, Action)] = &[
    ("quit", Action::Quit),
    ("suspend", Action::Suspend),
    ("help", Action::ToggleHelp),
    ("left", Action::Left),
    ("right", Action::Right),
    ("line_start", Action::Home),
    ("line_end", Action::End),
    ("delete_back", Action::Backspace),
    ("delete", Action::Delete),
    ("delete_word", Action::DeleteWord),
    ("clear_query", Action::ClearLine),
    ("history_previous", Action::HistoryPrev),
    ("history_next", Action::HistoryNext),
    ("history_search", Action::HistorySearch),
    ("facet", Action::ApplyFacet),
    ("up", Action::Up),
    ("down", Action::Down),
    ("page_up", Action::PageUp),
    ("page_down", Action::PageDown),
    ("first", Action::Top),
    ("last", Action::Bottom),
    ("open", Action::Enter),
    ("back", Action::Back),
    ("search", Action::FocusInput),
    ("mark", Action::MarkNext),
    ("mark_here", Action::ToggleMark),
    ("unmark_all", Action::ClearMarks),
    ("compare", Action::OpenCompare),
    ("sort", Action::CycleSort),
    ("full_screen", Action::ToggleZoom),
    ("next_link", Action::NextLink),
    ("previous_link", Action::PrevLink),
    ("evidence", Action::OpenEvidence),
    ("next_view", Action::NextTab),
    ("previous_view", Action::PrevTab),
    ("next_endpoint", Action::NextEndpoint),
    ("previous_endpoint", Action::PrevEndpoint),
    ("export", Action::Export),
    ("copy", Action::Copy),
    ("language", Action::ToggleLang),
];

/// The configuration name of an action.
pub fn action_name(a: Action) -> Option<&'static str> {
    ACTION_NAMES.iter().find(|(_, x)| *x == a).map(|(n, _)| *n)
}
