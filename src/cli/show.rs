//! `evidex show`: one record in full, as the detail document or as JSON with its references
//! resolved. On a terminal that shows them (the configuration's `hyperlinks`), its web
//! addresses are OSC 8 hyperlinks; piped, the text is plain.

use serde::Serialize;

use super::{CliError, Out, out_width};
use crate::corpus::{Corpus, Kind, Lang, Names, RecordRef, Source};
use crate::present;

/// Runs `evidex show ID|QUERY [--json]` on a resolved record, its addresses hyperlinks when
/// `links`.
pub fn run(
    c: &Corpus,
    r: RecordRef,
    as_json: bool,
    lang: Lang,
    links: bool,
    out: &mut Out,
) -> Result<(), CliError> {
    if as_json {
        let v = resolved_json(c, r, lang)?;
        return out.json(super::to_json(&v)?);
    }
    let doc = present::detail(c, r, lang);
    if links {
        out.print_linked(&linked(&doc, out_width()))
    } else {
        out.print(&doc.to_plain(out_width()))
    }
}

/// The document as [`present::Doc::to_plain`] lays it out, each web address on it an OSC 8
/// hyperlink (an address wrapped over two lines is two links to the same address). The text
/// is the sanitised text of the document's spans; only addresses that
/// [`present::weblinks::is_safe_url`] accepts are written into the escape sequences.
pub fn linked(doc: &present::Doc, width: usize) -> String {
    use crate::text::width as cols;
    let rows = doc.layout(width);
    let links = present::weblinks::row_links(doc, &rows);
    let mut out = String::new();
    for (row, (spans, _)) in rows.iter().enumerate() {
        let line: String = spans.iter().map(|s| s.text.as_str()).collect();
        let line = crate::text::clean(line.trim_end()).into_owned();
        // The byte offset of display column `col` of the line.
        let at = |col: usize| {
            let mut w = 0;
            for (i, ch) in line.char_indices() {
                if w >= col {
                    return i;
                }
                w += cols(ch.encode_utf8(&mut [0; 4]));
            }
            line.len()
        };
        let mut pos = 0;
        let mut pieces: Vec<_> = links.iter().filter(|l| l.row == row).collect();
        pieces.sort_by_key(|l| l.col);
        for l in pieces {
            let (a, b) = (at(l.col), at(l.col + l.width));
            if a < pos || a >= b || !present::weblinks::is_safe_url(&l.url) {
                continue;
            }
            out.push_str(&line[pos..a]);
            out.push_str(&crate::tui::hyperlink::osc8(&l.url, &line[a..b]));
            pos = b;
        }
        out.push_str(&line[pos..]);
        out.push('\n');
    }
    out
}

/// Another record named by id and name.
#[derive(Serialize)]
struct Named<'a> {
    id: &'a str,
    name: &'a Names,
}

/// A source as `show --json` lists it.
#[derive(Serialize)]
struct SourceJson<'a> {
    id: &'a str,
    title: &'a Names,
    outlet: Option<&'a str>,
    date: Option<&'a str>,
    language: &'a str,
}

impl<'a> From<&'a Source> for SourceJson<'a> {
    fn from(s: &'a Source) -> Self {
        SourceJson {
            id: &s.id,
            title: &s.title,
            outlet: s.outlet.as_deref(),
            date: s.date.as_deref(),
            language: &s.language,
        }
    }
}

#[derive(Serialize)]
struct LevelJson {
    level: u8,
    meaning: &'static str,
}

#[derive(Serialize)]
struct ArmJson<'a> {
    id: &'a str,
    label: &'a Names,
    therapies: Vec<Named<'a>>,
}

#[derive(Serialize)]
struct ResolvedTrial<'a> {
    arms: Vec<ArmJson<'a>>,
    diseases: Vec<Named<'a>>,
    sources: Vec<SourceJson<'a>>,
    headline: Option<String>,
}

#[derive(Serialize)]
struct StudyJson<'a> {
    id: &'a str,
    name: &'a str,
    evidence_level: u8,
    headline: Option<String>,
}

#[derive(Serialize)]
struct ResolvedTherapy<'a> {
    trials: Vec<StudyJson<'a>>,
    components: Vec<Named<'a>>,
    sources: Vec<SourceJson<'a>>,
}

#[derive(Serialize)]
struct ResolvedDisease<'a> {
    trials: Vec<&'a str>,
    therapies: Vec<&'a str>,
}

/// A record with its references resolved: arms with therapy names, diseases, sources. The
/// record's own fields come first as the corpus has them; `kind` is the record's kind
/// (`trial`, `therapy`, …), so a therapy's own kind (drug, procedure, …) is `therapy_kind`.
pub fn resolved_json(c: &Corpus, r: RecordRef, lang: Lang) -> Result<serde_json::Value, CliError> {
    let mut v = match r.kind {
        Kind::Trial => trial_json(c, r.index)?,
        Kind::Therapy => therapy_json(c, r.index, lang)?,
        Kind::Disease => disease_json(c, r.index)?,
        Kind::Source => to_value(c.source(r.index))?,
    };
    v["kind"] = serde_json::Value::from(r.kind.label());
    Ok(v)
}

/// The sources of these ids, each once, in order.
fn sources<'a>(c: &'a Corpus, ids: &mut dyn Iterator<Item = &'a str>) -> Vec<SourceJson<'a>> {
    unique(ids)
        .into_iter()
        .filter_map(|id| c.source_by_id(id))
        .map(SourceJson::from)
        .collect()
}

/// A trial with its evidence level, its arms' therapies, diseases and sources resolved.
fn trial_json(c: &Corpus, index: u32) -> Result<serde_json::Value, CliError> {
    let t = c.trial(index);
    let lvl = t.evidence_level();
    let resolved = ResolvedTrial {
        arms: t
            .arms
            .iter()
            .map(|a| ArmJson {
                id: &a.id,
                label: &a.label,
                therapies: a.therapies.iter().filter_map(|id| therapy(c, id)).collect(),
            })
            .collect(),
        diseases: t.diseases.iter().filter_map(|id| disease(c, id)).collect(),
        sources: sources(
            c,
            &mut t
                .citations
                .iter()
                .map(|x| x.source.as_str())
                .chain(t.outcomes.iter().map(|o| o.citation.source.as_str())),
        ),
        headline: present::headline(t),
    };
    let mut v = to_value(t)?;
    v["evidence_level"] = to_value(&LevelJson {
        level: lvl.0,
        meaning: lvl.meaning(),
    })?;
    v["resolved"] = to_value(&resolved)?;
    Ok(v)
}

/// A therapy with its studies, components and sources resolved; its own kind (drug,
/// procedure, …) as `therapy_kind`.
fn therapy_json(c: &Corpus, index: u32, lang: Lang) -> Result<serde_json::Value, CliError> {
    let t = c.therapy(index);
    let resolved = ResolvedTherapy {
        trials: c
            .trials_of_therapy(index)
            .iter()
            .map(|&i| {
                let tr = c.trial(i);
                StudyJson {
                    id: &tr.id,
                    name: c.name_of(RecordRef::new(Kind::Trial, i as usize), lang),
                    evidence_level: tr.evidence_level().0,
                    headline: present::headline(tr),
                }
            })
            .collect(),
        components: t
            .components
            .iter()
            .filter_map(|id| therapy(c, id))
            .collect(),
        sources: sources(c, &mut t.citations.iter().map(|x| x.source.as_str())),
    };
    let mut v = to_value(t)?;
    if let Some(k) = v.as_object_mut().and_then(|o| o.remove("kind")) {
        v["therapy_kind"] = k;
    }
    v["resolved"] = to_value(&resolved)?;
    Ok(v)
}

/// A disease with the ids of its trials and therapies.
fn disease_json(c: &Corpus, index: u32) -> Result<serde_json::Value, CliError> {
    let resolved = ResolvedDisease {
        trials: c
            .trials_of_disease(index)
            .iter()
            .map(|&i| c.trial(i).id.as_str())
            .collect(),
        therapies: c
            .therapies_of_disease(index)
            .iter()
            .map(|&i| c.therapy(i).id.as_str())
            .collect(),
    };
    let mut v = to_value(c.disease(index))?;
    v["resolved"] = to_value(&resolved)?;
    Ok(v)
}

fn therapy<'a>(c: &'a Corpus, id: &str) -> Option<Named<'a>> {
    c.therapy_by_id(id).map(|t| Named {
        id: &t.id,
        name: &t.name,
    })
}

fn disease<'a>(c: &'a Corpus, id: &str) -> Option<Named<'a>> {
    c.disease_by_id(id).map(|d| Named {
        id: &d.id,
        name: &d.name,
    })
}

fn to_value<T: Serialize + ?Sized>(v: &T) -> Result<serde_json::Value, CliError> {
    serde_json::to_value(v).map_err(|e| CliError::Output(format!("cannot write JSON: {e}")))
}

fn unique<'a>(it: &mut dyn Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = Vec::new();
    for s in it {
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}
