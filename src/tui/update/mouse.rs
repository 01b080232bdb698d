//! The mouse: the wheel over a pane, and clicks.

use super::list::{list_page, select};
use super::*;

/// Rows one notch of the mouse wheel scrolls.
pub(super) const WHEEL_ROWS: usize = 3;

/// The wheel scrolls the pane under the pointer; it moves no focus.
pub(super) fn mouse_scroll(s: &mut State, x: u16, y: u16, down: bool) -> Vec<Effect> {
    if s.help {
        for _ in 0..WHEEL_ROWS {
            super::help_keys(s, if down { Action::Down } else { Action::Up });
        }
        return Vec::new();
    }
    if s.screen == Screen::Compare {
        let a = if down { Action::Down } else { Action::Up };
        return compare(s, a);
    }
    let ar = s.areas();
    if ar.detail.contains((x, y).into()) {
        scroll_detail(s, down);
    } else if ar.list.contains((x, y).into()) {
        scroll_list(s, down);
    }
    Vec::new()
}

/// Scrolls the detail pane's view by [`WHEEL_ROWS`], and keeps its cursor on a line in view.
pub(super) fn scroll_detail(s: &mut State, down: bool) {
    let pane = s.areas().detail;
    let Some(view) = s
        .detail_view
        .clone()
        .filter(|v| Some(v.record) == s.detail_record())
    else {
        return;
    };
    let rows = &view.rows;
    let visible = (pane.height.saturating_sub(2) as usize).max(1);
    let (first, last) = rows_of(rows, s.detail.cursor);
    // Where the view is now: a focused pane shows its cursor (see the view).
    let shown = if s.focus == Focus::Detail {
        keep_span_visible(s.detail.offset, first, last, visible)
    } else {
        s.detail.offset
    };
    let max = rows.len().saturating_sub(visible);
    let offset = if down {
        (shown + WHEEL_ROWS).min(max)
    } else {
        shown.saturating_sub(WHEEL_ROWS)
    };
    s.detail.offset = offset;
    let in_view = |(first, last): (usize, usize)| first >= offset && last < offset + visible;
    if !in_view((first, last)) {
        let lines = rows.iter().map(|(_, i)| *i);
        let candidate = if first < offset {
            lines.filter(|&i| rows_of(rows, i).0 >= offset).min()
        } else {
            lines
                .filter(|&i| rows_of(rows, i).1 < offset + visible)
                .max()
        };
        if let Some(i) = candidate {
            s.detail.cursor = i;
        }
    }
}

/// Scrolls the results list by [`WHEEL_ROWS`] rows, keeping the selection in view; at either
/// end, the selection moves instead.
pub(super) fn scroll_list(s: &mut State, down: bool) {
    let n = s.result_count();
    if n == 0 {
        return;
    }
    let page = list_page(s);
    let shown = keep_visible(s.list_offset, s.selected, page);
    let step = (WHEEL_ROWS / row_height(s.areas().list.width)).max(1);
    let max = n.saturating_sub(page);
    let offset = if down {
        (shown + step).min(max)
    } else {
        shown.saturating_sub(step)
    };
    if offset == shown {
        // Nothing left to scroll: move the selection towards that end.
        let to = if down {
            s.selected + 1
        } else {
            s.selected.saturating_sub(1)
        };
        select(s, to);
        return;
    }
    s.list_offset = offset;
    let to = s.selected.clamp(offset, offset + page - 1);
    select(s, to);
}

pub(super) fn click(s: &mut State, x: u16, y: u16) -> Vec<Effect> {
    if s.help || s.screen != Screen::Browse {
        return Vec::new();
    }
    let ar = s.areas();
    if ar.info.contains((x, y).into()) {
        return super::facets::click(s, x - ar.info.x);
    }
    // A click elsewhere takes the keys from the facet line.
    s.facet_cursor = None;
    if ar.input.contains((x, y).into()) {
        s.focus = Focus::Input;
    } else if ar.list.contains((x, y).into()) && y > ar.list.y && y + 1 < ar.list.bottom() {
        let rh = row_height(ar.list.width);
        let visible = (ar.list.height.saturating_sub(2) as usize / rh).max(1);
        let offset = keep_visible(s.list_offset, s.selected, visible);
        let row = offset + (y - ar.list.y - 1) as usize / rh;
        if row < s.result_count() {
            select(s, row);
            s.focus = Focus::List;
        }
    } else if ar.detail.contains((x, y).into()) && s.detail_record().is_some() {
        s.focus = Focus::Detail;
    }
    Vec::new()
}
