//! Carrying out the [`Effect`]s `update` asks for: the searches, exports, copies, files of the
//! user's data and the browser opener. The only place the browser does I/O besides drawing;
//! each effect's outcome comes back into `update` as an event or a status.

use std::io::{self, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use super::action::Event;
use super::app::Msg;
use super::state::{State, Status};
use super::update::{self, Effect};
use crate::compare;
use crate::corpus::RecordRef;
use crate::export;
use crate::i18n::{tr, trf};
use crate::search::{self, worker::Worker};
use crate::userdata::UserData;

/// What carrying out effects needs besides the state.
pub(super) struct EffectContext<'a> {
    pub worker: Option<&'a Worker>,
    pub export_dir: &'a Path,
    /// The user's data directory, where history and marks are kept (`None`: no home).
    pub data: Option<&'a UserData>,
    /// How many queries the history keeps (the configuration's `history_size`).
    pub history_size: usize,
    /// The configuration's command that opens web addresses.
    pub opener: Option<&'a str>,
    /// For what background work reports later (an opener that failed).
    pub tx: &'a Sender<Msg>,
}

/// Carries out one effect (all but [`Effect::Suspend`], which the loop carries out: it owns
/// the terminal).
pub(super) fn perform(effect: Effect, state: &mut State, ctx: &EffectContext) {
    match effect {
        Effect::Search { generation, text } => {
            if let Some(w) = ctx.worker {
                w.submit(generation, &text);
            }
        }
        Effect::Export(records, of_therapy) => {
            let ev = export_comparison(state, &records, of_therapy, ctx.export_dir);
            update::handle(state, ev);
        }
        Effect::Copy(records, of_therapy) => {
            let ev = copy_comparison(state, &records, of_therapy);
            update::handle(state, ev);
        }
        Effect::CopyOutcome { record, outcome } => {
            let ev = copy_outcome(state, record, outcome);
            update::handle(state, ev);
        }
        Effect::Remember(query) => remember(state, ctx, &query),
        Effect::SaveSet { name, ids } => save_set(state, ctx, &name, &ids),
        Effect::SaveNote { record, text } => save_note(state, ctx, &record, &text),
        Effect::LoadSets => {
            let sets = match ctx.data {
                Some(u) => u.sets().map_err(|e| e.to_string()),
                None => Err("no data directory".to_string()),
            };
            update::handle(state, Event::Sets(sets));
        }
        Effect::SaveMarks(ids) => {
            if let Some(u) = ctx.data
                && let Err(e) = u.save_marks(&ids)
            {
                state.status = Some(Status::error(trf(
                    state.lang,
                    "marks not saved: %{e}",
                    &[("e", &e)],
                )));
            }
        }
        Effect::OpenUrl(url) => open_url(state, ctx, &url),
        Effect::Panic => panic!("test panic requested with {}=1", super::app::TEST_PANIC_ENV),
        // Carried out by the loop, which owns the terminal.
        Effect::Suspend => {}
    }
}

/// Writes the comparison of `records` (Markdown, CSV), its summary of findings and its
/// references into `export_dir`: the status to show.
fn export_comparison(
    state: &State,
    records: &[RecordRef],
    of_therapy: Option<u32>,
    export_dir: &Path,
) -> Event {
    let msg = match state.corpus() {
        Some(c) => {
            let sof = compare::sof::summary(c, records, state.lang);
            let refs = crate::cite::references(c, records, state.lang);
            let extra = [
                ("sof.md", export::sof::markdown(&sof)),
                ("sof.csv", format!("\u{feff}{}", export::sof::csv(&sof))),
                ("ris", crate::cite::ris(&refs)),
                ("bib", crate::cite::bibtex(&refs)),
            ];
            export::write_files_with(
                &compare::build_with(c, records, of_therapy, state.lang, state.compare.events),
                &extra,
                export_dir,
                &state.notes,
            )
            .map_err(|e| e.to_string())
        }
        None => Err(tr(state.lang, "the corpus is still loading").into_owned()),
    };
    Event::Status(match msg {
        Ok(m) => Status::info(m.message(state.lang)),
        Err(m) => Status::error(m.to_string()),
    })
}

/// Copies the comparison of `records` as Markdown to the clipboard: the status to show.
fn copy_comparison(state: &State, records: &[RecordRef], of_therapy: Option<u32>) -> Event {
    match state.corpus() {
        Some(c) => {
            let cmp = compare::build_with(c, records, of_therapy, state.lang, state.compare.events);
            let md = export::markdown(&cmp) + &export::user_notes(&cmp, &state.notes);
            match copy_osc52(&md) {
                Ok(()) => Event::Status(Status::info(trf(
                    state.lang,
                    "copied the comparison as Markdown (%{n} bytes) to the clipboard (OSC 52)",
                    &[("n", &md.len())],
                ))),
                Err(e) => Event::Status(Status::error(trf(
                    state.lang,
                    "could not copy: %{e}",
                    &[("e", &e)],
                ))),
            }
        }
        None => Event::Status(Status::error(tr(state.lang, "the corpus is still loading"))),
    }
}

/// Copies one outcome of a trial (figure, quote and reference) to the clipboard: the status
/// to show.
fn copy_outcome(state: &State, record: RecordRef, outcome: usize) -> Event {
    match state.corpus() {
        Some(c) if record.kind == crate::corpus::Kind::Trial => {
            let t = c.trial(record.index);
            match t.outcomes.get(outcome) {
                Some(o) => {
                    let text = crate::cite::outcome_snippet(c, t, o, state.lang);
                    match copy_osc52(&text) {
                        Ok(()) => Event::Status(Status::info(trf(
                            state.lang,
                            "copied %{name} %{endpoint}: figure, quote and reference (%{n} bytes) to the clipboard (OSC 52)",
                            &[
                                ("name", &crate::text::clean(c.name_of(record, state.lang))),
                                ("endpoint", &crate::text::clean(&o.endpoint)),
                                ("n", &text.len()),
                            ],
                        ))),
                        Err(e) => Event::Status(Status::error(trf(
                            state.lang,
                            "could not copy: %{e}",
                            &[("e", &e)],
                        ))),
                    }
                }
                None => Event::Status(Status::error(tr(
                    state.lang,
                    "that outcome is no longer shown",
                ))),
            }
        }
        Some(_) => Event::Status(Status::error(tr(
            state.lang,
            "only a trial's outcomes can be copied",
        ))),
        None => Event::Status(Status::error(tr(state.lang, "the corpus is still loading"))),
    }
}

/// Adds `query` to the history the user keeps.
fn remember(state: &mut State, ctx: &EffectContext, query: &str) {
    if let Some(u) = ctx.data {
        match u.remember(query, ctx.history_size) {
            Ok(h) => state.history = h,
            Err(e) => {
                state.status = Some(Status::error(trf(
                    state.lang,
                    "history not saved: %{e}",
                    &[("e", &e)],
                )))
            }
        }
    }
}

/// Saves the records `ids` as the set `name`.
fn save_set(state: &mut State, ctx: &EffectContext, name: &str, ids: &[String]) {
    state.status = Some(match ctx.data {
        Some(u) => match u.save_set(name, ids, &crate::userdata::today()) {
            Ok(set) => Status::info(trf(
                state.lang,
                "saved the set %{name} (%{n} records) · O opens it · evidex set show",
                &[
                    ("name", &crate::text::clean(&set.name)),
                    ("n", &set.records.len()),
                ],
            )),
            Err(e) => Status::error(trf(state.lang, "set not saved: %{e}", &[("e", &e)])),
        },
        None => Status::error(tr(state.lang, "no data directory to keep sets in")),
    });
}

/// Writes the user's note on `record` (an empty text removes it); a query that filters by
/// notes is asked again.
fn save_note(state: &mut State, ctx: &EffectContext, record: &str, text: &str) {
    state.status = Some(match ctx.data {
        Some(u) => match u.set_note(record, text, &crate::userdata::today()) {
            Ok(notes) => {
                state.notes = notes;
                if let Some(w) = ctx.worker {
                    w.set_notes(note_index(&state.notes));
                    // A query with a note filter is asked again, with the new notes.
                    for e in update::notes_changed(state) {
                        if let Effect::Search { generation, text } = e {
                            w.submit(generation, &text);
                        }
                    }
                }
                Status::info(if text.is_empty() {
                    tr(state.lang, "note removed")
                } else {
                    tr(
                        state.lang,
                        "note saved: it shows at the end of the detail and in exports",
                    )
                })
            }
            Err(e) => Status::error(trf(state.lang, "note not saved: %{e}", &[("e", &e)])),
        },
        None => Status::error(tr(state.lang, "no data directory to keep notes in")),
    });
    state.refresh_detail();
}

/// Opens `url` with the configured opener or the system's browser, without waiting; a
/// failure that comes later is reported through the loop.
fn open_url(state: &mut State, ctx: &EffectContext, url: &str) {
    let env = |k: &str| std::env::var(k).ok();
    let tx = ctx.tx.clone();
    let lang = state.lang;
    let started = crate::opener::choose(ctx.opener, &env, lang).and_then(|o| {
        crate::opener::open(&o, url, lang, move |r| {
            if let Err(e) = r {
                let _ = tx.send(Msg::App(Event::Status(Status::error(trf(
                    lang,
                    "could not open the link: %{e}",
                    &[("e", &e)],
                )))));
            }
        })
    });
    state.status = Some(match started {
        Ok(()) => Status::info(trf(
            state.lang,
            "opened %{url} in the browser",
            &[("url", &url)],
        )),
        Err(e) => Status::error(trf(
            state.lang,
            "%{e}; the address is %{url}",
            &[("e", &e), ("url", &url)],
        )),
    });
}

/// The user's notes as the search reads them (for `note:` and `has:note`).
pub(super) fn note_index(notes: &[crate::userdata::Note]) -> Arc<search::NoteIndex> {
    Arc::new(search::NoteIndex::new(
        notes.iter().map(|n| (n.record.as_str(), n.text.as_str())),
    ))
}

/// Puts `text` on the clipboard of the terminal (and of the machine running it, over SSH) with
/// an OSC 52 escape sequence.
fn copy_osc52(text: &str) -> io::Result<()> {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut out = io::stdout().lock();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}
