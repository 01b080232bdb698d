//! Where a corpus keeps its trials: in memory, or read one by one when first asked for.
//!
//! A corpus opened from a library snapshot holds its trials' bytes on disk and decodes a trial
//! the first time anything reads it ([`TrialSource`]); everything else about the corpus (the
//! therapies, diseases, sources, ids and links) is in memory. The search index never reads a
//! trial, so a search reads only the trials of the rows it shows.

use std::fmt;
use std::ops::Index;
use std::sync::{Arc, OnceLock};

use super::Trial;

/// Where trials that are not in memory come from.
pub trait TrialSource: Send + Sync {
    /// Trial `i`, decoded. Never fails: a trial that cannot be read comes back as a stand-in
    /// that says so (see [`unreadable`]), so that a damaged file never stops the program.
    fn load(&self, i: usize) -> Trial;
}

/// The trials of a corpus.
pub struct Trials(Repr);

enum Repr {
    Eager(Vec<Trial>),
    Lazy {
        cells: Box<[OnceLock<Box<Trial>>]>,
        source: Arc<dyn TrialSource>,
    },
}

impl Trials {
    /// Trials read when first asked for.
    pub fn lazy(len: usize, source: Arc<dyn TrialSource>) -> Trials {
        Trials(Repr::Lazy {
            cells: (0..len).map(|_| OnceLock::new()).collect(),
            source,
        })
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Repr::Eager(v) => v.len(),
            Repr::Lazy { cells, .. } => cells.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, i: usize) -> Option<&Trial> {
        match &self.0 {
            Repr::Eager(v) => v.get(i),
            Repr::Lazy { cells, source } => cells
                .get(i)
                .map(|c| &**c.get_or_init(|| Box::new(source.load(i)))),
        }
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Trial> + ExactSizeIterator + '_ {
        (0..self.len()).map(move |i| &self[i])
    }

    /// Whether trials are read when first asked for (a corpus opened from a snapshot).
    pub fn is_lazy(&self) -> bool {
        matches!(self.0, Repr::Lazy { .. })
    }

    /// How many trials have been read into memory (all of them when not lazy).
    pub fn resident(&self) -> usize {
        match &self.0 {
            Repr::Eager(v) => v.len(),
            Repr::Lazy { cells, .. } => cells.iter().filter(|c| c.get().is_some()).count(),
        }
    }

    pub fn to_vec(&self) -> Vec<Trial> {
        self.iter().cloned().collect()
    }
}

impl Default for Trials {
    fn default() -> Trials {
        Trials(Repr::Eager(Vec::new()))
    }
}

impl From<Vec<Trial>> for Trials {
    fn from(v: Vec<Trial>) -> Trials {
        Trials(Repr::Eager(v))
    }
}

impl Index<usize> for Trials {
    type Output = Trial;

    fn index(&self, i: usize) -> &Trial {
        match self.get(i) {
            Some(t) => t,
            None => panic!("trial {i} out of range (corpus of {})", self.len()),
        }
    }
}

impl fmt::Debug for Trials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Eager(v) => f.debug_list().entries(v).finish(),
            Repr::Lazy { cells, .. } => write!(
                f,
                "Trials {{ lazy: {} of {} read }}",
                self.resident(),
                cells.len()
            ),
        }
    }
}

/// The stand-in for a trial that could not be read back: its id, and a title that says what
/// happened (`why`, e.g. the file and what was wrong with it).
pub fn unreadable(id: &str, why: &str) -> Trial {
    Trial {
        id: id.to_string(),
        title: super::Names {
            en: Some(format!("{id}: this record could not be read ({why})")),
            zh: None,
        },
        ..Trial::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting(AtomicUsize);

    impl TrialSource for Counting {
        fn load(&self, i: usize) -> Trial {
            self.0.fetch_add(1, Ordering::SeqCst);
            Trial {
                id: format!("t{i}"),
                ..Trial::default()
            }
        }
    }

    #[test]
    fn a_lazy_trial_is_read_once_and_only_when_asked_for() {
        let src = Arc::new(Counting(AtomicUsize::new(0)));
        let t = Trials::lazy(5, src.clone());
        assert_eq!(t.len(), 5);
        assert_eq!(t.resident(), 0);
        assert_eq!(t[3].id, "t3");
        assert_eq!(t[3].id, "t3");
        assert_eq!(src.0.load(Ordering::SeqCst), 1);
        assert_eq!(t.resident(), 1);
        assert!(t.get(5).is_none());
        let ids: Vec<_> = t.iter().map(|t| t.id.clone()).collect();
        assert_eq!(ids, ["t0", "t1", "t2", "t3", "t4"]);
        assert_eq!(src.0.load(Ordering::SeqCst), 5);
    }
}
