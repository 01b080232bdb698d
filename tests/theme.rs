//! Colours and use of width on the real screens: every cell of every screen, in the dark and
//! the light theme, is read from the drawn buffer and its contrast computed from the xterm
//! palette; result rows that cut a name may not leave columns blank; styled snapshots show
//! what each theme draws.

mod common;

use common::{app, buffer, step, type_text};
use evidex::tui::action::Action;
use evidex::tui::state::State;
use evidex::tui::theme::{MIN_CONTRAST, Palette, Theme, ThemeName, contrast};
use ratatui::buffer::Buffer;
use ratatui::style::Color;

const COLOUR_THEMES: [ThemeName; 2] = [ThemeName::Dark, ThemeName::Light];
const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn palette(t: ThemeName) -> Palette {
    *Theme::new(t).palette().expect("a colour theme")
}

/// Every screen worth checking, at a size, in a theme: a name for messages and the state.
fn screens(t: ThemeName, w: u16, h: u16) -> Vec<(&'static str, State)> {
    let with = |f: &dyn Fn(&mut State)| {
        let mut s = app(w, h);
        s.theme = t;
        f(&mut s);
        s
    };
    let mut out = vec![
        ("start", with(&|_| {})),
        ("search tace", with(&|s| type_text(s, "tace"))),
        (
            "list, second row selected",
            with(&|s| {
                type_text(s, "tace");
                step(s, Action::Down);
                step(s, Action::Down);
            }),
        ),
        (
            "list, marked",
            with(&|s| {
                type_text(s, "emerald");
                step(s, Action::Down);
                step(s, Action::ToggleMark);
            }),
        ),
        ("bad query", with(&|s| type_text(s, "year:>>"))),
        ("help", with(&|s| step(s, Action::ToggleHelp))),
        (
            "chinese",
            with(&|s| {
                step(s, Action::ToggleLang);
                type_text(s, "肝癌");
                step(s, Action::Down);
            }),
        ),
    ];
    // The detail pane with its cursor on each of its first lines (ids, links, quotes, flags).
    for line in [0usize, 1, 2, 4, 6, 9, 12, 16] {
        out.push((
            "detail cursor",
            with(&|s| {
                type_text(s, "emerald");
                step(s, Action::Enter);
                step(s, Action::Enter);
                for _ in 0..line {
                    step(s, Action::Down);
                }
            }),
        ));
    }
    for tabs in 0..3 {
        out.push((
            "compare",
            with(&|s| {
                for q in ["emerald", "leap-012"] {
                    step(s, Action::FocusInput);
                    step(s, Action::ClearLine);
                    type_text(s, q);
                    step(s, Action::Down);
                    step(s, Action::ToggleMark);
                }
                step(s, Action::OpenCompare);
                for _ in 0..tabs {
                    step(s, Action::NextTab);
                }
            }),
        ));
    }
    let mut small = app(50, 12);
    small.theme = t;
    out.push(("too small", small));
    let mut loading = State::new("big.json", evidex::corpus::Lang::En, w, h);
    loading.theme = t;
    out.push(("loading", loading));
    out
}

/// The problems of one drawn screen: a cell in its own background colour, a cell in colours
/// the theme did not set, or text below AA contrast.
fn contrast_problems(buf: &Buffer, p: &Palette) -> Vec<String> {
    let mut bad = Vec::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            // The second cell of a wide character is drawn with the first.
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y)];
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
            let (Color::Indexed(fg), Color::Indexed(bg)) = (cell.fg, cell.bg) else {
                bad.push(format!(
                    "({x},{y}) {:?}: colours not from the theme: {:?} on {:?}",
                    cell.symbol(),
                    cell.fg,
                    cell.bg
                ));
                continue;
            };
            if fg == bg {
                bad.push(format!(
                    "({x},{y}) {:?}: drawn in its background {bg}",
                    cell.symbol()
                ));
            } else if !cell.symbol().trim().is_empty() && contrast(fg, bg) < MIN_CONTRAST {
                bad.push(format!(
                    "({x},{y}) {:?}: {fg} on {bg} is {:.2}:1",
                    cell.symbol(),
                    contrast(fg, bg)
                ));
            }
            if bg != p.background && bg != p.selected {
                bad.push(format!("({x},{y}): background {bg} is not the theme's"));
            }
        }
    }
    bad
}

/// No cell of any screen, in either colour theme at any size, is drawn in its own background
/// colour or below 4.5:1: the selected row and the detail cursor line included.
#[test]
fn every_cell_of_every_screen_reads_in_both_themes() {
    for t in COLOUR_THEMES {
        let p = palette(t);
        for (w, h) in SIZES {
            for (name, s) in screens(t, w, h) {
                let bad = contrast_problems(&buffer(&s), &p);
                assert!(
                    bad.is_empty(),
                    "{t:?} {w}x{h} {name}: {} bad cells, first: {:#?}",
                    bad.len(),
                    &bad[..bad.len().min(5)]
                );
            }
        }
    }
}

/// The selected row is drawn on the selected background, every cell of it, and its text
/// (badge, name, highlight, headline, facts) in colours that read on it.
#[test]
fn the_selected_row_has_its_own_background_and_readable_text() {
    for t in COLOUR_THEMES {
        let p = palette(t);
        for (w, h) in SIZES {
            let mut s = app(w, h);
            s.theme = t;
            type_text(&mut s, "tace");
            step(&mut s, Action::Down);
            step(&mut s, Action::Down);
            let buf = buffer(&s);
            let rows: Vec<u16> = (0..h)
                .filter(|&y| buf[(2, y)].bg == Color::Indexed(p.selected))
                .collect();
            let expected = if w >= 120 { 1 } else { 2 };
            assert_eq!(
                rows.len(),
                expected,
                "{t:?} {w}x{h}: selected rows {rows:?}"
            );
            let list_w = evidex::tui::state::areas(w, h).list.width;
            let mut colours = std::collections::BTreeSet::new();
            for &y in &rows {
                for x in 1..list_w - 1 {
                    let cell = &buf[(x, y)];
                    assert_eq!(
                        cell.bg,
                        Color::Indexed(p.selected),
                        "{t:?} {w}x{h} ({x},{y})"
                    );
                    if let Color::Indexed(fg) = cell.fg
                        && !cell.symbol().trim().is_empty()
                    {
                        colours.insert(fg);
                        assert!(contrast(fg, p.selected) >= MIN_CONTRAST);
                    }
                }
            }
            // Badge, name, highlight and the dimmer facts all show, not one colour.
            assert!(colours.len() >= 3, "{t:?} {w}x{h}: {colours:?}");
        }
    }
}

/// In monochrome nothing is coloured and the selected row is in reverse video.
#[test]
fn mono_selects_in_reverse_video() {
    let mut s = app(120, 40);
    s.theme = ThemeName::Mono;
    type_text(&mut s, "tace");
    step(&mut s, Action::Down);
    let buf = buffer(&s);
    let row = 3;
    assert!(
        buf[(4, row)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
    assert_eq!(
        (buf[(4, row)].fg, buf[(4, row)].bg),
        (Color::Reset, Color::Reset)
    );
}

/// The text of the list rows (inside the list's border) of a screen.
fn list_rows(s: &State) -> Vec<String> {
    let buf = buffer(s);
    let list = evidex::tui::state::areas(s.width, s.height).list;
    (list.y + 1..list.y + list.height - 1)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in list.x + 1..list.x + list.width - 1 {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                row.push_str(sym);
            }
            row
        })
        .filter(|r| !r.trim().is_empty())
        .collect()
}

/// The longest run of blanks in a row's text after its first non-blank, trailing included.
fn longest_blank_run(row: &str) -> usize {
    let body = row.trim_start();
    let mut best = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == ' ' {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// A row that cuts something (ends it in "…") uses the whole row: no wide blank gap, no blank
/// columns at its end. Across queries, both languages and the three sizes.
#[test]
fn result_rows_never_cut_while_leaving_columns_blank() {
    for (w, h) in SIZES {
        for lang_zh in [false, true] {
            for q in ["", "tace", "breast", "肝癌", "haic"] {
                let mut s = app(w, h);
                if lang_zh {
                    step(&mut s, Action::ToggleLang);
                }
                type_text(&mut s, q);
                for row in list_rows(&s) {
                    if row.contains('…') {
                        // A wide character that does not fit leaves one cell.
                        let run = longest_blank_run(&row);
                        assert!(
                            run <= 3,
                            "{w}x{h} {q:?} zh={lang_zh}: cut with {run} blank columns: {row:?}"
                        );
                    }
                }
            }
        }
    }
}

/// At 200 columns the names that fit are whole: the examples, cut at about 16–32
/// characters before.
#[test]
fn names_use_the_width_at_120_and_200_columns() {
    let mut s = app(200, 60);
    type_text(&mut s, "tace");
    let rows = list_rows(&s).join("\n");
    for name in [
        "Transarterial chemoembolisation",
        "TACE plus sorafenib vs TACE alone in recurren",
        "FOLFOX-HAIC vs TACE (Shi Ming's team, phase III)",
    ] {
        assert!(rows.contains(name), "{name} cut:\n{rows}");
    }
    let mut s = app(120, 40);
    type_text(&mut s, "tace");
    let rows = list_rows(&s).join("\n");
    for name in [
        "Transarterial chemoembolisation",
        "TACE + durvalumab + bevacizumab",
    ] {
        assert!(rows.contains(name), "{name} cut:\n{rows}");
    }
}

/// The facets line ends in "…" when it does not fit, instead of stopping mid-word.
#[test]
fn the_facets_line_is_cut_with_an_ellipsis() {
    // A query whose facets take more than 80 columns.
    let (query, full) = ["haic", "hcc", "liver", ""]
        .into_iter()
        .map(|q| {
            let mut wide = app(200, 60);
            type_text(&mut wide, q);
            let full = common::render(&wide)
                .lines()
                .nth(1)
                .unwrap()
                .trim_end()
                .to_string();
            (q, full)
        })
        .find(|(_, full)| full.chars().count() > 80)
        .expect("a query with a long facets line");
    let mut s = app(80, 24);
    type_text(&mut s, query);
    let line = common::render(&s)
        .lines()
        .nth(1)
        .unwrap()
        .trim_end()
        .to_string();
    assert!(full.chars().count() > 80, "{full}");
    assert!(line.ends_with('…'), "{line}");
    assert!(common::line_width(&line) <= 80);
}

/// A compact picture of a screen's styles: each cell as a letter for its colour's role
/// (uppercase on the selected background), under the text.
fn styled(s: &State) -> String {
    let p = Theme::new(s.theme)
        .palette()
        .copied()
        .expect("a colour theme");
    let letters = [
        ("text", '.'),
        ("title", 't'),
        ("heading", 'h'),
        ("label", 'l'),
        ("best", 'b'),
        ("quote", 'q'),
        ("flag", 'f'),
        ("link", 'k'),
        ("dim", 'd'),
        ("border", 'd'),
        ("highlight", 'g'),
        ("key", 'y'),
        ("trial", 'm'),
        ("therapy", 'b'),
        ("disease", 'k'),
        ("source", 's'),
    ];
    let letter = |fg: u8| {
        p.foregrounds()
            .iter()
            .find(|(_, c)| *c == fg)
            .and_then(|(n, _)| letters.iter().find(|(l, _)| l == n))
            .map_or('?', |(_, c)| *c)
    };
    let buf = buffer(s);
    let text = common::render(s);
    let mut out = format!(
        "{:?} theme on {}, selected row on {}; letters: ",
        s.theme, p.background, p.selected
    );
    for (role, colour) in p.foregrounds() {
        let l = letters
            .iter()
            .find(|(n, _)| *n == role)
            .map_or('?', |(_, c)| *c);
        out.push_str(&format!("{l}={role} {colour}, "));
    }
    out.push_str("uppercase on the selected row\n");
    for (y, line) in text.lines().enumerate() {
        out.push_str(line.trim_end());
        out.push('\n');
        let mut styles = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let cell = &buf[(x, y as u16)];
            // A wide character: its letter twice, under its two columns.
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
            let Color::Indexed(fg) = cell.fg else {
                styles.push('?');
                continue;
            };
            let selected = cell.bg == Color::Indexed(p.selected);
            let c = if cell.symbol().trim().is_empty() {
                if selected { '=' } else { ' ' }
            } else if selected {
                letter(fg).to_ascii_uppercase()
            } else {
                letter(fg)
            };
            for _ in 0..=skip {
                styles.push(c);
            }
        }
        out.push_str(&format!("{}\n", styles.trim_end()));
    }
    out
}

fn themed_list(t: ThemeName) -> State {
    let mut s = app(120, 24);
    s.theme = t;
    type_text(&mut s, "tace");
    step(&mut s, Action::Down);
    step(&mut s, Action::Down);
    s
}

#[test]
fn snapshot_dark_theme_list_120x24() {
    insta::assert_snapshot!(styled(&themed_list(ThemeName::Dark)));
}

#[test]
fn snapshot_light_theme_list_120x24() {
    insta::assert_snapshot!(styled(&themed_list(ThemeName::Light)));
}

#[test]
fn snapshot_dark_theme_detail_cursor_80x24() {
    let mut s = app(80, 24);
    type_text(&mut s, "emerald");
    step(&mut s, Action::Enter);
    step(&mut s, Action::Enter);
    step(&mut s, Action::Down);
    insta::assert_snapshot!(styled(&s));
}

/// The status bar lists the marked records with the width it has: whole names on a wide
/// screen, names cut with "…" on a narrow one.
#[test]
fn marked_names_use_the_status_bar_width() {
    let mark = |w: u16, h: u16| {
        let mut s = app(w, h);
        for q in ["tace plus sorafenib", "leap-012"] {
            step(&mut s, Action::FocusInput);
            step(&mut s, Action::ClearLine);
            type_text(&mut s, q);
            step(&mut s, Action::Down);
            step(&mut s, Action::ToggleMark);
        }
        assert_eq!(s.marked.len(), 2);
        common::render(&s).lines().last().unwrap().to_string()
    };
    let wide = mark(200, 60);
    for name in [
        "TACE plus sorafenib vs TACE alone in recurrent intermediate-stage HCC",
        "LEAP-012",
    ] {
        assert!(wide.contains(name), "{wide}");
    }
    let narrow = mark(80, 24);
    assert!(narrow.contains("TACE plus"), "{narrow}");
    assert!(narrow.contains('…'), "{narrow}");
    assert!(common::line_width(&narrow) <= 80);
}
