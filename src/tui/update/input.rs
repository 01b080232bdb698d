//! The search line: typing, editing, pasting, the sort key and the facet key.

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

pub(super) fn apply_facet(s: &mut State) -> Vec<Effect> {
    let Some(d) = s
        .results
        .as_ref()
        .and_then(|r| r.facets.diseases.first())
        .map(|(d, _)| d.clone())
    else {
        s.status = Some(Status::error("no disease facet to apply"));
        return Vec::new();
    };
    let filter = format!("disease:{d}");
    let text = s.input.text();
    if text.split_whitespace().any(|w| w == filter) {
        return Vec::new();
    }
    let sep = if text.is_empty() || text.ends_with(' ') {
        ""
    } else {
        " "
    };
    s.input.set(format!("{text}{sep}{filter}"));
    query_changed(s)
}
