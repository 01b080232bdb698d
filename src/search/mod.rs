//! Search: folding and pinyin ([`normalize`]), the key index ([`index`]), the query language
//! ([`query`]), what a query's words ask for ([`plan`]: Chinese cut into words, disease names),
//! the filters ([`filter`]), how a unit occurs in one key ([`keymatch`]), matching and scoring
//! one record ([`score`]), running a query over the index on rayon's pool
//! ([`engine`](mod@engine)), merging `|` alternatives and sorting ([`order`]), what to
//! highlight in a shown name ([`highlight`](mod@highlight)), and the
//! [`Searcher`](worker::Searcher) that answers queries as they are typed, on a thread of its
//! own ([`worker`]).

pub mod engine;
pub mod filter;
pub mod highlight;
pub mod index;
pub mod keymatch;
pub mod normalize;
pub mod order;
pub mod plan;
pub mod query;
pub mod score;
pub mod worker;

use std::sync::Arc;

pub use engine::{Engine, Facets, Hit, Results};
pub use filter::NoteIndex;
pub use highlight::highlight;
pub use index::{Index, KeyField};
pub use query::{Query, QueryError, Sort, SortKey, parse};

use crate::corpus::Corpus;

/// Indexes a corpus and returns a ready engine.
pub fn engine(corpus: Arc<Corpus>) -> Engine {
    Engine::new(Index::build(corpus))
}

/// Parses and runs a query in one call (the CLI's path; the TUI goes through the worker).
pub fn run(engine: &Engine, text: &str, limit: usize) -> Result<Results, QueryError> {
    run_with_notes(engine, text, limit, &NoteIndex::default())
}

/// [`run`], with the user's notes for `note:` and `has:note`.
pub fn run_with_notes(
    engine: &Engine,
    text: &str,
    limit: usize,
    notes: &NoteIndex,
) -> Result<Results, QueryError> {
    let mut q = parse(text)?;
    notes.resolve(&mut q);
    Ok(engine.search(&q, None, limit))
}
