//! The facet line: the facet key gives it the keys, ←/→ choose a value, Enter adds its filter
//! to the query or takes it out; a click on a value does the same at once.

use super::*;
use crate::tui::facets::toggled;

/// The facet key: the facet line takes the keys, on its first value (or gives them back).
pub(super) fn focus(s: &mut State) {
    if s.facet_cursor.take().is_some() {
        return;
    }
    if s.facet_items().is_empty() {
        s.status = Some(Status::error(
            "no facets to choose from: the query matches nothing",
        ));
        return;
    }
    s.facet_cursor = Some(0);
}

/// Keys while the facet line has them.
pub(super) fn keys(s: &mut State, a: Action) -> Vec<Effect> {
    let items = s.facet_items();
    let last = items.len().saturating_sub(1);
    let at = s.facet_cursor.unwrap_or(0).min(last);
    match a {
        Action::Left => s.facet_cursor = Some(at.saturating_sub(1)),
        Action::Right => s.facet_cursor = Some((at + 1).min(last)),
        Action::Enter => match items.get(at) {
            Some(item) => return toggle(s, &item.term),
            None => s.facet_cursor = None,
        },
        Action::Back => s.facet_cursor = None,
        Action::Down => {
            s.facet_cursor = None;
            if s.result_count() > 0 {
                s.focus = Focus::List;
            }
        }
        Action::Up => {
            s.facet_cursor = None;
            s.focus = Focus::Input;
        }
        other => return common(s, other),
    }
    Vec::new()
}

/// Adds `term` to the query, or takes it out when it is there, and searches.
pub(super) fn toggle(s: &mut State, term: &str) -> Vec<Effect> {
    let text = toggled(s.input.text(), term);
    s.input.set(text);
    query_changed(s)
}

/// A click on the facet line: the value under the pointer, if any, is toggled.
pub(super) fn click(s: &mut State, x: u16) -> Vec<Effect> {
    let items = s.facet_items();
    match items.iter().position(|i| x >= i.x && x < i.x + i.width) {
        Some(n) => {
            if s.facet_cursor.is_some() {
                s.facet_cursor = Some(n);
            }
            toggle(s, &items[n].term)
        }
        None => Vec::new(),
    }
}
