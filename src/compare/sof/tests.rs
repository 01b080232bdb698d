//! Unit tests of `compare::sof`.

use super::*;

fn sof(ids: &[&str]) -> SummaryOfFindings {
    let c = Corpus::bundled().unwrap();
    let records: Vec<RecordRef> = ids.iter().map(|id| c.resolve(id).unwrap()).collect();
    summary(&c, &records, Lang::En)
}

#[test]
fn pooled_pfs_with_its_rules() {
    let s = sof(&["emerald-1", "talentace"]);
    let pfs = s
        .findings
        .iter()
        .find(|f| f.outcome == "PFS")
        .expect("PFS row");
    assert_eq!(pfs.studies.len(), 2);
    assert!(pfs.relative.starts_with("pooled HR"), "{}", pfs.relative);
    assert!(pfs.relative.contains(meta::COMPUTED), "{}", pfs.relative);
    assert!(pfs.relative_computed);
    // TALENTACE's design is not stated: unrated, so the start is Very low.
    assert_eq!(pfs.start, Certainty::VeryLow, "{}", pfs.start_reason);
    assert!(
        pfs.start_reason.contains("TALENTACE"),
        "{}",
        pfs.start_reason
    );
    // Different experimental treatments: indirect.
    assert!(
        pfs.downgrades
            .iter()
            .any(|d| d.rule == "indirectness" && d.reason.contains("different treatments")),
        "{:?}",
        pfs.downgrades
    );
    assert!(s.findings.len() <= MAX_ROWS);
}

#[test]
fn one_randomised_study_starts_high_and_is_lowered_once_for_being_alone() {
    let s = sof(&["emerald-1", "leap-012"]);
    let os: Vec<&Finding> = s.findings.iter().filter(|f| f.studies.len() == 1).collect();
    assert!(!os.is_empty());
    for f in os {
        assert!(
            f.downgrades.iter().any(|d| d.rule == "one study only"),
            "{f:?}"
        );
        assert_eq!(f.certainty, grade(f.start, &f.downgrades));
    }
}

#[test]
fn grades_fall_one_step_per_rule_and_stop_at_very_low() {
    let d = |n: usize| {
        vec![
            Downgrade {
                rule: "imprecision",
                reason: String::new()
            };
            n
        ]
    };
    assert_eq!(grade(Certainty::High, &d(0)), Certainty::High);
    assert_eq!(grade(Certainty::High, &d(1)), Certainty::Moderate);
    assert_eq!(grade(Certainty::High, &d(2)), Certainty::Low);
    assert_eq!(grade(Certainty::High, &d(5)), Certainty::VeryLow);
    assert_eq!(grade(Certainty::Low, &d(1)), Certainty::VeryLow);
    assert!(imprecision(Some((0.8, 1.1)), "x", Lang::En).is_some());
    assert!(imprecision(Some((0.6, 0.9)), "x", Lang::En).is_none());
    assert!(imprecision(None, "x", Lang::En).is_some());
    assert!(inconsistency(50.0, Lang::En).is_none());
    assert!(inconsistency(50.1, Lang::En).is_some());
}

#[test]
fn absolute_effects_from_the_control_rate_and_the_ratio() {
    use crate::corpus::{Arm, ArmValue, Num, Outcome};
    let arm = |id: &str, control: bool| Arm {
        id: id.into(),
        control,
        ..Default::default()
    };
    let value = |arm: &str, v: &str| ArmValue {
        arm: Some(arm.into()),
        value: serde_json::from_str::<Num>(v).unwrap(),
        ..Default::default()
    };
    let t = Trial {
        id: "t".into(),
        acronym: Some("T".into()),
        arms: vec![arm("e", false), arm("c", true)],
        outcomes: vec![Outcome {
            endpoint: "OS".into(),
            unit: Some("%".into()),
            values: vec![value("e", "60"), value("c", "50")],
            ..Default::default()
        }],
        ..Default::default()
    };
    // HR 0.5 on a control survival of 50 %: 0.5^0.5 = 707 per 1,000 alive.
    let hr = ("HR".to_string(), 0.5, Some((0.25, 1.0)));
    let a = absolute_effect(&[&t], "OS", Some(&hr), false, Lang::En).unwrap();
    assert!(
        a.starts_with("500 per 1,000 with control; 707 per 1,000"),
        "{a}"
    );
    assert!(
        a.contains("(95% CI 500–841)") && a.contains("207 more"),
        "{a}"
    );
    assert!(a.contains(COMPUTED), "{a}");
    // Without a ratio: the arms' own rates.
    let a = absolute_effect(&[&t], "OS", None, false, Lang::En).unwrap();
    assert!(
        a.starts_with("500 per 1,000 with control; 600 per 1,000"),
        "{a}"
    );
    assert!(
        a.contains("100 more") && a.contains("arms' rates (T: OS rate"),
        "{a}"
    );
    // A risk ratio on a harm: 0.5 × 50 % = 250.
    let rr = ("RR".to_string(), 0.5, None);
    let a = absolute_effect(&[&t], "OS", Some(&rr), true, Lang::En).unwrap();
    assert!(
        a.contains("250 per 1,000") && a.contains("250 fewer"),
        "{a}"
    );
    // No control rate: nothing.
    assert!(absolute_effect(&[&t], "PFS", Some(&hr), false, Lang::En).is_none());
}

#[test]
fn therapies_give_no_rows_and_say_why() {
    let s = sof(&["durvalumab", "bevacizumab"]);
    assert!(s.findings.is_empty());
    assert!(s.notes[0].contains("needs studies"));
}
