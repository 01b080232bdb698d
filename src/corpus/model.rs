//! The corpus as it is stored on disk: the serde types of `data/corpus.json` (a study's
//! types are in [`super::trial`], re-exported here).
//!
//! These types are plain data. Fields they do not know are ignored and reported as warnings
//! (see [`CorpusFile::ignored`]), so files from newer versions still open. They are deserialised with path-aware errors by
//! [`super::load`], checked by [`super::validate`] and indexed by [`super::Corpus`].
//! `data/SCHEMA.md` documents every field; keep the two in step.

use serde::{Deserialize, Serialize};

/// The study types, here too, so that `model::Trial` names them as it always has.
pub use super::trial::*;

/// Deserialises a list and frees the room its growth left unused. A list read from JSON grows
/// by doubling (room for four outcomes where a trial has one), and in a registry-sized corpus
/// that slack is most of the memory the records take; freed at once, it never piles up.
pub(super) fn tight<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut v = Vec::<T>::deserialize(d)?;
    v.shrink_to_fit();
    Ok(v)
}

/// The schema version this program reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The whole file.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct CorpusFile {
    /// Schema version; this program reads [`SCHEMA_VERSION`].
    #[serde(default = "schema_version")]
    pub schema_version: u32,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub sources: Vec<Source>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub diseases: Vec<Disease>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub therapies: Vec<Therapy>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub trials: Vec<Trial>,
    /// Paths of fields the file has but this schema does not (`trials[3].titel`): ignored
    /// when reading, and reported as warnings so a misspelt field does not pass unseen.
    #[serde(skip)]
    pub ignored: Vec<String>,
}

fn schema_version() -> u32 {
    SCHEMA_VERSION
}

/// A name in English and in Chinese; at least one of the two is present.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Names {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
}

/// Which language the user wants names and the interface's labels shown in. Records hold
/// one Chinese name, shown in both Chinese variants; the variants differ in the labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
    /// Traditional Chinese (labels only: names stay as the record gives them).
    ZhHant,
}

impl Lang {
    /// The other language: English and the Chinese variant `chinese` swap.
    pub fn toggle(self) -> Self {
        self.toggle_to(Lang::Zh)
    }

    /// English becomes `chinese`; either Chinese becomes English.
    pub fn toggle_to(self, chinese: Lang) -> Self {
        match self {
            Lang::En => chinese,
            Lang::Zh | Lang::ZhHant => Lang::En,
        }
    }

    /// Whether names are shown in Chinese.
    pub fn is_zh(self) -> bool {
        self != Lang::En
    }

    /// The locale of the interface's messages (`locales/<locale>.toml`).
    pub fn locale(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-Hans",
            Lang::ZhHant => "zh-Hant",
        }
    }

    /// A language's name as the configuration and `--lang` write it: `en`, `zh` or `zh-Hans`,
    /// `zh-Hant` (case-insensitive; `zh-CN`, `zh-TW`, `zh-HK` too).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "en" => Some(Lang::En),
            "zh" | "zh-hans" | "zh-cn" | "zh-sg" => Some(Lang::Zh),
            "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" => Some(Lang::ZhHant),
            _ => None,
        }
    }
}

impl Names {
    pub fn en(en: &str) -> Self {
        Names {
            en: Some(en.to_string()),
            zh: None,
        }
    }

    /// The name in `lang`, falling back to the other language.
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::En => (&self.en, &self.zh),
            Lang::Zh | Lang::ZhHant => (&self.zh, &self.en),
        };
        first
            .as_deref()
            .filter(|s| !s.is_empty())
            .or(second.as_deref())
            .unwrap_or("")
    }

    pub fn is_empty(&self) -> bool {
        self.en.as_deref().unwrap_or("").trim().is_empty()
            && self.zh.as_deref().unwrap_or("").trim().is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.en.as_deref().into_iter().chain(self.zh.as_deref())
    }
}

/// Where a fact comes from: a source, the article's own reference number, and the sentence.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Citation {
    /// Id of a [`Source`].
    pub source: String,
    /// The reference number the article gives for this fact (`[4]` → 4), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<u32>,
    /// The supporting sentence, copied verbatim in the source's language.
    pub quote: String,
}

/// An article or publication the corpus was built from.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub id: String,
    pub title: Names,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// ISO date, possibly partial (`2025`, `2025-12`, `2025-12-30`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// BCP 47 tag: `zh-Hans`, `zh-Hant`, `en`.
    pub language: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The article's own numbered reference list.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub references: Vec<Reference>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub notes: Vec<String>,
}

/// How the id of a registry record begins (`ctgov-nct02513394`): the source an imported study
/// cites, whose title repeats the study's.
pub const REGISTRY_SOURCE_PREFIX: &str = "ctgov-";

impl Source {
    /// Whether this is a registry record an imported study brought (not an article).
    pub fn is_registry_record(&self) -> bool {
        self.id.starts_with(REGISTRY_SOURCE_PREFIX)
    }
}

/// One entry of a source's reference list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Reference {
    pub number: u32,
    /// The reference as printed.
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authors: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doi: Option<String>,
}

/// A disease or condition.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Disease {
    pub id: String,
    pub name: Names,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<String>,
    /// A broader disease this one belongs to (e.g. ICC → primary liver cancer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub notes: Vec<Note>,
}

impl Disease {
    /// The name lists and tables use: the first alias (the abbreviation clinicians use, HCC),
    /// else the name in `lang`.
    pub fn short_name(&self, lang: Lang) -> &str {
        self.aliases
            .first()
            .map_or_else(|| self.name.get(lang), String::as_str)
    }
}

/// What kind of intervention a therapy is.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum TherapyKind {
    #[default]
    Drug,
    Regimen,
    Procedure,
    CellTherapy,
    Radiotherapy,
    Surgery,
    Strategy,
    Other,
}

impl TherapyKind {
    pub fn label(self) -> &'static str {
        match self {
            TherapyKind::Drug => "drug",
            TherapyKind::Regimen => "regimen",
            TherapyKind::Procedure => "procedure",
            TherapyKind::CellTherapy => "cell therapy",
            TherapyKind::Radiotherapy => "radiotherapy",
            TherapyKind::Surgery => "surgery",
            TherapyKind::Strategy => "strategy",
            TherapyKind::Other => "other",
        }
    }
}

/// A drug, regimen, procedure, cell therapy or treatment strategy.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Therapy {
    pub id: String,
    pub name: Names,
    /// Brand and generic names, codes, abbreviations, in either language.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub aliases: Vec<String>,
    pub kind: TherapyKind,
    /// Drug class, e.g. "PD-L1 inhibitor".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<String>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub targets: Vec<String>,
    /// For regimens: the therapy ids it combines.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub components: Vec<String>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub indications: Vec<Indication>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub approvals: Vec<Approval>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub costs: Vec<Note>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub notes: Vec<Note>,
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub citations: Vec<Citation>,
    /// What the sources state about the therapy's harms, with their quotes.
    #[serde(
        default,
        deserialize_with = "tight",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub safety_statements: Vec<super::safety::SafetyStatement>,
}

/// A use of a therapy: disease, setting or line, biomarker.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Indication {
    /// Id of a [`Disease`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disease: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub biomarker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
}

/// A regulatory approval stated by a source.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Approval {
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indication: Option<String>,
    pub citation: Citation,
}

/// A free-text statement, with the sentence that supports it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
}
