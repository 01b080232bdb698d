//! The search line: typing, editing, pasting, the sort key and the facet key.

use super::*;

pub(super) fn insert(s: &mut State, c: char) {
    if s.input.len() < MAX_QUERY_CHARS {
        insert_str(s, c.encode_utf8(&mut [0; 4]));
    }
}

/// Inserts at the cursor in one step, so a paste of any size costs time linear in its size.
pub(super) fn insert_str(s: &mut State, text: &str) {
    let at = s.input.byte_at(s.input.cursor);
    s.input.text.insert_str(at, text);
    s.input.cursor += text.chars().count();
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
        .text
        .split_whitespace()
        .rfind(|w| is_sort(w))
        .and_then(|w| crate::search::parse(w).ok())
        .map(|q| q.sort)
        .unwrap_or_default();
    let mut words: Vec<String> = s
        .input
        .text
        .split_whitespace()
        .filter(|w| !is_sort(w))
        .map(str::to_string)
        .collect();
    if let Some(term) = current.next().term() {
        words.push(term);
    }
    s.input.text = words.join(" ");
    s.input.cursor = s.input.len();
    query_changed(s)
}

pub(super) fn input(s: &mut State, a: Action) -> Vec<Effect> {
    let before = s.input.text.clone();
    match a {
        Action::Insert(c) => insert(s, c),
        Action::Backspace if s.input.cursor > 0 => {
            let at = s.input.byte_at(s.input.cursor - 1);
            s.input.text.remove(at);
            s.input.cursor -= 1;
        }
        Action::Delete if s.input.cursor < s.input.len() => {
            let at = s.input.byte_at(s.input.cursor);
            s.input.text.remove(at);
        }
        Action::DeleteWord => {
            let chars: Vec<char> = s.input.text.chars().collect();
            let mut i = s.input.cursor;
            while i > 0 && chars[i - 1].is_whitespace() {
                i -= 1;
            }
            while i > 0 && !chars[i - 1].is_whitespace() {
                i -= 1;
            }
            let (from, to) = (s.input.byte_at(i), s.input.byte_at(s.input.cursor));
            s.input.text.replace_range(from..to, "");
            s.input.cursor = i;
        }
        Action::ClearLine => {
            s.input.text.clear();
            s.input.cursor = 0;
        }
        Action::Left => s.input.cursor = s.input.cursor.saturating_sub(1),
        Action::Right => s.input.cursor = (s.input.cursor + 1).min(s.input.len()),
        Action::Home => s.input.cursor = 0,
        Action::End => s.input.cursor = s.input.len(),
        Action::Down | Action::Enter => {
            if s.result_count() > 0 {
                s.focus = Focus::List;
            }
        }
        Action::Back => {
            if !s.input.is_empty() {
                s.input.text.clear();
                s.input.cursor = 0;
            } else if s.result_count() > 0 {
                s.focus = Focus::List;
            }
        }
        other => return common(s, other),
    }
    if s.input.text != before {
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
    if s.input.text.split_whitespace().any(|w| w == filter) {
        return Vec::new();
    }
    if !s.input.text.is_empty() && !s.input.text.ends_with(' ') {
        s.input.text.push(' ');
    }
    s.input.text.push_str(&filter);
    s.input.cursor = s.input.len();
    query_changed(s)
}
