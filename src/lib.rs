//! evidex: a terminal evidence browser for cancer therapies and clinical trials.
//!
//! The library holds everything; the binary (`src/main.rs`) only parses arguments and
//! dispatches. Data flows one way: a corpus file is loaded and validated into an immutable
//! [`corpus::Corpus`], indexed by [`search`], and presented by the same code to the TUI
//! ([`tui`]) and to the non-interactive commands ([`cli`]): [`present`] builds the detail
//! document both show, [`compare`] the comparison both draw, and [`export`] writes it.
//! [`fetch`] gets registry records from ClinicalTrials.gov (its API, or its bulk download);
//! [`import`] turns registry records into a corpus; loading, importing and searching spread
//! their work over the cores with rayon's pool. [`meta`] pools the ratios trials report (every
//! figure labelled as computed by evidex). [`fsio`] reads every file with a size bound and
//! writes every file by one set of rules (never replacing a device, a FIFO or a link's
//! directory). [`config`] reads the user's configuration file, and [`userdata`] keeps what
//! evidex remembers for its user (history, marks, named sets, notes) in the data directory.

pub mod cli;
pub mod compare;
pub mod config;
pub mod corpus;
pub mod export;
pub mod fetch;
pub mod fsio;
pub mod import;
pub mod library;
pub mod meta;
pub mod opener;
pub mod present;
pub mod search;
pub mod synthetic;
pub mod synthetic_registry;
pub mod text;
pub mod tui;
pub mod userdata;
