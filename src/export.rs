//! Writers for a [`Comparison`]: Markdown, CSV, JSON and an aligned plain-text table, and the
//! atomic file write behind every file evidex saves. Each carries the comparison's pooled
//! estimates ([`crate::meta::report`]), labelled as computed by evidex.
//!
//! Markdown, CSV and the table pass every string through [`crate::text::clean`]; JSON is
//! escaped by serde_json instead, so scripts get the data unchanged.

pub mod sof;

use std::path::{Path, PathBuf};

use crate::compare::{Cell, Comparison, Group, Row, words};
use crate::fsio;
use crate::i18n::{tr, trf};
use crate::text::{clean, fit, width, wrap};

/// The user's notes on the compared records, as a Markdown section headed as theirs (never
/// mixed into the table of sourced figures); empty when none of them has a note.
pub fn user_notes(c: &Comparison, notes: &[crate::userdata::Note]) -> String {
    let mut out = String::new();
    for col in &c.columns {
        if let Some(n) = notes.iter().find(|n| n.record == col.id) {
            out.push_str(&format!(
                "- **{}** ({}): {}\n",
                md_escape(&clean(&col.title)),
                md_escape(&clean(&n.date)),
                md_escape(&clean(&n.text))
            ));
        }
    }
    if out.is_empty() {
        return out;
    }
    format!(
        "\n## {}\n\n{out}",
        tr(c.lang, "Your notes (yours, not from a source)")
    )
}

/// The marker that goes with bold for the best value (never colour alone).
pub const BEST: &str = "★";

/// A cell as every table shows it (the browser's and the exports'): its text, sanitised,
/// with [`BEST`] after the best value of its row.
pub fn cell_text(c: &Cell) -> String {
    let t = clean(&c.text);
    if c.best {
        format!("{t} {BEST}")
    } else {
        t.into_owned()
    }
}

fn header(col: &crate::compare::Column) -> String {
    let mut h = clean(&col.title).into_owned();
    if let Some(c) = &col.caution {
        h.push_str(&format!(" ({})", clean(c)));
    }
    h
}

/// The heading a row starts, when it is the first of a measure, ratio, safety, adverse-event or
/// baseline group (the study and therapy facts head the table, and the flags row names itself).
pub fn heading(rows: &[Row], i: usize) -> Option<&Group> {
    let g = &rows.get(i)?.group;
    let first = i == 0 || rows[i - 1].group != *g;
    let headed = matches!(g, Group::Measure { .. } | Group::Ratio { .. }) || g.is_safety();
    (first && headed).then_some(g)
}

fn md_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|")
}

/// A GitHub-flavoured Markdown table with the caveats above it, its labels in the
/// comparison's language.
pub fn markdown(c: &Comparison) -> String {
    let mut out = String::new();
    let caveat = tr(c.lang, "Caveat:");
    for cav in &c.caveats {
        out.push_str(&format!(
            "> **{caveat}** {}\n",
            md_escape(&clean(&cav.text))
        ));
    }
    if !c.caveats.is_empty() {
        out.push('\n');
    }
    out.push_str("| |");
    for (i, col) in c.columns.iter().enumerate() {
        let refs = c.column_refs.get(i).map_or(String::new(), |r| {
            let m = crate::cite::marker(r);
            if m.is_empty() { m } else { format!(" {m}") }
        });
        out.push_str(&format!(" {}{refs} |", md_escape(&header(col))));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(c.columns.len()));
    out.push('\n');
    for (i, r) in c.rows.iter().enumerate() {
        if let Some(g) = heading(&c.rows, i) {
            out.push_str(&format!(
                "| **{}** |",
                md_escape(&clean(&g.title_in(c.lang)))
            ));
            out.push_str(&" |".repeat(c.columns.len()));
            out.push('\n');
        }
        out.push_str(&format!(
            "| {} |",
            md_escape(&clean(&words::label_in(r, c.lang)))
        ));
        for cell in &r.cells {
            let t = md_escape(&words::cell_in(r, cell, c.lang));
            let m = crate::cite::marker(&cell.refs);
            let m = if m.is_empty() { m } else { format!(" {m}") };
            if cell.best {
                out.push_str(&format!(" **{t}**{m} |"));
            } else {
                out.push_str(&format!(" {t}{m} |"));
            }
        }
        out.push('\n');
    }
    if let Some(shown) = &c.adverse_events {
        out.push_str(&format!("\n{}.\n", events_note(shown, c.lang)));
    }
    // Each pooled study's ratio carries the numbers of its ratio row's cell.
    let pooled_refs = |endpoint: &str, id: &str| -> String {
        let col = c.columns.iter().position(|col| col.id == id);
        let row = c.rows.iter().find(|r| {
            matches!(&r.group, Group::Ratio { endpoint: e } if e == endpoint) && !r.computed
        });
        match col.zip(row).and_then(|(i, r)| r.cells.get(i)) {
            Some(cell) if !cell.refs.is_empty() => format!(" {}", crate::cite::marker(&cell.refs)),
            _ => String::new(),
        }
    };
    out.push_str(&crate::meta::report::markdown_cited(
        &c.pooled,
        &pooled_refs,
        c.lang,
    ));
    out.push_str(&format!(
        "\n{}\n",
        trf(
            c.lang,
            "%{best} best value in its row. [n]: the numbered references below (where evidex read the figure, then the publication that source attributes it to). Source: evidex.",
            &[("best", &BEST)],
        )
    ));
    out.push_str(&crate::cite::markdown_list(&c.references, c.lang));
    out
}

/// CSV: a header row (`field`, then one column per record), one row per comparison row, the
/// best value marked with ★, and the caveats as trailing rows.
pub fn csv(c: &Comparison) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut head = vec!["field".to_string()];
    head.extend(c.columns.iter().map(header));
    let _ = w.write_record(&head);
    for r in &c.rows {
        let mut rec = vec![clean(&r.field()).into_owned()];
        rec.extend(r.cells.iter().map(cell_text));
        let _ = w.write_record(&rec);
    }
    if let Some(shown) = &c.adverse_events {
        let mut rec = vec![
            "adverse events listed".to_string(),
            events_note(shown, crate::corpus::Lang::En),
        ];
        rec.extend(std::iter::repeat_n(
            String::new(),
            c.columns.len().saturating_sub(1),
        ));
        let _ = w.write_record(&rec);
    }
    for rec in crate::meta::report::csv_rows(&c.pooled, c.columns.len()) {
        let _ = w.write_record(&rec);
    }
    for cav in &c.caveats {
        let mut rec = vec!["caveat".to_string(), clean(&cav.text).into_owned()];
        rec.extend(std::iter::repeat_n(
            String::new(),
            c.columns.len().saturating_sub(1),
        ));
        let _ = w.write_record(&rec);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Which adverse-event terms an export lists, and how to list them all.
fn events_note(shown: &crate::compare::EventsShown, lang: crate::corpus::Lang) -> String {
    match shown.events {
        crate::compare::Events::Top if shown.shown < shown.total => trf(
            lang,
            "%{listed}; `evidex compare --all-events` (or `a` in the browser) lists them all",
            &[("listed", &shown.describe_in(lang))],
        ),
        _ => shown.describe_in(lang),
    }
}

/// JSON for scripts.
pub fn json(c: &Comparison) -> String {
    serde_json::to_string_pretty(c).unwrap_or_else(|_| "{}".into())
}

/// An aligned plain-text table fitted to `total` columns, cells wrapped.
pub fn table(c: &Comparison, total: usize) -> String {
    let mut out = String::new();
    for cav in &c.caveats {
        push_wrapped(&mut out, &format!("! {}", clean(&cav.text)), total);
    }
    if !c.caveats.is_empty() {
        out.push('\n');
    }
    let (label_w, col_w) = table_widths(c, total);
    let line = |label: &str, cells: &[String]| table_line(label, cells, label_w, &col_w);
    let heads: Vec<String> = c.columns.iter().map(header).collect();
    out.push_str(&line("", &heads));
    let rule: String = std::iter::once("─".repeat(label_w))
        .chain(col_w.iter().map(|&w| "─".repeat(w)))
        .collect::<Vec<_>>()
        .join("─┼─");
    out.push_str(&rule);
    out.push('\n');
    for (i, r) in c.rows.iter().enumerate() {
        if let Some(g) = heading(&c.rows, i) {
            out.push_str(&rule);
            out.push('\n');
            push_wrapped(&mut out, &clean(&g.title_in(c.lang)), total);
        } else if i > 0 && r.group == Group::Flags && c.rows[i - 1].group != Group::Flags {
            out.push_str(&rule);
            out.push('\n');
        }
        let cells: Vec<String> = r
            .cells
            .iter()
            .map(|cell| words::cell_in(r, cell, c.lang))
            .collect();
        out.push_str(&line(&clean(&words::label_in(r, c.lang)), &cells));
    }
    for p in &c.pooled {
        out.push('\n');
        out.push_str(&crate::meta::report::text(
            p,
            crate::meta::report::Model::Random,
            total,
            c.lang,
        ));
    }
    if let Some(shown) = &c.adverse_events {
        out.push('\n');
        push_wrapped(&mut out, &format!("{}.", events_note(shown, c.lang)), total);
    }
    out.push_str(&format!(
        "\n{}\n",
        trf(c.lang, "%{best} best value in its row", &[("best", &BEST)])
    ));
    out
}

/// `text` wrapped to `total` columns, a line each.
fn push_wrapped(out: &mut String, text: &str, total: usize) {
    for l in wrap(text, total) {
        out.push_str(&l);
        out.push('\n');
    }
}

/// The width of the table's label column and of each record's column, for `total` columns:
/// each column as wide as its widest cell, up to an even share of the room.
fn table_widths(c: &Comparison, total: usize) -> (usize, Vec<usize>) {
    let n = c.columns.len().max(1);
    let label_w = c
        .rows
        .iter()
        .map(|r| width(&words::label_in(r, c.lang)))
        .max()
        .unwrap_or(5)
        .clamp(5, 22);
    let avail = total.saturating_sub(label_w + 3 * n).max(n * 8);
    let natural: Vec<usize> = (0..n)
        .map(|i| {
            c.rows
                .iter()
                .filter_map(|r| r.cells.get(i).map(|cell| (r, cell)))
                .map(|(r, cell)| width(&words::cell_in(r, cell, c.lang)))
                .chain(c.columns.get(i).map(|col| width(&header(col))))
                .max()
                .unwrap_or(8)
        })
        .collect();
    let even = avail / n;
    let col_w = natural.iter().map(|&w| w.clamp(8, even.max(8))).collect();
    (label_w, col_w)
}

/// One row of the table: the label and the cells wrapped in their columns, as many lines as
/// the tallest needs.
fn table_line(label: &str, cells: &[String], label_w: usize, col_w: &[usize]) -> String {
    let wrapped: Vec<Vec<String>> = cells.iter().zip(col_w).map(|(t, &w)| wrap(t, w)).collect();
    let label_lines = wrap(label, label_w);
    let height = wrapped
        .iter()
        .map(Vec::len)
        .chain([label_lines.len()])
        .max()
        .unwrap_or(1);
    let mut s = String::new();
    for i in 0..height {
        let mut l = fit(label_lines.get(i).map_or("", String::as_str), label_w);
        for (cell, &w) in wrapped.iter().zip(col_w) {
            l.push_str(" │ ");
            l.push_str(&fit(cell.get(i).map_or("", String::as_str), w));
        }
        s.push_str(l.trim_end());
        s.push('\n');
    }
    s
}

/// A file name stem for an exported comparison: `evidex-compare-emerald-1-leap-012-…`, made of
/// the compared ids (lower case, other characters as `-`, cut at about 80 characters) and a
/// short hash of the exact ids, so that two different comparisons never share a name however
/// long or alike their ids are.
pub fn file_stem(c: &Comparison) -> String {
    let ids: Vec<&str> = c.columns.iter().map(|col| col.id.as_str()).collect();
    stem_of(&ids)
}

fn stem_of(ids: &[&str]) -> String {
    let mut stem = String::from("evidex-compare");
    for id in ids {
        let id: String = id
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() {
                    ch.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        let id = id.trim_matches('-');
        if stem.len() + id.len() > 80 {
            break;
        }
        stem.push('-');
        stem.push_str(id);
    }
    format!("{stem}-{:08x}", fnv1a(ids.join("\0").as_bytes()) as u32)
}

/// FNV-1a: a stable hash (the same in every build and version), for file names.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Writes a comparison into `dir` as Markdown and CSV, both or neither (see
/// [`crate::fsio::write_all_or_none`]), named after the compared ids; returns the line that
/// tells the user where they are, and says so when an earlier export of the same comparison
/// was replaced. The CSV file starts with a byte-order mark, so that spreadsheets read it as
/// UTF-8 (Chinese names included).
pub fn write_files(
    cmp: &Comparison,
    dir: &Path,
    notes: &[crate::userdata::Note],
) -> Result<Exported, ExportError> {
    write_files_with(cmp, &[], dir, notes)
}

/// The files of the browser's export: the comparison's Markdown and CSV, and beside them
/// `extra` files named `STEM.SUFFIX` (the summary of findings, the references), all or none.
pub fn write_files_with(
    cmp: &Comparison,
    extra: &[(&str, String)],
    dir: &Path,
    notes: &[crate::userdata::Note],
) -> Result<Exported, ExportError> {
    let stem = file_stem(cmp);
    let md = dir.join(format!("{stem}.md"));
    let csv_path = dir.join(format!("{stem}.csv"));
    let extra_paths: Vec<PathBuf> = extra
        .iter()
        .map(|(suffix, _)| dir.join(format!("{stem}.{suffix}")))
        .collect();
    let replaced = md.exists() || csv_path.exists() || extra_paths.iter().any(|p| p.exists());
    let md_text = markdown(cmp) + &user_notes(cmp, notes);
    let csv_text = format!("\u{feff}{}", csv(cmp));
    let mut files: Vec<(&Path, &[u8])> =
        vec![(&md, md_text.as_bytes()), (&csv_path, csv_text.as_bytes())];
    for (p, (_, text)) in extra_paths.iter().zip(extra) {
        files.push((p, text.as_bytes()));
    }
    fsio::write_all_or_none(&files).map_err(|(i, source)| ExportError {
        path: files[i].0.to_path_buf(),
        source,
    })?;
    Ok(Exported {
        markdown: md,
        csv: csv_path,
        extra: extra_paths,
        replaced,
    })
}

/// The files an export wrote. Its `Display` is the line that tells the user where they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub markdown: PathBuf,
    pub csv: PathBuf,
    /// Further files written beside them (summary of findings, references).
    pub extra: Vec<PathBuf>,
    /// An earlier export of the same comparison was replaced.
    pub replaced: bool,
}

impl std::fmt::Display for Exported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(crate::corpus::Lang::En))
    }
}

impl Exported {
    /// The line that tells the user where the files are, in `lang`.
    pub fn message(&self, lang: crate::corpus::Lang) -> String {
        // The other files share the Markdown file's stem: `.csv`, `.sof.md`, … say which.
        let stem = self
            .markdown
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let mut rest: Vec<String> = std::iter::once(&self.csv)
            .chain(&self.extra)
            .map(|p| {
                let name = p
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                match name.strip_prefix(&stem) {
                    Some(suffix) if !stem.is_empty() => suffix.to_string(),
                    _ => name,
                }
            })
            .collect();
        let last = rest.pop().unwrap_or_default();
        let csv = if rest.is_empty() {
            last
        } else {
            format!(
                "{}{} {last}",
                rest.join(", "),
                if lang == crate::corpus::Lang::En {
                    " and"
                } else {
                    "、"
                }
            )
        };
        trf(
            lang,
            if self.replaced {
                "exported %{md} and %{csv} (replaced the earlier export of this comparison)"
            } else {
                "exported %{md} and %{csv}"
            },
            &[("md", &self.markdown.display()), ("csv", &csv)],
        )
    }
}

/// An export that wrote nothing: the file that could not be written, and why.
#[derive(Debug, thiserror::Error)]
#[error("export failed, no file written: {}: {source}", path.display())]
pub struct ExportError {
    pub path: PathBuf,
    #[source]
    pub source: fsio::WriteError,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_differ_for_different_comparisons() {
        let long_a = "a".repeat(90);
        let long_b = format!("{}b", "a".repeat(89));
        let stems = [
            stem_of(&[&long_a, "x"]),
            stem_of(&[&long_b, "x"]),
            stem_of(&["a-b", "c"]),
            stem_of(&["a", "b-c"]),
            stem_of(&["a.b", "c"]),
        ];
        for (i, a) in stems.iter().enumerate() {
            for b in &stems[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert!(
            stems[2].starts_with("evidex-compare-a-b-c-"),
            "{}",
            stems[2]
        );
        assert!(stems.iter().all(|s| s.len() <= 100));
    }

    #[test]
    fn a_second_export_says_it_replaced_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let corpus = crate::corpus::Corpus::bundled().unwrap();
        let records: Vec<_> = ["emerald-1", "leap-012"]
            .iter()
            .map(|id| corpus.resolve(id).unwrap())
            .collect();
        let c = crate::compare::compare(&corpus, &records, crate::corpus::Lang::En);
        let first = write_files(&c, dir.path(), &[]).unwrap();
        assert!(!first.replaced && !first.to_string().contains("replaced"));
        let second = write_files(&c, dir.path(), &[]).unwrap();
        assert!(second.replaced && second.to_string().contains("replaced"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }
}
