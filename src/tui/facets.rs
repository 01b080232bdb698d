//! The facet line under the search line: the results counted by kind, disease and phase, each
//! count a filter that the keyboard (the facet key, then ←/→ and Enter) or a click adds to the
//! query or takes out of it. `update` (keys and clicks) and `view` (drawing) both take the
//! items and their columns from [`items`], so a click lands on what is drawn.

use crate::corpus::Corpus;
use crate::search::Results;
use crate::text::{clean, width};

/// Between the items of one group.
pub const SEP: &str = " · ";
/// Between the groups (kinds, diseases, phases).
pub const GROUP_SEP: &str = "  │ ";
/// How many diseases the line offers (the largest).
pub const DISEASES: usize = 4;

/// One facet value on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// As drawn: `✓ ` when the query has the filter, the value, its count.
    pub label: String,
    /// The query word that filters by it: `kind:trial`, `disease:hcc`, `phase:1/2`.
    pub term: String,
    /// The query has the filter: choosing the item takes it out.
    pub active: bool,
    /// Whether a separator of groups (rather than of items) comes before it.
    pub new_group: bool,
    /// Its first column on the line, and its width.
    pub x: u16,
    pub width: u16,
}

/// Whether the query `text` has `term` as one of its words.
pub fn has_term(text: &str, term: &str) -> bool {
    text.split_whitespace()
        .any(|w| w.eq_ignore_ascii_case(term))
}

/// The facet values of `results`, laid out from column 0 for a query `text`, in `lang`. Items
/// that would start beyond `room` columns are left out (the line is cut there).
pub fn items(
    results: &Results,
    c: &Corpus,
    lang: crate::corpus::Lang,
    text: &str,
    room: usize,
) -> Vec<Item> {
    let f = &results.facets;
    let mut raw: Vec<(String, String, bool)> = Vec::new();
    for (k, n) in &f.kinds {
        raw.push((
            format!("{} {n}", k.label()),
            format!("kind:{}", k.label()),
            false,
        ));
    }
    let mut first = true;
    for (id, n) in f.diseases.iter().take(DISEASES) {
        let name = c
            .disease_by_id(id)
            .map_or(id.as_str(), |d| d.short_name(lang));
        raw.push((
            format!("{} {n}", clean(name)),
            format!("disease:{}", clean(id)),
            std::mem::take(&mut first),
        ));
    }
    let mut first = true;
    for (p, n) in &f.phases {
        raw.push((
            format!("Ph{p} {n}"),
            format!("phase:{p}"),
            std::mem::take(&mut first),
        ));
    }
    let mut out = Vec::new();
    let mut x = 0usize;
    for (i, (label, term, new_group)) in raw.into_iter().enumerate() {
        if i > 0 {
            x += width(if new_group { GROUP_SEP } else { SEP });
        }
        if x >= room {
            break;
        }
        let active = has_term(text, &term);
        let label = if active {
            format!("✓ {label}")
        } else {
            label
        };
        let w = width(&label);
        out.push(Item {
            label,
            term,
            active,
            new_group,
            x: x.min(u16::MAX as usize) as u16,
            width: w.min(u16::MAX as usize) as u16,
        });
        x += w;
    }
    out
}

/// The query with `term` taken out (every copy) when it has it, else added at the end.
pub fn toggled(text: &str, term: &str) -> String {
    if has_term(text, term) {
        text.split_whitespace()
            .filter(|w| !w.eq_ignore_ascii_case(term))
            .collect::<Vec<_>>()
            .join(" ")
    } else if text.trim().is_empty() {
        term.to_string()
    } else {
        format!("{} {term}", text.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_is_added_once_and_taken_out_whole() {
        assert_eq!(toggled("", "kind:trial"), "kind:trial");
        assert_eq!(toggled("tace ", "phase:3"), "tace phase:3");
        assert_eq!(toggled("tace phase:3 hcc", "phase:3"), "tace hcc");
        assert_eq!(toggled("Kind:Trial tace kind:trial", "kind:trial"), "tace");
        // A longer word that starts like the term is another filter.
        assert_eq!(toggled("phase:3x", "phase:3"), "phase:3x phase:3");
    }

    #[test]
    fn items_are_laid_out_as_drawn_and_cut_at_the_room() {
        let c = std::sync::Arc::new(crate::corpus::Corpus::bundled().unwrap());
        let e = crate::search::engine(c.clone());
        let r = crate::search::run(&e, "tace", 10).unwrap();
        let all = items(&r, &c, crate::corpus::Lang::En, "tace kind:trial", 500);
        assert!(all.iter().any(|i| i.term == "kind:trial" && i.active));
        assert!(all.iter().any(|i| i.term.starts_with("disease:")));
        let line: String = all
            .iter()
            .enumerate()
            .map(|(n, i)| {
                let sep = match (n, i.new_group) {
                    (0, _) => "",
                    (_, true) => GROUP_SEP,
                    _ => SEP,
                };
                format!("{sep}{}", i.label)
            })
            .collect();
        for i in &all {
            // The byte where column `x` starts.
            let mut col = 0;
            let at = line
                .char_indices()
                .find(|(_, ch)| {
                    let here = col;
                    col += width(ch.encode_utf8(&mut [0; 4]));
                    here == i.x as usize
                })
                .map_or(line.len(), |(b, _)| b);
            assert!(line[at..].starts_with(&i.label), "{line} at {}", i.x);
        }
        let cut = items(&r, &c, crate::corpus::Lang::En, "", 20);
        assert!(cut.len() < all.len() && cut.iter().all(|i| i.x < 20));
    }
}
