//! The bilingual interface: every screen at 80x24 in English and in Chinese (insta snapshots),
//! the labels each Chinese screen must show whole, `L` switching every label and back, and
//! traditional Chinese when the configuration asks for it.

mod common;

use common::{app, mark_first, render, step, type_text};
use evidex::corpus::Lang;
use evidex::tui::action::Action;
use evidex::tui::state::{Screen, State};

/// The screens of the browser and the compare view, each reached by a few actions.
const SCREENS: &[&str] = &[
    "start",
    "results",
    "detail_trial",
    "detail_therapy",
    "help_input",
    "help_list",
    "marked",
    "save_prompt",
    "compare_table",
    "compare_forest",
    "compare_bars",
    "help_compare",
    "too_small",
];

/// A browser of `w`x`h` showing `screen`, its interface in `lang`.
fn screen(name: &str, lang: Lang, w: u16, h: u16) -> State {
    let mut s = app(w, h);
    s.chinese = if lang == Lang::ZhHant {
        Lang::ZhHant
    } else {
        Lang::Zh
    };
    if lang != Lang::En {
        step(&mut s, Action::ToggleLang);
        assert_eq!(s.lang, lang);
    }
    match name {
        "start" => {}
        "results" => {
            type_text(&mut s, "emerald");
            step(&mut s, Action::Down);
        }
        "detail_trial" => {
            type_text(&mut s, "emerald");
            step(&mut s, Action::Enter);
            step(&mut s, Action::Enter);
        }
        "detail_therapy" => {
            type_text(&mut s, "奥希替尼");
            step(&mut s, Action::Down);
            step(&mut s, Action::Enter);
        }
        "help_input" => step(&mut s, Action::ToggleHelp),
        "help_list" => {
            step(&mut s, Action::Down);
            step(&mut s, Action::ToggleHelp);
        }
        "marked" => {
            mark_first(&mut s, "emerald");
            step(&mut s, Action::Down);
        }
        "save_prompt" => {
            mark_first(&mut s, "emerald");
            step(&mut s, Action::SaveSet);
        }
        "compare_table" | "compare_forest" | "compare_bars" | "help_compare" => {
            mark_first(&mut s, "emerald");
            mark_first(&mut s, "leap-012");
            step(&mut s, Action::OpenCompare);
            assert_eq!(s.screen, Screen::Compare);
            let tabs = match name {
                "compare_forest" => 1,
                "compare_bars" => 2,
                _ => 0,
            };
            for _ in 0..tabs {
                step(&mut s, Action::NextTab);
            }
            if name == "help_compare" {
                step(&mut s, Action::ToggleHelp);
            }
        }
        "too_small" => step(&mut s, Action::Resize(40, 10)),
        other => panic!("no screen {other}"),
    }
    s
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en",
        Lang::Zh => "zh",
        Lang::ZhHant => "zh_hant",
    }
}

/// Every screen at 80x24 in English and in simplified Chinese.
#[test]
fn snapshot_every_screen_80x24_in_both_languages() {
    for name in SCREENS {
        for lang in [Lang::En, Lang::Zh] {
            let s = screen(name, lang, 80, 24);
            insta::assert_snapshot!(format!("{name}_80x24_{}", lang_name(lang)), render(&s));
        }
    }
}

/// The compare table and a trial's detail at 120x40 in Chinese, and in traditional Chinese.
#[test]
fn snapshot_chinese_120x40_and_traditional() {
    for name in ["detail_trial", "compare_table", "compare_forest"] {
        let s = screen(name, Lang::Zh, 120, 40);
        insta::assert_snapshot!(format!("{name}_120x40_zh"), render(&s));
    }
    for name in ["detail_trial", "compare_table"] {
        let s = screen(name, Lang::ZhHant, 80, 24);
        insta::assert_snapshot!(format!("{name}_80x24_zh_hant"), render(&s));
    }
}

/// The labels each Chinese screen shows at 80x24: whole, not cut, with no English left of
/// the interface's own words.
#[test]
fn chinese_screens_show_their_labels_whole_at_80x24() {
    let expect: &[(&str, &[&str])] = &[
        ("start", &["搜索 › ", "条结果", "结果", "帮助", "中文"]),
        ("results", &["打开", "标记", "排序", "详情", "结果"]),
        (
            "detail_trial",
            &["概况", "设计", "随机对照", "III 期", "打开链接", "返回"],
        ),
        (
            "detail_therapy",
            &["概况", "类型", "药物", "适应证", "1 项研究"],
        ),
        ("help_input", &["按键：搜索框", "清空查询"]),
        ("help_list", &["按键：结果列表", "退出", "标记 / 取消标记"]),
        ("marked", &["已标记 1/4：", "再标记一条即可比较", "清除"]),
        ("save_prompt", &["将已标记的记录存为集合 › "]),
        (
            "compare_table",
            &["比较", "表格", "森林图", "条形图", "跨试验比较", "试验组"],
        ),
        ("compare_forest", &["风险比（对数刻度）", "终点 ◀"]),
        ("compare_bars", &["终点 ◀"]),
        ("help_compare", &["按键：比较"]),
        ("too_small", &["终端窗口太小"]),
    ];
    for (name, labels) in expect {
        let text = render(&screen(name, Lang::Zh, 80, 24));
        for l in *labels {
            assert!(text.contains(l), "{name}: {l:?} missing in\n{text}");
        }
        for english in [
            "Search ›",
            " Results ",
            " Detail ",
            "Overview",
            "Outcomes",
            "Marked ",
            "Keys:",
            "Compare ",
            "Endpoint",
            "best value",
            "%{",
        ] {
            assert!(
                !text.contains(english),
                "{name}: {english:?} left in\n{text}"
            );
        }
    }
}

/// `L` twice gives back the English screen exactly: every label switched, and back (on the
/// screens where `L` is a key: in help and prompts it is not).
#[test]
fn language_switch_is_complete_and_reversible() {
    for name in SCREENS {
        if name.starts_with("help") || *name == "save_prompt" {
            continue;
        }
        let en = render(&screen(name, Lang::En, 80, 24));
        let zh = screen(name, Lang::Zh, 80, 24);
        assert_ne!(
            en,
            render(&zh),
            "{name}: the Chinese screen is the English one"
        );
        let mut back = zh;
        step(&mut back, Action::ToggleLang);
        assert_eq!(back.lang, Lang::En);
        assert_eq!(en, render(&back), "{name}");
    }
}

/// With traditional Chinese configured, `L` switches English and traditional Chinese.
#[test]
fn traditional_chinese_when_configured() {
    let mut s = app(80, 24);
    s.chinese = Lang::ZhHant;
    step(&mut s, Action::ToggleLang);
    assert_eq!(s.lang, Lang::ZhHant);
    type_text(&mut s, "emerald");
    step(&mut s, Action::Enter);
    step(&mut s, Action::Enter);
    let text = render(&s);
    assert!(text.contains("概況"), "{text}");
    assert!(text.contains("隨機對照"), "{text}");
    step(&mut s, Action::ToggleLang);
    assert_eq!(s.lang, Lang::En);
    step(&mut s, Action::ToggleLang);
    assert_eq!(s.lang, Lang::ZhHant);
}

/// The Markdown of a comparison follows the language; its CSV keeps English column names and
/// row labels, its JSON English keys and labels.
#[test]
fn markdown_follows_the_language_csv_and_json_stay_english() {
    let s = screen("compare_table", Lang::Zh, 80, 24);
    let c = s.corpus().unwrap();
    let cmp = evidex::compare::build(c, &s.compare.records, None, Lang::Zh);
    let md = evidex::export::markdown(&cmp);
    for l in ["**注意：**", "| 设计 |", "试验组", "本行最佳值"] {
        assert!(md.contains(l), "{l:?} missing in\n{md}");
    }
    assert!(!md.contains("| Design |"), "{md}");
    let csv = evidex::export::csv(&cmp);
    assert!(csv.starts_with("field,"), "{csv}");
    assert!(csv.contains("\nDesign,"), "{csv}");
    assert!(!csv.contains("\n设计,"), "{csv}");
    let json = evidex::export::json(&cmp);
    assert!(json.contains("\"label\": \"Design\""), "{json}");
    assert!(json.contains("\"columns\""), "{json}");
}

/// Every row label and group heading of a comparison of trials and of therapies has its
/// Chinese: no label of the table stays English.
#[test]
fn every_comparison_row_label_is_translated() {
    use evidex::compare::words::label_in;
    let s = app(80, 24);
    let c = s.corpus().unwrap();
    let ids = |ids: &[&str]| -> Vec<evidex::corpus::RecordRef> {
        ids.iter().map(|id| c.resolve(id).expect(id)).collect()
    };
    let trials = ids(&["emerald-1", "leap-012"]);
    let therapies: Vec<_> = (0..c.therapies.len())
        .map(|i| evidex::corpus::RecordRef::new(evidex::corpus::Kind::Therapy, i))
        .take(3)
        .collect();
    for records in [trials, therapies] {
        let cmp = evidex::compare::build(c, &records, None, Lang::Zh);
        assert!(!cmp.rows.is_empty());
        for r in &cmp.rows {
            let zh = label_in(r, Lang::Zh);
            assert_ne!(zh, r.label, "{:?} has no Chinese", r.label);
            let title = r.group.title_in(Lang::Zh);
            for english in [
                "median",
                "hazard ratio",
                "rate",
                "Study",
                "Therapy",
                "Flags",
            ] {
                assert!(!title.contains(english), "{title:?}");
            }
        }
    }
}

/// An error too long for the info line is shown whole, wrapped below it, in either language,
/// and the screen is as before once the query is right again.
#[test]
fn a_long_query_error_is_shown_whole() {
    let squeeze = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for zh in [false, true] {
        let mut s = app(80, 24);
        if zh {
            step(&mut s, Action::ToggleLang);
        }
        let before = render(&s);
        type_text(&mut s, "tace nosuchfield:x");
        let message = s.query_error.as_ref().expect("an error").message(s.lang);
        assert!(message.chars().count() > 80, "{message}");
        let screen = render(&s);
        // Every character of the message, in order, wherever the rows broke it.
        let (said, shown) = (squeeze(&format!("⚠ {message}")), squeeze(&screen));
        assert!(shown.contains(&said), "{said}\nnot whole in\n{screen}");
        if !zh {
            insta::assert_snapshot!("long_query_error_80x24", screen);
        }
        step(&mut s, Action::ClearLine);
        assert_eq!(render(&s), before, "the rows below are the list's again");
    }
}

/// A query that does not parse is explained on the search line in the interface's language,
/// and switching the language while it shows says it again in the other one.
#[test]
fn a_bad_query_is_explained_in_the_interface_language() {
    let mut s = app(80, 24);
    step(&mut s, Action::ToggleLang);
    type_text(&mut s, "tace phase:9");
    assert!(s.query_error.is_some());
    let zh = render(&s);
    insta::assert_snapshot!("bad_query_80x24_zh", zh);
    let said = "phase:9 不是可用的分期 — 请用 1、1/2、2、2/3、3 或 4";
    assert!(zh.contains(said), "{zh}");
    assert!(!zh.contains("is not a phase"), "{zh}");
    // `L` (Ctrl-L in the search line) while the error shows: the same error, in English.
    step(&mut s, Action::ToggleLang);
    let en = render(&s);
    assert!(
        en.contains("⚠ phase:9 is not a phase — use 1, 1/2, 2, 2/3, 3 or 4"),
        "{en}"
    );
    assert!(!en.contains("不是"), "{en}");
    step(&mut s, Action::ToggleLang);
    assert_eq!(render(&s), zh);
    // Traditional Chinese when configured; other faults too, each in Chinese.
    let mut s = app(80, 24);
    s.chinese = Lang::ZhHant;
    step(&mut s, Action::ToggleLang);
    for (query, said) in [
        ("year:abc", "year:abc 不是可用的年份"),
        ("kind:foo", "kind:foo 不是可用的類型"),
        ("design:xyz", "design:xyz 不是可用的設計"),
        ("sort:bogus", "sort:bogus 不是可用的排序"),
        ("nosuchfield:x", "未知的篩選條件 nosuchfield:"),
        ("tace \"open", "引號未閉合"),
        ("tace | kind:trial", "| 只能連接詞語：kind:trial 不是詞語"),
    ] {
        step(&mut s, Action::ClearLine);
        type_text(&mut s, query);
        let text = render(&s);
        assert!(text.contains(said), "{query}: {said:?} missing in\n{text}");
    }
}
