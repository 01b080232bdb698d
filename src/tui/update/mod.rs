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
        Reply::Error {
            generation,
            message,
        } => {
            s.shown_generation = generation;
            s.query_error = Some(message);
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
mod tests {
    use super::*;
    use crate::corpus::{Corpus, Lang};

    fn loading() -> State {
        State::new("corpus.json", Lang::En, 120, 40)
    }

    #[test]
    fn the_help_is_built_when_it_opens_kept_while_it_scrolls_and_dropped_when_it_closes() {
        let mut s = State::new("corpus.json", Lang::En, 80, 12);
        assert!(s.help_content.is_none());
        update(&mut s, Action::ToggleHelp);
        let help = s.help_content.clone().expect("built when the help opens");
        assert_eq!(help.context, Context::Input);
        // Taller than the screen: it scrolls as far as its last line, and no further.
        let max = help.max_scroll(s.height);
        assert!(max > 0, "{help:?}");
        update(&mut s, Action::Bottom);
        assert_eq!(s.help_scroll, max);
        update(&mut s, Action::Down);
        assert_eq!(s.help_scroll, max);
        assert_eq!(
            s.help_content.as_ref(),
            Some(&help),
            "kept while it scrolls"
        );
        update(&mut s, Action::ToggleHelp);
        assert!(!s.help && s.help_content.is_none());
        // Over the list, the help is the list's.
        s.focus = Focus::List;
        update(&mut s, Action::ToggleHelp);
        assert_eq!(s.help_content.as_ref().unwrap().context, Context::List);
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
    fn up_and_ctrl_p_n_walk_the_history_and_come_back_to_what_was_typed() {
        let mut s = ready_state();
        s.history = vec!["tace".into(), "emerald".into(), "leap 012".into()];
        typed(&mut s, "pal");
        update(&mut s, Action::HistoryPrev);
        assert_eq!(s.input.text(), "leap 012");
        update(&mut s, Action::HistoryPrev);
        update(&mut s, Action::HistoryPrev);
        assert_eq!(s.input.text(), "tace");
        update(&mut s, Action::HistoryPrev);
        assert_eq!(s.input.text(), "tace", "the oldest stays");
        update(&mut s, Action::HistoryNext);
        update(&mut s, Action::HistoryNext);
        update(&mut s, Action::HistoryNext);
        assert_eq!(s.input.text(), "pal", "past the newest: what was typed");
        // Ctrl-R finds older entries containing what was typed.
        update(&mut s, Action::ClearLine);
        typed(&mut s, "e");
        update(&mut s, Action::HistorySearch);
        assert_eq!(s.input.text(), "leap 012");
        update(&mut s, Action::HistorySearch);
        assert_eq!(s.input.text(), "emerald");
        update(&mut s, Action::HistorySearch);
        assert_eq!(s.input.text(), "tace");
        update(&mut s, Action::HistorySearch);
        assert!(s.status.is_some(), "no older match is said");
    }

    #[test]
    fn leaving_the_search_line_remembers_the_query_and_marks_are_kept() {
        let mut s = ready_state();
        typed(&mut s, "tace");
        let engine = s.engine().unwrap().clone();
        let results = Arc::new(crate::search::run(&engine, "tace", 10).unwrap());
        let generation = s.generation;
        handle(
            &mut s,
            Event::Search(Reply::Results {
                generation,
                results,
                query: Arc::new(crate::search::parse("tace").unwrap()),
            }),
        );
        let effects = update(&mut s, Action::Down);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Remember(q) if q == "tace")),
            "{effects:?}"
        );
        let r = s.corpus().unwrap().resolve("emerald-1").unwrap();
        s.marked.clear();
        let (marks, focus) = (s.marked.clone(), s.focus);
        s.marked.push(r);
        assert!(matches!(
            remembered(&s, &marks, focus).as_slice(),
            [Effect::SaveMarks(ids)] if ids == &["emerald-1".to_string()]
        ));
    }

    #[test]
    fn marks_of_the_last_session_come_back_once_loaded() {
        let mut s = loading();
        s.pending_marks = vec!["emerald-1".into(), "no-such-record".into()];
        let engine = crate::search::engine(Arc::new(Corpus::bundled().unwrap()));
        ready(&mut s, Arc::new(engine));
        assert_eq!(s.marked.len(), 1);
        assert!(
            s.status
                .as_ref()
                .is_some_and(|st| st.text().contains("1 of the 2"))
        );
    }

    #[test]
    fn a_new_note_asks_again_only_a_query_that_filters_on_notes() {
        let mut s = ready_state();
        typed(&mut s, "tace");
        let engine = s.engine().unwrap().clone();
        let answer = |s: &mut State, text: &str| {
            let generation = s.generation;
            handle(
                s,
                Event::Search(Reply::Results {
                    generation,
                    results: Arc::new(crate::search::run(&engine, text, 10).unwrap()),
                    query: Arc::new(crate::search::parse(text).unwrap()),
                }),
            );
        };
        answer(&mut s, "tace");
        assert!(notes_changed(&mut s).is_empty());
        update(&mut s, Action::ClearLine);
        typed(&mut s, "has:note");
        answer(&mut s, "has:note");
        let before = s.generation;
        let effects = notes_changed(&mut s);
        assert!(
            matches!(effects.as_slice(), [Effect::Search { generation, text }]
                if *generation == before + 1 && text == "has:note"),
            "{effects:?}"
        );
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
                query: Arc::new(crate::search::parse("ta").unwrap()),
            }),
        );
        assert_ne!(s.shown_generation, old);
    }
}
