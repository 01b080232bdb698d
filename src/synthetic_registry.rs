//! Synthetic ClinicalTrials.gov API v2 studies of the registry's shape, for measuring the
//! library at registry size (`evidex gen-corpus --registry`, docs/PERFORMANCE.md). Never
//! evidence: every title says it is synthetic, and every NCT id is in `NCT9xxxxxxx`, a range the
//! registry has not issued.
//!
//! Assumptions (the five recorded fixtures are too few and too unusual to calibrate from alone;
//! these follow them and the registry's published field statistics as far as they were known):
//!
//! - Titles: brief 60–160 characters, official 120–300; an acronym on one study in three.
//! - Summary 800–3,000 characters; a detailed description (2–8 KB) on two studies in three;
//!   eligibility criteria 1.5–6 KB.
//! - 1–3 conditions, 0–6 keywords; 1–4 arms, 1–4 interventions with 0–4 other names each.
//! - 1–2 primary and 3–14 secondary outcomes with 300-character descriptions and time frames.
//! - Locations skewed: half the studies at 1–3 sites, most below 20, one in twenty 40–200.
//! - One study in eight has posted results: a participant flow, one measure per primary
//!   outcome with a hazard ratio analysis on time-to-event endpoints, and adverse events with
//!   10–40 serious and 10–40 other terms per study.
//! - Status, phase and dates spread over the registry's values; last-update dates 2008–2026.
//!
//! The result is 15–60 KB of JSON per study (more with results), 8–32 KB in the corpus format.

use serde_json::{Value, json};

// SplitMix64, deterministic from a seed: the generator of `crate::synthetic`.
use crate::synthetic::Rng;

const CONDITIONS: &[&str] = &[
    "Hepatocellular Carcinoma",
    "Breast Cancer",
    "Non-small Cell Lung Cancer",
    "Colorectal Cancer",
    "Gastric Cancer",
    "Pancreatic Cancer",
    "Prostate Cancer",
    "Ovarian Cancer",
    "Melanoma",
    "Multiple Myeloma",
    "Diffuse Large B-Cell Lymphoma",
    "Acute Myeloid Leukemia",
    "Glioblastoma",
    "Renal Cell Carcinoma",
    "Bladder Cancer",
    "Head and Neck Squamous Cell Carcinoma",
    "Cholangiocarcinoma",
    "Esophageal Cancer",
    "Cervical Cancer",
    "Endometrial Cancer",
];

const DRUGS: &[&str] = &[
    "Pembrolizumab",
    "Nivolumab",
    "Atezolizumab",
    "Durvalumab",
    "Bevacizumab",
    "Lenvatinib",
    "Sorafenib",
    "Cisplatin",
    "Carboplatin",
    "Paclitaxel",
    "Docetaxel",
    "Gemcitabine",
    "Oxaliplatin",
    "Capecitabine",
    "Trastuzumab",
    "Olaparib",
    "Osimertinib",
    "Cabozantinib",
    "Regorafenib",
    "Ipilimumab",
];

const WORDS: &[&str] = &[
    "randomized",
    "open-label",
    "multicenter",
    "study",
    "of",
    "versus",
    "in",
    "patients",
    "with",
    "advanced",
    "metastatic",
    "unresectable",
    "first-line",
    "second-line",
    "adjuvant",
    "neoadjuvant",
    "combination",
    "therapy",
    "efficacy",
    "safety",
    "previously",
    "untreated",
    "refractory",
    "maintenance",
    "evaluate",
    "the",
    "and",
    "a",
    "dose",
    "response",
    "survival",
    "progression",
    "treatment",
];

const STATUSES: &[&str] = &[
    "COMPLETED",
    "COMPLETED",
    "COMPLETED",
    "RECRUITING",
    "RECRUITING",
    "ACTIVE_NOT_RECRUITING",
    "TERMINATED",
    "UNKNOWN",
    "UNKNOWN",
    "NOT_YET_RECRUITING",
    "WITHDRAWN",
];

const PHASES: &[&[&str]] = &[
    &["PHASE1"],
    &["PHASE1"],
    &["PHASE1", "PHASE2"],
    &["PHASE2"],
    &["PHASE2"],
    &["PHASE2"],
    &["PHASE3"],
    &["PHASE3"],
    &["PHASE4"],
    &["NA"],
];

const CITIES: &[(&str, &str)] = &[
    ("Boston", "United States"),
    ("Houston", "United States"),
    ("Shanghai", "China"),
    ("Beijing", "China"),
    ("Guangzhou", "China"),
    ("Paris", "France"),
    ("Berlin", "Germany"),
    ("Tokyo", "Japan"),
    ("Seoul", "Korea, Republic of"),
    ("Toronto", "Canada"),
    ("Madrid", "Spain"),
    ("Milan", "Italy"),
];

/// Words to `chars` characters.
fn prose(r: &mut Rng, chars: usize) -> String {
    let mut s = String::with_capacity(chars + 16);
    while s.len() < chars {
        if !s.is_empty() {
            s.push(' ');
        }
        let w: &&str = r.pick(WORDS);
        s.push_str(w);
    }
    s
}

/// Words to between `lo` and `hi` characters.
fn text(r: &mut Rng, lo: usize, hi: usize) -> String {
    let n = r.range(lo, hi);
    prose(r, n)
}

fn date(r: &mut Rng, from: usize, to: usize) -> String {
    format!(
        "{}-{:02}-{:02}",
        r.range(from, to),
        r.range(1, 12),
        r.range(1, 28)
    )
}

/// How many sites: skewed as registry studies are.
fn sites(r: &mut Rng) -> usize {
    match r.below(20) {
        0..=9 => r.range(1, 3),
        10..=18 => r.range(4, 20),
        _ => r.range(40, 200),
    }
}

/// The NCT id of the `i`-th synthetic study.
pub fn nct(i: usize) -> String {
    format!("NCT9{:07}", i % 10_000_000)
}

/// The `i`-th synthetic study of a seed, as JSON text.
pub fn study(i: usize, seed: u64) -> String {
    study_value(i, seed).to_string()
}

fn study_value(i: usize, seed: u64) -> Value {
    let mut r = Rng(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let cond: Vec<&str> = (0..r.range(1, 3)).map(|_| *r.pick(CONDITIONS)).collect();
    let n_int = r.range(1, 4);
    let mut drugs: Vec<&str> = (0..n_int).map(|_| *r.pick(DRUGS)).collect();
    drugs.dedup();
    let n_arms = r.range(1, 4);
    let arms = arm_groups(&mut r, &drugs, n_arms);
    let interventions = interventions(&mut r, &drugs, n_arms);
    let n_primary = r.range(1, 2);
    let primary: Vec<Value> = (0..n_primary).map(|k| outcome(&mut r, k)).collect();
    let secondary: Vec<Value> = (0..r.range(3, 14))
        .map(|k| outcome(&mut r, k + 1))
        .collect();
    let locations: Vec<Value> = (0..sites(&mut r)).map(|k| location(&mut r, k)).collect();
    let status = *r.pick(STATUSES);
    let phases = *r.pick(PHASES);
    let acronym = r.chance(3).then(|| format!("SYN-{}", i % 10_000));
    let title = format!(
        "Synthetic {} of {} in {}",
        text(&mut r, 0, 80),
        drugs.join(" plus "),
        cond[0]
    );
    let drawn = Drawn {
        cond,
        n_arms,
        arms: &arms,
        interventions,
        primary,
        secondary,
        locations,
        status,
        phases,
        title,
        started: date(&mut r, 2005, 2024),
        updated: date(&mut r, 2008, 2026),
    };
    let with_results = r.chance(8);
    let mut protocol = protocol(&mut r, i, &drawn);
    if let Some(a) = acronym {
        protocol["identificationModule"]["acronym"] = json!(a);
    }
    if !r.chance(3) {
        protocol["descriptionModule"]["detailedDescription"] = json!(text(&mut r, 2000, 8000));
    }
    let mut study = json!({"protocolSection": protocol, "hasResults": with_results});
    if with_results {
        study["protocolSection"]["statusModule"]["resultsFirstPostDateStruct"] =
            json!({"date": drawn.updated, "type": "ACTUAL"});
        study["resultsSection"] = results(&mut r, n_arms, &arms, n_primary, &ENDPOINTS);
    }
    study
}

/// The endpoints of synthetic outcomes, and whether each is a time to an event.
const ENDPOINTS: [(&str, bool); 6] = [
    ("Overall Survival (OS)", true),
    ("Progression-free Survival (PFS)", true),
    ("Objective Response Rate (ORR)", false),
    ("Duration of Response", true),
    ("Incidence of Adverse Events", false),
    ("Quality of Life (EORTC QLQ-C30)", false),
];

/// The parts of a study drawn before its protocol section is written.
struct Drawn<'a> {
    cond: Vec<&'static str>,
    n_arms: usize,
    arms: &'a [Value],
    interventions: Vec<Value>,
    primary: Vec<Value>,
    secondary: Vec<Value>,
    locations: Vec<Value>,
    status: &'static str,
    phases: &'static [&'static str],
    title: String,
    started: String,
    updated: String,
}

/// `n_arms` arm groups, each given one of the (deduplicated) drugs in turn.
fn arm_groups(r: &mut Rng, drugs: &[&str], n_arms: usize) -> Vec<Value> {
    (0..n_arms)
        .map(|a| {
            let d = drugs[a % drugs.len()];
            json!({
                "label": format!("Arm {}: {d}", (b'A' + a as u8) as char),
                "type": if a == 0 { "EXPERIMENTAL" } else { "ACTIVE_COMPARATOR" },
                "description": prose(r, 200 + a * 80),
                "interventionNames": [format!("Drug: {d}")],
            })
        })
        .collect()
}

/// One intervention per drug, with the arms given it and a few other names.
fn interventions(r: &mut Rng, drugs: &[&str], n_arms: usize) -> Vec<Value> {
    drugs
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let labels: Vec<String> = (0..n_arms)
                .filter(|a| a % drugs.len() == k)
                .map(|a| format!("Arm {}: {d}", (b'A' + a as u8) as char))
                .collect();
            let other: Vec<String> = (0..r.range(0, 4))
                .map(|n| format!("{}-{}{}", &d[..3].to_uppercase(), 100 + k, n))
                .collect();
            json!({
                "type": "DRUG",
                "name": d,
                "description": prose(r, 80),
                "armGroupLabels": labels,
                "otherNames": other,
            })
        })
        .collect()
}

/// The `k`-th outcome of a protocol's list (the endpoints in turn).
fn outcome(r: &mut Rng, k: usize) -> Value {
    let (m, _) = ENDPOINTS[k % ENDPOINTS.len()];
    json!({"measure": m, "description": prose(r, 300), "timeFrame": format!("Up to {} months", r.range(6, 60))})
}

/// The `k`-th site of a study.
fn location(r: &mut Rng, k: usize) -> Value {
    let (city, country) = *r.pick(CITIES);
    json!({
        "facility": format!("{city} Cancer Centre {k}"),
        "status": "RECRUITING",
        "city": city,
        "zip": format!("{:05}", r.below(99_999)),
        "country": country,
        "geoPoint": {"lat": 30.0 + r.below(2000) as f64 / 100.0, "lon": r.below(3000) as f64 / 100.0},
    })
}

/// The protocol section of the `i`-th study from its drawn parts (drawing its texts, dates
/// and counts in the order they appear).
fn protocol(r: &mut Rng, i: usize, d: &Drawn) -> Value {
    let (title, started, updated) = (&d.title, &d.started, &d.updated);
    json!({
        "identificationModule": {
            "nctId": nct(i),
            "orgStudyIdInfo": {"id": format!("SYN-{i}")},
            "organization": {"fullName": "Synthetic Registry Generator", "class": "OTHER"},
            "briefTitle": title,
            "officialTitle": format!("{title}: {}", text(r, 60, 160)),
        },
        "statusModule": {
            "statusVerifiedDate": &updated[..7],
            "overallStatus": d.status,
            "startDateStruct": {"date": started, "type": "ACTUAL"},
            "primaryCompletionDateStruct": {"date": date(r, 2010, 2030), "type": "ESTIMATED"},
            "completionDateStruct": {"date": date(r, 2010, 2032), "type": "ESTIMATED"},
            "studyFirstPostDateStruct": {"date": started, "type": "ACTUAL"},
            "lastUpdatePostDateStruct": {"date": updated, "type": "ACTUAL"},
        },
        "sponsorCollaboratorsModule": {"leadSponsor": {"name": "Synthetic Sponsor", "class": "OTHER"}},
        "descriptionModule": {"briefSummary": text(r, 800, 3000)},
        "conditionsModule": {
            "conditions": d.cond,
            "keywords": (0..r.range(0, 6)).map(|_| *r.pick(WORDS)).collect::<Vec<_>>(),
        },
        "designModule": {
            "studyType": "INTERVENTIONAL",
            "phases": d.phases,
            "designInfo": {
                "allocation": if d.n_arms > 1 { "RANDOMIZED" } else { "NA" },
                "interventionModel": if d.n_arms > 1 { "PARALLEL" } else { "SINGLE_GROUP" },
                "primaryPurpose": "TREATMENT",
                "maskingInfo": {"masking": "NONE"},
            },
            "enrollmentInfo": {"count": r.range(10, 1200), "type": if d.status == "COMPLETED" { "ACTUAL" } else { "ESTIMATED" }},
        },
        "armsInterventionsModule": {"armGroups": d.arms, "interventions": d.interventions},
        "outcomesModule": {"primaryOutcomes": d.primary, "secondaryOutcomes": d.secondary},
        "eligibilityModule": {
            "eligibilityCriteria": text(r, 1500, 6000),
            "sex": "ALL",
            "minimumAge": "18 Years",
            "stdAges": ["ADULT", "OLDER_ADULT"],
        },
        "contactsLocationsModule": {"locations": d.locations},
    })
}

/// A results section: flow, one measure per primary outcome (a hazard ratio on time-to-event
/// endpoints), adverse events.
fn results(
    r: &mut Rng,
    n_arms: usize,
    arms: &[Value],
    n_primary: usize,
    endpoints: &[(&str, bool)],
) -> Value {
    let groups = |prefix: &str| -> Vec<Value> {
        arms.iter()
            .enumerate()
            .map(|(k, a)| json!({"id": format!("{prefix}{k:03}"), "title": a["label"], "description": a["description"]}))
            .collect()
    };
    let counts: Vec<usize> = (0..n_arms).map(|_| r.range(20, 400)).collect();
    let measures: Vec<Value> = (0..n_primary)
        .map(|k| {
            let (title, time_to_event) = endpoints[k % endpoints.len()];
            let mut m = json!({
                "type": "PRIMARY",
                "title": title,
                "description": prose(r, 200),
                "reportingStatus": "POSTED",
                "paramType": if time_to_event { "MEDIAN" } else { "NUMBER" },
                "unitOfMeasure": if time_to_event { "months" } else { "percentage of participants" },
                "timeFrame": "Up to 60 months",
                "groups": groups("OG"),
                "denoms": [{"units": "Participants", "counts": counts.iter().enumerate().map(|(g, c)| json!({"groupId": format!("OG{g:03}"), "value": c.to_string()})).collect::<Vec<_>>()}],
                "classes": [{"categories": [{"measurements": (0..n_arms).map(|g| json!({"groupId": format!("OG{g:03}"), "value": format!("{}.{}", r.range(2, 40), r.below(10))})).collect::<Vec<_>>()}]}],
            });
            if time_to_event && n_arms > 1 {
                let hr = 0.4 + r.below(80) as f64 / 100.0;
                m["analyses"] = json!([{
                    "groupIds": ["OG000", "OG001"],
                    "nonInferiorityType": "SUPERIORITY",
                    "pValue": format!("0.{:03}", r.range(1, 500)),
                    "statisticalMethod": "Log Rank",
                    "paramType": "Hazard Ratio (HR)",
                    "paramValue": format!("{hr:.2}"),
                    "ciPctValue": "95",
                    "ciNumSides": "TWO_SIDED",
                    "ciLowerLimit": format!("{:.2}", hr * 0.8),
                    "ciUpperLimit": format!("{:.2}", hr * 1.2),
                }]);
            }
            m
        })
        .collect();
    let event = |r: &mut Rng| {
        json!({
            "term": prose(r, 14),
            "organSystem": "General disorders",
            "sourceVocabulary": "MedDRA (25.0)",
            "assessmentType": "SYSTEMATIC_ASSESSMENT",
            "stats": counts.iter().enumerate().map(|(g, c)| json!({"groupId": format!("EG{g:03}"), "numAffected": r.below(*c / 4 + 1), "numAtRisk": c})).collect::<Vec<_>>(),
        })
    };
    let serious: Vec<Value> = (0..r.range(10, 40)).map(|_| event(r)).collect();
    let other: Vec<Value> = (0..r.range(10, 40)).map(|_| event(r)).collect();
    json!({
        "participantFlowModule": {
            "groups": groups("FG"),
            "periods": [{"title": "Overall Study", "milestones": [{"type": "STARTED", "achievements": counts.iter().enumerate().map(|(g, c)| json!({"groupId": format!("FG{g:03}"), "numSubjects": c.to_string()})).collect::<Vec<_>>()}]}],
        },
        "outcomeMeasuresModule": {"outcomeMeasures": measures},
        "adverseEventsModule": {
            "frequencyThreshold": "5",
            "timeFrame": "Up to 5 years",
            "eventGroups": counts.iter().enumerate().map(|(g, c)| json!({"id": format!("EG{g:03}"), "title": arms[g]["label"], "seriousNumAffected": r.below(*c / 3 + 1), "seriousNumAtRisk": c, "otherNumAffected": r.below(*c / 2 + 1), "otherNumAtRisk": c})).collect::<Vec<_>>(),
            "seriousEvents": serious,
            "otherEvents": other,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::Importer;

    #[test]
    fn synthetic_studies_import_cleanly_and_are_deterministic() {
        assert_eq!(study(7, 42), study(7, 42));
        assert_ne!(study(7, 42), study(8, 42));
        let texts: Vec<(String, String)> = (0..200).map(|i| (nct(i), study(i, 42))).collect();
        let mut imp = Importer::new(crate::corpus::CorpusFile::default());
        imp.add_texts(&texts);
        let (file, report) = imp.finish();
        assert_eq!(
            report.skipped() + report.bad_files(),
            0,
            "{:?}",
            report.events
        );
        assert_eq!(file.trials.len(), 200);
        let with_hr = file
            .trials
            .iter()
            .filter(|t| t.outcomes.iter().any(|o| o.hr.is_some()))
            .count();
        assert!(with_hr > 0, "some posted results carry a hazard ratio");
    }
}
