//! Lists a registry record may make as long as it likes (conditions, other names, ids, arms,
//! countries) import in time linear in their length, and still de-duplicated, in order.
//!
//! The time limits bound a quadratic blow-up, not speed: the importer used to take minutes on
//! these records in a release build (100,000 conditions 100 s, 200,000 other names 94 s), and
//! takes well under a second now. The limit is generous (120 s: a debug build on a loaded
//! two-core machine took 36 s, the quadratic importer takes far longer). Speed is measured by `cargo bench --bench import`
//! (docs/PERFORMANCE.md).

use std::path::Path;
use std::time::{Duration, Instant};

use evidex::corpus::CorpusFile;
use evidex::import::Importer;
use serde_json::{Value, json};

/// The ALCHEMIST record (1,148 sites, 12 interventions, three arms), one of the fixtures.
fn alchemist() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ctgov/NCT04267848.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("JSON")
}

/// Imports one record; the corpus, after checking that it was imported.
fn import(record: &Value, limit: Duration, what: &str) -> CorpusFile {
    let text = record.to_string();
    let started = Instant::now();
    let mut imp = Importer::new(CorpusFile::default());
    imp.add_text("big.json", &text);
    let (file, report) = imp.finish();
    let took = started.elapsed();
    eprintln!("{what}: {took:?}");
    assert_eq!(report.imported(), 1, "{:?}", report.events);
    assert!(
        took < limit,
        "{what} took {took:?}: the import is no longer linear in the list's length"
    );
    file
}

#[test]
fn a_hundred_thousand_conditions_are_linked_in_order_once_each() {
    let mut r = alchemist();
    let n = 100_000;
    let mut conditions: Vec<String> = (0..n).map(|i| format!("Condition {i}")).collect();
    // The same names again in another case, and names with no ASCII letter or digit, whose
    // ids are all `condition`, `condition-2`, … .
    conditions.extend((0..n).step_by(2).map(|i| format!("CONDITION {i}")));
    conditions
        .extend((0..5_000u32).map(|i| format!("肺癌{}", char::from_u32(0x4e00 + i).unwrap())));
    r["protocolSection"]["conditionsModule"]["conditions"] = json!(conditions);
    let file = import(&r, Duration::from_secs(120), "100,000 conditions");

    let t = &file.trials[0];
    assert_eq!(t.diseases.len(), n + 5_000);
    assert_eq!(file.diseases.len(), n + 5_000);
    for (i, d) in file.diseases.iter().take(n).enumerate() {
        assert_eq!(
            d.name.en.as_deref(),
            Some(format!("Condition {i}").as_str())
        );
        assert_eq!(d.id, format!("condition-{i}"));
        assert_eq!(t.diseases[i], d.id);
    }
    // `condition-0` … `condition-99999` are taken: the Chinese names get the next free ones.
    let zh = &file.diseases[n..];
    assert_eq!(zh[0].id, "condition");
    assert_eq!(zh[1].id, "condition-100000");
    assert_eq!(zh[2].id, "condition-100001");
    assert_eq!(zh[4_999].id, "condition-104998");
    assert_eq!(zh[4_999].name.en.as_deref(), Some("肺癌\u{6187}"));
    assert_eq!(
        t.diseases[n..],
        zh.iter().map(|d| d.id.clone()).collect::<Vec<_>>()[..]
    );
}

#[test]
fn two_hundred_thousand_other_names_become_aliases_in_order_once_each() {
    let mut r = alchemist();
    let n = 200_000;
    let iv = &mut r["protocolSection"]["armsInterventionsModule"]["interventions"][1];
    assert_eq!(iv["name"], "Carboplatin");
    let mut names: Vec<String> = (0..n).map(|i| format!("Other name {i}")).collect();
    names.extend((0..n).step_by(2).map(|i| format!("OTHER NAME {i}")));
    names.push("CARBOPLATIN".into());
    iv["otherNames"] = json!(names);
    // Many ids as well, the same ones twice.
    let ids: Vec<Value> = (0..20_000)
        .chain(0..20_000)
        .map(|i| json!({ "id": format!("ID-{i}") }))
        .collect();
    r["protocolSection"]["identificationModule"]["secondaryIdInfos"] = json!(ids);
    let file = import(&r, Duration::from_secs(120), "200,000 other names");

    let th = file
        .therapies
        .iter()
        .find(|t| t.name.en.as_deref() == Some("Carboplatin"))
        .expect("Carboplatin");
    assert_eq!(th.aliases.len(), n);
    for (i, a) in th.aliases.iter().enumerate() {
        assert_eq!(*a, format!("Other name {i}"));
    }
    let t = &file.trials[0];
    // The NCT id, the organisation's id, then the secondary ids once each.
    assert_eq!(
        t.registry_ids.len(),
        2 + 20_000,
        "{:?}",
        &t.registry_ids[..3]
    );
    assert_eq!(t.registry_ids[2], "ID-0");
    assert_eq!(t.registry_ids[20_001], "ID-19999");
    // Every arm still has its therapies, Carboplatin among them.
    let carbo = &th.id;
    assert!(t.arms.iter().all(|a| a.therapies.contains(carbo)));
}

#[test]
fn ten_thousand_arms_of_one_label_get_ids_in_order_and_their_interventions() {
    let mut r = alchemist();
    let n = 10_000;
    let aim = &mut r["protocolSection"]["armsInterventionsModule"];
    let arms: Vec<Value> = (0..n)
        .map(|i| {
            json!({
                "label": if i % 2 == 0 { "Arm".to_string() } else { format!("Arm {i}") },
                "type": "EXPERIMENTAL",
                "interventionNames": ["Drug: Carboplatin", "Cisplatin", "Drug: Carboplatin"],
            })
        })
        .collect();
    aim["armGroups"] = json!(arms);
    // Sites in many countries, each listed twice.
    let locs: Vec<Value> = (0..20_000)
        .chain(0..20_000)
        .map(|i| json!({ "facility": "Site", "country": format!("Country {i}") }))
        .collect();
    r["protocolSection"]["contactsLocationsModule"]["locations"] = json!(locs);
    let file = import(&r, Duration::from_secs(120), "10,000 arms");

    let t = &file.trials[0];
    assert_eq!(t.arms.len(), n);
    // `arm`, then `arm-1`, then `arm-2` … where the odd labels `Arm 1`, `Arm 3` … took theirs.
    assert_eq!(t.arms[0].id, "arm");
    assert_eq!(t.arms[1].id, "arm-1");
    assert_eq!(t.arms[2].id, "arm-2");
    assert_eq!(t.arms[3].id, "arm-3");
    assert_eq!(t.arms[4].id, "arm-4");
    assert_eq!(t.arms[5].id, "arm-5");
    assert_eq!(t.arms[6].id, "arm-6");
    let ids: std::collections::HashSet<&str> = t.arms.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), n);
    let id_of = |name: &str| {
        file.therapies
            .iter()
            .find(|t| t.name.en.as_deref() == Some(name))
            .map(|t| t.id.clone())
            .unwrap()
    };
    let (carbo, cis) = (id_of("Carboplatin"), id_of("Cisplatin"));
    for a in &t.arms {
        assert_eq!(a.therapies, [carbo.clone(), cis.clone()], "{}", a.id);
    }
    assert_eq!(t.countries.len(), 20_000);
    assert_eq!(t.countries[19_999], "Country 19999");
}
