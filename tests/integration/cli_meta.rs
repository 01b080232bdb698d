//! `evidex meta`, and the pooled lines of `evidex compare`'s exports, run as the real binary.

use crate::common;

use std::process::Output;

use common::evidex;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const FOUR: [&str; 4] = [
    "emerald-1",
    "talentace",
    "leap-012",
    "fan-2024-tace-sorafenib-recurrent",
];

fn meta(extra: &[&str]) -> Output {
    let mut args = vec!["meta"];
    args.extend(FOUR);
    args.extend(extra);
    evidex(&args)
}

#[test]
fn meta_pools_emerald_and_talentace_and_says_why_the_others_are_not() {
    let o = meta(&["--endpoint", "pfs"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for want in [
        "PFS hazard ratio: 2 of 4 trials pooled",
        "computed by evidex (not reported by any source)",
        "comparable populations and comparators",
        "HR 0.77 · SE 0.1219 of ln HR, from P=0.032 (two-sided)",
        "HR 0.71 · SE 0.1311 of ln HR, from P=0.009 (two-sided)",
        "Not pooled:",
        "no hazard ratio reported for PFS",
        "P is printed only as <0.001",
        // metafor: exp(-0.298969517) = 0.7416, CI 0.6226–0.8834 (tests/metafor/pooled.csv).
        "Pooled, random effects (REML), computed by evidex",
        "HR 0.742 (95% CI 0.623–0.883), p < 0.001",
        "95% prediction interval 0.623–0.883",
        "τ² 0.0000 (REML) · I² 0.0% · H² 1.00 · Q 0.21 (df 1), p = 0.650",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    let leap = out.find("LEAP-012").unwrap();
    assert!(leap > out.find("Not pooled:").unwrap(), "{out}");
}

#[test]
fn meta_json_has_the_numbers_with_full_precision_and_the_label() {
    let o = meta(&["--endpoint", "PFS", "--json", "--tau2", "dl"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["model"], "re");
    assert_eq!(v["endpoint"], "PFS");
    assert_eq!(v["kind"], "HR");
    assert_eq!(
        v["label"],
        "computed by evidex (not reported by any source)"
    );
    assert_eq!(v["pooled"]["model"], "random effects (DerSimonian–Laird)");
    let log = v["pooled"]["log_ratio"].as_f64().unwrap();
    assert!((log - -0.298_969_517_081_541).abs() < 1e-9, "{log}");
    assert_eq!(v["heterogeneity"]["tau2_method"], "dl");
    assert_eq!(v["studies"].as_array().unwrap().len(), 2);
    assert_eq!(v["studies"][0]["se_from"]["from"], "p_value");
    assert_eq!(v["not_pooled"][0]["id"], "leap-012");
    assert!(
        v["not_pooled"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("<0.001")
    );
}

#[test]
fn meta_fixed_effect_reports_the_fixed_estimate_only() {
    let o = evidex(&["meta", "emerald-1", "talentace", "--model", "fe"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("Pooled, fixed effect (inverse variance)"),
        "{out}"
    );
    assert!(!out.contains("prediction interval"), "{out}");
    assert!(!out.contains("Not pooled"), "{out}");
    // The endpoint defaults to the one most trials give a ratio for.
    assert!(out.starts_with("PFS hazard ratio"), "{out}");
}

#[test]
fn meta_with_nothing_to_pool_lists_the_studies_and_exits_1() {
    let o = meta(&["--endpoint", "os"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("1 of 4 trials with a standard error; nothing pooled"),
        "{out}"
    );
    assert!(out.contains("no hazard ratio reported for OS"), "{out}");
    assert!(
        stderr(&o).contains("ratios are reported for: PFS, OS"),
        "{}",
        stderr(&o)
    );
    let o = meta(&["--endpoint", "orr"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn meta_refuses_therapies_duplicates_and_bad_options() {
    let o = evidex(&["meta", "emerald-1", "sorafenib"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("meta pools the ratios that trials report"),
        "{}",
        stderr(&o)
    );
    let o = evidex(&["meta", "emerald-1", "emerald-1"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("named twice"), "{}", stderr(&o));
    let o = evidex(&["meta", "emerald-1", "talentace", "--tau2", "pm"]);
    assert_eq!(o.status.code(), Some(2));
    let o = evidex(&["meta", "emerald-1"]);
    assert_eq!(o.status.code(), Some(2));
    let o = evidex(&["meta", "emerald-1", "no-such-trial-xyz"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn compare_exports_carry_the_pooled_lines_labelled() {
    let mut args = vec!["compare"];
    args.extend(FOUR);
    let run = |format: &str| {
        let mut a = args.clone();
        a.extend(["--format", format]);
        let o = evidex(&a);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o)
    };
    let md = run("md");
    assert!(
        md.contains(
            "**Pooled PFS hazard ratio, computed by evidex (not reported by any source).**"
        ),
        "{md}"
    );
    assert!(md.contains("| **Pooled, random effects (REML)**, computed by evidex (not reported by any source) | HR 0.742 (95% CI 0.623–0.883); 95% prediction interval 0.623–0.883 |"), "{md}");
    assert!(
        md.contains("| LEAP-012 | not pooled: no hazard ratio reported for PFS |"),
        "{md}"
    );

    let csv = run("csv");
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let width = rdr.headers().unwrap().len();
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| r.len() == width));
    let fe = rows
        .iter()
        .find(|r| r[0].starts_with("PFS pooled fixed effect"))
        .expect("a fixed-effect row");
    assert!(fe[0].contains("computed by evidex"), "{fe:?}");
    assert_eq!(&fe[1], "HR 0.742 (95% CI 0.623–0.883)");
    assert_eq!(rows.iter().filter(|r| &r[0] == "PFS not pooled").count(), 2);

    let v: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let p = &v["pooled"][0];
    assert_eq!(p["endpoint"], "PFS");
    assert_eq!(
        p["label"],
        "computed by evidex (not reported by any source)"
    );
    let ratio = p["random"]["ratio"].as_f64().unwrap();
    assert!((ratio - 0.741_586).abs() < 1e-5, "{ratio}");

    let table = run("table");
    assert!(table.contains("HR 0.742 (95% CI 0.623–0.883)"), "{table}");

    // Two trials of which one has no ratio: nothing to pool, nothing in the export.
    let md = stdout(&evidex(&[
        "compare",
        "emerald-1",
        "leap-012",
        "--format",
        "md",
    ]));
    assert!(!md.contains("Pooled"), "{md}");
}
