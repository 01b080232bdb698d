//! The non-interactive commands, run as the real binary: output, exit codes, and the messages
//! a bad corpus file gets.

use crate::common;

use std::path::PathBuf;
use std::process::Output;

use common::evidex;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

#[test]
fn validate_passes_on_the_bundled_corpus() {
    let o = evidex(&["validate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("valid:"), "{}", stdout(&o));
    let o = evidex(&["validate", "data/corpus.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn search_finds_emerald_first() {
    let o = evidex(&["search", "emer"]);
    assert!(o.status.success());
    let out = stdout(&o);
    let first = out.lines().next().unwrap();
    assert!(first.contains("EMERALD-1"), "{out}");
    assert!(first.contains("PFS 15.0 vs 8.2 mo"), "{out}");
    assert!(stderr(&o).is_empty(), "no noise on stderr: {}", stderr(&o));
}

#[test]
fn search_json_is_valid_and_limited() {
    let o = evidex(&["search", "tace", "--json", "--limit", "3"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(v["results"].as_array().unwrap().len(), 3);
    assert!(v["total"].as_u64().unwrap() >= 3);
    assert!(v["results"][0]["id"].is_string());
}

#[test]
fn search_with_no_match_exits_1_and_a_bad_query_exits_2() {
    let o = evidex(&["search", "zzzzqqqqxxxx"]);
    assert_eq!(o.status.code(), Some(1));
    let o = evidex(&["search", "phase:9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("phase"), "{}", stderr(&o));
}

#[test]
fn show_prints_the_whole_record_with_quotes() {
    let o = evidex(&["show", "emerald-1"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for needle in [
        "EMERALD-1",
        "Arms",
        "Outcomes",
        "15.0 mo",
        "HR 0.77",
        "P=0.032",
        "“与单独TACE组相比",
        "003-liver-interventional-2025 [4]",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
    // Nothing is cut off: no line of a 100-column layout is longer than 100 columns.
    assert!(out.lines().all(|l| evidex::text::width(l) <= 100), "{out}");
}

/// `year` is when a result was reported; a trial still recruiting shows when it started, and
/// a case when the patient was treated, never a "Reported" year beside "no results yet".
#[test]
fn show_names_start_and_treatment_dates_for_what_they_are() {
    let o = evidex(&["show", "idh1-inhibitor-astrocytoma-trial"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("no results yet"), "{out}");
    assert!(!out.contains("Reported"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("Started") && l.contains("2025")),
        "{out}"
    );
    let out = stdout(&evidex(&["show", "b-all-car-t-case-xiaolin"]));
    assert!(!out.contains("Reported"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("Treated") && l.contains("2024-09")),
        "{out}"
    );
    let out = stdout(&evidex(&["show", "chance-2203"]));
    assert!(out.contains("Started") && out.contains("Reported"), "{out}");
}

/// A bad date, and a report year on a study that has no results yet, are caught.
#[test]
fn validate_checks_study_dates() {
    let mut corpus: serde_json::Value =
        serde_json::from_slice(&std::fs::read("data/corpus.json").unwrap()).unwrap();
    let trials = corpus["trials"].as_array_mut().unwrap();
    let t = trials
        .iter_mut()
        .find(|t| t["id"] == "mek-inhibitor-plgg-trial")
        .unwrap();
    t["year"] = 2025.into();
    let (_dir, p) = temp_file("dates.json", corpus.to_string().as_bytes());
    let o = evidex(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(
        out.contains("no results yet") && out.contains("`started`"),
        "{out}"
    );

    let trials = corpus["trials"].as_array_mut().unwrap();
    let t = trials
        .iter_mut()
        .find(|t| t["id"] == "mek-inhibitor-plgg-trial")
        .unwrap();
    t["started"] = "2025-13".into();
    let (_dir, p) = temp_file("dates.json", corpus.to_string().as_bytes());
    let o = evidex(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let out = format!("{}{}", stdout(&o), stderr(&o));
    assert!(out.contains("started") && out.contains("2025-13"), "{out}");
}

#[test]
fn show_resolves_a_query_and_prints_json() {
    let o = evidex(&["show", "leap", "012", "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["id"], "leap-012");
    assert_eq!(v["kind"], "trial");
    assert!(v["resolved"]["arms"][0]["therapies"][0]["name"].is_object());
    assert!(v["outcomes"][0]["citation"]["quote"].is_string());
}

#[test]
fn show_json_keeps_a_therapys_own_kind_beside_the_record_kind() {
    let o = evidex(&["show", "tace", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["kind"], "therapy");
    assert_eq!(v["therapy_kind"], "procedure");
    assert!(v["resolved"]["trials"][0]["evidence_level"].is_u64());
}

#[test]
fn show_nothing_exits_1_with_a_hint() {
    let o = evidex(&["show", "zzzzqqqqxxxx"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("nothing matches"), "{}", stderr(&o));
}

#[test]
fn compare_markdown_has_the_caveat_and_a_table() {
    let o = evidex(&[
        "compare",
        "emerald-1",
        "leap-012",
        "talentace",
        "--format",
        "md",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Cross-trial comparison"), "{out}");
    assert!(
        out.contains("| | EMERALD-1 [1,2] | LEAP-012 [1,3] | TALENTACE"),
        "{out}"
    );
    assert!(
        out.contains("**16.6 mo ★**"),
        "best PFS is bold and starred: {out}"
    );
}

#[test]
fn compare_formats_agree() {
    let csv = stdout(&evidex(&[
        "compare",
        "emerald-1",
        "leap-012",
        "--format",
        "csv",
    ]));
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let header = rdr.headers().unwrap().clone();
    assert_eq!(header.len(), 3);
    assert_eq!(&header[0], "field");
    assert!(rdr.records().all(|r| r.is_ok_and(|r| r.len() == 3)));
    let json = evidex(&["compare", "emerald-1", "leap-012", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["columns"].as_array().unwrap().len(), 2);
    let table = stdout(&evidex(&["compare", "emerald-1", "leap-012"]));
    assert!(
        table.contains("EMERALD-1") && table.contains("│"),
        "{table}"
    );
}

#[test]
fn compare_says_what_each_argument_resolved_to() {
    let o = evidex(&["compare", "emerald", "leap 012", "--format", "md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("\"emerald\" → emerald-1 (EMERALD-1, trial; best match)"),
        "{err}"
    );
    assert!(
        err.contains("\"leap 012\" → leap-012 (LEAP-012, trial; exact name)"),
        "{err}"
    );
    let o = evidex(&["compare", "tace", "haic", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("\"tace\" → tace ("), "{}", stderr(&o));
}

#[test]
fn compare_refuses_weak_or_ambiguous_arguments_with_candidates() {
    // Scattered letters match nothing any more: `foo` is not FOLFOX.
    let o = evidex(&["compare", "foo", "bar"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).is_empty(), "nothing compared: {}", stdout(&o));
    // `folf` starts three names equally well.
    let o = evidex(&["compare", "folf", "emerald-1"]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).is_empty(), "nothing compared: {}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("\"folf\" matches several records"), "{err}");
    assert!(err.contains("\n  folfox  FOLFOX"), "{err}");
    assert!(err.contains("name one by its id"), "{err}");
    let o = evidex(&["compare", "emerald-1", "zzzzqqqq"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("nothing matches \"zzzzqqqq\""),
        "{}",
        stderr(&o)
    );
}

#[test]
fn compare_resolves_registry_ids() {
    let c = evidex::corpus::Corpus::bundled().unwrap();
    let Some(t) = c.trials.iter().find(|t| !t.registry_ids.is_empty()) else {
        return;
    };
    let reg = t.registry_ids[0].to_lowercase();
    let other = if t.id == "emerald-1" {
        "leap-012"
    } else {
        "emerald-1"
    };
    let o = evidex(&["compare", &reg, other]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("→ {} (", t.id)) && stderr(&o).contains("registry id"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_trial_is_not_compared_with_a_therapy() {
    let o = evidex(&["compare", "emerald-1", "tace"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("is a trial and"), "{err}");
    assert!(err.contains("evidex show tace"), "{err}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn compare_needs_distinct_records() {
    let o = evidex(&["compare", "emerald-1", "emerald-1"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn corpus_is_a_global_option_before_or_after_the_command() {
    let mini = "tests/fixtures/mini.json";
    let before = evidex(&["--corpus", mini, "validate"]);
    let after = evidex(&["validate", "--corpus", mini]);
    assert!(
        before.status.success() && after.status.success(),
        "{}",
        stderr(&after)
    );
    assert_eq!(stdout(&before), stdout(&after));
    assert!(stdout(&before).contains("mini.json"));
}

#[test]
fn a_truncated_file_names_the_file_line_and_column_and_exits_2() {
    let (_d, p) = temp_file("broken.json", b"{\"trials\": [\n  {\"id\": \"x\",\n");
    let o = evidex(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("broken.json:3:"), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    // The same file for search and for the browser's loader.
    let o = evidex(&["--corpus", p.to_str().unwrap(), "search", "x"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn every_validation_problem_is_listed_at_once() {
    let text = r#"{"trials": [
 {"id": "a", "title": {"en": "A"}, "citations": [{"source": "nope", "quote": "q"}],
  "outcomes": [{"endpoint": "ORR", "unit": "%", "values": [{"value": 140}], "hr": {"value": -1},
                "p": "1.5", "citation": {"source": "nope", "quote": "q"}}]},
 {"id": "a", "title": {"en": "A again"}, "citations": [{"source": "nope", "quote": "q"}]}
]}"#;
    let (_d, p) = temp_file("bad.json", text.as_bytes());
    let o = evidex(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for needle in ["duplicate", "nope", "140", "p"] {
        assert!(err.contains(needle), "missing {needle:?} in {err}");
    }
    assert!(err.lines().count() >= 4, "{err}");
}

#[test]
fn wrong_types_name_the_field_path() {
    let text =
        r#"{"trials": [{"id": "a", "title": {"en": "A"}, "enrolment": "many", "citations": []}]}"#;
    let (_d, p) = temp_file("types.json", text.as_bytes());
    let o = evidex(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("trials[0].enrolment"), "{}", stderr(&o));
}

#[test]
fn a_directory_or_missing_file_is_refused_clearly() {
    let o = evidex(&["validate", "tests"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("directory"), "{}", stderr(&o));
    let o = evidex(&["validate", "no/such/file.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.json"), "{}", stderr(&o));
}

#[test]
fn the_browser_refuses_a_non_terminal() {
    let o = evidex(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("interactive terminal"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn gen_corpus_writes_a_valid_synthetic_corpus() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("syn.json");
    let o = evidex(&[
        "gen-corpus",
        "--trials",
        "200",
        "--seed",
        "3",
        "-o",
        p.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = evidex(&["validate", p.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("200 trials"), "{}", stdout(&o));
    let o = evidex(&["--corpus", p.to_str().unwrap(), "search", "nct01000042"]);
    assert!(
        stdout(&o).lines().next().unwrap_or("").contains("TRL"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn theme_is_dark_light_or_mono_and_anything_else_is_refused() {
    let o = evidex(&["--theme", "bogus"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("bogus")
            && err.contains("dark")
            && err.contains("light")
            && err.contains("mono"),
        "{err}"
    );
    let o = common::bin().env("EVIDEX_THEME", "sepia").output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("sepia"), "{}", stderr(&o));
    // A good theme is accepted: what stops the browser here is the missing terminal.
    for t in ["dark", "light", "mono"] {
        let o = evidex(&["--theme", t]);
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains("interactive terminal"),
            "{}",
            stderr(&o)
        );
    }
    assert!(stdout(&evidex(&["--help"])).contains("--theme"));
}

/// `search` gives names the width of the line: whole on a wide terminal, cut with "…" only
/// when they pass a third of it.
#[test]
fn search_names_use_the_width_of_the_line() {
    let run = |cols: &str| {
        let o = common::bin()
            .args(["search", "tace plus sorafenib"])
            .env("COLUMNS", cols)
            .output()
            .unwrap();
        stdout(&o)
    };
    let wide = run("200");
    assert!(
        wide.contains("TACE plus sorafenib vs TACE alone in recurrent intermediate-stage"),
        "{wide}"
    );
    let narrow = run("80");
    assert!(narrow.contains("TACE plus sorafenib vs TA…"), "{narrow}");
}

#[test]
fn validate_reports_impossible_values_with_their_paths() {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("data/corpus.json").unwrap()).unwrap();
    v["trials"][0]["outcomes"][0]["p"] = ">1".into();
    v["trials"][0]["outcomes"][0]["endpoint"] = "OS;rm".into();
    v["sources"][0]["date"] = "2024-13-45".into();
    let id = v["diseases"][0]["id"].clone();
    v["diseases"][0]["parent"] = id;
    let (_d, p) = temp_file("bad.json", v.to_string().as_bytes());
    let o = evidex(&["validate", p.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let all = stdout(&o) + &stderr(&o);
    for field in [
        ".outcomes[0].p:",
        ".outcomes[0].endpoint:",
        ".date:",
        ".parent:",
    ] {
        assert!(all.contains(field), "{field} missing: {all}");
    }
}
