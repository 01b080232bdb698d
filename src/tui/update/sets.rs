//! Named sets and notes from the browser: `S` names the marked records as a set, `O` lists
//! the saved sets and marks the records of the one chosen, `n` writes a note on a record.

use super::*;
use crate::tui::state::{Prompt, PromptKind};

/// Opens the name prompt, when there is something to save.
pub(super) fn open_prompt(s: &mut State) {
    if s.marked.is_empty() {
        s.status = Some(Status::error(crate::i18n::tr(
            s.lang,
            "mark records first (Space), then S saves them as a set",
        )));
        return;
    }
    s.prompt = Some(Prompt {
        kind: PromptKind::SaveSet,
        input: Default::default(),
    });
}

/// Opens the note prompt on the record shown, with its note to edit.
pub(super) fn open_note(s: &mut State) {
    let Some((c, r)) = s.corpus().zip(s.detail_record()) else {
        return;
    };
    let id = c.id_of(r).to_string();
    let mut input = crate::tui::state::Input::default();
    if let Some(n) = s.notes.iter().find(|n| n.record == id) {
        input.set(n.text.clone());
    }
    s.prompt = Some(Prompt {
        kind: PromptKind::Note(r),
        input,
    });
}

/// The longest set name and note the prompt takes.
const MAX_PROMPT: usize = 500;

/// Keys in a prompt: letters type, Enter saves, Esc cancels.
pub(super) fn prompt(s: &mut State, a: Action) -> Vec<Effect> {
    let Some(p) = s.prompt.as_mut() else {
        return Vec::new();
    };
    let input = &mut p.input;
    match a {
        Action::Insert(c) if input.len() < MAX_PROMPT => {
            input.apply(tui_input::InputRequest::InsertChar(c))
        }
        Action::Backspace => input.apply(tui_input::InputRequest::DeletePrevChar),
        Action::Left => input.apply(tui_input::InputRequest::GoToPrevChar),
        Action::Right => input.apply(tui_input::InputRequest::GoToNextChar),
        Action::Back => s.prompt = None,
        Action::Enter => {
            let text = input.text().trim().to_string();
            let kind = p.kind;
            let Some(c) = s.corpus() else {
                return Vec::new();
            };
            let effect = match kind {
                PromptKind::SaveSet if text.is_empty() => {
                    s.status = Some(Status::error(crate::i18n::tr(
                        s.lang,
                        "a set needs a name (Esc cancels)",
                    )));
                    return Vec::new();
                }
                PromptKind::SaveSet => Effect::SaveSet {
                    name: text,
                    ids: s.marked.iter().map(|&r| c.id_of(r).to_string()).collect(),
                },
                PromptKind::Note(r) => Effect::SaveNote {
                    record: c.id_of(r).to_string(),
                    text,
                },
            };
            s.prompt = None;
            return vec![effect];
        }
        _ => {}
    }
    Vec::new()
}

/// Keys in the sets menu: move, open (its records become the marks), close.
pub(super) fn menu(s: &mut State, a: Action) -> Vec<Effect> {
    let Some((sets, selected)) = s.sets_menu.as_mut() else {
        return Vec::new();
    };
    match a {
        Action::Up => *selected = selected.saturating_sub(1),
        Action::Down => *selected = (*selected + 1).min(sets.len().saturating_sub(1)),
        Action::Back | Action::Quit => s.sets_menu = None,
        Action::Enter => {
            let set = sets[*selected].clone();
            s.sets_menu = None;
            open_set(s, &set);
        }
        _ => {}
    }
    Vec::new()
}

/// Marks the records of `set` (at most four), and says what was found.
fn open_set(s: &mut State, set: &crate::userdata::Set) {
    let Some(c) = s.corpus() else { return };
    let found: Vec<RecordRef> = set.records.iter().filter_map(|id| c.resolve(id)).collect();
    let missing = set.records.len() - found.len();
    let over = found.len().saturating_sub(MAX_COLUMNS);
    s.marked = found.into_iter().take(MAX_COLUMNS).collect();
    use crate::i18n::{tr, trf};
    let mut msg = trf(
        s.lang,
        "set %{name}: %{n} marked",
        &[
            ("name", &crate::text::clean(&set.name)),
            ("n", &s.marked.len()),
        ],
    );
    if missing > 0 {
        msg.push_str(&trf(
            s.lang,
            ", %{n} not in this corpus",
            &[("n", &missing)],
        ));
    }
    if over > 0 {
        msg.push_str(&trf(
            s.lang,
            ", %{n} more than the %{max} a comparison takes",
            &[("n", &over), ("max", &MAX_COLUMNS)],
        ));
    }
    msg.push_str(&tr(s.lang, " · c compares"));
    s.status = Some(if missing + over > 0 {
        Status::error(msg)
    } else {
        Status::info(msg)
    });
}
