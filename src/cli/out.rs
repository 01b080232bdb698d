//! Standard output, the one way commands print, and the width human output is laid out to.

use std::io::{self, IsTerminal, Write};

use super::CliError;

/// Standard output, the one way commands print. Human-readable text passes the sanitiser
/// ([`crate::text::clean_block`]) and JSON is escaped ([`crate::text::json_safe`]), so no
/// string from a corpus, a registry record or a file name can act on the terminal; both end
/// quietly on a closed pipe (`evidex search x | head`). Data (a corpus, an export) goes
/// through [`Out::data`], where a closed or short write is an error.
pub struct Out {
    inner: io::StdoutLock<'static>,
}

impl Out {
    pub fn new() -> Out {
        Out {
            inner: io::stdout().lock(),
        }
    }

    /// Human-readable text.
    pub fn print(&mut self, s: &str) -> Result<(), CliError> {
        let s = crate::text::clean_block(s);
        match self.inner.write_all(s.as_bytes()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(CliError::ClosedPipe),
            Err(e) => Err(CliError::Output(format!("cannot write output: {e}"))),
        }
    }

    /// Human-readable text with OSC 8 hyperlinks: made by [`super::show::linked`], whose
    /// text is sanitised and whose link addresses are checked safe, so it is written as it is.
    pub fn print_linked(&mut self, s: &str) -> Result<(), CliError> {
        match self.inner.write_all(s.as_bytes()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(CliError::ClosedPipe),
            Err(e) => Err(CliError::Output(format!("cannot write output: {e}"))),
        }
    }

    /// Whether standard output is a terminal.
    pub fn is_terminal(&self) -> bool {
        io::stdout().is_terminal()
    }

    /// JSON for scripts.
    pub fn json(&mut self, json: String) -> Result<(), CliError> {
        let s = crate::text::json_safe(json);
        match self.inner.write_all(s.as_bytes()) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(CliError::ClosedPipe),
            Err(e) => Err(CliError::Output(format!("cannot write output: {e}"))),
        }
    }

    /// Data that must arrive whole: any failure, a broken pipe included, is exit 2.
    pub fn data(&mut self, what: &str, bytes: &[u8]) -> Result<(), CliError> {
        let _ = self.inner.flush();
        crate::fsio::write_stdout(bytes).map_err(|e| {
            CliError::Output(format!(
                "cannot write {what} to standard output: {e}; the output is incomplete"
            ))
        })
    }
}

impl Default for Out {
    fn default() -> Self {
        Out::new()
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        let _ = self.inner.flush();
    }
}

/// Width for human output: the terminal's, else `COLUMNS`, else 100.
pub fn out_width() -> usize {
    if io::stdout().is_terminal()
        && let Ok((w, _)) = ratatui::crossterm::terminal::size()
    {
        return (w as usize).clamp(40, 200);
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100usize)
        .clamp(40, 400)
}
