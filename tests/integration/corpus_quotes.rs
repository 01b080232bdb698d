//! The bundled corpus (`data/corpus.json`) held to its own rules (see `data/README.md`).
//!
//! * [`every_quote_is_in_its_article`]: every `quote` anywhere in the file (trials',
//!   outcomes', notes', indications', approvals', costs' and therapies' citations alike)
//!   occurs verbatim in the article its `source` names, and every numbered reference's `text`
//!   occurs in its source's article. All whitespace is removed from both sides first, as
//!   article 004 is newspaper text broken across lines. Source ids are mapped to the files in
//!   `../shared/seeds` by the table in `data/README.md`; when that folder is absent the test
//!   prints why and passes.
//! * [`every_outcome_figure_is_in_its_quote`]: every number of every outcome (values, ranges,
//!   counts, denominators, intervals, hazard ratios, p-values) appears in the outcome's own
//!   quote, as a whole number (`5` is not found inside `15.0`). The few figures that an article
//!   writes in words are listed in [`IN_WORDS`], each with the words and the reason.
//! * [`readme_counts_match_the_corpus`]: the counts in `data/README.md` ("What the corpus
//!   holds: …") are the file's.
//! * [`every_design_is_named_by_its_source`], [`year_is_the_report_year`],
//!   [`chinese_names_come_in_both_scripts`], [`every_sentence_of_article_003_is_entered`] and
//!   [`audited_disagreements_are_flagged`]: designs only where the source names them, `year`
//!   only for a report, both Chinese scripts, article 003's conclusions entered, and the audit's
//!   findings flagged.
//!
//! The tests read the file as plain JSON (`serde_json::Value`), so that they see every field,
//! whatever the crate's types make of it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn corpus() -> Value {
    let path = manifest_dir().join("data/corpus.json");
    serde_json::from_str(&read(&path))
        .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
}

/// The text with every whitespace character (ASCII, ideographic space, line breaks…) removed.
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A short, single-line preview of a long text for failure messages.
fn preview(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = one_line.chars().take(90).collect();
    if one_line.chars().count() > 90 {
        out.push('…');
    }
    out
}

/// Source id → seed file name, from the table "The sources" in `data/README.md`
/// (rows of the form ``| `003-liver-interventional-2025` | `003_e1efa1dc3fd3af45.txt` | …``).
fn seed_files() -> BTreeMap<String, String> {
    let readme = read(&manifest_dir().join("data/README.md"));
    let mut map = BTreeMap::new();
    for line in readme.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        if cells.len() < 3 || !cells[0].is_empty() {
            continue;
        }
        let unquote = |c: &str| {
            c.strip_prefix('`')
                .and_then(|c| c.strip_suffix('`'))
                .map(str::to_string)
        };
        if let (Some(id), Some(file)) = (unquote(cells[1]), unquote(cells[2]))
            && file.ends_with(".txt")
        {
            map.insert(id, file);
        }
    }
    assert!(
        !map.is_empty(),
        "data/README.md has no table of sources (| `source id` | `file.txt` | …)"
    );
    map
}

/// One `quote` found in the file.
struct Quote {
    /// JSON location, e.g. `trials[3].outcomes[1].citation.quote`.
    location: String,
    /// Id of the top-level record it belongs to.
    record: String,
    source: Option<String>,
    text: String,
}

/// Every object with a `quote` field, wherever it sits.
fn collect_quotes(v: &Value, location: &str, record: &str, out: &mut Vec<Quote>) {
    match v {
        Value::Object(map) => {
            if let Some(q) = map.get("quote") {
                out.push(Quote {
                    location: format!("{location}.quote"),
                    record: record.to_string(),
                    source: map
                        .get("source")
                        .and_then(Value::as_str)
                        .map(str::to_string),
                    text: q.as_str().unwrap_or_default().to_string(),
                });
            }
            for (key, child) in map {
                let at = if location.is_empty() {
                    key.clone()
                } else {
                    format!("{location}.{key}")
                };
                collect_quotes(child, &at, record, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let at = format!("{location}[{i}]");
                // A top-level list element (`trials[3]`) is a record: name it by its id.
                let record = match child.get("id").and_then(Value::as_str) {
                    Some(id) if !location.contains('.') && !location.contains('[') => id,
                    _ => record,
                };
                collect_quotes(child, &at, record, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_quote_is_in_its_article() {
    let seeds = manifest_dir().join("../shared/seeds");
    if !seeds.is_dir() {
        eprintln!(
            "skipping: ../shared/seeds not found (looked for {}); the quotes of \
             data/corpus.json cannot be checked against their articles",
            seeds.display()
        );
        return;
    }
    let corpus = corpus();
    let files = seed_files();
    let mut failures = Vec::new();

    // The articles, without whitespace, by source id.
    let mut articles = BTreeMap::new();
    for source in corpus["sources"].as_array().into_iter().flatten() {
        let id = source["id"].as_str().unwrap_or_default();
        match files.get(id) {
            None => failures.push(format!(
                "source {id:?} has no row in data/README.md's table of sources"
            )),
            Some(file) => {
                let path = seeds.join(file);
                match std::fs::read_to_string(&path) {
                    Ok(text) => {
                        articles.insert(id.to_string(), squeeze(&text));
                    }
                    Err(e) => failures.push(format!(
                        "source {id:?}: cannot read {}: {e}",
                        path.display()
                    )),
                }
            }
        }
    }

    let mut quotes = Vec::new();
    collect_quotes(&corpus, "", "", &mut quotes);
    assert!(
        quotes.len() > 100,
        "only {} quotes found in data/corpus.json",
        quotes.len()
    );
    for q in &quotes {
        let at = format!("{} [{}]", q.location, q.record);
        let Some(source) = &q.source else {
            failures.push(format!("{at}: the citation names no source"));
            continue;
        };
        let Some(article) = articles.get(source) else {
            failures.push(format!(
                "{at}: source {source:?} is not a source of the corpus with a seed file"
            ));
            continue;
        };
        let wanted = squeeze(&q.text);
        if wanted.is_empty() {
            failures.push(format!("{at}: the quote is empty (source {source})"));
        } else if !article.contains(&wanted) {
            failures.push(format!(
                "{at}: not in {source} ({}): {:?}",
                files[source.as_str()],
                q.text
            ));
        }
    }

    // Each numbered reference is printed in its own article's reference list.
    let mut references = 0;
    for (i, source) in corpus["sources"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let id = source["id"].as_str().unwrap_or_default();
        let Some(article) = articles.get(id) else {
            continue;
        };
        for (j, r) in source["references"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            references += 1;
            let text = r["text"].as_str().unwrap_or_default();
            if squeeze(text).is_empty() || !article.contains(&squeeze(text)) {
                failures.push(format!(
                    "sources[{i}].references[{j}].text [{id}]: not in the article: {text:?}"
                ));
            }
            if let Some(doi) = r["doi"].as_str()
                && !text.contains(doi)
            {
                failures.push(format!(
                    "sources[{i}].references[{j}].doi [{id}]: {doi:?} is not in the reference as printed"
                ));
            }
        }
    }

    assert!(
        failures.is_empty(),
        "{} of {} quotes and {references} references do not match their articles \
         (whitespace ignored):\n  {}",
        failures.len(),
        quotes.len(),
        failures.join("\n  ")
    );
}

/// A figure that the article writes in words, so that its digits cannot be in the quote.
struct InWords {
    /// The trial's id.
    trial: &'static str,
    /// The figure's place in its outcome, e.g. `values[0].value`. The outcome itself is the one
    /// of this trial whose quote holds `words`, so that the entry survives outcomes being
    /// added or reordered.
    field: &'static str,
    /// The figure as the corpus has it.
    figure: &'static str,
    /// The words the article writes instead; they must be in the quote.
    words: &'static str,
    why: &'static str,
}

/// Every figure that is written in words in its article (data/README.md: "Figures the
/// article writes in words (`五年半`, `十年`, `首位`) are entered as numbers with a note").
const IN_WORDS: &[InWords] = &[
    InWords {
        trial: "primary-liver-cancer-china-epidemiology",
        field: "values[0].value",
        figure: "5",
        words: "第五",
        why: "an ordinal rank: 我国第五常见的恶性肿瘤 (fifth most common malignancy)",
    },
    InWords {
        trial: "primary-liver-cancer-china-epidemiology",
        field: "values[0].value",
        figure: "2",
        words: "第二",
        why: "an ordinal rank: 第二大癌症致死原因 (second cause of cancer death)",
    },
    InWords {
        trial: "pcnsl-huludao-case",
        field: "values[0].value",
        figure: "5.5",
        words: "五年半",
        why: "five and a half years, in words",
    },
    InWords {
        trial: "pcnsl-huludao-case",
        field: "values[0].value",
        figure: "10",
        words: "十年",
        why: "ten years, in words",
    },
    InWords {
        trial: "b-all-car-t-case-xiaolin",
        field: "values[0].value",
        figure: "0.5",
        words: "半年后仍处于完全缓解状态",
        why: "half a year (半年), in words",
    },
    InWords {
        trial: "sanbo-neuro-oncology-programme",
        field: "values[0].value",
        figure: "10",
        words: "十余項",
        why: "more than ten studies (十余項), entered as > 10",
    },
    InWords {
        trial: "tianjin-breast-whole-course-programme",
        field: "values[0].value",
        figure: "5",
        words: "五个关键环节",
        why: "five stages, in words (防、筛、诊、治、康)",
    },
    InWords {
        trial: "tianjin-breast-whole-course-programme",
        field: "values[0].value",
        figure: "5",
        words: "五个基础学科",
        why: "five core disciplines, in words",
    },
    InWords {
        trial: "breast-cancer-china-epidemiology",
        field: "values[0].value",
        figure: "1",
        words: "首位",
        why: "first place (首位) by incidence among women's cancers",
    },
];

/// The text of a figure as the corpus writes it (a JSON number keeps its text, e.g. `15.0`;
/// a string is a decimal such as `"0.80"` or a p-value such as `"<0.001"`), without any
/// comparator.
fn figure_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => {
            let t = s.trim();
            let t = t.strip_prefix(['P', 'p']).unwrap_or(t);
            let t = t.trim_start_matches(['<', '>', '=', '≤', '≥', '~', ' ']);
            Some(t.to_string())
        }
        _ => None,
    }
}

/// The quote as figures are looked for in it: no whitespace, full-width digits and decimal
/// point made ASCII.
fn normalise_digits(s: &str) -> String {
    squeeze(s)
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            c => c,
        })
        .collect()
}

/// Whether `figure` occurs in `text` as a whole number: not preceded by a digit or a decimal
/// point, not followed by a digit or by a decimal point and a digit.
fn contains_figure(text: &str, figure: &str) -> bool {
    if figure.is_empty() {
        return false;
    }
    text.match_indices(figure).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let mut after = text[i + figure.len()..].chars();
        let (a1, a2) = (after.next(), after.next());
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
        !(digit(before) || before == Some('.') || digit(a1) || (a1 == Some('.') && digit(a2)))
    })
}

/// Every figure of an outcome, with its place (`values[0].value`, `hr.ci.low`, `p`).
fn outcome_figures(outcome: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut push = |at: String, v: &Value| {
        if let Some(text) = figure_text(v) {
            out.push((at, text));
        }
    };
    for (k, value) in outcome["values"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        for field in ["value", "upper", "count", "of"] {
            if let Some(v) = value.get(field) {
                push(format!("values[{k}].{field}"), v);
            }
        }
        if let Some(ci) = value.get("ci") {
            for field in ["low", "high", "level"] {
                if let Some(v) = ci.get(field) {
                    push(format!("values[{k}].ci.{field}"), v);
                }
            }
        }
    }
    if let Some(hr) = outcome.get("hr") {
        if let Some(v) = hr.get("value") {
            push("hr.value".to_string(), v);
        }
        if let Some(ci) = hr.get("ci") {
            for field in ["low", "high", "level"] {
                if let Some(v) = ci.get(field) {
                    push(format!("hr.ci.{field}"), v);
                }
            }
        }
    }
    if let Some(p) = outcome.get("p") {
        push("p".to_string(), p);
    }
    out
}

#[test]
fn every_outcome_figure_is_in_its_quote() {
    let corpus = corpus();
    let mut failures = Vec::new();
    let mut used = BTreeSet::new();
    let mut checked = 0;
    for (i, trial) in corpus["trials"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let id = trial["id"].as_str().unwrap_or_default();
        for (j, outcome) in trial["outcomes"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let quote = outcome["citation"]["quote"].as_str().unwrap_or_default();
            let source = outcome["citation"]["source"].as_str().unwrap_or_default();
            let text = normalise_digits(quote);
            for (field, figure) in outcome_figures(outcome) {
                checked += 1;
                if contains_figure(&text, &figure) {
                    continue;
                }
                let excepted = IN_WORDS.iter().position(|e| {
                    e.trial == id
                        && e.field == field
                        && e.figure == figure
                        && text.contains(&squeeze(e.words))
                });
                if let Some(k) = excepted {
                    used.insert(k);
                } else {
                    failures.push(format!(
                        "trials[{i}].outcomes[{j}].{field} [{id}] = {figure} is not in the quote \
                         (source {source}): {}",
                        preview(quote)
                    ));
                }
            }
        }
    }
    for (k, e) in IN_WORDS.iter().enumerate() {
        if !used.contains(&k) {
            failures.push(format!(
                "IN_WORDS lists {} {} = {} written {:?} ({}), but no outcome of that trial needs \
                 it (the figure is gone, changed, or now in digits in its quote): remove the entry",
                e.trial, e.field, e.figure, e.words, e.why
            ));
        }
    }
    let mut message = String::new();
    for f in &failures {
        let _ = write!(message, "\n  {f}");
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} outcome figures are not in their quotes:{message}",
        failures.len()
    );
}

#[test]
fn figures_are_found_whole() {
    assert!(contains_figure(
        "时间(15.0个月对8.2个月,HR=0.77,P=0.032)",
        "15.0"
    ));
    assert!(contains_figure("(15.0个月对8.2个月", "8.2"));
    assert!(!contains_figure("(15.0个月", "5"));
    assert!(!contains_figure("(15.0个月", "15"));
    assert!(!contains_figure("0.5个月", "5"));
    assert!(contains_figure("73(46%)对28(18%)", "73"));
    assert!(contains_figure("(95%CI,5.7-30.1)", "30.1"));
    assert!(contains_figure("2018年。", "2018"));
    assert!(contains_figure(&normalise_digits("约 １２０ 万元"), "120"));
    assert_eq!(
        figure_text(&Value::from("<0.001")).as_deref(),
        Some("0.001")
    );
    assert_eq!(figure_text(&Value::from("0.80")).as_deref(), Some("0.80"));
    let n: Value = serde_json::from_str("15.0").unwrap();
    assert_eq!(figure_text(&n).as_deref(), Some("15.0"));
}

#[test]
fn readme_counts_match_the_corpus() {
    let readme = read(&manifest_dir().join("data/README.md"));
    let start = readme
        .find("What the corpus holds:")
        .expect("data/README.md says what the corpus holds");
    let sentence = &readme[start..];
    let sentence = &sentence[..sentence.find("outcomes").map_or(sentence.len(), |e| e + 8)];
    let words: Vec<&str> = sentence.split_whitespace().collect();
    let stated = |noun: &str| -> Option<usize> {
        words
            .windows(2)
            .find(|w| w[1].starts_with(noun))
            .and_then(|w| w[0].parse().ok())
    };
    let corpus = corpus();
    let len = |key: &str| corpus[key].as_array().map_or(0, Vec::len);
    let outcomes: usize = corpus["trials"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| t["outcomes"].as_array().map_or(0, Vec::len))
        .sum();
    let actual = [
        ("sources", len("sources")),
        ("diseases", len("diseases")),
        ("therapies", len("therapies")),
        ("trials", len("trials")),
        ("outcomes", outcomes),
    ];
    let wrong: Vec<String> = actual
        .iter()
        .filter(|(noun, n)| stated(noun) != Some(*n))
        .map(|(noun, n)| format!("{noun}: README says {:?}, corpus has {n}", stated(noun)))
        .collect();
    assert!(
        wrong.is_empty(),
        "data/README.md's \"What the corpus holds\" is out of date:\n  {}",
        wrong.join("\n  ")
    );
}

/// Words by which a source names a study design, in the articles' languages. A design the
/// source never names is `unspecified` (data/SCHEMA.md): a report of treated patients is not
/// thereby a case series, nor is a phase II study without a described comparator single-arm.
const DESIGN_WORDS: &[(&str, &[&str])] = &[
    ("rct", &["随机", "隨機", "randomized", "randomised"]),
    (
        "non-randomised",
        &["非随机", "非隨機", "non-randomized", "non-randomised"],
    ),
    (
        "prospective-cohort",
        &["前瞻性队列", "前瞻性隊列", "prospective cohort"],
    ),
    (
        "propensity-matched",
        &["倾向性评分", "傾向性評分", "propensity"],
    ),
    ("retrospective", &["回顾性", "回顧性", "retrospective"]),
    ("single-arm", &["单臂", "單臂", "single-arm", "single arm"]),
    ("case-series", &["病例系列", "case series", "case-series"]),
];

/// Every study design of the bundled corpus that claims a study type is named by the source:
/// in one of the trial's quotes or in the title of a reference it cites. A case report is one
/// patient; expert opinion, guidelines and population figures are not study designs a source
/// must name.
#[test]
fn every_design_is_named_by_its_source() {
    let corpus = corpus();
    let reference_text = |source: &str, number: u64| -> String {
        corpus["sources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["id"] == source)
            .flat_map(|s| s["references"].as_array().into_iter().flatten())
            .filter(|r| r["number"].as_u64() == Some(number))
            .filter_map(|r| r["text"].as_str())
            .collect()
    };
    let mut unnamed = Vec::new();
    for t in corpus["trials"].as_array().into_iter().flatten() {
        let id = t["id"].as_str().unwrap_or_default();
        let design = t["design"].as_str().unwrap_or("unspecified");
        if design == "case-report" {
            if t["enrolment"].as_u64() != Some(1) {
                unnamed.push(format!("{id}: a case report with enrolment other than 1"));
            }
            continue;
        }
        let Some((_, words)) = DESIGN_WORDS.iter().find(|(d, _)| *d == design) else {
            continue;
        };
        let mut quotes = Vec::new();
        collect_quotes(t, "", id, &mut quotes);
        let mut texts: Vec<String> = quotes.iter().map(|q| q.text.to_lowercase()).collect();
        for c in t["citations"].as_array().into_iter().flatten() {
            if let (Some(s), Some(n)) = (c["source"].as_str(), c["reference"].as_u64()) {
                texts.push(reference_text(s, n).to_lowercase());
            }
        }
        if !texts.iter().any(|x| words.iter().any(|w| x.contains(w))) {
            unnamed.push(format!(
                "{id}: design {design:?}, but neither its quotes nor its references say any of {words:?}"
            ));
        }
    }
    assert!(
        unnamed.is_empty(),
        "designs the sources do not name (make them \"unspecified\" with a design_note):\n  {}",
        unnamed.join("\n  ")
    );
}

/// `year` is the year of the report (data/SCHEMA.md): a study with no result yet has none,
/// and the start and treatment dates the articles give sit in `started` and `treated`.
#[test]
fn year_is_the_report_year() {
    let corpus = corpus();
    let mut wrong = Vec::new();
    for t in corpus["trials"].as_array().into_iter().flatten() {
        let id = t["id"].as_str().unwrap_or_default();
        let no_results = t["outcomes"].as_array().is_none_or(Vec::is_empty)
            && matches!(t["status"].as_str(), Some("planned" | "recruiting"));
        if no_results && !t["year"].is_null() {
            wrong.push(format!("{id}: no results yet, but year {}", t["year"]));
        }
        if t["design"] == "case-report" && !t["year"].is_null() && t["reported_in"].is_null() {
            wrong.push(format!(
                "{id}: a case with a year but no report; is it when the patient was treated?"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let date = |id: &str, field: &str| -> Option<String> {
        corpus["trials"]
            .as_array()?
            .iter()
            .find(|t| t["id"] == id)?[field]
            .as_str()
            .map(str::to_string)
    };
    assert_eq!(
        date("idh1-inhibitor-astrocytoma-trial", "started").as_deref(),
        Some("2025")
    );
    assert_eq!(
        date("mek-inhibitor-plgg-trial", "started").as_deref(),
        Some("2025")
    );
    assert_eq!(
        date("b-all-car-t-case-xiaolin", "treated").as_deref(),
        Some("2024-09")
    );
}

/// Every Chinese name and alias has its other script among the record's names (data/README.md:
/// "the traditional form of every Chinese name written in simplified characters, and the
/// simplified form of names written in traditional"). Which simplified characters have a
/// traditional form is learnt from the corpus's own traditional names (`fast2s` maps
/// traditional to simplified), so a simplified name that uses such a character (内, of 內)
/// needs its traditional form too.
#[test]
fn chinese_names_come_in_both_scripts() {
    let corpus = corpus();
    let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    let mut names_of: Vec<(String, Vec<String>)> = Vec::new();
    for kind in ["diseases", "therapies", "trials"] {
        for r in corpus[kind].as_array().into_iter().flatten() {
            let id = r["id"].as_str().unwrap_or_default().to_string();
            let mut names: Vec<String> = Vec::new();
            for key in ["name", "title"] {
                if let Some(zh) = r[key]["zh"].as_str() {
                    names.push(zh.to_string());
                }
            }
            for a in r["aliases"].as_array().into_iter().flatten() {
                if let Some(a) = a.as_str() {
                    names.push(a.to_string());
                }
            }
            names.retain(|n| han(n));
            names_of.push((id, names));
        }
    }
    // Simplified characters that some traditional character of the corpus becomes.
    let mut has_traditional: BTreeSet<char> = BTreeSet::new();
    for (_, names) in &names_of {
        for n in names {
            let s = fast2s::convert(n);
            for (t, c) in n.chars().zip(s.chars()) {
                if t != c {
                    has_traditional.insert(c);
                }
            }
        }
    }
    let mut missing = Vec::new();
    for (id, names) in &names_of {
        for n in names {
            let simplified = fast2s::convert(n);
            let is_traditional = simplified != *n;
            let counterpart = names
                .iter()
                .any(|o| o != n && fast2s::convert(o) == simplified);
            let needs = is_traditional || n.chars().any(|c| has_traditional.contains(&c));
            if needs && !counterpart {
                missing.push(format!("{id}: {n}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "Chinese names without their other script (add it to aliases):\n  {}",
        missing.join("\n  ")
    );
}

/// Sentences of article 003's body that are deliberately not in the corpus: section headings
/// (their claims are the sections' own sentences, which are) and the review's framing.
const NOT_ENTERED_003: &[(&str, &str)] = &[
    (
        "因此,对于此类不可切除的肝癌患者,如何采用合理的",
        "the review's framing",
    ),
    ("本文旨在简述", "the review's purpose"),
    ("一、TACE联合靶向、免疫治疗可增强疗效", "heading"),
    ("二、介入方式中HAIC与TACE的选择", "heading"),
    ("1.HAIC对巨大肝癌的疗效更好", "heading"),
    ("2.HAIC联合治疗对合并血管侵犯的肝癌疗效更好", "heading"),
    ("3.HAIC在肝癌转化治疗中效果更佳", "heading"),
    ("4.HAIC治疗不可切除的肝内胆管癌效果更好", "heading"),
    (
        "近年来,面对中晚期不可切除肝癌,HAIC治疗的出现",
        "framing, no finding",
    ),
    ("以下将对此四点进行逐步分析探讨", "signpost"),
    ("经过数十年来的大量研究与应用", "framing, no finding"),
    ("综上所述", "closing call for research"),
];

/// Article 003 is a review whose conclusions matter as much as its figures: every sentence of
/// its body is quoted somewhere in the corpus (a figure, a note, a citation), or listed in
/// [`NOT_ENTERED_003`] with the reason.
#[test]
fn every_sentence_of_article_003_is_entered() {
    let seeds = manifest_dir().join("../shared/seeds");
    let Some(file) = seed_files().remove("003-liver-interventional-2025") else {
        panic!("data/README.md maps no file to 003-liver-interventional-2025");
    };
    let Ok(article) = std::fs::read_to_string(seeds.join(file)) else {
        eprintln!("skipping: ../shared/seeds not found");
        return;
    };
    let start = article.find("原发性肝癌一直都占据着").expect("body start");
    let end = article.find("专家简介").expect("body end");
    let mut quotes = Vec::new();
    collect_quotes(&corpus(), "", "", &mut quotes);
    let quotes: Vec<String> = quotes
        .iter()
        .filter(|q| q.source.as_deref() == Some("003-liver-interventional-2025"))
        .map(|q| squeeze(&q.text))
        .collect();
    let mut missing = Vec::new();
    for line in article[start..end].lines() {
        for sentence in line.split_inclusive('。') {
            let mut s = squeeze(sentence);
            // The trailing reference mark and full stop are not part of a quote.
            while s.ends_with('。') || s.ends_with(']') {
                if s.ends_with('。') {
                    s.pop();
                } else if let Some(open) = s.rfind('[') {
                    s.truncate(open);
                } else {
                    break;
                }
            }
            if s.chars().count() < 8 || NOT_ENTERED_003.iter().any(|(p, _)| s.starts_with(p)) {
                continue;
            }
            let covered = quotes
                .iter()
                .any(|q| q.contains(&s) || (q.chars().count() >= 8 && s.contains(q.as_str())));
            if !covered {
                missing.push(preview(&s));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "sentences of article 003 quoted nowhere in the corpus:\n  {}",
        missing.join("\n  ")
    );
}

/// The disagreements of the articles with themselves found in the audit are flagged where
/// data/SCHEMA.md says flags go, and an alias that means something else is gone.
#[test]
fn audited_disagreements_are_flagged() {
    let corpus = corpus();
    let record = |kind: &str, id: &str| -> Value {
        corpus[kind]
            .as_array()
            .and_then(|a| a.iter().find(|r| r["id"] == id))
            .cloned()
            .unwrap_or_else(|| panic!("no {kind} {id}"))
    };
    let flags = |id: &str| -> String {
        record("trials", id)["flags"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n")
    };
    for id in ["li-2021-haic-vs-tace", "shi-2022-folfox-haic-vs-tace"] {
        let f = flags(id);
        assert!(
            f.contains("反应率") && f.contains("部分缓解率"),
            "{id}: {f}"
        );
        assert!(f.contains("Chen H-W") && f.contains("Shi M"), "{id}: {f}");
    }
    let f = flags("pcnsl-huludao-case");
    assert!(f.contains("五年半") && f.contains("2023"), "{f}");
    let aliases = |id: &str| -> Vec<String> {
        record("therapies", id)["aliases"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect()
    };
    let braf = aliases("braf-mek-inhibitor");
    assert!(!braf.iter().any(|a| a == "双靶" || a == "雙靶"), "{braf:?}");
}

/// A safety statement's English `text` holds no figure its quote does not print: `1/3` and
/// `65%` are the article's, and a figure the article writes in words (`三级`) stays in words.
#[test]
fn every_safety_statement_figure_is_in_its_quote() {
    let corpus: Value = serde_json::from_str(include_str!("../../data/corpus.json")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for list in ["trials", "therapies"] {
        for record in corpus[list].as_array().into_iter().flatten() {
            for (j, s) in record["safety_statements"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                checked += 1;
                let text = s["text"].as_str().unwrap_or_default();
                let quote = normalise_digits(s["citation"]["quote"].as_str().unwrap_or_default());
                let figures = text
                    .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '/'))
                    .map(|f| f.trim_matches(['.', '/']))
                    .filter(|f| f.chars().any(|c| c.is_ascii_digit()));
                for f in figures {
                    if !contains_figure(&quote, f) {
                        failures.push(format!(
                            "{list} {}: safety_statements[{j}] says {f}, its quote does not",
                            record["id"]
                        ));
                    }
                }
            }
        }
    }
    assert!(checked >= 12, "only {checked} safety statements");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
