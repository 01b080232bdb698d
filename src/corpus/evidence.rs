//! What the filters on a trial's contents (`endpoint:`, `setting:`, `line:`, `ae:`, `source:`
//! by citation) and `sort:effect` read of every trial, computed once when the corpus is linked
//! and kept in memory and in a library's snapshot beside the [`Facts`](super::Facts), so that
//! none of them reads a trial's record (see [`super::store`]).
//!
//! Built for a registry-sized corpus (120,000 studies, one in eight with dozens of
//! adverse-event terms): every repeated string is kept once, in a corpus-wide [`Strings`]
//! table, and each trial keeps small integer ids into it, all trials' ids in one array
//! ([`Lists`]), never a `String` per trial. The strings are kept in the form the filters
//! compare, made by the same functions the filters used on the record: endpoint codes in ASCII
//! upper case (`endpoint:` compares them ignoring ASCII case), settings folded as search folds
//! text ([`fold`]), adverse-event terms folded and without punctuation ([`strip_punctuation`]),
//! cited source ids as they are. A filter that matches by substring searches a table once per
//! search (see [`Strings::matching`]) and then tests each trial's ids.
//!
//! Changing what is kept here or how it is made must raise the snapshot's `FORMAT`
//! (`src/library/snapshot.rs`), or an older snapshot's tables would be used.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{Line, Trial};
use crate::search::normalize::{fold, strip_punctuation};

/// A table of distinct strings, each addressed by its position: all of them in one `String`,
/// entry `i` ending at `ends[i]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Strings {
    text: String,
    #[serde(with = "crate::raw")]
    ends: Vec<u32>,
}

impl Strings {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Entry `i`.
    pub fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let from = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[from..self.ends[i] as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len() as u32).map(move |i| self.get(i))
    }

    /// Which entries `test` accepts: what a search works out once, before it tests any trial.
    pub fn matching(&self, test: impl Fn(&str) -> bool) -> Matching {
        let mut bits = vec![0u64; self.len().div_ceil(64)];
        for (i, s) in self.iter().enumerate() {
            if test(s) {
                bits[i >> 6] |= 1 << (i & 63);
            }
        }
        Matching(bits.into())
    }

    /// Whether every entry can be read back: the ends rise, stay within the text and fall on
    /// character boundaries (a snapshot that does not hold what was written is refused).
    fn sound(&self) -> bool {
        let mut from = 0usize;
        self.ends.iter().all(|&e| {
            let e = e as usize;
            let ok = e >= from && e <= self.text.len() && self.text.is_char_boundary(e);
            from = e;
            ok
        }) && self
            .ends
            .last()
            .map_or(self.text.is_empty(), |&e| e as usize == self.text.len())
    }
}

/// The entries of a [`Strings`] table one search accepts, as bits by position.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matching(Box<[u64]>);

impl Matching {
    pub fn has(&self, id: u32) -> bool {
        self.0
            .get(id as usize >> 6)
            .is_some_and(|w| w & (1 << (id & 63)) != 0)
    }

    /// Whether any of `ids` is accepted.
    pub fn any(&self, ids: &[u32]) -> bool {
        ids.iter().any(|&i| self.has(i))
    }

    /// Whether no entry is accepted (so no trial can pass).
    pub fn is_none(&self) -> bool {
        self.0.iter().all(|&w| w == 0)
    }
}

/// A list of ids per trial, all in one array: trial `i`'s end at `ends[i]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lists {
    #[serde(with = "crate::raw")]
    ends: Vec<u32>,
    #[serde(with = "crate::raw")]
    items: Vec<u32>,
}

impl Lists {
    pub fn get(&self, i: u32) -> &[u32] {
        let i = i as usize;
        let from = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.items[from..self.ends[i] as usize]
    }

    fn push(&mut self, ids: &mut Vec<u32>) {
        ids.sort_unstable();
        ids.dedup();
        self.items.append(ids);
        self.ends.push(self.items.len() as u32);
    }

    /// Whether it holds `trials` lists, each readable, of ids below `table`.
    fn sound(&self, trials: usize, table: usize) -> bool {
        self.ends.len() == trials
            && self.ends.windows(2).all(|w| w[0] <= w[1])
            && self
                .ends
                .last()
                .map_or(self.items.is_empty(), |&e| e as usize == self.items.len())
            && self.items.iter().all(|&i| (i as usize) < table)
    }
}

/// Builds a [`Strings`] table, giving each distinct string one id.
#[derive(Default)]
struct Interner<'t> {
    table: Strings,
    ids: HashMap<String, u32>,
    /// Each string as the trials hold it, to its id: a term repeated across trials is
    /// folded once.
    seen: HashMap<&'t str, u32>,
}

impl<'t> Interner<'t> {
    /// The id of `raw` in the form `form` makes of it.
    fn id(&mut self, raw: &'t str, form: impl FnOnce(&str) -> String) -> u32 {
        if let Some(&i) = self.seen.get(raw) {
            return i;
        }
        let s = form(raw);
        let i = match self.ids.get(&s) {
            Some(&i) => i,
            None => {
                let i = self.table.ends.len() as u32;
                self.table.text.push_str(&s);
                self.table.ends.push(self.table.text.len() as u32);
                self.ids.insert(s, i);
                i
            }
        };
        self.seen.insert(raw, i);
        i
    }

    fn finish(mut self) -> Strings {
        self.table.text.shrink_to_fit();
        self.table.ends.shrink_to_fit();
        self.table
    }
}

/// What every trial's content filters and `sort:effect` read (see the module doc).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// Endpoint codes of the outcomes, in ASCII upper case.
    pub endpoints: Strings,
    /// Settings, folded.
    pub settings: Strings,
    /// Terms of the adverse events and of the safety statements, folded, without punctuation.
    pub ae_terms: Strings,
    /// Source ids of the citations.
    pub sources: Strings,
    trial_endpoints: Lists,
    trial_ae_terms: Lists,
    trial_sources: Lists,
    /// Per trial, its setting's id, or [`NO_SETTING`].
    #[serde(with = "crate::raw")]
    setting: Vec<u32>,
    /// Per trial, its line of therapy.
    line: Vec<Option<Line>>,
    /// The trials that have a headline effect, in order, with it.
    #[serde(with = "crate::raw")]
    effects: Vec<(u32, f64)>,
}

/// A trial without a setting.
const NO_SETTING: u32 = u32::MAX;

impl Evidence {
    /// The evidence facts of `trials`, in their order.
    pub fn of(trials: &[Trial]) -> Evidence {
        let [mut endpoints, mut settings, mut ae_terms, mut sources] =
            std::array::from_fn(|_| Interner::default());
        let mut e = Evidence::default();
        let mut ids = Vec::new();
        for (i, t) in trials.iter().enumerate() {
            ids.extend(
                t.outcomes
                    .iter()
                    .map(|o| endpoints.id(&o.endpoint, str::to_ascii_uppercase)),
            );
            e.trial_endpoints.push(&mut ids);
            let stated = t.safety_statements.iter().flat_map(|s| s.terms.iter());
            let events = t
                .safety
                .iter()
                .flat_map(|s| s.events.iter().map(|e| &e.term));
            ids.extend(
                stated
                    .chain(events)
                    .map(|term| ae_terms.id(term, |x| strip_punctuation(&fold(x)))),
            );
            e.trial_ae_terms.push(&mut ids);
            ids.extend(
                t.citations
                    .iter()
                    .map(|c| sources.id(&c.source, str::to_string)),
            );
            e.trial_sources.push(&mut ids);
            e.setting.push(
                t.setting
                    .as_deref()
                    .map_or(NO_SETTING, |s| settings.id(s, fold)),
            );
            e.line.push(t.line.as_ref().map(|l| l.line));
            if let Some(v) = crate::present::headline_effect(t) {
                e.effects.push((i as u32, v));
            }
        }
        e.endpoints = endpoints.finish();
        e.settings = settings.finish();
        e.ae_terms = ae_terms.finish();
        e.sources = sources.finish();
        for l in [
            &mut e.trial_endpoints,
            &mut e.trial_ae_terms,
            &mut e.trial_sources,
        ] {
            l.items.shrink_to_fit();
        }
        e.effects.shrink_to_fit();
        e
    }

    /// Ids (in [`Evidence::endpoints`]) of trial `i`'s endpoints.
    pub fn endpoints_of(&self, i: u32) -> &[u32] {
        self.trial_endpoints.get(i)
    }

    /// Ids (in [`Evidence::ae_terms`]) of trial `i`'s adverse-event terms.
    pub fn ae_terms_of(&self, i: u32) -> &[u32] {
        self.trial_ae_terms.get(i)
    }

    /// Ids (in [`Evidence::sources`]) of the sources trial `i` cites.
    pub fn sources_of(&self, i: u32) -> &[u32] {
        self.trial_sources.get(i)
    }

    /// Id (in [`Evidence::settings`]) of trial `i`'s setting.
    pub fn setting_of(&self, i: u32) -> Option<u32> {
        Some(self.setting[i as usize]).filter(|&s| s != NO_SETTING)
    }

    pub fn line_of(&self, i: u32) -> Option<Line> {
        self.line[i as usize]
    }

    /// Trial `i`'s headline effect (`crate::present::headline_effect`).
    pub fn effect_of(&self, i: u32) -> Option<f64> {
        self.effects
            .binary_search_by_key(&i, |&(t, _)| t)
            .ok()
            .map(|k| self.effects[k].1)
    }

    /// The bytes it holds on the heap (for docs/PERFORMANCE.md).
    pub fn heap_bytes(&self) -> usize {
        let table = |t: &Strings| t.text.capacity() + 4 * t.ends.capacity();
        let list = |l: &Lists| 4 * (l.ends.capacity() + l.items.capacity());
        table(&self.endpoints)
            + table(&self.settings)
            + table(&self.ae_terms)
            + table(&self.sources)
            + list(&self.trial_endpoints)
            + list(&self.trial_ae_terms)
            + list(&self.trial_sources)
            + 4 * self.setting.capacity()
            + self.line.capacity()
            + std::mem::size_of::<(u32, f64)>() * self.effects.capacity()
    }

    /// Whether it holds what `trials` trials need, every id within its table (a snapshot that
    /// does not hold what was written is refused).
    pub(super) fn sound(&self, trials: usize) -> bool {
        let tables = [
            &self.endpoints,
            &self.settings,
            &self.ae_terms,
            &self.sources,
        ];
        tables.iter().all(|t| t.sound())
            && self.trial_endpoints.sound(trials, self.endpoints.len())
            && self.trial_ae_terms.sound(trials, self.ae_terms.len())
            && self.trial_sources.sound(trials, self.sources.len())
            && self.setting.len() == trials
            && self
                .setting
                .iter()
                .all(|&s| s == NO_SETTING || (s as usize) < self.settings.len())
            && self.line.len() == trials
            && self.effects.windows(2).all(|w| w[0].0 < w[1].0)
            && self.effects.iter().all(|&(t, _)| (t as usize) < trials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_strings_are_kept_once_and_each_trial_keeps_its_ids() {
        let c = crate::corpus::Corpus::bundled().expect("bundled");
        let trials = c.trials.to_vec();
        let e = Evidence::of(&trials);
        assert!(e.sound(trials.len()));
        let distinct = |t: &Strings| {
            let all: std::collections::HashSet<&str> = t.iter().collect();
            all.len() == t.len()
        };
        assert!(distinct(&e.endpoints) && distinct(&e.ae_terms) && distinct(&e.sources));
        for (i, t) in trials.iter().enumerate() {
            let i = i as u32;
            let mut want: Vec<String> = t
                .outcomes
                .iter()
                .map(|o| o.endpoint.to_ascii_uppercase())
                .collect();
            want.sort();
            want.dedup();
            let mut got: Vec<&str> = e
                .endpoints_of(i)
                .iter()
                .map(|&k| e.endpoints.get(k))
                .collect();
            got.sort();
            assert_eq!(got, want, "{}", t.id);
            assert_eq!(
                e.setting_of(i).map(|k| e.settings.get(k).to_string()),
                t.setting.as_deref().map(fold),
                "{}",
                t.id
            );
            assert_eq!(e.line_of(i), t.line.as_ref().map(|l| l.line));
            assert_eq!(e.effect_of(i), crate::present::headline_effect(t));
        }
        assert!(
            !e.effects.is_empty(),
            "bundled trials with a headline ratio"
        );
        // Every table's text and ends, and three lists' ends, at the least.
        let tables: usize = [&e.endpoints, &e.settings, &e.ae_terms, &e.sources]
            .iter()
            .map(|t| t.text.len() + 4 * t.len())
            .sum();
        assert!(e.heap_bytes() >= tables + 3 * 4 * trials.len());
    }

    #[test]
    fn a_table_that_does_not_read_back_is_not_sound() {
        let mut e = Evidence::of(&[]);
        assert!(e.sound(0));
        e.ae_terms = Strings {
            text: "肝".into(),
            ends: vec![1],
        };
        assert!(!e.sound(0), "an end inside a character");
        e.ae_terms = Strings {
            text: "ab".into(),
            ends: vec![2, 1],
        };
        assert!(!e.sound(0), "ends that fall");
        e.ae_terms = Strings::default();
        e.setting = vec![0];
        e.line = vec![None];
        assert!(!e.sound(1), "lists of another length");
    }
}
