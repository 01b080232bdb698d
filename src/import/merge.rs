//! Adding imported studies to a corpus: ids, de-duplication and linking.
//!
//! A [`Merger`] owns the target [`CorpusFile`] (empty, or the corpus given to `--merge`) and
//! adds one [`Draft`] at a time:
//!
//! - the trial is matched to an existing one by NCT id (case-insensitive, any of its
//!   `registry_ids`). A trial that came only from this same registry record is replaced
//!   wholesale (its id kept); a hand-curated trial keeps its arms, outcomes and citations and
//!   gains the registry's (see `update_curated`);
//! - each intervention is linked to an existing therapy whose name or alias equals the
//!   intervention's name, or failing that one of its `otherNames` (three characters or more,
//!   all pointing at the same therapy); a linked therapy gains the names it lacked as aliases
//!   and the registry record as a citation. Unlinked interventions become new therapies;
//! - each condition is linked to a disease by name or alias, compared as
//!   [`conditions::norm`] writes them, or through the usual name of a known registry term, or
//!   without its stage; else it becomes a new disease (see [`conditions`]).
//!
//! Names compare case-insensitively with whitespace collapsed. New ids are kebab-case slugs of
//! the name, made unique across the whole file with `-2`, `-3`, … .

use std::collections::{HashMap, HashSet};

use super::conditions;
use super::draft::{Draft, TherapyDraft};
use super::names::{fold, slug};
use crate::corpus::{CorpusFile, Disease, Names, Therapy, Trial};

/// The key names are compared by.
fn key(name: &str) -> String {
    fold(name)
}

/// What adding a study did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// A new trial with this id.
    New(String),
    /// An earlier import of the same record, replaced; the trial id.
    Replaced(String),
    /// A curated trial with the same NCT id, given the registry's data; the trial id.
    Curated(String),
}

/// Name → record index; `None` when two records claim the name.
type NameIndex = HashMap<String, Option<usize>>;

fn register(index: &mut NameIndex, name: &str, i: usize) {
    register_key(index, key(name), i);
}

fn register_key(index: &mut NameIndex, k: String, i: usize) {
    if k.is_empty() {
        return;
    }
    match index.get(&k) {
        None => {
            index.insert(k, Some(i));
        }
        Some(Some(j)) if *j != i => {
            index.insert(k, None);
        }
        _ => {}
    }
}

pub struct Merger {
    pub file: CorpusFile,
    ids: HashSet<String>,
    /// Base id → the next suffix `new_id` tries: ids are never given back, so the suffixes
    /// found taken are not tried again (100,000 conditions named in Chinese all slug to
    /// `condition`).
    next_suffix: HashMap<String, usize>,
    therapy_names: NameIndex,
    disease_names: NameIndex,
    /// Upper-case NCT id → trial index.
    registry: HashMap<String, usize>,
    /// (therapy index, source id) of every therapy citation.
    cited: HashSet<(usize, String)>,
    /// Source id → index.
    source_index: HashMap<String, usize>,
}

impl Merger {
    pub fn new(file: CorpusFile) -> Merger {
        let mut m = Merger {
            ids: HashSet::new(),
            next_suffix: HashMap::new(),
            therapy_names: HashMap::new(),
            disease_names: HashMap::new(),
            registry: HashMap::new(),
            cited: HashSet::new(),
            source_index: HashMap::new(),
            file,
        };
        let f = &m.file;
        m.ids.extend(f.sources.iter().map(|r| r.id.clone()));
        m.ids.extend(f.diseases.iter().map(|r| r.id.clone()));
        m.ids.extend(f.therapies.iter().map(|r| r.id.clone()));
        m.ids.extend(f.trials.iter().map(|r| r.id.clone()));
        for (i, t) in f.therapies.iter().enumerate() {
            for n in t.name.iter().chain(t.aliases.iter().map(String::as_str)) {
                register(&mut m.therapy_names, n, i);
            }
            for c in &t.citations {
                m.cited.insert((i, c.source.clone()));
            }
        }
        for (i, d) in f.diseases.iter().enumerate() {
            for n in d.name.iter().chain(d.aliases.iter().map(String::as_str)) {
                register_key(&mut m.disease_names, conditions::norm(n), i);
            }
        }
        for (i, s) in f.sources.iter().enumerate() {
            m.source_index.entry(s.id.clone()).or_insert(i);
        }
        for (i, t) in f.trials.iter().enumerate() {
            for r in &t.registry_ids {
                m.registry.entry(r.to_ascii_uppercase()).or_insert(i);
            }
        }
        m
    }

    /// A new id from `name`, unique in the file, and reserved.
    fn new_id(&mut self, name: &str, fallback: &str) -> String {
        let mut base = slug(name, 64);
        if base.is_empty() {
            base = fallback.to_string();
        }
        let mut id = base.clone();
        if self.ids.contains(&id) {
            let n = self.next_suffix.entry(base.clone()).or_insert(2);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !self.ids.contains(&id) {
                    break;
                }
            }
        }
        self.ids.insert(id.clone());
        id
    }

    fn link_therapy(&mut self, t: &TherapyDraft) -> String {
        let lookup = |names: &NameIndex, n: &str| names.get(&key(n)).copied().flatten();
        let hit = lookup(&self.therapy_names, &t.name).or_else(|| {
            let hits: Vec<usize> = t
                .other_names
                .iter()
                .filter(|o| o.chars().count() >= 3)
                .filter_map(|o| lookup(&self.therapy_names, o))
                .collect();
            match hits.first() {
                Some(&h) if hits.iter().all(|&x| x == h) => Some(h),
                _ => None,
            }
        });
        match hit {
            Some(i) => {
                // Names this therapy already answers to are found in the index; only a name
                // two therapies share needs a look at the therapy's own names, gathered once.
                let mut own: Option<HashSet<String>> = None;
                for n in std::iter::once(&t.name).chain(&t.other_names) {
                    let k = key(n);
                    let known = match self.therapy_names.get(&k) {
                        Some(Some(j)) => *j == i,
                        Some(None) => own
                            .get_or_insert_with(|| {
                                let th = &self.file.therapies[i];
                                th.name
                                    .iter()
                                    .chain(th.aliases.iter().map(String::as_str))
                                    .map(key)
                                    .collect()
                            })
                            .contains(&k),
                        None => false,
                    };
                    if !known {
                        self.file.therapies[i].aliases.push(n.clone());
                        register(&mut self.therapy_names, n, i);
                        if let Some(own) = &mut own {
                            own.insert(k);
                        }
                    }
                }
                // A therapy in a thousand trials must not be searched a thousand times.
                if self.cited.insert((i, t.citation.source.clone())) {
                    self.file.therapies[i].citations.push(t.citation.clone());
                }
                self.file.therapies[i].id.clone()
            }
            None => {
                let id = self.new_id(&t.name, "therapy");
                let i = self.file.therapies.len();
                self.file.therapies.push(Therapy {
                    id: id.clone(),
                    name: Names::en(&t.name),
                    aliases: t.other_names.clone(),
                    kind: t.kind,
                    citations: vec![t.citation.clone()],
                    ..Default::default()
                });
                self.cited.insert((i, t.citation.source.clone()));
                register(&mut self.therapy_names, &t.name, i);
                for n in &t.other_names {
                    register(&mut self.therapy_names, n, i);
                }
                id
            }
        }
    }

    /// The disease a condition names: found by its registry name, the usual name of a known
    /// registry term, or its name without a stage (see [`conditions`]); else a new disease,
    /// under its broader disease where the registry term is known to be narrower.
    fn link_disease(&mut self, condition: &str) -> String {
        let mut parent = None;
        for c in conditions::candidates(condition) {
            if let Some(Some(i)) = self.disease_names.get(&c.name) {
                if !c.narrower {
                    return self.file.diseases[*i].id.clone();
                }
                parent = parent.or(Some(self.file.diseases[*i].id.clone()));
            }
        }
        let name = conditions::disease_name(condition);
        let id = self.new_id(&name, "condition");
        let i = self.file.diseases.len();
        self.file.diseases.push(Disease {
            id: id.clone(),
            name: Names::en(&name),
            parent,
            ..Default::default()
        });
        register_key(&mut self.disease_names, conditions::norm(&name), i);
        register_key(&mut self.disease_names, conditions::norm(condition), i);
        id
    }

    /// Adds one study.
    pub fn add(&mut self, mut d: Draft) -> Added {
        // The source: replaced when an earlier import made it, else added under a free id.
        let src_id = d.source.id.clone();
        if let Some(&i) = self.source_index.get(&src_id) {
            self.file.sources[i] = d.source.clone();
        } else {
            if self.ids.contains(&src_id) {
                let new = self.new_id(&src_id, "ctgov");
                retarget(&mut d, &src_id, &new);
            } else {
                self.ids.insert(src_id.clone());
            }
            self.source_index
                .insert(d.source.id.clone(), self.file.sources.len());
            self.file.sources.push(d.source.clone());
        }

        let therapy_ids: Vec<String> = d.therapies.iter().map(|t| self.link_therapy(t)).collect();
        // Lists from the record are de-duplicated by look-up, never by searching what is kept.
        for (arm, idx) in d.trial.arms.iter_mut().zip(&d.arm_therapies) {
            let mut have: HashSet<String> = arm.therapies.iter().cloned().collect();
            for &i in idx {
                if let Some(id) = therapy_ids.get(i)
                    && have.insert(id.clone())
                {
                    arm.therapies.push(id.clone());
                }
            }
        }
        let mut have: HashSet<String> = d.trial.diseases.iter().cloned().collect();
        for c in &d.conditions {
            let id = self.link_disease(c);
            if have.insert(id.clone()) {
                d.trial.diseases.push(id);
            }
        }
        // A condition that names a stage or setting ("Stage IIIA Lung Cancer AJCC v8") links
        // to its disease; the stage is kept as the trial's setting, in the registry's words.
        if d.trial.setting.is_none() {
            let staged: Vec<&str> = d
                .conditions
                .iter()
                .filter(|c| conditions::is_staged(c))
                .map(String::as_str)
                .collect();
            if !staged.is_empty() {
                d.trial.setting = Some(staged.join("; "));
            }
        }

        let nct = d.nct.to_ascii_uppercase();
        match self.registry.get(&nct).copied() {
            Some(i) => {
                let src = d.source.id.clone();
                let existing = &self.file.trials[i];
                if only_from(existing, &src) {
                    let id = existing.id.clone();
                    d.trial.id = id.clone();
                    self.file.trials[i] = d.trial;
                    Added::Replaced(id)
                } else {
                    let id = existing.id.clone();
                    update_curated(&mut self.file.trials[i], d.trial, &src);
                    Added::Curated(id)
                }
            }
            None => {
                let id = self.new_id(&d.nct, "trial");
                d.trial.id = id.clone();
                let i = self.file.trials.len();
                for r in &d.trial.registry_ids {
                    if r.eq_ignore_ascii_case(&d.nct) {
                        self.registry.insert(r.to_ascii_uppercase(), i);
                    }
                }
                self.file.trials.push(d.trial);
                Added::New(id)
            }
        }
    }
}

/// Points every citation of a draft at another source id.
fn retarget(d: &mut Draft, from: &str, to: &str) {
    d.source.id = to.to_string();
    let fix = |c: &mut crate::corpus::Citation| {
        if c.source == from {
            c.source = to.to_string();
        }
    };
    d.trial.citations.iter_mut().for_each(fix);
    d.trial
        .outcomes
        .iter_mut()
        .for_each(|o| fix(&mut o.citation));
    d.trial
        .notes
        .iter_mut()
        .filter_map(|n| n.citation.as_mut())
        .for_each(fix);
    d.therapies.iter_mut().for_each(|t| fix(&mut t.citation));
}

/// Whether everything a trial cites is the registry record `src` (an earlier import).
fn only_from(t: &Trial, src: &str) -> bool {
    t.citations.iter().all(|c| c.source == src)
        && t.outcomes.iter().all(|o| o.citation.source == src)
        && t.notes
            .iter()
            .filter_map(|n| n.citation.as_ref())
            .all(|c| c.source == src)
}

/// Gives a hand-curated trial the registry's data without losing what the curator wrote:
/// earlier imports from `src` are removed, then the registry's arms (matched to existing arms
/// by label), outcomes, notes and citation are added; ids, aliases and diseases are merged;
/// empty fields are filled; the status is the registry's, which is current.
fn update_curated(t: &mut Trial, mut new: Trial, src: &str) {
    let from_src = |c: &crate::corpus::Citation| c.source == src;
    t.outcomes.retain(|o| !from_src(&o.citation));
    t.notes.retain(|n| match &n.citation {
        Some(c) => !from_src(c),
        None => !n.text.starts_with("ClinicalTrials.gov: "),
    });
    t.citations.retain(|c| !from_src(c));

    let remap = merge_arms(t, std::mem::take(&mut new.arms));
    let to = |a: &mut Option<String>| {
        if let Some(x) = a.as_ref()
            && let Some(y) = remap.get(x)
        {
            *a = Some(y.clone());
        }
    };
    for mut o in std::mem::take(&mut new.outcomes) {
        o.values.iter_mut().for_each(|v| to(&mut v.arm));
        t.outcomes.push(o);
    }
    // The registry's tables replace those of an earlier import of the same record; tables
    // from another source are kept.
    if let Some(mut s) = new.safety.take()
        && t.safety.as_ref().is_none_or(|x| from_src(&x.citation))
    {
        s.groups.iter_mut().for_each(|g| to(&mut g.arm));
        t.safety = Some(s);
    }
    if let Some(mut b) = new.baseline.take()
        && t.baseline.as_ref().is_none_or(|x| from_src(&x.citation))
    {
        b.groups.iter_mut().for_each(|g| to(&mut g.arm));
        t.baseline = Some(b);
    }
    merge_names(t, &mut new);
    fill_empty(t, new);
}

/// Adds the registry's arms that the trial lacks (matched by label); the registry's arm ids,
/// each mapped to the trial's id for that arm.
fn merge_arms(t: &mut Trial, arms: Vec<crate::corpus::Arm>) -> HashMap<String, String> {
    // Every list is matched by look-up (label → first arm with it, ids, keys), so that a
    // record of many arms, ids, aliases or conditions merges in time linear in their number.
    let mut remap: HashMap<String, String> = HashMap::new();
    let mut by_label: HashMap<String, usize> = HashMap::new();
    for (i, a) in t.arms.iter().enumerate() {
        for l in a.label.iter() {
            by_label.entry(key(l)).or_insert(i);
        }
    }
    let mut arm_ids: HashSet<String> = t.arms.iter().map(|a| a.id.clone()).collect();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    for mut arm in arms {
        let label = key(arm.label.get(crate::corpus::Lang::En));
        if let Some(&e) = by_label.get(&label) {
            remap.insert(arm.id.clone(), t.arms[e].id.clone());
            continue;
        }
        let base = arm.id.clone();
        let mut id = base.clone();
        if arm_ids.contains(&id) {
            let n = next_suffix.entry(base.clone()).or_insert(2);
            loop {
                id = format!("{base}-{n}");
                *n += 1;
                if !arm_ids.contains(&id) {
                    break;
                }
            }
        }
        arm_ids.insert(id.clone());
        remap.insert(base, id.clone());
        arm.id = id;
        for l in arm.label.iter() {
            by_label.entry(key(l)).or_insert(t.arms.len());
        }
        t.arms.push(arm);
    }
    remap
}

/// Registry ids, aliases (the registry's acronym and title among them) and diseases the trial
/// lacks.
fn merge_names(t: &mut Trial, new: &mut Trial) {
    let mut have: HashSet<String> = t
        .registry_ids
        .iter()
        .map(|x| x.to_ascii_lowercase())
        .collect();
    for r in std::mem::take(&mut new.registry_ids) {
        if have.insert(r.to_ascii_lowercase()) {
            t.registry_ids.push(r);
        }
    }
    let mut also: Vec<String> = std::mem::take(&mut new.aliases);
    if let Some(a) = &new.acronym
        && t.acronym
            .as_deref()
            .is_some_and(|x| !x.eq_ignore_ascii_case(a))
    {
        also.push(a.clone());
    }
    if let Some(title) = &new.title.en
        && t.title.en.as_deref() != Some(title.as_str())
    {
        also.push(title.clone());
    }
    let mut have: HashSet<String> = t.aliases.iter().map(|x| key(x)).collect();
    for a in also {
        if have.insert(key(&a)) {
            t.aliases.push(a);
        }
    }
    let mut have: HashSet<String> = t.diseases.iter().cloned().collect();
    for d in std::mem::take(&mut new.diseases) {
        if have.insert(d.clone()) {
            t.diseases.push(d);
        }
    }
}

/// The registry's facts where the trial has none; the registry's status; its notes and
/// citation added.
fn fill_empty(t: &mut Trial, new: Trial) {
    if t.acronym.is_none() {
        t.acronym = new.acronym;
    }
    if t.phase.is_none() {
        t.phase = new.phase;
    }
    if t.design == crate::corpus::Design::Unspecified {
        t.design = new.design;
    }
    if t.design_note.is_none() {
        t.design_note = new.design_note;
    }
    if t.enrolment.is_none() {
        t.enrolment = new.enrolment;
    }
    if t.countries.is_empty() {
        t.countries = new.countries;
    }
    if t.centres.is_none() {
        t.centres = new.centres;
    }
    if t.started.is_none() {
        t.started = new.started;
    }
    if t.year.is_none() && t.reported_in.is_none() {
        t.year = new.year;
        t.reported_in = new.reported_in;
    }
    t.status = new.status;
    t.notes.extend(new.notes);
    t.citations.extend(new.citations);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::validate::is_valid_id;

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("Breast Cancer", 48), "breast-cancer");
        assert_eq!(slug("  Nr-axSpA ", 48), "nr-axspa");
        assert_eq!(slug("NCT02513394", 48), "nct02513394");
        assert_eq!(slug("µg/mL — 肝癌", 48), "g-ml");
        assert_eq!(slug("肝癌", 48), "");
        let long = slug(
            "Stage III Uterine Corpus Endometrial Stromal Sarcoma AJCC v8",
            48,
        );
        assert!(long.len() <= 48 && is_valid_id(&long), "{long}");
        assert!(is_valid_id(&slug("a--b__c", 48)));
    }

    #[test]
    fn ambiguous_names_link_nothing() {
        let mut idx = NameIndex::new();
        register(&mut idx, "CT", 0);
        register(&mut idx, "ct", 1);
        register(&mut idx, "Cisplatin", 2);
        register(&mut idx, "cisplatin", 2);
        assert_eq!(idx.get("ct"), Some(&None));
        assert_eq!(idx.get("cisplatin"), Some(&Some(2)));
    }
}
