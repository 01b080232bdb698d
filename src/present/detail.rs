//! The detail document of each kind of record: a trial, a therapy, a disease, a source.

use super::doc::{Doc, Role, span};
use super::figures::{best_value_index, design_line, headline, ratio, value};
use crate::corpus::{ArmValue, Citation, Corpus, Kind, Lang, Names, RecordRef, Trial};
use crate::i18n::{tr, trf};

fn names_line(n: &Names, lang: Lang) -> String {
    let first = n.get(lang);
    let other = n.get(lang.toggle());
    if other != first && !other.is_empty() {
        format!("{first} · {other}")
    } else {
        first.to_string()
    }
}

pub(super) fn cite_line(doc: &mut Doc, c: &Corpus, cit: &Citation, indent: u16) {
    doc.para(indent, Role::Quote, &format!("“{}”", cit.quote.trim()));
    let src = c
        .resolve(&cit.source)
        .map(|r| (r, c.name_of(r, Lang::En).to_string()));
    let mut spans = vec![span(Role::Dim, "— ")];
    let label = match cit.reference {
        Some(n) => format!("{} [{n}]", cit.source),
        None => cit.source.clone(),
    };
    spans.push(span(Role::Link, &label));
    match src {
        Some((r, _)) => doc.link(indent + 2, r, spans),
        None => doc.line(indent + 2, spans),
    }
}

/// How many linked records a detail lists under one heading. A registry-sized corpus links a
/// drug to tens of thousands of trials; the document is built for every frame and keystroke,
/// so it stays this size whatever the corpus.
pub const LINKS: usize = 200;

/// "… and N more" under a list cut at [`LINKS`], with where to find the rest.
fn more(d: &mut Doc, total: usize, hint: &str) {
    if total > LINKS {
        d.line(
            2,
            vec![span(
                Role::Dim,
                &trf(
                    d.lang,
                    "… and %{n} more (%{hint})",
                    &[("n", &(total - LINKS)), ("hint", &tr(d.lang, hint))],
                ),
            )],
        );
    }
}

thread_local! {
    static BUILDS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many detail documents this thread has built: tests check that a keystroke builds at
/// most one (the TUI keeps the document in its state).
pub fn detail_builds() -> usize {
    BUILDS.with(|n| n.get())
}

/// The detail document of any record.
pub fn detail(c: &Corpus, r: RecordRef, lang: Lang) -> Doc {
    BUILDS.with(|n| n.set(n.get() + 1));
    match r.kind {
        Kind::Trial => trial_doc(c, c.trial(r.index), lang),
        Kind::Therapy => therapy_doc(c, r.index, lang),
        Kind::Disease => disease_doc(c, r.index, lang),
        Kind::Source => source_doc(c, r.index, lang),
    }
}

fn record_link(doc: &mut Doc, c: &Corpus, r: RecordRef, lang: Lang, extra: &str) {
    let mut spans = vec![span(Role::Link, &format!("→ {}", c.name_of(r, lang)))];
    if !extra.is_empty() {
        spans.push(span(Role::Dim, &format!("  {extra}")));
    }
    doc.link(2, r, spans);
}

fn trial_doc(c: &Corpus, t: &Trial, lang: Lang) -> Doc {
    let mut d = Doc::new(lang);
    trial_title(&mut d, t, lang);
    trial_overview(&mut d, c, t);
    trial_arms(&mut d, c, t, lang);
    if !t.outcomes.is_empty() {
        d.heading("Outcomes");
        for (i, o) in t.outcomes.iter().enumerate() {
            let start = d.lines.len();
            outcome(&mut d, c, t, o, lang);
            d.outcomes.push((start, d.lines.len(), i));
        }
    } else if t.awaiting_results() {
        d.heading("Outcomes");
        d.line(2, vec![span(Role::Dim, &tr(lang, "no results yet"))]);
    }
    super::safety::safety_section(&mut d, c, t, lang);
    super::safety::baseline_section(&mut d, c, t, lang);
    let diseases: Vec<RecordRef> = t.diseases.iter().filter_map(|id| c.resolve(id)).collect();
    if !diseases.is_empty() {
        d.heading("Disease");
        for r in diseases {
            record_link(&mut d, c, r, lang, "");
        }
    }
    notes(&mut d, c, &t.notes, "Notes");
    d.heading("Sources");
    for cit in &t.citations {
        cite_line(&mut d, c, cit, 2);
    }
    d
}

/// The acronym or title with the id, the title in the other language, the flags.
fn trial_title(d: &mut Doc, t: &Trial, lang: Lang) {
    let title = t
        .acronym
        .clone()
        .unwrap_or_else(|| t.title.get(lang).to_string());
    d.line(
        0,
        vec![
            span(Role::Title, &title),
            span(Role::Dim, &format!("  {}", t.id)),
        ],
    );
    if t.acronym.is_some() {
        d.para(0, Role::Plain, &names_line(&t.title, lang));
    } else if t.title.get(lang.toggle()) != title {
        d.para(0, Role::Dim, t.title.get(lang.toggle()));
    }
    for f in &t.flags {
        d.para(0, Role::Flag, &format!("⚑ {f}"));
    }
}

/// Design, evidence level, size, status, dates, registry, places, other names.
fn trial_overview(d: &mut Doc, c: &Corpus, t: &Trial) {
    d.heading("Overview");
    d.field("Design", &design_line(t, d.lang));
    if let Some(n) = &t.design_note {
        d.field("", n);
    }
    let lvl = t.evidence_level();
    let lvl = format!(
        "{}: {}",
        tr(d.lang, &lvl.to_string()),
        tr(d.lang, lvl.meaning())
    );
    d.field("Evidence", &lvl);
    if let Some(l) = &t.line {
        d.field("Line", l.line.label());
        cite_line(d, c, &l.citation, 14);
    }
    if let Some(n) = t.enrolment {
        d.field("Patients", &n.to_string());
    }
    d.field("Status", &tr(d.lang, t.status.label()));
    if let Some(s) = &t.setting {
        d.field("Setting", s);
    }
    let reported = match (&t.reported_in, t.year) {
        (Some(j), Some(y)) => format!("{j}, {y}"),
        (Some(j), None) => j.clone(),
        (None, Some(y)) => y.to_string(),
        (None, None) => String::new(),
    };
    d.field("Reported", &reported);
    let lists = [
        ("Started", t.started.clone()),
        ("Treated", t.treated.clone()),
        ("Registry", join(&t.registry_ids)),
        ("Countries", join(&t.countries)),
        ("Centres", t.centres.clone()),
        ("Also", join(&t.aliases)),
    ];
    for (label, v) in lists {
        if let Some(v) = v {
            d.field(label, &v);
        }
    }
}

/// A list joined with commas, `None` when empty.
fn join(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(", "))
}

/// Each arm with its size, whether it is the control, and links to its therapies.
fn trial_arms(d: &mut Doc, c: &Corpus, t: &Trial, lang: Lang) {
    if t.arms.is_empty() {
        return;
    }
    d.heading("Arms");
    for a in &t.arms {
        let mut s = format!("• {}", a.label.get(lang));
        if let Some(n) = a.n {
            s.push_str(&format!("  (n={n})"));
        }
        if a.control {
            s.push_str(&tr(lang, "  [control]"));
        }
        d.line(2, vec![span(Role::Value, &s)]);
        for th in &a.therapies {
            if let Some(r) = c.resolve(th) {
                d.link(
                    6,
                    r,
                    vec![span(Role::Link, &format!("→ {}", c.name_of(r, lang)))],
                );
            }
        }
    }
}

/// One outcome: its endpoint line, each arm's value (★ on the best), the ratio and p-value,
/// its note and its quote.
fn outcome(d: &mut Doc, c: &Corpus, t: &Trial, o: &crate::corpus::Outcome, lang: Lang) {
    let mut head = vec![span(Role::Label, &o.endpoint)];
    if let Some(l) = &o.label {
        head.push(span(Role::Dim, &format!(" {l}")));
    }
    if let Some(u) = &o.unit {
        head.push(span(Role::Dim, &format!(" · {u}")));
    }
    if let Some(sg) = &o.subgroup {
        head.push(span(
            Role::Dim,
            &trf(lang, " · subgroup: %{sg}", &[("sg", sg)]),
        ));
    }
    d.line(2, head);
    let best = best_value_index(o);
    let label_w = o
        .values
        .iter()
        .map(|v| crate::text::width(&arm_label(t, v, lang)))
        .max()
        .unwrap_or(0)
        .min(36);
    for (i, v) in o.values.iter().enumerate() {
        let label = crate::text::fit(&arm_label(t, v, lang), label_w);
        let is_best = best == Some(i);
        d.line(
            4,
            vec![
                span(Role::Plain, &format!("{label}  ")),
                span(
                    if is_best { Role::Best } else { Role::Value },
                    &format!(
                        "{}{}",
                        value(v, o.unit.as_deref()),
                        if is_best { " ★" } else { "" }
                    ),
                ),
            ],
        );
    }
    let mut stats = Vec::new();
    if let Some(hr) = &o.hr {
        stats.push(ratio(hr));
    }
    if let Some(p) = &o.p {
        stats.push(p.to_string());
    }
    if !stats.is_empty() {
        d.line(4, vec![span(Role::Value, &stats.join(", "))]);
    }
    if let Some(n) = &o.note {
        d.para(4, Role::Dim, n);
    }
    cite_line(d, c, &o.citation, 4);
}

fn arm_label(t: &Trial, v: &ArmValue, lang: Lang) -> String {
    match v.arm.as_deref().and_then(|a| t.arm(a)) {
        Some(a) => a.label.get(lang).to_string(),
        None => tr(lang, "all patients").into_owned(),
    }
}

fn notes(d: &mut Doc, c: &Corpus, notes: &[crate::corpus::Note], heading: &str) {
    if notes.is_empty() {
        return;
    }
    d.heading(heading);
    for n in notes {
        d.para(2, Role::Plain, &format!("• {}", n.text));
        if let Some(cit) = &n.citation {
            cite_line(d, c, cit, 4);
        }
    }
}

fn therapy_doc(c: &Corpus, i: u32, lang: Lang) -> Doc {
    let t = c.therapy(i);
    let mut d = Doc::new(lang);
    d.title(&t.name, &t.id, lang);
    d.heading("Overview");
    d.field("Kind", &tr(lang, t.kind.label()));
    if let Some(cl) = &t.class {
        d.field("Class", cl);
    }
    if let Some(m) = &t.mechanism {
        d.field("Mechanism", m);
    }
    if !t.targets.is_empty() {
        d.field("Targets", &t.targets.join(", "));
    }
    if !t.aliases.is_empty() {
        d.para(
            2,
            Role::Plain,
            &trf(
                lang,
                "Also known as: %{names}",
                &[("names", &t.aliases.join(", "))],
            ),
        );
    }
    if !t.components.is_empty() {
        d.heading("Components");
        for comp in &t.components {
            if let Some(r) = c.resolve(comp) {
                record_link(&mut d, c, r, lang, "");
            }
        }
    }
    therapy_indications(&mut d, c, t, lang);
    notes(&mut d, c, &t.costs, "Cost");
    let trials = c.trials_of_therapy(i);
    if !trials.is_empty() {
        d.heading(&trf(
            lang,
            if trials.len() == 1 {
                "Evidence (%{n} study)"
            } else {
                "Evidence (%{n} studies)"
            },
            &[("n", &trials.len())],
        ));
        study_links(&mut d, c, trials, lang);
        more(&mut d, trials.len(), "v compares the four strongest");
    }
    let regimens = c.regimens_with(i);
    if !regimens.is_empty() {
        d.heading("Part of");
        for &p in regimens {
            record_link(
                &mut d,
                c,
                RecordRef::new(Kind::Therapy, p as usize),
                lang,
                "",
            );
        }
    }
    super::safety::therapy_safety_section(&mut d, c, t);
    notes(&mut d, c, &t.notes, "Notes");
    if !t.citations.is_empty() {
        d.heading("Sources");
        for cit in &t.citations {
            cite_line(&mut d, c, cit, 2);
        }
    }
    d
}

/// A therapy's indications (disease, setting, biomarker) and approvals, each with its quote.
fn therapy_indications(d: &mut Doc, c: &Corpus, t: &crate::corpus::Therapy, lang: Lang) {
    if !t.indications.is_empty() {
        d.heading("Indications");
        for ind in &t.indications {
            let mut parts = Vec::new();
            if let Some(dis) = ind.disease.as_deref().and_then(|id| c.disease_by_id(id)) {
                parts.push(dis.name.get(lang).to_string());
            }
            if let Some(s) = &ind.setting {
                parts.push(s.clone());
            }
            if let Some(b) = &ind.biomarker {
                parts.push(trf(lang, "biomarker: %{b}", &[("b", b)]));
            }
            d.para(2, Role::Value, &format!("• {}", parts.join(" · ")));
            if let Some(cit) = &ind.citation {
                cite_line(d, c, cit, 4);
            }
        }
    }
    if !t.approvals.is_empty() {
        d.heading("Approvals");
        for a in &t.approvals {
            let mut s = format!("• {}", a.region);
            for x in [&a.agency, &a.date, &a.indication].into_iter().flatten() {
                s.push_str(&format!(" · {x}"));
            }
            d.para(2, Role::Value, &s);
            cite_line(d, c, &a.citation, 4);
        }
    }
}

/// The first [`LINKS`] of some studies as links, strongest evidence first (unrated after
/// level 5), then the most recent, each with its level and headline.
fn study_links(d: &mut Doc, c: &Corpus, trials: &[u32], lang: Lang) {
    // Ordered by the trials' facts: a disease of a large library has thousands of studies,
    // and only the ones listed are read.
    let key = |&ti: &u32| {
        let t = c.facts(ti);
        (t.evidence_level(), std::cmp::Reverse(t.year), ti)
    };
    let mut sorted: Vec<u32> = trials.to_vec();
    if sorted.len() > LINKS {
        sorted.select_nth_unstable_by_key(LINKS, key);
        sorted.truncate(LINKS);
    }
    sorted.sort_by_key(key);
    for &ti in &sorted {
        let tr = c.trial(ti);
        let extra = match headline(tr) {
            Some(h) => format!("{} · {h}", self::tr(lang, &tr.evidence_level().to_string())),
            None => self::tr(lang, &tr.evidence_level().to_string()).into_owned(),
        };
        record_link(d, c, RecordRef::new(Kind::Trial, ti as usize), lang, &extra);
    }
}

fn disease_doc(c: &Corpus, i: u32, lang: Lang) -> Doc {
    let dis = c.disease(i);
    let mut d = Doc::new(lang);
    d.title(&dis.name, &dis.id, lang);
    if !dis.aliases.is_empty() {
        d.para(
            0,
            Role::Plain,
            &trf(
                lang,
                "Also: %{names}",
                &[("names", &dis.aliases.join(", "))],
            ),
        );
    }
    if let Some(p) = dis.parent.as_deref().and_then(|p| c.resolve(p)) {
        d.heading("Part of");
        record_link(&mut d, c, p, lang, "");
    }
    let trials = c.trials_of_disease(i);
    if !trials.is_empty() {
        d.heading(&trf(lang, "Studies (%{n})", &[("n", &trials.len())]));
        study_links(&mut d, c, trials, lang);
        more(
            &mut d,
            trials.len(),
            &trf(
                lang,
                "search disease:%{id} to list them",
                &[("id", &dis.id)],
            ),
        );
    }
    let ths = c.therapies_of_disease(i);
    if !ths.is_empty() {
        d.heading(&trf(lang, "Therapies (%{n})", &[("n", &ths.len())]));
        for &ti in ths.iter().take(LINKS) {
            record_link(
                &mut d,
                c,
                RecordRef::new(Kind::Therapy, ti as usize),
                lang,
                "",
            );
        }
        more(
            &mut d,
            ths.len(),
            &trf(
                lang,
                "search disease:%{id} kind:therapy to list them",
                &[("id", &dis.id)],
            ),
        );
    }
    notes(&mut d, c, &dis.notes, "Notes");
    d
}

fn source_doc(c: &Corpus, i: u32, lang: Lang) -> Doc {
    let s = c.source(i);
    let mut d = Doc::new(lang);
    d.para(0, Role::Title, s.title.get(lang));
    if s.title.get(lang.toggle()) != s.title.get(lang) {
        d.para(0, Role::Dim, s.title.get(lang.toggle()));
    }
    d.heading("Overview");
    d.field("Id", &s.id);
    if let Some(o) = &s.outlet {
        d.field("Outlet", o);
    }
    if let Some(a) = &s.author {
        d.field("Author", a);
    }
    if let Some(dt) = &s.date {
        d.field("Date", dt);
    }
    d.field("Language", &s.language);
    if let Some(u) = &s.url {
        d.field("URL", u);
    }
    for n in &s.notes {
        d.para(2, Role::Flag, &format!("⚑ {n}"));
    }
    let citing = c.trials_of_source(i);
    if !citing.is_empty() {
        d.heading(&trf(
            lang,
            "Studies from this source (%{n})",
            &[("n", &citing.len())],
        ));
        for &ti in citing.iter().take(LINKS) {
            record_link(
                &mut d,
                c,
                RecordRef::new(Kind::Trial, ti as usize),
                lang,
                "",
            );
        }
        more(
            &mut d,
            citing.len(),
            &trf(lang, "search source:%{id} to list them", &[("id", &s.id)]),
        );
    }
    if !s.references.is_empty() {
        d.heading("References");
        for r in &s.references {
            let mut text = format!("[{}] {}", r.number, r.text);
            if let Some(doi) = &r.doi
                && !r.text.contains(doi.as_str())
            {
                text.push_str(&format!(" doi:{doi}"));
            }
            d.para(2, Role::Plain, &text);
        }
    }
    d
}

/// The user's own note at the end of a record's document, headed as theirs and dated, so it is
/// never taken for a source's words.
pub fn user_note(d: &mut Doc, date: &str, text: &str) {
    d.heading(&trf(
        d.lang,
        "Your note (%{date}) — yours, not from a source",
        &[("date", &date)],
    ));
    d.para(2, Role::Label, text);
}
