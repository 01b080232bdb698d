//! Copying the write-ahead log into the library on a thread of its own.
//!
//! A library is in WAL mode: a transaction's pages are appended to the log (`-wal`) and later
//! copied into the database file by a checkpoint. SQLite runs that checkpoint inside the commit
//! that passes 1,000 pages of log, so with pages of 1,000 studies (about 30 MB of log each) every
//! commit copied its whole page again before returning, and the next page waited for it: more
//! than half of the time of writing a page.
//!
//! While a library is written, its connection checkpoints nothing itself
//! (`wal_autocheckpoint = 0`); after each commit it wakes this thread, which runs a passive
//! checkpoint on a connection of its own while the next page is mapped and inserted. A passive
//! checkpoint never blocks the writer or a reader; what it could not copy (a reader still on old
//! pages) is copied by the next one, and SQLite checkpoints whatever is left when the last
//! connection closes. The log starts again from its beginning once a checkpoint has copied all
//! of it, so it stays about one page long.
//!
//! Commits use `synchronous = NORMAL`, SQLite's setting for WAL: a commit is durable when the
//! process is killed (the log is in the operating system's hands), and a power cut can lose the
//! last commits but never corrupts the file; the checkpoint syncs the log before copying it and
//! the database after. A sync resumes from the page token stored with the last commit that
//! survived.

use std::path::Path;
use std::sync::mpsc::{SyncSender, sync_channel};
use std::thread::JoinHandle;

use rusqlite::{Connection, OpenFlags};

/// The checkpointing thread of a library being written.
pub(crate) struct Checkpointer {
    /// Each message asks for a checkpoint; one carrying a sender is answered when it is done.
    wake: Option<SyncSender<Option<SyncSender<()>>>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread, on a connection of its own to the library at `path`, and stops
    /// `writer` checkpointing in its commits.
    pub(crate) fn start(writer: &Connection, path: &Path) -> rusqlite::Result<Checkpointer> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(super::BUSY_TIMEOUT)?;
        writer.pragma_update(None, "synchronous", "NORMAL")?;
        writer.pragma_update(None, "wal_autocheckpoint", 0)?;
        // One wake-up waiting is enough: the checkpoint it starts copies every commit before it.
        let (wake, woken) = sync_channel::<Option<SyncSender<()>>>(1);
        let thread = std::thread::Builder::new()
            .name("evidex-checkpoint".into())
            .spawn(move || {
                while let Ok(done) = woken.recv() {
                    // A checkpoint that fails (a full disk) leaves the log as it was: the next
                    // one, or the last connection's on closing, copies it.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    if let Some(done) = done {
                        let _ = done.send(());
                    }
                }
            })
            .map_err(|e| {
                rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_ERROR),
                    Some(format!("cannot start the checkpoint thread: {e}")),
                )
            })?;
        Ok(Checkpointer {
            wake: Some(wake),
            thread: Some(thread),
        })
    }

    /// Asks for a checkpoint of everything committed so far; returns at once.
    pub(crate) fn nudge(&self) {
        // A full channel already holds a wake-up, which covers this commit too.
        if let Some(wake) = &self.wake {
            let _ = wake.try_send(None);
        }
    }

    /// Waits until a checkpoint started after every commit so far has run.
    #[cfg(test)]
    pub(crate) fn settle(&self) {
        let (done, finished) = sync_channel(1);
        if let Some(wake) = &self.wake
            && wake.send(Some(done)).is_ok()
        {
            let _ = finished.recv();
        }
    }
}

impl Drop for Checkpointer {
    /// Waits for the checkpoint under way, so that the library is closed with its log copied.
    fn drop(&mut self) {
        drop(self.wake.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
