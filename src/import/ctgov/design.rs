//! Phase, status, design and the kind of each intervention, from the protocol's codes and words.

use super::api::*;
use crate::corpus::{Design, Phase, Status, TherapyKind};
use crate::import::names::words;

pub(super) fn phase(phases: &[String]) -> Option<Phase> {
    let has = |p: &str| phases.iter().any(|x| x.trim().eq_ignore_ascii_case(p));
    Some(match () {
        _ if has("PHASE1") && has("PHASE2") => Phase::P1_2,
        _ if has("PHASE2") && has("PHASE3") => Phase::P2_3,
        _ if has("PHASE4") => Phase::P4,
        _ if has("PHASE3") => Phase::P3,
        _ if has("PHASE2") => Phase::P2,
        _ if has("PHASE1") => Phase::P1,
        _ if has("EARLY_PHASE1") => Phase::Early1,
        _ => return None,
    })
}

pub(super) fn status(s: &str) -> Status {
    match s.trim().to_ascii_uppercase().as_str() {
        "NOT_YET_RECRUITING" => Status::Planned,
        "RECRUITING" | "ENROLLING_BY_INVITATION" => Status::Recruiting,
        "ACTIVE_NOT_RECRUITING" => Status::ActiveNotRecruiting,
        "COMPLETED" => Status::Completed,
        "TERMINATED" => Status::Terminated,
        "WITHDRAWN" => Status::Withdrawn,
        "SUSPENDED" => Status::Suspended,
        _ => Status::Unknown,
    }
}

/// The design as the registry states it; never upgraded.
pub(super) fn design(dm: &DesignModule, arms: usize) -> Design {
    let di = &dm.design_info;
    let is = |v: &Option<String>, x: &str| {
        v.as_deref()
            .is_some_and(|v| v.trim().eq_ignore_ascii_case(x))
    };
    let study_type = dm
        .study_type
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    match study_type.as_str() {
        "INTERVENTIONAL" => {
            if is(&di.allocation, "RANDOMIZED") {
                Design::Rct
            } else if is(&di.allocation, "NON_RANDOMIZED") {
                Design::NonRandomised
            } else if is(&di.intervention_model, "SINGLE_GROUP") || arms == 1 {
                Design::SingleArm
            } else {
                Design::Unspecified
            }
        }
        "OBSERVATIONAL" => {
            if is(&di.time_perspective, "RETROSPECTIVE") {
                Design::Retrospective
            } else if is(&di.time_perspective, "PROSPECTIVE")
                && (is(&di.observational_model, "COHORT")
                    || is(&di.observational_model, "NATURAL_HISTORY"))
            {
                Design::ProspectiveCohort
            } else if is(&di.observational_model, "CASE_ONLY") {
                Design::CaseSeries
            } else {
                Design::Unspecified
            }
        }
        _ => Design::Unspecified,
    }
}

/// `randomized; parallel assignment; open label; primary purpose: treatment`.
pub(super) fn design_note(dm: &DesignModule) -> Option<String> {
    let di = &dm.design_info;
    let mut parts: Vec<String> = Vec::new();
    if let Some(t) = nonempty(&dm.study_type)
        && !t.eq_ignore_ascii_case("INTERVENTIONAL")
    {
        parts.push(words(t));
    }
    if let Some(a) = nonempty(&di.allocation)
        && !a.eq_ignore_ascii_case("NA")
    {
        parts.push(words(a));
    }
    if let Some(m) = nonempty(&di.intervention_model) {
        parts.push(format!("{} assignment", words(m)));
    }
    if let Some(m) = nonempty(&di.observational_model) {
        parts.push(words(m));
    }
    if let Some(t) = nonempty(&di.time_perspective) {
        parts.push(words(t));
    }
    if let Some(m) = &di.masking_info
        && let Some(kind) = nonempty(&m.masking)
    {
        if kind.eq_ignore_ascii_case("NONE") {
            parts.push("open label".into());
        } else {
            let who: Vec<String> = m.who_masked.iter().map(|w| words(w)).collect();
            if who.is_empty() {
                parts.push(format!("{} masking", words(kind)));
            } else {
                parts.push(format!("{} masking ({})", words(kind), who.join(", ")));
            }
        }
    }
    if let Some(pp) = nonempty(&di.primary_purpose) {
        parts.push(format!("primary purpose: {}", words(pp)));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// Words that make a diagnostic-test, procedure or "other" intervention an assessment of the
/// patients rather than a treatment of them.
pub(super) const ASSESSMENT_WORDS: &[&str] = &[
    "questionnaire",
    "survey",
    "quality of life",
    "qol",
    "interview",
    "assessment",
    "biospecimen",
    "specimen collection",
    "sample collection",
    "blood draw",
    "biopsy",
    "laboratory biomarker analysis",
    "biomarker analysis",
    "pharmacokinetic",
    "pharmacological study",
    "computed tomography",
    "ct",
    "ct scan",
    "magnetic resonance",
    "mri",
    "positron emission tomography",
    "pet",
    "pet ct",
    "ultrasound",
    "ultrasonography",
    "echocardiography",
    "echocardiogram",
    "electrocardiography",
    "electrocardiogram",
    "ecg",
    "ekg",
    "x ray",
    "radiography",
    "mammography",
    "bone scan",
    "scintigraphy",
    "muga",
    "multigated acquisition scan",
    "imaging",
];

/// Words that make such an intervention a treatment after all ("ultrasound-guided ablation").
pub(super) const TREATMENT_WORDS: &[&str] = &[
    "guided",
    "ablation",
    "therapy",
    "treatment",
    "surgery",
    "resection",
    "embolization",
    "embolisation",
    "infusion",
    "injection",
    "transplant",
    "transplantation",
    "radiotherapy",
    "irradiation",
];

/// Whether an intervention is an assessment: a diagnostic test, procedure or other
/// intervention whose name says imaging, a questionnaire, sample collection and the like, and
/// nothing that treats.
pub(super) fn is_assessment(kind: &str, name: Option<&str>) -> bool {
    let kind = kind.trim().to_ascii_uppercase();
    if !matches!(kind.as_str(), "DIAGNOSTIC_TEST" | "PROCEDURE" | "OTHER") {
        return false;
    }
    let Some(name) = name else { return false };
    let words = format!(
        " {} ",
        name.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let has = |list: &[&str]| list.iter().any(|w| words.contains(&format!(" {w} ")));
    has(ASSESSMENT_WORDS) && !has(TREATMENT_WORDS)
}

pub(super) fn therapy_kind(t: &str) -> TherapyKind {
    match t.trim().to_ascii_uppercase().as_str() {
        "DRUG" | "BIOLOGICAL" => TherapyKind::Drug,
        "PROCEDURE" | "DIAGNOSTIC_TEST" => TherapyKind::Procedure,
        "RADIATION" => TherapyKind::Radiotherapy,
        "BEHAVIORAL" => TherapyKind::Strategy,
        _ => TherapyKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assessments_are_not_therapies() {
        for (kind, name) in [
            ("PROCEDURE", "Biospecimen Collection"),
            ("PROCEDURE", "Computed Tomography"),
            ("PROCEDURE", "Magnetic Resonance Imaging"),
            ("PROCEDURE", "Echocardiography Test"),
            ("OTHER", "Questionnaire Administration"),
            ("OTHER", "Quality-of-Life Assessment"),
            ("DIAGNOSTIC_TEST", "PET-CT"),
            ("DIAGNOSTIC_TEST", "Biopsy"),
        ] {
            assert!(is_assessment(kind, Some(name)), "{kind} {name}");
        }
        for (kind, name) in [
            ("DRUG", "Questionnaire-guided dosing"),
            ("PROCEDURE", "Ultrasound-guided Ablation"),
            ("PROCEDURE", "Transarterial Chemoembolization"),
            ("PROCEDURE", "Surgery"),
            ("OTHER", "Observation Activity"),
            ("OTHER", "Placebo"),
            ("RADIATION", "Image-guided Radiation Therapy"),
            ("DIAGNOSTIC_TEST", "ctDNA-guided adjuvant chemotherapy"),
            ("PROCEDURE", "Pet therapy"),
        ] {
            assert!(!is_assessment(kind, Some(name)), "{kind} {name}");
        }
    }
}
