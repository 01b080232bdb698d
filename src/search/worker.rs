//! Matching off the UI thread.
//!
//! The UI sends every query with a generation number and keeps drawing; the worker always
//! answers the newest request it has (older ones still queued are skipped), re-uses the last
//! answer when the query is unchanged, and searches only the previous matches when the new
//! query narrows the previous one (`Query::narrows`: never after a `|` alternative is added;
//! a `sort:` changes the order, not the matches). A search still running when a newer query
//! arrives stops between blocks of records ([`Engine::search_until`]), so the newest keystroke
//! never waits for a stale search. The UI drops any answer whose generation is not its latest.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use super::engine::{Engine, Results};
use super::query::{self, Query};

/// What the worker answers.
#[derive(Debug, Clone)]
pub enum Reply {
    Results {
        generation: u64,
        results: Arc<Results>,
    },
    /// The query did not parse; the UI keeps its last good results.
    Error { generation: u64, message: String },
}

impl Reply {
    pub fn generation(&self) -> u64 {
        match self {
            Reply::Results { generation, .. } | Reply::Error { generation, .. } => *generation,
        }
    }
}

struct Request {
    generation: u64,
    text: String,
}

/// Handle to the search thread; dropping it stops the thread.
pub struct Worker {
    tx: Option<Sender<Request>>,
    handle: Option<JoinHandle<()>>,
    /// The newest generation submitted: a search for an older one stops where it is.
    latest: Arc<AtomicU64>,
}

impl Worker {
    /// Starts the thread. `reply` is called on the worker thread with each answer.
    pub fn spawn<F>(engine: Arc<Engine>, limit: usize, reply: F) -> Worker
    where
        F: Fn(Reply) + Send + 'static,
    {
        let (tx, rx) = mpsc::channel::<Request>();
        let latest = Arc::new(AtomicU64::new(0));
        let newest = latest.clone();
        let handle = std::thread::Builder::new()
            .name("evidex-search".into())
            .spawn(move || run(&engine, limit, &rx, &newest, reply))
            .ok();
        Worker {
            tx: Some(tx),
            handle,
            latest,
        }
    }

    /// Queues a query; the answer carries `generation`. A search still running for an older
    /// generation is abandoned.
    pub fn submit(&self, generation: u64, text: &str) {
        self.latest.fetch_max(generation, Ordering::Relaxed);
        if let Some(tx) = &self.tx {
            let _ = tx.send(Request {
                generation,
                text: text.to_string(),
            });
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // A search in progress stops at once instead of finishing for nobody.
        self.latest.store(u64::MAX, Ordering::Relaxed);
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn run<F: Fn(Reply)>(
    engine: &Engine,
    limit: usize,
    rx: &Receiver<Request>,
    latest: &AtomicU64,
    reply: F,
) {
    let mut last: Option<(String, Query, Arc<Results>)> = None;
    while let Ok(mut req) = rx.recv() {
        // Only the newest queued request matters.
        while let Ok(newer) = rx.try_recv() {
            req = newer;
        }
        if let Some((text, _, results)) = &last
            && *text == req.text
        {
            reply(Reply::Results {
                generation: req.generation,
                results: results.clone(),
            });
            continue;
        }
        match query::parse(&req.text) {
            Err(e) => reply(Reply::Error {
                generation: req.generation,
                message: e.0,
            }),
            Ok(q) => {
                let within = last
                    .as_ref()
                    .filter(|(_, prev, _)| engine.narrows(&q, prev))
                    .map(|(_, _, r)| r.matched_slots.as_slice());
                let generation = req.generation;
                let stale = || latest.load(Ordering::Relaxed) > generation;
                let Some(results) = engine.search_until(&q, within, limit, &stale) else {
                    continue; // a newer query is queued: it is the next one taken
                };
                let results = Arc::new(results);
                reply(Reply::Results {
                    generation: req.generation,
                    results: results.clone(),
                });
                last = Some((req.text, q, results));
            }
        }
    }
}
