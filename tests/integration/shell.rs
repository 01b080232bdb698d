//! Fitting into the shell: completions for every shell, manual pages with every command and
//! option, the version line, and a binary that works from any directory.

use crate::common;

use std::process::Command;

use clap::CommandFactory;
use common::evidex;
use evidex::cli::Cli;

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every command's name and every long option, as clap knows them.
fn commands_and_options() -> Vec<(String, Vec<String>)> {
    let mut top = Cli::command();
    top.build();
    let mut out = vec![(
        String::new(),
        top.get_arguments()
            .filter_map(|a| a.get_long().map(str::to_string))
            .collect(),
    )];
    for sub in top.get_subcommands().filter(|c| c.get_name() != "help") {
        out.push((
            sub.get_name().to_string(),
            sub.get_arguments()
                .filter_map(|a| a.get_long().map(str::to_string))
                .collect(),
        ));
    }
    out
}

#[test]
fn completions_name_every_command_and_option_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let o = evidex(&["completions", shell]);
        assert!(o.status.success(), "{shell}");
        let script = stdout(&o);
        for (cmd, options) in commands_and_options() {
            assert!(script.contains(&cmd), "{shell}: no {cmd}");
            for opt in options {
                assert!(script.contains(&opt), "{shell}: no --{opt} of {cmd:?}");
            }
        }
    }
    let bad = evidex(&["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// The bash script parses (bash -n), where bash is installed.
#[test]
fn the_bash_completion_script_parses() {
    let o = evidex(&["completions", "bash"]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("evidex.bash");
    std::fs::write(&p, &o.stdout).unwrap();
    match Command::new("bash").arg("-n").arg(&p).output() {
        Ok(check) => assert!(
            check.status.success(),
            "{}",
            String::from_utf8_lossy(&check.stderr)
        ),
        Err(_) => eprintln!("bash not found: skipped"),
    }
}

#[test]
fn the_manual_pages_hold_every_command_option_and_exit_code() {
    let top = stdout(&evidex(&["man"]));
    assert!(
        top.starts_with(".ie") || top.contains(".TH evidex 1"),
        "{top}"
    );
    for section in ["EXAMPLES", "EXIT STATUS", "ENVIRONMENT", "SUBCOMMANDS"] {
        assert!(top.contains(section), "no {section}");
    }
    for code in ["0", "1", "2", "128 + N"] {
        assert!(top.contains(&format!("\\fB{code}\\fR")), "exit code {code}");
    }
    let dir = tempfile::tempdir().unwrap();
    let o = evidex(&["man", "--out-dir", dir.path().to_str().unwrap()]);
    assert!(o.status.success());
    for (cmd, options) in commands_and_options() {
        let page = if cmd.is_empty() {
            "evidex.1".to_string()
        } else {
            let listed = format!("evidex\\-{}", cmd.replace('-', "\\-"));
            assert!(top.contains(&listed), "{cmd} not listed");
            format!("evidex-{cmd}.1")
        };
        let text = std::fs::read_to_string(dir.path().join(&page)).unwrap();
        assert_eq!(
            text,
            stdout(&evidex(
                &["man", cmd.as_str()][..if cmd.is_empty() { 1 } else { 2 }]
            )),
            "{page} differs from `evidex man {cmd}`"
        );
        for opt in options {
            let roff = opt.replace('-', "\\-");
            assert!(text.contains(&roff), "{page}: no --{opt}");
        }
    }
    let bad = evidex(&["man", "nosuch"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// groff reads the page without a warning, where groff is installed.
#[test]
fn groff_reads_the_manual_page_without_warnings() {
    let o = evidex(&["man"]);
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("evidex.1");
    std::fs::write(&p, &o.stdout).unwrap();
    match Command::new("groff")
        // -k: through preconv, as man(1) does, since the page is UTF-8.
        .args(["-k", "-man", "-Tutf8", "-ww", "-z"])
        .arg(&p)
        .output()
    {
        Ok(out) => {
            let warnings = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && warnings.trim().is_empty(),
                "{warnings}"
            );
        }
        Err(_) => eprintln!("groff not found: skipped"),
    }
}

#[test]
fn version_names_the_bundled_corpus_counts() {
    for flag in ["--version", "-V"] {
        let o = evidex(&[flag]);
        assert!(o.status.success());
        let v = stdout(&o);
        assert!(
            v.starts_with(&format!("evidex {}", env!("CARGO_PKG_VERSION"))),
            "{v}"
        );
        assert!(v.contains("trials") && v.contains("therapies"), "{v}");
    }
}

/// `cargo install` leaves no data/ behind: the binary carries its corpus and works from any
/// directory.
#[test]
fn the_binary_works_from_any_directory() {
    let dir = tempfile::tempdir().unwrap();
    let o = common::bin()
        .args(["search", "emerald", "--limit", "1"])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(stdout(&o).contains("EMERALD-1"), "{}", stdout(&o));
}

/// `man --out-dir` makes the folder it is given (a fresh `…/man/man1` usually is not there),
/// with every page in it.
#[test]
fn man_out_dir_makes_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let man1 = dir.path().join("share/man/man1");
    let o = evidex(&["man", "--out-dir", man1.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(man1.join("evidex.1").is_file());
    assert!(man1.join("evidex-compare.1").is_file());
}
