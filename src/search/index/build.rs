//! Building the index: each record's keys folded once, on every core.

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use super::postings::{self, PostingsBuilder};
use super::{
    Index, KEY_JOINED, KEY_WIDE, KEY_WORDS, Key, KeyField, Keys, NO_PHASE, NOT_A_STUDY, PART, Part,
    WIDE_FROM,
};
use crate::corpus::{Corpus, Kind, RecordRef};
use crate::search::normalize::{
    Wide, add_wide_pairs, char_mask, each_char_pair, fold, keeps, pair_mask, pinyin,
};
use crate::search::plan::Lexicon;

/// Keys being built, reused from part to part by one thread.
#[derive(Default)]
pub(super) struct Builder {
    keys: Vec<Key>,
    text: String,
    wide: Vec<Wide>,
}

impl Builder {
    fn add(&mut self, field: KeyField, raw: &str) {
        if raw.trim().is_empty() {
            return;
        }
        let folded = fold(raw);
        self.push(field, &folded);
        if matches!(field, KeyField::Name | KeyField::Alias | KeyField::Acronym)
            && let Some(p) = pinyin(raw)
        {
            // A name's own pinyin outranks an alias's: `gandongmai` is 肝动脉灌注化疗 (a name)
            // before 肝动脉化疗栓塞 (an alias of TACE).
            let (full, initials) = match field {
                KeyField::Name | KeyField::Acronym => (KeyField::Pinyin, KeyField::Initials),
                _ => (KeyField::OtherPinyin, KeyField::OtherPinyin),
            };
            self.push(full, &p.full.text);
            self.push(initials, &p.initials.text);
            if let Some(a) = &p.all_readings {
                self.push(full, &a.text);
            }
            if let Some(a) = &p.all_initials {
                self.push(initials, &a.text);
            }
        }
    }

    pub(super) fn push(&mut self, field: KeyField, folded: &str) {
        let start = self.text.len() as u32;
        self.text.push_str(folded);
        let before = self.text.len();
        let mut prev_alnum = false;
        for c in folded.chars() {
            if c.is_alphanumeric() && !prev_alnum {
                self.text.push(c);
            }
            prev_alnum = c.is_alphanumeric();
        }
        let initials = (self.text.len() - before).min(u16::MAX as usize) as u16;
        let mut joined = false;
        let (mut after_letter, mut in_punct) = (false, false);
        for c in folded.chars() {
            if keeps(c) {
                joined |= in_punct;
                after_letter = true;
                in_punct = false;
            } else if c.is_whitespace() {
                after_letter = false;
                in_punct = false;
            } else {
                in_punct = after_letter;
            }
        }
        let mut wide = Wide::default();
        let pairs =
            add_wide_pairs(folded, &mut wide) + add_wide_pairs(&self.text[before..], &mut wide);
        let is_wide = pairs > WIDE_FROM;
        if is_wide {
            self.wide.push(wide);
        }
        let words = folded
            .char_indices()
            .any(|(i, c)| !keeps(c) && i + c.len_utf8() < folded.len());
        self.keys.push(Key {
            flags: [
                (joined, KEY_JOINED),
                (words, KEY_WORDS),
                (is_wide, KEY_WIDE),
            ]
            .iter()
            .filter(|(set, _)| *set)
            .fold(0, |f, (_, bit)| f | bit),
            first: folded.as_bytes().first().copied().unwrap_or(0),
            field,
            mask: char_mask(folded),
            pairs: pair_mask(folded) | pair_mask(&self.text[before..]),
            start,
            len: folded.len() as u32,
            stripped: folded
                .chars()
                .filter(|&c| keeps(c))
                .map(char::len_utf8)
                .sum::<usize>()
                .min(usize::from(u16::MAX)) as u16,
            initials,
        });
    }

    /// The keys built so far, in allocations of their exact size; the builder is emptied
    /// for the next part.
    pub(super) fn take(&mut self) -> Keys {
        let keys = Keys {
            keys: self.keys.as_slice().into(),
            text: self.text.as_str().into(),
            wide: self.wide.as_slice().into(),
        };
        self.keys.clear();
        self.text.clear();
        self.wide.clear();
        keys
    }
}

impl Index {
    /// Indexes every record of the corpus, on every core: the threads take parts of
    /// 4,096 records in turn, each reusing its own builder.
    pub fn build(corpus: Arc<Corpus>) -> Index {
        let records: Vec<RecordRef> = corpus.records().collect();
        let shared = Shared::new(&corpus);
        let runs: Vec<&[RecordRef]> = records.chunks(PART).collect();
        let mut parts: Vec<Part> = runs
            .par_iter()
            .map_init(
                || (Builder::default(), PostingsBuilder::default(), Vec::new()),
                |(b, pb, links), run| build_part(b, pb, links, &corpus, &shared, run),
            )
            .collect();
        let mut key_base = 0u32;
        for p in &mut parts {
            p.key_base = key_base;
            key_base += p.keys.keys.len() as u32;
        }
        let mut disease_start = Vec::with_capacity(records.len() + 1);
        let mut diseases = Vec::new();
        for r in &records {
            disease_start.push(diseases.len() as u32);
            if r.kind == Kind::Trial {
                diseases.extend(diseases_of(&corpus, *r));
            }
        }
        disease_start.push(diseases.len() as u32);
        diseases.shrink_to_fit();
        let phases = records
            .iter()
            .map(|r| match r.kind {
                Kind::Trial => corpus.trial(r.index).phase.map_or(NO_PHASE, |p| p as u8),
                _ => NO_PHASE,
            })
            .collect();
        let tie_break = records
            .iter()
            .map(|r| match r.kind {
                Kind::Trial => {
                    let t = corpus.trial(r.index);
                    (u32::from(t.evidence_level().0) << 16)
                        | u32::from(u16::MAX - t.year.unwrap_or(0))
                }
                _ => u32::MAX,
            })
            .collect();
        let facet_kinds = records
            .iter()
            .map(|r| match r.kind {
                Kind::Trial if !crate::search::filter::is_study(corpus.trial(r.index).design) => {
                    NOT_A_STUDY as u8
                }
                k => k as u8,
            })
            .collect();
        let lexicon = Lexicon::build(&corpus);
        Index {
            lexicon,
            corpus,
            records,
            parts,
            shared: shared.keys,
            disease_start,
            diseases,
            phases,
            facet_kinds,
            tie_break,
        }
    }
}

fn build_part(
    b: &mut Builder,
    pb: &mut PostingsBuilder,
    links: &mut Vec<u32>,
    corpus: &Corpus,
    shared: &Shared,
    run: &[RecordRef],
) -> Part {
    let mut key_start = Vec::with_capacity(run.len() + 1);
    let mut link_start = Vec::with_capacity(run.len() + 1);
    let mut wide_start = Vec::with_capacity(run.len());
    links.clear();
    pb.start(shared.keys.keys.len(), corpus.diseases.len());
    for (local, &r) in run.iter().enumerate() {
        let (keys_from, links_from) = (b.keys.len(), links.len());
        key_start.push(keys_from as u32);
        link_start.push(links_from as u32);
        wide_start.push(b.wide.len() as u32);
        add_record(b, links, corpus, shared, r);
        let local = local as u16;
        for k in &b.keys[keys_from..] {
            let (from, to) = (k.start as usize, (k.start + k.len) as usize);
            let initials = &b.text[to..to + k.initials as usize];
            let loose = postings::loose(k.field);
            each_char_pair(&b.text[from..to], |x, y| pb.pair(loose, x, y, local));
            each_char_pair(initials, |x, y| pb.pair(loose, x, y, local));
        }
        for &l in &links[links_from..] {
            pb.link(l, local);
        }
        for d in diseases_of(corpus, r) {
            pb.disease(d, local);
        }
    }
    key_start.push(b.keys.len() as u32);
    link_start.push(links.len() as u32);
    let union = |of: fn(&Key) -> u64| -> Box<[u64]> {
        key_start
            .windows(2)
            .map(|w| {
                b.keys[w[0] as usize..w[1] as usize]
                    .iter()
                    .fold(0, |m, k| m | of(k))
            })
            .collect()
    };
    let (masks, pairs) = (union(|k| k.mask), union(|k| k.pairs));
    Part {
        key_start: key_start.into(),
        masks,
        pairs,
        keys: b.take(),
        wide_start: wide_start.into(),
        link_start: link_start.into(),
        links: links.as_slice().into(),
        postings: pb.take(),
        key_base: 0,
    }
}

/// The diseases (by position) a record is a study of, or the disease it is: what a group of
/// units that names diseases matches by (see `score::match_group`).
fn diseases_of(c: &Corpus, r: RecordRef) -> Vec<u32> {
    match r.kind {
        Kind::Disease => vec![r.index],
        Kind::Trial => c
            .trial(r.index)
            .diseases
            .iter()
            .filter_map(|d| c.resolve(d))
            .filter(|d| d.kind == Kind::Disease)
            .map(|d| d.index)
            .collect(),
        _ => Vec::new(),
    }
}

/// The shared keys: folded names of therapies and diseases, each text once per field, and
/// which of them each therapy and disease has.
struct Shared {
    keys: Keys,
    therapy_keys: Vec<Vec<u32>>,
    disease_keys: Vec<Vec<u32>>,
}

impl Shared {
    fn new(c: &Corpus) -> Shared {
        let mut b = Builder::default();
        let mut seen: HashMap<(KeyField, String), u32> = HashMap::new();
        let mut intern = |field: KeyField, raw: &str| -> Option<u32> {
            if raw.trim().is_empty() {
                return None;
            }
            let folded = fold(raw);
            let next = b.keys.len() as u32;
            Some(*seen.entry((field, folded)).or_insert_with_key(|(_, f)| {
                b.push(field, f);
                next
            }))
        };
        let therapy_keys = c
            .therapies
            .iter()
            .map(|t| {
                // Its class too: "car-t" finds the studies of a CAR-T product.
                t.name
                    .iter()
                    .chain(t.aliases.iter().map(String::as_str))
                    .chain(t.class.as_deref())
                    .filter_map(|n| intern(KeyField::Therapy, n))
                    .collect()
            })
            .collect();
        let disease_keys = c
            .diseases
            .iter()
            .map(|d| {
                std::iter::once(d.id.as_str())
                    .chain(d.name.iter())
                    .filter_map(|n| intern(KeyField::Disease, n))
                    .collect()
            })
            .collect();
        Shared {
            keys: b.take(),
            therapy_keys,
            disease_keys,
        }
    }
}

fn add_record(b: &mut Builder, links: &mut Vec<u32>, c: &Corpus, shared: &Shared, r: RecordRef) {
    match r.kind {
        Kind::Trial => add_trial(b, links, c, shared, c.trial(r.index)),
        Kind::Therapy => {
            let t = c.therapy(r.index);
            b.add(KeyField::Id, &t.id);
            for n in t.name.iter() {
                b.add(KeyField::Name, n);
            }
            for a in &t.aliases {
                b.add(KeyField::Alias, a);
            }
            if let Some(cl) = &t.class {
                b.add(KeyField::Class, cl);
            }
            for tg in &t.targets {
                b.add(KeyField::Class, tg);
            }
        }
        Kind::Disease => {
            let d = c.disease(r.index);
            b.add(KeyField::Id, &d.id);
            for n in d.name.iter() {
                b.add(KeyField::Name, n);
            }
            for a in &d.aliases {
                b.add(KeyField::Alias, a);
            }
        }
        Kind::Source => {
            let s = c.source(r.index);
            b.add(KeyField::Id, &s.id);
            // A registry record's title repeats its study's (`ClinicalTrials.gov NCT…: title`):
            // the study is what a title finds, and the record is found by its id; indexing the
            // title again would list every registry study twice and double the text searched.
            if !s.is_registry_record() {
                for n in s.title.iter() {
                    b.add(KeyField::Name, n);
                }
            }
            for o in s.author.iter().chain(&s.outlet) {
                b.add(KeyField::Other, o);
            }
        }
    }
}

/// A trial's own keys, and links to the shared keys of its diseases and therapies.
fn add_trial(
    b: &mut Builder,
    links: &mut Vec<u32>,
    c: &Corpus,
    shared: &Shared,
    t: &crate::corpus::Trial,
) {
    b.add(KeyField::Id, &t.id);
    if let Some(a) = &t.acronym {
        b.add(KeyField::Acronym, a);
    }
    for id in &t.registry_ids {
        b.add(KeyField::Registry, id);
    }
    for n in t.title.iter() {
        b.add(KeyField::Name, n);
    }
    for a in &t.aliases {
        b.add(KeyField::Alias, a);
    }
    let from = links.len();
    let mut link = |k: u32| {
        if !links[from..].contains(&k) {
            links.push(k);
        }
    };
    for d in t.diseases.iter().filter_map(|d| c.resolve(d)) {
        if d.kind == Kind::Disease {
            shared.disease_keys[d.index as usize]
                .iter()
                .for_each(|&k| link(k));
        }
    }
    // An arm's label is searchable unless it only repeats the name of one of its
    // therapies (a shared key already) or the trial's title.
    for arm in &t.arms {
        for label in arm.label.iter() {
            let repeats = t.title.iter().any(|n| n == label)
                || arm.therapies.iter().any(|th| {
                    c.therapy_by_id(th).is_some_and(|th| {
                        th.name.iter().any(|n| n == label) || th.aliases.iter().any(|a| a == label)
                    })
                });
            if !repeats {
                b.add(KeyField::Arm, label);
            }
        }
    }
    for th in t.arms.iter().flat_map(|a| &a.therapies) {
        if let Some(r) = c.resolve(th).filter(|r| r.kind == Kind::Therapy) {
            shared.therapy_keys[r.index as usize]
                .iter()
                .for_each(|&k| link(k));
        }
    }
}
