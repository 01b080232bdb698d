//! The compare screen's safety rows, headless: PALLAS and C-AXSPAND (imported from their
//! registry records) side by side at 80x24 and 120x40, the key that lists every adverse event,
//! and the comparison kept in the state (built once per change of what it lists).

mod common;

use common::{mark_first, render, step};
use evidex::tui::action::Action;
use evidex::tui::state::{Screen, State};

/// The bundled corpus with PALLAS and C-AXSPAND imported, both compared.
fn compare_pallas_caxspand(w: u16, h: u16) -> State {
    let base: evidex::corpus::CorpusFile = serde_json::from_slice(evidex::corpus::BUNDLED).unwrap();
    let mut imp = evidex::import::Importer::new(base);
    for f in ["NCT02513394", "NCT02552212"] {
        imp.add_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/fixtures/ctgov/{f}.json")),
        );
    }
    let (file, _) = imp.finish();
    let c = evidex::corpus::Corpus::build(std::path::Path::new("merged.json"), file, None).unwrap();
    let mut s = common::app_on(c, w, h);
    mark_first(&mut s, "nct02513394");
    mark_first(&mut s, "nct02552212");
    step(&mut s, Action::OpenCompare);
    assert_eq!(s.screen, Screen::Compare);
    s
}

/// Scrolls the table down until `needle` is in the upper half of the screen.
fn scroll_to(s: &mut State, needle: &str) -> String {
    for _ in 0..2000 {
        let screen = render(s);
        let half = screen.lines().count() / 2;
        if screen.lines().take(half).any(|l| l.contains(needle)) {
            return screen;
        }
        step(s, Action::Down);
    }
    panic!("{needle:?} never shown: {}", render(s));
}

#[test]
fn snapshot_compare_safety_80x24() {
    let mut s = compare_pallas_caxspand(80, 24);
    let screen = scroll_to(&mut s, "Serious AEs,");
    assert!(screen.contains("13.0 % (369/2841)"), "{screen}");
    assert!(screen.contains("a all AEs"), "the key's hint: {screen}");
    insta::assert_snapshot!(screen);
    let screen = scroll_to(&mut s, "Serious adverse events");
    insta::assert_snapshot!("compare_safety_events_80x24", screen);
}

#[test]
fn snapshot_compare_safety_120x40() {
    let mut s = compare_pallas_caxspand(120, 40);
    let screen = scroll_to(&mut s, "Serious AEs,");
    assert!(screen.contains("5.0 % (8/159)"), "{screen}");
    insta::assert_snapshot!(screen);
    let screen = scroll_to(&mut s, "adverse-event terms listed");
    assert!(screen.contains("20 of "), "{screen}");
    insta::assert_snapshot!("compare_safety_events_120x40", screen);
}

/// `a` lists every event and back; it builds the comparison once each time, and scrolling or
/// drawing builds none.
#[test]
fn the_all_events_key_rebuilds_once_and_scrolling_builds_nothing() {
    use evidex::compare::builds;
    let mut s = compare_pallas_caxspand(120, 40);
    let _ = render(&s);
    let total = s
        .compare_view()
        .and_then(|v| v.comparison.adverse_events)
        .expect("adverse events")
        .total;
    let before = builds();
    step(&mut s, Action::ToggleAllEvents);
    let _ = render(&s);
    assert_eq!(builds() - before, 1, "one build for the new list");
    let shown = s.compare_view().unwrap().comparison.adverse_events.unwrap();
    assert_eq!(shown.shown, total);
    let screen = scroll_to(&mut s, "adverse-event terms listed");
    assert!(
        screen.contains(&format!("all {total} adverse-event terms listed")),
        "{screen}"
    );
    assert!(screen.contains("a top AEs"), "{screen}");
    let before = builds();
    for a in [Action::Down, Action::PageDown, Action::Up, Action::Top] {
        step(&mut s, a);
        let _ = render(&s);
    }
    assert_eq!(builds() - before, 0, "scrolling built a comparison");
    step(&mut s, Action::ToggleAllEvents);
    assert_eq!(
        s.compare_view()
            .unwrap()
            .comparison
            .adverse_events
            .unwrap()
            .shown,
        20
    );
    // Help lists the key.
    step(&mut s, Action::ToggleHelp);
    let help = render(&s);
    assert!(help.contains("all adverse events"), "{help}");
}

/// The help overlay of the search line lists `ae:` with the other filters.
#[test]
fn help_lists_the_ae_filter() {
    let mut s = common::app(120, 40);
    step(&mut s, Action::ToggleHelp);
    let mut screens = render(&s);
    for _ in 0..40 {
        step(&mut s, Action::Down);
        screens.push_str(&render(&s));
    }
    assert!(screens.contains("ae:"), "{screens}");
}
