//! The trial's arms: the protocol's arm groups, and the result groups (participant flow,
//! outcome measures, adverse events) matched to them.

use std::collections::{HashMap, HashSet};

use super::api::*;
use crate::corpus::{Arm, Names};
use crate::import::draft::TherapyDraft;
use crate::import::names::{fold, slug, unescape};

// ---------------------------------------------------------------------------------------------
// Arms and result groups.

#[derive(Default)]
pub(super) struct ArmSet<'s> {
    arms: Vec<ArmEntry>,
    /// Every arm's id, and for each base id the next suffix to try (see `unique_id`).
    ids: HashSet<String>,
    next_suffix: HashMap<String, usize>,
    /// Result group (title, description) → arm id, for groups already matched.
    memo: std::collections::HashMap<GroupKey<'s>, String>,
}

pub(super) struct ArmEntry {
    arm: Arm,
    /// The label, folded for matching.
    label_key: String,
    /// The protocol's description, folded, to recognise result groups that repeat it.
    desc_key: Option<String>,
    therapies: Vec<usize>,
    experimental: bool,
    /// Created from a result group that matches no protocol arm.
    from_results: bool,
    /// A result group was matched to this protocol arm.
    matched: bool,
    /// Whether `label` was already improved from a result group's title.
    titled: bool,
}

/// A result group as the record names it, to remember which arm it matched: the same groups
/// recur in every outcome measure. Hashing reads only the title and the description's length
/// and ends (descriptions run to hundreds of bytes); equality compares them whole.
#[derive(PartialEq, Eq)]
pub(super) struct GroupKey<'s> {
    title: &'s str,
    description: Option<&'s str>,
}

impl std::hash::Hash for GroupKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.title.hash(h);
        if let Some(d) = self.description {
            let b = d.as_bytes();
            b.len().hash(h);
            b[..b.len().min(16)].hash(h);
            b[b.len().saturating_sub(16)..].hash(h);
        }
    }
}

/// A title without a trailing parenthesised population: `Placebo (FAS)` → `Placebo`.
pub(super) fn strip_population(t: &str) -> &str {
    let t = t.trim();
    if t.ends_with(')')
        && let Some(open) = t.rfind('(')
        && open > 0
    {
        return t[..open].trim_end();
    }
    t
}

impl<'s> ArmSet<'s> {
    pub(super) fn push_protocol(
        &mut self,
        label: String,
        description: Option<String>,
        therapies: Vec<usize>,
        control: bool,
        experimental: bool,
    ) {
        let id = self.unique_id(&label);
        self.arms.push(ArmEntry {
            arm: Arm {
                id,
                label: Names::en(&label),
                therapies: Vec::new(),
                n: None,
                control,
            },
            label_key: fold(&label),
            desc_key: description.as_deref().map(fold),
            therapies,
            experimental,
            from_results: false,
            matched: false,
            titled: false,
        });
    }

    /// A new arm id from a label, unique among the arms, and reserved. The suffixes a base
    /// has been found to collide with are not tried again: ids are never given back.
    fn unique_id(&mut self, label: &str) -> String {
        let base = {
            let s = slug(label, 40);
            if s.is_empty() { "arm".to_string() } else { s }
        };
        let mut id = base.clone();
        let n = self.next_suffix.entry(base.clone()).or_insert(2);
        if self.ids.contains(&id) {
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

    /// Marks a control when the registry names none: a randomised trial whose arms are all
    /// experimental but one, or an arm that gives only a placebo.
    pub(super) fn infer_control(&mut self, randomised: bool, therapies: &[TherapyDraft]) {
        if self.arms.iter().any(|a| a.arm.control) {
            return;
        }
        for a in &mut self.arms {
            if !a.therapies.is_empty()
                && a.therapies.iter().all(|&i| {
                    therapies
                        .get(i)
                        .is_some_and(|t| t.name.to_lowercase().contains("placebo"))
                })
            {
                a.arm.control = true;
            }
        }
        if self.arms.iter().any(|a| a.arm.control) || !randomised || self.arms.len() < 2 {
            return;
        }
        let others: Vec<usize> = (0..self.arms.len())
            .filter(|&i| !self.arms[i].experimental)
            .collect();
        if let [only] = others[..] {
            self.arms[only].arm.control = true;
        }
    }

    /// The protocol arm a result group names, by the rules of [`ArmSet::arm_for`].
    fn find(&self, title: &str, ft: &str, desc: Option<&str>) -> Option<usize> {
        let one = |v: Vec<usize>| if v.len() == 1 { Some(v[0]) } else { None };
        self.arms
            .iter()
            .position(|a| a.label_key == ft)
            .or_else(|| {
                let d = desc.filter(|d| d.len() >= 20)?;
                let same = |ad: &str| {
                    ad == d
                        || (ad.len() >= 60
                            && d.len() >= 60
                            && ad.as_bytes()[..60] == d.as_bytes()[..60])
                };
                one(self
                    .arms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| !a.from_results && a.desc_key.as_deref().is_some_and(same))
                    .map(|(i, _)| i)
                    .collect())
            })
            .or_else(|| {
                one(self
                    .arms
                    .iter()
                    .enumerate()
                    .filter(|(_, a)| !a.from_results && ft.contains(&format!("({})", a.label_key)))
                    .map(|(i, _)| i)
                    .collect())
            })
            .or_else(|| {
                let stripped = fold(strip_population(title));
                self.arms.iter().position(|a| a.label_key == stripped)
            })
    }

    /// The arm a result group (`OG000`, `FG000`, `EG000`) describes, created when the
    /// protocol has none that matches. Matching, in order: the same title; the same
    /// description; the arm's label in parentheses in the title (`… (Arm A)`); the title
    /// without a trailing population (`Placebo (FAS)`) equal to the label.
    pub(super) fn arm_for(
        &mut self,
        title: &'s str,
        description: Option<&'s str>,
        create: bool,
    ) -> Option<String> {
        // The same groups recur in every outcome measure.
        let memo_key = GroupKey { title, description };
        if let Some(id) = self.memo.get(&memo_key) {
            return Some(id.clone());
        }
        let title = unescape(title);
        if title.is_empty() {
            return None;
        }
        let ft = fold(&title);
        let desc = description.map(|d| fold(&unescape(d)));
        let found = self.find(&title, &ft, desc.as_deref());
        let id = if let Some(i) = found {
            let a = &mut self.arms[i];
            a.matched = true;
            // `Arm A` says less than `Palbociclib Plus Endocrine Therapy (Arm A)`.
            if !a.titled && !a.from_results && ft.contains(&format!("({})", a.label_key)) {
                a.arm.label = Names::en(&title);
                a.label_key = ft;
                a.titled = true;
            }
            a.arm.id.clone()
        } else {
            // Once every arm of the protocol has its result group, a group left over is a
            // subset or a later period of those arms, not an arm of the comparison:
            // C-AXSPAND's `Placebo->OL CZP (SS)` and `SFE OL CZP 200 mg Q2W (SS)` are the
            // open-label extension of its two randomised arms. Its figures go to the
            // outcome's note instead.
            let protocol_covered = self.arms.iter().any(|a| !a.from_results)
                && self.arms.iter().all(|a| a.from_results || a.matched);
            if !create || protocol_covered {
                return None;
            }
            let id = self.unique_id(&title);
            self.arms.push(ArmEntry {
                arm: Arm {
                    id: id.clone(),
                    label: Names::en(&title),
                    therapies: Vec::new(),
                    n: None,
                    control: false,
                },
                label_key: ft,
                desc_key: desc,
                therapies: Vec::new(),
                experimental: false,
                from_results: true,
                matched: true,
                titled: true,
            });
            id
        };
        self.memo.insert(memo_key, id.clone());
        Some(id)
    }

    /// Arm sizes from the participant flow: the first non-zero `STARTED` count of each group.
    pub(super) fn flow_counts(&mut self, flow: &'s FlowModule) {
        for g in &flow.groups {
            let (Some(gid), Some(title)) = (nonempty(&g.id), nonempty(&g.title)) else {
                continue;
            };
            let Some(arm) = self.arm_for(title, nonempty(&g.description), false) else {
                continue;
            };
            let started = flow
                .periods
                .iter()
                .flat_map(|p| &p.milestones)
                .filter(|m| nonempty(&m.kind).is_some_and(|k| k.eq_ignore_ascii_case("STARTED")))
                .flat_map(|m| &m.achievements)
                .filter(|a| nonempty(&a.group_id) == Some(gid))
                .filter_map(|a| text(&a.num_subjects)?.parse::<u32>().ok())
                .find(|&n| n > 0);
            if let Some(n) = started
                && let Some(e) = self.arms.iter_mut().find(|e| e.arm.id == arm)
                && e.arm.n.is_none()
            {
                e.arm.n = Some(n);
            }
        }
    }

    pub(super) fn finish(self) -> (Vec<Arm>, Vec<Vec<usize>>) {
        self.arms.into_iter().map(|e| (e.arm, e.therapies)).unzip()
    }
}

/// The protocol's arms, each with the draft therapies (indices into `therapies`) it gives. An
/// arm gives the interventions that list its label, and those it names itself (`Drug:
/// Carboplatin` or `Carboplatin`), in the order of the interventions. Both are looked up, so
/// that a record with many arms and interventions is not searched arm by intervention.
pub(super) fn protocol_arms<'s>(ai: &ArmsInterventions, therapies: &[TherapyDraft]) -> ArmSet<'s> {
    let interventions = &ai.interventions;
    let mut by_label: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (k, iv) in interventions.iter().enumerate() {
        let Some(name) = nonempty(&iv.name) else {
            continue;
        };
        by_name
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(k);
        for l in &iv.arm_group_labels {
            by_label
                .entry(l.trim().to_ascii_lowercase())
                .or_default()
                .push(k);
        }
    }
    // Nameless interventions have no draft, so drafts are found by name.
    let mut draft_of: HashMap<&str, usize> = HashMap::new();
    for (d, t) in therapies.iter().enumerate() {
        draft_of.entry(t.name.as_str()).or_insert(d);
    }
    let mut arms = ArmSet::default();
    for g in &ai.arm_groups {
        let Some(label) = clean_opt(&g.label) else {
            continue;
        };
        let mut given: Vec<usize> = Vec::new();
        let mut add = |key: &str| {
            if let Some(ks) = by_name.get(&key.to_ascii_lowercase()) {
                given.extend(ks);
            }
        };
        for n in &g.intervention_names {
            let n = n.trim();
            add(n);
            if let Some((_, rest)) = n.split_once(':') {
                add(rest.trim());
            }
        }
        if let Some(ks) = by_label.get(&label.to_ascii_lowercase()) {
            given.extend(ks);
        }
        given.sort_unstable();
        given.dedup();
        let mut ther: Vec<usize> = Vec::new();
        let mut have: HashSet<usize> = HashSet::new();
        for k in given {
            if let Some(name) = nonempty(&interventions[k].name)
                && let Some(&d) = draft_of.get(unescape(name).as_str())
                && have.insert(d)
            {
                ther.push(d);
            }
        }
        let kind = g.kind.as_deref().unwrap_or("").to_ascii_uppercase();
        arms.push_protocol(
            label,
            clean_opt(&g.description),
            ther,
            matches!(
                kind.as_str(),
                "PLACEBO_COMPARATOR" | "ACTIVE_COMPARATOR" | "SHAM_COMPARATOR" | "NO_INTERVENTION"
            ),
            kind == "EXPERIMENTAL",
        );
    }
    arms
}
