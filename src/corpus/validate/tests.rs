//! The rules, each shown to catch what it is for.

use super::*;
use crate::corpus::ArmValue;
use crate::corpus::num::Num;

#[test]
fn partial_dates() {
    for (s, y) in [
        ("2025", Some(2025)),
        ("2024-09", Some(2024)),
        ("2024-09-30", Some(2024)),
    ] {
        assert_eq!(partial_date_year(s), y, "{s}");
    }
    for s in [
        "25",
        "2024-9",
        "2024-13",
        "2024-09-32",
        "2024-09-30-1",
        "soon",
        "",
        "2024-",
    ] {
        assert_eq!(partial_date_year(s), None, "{s}");
    }
}

#[test]
fn ids() {
    assert!(is_valid_id("emerald-1"));
    assert!(is_valid_id("003-liver"));
    assert!(!is_valid_id("Emerald"));
    assert!(!is_valid_id("a--b"));
    assert!(!is_valid_id("-a"));
    assert!(!is_valid_id(""));
}

#[test]
fn arithmetic_flags_only_real_disagreement() {
    let v = |value: &str, count, of| ArmValue {
        value: Num::parse(value).unwrap(),
        count: Some(count),
        of: Some(of),
        ..Default::default()
    };
    assert_eq!(arithmetic(&v("65.5", 19, 29)), None);
    assert_eq!(arithmetic(&v("70", 14, 20)), None);
    assert!(arithmetic(&v("46", 73, 150)).is_some());
    assert_eq!(arithmetic(&v("46", 73, 158)), None);
}

#[test]
fn finds_the_line_of_a_record() {
    let text = "{\n \"trials\": [\n  {\"id\": \"a\"},\n  {\"id\" : \"b\"}]}";
    assert_eq!(line_of_id(text, "b"), Some(4));
    assert_eq!(line_of_id(text, "c"), None);
}

/// Applies `edit` to a copy of the bundled corpus and returns the errors' fields and messages.
fn errors_after(edit: impl FnOnce(&mut serde_json::Value)) -> Vec<String> {
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../../../data/corpus.json")).unwrap();
    edit(&mut v);
    let file: CorpusFile = serde_json::from_value(v).unwrap();
    validate(&file, None)
        .into_iter()
        .filter(|p| p.severity == Severity::Error)
        .map(|p| format!("{}: {}", p.field, p.message))
        .collect()
}

fn flags(field: &str, edit: impl FnOnce(&mut serde_json::Value)) {
    let errs = errors_after(edit);
    assert!(
        errs.iter().any(|e| e.contains(field)),
        "no error at {field}: {errs:?}"
    );
}

/// The first outcome of the bundled corpus with a value CI / an HR, by trial index.
fn outcome(v: &mut serde_json::Value) -> &mut serde_json::Value {
    &mut v["trials"][0]["outcomes"][0]
}

#[test]
fn the_bundled_corpus_has_no_errors() {
    assert_eq!(errors_after(|_| {}), Vec::<String>::new());
}

#[test]
fn impossible_p_values() {
    for p in ["<0", ">1", "<0.0", ">1.0"] {
        flags(".outcomes[0].p", |v| outcome(v)["p"] = p.into());
    }
    assert!(
        !errors_after(|v| outcome(v)["p"] = "<0.001".into())
            .iter()
            .any(|e| e.contains(".p:"))
    );
}

#[test]
fn value_intervals() {
    flags(".values[0].ci", |v| {
        let o = outcome(v);
        o["values"][0]["value"] = "10".into();
        o["values"][0]["ci"] = serde_json::json!({"low": "2", "high": "5"});
    });
    flags(".values[0].ci", |v| {
        let o = outcome(v);
        o["values"][0]["value"] = "10".into();
        o["values"][0]["ci"] = serde_json::json!({"low": "12", "high": "8"});
    });
    flags(".values[0].ci.level", |v| {
        let o = outcome(v);
        o["values"][0]["value"] = "10".into();
        o["values"][0]["ci"] = serde_json::json!({"low": "8", "high": "12", "level": 250});
    });
    flags(".values[0].upper", |v| {
        let o = outcome(v);
        o["values"][0]["value"] = "10".into();
        o["values"][0]["upper"] = "5".into();
    });
}

#[test]
fn ratios() {
    let hr = |v: &mut serde_json::Value, h: serde_json::Value| outcome(v)["hr"] = h;
    flags(".hr.kind", |v| {
        hr(v, serde_json::json!({"value": "0.5", "kind": "XR"}))
    });
    flags(".hr.ci.level", |v| {
        hr(
            v,
            serde_json::json!({"value": "0.5", "ci": {"low": "0.4", "high": "0.6", "level": "250"}}),
        )
    });
    flags(".hr.ci", |v| {
        hr(
            v,
            serde_json::json!({"value": "0.5", "ci": {"low": "0.6", "high": "0.4"}}),
        )
    });
}

#[test]
fn dates_languages_and_registry_ids() {
    assert!(is_valid_date("2025") && is_valid_date("2025-12") && is_valid_date("2024-02-29"));
    for d in [
        "2024-13-45",
        "2023-02-29",
        "2025-04-31",
        "25",
        "2025-1",
        "2025-01-01-01",
        "",
    ] {
        assert!(!is_valid_date(d), "{d}");
    }
    flags("sources[0]", |v| {
        v["sources"][0]["date"] = "2024-13-45".into()
    });
    flags(".language", |v| v["sources"][0]["language"] = " ".into());
    flags(".registry_ids[0]", |v| {
        v["trials"][0]["registry_ids"] = serde_json::json!([""])
    });
}

#[test]
fn disease_parents() {
    flags("diseases[0]", |v| {
        let id = v["diseases"][0]["id"].clone();
        v["diseases"][0]["parent"] = id;
    });
    let errs = errors_after(|v| {
        let (a, b) = (
            v["diseases"][0]["id"].clone(),
            v["diseases"][1]["id"].clone(),
        );
        v["diseases"][0]["parent"] = b;
        v["diseases"][1]["parent"] = a;
    });
    assert!(errs.iter().any(|e| e.contains("own ancestor")), "{errs:?}");
}

#[test]
fn endpoints_with_shell_characters() {
    assert!(is_valid_endpoint("MRD-NEG") && is_valid_endpoint("SURVIVAL-5Y"));
    for e in ["OS; rm -rf ~", "$(id)", "PFS`x`", "a b", "OS|x", "O\"S"] {
        assert!(!is_valid_endpoint(e), "{e}");
        flags(".endpoint", |v| outcome(v)["endpoint"] = e.into());
    }
}

/// The statement of a trial or a therapy, by id, in the bundled corpus's JSON.
fn statement<'a>(v: &'a mut serde_json::Value, list: &str, id: &str) -> &'a mut serde_json::Value {
    let i = v[list]
        .as_array()
        .unwrap()
        .iter()
        .position(|t| t["id"] == id)
        .unwrap();
    &mut v[list][i]["safety_statements"][0]
}

#[test]
fn safety_statements() {
    let trial = "shi-2022-folfox-haic-vs-tace";
    flags(".safety_statements[0].arm", |v| {
        statement(v, "trials", trial)["arm"] = "no-such-arm".into()
    });
    flags(".safety_statements[0].text", |v| {
        statement(v, "trials", trial)["text"] = " ".into()
    });
    flags(".safety_statements[0].terms[0]", |v| {
        statement(v, "trials", trial)["terms"][0] = "".into()
    });
    flags(".safety_statements[0].citation.quote", |v| {
        statement(v, "trials", trial)["citation"]["quote"] = "".into()
    });
    flags(".safety_statements[0].citation.source", |v| {
        statement(v, "trials", trial)["citation"]["source"] = "nowhere".into()
    });
    // A therapy has no arms to name.
    flags("therapies[0] (tace).safety_statements[0].arm", |v| {
        statement(v, "therapies", "tace")["arm"] = "haic".into()
    });
}
