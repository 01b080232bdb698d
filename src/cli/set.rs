//! `evidex set`: named sets of records, from the user's data directory.

use super::{CliError, Out, SetAction, resolve_sure};
use crate::corpus::{Corpus, Lang, RecordRef};
use crate::i18n::{tr, trf};
use crate::search::Engine;
use crate::text::clean;
use crate::userdata::{DataError, Set, UserData};

fn data() -> Result<UserData, CliError> {
    UserData::default_dir().map(UserData::at).ok_or_else(|| {
        CliError::Input("no home directory to keep sets in (set EVIDEX_DATA_DIR)".into())
    })
}

fn data_error(e: DataError) -> CliError {
    match e {
        DataError::NoSet(_) => CliError::NoMatch(e.to_string()),
        _ => CliError::Input(e.to_string()),
    }
}

/// A set's records found in the corpus, and the ids no longer found (said on stderr).
fn records(engine: &Engine, set: &Set) -> Vec<RecordRef> {
    let c = engine.corpus();
    let mut found = Vec::new();
    for id in &set.records {
        match c.resolve(id) {
            Some(r) => found.push(r),
            None => crate::note!(
                "evidex: {}: {} is not in this corpus (kept in the set)",
                clean(&set.name),
                clean(id)
            ),
        }
    }
    found
}

/// Runs `evidex set ACTION`; `engine` opens the corpus when the action needs it.
pub fn run(
    action: SetAction,
    engine: impl FnOnce() -> Result<Engine, CliError>,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    let data = data()?;
    match action {
        SetAction::List => list(&data, lang, out),
        SetAction::Show { name, json } => {
            let set = data.set(&name).map_err(data_error)?;
            show(&set, engine()?.corpus(), json, lang, out)
        }
        SetAction::Compare { name, format } => {
            let set = data.set(&name).map_err(data_error)?;
            let engine = engine()?;
            let found = records(&engine, &set);
            super::compare::print(engine.corpus(), &found, format, lang, out)
        }
        SetAction::Export {
            name,
            format,
            output,
        } => {
            let set = data.set(&name).map_err(data_error)?;
            let engine = engine()?;
            let found = records(&engine, &set);
            let text = super::compare::render(engine.corpus(), &found, format, lang)?;
            match output.filter(|p| p.as_os_str() != "-") {
                Some(p) => crate::fsio::write_output(&p, text.as_bytes())
                    .map_err(|e| CliError::Output(format!("{}: cannot write: {e}", p.display()))),
                None => out.data("the export", text.as_bytes()),
            }
        }
        SetAction::Save { name, records } => save(&data, &name, &records, &engine()?, lang, out),
        SetAction::Delete { name } => {
            data.delete_set(&name).map_err(data_error)?;
            out.print(&format!(
                "{}\n",
                trf(lang, "deleted %{name}", &[("name", &name)])
            ))
        }
    }
}

/// `evidex set list`: each set's name, size and date.
fn list(data: &UserData, lang: Lang, out: &mut Out) -> Result<(), CliError> {
    let sets = data.sets().map_err(data_error)?;
    let mut s = String::new();
    for set in &sets {
        s.push_str(&trf(
            lang,
            if set.records.len() == 1 {
                "%{name}  (%{n} record, made %{date})"
            } else {
                "%{name}  (%{n} records, made %{date})"
            },
            &[
                ("name", &set.name),
                ("n", &set.records.len()),
                ("date", &set.created),
            ],
        ));
        s.push('\n');
    }
    if sets.is_empty() {
        s.push_str(&tr(
            lang,
            "no sets yet: `evidex set save NAME ID...`, or S in the browser",
        ));
        s.push('\n');
    }
    out.print(&s)
}

/// `evidex set show`: the set's records with their names in `c` (or JSON).
fn show(set: &Set, c: &Corpus, json: bool, lang: Lang, out: &mut Out) -> Result<(), CliError> {
    if json {
        let v = serde_json::json!({
            "name": set.name,
            "created": set.created,
            "records": set.records.iter().map(|id| {
                let r = c.resolve(id);
                serde_json::json!({
                    "id": id,
                    "found": r.is_some(),
                    "kind": r.map(|r| r.kind.label()),
                    "name": r.map(|r| c.name_of(r, lang)),
                })
            }).collect::<Vec<_>>(),
        });
        return out.json(super::to_json(&v)?);
    }
    let mut s = trf(
        lang,
        "%{name} (made %{date})",
        &[("name", &set.name), ("date", &set.created)],
    );
    s.push('\n');
    for id in &set.records {
        match c.resolve(id) {
            Some(r) => s.push_str(&format!(
                "  {}  {} ({})\n",
                id,
                c.name_of(r, lang),
                tr(lang, r.kind.label())
            )),
            None => {
                s.push_str(&trf(lang, "  %{id}  not in this corpus", &[("id", id)]));
                s.push('\n');
            }
        }
    }
    out.print(&s)
}

/// `evidex set save`: each item resolved with confidence, saved by its id.
fn save(
    data: &UserData,
    name: &str,
    records: &[String],
    engine: &Engine,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    let c = engine.corpus();
    let mut ids = Vec::new();
    for item in records {
        let (r, _) = resolve_sure(engine, item, lang)?;
        ids.push(c.id_of(r).to_string());
    }
    let set = data
        .save_set(name, &ids, &crate::userdata::today())
        .map_err(data_error)?;
    out.print(&format!(
        "{}\n",
        trf(
            lang,
            "saved %{name} (%{n} records)",
            &[("name", &set.name), ("n", &set.records.len())],
        )
    ))
}
