//! Synthetic corpora for benchmarks: realistic in shape (names, aliases and titles of real
//! lengths in English and Chinese, registry ids, arms, outcomes with HRs and p-values), made
//! deterministically from a seed. Used by `evidex gen-corpus` and `cargo bench`; never mixed
//! with real evidence: every record cites one source that says it is synthetic.

use crate::corpus::{
    Arm, ArmValue, Citation, CorpusFile, Design, Disease, Interval, Names, Num, Outcome, PValue,
    Phase, Ratio, Source, Status, Therapy, TherapyKind, Trial,
};

/// SplitMix64: a tiny deterministic generator, enough to vary synthetic records (here and in
/// `crate::synthetic_registry`).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub(crate) fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    pub(crate) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// True once in `one_in` times.
    pub(crate) fn chance(&mut self, one_in: usize) -> bool {
        self.below(one_in) == 0
    }
}

const DISEASES: &[(&str, &str, &str, &str)] = &[
    ("hcc", "Hepatocellular carcinoma", "肝细胞癌", "HCC"),
    (
        "icc",
        "Intrahepatic cholangiocarcinoma",
        "肝内胆管癌",
        "ICC",
    ),
    (
        "nsclc",
        "Non-small-cell lung cancer",
        "非小细胞肺癌",
        "NSCLC",
    ),
    ("sclc", "Small-cell lung cancer", "小细胞肺癌", "SCLC"),
    ("breast", "Breast cancer", "乳腺癌", "BC"),
    ("gastric", "Gastric cancer", "胃癌", "GC"),
    ("crc", "Colorectal cancer", "结直肠癌", "CRC"),
    ("gbm", "Glioblastoma", "胶质母细胞瘤", "GBM"),
    (
        "b-all",
        "B-cell acute lymphoblastic leukaemia",
        "B细胞急性淋巴细胞白血病",
        "B-ALL",
    ),
    (
        "dlbcl",
        "Diffuse large B-cell lymphoma",
        "弥漫大B细胞淋巴瘤",
        "DLBCL",
    ),
    ("mm", "Multiple myeloma", "多发性骨髓瘤", "MM"),
    (
        "pdac",
        "Pancreatic ductal adenocarcinoma",
        "胰腺导管腺癌",
        "PDAC",
    ),
    ("rcc", "Renal cell carcinoma", "肾细胞癌", "RCC"),
    ("prostate", "Prostate cancer", "前列腺癌", "PCa"),
    ("ovarian", "Ovarian cancer", "卵巢癌", "OC"),
    (
        "escc",
        "Oesophageal squamous cell carcinoma",
        "食管鳞状细胞癌",
        "ESCC",
    ),
];

const DRUGS: &[(&str, &str, &str, &str)] = &[
    (
        "pembrolizumab",
        "帕博利珠单抗",
        "Keytruda",
        "PD-1 inhibitor",
    ),
    ("nivolumab", "纳武利尤单抗", "Opdivo", "PD-1 inhibitor"),
    ("durvalumab", "度伐利尤单抗", "Imfinzi", "PD-L1 inhibitor"),
    (
        "atezolizumab",
        "阿替利珠单抗",
        "Tecentriq",
        "PD-L1 inhibitor",
    ),
    ("sintilimab", "信迪利单抗", "达伯舒", "PD-1 inhibitor"),
    ("camrelizumab", "卡瑞利珠单抗", "艾瑞卡", "PD-1 inhibitor"),
    ("tislelizumab", "替雷利珠单抗", "百泽安", "PD-1 inhibitor"),
    ("toripalimab", "特瑞普利单抗", "拓益", "PD-1 inhibitor"),
    ("bevacizumab", "贝伐珠单抗", "Avastin", "VEGF-A antibody"),
    ("lenvatinib", "仑伐替尼", "Lenvima", "multikinase inhibitor"),
    ("sorafenib", "索拉非尼", "Nexavar", "multikinase inhibitor"),
    ("donafenib", "多纳非尼", "泽普生", "multikinase inhibitor"),
    ("apatinib", "阿帕替尼", "艾坦", "VEGFR-2 inhibitor"),
    ("osimertinib", "奥希替尼", "Tagrisso", "EGFR inhibitor"),
    ("gefitinib", "吉非替尼", "Iressa", "EGFR inhibitor"),
    ("almonertinib", "阿美替尼", "阿美乐", "EGFR inhibitor"),
    ("savolitinib", "赛沃替尼", "沃瑞沙", "MET inhibitor"),
    ("dabrafenib", "达拉非尼", "Tafinlar", "BRAF inhibitor"),
    ("trametinib", "曲美替尼", "Mekinist", "MEK inhibitor"),
    ("trastuzumab", "曲妥珠单抗", "Herceptin", "HER2 antibody"),
    ("pertuzumab", "帕妥珠单抗", "Perjeta", "HER2 antibody"),
    ("palbociclib", "哌柏西利", "Ibrance", "CDK4/6 inhibitor"),
    ("olaparib", "奥拉帕利", "Lynparza", "PARP inhibitor"),
    ("temozolomide", "替莫唑胺", "Temodar", "alkylating agent"),
    ("oxaliplatin", "奥沙利铂", "Eloxatin", "platinum"),
    ("cisplatin", "顺铂", "Platinol", "platinum"),
    ("gemcitabine", "吉西他滨", "Gemzar", "antimetabolite"),
    ("capecitabine", "卡培他滨", "Xeloda", "antimetabolite"),
    ("docetaxel", "多西他赛", "Taxotere", "taxane"),
    ("paclitaxel", "紫杉醇", "Taxol", "taxane"),
    (
        "inaticabtagene autoleucel",
        "纳基奥仑赛",
        "源瑞达",
        "CD19 CAR-T",
    ),
    (
        "blinatumomab",
        "贝林妥欧单抗",
        "Blincyto",
        "CD19xCD3 bispecific",
    ),
];

const PROCEDURES: &[(&str, &str, &str)] = &[
    ("Transarterial chemoembolisation", "经动脉化疗栓塞", "TACE"),
    (
        "Hepatic arterial infusion chemotherapy",
        "肝动脉灌注化疗",
        "HAIC",
    ),
    ("Stereotactic body radiotherapy", "立体定向放疗", "SBRT"),
    ("Radiofrequency ablation", "射频消融", "RFA"),
];

const WORDS: &[&str] = &[
    "EMERALD",
    "LEAP",
    "CHANCE",
    "KEYNOTE",
    "CheckMate",
    "IMbrave",
    "HIMALAYA",
    "RATIONALE",
    "ORIENT",
    "CAMEL",
    "FLAURA",
    "MARIPOSA",
    "DESTINY",
    "MONALEESA",
    "PALLAS",
    "SOLO",
    "POLO",
    "ZUMA",
    "ELARA",
    "TALENT",
    "LAUNCH",
    "FOHAIC",
    "DEFINE",
    "PRIME",
    "STAR",
    "ATLAS",
    "AURORA",
];

const SETTINGS: &[(&str, &str)] = &[
    ("unresectable", "不可切除"),
    ("advanced", "晚期"),
    ("first-line metastatic", "一线转移性"),
    ("relapsed or refractory", "复发或难治性"),
    ("adjuvant", "辅助"),
    ("neoadjuvant", "新辅助"),
    ("second-line", "二线"),
    ("intermediate-stage", "中期"),
];

/// A synthetic corpus of `trials` trials (and about a tenth as many regimens).
pub fn corpus(trials: usize, seed: u64) -> CorpusFile {
    let mut rng = Rng(seed);
    let mut therapies = single_therapies();
    let singles = therapies.len();
    add_regimens(&mut therapies, singles, (trials / 10).max(8), &mut rng);
    let trials = (0..trials)
        .map(|i| trial(i, &therapies, singles, &mut rng))
        .collect();
    CorpusFile {
        schema_version: crate::corpus::SCHEMA_VERSION,
        sources: sources(),
        diseases: diseases(),
        therapies,
        trials,
        ignored: Vec::new(),
    }
}

/// The one source every synthetic record cites.
fn sources() -> Vec<Source> {
    vec![Source {
        id: "synthetic".into(),
        title: Names {
            en: Some("Synthetic benchmark corpus (not evidence)".into()),
            zh: Some("合成基准语料(非证据)".into()),
        },
        language: "en".into(),
        notes: vec!["Generated by `evidex gen-corpus` for benchmarks; not real trials.".into()],
        ..Default::default()
    }]
}

fn cite(quote: String) -> Citation {
    Citation {
        source: "synthetic".into(),
        reference: None,
        quote,
    }
}

fn diseases() -> Vec<Disease> {
    DISEASES
        .iter()
        .map(|(id, en, zh, abbr)| Disease {
            id: (*id).into(),
            name: Names {
                en: Some((*en).into()),
                zh: Some((*zh).into()),
            },
            aliases: vec![(*abbr).into()],
            ..Default::default()
        })
        .collect()
}

/// The drugs, then the procedures.
fn single_therapies() -> Vec<Therapy> {
    let mut therapies: Vec<Therapy> = DRUGS
        .iter()
        .map(|(en, zh, brand, class)| Therapy {
            id: en.replace(' ', "-"),
            name: Names {
                en: Some(capitalise(en)),
                zh: Some((*zh).into()),
            },
            aliases: vec![(*brand).into()],
            kind: TherapyKind::Drug,
            class: Some((*class).into()),
            ..Default::default()
        })
        .collect();
    therapies.extend(PROCEDURES.iter().map(|(en, zh, abbr)| Therapy {
        id: abbr.to_lowercase(),
        name: Names {
            en: Some((*en).into()),
            zh: Some((*zh).into()),
        },
        aliases: vec![(*abbr).into()],
        kind: TherapyKind::Procedure,
        ..Default::default()
    }));
    therapies
}

/// Up to `regimens` regimens: one of the first `singles` therapies (a procedure or drug)
/// combined with a drug.
fn add_regimens(therapies: &mut Vec<Therapy>, singles: usize, regimens: usize, rng: &mut Rng) {
    for i in 0..regimens {
        let a = &therapies[rng.below(singles)];
        let b = &therapies[rng.below(DRUGS.len())];
        if a.id == b.id {
            continue;
        }
        let (a_en, a_zh, b_en, b_zh) = (
            a.name.get(crate::corpus::Lang::En).to_string(),
            a.name.get(crate::corpus::Lang::Zh).to_string(),
            b.name.get(crate::corpus::Lang::En).to_lowercase(),
            b.name.get(crate::corpus::Lang::Zh).to_string(),
        );
        let components = vec![a.id.clone(), b.id.clone()];
        therapies.push(Therapy {
            id: format!("regimen-{i}"),
            name: Names {
                en: Some(format!("{a_en} + {b_en}")),
                zh: Some(format!("{a_zh}联合{b_zh}")),
            },
            kind: TherapyKind::Regimen,
            components,
            ..Default::default()
        });
    }
}

const PHASES: [Phase; 6] = [
    Phase::P1,
    Phase::P2,
    Phase::P2,
    Phase::P3,
    Phase::P3,
    Phase::P1_2,
];
const DESIGNS: [Design; 6] = [
    Design::Rct,
    Design::Rct,
    Design::SingleArm,
    Design::Retrospective,
    Design::PropensityMatched,
    Design::CaseSeries,
];
const STATUSES: [Status; 3] = [
    Status::Completed,
    Status::Recruiting,
    Status::ActiveNotRecruiting,
];

/// Trial `i`: a regimen (from `therapies[singles..]`) against a single therapy, with a PFS
/// outcome.
fn trial(i: usize, therapies: &[Therapy], singles: usize, rng: &mut Rng) -> Trial {
    let d = rng.pick(DISEASES);
    let exp = &therapies[singles + rng.below(therapies.len() - singles)];
    let ctrl = &therapies[rng.below(singles)];
    let setting = rng.pick(SETTINGS);
    let phase = *rng.pick(&PHASES);
    let design = *rng.pick(&DESIGNS);
    let acronym = format!("{}-{}", rng.pick(WORDS), 1 + rng.below(400));
    let n_exp = 40 + rng.below(400) as u32;
    let n_ctrl = 40 + rng.below(400) as u32;
    let exp_pfs = 3.0 + (rng.below(200) as f64) / 10.0;
    let ctrl_pfs = 2.0 + (rng.below(120) as f64) / 10.0;
    let hr = 0.4 + (rng.below(80) as f64) / 100.0;
    let exp_en = exp.name.get(crate::corpus::Lang::En);
    let ctrl_en = ctrl.name.get(crate::corpus::Lang::En).to_lowercase();
    let exp_zh = exp.name.get(crate::corpus::Lang::Zh);
    let ctrl_zh = ctrl.name.get(crate::corpus::Lang::Zh);
    let title_en = format!(
        "{} {} of {exp_en} versus {ctrl_en} in {} {} ({acronym})",
        phase.label(),
        design.label(),
        setting.0,
        d.1.to_lowercase()
    );
    let title_zh = format!(
        "{exp_zh}对比{ctrl_zh}治疗{}{}的{}研究",
        setting.1,
        d.2,
        phase.label()
    );
    let quote = format!(
        "Median PFS was {exp_pfs:.1} versus {ctrl_pfs:.1} months (HR {hr:.2}) in {acronym}."
    );
    let outcomes = pfs_outcomes(exp_pfs, ctrl_pfs, hr, &quote);
    Trial {
        id: format!("syn-{i}"),
        acronym: Some(acronym),
        registry_ids: vec![format!("NCT{:08}", 1_000_000 + i)],
        title: Names {
            en: Some(title_en),
            zh: Some(title_zh),
        },
        diseases: vec![d.0.into()],
        setting: Some(setting.0.into()),
        phase: Some(phase),
        design,
        enrolment: Some(n_exp + n_ctrl),
        status: *rng.pick(&STATUSES),
        year: Some(2005 + rng.below(21) as u16),
        arms: vec![
            Arm {
                id: "exp".into(),
                label: exp.name.clone(),
                therapies: vec![exp.id.clone()],
                n: Some(n_exp),
                control: false,
            },
            Arm {
                id: "ctrl".into(),
                label: ctrl.name.clone(),
                therapies: vec![ctrl.id.clone()],
                n: Some(n_ctrl),
                control: true,
            },
        ],
        outcomes,
        citations: vec![cite(quote)],
        ..Default::default()
    }
}

/// The PFS outcome of the arms `exp` and `ctrl`, with its hazard ratio and the quote that
/// states them.
fn pfs_outcomes(exp_pfs: f64, ctrl_pfs: f64, hr: f64, quote: &str) -> Vec<Outcome> {
    let num = |v: f64, decimals: usize| Num::parse(&format!("{v:.decimals$}"));
    match (num(exp_pfs, 1), num(ctrl_pfs, 1), num(hr, 2)) {
        (Some(e), Some(c), Some(h)) => vec![Outcome {
            endpoint: "PFS".into(),
            unit: Some("months".into()),
            higher_is_better: true,
            values: vec![
                ArmValue {
                    arm: Some("exp".into()),
                    value: e,
                    ..Default::default()
                },
                ArmValue {
                    arm: Some("ctrl".into()),
                    value: c,
                    ..Default::default()
                },
            ],
            hr: Some(Ratio {
                value: h,
                ci: match (num(hr * 0.8, 2), num((hr * 1.2).max(hr + 0.01), 2)) {
                    (Some(low), Some(high)) => Some(Interval {
                        low,
                        high,
                        level: None,
                    }),
                    _ => None,
                },
                kind: None,
            }),
            p: PValue::parse(if hr < 0.8 { "<0.001" } else { "0.21" }),
            citation: cite(quote.to_string()),
            ..Default::default()
        }],
        _ => Vec::new(),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn synthetic_corpora_are_valid_and_deterministic() {
        let a = corpus(300, 7);
        assert_eq!(a, corpus(300, 7));
        assert_ne!(a, corpus(300, 8));
        assert_eq!(a.trials.len(), 300);
        let c = crate::corpus::Corpus::build(Path::new("syn"), a, None).expect("valid");
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
    }
}
