//! `update(&mut State, Action)`: the only place the TUI's state changes. It performs no I/O;
//! what must happen outside (a search, an export, a copy) comes back as an [`Effect`] for the
//! app loop to carry out.

use std::sync::Arc;

use super::action::{Action, Event};
use super::keymap::Context;
use super::state::{
    Focus, Load, Screen, State, Tab, keep_span_visible, keep_visible, row_height, rows_of,
};
use crate::compare::MAX_COLUMNS;
use crate::corpus::{Kind, RecordRef};
use crate::search::worker::Reply;

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
    effects
}

fn handle_event(s: &mut State, ev: Event) -> Vec<Effect> {
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
                s.status = Some((
                    format!("paste cut at {MAX_QUERY_CHARS} characters, the most a query holds"),
                    true,
                ));
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
        Event::Status(msg, error) => {
            s.status = Some((msg, error));
            Vec::new()
        }
    }
}

fn receive(s: &mut State, reply: Reply) {
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
fn query_changed(s: &mut State) -> Vec<Effect> {
    if s.engine().is_none() || s.sent.as_deref() == Some(s.input.text.as_str()) {
        return Vec::new();
    }
    s.generation += 1;
    s.sent = Some(s.input.text.clone());
    vec![Effect::Search {
        generation: s.generation,
        text: s.input.text.clone(),
    }]
}

/// The longest query the search line holds; a paste is cut there, with a message. (The
/// query language also bounds how many words a query may have: `search::query`.)
pub const MAX_QUERY_CHARS: usize = 2_000;

fn insert(s: &mut State, c: char) {
    if s.input.len() < MAX_QUERY_CHARS {
        insert_str(s, c.encode_utf8(&mut [0; 4]));
    }
}

/// Inserts at the cursor in one step, so a paste of any size costs time linear in its size.
fn insert_str(s: &mut State, text: &str) {
    let at = s.input.byte_at(s.input.cursor);
    s.input.text.insert_str(at, text);
    s.input.cursor += text.chars().count();
}

/// Applies one action.
pub fn update(s: &mut State, a: Action) -> Vec<Effect> {
    // The detail view is current before the action reads it and after it changes what is
    // shown; each refresh builds only when the record, language or width changed.
    s.refresh_detail();
    let effects = apply(s, a);
    s.refresh_detail();
    effects
}

fn apply(s: &mut State, a: Action) -> Vec<Effect> {
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

fn common(s: &mut State, a: Action) -> Vec<Effect> {
    match a {
        Action::ToggleHelp => s.help = true,
        Action::ToggleLang => s.lang = s.lang.toggle(),
        Action::FocusInput => {
            s.focus = Focus::Input;
            s.input.cursor = s.input.len();
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

/// Writes the next `sort:` order into the query (none for relevance): the query text is the
/// one place the order lives, as it is for `evidex search`.
fn cycle_sort(s: &mut State) -> Vec<Effect> {
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

fn input(s: &mut State, a: Action) -> Vec<Effect> {
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

fn list_page(s: &State) -> usize {
    let a = s.areas();
    (a.list.height.saturating_sub(2) as usize / row_height(a.list.width)).max(1)
}

fn select(s: &mut State, to: usize) {
    let n = s.result_count();
    let to = to.min(n.saturating_sub(1));
    if to != s.selected {
        s.selected = to;
        s.detail = Default::default();
    }
    s.list_offset = keep_visible(s.list_offset, s.selected, list_page(s));
}

fn list(s: &mut State, a: Action) -> Vec<Effect> {
    let page = list_page(s);
    match a {
        Action::Up => {
            if s.selected == 0 {
                s.focus = Focus::Input;
            } else {
                select(s, s.selected - 1);
            }
        }
        Action::Down => select(s, s.selected + 1),
        Action::PageUp => select(s, s.selected.saturating_sub(page)),
        Action::PageDown => select(s, s.selected + page),
        Action::Top => select(s, 0),
        Action::Bottom => select(s, usize::MAX),
        Action::Enter => {
            if s.selected_record().is_some() {
                s.focus = Focus::Detail;
                s.detail.cursor = 0;
            }
        }
        Action::Back => s.focus = Focus::Input,
        Action::MarkNext => {
            if let Some(r) = s.selected_record() {
                toggle_mark(s, r);
                select(s, s.selected + 1);
            }
        }
        other => {
            let r = s.selected_record();
            return marking(s, other, r);
        }
    }
    Vec::new()
}

/// The comparison keys, shared by the list and the detail pane: they act on `r`, the record
/// the pane shows.
fn marking(s: &mut State, a: Action, r: Option<RecordRef>) -> Vec<Effect> {
    match (a, r) {
        (Action::ToggleMark, Some(r)) => toggle_mark(s, r),
        (Action::ClearMarks, _) => s.marked.clear(),
        (Action::OpenCompare, _) => open_compare(s),
        (Action::OpenEvidence, Some(r)) => open_evidence(s, r),
        (Action::ToggleMark | Action::OpenEvidence, None) => {}
        (other, _) => return common(s, other),
    }
    Vec::new()
}

fn toggle_mark(s: &mut State, r: RecordRef) {
    if let Some(i) = s.marked.iter().position(|&m| m == r) {
        s.marked.remove(i);
    } else if s.marked.len() >= MAX_COLUMNS {
        s.status = Some((
            format!(
                "{MAX_COLUMNS} items are marked already; unmark one first (Space), or x to unmark all"
            ),
            true,
        ));
    } else {
        s.marked.push(r);
    }
}

fn open_compare(s: &mut State) {
    if s.marked.len() < 2 {
        s.status = Some((
            format!(
                "mark 2–{MAX_COLUMNS} items with Space to compare them ({} marked)",
                s.marked.len()
            ),
            true,
        ));
        return;
    }
    if let Some(c) = s.corpus()
        && let Err(e) = crate::compare::check(c, &s.marked, s.lang)
    {
        s.status = Some((e.to_string(), true));
        return;
    }
    s.compare = super::state::Compare {
        records: s.marked.clone(),
        ..Default::default()
    };
    s.screen = Screen::Compare;
}

/// Compares the studies of a therapy (its evidence), chosen and explained by
/// [`crate::compare::evidence`].
fn open_evidence(s: &mut State, r: RecordRef) {
    let Some(c) = s.corpus() else { return };
    if r.kind != Kind::Therapy {
        s.status = Some((
            "v compares a therapy's studies: select a therapy".into(),
            true,
        ));
        return;
    }
    let ev = crate::compare::evidence(c, r.index, s.lang);
    let records = ev.records;
    match records.len() {
        0 => s.status = Some(("no study in the corpus tests this therapy".into(), true)),
        1 => {
            s.status = Some((
                "only one study tests this therapy: it is shown in the detail pane".into(),
                false,
            ));
            s.detail.stack.push((records[0], s.detail.cursor));
            s.detail.cursor = 0;
            s.focus = Focus::Detail;
        }
        n => {
            let total = c.trials_of_therapy(r.index).len();
            s.status = Some((
                format!(
                    "{n} of {total} studies of this therapy: the first line above says which and why"
                ),
                false,
            ));
            s.compare = super::state::Compare {
                records,
                of_therapy: Some(r.index),
                ..Default::default()
            };
            s.screen = Screen::Compare;
        }
    }
}

fn detail_len_and_link(s: &State) -> (usize, Option<RecordRef>) {
    match s.detail_view() {
        Some(v) => {
            let link = v.doc.lines.get(s.detail.cursor).and_then(|l| l.link);
            (v.doc.lines.len(), link)
        }
        None => (0, None),
    }
}

/// The lines of the shown detail document that link to another record (wrapping around).
fn detail_links(s: &State) -> Vec<usize> {
    match s.detail_view() {
        Some(v) => v
            .doc
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.link.is_some_and(|to| to != v.record))
            .map(|(i, _)| i)
            .collect(),
        None => Vec::new(),
    }
}

/// Scrolls the detail pane just enough for the line under the cursor to be seen.
fn follow_cursor(s: &mut State) {
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

fn detail(s: &mut State, a: Action) -> Vec<Effect> {
    let effects = detail_action(s, a);
    follow_cursor(s);
    effects
}

fn detail_action(s: &mut State, a: Action) -> Vec<Effect> {
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
        Action::Enter => match link {
            Some(r) if Some(r) != s.detail_record() => {
                s.detail.stack.push((r, s.detail.cursor));
                s.detail.cursor = 0;
                s.detail.offset = 0;
            }
            _ => {
                s.status = Some((
                    "no link on this line: Tab goes to the next → line, Enter follows it".into(),
                    false,
                ));
            }
        },
        Action::NextLink | Action::PrevLink => {
            let links = detail_links(s);
            let at = s.detail.cursor;
            let to = if a == Action::NextLink {
                links.iter().find(|&&i| i > at).or(links.first())
            } else {
                links.iter().rev().find(|&&i| i < at).or(links.last())
            };
            match to {
                Some(&i) => s.detail.cursor = i,
                None => s.status = Some(("no links on this page".into(), false)),
            }
        }
        Action::Back => match s.detail.stack.pop() {
            Some((_, cursor)) => {
                s.detail.cursor = cursor;
                s.detail.offset = 0;
            }
            None => {
                s.focus = Focus::List;
                s.zoom = false;
            }
        },
        other => {
            let r = s.detail_record();
            return marking(s, other, r);
        }
    }
    Vec::new()
}

fn compare(s: &mut State, a: Action) -> Vec<Effect> {
    let chart = match s.compare.tab {
        Tab::Forest => crate::compare::Chart::Forest,
        _ => crate::compare::Chart::Bars,
    };
    let n_endpoints = s.corpus().map_or(0, |c| {
        crate::compare::chart_choices(c, &s.compare.records, chart).len()
    });
    let max_scroll = match (a, s.compare.tab) {
        (Action::Down | Action::PageDown | Action::Bottom, Tab::Table) => {
            super::view::compare::max_scroll(s)
        }
        _ => usize::MAX / 2,
    };
    let cmp = &mut s.compare;
    match a {
        Action::Up => cmp.scroll = cmp.scroll.saturating_sub(1),
        Action::Down => cmp.scroll = (cmp.scroll + 1).min(max_scroll),
        Action::PageUp => cmp.scroll = cmp.scroll.saturating_sub(10),
        Action::PageDown => cmp.scroll = (cmp.scroll + 10).min(max_scroll),
        Action::Top => cmp.scroll = 0,
        Action::Bottom => cmp.scroll = max_scroll,
        Action::NextTab | Action::PrevTab => {
            let i = Tab::ALL.iter().position(|&t| t == cmp.tab).unwrap_or(0);
            let step = if a == Action::NextTab {
                1
            } else {
                Tab::ALL.len() - 1
            };
            cmp.tab = Tab::ALL[(i + step) % Tab::ALL.len()];
            cmp.endpoint = 0;
        }
        Action::NextEndpoint if n_endpoints > 0 => cmp.endpoint = (cmp.endpoint + 1) % n_endpoints,
        Action::PrevEndpoint if n_endpoints > 0 => {
            cmp.endpoint = (cmp.endpoint + n_endpoints - 1) % n_endpoints;
        }
        Action::Export => return vec![Effect::Export(cmp.records.clone(), cmp.of_therapy)],
        Action::Copy => return vec![Effect::Copy(cmp.records.clone(), cmp.of_therapy)],
        Action::Back => s.screen = Screen::Browse,
        other => return common(s, other),
    }
    Vec::new()
}

fn apply_facet(s: &mut State) -> Vec<Effect> {
    let Some(d) = s
        .results
        .as_ref()
        .and_then(|r| r.facets.diseases.first())
        .map(|(d, _)| d.clone())
    else {
        s.status = Some(("no disease facet to apply".into(), true));
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

/// Rows one notch of the mouse wheel scrolls.
const WHEEL_ROWS: usize = 3;

/// The wheel scrolls the pane under the pointer; it moves no focus.
fn mouse_scroll(s: &mut State, x: u16, y: u16, down: bool) -> Vec<Effect> {
    if s.help {
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
fn scroll_detail(s: &mut State, down: bool) {
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
fn scroll_list(s: &mut State, down: bool) {
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

fn click(s: &mut State, x: u16, y: u16) -> Vec<Effect> {
    if s.help || s.screen != Screen::Browse {
        return Vec::new();
    }
    let ar = s.areas();
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

/// Builds the engine behind a state in tests and in the app.
pub fn ready(s: &mut State, engine: Arc<crate::search::Engine>) -> Vec<Effect> {
    handle(s, Event::Loaded(Ok(engine)))
}
