//! The references written for reference managers: RIS and BibTeX. A reference's entry is read
//! once into [`Fields`], the terms both formats share, and each writer names and orders them
//! its own way.

use super::{Entry, Reference, References, one_line, year_of};

/// A reference's fields, read once from its entry for both writers.
struct Fields<'a> {
    /// What kind of work: a web page (an article online), a journal article, or other.
    kind: Work,
    title: &'a str,
    translated: Option<&'a str>,
    author: Option<&'a str>,
    /// Where an article (a source) appeared.
    outlet: Option<&'a str>,
    /// The journal of a publication a source cites.
    journal: Option<&'a str>,
    year: Option<String>,
    date: Option<&'a str>,
    url: Option<&'a str>,
    /// A source's language (possibly empty); none for a cited publication.
    language: Option<&'a str>,
    doi: Option<&'a str>,
    /// For a cited publication: the number of the source that cites it, and its number in
    /// that source's list.
    printed_in: Option<(u32, u32)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Work {
    Web,
    Journal,
    Other,
}

impl<'a> Fields<'a> {
    fn of(r: &'a Reference) -> Fields<'a> {
        match &r.entry {
            Entry::Source {
                title,
                translated,
                author,
                outlet,
                date,
                url,
                language,
            } => Fields {
                kind: if url.is_some() {
                    Work::Web
                } else {
                    Work::Other
                },
                title,
                translated: translated.as_deref(),
                author: author.as_deref(),
                outlet: outlet.as_deref(),
                journal: None,
                year: year_of(date.as_deref()).map(str::to_string),
                date: date.as_deref(),
                url: url.as_deref(),
                language: Some(language),
                doi: None,
                printed_in: None,
            },
            Entry::Cited {
                text,
                authors,
                journal,
                year,
                doi,
                cited_by,
                as_number,
            } => Fields {
                kind: if journal.is_some() {
                    Work::Journal
                } else {
                    Work::Other
                },
                title: text,
                translated: None,
                author: authors.as_deref(),
                outlet: None,
                journal: journal.as_deref(),
                year: year.map(|y| y.to_string()),
                date: None,
                url: None,
                language: None,
                doi: doi.as_deref(),
                printed_in: Some((*cited_by, *as_number)),
            },
        }
    }
}

/// RIS (Research Information Systems), as Zotero, EndNote and Mendeley import it: one record
/// per reference, every field on one line (LF line ends, which they read as CRLF).
pub fn ris(refs: &References) -> String {
    let mut out = String::new();
    for r in refs.iter() {
        let mut tag = |t: &str, v: Option<&str>| {
            let v = one_line(v.unwrap_or_default());
            if !v.is_empty() {
                out.push_str(&format!("{t}  - {v}\n"));
            }
        };
        let f = Fields::of(r);
        let kind = match f.kind {
            Work::Web => "ELEC",
            Work::Journal => "JOUR",
            Work::Other => "GEN",
        };
        tag("TY", Some(kind));
        tag("ID", Some(&r.key));
        tag("TI", Some(f.title));
        tag("TT", f.translated);
        tag("AU", f.author);
        tag("T2", f.outlet);
        tag("JO", f.journal);
        tag("PY", f.year.as_deref());
        tag("DA", f.date.map(|d| d.replace('-', "/")).as_deref());
        tag("UR", f.url);
        tag("LA", f.language);
        tag("DO", f.doi);
        if let Some((cited_by, as_number)) = f.printed_in {
            let note = format!("As printed in reference {cited_by}'s list, as [{as_number}].");
            tag("N1", Some(&note));
        }
        let records = format!("Cited by evidex records: {}", r.records.join(", "));
        tag("N1", Some(&records));
        out.push_str("ER  - \n");
    }
    out
}

/// A BibTeX value in braces: braces balanced, TeX specials escaped.
fn bib(s: &str) -> String {
    let mut out = String::new();
    for ch in one_line(s).chars() {
        match ch {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' => out.push_str("\\{"),
            '}' => out.push_str("\\}"),
            '%' | '&' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(ch);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '@' => out.push_str("{@}"),
            c => out.push(c),
        }
    }
    out
}

/// A citation key: the reference's key with other characters as `-`.
pub fn bib_key(r: &Reference) -> String {
    let k: String = r
        .key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("evidex-{}", k.trim_matches('-'))
}

/// BibTeX: `@misc` for an article (its author, a free-text statement, kept whole in braces so
/// that no name is split), `@article` for a primary publication with a journal.
pub fn bibtex(refs: &References) -> String {
    let mut out = String::new();
    for r in refs.iter() {
        let f = Fields::of(r);
        let mut fields: Vec<(&str, String)> = Vec::new();
        let mut field = |name, value: Option<String>| {
            if let Some(v) = value {
                fields.push((name, v));
            }
        };
        let whole = |v: &str| format!("{{{}}}", bib(v));
        field("title", Some(whole(f.title)));
        field("author", f.author.map(whole));
        field("howpublished", f.outlet.map(bib));
        field("journal", f.journal.map(bib));
        field("year", f.year);
        field("date", f.date.map(bib));
        field("url", f.url.map(bib));
        field("language", f.language.map(bib));
        field("doi", f.doi.map(bib));
        field(
            "note",
            f.translated
                .map(|t| format!("Title in translation: {}", bib(t))),
        );
        field(
            "note",
            f.printed_in.map(|(cited_by, as_number)| {
                format!("As printed in reference {cited_by}'s list, as [{as_number}]")
            }),
        );
        field(
            "annote",
            Some(format!(
                "Cited by evidex records: {}",
                bib(&r.records.join(", "))
            )),
        );
        let kind = if f.kind == Work::Journal {
            "article"
        } else {
            "misc"
        };
        out.push_str(&format!("@{kind}{{{},\n", bib_key(r)));
        for (name, value) in fields {
            out.push_str(&format!("  {name} = {{{value}}},\n"));
        }
        out.push_str("}\n\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bibtex_escapes_what_tex_would_read() {
        assert_eq!(bib("50% & {x}_1 #2 $"), "50\\% \\& \\{x\\}\\_1 \\#2 \\$");
        let hostile = bib("a\u{1b}]52;x\nb\u{7}");
        assert!(!hostile.chars().any(char::is_control), "{hostile:?}");
    }
}
