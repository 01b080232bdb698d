//! `evidex fetch ctgov`: fetches studies from ClinicalTrials.gov with [`crate::fetch`] and
//! writes them as a corpus through the importer, drawing the fetch's progress on stderr.
//!
//! Progress is a bar (count of the server's total, rate, ETA) when stderr is a terminal, and
//! one plain line per page otherwise. Ctrl-C (or SIGTERM) sets the fetch's stop flag: the page
//! being fetched is stored, the corpus of the pages fetched so far is written, and the command
//! exits 130; a second Ctrl-C quits at once. A failure part-way writes the pages fetched
//! before it too, then reports the failure (exit 3; 2 for a request the server refuses).

use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::import::{merge_base, write_corpus};
use super::{CliError, FetchArgs, Out};
use crate::fetch::{
    self, Client, FetchError, PageSink, Progress, Query, Settings, SinkError, Summary,
};
use crate::import::Importer;
use crate::text::clean;

/// Runs `evidex fetch ctgov [FILTERS] [NCT_ID...] [-o OUTPUT]`: into the library, or with
/// `-o` into a corpus file.
pub fn run(args: &FetchArgs, global: &super::Global, out: &mut Out) -> Result<(), CliError> {
    let query = query_of(args);
    if query.is_everything() && !args.all {
        return Err(CliError::Input(
            "no filter given; add one (--cond, --term, --intr, --status, --phase, \
             --updated-since or NCT ids), or --all to fetch the whole registry \
             (over 500,000 studies)"
                .into(),
        ));
    }
    let client = Client::new(Settings {
        base_url: args.base_url.clone(),
        retries: args.retries,
        ..Settings::default()
    })
    .map_err(|e| CliError::Input(e.to_string()))?;
    let Some(output) = args.output.as_deref() else {
        if args.merge.is_some() {
            return Err(CliError::Input(
                "--merge makes a corpus file: add -o FILE (or -o -)".into(),
            ));
        }
        return into_library(&client, &query, global);
    };
    let mut sink = CorpusSink {
        imp: Importer::new(merge_base(args.merge.as_deref())?),
        pages: 0,
    };

    let stop = Arc::new(AtomicBool::new(false));
    install_stop(&stop).map_err(|e| CliError::Output(format!("cannot handle Ctrl-C: {e}")))?;
    let mut drawer = Drawer::new(std::io::stderr().is_terminal());
    let watcher = drawer.watch_stop(stop.clone());
    let result = fetch::fetch(&client, &query, &mut sink, &stop, &mut |p| drawer.event(p));
    watcher.store(true, Ordering::Relaxed);
    drawer.done();

    written(result, sink, output, out)
}

/// The outcome of a fetch into the corpus file `output`: what was received is written, and
/// the error says what stopped it and where the pages fetched before are.
fn written(
    result: Result<Summary, FetchError>,
    sink: CorpusSink,
    output: &std::path::Path,
    out: &mut Out,
) -> Result<(), CliError> {
    let to = clean(&output.display().to_string()).to_string();
    match result {
        Ok(s) if s.received == 0 && s.complete => Err(CliError::NoMatch(format!(
            "no study on the registry matches these filters; {to} not written"
        ))),
        Ok(s) if s.complete => {
            crate::note!("{}", clean(&received_line(&s)));
            write_corpus(sink.imp, Some(output), out)
        }
        Ok(s) => {
            let what = received_line(&s);
            if s.received > 0 {
                write_corpus(sink.imp, Some(output), out)?;
                Err(CliError::Interrupted(format!(
                    "stopped: {what}; they are in {to}"
                )))
            } else {
                Err(CliError::Interrupted(format!(
                    "stopped before the first page; {to} not written"
                )))
            }
        }
        Err(e) => {
            let code = |m: String| match e {
                FetchError::BadUrl { .. }
                | FetchError::Status {
                    status: 400..=499, ..
                } => CliError::Input(m),
                _ => CliError::Network(m),
            };
            if sink.pages > 0 {
                let studies = sink.imp.report().imported() + sink.imp.report().updated();
                let pages = sink.pages;
                write_corpus(sink.imp, Some(output), out)?;
                Err(code(format!(
                    "{e} (the {studies} studies of the {pages} page{} fetched before are in {to})",
                    plural(pages)
                )))
            } else {
                Err(code(e.to_string()))
            }
        }
    }
}

/// The registry query the filters and ids of `args` make.
fn query_of(args: &FetchArgs) -> Query {
    Query {
        cond: args.cond.clone(),
        term: args.term.clone(),
        intr: args.intr.clone(),
        status: args.status.clone(),
        phase: args.phase.clone(),
        updated_since: args.updated_since,
        ids: args.ids.clone(),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `fetched 2500 of 2500 studies in 3 pages`.
fn received_line(s: &Summary) -> String {
    let of = s.total.map_or(String::new(), |t| format!(" of {t}"));
    format!(
        "fetched {}{of} stud{} in {} page{}{}",
        s.received,
        if s.total.unwrap_or(s.received) == 1 {
            "y"
        } else {
            "ies"
        },
        s.pages,
        plural(s.pages),
        if s.resumed { " (resumed)" } else { "" }
    )
}

/// Fetches into the library: each page and the token of the next in one transaction, so an
/// interrupted fetch (Ctrl-C, a lost connection, kill -9) resumes where it stopped when the
/// same command runs again.
fn into_library(client: &Client, query: &Query, global: &super::Global) -> Result<(), CliError> {
    let path = global.library_path().ok_or_else(|| {
        CliError::Input("no data directory for the library: name one with --library".into())
    })?;
    let lib = crate::library::Library::open(&path)?;
    let mut sink = LibrarySink {
        lib,
        report: Default::default(),
    };
    let stop = Arc::new(AtomicBool::new(false));
    install_stop(&stop).map_err(|e| CliError::Output(format!("cannot handle Ctrl-C: {e}")))?;
    let mut drawer = Drawer::new(std::io::stderr().is_terminal());
    let watcher = drawer.watch_stop(stop.clone());
    let result = fetch::fetch(client, query, &mut sink, &stop, &mut |p| drawer.event(p));
    watcher.store(true, Ordering::Relaxed);
    drawer.done();
    let r = &sink.report;
    let stored = format!(
        "{} added, {} updated, {} unchanged, {} dated change{} → {}",
        r.added.len(),
        r.updated.len(),
        r.unchanged.len(),
        r.changes,
        plural(r.changes),
        clean(&path.display().to_string())
    );
    match result {
        Ok(s) if s.received == 0 && s.complete => Err(CliError::NoMatch(
            "no study on the registry matches these filters".into(),
        )),
        Ok(s) if s.complete => {
            crate::note!("{}; {stored}", clean(&received_line(&s)));
            if !r.added.is_empty() || !r.updated.is_empty() {
                drop(sink);
                super::library::refresh_snapshot(&path);
            }
            Ok(())
        }
        Ok(s) => Err(CliError::Interrupted(format!(
            "stopped: {}; {stored}; the same command resumes from the next page",
            received_line(&s)
        ))),
        Err(e) => {
            let m = format!("{e} ({stored}; the same command resumes from the page that failed)");
            Err(match e {
                FetchError::BadUrl { .. }
                | FetchError::Status {
                    status: 400..=499, ..
                } => CliError::Input(m),
                _ => CliError::Network(m),
            })
        }
    }
}

/// Pages into the library, which stores each page with the token of the next.
struct LibrarySink {
    lib: crate::library::Library,
    report: crate::library::PageReport,
}

impl PageSink for LibrarySink {
    fn resume_token(&mut self, sync: &str) -> Result<Option<String>, SinkError> {
        Ok(self.lib.resume_token(sync)?)
    }

    fn write_page(
        &mut self,
        sync: &str,
        studies: &[&str],
        next_page_token: Option<&str>,
    ) -> Result<usize, SinkError> {
        let r = self.lib.write_page(sync, studies, next_page_token)?;
        for s in &r.skipped {
            crate::note!(
                "evidex: skipped {}: {}",
                clean(s.registry_id.as_deref().unwrap_or("a study")),
                clean(&s.message)
            );
        }
        let n = r.added.len() + r.updated.len() + r.unchanged.len();
        self.report.extend(r);
        Ok(n)
    }

    fn finish(&mut self, sync: &str) -> Result<(), SinkError> {
        Ok(self.lib.finish_sync(sync)?)
    }
}

/// Pages into a corpus, through the importer. A file cannot be resumed: it is written
/// whole at the end, so each run starts from the first page.
struct CorpusSink {
    imp: Importer,
    pages: usize,
}

impl PageSink for CorpusSink {
    fn resume_token(&mut self, _sync: &str) -> Result<Option<String>, SinkError> {
        Ok(None)
    }

    fn write_page(
        &mut self,
        _sync: &str,
        studies: &[&str],
        _next_page_token: Option<&str>,
    ) -> Result<usize, SinkError> {
        self.pages += 1;
        let done = |imp: &Importer| imp.report().imported() + imp.report().updated();
        let before = done(&self.imp);
        let name = format!("page {}", self.pages);
        let texts: Vec<(String, String)> = studies
            .iter()
            .map(|s| (name.clone(), (*s).to_string()))
            .collect();
        self.imp.add_texts(&texts);
        Ok(done(&self.imp) - before)
    }

    fn finish(&mut self, _sync: &str) -> Result<(), SinkError> {
        Ok(())
    }
}

/// Ctrl-C and SIGTERM set `stop`; the same signal again, with `stop` already set, exits at
/// once with 130.
fn install_stop(stop: &Arc<AtomicBool>) -> std::io::Result<()> {
    #[cfg(unix)]
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 130, stop.clone())?;
        signal_hook::flag::register(sig, stop.clone())?;
    }
    #[cfg(not(unix))]
    signal_hook::flag::register(signal_hook::consts::SIGINT, stop.clone())?;
    Ok(())
}

/// Draws [`Progress`] on stderr: a bar on a terminal, plain lines elsewhere.
struct Drawer {
    bar: Option<ProgressBar>,
}

impl Drawer {
    fn new(terminal: bool) -> Drawer {
        let bar = terminal.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(style("{spinner} {pos} studies  {rate}  {elapsed}"));
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Drawer { bar }
    }

    fn line(&self, s: &str) {
        let s = clean(s);
        match &self.bar {
            Some(b) => b.println(s),
            None => crate::note!("{s}"),
        }
    }

    fn event(&mut self, p: Progress) {
        match p {
            Progress::Started { url, resumed } => self.line(&format!(
                "fetching from {url}{}",
                if resumed { ", resuming" } else { "" }
            )),
            Progress::Total(n) => match &self.bar {
                Some(b) => {
                    b.set_length(n);
                    b.set_style(style("{bar:30} {pos}/{len} studies  {rate}  ETA {eta}"));
                }
                None => self.line(&match n {
                    1 => "1 study matches".to_string(),
                    n => format!("{n} studies match"),
                }),
            },
            Progress::Page {
                number,
                studies,
                received,
                total,
                ..
            } => match &self.bar {
                Some(b) => b.set_position(received),
                None => self.line(&format!(
                    "page {number}: {studies} stud{} ({received}{})",
                    if studies == 1 { "y" } else { "ies" },
                    total.map_or(String::new(), |t| format!(" of {t}"))
                )),
            },
            Progress::Retrying(r) => self.line(&format!(
                "{}; trying again in {} (retry {} of {})",
                r.reason,
                seconds(r.wait),
                r.attempt,
                r.of
            )),
            Progress::TokenRefused { message } => self.line(&format!(
                "the server refused the stored page token ({message}); starting from the first page"
            )),
        }
    }

    /// Says once, when Ctrl-C is pressed, that the fetch will stop after the current page.
    /// Returns the flag that ends the watch.
    fn watch_stop(&self, stop: Arc<AtomicBool>) -> Arc<AtomicBool> {
        let done = Arc::new(AtomicBool::new(false));
        let done2 = done.clone();
        let bar = self.bar.clone();
        std::thread::spawn(move || {
            while !done2.load(Ordering::Relaxed) {
                if stop.load(Ordering::Relaxed) {
                    let msg =
                        "stopping after the page being fetched (Ctrl-C again to quit at once)";
                    match &bar {
                        Some(b) => b.println(msg),
                        None => crate::note!("{msg}"),
                    }
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        done
    }

    fn done(&mut self) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
    }
}

/// A bar's style from its template, with `{rate}` as whole studies per second.
fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", state.per_sec());
            },
        )
}

/// `2 s`, `1.5 s`, `0 s`.
fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}
