//! Registry condition names onto the diseases of a corpus.
//!
//! ClinicalTrials.gov conditions are free text, mostly NCI Thesaurus or MeSH terms:
//! "Lung Non-Small Cell Carcinoma", "Carcinoma, Hepatocellular", "Stage IIIA Lung Cancer AJCC
//! v8". A corpus names the same diseases as clinicians do ("Non-small-cell lung cancer", "HCC").
//! [`norm`] puts both on one footing (case, hyphens, British spellings, MeSH's inverted word
//! order); [`candidates`] lists the names to look a condition up by, most specific first: the
//! condition itself, then the usual name of a known registry term ([`REGISTRY_NAMES`]), then the
//! condition without a stage or a setting word ("recurrent", "metastatic"), so that a staged
//! condition links to its disease rather than becoming a disease of its own.
//!
//! Nothing here knows a corpus: the merge looks each candidate up among the corpus's disease
//! names and aliases, normalised the same way.

/// How a registry name relates to a usual name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// The same disease, as clinicians name it.
    Same(&'static str),
    /// A narrower disease with no usual name of its own here: when the corpus lacks it, the new
    /// disease gets the named one as its `parent`.
    Under(&'static str),
}

/// Registry terms (NCI Thesaurus, MeSH, in [`norm`] form) and the usual name they stand for.
/// The usual names are the ones the bundled corpus uses as names or aliases.
pub const REGISTRY_NAMES: &[(&str, Link)] = &[
    // Lung.
    (
        "lung non small cell carcinoma",
        Link::Same("non small cell lung cancer"),
    ),
    (
        "non small cell lung carcinoma",
        Link::Same("non small cell lung cancer"),
    ),
    (
        "non small cell lung cancer nsclc",
        Link::Same("non small cell lung cancer"),
    ),
    (
        "non small cell carcinoma of lung",
        Link::Same("non small cell lung cancer"),
    ),
    (
        "lung non small cell squamous carcinoma",
        Link::Same("lung squamous cell carcinoma"),
    ),
    (
        "squamous cell lung carcinoma",
        Link::Same("lung squamous cell carcinoma"),
    ),
    (
        "squamous cell lung cancer",
        Link::Same("lung squamous cell carcinoma"),
    ),
    (
        "squamous non small cell lung cancer",
        Link::Same("lung squamous cell carcinoma"),
    ),
    (
        "squamous cell carcinoma of lung",
        Link::Same("lung squamous cell carcinoma"),
    ),
    (
        "lung non squamous non small cell carcinoma",
        Link::Under("non small cell lung cancer"),
    ),
    (
        "non squamous non small cell lung cancer",
        Link::Under("non small cell lung cancer"),
    ),
    ("adenocarcinoma of lung", Link::Same("lung adenocarcinoma")),
    ("lung adenocarcinoma", Link::Same("lung adenocarcinoma")),
    (
        "small cell lung carcinoma",
        Link::Same("small cell lung cancer"),
    ),
    (
        "lung small cell carcinoma",
        Link::Same("small cell lung cancer"),
    ),
    ("lung neoplasms", Link::Same("lung cancer")),
    ("lung carcinoma", Link::Same("lung cancer")),
    // Liver.
    (
        "hepatocellular cancer",
        Link::Same("hepatocellular carcinoma"),
    ),
    (
        "liver cell carcinoma",
        Link::Same("hepatocellular carcinoma"),
    ),
    (
        "hepatocellular carcinoma hcc",
        Link::Same("hepatocellular carcinoma"),
    ),
    ("liver neoplasms", Link::Same("liver cancer")),
    ("liver carcinoma", Link::Same("liver cancer")),
    ("primary liver carcinoma", Link::Same("liver cancer")),
    (
        "intrahepatic bile duct carcinoma",
        Link::Same("intrahepatic cholangiocarcinoma"),
    ),
    (
        "intrahepatic cholangiocellular carcinoma",
        Link::Same("intrahepatic cholangiocarcinoma"),
    ),
    // Breast.
    ("breast neoplasms", Link::Same("breast cancer")),
    ("malignant neoplasm of breast", Link::Same("breast cancer")),
    ("breast carcinoma", Link::Same("breast cancer")),
    // Stomach.
    ("stomach neoplasms", Link::Same("gastric cancer")),
    ("gastric carcinoma", Link::Same("gastric cancer")),
    ("stomach carcinoma", Link::Same("gastric cancer")),
    // Leukaemia and lymphoma.
    (
        "b acute lymphoblastic leukemia",
        Link::Same("b cell acute lymphoblastic leukemia"),
    ),
    (
        "b lymphoblastic leukemia lymphoma",
        Link::Same("b cell acute lymphoblastic leukemia"),
    ),
    (
        "precursor b cell lymphoblastic leukemia lymphoma",
        Link::Same("b cell acute lymphoblastic leukemia"),
    ),
    (
        "precursor cell lymphoblastic leukemia lymphoma",
        Link::Same("acute lymphoblastic leukemia"),
    ),
    (
        "primary cns lymphoma",
        Link::Same("primary central nervous system lymphoma"),
    ),
    // Brain.
    ("glioblastoma multiforme", Link::Same("glioblastoma")),
    ("brain neoplasms", Link::Same("brain tumor")),
    (
        "central nervous system neoplasms",
        Link::Same("brain tumor"),
    ),
    ("optic nerve glioma", Link::Same("optic pathway glioma")),
];

/// Words before a disease's name that say which patients, not which disease.
const SETTING_WORDS: &[&str] = &[
    "adult",
    "advanced",
    "childhood",
    "early",
    "locally",
    "metastatic",
    "newly",
    "diagnosed",
    "pediatric",
    "recurrent",
    "refractory",
    "relapsed",
    "resectable",
    "resected",
    "unresectable",
    "operable",
    "inoperable",
    "and",
    "or",
];

/// A name as conditions and disease names are compared: lower case; hyphens, slashes, commas
/// and brackets as spaces; British spellings as American; MeSH's inverted order
/// ("carcinoma, hepatocellular") put back ("hepatocellular carcinoma").
pub fn norm(name: &str) -> String {
    let lower = name.to_lowercase();
    // MeSH inverts: "Leukemia, Myeloid, Acute" is "acute myeloid leukemia".
    let ordered = if lower.contains(", ") && !lower.contains(" and ") {
        lower.split(',').rev().collect::<Vec<_>>().join(" ")
    } else {
        lower
    };
    let spaced: String = ordered
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '+' {
                c
            } else {
                ' '
            }
        })
        .collect();
    spaced
        .split_whitespace()
        .map(|w| match w {
            "leukaemia" => "leukemia",
            "leukaemias" => "leukemias",
            "tumour" => "tumor",
            "tumours" => "tumors",
            "paediatric" => "pediatric",
            "oesophageal" => "esophageal",
            "haematological" => "hematological",
            "haematologic" => "hematologic",
            w => w,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A name to look a condition up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// In [`norm`] form.
    pub name: String,
    /// The condition is narrower than this name ([`Link::Under`]): it becomes a disease of its
    /// own, with the disease of this name as its parent.
    pub narrower: bool,
}

/// What a condition is looked up by, most specific first. The first that names a disease of
/// the corpus wins.
pub fn candidates(condition: &str) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let mut push = |name: String, narrower: bool| {
        if !name.is_empty() && !out.iter().any(|c| c.name == name) {
            out.push(Candidate { name, narrower });
        }
    };
    let n = norm(condition);
    let bare = without_stage_and_setting(&n);
    for form in [n, bare] {
        push(form.clone(), false);
        match REGISTRY_NAMES.iter().find(|(k, _)| *k == form) {
            Some((_, Link::Same(u))) => push((*u).to_string(), false),
            Some((_, Link::Under(u))) => push((*u).to_string(), true),
            None => {}
        }
        // "Breast Carcinoma" is said "breast cancer"; "Lung Neoplasms" too.
        for (from, to) in [(" carcinoma", " cancer"), (" neoplasms", " cancer")] {
            if let Some(stem) = form.strip_suffix(from) {
                push(format!("{stem}{to}"), false);
            }
        }
    }
    out
}

/// Whether a condition names a stage or setting besides its disease ("Stage II Lung Cancer
/// AJCC v8", "Recurrent Glioblastoma").
pub fn is_staged(condition: &str) -> bool {
    let n = norm(condition);
    without_stage_and_setting(&n) != n
}

/// A condition without its stage ("stage iiia", "ajcc v8") and leading setting words
/// ("recurrent", "metastatic"): "stage iiia lung cancer ajcc v8" is "lung cancer".
fn without_stage_and_setting(n: &str) -> String {
    let words: Vec<&str> = n.split_whitespace().collect();
    bare_words(&words).join(" ")
}

/// The name a new disease gets from a condition: the condition without its stage and setting
/// words, in the registry's own spelling ("Stage I Uterine Corpus Endometrial Stromal Sarcoma
/// AJCC v8" is "Uterine Corpus Endometrial Stromal Sarcoma"), so that the stages of one disease
/// make one disease.
pub fn disease_name(condition: &str) -> String {
    let words: Vec<&str> = condition.split_whitespace().collect();
    let bare = bare_words(&words);
    if bare.is_empty() {
        condition.trim().to_string()
    } else {
        bare.join(" ")
    }
}

/// The words of a name that name the disease; compared in lower case.
fn bare_words<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut kept: Vec<&'a str> = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        let w = lower[i].as_str();
        let next = lower.get(i + 1).map_or("", String::as_str);
        if (w == "stage" || w == "grade") && is_stage(next) {
            i += 2;
            continue;
        }
        if w == "ajcc"
            && next.len() > 1
            && next.starts_with('v')
            && next[1..].bytes().all(|b| b.is_ascii_digit())
        {
            i += 2;
            continue;
        }
        kept.push(words[i]);
        i += 1;
    }
    // "Relapsed/Refractory" is two setting words in one token.
    let setting = |w: &str| {
        let n = norm(w);
        !n.is_empty() && n.split(' ').all(|x| SETTING_WORDS.contains(&x))
    };
    let first = kept.iter().position(|w| !setting(w)).unwrap_or(kept.len());
    kept.split_off(first)
}

/// `iiia`, `iv`, `2`, `0`, `ib2`: a stage or grade as registries write it.
fn is_stage(w: &str) -> bool {
    let roman = w.trim_end_matches(|c: char| c.is_ascii_digit());
    let roman = roman.trim_end_matches(['a', 'b', 'c']);
    !w.is_empty()
        && (w.bytes().all(|b| b.is_ascii_digit())
            || (!roman.is_empty() && roman.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first_usual(condition: &str) -> Vec<String> {
        candidates(condition).into_iter().map(|c| c.name).collect()
    }

    #[test]
    fn registry_word_order_and_spelling() {
        assert_eq!(
            norm("Carcinoma, Hepatocellular"),
            "hepatocellular carcinoma"
        );
        assert_eq!(norm("Leukemia, Myeloid, Acute"), "acute myeloid leukemia");
        assert_eq!(
            norm("Non-small-cell lung cancer"),
            "non small cell lung cancer"
        );
        assert_eq!(
            norm("B-cell acute lymphoblastic leukaemia"),
            "b cell acute lymphoblastic leukemia"
        );
        assert_eq!(norm("Brain tumour"), "brain tumor");
    }

    #[test]
    fn known_registry_names_give_the_usual_name() {
        assert!(
            first_usual("Lung Non-Small Cell Carcinoma")
                .contains(&"non small cell lung cancer".into())
        );
        assert!(
            first_usual("Lung Non-Small Cell Squamous Carcinoma")
                .contains(&"lung squamous cell carcinoma".into())
        );
        assert_eq!(
            first_usual("Carcinoma, Hepatocellular")[0],
            "hepatocellular carcinoma"
        );
        assert!(first_usual("Breast Neoplasms").contains(&"breast cancer".into()));
        let under = candidates("Lung Non-Squamous Non-Small Cell Carcinoma");
        assert!(under.contains(&Candidate {
            name: "non small cell lung cancer".into(),
            narrower: true
        }));
    }

    #[test]
    fn stages_and_settings_are_not_diseases() {
        assert!(first_usual("Stage IIIA Lung Cancer AJCC v8").contains(&"lung cancer".into()));
        assert!(first_usual("Stage II Lung Cancer AJCC v8").contains(&"lung cancer".into()));
        assert!(first_usual("Recurrent Glioblastoma").contains(&"glioblastoma".into()));
        assert!(first_usual("Metastatic Breast Carcinoma").contains(&"breast cancer".into()));
        // A word that only looks like a stage is kept.
        assert_eq!(
            without_stage_and_setting("stage lung cancer"),
            "stage lung cancer"
        );
        assert!(is_stage("iiia") && is_stage("ib2") && is_stage("4") && !is_stage("lung"));
        assert_eq!(
            disease_name("Stage I Uterine Corpus Endometrial Stromal Sarcoma AJCC v8"),
            "Uterine Corpus Endometrial Stromal Sarcoma"
        );
        assert_eq!(disease_name("Recurrent Glioblastoma"), "Glioblastoma");
        assert_eq!(
            disease_name("Relapsed/Refractory Multiple Myeloma"),
            "Multiple Myeloma"
        );
        assert_eq!(disease_name("Breast Cancer"), "Breast Cancer");
        assert_eq!(disease_name("Stage IV"), "Stage IV");
    }
}
