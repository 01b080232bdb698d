//! Matching off the UI thread.
//!
//! The UI sends every query with a generation number and keeps drawing; the worker always
//! answers the newest request it has (older ones still queued are skipped), re-uses the last
//! answer when the query is unchanged, and searches only the previous matches when the new
//! query narrows the previous one (`Query::narrows`: never after a `|` alternative is added;
//! a `sort:` changes the order, not the matches). The UI drops any answer whose generation is not its latest.

use std::sync::Arc;
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
}

impl Worker {
    /// Starts the thread. `reply` is called on the worker thread with each answer.
    pub fn spawn<F>(engine: Arc<Engine>, limit: usize, reply: F) -> Worker
    where
        F: Fn(Reply) + Send + 'static,
    {
        let (tx, rx) = mpsc::channel::<Request>();
        let handle = std::thread::Builder::new()
            .name("evidex-search".into())
            .spawn(move || run(&engine, limit, &rx, reply))
            .ok();
        Worker {
            tx: Some(tx),
            handle,
        }
    }

    /// Queues a query; the answer carries `generation`.
    pub fn submit(&self, generation: u64, text: &str) {
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
        self.tx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

fn run<F: Fn(Reply)>(engine: &Engine, limit: usize, rx: &Receiver<Request>, reply: F) {
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
                let results = Arc::new(engine.search(&q, within, limit));
                reply(Reply::Results {
                    generation: req.generation,
                    results: results.clone(),
                });
                last = Some((req.text, q, results));
            }
        }
    }
}
