//! evidex: a terminal evidence browser for cancer therapies and clinical trials.
//!
//! The library holds everything; the binary (`src/main.rs`) only parses arguments and
//! dispatches. Data flows one way: a corpus file is loaded and validated into an immutable
//! [`corpus::Corpus`], indexed by [`search`], and presented by the same code to the TUI
//! ([`tui`]) and to the non-interactive commands ([`cli`]): [`present`] builds the detail
//! document both show, [`compare`] the comparison both draw, and [`export`] writes it.
//! [`import`] turns registry records into a corpus; [`par`] spreads loading and importing
//! over the cores. [`fsio`] reads every file with a size bound and writes every file by one
//! set of rules (never replacing a device, a FIFO or a link's directory).

pub mod cli;
pub mod compare;
pub mod corpus;
pub mod export;
pub mod fsio;
pub mod import;
pub mod library;
pub mod par;
pub mod present;
pub mod search;
pub mod synthetic;
pub mod synthetic_registry;
pub mod text;
pub mod tui;
