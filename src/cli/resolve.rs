//! From a command-line argument to one record: an id, a registry id, an exact name, or a
//! clear best match.

use crate::corpus::{Corpus, Kind, Lang, RecordRef};
use crate::i18n::{tr, trf};
use crate::search::{self, Engine};
use crate::text::clean;

use super::CliError;

/// An id, else the best match of a query (a bad query is said in `lang`).
pub fn resolve(engine: &Engine, text: &str, lang: Lang) -> Result<RecordRef, CliError> {
    let c = engine.corpus();
    if let Some(r) = c.resolve(text.trim()) {
        return Ok(r);
    }
    let results = search::run(engine, text, 1).map_err(|e| bad_query(text, &e, lang))?;
    results.hits.first().map(|h| h.record).ok_or_else(|| {
        CliError::NoMatch(format!(
            "nothing matches {:?}; try `evidex search {}` to see what is there",
            clean(text),
            clean(text)
        ))
    })
}

/// A query argument that does not parse, quoted, and why, in `lang`.
fn bad_query(text: &str, e: &search::QueryError, lang: Lang) -> CliError {
    CliError::Input(trf(
        lang,
        "bad query %{text}: %{e}",
        &[
            ("text", &format!("{:?}", clean(text))),
            ("e", &e.message(lang)),
        ],
    ))
}

/// How [`resolve_sure`] found a record.
pub type How = &'static str;

/// Folds a name for exact comparison: case and runs of spaces do not matter.
fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Resolves one argument to one record with confidence: an id, a registry id (NCT…), an exact
/// name or alias, or a clear best match (a name that starts with the query, with no other
/// record matching as well). Anything else is an error with exit code 1 that lists the
/// candidates, so that a typo never compares the wrong record.
pub fn resolve_sure(engine: &Engine, text: &str, lang: Lang) -> Result<(RecordRef, How), CliError> {
    let c = engine.corpus();
    let t = text.trim();
    if let Some(r) = c.resolve(t).or_else(|| c.resolve(&t.to_lowercase())) {
        return Ok((r, "id"));
    }
    let ambiguous = |rs: &[RecordRef], what: &str| ambiguous(c, text, rs, what, lang);
    let by_registry = by_registry_id(c, t);
    match by_registry.len() {
        0 => {}
        1 => return Ok((by_registry[0], "registry id")),
        _ => {
            return Err(ambiguous(
                &by_registry,
                "is the registry id of several records",
            ));
        }
    }
    let by_name = by_exact_name(c, t);
    match by_name.len() {
        0 => {}
        1 => return Ok((by_name[0], "exact name")),
        _ => return Err(ambiguous(&by_name, "is the name of several records")),
    }
    best_match(engine, text, lang)
}

/// The error for an argument that names several records (or none clearly): `what` it is, and
/// the candidates to choose from by id.
fn ambiguous(c: &Corpus, text: &str, rs: &[RecordRef], what: &str, lang: Lang) -> CliError {
    let candidates: String = rs
        .iter()
        .map(|&r| {
            format!(
                "\n  {}  {} ({})",
                clean(c.id_of(r)),
                clean(c.name_of(r, lang)),
                tr(lang, r.kind.label())
            )
        })
        .collect();
    CliError::Ambiguous(trf(
        lang,
        "%{text} %{what}; name one by its id:%{candidates}",
        &[
            ("text", &format!("{:?}", clean(text))),
            ("what", &tr(lang, what)),
            ("candidates", &candidates),
        ],
    ))
}

/// The trials with the registry id `t` (any case).
fn by_registry_id(c: &Corpus, t: &str) -> Vec<RecordRef> {
    (0..c.trials.len())
        .filter(|&i| {
            c.trials[i]
                .registry_ids
                .iter()
                .any(|x| x.eq_ignore_ascii_case(t))
        })
        .map(|i| RecordRef::new(Kind::Trial, i))
        .collect()
}

/// The records with `t` as a name or alias (trials: an acronym or title too), folded.
fn by_exact_name(c: &Corpus, t: &str) -> Vec<RecordRef> {
    let q = fold(t);
    let named = |names: &mut dyn Iterator<Item = &str>| {
        for n in names {
            if fold(n) == q {
                return true;
            }
        }
        false
    };
    let mut by_name: Vec<RecordRef> = Vec::new();
    for (i, tr) in c.trials.iter().enumerate() {
        if named(
            &mut tr
                .acronym
                .iter()
                .map(String::as_str)
                .chain(tr.title.iter())
                .chain(tr.aliases.iter().map(String::as_str)),
        ) {
            by_name.push(RecordRef::new(Kind::Trial, i));
        }
    }
    for (i, th) in c.therapies.iter().enumerate() {
        if named(&mut th.name.iter().chain(th.aliases.iter().map(String::as_str))) {
            by_name.push(RecordRef::new(Kind::Therapy, i));
        }
    }
    for (i, d) in c.diseases.iter().enumerate() {
        if named(&mut d.name.iter().chain(d.aliases.iter().map(String::as_str))) {
            by_name.push(RecordRef::new(Kind::Disease, i));
        }
    }
    by_name
}

/// The search's best match, when it is clear: an exact id or name, or a name that starts with
/// the query, with no other record matching as well.
fn best_match(engine: &Engine, text: &str, lang: Lang) -> Result<(RecordRef, How), CliError> {
    let results = search::run(engine, text, 5).map_err(|e| bad_query(text, &e, lang))?;
    let hits = &results.hits;
    let Some(best) = hits.first() else {
        return Err(CliError::NoMatch(trf(
            lang,
            "nothing matches %{text}; try `evidex search %{query}` to see what is there",
            &[
                ("text", &format!("{:?}", clean(text))),
                ("query", &clean(text)),
            ],
        )));
    };
    // Tier 0 is an exact id or name, 1 a name that starts with the query.
    let clear = best.tier <= 1 && hits.get(1).is_none_or(|h| h.tier > best.tier);
    if clear {
        return Ok((best.record, "best match"));
    }
    let rs: Vec<RecordRef> = hits.iter().map(|h| h.record).collect();
    let what = if best.tier <= 1 {
        "matches several records as well"
    } else {
        "names no record clearly (only partial matches)"
    };
    Err(ambiguous(engine.corpus(), text, &rs, what, lang))
}

/// Resolves each argument with [`resolve_sure`], saying on stderr what it resolved to.
pub fn resolve_items(
    engine: &Engine,
    items: &[String],
    lang: Lang,
) -> Result<Vec<RecordRef>, CliError> {
    let c = engine.corpus();
    let mut records: Vec<RecordRef> = Vec::new();
    for item in items {
        let (r, how) = resolve_sure(engine, item, lang)?;
        crate::note!(
            "evidex: {:?} → {} ({}, {}; {})",
            clean(item),
            clean(c.id_of(r)),
            clean(c.name_of(r, lang)),
            tr(lang, r.kind.label()),
            tr(lang, how)
        );
        records.push(r);
    }
    Ok(records)
}
