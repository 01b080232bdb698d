//! The detail pane: its cursor, its links, following and going back.

use super::*;

pub(super) fn detail_len_and_link(s: &State) -> (usize, Option<RecordRef>) {
    match s.detail_view() {
        Some(v) => {
            let link = v.doc.lines.get(s.detail.cursor).and_then(|l| l.link);
            (v.doc.lines.len(), link)
        }
        None => (0, None),
    }
}

/// The stops of the link cursor in the shown detail document, in reading order: each web
/// address as (its line, its index on the line), and each line that links to another record
/// (and has no web address) as (line, 0).
pub(super) fn detail_links(s: &State) -> Vec<(usize, usize)> {
    let Some(v) = s.detail_view() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, l) in v.doc.lines.iter().enumerate() {
        let web = v.web_links(i).len();
        if web > 0 {
            out.extend((0..web).map(|k| (i, k)));
        } else if l.link.is_some_and(|to| to != v.record) {
            out.push((i, 0));
        }
    }
    out
}

/// Scrolls the detail pane just enough for the line under the cursor to be seen.
pub(super) fn follow_cursor(s: &mut State) {
    // After an action that opened another record, the view must describe that one.
    s.refresh_detail();
    let pane = s.areas().detail;
    let Some(v) = s.detail_view() else {
        return;
    };
    let (first, last) = v.rows_of(s.detail.cursor);
    let visible = pane.height.saturating_sub(2) as usize;
    s.detail.offset = keep_span_visible(s.detail.offset, first, last, visible);
}

pub(super) fn detail(s: &mut State, a: Action) -> Vec<Effect> {
    let before = s.detail.cursor;
    let effects = detail_action(s, a);
    // The cursor moved by any other key: its line's first address is the chosen one.
    if s.detail.cursor != before && !matches!(a, Action::NextLink | Action::PrevLink) {
        s.detail.link = (usize::MAX, 0);
    }
    follow_cursor(s);
    effects
}

pub(super) fn detail_action(s: &mut State, a: Action) -> Vec<Effect> {
    let (len, link) = detail_len_and_link(s);
    let page = s.areas().detail.height.saturating_sub(3).max(1) as usize;
    let last = len.saturating_sub(1);
    match a {
        Action::Up => s.detail.cursor = s.detail.cursor.saturating_sub(1),
        Action::Down => s.detail.cursor = (s.detail.cursor + 1).min(last),
        Action::PageUp => s.detail.cursor = s.detail.cursor.saturating_sub(page),
        Action::PageDown => s.detail.cursor = (s.detail.cursor + page).min(last),
        Action::Top => s.detail.cursor = 0,
        Action::Bottom => s.detail.cursor = last,
        Action::Enter => enter(s, link),
        Action::OpenLink => return open_link(s),
        Action::NextLink | Action::PrevLink => jump_link(s, a),
        Action::CopyOutcome => return copy_outcome(s),
        Action::Back => back(s),
        other => {
            let r = s.detail_record();
            return marking(s, other, r);
        }
    }
    Vec::new()
}

/// Enter: follows the record link under the cursor, else says what `o` would open.
fn enter(s: &mut State, link: Option<RecordRef>) {
    match link {
        Some(r) if Some(r) != s.detail_record() => {
            s.detail.stack.push((r, s.detail.cursor));
            s.detail.cursor = 0;
            s.detail.offset = 0;
        }
        _ => {
            let open = s.keymap.key_for(Context::Detail, false, Action::OpenLink);
            let web = s.detail_view().and_then(|v| v.chosen_link(&s.detail));
            s.status = Some(Status::info(match (web, open) {
                (Some(url), Some(k)) => crate::i18n::trf(
                    s.lang,
                    "%{key} opens %{url} in the browser",
                    &[("key", &k), ("url", &url)],
                ),
                _ => crate::i18n::tr(
                    s.lang,
                    "no link on this line: Tab goes to the next → line, Enter follows it",
                )
                .into_owned(),
            }));
        }
    }
}

/// `o`: opens the chosen web address of the cursor's line.
fn open_link(s: &mut State) -> Vec<Effect> {
    match s
        .detail_view()
        .and_then(|v| v.chosen_link(&s.detail))
        .map(str::to_string)
    {
        Some(url) => {
            s.status = Some(Status::info(crate::i18n::trf(
                s.lang,
                "opening %{url}",
                &[("url", &url)],
            )));
            return vec![Effect::OpenUrl(url)];
        }
        None => {
            s.status = Some(Status::info(crate::i18n::tr(
                s.lang,
                "no web address on this line: Tab goes to the next link",
            )))
        }
    }
    Vec::new()
}

/// Tab / Shift-Tab: the next or previous link of the page, round the end.
fn jump_link(s: &mut State, a: Action) {
    let links = detail_links(s);
    let at = (s.detail.cursor, s.detail.link_index());
    let to = if a == Action::NextLink {
        links.iter().find(|&&l| l > at).or(links.first())
    } else {
        links.iter().rev().find(|&&l| l < at).or(links.last())
    };
    match to {
        Some(&(line, k)) => {
            s.detail.cursor = line;
            s.detail.link = (line, k);
        }
        None => {
            s.status = Some(Status::info(crate::i18n::tr(
                s.lang,
                "no links on this page",
            )))
        }
    }
}

/// `y`: copies the outcome under the cursor.
fn copy_outcome(s: &mut State) -> Vec<Effect> {
    let at = s
        .detail_view()
        .filter(|v| v.record.kind == Kind::Trial)
        .map(|v| {
            (
                v.record,
                v.doc.outcome_at(s.detail.cursor),
                v.doc.outcomes.len(),
            )
        });
    match at {
        Some((record, Some(outcome), _)) => {
            return vec![Effect::CopyOutcome { record, outcome }];
        }
        Some((_, None, n)) if n > 0 => {
            s.status = Some(Status::info(crate::i18n::tr(
                s.lang,
                "move the cursor onto an outcome (under Outcomes) to copy it",
            )));
        }
        _ => {
            s.status = Some(Status::info(crate::i18n::tr(
                s.lang,
                "this record has no outcome to copy",
            )))
        }
    }
    Vec::new()
}

/// Esc: back to the record this one was followed from, else to the list.
fn back(s: &mut State) {
    match s.detail.stack.pop() {
        Some((_, cursor)) => {
            s.detail.cursor = cursor;
            s.detail.offset = 0;
        }
        None => {
            s.focus = Focus::List;
            s.zoom = false;
        }
    }
}
