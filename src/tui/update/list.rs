//! The results list and the marks: moving, marking, opening a comparison or a therapy's
//! evidence.

use super::*;

pub(super) fn list_page(s: &State) -> usize {
    let a = s.areas();
    (a.list.height.saturating_sub(2) as usize / row_height(a.list.width)).max(1)
}

pub(super) fn select(s: &mut State, to: usize) {
    let n = s.result_count();
    let to = to.min(n.saturating_sub(1));
    if to != s.selected {
        s.selected = to;
        s.detail = Default::default();
    }
    s.list_offset = keep_visible(s.list_offset, s.selected, list_page(s));
}

pub(super) fn list(s: &mut State, a: Action) -> Vec<Effect> {
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
pub(super) fn marking(s: &mut State, a: Action, r: Option<RecordRef>) -> Vec<Effect> {
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

pub(super) fn toggle_mark(s: &mut State, r: RecordRef) {
    if let Some(i) = s.marked.iter().position(|&m| m == r) {
        s.marked.remove(i);
    } else if s.marked.len() >= MAX_COLUMNS {
        s.status = Some(Status::error(crate::i18n::trf(
            s.lang,
            "%{max} items are marked already; unmark one first (Space), or x to unmark all",
            &[("max", &MAX_COLUMNS)],
        )));
    } else {
        s.marked.push(r);
    }
}

pub(super) fn open_compare(s: &mut State) {
    if s.marked.len() < 2 {
        s.status = Some(Status::error(crate::i18n::trf(
            s.lang,
            "mark 2–%{max} items with Space to compare them (%{n} marked)",
            &[("max", &MAX_COLUMNS), ("n", &s.marked.len())],
        )));
        return;
    }
    if let Some(c) = s.corpus()
        && let Err(e) = crate::compare::check(c, &s.marked, s.lang)
    {
        s.status = Some(Status::error(e.message(s.lang)));
        return;
    }
    s.compare = crate::tui::state::Compare {
        records: s.marked.clone(),
        ..Default::default()
    };
    s.screen = Screen::Compare;
}

/// Compares the studies of a therapy (its evidence), chosen and explained by
/// [`crate::compare::evidence`].
pub(super) fn open_evidence(s: &mut State, r: RecordRef) {
    let Some(c) = s.corpus() else { return };
    if r.kind != Kind::Therapy {
        s.status = Some(Status::error(crate::i18n::tr(
            s.lang,
            "v compares a therapy's studies: select a therapy",
        )));
        return;
    }
    let ev = crate::compare::evidence(c, r.index, s.lang);
    let records = ev.records;
    match records.len() {
        0 => {
            s.status = Some(Status::error(crate::i18n::tr(
                s.lang,
                "no study in the corpus tests this therapy",
            )))
        }
        1 => {
            s.status = Some(Status::info(crate::i18n::tr(
                s.lang,
                "only one study tests this therapy: it is shown in the detail pane",
            )));
            s.detail.stack.push((records[0], s.detail.cursor));
            s.detail.cursor = 0;
            s.focus = Focus::Detail;
        }
        n => {
            let total = c.trials_of_therapy(r.index).len();
            s.status = Some(Status::info(crate::i18n::trf(
                s.lang,
                "%{n} of %{total} studies of this therapy: the first line above says which and why",
                &[("n", &n), ("total", &total)],
            )));
            s.compare = crate::tui::state::Compare {
                records,
                of_therapy: Some(r.index),
                ..Default::default()
            };
            s.screen = Screen::Compare;
        }
    }
}
