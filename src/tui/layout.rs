//! The browse screen's layout, which `update` (for mouse hits) and `view` (for drawing) both
//! compute from the state, and the scrolling rules of lists.

use ratatui::layout::Rect;

/// Where each part of the browse screen is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub input: Rect,
    pub info: Rect,
    pub list: Rect,
    pub detail: Rect,
    pub status: Rect,
}

/// The browse screen's layout for a terminal size: input line, info line (facets or a query
/// error), list and detail side by side, status bar.
pub fn areas(width: u16, height: u16) -> Areas {
    areas_for(width, height, false)
}

/// [`areas`], with the detail pane over the whole body when `zoomed` (the list has no room).
pub fn areas_for(width: u16, height: u16, zoomed: bool) -> Areas {
    let body_h = height.saturating_sub(3);
    let list_w = if zoomed {
        0
    } else if width >= 120 {
        width * 11 / 20
    } else {
        width / 2
    };
    Areas {
        input: Rect::new(0, 0, width, 1),
        info: Rect::new(0, 1, width, 1),
        list: Rect::new(0, 2, list_w, body_h),
        detail: Rect::new(list_w, 2, width.saturating_sub(list_w), body_h),
        status: Rect::new(0, height.saturating_sub(1), width, 1),
    }
}

/// The areas with the list taking `percent` of the width (20–80; the configuration's `split`).
pub fn areas_split(width: u16, height: u16, zoomed: bool, percent: u8) -> Areas {
    let mut a = areas_for(width, height, zoomed);
    if !zoomed {
        let list_w = (u32::from(width) * u32::from(percent.clamp(20, 80)) / 100) as u16;
        a.list.width = list_w;
        a.detail = Rect::new(
            list_w,
            a.detail.y,
            width.saturating_sub(list_w),
            a.detail.height,
        );
    }
    a
}

/// Lines a result takes in a list of this width: one when it fits, else two.
pub fn row_height(list_width: u16) -> usize {
    if list_width >= 66 { 1 } else { 2 }
}

/// The first visible item of a list that showed `offset` first, moved just enough for
/// `selected` to be visible in `visible` rows.
pub fn keep_visible(offset: usize, selected: usize, visible: usize) -> usize {
    keep_span_visible(offset, selected, selected, visible)
}

/// The rows `first..=last` that line `line` of a laid-out document takes (rows are tagged
/// with the line they come from; a wrapped line takes several). Row 0 when it has none.
pub fn rows_of<T>(rows: &[(T, usize)], line: usize) -> (usize, usize) {
    let first = rows.iter().position(|(_, i)| *i == line).unwrap_or(0);
    let last = rows.iter().rposition(|(_, i)| *i == line).unwrap_or(first);
    (first, last)
}

/// Like [`keep_visible`] for an item that spans rows `first..=last` (a wrapped line); when it
/// is taller than the window, its first row wins.
pub fn keep_span_visible(offset: usize, first: usize, last: usize, visible: usize) -> usize {
    let visible = visible.max(1);
    if first < offset {
        first
    } else if last >= offset + visible {
        (last + 1 - visible).min(first)
    } else {
        offset
    }
}
