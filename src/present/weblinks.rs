//! Web addresses in a record's text: DOIs, PubMed ids, ClinicalTrials.gov (NCT) ids and
//! http(s) URLs, each found with the address evidex builds for it.
//!
//! An address is made by evidex, never copied whole from the record: a DOI, a PubMed id or an
//! NCT id is checked character by character and put into a fixed https address
//! (`https://doi.org/…`, `https://pubmed.ncbi.nlm.nih.gov/…/`, `https://clinicaltrials.gov/study/…`),
//! and a URL in the text is taken only as far as it is printable ASCII that a URL may hold. So
//! an address never holds a control character, an escape or a space, and can be written
//! inside a terminal's OSC 8 sequence or handed to a browser as one argument.

use std::ops::Range;

/// One address found in a text: where its text is (bytes) and the address it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebLink {
    pub range: Range<usize>,
    pub url: String,
}

/// Whether `url` is an http(s) address of printable ASCII that needs no quoting: what evidex
/// writes inside an escape sequence or gives a browser.
pub fn is_safe_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && url.len() <= MAX_URL
        && url.bytes().all(url_byte)
}

/// The longest address kept (longer ones are not links).
pub const MAX_URL: usize = 2048;

/// A byte a URL may hold as is (RFC 3986's reserved and unreserved characters, and `%`).
fn url_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b)
}

/// A byte of a DOI's suffix that evidex links (Crossref's recommended set).
fn doi_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._;()/:".contains(&b)
}

/// Every address in `text`, in order, none overlapping.
pub fn find(text: &str) -> Vec<WebLink> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let at_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        let found = if at_word {
            url_at(text, i)
                .or_else(|| doi_at(text, i))
                .or_else(|| nct_at(text, i))
                .or_else(|| pmid_at(text, i))
        } else {
            None
        };
        match found {
            Some(link) => {
                i = link.range.end;
                out.push(link);
            }
            None => i += text[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    out
}

/// Trailing punctuation that ends a sentence rather than an address, and a closing bracket
/// that closes none opened inside it.
fn trim_end(s: &str) -> &str {
    let mut s = s;
    loop {
        let Some(last) = s.chars().last() else {
            return s;
        };
        let unbalanced = |open: char, close: char| {
            last == close && s.matches(close).count() > s.matches(open).count()
        };
        if ".,;:!?'\"".contains(last) || unbalanced('(', ')') || unbalanced('[', ']') {
            s = &s[..s.len() - last.len_utf8()];
        } else {
            return s;
        }
    }
}

fn url_at(text: &str, i: usize) -> Option<WebLink> {
    let rest = &text[i..];
    let scheme = ["https://", "http://"].into_iter().find(|p| {
        rest.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    })?;
    let len = rest.bytes().take_while(|&b| url_byte(b)).count();
    let body = trim_end(&rest[..len]);
    let url = format!("{scheme}{}", &body[scheme.len().min(body.len())..]);
    is_safe_url(&url).then(|| WebLink {
        range: i..i + body.len(),
        url,
    })
}

/// `10.NNNN/suffix`, or with a `doi:` or `https://doi.org/` before it (kept in the range).
fn doi_at(text: &str, i: usize) -> Option<WebLink> {
    let rest = &text[i..];
    let lead = ["doi:", "doi: "]
        .into_iter()
        .rev()
        .find(|p| {
            rest.get(..p.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
        })
        .map_or(0, str::len);
    let d = &rest[lead..];
    let prefix = d.strip_prefix("10.")?;
    let digits = prefix.bytes().take_while(u8::is_ascii_digit).count();
    if !(4..=9).contains(&digits) || prefix.as_bytes().get(digits) != Some(&b'/') {
        return None;
    }
    let head = 3 + digits + 1;
    let suffix_len = d[head..].bytes().take_while(|&b| doi_byte(b)).count();
    let doi = trim_end(&d[..head + suffix_len]);
    if doi.len() <= head {
        return None;
    }
    let url = format!("https://doi.org/{doi}");
    is_safe_url(&url).then(|| WebLink {
        range: i..i + lead + doi.len(),
        url,
    })
}

/// `NCT` and eight digits, as a word.
fn nct_at(text: &str, i: usize) -> Option<WebLink> {
    let rest = &text.as_bytes()[i..];
    let id = rest.get(..11)?;
    let ok = id[..3].eq_ignore_ascii_case(b"NCT")
        && id[3..].iter().all(u8::is_ascii_digit)
        && !rest.get(11).is_some_and(u8::is_ascii_alphanumeric);
    ok.then(|| WebLink {
        range: i..i + 11,
        url: format!(
            "https://clinicaltrials.gov/study/NCT{}",
            &text[i + 3..i + 11]
        ),
    })
}

/// `PMID: 12345678` (or `PMID 1234`, `pmid:1234`): one to nine digits after it.
fn pmid_at(text: &str, i: usize) -> Option<WebLink> {
    let rest = &text[i..];
    if !rest.get(..4)?.eq_ignore_ascii_case("pmid") {
        return None;
    }
    let after = &rest[4..];
    let gap = after
        .bytes()
        .take_while(|&b| b == b':' || b == b' ')
        .count();
    let digits = after[gap..].bytes().take_while(u8::is_ascii_digit).count();
    let end = 4 + gap + digits;
    let ok = (1..=9).contains(&digits)
        && !rest
            .as_bytes()
            .get(end)
            .is_some_and(u8::is_ascii_alphanumeric);
    ok.then(|| WebLink {
        range: i..i + end,
        url: format!(
            "https://pubmed.ncbi.nlm.nih.gov/{}/",
            &after[gap..gap + digits]
        ),
    })
}

/// A piece of an address on one row of a laid-out document (an address wrapped over two rows
/// is two pieces with the same `url`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowLink {
    /// The row of the layout, and the document line it belongs to.
    pub row: usize,
    pub line: usize,
    /// Its first column on the row, and its width in columns.
    pub col: usize,
    pub width: usize,
    pub url: String,
}

/// The addresses of `doc` placed on the rows of its layout (`Doc::layout`): each line's
/// addresses are found in the line's whole text, so one wrapped over two rows is still whole.
pub fn row_links(doc: &super::Doc, rows: &[(Vec<super::Span>, usize)]) -> Vec<RowLink> {
    use crate::text::width;
    let mut out = Vec::new();
    // Where the search for the next piece of the current line starts (bytes of its text).
    let mut line_at: Option<(usize, usize)> = None;
    let mut found: Vec<WebLink> = Vec::new();
    for (row, (spans, line)) in rows.iter().enumerate() {
        let Some(l) = doc.lines.get(*line) else {
            continue;
        };
        let text = l.text();
        let pos = match line_at {
            Some((n, pos)) if n == *line => pos,
            _ => {
                found = find(&text);
                0
            }
        };
        let mut pos = pos;
        let mut col = 0;
        for sp in spans {
            let w = width(&sp.text);
            if found.is_empty() || sp.text.trim().is_empty() {
                col += w;
                continue;
            }
            // Each piece of the row is the next occurrence of its text in the line's.
            if let Some(off) = text.get(pos..).and_then(|t| t.find(sp.text.as_str())) {
                let (start, end) = (pos + off, pos + off + sp.text.len());
                for link in &found {
                    let (a, b) = (link.range.start.max(start), link.range.end.min(end));
                    if a < b {
                        out.push(RowLink {
                            row,
                            line: *line,
                            col: col + width(&text[start..a]),
                            width: width(&text[a..b]),
                            url: link.url.clone(),
                        });
                    }
                }
                pos = end;
            }
            col += w;
        }
        line_at = Some((*line, pos));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<(&str, String)> {
        find(text)
            .into_iter()
            .map(|l| (&text[l.range], l.url))
            .collect()
    }

    #[test]
    fn ids_become_addresses_evidex_builds() {
        assert_eq!(
            urls("Registry NCT05348811, nct01234567x"),
            [(
                "NCT05348811",
                "https://clinicaltrials.gov/study/NCT05348811".to_string()
            )]
        );
        assert_eq!(
            urls("[4] Lancet 2024. doi:10.1016/S0140-6736(24)02575-3."),
            [(
                "doi:10.1016/S0140-6736(24)02575-3",
                "https://doi.org/10.1016/S0140-6736(24)02575-3".to_string()
            )]
        );
        assert_eq!(
            urls("(see 10.1245/s10434-011-1585-7)"),
            [(
                "10.1245/s10434-011-1585-7",
                "https://doi.org/10.1245/s10434-011-1585-7".to_string()
            )]
        );
        assert_eq!(
            urls("PMID: 31234567; pmid 42"),
            [
                (
                    "PMID: 31234567",
                    "https://pubmed.ncbi.nlm.nih.gov/31234567/".to_string()
                ),
                ("pmid 42", "https://pubmed.ncbi.nlm.nih.gov/42/".to_string())
            ]
        );
        // Not ids: too short, part of a word, no suffix.
        assert!(urls("NCT1234 XNCT01234567 10.12/x 10.1016/ PMID: x").is_empty());
    }

    #[test]
    fn a_wrapped_address_is_placed_on_each_of_its_rows() {
        let mut doc = crate::present::Doc::default();
        doc.lines.push(crate::present::DocLine {
            spans: vec![crate::present::span(
                crate::present::Role::Plain,
                "[1] A long reference text doi:10.1016/S0140-6736(24)02575-3 and NCT05348811",
            )],
            indent: 2,
            wrap: true,
            link: None,
        });
        for width in [24, 30, 40, 200] {
            let rows = doc.layout(width);
            let links = row_links(&doc, &rows);
            // Every piece shows its part of the text at its column.
            let mut doi = String::new();
            for l in &links {
                let text: String = rows[l.row].0.iter().map(|s| s.text.as_str()).collect();
                let piece: String = text.chars().skip(l.col).take(l.width).collect();
                if l.url.contains("doi.org") {
                    doi.push_str(&piece);
                } else {
                    assert_eq!(piece, "NCT05348811");
                }
            }
            assert_eq!(doi, "doi:10.1016/S0140-6736(24)02575-3", "{width}");
        }
    }

    #[test]
    fn a_url_is_taken_only_as_far_as_it_is_safe() {
        assert_eq!(
            urls("at https://example.org/a?b=1&c=(2)."),
            [(
                "https://example.org/a?b=1&c=(2)",
                "https://example.org/a?b=1&c=(2)".to_string()
            )]
        );
        // An escape, a control character, a quote or a space ends it.
        for text in [
            "https://evil.example/\x1b]8;;x\x1b\\",
            "https://evil.example/\x07more",
            "https://evil.example/\"x",
            "https://evil.example/ x",
            "https://evil.example/\u{202e}x",
            "HTTPS://evil.example/中文",
        ] {
            let found = find(text);
            assert_eq!(found.len(), 1, "{text:?}");
            assert!(
                found[0].url.starts_with("https://evil.example/"),
                "{text:?}"
            );
            assert!(is_safe_url(&found[0].url), "{text:?}");
            assert!(found[0].url.bytes().all(|b| (0x21..0x7f).contains(&b)));
        }
        assert!(find("ftp://x.org javascript:alert(1) https://").is_empty());
        assert!(!is_safe_url("https://x.org/\x1b"));
        assert!(!is_safe_url("file:///etc/passwd"));
    }
}
