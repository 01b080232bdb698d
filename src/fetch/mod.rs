//! Records from the registry: ClinicalTrials.gov's API v2 page by page ([`fetch`]) and its
//! bulk download read without unpacking ([`bulk`]).
//!
//! A fetch turns a [`Query`] into the API's parameters ([`query`]), asks for pages of 1000
//! studies through a [`Client`] that retries what is worth retrying ([`http`]), and hands each
//! page's studies, as the raw JSON texts the server sent, to a [`PageSink`] with the token of
//! the next page. Where the pages go is the sink's business: a JSON corpus, or the library,
//! which stores a page's studies and the next token in one transaction so that an interrupted
//! fetch resumes from the stored token ([`PageSink::resume_token`]).
//!
//! Nothing here prints. Progress is told to a callback as [`Progress`] events, which the
//! command line draws as a progress bar or as plain lines; failures are [`FetchError`]s that
//! read as one line saying what to do. A shared stop flag (set by the Ctrl-C handler) ends the
//! fetch after the page being fetched is stored.

pub mod bulk;
pub mod http;
pub mod query;

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use serde_json::value::RawValue;

pub use http::{Client, DEFAULT_BASE_URL, Retry, Settings};
pub use query::{Date, NctId, PAGE_SIZE, Phase, Query, Status};

/// A sink's failure, whatever its kind (a database, a file).
pub type SinkError = Box<dyn std::error::Error + Send + Sync>;

/// Where fetched pages go.
///
/// `sync` is the query's [`Query::sync_key`]: a sink keeps the next page's token under it, so
/// that the next fetch of the same query resumes where this one stopped.
pub trait PageSink {
    /// The token of the page to resume from, when an earlier fetch of `sync` stopped early.
    fn resume_token(&mut self, sync: &str) -> Result<Option<String>, SinkError>;

    /// Stores one page: `studies` are the raw JSON texts of the page's `studies` elements,
    /// `next_page_token` the token of the page after it (`None` on the last page). Returns how
    /// many studies were stored. A sink that can should store the studies and the token
    /// together, so that a fetch killed at any moment resumes at a page boundary.
    fn write_page(
        &mut self,
        sync: &str,
        studies: &[&str],
        next_page_token: Option<&str>,
    ) -> Result<usize, SinkError>;

    /// The fetch of `sync` has stored its last page: forget the resume token, note the sync.
    fn finish(&mut self, sync: &str) -> Result<(), SinkError>;
}

/// What a fetch reports while it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// About to ask for the first page; `resumed` when it starts from a stored token.
    Started { url: String, resumed: bool },
    /// The server's count of all the query's studies (sent with the first page only).
    Total(u64),
    /// A page was stored.
    Page {
        /// From 1, counted in this run.
        number: usize,
        /// Studies in the page.
        studies: usize,
        /// Of them, how many the sink stored.
        stored: usize,
        /// Studies received in this run so far.
        received: u64,
        /// The server's count, when known.
        total: Option<u64>,
    },
    /// A request failed and will be tried again after a wait.
    Retrying(Retry),
    /// The stored token was refused by the server (tokens expire); starting over.
    TokenRefused { message: String },
}

/// How a fetch ended without an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// The query's sync key.
    pub sync: String,
    /// Pages stored in this run.
    pub pages: usize,
    /// Studies received in this run.
    pub received: u64,
    /// Studies the sink stored.
    pub stored: u64,
    /// The server's count, when it sent one.
    pub total: Option<u64>,
    /// Whether this run started from a stored token.
    pub resumed: bool,
    /// False when the stop flag ended the fetch before the last page.
    pub complete: bool,
}

/// Why a fetch failed. Each reads as one line that says what to do; pages stored before the
/// failure stay stored, and the fetch can be run again.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("`{url}` is not a web address; give --base-url as http(s)://host[:port]/path")]
    BadUrl { url: String },
    #[error(
        "cannot find the server {host} (DNS lookup failed); check the address and the \
         network connection"
    )]
    Dns { host: String },
    #[error(
        "{host} refused the connection; check the address (--base-url, EVIDEX_CTGOV_URL) \
         or try again later"
    )]
    Refused { host: String },
    #[error("{host} cannot be reached ({detail}); check the network connection")]
    Unreachable { host: String, detail: String },
    #[error(
        "{host} did not answer within {seconds} s; check the network connection or try \
         again later"
    )]
    Timeout { host: String, seconds: u64 },
    #[error(
        "the connection to {host} failed ({detail}); check the network connection or try \
         again later"
    )]
    Connection { host: String, detail: String },
    #[error(
        "secure connection to {host} failed ({detail}); check the system clock, and any \
         proxy that intercepts HTTPS"
    )]
    Tls { host: String, detail: String },
    #[error(
        "{host} answered HTTP {status}{}; {}",
        prefixed(": ", message, ""),
        if *status == 404 {
            "check the address (--base-url, EVIDEX_CTGOV_URL): it has no list of studies"
        } else {
            "check the filters"
        }
    )]
    Status {
        host: String,
        status: u16,
        message: String,
    },
    #[error(
        "{host} still answered HTTP {status}{} after {attempts} attempt{}; try again later",
        prefixed(" (", message, ")"),
        if *attempts == 1 { "" } else { "s" }
    )]
    GaveUp {
        host: String,
        status: u16,
        message: String,
        attempts: u32,
    },
    #[error("{host} asks to wait {seconds} s before the next request; try again later")]
    WaitTooLong { host: String, seconds: u64 },
    #[error(
        "the answer from {host} was cut off after {got} bytes{}; check the network \
         connection or try again later",
        expected.map_or(String::new(), |n| format!(" of {n}"))
    )]
    CutOff {
        host: String,
        got: u64,
        expected: Option<u64>,
    },
    #[error("a page is larger than {limit} bytes; narrow the query")]
    TooLarge { limit: u64 },
    #[error("the server's answer is not a page of studies: {message}; check --base-url")]
    BadPage { message: String },
    #[error("the server sent the same page token twice; the fetch stopped rather than loop")]
    Loop,
    #[error("cannot store the page: {0}")]
    Sink(SinkError),
    #[error("stopped")]
    Interrupted,
}

/// `message` between `before` and `after`, or nothing when it is empty.
fn prefixed(before: &str, message: &str, after: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!("{before}{message}{after}")
    }
}

/// A page of the `/studies` endpoint, its studies left as raw JSON.
#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    studies: Vec<&'a RawValue>,
    #[serde(rename = "nextPageToken", default)]
    next_page_token: Option<String>,
    #[serde(rename = "totalCount", default)]
    total_count: Option<u64>,
}

/// Fetches every page of `query` into `sink`, from the sink's resume token when it holds one.
///
/// Returns when the last page is stored (and [`PageSink::finish`] called), or, with
/// `complete: false`, when `stop` was set: it is checked after each stored page and during
/// waits between retries, never in the middle of storing one. On an error, the pages stored
/// before it stay stored and the sink keeps the token of the page that failed.
pub fn fetch(
    client: &Client,
    query: &Query,
    sink: &mut dyn PageSink,
    stop: &AtomicBool,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary, FetchError> {
    let sync = query.sync_key();
    let base = query.params();
    let mut token = sink.resume_token(&sync).map_err(FetchError::Sink)?;
    let mut summary = Summary {
        sync: sync.clone(),
        pages: 0,
        received: 0,
        stored: 0,
        total: None,
        resumed: token.is_some(),
        complete: false,
    };
    progress(Progress::Started {
        url: client.url().to_string(),
        resumed: summary.resumed,
    });
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(summary);
        }
        let params = page_params(&base, summary.pages == 0, token.as_deref());
        let body = match client.get(&params, stop, &mut |r| {
            progress(Progress::Retrying(r.clone()))
        }) {
            Ok(b) => b,
            Err(FetchError::Interrupted) => return Ok(summary),
            // A stored token can expire; a refused one on the run's first request means
            // starting over, not failing for good.
            Err(FetchError::Status {
                status: 400..=499,
                message,
                ..
            }) if summary.resumed && summary.pages == 0 && token.is_some() => {
                progress(Progress::TokenRefused { message });
                token = None;
                summary.resumed = false;
                continue;
            }
            Err(e) => return Err(e),
        };
        match store_page(&body, token.as_deref(), sink, &mut summary, progress)? {
            Some(t) => token = Some(t),
            None => {
                sink.finish(&sync).map_err(FetchError::Sink)?;
                summary.complete = true;
                return Ok(summary);
            }
        }
    }
}

/// The parameters of a page's request: the query's, the page size, the total count on the
/// first page, and the token of the page asked for.
fn page_params(
    base: &[(&'static str, String)],
    first: bool,
    token: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut params = base.to_vec();
    params.push(("pageSize", PAGE_SIZE.to_string()));
    if first {
        params.push(("countTotal", "true".into()));
    }
    if let Some(t) = token {
        params.push(("pageToken", t.to_string()));
    }
    params
}

/// Stores the page `body` (asked for with `token`) into `sink`, counts it in `summary` and
/// reports it; returns the next page's token, `None` after the last page.
fn store_page(
    body: &str,
    token: Option<&str>,
    sink: &mut dyn PageSink,
    summary: &mut Summary,
    progress: &mut dyn FnMut(Progress),
) -> Result<Option<String>, FetchError> {
    let page: Page = serde_json::from_str(body).map_err(|e| FetchError::BadPage {
        message: e.to_string(),
    })?;
    if summary.pages == 0
        && let Some(n) = page.total_count
    {
        summary.total = Some(n);
        progress(Progress::Total(n));
    }
    let studies: Vec<&str> = page.studies.iter().map(|r| r.get()).collect();
    let next = page.next_page_token.filter(|t| !t.is_empty());
    if next.is_some() && next.as_deref() == token {
        return Err(FetchError::Loop);
    }
    let stored = sink
        .write_page(&summary.sync, &studies, next.as_deref())
        .map_err(FetchError::Sink)?;
    summary.pages += 1;
    summary.received += studies.len() as u64;
    summary.stored += stored as u64;
    progress(Progress::Page {
        number: summary.pages,
        studies: studies.len(),
        stored,
        received: summary.received,
        total: summary.total,
    });
    Ok(next)
}
