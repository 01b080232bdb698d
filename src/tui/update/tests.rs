//! Unit tests of `update`: actions and events on a state, and the effects they ask for.

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
