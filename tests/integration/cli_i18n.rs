//! The commands' human output in the configured language: `show` and `compare` (table and
//! Markdown) follow `--lang` or the configuration's `language`; CSV and JSON keep English
//! column names, row labels and keys.

use crate::common;

use common::evidex;

fn out(args: &[&str]) -> String {
    let o = evidex(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn show_follows_the_language() {
    let en = out(&["show", "emerald-1"]);
    assert!(en.contains("Overview") && en.contains("Outcomes"), "{en}");
    let zh = out(&["show", "emerald-1", "--lang", "zh"]);
    for l in ["概况", "结局指标", "设计", "随机对照"] {
        assert!(zh.contains(l), "{l:?} missing in\n{zh}");
    }
    assert!(!zh.contains("Overview") && !zh.contains("Outcomes"), "{zh}");
    let hant = out(&["show", "emerald-1", "--lang", "zh-hant"]);
    assert!(hant.contains("概況") && hant.contains("結局指標"), "{hant}");
}

#[test]
fn the_configured_language_applies_and_lang_wins() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "language = \"zh-Hant\"\n").unwrap();
    let cfg = cfg.to_str().unwrap();
    let hant = out(&["show", "emerald-1", "--config", cfg]);
    assert!(hant.contains("概況"), "{hant}");
    let en = out(&["show", "emerald-1", "--config", cfg, "--lang", "en"]);
    assert!(en.contains("Overview"), "{en}");
}

#[test]
fn compare_table_and_markdown_follow_the_language() {
    let table = out(&["compare", "emerald-1", "leap-012", "--lang", "zh"]);
    for l in ["跨试验比较", "设计", "试验组", "本行最佳值"] {
        assert!(table.contains(l), "{l:?} missing in\n{table}");
    }
    let md = out(&[
        "compare",
        "emerald-1",
        "leap-012",
        "--format",
        "md",
        "--lang",
        "zh",
    ]);
    for l in ["**注意：**", "| 设计 |", "本行最佳值"] {
        assert!(md.contains(l), "{l:?} missing in\n{md}");
    }
}

#[test]
fn compare_csv_and_json_keep_english_names_and_keys() {
    let en = out(&["compare", "emerald-1", "leap-012", "--format", "csv"]);
    let zh = out(&[
        "compare",
        "emerald-1",
        "leap-012",
        "--format",
        "csv",
        "--lang",
        "zh",
    ]);
    let fields = |csv: &str| -> Vec<String> {
        csv.lines()
            .map(|l| l.trim_start_matches('\u{feff}'))
            .map(|l| l.split(',').next().unwrap_or("").to_string())
            .filter(|f| f != "caveat")
            .collect()
    };
    assert_eq!(fields(&en), fields(&zh), "CSV fields differ:\n{en}\n{zh}");
    assert!(zh.starts_with("field,"), "{zh}");
    let en = out(&["compare", "emerald-1", "leap-012", "--format", "json"]);
    let zh = out(&[
        "compare",
        "emerald-1",
        "leap-012",
        "--format",
        "json",
        "--lang",
        "zh",
    ]);
    let keys = |json: &str| -> Vec<String> {
        fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, v) in m {
                        out.push(k.clone());
                        walk(v, out);
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        walk(&serde_json::from_str(json).unwrap(), &mut out);
        out
    };
    assert_eq!(keys(&en), keys(&zh));
    let labels = |json: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["label"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(labels(&en), labels(&zh));
}

/// The summary of findings in Markdown follows the language (headings, column names, grades,
/// rules and their reasons, notes); its CSV keeps English column names and English values for
/// the side, the grade and the rule, for scripts.
#[test]
fn summary_of_findings_markdown_follows_the_language_csv_stays_english() {
    let ids = ["emerald-1", "talentace", "leap-012"];
    let args = |format: &str, lang: &str| -> Vec<String> {
        let mut v = vec!["compare".to_string()];
        v.extend(ids.iter().map(|s| s.to_string()));
        v.extend(["--format", format, "--lang", lang].map(String::from));
        v
    };
    let run = |a: Vec<String>| out(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let md = run(args("sof-md", "zh"));
    for l in [
        "# 结果总结：",
        "| 结局 | 研究数（参与者） | 相对效应（95% CI） | 每千人绝对效应 | 确定性 |",
        "## 各确定性的理由",
        "极低",
        "↓ 间接性：跨试验",
        "- **PFS**：",
        "由 evidex 计算",
        "来源：evidex。",
        "## 参考文献",
    ] {
        assert!(md.contains(l), "{l:?} missing in\n{md}");
    }
    for english in [
        "Summary of findings",
        "Why each certainty",
        "Certainty",
        "Very low",
        "indirectness",
        "not reported",
        "computed by evidex",
        "References",
        "Source: evidex",
    ] {
        assert!(!md.contains(english), "{english:?} left in\n{md}");
    }
    let hant = run(args("sof-md", "zh-hant"));
    assert!(hant.contains("# 結果總結："), "{hant}");
    let en = run(args("sof-md", "en"));
    assert!(en.starts_with("# Summary of findings: "), "{en}");
    assert!(en.contains("| Outcome | Studies (participants) |"), "{en}");
    let csv = run(args("sof-csv", "zh"));
    assert!(csv.starts_with("outcome,side,studies,"), "{csv}");
    assert!(csv.contains(",efficacy,"), "{csv}");
    assert!(csv.contains("Very low"), "{csv}");
    assert!(csv.contains("indirectness: "), "{csv}");
}

/// `search` and `set` speak the language in their own lines (record names and ids as they are).
#[test]
fn search_and_set_lines_follow_the_language() {
    let zh = out(&["search", "emerald", "--lang", "zh"]);
    assert!(zh.contains("条结果") && !zh.contains(" results ("), "{zh}");
    let sorted = out(&["search", "tace sort:year", "--lang", "zh"]);
    assert!(
        sorted.contains("，排序：") && !sorted.contains("sorted by"),
        "{sorted}"
    );
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| -> String {
        let o = common::bin()
            .env("EVIDEX_DATA_DIR", dir.path())
            .args(args)
            .args(["--lang", "zh"])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert!(run(&["set", "list"]).contains("还没有集合"));
    assert!(run(&["set", "save", "board", "emerald-1", "leap-012"]).contains("已保存 board"));
    let list = run(&["set", "list"]);
    assert!(list.contains("2 条记录，创建于"), "{list}");
    let show = run(&["set", "show", "board"]);
    assert!(
        show.contains("board（创建于") && show.contains("(试验)"),
        "{show}"
    );
    assert!(run(&["set", "delete", "board"]).contains("已删除 board"));
}

/// What a command says on stderr about the records it resolved, and why it cannot resolve or
/// compare them, follows the language.
#[test]
fn resolving_and_refusing_follow_the_language() {
    let o = evidex(&["compare", "tace", "emerald-1", "--lang", "zh"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("疗法; 编号)") && err.contains("二者没有共同的行"),
        "{err}"
    );
    assert!(!err.contains("share no rows"), "{err}");
    let o = evidex(&["compare", "zzzqqq", "emerald-1", "--lang", "zh"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("没有与 \"zzzqqq\" 匹配的内容"), "{err}");
    let o = evidex(&["compare", "zzzqqq", "emerald-1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("nothing matches \"zzzqqq\""), "{err}");
}

/// A query that does not parse is explained on stderr in the language of `--lang` (or the
/// configuration), with the exit code of bad input; English stays as it was.
#[test]
fn a_bad_query_is_explained_in_the_language() {
    let run = |args: &[&str]| {
        let o = evidex(args);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, out, err) = run(&["--lang", "zh-Hans", "search", "phase:9"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(out.is_empty(), "{out}");
    assert_eq!(
        err,
        "evidex: 查询有误：phase:9 不是可用的分期 — 请用 1、1/2、2、2/3、3 或 4\n"
    );
    let (code, _, err) = run(&["--lang", "zh-Hant", "search", "tace", "kind:foo"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("查詢有誤：kind:foo 不是可用的類型"), "{err}");
    let (code, _, err) = run(&["search", "phase:9"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(
        err,
        "evidex: bad query: phase:9 is not a phase — use 1, 1/2, 2, 2/3, 3 or 4\n"
    );
    // The configured language, and the commands that resolve a query to a record.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "language = \"zh\"\n").unwrap();
    let cfg = cfg.to_str().unwrap();
    for args in [
        &["search", "year:abc", "--config", cfg][..],
        &["show", "year:abc", "--config", cfg],
        &["compare", "emerald-1", "year:abc", "--config", cfg],
        &["meta", "emerald-1", "year:abc", "--config", cfg],
    ] {
        let (code, _, err) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(
            err.contains("year:abc 不是可用的年份") && !err.contains("is not a year"),
            "{args:?}: {err}"
        );
    }
    // What the query quotes passes the sanitiser.
    let (code, _, err) = run(&["--lang", "zh", "search", "phase:9\u{1b}]0;owned\u{7}"]);
    assert_eq!(code, Some(2));
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}

/// A query word that starts with `-` before any `--` reads as an option: the refusal says
/// to write the query after `--`, in the language asked for (exit 2, as clap's did), and a
/// mistyped option keeps clap's own message.
#[test]
fn a_negation_read_as_an_option_is_explained_in_the_language() {
    let o = evidex(&["--lang", "zh", "search", "tace", "-kind:therapy"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(
        err,
        "evidex: -kind:therapy 以 - 开头，会被当作选项：请把查询写在 -- 之后\
         （evidex search -- -kind:therapy …）\n"
    );
    let o = evidex(&["show", "-emerald", "--lang=zh-hant"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("-emerald 以 - 開頭"), "{err}");
    let o = evidex(&["search", "-kind:therapy"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("put the query after -- (evidex search -- -kind:therapy …)"),
        "{err}"
    );
    // The configured language.
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "language = \"zh\"\n").unwrap();
    let o = evidex(&["compare", "--config", cfg.to_str().unwrap(), "a", "-b"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("-b 以 - 开头"), "{err}");
    // As the shell hands it over after `--`, the query is searched.
    let o = evidex(&["--lang", "zh", "search", "--", "-kind:therapy", "tace"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // A mistyped option is clap's to explain.
    let o = evidex(&["search", "tace", "--jsn"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("unexpected argument '--jsn'"), "{err}");
}
