//! Writers for a [`Comparison`]: Markdown, CSV, JSON and an aligned plain-text table, and the
//! atomic file write behind every file evidex saves.
//!
//! Markdown, CSV and the table pass every string through [`crate::text::clean`]; JSON is
//! escaped by serde_json instead, so scripts get the data unchanged.

use std::io::Write;
use std::path::Path;

use crate::compare::{Cell, Comparison, Group, Row};
use crate::text::{clean, fit, width, wrap};

/// The marker that goes with bold for the best value (never colour alone).
pub const BEST: &str = "★";

fn cell_text(c: &Cell) -> String {
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

/// The heading a row starts, when it is the first of a measure or ratio group (the study and
/// therapy facts head the table, and the flags row names itself).
pub fn heading(rows: &[Row], i: usize) -> Option<&Group> {
    let g = &rows.get(i)?.group;
    let first = i == 0 || rows[i - 1].group != *g;
    (first && matches!(g, Group::Measure { .. } | Group::Ratio { .. })).then_some(g)
}

fn md_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('|', "\\|")
}

/// A GitHub-flavoured Markdown table with the caveats above it.
pub fn markdown(c: &Comparison) -> String {
    let mut out = String::new();
    for cav in &c.caveats {
        out.push_str(&format!("> **Caveat:** {}\n", md_escape(&clean(&cav.text))));
    }
    if !c.caveats.is_empty() {
        out.push('\n');
    }
    out.push_str("| |");
    for col in &c.columns {
        out.push_str(&format!(" {} |", md_escape(&header(col))));
    }
    out.push_str("\n|---|");
    out.push_str(&"---|".repeat(c.columns.len()));
    out.push('\n');
    for (i, r) in c.rows.iter().enumerate() {
        if let Some(g) = heading(&c.rows, i) {
            out.push_str(&format!("| **{}** |", md_escape(&clean(&g.title()))));
            out.push_str(&" |".repeat(c.columns.len()));
            out.push('\n');
        }
        out.push_str(&format!("| {} |", md_escape(&clean(&r.label))));
        for cell in &r.cells {
            let t = md_escape(&cell_text(cell));
            if cell.best {
                out.push_str(&format!(" **{t}** |"));
            } else {
                out.push_str(&format!(" {t} |"));
            }
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\n{BEST} best value in its row. Source: evidex.\n"
    ));
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

/// JSON for scripts.
pub fn json(c: &Comparison) -> String {
    serde_json::to_string_pretty(c).unwrap_or_else(|_| "{}".into())
}

/// An aligned plain-text table fitted to `total` columns, cells wrapped.
pub fn table(c: &Comparison, total: usize) -> String {
    let mut out = String::new();
    for cav in &c.caveats {
        for l in wrap(&format!("! {}", clean(&cav.text)), total) {
            out.push_str(&l);
            out.push('\n');
        }
    }
    if !c.caveats.is_empty() {
        out.push('\n');
    }
    let n = c.columns.len().max(1);
    let label_w = c
        .rows
        .iter()
        .map(|r| width(&r.label))
        .max()
        .unwrap_or(5)
        .clamp(5, 22);
    let avail = total.saturating_sub(label_w + 3 * n).max(n * 8);
    let natural: Vec<usize> = (0..n)
        .map(|i| {
            c.rows
                .iter()
                .filter_map(|r| r.cells.get(i))
                .map(|cell| width(&cell_text(cell)))
                .chain(c.columns.get(i).map(|col| width(&header(col))))
                .max()
                .unwrap_or(8)
        })
        .collect();
    let even = avail / n;
    let col_w: Vec<usize> = natural.iter().map(|&w| w.clamp(8, even.max(8))).collect();
    let line = |label: &str, cells: &[String]| -> String {
        let wrapped: Vec<Vec<String>> =
            cells.iter().zip(&col_w).map(|(t, &w)| wrap(t, w)).collect();
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
            for (cell, &w) in wrapped.iter().zip(&col_w) {
                l.push_str(" │ ");
                l.push_str(&fit(cell.get(i).map_or("", String::as_str), w));
            }
            s.push_str(l.trim_end());
            s.push('\n');
        }
        s
    };
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
            for l in wrap(&clean(&g.title()), total) {
                out.push_str(&l);
                out.push('\n');
            }
        } else if i > 0 && r.group == Group::Flags && c.rows[i - 1].group != Group::Flags {
            out.push_str(&rule);
            out.push('\n');
        }
        let cells: Vec<String> = r.cells.iter().map(cell_text).collect();
        out.push_str(&line(&clean(&r.label), &cells));
    }
    out.push_str(&format!("\n{BEST} best value in its row\n"));
    out
}

/// A file name stem for an exported comparison: `evidex-compare-emerald-1-leap-012`, made of
/// the compared ids, safe on every file system, at most about 100 bytes.
pub fn file_stem(c: &Comparison) -> String {
    let mut stem = String::from("evidex-compare");
    for col in &c.columns {
        let id: String = col
            .id
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() {
                    ch.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        if stem.len() + id.len() > 100 {
            break;
        }
        stem.push('-');
        stem.push_str(id.trim_matches('-'));
    }
    stem
}

/// Writes a comparison into `dir` as Markdown and CSV, each file atomically, named after the
/// compared ids; returns the line that tells the user where they are. The CSV file starts with
/// a byte-order mark, so that spreadsheets read it as UTF-8 (Chinese names included).
pub fn write_files(cmp: &Comparison, dir: &Path) -> Result<String, String> {
    let stem = file_stem(cmp);
    let md = dir.join(format!("{stem}.md"));
    let csv_path = dir.join(format!("{stem}.csv"));
    let csv_text = format!("\u{feff}{}", csv(cmp));
    for (path, text) in [(&md, markdown(cmp)), (&csv_path, csv_text)] {
        write_atomic(path, text.as_bytes())
            .map_err(|e| format!("could not write {}: {e}", path.display()))?;
    }
    Ok(format!(
        "exported {} and {}",
        md.display(),
        csv_path.file_name().unwrap_or_default().to_string_lossy()
    ))
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed and
/// synced, then renamed over the target. The target is never left half-written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".evidex-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // A temporary file is private (0600); the result keeps the mode of the file it replaces,
    // or gets the usual 0644 of a new document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.md");
        write_atomic(&p, b"first").unwrap();
        write_atomic(&p, b"second").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "second");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn atomic_write_reports_errors() {
        let err = write_atomic(Path::new("/nonexistent-dir/x.md"), b"x");
        assert!(err.is_err());
    }
}
