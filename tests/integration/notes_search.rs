//! `note:` and `has:note` through the binary: `evidex search` reads the user's notes from the
//! data directory.

use crate::common;

fn search(data: &std::path::Path, query: &str) -> std::process::Output {
    common::bin()
        .env("EVIDEX_DATA_DIR", data)
        .env("COLUMNS", "120")
        .args(["search", "--json", query])
        .output()
        .unwrap()
}

fn ids(o: &std::process::Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_default();
    v["results"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn search_finds_records_by_the_words_of_their_notes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // No notes yet: nothing has one.
    assert!(ids(&search(d, "has:note")).is_empty());
    std::fs::write(
        d.join("notes.toml"),
        "[[note]]\nrecord = \"emerald-1\"\ndate = \"2026-12-01\"\ntext = \"Ask the Board about PD-L1\"\n\n\
         [[note]]\nrecord = \"leap-012\"\ndate = \"2026-12-01\"\ntext = \"肝癌 subgroup\"\n",
    )
    .unwrap();
    assert_eq!(ids(&search(d, "note:board")), ["emerald-1"]);
    assert_eq!(ids(&search(d, "note:ＢＯＡＲＤ")), ["emerald-1"]);
    assert_eq!(ids(&search(d, "note:肝癌")), ["leap-012"]);
    let mut any = ids(&search(d, "note:"));
    any.sort();
    assert_eq!(any, ["emerald-1", "leap-012"]);
    let mut any = ids(&search(d, "kind:trial has:note"));
    any.sort();
    assert_eq!(any, ["emerald-1", "leap-012"]);
    assert!(!ids(&search(d, "emerald -note:")).contains(&"emerald-1".to_string()));
    let o = search(d, "has:flag");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("has:note"));
}
