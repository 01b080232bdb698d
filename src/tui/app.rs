//! The event loop and the terminal it owns.
//!
//! `run` checks that there is a terminal to draw on, puts it in raw mode on the alternate
//! screen behind a [`TerminalGuard`], and then only moves messages: key and mouse events from a
//! reader thread, the loaded corpus from a loader thread, results from the search worker. Each
//! message goes through `update`; the [`Effect`]s that come back (a search, an export, a copy)
//! are carried out here, the only place the TUI does I/O. Messages that arrive together are
//! applied together and drawn once.
//!
//! The terminal is restored on every way out: a normal quit, an error, a panic (the panic hook
//! restores it before printing one readable line), and SIGTERM, SIGHUP or SIGINT.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent, KeyCode, KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

use super::action::{Action, Event};
use super::background;
use super::state::{State, Status};
use super::theme::ThemeName;
use super::update::{self, Effect};
use super::view::view;
use crate::compare;
use crate::corpus::{BUNDLED_NAME, Lang, LoadError};
use crate::export;
use crate::i18n::{tr, trf};
use crate::search::{self, worker::Worker};
use crate::userdata::UserData;

/// How many ranked results the browser keeps for a query (the list shows a window of them).
pub const RESULT_LIMIT: usize = 1000;

/// Set this variable to make F12 panic inside the event loop (for the terminal-restore tests).
pub const TEST_PANIC_ENV: &str = "EVIDEX_TEST_PANIC";

/// What the browser is opened on.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A corpus file, opened alone; `None` opens the bundled corpus with the library.
    pub corpus: Option<PathBuf>,
    /// The library opened with the bundled corpus when the file exists.
    pub library: Option<PathBuf>,
    pub lang: Lang,
    /// The theme asked for (`--theme`, `EVIDEX_THEME`, the configuration); `None` follows
    /// `NO_COLOR` and the terminal's background.
    pub theme: Option<ThemeName>,
    /// The user's configuration (keys, colours, split, export folder).
    pub config: crate::config::Config,
    /// A message for the status bar at start (the configuration's problems).
    pub notice: Option<String>,
}

/// Why the browser ended other than by the user quitting.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(
        "the browser needs an interactive terminal, and {0}. \
         For plain output use `evidex search QUERY`, `evidex show ID` or `evidex compare A B`."
    )]
    NoTerminal(&'static str),
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("terminal error: {0}")]
    Io(#[from] io::Error),
    #[error("stopped by signal {0}")]
    Signal(i32),
}

impl AppError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Signal(sig) => 128u8.saturating_add(*sig as u8),
            AppError::Io(_) => 1,
            AppError::NoTerminal(_) | AppError::Load(_) => 2,
        }
    }
}

/// Whether `NO_COLOR` asks for a monochrome screen (any non-empty value, per no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Refuses to start where a full-screen program cannot work.
fn check_terminal() -> Result<(), AppError> {
    if !io::stdout().is_terminal() {
        return Err(AppError::NoTerminal("standard output is not a terminal"));
    }
    if !io::stdin().is_terminal() {
        return Err(AppError::NoTerminal("standard input is not a terminal"));
    }
    match std::env::var("TERM").as_deref() {
        Ok("dumb") => Err(AppError::NoTerminal("TERM=dumb cannot draw a full screen")),
        _ => Ok(()),
    }
}

/// Undoes everything [`TerminalGuard::enter`] did. Safe to call more than once.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// Raw mode, the alternate screen, mouse capture and bracketed paste, undone on drop.
pub struct TerminalGuard(());

impl TerminalGuard {
    pub fn enter() -> io::Result<TerminalGuard> {
        enable_raw_mode()?;
        let guard = TerminalGuard(());
        execute!(
            io::stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        Ok(guard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// A panic restores the terminal, prints one readable line instead of a backtrace, and ends
/// the process (a panic on the search thread must not leave a frozen screen behind).
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        restore_terminal();
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "evidex: internal error: {}{at}. The terminal has been restored. \
             This is a bug; please report it with the steps that led to it.",
            crate::text::clean_block(&msg)
        );
        std::process::exit(101);
    }));
}

/// Messages into the loop.
enum Msg {
    Term(TermEvent),
    App(Event),
}

/// Opens the browser and runs it until the user quits.
pub fn run(opts: Options) -> Result<(), AppError> {
    check_terminal()?;
    let signal = Arc::new(AtomicUsize::new(0));
    // Every signal whose default would end the process ends it through the loop instead, so
    // the terminal is restored first.
    for sig in ENDING_SIGNALS {
        signal_hook::flag::register_usize(*sig, signal.clone(), *sig as usize)?;
    }
    // A stop from outside (`kill -TSTP`) is carried out by the loop too: terminal first.
    let stop = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGTSTP, stop.clone())?;
    install_panic_hook();
    let guard = TerminalGuard::enter()?;
    // In raw mode, and before the input thread starts, so that the terminal's answer to the
    // background query is read here and never taken for typed keys.
    let colorfgbg = std::env::var("COLORFGBG").ok();
    let theme = background::choose(
        opts.theme.or(opts.config.theme),
        no_color(),
        colorfgbg.as_deref(),
        || background::query_terminal(background::QUERY_TIMEOUT),
    );
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;
    let result = event_loop(&mut terminal, &opts, theme, &signal, &stop);
    drop(terminal);
    drop(guard);
    result
}

fn event_loop(
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    opts: &Options,
    theme: ThemeName,
    signal: &AtomicUsize,
    stop: &AtomicBool,
) -> Result<(), AppError> {
    let size = terminal.size()?;
    let name = opts
        .corpus
        .as_deref()
        .map_or(BUNDLED_NAME.to_string(), |p| p.display().to_string());
    let mut state = State::new(&name, opts.lang, size.width, size.height);
    state.theme = theme;
    state.keymap = Arc::new(opts.config.keymap.clone());
    state.split = opts.config.split;
    state.colors = opts.config.colors.clone();
    let env = |k: &str| std::env::var(k).ok();
    state.hyperlinks = super::hyperlink::enabled(opts.config.hyperlinks, &env);
    state.status = opts.notice.clone().map(super::state::Status::error);
    let export_dir = export_dir(opts.config.export_dir.as_deref());
    let data = UserData::default_dir().map(UserData::at);
    if let Some(u) = &data {
        // Unreadable history or marks are not worth stopping for: the browser starts without.
        let mut history = u.history().unwrap_or_default();
        // A smaller `history_size` than the file's length keeps the newest.
        history.drain(..history.len().saturating_sub(opts.config.history_size()));
        state.history = history;
        state.pending_marks = u.marks().unwrap_or_default();
        state.notes = u.notes().unwrap_or_default();
    }
    let test_panic = std::env::var_os(TEST_PANIC_ENV).is_some_and(|v| v == "1");

    let (tx, rx) = mpsc::channel::<Msg>();
    spawn_reader(tx.clone());
    spawn_loader(
        opts.corpus.clone(),
        opts.library.clone(),
        state.lang,
        tx.clone(),
    );
    let mut worker: Option<Worker> = None;

    let started = std::time::Instant::now();
    terminal.draw(|f| view(&state, f))?;
    loop {
        let first = match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let sig = signal.load(Ordering::Relaxed);
        if sig != 0 {
            return Err(AppError::Signal(sig as i32));
        }
        if stop.swap(false, Ordering::Relaxed) {
            suspend(terminal, &mut state)?;
            terminal.draw(|f| view(&state, f))?;
        }
        let first = match first {
            Some(m) => m,
            // While loading, the progress line shows the time passing.
            None if state.engine().is_none() => Msg::App(Event::Action(Action::Tick(
                started.elapsed().as_millis() as u64,
            ))),
            None => continue,
        };
        // Apply everything that is waiting, then draw once.
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            let event = match msg {
                Msg::App(Event::Loaded(Ok(engine))) => {
                    let tx = tx.clone();
                    let w = Worker::spawn(engine.clone(), RESULT_LIMIT, move |reply| {
                        let _ = tx.send(Msg::App(Event::Search(reply)));
                    });
                    w.set_notes(note_index(&state.notes));
                    worker = Some(w);
                    Event::Loaded(Ok(engine))
                }
                Msg::App(Event::Loaded(Err(e))) => return Err(AppError::Load(e)),
                Msg::App(ev) => ev,
                Msg::Term(ev) => match translate(&state, &ev, test_panic) {
                    Some(ev) => ev,
                    None => continue,
                },
            };
            for effect in update::handle(&mut state, event) {
                match effect {
                    Effect::Suspend => suspend(terminal, &mut state)?,
                    effect => perform(
                        effect,
                        &mut state,
                        &EffectContext {
                            worker: worker.as_ref(),
                            export_dir: &export_dir,
                            data: data.as_ref(),
                            history_size: opts.config.history_size(),
                            opener: opts.config.opener.as_deref(),
                            tx: &tx,
                        },
                    ),
                }
            }
            if state.quit {
                return Ok(());
            }
        }
        terminal.draw(|f| view(&state, f))?;
    }
    Ok(())
}

/// The signals that end the process by default and can be caught: each restores the terminal
/// before evidex exits with 128 + the signal's number.
const ENDING_SIGNALS: &[i32] = &[
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGQUIT,
    signal_hook::consts::SIGUSR1,
    signal_hook::consts::SIGUSR2,
    signal_hook::consts::SIGALRM,
    signal_hook::consts::SIGVTALRM,
    signal_hook::consts::SIGPROF,
];

/// Ctrl-Z: the terminal is given back as it was (cooked mode, main screen, no mouse), the
/// process group stops as a shell's job does on Ctrl-Z (so a wrapper script stops with it),
/// and on `fg` (SIGCONT) evidex takes the terminal again and redraws everything.
fn suspend(
    terminal: &mut Terminal<CrosstermBackend<io::Stdout>>,
    state: &mut State,
) -> io::Result<()> {
    restore_terminal();
    stop_process_group()?;
    // Here after SIGCONT.
    enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableMouseCapture,
        EnableBracketedPaste,
        Clear(ClearType::All)
    )?;
    // A new terminal has empty buffers, so the next draw repaints every cell; `clear` would
    // ask the terminal for the cursor position, whose answer the input thread would take.
    *terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    // The window may have been resized meanwhile.
    let size = terminal.size()?;
    update::update(state, Action::Resize(size.width, size.height));
    Ok(())
}

#[cfg(unix)]
fn stop_process_group() -> io::Result<()> {
    // SIGSTOP, not SIGTSTP: evidex catches SIGTSTP itself (to restore the terminal first).
    rustix::process::kill_current_process_group(rustix::process::Signal::STOP)?;
    Ok(())
}

#[cfg(not(unix))]
fn stop_process_group() -> io::Result<()> {
    Ok(())
}

/// Turns a terminal event into the browser's event, through the keymap.
fn translate(state: &State, ev: &TermEvent, test_panic: bool) -> Option<Event> {
    let action = match ev {
        TermEvent::Key(k) if k.kind != KeyEventKind::Release => {
            if test_panic && k.code == KeyCode::F(12) {
                Action::TestPanic
            } else {
                state
                    .keymap
                    .action_for(state.context(), state.input.is_empty(), k)?
            }
        }
        TermEvent::Paste(text) => return Some(Event::Paste(text.clone())),
        TermEvent::Resize(w, h) => Action::Resize(*w, *h),
        TermEvent::Mouse(m) => match m.kind {
            MouseEventKind::ScrollDown => Action::ScrollAt {
                x: m.column,
                y: m.row,
                down: true,
            },
            MouseEventKind::ScrollUp => Action::ScrollAt {
                x: m.column,
                y: m.row,
                down: false,
            },
            MouseEventKind::Down(MouseButton::Left) => Action::ClickAt {
                x: m.column,
                y: m.row,
            },
            _ => return None,
        },
        _ => return None,
    };
    Some(Event::Action(action))
}

/// Carries out one effect.
/// What carrying out effects needs besides the state.
struct EffectContext<'a> {
    worker: Option<&'a Worker>,
    export_dir: &'a Path,
    /// The user's data directory, where history and marks are kept (`None`: no home).
    data: Option<&'a UserData>,
    /// How many queries the history keeps (the configuration's `history_size`).
    history_size: usize,
    /// The configuration's command that opens web addresses.
    opener: Option<&'a str>,
    /// For what background work reports later (an opener that failed).
    tx: &'a Sender<Msg>,
}

fn perform(effect: Effect, state: &mut State, ctx: &EffectContext) {
    let worker = ctx.worker;
    let export_dir = ctx.export_dir;
    match effect {
        Effect::Search { generation, text } => {
            if let Some(w) = worker {
                w.submit(generation, &text);
            }
        }
        Effect::Export(records, of_therapy) => {
            let msg = match state.corpus() {
                Some(c) => {
                    let sof = compare::sof::summary(c, &records, state.lang);
                    let refs = crate::cite::references(c, &records, state.lang);
                    let extra = [
                        ("sof.md", export::sof::markdown(&sof)),
                        ("sof.csv", format!("\u{feff}{}", export::sof::csv(&sof))),
                        ("ris", crate::cite::ris(&refs)),
                        ("bib", crate::cite::bibtex(&refs)),
                    ];
                    export::write_files_with(
                        &compare::build_with(
                            c,
                            &records,
                            of_therapy,
                            state.lang,
                            state.compare.events,
                        ),
                        &extra,
                        export_dir,
                        &state.notes,
                    )
                    .map_err(|e| e.to_string())
                }
                None => Err(tr(state.lang, "the corpus is still loading").into_owned()),
            };
            let ev = Event::Status(match msg {
                Ok(m) => Status::info(m.message(state.lang)),
                Err(m) => Status::error(m.to_string()),
            });
            update::handle(state, ev);
        }
        Effect::Copy(records, of_therapy) => {
            let ev = match state.corpus() {
                Some(c) => {
                    let cmp = compare::build_with(
                        c,
                        &records,
                        of_therapy,
                        state.lang,
                        state.compare.events,
                    );
                    let md = export::markdown(&cmp) + &export::user_notes(&cmp, &state.notes);
                    match copy_osc52(&md) {
                        Ok(()) => Event::Status(Status::info(trf(
                            state.lang,
                            "copied the comparison as Markdown (%{n} bytes) to the clipboard (OSC 52)",
                            &[("n", &md.len())],
                        ))),
                        Err(e) => Event::Status(Status::error(trf(
                            state.lang,
                            "could not copy: %{e}",
                            &[("e", &e)],
                        ))),
                    }
                }
                None => Event::Status(Status::error(tr(state.lang, "the corpus is still loading"))),
            };
            update::handle(state, ev);
        }
        Effect::CopyOutcome { record, outcome } => {
            let ev = match state.corpus() {
                Some(c) if record.kind == crate::corpus::Kind::Trial => {
                    let t = c.trial(record.index);
                    match t.outcomes.get(outcome) {
                        Some(o) => {
                            let text = crate::cite::outcome_snippet(c, t, o, state.lang);
                            match copy_osc52(&text) {
                                Ok(()) => Event::Status(Status::info(trf(
                                    state.lang,
                                    "copied %{name} %{endpoint}: figure, quote and reference (%{n} bytes) to the clipboard (OSC 52)",
                                    &[
                                        (
                                            "name",
                                            &crate::text::clean(c.name_of(record, state.lang)),
                                        ),
                                        ("endpoint", &crate::text::clean(&o.endpoint)),
                                        ("n", &text.len()),
                                    ],
                                ))),
                                Err(e) => Event::Status(Status::error(trf(
                                    state.lang,
                                    "could not copy: %{e}",
                                    &[("e", &e)],
                                ))),
                            }
                        }
                        None => Event::Status(Status::error(tr(
                            state.lang,
                            "that outcome is no longer shown",
                        ))),
                    }
                }
                Some(_) => Event::Status(Status::error(tr(
                    state.lang,
                    "only a trial's outcomes can be copied",
                ))),
                None => Event::Status(Status::error(tr(state.lang, "the corpus is still loading"))),
            };
            update::handle(state, ev);
        }
        Effect::Remember(query) => {
            if let Some(u) = ctx.data {
                match u.remember(&query, ctx.history_size) {
                    Ok(h) => state.history = h,
                    Err(e) => {
                        state.status = Some(Status::error(trf(
                            state.lang,
                            "history not saved: %{e}",
                            &[("e", &e)],
                        )))
                    }
                }
            }
        }
        Effect::SaveSet { name, ids } => {
            state.status = Some(match ctx.data {
                Some(u) => match u.save_set(&name, &ids, &crate::userdata::today()) {
                    Ok(set) => Status::info(trf(
                        state.lang,
                        "saved the set %{name} (%{n} records) · O opens it · evidex set show",
                        &[
                            ("name", &crate::text::clean(&set.name)),
                            ("n", &set.records.len()),
                        ],
                    )),
                    Err(e) => Status::error(trf(state.lang, "set not saved: %{e}", &[("e", &e)])),
                },
                None => Status::error(tr(state.lang, "no data directory to keep sets in")),
            });
        }
        Effect::SaveNote { record, text } => {
            state.status = Some(match ctx.data {
                Some(u) => match u.set_note(&record, &text, &crate::userdata::today()) {
                    Ok(notes) => {
                        state.notes = notes;
                        if let Some(w) = worker {
                            w.set_notes(note_index(&state.notes));
                            // A query with a note filter is asked again, with the new notes.
                            for e in update::notes_changed(state) {
                                if let Effect::Search { generation, text } = e {
                                    w.submit(generation, &text);
                                }
                            }
                        }
                        Status::info(if text.is_empty() {
                            tr(state.lang, "note removed")
                        } else {
                            tr(
                                state.lang,
                                "note saved: it shows at the end of the detail and in exports",
                            )
                        })
                    }
                    Err(e) => Status::error(trf(state.lang, "note not saved: %{e}", &[("e", &e)])),
                },
                None => Status::error(tr(state.lang, "no data directory to keep notes in")),
            });
            state.refresh_detail();
        }
        Effect::LoadSets => {
            let sets = match ctx.data {
                Some(u) => u.sets().map_err(|e| e.to_string()),
                None => Err("no data directory".to_string()),
            };
            update::handle(state, Event::Sets(sets));
        }
        Effect::SaveMarks(ids) => {
            if let Some(u) = ctx.data
                && let Err(e) = u.save_marks(&ids)
            {
                state.status = Some(Status::error(trf(
                    state.lang,
                    "marks not saved: %{e}",
                    &[("e", &e)],
                )));
            }
        }
        Effect::OpenUrl(url) => {
            let env = |k: &str| std::env::var(k).ok();
            let tx = ctx.tx.clone();
            let lang = state.lang;
            let started = crate::opener::choose(ctx.opener, &env, lang).and_then(|o| {
                crate::opener::open(&o, &url, lang, move |r| {
                    if let Err(e) = r {
                        let _ = tx.send(Msg::App(Event::Status(Status::error(trf(
                            lang,
                            "could not open the link: %{e}",
                            &[("e", &e)],
                        )))));
                    }
                })
            });
            state.status = Some(match started {
                Ok(()) => Status::info(trf(
                    state.lang,
                    "opened %{url} in the browser",
                    &[("url", &url)],
                )),
                Err(e) => Status::error(trf(
                    state.lang,
                    "%{e}; the address is %{url}",
                    &[("e", &e), ("url", &url)],
                )),
            });
        }
        Effect::Panic => panic!("test panic requested with {TEST_PANIC_ENV}=1"),
        // Carried out by the loop, which owns the terminal.
        Effect::Suspend => {}
    }
}

/// The user's notes as the search reads them (for `note:` and `has:note`).
fn note_index(notes: &[crate::userdata::Note]) -> Arc<search::NoteIndex> {
    Arc::new(search::NoteIndex::new(
        notes.iter().map(|n| (n.record.as_str(), n.text.as_str())),
    ))
}

/// Where `e` writes: `EVIDEX_EXPORT_DIR`, else the configuration's `export_dir`, else the
/// current directory.
fn export_dir(configured: Option<&std::path::Path>) -> PathBuf {
    std::env::var_os("EVIDEX_EXPORT_DIR")
        .map(PathBuf::from)
        .or_else(|| configured.map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Puts `text` on the clipboard of the terminal (and of the machine running it, over SSH) with
/// an OSC 52 escape sequence.
fn copy_osc52(text: &str) -> io::Result<()> {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut out = io::stdout().lock();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}

/// Reads terminal events on their own thread so the loop never blocks on the keyboard.
fn spawn_reader(tx: Sender<Msg>) {
    let _ = std::thread::Builder::new()
        .name("evidex-input".into())
        .spawn(move || {
            while let Ok(ev) = event::read() {
                if tx.send(Msg::Term(ev)).is_err() {
                    break;
                }
            }
        });
}

/// What is loaded, for the status bar, in `lang`: `loaded the bundled corpus and the library:
/// 1,204 studies (PATH)`; nothing when no library is part of it.
pub fn loaded_status(l: &crate::library::load::Loaded, lang: Lang) -> Option<String> {
    let path = l.library.as_ref()?;
    let mut s = trf(
        lang,
        if l.library_studies == 1 {
            "loaded the bundled corpus and the library: %{n} study (%{path})"
        } else {
            "loaded the bundled corpus and the library: %{n} studies (%{path})"
        },
        &[
            ("n", &l.library_studies),
            ("path", &crate::text::clean(&path.display().to_string())),
        ],
    );
    if l.library_skipped > 0 {
        s.push_str(&trf(
            lang,
            "; %{n} not mapped, see `evidex library`",
            &[("n", &l.library_skipped)],
        ));
    }
    Some(s)
}

/// Loads and indexes the corpus (and the library) in the background: the first frame never
/// waits for it. The status bar then says what was loaded when a library is part of it.
fn spawn_loader(path: Option<PathBuf>, library: Option<PathBuf>, lang: Lang, tx: Sender<Msg>) {
    let _ = std::thread::Builder::new()
        .name("evidex-load".into())
        .spawn(move || {
            let loaded =
                crate::library::open_corpus(path.as_deref(), library.as_deref()).map_err(|e| {
                    match e {
                        crate::library::load::OpenError::Corpus(e) => e,
                        // `main` checks the library before the browser starts; a failure
                        // while reading it is reported as the file that could not be read.
                        crate::library::load::OpenError::Library(e) => LoadError::Io {
                            path: library.clone().unwrap_or_default(),
                            reason: e.to_string(),
                        },
                    }
                });
            let (ev, status) = match loaded {
                Ok(l) => {
                    let status = loaded_status(&l, lang);
                    (Ok(Arc::new(search::engine(Arc::new(l.corpus)))), status)
                }
                Err(e) => (Err(e), None),
            };
            let _ = tx.send(Msg::App(Event::Loaded(ev)));
            if let Some(status) = status {
                let _ = tx.send(Msg::App(Event::Status(super::state::Status::info(status))));
            }
        });
}
