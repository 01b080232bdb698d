use super::*;
use crate::corpus::{Interval, Num, PValue};

fn ratio(v: &str, ci: Option<(&str, &str)>) -> Ratio {
    Ratio {
        value: Num::parse(v).unwrap(),
        ci: ci.map(|(l, h)| Interval {
            low: Num::parse(l).unwrap(),
            high: Num::parse(h).unwrap(),
            level: None,
        }),
        kind: None,
    }
}

fn p(s: &str) -> Option<PValue> {
    PValue::parse(s)
}

#[test]
fn the_interval_comes_before_the_p_value() {
    let (se, from) =
        standard_error(&ratio("0.80", Some(("0.66", "0.97"))), p("0.02").as_ref()).unwrap();
    assert_eq!(from, SeFrom::Ci { level: 95.0 });
    assert!((se - (0.97f64.ln() - 0.66f64.ln()) / (2.0 * Z95)).abs() < 1e-15);
}

#[test]
fn an_exact_p_value_gives_the_standard_error_and_says_so() {
    let (se, from) = standard_error(&ratio("0.77", None), p("0.032").as_ref()).unwrap();
    assert_eq!(from, SeFrom::PValue { p: 0.032 });
    assert_eq!(from.describe(), "from P=0.032 (two-sided)");
    assert!((se - 0.121_881_864_222_101).abs() < 1e-12);
}

#[test]
fn a_standard_error_is_never_guessed() {
    let why = |r: Ratio, pv: Option<PValue>| standard_error(&r, pv.as_ref()).unwrap_err();
    assert!(why(ratio("0.54", None), p("<0.001")).contains("only as <0.001"));
    assert!(why(ratio("0.54", None), p("≤0.05")).contains("only as ≤0.05"));
    assert!(why(ratio("0.54", None), None).contains("no confidence interval and no p-value"));
    assert!(why(ratio("1.00", None), p("0.5")).contains("exactly 1.00"));
    assert!(why(ratio("0.9", None), p("1")).contains("P=1 gives no standard error"));
    assert!(
        why(ratio("0.9", Some(("0.95", "0.8"))), None).contains("cannot be put on the log scale")
    );
    assert!(why(ratio("0.9", Some(("0", "1.2"))), None).contains("cannot be put on the log scale"));
    assert!(why(ratio("0", None), p("0.2")).contains("cannot be put on the log scale"));
}

#[test]
fn a_ratio_of_one_with_an_interval_is_pooled() {
    let (se, _) = standard_error(&ratio("1", Some(("0.8", "1.25"))), None).unwrap();
    assert!(se > 0.0);
}

#[test]
fn other_confidence_levels_use_their_own_quantile() {
    let mut r = ratio("1.32", Some(("1.10", "1.58")));
    r.ci.as_mut().unwrap().level = Num::parse("90");
    let (se, from) = standard_error(&r, None).unwrap();
    assert_eq!(from, SeFrom::Ci { level: 90.0 });
    assert!((se - (1.58f64.ln() - 1.10f64.ln()) / (2.0 * 1.644_853_626_951_472)).abs() < 1e-12);
    r.ci.as_mut().unwrap().level = Num::parse("100");
    assert!(standard_error(&r, None).is_err());
}

#[test]
fn fitting_refuses_too_few_or_invalid_studies() {
    assert_eq!(
        stats::fit(&[0.1], &[0.01], Method::Reml),
        Err(FitError::TooFew)
    );
    assert_eq!(
        stats::fit(&[0.1, 0.2], &[0.01, 0.0], Method::Fixed),
        Err(FitError::Invalid)
    );
    assert_eq!(
        stats::fit(&[0.1, f64::NAN], &[0.01, 0.02], Method::Dl),
        Err(FitError::Invalid)
    );
}

#[test]
fn identical_studies_have_no_heterogeneity() {
    let f = stats::fit(&[-0.2, -0.2, -0.2], &[0.01, 0.02, 0.04], Method::Reml).unwrap();
    assert_eq!(f.tau2, 0.0);
    assert_eq!(f.q, 0.0);
    assert_eq!(f.i2, 0.0);
    assert!((f.estimate + 0.2).abs() < 1e-15);
    let w: f64 = f.weights.iter().sum();
    assert!((w - 100.0).abs() < 1e-9);
}

mod corpus {
    use super::*;
    use crate::corpus::{Arm, Citation, CorpusFile, Outcome, Trial};

    fn cite() -> Citation {
        Citation {
            source: "s".into(),
            quote: "q".into(),
            ..Default::default()
        }
    }

    fn trial(id: &str, outcomes: Vec<Outcome>) -> Trial {
        Trial {
            citations: vec![cite()],
            id: id.into(),
            acronym: Some(id.to_uppercase()),
            title: crate::corpus::Names::en(id),
            arms: vec![Arm {
                id: "a".into(),
                label: crate::corpus::Names::en("A"),
                ..Default::default()
            }],
            outcomes,
            ..Default::default()
        }
    }

    fn outcome(ep: &str, hr: Option<Ratio>, pv: Option<&str>, subgroup: Option<&str>) -> Outcome {
        Outcome {
            endpoint: ep.into(),
            hr,
            p: pv.and_then(PValue::parse),
            subgroup: subgroup.map(Into::into),
            values: vec![crate::corpus::ArmValue {
                arm: Some("a".into()),
                value: Num::parse("1").unwrap(),
                ..Default::default()
            }],
            citation: cite(),
            ..Default::default()
        }
    }

    fn corpus(trials: Vec<Trial>) -> (Corpus, Vec<RecordRef>) {
        let n = trials.len();
        let disease = |id: &str| crate::corpus::Disease {
            id: id.into(),
            name: crate::corpus::Names::en(id),
            ..Default::default()
        };
        let file = CorpusFile {
            schema_version: 1,
            diseases: vec![disease("hcc"), disease("breast")],
            sources: vec![crate::corpus::Source {
                id: "s".into(),
                title: crate::corpus::Names::en("S"),
                language: "en".into(),
                ..Default::default()
            }],
            trials,
            ..Default::default()
        };
        let c = Corpus::build(std::path::Path::new("t.json"), file, None).unwrap();
        (c, (0..n).map(|i| RecordRef::new(Kind::Trial, i)).collect())
    }

    #[test]
    fn only_one_kind_of_ratio_is_pooled_and_subgroups_are_left_out() {
        let or = |v: &str, l: &str, h: &str| Ratio {
            kind: Some("OR".into()),
            ..ratio(v, Some((l, h)))
        };
        let (c, rs) = corpus(vec![
            trial(
                "a",
                vec![outcome("ORR", Some(or("2.0", "1.2", "3.3")), None, None)],
            ),
            trial(
                "b",
                vec![outcome("ORR", Some(or("1.5", "1.0", "2.25")), None, None)],
            ),
            trial(
                "c",
                vec![outcome(
                    "ORR",
                    Some(ratio("0.8", Some(("0.6", "1.1")))),
                    None,
                    None,
                )],
            ),
            trial(
                "d",
                vec![outcome(
                    "ORR",
                    Some(or("1.7", "1.1", "2.6")),
                    None,
                    Some("PD-L1 ≥1%"),
                )],
            ),
        ]);
        let p = pool(&c, &rs, "ORR", Tau2::Reml, Lang::En);
        assert_eq!(p.kind, "OR");
        assert!(p.is_pooled());
        assert_eq!(p.studies.len(), 2);
        let reasons: Vec<&str> = p.not_pooled.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "reports a hazard ratio for ORR; the pooled studies report odds ratios",
                "an odds ratio is reported only for a subgroup (PD-L1 ≥1%)"
            ]
        );
    }

    #[test]
    fn fewer_than_two_studies_give_no_estimate() {
        let (c, rs) = corpus(vec![
            trial(
                "a",
                vec![outcome(
                    "OS",
                    Some(ratio("0.7", Some(("0.5", "0.9")))),
                    None,
                    None,
                )],
            ),
            trial(
                "b",
                vec![outcome("OS", Some(ratio("0.9", None)), Some("<0.05"), None)],
            ),
        ]);
        let p = pool(&c, &rs, "OS", Tau2::Dl, Lang::En);
        assert!(!p.is_pooled());
        assert!(p.random.is_none() && p.heterogeneity.is_none());
        assert_eq!(p.studies.len(), 1);
        assert_eq!(p.not_pooled.len(), 1);
        let text = report::text(&p, report::Model::Random, 80, Lang::En);
        assert!(text.contains("Nothing pooled"), "{text}");
        assert!(pools(&c, &rs, Lang::En).is_empty());
    }

    #[test]
    fn trials_of_different_diseases_are_not_pooled() {
        let hr = |v: &str, l: &str, h: &str| Some(ratio(v, Some((l, h))));
        let mut a = trial(
            "a",
            vec![outcome("OS", hr("0.7", "0.5", "0.9"), None, None)],
        );
        let mut b = trial(
            "b",
            vec![outcome("OS", hr("1.3", "1.0", "1.7"), None, None)],
        );
        a.diseases = vec!["hcc".into()];
        b.diseases = vec!["breast".into()];
        let (c, rs) = corpus(vec![a.clone(), b]);
        let p = pool(&c, &rs, "OS", Tau2::Reml, Lang::En);
        assert!(!p.is_pooled());
        assert_eq!(p.studies.len(), 2);
        assert_eq!(
            p.refused.as_deref(),
            Some(
                "the trials study different diseases (A: hcc; B: breast); pooling them would mix populations"
            )
        );
        let mut b = a.clone();
        b.id = "b".into();
        let (c, rs) = corpus(vec![a, b]);
        assert!(pool(&c, &rs, "OS", Tau2::Reml, Lang::En).is_pooled());
    }
}
