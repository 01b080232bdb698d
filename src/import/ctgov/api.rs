//! The ClinicalTrials.gov API v2 types: only the fields evidex reads.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::import::names::unescape;

// ---------------------------------------------------------------------------------------------
// API v2 types: only what evidex reads.

/// A string or number field, kept as its text. Results write figures as strings ("0.96");
/// other fields are numbers (`enrollmentInfo.count`); either is accepted everywhere.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(
                    serde_json::Number::from_f64(v)
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                ))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Text {
    fn as_str(&self) -> &str {
        self.0.trim()
    }
}

pub(super) fn text(t: &Option<Text>) -> Option<&str> {
    t.as_ref().map(Text::as_str).filter(|s| !s.is_empty())
}

pub(super) fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Study {
    pub protocol_section: Option<Protocol>,
    pub results_section: Option<Results>,
    pub has_results: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Protocol {
    pub identification_module: Identification,
    pub status_module: StatusModule,
    pub sponsor_collaborators_module: Sponsors,
    pub description_module: Description,
    pub conditions_module: Conditions,
    pub design_module: DesignModule,
    pub arms_interventions_module: ArmsInterventions,
    pub outcomes_module: OutcomesModule,
    pub contacts_locations_module: ContactsLocations,
    pub references_module: ReferencesModule,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Identification {
    pub nct_id: Option<String>,
    pub org_study_id_info: Option<IdInfo>,
    pub secondary_id_infos: Vec<IdInfo>,
    pub brief_title: Option<String>,
    pub official_title: Option<String>,
    pub acronym: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IdInfo {
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct StatusModule {
    pub overall_status: Option<String>,
    pub start_date_struct: Option<DateStruct>,
    pub primary_completion_date_struct: Option<DateStruct>,
    pub completion_date_struct: Option<DateStruct>,
    pub study_first_post_date_struct: Option<DateStruct>,
    pub results_first_post_date_struct: Option<DateStruct>,
    pub last_update_post_date_struct: Option<DateStruct>,
    pub last_update_submit_date: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DateStruct {
    pub date: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Sponsors {
    pub lead_sponsor: Option<NameOnly>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NameOnly {
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Description {
    pub brief_summary: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Conditions {
    pub conditions: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DesignModule {
    pub study_type: Option<String>,
    pub phases: Vec<String>,
    pub design_info: DesignInfo,
    pub enrollment_info: Option<Enrollment>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DesignInfo {
    pub allocation: Option<String>,
    pub intervention_model: Option<String>,
    pub primary_purpose: Option<String>,
    pub masking_info: Option<Masking>,
    pub observational_model: Option<String>,
    pub time_perspective: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Masking {
    pub masking: Option<String>,
    pub who_masked: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Enrollment {
    pub count: Option<Text>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ArmsInterventions {
    pub arm_groups: Vec<ArmGroup>,
    pub interventions: Vec<Intervention>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ArmGroup {
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub description: Option<String>,
    pub intervention_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Intervention {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub arm_group_labels: Vec<String>,
    pub other_names: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct OutcomesModule {
    pub primary_outcomes: Vec<PlannedOutcome>,
    pub secondary_outcomes: Vec<PlannedOutcome>,
    pub other_outcomes: Vec<PlannedOutcome>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PlannedOutcome {
    pub measure: Option<String>,
    pub description: Option<String>,
    pub time_frame: Option<String>,
}

#[derive(Debug, Default)]
pub struct ContactsLocations {
    /// How many locations (sites) the record lists.
    pub sites: usize,
    /// Their countries, each once, in order of first appearance.
    pub countries: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReferencesModule {
    pub references: Vec<RefEntry>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RefEntry {
    pub pmid: Option<Text>,
    pub citation: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Results {
    pub participant_flow_module: Option<FlowModule>,
    pub outcome_measures_module: Option<MeasuresModule>,
    pub adverse_events_module: Option<AdverseEvents>,
    pub baseline_characteristics_module: Option<BaselineModule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Group {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FlowModule {
    pub groups: Vec<Group>,
    pub periods: Vec<Period>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Period {
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Milestone {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub achievements: Vec<Achievement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Achievement {
    pub group_id: Option<String>,
    pub num_subjects: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeasuresModule {
    pub outcome_measures: Vec<Measure>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Measure {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub population_description: Option<String>,
    pub param_type: Option<String>,
    pub dispersion_type: Option<String>,
    pub unit_of_measure: Option<String>,
    pub time_frame: Option<String>,
    pub groups: Vec<Group>,
    pub denoms: Vec<Denom>,
    pub classes: Vec<MeasureClass>,
    pub analyses: Vec<Analysis>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Denom {
    pub units: Option<String>,
    pub counts: Vec<DenomCount>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DenomCount {
    pub group_id: Option<String>,
    pub value: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct MeasureClass {
    pub title: Option<String>,
    pub denoms: Vec<Denom>,
    pub categories: Vec<Category>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Category {
    pub title: Option<String>,
    pub measurements: Vec<Measurement>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Measurement {
    pub group_id: Option<String>,
    pub value: Option<Text>,
    pub spread: Option<Text>,
    pub lower_limit: Option<Text>,
    pub upper_limit: Option<Text>,
    pub comment: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Analysis {
    pub group_ids: Vec<String>,
    pub group_description: Option<String>,
    pub non_inferiority_type: Option<String>,
    pub non_inferiority_comment: Option<String>,
    pub p_value: Option<Text>,
    pub p_value_comment: Option<String>,
    pub statistical_method: Option<String>,
    pub statistical_comment: Option<String>,
    pub param_type: Option<String>,
    pub param_value: Option<Text>,
    pub ci_pct_value: Option<Text>,
    pub ci_num_sides: Option<String>,
    pub ci_lower_limit: Option<Text>,
    pub ci_upper_limit: Option<Text>,
    pub estimate_comment: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct AdverseEvents {
    pub frequency_threshold: Option<Text>,
    pub time_frame: Option<String>,
    pub description: Option<String>,
    pub event_groups: Vec<EventGroup>,
    pub serious_events: Vec<EventTerm>,
    pub other_events: Vec<EventTerm>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventGroup {
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub serious_num_affected: Option<Text>,
    pub serious_num_at_risk: Option<Text>,
    pub other_num_affected: Option<Text>,
    pub other_num_at_risk: Option<Text>,
    pub deaths_num_affected: Option<Text>,
    pub deaths_num_at_risk: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventTerm {
    pub term: Option<String>,
    pub organ_system: Option<String>,
    pub source_vocabulary: Option<String>,
    pub assessment_type: Option<String>,
    pub stats: Vec<EventStats>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EventStats {
    pub group_id: Option<String>,
    pub num_events: Option<Text>,
    pub num_affected: Option<Text>,
    pub num_at_risk: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct BaselineModule {
    pub population_description: Option<String>,
    pub groups: Vec<Group>,
    pub denoms: Vec<Denom>,
    /// The same shape as an outcome measure's.
    pub measures: Vec<Measure>,
}
pub(super) fn clean_opt(s: &Option<String>) -> Option<String> {
    nonempty(s).map(unescape)
}

/// The module read whole by serde (the scanner reads only the countries, see `parse.rs`).
impl<'de> Deserialize<'de> for ContactsLocations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ContactsLocations, D::Error> {
        #[derive(Deserialize)]
        struct Raw<'a> {
            #[serde(default, borrow)]
            locations: Vec<Location<'a>>,
        }
        #[derive(Deserialize)]
        struct Location<'a> {
            #[serde(default, borrow)]
            country: Option<std::borrow::Cow<'a, str>>,
        }
        let raw = Raw::deserialize(d)?;
        let mut cl = ContactsLocations {
            sites: raw.locations.len(),
            countries: Vec::new(),
        };
        let mut seen = std::collections::HashSet::new();
        for c in raw.locations.iter().filter_map(|l| l.country.as_deref()) {
            let c = c.trim();
            if !c.is_empty() && seen.insert(c) {
                cl.countries.push(c.to_string());
            }
        }
        Ok(cl)
    }
}
