//! Web addresses in the detail pane, headless: Tab and Shift-Tab move the link cursor over
//! every address (several on one line included), the chosen one is marked and `o` asks to
//! open it, and with hyperlinks on the bytes written to the terminal carry OSC 8 links that an
//! emulator places column for column as the plain screen (checked with an in-memory terminal,
//! since tmux 3.3 drops OSC 8). `evidex show` writes them too, on a terminal only.

use crate::common;

use std::cell::RefCell;
use std::io::Write;
use std::path::Path;
use std::rc::Rc;

use common::{app, app_on, render, step, type_text};
use evidex::corpus::Corpus;
use evidex::tui::action::Action;
use evidex::tui::state::{Focus, State};
use evidex::tui::update::{self, Effect};
use evidex::tui::view::view;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const CHANCE_URL: &str = "https://clinicaltrials.gov/study/NCT05348811";

/// The detail of CHANCE 2203 (registry NCT05348811) with the focus on it.
fn chance(w: u16, h: u16) -> State {
    let mut s = app(w, h);
    type_text(&mut s, "chance-2203");
    step(&mut s, Action::Down);
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::Detail);
    s
}

/// Moves the cursor with Tab to the first line with a web address.
fn to_web_line(s: &mut State) {
    for _ in 0..100 {
        step(s, Action::NextLink);
        if s.detail_view()
            .is_some_and(|v| v.web_link(s.detail.cursor).is_some())
        {
            return;
        }
    }
    panic!("no web address reached by Tab");
}

#[test]
fn tab_reaches_the_registry_id_and_o_asks_to_open_its_address() {
    let mut s = chance(120, 40);
    to_web_line(&mut s);
    let line = &s.detail_view().unwrap().doc.lines[s.detail.cursor];
    assert!(line.text().contains("NCT05348811"), "{}", line.text());
    let effects = update::update(&mut s, Action::OpenLink);
    assert_eq!(effects, vec![Effect::OpenUrl(CHANCE_URL.into())]);
    assert!(render(&s).contains("opening https://clinicaltrials.gov"));
    // On a line without an address, `o` says so and opens nothing.
    step(&mut s, Action::Top);
    assert!(update::update(&mut s, Action::OpenLink).is_empty());
    assert!(render(&s).contains("no web address on this line"));
}

#[test]
fn a_sources_dois_are_addresses_at_doi_org() {
    let mut s = app(120, 40);
    let c = s.corpus().unwrap();
    let src = c
        .sources
        .iter()
        .find(|x| x.references.iter().any(|r| r.doi.is_some()))
        .expect("a source with a DOI")
        .id
        .clone();
    type_text(&mut s, &format!("id:{src} kind:source"));
    step(&mut s, Action::Down);
    step(&mut s, Action::Enter);
    let v = s.detail_view().unwrap();
    assert!(
        v.web
            .iter()
            .any(|l| l.url.starts_with("https://doi.org/10.")),
        "{:?}",
        v.web
    );
}

/// A writer whose bytes the test can read while the terminal holds it.
#[derive(Clone, Default)]
struct Bytes(Rc<RefCell<Vec<u8>>>);

impl Write for Bytes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Bytes {
    fn get(&self) -> Vec<u8> {
        self.0.borrow().clone()
    }
}

/// A terminal that keeps the bytes written to it, drawing frame after frame as the event
/// loop does (each frame writes only what changed).
fn terminal(w: u16, h: u16) -> (Terminal<CrosstermBackend<Bytes>>, Bytes) {
    let bytes = Bytes::default();
    let t = Terminal::with_options(
        CrosstermBackend::new(bytes.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .unwrap();
    (t, bytes)
}

fn frames(states: &[&State]) -> Vec<u8> {
    let (mut t, bytes) = terminal(states[0].width, states[0].height);
    for s in states {
        t.draw(|f| view(s, f)).unwrap();
    }
    bytes.get()
}

/// The plain screen (no hyperlinks) of `s`, line by line.
fn plain(s: &mut State) -> Vec<String> {
    let on = std::mem::replace(&mut s.hyperlinks, false);
    let screen = trimmed(&render(s));
    s.hyperlinks = on;
    screen
}

/// The screen an emulator shows after `bytes`, one line per row.
fn emulate(bytes: &[u8], w: u16, h: u16) -> Vec<String> {
    let mut p = vt100::Parser::new(h, w, 0);
    p.process(bytes);
    p.screen().rows(0, w).collect()
}

fn trimmed(screen: &str) -> Vec<String> {
    screen.lines().map(|l| l.trim_end().to_string()).collect()
}

#[test]
fn hyperlinks_are_written_as_osc_8_and_every_character_keeps_its_column() {
    for (w, h) in [(120, 40), (80, 24)] {
        let mut s = chance(w, h);
        to_web_line(&mut s);
        s.hyperlinks = true;
        let plain = plain(&mut s);
        let bytes = frames(&[&s]);
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.contains(&format!("\x1b]8;;{CHANCE_URL}\x1b\\")),
            "no OSC 8 link in the bytes"
        );
        // Each link is closed.
        assert_eq!(
            text.matches("\x1b]8;;https://").count(),
            text.matches("\x1b]8;;\x1b\\").count()
        );
        let shown: Vec<String> = emulate(&bytes, w, h)
            .iter()
            .map(|l| l.trim_end().to_string())
            .collect();
        assert_eq!(shown, plain, "{w}x{h}");
    }
}

#[test]
fn frames_drawn_one_after_another_over_links_still_place_everything_right() {
    let mut s = chance(120, 40);
    s.hyperlinks = true;
    let (mut t, bytes) = terminal(120, 40);
    t.draw(|f| view(&s, f)).unwrap();
    // The cursor onto the link line (its style changes under the link), then away, then
    // another record: each frame writes only what changed.
    to_web_line(&mut s);
    t.draw(|f| view(&s, f)).unwrap();
    step(&mut s, Action::Top);
    t.draw(|f| view(&s, f)).unwrap();
    let mid = emulate(&bytes.get(), 120, 40);
    assert_eq!(
        mid.iter()
            .map(|l| l.trim_end().to_string())
            .collect::<Vec<_>>(),
        plain(&mut s)
    );
    step(&mut s, Action::Back);
    step(&mut s, Action::Down);
    t.draw(|f| view(&s, f)).unwrap();
    let shown: Vec<String> = emulate(&bytes.get(), 120, 40)
        .iter()
        .map(|l| l.trim_end().to_string())
        .collect();
    assert_eq!(shown, plain(&mut s));
}

#[test]
fn addresses_from_a_hostile_corpus_never_carry_an_escape_into_the_link() {
    let mut file = Corpus::bundled().unwrap().to_file();
    let src = &mut file.sources[0];
    src.url = Some("https://evil.example/a\x1b]0;pwned\x07b\x1b]8;;https://x\x1b\\".into());
    let id = src.id.clone();
    let corpus = Corpus::build(Path::new("hostile"), file, None).unwrap();
    let mut s = app_on(corpus, 120, 40);
    type_text(&mut s, &format!("id:{id} kind:source"));
    step(&mut s, Action::Down);
    step(&mut s, Action::Enter);
    let v = s.detail_view().unwrap();
    let url = v
        .web
        .iter()
        .find(|l| l.url.contains("evil.example"))
        .expect("the URL up to its first unsafe character")
        .url
        .clone();
    assert_eq!(url, "https://evil.example/a");
    s.hyperlinks = true;
    let bytes = frames(&[&s]);
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains('\x07') && !text.contains("\x1b]0;"));
    // Every link written holds an address evidex made safe (the `https://x` inside the
    // record's text is a link of its own, not the record's escape sequence).
    for part in text.split("\x1b]8;;").skip(1) {
        let url = part.split("\x1b\\").next().unwrap();
        assert!(
            url.is_empty() || evidex::present::weblinks::is_safe_url(url),
            "{url:?}"
        );
    }
}

/// A source whose address line holds two addresses, its detail open with the focus on it.
fn two_addresses(w: u16, h: u16) -> State {
    let mut file = Corpus::bundled().unwrap().to_file();
    let src = &mut file.sources[0];
    src.url = Some("https://a.example/one https://b.example/two".into());
    let id = src.id.clone();
    let corpus = Corpus::build(Path::new("two"), file, None).unwrap();
    let mut s = app_on(corpus, w, h);
    type_text(&mut s, &format!("id:{id} kind:source"));
    step(&mut s, Action::Down);
    step(&mut s, Action::Enter);
    assert_eq!(s.focus, Focus::Detail);
    s
}

/// The text of the cells drawn reversed: the chosen link (the theme's selected line is a
/// background colour, not reversed).
fn reversed(s: &State) -> String {
    let buf = common::buffer(s);
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            let cell = &buf[(x, y)];
            if cell.modifier.contains(ratatui::style::Modifier::REVERSED) {
                out.push_str(cell.symbol());
            }
        }
    }
    out
}

#[test]
fn the_link_cursor_chooses_each_address_of_a_line_and_o_opens_the_chosen_one() {
    let mut s = two_addresses(120, 40);
    let line = loop {
        step(&mut s, Action::NextLink);
        let v = s.detail_view().unwrap();
        if v.web_links(s.detail.cursor).len() == 2 {
            break s.detail.cursor;
        }
        assert!(s.detail.cursor < v.doc.lines.len());
    };
    // The first address of the line is chosen, and marked.
    assert_eq!(reversed(&s), "https://a.example/one");
    assert_eq!(
        update::update(&mut s, Action::OpenLink),
        vec![Effect::OpenUrl("https://a.example/one".into())]
    );
    // Tab again: the same line, its second address.
    step(&mut s, Action::NextLink);
    assert_eq!(s.detail.cursor, line);
    assert_eq!(reversed(&s), "https://b.example/two");
    assert_eq!(
        update::update(&mut s, Action::OpenLink),
        vec![Effect::OpenUrl("https://b.example/two".into())]
    );
    // Enter says which address `o` opens.
    step(&mut s, Action::Enter);
    assert!(
        render(&s).contains("o opens https://b.example/two"),
        "{}",
        render(&s)
    );
    // Shift-Tab goes back to the first.
    step(&mut s, Action::PrevLink);
    assert_eq!(
        (s.detail.cursor, reversed(&s).as_str()),
        (line, "https://a.example/one")
    );
    // Leaving the line and coming back chooses its first address again.
    step(&mut s, Action::NextLink);
    step(&mut s, Action::Down);
    step(&mut s, Action::Up);
    assert_eq!(s.detail.cursor, line);
    assert_eq!(reversed(&s), "https://a.example/one");
    // Nothing is marked when the detail is not focused.
    step(&mut s, Action::Back);
    assert_eq!(reversed(&s), "");
}

#[test]
fn the_chosen_link_stands_out_in_monochrome_and_hyperlinks_keep_their_columns() {
    let mut s = two_addresses(80, 24);
    while s
        .detail_view()
        .is_some_and(|v| v.web_links(s.detail.cursor).len() != 2)
    {
        step(&mut s, Action::NextLink);
    }
    step(&mut s, Action::NextLink);
    s.theme = evidex::tui::theme::ThemeName::Mono;
    // In monochrome the cursor's line is reversed and the chosen address is not.
    let buf = common::buffer(&s);
    let row_text = |y: u16, from: u16| -> String {
        (from..buf.area.width)
            .map(|x| buf[(x, y)].symbol())
            .collect()
    };
    // Where `needle` starts on the screen.
    let pos = |needle: &str| {
        (0..buf.area.height)
            .flat_map(|y| (0..buf.area.width).map(move |x| (x, y)))
            .find(|&(x, y)| row_text(y, x).starts_with(needle))
            .expect(needle)
    };
    let rev = |(x, y): (u16, u16)| {
        buf[(x, y)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    };
    let (bx, by) = pos("https://b.example/two");
    assert!(!rev((bx, by)) && !rev((bx + 20, by)), "{}", row_text(by, 0));
    assert!(rev(pos("https://a.example/one")), "{}", render(&s));
    // With hyperlinks on, the bytes still place every character in its column.
    s.hyperlinks = true;
    let plain = plain(&mut s);
    let bytes = frames(&[&s]);
    assert!(String::from_utf8_lossy(&bytes).contains("\x1b]8;;https://b.example/two\x1b\\"));
    let shown: Vec<String> = emulate(&bytes, 80, 24)
        .iter()
        .map(|l| l.trim_end().to_string())
        .collect();
    assert_eq!(shown, plain);
}

/// `evidex show`'s hyperlinked text: each address an OSC 8 link around the very characters of
/// the plain text, so an emulator shows the plain text column for column.
#[test]
fn show_writes_osc_8_links_around_the_plain_text() {
    let s = app(80, 24);
    let c = s.corpus().unwrap();
    let r = c.resolve("chance-2203").expect("CHANCE 2203");
    let doc = evidex::present::detail(c, r, evidex::corpus::Lang::En);
    for width in [60, 100] {
        let plain = doc.to_plain(width);
        let linked = evidex::cli::show::linked(&doc, width);
        assert!(linked.contains(&format!(
            "\x1b]8;;{CHANCE_URL}\x1b\\NCT05348811\x1b]8;;\x1b\\"
        )));
        assert_eq!(
            linked.matches("\x1b]8;;https://").count(),
            linked.matches("\x1b]8;;\x1b\\").count()
        );
        // Without its links, the text is the plain text.
        let mut stripped = String::new();
        for (i, part) in linked.split("\x1b]8;;").enumerate() {
            if i == 0 {
                stripped.push_str(part);
            } else {
                stripped.push_str(part.split_once("\x1b\\").unwrap().1);
            }
        }
        assert_eq!(stripped, plain);
        // An emulator places every character where the plain text has it.
        let rows = plain.lines().count() as u16 + 1;
        let emulated = |text: &str| -> Vec<String> {
            let mut p = vt100::Parser::new(rows, width as u16, 0);
            p.process(text.replace('\n', "\r\n").as_bytes());
            p.screen()
                .rows(0, width as u16)
                .map(|l| l.trim_end().to_string())
                .collect()
        };
        assert_eq!(emulated(&linked), emulated(&plain));
    }
}

/// The binary on a terminal (a pseudo-terminal made by `script`) writes hyperlinks as the
/// configuration's `hyperlinks` allows; piped, never.
#[test]
fn show_links_on_a_terminal_and_plain_text_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = |mode: &str| {
        let p = dir.path().join(format!("{mode}.toml"));
        std::fs::write(&p, format!("hyperlinks = \"{mode}\"\n")).unwrap();
        p.display().to_string()
    };
    // Piped: plain, even when the configuration says always.
    let o = common::bin()
        .args(["show", "chance-2203", "--config", &cfg("always")])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("NCT05348811") && !text.contains('\x1b'),
        "{text}"
    );
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("script (util-linux) is not installed: the pseudo-terminal checks are skipped");
        return;
    }
    let on_tty = |mode: &str, env: &[(&str, &str)]| -> String {
        let cmd = format!(
            "{} show chance-2203 --config {}",
            env!("CARGO_BIN_EXE_evidex"),
            cfg(mode)
        );
        let mut c = std::process::Command::new("script");
        c.args(["-qec", &cmd, "/dev/null"])
            .env("XDG_CONFIG_HOME", common::NO_HOME)
            .env("XDG_DATA_HOME", common::NO_HOME)
            .env("EVIDEX_LIBRARY", common::no_library())
            .env("TERM", "xterm-256color");
        // Nothing of the terminal the tests run in says it shows hyperlinks.
        for k in [
            "TMUX",
            "STY",
            "ZELLIJ",
            "FORCE_HYPERLINK",
            "TERM_PROGRAM",
            "VTE_VERSION",
            "KONSOLE_VERSION",
            "WT_SESSION",
            "KITTY_WINDOW_ID",
        ] {
            c.env_remove(k);
        }
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let link = format!("\x1b]8;;{CHANCE_URL}\x1b\\");
    let always = on_tty("always", &[]);
    assert!(always.contains(&link), "{always:?}");
    let auto_known = on_tty("auto", &[("FORCE_HYPERLINK", "1")]);
    assert!(auto_known.contains(&link), "{auto_known:?}");
    let auto_unknown = on_tty("auto", &[]);
    assert!(auto_unknown.contains("NCT05348811") && !auto_unknown.contains("\x1b]8;;"));
    let never = on_tty("never", &[("FORCE_HYPERLINK", "1")]);
    assert!(never.contains("NCT05348811") && !never.contains("\x1b]8;;"));
}
