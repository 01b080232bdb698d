//! The compare screen's summary of findings, the help's evidence legend, and the detail
//! pane's copy of one outcome, drawn headless into ratatui's TestBackend.

mod common;

use common::{app, four_hcc_compared, render, step, type_text};
use evidex::tui::action::Action;
use evidex::tui::state::{Focus, State, Tab};
use evidex::tui::update::{self, Effect};

/// EMERALD-1, TALENTACE, LEAP-012 and TACE + sorafenib, compared, on the summary of findings.
fn summary_of_four(w: u16, h: u16) -> State {
    let mut s = four_hcc_compared(w, h);
    for _ in 0..3 {
        step(&mut s, Action::NextTab);
    }
    assert_eq!(s.compare.tab, Tab::Summary);
    s
}

#[test]
fn the_summary_of_findings_shows_effects_certainty_and_reasons() {
    let s = summary_of_four(120, 40);
    let screen = render(&s);
    for want in [
        "Summary of findings",
        "PFS",
        "Studies    4 (",
        "pooled HR 0.74",
        "computed by evidex",
        "Certainty",
        "starts: ",
        "↓ indirectness: cross-trial",
    ] {
        assert!(screen.contains(want), "missing {want:?}:\n{screen}");
    }
    insta::assert_snapshot!("sof_120x40", screen);
}

#[test]
fn the_summary_fits_80x24_and_scrolls_to_its_notes() {
    let mut s = summary_of_four(80, 24);
    let top = render(&s);
    assert!(top.contains("Summary of findings"), "{top}");
    insta::assert_snapshot!("sof_80x24", top);
    step(&mut s, Action::Bottom);
    let bottom = render(&s);
    // The last reference's end is the last line.
    assert!(bottom.contains("as [7].)"), "{bottom}");
    // Scrolling stops at the end: one more line down changes nothing.
    step(&mut s, Action::Down);
    assert_eq!(render(&s), bottom);
}

#[test]
fn the_summary_in_chinese_120x40() {
    let mut s = summary_of_four(120, 40);
    step(&mut s, Action::ToggleLang);
    let screen = render(&s);
    for want in [
        "结果总结",
        "研究数",
        "相对效应",
        "每千人",
        "确定性",
        "起点：",
    ] {
        assert!(screen.contains(want), "missing {want:?}:\n{screen}");
    }
    for english in [
        "Summary of findings",
        "Certainty",
        "Per 1,000",
        "starts: ",
        "pooled HR",
    ] {
        assert!(!screen.contains(english), "{english:?} left in:\n{screen}");
    }
    for line in screen.lines() {
        assert!(common::line_width(line) <= 120, "{line}");
    }
    insta::assert_snapshot!("sof_chinese_120x40", screen);
}

/// The summary in Chinese at 80x24, every page: its labels in Chinese, no line wider than
/// the terminal, the labels' column kept (no wide label pushes its text out of line).
#[test]
fn the_summary_in_chinese_80x24_fits_every_page() {
    let mut s = summary_of_four(80, 24);
    step(&mut s, Action::ToggleLang);
    let top = render(&s);
    assert!(top.contains("结果总结"), "{top}");
    insta::assert_snapshot!("sof_chinese_80x24", top);
    let mut pages = vec![top];
    for _ in 0..40 {
        step(&mut s, Action::PageDown);
        let page = render(&s);
        if pages.last() == Some(&page) {
            break;
        }
        pages.push(page);
    }
    insta::assert_snapshot!("sof_chinese_80x24_end", pages.last().unwrap());
    for page in &pages {
        for line in page.lines() {
            assert_eq!(common::line_width(line), 80, "{line:?}\n{page}");
        }
    }
    let all = pages.join("\n");
    for want in [
        "确定性",
        "↓ 间接性",
        "↓ 不精确",
        "由 evidex 计算",
        "参考文献",
    ] {
        assert!(all.contains(want), "missing {want:?}:\n{all}");
    }
}

#[test]
fn the_summary_is_built_once_and_not_per_frame() {
    let mut s = summary_of_four(120, 40);
    let before = s.compare_view.as_ref().and_then(|v| v.sof.clone());
    assert!(before.is_some());
    for _ in 0..3 {
        render(&s);
        step(&mut s, Action::Down);
    }
    assert_eq!(s.compare_view.as_ref().and_then(|v| v.sof.clone()), before);
    // Another language rebuilds it.
    step(&mut s, Action::ToggleLang);
    assert!(s.compare_view.as_ref().is_some_and(|v| v.sof.is_some()));
}

#[test]
fn help_lists_what_each_evidence_level_means() {
    let mut s = app(120, 40);
    step(&mut s, Action::FocusInput);
    step(&mut s, Action::Down);
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::Detail);
    step(&mut s, Action::ToggleHelp);
    let screen = render(&s);
    for want in [
        "Evidence levels",
        "level 1",
        "randomised controlled evidence",
        "level 4",
        "one arm, no comparator",
        "unrated",
    ] {
        assert!(screen.contains(want), "missing {want:?}:\n{screen}");
    }
}

#[test]
fn y_in_the_detail_copies_the_outcome_under_the_cursor() {
    let mut s = app(120, 40);
    step(&mut s, Action::FocusInput);
    type_text(&mut s, "emerald-1");
    step(&mut s, Action::Down);
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::Detail);
    // On the title: no outcome there, and the status says where to go.
    let effects = update::update(&mut s, Action::CopyOutcome);
    assert!(effects.is_empty());
    assert!(
        s.status
            .as_ref()
            .unwrap()
            .text()
            .contains("onto an outcome"),
        "{:?}",
        s.status
    );
    // Down to the PFS outcome's line.
    let line = s
        .detail_view()
        .unwrap()
        .doc
        .lines
        .iter()
        .position(|l| l.text().starts_with("PFS"))
        .expect("a PFS line");
    for _ in 0..line {
        step(&mut s, Action::Down);
    }
    let effects = update::update(&mut s, Action::CopyOutcome);
    let record = s.detail_record().unwrap();
    assert_eq!(effects, vec![Effect::CopyOutcome { record, outcome: 0 }]);
}

/// With traditional Chinese configured, the summary's labels are traditional.
#[test]
fn the_summary_in_traditional_chinese_80x24() {
    let mut s = summary_of_four(80, 24);
    s.chinese = evidex::corpus::Lang::ZhHant;
    step(&mut s, Action::ToggleLang);
    let screen = render(&s);
    for want in ["結果總結", "研究數", "相對效應", "每千人", "確定性"] {
        assert!(screen.contains(want), "missing {want:?}:\n{screen}");
    }
    for english in ["Summary of findings", "Certainty", "Per 1,000", "starts: "] {
        assert!(!screen.contains(english), "{english:?} left in:\n{screen}");
    }
    insta::assert_snapshot!("sof_traditional_80x24", screen);
}
