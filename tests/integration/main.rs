//! Every integration test without snapshots, one module a file, built as one test binary: one
//! link instead of one per file, and one test run that spreads all of them over the cores.
//! The snapshot tests (tests/tui*.rs, tests/theme.rs) stay binaries of their own, because
//! insta names a snapshot after its test's module path.
//!
//! `cargo test --test integration fetch::` runs one file's tests.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod cli_i18n;
mod cli_meta;
mod compare_safety;
mod config;
mod corpus_quotes;
mod e2e_tmux;
mod fetch;
mod fuzz_regressions;
mod hostile;
mod hostile_io;
mod import;
mod import_safety;
mod import_scale;
mod library;
mod meta;
mod notes_search;
mod query_evidence;
mod query_order;
mod search_ranking;
mod search_relevance;
mod sets;
mod shell;
mod sof_cite;
mod tui_i18n_scan;
mod tui_links;
