//! Everything that can happen to the TUI, as data. Keys and mouse events are turned into
//! [`Action`]s by the keymap; background threads send theirs; `update` consumes them all.

use std::sync::Arc;

use crate::corpus::LoadError;
use crate::search::Engine;
use crate::search::worker::Reply;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Stop the process as Ctrl-Z does in a shell (the terminal restored; `fg` resumes).
    Suspend,
    Insert(char),
    Backspace,
    Delete,
    DeleteWord,
    ClearLine,
    Left,
    Right,
    Home,
    End,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Enter,
    Back,
    FocusInput,
    /// The search line: the previous (older) query of the history, or the next (newer).
    HistoryPrev,
    HistoryNext,
    /// The search line: the next older query of the history that contains what is typed.
    HistorySearch,
    ToggleMark,
    /// Name the marked records as a set (opens the name prompt).
    SaveSet,
    /// List the saved sets to open one.
    OpenSets,
    /// Write or edit the user's note on the record shown.
    EditNote,
    /// Marks or unmarks the selected row and moves to the next (fzf's Tab).
    MarkNext,
    /// The next `sort:` order, written into the query.
    CycleSort,
    /// The detail pane full screen, or beside the list again.
    ToggleZoom,
    NextLink,
    PrevLink,
    /// Open the web address of the detail line under the cursor in the system's browser.
    OpenLink,
    ClearMarks,
    OpenCompare,
    OpenEvidence,
    ToggleHelp,
    ToggleLang,
    NextTab,
    PrevTab,
    NextEndpoint,
    PrevEndpoint,
    Export,
    Copy,
    /// The facet line takes the keys (again: gives them back).
    FocusFacets,
    Resize(u16, u16),
    ScrollAt {
        x: u16,
        y: u16,
        down: bool,
    },
    ClickAt {
        x: u16,
        y: u16,
    },
    /// Time passes while the corpus loads (milliseconds since the start), for the progress line.
    Tick(u64),
    /// A test-only trigger (`EVIDEX_TEST_PANIC=1`): panics inside the event loop.
    TestPanic,
}

/// Events from outside the keyboard: background work finishing.
pub enum Event {
    Action(Action),
    Paste(String),
    Loaded(Result<Arc<Engine>, LoadError>),
    Search(Reply),
    /// Status message from the app loop (an export written, a copy made).
    Status(super::state::Status),
    /// The saved sets, read for the sets menu (or why they could not be).
    Sets(Result<Vec<crate::userdata::Set>, String>),
}
