//! Safety in comparisons, in the detail and in the query language: PALLAS (NCT02513394) and
//! C-AXSPAND (NCT02552212), imported from their real registry records, compared side by side
//! (serious adverse events, adverse events aligned by term within organ system, baseline); the
//! bundled corpus's safety statements; and the `ae:` filter. Every expected rate is computed
//! here from the record's JSON, read independently of the importer.

use crate::common;

use std::path::Path;
use std::sync::Arc;

use evidex::compare::{self, Comparison, Events, Group, Row};
use evidex::corpus::{Corpus, CorpusFile, Lang, RecordRef};
use serde_json::Value;

const PALLAS: &str = "nct02513394";
const CAXSPAND: &str = "nct02552212";

fn fixture(nct: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/ctgov/{nct}.json"))
}

/// The bundled corpus with both records imported (imported once for all tests).
fn merged_file() -> CorpusFile {
    static FILE: std::sync::OnceLock<CorpusFile> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        let base: CorpusFile = serde_json::from_slice(evidex::corpus::BUNDLED).unwrap();
        let mut imp = evidex::import::Importer::new(base);
        imp.add_file(&fixture("NCT02513394"));
        imp.add_file(&fixture("NCT02552212"));
        imp.finish().0
    })
    .clone()
}

fn merged() -> Corpus {
    Corpus::build(Path::new("merged.json"), merged_file(), None).unwrap()
}

fn refs(c: &Corpus, ids: &[&str]) -> Vec<RecordRef> {
    ids.iter().map(|id| c.resolve(id).expect(id)).collect()
}

fn raw(nct: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(nct)).unwrap()).unwrap()
}

fn int(v: &Value) -> u32 {
    match v {
        Value::Number(n) => n.as_u64().unwrap() as u32,
        Value::String(s) => s.parse().unwrap(),
        _ => panic!("not a count: {v}"),
    }
}

/// `12.3 % (25/203)`, computed here.
fn rate(a: u32, n: u32) -> String {
    format!("{:.1} % ({a}/{n})", f64::from(a) * 100.0 / f64::from(n))
}

fn row<'a>(cmp: &'a Comparison, label: &str) -> &'a Row {
    cmp.rows
        .iter()
        .find(|r| r.label == label)
        .unwrap_or_else(|| {
            panic!(
                "no row {label:?}: {:?}",
                cmp.rows.iter().map(|r| &r.label).collect::<Vec<_>>()
            )
        })
}

/// The registry's group of an arm label (`Placebo (SS)` is a safety group of C-AXSPAND).
fn group_totals(nct: &str, title: &str) -> (u32, u32) {
    let r = raw(nct);
    let g = r["resultsSection"]["adverseEventsModule"]["eventGroups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == title)
        .unwrap_or_else(|| panic!("{nct}: no group {title}"));
    (int(&g["seriousNumAffected"]), int(&g["seriousNumAtRisk"]))
}

#[test]
fn pallas_and_c_axspand_serious_adverse_events_per_arm() {
    let c = merged();
    let cmp = compare::compare(&c, &refs(&c, &[PALLAS, CAXSPAND]), Lang::En);
    let exp = row(&cmp, "Serious AEs, experimental");
    let (a, n) = group_totals("NCT02513394", "Palbociclib Plus Endocrine Therapy (Arm A)");
    assert_eq!(exp.cells[0].text, rate(a, n));
    assert_eq!(exp.cells[0].counts[0].affected, a);
    assert_eq!(exp.cells[0].counts[0].at_risk, n);
    let (a, n) = group_totals("NCT02552212", "CZP 200 mg Q2W (SS)");
    assert_eq!(exp.cells[1].text, rate(a, n));
    assert!(exp.computed, "the rates are evidex's");
    let ctrl = row(&cmp, "Serious AEs, control");
    let (a, n) = group_totals("NCT02552212", "Placebo (SS)");
    assert_eq!(ctrl.cells[1].text, rate(a, n));
    // C-AXSPAND's open-label groups are not arms: they have a row of their own, labelled.
    let other = row(&cmp, "Serious AEs, other groups");
    assert!(
        other.cells[1].text.contains("SFE OL CZP 200 mg Q2W (SS): "),
        "{}",
        other.cells[1].text
    );
    assert_eq!(other.cells[0].text, "—", "PALLAS has no such group");
    // The rates are labelled as computed, in a caveat of their own.
    assert!(
        cmp.caveats
            .iter()
            .any(|c| c.text == compare::safety::RATES_COMPUTED),
        "{:?}",
        cmp.caveats
    );
}

/// The serious events of both records, ranked here by their highest rate in a study: the
/// comparison lists the ten most frequent, each under its organ system, with each study's
/// rate per arm.
#[test]
fn the_ten_most_frequent_serious_events_aligned_by_term() {
    let c = merged();
    let cmp = compare::compare(&c, &refs(&c, &[PALLAS, CAXSPAND]), Lang::En);
    // Every serious term of both records with its peak rate.
    let mut peaks: Vec<(String, String, f64)> = Vec::new();
    for nct in ["NCT02513394", "NCT02552212"] {
        let r = raw(nct);
        for e in r["resultsSection"]["adverseEventsModule"]["seriousEvents"]
            .as_array()
            .unwrap()
        {
            // The study's rate, all its groups together.
            let (a, n) = e["stats"]
                .as_array()
                .unwrap()
                .iter()
                .fold((0u32, 0u32), |(a, n), s| {
                    (a + int(&s["numAffected"]), n + int(&s["numAtRisk"]))
                });
            let peak = f64::from(a) / f64::from(n);
            let term = e["term"].as_str().unwrap().to_string();
            let organ = e["organSystem"].as_str().unwrap_or("").to_string();
            match peaks
                .iter_mut()
                .find(|(t, o, _)| t.eq_ignore_ascii_case(&term) && o.eq_ignore_ascii_case(&organ))
            {
                Some(p) => p.2 = p.2.max(peak),
                None => peaks.push((term, organ, peak)),
            }
        }
    }
    peaks.sort_by(|a, b| b.2.total_cmp(&a.2));
    let serious: Vec<&Row> = cmp
        .rows
        .iter()
        .filter(|r| matches!(r.group, Group::AdverseEvents { serious: true, .. }))
        .filter(|r| r.label.ends_with(", experimental"))
        .collect();
    assert_eq!(serious.len(), compare::safety::TOP_EVENTS);
    let listed: Vec<String> = serious
        .iter()
        .map(|r| r.label.trim_end_matches(", experimental").to_lowercase())
        .collect();
    // The most frequent term is listed (ties at the cut may be either).
    assert!(listed.contains(&peaks[0].0.to_lowercase()), "{listed:?}");
    let cut = peaks[compare::safety::TOP_EVENTS - 1].2;
    for (term, _, peak) in &peaks {
        if *peak > cut {
            assert!(listed.contains(&term.to_lowercase()), "{term} ({peak})");
        }
    }
    // Each row's group names the term's organ system.
    for r in &serious {
        let term = r.label.trim_end_matches(", experimental");
        let (_, organ, _) = peaks
            .iter()
            .find(|(t, _, _)| t.eq_ignore_ascii_case(term))
            .unwrap();
        assert!(
            r.group.title().contains(organ.as_str()),
            "{} not under {organ}",
            r.group.title()
        );
    }
    let shown = cmp.adverse_events.expect("events listed");
    assert_eq!(shown.events, Events::Top);
    assert_eq!(shown.shown, 2 * compare::safety::TOP_EVENTS);
    assert!(shown.total > shown.shown);
}

#[test]
fn an_event_one_study_does_not_list_is_not_listed_never_zero() {
    let c = merged();
    let cmp = compare::compare_with(&c, &refs(&c, &[PALLAS, CAXSPAND]), Lang::En, Events::All);
    let shown = cmp.adverse_events.unwrap();
    assert_eq!(shown.events, Events::All);
    assert_eq!(shown.shown, shown.total);
    let events: Vec<&Row> = cmp
        .rows
        .iter()
        .filter(|r| matches!(r.group, Group::AdverseEvents { .. }))
        .collect();
    assert!(events.iter().any(|r| r.cells[1].text == "not listed"));
    assert!(
        !events
            .iter()
            .flat_map(|r| &r.cells)
            .any(|c| c.text.starts_with("0.0 % (0/") && c.counts.is_empty()),
        "a zero without counts"
    );
}

/// ★ marks the lowest experimental rate only between columns of the same kind of population:
/// with C-AXSPAND entered as a breast cancer study it is marked; entered as a liver cancer
/// study, nothing is, and the banner says why.
#[test]
fn the_lower_rate_is_starred_only_within_one_disease() {
    let starred = |disease: &str| {
        let mut file = merged_file();
        let pallas_diseases = file
            .trials
            .iter()
            .find(|t| t.id == PALLAS)
            .unwrap()
            .diseases
            .clone();
        assert!(!pallas_diseases.is_empty(), "PALLAS names its disease");
        let t = file.trials.iter_mut().find(|t| t.id == CAXSPAND).unwrap();
        t.diseases = if disease == "same" {
            pallas_diseases
        } else {
            vec![disease.to_string()]
        };
        let c = Corpus::build(Path::new("m.json"), file, None).unwrap();
        let cmp = compare::compare(&c, &refs(&c, &[PALLAS, CAXSPAND]), Lang::En);
        let cross = cmp
            .caveats
            .iter()
            .any(|c| c.text.starts_with("Different diseases"));
        let exp = row(&cmp, "Serious AEs, experimental").clone();
        (exp, cross)
    };
    let (exp, cross) = starred("same");
    assert!(!cross);
    // C-AXSPAND's 8 of 159 (5.0 %) is below PALLAS's 369 of 2841 (13.0 %).
    assert!(exp.cells[1].best && !exp.cells[0].best, "{exp:?}");
    let (exp, cross) = starred("hcc");
    assert!(cross, "the banner says the diseases differ");
    assert!(exp.cells.iter().all(|c| !c.best), "{exp:?}");
}

#[test]
fn baseline_age_and_women_from_the_total_group() {
    let c = merged();
    let cmp = compare::compare(&c, &refs(&c, &[PALLAS, CAXSPAND]), Lang::En);
    let age = row(&cmp, "Age");
    assert!(matches!(age.group, Group::Baseline));
    for cell in &age.cells {
        assert!(
            cell.text.chars().any(|c| c.is_ascii_digit()),
            "{}",
            cell.text
        );
    }
    // The share of women: the total group's count of its n, read from the JSON here.
    let r = raw("NCT02513394");
    let b = &r["resultsSection"]["baselineCharacteristicsModule"];
    let total = b["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["title"] == "Total")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let n = b["denoms"][0]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["groupId"] == total.as_str())
        .map(|x| int(&x["value"]))
        .unwrap();
    let sex = b["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["title"].as_str().unwrap().starts_with("Sex"))
        .unwrap();
    let female = sex["classes"][0]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "Female")
        .unwrap()["measurements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["groupId"] == total.as_str())
        .map(|m| int(&m["value"]))
        .unwrap();
    let women = row(&cmp, "Women");
    assert_eq!(women.cells[0].text, rate(female, n));
    assert!(women.computed);
}

/// A bundled trial with a safety statement beside one without: the statement and its quote
/// are in the comparison; therapies show theirs too.
#[test]
fn safety_statements_in_comparisons() {
    let c = Corpus::bundled().unwrap();
    let cmp = compare::compare(
        &c,
        &refs(
            &c,
            &["shi-2022-folfox-haic-vs-tace", "li-2021-haic-vs-tace"],
        ),
        Lang::En,
    );
    let st = row(&cmp, "Safety statements");
    assert!(
        st.cells[0].text.contains("reduced by 1/3")
            && st.cells[0].text.contains("“严重不良反应缩减了1/3”"),
        "{}",
        st.cells[0].text
    );
    assert!(st.cells[0].text.starts_with("FOLFOX-HAIC: "), "the arm");
    assert_eq!(st.cells[1].text, "none stated");
    assert!(cmp.adverse_events.is_none(), "no registry table");
    let md = evidex::export::markdown(&cmp);
    assert!(md.contains("| **Safety** |"), "{md}");
    assert!(md.contains("严重不良反应缩减了1/3"), "{md}");
    let cmp = compare::compare(&c, &refs(&c, &["tace", "haic"]), Lang::En);
    let st = row(&cmp, "Safety statements");
    assert!(st.cells[0].text.contains("栓塞相关的不良事件"), "{:?}", st);
    assert!(st.cells[1].text.contains("安全性"), "{:?}", st);
}

#[test]
fn statements_are_in_the_detail_safety_section() {
    let c = Corpus::bundled().unwrap();
    let doc =
        |id: &str| evidex::present::detail(&c, c.resolve(id).unwrap(), Lang::En).to_plain(120);
    let text = doc("opg-chemotherapy-vs-radiotherapy");
    let safety = text.find("Safety").expect("a Safety section");
    let after = &text[safety..];
    assert!(after.contains("Stated by the sources"), "{text}");
    assert!(
        after.contains("Radiotherapy (former first choice): Ten years"),
        "{text}"
    );
    assert!(after.contains("高達65%"), "{text}");
    let text = doc("hsct");
    assert!(
        text.contains("Safety") && text.contains("二次移植"),
        "{text}"
    );
}

fn search_ids(c: Corpus, q: &str) -> Vec<String> {
    let e = evidex::search::engine(Arc::new(c));
    evidex::search::run(&e, q, 100)
        .unwrap_or_else(|err| panic!("{q:?}: {err}"))
        .hits
        .iter()
        .map(|h| e.corpus().id_of(h.record).to_string())
        .collect()
}

/// `ae:` matches registry event terms and the harms safety statements name, folded as names
/// are: case, full width, traditional or simplified, punctuation.
#[test]
fn the_ae_filter_matches_event_terms_and_statements() {
    let ids = search_ids(merged(), "ae:neutropenia");
    assert!(ids.contains(&PALLAS.to_string()), "{ids:?}");
    assert!(!ids.contains(&CAXSPAND.to_string()), "{ids:?}");
    let ids = search_ids(merged(), "ae:ＮＥＵＴＲＯＰＥＮＩＡ");
    assert!(ids.contains(&PALLAS.to_string()), "{ids:?}");
    for (q, want) in [
        ("ae:低烧", "b-all-car-t-case-xiaolin"),
        ("ae:低燒", "b-all-car-t-case-xiaolin"),
        ("ae:late-effects", "opg-chemotherapy-vs-radiotherapy"),
        ("ae:后遗症", "opg-chemotherapy-vs-radiotherapy"),
        ("ae:serious", "shi-2022-folfox-haic-vs-tace"),
        ("ae:embolisation", "tace"),
    ] {
        let ids = search_ids(Corpus::bundled().unwrap(), q);
        assert!(ids.contains(&want.to_string()), "{q}: {ids:?}");
        assert!(ids.iter().all(|i| i != "emerald-1"), "{q}: {ids:?}");
    }
    // Negated, it leaves them out; a record without events never passes.
    let ids = search_ids(Corpus::bundled().unwrap(), "haic -ae:serious");
    assert!(!ids.contains(&"shi-2022-folfox-haic-vs-tace".to_string()));
    assert!(ids.contains(&"li-2021-haic-vs-tace".to_string()));
    assert!(search_ids(Corpus::bundled().unwrap(), "ae:nosuchevent").is_empty());
    let e = evidex::search::engine(Arc::new(Corpus::bundled().unwrap()));
    let err = evidex::search::run(&e, "ae:--", 10).unwrap_err();
    assert!(err.to_string().contains("ae:"), "{err}");
}

/// A merged corpus written to a temporary directory, for the binary.
fn merged_path(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("merged.json");
    std::fs::write(&p, serde_json::to_string(&merged_file()).unwrap()).unwrap();
    p
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("evidex-safety-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `evidex --corpus CORPUS compare PALLAS CAXSPAND --format FORMAT EXTRA…`, which must
/// succeed: its standard output.
fn compare_cli(corpus: &Path, format: &str, extra: &[&str]) -> Vec<u8> {
    let mut args = vec![
        "--corpus",
        corpus.to_str().unwrap(),
        "compare",
        PALLAS,
        CAXSPAND,
        "--format",
        format,
    ];
    args.extend_from_slice(extra);
    let o = common::evidex(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

#[test]
fn cli_compare_json_carries_adverse_events_with_counts() {
    let dir = tempdir("json");
    let corpus = merged_path(&dir);
    let v: Value = serde_json::from_slice(&compare_cli(&corpus, "json", &[])).unwrap();
    assert_eq!(v["adverse_events"]["events"], "top");
    assert_eq!(v["adverse_events"]["shown"], 20);
    let rows = v["rows"].as_array().unwrap();
    let ae: Vec<&Value> = rows
        .iter()
        .filter(|r| r["group"]["kind"] == "adverse_events")
        .collect();
    assert!(!ae.is_empty());
    let cell = ae
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .find(|c| c["counts"].is_array())
        .expect("a cell with counts");
    let n = &cell["counts"][0];
    assert!(n["affected"].as_u64().unwrap() <= n["at_risk"].as_u64().unwrap());
    assert!(rows.iter().any(|r| r["group"]["kind"] == "baseline"));
    assert!(
        rows.iter()
            .any(|r| r["label"] == "Serious AEs, experimental")
    );
    // --all-events lists them all.
    let v: Value =
        serde_json::from_slice(&compare_cli(&corpus, "json", &["--all-events"])).unwrap();
    assert_eq!(v["adverse_events"]["events"], "all");
    assert_eq!(v["adverse_events"]["shown"], v["adverse_events"]["total"]);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn cli_markdown_csv_and_table_carry_the_safety_rows() {
    let dir = tempdir("md");
    let corpus = merged_path(&dir);
    let run = |format: &str| String::from_utf8(compare_cli(&corpus, format, &[])).unwrap();
    let (a, n) = group_totals("NCT02513394", "Palbociclib Plus Endocrine Therapy (Arm A)");
    let md = run("md");
    assert!(md.contains("| **Safety** |"), "{md}");
    assert!(md.contains("| Serious AEs, experimental |"), "{md}");
    assert!(md.contains(&rate(a, n)), "{md}");
    assert!(
        md.contains("computed by evidex from the registry's counts"),
        "{md}"
    );
    assert!(md.contains("20 of "), "{md}");
    assert!(md.contains("--all-events"), "{md}");
    assert!(md.contains("| **Baseline** |"), "{md}");
    let csv = run("csv");
    assert!(csv.contains("Safety: Serious AEs, experimental"), "{csv}");
    assert!(csv.contains("adverse events listed"), "{csv}");
    assert!(csv.contains("Serious adverse events: "), "{csv}");
    let table = run("table");
    assert!(table.contains("Serious AEs,"), "{table}");
    assert!(table.contains(&rate(a, n)), "{table}");
    assert!(table.contains("adverse-event terms listed"), "{table}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn cli_show_and_search_find_safety_statements() {
    let o = common::evidex(&["show", "shi-2022-folfox-haic-vs-tace"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("Stated by the sources"), "{out}");
    assert!(out.contains("严重不良反应缩减了1/3"), "{out}");
    let o = common::evidex(&["search", "ae:低烧", "--json"]);
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("b-all-car-t-case-xiaolin"), "{out}");
    assert!(!out.contains("emerald-1"), "{out}");
}

#[test]
fn rates_never_round_a_case_away() {
    use evidex::compare::safety::rate;
    assert_eq!(rate(25, 203), "12.3 % (25/203)");
    assert_eq!(rate(1, 2902), "<0.1 % (1/2902)");
    assert_eq!(rate(0, 2902), "0.0 % (0/2902)");
    assert_eq!(rate(2, 2000), "0.1 % (2/2000)");
    assert_eq!(rate(0, 0), "(0/0)");
}
