//! Web addresses in the detail pane, headless: Tab reaches them, `o` asks to open the one on
//! the cursor's line, and with hyperlinks on the bytes written to the terminal carry OSC 8
//! links that an emulator places column for column as the plain screen (checked with an
//! in-memory terminal, since tmux 3.3 drops OSC 8).

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
