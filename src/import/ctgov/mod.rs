//! ClinicalTrials.gov API v2 study JSON: the shapes a file may take, the fields evidex reads,
//! and the mapping of one study onto the corpus model.
//!
//! Three file shapes are accepted: a bare study object (what
//! `https://clinicaltrials.gov/api/v2/studies/NCT…` returns), a search page
//! `{"studies": [...], "nextPageToken": ...}`, and a plain JSON array of studies. Pages and
//! arrays are split into raw elements first, so one malformed study is reported by position and
//! skipped while its neighbours import.
//!
//! The serde types ([`api`]) name only the fields evidex uses; everything else (and every key
//! the API adds later) is skipped unread. Every figure in the results section is a string in the
//! API ("0.96", "<0.001", "NA"); [`api::Text`] also accepts a JSON number, so a record that
//! writes numbers as numbers still imports. Figures are kept exactly as printed
//! ([`crate::corpus::Num::parse`]); a figure that is not a number ("NA") is never guessed, it
//! is reported in the outcome's note.
//!
//! Mapping decisions (also documented in data/SCHEMA.md, "Records imported from
//! ClinicalTrials.gov"): one source per study, one trial, one draft therapy per intervention
//! and one draft disease per condition. The drafts ([`super::draft`]) are linked to existing
//! records (or created) by [`super::merge`]; nothing here looks at the target corpus.
//!
//! The parts, in the order a study passes through them: [`parse`] splits a file into studies
//! and parses each into the [`api`] types; [`map`] maps one study, with [`design`] (phase,
//! status, design, intervention kinds), [`arms`] (protocol arms and the result groups that
//! describe them), [`outcomes`] (outcome measures) with [`analyses`] (their statistical analyses), [`safety`]
//! (adverse events) and [`baseline`] (baseline characteristics).

mod analyses;
pub mod api;
mod arms;
mod baseline;
mod design;
mod map;
mod outcomes;
pub mod parse;
mod safety;
#[doc(hidden)]
pub mod whole;

pub use map::{MAX_ENROLMENT, map_study};
pub use parse::{RawStudy, RecordError, ShapeError, Split, is_nct, parse_study, split};
