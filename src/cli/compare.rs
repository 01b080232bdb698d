//! `evidex compare`: 2–4 records side by side, as a table, Markdown, CSV or JSON; their
//! summary of findings (`sof-md`, `sof-csv`); their references (`ris`, `bibtex`, of any number
//! of records).

use super::{CliError, Format, Out, out_width};
use crate::corpus::{Corpus, Lang, RecordRef};
use crate::search::Engine;
use crate::text::clean;
use crate::{compare, export};

/// Resolves each argument with confidence (saying on stderr what it resolved to), checks that
/// the records may be compared, and prints the comparison in `format`.
pub fn run(
    engine: &Engine,
    items: &[String],
    format: Format,
    lang: Lang,
    events: compare::Events,
    out: &mut Out,
) -> Result<(), CliError> {
    let c = engine.corpus();
    let records = super::resolve::resolve_items(engine, items, lang)?;
    let text = render_with(c, &records, format, lang, events)?;
    match format {
        Format::Json => out.json(text),
        _ => out.print(&text),
    }
}

/// The comparison of `records`, checked (2–4 of one kind), in `format`.
pub fn render(
    c: &Corpus,
    records: &[RecordRef],
    format: Format,
    lang: Lang,
) -> Result<String, CliError> {
    render_with(c, records, format, lang, compare::Events::Top)
}

/// [`render`], listing the adverse events `events` says.
pub fn render_with(
    c: &Corpus,
    records: &[RecordRef],
    format: Format,
    lang: Lang,
    events: compare::Events,
) -> Result<String, CliError> {
    let cite = matches!(format, Format::Ris | Format::Bibtex);
    if cite && records.is_empty() {
        return Err(CliError::Input("no records to cite".into()));
    }
    // References are not a comparison: any number of records has them.
    if !cite {
        compare::check(c, records, lang)
            .map_err(|e| CliError::Input(clean(&e.to_string()).into_owned()))?;
    }
    let cmp = || compare::compare_with(c, records, lang, events);
    let sof = || compare::sof::summary(c, records, lang);
    let refs = || crate::cite::references(c, records, lang);
    Ok(match format {
        Format::Table => export::table(&cmp(), out_width()),
        Format::Md => {
            let cmp = cmp();
            export::markdown(&cmp) + &export::user_notes(&cmp, &user_notes())
        }
        Format::Csv => export::csv(&cmp()),
        Format::Json => export::json(&cmp()) + "\n",
        Format::SofMd => export::sof::markdown(&sof()),
        Format::SofCsv => export::sof::csv(&sof()),
        Format::Ris => crate::cite::ris(&refs()),
        Format::Bibtex => crate::cite::bibtex(&refs()),
    })
}

/// The user's notes, for Markdown exports (none when the data directory cannot be read).
fn user_notes() -> Vec<crate::userdata::Note> {
    crate::userdata::UserData::default_dir()
        .map(crate::userdata::UserData::at)
        .and_then(|u| u.notes().ok())
        .unwrap_or_default()
}

/// Prints the comparison of `records` in `format` (JSON escaped as JSON, the rest sanitised).
pub fn print(
    c: &Corpus,
    records: &[RecordRef],
    format: Format,
    lang: Lang,
    out: &mut Out,
) -> Result<(), CliError> {
    let text = render(c, records, format, lang)?;
    match format {
        Format::Json => out.json(text),
        _ => out.print(&text),
    }
}
