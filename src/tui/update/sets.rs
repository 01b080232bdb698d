//! Named sets from the browser: `S` names the marked records as a set, `O` lists the saved
//! sets and marks the records of the one chosen.

use super::*;

/// Opens the name prompt, when there is something to save.
pub(super) fn open_prompt(s: &mut State) {
    if s.marked.is_empty() {
        s.status = Some(Status::error(
            "mark records first (Space), then S saves them as a set",
        ));
        return;
    }
    s.prompt = Some(Default::default());
}

/// Keys in the name prompt: letters type, Enter saves, Esc cancels.
pub(super) fn prompt(s: &mut State, a: Action) -> Vec<Effect> {
    let Some(p) = s.prompt.as_mut() else {
        return Vec::new();
    };
    match a {
        Action::Insert(c) if p.len() < 80 => p.apply(tui_input::InputRequest::InsertChar(c)),
        Action::Backspace => p.apply(tui_input::InputRequest::DeletePrevChar),
        Action::Back => s.prompt = None,
        Action::Enter => {
            let name = p.text().trim().to_string();
            if name.is_empty() {
                s.status = Some(Status::error("a set needs a name (Esc cancels)"));
                return Vec::new();
            }
            s.prompt = None;
            let Some(c) = s.corpus() else {
                return Vec::new();
            };
            let ids = s.marked.iter().map(|&r| c.id_of(r).to_string()).collect();
            return vec![Effect::SaveSet { name, ids }];
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
    let mut msg = format!(
        "set {}: {} marked",
        crate::text::clean(&set.name),
        s.marked.len()
    );
    if missing > 0 {
        msg.push_str(&format!(", {missing} not in this corpus"));
    }
    if over > 0 {
        msg.push_str(&format!(", {over} more than the {MAX_COLUMNS} a comparison takes"));
    }
    msg.push_str(" · c compares");
    s.status = Some(if missing + over > 0 {
        Status::error(msg)
    } else {
        Status::info(msg)
    });
}
