//! Opening a web address in the user's browser, without waiting for it.
//!
//! The opener is, in this order: the command `EVIDEX_OPENER` names, the configuration's
//! `opener`, the first command of `BROWSER`, else the system's (the `open` crate: xdg-open
//! and its kin, `open` on macOS, `start` on Windows). On a Unix desktop-less session (no
//! `DISPLAY` or `WAYLAND_DISPLAY`, as over SSH) there is no system browser: evidex says so
//! rather than start a text browser that would fight the browser's screen for the terminal.
//! A command runs with the address as its last argument, without a shell, its input and
//! output closed; only addresses that [`is_safe_url`] accepts are opened.

use std::process::{Command, Stdio};

use crate::corpus::Lang;
use crate::i18n::{tr, trf};
use crate::present::weblinks::is_safe_url;

/// The environment variable that names the opener command (tests, and users who want one).
pub const ENV: &str = "EVIDEX_OPENER";

/// What opens an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opener {
    /// A program and its first arguments; the address comes last.
    Command(Vec<String>),
    /// The system's handler for web addresses.
    System,
}

/// The opener for an environment read by `env` and the configuration's `configured` command;
/// why there is none when there is none, in `lang`.
pub fn choose(
    configured: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    lang: Lang,
) -> Result<Opener, String> {
    let var = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    if let Some(cmd) = var(ENV) {
        return Ok(Opener::Command(words(&cmd)));
    }
    if let Some(cmd) = configured.filter(|c| !c.trim().is_empty()) {
        return Ok(Opener::Command(words(cmd)));
    }
    if let Some(b) = var("BROWSER")
        && let Some(first) = b.split(':').find(|c| !c.trim().is_empty())
    {
        return Ok(Opener::Command(words(first)));
    }
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return Ok(Opener::System);
    }
    if var("DISPLAY").is_some() || var("WAYLAND_DISPLAY").is_some() {
        return Ok(Opener::System);
    }
    let remote = var("SSH_CONNECTION").is_some() || var("SSH_TTY").is_some();
    Err(tr(
        lang,
        if remote {
            "no browser to open it with over SSH (no display): set BROWSER or `opener` in the configuration"
        } else {
            "no browser to open it with (no display): set BROWSER or `opener` in the configuration"
        },
    )
    .into_owned())
}

/// Starts `opener` on `url` and returns at once. `done` is called later, on another thread,
/// with an error message if the opener failed. Messages are in `lang`.
pub fn open(
    opener: &Opener,
    url: &str,
    lang: Lang,
    done: impl FnOnce(Result<(), String>) + Send + 'static,
) -> Result<(), String> {
    if !is_safe_url(url) {
        return Err(tr(lang, "not an http(s) address evidex opens").into_owned());
    }
    match opener {
        Opener::System => {
            // `that_detached` starts the handler and does not wait for it.
            open::that_detached(url)
                .map_err(|e| trf(lang, "the system's opener failed: %{e}", &[("e", &e)]))
        }
        Opener::Command(words) => {
            let Some((program, args)) = words.split_first() else {
                return Err(tr(lang, "the opener command is empty").into_owned());
            };
            let mut child = Command::new(program)
                .args(args)
                .arg(url)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| {
                    trf(
                        lang,
                        "cannot run %{program}: %{e}",
                        &[("program", program), ("e", &e)],
                    )
                })?;
            let program = program.clone();
            // Waited for on a thread of its own: the browser is never waited on, and an
            // opener that exits at once with an error is still reported.
            let _ = std::thread::Builder::new()
                .name("evidex-opener".into())
                .spawn(move || {
                    done(match child.wait() {
                        Ok(st) if st.success() => Ok(()),
                        Ok(st) => Err(trf(
                            lang,
                            "%{program} failed (%{status})",
                            &[("program", &program), ("status", &st)],
                        )),
                        Err(e) => Err(format!("{program}: {e}")),
                    })
                });
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    fn cmd(words: &[&str]) -> Result<Opener, String> {
        Ok(Opener::Command(
            words.iter().map(|w| w.to_string()).collect(),
        ))
    }

    #[test]
    fn the_opener_is_chosen_in_order_and_none_over_ssh_is_said() {
        let all = [
            (ENV, "fake-open --flag"),
            ("BROWSER", "firefox:chromium"),
            ("DISPLAY", ":0"),
        ];
        assert_eq!(
            choose(Some("cfg"), &env(&all), Lang::En),
            cmd(&["fake-open", "--flag"])
        );
        assert_eq!(
            choose(Some("cfg x"), &env(&all[1..]), Lang::En),
            cmd(&["cfg", "x"])
        );
        assert_eq!(choose(None, &env(&all[1..]), Lang::En), cmd(&["firefox"]));
        if cfg!(not(any(target_os = "macos", target_os = "windows"))) {
            assert_eq!(choose(None, &env(&all[2..]), Lang::En), Ok(Opener::System));
            let e = choose(None, &env(&[("SSH_CONNECTION", "1 2 3 4")]), Lang::En).unwrap_err();
            assert!(e.contains("over SSH") && e.contains("BROWSER"), "{e}");
            assert!(choose(None, &env(&[]), Lang::En).is_err());
            let zh = choose(None, &env(&[("SSH_CONNECTION", "1 2 3 4")]), Lang::Zh).unwrap_err();
            assert!(zh.contains("SSH") && zh.contains("浏览器"), "{zh}");
        }
    }

    #[test]
    fn a_command_gets_the_address_as_one_argument_and_failures_come_back() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("opener.sh");
        std::fs::write(&script, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$0.out\"\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
            let (tx, rx) = std::sync::mpsc::channel();
            let url = "https://doi.org/10.1016/S0140-6736(24)02575-3";
            open(
                &Opener::Command(vec![script.display().to_string()]),
                url,
                Lang::En,
                move |r| tx.send(r).unwrap(),
            )
            .unwrap();
            assert_eq!(rx.recv().unwrap(), Ok(()));
            let written = std::fs::read_to_string(format!("{}.out", script.display())).unwrap();
            assert_eq!(written, format!("{url}\n"));
            let (tx, rx) = std::sync::mpsc::channel();
            open(
                &Opener::Command(vec!["false".into()]),
                url,
                Lang::En,
                move |r| tx.send(r).unwrap(),
            )
            .unwrap();
            assert!(rx.recv().unwrap().is_err());
        }
        assert!(
            open(
                &Opener::Command(vec!["/no/such/opener".into()]),
                "https://x.org",
                Lang::En,
                |_| {}
            )
            .is_err()
        );
        assert!(open(&Opener::System, "https://x.org/\x1b", Lang::En, |_| {}).is_err());
    }
}
