//! The search index: every searchable field of every record as its own short, folded key.
//!
//! Keys are short (one name, one alias, one id each) and Latin and Chinese text never share a
//! key, because key length and the Unicode path are what a fuzzy matcher's time depends on.
//! Each key carries a 64-bit character mask so most keys are rejected by one AND before the
//! matcher sees them. All key text lives in one `String`; a key is a span of it.

use std::sync::Arc;

use super::normalize::{char_mask, fold, pinyin, strip_punctuation};
use crate::corpus::{Corpus, Kind, RecordRef};

/// Which field of a record a key holds; shown with each result ("matched: alias").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyField {
    Id,
    Acronym,
    Registry,
    Name,
    Alias,
    Pinyin,
    Initials,
    /// Pinyin of an alias (or of a disease or therapy name), ranked below a name's own.
    OtherPinyin,
    Class,
    Disease,
    Therapy,
    Other,
}

impl KeyField {
    pub fn label(self) -> &'static str {
        match self {
            KeyField::Id => "id",
            KeyField::Acronym => "acronym",
            KeyField::Registry => "registry id",
            KeyField::Name => "name",
            KeyField::Alias => "alias",
            KeyField::Pinyin => "pinyin",
            KeyField::Initials => "pinyin initials",
            KeyField::OtherPinyin => "pinyin of an alias",
            KeyField::Class => "class / target",
            KeyField::Disease => "disease",
            KeyField::Therapy => "therapy",
            KeyField::Other => "text",
        }
    }

    /// Whether an exact hit on this field is an exact hit on the record.
    pub fn identifies(self) -> bool {
        matches!(
            self,
            KeyField::Id
                | KeyField::Acronym
                | KeyField::Registry
                | KeyField::Alias
                | KeyField::Name
        )
    }

    /// Whether a hit here is a hit on the record's name.
    pub fn is_name(self) -> bool {
        matches!(
            self,
            KeyField::Acronym
                | KeyField::Name
                | KeyField::Alias
                | KeyField::Pinyin
                | KeyField::Initials
                | KeyField::OtherPinyin
        )
    }

    /// Added to the matcher's score.
    pub fn boost(self) -> i64 {
        match self {
            KeyField::Id | KeyField::Acronym | KeyField::Registry => 40,
            KeyField::Name => 30,
            KeyField::Alias => 25,
            KeyField::Pinyin => 15,
            KeyField::Initials => 10,
            KeyField::OtherPinyin => 8,
            KeyField::Class => 5,
            KeyField::Disease | KeyField::Therapy => 0,
            KeyField::Other => 0,
        }
    }
}

/// One searchable key.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub field: KeyField,
    pub mask: u64,
    /// Byte span of the folded text in [`Index::text`].
    start: u32,
    len: u32,
    /// Bytes of the first letters of its words, stored right after the text ("tdb" for
    /// "tace + durvalumab + bevacizumab"), so matching word initials reads a few bytes.
    initials: u16,
    /// Hash of the key with punctuation dropped, for exact hits.
    pub exact: u64,
}

/// The index over one corpus.
pub struct Index {
    pub corpus: Arc<Corpus>,
    /// Slot → record.
    pub records: Vec<RecordRef>,
    /// Slot → first key; `key_start[slot + 1]` ends it.
    key_start: Vec<u32>,
    keys: Vec<Key>,
    text: String,
    /// Slot → positions (in `corpus.diseases`) of a trial's diseases, for facet counts.
    diseases: Vec<Box<[u32]>>,
    /// Slot → how ties rank: stronger evidence, then the more recent year, first.
    tie_break: Vec<u32>,
}

pub fn hash(s: &str) -> u64 {
    // FNV-1a: stable, fast, good enough for short keys.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

struct Builder {
    keys: Vec<Key>,
    text: String,
}

impl Builder {
    fn add(&mut self, field: KeyField, raw: &str) {
        if raw.trim().is_empty() {
            return;
        }
        let folded = fold(raw);
        self.push(field, &folded);
        if matches!(
            field,
            KeyField::Name
                | KeyField::Alias
                | KeyField::Acronym
                | KeyField::Disease
                | KeyField::Therapy
        ) && let Some(p) = pinyin(raw)
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

    fn push(&mut self, field: KeyField, folded: &str) {
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
        self.keys.push(Key {
            field,
            mask: char_mask(folded),
            start,
            len: folded.len() as u32,
            initials,
            exact: hash(&strip_punctuation(folded)),
        });
    }
}

impl Index {
    /// Indexes every record of the corpus, on every core: each thread indexes a run of
    /// records into its own buffers, which are then joined in order.
    pub fn build(corpus: Arc<Corpus>) -> Index {
        let records: Vec<RecordRef> = corpus.records().collect();
        let shared = Shared::new(&corpus);
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
            .clamp(1, 8);
        let per = records.len().div_ceil(threads).max(1024);
        let parts: Vec<(Builder, Vec<u32>)> = std::thread::scope(|s| {
            let handles: Vec<_> = records
                .chunks(per)
                .map(|run| {
                    let (corpus, shared) = (&corpus, &shared);
                    s.spawn(move || {
                        let mut b = Builder {
                            keys: Vec::with_capacity(run.len() * 16),
                            text: String::with_capacity(run.len() * 400),
                        };
                        let mut starts = Vec::with_capacity(run.len());
                        for &r in run {
                            starts.push(b.keys.len() as u32);
                            add_record(&mut b, corpus, shared, r);
                        }
                        (b, starts)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("an indexing thread does not panic"))
                .collect()
        });
        let n_keys = parts.iter().map(|(b, _)| b.keys.len()).sum();
        let n_text = parts.iter().map(|(b, _)| b.text.len()).sum();
        let mut keys = Vec::with_capacity(n_keys);
        let mut text = String::with_capacity(n_text);
        let mut key_start = Vec::with_capacity(records.len() + 1);
        for (b, starts) in parts {
            let (key_base, text_base) = (keys.len() as u32, text.len() as u32);
            key_start.extend(starts.into_iter().map(|s| s + key_base));
            keys.extend(b.keys.into_iter().map(|mut k| {
                k.start += text_base;
                k
            }));
            text.push_str(&b.text);
        }
        key_start.push(keys.len() as u32);
        let diseases = records
            .iter()
            .map(|r| match r.kind {
                Kind::Trial => corpus
                    .trial(r.index)
                    .diseases
                    .iter()
                    .filter_map(|d| corpus.resolve(d))
                    .filter(|d| d.kind == Kind::Disease)
                    .map(|d| d.index)
                    .collect(),
                _ => Box::default(),
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
        Index {
            corpus,
            records,
            key_start,
            keys,
            text,
            diseases,
            tie_break,
        }
    }

    /// The order of a slot among hits that match equally well (lower first).
    pub fn tie_break(&self, slot: u32) -> u32 {
        self.tie_break[slot as usize]
    }

    /// Positions of a trial's diseases (empty for other records).
    pub fn diseases_of(&self, slot: usize) -> &[u32] {
        &self.diseases[slot]
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The keys of one slot.
    pub fn keys(&self, slot: usize) -> &[Key] {
        &self.keys[self.key_start[slot] as usize..self.key_start[slot + 1] as usize]
    }

    /// Index of a slot's first key among all keys.
    pub fn key_offset(&self, slot: usize) -> u32 {
        self.key_start[slot]
    }

    /// The text of a key by its index among all keys.
    pub fn key_text_at(&self, key: usize) -> &str {
        self.key_text(&self.keys[key])
    }

    /// The first letters of a key's words.
    pub fn key_initials(&self, k: &Key) -> &str {
        let from = (k.start + k.len) as usize;
        &self.text[from..from + k.initials as usize]
    }

    pub fn key_text(&self, k: &Key) -> &str {
        &self.text[k.start as usize..(k.start + k.len) as usize]
    }

    /// Total number of keys (for statistics).
    pub fn key_count(&self) -> usize {
        self.keys.len()
    }
}

/// Folded names of therapies and diseases, made once: every trial that uses one repeats them.
struct Shared {
    therapy_keys: Vec<Vec<String>>,
    disease_keys: Vec<Vec<String>>,
}

impl Shared {
    fn new(c: &Corpus) -> Shared {
        Shared {
            therapy_keys: c
                .therapies
                .iter()
                .map(|t| {
                    t.name
                        .iter()
                        .chain(t.aliases.iter().map(String::as_str))
                        .map(fold)
                        .collect()
                })
                .collect(),
            disease_keys: c
                .diseases
                .iter()
                .map(|d| {
                    std::iter::once(fold(&d.id))
                        .chain(d.name.iter().map(fold))
                        .collect()
                })
                .collect(),
        }
    }
}

fn add_record(b: &mut Builder, c: &Corpus, shared: &Shared, r: RecordRef) {
    match r.kind {
        Kind::Trial => {
            let t = c.trial(r.index);
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
            for d in t.diseases.iter().filter_map(|d| c.resolve(d)) {
                if d.kind == Kind::Disease {
                    for k in &shared.disease_keys[d.index as usize] {
                        b.push(KeyField::Disease, k);
                    }
                }
            }
            let mut seen: Vec<&str> = Vec::new();
            for th in t.arms.iter().flat_map(|a| &a.therapies) {
                if seen.contains(&th.as_str()) {
                    continue;
                }
                seen.push(th);
                if let Some(r) = c.resolve(th).filter(|r| r.kind == Kind::Therapy) {
                    for k in &shared.therapy_keys[r.index as usize] {
                        b.push(KeyField::Therapy, k);
                    }
                }
            }
        }
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
            for n in s.title.iter() {
                b.add(KeyField::Name, n);
            }
            for o in s.author.iter().chain(&s.outlet) {
                b.add(KeyField::Other, o);
            }
        }
    }
}
