//! How records read: figures with their units, headline results, and the detail document.
//!
//! The detail document ([`Doc`]) is built once here and shown by both the TUI's detail pane and
//! `evidex show`, so the two never disagree. It is plain data: lines of spans tagged with a
//! semantic [`Role`] (the TUI maps roles to its theme, the CLI to plain text), some lines
//! linking to another record.

use crate::corpus::{
    ArmValue, Citation, Corpus, Kind, Lang, Names, Outcome, Ratio, RecordRef, Trial,
};
use crate::text::clean;

/// What a piece of text is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Title,
    Heading,
    Label,
    Value,
    Best,
    Quote,
    Flag,
    Link,
    Dim,
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub role: Role,
}

/// One line of a document. A line with `wrap` is one span that may be wrapped to the width.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocLine {
    pub spans: Vec<Span>,
    pub link: Option<RecordRef>,
    /// Columns of indentation (also for wrapped continuation lines).
    pub indent: u16,
    pub wrap: bool,
}

impl DocLine {
    pub fn text(&self) -> String {
        self.spans.iter().map(|s| s.text.as_str()).collect()
    }
}

/// A record's detail, ready to draw or print.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub lines: Vec<DocLine>,
}

impl Doc {
    fn line(&mut self, indent: u16, spans: Vec<Span>) {
        self.lines.push(DocLine {
            spans,
            link: None,
            indent,
            wrap: false,
        });
    }

    fn para(&mut self, indent: u16, role: Role, text: &str) {
        self.lines.push(DocLine {
            spans: vec![span(role, text)],
            link: None,
            indent,
            wrap: true,
        });
    }

    fn link(&mut self, indent: u16, to: RecordRef, spans: Vec<Span>) {
        self.lines.push(DocLine {
            spans,
            link: Some(to),
            indent,
            wrap: false,
        });
    }

    /// A record's name in `lang` with its id, then the name in the other language.
    fn title(&mut self, name: &Names, id: &str, lang: Lang) {
        self.line(
            0,
            vec![
                span(Role::Title, name.get(lang)),
                span(Role::Dim, &format!("  {id}")),
            ],
        );
        if name.get(lang.toggle()) != name.get(lang) {
            self.para(0, Role::Dim, name.get(lang.toggle()));
        }
    }

    fn heading(&mut self, text: &str) {
        self.blank();
        self.line(0, vec![span(Role::Heading, text)]);
    }

    fn blank(&mut self) {
        if self.lines.last().is_some_and(|l| !l.spans.is_empty()) {
            self.lines.push(DocLine::default());
        }
    }

    fn field(&mut self, label: &str, value: &str) {
        if !value.is_empty() {
            self.line(
                2,
                vec![
                    span(Role::Label, &format!("{label:<11} ")),
                    span(Role::Value, value),
                ],
            );
        }
    }

    /// The document laid out in `width` columns: visual lines of spans, each with the index of
    /// the document line it shows. Paragraphs wrap under their indent; a line of several spans
    /// that does not fit keeps its first span (a label) and wraps the rest beside it, with a
    /// hanging indent. Nothing is cut off. The TUI's detail pane and `evidex show` both print
    /// this, so the two agree.
    pub fn layout(&self, width: usize) -> Vec<(Vec<Span>, usize)> {
        let mut out = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            let indent = l.indent as usize;
            let pad = || span(Role::Plain, &" ".repeat(indent));
            let total: usize = l.spans.iter().map(|s| crate::text::width(&s.text)).sum();
            if l.spans.is_empty() {
                out.push((Vec::new(), i));
            } else if l.wrap || (l.spans.len() == 1 && indent + total > width) {
                let role = l.spans[0].role;
                for piece in crate::text::wrap(&l.text(), width.saturating_sub(indent).max(4)) {
                    out.push((vec![pad(), Span { text: piece, role }], i));
                }
            } else if indent + total <= width {
                let mut spans = vec![pad()];
                spans.extend(l.spans.iter().cloned());
                out.push((spans, i));
            } else {
                let head = &l.spans[0];
                let head_w = crate::text::width(&head.text);
                let hang = if indent + head_w <= width / 2 {
                    head_w
                } else {
                    0
                };
                let rest_w = width.saturating_sub(indent + hang).max(4);
                // The rest as one text, remembering where each span starts.
                let rest_spans = if hang > 0 {
                    &l.spans[1..]
                } else {
                    &l.spans[..]
                };
                let mut rest = String::new();
                let mut starts = Vec::new();
                for sp in rest_spans {
                    starts.push((rest.len(), sp.role));
                    rest.push_str(&sp.text);
                }
                let mut pos = 0;
                for (n, piece) in crate::text::wrap(&rest, rest_w).into_iter().enumerate() {
                    let at = rest[pos..].find(piece.as_str()).map_or(pos, |o| pos + o);
                    pos = at + piece.len();
                    let role = starts
                        .iter()
                        .rev()
                        .find(|(s, _)| *s <= at)
                        .map_or(Role::Plain, |(_, r)| *r);
                    let lead = if n == 0 && hang > 0 {
                        head.clone()
                    } else {
                        span(Role::Plain, &" ".repeat(hang))
                    };
                    out.push((vec![pad(), lead, Span { text: piece, role }], i));
                }
            }
        }
        out
    }

    /// Plain text in `width` columns (for the CLI).
    pub fn to_plain(&self, width: usize) -> String {
        let mut out = String::new();
        for (spans, _) in self.layout(width) {
            let line: String = spans.iter().map(|s| s.text.as_str()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

pub fn span(role: Role, text: &str) -> Span {
    Span {
        text: clean(text).into_owned(),
        role,
    }
}

/// `months` → ` mo`, `%` → `%`, other units after a space.
pub fn unit_suffix(unit: Option<&str>) -> String {
    match unit {
        None | Some("") => String::new(),
        Some("%") => "%".into(),
        Some("months") | Some("month") => " mo".into(),
        Some("years") | Some("year") => " y".into(),
        Some(u) => format!(" {u}"),
    }
}

/// One arm's figure as the source gives it: `15.0 mo`, `46% (73)`, `<10%`, `2–6 mo`,
/// `65.5% (21/29)`, `17.9 mo (95% CI 5.7–30.1)`.
pub fn value(v: &ArmValue, unit: Option<&str>) -> String {
    let u = unit_suffix(unit);
    let cmp = match v.comparator.as_deref() {
        Some("<=") => "≤",
        Some(">=") => "≥",
        Some(c) => c,
        None => "",
    };
    let mut s = match &v.upper {
        Some(up) => format!("{cmp}{}–{up}{u}", v.value),
        None => format!("{cmp}{}{u}", v.value),
    };
    match (v.count, v.of) {
        (Some(n), Some(of)) => s.push_str(&format!(" ({n}/{of})")),
        (Some(n), None) => s.push_str(&format!(" ({n})")),
        _ => {}
    }
    if let Some(ci) = &v.ci {
        let level = ci
            .level
            .as_ref()
            .map_or("95".to_string(), |l| l.to_string());
        s.push_str(&format!(" ({level}% CI {}–{})", ci.low, ci.high));
    }
    s
}

/// `HR 0.77`, `HR 0.96 (95% CI 0.81–1.14)`.
pub fn ratio(r: &Ratio) -> String {
    let kind = r.kind.as_deref().unwrap_or("HR");
    match &r.ci {
        Some(ci) => {
            let level = ci
                .level
                .as_ref()
                .map_or("95".to_string(), |l| l.to_string());
            format!("{kind} {} ({level}% CI {}–{})", r.value, ci.low, ci.high)
        }
        None => format!("{kind} {}", r.value),
    }
}

/// The experimental and control values of an outcome: the control arm's value, and the first
/// value of another arm (or of the whole population).
pub fn exp_ctrl<'a>(t: &Trial, o: &'a Outcome) -> (Option<&'a ArmValue>, Option<&'a ArmValue>) {
    let is_control = |v: &ArmValue| {
        v.arm
            .as_deref()
            .and_then(|a| t.arm(a))
            .is_some_and(|a| a.control)
    };
    let exp = o.values.iter().find(|v| !is_control(v));
    let ctrl = o.values.iter().find(|v| is_control(v));
    (exp, ctrl)
}

/// A trial's headline: its first survival outcome if any, else its first outcome.
/// `PFS 15.0 vs 8.2 mo, HR 0.77`; `ORR 82.1%`.
pub fn headline(t: &Trial) -> Option<String> {
    Some(outcome_summary(t, headline_outcome(t)?))
}

/// The outcome a trial's headline reports (see [`headline`]).
pub fn headline_outcome(t: &Trial) -> Option<&Outcome> {
    let rank = |e: &str| match e {
        // Progression- or disease-free survival: the usual primary endpoint, in the advanced
        // and in the adjuvant setting.
        "PFS" | "DFS" | "IDFS" | "EFS" | "RFS" => 0,
        "OS" => 1,
        "ORR" => 2,
        _ => 3,
    };
    t.outcomes.iter().min_by_key(|o| rank(&o.endpoint))
}

/// How favourable a trial's headline ratio is to the experimental arm, as a number where lower
/// is more favourable: a hazard ratio as it stands (fewer events), an odds or risk ratio of an
/// outcome where more is better (a response) inverted. `None` without a headline ratio.
pub fn headline_effect(t: &Trial) -> Option<f64> {
    let o = headline_outcome(t)?;
    let r = o.hr.as_ref()?;
    let v = r.value.value();
    if !(v.is_finite() && v > 0.0) {
        return None;
    }
    let hazard = r
        .kind
        .as_deref()
        .is_none_or(|k| k.eq_ignore_ascii_case("HR"));
    Some(if hazard || !o.higher_is_better {
        v
    } else {
        1.0 / v
    })
}

/// `PFS 15.0 vs 8.2 mo, HR 0.77, P=0.032`.
pub fn outcome_summary(t: &Trial, o: &Outcome) -> String {
    let (exp, ctrl) = exp_ctrl(t, o);
    let u = unit_suffix(o.unit.as_deref());
    let bare = |v: &ArmValue| {
        let c = match v.comparator.as_deref() {
            Some("<=") => "≤",
            Some(">=") => "≥",
            Some(c) => c,
            None => "",
        };
        match &v.upper {
            Some(up) => format!("{c}{}–{up}", v.value),
            None => format!("{c}{}", v.value),
        }
    };
    let mut s = o.endpoint.clone();
    match (exp, ctrl) {
        (Some(e), Some(c)) => s.push_str(&format!(" {} vs {}{u}", bare(e), bare(c))),
        (Some(e), None) => s.push_str(&format!(" {}{u}", bare(e))),
        (None, Some(c)) => s.push_str(&format!(" {}{u}", bare(c))),
        (None, None) => {}
    }
    if let Some(hr) = &o.hr {
        s.push_str(&format!(
            ", {} {}",
            hr.kind.as_deref().unwrap_or("HR"),
            hr.value
        ));
    }
    if let Some(p) = &o.p {
        s.push_str(&format!(", {p}"));
    }
    s
}

/// `phase 3 randomised controlled`, `retrospective`.
pub fn design_line(t: &Trial) -> String {
    match t.phase {
        Some(p) => format!("{} {}", p.label(), t.design.label()),
        None => t.design.label().to_string(),
    }
}

/// A short label for evidence that is weaker than a controlled trial, for column headers:
/// `single-arm`, `retrospective`, `planned`. `None` for a randomised trial.
pub fn caution_label(t: &Trial) -> Option<String> {
    if t.awaiting_results() {
        return Some(format!("{}: no results yet", t.status.label()));
    }
    use crate::corpus::Design::*;
    match t.design {
        Rct | NonRandomised => None,
        d => Some(d.label().to_string()),
    }
}

fn names_line(n: &Names, lang: Lang) -> String {
    let first = n.get(lang);
    let other = n.get(lang.toggle());
    if other != first && !other.is_empty() {
        format!("{first} · {other}")
    } else {
        first.to_string()
    }
}

fn cite_line(doc: &mut Doc, c: &Corpus, cit: &Citation, indent: u16) {
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
                &format!("… and {} more ({hint})", total - LINKS),
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
    let mut d = Doc::default();
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
    d.heading("Overview");
    d.field("Design", &design_line(t));
    if let Some(n) = &t.design_note {
        d.field("", n);
    }
    let lvl = t.evidence_level();
    d.field("Evidence", &format!("{lvl}: {}", lvl.meaning()));
    if let Some(n) = t.enrolment {
        d.field("Patients", &n.to_string());
    }
    d.field("Status", t.status.label());
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
    if let Some(s) = &t.started {
        d.field("Started", s);
    }
    if let Some(s) = &t.treated {
        d.field("Treated", s);
    }
    if !t.registry_ids.is_empty() {
        d.field("Registry", &t.registry_ids.join(", "));
    }
    if !t.countries.is_empty() {
        d.field("Countries", &t.countries.join(", "));
    }
    if let Some(ce) = &t.centres {
        d.field("Centres", ce);
    }
    if !t.aliases.is_empty() {
        d.field("Also", &t.aliases.join(", "));
    }

    if !t.arms.is_empty() {
        d.heading("Arms");
        for a in &t.arms {
            let mut s = format!("• {}", a.label.get(lang));
            if let Some(n) = a.n {
                s.push_str(&format!("  (n={n})"));
            }
            if a.control {
                s.push_str("  [control]");
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

    if !t.outcomes.is_empty() {
        d.heading("Outcomes");
        for o in &t.outcomes {
            let mut head = vec![span(Role::Label, &o.endpoint)];
            if let Some(l) = &o.label {
                head.push(span(Role::Dim, &format!(" {l}")));
            }
            if let Some(u) = &o.unit {
                head.push(span(Role::Dim, &format!(" · {u}")));
            }
            if let Some(sg) = &o.subgroup {
                head.push(span(Role::Dim, &format!(" · subgroup: {sg}")));
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
            cite_line(&mut d, c, &o.citation, 4);
        }
    } else if t.awaiting_results() {
        d.heading("Outcomes");
        d.line(2, vec![span(Role::Dim, "no results yet")]);
    }
    safety_section(&mut d, c, t, lang);

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

fn arm_label(t: &Trial, v: &ArmValue, lang: Lang) -> String {
    match v.arm.as_deref().and_then(|a| t.arm(a)) {
        Some(a) => a.label.get(lang).to_string(),
        None => match lang {
            Lang::En => "all patients".into(),
            Lang::Zh => "全部患者".into(),
        },
    }
}

/// Which value of an outcome is best (only when there are several and none is a bound).
pub fn best_value_index(o: &Outcome) -> Option<usize> {
    if o.values.len() < 2
        || o.values
            .iter()
            .any(|v| v.comparator.is_some() || v.upper.is_some())
    {
        return None;
    }
    let key = |v: &ArmValue| {
        if o.higher_is_better {
            v.value.value()
        } else {
            -v.value.value()
        }
    };
    let (i, best) = o
        .values
        .iter()
        .enumerate()
        .max_by(|a, b| key(a.1).total_cmp(&key(b.1)))?;
    // No best when tied.
    let ties = o.values.iter().filter(|v| key(v) == key(best)).count();
    (ties == 1).then_some(i)
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
    let mut d = Doc::default();
    d.title(&t.name, &t.id, lang);
    d.heading("Overview");
    d.field("Kind", t.kind.label());
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
            &format!("Also known as: {}", t.aliases.join(", ")),
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
                parts.push(format!("biomarker: {b}"));
            }
            d.para(2, Role::Value, &format!("• {}", parts.join(" · ")));
            if let Some(cit) = &ind.citation {
                cite_line(&mut d, c, cit, 4);
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
            cite_line(&mut d, c, &a.citation, 4);
        }
    }
    notes(&mut d, c, &t.costs, "Cost");
    let trials = c.trials_of_therapy(i);
    if !trials.is_empty() {
        d.heading(&format!(
            "Evidence ({} {})",
            trials.len(),
            if trials.len() == 1 {
                "study"
            } else {
                "studies"
            }
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
    notes(&mut d, c, &t.notes, "Notes");
    if !t.citations.is_empty() {
        d.heading("Sources");
        for cit in &t.citations {
            cite_line(&mut d, c, cit, 2);
        }
    }
    d
}

/// The first [`LINKS`] of some studies as links, strongest evidence first (unrated after
/// level 5), then the most recent, each with its level and headline.
fn study_links(d: &mut Doc, c: &Corpus, trials: &[u32], lang: Lang) {
    let key = |&ti: &u32| {
        let t = c.trial(ti);
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
            Some(h) => format!("{} · {h}", tr.evidence_level()),
            None => tr.evidence_level().to_string(),
        };
        record_link(d, c, RecordRef::new(Kind::Trial, ti as usize), lang, &extra);
    }
}

fn disease_doc(c: &Corpus, i: u32, lang: Lang) -> Doc {
    let dis = c.disease(i);
    let mut d = Doc::default();
    d.title(&dis.name, &dis.id, lang);
    if !dis.aliases.is_empty() {
        d.para(0, Role::Plain, &format!("Also: {}", dis.aliases.join(", ")));
    }
    if let Some(p) = dis.parent.as_deref().and_then(|p| c.resolve(p)) {
        d.heading("Part of");
        record_link(&mut d, c, p, lang, "");
    }
    let trials = c.trials_of_disease(i);
    if !trials.is_empty() {
        d.heading(&format!("Studies ({})", trials.len()));
        study_links(&mut d, c, trials, lang);
        more(
            &mut d,
            trials.len(),
            &format!("search disease:{} to list them", dis.id),
        );
    }
    let ths = c.therapies_of_disease(i);
    if !ths.is_empty() {
        d.heading(&format!("Therapies ({})", ths.len()));
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
            &format!("search disease:{} kind:therapy to list them", dis.id),
        );
    }
    notes(&mut d, c, &dis.notes, "Notes");
    d
}

fn source_doc(c: &Corpus, i: u32, lang: Lang) -> Doc {
    let s = c.source(i);
    let mut d = Doc::default();
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
        d.heading(&format!("Studies from this source ({})", citing.len()));
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
            &format!("search source:{} to list them", s.id),
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

/// One result line's facts: kind, name, disease, design, year, headline.
pub struct ResultRow {
    pub badge: &'static str,
    pub name: String,
    pub disease: String,
    pub design: String,
    pub year: String,
    pub headline: String,
}

/// The facts a result row shows, shared by the TUI list and `evidex search`.
pub fn result_row(c: &Corpus, r: RecordRef, lang: Lang) -> ResultRow {
    let name = c.name_of(r, lang).to_string();
    match r.kind {
        Kind::Trial => {
            let t = c.trial(r.index);
            ResultRow {
                badge: r.kind.badge(),
                name,
                disease: t
                    .diseases
                    .first()
                    .and_then(|d| c.disease_by_id(d))
                    .map(|d| d.short_name(lang).to_string())
                    .unwrap_or_default(),
                design: match t.phase {
                    Some(p) => format!("{} {}", p.short(), short_design(t.design)),
                    None => short_design(t.design).to_string(),
                },
                year: t.year.map(|y| y.to_string()).unwrap_or_default(),
                headline: if t.awaiting_results() {
                    "no results yet".into()
                } else {
                    headline(t).unwrap_or_default()
                },
            }
        }
        Kind::Therapy => {
            let t = c.therapy(r.index);
            let n = c.trials_of_therapy(r.index).len();
            ResultRow {
                badge: r.kind.badge(),
                name,
                disease: t
                    .indications
                    .first()
                    .and_then(|i| i.disease.as_deref())
                    .and_then(|d| c.disease_by_id(d))
                    .map(|d| d.short_name(lang).to_string())
                    .unwrap_or_default(),
                design: t.kind.label().to_string(),
                year: String::new(),
                headline: if n > 0 {
                    format!("{n} {}", if n == 1 { "study" } else { "studies" })
                } else {
                    t.class.clone().unwrap_or_default()
                },
            }
        }
        Kind::Disease => {
            let d = c.disease(r.index);
            let n = c.trials_of_disease(r.index).len();
            ResultRow {
                badge: r.kind.badge(),
                name,
                disease: d.aliases.first().cloned().unwrap_or_default(),
                design: String::new(),
                year: String::new(),
                headline: format!("{n} {}", if n == 1 { "study" } else { "studies" }),
            }
        }
        Kind::Source => {
            let s = c.source(r.index);
            ResultRow {
                badge: r.kind.badge(),
                name,
                disease: String::new(),
                design: s.outlet.clone().unwrap_or_default(),
                year: s
                    .date
                    .as_deref()
                    .map(|d| d.chars().take(4).collect())
                    .unwrap_or_default(),
                headline: s.author.clone().unwrap_or_default(),
            }
        }
    }
}

/// Design in a few letters for lists.
pub fn short_design(d: crate::corpus::Design) -> &'static str {
    use crate::corpus::Design::*;
    match d {
        Rct => "RCT",
        NonRandomised => "non-rand",
        SingleArm => "single-arm",
        ProspectiveCohort => "cohort",
        PropensityMatched => "PSM",
        Retrospective => "retro",
        CaseSeries => "series",
        CaseReport => "case",
        Epidemiological => "epi",
        Guideline => "guideline",
        ExpertOpinion => "opinion",
        Unspecified => "",
    }
}

/// The detail's "Safety" section: each group's participants with a serious adverse event (and
/// deaths) of those at risk, the most frequent serious and other events, and the baseline
/// characteristics, every figure as the registry gives it (counts, never rates evidex
/// computed). Nothing when the trial has neither table.
fn safety_section(d: &mut Doc, c: &Corpus, t: &Trial, lang: Lang) {
    /// How many event terms of each kind the section lists.
    const TOP: usize = 5;
    let group_label = |label: &str, arm: Option<&str>| {
        arm.and_then(|a| t.arms.iter().find(|x| x.id == a))
            .map_or_else(|| label.to_string(), |a| a.label.get(lang).to_string())
    };
    if let Some(s) = &t.safety {
        d.heading("Safety");
        let labels: Vec<String> = s
            .groups
            .iter()
            .map(|g| group_label(&g.label, g.arm.as_deref()))
            .collect();
        let w = labels
            .iter()
            .map(|l| crate::text::width(l))
            .max()
            .unwrap_or(0)
            .min(36);
        d.line(
            2,
            vec![span(Role::Label, "Serious adverse events, participants")],
        );
        for (g, label) in s.groups.iter().zip(&labels) {
            let mut text = match g.serious {
                Some(a) => format!("{} of {}", a.affected, a.at_risk),
                None => "not reported".to_string(),
            };
            if let Some(a) = g.deaths {
                text.push_str(&format!("; deaths {} of {}", a.affected, a.at_risk));
            }
            d.line(
                4,
                vec![
                    span(Role::Plain, &format!("{}  ", crate::text::fit(label, w))),
                    span(Role::Value, &text),
                ],
            );
        }
        for serious in [true, false] {
            let mut events: Vec<&crate::corpus::AdverseEvent> =
                s.events.iter().filter(|e| e.serious == serious).collect();
            if events.is_empty() {
                continue;
            }
            let total = |e: &crate::corpus::AdverseEvent| -> u64 {
                e.counts.iter().map(|n| u64::from(n.affected)).sum()
            };
            events.sort_by_key(|e| std::cmp::Reverse(total(e)));
            let kind = if serious { "serious" } else { "other" };
            d.line(
                2,
                vec![span(
                    Role::Label,
                    &format!(
                        "Most frequent {kind} events ({} of {} terms, by participants affected)",
                        events.len().min(TOP),
                        events.len()
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
                        format!("{label} {} of {}", n.affected, n.at_risk)
                    })
                    .collect();
                let what = match &e.organ_system {
                    Some(o) => format!("{} ({o})", e.term),
                    None => e.term.clone(),
                };
                d.para(4, Role::Plain, &format!("{what}: {}", counts.join("; ")));
            }
        }
        if let Some(tf) = &s.time_frame {
            d.para(2, Role::Dim, &format!("Time frame: {tf}"));
        }
        cite_line(d, c, &s.citation, 2);
    }
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
                            s.push_str(&format!(" ({} to {})", end(&v.low), end(&v.high)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::Num;

    #[test]
    fn long_link_lists_are_cut_and_say_how_many_more() {
        let file = crate::synthetic::corpus(5000, 1);
        let c = Corpus::build(std::path::Path::new("syn"), file, None).unwrap();
        let busiest = (0..c.therapies.len() as u32)
            .max_by_key(|&i| c.trials_of_therapy(i).len())
            .unwrap();
        let n = c.trials_of_therapy(busiest).len();
        assert!(n > LINKS, "{n}");
        for r in [
            RecordRef::new(Kind::Therapy, busiest as usize),
            RecordRef::new(Kind::Source, 0),
            RecordRef::new(Kind::Disease, 0),
        ] {
            let doc = detail(&c, r, Lang::En);
            let links = doc
                .lines
                .iter()
                .filter(|l| l.link.is_some_and(|t| t.kind == Kind::Trial))
                .count();
            assert!(links <= LINKS, "{r:?}: {links} trial links");
            assert!(
                doc.lines.iter().any(|l| l.text().contains("more (")),
                "{r:?}"
            );
        }
        // The strongest evidence comes first, as when the list was not cut.
        let doc = detail(
            &c,
            RecordRef::new(Kind::Therapy, busiest as usize),
            Lang::En,
        );
        let first = doc
            .lines
            .iter()
            .find_map(|l| l.link.filter(|t| t.kind == Kind::Trial))
            .unwrap();
        let best = c
            .trials_of_therapy(busiest)
            .iter()
            .map(|&t| c.trial(t).evidence_level())
            .min()
            .unwrap();
        assert_eq!(c.trial(first.index).evidence_level(), best);
    }

    #[test]
    fn values_read_as_printed() {
        let v = ArmValue {
            value: Num::parse("46").unwrap(),
            count: Some(73),
            ..Default::default()
        };
        assert_eq!(value(&v, Some("%")), "46% (73)");
        let v = ArmValue {
            value: Num::parse("10").unwrap(),
            comparator: Some("<".into()),
            ..Default::default()
        };
        assert_eq!(value(&v, Some("%")), "<10%");
        let v = ArmValue {
            value: Num::parse("2").unwrap(),
            upper: Num::parse("6"),
            ..Default::default()
        };
        assert_eq!(value(&v, Some("months")), "2–6 mo");
    }
}
