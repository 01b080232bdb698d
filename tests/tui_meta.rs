//! The forest plot's pooled estimate, drawn headless into ratatui's TestBackend.

mod common;

use common::{four_hcc_compared, render, step};
use evidex::tui::action::Action;
use evidex::tui::state::{State, Tab};

/// EMERALD-1, TALENTACE, LEAP-012 and TACE + sorafenib, compared, on the forest plot.
fn forest_of_four(w: u16, h: u16) -> State {
    let mut s = four_hcc_compared(w, h);
    assert_eq!(s.compare.records.len(), 4);
    step(&mut s, Action::NextTab);
    assert_eq!(s.compare.tab, Tab::Forest);
    s
}

#[test]
fn the_forest_draws_the_pooled_diamond_labelled_and_lists_what_is_not_pooled() {
    let s = forest_of_four(120, 40);
    let screen = render(&s);
    for want in [
        "Endpoint ◀  PFS  ▶",
        "◆ Fixed effect",
        "◆ Random (REML)",
        "0.742 (0.623–0.883)",
        "HR 0.77 · SE from P",
        "computed by evidex (not reported by any source)",
        "comparable populations and comparators",
        "Not pooled: LEAP-012: no hazard ratio reported for PFS",
        "no confidence interval, and P is",
    ] {
        assert!(screen.contains(want), "missing {want:?}:\n{screen}");
    }
    assert!(screen.contains('◇') && screen.contains('<') && screen.contains('>'));
    insta::assert_snapshot!("forest_pooled_120x40", screen);
}

#[test]
fn the_pooled_forest_fits_80x24_and_scrolls_to_the_reasons() {
    let mut s = forest_of_four(80, 24);
    let top = render(&s);
    assert!(top.contains("◆ Random (REML)"), "{top}");
    insta::assert_snapshot!("forest_pooled_80x24", top);
    for _ in 0..20 {
        step(&mut s, Action::Down);
    }
    let bottom = render(&s);
    assert!(bottom.contains("Not pooled: LEAP-012"), "{bottom}");
    assert!(bottom.contains("ratio = 1 (no difference)"), "{bottom}");
}

#[test]
fn every_endpoint_with_a_ratio_is_offered_and_os_pools_nothing() {
    let mut s = forest_of_four(120, 40);
    step(&mut s, Action::NextEndpoint);
    let screen = render(&s);
    assert!(screen.contains("Endpoint ◀  OS  ▶  2 of 2"), "{screen}");
    assert!(screen.contains("Nothing pooled"), "{screen}");
    assert!(!screen.contains("◆ Fixed effect"), "{screen}");
}
