//! The browser, headless: `update` transitions driven by actions, and insta snapshots of every
//! screen drawn through ratatui's `TestBackend` at 80x24 and 120x40, in English and Chinese.

mod common;

use common::{app, mark_first, paste, render, shows, step, type_text};
use evidex::corpus::Kind;
use evidex::tui::action::Action;
use evidex::tui::state::{Focus, Screen, Tab};

fn selected_id(s: &evidex::tui::state::State) -> String {
    let r = s.selected_record().expect("a selection");
    s.corpus().unwrap().id_of(r).to_string()
}

fn compare_emerald_leap(w: u16, h: u16) -> evidex::tui::state::State {
    let mut s = app(w, h);
    mark_first(&mut s, "emerald");
    mark_first(&mut s, "leap-012");
    step(&mut s, Action::OpenCompare);
    assert_eq!(s.screen, Screen::Compare);
    s
}

#[test]
fn typing_finds_emerald_first_and_shows_its_pfs() {
    let mut s = app(120, 40);
    type_text(&mut s, "emer");
    assert_eq!(s.input.text(), "emer");
    assert_eq!(s.input.cursor(), 4);
    assert_eq!(selected_id(&s), "emerald-1");
    let screen = render(&s);
    assert!(screen.contains("EMERALD-1"), "{screen}");
    assert!(screen.contains("PFS 15.0 vs 8.2 mo"), "{screen}");
}

#[test]
fn a_new_query_selects_its_best_hit() {
    let mut s = app(120, 40);
    step(&mut s, Action::Down);
    step(&mut s, Action::Bottom);
    assert!(s.selected > 0);
    step(&mut s, Action::FocusInput);
    type_text(&mut s, "leap");
    assert_eq!(s.selected, 0);
    assert_eq!(selected_id(&s), "leap-012");
}

#[test]
fn input_editing_keys() {
    let mut s = app(80, 24);
    type_text(&mut s, "tace haic");
    step(&mut s, Action::DeleteWord);
    assert_eq!(s.input.text(), "tace ");
    step(&mut s, Action::Home);
    step(&mut s, Action::Insert('x'));
    assert_eq!(s.input.text(), "xtace ");
    step(&mut s, Action::End);
    step(&mut s, Action::Backspace);
    step(&mut s, Action::Left);
    step(&mut s, Action::Delete);
    assert_eq!(s.input.text(), "xtac");
    type_text(&mut s, "奥希");
    assert_eq!(s.input.cursor(), 6);
    step(&mut s, Action::ClearLine);
    assert!(s.input.text().is_empty());
    assert_eq!(s.input.cursor(), 0);
}

#[test]
fn focus_moves_between_input_list_and_detail() {
    let mut s = app(120, 40);
    assert_eq!(s.focus, Focus::Input);
    // In the input line letters are text, not commands.
    step(&mut s, Action::Insert('q'));
    assert!(!s.quit);
    step(&mut s, Action::ClearLine);
    type_text(&mut s, "emerald");
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::List);
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::Detail);
    step(&mut s, Action::Back);
    assert_eq!(s.focus, Focus::List);
    step(&mut s, Action::FocusInput);
    assert_eq!(s.focus, Focus::Input);
    step(&mut s, Action::Down);
    step(&mut s, Action::Quit);
    assert!(s.quit);
}

#[test]
fn enter_follows_a_link_and_esc_comes_back() {
    let mut s = app(120, 40);
    type_text(&mut s, "emerald");
    step(&mut s, Action::Enter);
    step(&mut s, Action::Enter);
    let trial = s.detail_record().unwrap();
    let c = s.corpus().unwrap();
    let doc = evidex::present::detail(c, trial, s.lang);
    let link_line = doc
        .lines
        .iter()
        .position(|l| l.link.is_some_and(|r| r.kind == Kind::Therapy))
        .expect("a therapy link");
    for _ in 0..link_line {
        step(&mut s, Action::Down);
    }
    step(&mut s, Action::Enter);
    let followed = s.detail_record().unwrap();
    assert_eq!(followed.kind, Kind::Therapy);
    assert_eq!(s.detail.stack.len(), 1);
    assert!(shows(&s, "1 back (Esc)"));
    step(&mut s, Action::Back);
    assert_eq!(s.detail_record(), Some(trial));
    assert_eq!(s.detail.cursor, link_line, "the cursor returns to the link");
}

#[test]
fn marking_is_limited_to_four_and_compare_needs_two() {
    let mut s = app(120, 40);
    step(&mut s, Action::Down);
    step(&mut s, Action::ToggleMark);
    step(&mut s, Action::OpenCompare);
    assert_eq!(s.screen, Screen::Browse);
    assert!(
        s.status
            .as_ref()
            .is_some_and(|st| st.is_error() && st.text().contains("mark 2–4"))
    );
    for _ in 0..4 {
        step(&mut s, Action::Down);
        step(&mut s, Action::ToggleMark);
    }
    assert_eq!(s.marked.len(), 4);
    assert!(
        s.status
            .as_ref()
            .is_some_and(|st| st.text().contains("4 items are marked"))
    );
    step(&mut s, Action::Up);
    step(&mut s, Action::ToggleMark);
    assert_eq!(s.marked.len(), 3, "Space on a marked item unmarks it");
    step(&mut s, Action::ClearMarks);
    assert!(s.marked.is_empty());
}

#[test]
fn compare_tabs_and_back() {
    let mut s = compare_emerald_leap(120, 40);
    assert_eq!(s.compare.tab, Tab::Table);
    step(&mut s, Action::NextTab);
    assert_eq!(s.compare.tab, Tab::Forest);
    step(&mut s, Action::NextTab);
    assert_eq!(s.compare.tab, Tab::Bars);
    step(&mut s, Action::PrevTab);
    assert_eq!(s.compare.tab, Tab::Forest);
    step(&mut s, Action::Back);
    assert_eq!(s.screen, Screen::Browse);
    assert_eq!(s.marked.len(), 2, "marks survive leaving the comparison");
}

#[test]
fn a_malformed_query_keeps_the_last_results() {
    let mut s = app(120, 40);
    type_text(&mut s, "tace");
    let before = s.result_count();
    paste(&mut s, " phase:9");
    assert!(s.query_error.is_some());
    assert_eq!(s.result_count(), before);
    let screen = render(&s);
    assert!(screen.contains("⚠"), "{screen}");
    assert!(!screen.contains("searching…"), "{screen}");
}

#[test]
fn help_lists_the_keys_of_the_screen_underneath() {
    let mut s = app(80, 24);
    step(&mut s, Action::Down);
    step(&mut s, Action::ToggleHelp);
    assert!(s.help);
    let screen = render(&s);
    assert!(screen.contains("Results list"), "{screen}");
    assert!(screen.contains("Space"), "{screen}");
    step(&mut s, Action::ToggleHelp);
    assert!(!s.help);
}

#[test]
fn too_small_shows_a_notice() {
    let s = app(40, 10);
    assert!(shows(&s, "Terminal too small"));
}

#[test]
fn resize_is_followed() {
    let mut s = app(120, 40);
    step(&mut s, Action::Resize(80, 24));
    assert_eq!((s.width, s.height), (80, 24));
}

#[test]
fn mouse_click_selects_a_row_and_wheel_scrolls() {
    let mut s = app(120, 40);
    // Rows start inside the list's border: y = 2 (list top) + 1.
    step(&mut s, Action::ClickAt { x: 5, y: 5 });
    assert_eq!(s.focus, Focus::List);
    assert_eq!(s.selected, 2);
    // At the top of a long list the wheel scrolls the list; the selection stays in view.
    let wheel = |s: &mut evidex::tui::state::State, x: u16, down: bool| {
        step(s, Action::ScrollAt { x, y: 10, down })
    };
    wheel(&mut s, 5, true);
    assert_eq!(s.list_offset, 3);
    assert_eq!(s.selected, 3);
    wheel(&mut s, 5, false);
    assert_eq!(s.list_offset, 0);
    assert_eq!(s.selected, 3);
}

#[test]
fn the_first_wheel_notch_over_the_list_from_the_search_line_scrolls_it() {
    let mut s = app(80, 24);
    assert_eq!(s.focus, Focus::Input);
    let before = render(&s);
    step(
        &mut s,
        Action::ScrollAt {
            x: 5,
            y: 10,
            down: true,
        },
    );
    assert!(s.list_offset > 0, "the list scrolled");
    assert_eq!(s.focus, Focus::Input, "typing goes on where it was");
    assert_ne!(render(&s), before);
}

#[test]
fn the_wheel_over_the_detail_pane_scrolls_its_view_at_once() {
    let mut s = app(80, 24);
    type_text(&mut s, "emerald");
    let top = render(&s);
    step(
        &mut s,
        Action::ScrollAt {
            x: 60,
            y: 10,
            down: true,
        },
    );
    assert_eq!(s.detail.offset, 3);
    assert_eq!(s.focus, Focus::Input);
    assert_ne!(render(&s), top, "one notch moves the view");
    // Focused, the pane scrolls the same, its cursor kept in view.
    step(&mut s, Action::Down);
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::Detail);
    s.detail.offset = 0;
    s.detail.cursor = 0;
    let mut last = render(&s);
    for n in 1..=3 {
        step(
            &mut s,
            Action::ScrollAt {
                x: 60,
                y: 10,
                down: true,
            },
        );
        assert_eq!(s.detail.offset, 3 * n);
        let now = render(&s);
        assert_ne!(now, last, "notch {n} moves the focused view");
        last = now;
    }
    step(&mut s, Action::Down);
    assert!(s.detail.offset >= 9, "moving the cursor does not jump back");
}

#[test]
fn space_marks_and_moves_to_the_next_row() {
    let mut s = app(120, 40);
    type_text(&mut s, "tace");
    step(&mut s, Action::Down);
    let first = s.selected_record().unwrap();
    step(&mut s, Action::MarkNext);
    assert_eq!(s.marked, vec![first]);
    assert_eq!(s.selected, 1);
    step(&mut s, Action::MarkNext);
    assert_eq!(s.marked.len(), 2);
    assert_eq!(s.selected, 2);
}

#[test]
fn hints_name_only_keys_that_work_where_the_focus_is() {
    let mut s = app(120, 40);
    let status = |s: &evidex::tui::state::State| render(s).lines().last().unwrap().to_string();
    // Empty query: ? opens help; typing: only F1 does.
    assert!(status(&s).contains("? help"), "{}", status(&s));
    assert!(status(&s).contains("Ctrl-L EN"), "{}", status(&s));
    type_text(&mut s, "tace");
    assert!(status(&s).contains("F1 help"), "{}", status(&s));
    assert!(!status(&s).contains("? help"));
    assert!(!status(&s).contains(" L EN"));
    // Marks offered from the search line name no letter that would type.
    step(&mut s, Action::Down);
    step(&mut s, Action::MarkNext);
    step(&mut s, Action::MarkNext);
    assert!(status(&s).contains("c compare"), "{}", status(&s));
    step(&mut s, Action::FocusInput);
    let line = status(&s);
    assert!(line.contains("Marked 2/4"), "{line}");
    assert!(
        !line.contains("c compare") && !line.contains("x clear"),
        "{line}"
    );
    // In the list, L and ? work.
    step(&mut s, Action::Down);
    assert!(status(&s).contains("L EN · ? help"), "{}", status(&s));
}

#[test]
fn the_sort_key_cycles_the_sort_term_and_the_title_shows_it() {
    let mut s = app(120, 40);
    type_text(&mut s, "tace");
    step(&mut s, Action::Down);
    step(&mut s, Action::CycleSort);
    assert_eq!(s.input.text(), "tace sort:year");
    assert!(shows(&s, "Results · sort: year, newest first"));
    let c = s.corpus().unwrap();
    let first = s.selected_record().unwrap();
    assert_eq!(c.trial(first.index).year, Some(2025));
    for want in ["tace sort:level", "tace sort:n", "tace sort:effect", "tace"] {
        step(&mut s, Action::CycleSort);
        assert_eq!(s.input.text(), want);
    }
    assert!(!shows(&s, "Results · sort"));
    // A reversed or typed sort is replaced, not doubled.
    s.input.set("sort:-year tace".into());
    step(&mut s, Action::CycleSort);
    assert_eq!(s.input.text(), "tace sort:level");
}

#[test]
fn the_detail_pane_jumps_between_links_and_goes_full_screen() {
    let mut s = app(120, 40);
    type_text(&mut s, "hcc");
    step(&mut s, Action::Down);
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::Detail);
    let doc = evidex::present::detail(s.corpus().unwrap(), s.detail_record().unwrap(), s.lang);
    let links: Vec<usize> = (0..doc.lines.len())
        .filter(|&i| doc.lines[i].link.is_some())
        .collect();
    assert!(links.len() > 2);
    step(&mut s, Action::NextLink);
    assert_eq!(s.detail.cursor, links[0]);
    step(&mut s, Action::NextLink);
    assert_eq!(s.detail.cursor, links[1]);
    step(&mut s, Action::PrevLink);
    assert_eq!(s.detail.cursor, links[0]);
    step(&mut s, Action::PrevLink);
    assert_eq!(s.detail.cursor, *links.last().unwrap(), "wraps around");
    // Full screen: the list gives its room to the detail.
    assert!(shows(&s, "Results"));
    step(&mut s, Action::ToggleZoom);
    assert!(s.zoomed());
    assert_eq!(s.areas().detail.width, 120);
    assert!(!shows(&s, "Results"));
    step(&mut s, Action::ToggleZoom);
    assert!(shows(&s, "Results"));
    // From the list, full screen opens the detail; going back restores the list.
    step(&mut s, Action::Back);
    step(&mut s, Action::ToggleZoom);
    assert_eq!(s.focus, Focus::Detail);
    assert!(!shows(&s, "Results"));
    step(&mut s, Action::Back);
    assert_eq!(s.focus, Focus::List);
    assert!(shows(&s, "Results"));
}

#[test]
fn a_disease_lists_its_studies_strongest_first_with_their_level() {
    let s = app(120, 40);
    let c = s.corpus().unwrap();
    let hcc = c.diseases.iter().position(|d| d.id == "hcc").unwrap();
    let doc = evidex::present::detail(
        c,
        evidex::corpus::RecordRef::new(Kind::Disease, hcc),
        s.lang,
    );
    let text = doc.to_plain(200);
    let studies: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Studies"))
        .skip(1)
        .take_while(|l| l.starts_with("  →"))
        .collect();
    assert!(studies.len() > 5);
    let level = |l: &str| {
        if l.contains("unrated") {
            6
        } else {
            let i = l.find("level ").expect(l) + 6;
            l[i..i + 1].parse::<u8>().unwrap()
        }
    };
    let levels: Vec<u8> = studies.iter().map(|l| level(l)).collect();
    assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{studies:#?}");
    let pos = |name: &str| studies.iter().position(|l| l.contains(name)).unwrap();
    assert!(pos("LEAP-012") < pos("TALENTACE"));
    assert!(pos("EMERALD-1") < pos("Conversion to resection"));
}

// Snapshots.

#[test]
fn snapshot_start_80x24() {
    insta::assert_snapshot!(render(&app(80, 24)));
}

#[test]
fn snapshot_search_emer_120x40() {
    let mut s = app(120, 40);
    type_text(&mut s, "emer");
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_detail_80x24() {
    let mut s = app(80, 24);
    type_text(&mut s, "emerald");
    step(&mut s, Action::Enter);
    step(&mut s, Action::Enter);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_chinese_names_120x40() {
    let mut s = app(120, 40);
    type_text(&mut s, "奥希替尼");
    step(&mut s, Action::Down);
    step(&mut s, Action::ToggleLang);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_pinyin_query_80x24() {
    let mut s = app(80, 24);
    step(&mut s, Action::ToggleLang);
    type_text(&mut s, "gandongmai");
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_help_120x40() {
    let mut s = app(120, 40);
    step(&mut s, Action::Down);
    step(&mut s, Action::ToggleHelp);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_compare_table_80x24() {
    insta::assert_snapshot!(render(&compare_emerald_leap(80, 24)));
}

#[test]
fn snapshot_compare_table_120x40() {
    insta::assert_snapshot!(render(&compare_emerald_leap(120, 40)));
}

#[test]
fn snapshot_compare_table_chinese_120x40() {
    let mut s = compare_emerald_leap(120, 40);
    step(&mut s, Action::ToggleLang);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_forest_80x24() {
    let mut s = compare_emerald_leap(80, 24);
    step(&mut s, Action::NextTab);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_forest_chinese_120x40() {
    let mut s = compare_emerald_leap(120, 40);
    step(&mut s, Action::ToggleLang);
    step(&mut s, Action::NextTab);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_bars_80x24() {
    let mut s = compare_emerald_leap(80, 24);
    step(&mut s, Action::NextTab);
    step(&mut s, Action::NextTab);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_bars_chinese_120x40() {
    let mut s = compare_emerald_leap(120, 40);
    step(&mut s, Action::ToggleLang);
    step(&mut s, Action::PrevTab);
    step(&mut s, Action::PrevTab);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_too_small() {
    insta::assert_snapshot!(render(&app(50, 12)));
}

#[test]
fn snapshot_loading() {
    let s = evidex::tui::state::State::new("big.json", evidex::corpus::Lang::En, 80, 24);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn v_compares_the_studies_of_a_therapy() {
    let mut s = app(120, 40);
    type_text(&mut s, "tace");
    step(&mut s, Action::Down);
    assert_eq!(selected_id(&s), "tace");
    step(&mut s, Action::OpenEvidence);
    assert_eq!(s.screen, Screen::Compare);
    assert_eq!(s.compare.records.len(), 4, "at most four studies");
    let c = s.corpus().unwrap();
    let levels: Vec<u8> = s
        .compare
        .records
        .iter()
        .map(|r| c.trial(r.index).evidence_level().0)
        .collect();
    assert!(
        levels.windows(2).all(|w| w[0] <= w[1]),
        "strongest evidence first: {levels:?}"
    );
    // Never a study where TACE is only the comparator (HAIC vs TACE).
    for r in &s.compare.records {
        let t = c.trial(r.index);
        let role = evidex::compare::role_in(c, t, "tace");
        assert_ne!(role, Some(evidex::compare::Role::Control), "{}", t.id);
    }
    assert!(shows(&s, "Cross-trial comparison"));
    // The screen says which studies it took and why, and the status line points to it.
    let screen = render(&s);
    assert!(
        screen.contains("Studies of Transarterial chemoembolisation: 4 of 8"),
        "{screen}"
    );
    assert!(
        screen.contains("4 of 8 studies of this therapy"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn snapshot_compare_therapies_120x40() {
    let mut s = app(120, 40);
    mark_first(&mut s, "osimertinib");
    mark_first(&mut s, "durvalumab");
    step(&mut s, Action::OpenCompare);
    insta::assert_snapshot!(render(&s));
}

#[test]
fn snapshot_compare_single_arm_and_planned_80x24() {
    let mut s = app(80, 24);
    mark_first(&mut s, "chance 2203");
    mark_first(&mut s, "emerald-1");
    mark_first(&mut s, "oncolytic");
    step(&mut s, Action::OpenCompare);
    let screen = render(&s);
    assert!(screen.contains("single-arm"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn the_list_scrolls_only_when_the_selection_would_leave_it() {
    let mut s = app(120, 40);
    step(&mut s, Action::Down);
    step(&mut s, Action::Bottom);
    let n = s.result_count();
    assert!(n > 40, "enough results to scroll: {n}");
    let offset = s.list_offset;
    assert!(offset > 0 && s.selected == n - 1);
    let before = render(&s);
    step(&mut s, Action::Up);
    assert_eq!(
        s.list_offset, offset,
        "moving up inside the window does not scroll"
    );
    let after = render(&s);
    let first_row = |screen: &str| {
        screen
            .lines()
            .nth(3)
            .unwrap()
            .chars()
            .take(60)
            .collect::<String>()
    };
    assert_eq!(
        first_row(&before),
        first_row(&after),
        "the first row of the list stays"
    );
    step(&mut s, Action::Top);
    assert_eq!(s.list_offset, 0);
    // A click lands on the row drawn under the pointer.
    step(&mut s, Action::Bottom);
    step(&mut s, Action::ClickAt { x: 5, y: 3 });
    assert_eq!(s.selected, s.list_offset);
}

#[test]
fn the_detail_pane_scrolls_only_when_the_cursor_would_leave_it() {
    let mut s = app(80, 24);
    type_text(&mut s, "emerald");
    step(&mut s, Action::Enter);
    step(&mut s, Action::Enter);
    step(&mut s, Action::Bottom);
    let offset = s.detail.offset;
    assert!(offset > 0, "a long record scrolls");
    step(&mut s, Action::Up);
    assert_eq!(
        s.detail.offset, offset,
        "moving up inside the pane does not scroll"
    );
    for _ in 0..200 {
        step(&mut s, Action::Up);
    }
    assert_eq!((s.detail.cursor, s.detail.offset), (0, 0));
    assert!(shows(&s, "EMERALD-1  emerald-1"));
}

/// Everything the table shows from its top to its end, screen after screen.
fn all_screens(s: &mut evidex::tui::state::State) -> String {
    step(s, Action::Top);
    let mut out = render(s);
    let mut last = usize::MAX;
    while s.compare.scroll != last {
        last = s.compare.scroll;
        step(s, Action::PageDown);
        out.push_str(&render(s));
    }
    out
}

/// Screen text without the table's rules and without spaces, so that text wrapped anywhere
/// (after a space, a slash or a hyphen) reads as one.
fn words(screen: &str) -> String {
    screen
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '│' | '┌' | '┐' | '└' | '┘' | '─'))
        .collect()
}

#[test]
fn every_caveat_evidex_compare_prints_is_on_the_compare_screen() {
    let sets: [&[&str]; 3] = [
        &["emerald", "leap-012", "talentace"],
        &["chance 2203", "emerald-1", "oncolytic"],
        &["emerald", "leap-012"],
    ];
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        for set in sets {
            let mut s = app(w, h);
            for q in set {
                mark_first(&mut s, q);
            }
            step(&mut s, Action::OpenCompare);
            let c = s.corpus().unwrap();
            let cmp = evidex::compare::compare(c, &s.compare.records, s.lang);
            let md = evidex::export::markdown(&cmp);
            let text = words(&all_screens(&mut s));
            for cav in &cmp.caveats {
                assert!(md.contains(&cav.text), "{}", cav.text);
                let want = words(&cav.text);
                assert!(text.contains(&want), "{w}x{h} {set:?}: missing {want:?}");
            }
        }
    }
}

#[test]
fn long_cells_are_whole_somewhere_on_the_screen() {
    for (w, h) in [(80, 24), (120, 40), (200, 60)] {
        let mut s = compare_emerald_leap(w, h);
        let screens = all_screens(&mut s);
        // The end of LEAP-012's flag, cut after four lines before.
        assert!(
            screens.contains("primary-analysis figures."),
            "{w}x{h}: {screens}"
        );
    }
}

#[test]
fn the_compare_screen_scrolls_back_at_once_from_the_end() {
    let mut s = compare_emerald_leap(80, 24);
    step(&mut s, Action::Bottom);
    let end = s.compare.scroll;
    assert!(end > 0 && end < 1000, "{end}");
    step(&mut s, Action::Up);
    assert_eq!(s.compare.scroll, end - 1);
}

#[test]
fn a_trial_and_a_therapy_are_not_compared() {
    let mut s = app(120, 40);
    mark_first(&mut s, "emerald");
    mark_first(&mut s, "osimertinib");
    step(&mut s, Action::OpenCompare);
    assert_eq!(s.screen, Screen::Browse);
    let st = s.status.clone().expect("a message");
    assert!(
        st.is_error() && st.text().contains("is a trial and"),
        "{st:?}"
    );
}

/// The bundled corpus with PALLAS (breast cancer, 4-year rates from the registry) imported.
fn with_pallas(w: u16, h: u16) -> evidex::tui::state::State {
    let base: evidex::corpus::CorpusFile = serde_json::from_slice(evidex::corpus::BUNDLED).unwrap();
    let mut imp = evidex::import::Importer::new(base);
    imp.add_file(std::path::Path::new(
        "tests/fixtures/ctgov/NCT02513394.json",
    ));
    let (file, _) = imp.finish();
    let c = evidex::corpus::Corpus::build(std::path::Path::new("merged.json"), file, None).unwrap();
    let mut s = common::app_on(c, w, h);
    mark_first(&mut s, "pallas");
    mark_first(&mut s, "talentace");
    step(&mut s, Action::OpenCompare);
    assert_eq!(s.screen, Screen::Compare);
    s
}

#[test]
fn snapshot_compare_across_diseases_200x60() {
    let mut s = with_pallas(200, 60);
    let screen = render(&s);
    assert!(screen.contains("Different diseases"), "{screen}");
    assert!(screen.contains("OS, median (months)"), "{screen}");
    assert_eq!(
        screen.matches('★').count(),
        2,
        "only the banner and the legend: {screen}"
    );
    insta::assert_snapshot!(screen);
    // The forest plot opens on OS, the endpoint both report a hazard ratio for.
    step(&mut s, Action::NextTab);
    let forest = render(&s);
    assert!(forest.contains("Endpoint ◀  OS  ▶"), "{forest}");
    assert!(!forest.contains(" ORR "), "ORR has no HR: {forest}");
    // Breast cancer and HCC: each has a hazard ratio with a standard error, and none is pooled.
    assert!(
        forest.contains("Nothing pooled: the trials study different diseases"),
        "{forest}"
    );
    assert!(!forest.contains("◆ Fixed effect"), "{forest}");
    insta::assert_snapshot!("forest_across_diseases_200x60", forest);
}

/// A paste of any size is one insertion (it was quadratic: 100k characters took 24 s), cut at
/// the query's limit with a message. The time bound is generous: it catches a blow-up, not
/// a slowdown.
#[test]
fn a_huge_paste_is_linear_and_cut_with_a_message() {
    let mut s = app(80, 24);
    let text = "tace ".repeat(200_000);
    let t = std::time::Instant::now();
    paste(&mut s, &text);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(
        s.input.text().chars().count(),
        evidex::tui::update::MAX_QUERY_CHARS
    );
    assert!(shows(&s, "paste cut at 2000 characters"), "{}", render(&s));
    // Typing at the limit adds nothing; deleting makes room again.
    step(&mut s, Action::Insert('x'));
    assert!(!s.input.text().ends_with('x'));
    step(&mut s, Action::Backspace);
    step(&mut s, Action::Insert('x'));
    assert!(s.input.text().ends_with('x'));
}

/// The detail document is derived data kept in the state: a keystroke or a wheel notch that
/// does not change the record shown builds none, and one that opens a record builds one.
#[test]
fn a_keystroke_or_a_wheel_notch_builds_the_detail_at_most_once() {
    use evidex::present::detail_builds;
    let mut s = app(120, 40);
    type_text(&mut s, "emerald");
    step(&mut s, Action::Enter);
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::Detail);
    for a in [
        Action::Down,
        Action::Down,
        Action::PageDown,
        Action::Up,
        Action::ScrollAt {
            x: 100,
            y: 10,
            down: true,
        },
        Action::ScrollAt {
            x: 100,
            y: 10,
            down: false,
        },
        Action::NextLink,
    ] {
        let before = detail_builds();
        step(&mut s, a);
        assert_eq!(
            detail_builds() - before,
            0,
            "{a:?} rebuilt an unchanged detail"
        );
        let _ = render(&s);
        assert_eq!(
            detail_builds() - before,
            0,
            "{a:?}: the view built the detail"
        );
    }
    // Following a link shows another record: one build.
    let before = detail_builds();
    step(&mut s, Action::Enter);
    assert!(
        detail_builds() - before <= 1,
        "{}",
        detail_builds() - before
    );
    // A new selection in the list: one build.
    step(&mut s, Action::FocusInput);
    let before = detail_builds();
    type_text(&mut s, "x");
    assert!(detail_builds() - before <= 1);
}

/// The comparison is derived data kept in the state: drawing the compare screen and scrolling
/// it build none; switching tabs and endpoints builds no comparison either (only that chart's
/// rows); switching the language builds one.
#[test]
fn drawing_and_scrolling_the_compare_screen_build_no_comparison() {
    use evidex::compare::builds;
    let mut s = compare_emerald_leap(120, 40);
    let _ = render(&s);
    for a in [
        Action::Down,
        Action::PageDown,
        Action::Bottom,
        Action::Up,
        Action::Top,
        Action::NextTab,
        Action::NextEndpoint,
        Action::PrevEndpoint,
        Action::NextTab,
        Action::NextEndpoint,
        Action::NextTab,
    ] {
        let before = builds();
        step(&mut s, a);
        let _ = render(&s);
        let _ = render(&s);
        assert_eq!(builds() - before, 0, "{a:?} built the comparison again");
    }
    let before = builds();
    step(&mut s, Action::ToggleLang);
    let _ = render(&s);
    assert_eq!(builds() - before, 1, "a new language builds one comparison");
}

/// The help is taller than an 80x24 screen on the results list: it scrolls, its title says
/// which lines are shown, and its last line (the evidence levels' legend) can be reached.
#[test]
fn help_taller_than_the_screen_scrolls_to_its_end() {
    let mut s = app(80, 24);
    step(&mut s, Action::Down);
    step(&mut s, Action::ToggleHelp);
    let first = render(&s);
    assert!(
        first.contains(" of "),
        "the title says it scrolls:\n{first}"
    );
    assert!(
        !first.contains("unrated"),
        "the legend's last line is below:\n{first}"
    );
    step(&mut s, Action::Bottom);
    let last = render(&s);
    assert!(
        last.contains("unrated"),
        "End reaches the last line:\n{last}"
    );
    assert!(!last.contains("Keys: Results list — Esc"), "{last}");
    step(&mut s, Action::Down);
    assert_eq!(render(&s), last, "nothing scrolls past the end");
    step(&mut s, Action::Top);
    assert_eq!(render(&s), first);
    step(&mut s, Action::ToggleHelp);
    assert!(!render(&s).contains("Keys: "), "Esc closes it");
}
