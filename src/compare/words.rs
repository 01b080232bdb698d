//! The comparison's own words in the reader's language. A [`Comparison`]'s rows keep their
//! English labels and vocabulary (the CSV and JSON exports print them, stable for scripts);
//! the browser's table and the Markdown and text exports show them through these functions
//! in the comparison's language. Record data (names, figures, quoted text) is never looked
//! up: only a row label, or a cell that is evidex's own word (a design, a phase, "not
//! reported", an evidence level), is translated.

use std::borrow::Cow;

use super::{Cell, Row};
use crate::corpus::Lang;
use crate::i18n::tr;

/// The rows whose every cell is evidex's vocabulary (an enumeration's label).
const VOCABULARY_ROWS: &[&str] = &["Design", "Phase", "Evidence", "Kind", "Best evidence"];

/// Cells evidex writes in any row where a figure is missing or does not apply.
const BLANKS: &[&str] = &[
    super::NOT_REPORTED,
    "no control arm",
    "none (no comparator)",
    "all patients",
    "HR not reported",
    super::safety::NOT_LISTED,
    "none stated",
];

/// A row's label in `lang`.
pub fn label_in(row: &Row, lang: Lang) -> Cow<'static, str> {
    // "Neutropenia, experimental": a term of the record's and a role of evidex's.
    if let Some((what, role)) = row.label.rsplit_once(", ")
        && ROLES.contains(&role)
    {
        let sep = if lang == Lang::En { ", " } else { "，" };
        return Cow::Owned(format!("{}{sep}{}", tr(lang, what), tr(lang, role)));
    }
    tr(lang, &row.label)
}

/// The roles whose rows the safety rows name after their label's comma.
const ROLES: [&str; 3] = ["experimental", "control", "other groups"];

/// A cell's text as every table shows it ([`crate::export::cell_text`]) in `lang`: evidex's
/// own words translated, record data as it is.
pub fn cell_in(row: &Row, cell: &Cell, lang: Lang) -> String {
    let text = crate::export::cell_text(cell);
    if lang == Lang::En {
        return text;
    }
    if BLANKS.contains(&cell.text.as_str()) {
        return crate::export::cell_text(&Cell {
            text: tr(lang, &cell.text).into_owned(),
            ..cell.clone()
        });
    }
    if !VOCABULARY_ROWS.contains(&row.label.as_str()) {
        return text;
    }
    // "level 1: randomised controlled evidence", "phase 3", "single-arm"; a therapy's best
    // evidence names one level.
    let words: Vec<String> = cell
        .text
        .split(": ")
        .map(|w| tr(lang, w).into_owned())
        .collect();
    crate::export::cell_text(&Cell {
        text: words.join("："),
        ..cell.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::Group;

    fn row(label: &str) -> Row {
        Row {
            group: Group::Study,
            label: label.into(),
            cells: Vec::new(),
            computed: false,
        }
    }

    #[test]
    fn vocabulary_is_translated_and_data_is_not() {
        let cell = |t: &str| Cell::new(t);
        let zh = Lang::Zh;
        assert_eq!(cell_in(&row("Design"), &cell("single-arm"), zh), "单臂");
        assert_eq!(
            cell_in(
                &row("Evidence"),
                &cell("level 1: randomised controlled evidence"),
                zh
            ),
            "1 级：随机对照证据"
        );
        assert_eq!(
            cell_in(&row("experimental"), &cell("not reported"), zh),
            "未报告"
        );
        // A record's own text that happens to be an English word of the interface stays.
        assert_eq!(cell_in(&row("Setting"), &cell("other"), zh), "other");
        assert_eq!(
            cell_in(&row("Design"), &cell("single-arm"), Lang::En),
            "single-arm"
        );
        assert_eq!(label_in(&row("Patients (n)"), zh), "患者数（n）");
    }
}
