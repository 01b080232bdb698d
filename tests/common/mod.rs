//! Shared test harness: the real binary run with a fixed width, and a headless browser driven
//! by actions, with searches answered synchronously (the worker's job, done inline) so every
//! step is deterministic, and a renderer that draws the state into ratatui's `TestBackend`.

#![allow(dead_code)]

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use evidex::corpus::{Corpus, Lang};
use evidex::search::{self, Engine, worker::Reply};
use evidex::tui::action::{Action, Event};
use evidex::tui::app::RESULT_LIMIT;
use evidex::tui::state::State;
use evidex::tui::update::{self, Effect};
use evidex::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// A library path no test creates: commands that open the bundled corpus with the library
/// find none, and never the user's.
pub fn no_library() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "evidex-tests-{}-no-library/library.sqlite",
        std::process::id()
    ))
}

/// Runs the real binary with a fixed output width.
pub fn evidex(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_evidex"))
        .args(args)
        .env("COLUMNS", "100")
        .env("EVIDEX_LIBRARY", no_library())
        .output()
        .expect("the binary runs")
}

/// The bundled corpus, indexed once for all tests of a binary.
pub fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            Arc::new(search::engine(Arc::new(
                Corpus::bundled().expect("bundled corpus loads"),
            )))
        })
        .clone()
}

/// A browser of `w`x`h` on the bundled corpus, loaded, with its first results in.
pub fn app(w: u16, h: u16) -> State {
    with_engine(engine(), w, h)
}

/// A browser on another corpus.
pub fn app_on(corpus: Corpus, w: u16, h: u16) -> State {
    with_engine(Arc::new(search::engine(Arc::new(corpus))), w, h)
}

fn with_engine(engine: Arc<Engine>, w: u16, h: u16) -> State {
    let mut s = State::new("<bundled corpus>", Lang::En, w, h);
    let effects = update::handle(&mut s, Event::Loaded(Ok(engine)));
    run(&mut s, effects);
    s
}

/// Carries out effects the way the app loop does, with searches answered at once. Timings are
/// zeroed so that snapshots are stable.
pub fn run(s: &mut State, effects: Vec<Effect>) {
    for e in effects {
        if let Effect::Search { generation, text } = e {
            let engine = s.engine().expect("searches are sent once loaded").clone();
            let reply = match search::parse(&text) {
                Ok(q) => {
                    let mut r = engine.search(&q, None, RESULT_LIMIT);
                    r.elapsed = Duration::ZERO;
                    Reply::Results {
                        generation,
                        results: Arc::new(r),
                    }
                }
                Err(err) => Reply::Error {
                    generation,
                    message: err.0,
                },
            };
            let more = update::handle(s, Event::Search(reply));
            run(s, more);
        }
    }
}

/// Applies one action and its effects.
pub fn step(s: &mut State, a: Action) {
    let effects = update::update(s, a);
    run(s, effects);
}

/// Types text into the input line, one key at a time.
pub fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        step(s, Action::Insert(c));
    }
}

/// Pastes text into the input line in one event (bracketed paste).
pub fn paste(s: &mut State, text: &str) {
    let effects = update::handle(s, Event::Paste(text.to_string()));
    run(s, effects);
}

/// The screen drawn into a buffer.
pub fn buffer(s: &State) -> Buffer {
    let backend = TestBackend::new(s.width, s.height);
    let mut t = Terminal::new(backend).expect("test terminal");
    t.draw(|f| view(s, f)).expect("draw");
    t.backend().buffer().clone()
}

/// Display width of a rendered line.
pub fn line_width(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(line)
}

/// The screen as text, one line per row.
pub fn render(s: &State) -> String {
    let buf = buffer(s);
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            // A wide character's second cell holds nothing of its own.
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            out.push_str(sym);
        }
        out.push('\n');
    }
    out
}

/// Whether the rendered screen shows `needle`.
pub fn shows(s: &State, needle: &str) -> bool {
    render(s).contains(needle)
}
