//! `evidex search`: the browser's query language from the shell, as lines or as JSON.

use serde::Serialize;

use super::{CliError, Out, out_width};
use crate::corpus::{Corpus, Lang};
use crate::present;
use crate::search::{self, Engine, Hit, KeyField};
use crate::text::{clean, fit, width};

/// `evidex search --json`: the query, its order and total, and one object per result.
#[derive(Serialize)]
struct SearchJson<'a> {
    query: &'a str,
    sort: String,
    total: usize,
    results: Vec<HitJson<'a>>,
}

/// One result of `evidex search --json`.
#[derive(Serialize)]
struct HitJson<'a> {
    id: &'a str,
    kind: &'static str,
    name: &'a str,
    disease: String,
    design: String,
    year: String,
    headline: String,
    matched_field: Option<&'static str>,
    matched: Option<&'a str>,
    tier: u8,
    score: i64,
}

impl<'a> HitJson<'a> {
    fn new(c: &'a Corpus, h: &'a Hit, lang: Lang) -> HitJson<'a> {
        let row = present::result_row(c, h.record, lang);
        HitJson {
            id: c.id_of(h.record),
            kind: h.record.kind.label(),
            name: c.name_of(h.record, lang),
            disease: row.disease,
            design: row.design,
            year: row.year,
            headline: row.headline,
            matched_field: h.field.map(|f| f.label()),
            matched: h.matched.as_deref(),
            tier: h.tier,
            score: h.score,
        }
    }
}

/// The user's notes for `note:` and `has:note` (none when the data directory has none or
/// cannot be read).
fn user_notes() -> search::NoteIndex {
    let notes = crate::userdata::UserData::default_dir()
        .map(crate::userdata::UserData::at)
        .and_then(|u| u.notes().ok())
        .unwrap_or_default();
    search::NoteIndex::new(notes.iter().map(|n| (n.record.as_str(), n.text.as_str())))
}

/// Runs `evidex search QUERY [--json] [--limit N]`: exit 1 when nothing matches.
pub fn run(
    engine: &Engine,
    q: &str,
    as_json: bool,
    limit: usize,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    let notes = user_notes();
    let results = search::run_with_notes(engine, q, limit, &notes).map_err(|e| {
        CliError::Input(crate::i18n::trf(
            lang,
            "bad query: %{e}",
            &[("e", &e.message(lang))],
        ))
    })?;
    let c = engine.corpus();
    let sort = search::parse(q).map(|q| q.sort).unwrap_or_default();
    if as_json {
        let v = SearchJson {
            query: q,
            sort: sort.term().unwrap_or_else(|| "sort:relevance".into()),
            total: results.total,
            results: results
                .hits
                .iter()
                .map(|h| HitJson::new(c, h, lang))
                .collect(),
        };
        return out.json(super::to_json(&v)?);
    }
    let mut s = String::new();
    let w = out_width();
    // Names as wide as the longest shown needs, up to a third of the line.
    let name_w = results
        .hits
        .iter()
        .map(|h| width(&clean(c.name_of(h.record, lang))))
        .max()
        .unwrap_or(0)
        .clamp(8, (w / 3).max(8));
    for h in &results.hits {
        s.push_str(&line(c, h, lang, name_w, w));
        s.push('\n');
    }
    let sorted = if sort.is_relevance() {
        String::new()
    } else {
        crate::i18n::trf(
            lang,
            ", sorted by %{sort}",
            &[("sort", &sort.describe_in(lang))],
        )
    };
    s.push_str(&crate::i18n::trf(
        lang,
        if results.total == 1 {
            "%{n} of %{total} result%{sorted} (%{ms} ms)"
        } else {
            "%{n} of %{total} results%{sorted} (%{ms} ms)"
        },
        &[
            ("n", &results.hits.len()),
            ("total", &results.total),
            ("sorted", &sorted),
            (
                "ms",
                &format!("{:.1}", results.elapsed.as_secs_f64() * 1000.0),
            ),
        ],
    ));
    s.push('\n');
    out.print(&s)?;
    if results.total == 0 {
        return Err(CliError::NoMatch(format!("nothing matches {:?}", clean(q))));
    }
    Ok(())
}

/// One result as a line of `w` columns, names `name_w` wide.
fn line(c: &Corpus, h: &Hit, lang: Lang, name_w: usize, w: usize) -> String {
    let row = present::result_row(c, h.record, lang);
    let mut line = format!(
        "{} {} {} {} {}",
        row.badge,
        fit(&clean(&row.name), name_w),
        fit(&clean(&row.disease), 8),
        fit(&clean(&row.design), 14),
        fit(&row.year, 4),
    );
    line.push_str(&format!("  {}", clean(&row.headline)));
    let rest = w.saturating_sub(width(&line) + 2);
    if rest > 8 {
        let m = match (h.field, &h.matched) {
            (Some(f), Some(m)) if f != KeyField::Id => format!("[{}: {}]", f.label(), m),
            _ => format!("[{}]", c.id_of(h.record)),
        };
        line.push_str(&format!("  {}", crate::text::truncate(&clean(&m), rest)));
    }
    line.trim_end().to_string()
}
