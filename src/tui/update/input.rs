//! The search line: typing, editing, pasting, the sort key and the history.

use super::*;

use tui_input::InputRequest as Edit;

pub(super) fn insert(s: &mut State, c: char) {
    if s.input.len() < MAX_QUERY_CHARS {
        s.input.apply(Edit::InsertChar(c));
    }
}

/// Inserts at the cursor in one step, so a paste of any size costs time linear in its size.
pub(super) fn insert_str(s: &mut State, text: &str) {
    s.input.insert(text);
}

/// Writes the next `sort:` order into the query (none for relevance): the query text is the
/// one place the order lives, as it is for `evidex search`.
pub(super) fn cycle_sort(s: &mut State) -> Vec<Effect> {
    let is_sort = |w: &str| {
        w.trim_start_matches('-')
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("sort:"))
    };
    let current = s
        .input
        .text()
        .split_whitespace()
        .rfind(|w| is_sort(w))
        .and_then(|w| crate::search::parse(w).ok())
        .map(|q| q.sort)
        .unwrap_or_default();
    let mut words: Vec<String> = s
        .input
        .text()
        .split_whitespace()
        .filter(|w| !is_sort(w))
        .map(str::to_string)
        .collect();
    if let Some(term) = current.next().term() {
        words.push(term);
    }
    s.input.set(words.join(" "));
    query_changed(s)
}

pub(super) fn input(s: &mut State, a: Action) -> Vec<Effect> {
    let before = s.input.text().to_string();
    match a {
        Action::Insert(c) => insert(s, c),
        Action::Backspace => s.input.apply(Edit::DeletePrevChar),
        Action::Delete => s.input.apply(Edit::DeleteNextChar),
        Action::DeleteWord => s.input.apply(Edit::DeletePrevWord),
        Action::ClearLine => s.input.apply(Edit::DeleteLine),
        Action::Left => s.input.apply(Edit::GoToPrevChar),
        Action::Right => s.input.apply(Edit::GoToNextChar),
        Action::Home => s.input.apply(Edit::GoToStart),
        Action::End => s.input.apply(Edit::GoToEnd),
        Action::HistoryPrev => walk_history(s, true),
        Action::HistoryNext => walk_history(s, false),
        Action::HistorySearch => search_history(s),
        Action::Down | Action::Enter => {
            if s.result_count() > 0 {
                s.focus = Focus::List;
            }
        }
        Action::Back => {
            if !s.input.is_empty() {
                s.input.set(String::new());
            } else if s.result_count() > 0 {
                s.focus = Focus::List;
            }
        }
        other => return common(s, other),
    }
    if s.input.text() != before {
        query_changed(s)
    } else {
        Vec::new()
    }
}

/// Shows the previous (`older`) or next query of the history on the search line; past the
/// newest, what was typed before the walk comes back.
fn walk_history(s: &mut State, older: bool) {
    let n = s.history.len();
    let (pos, typed) = match s.history_walk.take() {
        Some(w) => w,
        None => (n, s.input.text().to_string()),
    };
    let next = if older {
        pos.checked_sub(1)
    } else {
        Some(pos + 1).filter(|&p| p <= n)
    };
    let Some(next) = next else {
        s.history_walk = Some((pos, typed));
        return;
    };
    let text = s
        .history
        .get(next)
        .cloned()
        .unwrap_or_else(|| typed.clone());
    s.input.set(text);
    s.history_walk = Some((next, typed));
}

/// The next older query of the history that contains what was typed when the search began
/// (Ctrl-R again goes further back); says so when there is none.
fn search_history(s: &mut State) {
    let (pos, typed) = match s.history_walk.take() {
        Some(w) => w,
        None => (s.history.len(), s.input.text().to_string()),
    };
    let needle = typed.to_lowercase();
    let found = s.history[..pos.min(s.history.len())]
        .iter()
        .rposition(|h| h.to_lowercase().contains(&needle));
    match found {
        Some(i) => {
            s.input.set(s.history[i].clone());
            s.history_walk = Some((i, typed));
        }
        None => {
            s.status = Some(Status::info(format!(
                "no earlier query in the history contains {:?}",
                crate::text::clean(&typed)
            )));
            s.history_walk = Some((pos, typed));
        }
    }
}
