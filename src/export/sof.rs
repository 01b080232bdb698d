//! Writers for a [`SummaryOfFindings`]: Markdown (the GRADE table, the reasons for each
//! certainty, the notes and the numbered references) and CSV (one row per outcome, then the
//! notes). Every string passes through [`crate::text::clean`]. The Markdown follows the
//! summary's language; the CSV keeps English column names and English values for its fixed
//! vocabulary (side, certainty, rule), for scripts.

use crate::cite::marker;
use crate::compare::sof::{Finding, SummaryOfFindings};
use crate::corpus::Lang;
use crate::i18n::{tr, trf};
use crate::text::clean;

fn md(s: &str) -> String {
    clean(s)
        .replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('\n', " ")
}

/// `2 (1,216 enrolled)`, in `lang`.
pub fn studies_text(f: &Finding, lang: Lang) -> String {
    let n = f.studies.len();
    match f.participants {
        Some(p) => format!("{n} ({} {})", thousands(p), f.participants_are),
        None => trf(lang, "%{n} (participants not stated)", &[("n", &n)]),
    }
}

/// `1,216`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `Moderate (from High: ↓ imprecision)`, in `lang`.
pub fn certainty_text(f: &Finding, lang: Lang) -> String {
    if f.downgrades.is_empty() {
        return f.certainty.label_in(lang);
    }
    let rules: Vec<String> = f.downgrades.iter().map(|d| d.rule_in(lang)).collect();
    trf(
        lang,
        "%{certainty} (from %{start}: ↓ %{rules})",
        &[
            ("certainty", &f.certainty.label_in(lang)),
            ("start", &f.start.label_in(lang)),
            ("rules", &rules.join(", ↓ ")),
        ],
    )
}

/// The summary as Markdown, in the summary's language.
pub fn markdown(s: &SummaryOfFindings) -> String {
    let lang = s.lang;
    let mut out = trf(
        lang,
        "# Summary of findings: %{title}",
        &[("title", &md(&s.title))],
    );
    out.push_str("\n\n");
    let head = [
        "Outcome",
        "Studies (participants)",
        "Relative effect (95% CI)",
        "Absolute effect per 1,000",
        "Certainty",
    ];
    for h in head {
        out.push_str(&format!("| {} ", tr(lang, h)));
    }
    out.push_str("|\n");
    out.push_str("|---|---|---|---|---|\n");
    let safety = format!(" ({})", tr(lang, "safety"));
    for f in &s.findings {
        let m = marker(&f.refs);
        let side = match f.side {
            crate::compare::sof::Side::Safety => safety.as_str(),
            crate::compare::sof::Side::Efficacy => "",
        };
        out.push_str(&format!(
            "| **{}**{side}{} | {} | {} | {} | {} |\n",
            md(&f.outcome_in(lang)),
            if m.is_empty() { m } else { format!(" {m}") },
            md(&studies_text(f, lang)),
            md(&f.relative),
            md(&f
                .absolute
                .clone()
                .unwrap_or_else(|| tr(lang, "no control rate known").into_owned())),
            md(&certainty_text(f, lang)),
        ));
    }
    if s.findings.is_empty() {
        out.push_str("| — | | | | |\n");
    }
    out.push_str(&format!("\n## {}\n\n", tr(lang, "Why each certainty")));
    for f in &s.findings {
        out.push_str(&trf(
            lang,
            "- **%{outcome}**: %{certainty}: %{reason}.",
            &[
                ("outcome", &md(&f.outcome_in(lang))),
                ("certainty", &f.certainty.label_in(lang)),
                ("reason", &md(&f.start_reason)),
            ],
        ));
        for d in &f.downgrades {
            out.push_str(&trf(
                lang,
                " ↓ %{rule}: %{reason}.",
                &[("rule", &d.rule_in(lang)), ("reason", &md(&d.reason))],
            ));
        }
        out.push('\n');
    }
    out.push('\n');
    for n in &s.notes {
        out.push_str(&format!("> {}\n\n", md(n)));
    }
    out.push_str(&tr(lang, "Source: evidex."));
    out.push('\n');
    out.push_str(&crate::cite::markdown_list(&s.references, lang));
    out
}

/// The summary as CSV: a header, one row per outcome, then one `note` row per note (the
/// note in the second column, the rest empty), every row with the header's columns.
pub fn csv(s: &SummaryOfFindings) -> String {
    let head = [
        "outcome",
        "side",
        "studies",
        "participants",
        "participants_are",
        "relative_effect",
        "relative_computed_by_evidex",
        "absolute_per_1000",
        "certainty",
        "starts_from",
        "downgrades",
        "references",
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(head);
    for f in &s.findings {
        let downgrades: Vec<String> = f
            .downgrades
            .iter()
            .map(|d| format!("{}: {}", d.rule, clean(&d.reason)))
            .collect();
        let rec = [
            clean(&f.outcome).into_owned(),
            match f.side {
                crate::compare::sof::Side::Safety => "safety".into(),
                crate::compare::sof::Side::Efficacy => "efficacy".into(),
            },
            f.studies.len().to_string(),
            f.participants.map_or(String::new(), |p| p.to_string()),
            f.participants_are.to_string(),
            clean(&f.relative).into_owned(),
            f.relative_computed.to_string(),
            clean(f.absolute.as_deref().unwrap_or("")).into_owned(),
            f.certainty.label().to_string(),
            clean(&f.start_reason).into_owned(),
            downgrades.join("; "),
            f.refs
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        ];
        let _ = w.write_record(&rec);
    }
    for n in &s.notes {
        let mut rec = vec!["note".to_string(), clean(n).into_owned()];
        rec.extend(std::iter::repeat_n(String::new(), head.len() - 2));
        let _ = w.write_record(&rec);
    }
    for r in s.references.iter() {
        let mut rec = vec![
            "reference".to_string(),
            format!("{}. {}", r.number, crate::cite::vancouver(r)),
        ];
        rec.extend(std::iter::repeat_n(String::new(), head.len() - 2));
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
