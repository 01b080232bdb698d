//! Unit tests of the comparison: measures, stars, populations, evidence, charts.

use std::path::Path;

use super::rows::mark_best;
use super::*;
use crate::corpus::{BUNDLED, CorpusFile};

fn bundled() -> Corpus {
    Corpus::bundled().expect("bundled corpus")
}

/// The bundled corpus with PALLAS (breast cancer, NCT02513394) imported: 4-year rates.
fn with_pallas() -> Corpus {
    let base: CorpusFile = serde_json::from_slice(BUNDLED).expect("bundled json");
    let mut imp = crate::import::Importer::new(base);
    imp.add_file(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ctgov/NCT02513394.json"),
    );
    let (file, _) = imp.finish();
    Corpus::build(Path::new("merged.json"), file, None).expect("merged corpus")
}

fn refs(c: &Corpus, ids: &[&str]) -> Vec<RecordRef> {
    ids.iter().map(|id| c.resolve(id).expect(id)).collect()
}

fn rows_of<'a>(cmp: &'a Comparison, title: &str) -> Vec<&'a Row> {
    cmp.rows
        .iter()
        .filter(|r| r.group.title() == title)
        .collect()
}

#[test]
fn rates_medians_and_ratios_never_share_a_header() {
    let c = with_pallas();
    let cmp = compare(&c, &refs(&c, &["nct02513394", "talentace"]), Lang::En);
    let median = rows_of(&cmp, "OS, median (months)");
    let rate = rows_of(&cmp, "OS rate at 4 years (%)");
    let ratio = rows_of(&cmp, "OS hazard ratio");
    assert_eq!(median[0].label, "experimental");
    assert_eq!(median[0].cells[0].text, NOT_REPORTED);
    assert_eq!(median[0].cells[1].text, "34.53 mo");
    assert_eq!(rate[0].cells[0].text, "93.8%");
    assert_eq!(rate[0].cells[1].text, NOT_REPORTED);
    assert!(ratio[0].cells[0].text.starts_with("HR 1.32"));
    assert_eq!(ratio[0].cells[1].text, "HR 0.96");
    // No group mixes units: every filled cell of a measure group carries its unit.
    for r in &cmp.rows {
        if let Group::Measure {
            unit: Some(u),
            statistic: Statistic::Median | Statistic::Rate,
            ..
        } = &r.group
            && (r.label == "experimental" || r.label == "control")
        {
            let suffix = if u == "%" { "%" } else { " mo" };
            for cell in r.cells.iter().filter(|c| !c.is_blank()) {
                assert!(
                    cell.text.ends_with(suffix),
                    "{} in {}",
                    cell.text,
                    r.field()
                );
            }
        }
    }
}

#[test]
fn no_star_across_diseases_and_the_banner_says_so() {
    let c = with_pallas();
    let cmp = compare(&c, &refs(&c, &["nct02513394", "talentace"]), Lang::En);
    assert!(
        cmp.rows.iter().flat_map(|r| &r.cells).all(|c| !c.best),
        "breast cancer and HCC: nothing is best"
    );
    let cross = cmp
        .caveats
        .iter()
        .find(|cv| cv.kind == CaveatKind::CrossDisease)
        .expect("a cross-disease caveat");
    assert!(cross.text.contains("PALLAS: BC"), "{}", cross.text);
    assert!(cross.text.contains("TALENTACE: HCC"), "{}", cross.text);
}

#[test]
fn star_within_one_disease_and_one_measure() {
    let c = bundled();
    let cmp = compare(&c, &refs(&c, &["emerald-1", "leap-012"]), Lang::En);
    let pfs = rows_of(&cmp, "PFS, median (months)");
    assert!(
        !pfs[0].cells[0].best && pfs[0].cells[1].best,
        "16.6 beats 15.0"
    );
    assert!(
        cmp.caveats
            .iter()
            .all(|cv| cv.kind != CaveatKind::CrossDisease)
    );
    // The one HR has nothing to be compared with.
    let hr = rows_of(&cmp, "PFS hazard ratio");
    assert!(hr[0].cells.iter().all(|c| !c.best));
}

#[test]
fn best_needs_two_values_of_one_kind_of_population() {
    let c = bundled();
    let pops = Populations {
        lineages: vec![vec!["hcc".into()], vec!["hcc".into()]],
        own: vec![vec!["hcc".into()], vec!["hcc".into()]],
    };
    let mut cells = vec![Cell::new("1"), Cell::new("2")];
    mark_best(&mut cells, &[Some(1.0), None], true, &pops);
    assert!(cells.iter().all(|c| !c.best), "one value alone is not best");
    mark_best(&mut cells, &[Some(1.0), Some(2.0)], true, &pops);
    assert!(cells[1].best);
    let apart = Populations {
        lineages: vec![vec!["hcc".into()], vec!["bc".into()]],
        own: vec![vec!["hcc".into()], vec!["bc".into()]],
    };
    let mut cells = vec![Cell::new("1"), Cell::new("2")];
    mark_best(&mut cells, &[Some(1.0), Some(2.0)], true, &apart);
    assert!(cells.iter().all(|c| !c.best));
    // A disease and the disease it is part of are one kind of population.
    let hcc = c.disease_by_id("hcc").expect("hcc");
    if let Some(parent) = &hcc.parent {
        let cols = [
            Column {
                id: "a".into(),
                kind: "trial",
                title: "A".into(),
                caution: None,
                flags: vec![],
                diseases: vec!["hcc".into()],
                record: RecordRef::new(Kind::Trial, 0),
            },
            Column {
                id: "b".into(),
                kind: "trial",
                title: "B".into(),
                caution: None,
                flags: vec![],
                diseases: vec![parent.clone()],
                record: RecordRef::new(Kind::Trial, 1),
            },
        ];
        assert!(Populations::new(&c, &cols).same(0, 1));
    }
}

#[test]
fn a_subgroup_figure_is_not_starred_against_a_whole_trial() {
    let mut file: CorpusFile = serde_json::from_slice(BUNDLED).expect("bundled json");
    let leap = file
        .trials
        .iter_mut()
        .find(|t| t.id == "leap-012")
        .expect("leap-012");
    for o in leap.outcomes.iter_mut().filter(|o| o.endpoint == "PFS") {
        o.subgroup = Some("Chinese patients".into());
    }
    let c = Corpus::build(Path::new("t.json"), file, None).expect("corpus");
    let cmp = compare(&c, &refs(&c, &["emerald-1", "leap-012"]), Lang::En);
    let pfs = rows_of(&cmp, "PFS, median (months)");
    assert!(pfs.iter().flat_map(|r| &r.cells).all(|c| !c.best));
    let sg = pfs
        .iter()
        .find(|r| r.label == "subgroup")
        .expect("a subgroup row");
    assert_eq!(sg.cells[0].text, "all patients");
    assert_eq!(sg.cells[1].text, "Chinese patients");
    // ORR is still the whole trial's in both: starred.
    assert!(rows_of(&cmp, "ORR (%)")[0].cells[1].best);
}

#[test]
fn trials_and_therapies_are_not_compared_together() {
    let c = bundled();
    let mixed = check(&c, &refs(&c, &["emerald-1", "tace"]), Lang::En);
    assert!(
        matches!(&mixed, Err(NotComparable::Kinds(m)) if m.contains("is a trial and") && m.contains("a therapy")),
        "{mixed:?}"
    );
    assert!(matches!(
        check(&c, &refs(&c, &["hcc", "emerald-1"]), Lang::En),
        Err(NotComparable::Kinds(_))
    ));
    assert_eq!(
        check(&c, &refs(&c, &["emerald-1", "emerald-1"]), Lang::En),
        Err(NotComparable::Duplicate("emerald-1".into()))
    );
    assert!(check(&c, &refs(&c, &["emerald-1", "leap-012"]), Lang::En).is_ok());
    assert!(check(&c, &refs(&c, &["tace", "haic"]), Lang::En).is_ok());
}

#[test]
fn a_therapys_evidence_is_its_experimental_arm_studies() {
    let c = bundled();
    let tace = c.resolve("tace").expect("tace");
    let ev = evidence(&c, tace.index, Lang::En);
    let ids: Vec<&str> = ev.records.iter().map(|&r| c.id_of(r)).collect();
    assert_eq!(ids.len(), MAX_COLUMNS, "{ids:?}");
    for &r in &ev.records {
        let role = role_in(&c, c.trial(r.index), "tace");
        assert!(
            matches!(role, Some(Role::Tested | Role::Background)),
            "{}: {role:?}",
            c.id_of(r)
        );
    }
    let levels: Vec<_> = ev
        .records
        .iter()
        .map(|r| c.trial(r.index).evidence_level())
        .collect();
    assert!(levels.windows(2).all(|w| w[0] <= w[1]), "{levels:?}");
    let text = &ev.caveat.text;
    assert!(
        text.contains("4 of 8, those with it in an experimental arm (5)"),
        "{text}"
    );
    assert!(text.contains("1 more left out for the limit"), "{text}");
    assert!(
        text.contains("3 where it is only the control arm not taken"),
        "{text}"
    );
    assert!(text.contains("at most 4"), "{text}");
    assert!(text.contains("in both arms of each"), "{text}");
    let cmp = build(&c, &ev.records, Some(tace.index), Lang::En);
    assert_eq!(cmp.caveats[0].kind, CaveatKind::Selection);
}

#[test]
fn the_forest_plot_offers_only_endpoints_with_a_hazard_ratio_most_first() {
    let c = with_pallas();
    let rs = refs(&c, &["nct02513394", "talentace"]);
    let choices = chart_choices(&c, &rs, Chart::Forest);
    assert_eq!(choices[0].endpoint(), Some("OS"), "both give an OS HR");
    for g in &choices {
        let ep = g.endpoint().expect("an endpoint");
        assert!(
            rs.iter()
                .any(|r| hr_outcome(c.trial(r.index), ep).is_some()),
            "{ep} has no HR"
        );
    }
    assert!(!choices.iter().any(|g| g.endpoint() == Some("ORR")));
    // Bars: one measure per choice, never a rate and a median on one scale.
    let bars = chart_choices(&c, &rs, Chart::Bars);
    assert!(bars.iter().all(|g| matches!(g, Group::Measure { .. })));
    assert!(bars.iter().any(|g| g.title() == "OS rate at 4 years (%)"));
    assert!(bars.iter().any(|g| g.title() == "OS, median (months)"));
}
