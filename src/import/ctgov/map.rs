//! One parsed study mapped onto the corpus model: its source, trial, draft therapies and
//! conditions.

use std::collections::HashSet;

use super::api::*;
use super::arms::{ArmSet, protocol_arms};
use super::baseline::map_baseline;
use super::design::{design, design_note, is_assessment, phase, status, therapy_kind};
use super::outcomes::map_measure;
use super::parse::{RecordError, is_nct};
use super::safety::{map_safety, map_serious_events};
use crate::corpus::{Baseline, Citation, Names, Note, Outcome, Reference, Safety, Source, Trial};
use crate::import::draft::{Draft, TherapyDraft, source_id, study_url};
use crate::import::names::{unescape, words};

/// The strings seen so far, equal when `eq_ignore_ascii_case` says so: lists from the record
/// (conditions, other names, ids) are de-duplicated with one look-up per entry, not a search
/// of the entries kept, which made a list of 100,000 take minutes.
#[derive(Default)]
pub(super) struct AsciiCaseSet(HashSet<String>);

impl AsciiCaseSet {
    /// Adds `s`; whether it was not there yet.
    pub(super) fn insert(&mut self, s: &str) -> bool {
        self.0.insert(s.to_ascii_lowercase())
    }
}

/// More participants than this is not a trial's enrolment but a typing or unit error.
pub const MAX_ENROLMENT: u32 = 100_000_000;

/// An enrolment count as the registry writes it: a whole number from 0 to [`MAX_ENROLMENT`].
pub(super) fn enrolment_count(c: &str) -> Result<u32, String> {
    let t = c.trim();
    if t.starts_with('-') {
        return Err("is negative".into());
    }
    if !t.bytes().all(|b| b.is_ascii_digit()) || t.is_empty() {
        return Err(if t.parse::<f64>().is_ok() {
            "is not a whole number".into()
        } else {
            "is not a number".into()
        });
    }
    match t.parse::<u64>() {
        Ok(n) if n <= u64::from(MAX_ENROLMENT) => Ok(n as u32),
        _ => Err(format!("is more than {MAX_ENROLMENT} participants")),
    }
}

/// Maps a parsed study. Fails only when the record has no usable NCT id or title, or an
/// enrolment that is not a count.
pub fn map_study(study: &Study) -> Result<Draft, RecordError> {
    let p = study.protocol_section.as_ref().ok_or_else(|| RecordError {
        nct: None,
        message: "no \"protocolSection\"; this is not a ClinicalTrials.gov study record".into(),
    })?;
    let idm = &p.identification_module;
    let (nct, title, official) = identity(idm)?;
    let src = source_id(&nct);
    let cite = |quote: &str| Citation {
        source: src.clone(),
        reference: None,
        quote: quote.to_string(),
    };
    let sm = &p.status_module;
    let source = source_of(p, &nct, &title);
    let dm = &p.design_module;
    let enrolment = enrolment(dm, &nct)?;
    let interventions = &p.arms_interventions_module.interventions;
    let (therapies, assessments) = therapies_of(interventions, &cite);
    let mut arms = protocol_arms(&p.arms_interventions_module, &therapies);
    arms.infer_control(randomised(dm), &therapies);
    let mut results = Mapped::default();
    if let Some(r) = &study.results_section {
        results = map_results(r, &mut arms, &cite);
    }
    let Mapped {
        outcomes,
        mut notes,
        reported_titles,
        safety,
        baseline,
    } = results;
    planned_notes(&p.outcomes_module, &reported_titles, &cite, &mut notes);
    lead_notes(p, enrolment, &assessments, &cite, &mut notes);
    let has_results = !outcomes.is_empty();
    let year = results_year(sm).filter(|_| has_results);
    let (arm_list, arm_therapies) = arms.finish();
    let trial = Trial {
        id: String::new(),
        acronym: clean_opt(&idm.acronym),
        registry_ids: registry_ids(idm, &nct),
        title: Names::en(&title),
        aliases: official.iter().filter(|o| **o != title).cloned().collect(),
        diseases: Vec::new(),
        setting: None,
        line: None,
        phase: phase(&dm.phases),
        design: design(dm, p.arms_interventions_module.arm_groups.len()),
        design_note: design_note(dm),
        enrolment,
        countries: p.contacts_locations_module.countries.clone(),
        centres: centres(p.contacts_locations_module.sites),
        status: status(sm.overall_status.as_deref().unwrap_or("")),
        started: started(sm),
        treated: None,
        year,
        reported_in: year.map(|_| "ClinicalTrials.gov".to_string()),
        arms: arm_list,
        outcomes,
        flags: Vec::new(),
        notes,
        citations: vec![cite(official.as_deref().unwrap_or(&title))],
        safety: safety.map(Box::new),
        baseline: baseline.map(Box::new),
        safety_statements: Vec::new(),
    };
    Ok(Draft {
        nct,
        source,
        trial,
        therapies,
        arm_therapies,
        conditions: conditions(&p.conditions_module),
    })
}

/// Whether the design says the arms were randomised.
fn randomised(dm: &super::api::DesignModule) -> bool {
    dm.design_info
        .allocation
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case("RANDOMIZED"))
}

/// The year the registry first posted results: the report year of a study with results.
fn results_year(sm: &super::api::StatusModule) -> Option<u16> {
    date(&sm.results_first_post_date_struct)
        .and_then(|d| d.get(..4).and_then(|y| y.parse::<u16>().ok()))
}

/// How many sites, as the detail shows it.
fn centres(sites: usize) -> Option<String> {
    match sites {
        0 => None,
        1 => Some("1 site".to_string()),
        n => Some(format!("{n} sites")),
    }
}

/// The NCT id, the title (brief, else official) and the official title.
fn identity(idm: &Identification) -> Result<(String, String, Option<String>), RecordError> {
    let nct = nonempty(&idm.nct_id).ok_or_else(|| RecordError {
        nct: None,
        message: "no protocolSection.identificationModule.nctId".into(),
    })?;
    if !is_nct(nct) {
        return Err(RecordError {
            nct: None,
            message: format!(
                "protocolSection.identificationModule.nctId {nct:?} is not an NCT number (NCT and eight digits)"
            ),
        });
    }
    let nct = nct.to_string();
    let official = clean_opt(&idm.official_title);
    let title = clean_opt(&idm.brief_title)
        .or_else(|| official.clone())
        .ok_or_else(|| RecordError {
            nct: Some(nct.clone()),
            message: "the record has neither a briefTitle nor an officialTitle".into(),
        })?;
    Ok((nct, title, official))
}

fn date(d: &Option<DateStruct>) -> Option<String> {
    d.as_ref()
        .and_then(|d| nonempty(&d.date))
        .map(str::to_string)
}

/// The source: the registry record itself.
fn source_of(p: &Protocol, nct: &str, title: &str) -> Source {
    let sm = &p.status_module;
    let last_update = date(&sm.last_update_post_date_struct)
        .or_else(|| nonempty(&sm.last_update_submit_date).map(str::to_string));
    let mut notes = vec![format!(
        "Imported from the ClinicalTrials.gov API v2 record {nct}{}.",
        match &last_update {
            Some(d) => format!(", last update posted {d}"),
            None => String::new(),
        }
    )];
    if let Some(d) = date(&sm.results_first_post_date_struct) {
        notes.push(format!("Results first posted {d}."));
    }
    let references = p
        .references_module
        .references
        .iter()
        .filter_map(|r| {
            let c = clean_opt(&r.citation)?;
            Some(match text(&r.pmid) {
                Some(pmid) => format!("{c} PMID: {pmid}"),
                None => c,
            })
        })
        .enumerate()
        .map(|(i, text)| Reference {
            number: i as u32 + 1,
            text,
            ..Default::default()
        })
        .collect();
    Source {
        id: source_id(nct),
        title: Names::en(&format!("ClinicalTrials.gov {nct}: {title}")),
        outlet: Some("ClinicalTrials.gov".into()),
        author: p
            .sponsor_collaborators_module
            .lead_sponsor
            .as_ref()
            .and_then(|s| clean_opt(&s.name)),
        date: last_update,
        language: "en".into(),
        url: Some(study_url(nct)),
        references,
        notes,
    }
}

/// The NCT id first, then the sponsor's and other ids, each once.
fn registry_ids(idm: &Identification, nct: &str) -> Vec<String> {
    let mut ids = vec![nct.to_string()];
    let mut seen = AsciiCaseSet::default();
    seen.insert(nct);
    for id in idm
        .org_study_id_info
        .iter()
        .chain(&idm.secondary_id_infos)
        .filter_map(|i| nonempty(&i.id))
    {
        if seen.insert(id) {
            ids.push(id.to_string());
        }
    }
    ids
}

fn enrolment(dm: &DesignModule, nct: &str) -> Result<Option<u32>, RecordError> {
    let Some(c) = dm.enrollment_info.as_ref().and_then(|e| text(&e.count)) else {
        return Ok(None);
    };
    enrolment_count(c).map(Some).map_err(|why| RecordError {
        nct: Some(nct.to_string()),
        message: format!(
            "protocolSection.designModule.enrollmentInfo.count {:?} {why}",
            crate::text::clean(c)
        ),
    })
}

/// The interventions as draft therapies, and the names of those that are assessments the
/// registry lists as interventions (imaging, questionnaires, sample collection): those are no
/// therapies, and are named in a note.
fn therapies_of(
    interventions: &[Intervention],
    cite: &dyn Fn(&str) -> Citation,
) -> (Vec<TherapyDraft>, Vec<String>) {
    let assessing =
        |iv: &Intervention| is_assessment(iv.kind.as_deref().unwrap_or(""), iv.name.as_deref());
    let assessments = interventions
        .iter()
        .filter(|iv| assessing(iv))
        .filter_map(|iv| clean_opt(&iv.name))
        .collect();
    let therapies = interventions
        .iter()
        .filter(|iv| !assessing(iv))
        .filter_map(|iv| {
            let name = clean_opt(&iv.name)?;
            let mut other_names: Vec<String> = Vec::new();
            let mut seen = AsciiCaseSet::default();
            seen.insert(&name);
            for o in iv.other_names.iter().map(|o| unescape(o)) {
                if !o.is_empty() && seen.insert(&o) {
                    other_names.push(o);
                }
            }
            let quote = clean_opt(&iv.description).unwrap_or_else(|| name.clone());
            Some(TherapyDraft {
                kind: therapy_kind(iv.kind.as_deref().unwrap_or("")),
                name,
                other_names,
                citation: cite(&quote),
            })
        })
        .collect();
    (therapies, assessments)
}

/// What the results section maps to.
#[derive(Default)]
struct Mapped {
    outcomes: Vec<Outcome>,
    notes: Vec<Note>,
    /// The titles of the measures that gave an outcome, folded.
    reported_titles: HashSet<String>,
    safety: Option<Safety>,
    baseline: Option<Baseline>,
}

fn map_results<'s>(
    r: &'s Results,
    arms: &mut ArmSet<'s>,
    cite: &dyn Fn(&str) -> Citation,
) -> Mapped {
    let mut m = Mapped::default();
    if let Some(flow) = &r.participant_flow_module {
        arms.flow_counts(flow);
    }
    if let Some(om) = &r.outcome_measures_module {
        // Which protocol arms the result groups describe is settled before any group is
        // made an arm of its own (see `ArmSet::arm_for`).
        for g in om.outcome_measures.iter().flat_map(|x| &x.groups) {
            if let Some(t) = nonempty(&g.title) {
                arms.arm_for(t, nonempty(&g.description), false);
            }
        }
        for measure in &om.outcome_measures {
            let before = m.outcomes.len();
            map_measure(measure, arms, cite, &mut m.outcomes, &mut m.notes);
            if m.outcomes.len() > before
                && let Some(t) = nonempty(&measure.title)
            {
                m.reported_titles.insert(fold_title(t));
            }
        }
    }
    let mut dropped = Vec::new();
    if let Some(ae) = &r.adverse_events_module {
        map_serious_events(ae, arms, cite, &mut m.outcomes);
        m.safety = map_safety(ae, arms, cite, &mut dropped);
    }
    if let Some(b) = &r.baseline_characteristics_module {
        m.baseline = map_baseline(b, arms, cite);
    }
    if !dropped.is_empty() {
        m.notes.push(Note {
            text: format!(
                "Adverse-event counts not imported, more affected than at risk: {}.",
                dropped.join("; ")
            ),
            citation: None,
        });
    }
    m
}

/// Planned outcomes that have no posted result are kept as notes, with their definitions.
fn planned_notes(
    om: &OutcomesModule,
    reported_titles: &HashSet<String>,
    cite: &dyn Fn(&str) -> Citation,
    notes: &mut Vec<Note>,
) {
    for (kind, list) in [
        ("Primary", &om.primary_outcomes),
        ("Secondary", &om.secondary_outcomes),
        ("Other", &om.other_outcomes),
    ] {
        for o in list {
            let Some(measure) = clean_opt(&o.measure) else {
                continue;
            };
            if reported_titles.contains(&fold_title(&measure)) {
                continue;
            }
            let mut text = format!("{kind} outcome, no result imported");
            if let Some(tf) = clean_opt(&o.time_frame) {
                text.push_str(&format!(" (time frame: {tf})"));
            }
            let quote = match clean_opt(&o.description) {
                Some(d) => titled(&measure, &d),
                None => measure,
            };
            notes.push(Note {
                text,
                citation: Some(cite(&quote)),
            });
        }
    }
}

/// The dates, the enrolment's kind and the brief summary lead the notes; the assessments
/// listed as interventions follow them.
fn lead_notes(
    p: &Protocol,
    enrolment: Option<u32>,
    assessments: &[String],
    cite: &dyn Fn(&str) -> Citation,
    notes: &mut Vec<Note>,
) {
    let sm = &p.status_module;
    let dm = &p.design_module;
    let mut facts: Vec<String> = Vec::new();
    let dated = |label: &str, d: &Option<DateStruct>| {
        let d = d.as_ref()?;
        let date = nonempty(&d.date)?;
        Some(match nonempty(&d.kind) {
            Some(k) => format!("{label} {date} ({})", words(k)),
            None => format!("{label} {date}"),
        })
    };
    for (label, d) in [
        ("start", &sm.start_date_struct),
        ("primary completion", &sm.primary_completion_date_struct),
        ("completion", &sm.completion_date_struct),
        ("first posted", &sm.study_first_post_date_struct),
        ("results first posted", &sm.results_first_post_date_struct),
        ("last update posted", &sm.last_update_post_date_struct),
    ] {
        facts.extend(dated(label, d));
    }
    if let (Some(n), Some(k)) = (
        enrolment,
        dm.enrollment_info.as_ref().and_then(|e| nonempty(&e.kind)),
    ) {
        facts.push(format!("enrolment {n} ({})", words(k)));
    }
    if !assessments.is_empty() {
        notes.push(Note {
            text: format!(
                "Assessments the registry lists as interventions, not entered as therapies: {}.",
                assessments.join(", ")
            ),
            citation: None,
        });
    }
    if !facts.is_empty() {
        notes.insert(
            0,
            Note {
                text: format!("ClinicalTrials.gov: {}.", facts.join("; ")),
                citation: None,
            },
        );
    }
    if let Some(s) = clean_opt(&p.description_module.brief_summary) {
        notes.insert(
            0,
            Note {
                text: "Brief summary (ClinicalTrials.gov)".into(),
                citation: Some(cite(&s)),
            },
        );
    }
}

/// Only an actual start date is a fact; an estimated one is a plan (it stays in the notes).
fn started(sm: &StatusModule) -> Option<String> {
    sm.start_date_struct
        .as_ref()
        .filter(|d| nonempty(&d.kind).is_some_and(|k| k.eq_ignore_ascii_case("ACTUAL")))
        .and_then(|d| nonempty(&d.date))
        .filter(|d| crate::corpus::validate::partial_date_year(d).is_some())
        .map(str::to_string)
}

/// Condition names as the record gives them, each once.
fn conditions(c: &Conditions) -> Vec<String> {
    let mut seen = AsciiCaseSet::default();
    c.conditions
        .iter()
        .map(|c| unescape(c))
        .filter(|c| !c.is_empty() && seen.insert(c))
        .collect()
}

/// A quote made of a measure's title and its description, both verbatim: `Title: description`,
/// or `Title. Description` when the title ends a sentence itself.
pub(super) fn titled(title: &str, description: &str) -> String {
    if title.ends_with(['.', ':', '?', '!']) {
        format!("{title} {description}")
    } else {
        format!("{title}: {description}")
    }
}

pub(super) fn fold_title(t: &str) -> String {
    t.trim().trim_end_matches('.').trim().to_lowercase()
}
