//! One parsed study mapped onto the corpus model: its source, trial, draft therapies and
//! conditions.

use std::collections::{HashMap, HashSet};

use super::api::*;
use super::arms::ArmSet;
use super::design::{design, design_note, is_assessment, phase, status, therapy_kind};
use super::outcomes::map_measure;
use super::parse::{RecordError, is_nct};
use super::safety::map_serious_events;
use crate::corpus::{Citation, Names, Note, Reference, Source, Trial};
use crate::import::draft::{Draft, TherapyDraft, source_id, study_url};
use crate::import::names::{unescape, words};

/// The strings seen so far, equal when `eq_ignore_ascii_case` says so: lists from the record
/// (conditions, other names, ids) are de-duplicated with one look-up per entry, not a search
/// of the entries kept, which made a list of 100,000 take minutes.
#[derive(Default)]
pub(super) struct AsciiCaseSet(HashSet<String>);

impl AsciiCaseSet {
    /// Adds `s`; whether it was not there yet.
    fn insert(&mut self, s: &str) -> bool {
        self.0.insert(s.to_ascii_lowercase())
    }
}

/// Maps a parsed study. Fails only when the record has no usable NCT id or title.
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

pub fn map_study(study: &Study) -> Result<Draft, RecordError> {
    let p = study.protocol_section.as_ref().ok_or_else(|| RecordError {
        nct: None,
        message: "no \"protocolSection\"; this is not a ClinicalTrials.gov study record".into(),
    })?;
    let idm = &p.identification_module;
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
    let brief = clean_opt(&idm.brief_title);
    let official = clean_opt(&idm.official_title);
    let title = brief
        .clone()
        .or_else(|| official.clone())
        .ok_or_else(|| RecordError {
            nct: Some(nct.clone()),
            message: "the record has neither a briefTitle nor an officialTitle".into(),
        })?;
    let src = source_id(&nct);
    let cite = |quote: &str| Citation {
        source: src.clone(),
        reference: None,
        quote: quote.to_string(),
    };

    let sm = &p.status_module;
    let date = |d: &Option<DateStruct>| {
        d.as_ref()
            .and_then(|d| nonempty(&d.date))
            .map(str::to_string)
    };
    let last_update = date(&sm.last_update_post_date_struct)
        .or_else(|| nonempty(&sm.last_update_submit_date).map(str::to_string));

    // The source: the registry record itself.
    let mut source_notes = vec![format!(
        "Imported from the ClinicalTrials.gov API v2 record {nct}{}.",
        match &last_update {
            Some(d) => format!(", last update posted {d}"),
            None => String::new(),
        }
    )];
    if let Some(d) = date(&sm.results_first_post_date_struct) {
        source_notes.push(format!("Results first posted {d}."));
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
    let source = Source {
        id: src.clone(),
        title: Names::en(&format!("ClinicalTrials.gov {nct}: {title}")),
        outlet: Some("ClinicalTrials.gov".into()),
        author: p
            .sponsor_collaborators_module
            .lead_sponsor
            .as_ref()
            .and_then(|s| clean_opt(&s.name)),
        date: last_update.clone(),
        language: "en".into(),
        url: Some(study_url(&nct)),
        references,
        notes: source_notes,
    };

    // Identity.
    let mut registry_ids = vec![nct.clone()];
    let mut seen_ids = AsciiCaseSet::default();
    seen_ids.insert(&nct);
    for id in idm
        .org_study_id_info
        .iter()
        .chain(&idm.secondary_id_infos)
        .filter_map(|i| nonempty(&i.id))
    {
        if seen_ids.insert(id) {
            registry_ids.push(id.to_string());
        }
    }
    let mut aliases = Vec::new();
    if let Some(o) = &official
        && *o != title
    {
        aliases.push(o.clone());
    }

    // Design.
    let dm = &p.design_module;
    let phase = phase(&dm.phases);
    let arm_groups = &p.arms_interventions_module.arm_groups;
    let design = design(dm, arm_groups.len());
    let design_note = design_note(dm);
    let enrolment = match dm.enrollment_info.as_ref().and_then(|e| text(&e.count)) {
        None => None,
        Some(c) => Some(enrolment_count(c).map_err(|why| RecordError {
            nct: Some(nct.clone()),
            message: format!(
                "protocolSection.designModule.enrollmentInfo.count {:?} {why}",
                crate::text::clean(c)
            ),
        })?),
    };

    // Where.
    let countries = p.contacts_locations_module.countries.clone();
    let centres = match p.contacts_locations_module.sites {
        0 => None,
        1 => Some("1 site".to_string()),
        n => Some(format!("{n} sites")),
    };

    // Interventions and arms. Assessments the registry lists as interventions (imaging,
    // questionnaires, sample collection) are not therapies: they are named in a note.
    let interventions = &p.arms_interventions_module.interventions;
    let assessments: Vec<String> = interventions
        .iter()
        .filter(|iv| is_assessment(iv.kind.as_deref().unwrap_or(""), iv.name.as_deref()))
        .filter_map(|iv| clean_opt(&iv.name))
        .collect();
    let therapies: Vec<TherapyDraft> = interventions
        .iter()
        .filter(|iv| !is_assessment(iv.kind.as_deref().unwrap_or(""), iv.name.as_deref()))
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
    let mut arms = ArmSet::default();
    let randomised = dm
        .design_info
        .allocation
        .as_deref()
        .is_some_and(|a| a.eq_ignore_ascii_case("RANDOMIZED"));
    // An arm gives the interventions that list its label, and those it names itself (`Drug:
    // Carboplatin` or `Carboplatin`), in the order of the interventions. Both are looked up,
    // so that a record with many arms and interventions is not searched arm by intervention.
    let mut by_label: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (k, iv) in interventions.iter().enumerate() {
        let Some(name) = nonempty(&iv.name) else {
            continue;
        };
        by_name
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(k);
        for l in &iv.arm_group_labels {
            by_label
                .entry(l.trim().to_ascii_lowercase())
                .or_default()
                .push(k);
        }
    }
    // Nameless interventions have no draft, so drafts are found by name.
    let mut draft_of: HashMap<&str, usize> = HashMap::new();
    for (d, t) in therapies.iter().enumerate() {
        draft_of.entry(t.name.as_str()).or_insert(d);
    }
    for g in arm_groups {
        let Some(label) = clean_opt(&g.label) else {
            continue;
        };
        let mut given: Vec<usize> = Vec::new();
        let mut add = |key: &str| {
            if let Some(ks) = by_name.get(&key.to_ascii_lowercase()) {
                given.extend(ks);
            }
        };
        for n in &g.intervention_names {
            let n = n.trim();
            add(n);
            if let Some((_, rest)) = n.split_once(':') {
                add(rest.trim());
            }
        }
        if let Some(ks) = by_label.get(&label.to_ascii_lowercase()) {
            given.extend(ks);
        }
        given.sort_unstable();
        given.dedup();
        let mut ther: Vec<usize> = Vec::new();
        let mut have: HashSet<usize> = HashSet::new();
        for k in given {
            if let Some(name) = nonempty(&interventions[k].name)
                && let Some(&d) = draft_of.get(unescape(name).as_str())
                && have.insert(d)
            {
                ther.push(d);
            }
        }
        let kind = g.kind.as_deref().unwrap_or("").to_ascii_uppercase();
        arms.push_protocol(
            label,
            clean_opt(&g.description),
            ther,
            matches!(
                kind.as_str(),
                "PLACEBO_COMPARATOR" | "ACTIVE_COMPARATOR" | "SHAM_COMPARATOR" | "NO_INTERVENTION"
            ),
            kind == "EXPERIMENTAL",
        );
    }
    arms.infer_control(randomised, &therapies);

    // Results.
    let mut outcomes = Vec::new();
    let mut notes = Vec::new();
    let mut reported_titles: HashSet<String> = HashSet::new();
    if let Some(r) = &study.results_section {
        if let Some(flow) = &r.participant_flow_module {
            arms.flow_counts(flow);
        }
        if let Some(m) = &r.outcome_measures_module {
            // Which protocol arms the result groups describe is settled before any group is
            // made an arm of its own (see `ArmSet::arm_for`).
            for g in m.outcome_measures.iter().flat_map(|x| &x.groups) {
                if let Some(t) = nonempty(&g.title) {
                    arms.arm_for(t, nonempty(&g.description), false);
                }
            }
            for measure in &m.outcome_measures {
                let before = outcomes.len();
                map_measure(measure, &mut arms, &cite, &mut outcomes, &mut notes);
                if outcomes.len() > before
                    && let Some(t) = nonempty(&measure.title)
                {
                    reported_titles.insert(fold_title(t));
                }
            }
        }
        if let Some(ae) = &r.adverse_events_module {
            map_serious_events(ae, &mut arms, &cite, &mut outcomes);
        }
    }

    // Planned outcomes that have no posted result are kept as notes, with their definitions.
    let om = &p.outcomes_module;
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

    // Dates and the summary.
    let mut facts: Vec<String> = Vec::new();
    let dated = |label: &str, d: &Option<DateStruct>| {
        let d = d.as_ref()?;
        let date = nonempty(&d.date)?;
        Some(match nonempty(&d.kind) {
            Some(k) => format!("{label} {date} ({})", words(k)),
            None => format!("{label} {date}"),
        })
    };
    facts.extend(dated("start", &sm.start_date_struct));
    facts.extend(dated(
        "primary completion",
        &sm.primary_completion_date_struct,
    ));
    facts.extend(dated("completion", &sm.completion_date_struct));
    facts.extend(dated("first posted", &sm.study_first_post_date_struct));
    facts.extend(dated(
        "results first posted",
        &sm.results_first_post_date_struct,
    ));
    facts.extend(dated(
        "last update posted",
        &sm.last_update_post_date_struct,
    ));
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

    // Only an actual start date is a fact; an estimated one is a plan (it stays in the notes).
    let started = sm
        .start_date_struct
        .as_ref()
        .filter(|d| nonempty(&d.kind).is_some_and(|k| k.eq_ignore_ascii_case("ACTUAL")))
        .and_then(|d| nonempty(&d.date))
        .filter(|d| crate::corpus::validate::partial_date_year(d).is_some())
        .map(str::to_string);
    let has_results = !outcomes.is_empty();
    let year = date(&sm.results_first_post_date_struct)
        .filter(|_| has_results)
        .and_then(|d| d.get(..4).and_then(|y| y.parse::<u16>().ok()));
    let (arm_list, arm_therapies) = arms.finish();
    let trial = Trial {
        id: String::new(),
        acronym: clean_opt(&idm.acronym),
        registry_ids,
        title: Names::en(&title),
        aliases,
        diseases: Vec::new(),
        setting: None,
        phase,
        design,
        design_note,
        enrolment,
        countries,
        centres,
        status: status(sm.overall_status.as_deref().unwrap_or("")),
        started,
        treated: None,
        year,
        reported_in: year.map(|_| "ClinicalTrials.gov".to_string()),
        arms: arm_list,
        outcomes,
        flags: Vec::new(),
        notes,
        citations: vec![cite(official.as_deref().unwrap_or(&title))],
    };
    let conditions = p
        .conditions_module
        .conditions
        .iter()
        .map(|c| unescape(c))
        .filter(|c| !c.is_empty())
        .fold(
            (Vec::<String>::new(), AsciiCaseSet::default()),
            |(mut v, mut seen), c| {
                if seen.insert(&c) {
                    v.push(c);
                }
                (v, seen)
            },
        )
        .0;
    Ok(Draft {
        nct,
        source,
        trial,
        therapies,
        arm_therapies,
        conditions,
    })
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
