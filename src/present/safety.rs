//! The safety and baseline sections of a trial's detail: the registry's adverse-event and
//! baseline tables, as counts the registry gives, and what the sources state about harms
//! (a trial's or a therapy's safety statements, each with its quote).

use super::detail::cite_line;
use super::doc::{Doc, Role, span};
use crate::corpus::{Corpus, Lang, Safety, SafetyStatement, Trial};
use crate::i18n::{tr, trf};

/// The detail's "Safety" section: each group's participants with a serious adverse event (and
/// deaths) of those at risk, and the most frequent serious and other events, every figure as
/// the registry gives it (counts, never rates evidex computed). Nothing without the table.
pub(super) fn safety_section(d: &mut Doc, c: &Corpus, t: &Trial, lang: Lang) {
    let group_label = |label: &str, arm: Option<&str>| {
        arm.and_then(|a| t.arms.iter().find(|x| x.id == a))
            .map_or_else(|| label.to_string(), |a| a.label.get(lang).to_string())
    };
    if t.safety.is_none() && !t.safety_statements.is_empty() {
        d.heading("Safety");
    }
    if let Some(s) = &t.safety {
        d.heading("Safety");
        let labels: Vec<String> = s
            .groups
            .iter()
            .map(|g| group_label(&g.label, g.arm.as_deref()))
            .collect();
        participants(d, s, &labels, lang);
        for serious in [true, false] {
            frequent_events(d, s, &labels, serious, lang);
        }
        if let Some(tf) = &s.time_frame {
            d.para(2, Role::Dim, &trf(lang, "Time frame: %{tf}", &[("tf", tf)]));
        }
        cite_line(d, c, &s.citation, 2);
    }
    statements(d, c, &t.safety_statements, &|arm| {
        t.arms
            .iter()
            .find(|a| a.id == arm)
            .map(|a| a.label.get(lang).to_string())
    });
}

/// How many event terms of each kind the safety section lists.
const TOP: usize = 5;

/// Each group's participants with a serious adverse event (and deaths) of those at risk.
fn participants(d: &mut Doc, s: &Safety, labels: &[String], lang: Lang) {
    let w = labels
        .iter()
        .map(|l| crate::text::width(l))
        .max()
        .unwrap_or(0)
        .min(36);
    d.line(
        2,
        vec![span(
            Role::Label,
            &tr(lang, "Serious adverse events, participants"),
        )],
    );
    for (g, label) in s.groups.iter().zip(labels) {
        let mut text = match g.serious {
            Some(a) => trf(
                lang,
                "%{n} of %{of}",
                &[("n", &a.affected), ("of", &a.at_risk)],
            ),
            None => tr(lang, "not reported").into_owned(),
        };
        if let Some(a) = g.deaths {
            text.push_str(&trf(
                lang,
                "; deaths %{n} of %{of}",
                &[("n", &a.affected), ("of", &a.at_risk)],
            ));
        }
        d.line(
            4,
            vec![
                span(Role::Plain, &format!("{}  ", crate::text::fit(label, w))),
                span(Role::Value, &text),
            ],
        );
    }
}

/// The most frequent serious (or other) events, with each group's count.
fn frequent_events(d: &mut Doc, s: &Safety, labels: &[String], serious: bool, lang: Lang) {
    let mut events: Vec<&crate::corpus::AdverseEvent> =
        s.events.iter().filter(|e| e.serious == serious).collect();
    if events.is_empty() {
        return;
    }
    let total = |e: &crate::corpus::AdverseEvent| -> u64 {
        e.counts.iter().map(|n| u64::from(n.affected)).sum()
    };
    events.sort_by_key(|e| std::cmp::Reverse(total(e)));
    let heading = if serious {
        "Most frequent serious events (%{n} of %{of} terms, by participants affected)"
    } else {
        "Most frequent other events (%{n} of %{of} terms, by participants affected)"
    };
    d.line(
        2,
        vec![span(
            Role::Label,
            &trf(
                lang,
                heading,
                &[("n", &events.len().min(TOP)), ("of", &events.len())],
            ),
        )],
    );
    for e in events.iter().take(TOP) {
        let counts: Vec<String> = e
            .counts
            .iter()
            .map(|n| {
                let g = s.groups.iter().position(|g| g.id == n.group);
                let label = g.map_or(n.group.as_str(), |i| labels[i].as_str());
                let of = trf(
                    lang,
                    "%{n} of %{of}",
                    &[("n", &n.affected), ("of", &n.at_risk)],
                );
                format!("{label} {of}")
            })
            .collect();
        let what = match &e.organ_system {
            Some(o) => format!("{} ({o})", e.term),
            None => e.term.clone(),
        };
        d.para(4, Role::Plain, &format!("{what}: {}", counts.join("; ")));
    }
}

/// A therapy's "Safety" section: what the sources state about its harms.
pub(super) fn therapy_safety_section(d: &mut Doc, c: &Corpus, t: &crate::corpus::Therapy) {
    if !t.safety_statements.is_empty() {
        d.heading("Safety");
        statements(d, c, &t.safety_statements, &|_| None);
    }
}

/// Safety statements under the label that says they are the sources' words: each with the
/// arm it is about and its quote.
fn statements(
    d: &mut Doc,
    c: &Corpus,
    statements: &[SafetyStatement],
    arm_label: &dyn Fn(&str) -> Option<String>,
) {
    if statements.is_empty() {
        return;
    }
    d.line(
        2,
        vec![span(Role::Label, &tr(d.lang, "Stated by the sources"))],
    );
    for s in statements {
        let text = match s.arm.as_deref().and_then(arm_label) {
            Some(arm) => format!("• {arm}: {}", s.text),
            None => format!("• {}", s.text),
        };
        d.para(4, Role::Plain, &text);
        cite_line(d, c, &s.citation, 6);
    }
}

/// The detail's "Baseline" section: each characteristic the registry reports (age, sex, race
/// or ethnicity, region, performance status) per group, as given.
pub(super) fn baseline_section(d: &mut Doc, c: &Corpus, t: &Trial, lang: Lang) {
    let group_label = |label: &str, arm: Option<&str>| {
        arm.and_then(|a| t.arms.iter().find(|x| x.id == a))
            .map_or_else(|| label.to_string(), |a| a.label.get(lang).to_string())
    };
    if let Some(b) = &t.baseline {
        d.heading("Baseline");
        for ch in &b.characteristics {
            let mut head = ch.title.clone();
            let about: Vec<&str> = [&ch.param, &ch.dispersion, &ch.unit]
                .into_iter()
                .filter_map(|x| x.as_deref())
                .collect();
            if !about.is_empty() {
                head.push_str(&format!(" ({})", about.join(", ")));
            }
            d.line(2, vec![span(Role::Label, &head)]);
            for row in &ch.rows {
                let name: Vec<&str> = [&row.class, &row.category]
                    .into_iter()
                    .filter_map(|x| x.as_deref())
                    .collect();
                let values: Vec<String> = row
                    .values
                    .iter()
                    .map(|v| {
                        let g = b.groups.iter().find(|g| g.id == v.group);
                        let label =
                            g.map_or(v.group.clone(), |g| group_label(&g.label, g.arm.as_deref()));
                        let mut s = format!("{label} {}", v.value);
                        if let Some(sp) = &v.spread {
                            s.push_str(&format!(" ({sp})"));
                        } else if v.low.is_some() || v.high.is_some() {
                            let end = |x: &Option<crate::corpus::Num>| {
                                x.as_ref().map_or("NA".to_string(), |n| n.to_string())
                            };
                            s.push_str(&trf(
                                lang,
                                " (%{low} to %{high})",
                                &[("low", &end(&v.low)), ("high", &end(&v.high))],
                            ));
                        }
                        s
                    })
                    .collect();
                let line = if name.is_empty() {
                    values.join("; ")
                } else {
                    format!("{}: {}", name.join(", "), values.join("; "))
                };
                d.para(4, Role::Plain, &line);
            }
        }
        cite_line(d, c, &b.citation, 2);
    }
}
