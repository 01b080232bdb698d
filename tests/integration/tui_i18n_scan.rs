//! No English label on a Chinese screen: every screen of the browser and the compare view
//! (each record kind's detail, each compare tab including the summary of findings and the
//! safety rows, help, facets, the set and note prompts, the saved sets, the search line
//! explaining a query that does not parse) drawn in simplified Chinese at 80x24 and 120x40
//! and scrolled through, and searched for the English messages of `locales/en.toml`. A message phrase of two or more words that shows on a Chinese screen is
//! a label that bypassed the translation. Record data is left out: phrases that occur in the
//! corpus (titles, quotes) or in a Chinese message (commands, ids) are not searched for.

use std::collections::BTreeSet;

use crate::common::{self, app, mark_first, render, step, type_text};
use evidex::corpus::Lang;
use evidex::tui::action::{Action, Event};
use evidex::tui::keymap::Context;
use evidex::tui::state::{Screen, State};
use evidex::tui::update;

/// The screens, each reached by a few actions from a Chinese browser.
const SCREENS: &[&str] = &[
    "start",
    "results",
    "detail_trial",
    "detail_trial_safety",
    "detail_therapy",
    "detail_disease",
    "detail_source",
    "help_input",
    "help_list",
    "help_detail",
    "facets",
    "marked",
    "save_prompt",
    "note_prompt",
    "sets",
    "compare_table",
    "compare_forest",
    "compare_bars",
    "compare_summary",
    "compare_summary_therapies",
    "compare_therapies",
    "compare_safety",
    "compare_safety_all",
    "compare_safety_summary",
    "help_compare",
    "history_search",
    "status_no_link",
    "status_no_outcome",
    "too_small",
    "bad_query_value",
    "bad_query_filter",
    "bad_query_quote",
    "bad_query_bar",
    "bad_query_sort",
    "bad_query_empty",
];

/// The bundled corpus with PALLAS and C-AXSPAND imported from their registry records.
fn registry_file() -> evidex::corpus::CorpusFile {
    let base: evidex::corpus::CorpusFile = serde_json::from_slice(evidex::corpus::BUNDLED).unwrap();
    let mut imp = evidex::import::Importer::new(base);
    for f in ["NCT02513394", "NCT02552212"] {
        imp.add_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/fixtures/ctgov/{f}.json")),
        );
    }
    imp.finish().0
}

fn with_registry_safety(w: u16, h: u16) -> State {
    let c =
        evidex::corpus::Corpus::build(std::path::Path::new("merged.json"), registry_file(), None)
            .unwrap();
    common::app_on(c, w, h)
}

fn open_first(s: &mut State, query: &str) {
    type_text(s, query);
    step(s, Action::Down);
    step(s, Action::Enter);
}

fn compare(s: &mut State, queries: &[&str], tabs: usize) {
    for q in queries {
        mark_first(s, q);
    }
    step(s, Action::OpenCompare);
    assert_eq!(s.screen, Screen::Compare, "{queries:?}");
    for _ in 0..tabs {
        step(s, Action::NextTab);
    }
}

/// A browser of `w`x`h` in simplified Chinese showing `name`.
fn screen(name: &str, w: u16, h: u16) -> State {
    screen_in(name, Lang::Zh, w, h)
}

/// A browser of `w`x`h` in `lang` (English or simplified Chinese) showing `name`.
fn screen_in(name: &str, lang: Lang, w: u16, h: u16) -> State {
    let mut s = if name.starts_with("compare_safety") || name == "detail_trial_safety" {
        with_registry_safety(w, h)
    } else {
        app(w, h)
    };
    if lang == Lang::Zh {
        step(&mut s, Action::ToggleLang);
    }
    assert_eq!(s.lang, lang);
    match name {
        "start" => {}
        "results" => {
            type_text(&mut s, "tace");
            step(&mut s, Action::Down);
        }
        "detail_trial" => open_first(&mut s, "emerald-1"),
        "detail_trial_safety" => open_first(&mut s, "nct02513394"),
        "detail_therapy" => open_first(&mut s, "kind:therapy 奥希替尼"),
        "detail_disease" => open_first(&mut s, "kind:disease"),
        "detail_source" => open_first(&mut s, "kind:source"),
        "help_input" => step(&mut s, Action::ToggleHelp),
        "help_list" => {
            step(&mut s, Action::Down);
            step(&mut s, Action::ToggleHelp);
        }
        "help_detail" => {
            open_first(&mut s, "emerald-1");
            step(&mut s, Action::ToggleHelp);
        }
        "facets" => {
            type_text(&mut s, "tace");
            step(&mut s, Action::FocusFacets);
            step(&mut s, Action::Right);
        }
        "marked" => {
            mark_first(&mut s, "emerald");
            step(&mut s, Action::Down);
        }
        "save_prompt" => {
            mark_first(&mut s, "emerald");
            step(&mut s, Action::SaveSet);
        }
        "note_prompt" => {
            open_first(&mut s, "emerald-1");
            step(&mut s, Action::EditNote);
        }
        "sets" => {
            let set = evidex::userdata::Set {
                name: "tumour board".into(),
                created: "2026-12-01".into(),
                records: vec!["emerald-1".into(), "leap-012".into()],
            };
            let effects = update::handle(&mut s, Event::Sets(Ok(vec![set])));
            common::run(&mut s, effects);
        }
        "compare_table" => compare(&mut s, &["emerald-1", "leap-012"], 0),
        "compare_forest" => compare(&mut s, &["emerald-1", "leap-012"], 1),
        "compare_bars" => compare(&mut s, &["emerald-1", "leap-012"], 2),
        "compare_summary" => compare(
            &mut s,
            &[
                "emerald-1",
                "talentace",
                "leap-012",
                "fan-2024-tace-sorafenib-recurrent",
            ],
            3,
        ),
        "compare_summary_therapies" => compare(
            &mut s,
            &["kind:therapy 奥希替尼", "kind:therapy sorafenib"],
            3,
        ),
        "compare_therapies" => compare(
            &mut s,
            &["kind:therapy 奥希替尼", "kind:therapy sorafenib"],
            0,
        ),
        "compare_safety" => compare(&mut s, &["nct02513394", "nct02552212"], 0),
        "compare_safety_all" => {
            compare(&mut s, &["nct02513394", "nct02552212"], 0);
            step(&mut s, Action::ToggleAllEvents);
        }
        "compare_safety_summary" => compare(&mut s, &["nct02513394", "nct02552212"], 3),
        "help_compare" => {
            compare(&mut s, &["emerald-1", "leap-012"], 0);
            step(&mut s, Action::ToggleHelp);
        }
        "history_search" => {
            s.history = vec!["tace".into(), "emerald".into(), "leap 012".into()];
            step(&mut s, Action::HistorySearch);
            type_text(&mut s, "e");
        }
        "status_no_link" => {
            open_first(&mut s, "emerald-1");
            step(&mut s, Action::OpenLink);
            step(&mut s, Action::Enter);
        }
        "status_no_outcome" => {
            open_first(&mut s, "kind:therapy 奥希替尼");
            step(&mut s, Action::CopyOutcome);
        }
        "too_small" => step(&mut s, Action::Resize(40, 10)),
        "bad_query_value" => type_text(&mut s, "tace line:fifth"),
        "bad_query_filter" => type_text(&mut s, "nosuchfield:x"),
        "bad_query_quote" => type_text(&mut s, "tace \"open"),
        "bad_query_bar" => type_text(&mut s, "tace | -leap"),
        "bad_query_sort" => type_text(&mut s, "tace sort:bogus"),
        "bad_query_empty" => type_text(&mut s, "tace design:"),
        other => panic!("no screen {other}"),
    }
    if name.starts_with("bad_query") {
        assert!(s.query_error.is_some(), "{name}: the query parsed");
    }
    s
}

/// Every frame of `s` from its top to its end: paging down until the screen stops changing.
fn frames(mut s: State) -> Vec<String> {
    let mut out = vec![render(&s)];
    for _ in 0..200 {
        step(&mut s, Action::PageDown);
        let next = render(&s);
        if out.last() == Some(&next) {
            break;
        }
        out.push(next);
    }
    out
}

/// The runs of two or more words of an English message, its placeholders cut out.
fn phrases(msg: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, part) in msg.split("%{").enumerate() {
        let text = if i == 0 {
            part
        } else {
            part.split_once('}').map_or("", |(_, t)| t)
        };
        let words: Vec<&str> = text
            .split_whitespace()
            .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
            .collect();
        if words.len() >= 2 {
            out.push(text.trim().to_string());
        }
    }
    out
}

/// The English phrases no Chinese screen may show.
fn english_phrases() -> Vec<String> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let read = |p: &str| std::fs::read_to_string(format!("{dir}/{p}")).unwrap();
    let en: toml::Table = read("locales/en.toml").parse().unwrap();
    let zh: toml::Table = read("locales/zh-Hans.toml").parse().unwrap();
    let zh_text: String = zh
        .values()
        .filter_map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    // Record data: the bundled corpus with the registry records the safety screens import.
    let data = serde_json::to_string(&registry_file()).unwrap();
    let mut out: BTreeSet<String> = BTreeSet::new();
    for key in en.keys() {
        for p in phrases(key) {
            if !data.contains(&p) && !zh_text.contains(&p) {
                out.insert(p);
            }
        }
    }
    assert!(out.len() > 200, "{}", out.len());
    out.into_iter().collect()
}

#[test]
fn no_english_message_on_any_chinese_screen() {
    let english = english_phrases();
    let mut found: BTreeSet<String> = BTreeSet::new();
    let mut example = None;
    for (w, h) in [(80, 24), (120, 40)] {
        for name in SCREENS {
            for frame in frames(screen(name, w, h)) {
                for p in &english {
                    if frame.contains(p.as_str()) && found.insert(format!("{name}: {p:?}")) {
                        example.get_or_insert(frame.clone());
                    }
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "English left on Chinese screens:\n{found:#?}\nfor example:\n{}",
        example.unwrap_or_default()
    );
}

/// The phrase list finds what it should: an English screen shows many of its phrases.
#[test]
fn the_phrases_are_found_on_english_screens() {
    let english = english_phrases();
    let mut s = app(120, 40);
    compare(
        &mut s,
        &[
            "emerald-1",
            "talentace",
            "leap-012",
            "fan-2024-tace-sorafenib-recurrent",
        ],
        3,
    );
    let text = render(&s);
    let hits: Vec<&String> = english
        .iter()
        .filter(|p| text.contains(p.as_str()))
        .collect();
    assert!(hits.len() >= 3, "{hits:?}\n{text}");
}

/// Beyond the message files: no run of English words on a Chinese screen that is not record
/// data, so a label that never reached the message files is caught too.
#[test]
fn no_english_sentence_on_any_chinese_screen() {
    let data = serde_json::to_string(&registry_file()).unwrap();
    let zh = std::fs::read_to_string(format!(
        "{}/locales/zh-Hans.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut found: BTreeSet<String> = BTreeSet::new();
    for (w, h) in [(80, 24), (120, 40)] {
        for name in SCREENS {
            for frame in frames(screen(name, w, h)) {
                for line in frame.lines() {
                    for run in evidex::i18n::english_runs(line) {
                        if !data.contains(&run) && !zh.contains(&run) {
                            found.insert(format!("{name}: {run:?} in {:?}", line.trim()));
                        }
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "English on Chinese screens:\n{found:#?}");
}

/// Every key's description in the help, in English and in Chinese at 80x24, is shown whole:
/// a long one wraps under itself instead of being cut at the box's edge.
#[test]
fn help_descriptions_are_whole_at_80x24() {
    for lang in [Lang::En, Lang::Zh] {
        for name in ["help_input", "help_list", "help_detail", "help_compare"] {
            let mut s = screen_in(name, lang, 80, 24);
            let ctx = match name {
                "help_input" => Context::Input,
                "help_list" => Context::List,
                "help_detail" => Context::Detail,
                _ => Context::Compare,
            };
            let wanted: Vec<String> = s
                .keymap
                .help_for(ctx, s.input.is_empty())
                .into_iter()
                .map(|(_, h)| evidex::i18n::tr(lang, h).into_owned())
                .collect();
            // The text inside the help's box, page after page, without spaces.
            let (w, x) = (76u16, 2u16);
            let mut text = String::new();
            for _ in 0..30 {
                let buf = common::buffer(&s);
                for y in 1..buf.area.height - 1 {
                    for cx in x + 1..x + w - 1 {
                        text.push_str(buf[(cx, y)].symbol());
                    }
                }
                step(&mut s, Action::PageDown);
            }
            let text: String = text.split_whitespace().collect();
            for h in wanted {
                let h: String = h.split_whitespace().collect();
                assert!(text.contains(&h), "{name} {lang:?}: {h:?} not whole");
            }
        }
    }
}

/// The status line that says a library is loaded speaks the interface's language.
#[test]
fn the_library_status_line_follows_the_language() {
    let loaded = |studies, skipped| evidex::library::load::Loaded {
        engine: evidex::search::engine(std::sync::Arc::new(
            evidex::corpus::Corpus::bundled().unwrap(),
        )),
        library: Some(std::path::PathBuf::from("/data/library.sqlite")),
        library_studies: studies,
        library_skipped: skipped,
        snapshot: evidex::library::load::SnapshotUse::Read,
    };
    let status = evidex::tui::app::loaded_status;
    assert_eq!(
        status(&loaded(1204, 0), Lang::En).unwrap(),
        "loaded the bundled corpus and the library: 1204 studies (/data/library.sqlite)"
    );
    let zh = status(&loaded(1204, 2), Lang::Zh).unwrap();
    assert!(
        zh.starts_with("已载入内置语料库和资料库：1204 项研究"),
        "{zh}"
    );
    assert!(zh.contains("2 项未能映射"), "{zh}");
    assert!(
        status(&loaded(1, 0), Lang::ZhHant)
            .unwrap()
            .contains("已載入")
    );
    let none = evidex::library::load::Loaded {
        library: None,
        ..loaded(0, 0)
    };
    assert_eq!(status(&none, Lang::Zh), None);
}
