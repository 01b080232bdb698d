//! The facet line, headless: the facet key gives it the keys, ←/→ choose a value, Enter adds
//! or removes its filter in the query; a click does the same; rebinding the key moves it and
//! the hints with it; in Chinese too.

mod common;

use common::{app, render, step, type_text};
use evidex::corpus::Lang;
use evidex::tui::action::Action;
use evidex::tui::keymap::{Context, K, Keymap};
use evidex::tui::state::{Focus, State, areas};

fn query(s: &State) -> String {
    s.input.text().to_string()
}

fn total(s: &State) -> usize {
    s.results.as_ref().map_or(0, |r| r.total)
}

/// The row of the screen that holds the facet line.
fn facet_row(s: &State) -> String {
    render(s).lines().nth(1).unwrap_or_default().to_string()
}

#[test]
fn the_keyboard_chooses_a_facet_and_enter_adds_then_removes_its_filter() {
    let mut s = app(120, 40);
    type_text(&mut s, "tace");
    let all = total(&s);
    let items = s.facet_items();
    assert!(items.len() >= 3, "{items:?}");
    assert!(
        facet_row(&s).contains("Ctrl-F: filter"),
        "{}",
        facet_row(&s)
    );
    step(&mut s, Action::FocusFacets);
    assert_eq!(s.facet_cursor, Some(0));
    // The status bar names the facet line's own keys.
    let screen = render(&s);
    assert!(screen.contains("Enter add/remove"), "{screen}");
    step(&mut s, Action::Right);
    step(&mut s, Action::Right);
    step(&mut s, Action::Left);
    assert_eq!(s.facet_cursor, Some(1));
    let chosen = items[1].term.clone();
    step(&mut s, Action::Enter);
    assert_eq!(query(&s), format!("tace {chosen}"));
    assert!(total(&s) < all, "the filter narrows the results");
    // Still on the facet line; the value is marked as in the query and taken out again.
    assert_eq!(s.facet_cursor, Some(1));
    let active = s.facet_items();
    let n = active.iter().position(|i| i.term == chosen).unwrap();
    assert!(active[n].active && active[n].label.starts_with("✓ "));
    s.facet_cursor = Some(n);
    step(&mut s, Action::Enter);
    assert_eq!(query(&s), "tace");
    assert_eq!(total(&s), all);
    // Esc gives the keys back to where they were; ↓ goes to the results.
    step(&mut s, Action::Back);
    assert_eq!(s.facet_cursor, None);
    assert_eq!(s.focus, Focus::Input);
    step(&mut s, Action::FocusFacets);
    step(&mut s, Action::Down);
    assert_eq!((s.facet_cursor, s.focus), (None, Focus::List));
}

#[test]
fn every_kind_disease_and_phase_value_can_be_chosen_not_only_the_largest_disease() {
    let mut s = app(200, 40);
    type_text(&mut s, "hcc");
    let items = s.facet_items();
    for prefix in ["kind:", "disease:", "phase:"] {
        assert!(
            items.iter().any(|i| i.term.starts_with(prefix)),
            "{prefix} {items:?}"
        );
    }
    let diseases: Vec<_> = items
        .iter()
        .filter(|i| i.term.starts_with("disease:"))
        .collect();
    assert!(diseases.len() >= 2, "{diseases:?}");
    // The second disease, by keyboard.
    let at = items.iter().position(|i| i == diseases[1]).unwrap();
    step(&mut s, Action::FocusFacets);
    for _ in 0..at {
        step(&mut s, Action::Right);
    }
    step(&mut s, Action::Enter);
    assert_eq!(query(&s), format!("hcc {}", diseases[1].term));
    assert!(s.query_error.is_none(), "{:?}", s.query_error);
}

#[test]
fn a_click_on_a_facet_adds_its_filter_and_a_second_click_removes_it() {
    let mut s = app(120, 40);
    type_text(&mut s, "tace");
    step(&mut s, Action::Down);
    let info = areas(s.width, s.height).info;
    let items = s.facet_items();
    let phase = items
        .iter()
        .find(|i| i.term.starts_with("phase:"))
        .expect("a phase facet")
        .clone();
    // The label is drawn where the state says it is.
    let row = facet_row(&s);
    let drawn: String = row
        .chars()
        .skip(phase.x as usize)
        .take(phase.label.chars().count())
        .collect();
    assert_eq!(drawn, phase.label, "{row}");
    step(
        &mut s,
        Action::ClickAt {
            x: info.x + phase.x + phase.width - 1,
            y: info.y,
        },
    );
    assert_eq!(query(&s), format!("tace {}", phase.term));
    let again = s
        .facet_items()
        .into_iter()
        .find(|i| i.term == phase.term)
        .unwrap();
    assert!(again.active);
    step(
        &mut s,
        Action::ClickAt {
            x: info.x + again.x,
            y: info.y,
        },
    );
    assert_eq!(query(&s), "tace");
    // A click between values, or past the last, does nothing.
    let items = s.facet_items();
    let gap = items[0].x + items[0].width;
    step(&mut s, Action::ClickAt { x: gap, y: info.y });
    assert_eq!(query(&s), "tace");
}

#[test]
fn a_rebound_facet_key_works_and_the_line_names_it() {
    let mut s = app(120, 40);
    s.keymap = std::sync::Arc::new(
        Keymap::default()
            .with_keys(Action::FocusFacets, &[K::Ctrl('g')])
            .unwrap(),
    );
    type_text(&mut s, "tace");
    assert!(
        facet_row(&s).contains("Ctrl-G: filter"),
        "{}",
        facet_row(&s)
    );
    let ev = ratatui::crossterm::event::KeyEvent::new(
        ratatui::crossterm::event::KeyCode::Char('g'),
        ratatui::crossterm::event::KeyModifiers::CONTROL,
    );
    let a = s.keymap.action_for(s.context(), false, &ev).unwrap();
    step(&mut s, a);
    assert_eq!(s.context(), Context::Facets);
    // Help lists the facet line's keys.
    let help = s.keymap.help_for(Context::Facets, false);
    assert!(help.iter().any(|(k, _)| k == "Ctrl-G"), "{help:?}");
    assert!(help.iter().any(|(k, _)| k == "←/→ h/l"), "{help:?}");
}

#[test]
fn nothing_to_choose_is_said() {
    let mut s = app(80, 24);
    type_text(&mut s, "zzzzqqqq");
    assert_eq!(total(&s), 0);
    step(&mut s, Action::FocusFacets);
    assert_eq!(s.facet_cursor, None);
    assert!(s.status.as_ref().is_some_and(|st| st.is_error()));
}

#[test]
fn snapshot_facet_line_focused_80x24() {
    let mut s = app(80, 24);
    type_text(&mut s, "tace");
    step(&mut s, Action::FocusFacets);
    step(&mut s, Action::Right);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_facet_line_chinese_with_a_filter_80x24() {
    let mut s = app(80, 24);
    s.lang = Lang::Zh;
    type_text(&mut s, "肝癌");
    step(&mut s, Action::FocusFacets);
    let items = s.facet_items();
    let d = items
        .iter()
        .position(|i| i.term.starts_with("disease:"))
        .unwrap();
    s.facet_cursor = Some(d);
    step(&mut s, Action::Enter);
    assert!(s.facet_items().iter().any(|i| i.active));
    for line in render(&s).lines() {
        assert!(common::line_width(line) <= 80, "{line}");
    }
    insta::assert_snapshot!(render(&s));
}
