//! How a command fails: one enum, each kind with its exit code.
//!
//! Exit codes (README.md, `evidex --help`): 0 success, 1 nothing matched or an argument names
//! no record clearly, 2 bad input (a corpus, a query, an argument, a file) or output that could
//! not be written, 3 a network or server failure, 130 stopped by Ctrl-C.

use crate::corpus::LoadError;
use crate::library::LibraryError;
use crate::library::load::OpenError;

/// The exit codes, for the manual page (and README.md, which says the same).
pub const EXIT_CODES: &[(&str, &str)] = &[
    (
        "0",
        "success (also when a reader closes standard output early, as `| head` does).",
    ),
    (
        "1",
        "nothing matched a query, or an argument names no record clearly (the candidates are listed).",
    ),
    (
        "2",
        "bad input (a corpus, a query, an argument, a file) or output that could not be written.",
    ),
    (
        "3",
        "a network or server failure (`fetch`): no route, DNS, timeout, TLS, an HTTP refusal.",
    ),
    (
        "130",
        "`fetch` stopped by Ctrl-C or SIGTERM, after writing what was fetched.",
    ),
    (
        "128 + N",
        "the browser ended on signal N (130 for Ctrl-C, 143 for SIGTERM).",
    ),
];

/// A command's failure. `main` prints its message (sanitised) and exits with [`exit_code`].
///
/// [`exit_code`]: CliError::exit_code
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Nothing matched a query or an argument (exit 1).
    #[error("{0}")]
    NoMatch(String),
    /// An argument could name several records, or none clearly (exit 1); the message lists
    /// the candidates.
    #[error("{0}")]
    Ambiguous(String),
    /// A corpus file that cannot be read or does not validate (exit 2).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// A library that cannot be opened, read or written (exit 2).
    #[error(transparent)]
    Library(#[from] LibraryError),
    /// Bad input: a query, an argument, a file or a record (exit 2).
    #[error("{0}")]
    Input(String),
    /// Output that could not be written whole (exit 2).
    #[error("{0}")]
    Output(String),
    /// The network or the server failed (exit 3).
    #[error("{0}")]
    Network(String),
    /// Stopped by Ctrl-C or a termination signal after writing what was done (exit 130).
    #[error("{0}")]
    Interrupted(String),
    /// Standard output was closed by its reader (`evidex search x | head`): a normal end,
    /// printed as nothing, exit 0.
    #[error("standard output closed")]
    ClosedPipe,
}

impl From<OpenError> for CliError {
    fn from(e: OpenError) -> CliError {
        match e {
            OpenError::Corpus(e) => CliError::Load(e),
            OpenError::Library(e) => CliError::Library(e),
        }
    }
}

impl CliError {
    /// The process exit code for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::ClosedPipe => 0,
            CliError::NoMatch(_) | CliError::Ambiguous(_) => 1,
            CliError::Load(_) | CliError::Library(_) | CliError::Input(_) | CliError::Output(_) => {
                2
            }
            CliError::Network(_) => 3,
            CliError::Interrupted(_) => 130,
        }
    }

    /// Whether `main` prints nothing for it.
    pub fn is_silent(&self) -> bool {
        matches!(self, CliError::ClosedPipe)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_follow_the_documented_table() {
        assert_eq!(CliError::ClosedPipe.exit_code(), 0);
        assert!(CliError::ClosedPipe.is_silent());
        assert_eq!(CliError::NoMatch("x".into()).exit_code(), 1);
        assert_eq!(CliError::Ambiguous("x".into()).exit_code(), 1);
        assert_eq!(CliError::Input("x".into()).exit_code(), 2);
        assert_eq!(CliError::Output("x".into()).exit_code(), 2);
        assert_eq!(CliError::Network("x".into()).exit_code(), 3);
        assert_eq!(CliError::Interrupted("x".into()).exit_code(), 130);
        assert!(!CliError::Input("x".into()).is_silent());
        assert_eq!(CliError::Input("bad query".into()).to_string(), "bad query");
    }
}
