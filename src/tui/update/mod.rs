//! `update(&mut State, Action)`: the only place the TUI's state changes. It performs no I/O;
//! what must happen outside (a search, an export, a copy) comes back as an [`Effect`] for the
//! app loop to carry out.
//!
//! One file per place the keys act: [`input`] (the search line), [`list`] (results and
//! marks), [`detail`] (the detail pane), [`compare`] (the compare screen) and [`mouse`]
//! (wheel and clicks); this file routes actions and events to them.

mod compare;
mod detail;
mod input;
mod list;
mod mouse;

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
use input::{apply_facet, cycle_sort, input, insert_str};
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
    /// Give the terminal back and stop until resumed.
    Suspend,
    Panic,
}

/// Applies an event from outside the keyboard.
pub fn handle(s: &mut State, ev: Event) -> Vec<Effect> {
    let effects = handle_event(s, ev);
    s.refresh_detail();
    s.refresh_compare();
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
                s.status = Some(Status::error(format!(
                    "paste cut at {MAX_QUERY_CHARS} characters, the most a query holds"
                )));
            }
            query_changed(s)
        }
        Event::Loaded(Ok(engine)) => {
            s.load = Load::Ready(engine);
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
        } => {
            // A new query's answer starts at its best hit, as in every fuzzy finder.
            s.shown_generation = generation;
            s.query_error = None;
            s.results = Some(results);
            s.selected = 0;
            s.list_offset = 0;
            s.detail = Default::default();
            if s.result_count() == 0 && s.focus != Focus::Input {
                s.focus = Focus::Input;
            }
        }
        Reply::Error {
            generation,
            message,
        } => {
            s.shown_generation = generation;
            s.query_error = Some(message);
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

/// The longest query the search line holds; a paste is cut there, with a message. (The
/// query language also bounds how many words a query may have: `search::query`.)
pub const MAX_QUERY_CHARS: usize = 2_000;

/// Applies one action.
pub fn update(s: &mut State, a: Action) -> Vec<Effect> {
    // The detail view is current before the action reads it and after it changes what is
    // shown; each refresh builds only when the record, language or width changed.
    s.refresh_detail();
    s.refresh_compare();
    let effects = apply(s, a);
    s.refresh_detail();
    s.refresh_compare();
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
            if a == Action::ToggleHelp {
                s.help = false;
            }
            Vec::new()
        }
        Context::Input => input(s, a),
        Context::List => list(s, a),
        Context::Detail => detail(s, a),
        Context::Compare => compare(s, a),
    }
}

pub(super) fn common(s: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::ToggleHelp => s.help = true,
        Action::ToggleLang => s.lang = s.lang.toggle(),
        Action::FocusInput => {
            s.focus = Focus::Input;
            s.input.apply(tui_input::InputRequest::GoToEnd);
        }
        Action::ApplyFacet => return apply_facet(s),
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
mod tests {
    use super::*;
    use crate::corpus::{Corpus, Lang};

    fn loading() -> State {
        State::new("corpus.json", Lang::En, 120, 40)
    }

    fn ready_state() -> State {
        let mut s = loading();
        let engine = crate::search::engine(Arc::new(Corpus::bundled().unwrap()));
        let effects = ready(&mut s, Arc::new(engine));
        // The first query (empty) goes to the worker.
        assert!(matches!(effects.as_slice(), [Effect::Search { .. }]));
        s
    }

    fn typed(s: &mut State, text: &str) -> Vec<Effect> {
        let mut last = Vec::new();
        for c in text.chars() {
            last = update(s, Action::Insert(c));
        }
        last
    }

    #[test]
    fn while_loading_letters_are_kept_unsent_and_q_quits() {
        let mut s = loading();
        assert!(update(&mut s, Action::Insert('x')).is_empty());
        assert_eq!(s.input.text(), "x");
        assert!(!s.quit);
        update(&mut s, Action::Insert('q'));
        assert!(s.quit);
    }

    #[test]
    fn each_new_query_is_sent_once_with_a_new_generation() {
        let mut s = ready_state();
        let effects = typed(&mut s, "tace");
        let [Effect::Search { generation, text }] = effects.as_slice() else {
            panic!("{effects:?}");
        };
        assert_eq!(text, "tace");
        assert_eq!(*generation, s.generation);
        // Moving the cursor changes no query: nothing is sent.
        assert!(update(&mut s, Action::Left).is_empty());
        assert!(update(&mut s, Action::Home).is_empty());
        // Deleting a word sends the shorter query.
        update(&mut s, Action::End);
        let effects = update(&mut s, Action::DeleteWord);
        assert!(
            matches!(effects.as_slice(), [Effect::Search { text, .. }] if text.is_empty()),
            "{effects:?}"
        );
    }

    #[test]
    fn editing_works_on_characters_not_bytes() {
        let mut s = ready_state();
        typed(&mut s, "肝癌 tace");
        update(&mut s, Action::Home);
        update(&mut s, Action::Right);
        update(&mut s, Action::Delete);
        assert_eq!(s.input.text(), "肝 tace");
        update(&mut s, Action::Backspace);
        assert_eq!(s.input.text(), " tace");
        assert_eq!(s.input.cursor(), 0);
    }

    #[test]
    fn a_paste_is_cut_at_the_query_limit_and_says_so() {
        let mut s = ready_state();
        let long = "a".repeat(MAX_QUERY_CHARS + 50);
        handle(&mut s, Event::Paste(long));
        assert_eq!(s.input.len(), MAX_QUERY_CHARS);
        assert!(s.status.as_ref().is_some_and(Status::is_error));
        // The next key clears the message.
        update(&mut s, Action::Left);
        assert!(s.status.is_none());
    }

    #[test]
    fn comparing_needs_two_marks_and_refuses_a_fifth() {
        let mut s = ready_state();
        list::open_compare(&mut s);
        assert_eq!(s.screen, Screen::Browse);
        assert!(s.status.as_ref().is_some_and(Status::is_error));
        let corpus = s.corpus().unwrap();
        let ids = ["emerald-1", "leap-012", "talentace", "pallas", "tace"];
        let refs: Vec<RecordRef> = ids.iter().filter_map(|id| corpus.resolve(id)).collect();
        for r in refs.iter().take(MAX_COLUMNS) {
            toggle_mark_for_test(&mut s, *r);
        }
        assert_eq!(s.marked.len(), MAX_COLUMNS.min(refs.len()));
        if let Some(&fifth) = refs.get(MAX_COLUMNS) {
            toggle_mark_for_test(&mut s, fifth);
            assert_eq!(s.marked.len(), MAX_COLUMNS);
            assert!(s.status.as_ref().is_some_and(Status::is_error));
        }
    }

    fn toggle_mark_for_test(s: &mut State, r: RecordRef) {
        list::toggle_mark(s, r);
    }

    #[test]
    fn a_search_reply_for_an_older_query_is_ignored() {
        let mut s = ready_state();
        typed(&mut s, "ta");
        let old = s.generation;
        typed(&mut s, "ce");
        assert!(s.generation > old);
        let engine = s.engine().unwrap().clone();
        let stale = crate::search::run(&engine, "ta", 10).unwrap();
        handle(
            &mut s,
            Event::Search(Reply::Results {
                generation: old,
                results: Arc::new(stale),
            }),
        );
        assert_ne!(s.shown_generation, old);
    }
}
