//! `evidex meta`: the pooled estimate of one endpoint across trials, every figure computed by
//! evidex ([`crate::meta`]).

use super::{CliError, MetaModel, MetaTau2, Out, out_width};
use crate::compare;
use crate::corpus::{Corpus, Kind, Lang, RecordRef};
use crate::meta::Tau2;
use crate::meta::report::Model;
use crate::text::clean;

/// Refuses a record that is not a trial, and a trial named twice.
fn check(c: &Corpus, records: &[RecordRef], lang: Lang) -> Result<(), CliError> {
    for (i, r) in records.iter().enumerate() {
        if r.kind != Kind::Trial {
            return Err(CliError::Input(format!(
                "{} ({}) is a {}: meta pools the ratios that trials report; name trials \
                 (`evidex show {}` lists a therapy's or a disease's trials)",
                clean(c.name_of(*r, lang)),
                clean(c.id_of(*r)),
                r.kind.label(),
                clean(c.id_of(*r))
            )));
        }
        if records[..i].contains(r) {
            return Err(CliError::Input(format!(
                "{} is named twice; pool distinct trials",
                clean(c.id_of(*r))
            )));
        }
    }
    Ok(())
}

/// Runs `evidex meta`. Exit code 1 when fewer than two trials can be pooled (the report still
/// lists each with its reason).
pub fn run(
    c: &Corpus,
    records: &[RecordRef],
    endpoint: Option<String>,
    (model, tau2): (MetaModel, MetaTau2),
    json: bool,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    check(c, records, lang)?;
    let model = match model {
        MetaModel::Re => Model::Random,
        MetaModel::Fe => Model::Fixed,
    };
    let tau2 = match tau2 {
        MetaTau2::Reml => Tau2::Reml,
        MetaTau2::Dl => Tau2::Dl,
    };
    let choices: Vec<String> = compare::chart_choices(c, records, compare::Chart::Forest)
        .iter()
        .filter_map(|g| g.endpoint().map(str::to_string))
        .collect();
    let endpoint = match endpoint {
        Some(e) => e.trim().to_uppercase(),
        None => choices.first().cloned().ok_or_else(|| {
            CliError::NoMatch("none of these trials reports a hazard, odds or risk ratio".into())
        })?,
    };
    let pool = crate::meta::pool(c, records, &endpoint, tau2, lang);
    if json {
        out.json(super::to_json(&crate::meta::report::json(&pool, model))?)?;
    } else {
        out.print(&crate::meta::report::text(&pool, model, out_width(), lang))?;
    }
    if pool.is_pooled() {
        return Ok(());
    }
    let hint = if choices.is_empty() {
        "none of these trials reports a hazard, odds or risk ratio".to_string()
    } else {
        format!("ratios are reported for: {}", clean(&choices.join(", ")))
    };
    let why = pool.refused.clone().unwrap_or_else(|| {
        format!("fewer than two trials give a ratio with a standard error; {hint}")
    });
    Err(CliError::NoMatch(format!(
        "nothing pooled for {}: {}",
        clean(&endpoint),
        clean(&why)
    )))
}
