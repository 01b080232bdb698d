//! The event loop and the terminal it owns.
//!
//! `run` checks that there is a terminal to draw on, puts it in raw mode on the alternate
//! screen behind a [`TerminalGuard`], and then only moves messages: key and mouse events from a
//! reader thread, the loaded corpus from a loader thread, results from the search worker. Each
//! message goes through `update`; the [`Effect`]s that come back (a search, an export, a copy)
//! are carried out by `tui::effects` (suspending by the loop itself, which owns the terminal):
//! with drawing, the only I/O of the TUI. Messages that arrive together are applied together
//! and drawn once.
//!
//! The terminal is restored on every way out: a normal quit, an error, a panic (the panic hook
//! restores it before printing one readable line), and SIGTERM, SIGHUP or SIGINT.

use std::io::{self, IsTerminal};
use std::path::PathBuf;
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
use super::effects::{EffectContext, note_index, perform};
use super::state::State;
use super::theme::ThemeName;
use super::update::{self, Effect};
use super::view::view;
use crate::corpus::{BUNDLED_NAME, Lang, LoadError};
use crate::i18n::trf;
use crate::search::worker::Worker;
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
        crate::note!(
            "evidex: internal error: {}{at}. The terminal has been restored. \
             This is a bug; please report it with the steps that led to it.",
            crate::text::clean_block(&msg)
        );
        std::process::exit(101);
    }));
}

/// Messages into the loop.
pub(super) enum Msg {
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
    let data = UserData::default_dir().map(UserData::at);
    let mut state = initial_state(opts, theme, size, data.as_ref());
    let export_dir = export_dir(opts.config.export_dir.as_deref());
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
            let Some(event) = incoming(msg, &state, &mut worker, &tx, test_panic)? else {
                continue;
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

/// The state the browser starts in: the options and the configuration applied, and the
/// user's history, marks and notes read from `data`.
fn initial_state(
    opts: &Options,
    theme: ThemeName,
    size: ratatui::layout::Size,
    data: Option<&UserData>,
) -> State {
    // What the loading screen names: the file, or the bundled corpus and the library.
    let name = match (&opts.corpus, &opts.library) {
        (Some(p), _) => p.display().to_string(),
        (None, Some(lib)) if lib.is_file() => format!("{BUNDLED_NAME} + {}", lib.display()),
        (None, _) => BUNDLED_NAME.to_string(),
    };
    let mut state = State::new(&name, opts.lang, size.width, size.height);
    state.theme = theme;
    state.keymap = Arc::new(opts.config.keymap.clone());
    state.split = opts.config.split;
    state.colors = opts.config.colors.clone();
    let env = |k: &str| std::env::var(k).ok();
    state.hyperlinks = super::hyperlink::enabled(opts.config.hyperlinks, &env);
    state.status = opts.notice.clone().map(super::state::Status::error);
    if let Some(u) = data {
        // Unreadable history or marks are not worth stopping for: the browser starts without.
        let mut history = u.history().unwrap_or_default();
        // A smaller `history_size` than the file's length keeps the newest.
        history.drain(..history.len().saturating_sub(opts.config.history_size()));
        state.history = history;
        state.pending_marks = u.marks().unwrap_or_default();
        state.notes = u.notes().unwrap_or_default();
    }
    state
}

/// The event a message brings for `update` (none for a terminal event no key is bound to).
/// The loaded corpus starts the search worker; a corpus that failed to load ends the loop.
fn incoming(
    msg: Msg,
    state: &State,
    worker: &mut Option<Worker>,
    tx: &Sender<Msg>,
    test_panic: bool,
) -> Result<Option<Event>, AppError> {
    Ok(match msg {
        Msg::App(Event::Loaded(Ok(engine))) => {
            let tx = tx.clone();
            let w = Worker::spawn(engine.clone(), RESULT_LIMIT, move |reply| {
                let _ = tx.send(Msg::App(Event::Search(reply)));
            });
            w.set_notes(note_index(&state.notes));
            *worker = Some(w);
            Some(Event::Loaded(Ok(engine)))
        }
        Msg::App(Event::Loaded(Err(e))) => return Err(AppError::Load(e)),
        Msg::App(ev) => Some(ev),
        Msg::Term(ev) => translate(state, &ev, test_panic),
    })
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

/// Where `e` writes: `EVIDEX_EXPORT_DIR`, else the configuration's `export_dir`, else the
/// current directory.
fn export_dir(configured: Option<&std::path::Path>) -> PathBuf {
    std::env::var_os("EVIDEX_EXPORT_DIR")
        .map(PathBuf::from)
        .or_else(|| configured.map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("."))
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
                    (Ok(Arc::new(l.engine)), status)
                }
                Err(e) => (Err(e), None),
            };
            let _ = tx.send(Msg::App(Event::Loaded(ev)));
            if let Some(status) = status {
                let _ = tx.send(Msg::App(Event::Status(super::state::Status::info(status))));
            }
        });
}
