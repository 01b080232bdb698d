//! `evidex import ctgov`: real ClinicalTrials.gov API v2 records (tests/fixtures/ctgov, copied
//! unmodified from public repositories) through the library and through the binary.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

use evidex::corpus::{Cmp, Corpus, CorpusFile, Design, Outcome, Phase, Status, Trial};
use evidex::import::{Event, Importer, import_ctgov_files};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/ctgov")
        .join(name)
}

const ALL: [&str; 5] = [
    "NCT02210780.json",
    "NCT02513394.json",
    "NCT02552212.json",
    "NCT04267848.json",
    "NCT06388018.json",
];

fn import(names: &[&str]) -> CorpusFile {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    let (file, report) = import_ctgov_files(&paths, None);
    assert_eq!(report.skipped(), 0, "{:?}", report.events);
    assert_eq!(report.bad_files(), 0, "{:?}", report.events);
    file
}

fn trial<'a>(file: &'a CorpusFile, nct: &str) -> &'a Trial {
    file.trials
        .iter()
        .find(|t| t.registry_ids.iter().any(|r| r == nct))
        .unwrap_or_else(|| panic!("{nct} was not imported"))
}

/// The corpus is valid as `evidex validate` sees it (errors only; warnings allowed).
fn assert_valid(file: &CorpusFile) -> Corpus {
    match Corpus::build(Path::new("<import>"), file.clone(), None) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    }
}

/// The trial's outcome whose label contains `part`.
fn labelled<'a>(t: &'a Trial, part: &str) -> &'a Outcome {
    t.outcomes
        .iter()
        .find(|o| o.label.as_deref().unwrap_or("").contains(part))
        .unwrap_or_else(|| panic!("no outcome labelled {part:?}"))
}

fn arm_label<'a>(t: &'a Trial, arm: Option<&str>) -> &'a str {
    arm.and_then(|a| t.arm(a))
        .and_then(|a| a.label.en.as_deref())
        .unwrap_or("")
}

fn value_of<'a>(t: &'a Trial, o: &'a Outcome, arm_contains: &str) -> &'a str {
    o.values
        .iter()
        .find(|v| arm_label(t, v.arm.as_deref()).contains(arm_contains))
        .map(|v| v.value.text())
        .unwrap_or_else(|| panic!("no value for an arm like {arm_contains:?}"))
}

#[test]
fn pallas_hazard_ratios_come_through_with_cis_and_p_values() {
    let file = import(&["NCT02513394.json"]);
    assert_valid(&file);
    let t = trial(&file, "NCT02513394");
    assert_eq!(t.acronym.as_deref(), Some("PALLAS"));
    assert_eq!(t.phase, Some(Phase::P3));
    assert_eq!(t.design, Design::Rct);
    assert_eq!(t.status, Status::ActiveNotRecruiting);
    assert_eq!(t.enrolment, Some(5796));
    assert_eq!(t.centres.as_deref(), Some("437 sites"));
    assert!(t.countries.iter().any(|c| c == "Austria"));
    // A partial date stays partial.
    assert!(t.notes.iter().any(|n| n.text.contains("start 2015-08;")));

    // All five analyses are hazard ratios with 95% CIs.
    let with_hr: Vec<&Outcome> = t.outcomes.iter().filter(|o| o.hr.is_some()).collect();
    assert_eq!(with_hr.len(), 5);
    let primary = &t.outcomes[0];
    assert_eq!(primary.endpoint, "IDFS");
    assert_eq!(primary.unit.as_deref(), Some("%"));
    let hr = primary
        .hr
        .as_ref()
        .expect("primary iDFS has a hazard ratio");
    assert_eq!(hr.value.text(), "0.96");
    assert_eq!(hr.kind, None, "a hazard ratio is the default kind");
    let ci = hr.ci.as_ref().expect("with its CI");
    assert_eq!((ci.low.text(), ci.high.text()), ("0.81", "1.14"));
    assert_eq!(ci.level, None, "95% is the default level");
    let p = primary.p.as_ref().expect("and its p-value");
    assert_eq!((p.cmp, p.value.text()), (Cmp::Eq, "0.65"));
    let note = primary.note.as_deref().unwrap_or("");
    assert!(note.contains("Log Rank"), "{note}");
    assert!(
        note.contains("stratified by (neo)adjuvant chemotherapy"),
        "{note}"
    );

    // The values are attached to the right arms: palbociclib 84.2, endocrine alone 84.5.
    assert_eq!(value_of(t, primary, "Palbociclib"), "84.2");
    assert_eq!(value_of(t, primary, "Endocrine Therapy Alone"), "84.5");
    let control = t.control_arm().expect("Arm B is the comparator");
    assert!(control.label.en.as_deref().unwrap_or("").contains("Arm B"));
    assert_eq!(control.n, Some(2900));

    let os = t.outcomes.iter().find(|o| o.endpoint == "OS").expect("OS");
    let hr = os.hr.as_ref().expect("OS hazard ratio");
    let ci = hr.ci.as_ref().expect("OS CI");
    assert_eq!(
        (hr.value.text(), ci.low.text(), ci.high.text()),
        ("1.32", "0.98", "1.78")
    );
    assert_eq!(value_of(t, os, "Palbociclib"), "93.8");

    // A figure keeps its printed text: 86.0 is not 86.
    let idfs2 = &t.outcomes[1];
    assert_eq!(value_of(t, idfs2, "Alone"), "86.0");

    // Every outcome cites the registry record with a verbatim piece of it.
    let src = file
        .sources
        .iter()
        .find(|s| s.id == "ctgov-nct02513394")
        .expect("one source per study");
    assert_eq!(src.outlet.as_deref(), Some("ClinicalTrials.gov"));
    assert_eq!(
        src.url.as_deref(),
        Some("https://clinicaltrials.gov/study/NCT02513394")
    );
    assert_eq!(
        src.date.as_deref(),
        Some("2023-06-15"),
        "last update posted"
    );
    for o in &t.outcomes {
        assert_eq!(o.citation.source, src.id);
    }
    assert!(
        primary
            .citation
            .quote
            .starts_with("Invasive Disease Free Survival (iDFS): Invasive disease-free survival")
    );
}

#[test]
fn a_studies_page_imports() {
    let file = import(&["NCT06388018.json"]);
    assert_valid(&file);
    let t = trial(&file, "NCT06388018");
    assert_eq!(t.phase, Some(Phase::P2));
    assert_eq!(t.design, Design::NonRandomised);
    assert_eq!(t.status, Status::Recruiting);
    assert!(t.outcomes.is_empty());
    assert!(t.awaiting_results());
    assert_eq!(t.arms.len(), 3);
    // Planned outcomes without results are kept as notes with their definitions.
    assert!(
        t.notes
            .iter()
            .any(|n| n.text.starts_with("Primary outcome, no result imported"))
    );
    // Dates are kept as the registry writes them, with their type.
    assert!(
        t.notes
            .iter()
            .any(|n| n.text.contains("start 2025-01-16 (estimated)"))
    );
}

#[test]
fn non_oncology_records_import_with_their_analyses() {
    let file = import(&["NCT02210780.json", "NCT02552212.json"]);
    assert_valid(&file);

    // Dupilumab: differences (not ratios) with 90% CIs go to the note, p-values to `p`.
    let t = trial(&file, "NCT02210780");
    let iga = labelled(t, "Investigator's Global");
    assert!(iga.hr.is_none());
    let p = iga.p.as_ref().expect("p-value");
    assert_eq!((p.cmp, p.value.text()), (Cmp::Lt, "0.0001"));
    assert!(
        iga.note
            .as_deref()
            .unwrap_or("")
            .contains("Percentage Difference 34.0 (90% CI 24.29 to 43.75)"),
        "{:?}",
        iga.note
    );
    let dupilumab = file
        .therapies
        .iter()
        .find(|th| th.name.en.as_deref() == Some("Dupilumab"))
        .expect("dupilumab");
    assert!(dupilumab.aliases.iter().any(|a| a == "Dupixent"));

    // Certolizumab: odds ratios with their CIs; "=0.247" keeps its figure.
    let t = trial(&file, "NCT02552212");
    assert_eq!(t.acronym.as_deref(), Some("C-AXSPAND"));
    let asdas = t
        .outcomes
        .iter()
        .find(|o| o.endpoint == "ASDAS-MI")
        .expect("ASDAS-MI");
    let or = asdas.hr.as_ref().expect("odds ratio");
    assert_eq!(or.kind.as_deref(), Some("OR"));
    assert_eq!(or.value.text(), "15.231");
    let ci = or.ci.as_ref().expect("CI");
    assert_eq!((ci.low.text(), ci.high.text()), ("7.336", "31.623"));
    assert_eq!(value_of(t, asdas, "Certolizumab"), "47.2");
    assert_eq!(value_of(t, asdas, "Placebo"), "7.0");
    let au = t.outcomes.iter().find(|o| o.endpoint == "AU").expect("AU");
    assert_eq!(au.p.as_ref().map(|p| p.value.text()), Some("0.247"));
    // Counts keep their denominators.
    let v = &au.values[0];
    assert_eq!((v.count, v.of), (Some(8), Some(158)));
    // A geometric mean with its 95% CI per arm; a value "NA" is reported, never guessed.
    let fu = t
        .outcomes
        .iter()
        .find(|o| o.label.as_deref().unwrap_or("").contains("Follow-Up"))
        .expect("follow-up concentration");
    assert!(fu.values[0].ci.is_some());
    assert!(
        fu.note
            .as_deref()
            .unwrap_or("")
            .contains("NA (Values were below")
    );
}

#[test]
fn open_label_extension_groups_are_not_arms() {
    // C-AXSPAND's protocol has two arms, certolizumab (EXPERIMENTAL) and placebo
    // (PLACEBO_COMPARATOR). Its results add groups for the open-label extension
    // (`Placebo->OL CZP (SS)`: "Subset of subjects from the Placebo group, who ... entered the
    // open-label CZP treatment"; `SFE OL CZP 200 mg Q2W (SS)`): subsets and a later period of
    // those two arms, which must not be listed as experimental arms. Their figures are kept
    // in the outcome's note.
    let file = import(&["NCT02552212.json"]);
    assert_valid(&file);
    let t = trial(&file, "NCT02552212");
    let arms: Vec<(&str, bool)> = t
        .arms
        .iter()
        .map(|a| (a.label.en.as_deref().unwrap_or(""), a.control))
        .collect();
    assert_eq!(
        arms,
        [("Certolizumab Pegol 200 mg Q2W", false), ("Placebo", true)]
    );
    let sae = t
        .outcomes
        .iter()
        .find(|o| {
            o.endpoint == "SAE"
                && o.label.as_deref() == Some("Participants with serious adverse events")
        })
        .expect("serious adverse events");
    assert_eq!(sae.values.len(), 2);
    let note = sae.note.as_deref().unwrap_or("");
    assert!(
        note.contains("Groups outside the protocol's arms: Placebo->OL CZP (SS): 3;"),
        "{note}"
    );
    let week4 = labelled(t, "Plasma Concentration at Week 4");
    assert_eq!(week4.values.len(), 1);
    assert!(
        week4
            .note
            .as_deref()
            .unwrap_or("")
            .contains("Groups outside the protocol's arms: Placebo->OL CZP (SS): 48.8"),
        "{:?}",
        week4.note
    );
}

#[test]
fn reimporting_updates_instead_of_duplicating() {
    let first = import(&["NCT02513394.json"]);
    let mut imp = Importer::new(first.clone());
    imp.add_file(&fixture("NCT02513394.json"));
    let (again, report) = imp.finish();
    assert_eq!(report.updated(), 1);
    assert_eq!(report.imported(), 0);
    assert_eq!(again.trials.len(), first.trials.len());
    assert_eq!(again.therapies.len(), first.therapies.len());
    assert_eq!(again.sources.len(), first.sources.len());
    assert_eq!(again, first);
}

#[test]
fn a_curated_trial_with_the_same_nct_keeps_its_own_data() {
    let mut base = CorpusFile {
        schema_version: 1,
        sources: vec![evidex::corpus::Source {
            id: "article".into(),
            title: evidex::corpus::Names::en("An article"),
            language: "en".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let cite = evidex::corpus::Citation {
        source: "article".into(),
        reference: None,
        quote: "PALLAS did not improve iDFS.".into(),
    };
    base.trials.push(Trial {
        id: "pallas".into(),
        registry_ids: vec!["NCT02513394".into()],
        title: evidex::corpus::Names::en("PALLAS as the article names it"),
        arms: vec![evidex::corpus::Arm {
            id: "palbo".into(),
            label: evidex::corpus::Names::en("Palbociclib + ET"),
            ..Default::default()
        }],
        outcomes: vec![Outcome {
            endpoint: "IDFS".into(),
            values: vec![evidex::corpus::ArmValue {
                arm: Some("palbo".into()),
                value: evidex::corpus::Num::parse("84.2").expect("number"),
                ..Default::default()
            }],
            higher_is_better: true,
            citation: cite.clone(),
            ..Default::default()
        }],
        citations: vec![cite],
        ..Default::default()
    });
    let mut imp = Importer::new(base);
    imp.add_file(&fixture("NCT02513394.json"));
    let (file, report) = imp.finish();
    assert!(matches!(
        report.events.as_slice(),
        [Event::Updated { curated: true, id, .. }] if id == "pallas"
    ));
    assert_valid(&file);
    assert_eq!(file.trials.len(), 1);
    let t = &file.trials[0];
    assert_eq!(
        t.title.en.as_deref(),
        Some("PALLAS as the article names it")
    );
    assert_eq!(
        t.outcomes[0].citation.source, "article",
        "curated outcome first"
    );
    assert!(t.outcomes.len() > 1, "the registry's outcomes are added");
    assert!(t.arms.iter().any(|a| a.id == "palbo"));
    assert_eq!(
        t.acronym.as_deref(),
        Some("PALLAS"),
        "empty fields are filled"
    );
}

/// Runs the binary with `args` in `dir`.
fn evidex(dir: &Path, args: &[&str]) -> Output {
    common::bin()
        .args(args)
        .current_dir(dir)
        .env("EVIDEX_LIBRARY", dir.join("library.sqlite"))
        .env("NO_COLOR", "1")
        .env("COLUMNS", "160")
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn merged_into_the_bundled_corpus_it_validates_and_links() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("merged.json");
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/corpus.json");
    let mut args = vec!["import".to_string(), "ctgov".to_string()];
    args.extend(ALL.iter().map(|n| fixture(n).display().to_string()));
    args.extend([
        "--merge".into(),
        bundled.display().to_string(),
        "-o".into(),
        out.display().to_string(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = evidex(dir.path(), &args);
    let err = text(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(err.contains("imported 5, updated 0, skipped 0"), "{err}");

    let v = evidex(dir.path(), &["validate", out.to_str().expect("utf-8 path")]);
    assert!(v.status.success(), "{}", text(&v.stderr));
    assert!(text(&v.stdout).contains("valid"));

    // Linked, not duplicated: the bundled breast-cancer disease and pembrolizumab therapy.
    let file = Corpus::open(&out).expect("merged corpus opens").to_file();
    let pallas = trial(&file, "NCT02513394");
    assert!(pallas.diseases.iter().any(|d| d == "breast-cancer"));
    let accio = trial(&file, "NCT04267848");
    assert!(
        accio
            .arms
            .iter()
            .any(|a| a.therapies.iter().any(|t| t == "pembrolizumab"))
    );
    assert_eq!(
        file.therapies
            .iter()
            .filter(|t| t.name.en.as_deref() == Some("Pembrolizumab"))
            .count(),
        1
    );
    let pembro = file
        .therapies
        .iter()
        .find(|t| t.id == "pembrolizumab")
        .expect("bundled pembrolizumab");
    assert!(pembro.aliases.iter().any(|a| a == "Lambrolizumab"));

    // Merging the same records again updates them, and says so.
    let again = dir.path().join("again.json");
    let r = evidex(
        dir.path(),
        &[
            "import",
            "ctgov",
            fixture("NCT02513394.json").to_str().expect("utf-8"),
            "--merge",
            out.to_str().expect("utf-8"),
            "-o",
            again.to_str().expect("utf-8"),
        ],
    );
    let err = text(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(err.contains("updated existing trial nct02513394"), "{err}");
    assert!(err.contains("imported 0, updated 1, skipped 0"), "{err}");

    // Search finds the imported trials by NCT id and by an intervention's other name.
    let on_merged = |args: &[&str]| {
        let mut all = vec!["--corpus", out.to_str().expect("utf-8")];
        all.extend_from_slice(args);
        evidex(dir.path(), &all)
    };
    let s = on_merged(&["search", "NCT02513394"]);
    let found = text(&s.stdout);
    assert!(s.status.success(), "{}", text(&s.stderr));
    assert!(found.contains("PALLAS"), "{found}");
    let s = on_merged(&["search", "--json", "Lambrolizumab"]);
    let found = text(&s.stdout);
    assert!(found.contains("\"nct04267848\""), "{found}");
    let s = on_merged(&["search", "--json", "REGN668"]);
    assert!(text(&s.stdout).contains("\"nct02210780\""));

    // Shown and compared with their posted results.
    let s = on_merged(&["show", "NCT02513394"]);
    let shown = text(&s.stdout);
    assert!(
        shown.contains("HR 0.96 (95% CI 0.81–1.14), P=0.65"),
        "{shown}"
    );
    let s = on_merged(&["compare", "nct02513394", "nct02552212", "--format", "md"]);
    let md = text(&s.stdout);
    assert!(s.status.success(), "{}", text(&s.stderr));
    assert!(
        md.contains("| **IDFS hazard ratio** | | |\n| HR (CI) | HR 0.96 (95% CI 0.81–1.14) [1] |"),
        "{md}"
    );
    assert!(md.contains("OR 15.231 (95% CI 7.336–31.623)"), "{md}");
}

/// Registry condition names link to the diseases clinicians' names: ACCIO's NCI Thesaurus
/// conditions to NSCLC and lung squamous cell carcinoma, its staged conditions to lung cancer
/// (the stages kept as the setting), and its non-squamous NSCLC becomes a disease under NSCLC.
/// Its imaging, echocardiography, sample collection and questionnaires are not therapies.
#[test]
fn registry_conditions_link_and_assessments_are_not_therapies() {
    let bundled = Corpus::bundled().expect("bundled").to_file();
    let (file, report) = import_ctgov_files(&[fixture("NCT04267848.json")], Some(bundled.clone()));
    assert_eq!(report.imported(), 1, "{:?}", report.events);
    assert_valid(&file);
    let accio = trial(&file, "NCT04267848");
    assert_eq!(accio.diseases.len(), 4, "{:?}", accio.diseases);
    assert_eq!(accio.diseases[0], "nsclc");
    assert_eq!(accio.diseases[1], "lung-squamous-cell-carcinoma");
    assert_eq!(accio.diseases[3], "lung-cancer");
    let non_squamous = file
        .diseases
        .iter()
        .find(|d| d.id == accio.diseases[2])
        .expect("non-squamous disease");
    assert_eq!(
        non_squamous.name.en.as_deref(),
        Some("Lung Non-Squamous Non-Small Cell Carcinoma")
    );
    assert_eq!(non_squamous.parent.as_deref(), Some("nsclc"));
    assert_eq!(file.diseases.len(), bundled.diseases.len() + 1);
    let setting = accio.setting.as_deref().unwrap_or("");
    assert!(
        setting.contains("Stage IIIA Lung Cancer AJCC v8"),
        "{setting}"
    );

    let names: Vec<&str> = file
        .therapies
        .iter()
        .filter_map(|t| t.name.en.as_deref())
        .collect();
    for assessment in [
        "Biospecimen Collection",
        "Computed Tomography",
        "Echocardiography Test",
        "Magnetic Resonance Imaging",
        "Questionnaire Administration",
    ] {
        assert!(
            !names.contains(&assessment),
            "{assessment} listed as a therapy"
        );
        assert!(
            accio.notes.iter().any(|n| n.text.contains(assessment)),
            "{assessment} not named in a note"
        );
    }
    assert!(names.contains(&"Observation Activity"));
    for arm in &accio.arms {
        assert!(
            !arm.therapies.iter().any(|t| t.contains("tomography")),
            "{arm:?}"
        );
    }
    // Started: the registry's actual start date.
    assert_eq!(accio.started.as_deref(), Some("2020-06-16"));
}

/// MeSH writes names inverted ("Carcinoma, Hepatocellular"); stages of one disease the corpus
/// lacks make one new disease, not one per stage.
#[test]
fn inverted_and_staged_condition_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut page: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture("NCT06388018.json")).expect("fixture"))
            .expect("json");
    let path = dir.path().join("hcc.json");
    page["studies"][0]["protocolSection"]["conditionsModule"]["conditions"] = serde_json::json!([
        "Carcinoma, Hepatocellular",
        "Adult Hepatocellular Carcinoma"
    ]);
    std::fs::write(&path, page.to_string()).expect("write");
    let bundled = Corpus::bundled().expect("bundled").to_file();
    let (file, _) = import_ctgov_files(&[&path], Some(bundled.clone()));
    assert_eq!(trial(&file, "NCT06388018").diseases, ["hcc"]);

    let (file, _) = import_ctgov_files(&[fixture("NCT06388018.json")], Some(bundled.clone()));
    let t = trial(&file, "NCT06388018");
    assert_eq!(t.diseases.len(), 1, "{:?}", t.diseases);
    let d = file
        .diseases
        .iter()
        .find(|d| d.id == t.diseases[0])
        .expect("disease");
    assert_eq!(
        d.name.en.as_deref(),
        Some("Uterine Corpus Endometrial Stromal Sarcoma")
    );
    // Its imaging and questionnaire are not therapies; its brachytherapy is.
    let ther: Vec<&str> = t
        .arms
        .iter()
        .flat_map(|a| &a.therapies)
        .map(String::as_str)
        .collect();
    assert!(ther.iter().any(|t| t.contains("brachytherapy")), "{ther:?}");
    assert!(
        !ther
            .iter()
            .any(|t| t.contains("imaging") || t.contains("questionnaire")),
        "{ther:?}"
    );
}

/// `--merge bundled` needs no source tree: run where there is no data/corpus.json, it merges
/// into the corpus built into the binary. A file called `bundled` is `./bundled`.
#[test]
fn merge_bundled_needs_no_source_tree() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert!(!dir.path().join("data/corpus.json").exists());
    let pallas = fixture("NCT02513394.json");
    let pallas = pallas.to_str().expect("utf-8");
    let r = evidex(
        dir.path(),
        &[
            "import",
            "ctgov",
            pallas,
            "--merge",
            "bundled",
            "-o",
            "merged.json",
        ],
    );
    let err = text(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(!err.contains("note:"), "{err}");
    let merged = Corpus::open(&dir.path().join("merged.json"))
        .expect("merged corpus opens")
        .to_file();
    let bundled = Corpus::bundled().expect("bundled").to_file();
    assert_eq!(merged.trials.len(), bundled.trials.len() + 1);
    assert!(merged.trials.iter().any(|t| t.id == "emerald-1"));
    assert!(
        trial(&merged, "NCT02513394")
            .diseases
            .iter()
            .any(|d| d == "breast-cancer")
    );

    // A file literally called `bundled`: the bare word still means the built-in corpus (and
    // says so); `./bundled` is the file.
    let small = import(&["NCT02210780.json"]);
    std::fs::write(
        dir.path().join("bundled"),
        serde_json::to_string(&small).expect("json"),
    )
    .expect("write");
    let r = evidex(
        dir.path(),
        &["import", "ctgov", pallas, "--merge", "bundled", "-o", "-"],
    );
    let err = text(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(err.contains("--merge ./bundled"), "{err}");
    let out: CorpusFile = serde_json::from_slice(&r.stdout).expect("a corpus on stdout");
    assert_eq!(out.trials.len(), bundled.trials.len() + 1);
    let r = evidex(
        dir.path(),
        &["import", "ctgov", pallas, "--merge", "./bundled", "-o", "-"],
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let out: CorpusFile = serde_json::from_slice(&r.stdout).expect("a corpus on stdout");
    assert_eq!(out.trials.len(), 2);
}

#[test]
fn with_output_dash_the_corpus_goes_to_stdout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let r = evidex(
        dir.path(),
        &[
            "import",
            "ctgov",
            fixture("NCT06388018.json").to_str().expect("utf-8"),
            "-o",
            "-",
        ],
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let file: CorpusFile = serde_json::from_slice(&r.stdout).expect("a corpus on stdout");
    assert_eq!(file.trials.len(), 1);
    assert!(text(&r.stderr).contains("imported 1, updated 0, skipped 0"));
}

#[test]
fn malformed_records_are_skipped_with_file_and_position() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = std::fs::read_to_string(fixture("NCT06388018.json")).expect("fixture");
    let page: serde_json::Value = serde_json::from_str(&page).expect("json");
    let good = page["studies"][0].clone();
    let records = serde_json::json!([
        good,
        42,
        {"protocolSection": {
            "identificationModule": {"nctId": "NCT12345678", "briefTitle": "Wrong phases"},
            "designModule": {"phases": "PHASE3"}}},
        {"protocolSection": {"identificationModule": {"nctId": "not-an-id"}}},
        {"protocolSection": {
            "identificationModule": {"nctId": "NCT11111111", "briefTitle": "Tiny",
                                     "someFutureKey": {"deep": [1, 2, 3]}},
            "statusModule": {"overallStatus": "COMPLETED", "startDateStruct": {"date": "2015-08"}}}}
    ]);
    let input = dir.path().join("mixed.json");
    std::fs::write(&input, records.to_string()).expect("write");
    let out = dir.path().join("out.json");
    let r = evidex(
        dir.path(),
        &[
            "import",
            "ctgov",
            "mixed.json",
            "-o",
            out.to_str().expect("utf-8"),
        ],
    );
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        err.contains("mixed.json: study at index 1: skipped"),
        "{err}"
    );
    assert!(
        err.contains(
            "mixed.json: study at index 2 (NCT12345678): skipped: in protocolSection.designModule.phases"
        ),
        "{err}"
    );
    assert!(err.contains("study at index 3: skipped"), "{err}");
    assert!(err.contains("imported 2, updated 0, skipped 3"), "{err}");
    // The good records were still written, and validate.
    let file = Corpus::open(&out).expect("valid output").to_file();
    assert_eq!(file.trials.len(), 2);
}

#[test]
fn a_file_that_is_not_a_ctgov_record_is_named_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/corpus.json");
    let r = evidex(
        dir.path(),
        &[
            "import",
            "ctgov",
            corpus.to_str().expect("utf-8"),
            "-o",
            "-",
        ],
    );
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        err.contains("corpus.json: not a ClinicalTrials.gov API v2 record"),
        "{err}"
    );
    assert!(err.contains("nothing imported, no output written"), "{err}");
    assert!(r.stdout.is_empty());

    std::fs::write(
        dir.path().join("cut.json"),
        "{\"studies\": [{\"protocolSection\": {",
    )
    .expect("write");
    let r = evidex(dir.path(), &["import", "ctgov", "cut.json", "-o", "-"]);
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2));
    assert!(err.contains("cut.json:1:"), "{err}");
    assert!(err.contains("not valid JSON"), "{err}");
}

#[test]
fn hostile_text_and_odd_numbers_do_not_break_the_import() {
    // Numbers as JSON numbers, a one-sided CI, a p-value outside 0-1, a ratio whose CI misses
    // its estimate, control characters in titles: imported, and the output still validates.
    let study = serde_json::json!({
        "protocolSection": {
            "identificationModule": {"nctId": "NCT99999999", "briefTitle": "Odd \u{1b}[31mtrial"},
            "conditionsModule": {"conditions": ["肝癌"]},
            "armsInterventionsModule": {
                "armGroups": [{"label": "A", "type": "EXPERIMENTAL"}, {"label": "B", "type": "PLACEBO_COMPARATOR"}]
            }
        },
        "resultsSection": {"outcomeMeasuresModule": {"outcomeMeasures": [{
            "type": "PRIMARY", "title": "Progression-free survival", "paramType": "MEDIAN",
            "dispersionType": "95% Confidence Interval", "unitOfMeasure": "Months",
            "groups": [{"id": "OG000", "title": "A"}, {"id": "OG001", "title": "B"}],
            "classes": [{"categories": [{"measurements": [
                {"groupId": "OG000", "value": 7.5, "lowerLimit": "6.1", "upperLimit": "NA"},
                {"groupId": "OG001", "value": "4.2", "lowerLimit": "3.0", "upperLimit": "5.1"}
            ]}]}],
            "analyses": [{"groupIds": ["OG000", "OG001"], "paramType": "Hazard Ratio (HR)",
                          "paramValue": "0.5", "ciPctValue": "97.5", "ciNumSides": "ONE_SIDED",
                          "ciUpperLimit": "0.7", "pValue": "1.5"}]
        }, {
            "type": "SECONDARY", "title": "Odds of response", "paramType": "NUMBER",
            "unitOfMeasure": "percentage of participants",
            "groups": [{"id": "OG000", "title": "A"}, {"id": "OG001", "title": "B"}],
            "classes": [{"categories": [{"measurements": [
                {"groupId": "OG000", "value": "120"}, {"groupId": "OG001", "value": "30"}
            ]}]}],
            "analyses": [{"groupIds": ["OG000", "OG001"], "paramType": "Odds Ratio (OR)",
                          "paramValue": "2.0", "ciPctValue": "95", "ciLowerLimit": "2.5",
                          "ciUpperLimit": "3.0"}]
        }]}}
    });
    let mut imp = Importer::new(CorpusFile::default());
    imp.add_text("odd.json", &study.to_string());
    let (file, report) = imp.finish();
    assert_eq!(report.imported(), 1, "{:?}", report.events);
    let c = assert_valid(&file);
    let t = &c.trials[0];
    let pfs = &t.outcomes[0];
    assert_eq!(pfs.endpoint, "PFS");
    assert_eq!(pfs.unit.as_deref(), Some("months"));
    assert_eq!(pfs.values[0].value.text(), "7.5");
    assert!(
        pfs.values[0].ci.is_none(),
        "an open-ended CI is not an interval"
    );
    assert!(pfs.values[1].ci.is_some());
    assert_eq!(pfs.hr.as_ref().map(|h| h.value.text()), Some("0.5"));
    assert!(pfs.p.is_none(), "1.5 is not a p-value");
    let note = pfs.note.as_deref().unwrap_or("");
    assert!(note.contains("one-sided 97.5% CI NA to 0.7"), "{note}");
    assert!(note.contains("P-value: 1.5"), "{note}");
    // 120 is not a percentage: the unit stays as the registry wrote it.
    assert_eq!(
        t.outcomes[1].unit.as_deref(),
        Some("percentage of participants")
    );
    assert!(t.outcomes[1].hr.as_ref().is_some_and(|h| h.ci.is_none()));
    // The Chinese condition gets an id all the same.
    assert!(!c.diseases[0].id.is_empty());
}

#[test]
fn files_and_large_pages_imported_on_every_core_merge_in_the_order_given() {
    // Files one at a time, and all at once (mapped on several threads): the same corpus and
    // the same report, in the order the files were given.
    let paths: Vec<PathBuf> = ALL.iter().rev().map(|n| fixture(n)).collect();
    let mut one = Importer::new(CorpusFile::default());
    for p in &paths {
        one.add_file(p);
    }
    let (one_file, one_report) = one.finish();
    let (all_file, all_report) = import_ctgov_files(&paths, None);
    assert_eq!(one_file, all_file);
    assert_eq!(one_report.events, all_report.events);
    let order: Vec<&str> = all_report
        .events
        .iter()
        .map(|e| match e {
            Event::Imported { file, .. } => file.rsplit('/').next().unwrap_or(file),
            e => panic!("{e}"),
        })
        .collect();
    assert_eq!(order, ALL.iter().rev().copied().collect::<Vec<_>>());

    // A page large enough to be mapped in parallel keeps its studies' order, and a bad study
    // in it is reported at its own position.
    let text = std::fs::read_to_string(fixture("NCT06388018.json")).unwrap();
    let page: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut studies: Vec<serde_json::Value> = (0..40)
        .map(|i| {
            let mut s = page["studies"][0].clone();
            s["protocolSection"]["identificationModule"]["nctId"] =
                serde_json::Value::String(format!("NCT9{i:07}"));
            s
        })
        .collect();
    studies[17] = serde_json::json!({"protocolSection": 5});
    let big = serde_json::json!({ "studies": studies }).to_string();
    let mut imp = Importer::new(CorpusFile::default());
    imp.add_texts(&[("page.json".to_string(), big)]);
    let (file, report) = imp.finish();
    assert_eq!(report.imported(), 39);
    assert_eq!(report.skipped(), 1);
    let skipped = report.events.iter().position(|e| {
        matches!(
            e,
            Event::Skipped {
                position: Some(17),
                ..
            }
        )
    });
    assert_eq!(skipped, Some(17), "{:?}", report.events[17]);
    let ids: Vec<&str> = file
        .trials
        .iter()
        .map(|t| t.registry_ids[0].as_str())
        .collect();
    let want: Vec<String> = (0..40)
        .filter(|&i| i != 17)
        .map(|i| format!("NCT9{i:07}"))
        .collect();
    assert_eq!(ids, want);
}

#[test]
fn an_impossible_enrolment_skips_the_study_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let study = |nct: &str, count: serde_json::Value| {
        serde_json::json!({"protocolSection": {
            "identificationModule": {"nctId": nct, "briefTitle": "Enrolment"},
            "statusModule": {"overallStatus": "COMPLETED"},
            "designModule": {"enrollmentInfo": {"count": count, "type": "ACTUAL"}}}})
    };
    let records = serde_json::json!([
        study("NCT10000001", serde_json::json!(-5)),
        study("NCT10000002", serde_json::json!(12.5)),
        study("NCT10000003", serde_json::json!(5_000_000_000u64)),
        study("NCT10000004", serde_json::json!("many")),
        study("NCT10000005", serde_json::json!(120)),
    ]);
    std::fs::write(dir.path().join("e.json"), records.to_string()).expect("write");
    let out = dir.path().join("out.json");
    let r = evidex(
        dir.path(),
        &[
            "import",
            "ctgov",
            "e.json",
            "-o",
            out.to_str().expect("utf-8"),
        ],
    );
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    for (nct, why) in [
        ("NCT10000001", "is negative"),
        ("NCT10000002", "is not a whole number"),
        ("NCT10000003", "is more than 100000000 participants"),
        ("NCT10000004", "is not a number"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(nct))
            .unwrap_or_else(|| panic!("{nct} reported: {err}"));
        assert!(line.contains("skipped"), "{line}");
        assert!(line.contains("enrollmentInfo.count"), "{line}");
        assert!(line.contains(why), "{line}");
    }
    assert!(err.contains("imported 1, updated 0, skipped 4"), "{err}");
    let file = Corpus::open(&out).expect("valid output").to_file();
    assert_eq!(trial(&file, "NCT10000005").enrolment, Some(120));
}

#[test]
fn merging_into_a_corpus_with_unknown_fields_is_refused_and_names_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/corpus.json");
    let mut base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(bundled).expect("corpus")).expect("json");
    base["trials"][0]["enrollment"] = serde_json::json!(500);
    base["futureList"] = serde_json::json!([1, 2]);
    let before = serde_json::to_string_pretty(&base).expect("json");
    let target = dir.path().join("c.json");
    std::fs::write(&target, &before).expect("write");
    let r = evidex(
        dir.path(),
        &[
            "import",
            "ctgov",
            fixture("NCT06388018.json").to_str().expect("utf-8"),
            "--merge",
            "c.json",
            "-o",
            "c.json",
        ],
    );
    let err = text(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("does not know"), "{err}");
    assert!(err.contains("trials[0].enrollment"), "{err}");
    assert!(err.contains("futureList"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    // The line of the record is named, and the file is untouched.
    assert!(err.contains("c.json:"), "{err}");
    assert_eq!(std::fs::read_to_string(&target).expect("read"), before);
}
