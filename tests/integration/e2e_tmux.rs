//! End-to-end: the real binary in a real terminal (tmux), driven with send-keys and read with
//! capture-pane. Each test uses its own tmux server, so tests run in parallel and never touch
//! a user's sessions. Where tmux is missing the tests say so and pass; `.ci/run` installs it,
//! so in CI they always run.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_evidex");

fn have_tmux() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipping: tmux is not installed (apt-get install -y tmux); .ci/run installs it");
    }
    ok
}

/// A tmux server with one pane running a plain shell.
struct Tmux {
    socket: String,
    /// The shell's HOME: evidex's configuration and data directories are inside, so no test
    /// reads or writes the user's, and each test starts with none.
    _home: tempfile::TempDir,
}

impl Tmux {
    fn new(width: u16, height: u16) -> Tmux {
        static N: AtomicUsize = AtomicUsize::new(0);
        let socket = format!(
            "evidex-e2e-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let home = tempfile::tempdir().expect("a temporary home");
        let home_var = format!("HOME={}", home.path().display());
        let t = Tmux {
            socket,
            _home: home,
        };
        let o = t.tmux(&[
            "-f",
            "/dev/null",
            "new-session",
            "-d",
            "-x",
            &width.to_string(),
            "-y",
            &height.to_string(),
            "env",
            "-i",
            &format!("PATH={}", std::env::var("PATH").unwrap_or_default()),
            "TERM=xterm-256color",
            &home_var,
            "LANG=C.UTF-8",
            "PS1=$ ",
            "bash",
            "--norc",
            "--noprofile",
        ]);
        assert!(
            o.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        t.wait_for("$", |s| s.contains('$'));
        t
    }

    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    /// Types literal text.
    fn type_text(&self, text: &str) {
        self.tmux(&["send-keys", "-t", "0", "-l", text]);
    }

    /// Sends named keys (Enter, Escape, Down, C-c, F12, …).
    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", "0", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.tmux(&["capture-pane", "-t", "0", "-p"]).stdout).into_owned()
    }

    /// Waits until the screen satisfies `pred`, for up to 10 s; fails showing the screen.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(10) {
                panic!("timed out waiting for {what:?}; the screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, needle: &str) -> String {
        self.wait_for(needle, |s| s.contains(needle))
    }

    /// Runs evidex in the pane's shell, followed (once it exits) by a report of its exit code
    /// and of whether the terminal is back in cooked mode (canonical input and echo on). The
    /// report is part of the same command line, so no typing races the program's exit.
    fn start(&self, args: &str) {
        self.start_with_env("", args);
    }

    fn start_with_env(&self, env: &str, args: &str) {
        self.type_text(&format!(
            "{env} {BIN} {args}; echo \"rc=$?\"; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '; echo END"
        ));
        self.keys(&["Enter"]);
    }

    /// Waits for evidex to be ready for typing: loaded, first results drawn.
    fn ready(&self) {
        self.wait_for("the first results", |s| {
            // In English, or in Chinese when started with --lang zh.
            (s.contains("Search ›") && s.contains("results ·"))
                || (s.contains("搜索 ›") && s.contains("条结果 ·"))
        });
    }

    /// A `width`x`height` terminal running evidex with `env` and `args`, its first results
    /// drawn.
    fn browser(width: u16, height: u16, env: &str, args: &str) -> Tmux {
        let t = Tmux::new(width, height);
        t.start_with_env(env, args);
        t.ready();
        t
    }

    /// Types `query` and waits until its search is done with `expect` on the screen.
    fn search(&self, query: &str, expect: &str) -> String {
        self.type_text(query);
        self.wait_for(expect, |s| s.contains(expect) && !s.contains("searching"))
    }

    /// Types `query` and waits until the search line shows it and `name` is the first row.
    fn first_result(&self, query: &str, name: &str) -> String {
        self.type_text(query);
        self.wait_for(&format!("{name} first"), |s| {
            s.contains(&format!("Search › {query}"))
                && s.lines().nth(3).is_some_and(|l| l.contains(name))
        })
    }

    /// Searches for EMERALD-1 and LEAP-012 and marks both.
    fn mark_emerald_and_leap(&self) {
        self.type_text("emerald | leap-012");
        self.wait_for("two results", |s| {
            s.contains("LEAP-012") && s.contains("EMERALD-1") && !s.contains("searching")
        });
        self.keys(&["Down", "Space", "Space"]);
    }

    /// Opens CHANCE 2203's detail with the link cursor on its registry line.
    fn chance_registry_line(&self) {
        self.type_text("chance-2203");
        self.wait_for("CHANCE 2203", |s| {
            s.contains("CHANCE") && s.contains("1 result") && !s.contains("searching")
        });
        self.keys(&["Down", "Enter", "Tab"]);
    }

    /// Writes `text` as the note of the selected record, through the `n` prompt.
    fn write_note(&self, text: &str) {
        self.type_text("n");
        self.wait_for("the note prompt", |s| s.contains("Your note ›"));
        self.type_text(text);
        self.keys(&["Enter"]);
        self.wait_text("note saved");
    }

    /// Sends `sig` (`TERM`, `TSTP`, …) to the program the pane's shell runs.
    fn signal(&self, sig: &str) -> Output {
        let pid = self.tmux(&["display-message", "-p", "-t", "0", "#{pane_pid}"]);
        let shell = String::from_utf8_lossy(&pid.stdout).trim().to_string();
        Command::new("pkill")
            .args([&format!("-{sig}"), "-P", &shell])
            .output()
            .expect("pkill runs")
    }

    /// Sends `keys`, the last of them quitting: evidex exits with 0. The screen after.
    fn quit(&self, keys: &[&str]) -> String {
        self.keys(keys);
        let (rc, s) = self.after_exit();
        assert_eq!(rc, "0", "{s}");
        s
    }

    /// After evidex has exited: its exit code, and the screen with the cooked-mode report.
    fn after_exit(&self) -> (String, String) {
        let s = self.wait_for("the exit report", |s| {
            let lines: Vec<&str> = s.lines().collect();
            lines
                .windows(2)
                .any(|w| w[0].starts_with("rc=") && w[1].trim_end().ends_with("END"))
        });
        let rc = s
            .lines()
            .find_map(|l| l.strip_prefix("rc="))
            .unwrap_or("")
            .trim()
            .to_string();
        (rc, s)
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

impl Tmux {
    /// Whether the pane is still on the alternate screen or still reporting the mouse.
    fn modes(&self) -> String {
        let o = self.tmux(&[
            "display-message",
            "-p",
            "-t",
            "0",
            "alt=#{alternate_on} mouse=#{mouse_any_flag}",
        ]);
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    /// After exit: cooked mode, main screen, no mouse reporting.
    fn assert_restored(&self, screen: &str) {
        assert_cooked(screen);
        assert_eq!(self.modes(), "alt=0 mouse=0", "{screen}");
    }
}

/// Runs the binary from the shell with its data and configuration in `home`.
fn evidex_at(home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .env("XDG_DATA_HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .args(args)
        .output()
        .unwrap()
}

fn assert_cooked(screen: &str) {
    assert!(
        screen.contains("icanon echo"),
        "terminal not restored to cooked mode:\n{screen}"
    );
    assert!(
        !screen.contains("-icanon") && !screen.contains("-echo"),
        "{screen}"
    );
}

#[test]
fn search_read_mark_compare_help_and_quit() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::browser(120, 40, "", "");
    let s = t.first_result("emer", "EMERALD-1");
    assert!(s.contains("PFS 15.0 vs 8.2"), "{s}");
    // Read the detail and its sources.
    t.keys(&["Enter", "Enter", "G"]);
    t.wait_text("003-liver-interventional-2025");
    t.keys(&["Escape"]);
    t.keys(&["Space"]);
    t.wait_text("Marked 1/4");
    // Find LEAP-012 and mark it too.
    t.keys(&["/", "C-u"]);
    t.type_text("leap-012");
    t.wait_for("LEAP-012 first", |s| {
        s.lines().nth(3).is_some_and(|l| l.contains("LEAP-012"))
    });
    t.keys(&["Down", "Space"]);
    t.wait_text("Marked 2/4");
    t.keys(&["c"]);
    let s = t.wait_text("Cross-trial comparison");
    assert!(s.contains("EMERALD-1") && s.contains("LEAP-012"), "{s}");
    t.keys(&["Tab"]);
    t.wait_text("Hazard ratios");
    t.keys(&["?"]);
    t.wait_text("Keys: Comparison");
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("Keys: Comparison"));
    let s = t.quit(&["Escape", "q"]);
    t.assert_restored(&s);
}

#[test]
fn works_at_80x24_with_chinese_names() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::browser(80, 24, "", "--lang zh");
    t.type_text("aoxitini");
    t.wait_text("奥希替尼");
    let s = t.quit(&["C-c"]);
    t.assert_restored(&s);
}

#[test]
fn too_small_then_resized() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new(40, 10);
    t.start("");
    t.wait_text("too small");
    t.tmux(&["resize-window", "-t", "0", "-x", "100", "-y", "30"]);
    t.wait_text("Search ›");
    t.quit(&["C-c"]);
}

#[test]
fn a_bad_corpus_gets_a_message_and_a_clean_terminal() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("broken.json");
    std::fs::write(&p, "{\"trials\": [\n  {\"id\": 5}\n]}\n").unwrap();
    let t = Tmux::new(100, 30);
    t.start(&format!("--corpus {}", p.display()));
    let (rc, s) = t.after_exit();
    assert_eq!(rc, "2", "{s}");
    t.assert_restored(&s);
    assert!(s.contains("broken.json:2:"), "{s}");
    assert!(s.contains("trials[0].id"), "{s}");
}

#[test]
fn a_panic_restores_the_terminal_and_prints_one_line() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::browser(100, 30, "EVIDEX_TEST_PANIC=1", "");
    t.keys(&["F12"]);
    let s = t.wait_text("internal error");
    let joined = s.replace('\n', "");
    assert!(joined.contains("terminal has been restored"), "{s}");
    assert!(!s.contains("RUST_BACKTRACE"), "{s}");
    let (rc, s) = t.after_exit();
    assert_eq!(rc, "101", "{s}");
    t.assert_restored(&s);
}

#[test]
fn every_ending_signal_restores_the_terminal() {
    if !have_tmux() {
        return;
    }
    for (sig, code) in [
        ("TERM", "143"),
        ("HUP", "129"),
        ("QUIT", "131"),
        ("USR1", "138"),
        ("ALRM", "142"),
    ] {
        let t = Tmux::new(100, 30);
        t.start("");
        t.wait_text("Search ›");
        let o = t.signal(sig);
        assert!(o.status.success(), "pkill -{sig}");
        let (rc, s) = t.after_exit();
        assert_eq!(rc, code, "SIG{sig}: {s}");
        t.assert_restored(&s);
    }
}

/// Ctrl-Z and `kill -TSTP` give the terminal back and stop evidex as a shell job; `fg` takes
/// it again and redraws the whole screen, with the query as it was.
#[test]
fn ctrl_z_suspends_and_fg_resumes_with_a_full_redraw() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new(100, 30);
    // Alone on its command line, so the shell does not run on after the stop.
    t.type_text(BIN);
    t.keys(&["Enter"]);
    t.ready();
    t.type_text("tace");
    t.wait_text("Search › tace");
    for how in ["key", "signal"] {
        if how == "key" {
            t.keys(&["C-z"]);
        } else {
            t.signal("TSTP");
        }
        t.wait_text("Stopped");
        assert_eq!(t.modes(), "alt=0 mouse=0", "{how}");
        t.type_text("clear; stty -a | tr ' ;' '\\n\\n' | grep -xE -- '-?(icanon|echo)' | tr '\\n' ' '; echo END");
        t.keys(&["Enter"]);
        let s = t.wait_for("the mode report", |s| {
            s.contains("END") && s.contains("echo ")
        });
        assert_cooked(&s);
        t.type_text("fg");
        t.keys(&["Enter"]);
        // Every line is drawn again, not only those that changed.
        t.wait_for("a full redraw", |s| {
            s.contains("Search › tace") && s.contains("Results") && !s.contains("END")
        });
        assert_eq!(t.modes(), "alt=1 mouse=1", "{how}");
    }
    t.keys(&["C-c"]);
    t.wait_text("$");
    assert_eq!(t.modes(), "alt=0 mouse=0");
}

#[test]
fn escape_sequences_in_the_corpus_do_not_reach_the_terminal() {
    if !have_tmux() {
        return;
    }
    let evil = "Evil\u{1b}]2;PWNED\u{7}\u{1b}]0;PWNED\u{7}\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2J\u{1b}[5;5H\u{7}\u{9b}31m\u{202e}x";
    let name = serde_json::to_string(evil).unwrap();
    let corpus = format!(
        r#"{{"sources": [{{"id": "s", "title": {{"en": {name}}}, "language": "en"}}],
 "trials": [{{"id": "evil", "title": {{"en": {name}}}, "setting": {name}, "flags": [{name}],
   "citations": [{{"source": "s", "quote": {name}}}]}}]}}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("evil.json");
    std::fs::write(&p, corpus).unwrap();
    let t = Tmux::new(100, 30);
    t.tmux(&["select-pane", "-t", "0", "-T", "evidex-e2e"]);
    let title = || {
        String::from_utf8_lossy(
            &t.tmux(&["display-message", "-p", "-t", "0", "#{pane_title}"])
                .stdout,
        )
        .trim()
        .to_string()
    };
    let cursor = || {
        String::from_utf8_lossy(
            &t.tmux(&[
                "display-message",
                "-p",
                "-t",
                "0",
                "#{cursor_x},#{cursor_y}",
            ])
            .stdout,
        )
        .trim()
        .to_string()
    };
    t.start(&format!("--corpus {}", p.display()));
    t.ready();
    t.type_text("evil");
    let s = t.wait_text("Search › evil");
    assert!(s.contains("Evil"), "{s}");
    // The real cursor stands at the input caret: after "Search › evil".
    assert_eq!(
        cursor(),
        format!("{},0", evidex::text::width("Search › evil"))
    );
    t.keys(&["Enter", "Enter"]);
    t.wait_text("Overview");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(title(), "evidex-e2e", "the window title was changed");
    let s = t.screen();
    assert!(!s.contains("PWNED") || s.contains("␛"), "{s}");
    t.quit(&["q"]);
    assert_eq!(title(), "evidex-e2e");
}

#[test]
fn term_dumb_gets_a_message_instead_of_escape_codes() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new(100, 30);
    t.start_with_env("TERM=dumb", "");
    let (rc, s) = t.after_exit();
    assert_eq!(rc, "2", "{s}");
    assert!(s.contains("TERM=dumb"), "{s}");
    t.assert_restored(&s);
}

#[test]
fn export_writes_markdown_and_csv_where_the_status_bar_says() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let t = Tmux::browser(
        120,
        40,
        &format!("EVIDEX_EXPORT_DIR={}", dir.path().display()),
        "",
    );
    t.first_result("emerald", "EMERALD-1");
    t.keys(&["Down", "Space", "/", "C-u"]);
    t.first_result("talentace", "TALENTACE");
    t.keys(&["Down", "Space", "c"]);
    t.wait_text("Cross-trial");
    t.keys(&["e"]);
    let s = t.wait_text("exported");
    // Named after the ids, with a short hash that keeps different comparisons apart.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("evidex-compare-emerald-1-talentace-"))
        .collect();
    names.sort();
    // The comparison (.md, .csv), its summary of findings (.sof.md, .sof.csv) and its
    // references (.ris, .bib).
    assert_eq!(names.len(), 6, "{names:?}");
    let named = |suffix: &str| {
        names
            .iter()
            .find(|n| n.ends_with(suffix) && !n.ends_with(&format!(".sof{suffix}")))
            .unwrap_or_else(|| panic!("no {suffix} in {names:?}"))
            .clone()
    };
    assert!(s.contains(named(".md").as_str()), "{s}");
    let md = std::fs::read_to_string(dir.path().join(named(".md"))).unwrap();
    assert!(md.contains("| | EMERALD-1 [1,2] | TALENTACE"), "{md}");
    let sof = std::fs::read_to_string(dir.path().join(named(".sof.md"))).unwrap();
    assert!(sof.starts_with("# Summary of findings"), "{sof}");
    let ris = std::fs::read_to_string(dir.path().join(named(".ris"))).unwrap();
    assert!(ris.starts_with("TY  - "), "{ris}");
    let csv = std::fs::read_to_string(dir.path().join(named(".csv"))).unwrap();
    assert!(csv.contains("EMERALD-1"), "{csv}");
    t.quit(&["q"]);
}

impl Tmux {
    /// The screen with its colours (`capture-pane -e`): every visible character with the
    /// 256-colour foreground and background it is drawn in (`None`: the terminal's default).
    fn coloured_chars(&self) -> Vec<(char, Option<u8>, Option<u8>)> {
        let raw = self.tmux(&["capture-pane", "-t", "0", "-p", "-e"]).stdout;
        let text = String::from_utf8_lossy(&raw);
        let (mut fg, mut bg) = (None, None);
        let mut out = Vec::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\x1b' && chars.peek() == Some(&'[') {
                chars.next();
                let mut params = String::new();
                for p in chars.by_ref() {
                    if p.is_ascii_alphabetic() {
                        if p == 'm' {
                            let codes: Vec<&str> = params.split(';').collect();
                            let mut i = 0;
                            while i < codes.len() {
                                match codes[i] {
                                    "" | "0" => (fg, bg) = (None, None),
                                    "39" => fg = None,
                                    "49" => bg = None,
                                    "38" | "48" if codes.get(i + 1) == Some(&"5") => {
                                        let v = codes.get(i + 2).and_then(|v| v.parse().ok());
                                        if codes[i] == "38" {
                                            fg = v
                                        } else {
                                            bg = v
                                        }
                                        i += 2;
                                    }
                                    _ => {}
                                }
                                i += 1;
                            }
                        }
                        break;
                    }
                    params.push(p);
                }
            } else if !c.is_whitespace() {
                out.push((c, fg, bg));
            }
        }
        out
    }
}

/// In both colour themes, at 80x24 and 200x60, every character on the screen (the selected
/// row and the detail cursor line included) is drawn in 256-colour fg and bg that reach 4.5:1.
#[test]
fn both_themes_read_in_a_real_terminal() {
    if !have_tmux() {
        return;
    }
    use evidex::tui::theme::{MIN_CONTRAST, Theme, ThemeName, contrast};
    for (name, theme) in [("dark", ThemeName::Dark), ("light", ThemeName::Light)] {
        let p = *Theme::new(theme).palette().unwrap();
        for (w, h) in [(80, 24), (200, 60)] {
            let t = Tmux::browser(w, h, "", &format!("--theme {name}"));
            t.search("tace", "Search › tace");
            t.keys(&["Down", "Down"]);
            for step in ["list", "detail"] {
                let chars = t.coloured_chars();
                assert!(
                    chars.iter().any(|&(_, _, bg)| bg == Some(p.selected)),
                    "{name} {w}x{h} {step}: no selected row"
                );
                for &(c, fg, bg) in &chars {
                    let (Some(fg), Some(bg)) = (fg, bg) else {
                        panic!("{name} {w}x{h} {step}: {c:?} in default colours {fg:?}/{bg:?}");
                    };
                    assert!(
                        contrast(fg, bg) >= MIN_CONTRAST,
                        "{name} {w}x{h} {step}: {c:?} is {fg} on {bg}"
                    );
                }
                t.keys(&["Enter", "Down"]);
            }
            t.quit(&["q"]);
        }
    }
}

/// Without `--theme`, the theme follows the background the terminal reports (OSC 11): tmux
/// answers with its window style. The answer is not taken for typed keys.
#[test]
fn the_theme_follows_the_terminal_background() {
    if !have_tmux() {
        return;
    }
    for (style, bg) in [("bg=#ffffff", 231), ("bg=#002b36", 16)] {
        let t = Tmux::new(100, 30);
        t.tmux(&["set", "-g", "window-style", style]);
        t.start("");
        t.ready();
        let chars = t.coloured_chars();
        assert!(
            chars.iter().all(|&(_, _, b)| b.is_some()),
            "{style}: unpainted cells"
        );
        assert!(
            chars.iter().filter(|&&(_, _, b)| b == Some(bg)).count() > 100,
            "{style}: expected the background {bg}"
        );
        let screen = t.screen();
        let first = screen.lines().next().unwrap_or("");
        assert!(
            first.starts_with("Search ›") && !first.contains("rgb") && !first.contains("11;"),
            "the terminal's answer reached the search line: {first}"
        );
        t.keys(&["C-c"]);
        t.after_exit();
    }
}
impl Tmux {
    /// One notch of the mouse wheel at column `x`, row `y` (0-based), as the terminal reports
    /// it to a program that asked for SGR mouse events.
    fn wheel(&self, x: u16, y: u16, down: bool) {
        let seq = format!("\x1b[<{};{};{}M", if down { 65 } else { 64 }, x + 1, y + 1);
        let hex: Vec<String> = seq.bytes().map(|b| format!("{b:02x}")).collect();
        let mut args = vec!["send-keys", "-t", "0", "-H"];
        args.extend(hex.iter().map(String::as_str));
        self.tmux(&args);
        std::thread::sleep(Duration::from_millis(60));
    }
}

#[test]
fn one_wheel_notch_scrolls_the_detail_pane_and_the_list() {
    if !have_tmux() {
        return;
    }
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        let t = Tmux::browser(w, h, "", "");
        t.type_text("emerald");
        t.wait_text("EMERALD-1  emerald-1");
        // Over the detail pane: its text moves up at the first notch, the focus stays put.
        t.wheel(w - 10, 10, true);
        let s2 = t.wait_for("the detail pane scrolled", |x| {
            !x.contains("EMERALD-1  emerald-1")
        });
        assert!(s2.contains("Search › emerald"), "{s2}");
        t.type_text("x");
        t.wait_text("Search › emeraldx");
        // Over the list, from the search line: the list scrolls at the first notch.
        t.keys(&["C-u"]);
        t.wait_for("every record", |s| {
            s.lines()
                .next()
                .is_some_and(|l| !l.contains("emerald") && l.contains("results"))
        });
        let top = t.wait_for("the list drawn", |s| {
            s.lines().nth(3).is_some_and(|l| l.contains("TRL"))
        });
        let first_row = top.lines().nth(3).unwrap().to_string();
        t.wheel(5, 8, true);
        t.wait_for("the list scrolled", |s| {
            s.lines().nth(3).is_some_and(|l| l != first_row)
        });
        t.quit(&["C-c"]);
    }
}

#[test]
fn space_marks_and_moves_on_and_hints_tell_the_truth() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::browser(80, 24, "", "");
    // On an empty query ? opens help; typed after a word it is text.
    t.type_text("?");
    t.wait_text("Keys: Search input");
    t.keys(&["Escape"]);
    t.wait_for("help closed", |s| !s.contains("Keys: Search input"));
    t.type_text("emerald | leap | talentace");
    // The hint changes with the first letter; the results come after the search.
    let s = t.wait_for("the three trials", |s| {
        s.contains("F1 help") && !s.contains("searching…") && s.contains("TALENTACE")
    });
    assert!(!s.contains("? help"), "{s}");
    for name in ["EMERALD-1", "LEAP-012", "TALENTACE"] {
        assert!(s.contains(name), "{name}: {s}");
    }
    t.keys(&["Down", "Space", "Space"]);
    let s = t.wait_text("Marked 2/4");
    assert!(s.contains("c compare"), "{s}");
    // The second Space marked the second row: the cursor moved on.
    t.keys(&["/"]);
    let s = t.wait_text("Ctrl-L EN");
    assert!(!s.contains("c compare") && !s.contains("x clear"), "{s}");
    // s in the list cycles the sort, shown in the results title.
    t.keys(&["Down", "s"]);
    let s = t.wait_text("sort: year, newest first");
    assert!(
        s.contains("Search › emerald | leap | talentace sort:year"),
        "{s}"
    );
    t.quit(&["q"]);
}

#[test]
fn the_detail_pane_goes_full_screen_and_jumps_to_links() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::browser(120, 40, "", "");
    t.type_text("hcc");
    t.wait_text("Hepatocellular carcinoma  hcc");
    t.keys(&["Down", "f"]);
    let s = t.wait_for("full screen", |s| !s.contains("Results"));
    assert!(s.contains("Studies ("), "{s}");
    t.keys(&["Tab", "Enter"]);
    t.wait_text("1 back (Esc)");
    t.keys(&["Escape", "f"]);
    t.wait_text("Results");
    t.quit(&["q"]);
}

/// `o` on the detail line of a registry id opens its address with the opener EVIDEX_OPENER
/// names (a script that writes down what it was given: no browser starts), without waiting.
#[test]
fn o_opens_the_address_under_the_cursor_with_the_opener() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("opener.sh");
    let opened = dir.path().join("opened.txt");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\n",
            opened.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    crate::common::chmod(&script, 0o755);
    let t = Tmux::browser(120, 40, &format!("EVIDEX_OPENER={}", script.display()), "");
    t.chance_registry_line();
    t.wait_for("the registry line", |s| s.contains("o browser"));
    t.keys(&["o"]);
    t.wait_text("opened https://clinicaltrials.gov/study/NCT05348811 in the browser");
    let start = Instant::now();
    while !opened.exists() && start.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        std::fs::read_to_string(&opened).unwrap(),
        "https://clinicaltrials.gov/study/NCT05348811\n"
    );
    t.quit(&["q"]);
}

/// Over SSH with no display and no BROWSER, `o` says there is no browser and shows the
/// address instead; the browser goes on.
#[test]
fn o_without_a_browser_says_so_and_shows_the_address() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::browser(120, 40, "SSH_CONNECTION='10.0.0.1 50000 10.0.0.2 22'", "");
    t.chance_registry_line();
    t.keys(&["o"]);
    let s = t.wait_text("no browser to open it with over SSH");
    assert!(s.contains("NCT05348811"), "{s}");
    t.quit(&["Escape", "q"]);
}

/// A note written in the browser is found by `note:` at once, and by `evidex search`.
#[test]
fn a_note_is_searchable_in_the_browser_and_from_the_shell() {
    if !have_tmux() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let env = format!("XDG_DATA_HOME={}", home.path().display());
    let t = Tmux::browser(120, 40, &env, "");
    t.type_text("has:note");
    t.wait_text("0 results");
    t.keys(&["C-u"]);
    t.search("leap-012", "LEAP-012");
    t.keys(&["Down"]);
    t.write_note("Tumour Board question");
    t.type_text("/");
    t.keys(&["C-u"]);
    t.type_text("note:board");
    let s = t.wait_for("the noted record", |s| {
        s.contains("1 result ·") && s.contains("LEAP-012")
    });
    assert!(!s.contains("⚠"), "{s}");
    t.quit(&["C-c"]);
    let o = evidex_at(home.path(), &["search", "note:board"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && out.to_lowercase().contains("leap-012"),
        "{out}"
    );
}

/// A megabyte pasted into the search line (bracketed paste) neither freezes the browser nor
/// delays Ctrl-C: the paste is cut at the query's limit with a message, and Ctrl-C quits.
#[test]
fn a_megabyte_paste_does_not_freeze_and_ctrl_c_quits() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::browser(100, 30, "", "");
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("paste.txt");
    std::fs::write(&p, "pembrolizumab ".repeat(75_000)).unwrap();
    t.tmux(&["load-buffer", p.to_str().unwrap()]);
    t.tmux(&["paste-buffer", "-p", "-t", "0"]);
    t.wait_text("paste cut at 2000 characters");
    let s = t.quit(&["C-c"]);
    t.assert_restored(&s);
}

/// A corpus that never arrives (a FIFO with no writer): the loading screen shows, and q quits
/// at once, with the terminal restored.
#[test]
fn q_quits_while_the_corpus_is_still_loading() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("never.json");
    crate::common::mkfifo(&fifo);
    for key in ["q", "Escape"] {
        let t = Tmux::new(100, 30);
        t.start(&format!("--corpus {}", fifo.display()));
        t.wait_text("Loading and indexing");
        t.keys(&[key]);
        let (rc, s) = t.after_exit();
        assert_eq!(rc, "0", "{key}: {s}");
        t.assert_restored(&s);
    }
}

/// A configuration sets the light theme and rebinds compare to C: the browser starts light,
/// help lists C for compare, and C compares. A broken line in the same file is named in the
/// status bar and the rest applies.
#[test]
fn a_configuration_sets_the_theme_and_keys_and_help_follows() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        "theme = \"light\"\nsplit = 2000\n[keys]\ncompare = \"C\"\n",
    )
    .unwrap();
    let t = Tmux::browser(120, 40, "", &format!("--config {}", cfg.display()));
    let screen = t.screen();
    assert!(
        screen.contains("config.toml:2: split"),
        "the bad line is named: {screen}"
    );
    let chars = t.coloured_chars();
    assert!(
        chars.iter().filter(|&&(_, _, b)| b == Some(231)).count() > 100,
        "light background"
    );
    // Help of the results list.
    t.keys(&["Down"]);
    t.type_text("?");
    let help = t.wait_for("help with compare", |s| {
        s.contains("Keys: Results list") && s.contains("compare the marked items")
    });
    let line = help
        .lines()
        .find(|l| l.contains("compare the marked items"))
        .unwrap();
    assert!(line.contains("C "), "{line}");
    t.keys(&["Escape", "/"]);
    t.mark_emerald_and_leap();
    t.type_text("c");
    assert!(!t.screen().contains("Cross-trial"), "c no longer compares");
    t.type_text("C");
    t.wait_for("the comparison", |s| s.contains("Cross-trial"));
    t.quit(&["Escape", "q"]);
}

/// Quit and reopen: the query history and the marks are still there, in plain files of the
/// user's data directory.
#[test]
fn history_and_marks_survive_a_restart() {
    if !have_tmux() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let env = format!("XDG_DATA_HOME={}", home.path().display());
    let t = Tmux::browser(120, 40, &env, "");
    t.search("emerald", "EMERALD-1");
    t.keys(&["Down", "Space"]);
    t.wait_for("one mark", |s| s.contains("Marked 1/4"));
    t.quit(&["q"]);
    let dir = home.path().join("evidex");
    let history = std::fs::read_to_string(dir.join("history.txt")).unwrap();
    assert_eq!(history, "emerald\n");
    let marks = std::fs::read_to_string(dir.join("marks.txt")).unwrap();
    assert_eq!(marks, "emerald-1\n");

    let t = Tmux::browser(120, 40, &env, "");
    t.wait_for("the mark of the last session", |s| s.contains("Marked 1/4"));
    t.keys(&["Up"]);
    t.wait_for("the last query", |s| s.contains("Search › emerald"));
    t.quit(&["C-c"]);
}

/// `history_size` in the configuration bounds the history kept: with 2, a third query
/// pushes out the first.
#[test]
fn the_history_keeps_as_many_queries_as_the_configuration_says() {
    if !have_tmux() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config.toml");
    std::fs::write(&config, "history_size = 2\n").unwrap();
    let env = format!(
        "XDG_DATA_HOME={} EVIDEX_CONFIG={}",
        home.path().display(),
        config.display()
    );
    let t = Tmux::browser(120, 40, &env, "");
    for q in ["emerald", "leap", "tace"] {
        t.type_text(q);
        t.wait_for(q, |s| {
            s.contains(&format!("Search › {q}")) && !s.contains("searching")
        });
        // Leaving the search line for the results remembers the query.
        t.keys(&["Down", "/", "C-u"]);
        t.wait_for("an empty search line", |s| s.contains("Search ›  "));
    }
    t.quit(&["C-c"]);
    let history = std::fs::read_to_string(home.path().join("evidex/history.txt")).unwrap();
    assert_eq!(history, "leap\ntace\n");
}

/// S names the marked records as a set; after a restart, O lists it and Enter marks them
/// again, ready to compare.
#[test]
fn a_set_saved_in_the_browser_reopens_after_a_restart() {
    if !have_tmux() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let env = format!("XDG_DATA_HOME={}", home.path().display());
    let t = Tmux::browser(120, 40, &env, "");
    t.mark_emerald_and_leap();
    t.wait_for("two marks", |s| s.contains("Marked 2/4"));
    t.type_text("S");
    t.wait_for("the name prompt", |s| s.contains("as the set ›"));
    t.type_text("Board 3 Dec q");
    t.keys(&["Enter"]);
    t.wait_for("saved", |s| s.contains("saved the set Board 3 Dec q"));
    let file = home.path().join("evidex/sets/board-3-dec-q.toml");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("emerald-1") && text.contains("leap-012"),
        "{text}"
    );
    t.quit(&["x", "q"]);

    let t = Tmux::browser(120, 40, &env, "");
    t.keys(&["Down"]);
    t.type_text("O");
    t.wait_for("the sets menu", |s| {
        s.contains("Saved sets") && s.contains("Board 3 Dec q  (2 records")
    });
    t.keys(&["Enter"]);
    t.wait_for("the set's marks", |s| {
        s.contains("set Board 3 Dec q: 2 marked")
    });
    t.type_text("c");
    t.wait_for("the comparison", |s| s.contains("Cross-trial"));
    t.quit(&["C-c"]);
}

/// `n` writes a note on the record shown: it appears, dated and headed as the user's, at the
/// end of its detail, and in the Markdown export of a set that holds the record.
#[test]
fn a_note_shows_in_the_detail_and_in_a_sets_export() {
    if !have_tmux() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let env = format!("XDG_DATA_HOME={}", home.path().display());
    let t = Tmux::browser(120, 40, &env, "");
    t.search("emerald", "EMERALD-1");
    t.keys(&["Down"]);
    t.write_note("ask about PD-L1 status");
    t.keys(&["Enter", "G"]);
    t.wait_for("the note in the detail", |s| {
        s.contains("Your note (") && s.contains("ask about PD-L1 status")
    });
    t.quit(&["C-c"]);
    let notes = std::fs::read_to_string(home.path().join("evidex/notes.toml")).unwrap();
    assert!(notes.contains("record = \"emerald-1\""), "{notes}");

    let run = |args: &[&str]| evidex_at(home.path(), args);
    assert!(
        run(&["set", "save", "board", "emerald-1", "leap-012"])
            .status
            .success()
    );
    let o = run(&["set", "export", "board"]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains("## Your notes (yours, not from a source)")
            && md.contains("**EMERALD-1** (")
            && md.contains("ask about PD-L1 status"),
        "{md}"
    );
}

/// The browser opens the bundled corpus with the library named by EVIDEX_LIBRARY, says so in
/// the status bar, and finds an imported study by its NCT id.
#[test]
fn the_browser_opens_the_library_and_finds_an_imported_nct_id() {
    if !have_tmux() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let lib = dir.path().join("library.sqlite");
    let o = Command::new(BIN)
        .args([
            "--library",
            lib.to_str().unwrap(),
            "import",
            "ctgov",
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/ctgov/NCT02513394.json"
            ),
        ])
        .output()
        .expect("import runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for (w, h) in [(80, 24), (120, 40)] {
        let t = Tmux::browser(w, h, &format!("EVIDEX_LIBRARY={}", lib.display()), "");
        t.wait_text("the library: 1 study");
        t.first_result("NCT02513394", "PALLAS");
        t.type_text(" source:library");
        t.wait_for("still PALLAS", |s| {
            s.contains("source:library") && s.lines().nth(3).is_some_and(|l| l.contains("PALLAS"))
        });
        t.quit(&["C-c"]);
    }
}

/// `L` switches the whole interface to Chinese and back in a real terminal at 80x24.
#[test]
fn the_interface_switches_to_chinese_at_80x24() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::browser(80, 24, "", "");
    t.type_text("emerald");
    t.keys(&["Enter"]);
    t.wait_text("Overview");
    t.keys(&["L"]);
    t.wait_text("概况");
    t.wait_text("L 中文 · ? 帮助");
    t.keys(&["L"]);
    t.wait_text("Overview");
    let s = t.quit(&["C-c"]);
    t.assert_restored(&s);
}

/// In Chinese at 80x24 in a real terminal: the detail's link cursor marks the chosen address
/// (reverse video), `o` over SSH says in Chinese that there is no browser, and the summary of
/// findings shows its Chinese labels.
#[test]
fn chinese_link_cursor_no_browser_and_summary_at_80x24() {
    if !have_tmux() {
        return;
    }
    let t = Tmux::new(80, 24);
    t.start_with_env("SSH_CONNECTION='10.0.0.1 50000 10.0.0.2 22'", "--lang zh");
    t.ready();
    t.type_text("chance-2203");
    t.wait_for("CHANCE 2203", |s| {
        s.contains("CHANCE") && s.contains("1 条结果")
    });
    t.keys(&["Down", "Enter", "Tab"]);
    t.wait_text("NCT05348811");
    let styled = String::from_utf8_lossy(&t.tmux(&["capture-pane", "-t", "0", "-p", "-e"]).stdout)
        .into_owned();
    let line = styled
        .lines()
        .find(|l| l.contains("NCT05348811"))
        .expect("the registry line");
    let before = &line[..line.find("NCT05348811").unwrap()];
    // Reverse video is switched on after the last reset before the address.
    let since_reset = before.rsplit("\x1b[0m").next().unwrap_or("");
    assert!(
        since_reset.contains("\x1b[7m"),
        "the chosen address is not reversed: {line:?}"
    );
    t.keys(&["o"]);
    t.wait_text("没有可用的浏览器");
    t.keys(&["Escape", "Escape", "/", "C-u"]);
    t.type_text("emerald-1");
    t.wait_for("EMERALD-1", |s| s.contains("1 条结果"));
    t.keys(&["Down", "Space", "/", "C-u"]);
    t.type_text("leap-012");
    t.wait_for("LEAP-012", |s| {
        s.contains("1 条结果") && s.contains("LEAP-012")
    });
    t.keys(&["Down", "Space", "c", "Tab", "Tab", "Tab"]);
    let s = t.wait_text("结果总结 · EMERALD-1");
    for label in ["研究数", "相对效应", "每千人", "确定性", "起点："] {
        assert!(s.contains(label), "{label:?} missing:\n{s}");
    }
    for english in ["Summary of findings", "Certainty", "Per 1,000", "starts:"] {
        assert!(!s.contains(english), "{english:?} left:\n{s}");
    }
    t.keys(&["q"]);
    let (rc, s) = t.after_exit();
    assert_eq!(rc, "0", "{s}");
}
