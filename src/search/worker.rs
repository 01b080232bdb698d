//! Matching off the UI thread.
//!
//! A [`Searcher`] answers queries one after another and holds what makes the next answer
//! cheap: it re-uses the last answer when the query is unchanged, and searches only the
//! previous matches when the new query provably narrows the previous one (`Engine::narrows`:
//! never after a `|` alternative is added; a `sort:` changes the order, not the matches). It
//! also keeps the answers to the one-character queries every search starts with (`a`–`z`,
//! `0`–`9`), found while it has nothing else to do ([`Searcher::warm_next`]): those match most
//! records, so they are the slowest keystrokes of a large corpus, and the first of every query.
//! It does no threading of its own, so tests drive it directly.
//!
//! The [`Worker`] runs a `Searcher` on a thread of its own. The UI sends every query with a
//! generation number and keeps drawing; the worker answers the newest request it has (older
//! ones still queued are skipped), and a search still running when a newer query arrives
//! stops between blocks of records ([`Engine::search_until`]), so the newest keystroke never
//! waits for a stale search. The UI drops any answer whose generation is not its latest.
//! [`Worker::wait_idle`] returns once every query sent before it is answered. While no request
//! waits, the worker finds the one-character answers, one at a time, and stops one as soon as
//! a request comes.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::thread::JoinHandle;

use super::engine::{Engine, Results};
use super::filter::NoteIndex;
use super::query::{self, Query};

/// What the worker answers.
#[derive(Debug, Clone)]
pub enum Reply {
    Results {
        generation: u64,
        results: Arc<Results>,
        /// The query the results answer, parsed (for the order shown and the highlights).
        query: Arc<Query>,
    },
    /// The query did not parse; the UI keeps its last good results.
    Error {
        generation: u64,
        error: query::QueryError,
    },
}

impl Reply {
    pub fn generation(&self) -> u64 {
        match self {
            Reply::Results { generation, .. } | Reply::Error { generation, .. } => *generation,
        }
    }
}

/// How the last answer was found (for tests and statistics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    /// The query was the previous one: its answer was given again.
    Reused,
    /// Only the previous query's matches were searched.
    Narrowed,
    /// Every record was searched.
    Full,
    /// A one-character query answered earlier, while the searcher was idle.
    Kept,
}

/// The one-character queries whose answers are kept, in the order they are found.
const KEPT: &str = "abcdefghijklmnopqrstuvwxyz0123456789";

/// Answers queries in turn, re-using and narrowing from the last answer.
#[derive(Clone)]
pub struct Searcher {
    engine: Arc<Engine>,
    limit: usize,
    /// The user's notes, for `note:` filters.
    notes: Arc<NoteIndex>,
    last: Option<Last>,
    path: Option<Path>,
    /// Answers to one-character queries (see [`KEPT`]), each exactly what a search gives but
    /// for the list of every match, which is not kept: most records match one character, so
    /// the lists would cost about 4 bytes a record each (100 MB at 560,000 studies), and
    /// searching only those matches saves little.
    kept: HashMap<char, Last>,
    /// How many characters of [`KEPT`] have been tried (found, or not a query).
    tried: usize,
}

/// A query and its answer.
#[derive(Clone)]
struct Last {
    text: String,
    query: Arc<Query>,
    results: Arc<Results>,
}

impl Searcher {
    /// A searcher keeping the best `limit` hits of each query.
    pub fn new(engine: Arc<Engine>, limit: usize) -> Searcher {
        Searcher {
            engine,
            limit,
            notes: Arc::default(),
            last: None,
            path: None,
            kept: HashMap::new(),
            tried: 0,
        }
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Takes the user's notes for the queries that follow; the last answer is not reused,
    /// since a note filter may now pass other records.
    pub fn set_notes(&mut self, notes: Arc<NoteIndex>) {
        self.notes = notes;
        self.last = None;
        self.kept.clear();
        self.tried = 0;
    }

    /// Whether a one-character answer is still to be found.
    pub fn warming(&self) -> bool {
        self.tried < KEPT.len()
    }

    /// Finds the next one-character answer not kept yet; stops (keeping nothing) as soon as
    /// `stop` says so. Returns whether any is left to find.
    pub fn warm_next(&mut self, stop: &(dyn Fn() -> bool + Sync)) -> bool {
        // Each character is tried once, whatever comes of it, so the idle loop always ends.
        let Some(c) = KEPT.chars().nth(self.tried) else {
            return false;
        };
        let text = c.to_string();
        let Ok(mut q) = query::parse(&text) else {
            self.tried += 1;
            return self.warming();
        };
        self.notes.resolve(&mut q);
        let Some(results) = self.engine.search_until(&q, None, self.limit, stop) else {
            return true; // stopped: tried again when idle
        };
        self.tried += 1;
        self.kept.insert(
            c,
            Last {
                text,
                query: Arc::new(q),
                results: Arc::new(Results {
                    matched_slots: Vec::new(),
                    ..results
                }),
            },
        );
        self.warming()
    }

    /// How the last answer was found; `None` before the first, or after a query that did not
    /// parse or was stopped.
    pub fn path(&self) -> Option<Path> {
        self.path
    }

    /// Answers one query, or gives up (`None`) as soon as `stop` says so; a query that was
    /// stopped is searched afresh when it is asked again.
    pub fn answer(
        &mut self,
        generation: u64,
        text: &str,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<Reply> {
        self.path = None;
        if let Some(last) = self.last.as_ref().filter(|l| l.text == text) {
            self.path = Some(Path::Reused);
            return Some(Reply::Results {
                generation,
                results: last.results.clone(),
                query: last.query.clone(),
            });
        }
        let mut chars = text.chars();
        if let (Some(c), None) = (chars.next(), chars.next())
            && let Some(kept) = self.kept.get(&c)
        {
            // The time shown is this answer's, not the search's that found it while idle.
            let started = std::time::Instant::now();
            let mut results = Results::clone(&kept.results);
            results.elapsed = started.elapsed();
            let results = Arc::new(results);
            self.path = Some(Path::Kept);
            // Without its list of matches, it is nothing to narrow from: the next query is
            // searched in full.
            self.last = None;
            return Some(Reply::Results {
                generation,
                results,
                query: kept.query.clone(),
            });
        }
        let mut q = match query::parse(text) {
            Ok(q) => q,
            Err(e) => {
                return Some(Reply::Error {
                    generation,
                    error: e,
                });
            }
        };
        self.notes.resolve(&mut q);
        let within = self
            .last
            .as_ref()
            .filter(|l| self.engine.narrows(&q, &l.query))
            .map(|l| l.results.matched_slots.as_slice());
        let path = if within.is_some() {
            Path::Narrowed
        } else {
            Path::Full
        };
        let results = Arc::new(self.engine.search_until(&q, within, self.limit, stop)?);
        let query = Arc::new(q);
        self.path = Some(path);
        self.last = Some(Last {
            text: text.to_string(),
            query: query.clone(),
            results: results.clone(),
        });
        Some(Reply::Results {
            generation,
            results,
            query,
        })
    }
}

/// A message to the search thread.
enum Request {
    Search {
        generation: u64,
        text: String,
    },
    /// Answered once every query sent before it is.
    Idle(Sender<()>),
    /// The user's notes changed.
    Notes(Arc<NoteIndex>),
}

/// Handle to the search thread; dropping it stops the thread.
pub struct Worker {
    tx: Option<Sender<Request>>,
    handle: Option<JoinHandle<()>>,
    /// The newest generation submitted: a search for an older one stops where it is.
    latest: Arc<AtomicU64>,
    /// How many requests were sent, counted after each is sent: finding a one-character
    /// answer stops when it changes.
    sent: Arc<AtomicU64>,
}

impl Worker {
    /// Starts the thread. `reply` is called on the worker thread with each answer.
    pub fn spawn<F>(engine: Arc<Engine>, limit: usize, reply: F) -> Worker
    where
        F: Fn(Reply) + Send + 'static,
    {
        let (tx, rx) = mpsc::channel::<Request>();
        let latest = Arc::new(AtomicU64::new(0));
        let sent = Arc::new(AtomicU64::new(0));
        let (newest, requests) = (latest.clone(), sent.clone());
        let searcher = Searcher::new(engine, limit);
        let handle = std::thread::Builder::new()
            .name("evidex-search".into())
            .spawn(move || run(searcher, &rx, &newest, &requests, reply))
            .ok();
        Worker {
            tx: Some(tx),
            handle,
            latest,
            sent,
        }
    }

    /// Queues a query; the answer carries `generation`. A search still running for an older
    /// generation is abandoned.
    pub fn submit(&self, generation: u64, text: &str) {
        self.latest.fetch_max(generation, Ordering::Relaxed);
        self.send(Request::Search {
            generation,
            text: text.to_string(),
        });
    }

    /// Sends a request, then counts it (in that order: see `run`).
    fn send(&self, request: Request) -> bool {
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(request).is_ok());
        self.sent.fetch_add(1, Ordering::Release);
        sent
    }

    /// Hands the user's notes to the searcher; queries submitted after see them.
    pub fn set_notes(&self, notes: Arc<NoteIndex>) {
        self.send(Request::Notes(notes));
    }

    /// Blocks until every query submitted before is answered (or abandoned for a newer one).
    pub fn wait_idle(&self) {
        let (done, idle) = mpsc::channel();
        if self.send(Request::Idle(done)) {
            let _ = idle.recv();
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
    mut searcher: Searcher,
    rx: &Receiver<Request>,
    latest: &AtomicU64,
    sent: &AtomicU64,
    reply: F,
) {
    loop {
        // With nothing asked, find a one-character answer. The count is read before looking
        // for a request: one sent after the look is counted after it, so it stops the search.
        let first = if searcher.warming() {
            let seen = sent.load(Ordering::Acquire);
            match rx.try_recv() {
                Ok(r) => r,
                Err(TryRecvError::Disconnected) => return,
                Err(TryRecvError::Empty) => {
                    searcher.warm_next(&|| {
                        sent.load(Ordering::Acquire) != seen
                            || latest.load(Ordering::Relaxed) == u64::MAX
                    });
                    continue;
                }
            }
        } else {
            match rx.recv() {
                Ok(r) => r,
                Err(_) => return,
            }
        };
        // Only the newest queued query matters; the idle waiters are answered after it.
        let mut newest = None;
        let mut waiting = Vec::new();
        for req in std::iter::once(first).chain(rx.try_iter()) {
            match req {
                Request::Search { generation, text } => newest = Some((generation, text)),
                Request::Idle(done) => waiting.push(done),
                // Applied at once: a query sent after them, answered below, sees them.
                Request::Notes(notes) => searcher.set_notes(notes),
            }
        }
        if let Some((generation, text)) = newest {
            let stale = || latest.load(Ordering::Relaxed) > generation;
            // Stopped: a newer query is queued and is the next one taken.
            if let Some(r) = searcher.answer(generation, &text, &stale) {
                reply(r);
            }
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Corpus;
    use std::sync::{Mutex, OnceLock};

    fn engine() -> Arc<Engine> {
        static E: OnceLock<Arc<Engine>> = OnceLock::new();
        E.get_or_init(|| {
            Arc::new(crate::search::engine(Arc::new(
                Corpus::bundled().expect("bundled corpus"),
            )))
        })
        .clone()
    }

    fn results(r: Option<Reply>) -> Arc<Results> {
        match r {
            Some(Reply::Results { results, .. }) => results,
            other => panic!("expected results, got {other:?}"),
        }
    }

    fn ids(e: &Engine, r: &Results) -> Vec<String> {
        r.hits
            .iter()
            .map(|h| e.corpus().id_of(h.record).to_string())
            .collect()
    }

    #[test]
    fn an_unchanged_query_is_answered_again_without_a_search() {
        let mut s = Searcher::new(engine(), 50);
        let a = results(s.answer(1, "tace", &|| false));
        assert_eq!(s.path(), Some(Path::Full));
        let b = results(s.answer(2, "tace", &|| false));
        assert_eq!(s.path(), Some(Path::Reused));
        assert!(Arc::ptr_eq(&a, &b), "the same answer, not a new search");
    }

    #[test]
    fn typing_on_narrows_and_agrees_with_a_full_search() {
        let e = engine();
        let mut s = Searcher::new(e.clone(), 50);
        let mut paths = Vec::new();
        for q in ["lenva", "lenvat", "lenvati", "lenvatin"] {
            let narrowed = results(s.answer(0, q, &|| false));
            paths.push(s.path().unwrap());
            let full = results(Searcher::new(e.clone(), 50).answer(0, q, &|| false));
            assert_eq!(ids(&e, &narrowed), ids(&e, &full), "{q}");
            assert_eq!(narrowed.total, full.total, "{q}");
            assert_eq!(narrowed.facets, full.facets, "{q}");
        }
        assert_eq!(paths[0], Path::Full);
        assert!(paths[1..].iter().all(|p| *p == Path::Narrowed), "{paths:?}");
    }

    #[test]
    fn a_query_that_is_not_a_subset_searches_everything() {
        let mut s = Searcher::new(engine(), 50);
        results(s.answer(1, "tace emerald", &|| false));
        // An alternative added widens the matches.
        results(s.answer(2, "tace emerald | leap", &|| false));
        assert_eq!(s.path(), Some(Path::Full));
        // Deleting a letter widens them too.
        results(s.answer(3, "tace emeral", &|| false));
        results(s.answer(4, "tace emera", &|| false));
        assert_eq!(s.path(), Some(Path::Full));
        // Two letters match only together: "ta" does not narrow "t".
        results(s.answer(5, "t", &|| false));
        results(s.answer(6, "ta", &|| false));
        assert_eq!(s.path(), Some(Path::Full));
    }

    #[test]
    fn a_bad_query_is_an_error_and_keeps_the_last_answer_for_reuse() {
        let mut s = Searcher::new(engine(), 50);
        results(s.answer(1, "tace", &|| false));
        match s.answer(2, "foo:bar", &|| false) {
            Some(Reply::Error { generation, .. }) => assert_eq!(generation, 2),
            other => panic!("expected an error, got {other:?}"),
        }
        results(s.answer(3, "tace", &|| false));
        assert_eq!(s.path(), Some(Path::Reused));
    }

    #[test]
    fn a_stopped_search_answers_nothing_and_is_searched_again_when_asked() {
        let mut s = Searcher::new(engine(), 50);
        assert!(s.answer(1, "tace", &|| true).is_none());
        assert_eq!(s.path(), None);
        let r = results(s.answer(2, "tace", &|| false));
        assert_eq!(s.path(), Some(Path::Full));
        assert!(r.total > 0);
    }

    #[test]
    fn the_reply_carries_the_parsed_query() {
        let mut s = Searcher::new(engine(), 50);
        match s.answer(7, "TACE sort:year", &|| false) {
            Some(Reply::Results {
                generation, query, ..
            }) => {
                assert_eq!(generation, 7);
                assert_eq!(query.terms, ["tace"]);
                assert!(!query.sort.is_relevance());
            }
            other => panic!("expected results, got {other:?}"),
        }
    }

    #[test]
    fn the_worker_answers_the_newest_query_and_waits_until_idle() {
        let replies = Arc::new(Mutex::new(Vec::new()));
        let seen = replies.clone();
        let w = Worker::spawn(engine(), 50, move |r| seen.lock().unwrap().push(r));
        for (g, q) in ["t", "ta", "tac", "tace"].iter().enumerate() {
            w.submit(g as u64 + 1, q);
        }
        w.wait_idle();
        let got = replies.lock().unwrap();
        // Older queries may have been skipped or stopped, but the last answer is the newest.
        let last = got.last().expect("an answer");
        assert_eq!(last.generation(), 4);
        let full = results(Searcher::new(engine(), 50).answer(4, "tace", &|| false));
        match last {
            Reply::Results { results, .. } => {
                assert_eq!(ids(&engine(), results), ids(&engine(), &full))
            }
            other => panic!("expected results, got {other:?}"),
        }
        // Generations only grow.
        assert!(
            got.windows(2)
                .all(|p| p[0].generation() < p[1].generation())
        );
    }

    #[test]
    fn note_filters_see_the_notes_handed_in_and_a_change_is_not_answered_from_the_last() {
        let e = engine();
        let mut s = Searcher::new(e.clone(), 50);
        assert_eq!(results(s.answer(1, "note:board", &|| false)).total, 0);
        s.set_notes(Arc::new(NoteIndex::new([("emerald-1", "for the Board")])));
        let r = results(s.answer(2, "note:board", &|| false));
        assert_eq!(s.path(), Some(Path::Full));
        assert_eq!(ids(&e, &r), ["emerald-1"]);
        let r = results(s.answer(3, "kind:trial has:note", &|| false));
        assert_eq!(ids(&e, &r), ["emerald-1"]);
        let r = results(s.answer(4, "-note: emerald", &|| false));
        assert!(!ids(&e, &r).contains(&"emerald-1".to_string()));
        // Through the thread: notes sent before a query are seen by it.
        let replies = Arc::new(Mutex::new(Vec::new()));
        let seen = replies.clone();
        let w = Worker::spawn(e.clone(), 50, move |r| seen.lock().unwrap().push(r));
        w.set_notes(Arc::new(NoteIndex::new([("leap-012", "board")])));
        w.submit(1, "note:board");
        w.wait_idle();
        match replies.lock().unwrap().last() {
            Some(Reply::Results { results, .. }) => assert_eq!(ids(&e, results), ["leap-012"]),
            other => panic!("expected results, got {other:?}"),
        }
    }

    #[test]
    fn waiting_on_an_idle_worker_returns_at_once() {
        let w = Worker::spawn(engine(), 50, |_| {});
        w.wait_idle();
        w.wait_idle();
    }

    /// The kept answers are exactly a full search's, and typing on from one answers as a full
    /// search does.
    #[test]
    fn kept_one_character_answers_are_a_full_searchs_and_typing_on_agrees() {
        let e = engine();
        let mut s = Searcher::new(e.clone(), 50);
        assert!(s.warming());
        // Told to stop, it keeps nothing.
        assert!(s.warm_next(&|| true));
        assert!(s.kept.is_empty());
        while s.warm_next(&|| false) {}
        assert!(!s.warming());
        // As if each had taken ten seconds to find.
        for k in s.kept.values_mut() {
            let mut r = Results::clone(&k.results);
            r.elapsed = std::time::Duration::from_secs(10);
            k.results = Arc::new(r);
        }
        assert_eq!(s.kept.len(), KEPT.chars().count());
        for c in KEPT.chars() {
            let q = c.to_string();
            let kept = results(s.answer(0, &q, &|| false));
            assert_eq!(s.path(), Some(Path::Kept), "{q}");
            assert!(
                kept.elapsed < std::time::Duration::from_secs(5),
                "{q}: the time of this answer, not the search's that found it"
            );
            let full = results(Searcher::new(e.clone(), 50).answer(0, &q, &|| false));
            assert_eq!(ids(&e, &kept), ids(&e, &full), "{q}");
            assert_eq!(kept.total, full.total, "{q}");
            assert_eq!(kept.facets, full.facets, "{q}");
            assert!(
                kept.matched_slots.is_empty(),
                "{q}: the list of matches is not kept"
            );
        }
        results(s.answer(0, "t", &|| false));
        assert_eq!(s.path(), Some(Path::Kept));
        let typed_on = results(s.answer(0, "ta", &|| false));
        assert_eq!(s.path(), Some(Path::Full));
        let full = results(Searcher::new(e.clone(), 50).answer(0, "ta", &|| false));
        assert_eq!(ids(&e, &typed_on), ids(&e, &full));
        assert_eq!(typed_on.total, full.total);
        // Notes may change what a query passes: the kept answers go with the old notes.
        s.set_notes(Arc::new(NoteIndex::new([("emerald-1", "x")])));
        assert!(s.warming());
        results(s.answer(0, "t", &|| false));
        assert_eq!(s.path(), Some(Path::Full));
    }

    /// The worker finds kept answers while idle, and a query sent meanwhile is answered as a
    /// full search answers it.
    #[test]
    fn the_worker_answers_queries_sent_while_it_finds_kept_answers() {
        let e = engine();
        let replies = Arc::new(Mutex::new(Vec::new()));
        let seen = replies.clone();
        let w = Worker::spawn(e.clone(), 50, move |r| seen.lock().unwrap().push(r));
        for (g, q) in ["t", "ta", "tace", "l", "x"].iter().enumerate() {
            w.submit(g as u64 + 1, q);
            w.wait_idle();
            let got = match replies.lock().unwrap().last() {
                Some(Reply::Results { results, .. }) => ids(&e, results),
                other => panic!("expected results, got {other:?}"),
            };
            let full = results(Searcher::new(e.clone(), 50).answer(0, q, &|| false));
            assert_eq!(got, ids(&e, &full), "{q}");
        }
    }
}
