//! How records read: figures with their units, headline results, and the detail document.
//!
//! The detail document ([`Doc`]) is built once here and shown by both the TUI's detail pane and
//! `evidex show`, so the two never disagree. It is plain data: lines of spans tagged with a
//! semantic [`Role`] (the TUI maps roles to its theme, the CLI to plain text), some lines
//! linking to another record.

//!
//! - [`doc`]: the document model ([`Doc`], [`Role`], [`Span`]) and its layout.
//! - [`figures`]: values, ratios, headlines, designs, the best value of an outcome.
//! - [`detail`]: the detail document of each kind of record.
//! - [`row`]: the facts of one result line.
//! - [`safety`]: a trial's adverse-event and baseline sections.
//! - [`weblinks`]: DOIs, PubMed and NCT ids and URLs in the text, with the addresses they open.

pub mod detail;
pub mod doc;
pub mod figures;
pub mod row;
pub mod safety;
pub mod weblinks;

pub use detail::{LINKS, detail, detail_builds};
pub use doc::{Doc, DocLine, Role, Span, span};
pub use figures::*;
pub use row::{ResultRow, result_row, short_design};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::{ArmValue, Corpus, Kind, Lang, Num, RecordRef};

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
