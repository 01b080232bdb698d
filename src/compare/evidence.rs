//! A therapy's evidence: the studies that give it, its role in each (experimental arm or
//! control), and which of them a comparison takes.

use super::{Caveat, CaveatKind, MAX_COLUMNS};
use crate::corpus::{Corpus, Kind, Lang, RecordRef, Trial};
use crate::i18n::{tr, trf};

/// How a therapy takes part in a trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Given in an experimental arm and not in the control arm: the trial tests it.
    Tested,
    /// Given in both arms: the trial tests what is added to it.
    Background,
    /// Given only in the control arm: it is the comparator.
    Control,
}

/// Whether `arm_therapy` is the therapy `id` or a regimen that contains it.
pub(super) fn gives(c: &Corpus, arm_therapy: &str, id: &str, depth: u8) -> bool {
    arm_therapy == id
        || (depth < 8
            && c.therapy_by_id(arm_therapy)
                .is_some_and(|t| t.components.iter().any(|x| gives(c, x, id, depth + 1))))
}

/// The role of therapy `id` in trial `t`, if it is given there.
pub fn role_in(c: &Corpus, t: &Trial, id: &str) -> Option<Role> {
    let in_arm = |control: bool| {
        t.arms
            .iter()
            .filter(|a| a.control == control)
            .any(|a| a.therapies.iter().any(|x| gives(c, x, id, 0)))
    };
    match (in_arm(false), in_arm(true)) {
        (true, false) => Some(Role::Tested),
        (true, true) => Some(Role::Background),
        (false, true) => Some(Role::Control),
        (false, false) => None,
    }
}

/// The studies `v` compares for a therapy, and the caveat that says which and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub records: Vec<RecordRef>,
    pub caveat: Caveat,
}

/// Chooses up to [`MAX_COLUMNS`] studies of therapy `index`: those that give it in an
/// experimental arm (alone, with more, or within a regimen), strongest evidence first, then
/// the newest; the studies where it is only the comparator come in only when there is no
/// other. The caveat names the rule, what was left out, and where the therapy is in both arms.
pub fn evidence(c: &Corpus, index: u32, lang: Lang) -> Evidence {
    let studies = ranked_studies(c, index);
    let experimental = studies.iter().filter(|(r, _)| *r != Role::Control).count();
    let only_control = experimental == 0;
    let taken: Vec<(Role, u32)> = studies
        .iter()
        .copied()
        .filter(|(r, _)| only_control || *r != Role::Control)
        .take(MAX_COLUMNS)
        .collect();
    let text = selection_text(c, c.therapy(index).name.get(lang), &studies, &taken, lang);
    Evidence {
        records: taken
            .iter()
            .map(|&(_, i)| RecordRef::new(Kind::Trial, i as usize))
            .collect(),
        caveat: Caveat {
            kind: CaveatKind::Selection,
            text,
        },
    }
}

/// The studies of therapy `index` with its role in each: those where it is only the control
/// last, then strongest evidence first, then the newest.
fn ranked_studies(c: &Corpus, index: u32) -> Vec<(Role, u32)> {
    let th = c.therapy(index);
    let mut studies: Vec<(Role, u32)> = c
        .trials_of_therapy(index)
        .iter()
        .filter_map(|&i| role_in(c, c.trial(i), &th.id).map(|r| (r, i)))
        .collect();
    studies.sort_by(|a, b| {
        let (ta, tb) = (c.trial(a.1), c.trial(b.1));
        (a.0 == Role::Control)
            .cmp(&(b.0 == Role::Control))
            .then(ta.evidence_level().cmp(&tb.evidence_level()))
            .then(tb.year.cmp(&ta.year))
            .then(ta.id.cmp(&tb.id))
    });
    studies
}

/// The caveat's text: the rule that chose the `taken` of the `studies` of the therapy
/// `name`, what was left out, and where the therapy is in both arms.
fn selection_text(
    c: &Corpus,
    name: &str,
    studies: &[(Role, u32)],
    taken: &[(Role, u32)],
    lang: Lang,
) -> String {
    let experimental = studies.iter().filter(|(r, _)| *r != Role::Control).count();
    let only_control = experimental == 0;
    let total = studies.len();
    let n = taken.len();
    let args: [(&str, &dyn std::fmt::Display); 5] = [
        ("name", &name),
        ("n", &n),
        ("total", &total),
        ("experimental", &experimental),
        ("max", &MAX_COLUMNS),
    ];
    let mut text = if only_control {
        trf(
            lang,
            "Studies of %{name}: %{n} of %{total}. %{name} is only ever the control arm in them: they compare other treatments with it; strongest evidence first, then newest, at most %{max}.",
            &args,
        )
    } else {
        trf(
            lang,
            "Studies of %{name}: %{n} of %{total}, those with it in an experimental arm (%{experimental}), strongest evidence first, then newest, at most %{max}.",
            &args,
        )
    };
    let left = if only_control { total } else { experimental } - n;
    if left > 0 {
        text.push_str(&trf(
            lang,
            " %{n} more left out for the limit.",
            &[("n", &left)],
        ));
    }
    let ctrl = studies.iter().filter(|(r, _)| *r == Role::Control).count();
    if !only_control && ctrl > 0 {
        text.push_str(&trf(
            lang,
            " %{n} where it is only the control arm not taken.",
            &[("n", &ctrl)],
        ));
    }
    let both: Vec<&str> = taken
        .iter()
        .filter(|(r, _)| *r == Role::Background)
        .map(|&(_, i)| c.name_of(RecordRef::new(Kind::Trial, i as usize), lang))
        .collect();
    if both.len() == n && n > 0 {
        text.push_str(&tr(
            lang,
            " It is in both arms of each: they test what is added to it.",
        ));
    } else if !both.is_empty() {
        text.push_str(&trf(
            lang,
            " It is in both arms of %{names}: they test what is added to it.",
            &[("names", &both.join(", "))],
        ));
    }
    text
}
