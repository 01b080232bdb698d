//! `update(&mut State, Action)`: the only place the TUI's state changes. It performs no I/O;
//! what must happen outside (a search, an export, a copy) comes back as an [`Effect`] for the
//! app loop to carry out.
//!
//! One file per place the keys act: [`input`] (the search line), [`list`] (results and
//! marks), [`detail`] (the detail pane), [`compare`] (the compare screen) and [`mouse`]
//! (wheel and clicks); this file routes actions and events to them.

mod compare;
mod detail;
mod facets;
mod input;
mod list;
mod mouse;
mod sets;

use std::sync::Arc;

use super::action::{Action, Event};
use super::keymap::Context;
use super::state::{
    Focus, Load, Screen, State, Status, Tab, keep_span_visible, keep_visible, row_height, rows_of,
};
use crate::compare::MAX_COLUMNS;
use crate::corpus::{Kind, RecordRef};
use crate::search::worker::Reply;

use compare::compare;
use detail::{detail, follow_cursor};
use input::{cycle_sort, input, insert_str};
use list::{list, marking};
use mouse::{click, mouse_scroll};
/// Work for the app loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    Search {
        generation: u64,
        text: String,
    },
    /// Export or copy the comparison of these records (of the therapy `v` chose them for).
    Export(Vec<RecordRef>, Option<u32>),
    Copy(Vec<RecordRef>, Option<u32>),
    /// Copy one outcome of a trial (its index) as figure, quote and reference.
    CopyOutcome {
        record: RecordRef,
        outcome: usize,
    },
    /// Give the terminal back and stop until resumed.
    Suspend,
    Panic,
    /// Add a query to the history the user keeps (it was searched and left for the results,
    /// or the browser quit with it).
    Remember(String),
    /// Keep these marked record ids for the next session.
    SaveMarks(Vec<String>),
    /// Save these record ids as a new set of this name.
    SaveSet {
        name: String,
        ids: Vec<String>,
    },
    /// Read the saved sets for the menu.
    LoadSets,
    /// Write the user's note on a record (an empty text removes it).
    SaveNote {
        record: String,
        text: String,
    },
    /// Open a web address (built by evidex, see `present::weblinks`) in the system's browser.
    OpenUrl(String),
}

/// Applies an event from outside the keyboard.
pub fn handle(s: &mut State, ev: Event) -> Vec<Effect> {
    let effects = handle_event(s, ev);
    s.refresh_detail();
    s.refresh_compare();
    s.refresh_help();
    effects
}

pub(super) fn handle_event(s: &mut State, ev: Event) -> Vec<Effect> {
    match ev {
        Event::Action(a) => update(s, a),
        Event::Paste(text) => {
            if s.context() != Context::Input {
                s.focus = Focus::Input;
            }
            let room = MAX_QUERY_CHARS.saturating_sub(s.input.len());
            let all = text.chars().count();
            let clean: String = text
                .chars()
                .take(room)
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            insert_str(s, &clean);
            if all > room {
                s.status = Some(Status::error(crate::i18n::trf(
                    s.lang,
                    "paste cut at %{max} characters, the most a query holds",
                    &[("max", &MAX_QUERY_CHARS)],
                )));
            }
            query_changed(s)
        }
        Event::Loaded(Ok(engine)) => {
            s.load = Load::Ready(engine);
            restore_marks(s);
            query_changed(s)
        }
        // A failed load ends the program; the app loop handles it before it gets here.
        Event::Loaded(Err(_)) => Vec::new(),
        Event::Search(reply) => {
            receive(s, reply);
            Vec::new()
        }
        Event::Status(status) => {
            s.status = Some(status);
            Vec::new()
        }
        Event::Sets(Ok(sets)) if sets.is_empty() => {
            s.status = Some(Status::info(crate::i18n::tr(
                s.lang,
                "no saved sets yet: mark records, then S saves them under a name",
            )));
            Vec::new()
        }
        Event::Sets(Ok(sets)) => {
            s.sets_menu = Some((sets, 0));
            Vec::new()
        }
        Event::Sets(Err(e)) => {
            s.status = Some(Status::error(crate::i18n::trf(
                s.lang,
                "cannot read the sets: %{e}",
                &[("e", &e)],
            )));
            Vec::new()
        }
    }
}

/// Marks the records marked in an earlier session, and says how many are not in this corpus
/// (they stay in the saved marks until the marks change).
fn restore_marks(s: &mut State) {
    let ids = std::mem::take(&mut s.pending_marks);
    let Some(c) = s.corpus() else { return };
    let found: Vec<RecordRef> = ids
        .iter()
        .filter_map(|id| c.resolve(id))
        .take(MAX_COLUMNS)
        .collect();
    let missing = ids.len() - found.len().min(ids.len());
    s.marked = found;
    if missing > 0 {
        s.status = Some(Status::error(crate::i18n::trf(
            s.lang,
            "%{n} of the %{total} marked records of the last session are not in this corpus",
            &[("n", &missing), ("total", &ids.len())],
        )));
    }
}

pub(super) fn receive(s: &mut State, reply: Reply) {
    if reply.generation() != s.generation {
        return; // stale: a newer query is on its way
    }
    match reply {
        Reply::Results {
            generation,
            results,
            query,
        } => {
            // A new query's answer starts at its best hit, as in every fuzzy finder.
            s.shown_generation = generation;
            s.query_error = None;
            s.results = Some(results);
            s.query = Some(query);
            s.selected = 0;
            s.list_offset = 0;
            s.detail = Default::default();
            if s.result_count() == 0 && s.focus != Focus::Input {
                s.focus = Focus::Input;
            }
        }
        Reply::Error { generation, error } => {
            s.shown_generation = generation;
            s.query_error = Some(error);
            s.query = None;
        }
    }
}

/// Sends the query to the worker if it changed since it was last sent.
pub(super) fn query_changed(s: &mut State) -> Vec<Effect> {
    if s.engine().is_none() || s.sent.as_deref() == Some(s.input.text()) {
        return Vec::new();
    }
    s.generation += 1;
    s.sent = Some(s.input.text().to_string());
    vec![Effect::Search {
        generation: s.generation,
        text: s.input.text().to_string(),
    }]
}

/// The user's notes changed: a query that filters on them is sent again (the worker has the
/// new notes by then), so its results follow the note just written.
pub fn notes_changed(s: &mut State) -> Vec<Effect> {
    let on_notes = s.query.as_ref().is_some_and(|q| {
        q.filters
            .iter()
            .any(|f| matches!(f.item, crate::search::query::Filter::Note { .. }))
    });
    if !on_notes {
        return Vec::new();
    }
    s.sent = None;
    query_changed(s)
}

/// The longest query the search line holds; a paste is cut there, with a message. (The
/// query language also bounds how many words a query may have: `search::query`.)
pub const MAX_QUERY_CHARS: usize = 2_000;

/// Applies one action.
pub fn update(s: &mut State, a: Action) -> Vec<Effect> {
    // The detail view is current before the action reads it and after it changes what is
    // shown; each refresh builds only when the record, language or width changed.
    s.refresh_detail();
    s.refresh_compare();
    s.refresh_help();
    let (marks, focus) = (s.marked.clone(), s.focus);
    if !matches!(
        a,
        Action::HistoryPrev | Action::HistoryNext | Action::HistorySearch | Action::Tick(_)
    ) {
        s.history_walk = None;
    }
    let mut effects = apply(s, a);
    s.refresh_detail();
    s.refresh_compare();
    s.refresh_help();
    effects.extend(remembered(s, &marks, focus));
    effects
}

/// What to keep for the next session after an action: the marks when they changed, the query
/// when the user left the search line for its results or quit.
fn remembered(s: &State, marks: &[RecordRef], focus: Focus) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(c) = s.corpus()
        && s.marked != marks
    {
        let ids = s.marked.iter().map(|&r| c.id_of(r).to_string()).collect();
        effects.push(Effect::SaveMarks(ids));
    }
    let left_input = focus == Focus::Input && s.focus != Focus::Input;
    if (left_input || s.quit) && !s.input.text().trim().is_empty() {
        effects.push(Effect::Remember(s.input.text().to_string()));
    }
    effects
}

pub(super) fn apply(s: &mut State, a: Action) -> Vec<Effect> {
    // While the corpus loads there is nothing to type into: q and Esc quit, as the loading
    // screen says (a corpus on a slow disk or a FIFO with no writer may never finish).
    if s.engine().is_none() && matches!(a, Action::Insert('q') | Action::Back) {
        s.quit = true;
        return Vec::new();
    }
    match a {
        Action::Quit => {
            s.quit = true;
            return Vec::new();
        }
        Action::Resize(w, h) => {
            s.width = w;
            s.height = h;
            return Vec::new();
        }
        Action::TestPanic => return vec![Effect::Panic],
        Action::Suspend => return vec![Effect::Suspend],
        Action::Tick(ms) => {
            if let Load::Loading { elapsed_ms, .. } = &mut s.load {
                *elapsed_ms = ms;
            }
            return Vec::new();
        }
        Action::ScrollAt { x, y, down } => return mouse_scroll(s, x, y, down),
        Action::ClickAt { x, y } => return click(s, x, y),
        _ => {}
    }
    s.status = None;
    match s.context() {
        Context::Help => {
            help_keys(s, a);
            Vec::new()
        }
        Context::Input => input(s, a),
        Context::List => list(s, a),
        Context::Detail => detail(s, a),
        Context::Compare => compare(s, a),
        Context::Prompt => sets::prompt(s, a),
        Context::Sets => sets::menu(s, a),
        Context::Facets => facets::keys(s, a),
    }
}

/// Keys on the help overlay: close it, or scroll it when it is taller than the screen.
fn help_keys(s: &mut State, a: Action) {
    let max = s
        .help_content
        .as_ref()
        .map_or(0, |h| h.max_scroll(s.height));
    let page = usize::from(s.height.saturating_sub(6)).max(1);
    s.help_scroll = match a {
        Action::ToggleHelp => {
            s.help = false;
            0
        }
        Action::Up => s.help_scroll.saturating_sub(1),
        Action::Down => s.help_scroll + 1,
        Action::PageUp => s.help_scroll.saturating_sub(page),
        Action::PageDown => s.help_scroll + page,
        Action::Top => 0,
        Action::Bottom => max,
        _ => s.help_scroll,
    }
    .min(max);
}

pub(super) fn common(s: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::ToggleHelp => {
            s.help = true;
            s.help_scroll = 0;
        }
        Action::ToggleLang => s.lang = s.lang.toggle_to(s.chinese),
        Action::FocusInput => {
            s.focus = Focus::Input;
            s.input.apply(tui_input::InputRequest::GoToEnd);
        }
        Action::FocusFacets => facets::focus(s),
        Action::SaveSet => sets::open_prompt(s),
        Action::EditNote => sets::open_note(s),
        Action::OpenSets => return vec![Effect::LoadSets],
        Action::CycleSort => return cycle_sort(s),
        Action::ToggleZoom => {
            s.zoom = !s.zoom;
            if s.zoom && s.focus == Focus::List && s.selected_record().is_some() {
                s.focus = Focus::Detail;
            }
            follow_cursor(s);
        }
        _ => {}
    }
    Vec::new()
}

/// Builds the engine behind a state in tests and in the app.
pub fn ready(s: &mut State, engine: Arc<crate::search::Engine>) -> Vec<Effect> {
    handle(s, Event::Loaded(Ok(engine)))
}

#[cfg(test)]
mod tests;
