//! The configuration file, through the binary: where it is, `config init` and `check`, and
//! a bad file that never stops evidex.

use crate::common;

use std::process::Output;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The binary with its config directory at `home`/config.
fn run(home: &std::path::Path, args: &[&str]) -> Output {
    common::bin()
        .env("XDG_CONFIG_HOME", home.join("config"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_path_follows_xdg_then_the_environment_then_the_option() {
    let home = tempfile::tempdir().unwrap();
    let o = run(home.path(), &["config", "path"]);
    assert_eq!(
        stdout(&o).trim(),
        home.path()
            .join("config/evidex/config.toml")
            .display()
            .to_string()
    );
    let o = common::bin()
        .env("EVIDEX_CONFIG", "/tmp/x.toml")
        .args(["config", "path"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o).trim(), "/tmp/x.toml");
    let o = common::bin()
        .env("EVIDEX_CONFIG", "/tmp/x.toml")
        .args(["--config", "/tmp/y.toml", "config", "path"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o).trim(), "/tmp/y.toml");
}

#[test]
fn init_writes_a_commented_default_once_and_check_finds_no_problem() {
    let home = tempfile::tempdir().unwrap();
    let o = run(home.path(), &["config", "init"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let path = home.path().join("config/evidex/config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("[keys]") && text.contains("# theme"));
    // A second init keeps what the user wrote.
    std::fs::write(&path, "theme = \"light\"\n").unwrap();
    let o = run(home.path(), &["config", "init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("exists"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "theme = \"light\"\n"
    );
    let o = run(home.path(), &["config", "check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(home.path(), &["config", "init", "--force"]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(&path).unwrap().contains("[colors]"));
}

#[test]
fn a_bad_file_is_reported_by_line_and_key_and_evidex_still_runs() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/evidex");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "language = \"zh\"\nsplit = \"wide\"\n[keys]\nfly = \"z\"\n",
    )
    .unwrap();
    let o = run(home.path(), &["config", "check"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("config.toml:2: split"), "{err}");
    assert!(err.contains("config.toml:4: keys.fly"), "{err}");
    // The rest applies: names in Chinese.
    let o = run(home.path(), &["search", "tace", "--json", "--limit", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning") && stderr(&o).contains(":2: split"));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let name = v["results"][0]["name"].as_str().unwrap();
    assert!(!name.is_ascii(), "{name}");
    // --lang wins over the file.
    let o = run(home.path(), &["--lang", "en", "search", "tace", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["results"][0]["name"].as_str().unwrap().is_ascii());
    // A file that is not TOML at all.
    std::fs::write(dir.join("config.toml"), "[[[").unwrap();
    let o = run(home.path(), &["search", "emerald"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("not valid TOML"), "{}", stderr(&o));
}

#[test]
fn a_named_file_that_is_missing_is_reported() {
    let o = common::bin()
        .args(["--config", "/nonexistent/c.toml", "search", "tace"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(stderr(&o).contains("/nonexistent/c.toml"), "{}", stderr(&o));
}

#[test]
fn the_configured_library_is_used_unless_the_option_or_environment_names_another() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("config/evidex");
    std::fs::create_dir_all(&dir).unwrap();
    let lib = home.path().join("mine.sqlite");
    std::fs::write(
        dir.join("config.toml"),
        format!("library = \"{}\"\n", lib.display()),
    )
    .unwrap();
    let o = common::bin()
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env_remove("EVIDEX_LIBRARY")
        .args(["library"])
        .output()
        .unwrap();
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(out.contains("mine.sqlite"), "{out}");
    let other = home.path().join("other.sqlite");
    let o = common::bin()
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("EVIDEX_LIBRARY", &other)
        .args(["library"])
        .output()
        .unwrap();
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        out.contains("other.sqlite") && !out.contains("mine.sqlite"),
        "{out}"
    );
}

/// The README's configuration section names every action a key can be bound to.
#[test]
fn the_readme_names_every_rebindable_action() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("## Configuration")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a Configuration section");
    let missing: Vec<&str> = evidex::tui::keymap::ACTION_NAMES
        .iter()
        .map(|(n, _)| *n)
        .filter(|n| !section.contains(&format!("`{n}`")))
        .collect();
    assert!(missing.is_empty(), "README lacks actions {missing:?}");
}
