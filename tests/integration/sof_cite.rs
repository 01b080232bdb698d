//! The summary of findings and the references, as the CLI prints them, read back by real
//! parsers: the `csv` crate for `sof-csv`, the `biblatex` crate for BibTeX, and Python's
//! `rispy` (the RIS reader reference tools use; .ci/run installs it) for RIS. The Markdown
//! export numbers every figure and ends with the Vancouver list.

use crate::common;

use std::collections::BTreeSet;

use biblatex::{Bibliography, ChunksExt};
use common::evidex;
use evidex::corpus::{Corpus, Lang};

fn stdout(args: &[&str]) -> String {
    let o = evidex(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).expect("UTF-8")
}

const FOUR: [&str; 4] = [
    "emerald-1",
    "talentace",
    "leap-012",
    "fan-2024-tace-sorafenib-recurrent",
];

#[test]
fn sof_csv_reads_back_with_a_csv_parser() {
    let mut args = vec!["compare"];
    args.extend(FOUR);
    args.extend(["--format", "sof-csv"]);
    let text = stdout(&args);
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let head: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(head[0], "outcome");
    assert!(head.contains(&"certainty".to_string()) && head.contains(&"downgrades".to_string()));
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.expect("a CSV record")).collect();
    let findings: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|x| !matches!(&x[0], "note" | "reference"))
        .collect();
    assert!(!findings.is_empty() && findings.len() <= 7, "{text}");
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let pfs = findings.iter().find(|x| &x[0] == "PFS").expect("a PFS row");
    assert_eq!(&pfs[col("studies")], "4", "{text}");
    assert!(pfs[col("participants_are")].contains("stated by"), "{text}");
    assert!(
        pfs[col("relative_effect")].starts_with("pooled HR 0.74"),
        "{text}"
    );
    assert!(pfs[col("relative_effect")].contains("computed by evidex"));
    assert!(pfs[col("relative_effect")].contains("not pooled"));
    assert_eq!(&pfs[col("relative_computed_by_evidex")], "true");
    for f in &findings {
        assert!(
            ["High", "Moderate", "Low", "Very low"].contains(&&f[col("certainty")]),
            "{f:?}"
        );
        // Each rule that lowered it says why.
        if f[col("certainty")] != *"High" && !f[col("downgrades")].is_empty() {
            assert!(f[col("downgrades")].contains(": "), "{f:?}");
        }
    }
    assert!(
        rows.iter()
            .any(|x| &x[0] == "note" && x[1].contains("not a GRADE panel"))
    );
    assert!(
        rows.iter()
            .any(|x| &x[0] == "reference" && x[1].starts_with("1. "))
    );
}

#[test]
fn sof_md_has_the_grade_columns_and_the_reasons() {
    let md = stdout(&["compare", "emerald-1", "leap-012", "--format", "sof-md"]);
    assert!(
        md.starts_with("# Summary of findings: EMERALD-1 · LEAP-012"),
        "{md}"
    );
    assert!(md.contains(
        "| Outcome | Studies (participants) | Relative effect (95% CI) | Absolute effect per 1,000 | Certainty |"
    ));
    assert!(md.contains("## Why each certainty"));
    assert!(md.contains("one study only: only "), "{md}");
    assert!(md.contains("## References"));
}

#[test]
fn sof_of_therapies_is_refused_as_compare_refuses_a_mix() {
    let o = evidex(&["compare", "emerald-1", "durvalumab", "--format", "sof-md"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bibtex_parses_with_a_bibtex_parser_and_keeps_the_titles() {
    let bib = stdout(&["compare", "emerald-1", "leap-012", "--format", "bibtex"]);
    let parsed = Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}\n{bib}"));
    let c = Corpus::bundled().unwrap();
    let records: Vec<_> = ["emerald-1", "leap-012"]
        .iter()
        .map(|id| c.resolve(id).unwrap())
        .collect();
    let refs = evidex::cite::references(&c, &records, Lang::En);
    assert_eq!(parsed.len(), refs.0.len(), "{bib}");
    let keys: BTreeSet<String> = parsed.iter().map(|e| e.key.clone()).collect();
    assert_eq!(keys.len(), parsed.len(), "citation keys are unique");
    let article = parsed
        .get("evidex-003-liver-interventional-2025")
        .expect("the source article");
    let title = article.get("title").unwrap().format_verbatim();
    assert!(title.contains("陈敏山教授"), "{title}");
    assert_eq!(article.get("year").unwrap().format_verbatim(), "2026");
    // The primary publication the article cites for EMERALD-1's figures.
    let cited = parsed
        .iter()
        .find(|e| e.key == "evidex-003-liver-interventional-2025-4")
        .expect("reference [4] of the article");
    assert!(cited.get("note").unwrap().format_verbatim().contains("[4]"));
}

#[test]
fn bibtex_of_a_hostile_source_still_parses() {
    use evidex::cite::{Entry, Reference, References, bibtex};
    let refs = References(vec![Reference {
        number: 1,
        key: "x}{@misc{y,".into(),
        entry: Entry::Source {
            title: "50% of {braces} & $ # _ ~ ^ \\ \u{1b}]52;c;evil\u{7}".into(),
            translated: Some("}".into()),
            author: Some("A and B, {C}".into()),
            outlet: None,
            date: Some("2025-12".into()),
            url: Some("https://example.org/a_b?c=1&d=%20".into()),
            language: "en".into(),
        },
        records: vec!["r".into()],
    }]);
    let bib = bibtex(&refs);
    assert!(!bib.contains('\u{1b}'));
    let parsed = Bibliography::parse(&bib).unwrap_or_else(|e| panic!("{e:?}\n{bib}"));
    assert_eq!(parsed.len(), 1, "{bib}");
    let e = parsed.iter().next().unwrap();
    assert!(e.get("title").unwrap().format_verbatim().contains("braces"));
}

/// Python with rispy, if present (CI installs it); `None` with the reason otherwise.
fn rispy() -> Result<String, String> {
    let o = std::process::Command::new("python3")
        .args(["-c", "import rispy; print(rispy.__name__)"])
        .output()
        .map_err(|e| format!("python3 not runnable: {e}"))?;
    if o.status.success() {
        Ok("python3".into())
    } else {
        Err(String::from_utf8_lossy(&o.stderr).into_owned())
    }
}

#[test]
fn ris_imports_with_a_reference_managers_parser() {
    let ris = stdout(&[
        "compare",
        "emerald-1",
        "talentace",
        "leap-012",
        "--format",
        "ris",
    ]);
    let python = match rispy() {
        Ok(p) => p,
        Err(why) => {
            eprintln!("SKIPPED: Python's rispy is not installed (pip install rispy): {why}");
            return;
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("refs.ris");
    std::fs::write(&path, &ris).unwrap();
    let script = r#"
import json, sys, rispy
with open(sys.argv[1], encoding="utf-8") as f:
    entries = rispy.load(f)
print(json.dumps([{k: v for k, v in e.items()} for e in entries], ensure_ascii=False))
"#;
    let o = std::process::Command::new(python)
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    let blocks = ris.matches("ER  - ").count();
    assert_eq!(entries.len(), blocks, "{ris}");
    let article = entries
        .iter()
        .find(|e| e["id"] == "003-liver-interventional-2025")
        .expect("the source article");
    assert_eq!(article["type_of_reference"], "GEN");
    assert!(
        article["title"].as_str().unwrap().contains("陈敏山教授"),
        "{article}"
    );
    assert_eq!(article["year"], "2026");
    assert_eq!(article["date"], "2026/01/23");
    // Every entry has a type and a title.
    for e in &entries {
        assert!(
            e["type_of_reference"].is_string() && e["title"].is_string(),
            "{e}"
        );
    }
}

#[test]
fn markdown_numbers_every_figure_and_lists_the_references() {
    let md = stdout(&["compare", "emerald-1", "leap-012", "--format", "md"]);
    let (table, refs) = md.split_once("## References").expect("a reference list");
    // Column headers carry their study's references.
    let header = table.lines().find(|l| l.starts_with("| |")).unwrap();
    assert!(
        header.contains("EMERALD-1") && header.contains(" [1"),
        "{header}"
    );
    // Every figure cell of an endpoint block carries its numbers.
    let mut in_endpoint = false;
    let mut checked = 0;
    for l in table
        .lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
    {
        let cells: Vec<&str> = l.trim_matches('|').split(" |").collect();
        if cells[0].trim().starts_with("**") {
            in_endpoint = true;
            continue;
        }
        if cells[0].trim() == "Flags" {
            break;
        }
        if !in_endpoint || cells[0].contains("difference (evidex)") {
            continue;
        }
        for cell in &cells[1..] {
            let cell = cell.trim();
            if cell.is_empty() || cell == "—" || cell == "not reported" {
                continue;
            }
            assert!(
                cell.contains(" [") && cell.ends_with(']'),
                "a figure without its reference: {cell:?} in {l}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 4, "{md}");
    // Numbered 1..n, the article first.
    let items: Vec<&str> = refs.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(items[0].starts_with("1. 陈敏山"), "{refs}");
    for (i, l) in items.iter().enumerate() {
        assert!(l.starts_with(&format!("{}. ", i + 1)), "{l}");
    }
}

#[test]
fn a_sets_references_export_to_a_file() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        common::bin()
            .args(args)
            .env("XDG_DATA_HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .output()
            .unwrap()
    };
    let o = run(&["set", "save", "board", "emerald-1", "leap-012", "talentace"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = home.path().join("board.ris");
    let o = run(&[
        "set",
        "export",
        "board",
        "--format",
        "ris",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ris = std::fs::read_to_string(&out).unwrap();
    assert!(ris.starts_with("TY  - "), "{ris}");
    assert!(ris.contains("ID  - 003-liver-interventional-2025"));
    let o = run(&["set", "export", "board", "--format", "sof-csv"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("outcome,"));
}

/// PALLAS and C-AXSPAND as imported from their registry records.
fn pallas_and_caxspand() -> (Corpus, Vec<evidex::corpus::RecordRef>) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ctgov");
    let paths = [dir.join("NCT02513394.json"), dir.join("NCT02552212.json")];
    let (file, report) = evidex::import::import_ctgov_files(&paths, None);
    assert_eq!(report.skipped(), 0);
    let ids: Vec<String> = file.trials.iter().map(|t| t.id.clone()).collect();
    let c = Corpus::build(std::path::Path::new("fixtures"), file, None).expect("valid");
    let records = ids.iter().map(|id| c.resolve(id).unwrap()).collect();
    (c, records)
}

#[test]
fn serious_adverse_events_come_from_the_registry_counts() {
    let (c, records) = pallas_and_caxspand();
    let s = evidex::compare::sof::summary(&c, &records, Lang::En);
    let sae = s
        .findings
        .iter()
        .find(|f| f.outcome == evidex::compare::sof::SERIOUS)
        .expect("a serious adverse events row");
    assert_eq!(sae.side, evidex::compare::sof::Side::Safety);
    assert_eq!(sae.studies.len(), 2);
    // Participants at risk: the sum over both trials' arms, from the records themselves.
    let at_risk: u64 = records
        .iter()
        .filter_map(|r| c.trial(r.index).safety.as_ref())
        .flat_map(|s| s.groups.iter().filter(|g| g.arm.is_some()))
        .filter_map(|g| g.serious.as_ref())
        .map(|a| u64::from(a.at_risk))
        .sum();
    assert_eq!(sae.participants, Some(at_risk));
    assert_eq!(sae.participants_are, "at risk");
    // Different diseases: each trial's own risk ratio, not pooled, and indirect.
    assert!(sae.relative.contains("RR "), "{}", sae.relative);
    assert!(sae.relative.contains("not pooled"), "{}", sae.relative);
    assert!(
        sae.relative.contains("computed by evidex"),
        "{}",
        sae.relative
    );
    assert!(
        sae.downgrades
            .iter()
            .any(|d| d.rule == "indirectness" && d.reason.contains("cross-disease")),
        "{:?}",
        sae.downgrades
    );
    let abs = sae.absolute.as_deref().expect("a control rate is known");
    assert!(
        abs.contains("per 1,000 with control") && abs.contains("computed by evidex"),
        "{abs}"
    );
    assert!(s.findings.len() <= evidex::compare::sof::MAX_ROWS);
    // One trial alone: its risk ratio with an interval, from its own counts.
    let one = evidex::compare::sof::summary(&c, &records[..1], Lang::En);
    let sae = one
        .findings
        .iter()
        .find(|f| f.outcome == evidex::compare::sof::SERIOUS)
        .unwrap();
    let t = c.trial(records[0].index);
    let safety = t.safety.as_ref().unwrap();
    let control = safety
        .groups
        .iter()
        .find(|g| {
            g.arm
                .as_deref()
                .and_then(|a| t.arm(a))
                .is_some_and(|a| a.control)
        })
        .unwrap();
    let ctrl = control.serious.as_ref().unwrap();
    assert!(
        sae.relative
            .contains(&format!("vs {}/{}", ctrl.affected, ctrl.at_risk)),
        "{}",
        sae.relative
    );
    assert!(sae.relative.contains("95% CI"), "{}", sae.relative);
}

#[test]
fn the_pooled_studies_ratios_carry_their_references_too() {
    let md = stdout(&["compare", "emerald-1", "talentace", "--format", "md"]);
    let pooled = md
        .split_once("**Pooled PFS")
        .expect("a pooled PFS section")
        .1;
    let emerald = pooled
        .lines()
        .find(|l| l.starts_with("| EMERALD-1 |"))
        .expect("EMERALD-1's pooled line");
    assert!(emerald.contains("HR 0.77 [1,"), "{emerald}");
}
