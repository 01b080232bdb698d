//! Shared test harness: the real binary run with a fixed width, and a headless browser driven
//! by actions, with searches answered synchronously by the worker's own `Searcher` (re-use and
//! narrowing included) so every step is deterministic, and a renderer that draws the state into
//! ratatui's `TestBackend`.

#![allow(dead_code)]

pub mod http;

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use evidex::corpus::{Corpus, Lang};
use evidex::search::worker::{Reply, Searcher};
use evidex::search::{self, Engine};
use evidex::tui::action::{Action, Event};
use evidex::tui::app::RESULT_LIMIT;
use evidex::tui::state::State;
use evidex::tui::update::{self, Effect};
use evidex::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// A home for the binary's user files that does not exist and cannot be made (not even by
/// root: it is under /proc): tests never read the user's configuration or data, nor write
/// anywhere by accident.
pub const NO_HOME: &str = "/proc/nonexistent/evidex-test-home";

/// The binary, away from the user's files (see [`NO_HOME`]).
pub fn bin() -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_evidex"));
    c.env("XDG_CONFIG_HOME", NO_HOME)
        .env("XDG_DATA_HOME", NO_HOME)
        .env("EVIDEX_LIBRARY", no_library())
        .env_remove("EVIDEX_CONFIG");
    c
}

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
    bin()
        .args(args)
        .env("COLUMNS", "100")
        .env("EVIDEX_LIBRARY", no_library())
        .output()
        .expect("the binary runs")
}

/// Sets a file's permission bits.
#[cfg(unix)]
pub fn chmod(p: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A file's permission bits, setuid, setgid and sticky included.
#[cfg(unix)]
pub fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// Makes a FIFO at `p`.
#[cfg(unix)]
pub fn mkfifo(p: &std::path::Path) {
    assert!(
        std::process::Command::new("mkfifo")
            .arg(p)
            .status()
            .unwrap()
            .success()
    );
}

/// The bundled corpus's engine, indexed once for all tests of a binary, borrowed.
pub fn bundled() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE
        .get_or_init(|| search::engine(Arc::new(Corpus::bundled().expect("bundled corpus loads"))))
}

/// The ids of the first `n` hits of `q` on the bundled corpus, in rank order.
pub fn top_ids(q: &str, n: usize) -> Vec<String> {
    let e = bundled();
    let r = search::run(e, q, n).unwrap_or_else(|err| panic!("{q:?}: {err}"));
    r.hits
        .iter()
        .map(|h| e.corpus().id_of(h.record).to_string())
        .collect()
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

thread_local! {
    /// The searcher answering this thread's browsers, made anew for another engine.
    static SEARCHER: RefCell<Option<Searcher>> = const { RefCell::new(None) };
}

/// Answers a query as the search worker does, on this thread.
fn answer(engine: &Arc<Engine>, generation: u64, text: &str) -> Reply {
    SEARCHER.with(|cell| {
        let mut cell = cell.borrow_mut();
        let searcher = match cell.as_mut() {
            Some(s) if Arc::ptr_eq(s.engine(), engine) => s,
            _ => cell.insert(Searcher::new(engine.clone(), RESULT_LIMIT)),
        };
        searcher
            .answer(generation, text, &|| false)
            .expect("a search never asked to stop answers")
    })
}

/// Carries out effects the way the app loop does, with searches answered at once. Timings are
/// zeroed so that snapshots are stable.
pub fn run(s: &mut State, effects: Vec<Effect>) {
    for e in effects {
        if let Effect::Search { generation, text } = e {
            let engine = s.engine().expect("searches are sent once loaded").clone();
            let reply = match answer(&engine, generation, &text) {
                Reply::Results {
                    generation,
                    results,
                    query,
                } => {
                    let mut r = (*results).clone();
                    r.elapsed = Duration::ZERO;
                    Reply::Results {
                        generation,
                        results: Arc::new(r),
                        query,
                    }
                }
                err => err,
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

/// Searching only `prev`'s matches for `next` (what the worker does while the user types
/// on) finds exactly what a full search for `next` finds, in the same order.
pub fn assert_narrowing_agrees(
    e: &Engine,
    prev: (&str, &search::Query),
    next: (&str, &search::Query),
) {
    let before = e.search(prev.1, None, 10_000);
    let narrowed = e.search(next.1, Some(&before.matched_slots), 10_000);
    let full = e.search(next.1, None, 10_000);
    let a: Vec<_> = narrowed.hits.iter().map(|h| h.record).collect();
    let b: Vec<_> = full.hits.iter().map(|h| h.record).collect();
    assert_eq!(a, b, "{:?} → {:?}", prev.0, next.0);
}

/// Searches `query` from the search line and marks its first result.
pub fn mark_first(s: &mut State, query: &str) {
    step(s, Action::FocusInput);
    step(s, Action::ClearLine);
    type_text(s, query);
    step(s, Action::Down);
    step(s, Action::ToggleMark);
}

/// EMERALD-1, TALENTACE, LEAP-012 and TACE + sorafenib (four HCC trials, three with a PFS
/// hazard ratio) marked and compared, on the comparison's first tab.
pub fn four_hcc_compared(w: u16, h: u16) -> State {
    let mut s = app(w, h);
    for q in [
        "emerald-1",
        "talentace",
        "leap-012",
        "fan-2024-tace-sorafenib-recurrent",
    ] {
        mark_first(&mut s, q);
    }
    step(&mut s, Action::OpenCompare);
    assert_eq!(s.screen, evidex::tui::state::Screen::Compare);
    s
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
