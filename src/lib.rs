//! evidex: a terminal evidence browser for cancer therapies and clinical trials.
//!
//! The library holds everything; the binary (`src/main.rs`) only parses arguments and
//! dispatches. Data flows one way: a corpus file is loaded and validated into an immutable
//! [`corpus::Corpus`], indexed by [`search`], and presented by the same code to the TUI
//! ([`tui`]) and to the non-interactive commands ([`cli`]): [`present`] builds the detail
//! document both show, [`compare`] the comparison both draw (and its summary of findings), and [`export`] writes it;
//! [`cite`] numbers the references behind it and writes them as RIS, BibTeX and Vancouver.
//! [`fetch`] gets registry records from ClinicalTrials.gov (its API, or its bulk download);
//! [`import`] turns registry records into a corpus, and [`library`] keeps them in SQLite and
//! opens them with the bundled corpus (from a snapshot of the merged corpus and its index when
//! the library is unchanged, reading a trial's record when it is first shown); loading,
//! importing and searching spread
//! their work over the cores with rayon's pool. [`meta`] pools the ratios trials report (every
//! figure labelled as computed by evidex). [`fsio`] reads every file with a size bound and
//! writes every file by one set of rules (never replacing a device, a FIFO or a link's
//! directory). [`raw`] stores a snapshot's large arrays as bytes. [`config`] reads the user's configuration file, and [`userdata`] keeps what
//! evidex remembers for its user (history, marks, named sets, notes) in the data directory.

// The interface's messages (locales/*.toml), compiled in; looked up through `i18n`.
rust_i18n::i18n!("locales", fallback = "en");

/// `eprintln!` that never panics: a message that cannot be written (standard error closed by
/// the reader, as `2>&1 | head` does, or a full disk behind it) is dropped, and the command
/// goes on to its own end and exit code. Every message evidex writes to standard error goes
/// through it.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let _ = ::std::writeln!(::std::io::stderr(), $($arg)*);
    }};
}

pub mod cite;
pub mod cli;
pub mod compare;
pub mod config;
pub mod corpus;
pub mod export;
pub mod fetch;
pub mod fsio;
pub mod i18n;
pub mod import;
pub mod library;
pub mod meta;
pub mod opener;
pub mod present;
pub mod raw;
pub mod search;
pub mod synthetic;
pub mod synthetic_registry;
pub mod text;
pub mod tui;
pub mod userdata;
