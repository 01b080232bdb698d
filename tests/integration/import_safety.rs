//! Adverse events and baseline characteristics imported from real ClinicalTrials.gov records
//! (tests/fixtures/ctgov): every figure is compared with the record's JSON read independently,
//! `validate` rejects counts that do not add up and groups that do not exist, and the CLI's
//! JSON carries them.

use std::path::{Path, PathBuf};
use std::process::Command;

use evidex::corpus::validate::{Severity, validate};
use evidex::corpus::{Assessment, CharacteristicKind, CorpusFile, Num, Trial};
use evidex::import::import_ctgov_files;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ctgov")
        .join(name)
}

/// The records with results: dupilumab (NCT02210780), PALLAS (NCT02513394), C-AXSPAND
/// (NCT02552212).
const WITH_RESULTS: [&str; 3] = ["NCT02210780", "NCT02513394", "NCT02552212"];

fn import(nct: &str) -> (CorpusFile, Value) {
    let path = fixture(&format!("{nct}.json"));
    let (file, report) = import_ctgov_files(&[&path], None);
    assert_eq!(report.skipped(), 0, "{:?}", report.events);
    let raw: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (file, raw)
}

fn trial(file: &CorpusFile) -> &Trial {
    &file.trials[0]
}

fn int(v: &Value) -> u32 {
    match v {
        Value::Number(n) => n.as_u64().unwrap() as u32,
        Value::String(s) => s.parse().unwrap(),
        _ => panic!("not a count: {v}"),
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

#[test]
fn adverse_events_are_the_records_own() {
    for nct in WITH_RESULTS {
        let (file, raw) = import(nct);
        let t = trial(&file);
        let ae = &raw["resultsSection"]["adverseEventsModule"];
        let safety = t
            .safety
            .as_ref()
            .unwrap_or_else(|| panic!("{nct}: no safety"));
        assert_eq!(
            safety.time_frame.as_deref(),
            ae["timeFrame"].as_str(),
            "{nct}"
        );
        let groups = ae["eventGroups"].as_array().unwrap();
        assert_eq!(safety.groups.len(), groups.len(), "{nct}");
        for (g, raw) in safety.groups.iter().zip(groups) {
            assert_eq!(g.id, s(&raw["id"]));
            let serious = g.serious.expect("serious totals");
            assert_eq!(
                serious.affected,
                int(&raw["seriousNumAffected"]),
                "{nct} {}",
                g.id
            );
            assert_eq!(
                serious.at_risk,
                int(&raw["seriousNumAtRisk"]),
                "{nct} {}",
                g.id
            );
            let other = g.other.expect("other totals");
            assert_eq!(
                other.affected,
                int(&raw["otherNumAffected"]),
                "{nct} {}",
                g.id
            );
            assert_eq!(other.at_risk, int(&raw["otherNumAtRisk"]), "{nct} {}", g.id);
        }
        let mut expected = 0;
        for (serious, key) in [(true, "seriousEvents"), (false, "otherEvents")] {
            for e in ae[key].as_array().unwrap() {
                expected += 1;
                let found = safety
                    .events
                    .iter()
                    .find(|x| {
                        x.serious == serious
                            && x.term == s(&e["term"])
                            && x.organ_system.as_deref() == e["organSystem"].as_str()
                    })
                    .unwrap_or_else(|| panic!("{nct}: {} missing", e["term"]));
                let stats = e["stats"].as_array().unwrap();
                assert_eq!(found.counts.len(), stats.len(), "{nct} {}", found.term);
                for (c, st) in found.counts.iter().zip(stats) {
                    assert_eq!(c.group, s(&st["groupId"]));
                    assert_eq!(c.affected, int(&st["numAffected"]));
                    assert_eq!(c.at_risk, int(&st["numAtRisk"]));
                    let events = (!st["numEvents"].is_null()).then(|| int(&st["numEvents"]));
                    assert_eq!(c.events, events);
                }
            }
        }
        assert_eq!(safety.events.len(), expected, "{nct}");
    }
}

#[test]
fn pallas_and_c_axspand_examples() {
    let (file, _) = import("NCT02513394");
    let t = trial(&file);
    let safety = t.safety.as_ref().unwrap();
    // PALLAS: 369 of 2841 with a serious event on palbociclib, 229 of 2902 on endocrine therapy.
    let arm_a = &safety.groups[0];
    assert_eq!(arm_a.label, "Palbociclib Plus Endocrine Therapy (Arm A)");
    assert_eq!(
        (
            arm_a.serious.unwrap().affected,
            arm_a.serious.unwrap().at_risk
        ),
        (369, 2841)
    );
    assert_eq!(safety.groups[1].serious.unwrap().affected, 229);
    // Both groups are the trial's arms.
    for g in &safety.groups {
        let arm = g.arm.as_deref().expect("a PALLAS group is an arm");
        assert!(t.arms.iter().any(|a| a.id == arm));
    }
    let anaemia = safety
        .events
        .iter()
        .find(|e| e.serious && e.term == "Anaemia")
        .unwrap();
    assert_eq!(
        anaemia.organ_system.as_deref(),
        Some("Blood and lymphatic system disorders")
    );
    assert_eq!(anaemia.assessment, Some(Assessment::Systematic));
    assert_eq!(anaemia.vocabulary.as_deref(), Some("MedDRA 23.1"));
    assert_eq!(
        (anaemia.counts[0].affected, anaemia.counts[0].at_risk),
        (3, 2841)
    );

    let (file, _) = import("NCT02552212");
    let t = trial(&file);
    let safety = t.safety.as_ref().unwrap();
    // C-AXSPAND: five groups, of which the first two are the randomised arms; the open-label
    // groups are kept as groups without an arm.
    assert_eq!(safety.groups.len(), 5);
    assert!(safety.groups[..2].iter().all(|g| g.arm.is_some()));
    assert!(safety.groups[2..].iter().all(|g| g.arm.is_none()));
    assert_eq!(safety.frequency_threshold, Num::parse("5"));
    let glaucoma = safety.events.iter().find(|e| e.term == "Glaucoma").unwrap();
    assert!(glaucoma.serious);
    assert_eq!(glaucoma.assessment, Some(Assessment::NonSystematic));
    assert_eq!(glaucoma.counts[1].affected, 1);
    assert_eq!(glaucoma.counts[1].at_risk, 159);
}

#[test]
fn baseline_is_the_records_own_for_the_kinds_kept() {
    for nct in WITH_RESULTS {
        let (file, raw) = import(nct);
        let t = trial(&file);
        let bm = &raw["resultsSection"]["baselineCharacteristicsModule"];
        let b = t
            .baseline
            .as_ref()
            .unwrap_or_else(|| panic!("{nct}: no baseline"));
        assert_eq!(b.groups.len(), bm["groups"].as_array().unwrap().len());
        for (g, c) in b
            .groups
            .iter()
            .zip(bm["denoms"][0]["counts"].as_array().unwrap())
        {
            assert_eq!(g.id, s(&c["groupId"]));
            assert_eq!(g.n, Some(int(&c["value"])));
        }
        let kept = ["age", "sex", "race", "ethnicity"];
        let mut expected = 0;
        for m in bm["measures"].as_array().unwrap() {
            let title = s(&m["title"]);
            let lower = title.to_lowercase();
            let ch = b.characteristics.iter().find(|c| c.title == title);
            if !kept
                .iter()
                .any(|k| lower.starts_with(k) || lower.contains(&format!(" {k}")))
            {
                assert!(ch.is_none(), "{nct}: {title} is not a kept kind");
                continue;
            }
            expected += 1;
            let ch = ch.unwrap_or_else(|| panic!("{nct}: {title} missing"));
            let mut rows = ch.rows.iter();
            for class in m["classes"].as_array().unwrap() {
                for cat in class["categories"].as_array().unwrap() {
                    let row = rows.next().expect("a row per category");
                    assert_eq!(row.category.as_deref(), cat["title"].as_str());
                    assert_eq!(row.class.as_deref(), class["title"].as_str());
                    for (v, x) in row
                        .values
                        .iter()
                        .zip(cat["measurements"].as_array().unwrap())
                    {
                        assert_eq!(v.group, s(&x["groupId"]));
                        assert_eq!(v.value.text(), s(&x["value"]), "{nct} {title}");
                        assert_eq!(v.spread.as_ref().map(Num::text), x["spread"].as_str());
                        assert_eq!(v.low.as_ref().map(Num::text), x["lowerLimit"].as_str());
                    }
                }
            }
            assert!(rows.next().is_none());
        }
        assert_eq!(b.characteristics.len(), expected, "{nct}");
    }
    // PALLAS: median age 52 (range 25 to …) on palbociclib.
    let (file, _) = import("NCT02513394");
    let b = trial(&file).baseline.as_ref().unwrap();
    let age = &b.characteristics[0];
    assert_eq!(age.kind, CharacteristicKind::Age);
    assert_eq!(age.param.as_deref(), Some("median"));
    assert_eq!(age.dispersion.as_deref(), Some("full range"));
    assert_eq!(age.rows[0].values[0].value.text(), "52");
    assert_eq!(
        age.rows[0].values[0].low.as_ref().map(Num::text),
        Some("25")
    );
    // The dupilumab record's disease scores (EASI, IGA, …) are not baseline kinds evidex keeps.
    let (file, _) = import("NCT02210780");
    let b = trial(&file).baseline.as_ref().unwrap();
    assert!(b.characteristics.iter().all(|c| !c.title.contains("EASI")));
}

#[test]
fn records_without_results_have_neither() {
    for nct in ["NCT04267848", "NCT06388018"] {
        let (file, _) = import(nct);
        assert!(trial(&file).safety.is_none());
        assert!(trial(&file).baseline.is_none());
    }
}

/// The errors `validate` reports for C-AXSPAND's import after `edit`.
fn errors_after(edit: impl FnOnce(&mut Trial)) -> Vec<String> {
    let (mut file, _) = import("NCT02552212");
    edit(&mut file.trials[0]);
    validate(&file, None)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect()
}

#[test]
fn validate_accepts_the_imports() {
    assert_eq!(errors_after(|_| {}), Vec::<String>::new());
}

#[test]
fn validate_rejects_more_affected_than_at_risk() {
    let errs = errors_after(|t| {
        let s = t.safety.as_mut().unwrap();
        s.events[0].counts[1].affected = 160;
        s.groups[0].serious.as_mut().unwrap().affected = 159;
    });
    assert!(
        errs.iter().any(|e| e.ends_with(
            ".safety.events[0].counts[1].affected: 160 affected is more than the 159 at risk"
        )),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains(".safety.groups[0].serious: 159 affected is more than the 158")),
        "{errs:?}"
    );
}

#[test]
fn validate_rejects_unknown_groups_and_arms() {
    let errs = errors_after(|t| {
        let s = t.safety.as_mut().unwrap();
        s.events[3].counts[0].group = "EG999".into();
        s.groups[1].arm = Some("no-such-arm".into());
        let b = t.baseline.as_mut().unwrap();
        b.characteristics[0].rows[0].values[2].group = "BG999".into();
        b.groups[0].arm = Some("gone".into());
        b.groups[1].id = b.groups[0].id.clone();
    });
    for want in [
        ".safety.events[3].counts[0].group: the safety section has no group \"EG999\"",
        ".safety.groups[1].arm: the trial has no arm \"no-such-arm\"",
        ".baseline.characteristics[0].rows[0].values[2].group: the baseline section has no group \"BG999\"",
        ".baseline.groups[0].arm: the trial has no arm \"gone\"",
        ".baseline.groups[1].id: group id \"BG000\" appears twice",
    ] {
        assert!(errs.iter().any(|e| e.ends_with(want)), "{want}: {errs:?}");
    }
    assert!(
        errs.iter().all(|e| e.starts_with("trials[0] (")),
        "{errs:?}"
    );
}

#[test]
fn a_corpus_without_them_still_loads_and_json_round_trips() {
    let (file, _) = import("NCT02552212");
    let text = serde_json::to_string(&file).unwrap();
    let back: CorpusFile = serde_json::from_str(&text).unwrap();
    assert_eq!(back, file);
    // The bundled corpus has neither section and loads as before.
    let bundled: CorpusFile = serde_json::from_str(include_str!("../../data/corpus.json")).unwrap();
    assert!(
        bundled
            .trials
            .iter()
            .all(|t| t.safety.is_none() && t.baseline.is_none())
    );
}

#[test]
fn show_json_and_validate_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("c.json");
    let bin = env!("CARGO_BIN_EXE_evidex");
    let run = |args: &[&str]| {
        Command::new(bin)
            .args(args)
            .env("XDG_DATA_HOME", dir.path())
            .env("XDG_CONFIG_HOME", dir.path())
            .env("HOME", dir.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let fx = fixture("NCT02552212.json");
    let o = run(&[
        "import",
        "ctgov",
        fx.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let corpus = out.to_str().unwrap();
    let o = run(&["--corpus", corpus, "show", "--json", "nct02552212"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = if v["trial"].is_object() {
        &v["trial"]
    } else {
        &v
    };
    assert_eq!(t["safety"]["groups"][0]["serious"]["affected"], 4);
    assert_eq!(t["baseline"]["groups"][0]["n"], 158);
    // An edited file with an impossible count is rejected by `validate`, naming the field.
    let mut f: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    f["trials"][0]["safety"]["events"][0]["counts"][0]["affected"] = 999.into();
    std::fs::write(&out, serde_json::to_string(&f).unwrap()).unwrap();
    let o = run(&["--corpus", corpus, "validate"]);
    assert!(!o.status.success());
    let text = String::from_utf8_lossy(&o.stdout).to_string() + &String::from_utf8_lossy(&o.stderr);
    assert!(
        text.contains(
            ".safety.events[0].counts[0].affected: 999 affected is more than the 158 at risk"
        ),
        "{text}"
    );
}

#[test]
fn a_curated_trial_gains_the_tables_with_its_own_arm_ids() {
    use evidex::corpus::{Arm, Citation, Names, Source};
    use evidex::import::Importer;
    let cite = Citation {
        source: "article".into(),
        reference: None,
        quote: "PALLAS did not improve iDFS.".into(),
    };
    let mut base = CorpusFile {
        schema_version: evidex::corpus::SCHEMA_VERSION,
        ..Default::default()
    };
    base.sources.push(Source {
        id: "article".into(),
        title: Names::en("An article"),
        language: "en".into(),
        ..Default::default()
    });
    base.trials.push(Trial {
        id: "pallas".into(),
        registry_ids: vec!["NCT02513394".into()],
        title: Names::en("PALLAS"),
        arms: vec![Arm {
            id: "palbo".into(),
            label: Names::en("Palbociclib Plus Endocrine Therapy (Arm A)"),
            ..Default::default()
        }],
        citations: vec![cite],
        ..Default::default()
    });
    let mut imp = Importer::new(base);
    imp.add_file(&fixture("NCT02513394.json"));
    let (file, report) = imp.finish();
    assert_eq!(report.updated(), 1, "{:?}", report.events);
    let t = &file.trials[0];
    let s = t.safety.as_ref().expect("the registry's adverse events");
    assert_eq!(s.groups[0].arm.as_deref(), Some("palbo"));
    let b = t.baseline.as_ref().expect("the registry's baseline");
    assert_eq!(b.groups[0].arm.as_deref(), Some("palbo"));
    let errors: Vec<_> = validate(&file, None)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

#[test]
fn show_prints_the_safety_and_baseline_sections() {
    let (file, _) = import("NCT02513394");
    let corpus = evidex::corpus::Corpus::build(Path::new("<import>"), file, None).expect("valid");
    let r = corpus.resolve("nct02513394").expect("the trial");
    let text = evidex::present::detail(&corpus, r, evidex::corpus::Lang::En).to_plain(120);
    for want in [
        "Safety",
        "Serious adverse events, participants",
        "369 of 2841; deaths 99 of 2841",
        "Endocrine Therapy Alone (Arm B)       229 of 2902; deaths 76 of 2902",
        "Most frequent serious events (5 of 341 terms, by participants affected)",
        "Cellulitis (Infections and infestations): Palbociclib Plus Endocrine Therapy (Arm A) 24 of 2841",
        "Time frame: 4 years",
        "Baseline",
        "Age, Continuous (median, full range, years)",
        "Palbociclib Plus Endocrine Therapy (Arm A) 52 (25 to 90)",
    ] {
        assert!(text.contains(want), "{want:?} not in:\n{text}");
    }
    // A trial without the tables has neither heading.
    let (file, _) = import("NCT04267848");
    let corpus = evidex::corpus::Corpus::build(Path::new("<import>"), file, None).expect("valid");
    let r = corpus.resolve("nct04267848").expect("the trial");
    let text = evidex::present::detail(&corpus, r, evidex::corpus::Lang::En).to_plain(120);
    assert!(!text.contains("\nSafety\n") && !text.contains("\nBaseline\n"));
}
