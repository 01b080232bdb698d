//! Unit tests of `search::query`.

use super::*;
use crate::corpus::Kind;

#[test]
fn free_text_and_filters() {
    let q = parse("TACE kind:trial phase:III year:>=2024 -design:retrospective").unwrap();
    assert_eq!(q.terms, vec!["tace"]);
    assert_eq!(q.filters.len(), 4);
    assert_eq!(q.filters[0].item, Filter::Kind(Kind::Trial));
    assert_eq!(q.filters[1].item, Filter::Phase("3".into()));
    assert_eq!(q.filters[2].item, Filter::Year(Range::Ge(2024)));
    assert!(q.filters[3].negated);
}

#[test]
fn phrases_and_negation() {
    let q = parse(r#""tace alone" -kind:therapy -hcc"#).unwrap();
    assert_eq!(q.phrases[0].item, "tace alone");
    assert_eq!(q.excluded, vec!["hcc"]);
    assert!(q.filters[0].negated);
}

#[test]
fn errors_explain_themselves() {
    assert!(
        parse("foo:bar")
            .unwrap_err()
            .to_string()
            .contains("unknown filter")
    );
    assert!(
        parse("year:soon")
            .unwrap_err()
            .to_string()
            .contains("year:soon")
    );
    assert!(parse("phase:9").unwrap_err().to_string().contains("phase"));
    assert!(
        parse("\"open")
            .unwrap_err()
            .to_string()
            .contains("unclosed")
    );
    assert!(
        parse("kind:")
            .unwrap_err()
            .to_string()
            .contains("needs a value")
    );
    // URLs and times are text, not filters.
    assert!(parse("10:30").is_ok());
}

#[test]
fn narrowing() {
    let a = parse("emer").unwrap();
    let b = parse("emera").unwrap();
    let c = parse("emera hcc").unwrap();
    assert!(b.narrows(&a));
    assert!(c.narrows(&b));
    assert!(!a.narrows(&b));
    assert!(!parse("emera kind:trial").unwrap().narrows(&b));
    // Two letters match differently (prefixes, substrings, initials only).
    assert!(!parse("tace").unwrap().narrows(&parse("ta").unwrap()));
    // Editing inside a word is not typing on.
    assert!(!parse("emxer").unwrap().narrows(&a));
}

#[test]
fn bars_group_words_and_bind_tighter_than_spaces() {
    let q = parse("tace emerald | leap").unwrap();
    assert_eq!(q.terms, vec!["tace"]);
    assert_eq!(q.any, vec![vec!["emerald".to_string(), "leap".into()]]);
    let q = parse("emerald|leap | talentace").unwrap();
    assert!(q.terms.is_empty());
    assert_eq!(q.any[0].len(), 3);
    let v = parse("a1 b1 | b2 c1 | c2 | c3").unwrap().variants();
    assert_eq!(v.len(), 6);
    assert!(v.iter().all(|q| q.terms.len() == 3 && q.any.is_empty()));
    // A bar still being typed, or a doubled one, is no error.
    assert_eq!(parse("emerald |").unwrap().terms, vec!["emerald"]);
    assert_eq!(parse("| emerald").unwrap().terms, vec!["emerald"]);
    assert_eq!(parse("a | | b").unwrap().any.len(), 1);
    assert_eq!(parse("a | a").unwrap().terms, vec!["a"]);
    // Inside quotes a bar is text.
    assert_eq!(parse(r#""a | b""#).unwrap().phrases.len(), 1);
    for bad in ["kind:trial | tace", "tace | -leap", r#"tace | "x y""#] {
        assert!(
            parse(bad).unwrap_err().to_string().contains("joins words"),
            "{bad}"
        );
    }
    let many = ["a | b"; 7].join(" ");
    assert!(parse(&many).unwrap_err().to_string().contains("too many"));
    let words: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
    let err = parse(&words.join(" ")).unwrap_err().to_string();
    assert!(err.contains("at most 32"), "{err}");
    assert!(parse(&words[..32].join(" ")).is_ok());
}

#[test]
fn sort_terms() {
    assert!(parse("tace").unwrap().sort.is_relevance());
    let q = parse("tace sort:year").unwrap();
    assert_eq!(q.terms, vec!["tace"]);
    assert_eq!(
        q.sort,
        Sort {
            key: SortKey::Year,
            reversed: false
        }
    );
    assert!(parse("sort:-n").unwrap().sort.reversed);
    assert!(parse("-sort:n").unwrap().sort.reversed);
    assert_eq!(parse("sort:EFFECT").unwrap().sort.key, SortKey::Effect);
    assert_eq!(
        parse("sort:year sort:level").unwrap().sort.key,
        SortKey::Level
    );
    assert!(
        parse("sort:soon")
            .unwrap_err()
            .to_string()
            .contains("sort:soon")
    );
    // Typing on: the start of a name is that name.
    assert_eq!(parse("sort:ye").unwrap().sort.key, SortKey::Year);
    assert_eq!(parse("sort:-e").unwrap().sort.key, SortKey::Effect);
    assert!(
        parse("sort:")
            .unwrap_err()
            .to_string()
            .contains("needs a value")
    );
    assert!(
        parse("sort:-")
            .unwrap_err()
            .to_string()
            .contains("needs a value")
    );
    assert_eq!(
        parse("sort:-year").unwrap().sort.term().unwrap(),
        "sort:-year"
    );
    assert_eq!(parse("x").unwrap().sort.term(), None);
    let s = Sort::default().next();
    assert_eq!(s.key, SortKey::Year);
    assert_eq!(s.describe(), "year, newest first");
    let mut s = s;
    for _ in 0..4 {
        s = s.next();
    }
    assert!(s.is_relevance());
}

#[test]
fn punctuation_and_width_are_ignored() {
    assert_eq!(parse("ＰＤ－１").unwrap().terms, vec!["pd1"]);
}

#[test]
fn ae_filters_are_folded_as_names_are() {
    for (q, want) in [
        ("ae:Neutropenia", "neutropenia"),
        ("ae:ＮＥＵＴＲＯＰＥＮＩＡ", "neutropenia"),
        ("ae:late-effects", "lateeffects"),
        ("ae:低燒", "低烧"),
    ] {
        let parsed = parse(q).unwrap();
        assert_eq!(parsed.filters[0].item, Filter::Ae(want.into()), "{q}");
    }
    assert!(parse("-ae:fever").unwrap().filters[0].negated);
    assert!(parse("ae:--").unwrap_err().to_string().contains("ae:--"));
}

#[test]
fn level_takes_ranges_as_year_does() {
    let f = |q: &str| parse(q).unwrap().filters[0].item.clone();
    assert_eq!(f("level:1"), Filter::Level(Range::Eq(1)));
    assert_eq!(f("level:<=2"), Filter::Level(Range::Le(2)));
    assert_eq!(f("level:>3"), Filter::Level(Range::Gt(3)));
    assert_eq!(f("level:1..2"), Filter::Level(Range::Between(1, 2)));
    for bad in [
        "level:0",
        "level:7",
        "level:2..1",
        "level:high",
        "level:<=9",
    ] {
        let e = parse(bad).unwrap_err().to_string();
        assert!(
            e.contains("evidence level") && e.contains("1 to 5"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn setting_and_line_filters() {
    let f = |q: &str| parse(q).unwrap().filters[0].item.clone();
    assert_eq!(f("setting:BCLC"), Filter::Setting("bclc".into()));
    use crate::corpus::Line;
    for (q, want) in [
        ("line:first", Line::First),
        ("line:1", Line::First),
        ("line:1st", Line::First),
        ("line:second-line", Line::Second),
        ("line:2", Line::Second),
        ("line:3+", Line::Later),
        ("line:rel", Line::Relapsed),
        ("line:recurrent", Line::Relapsed),
        ("line:adj", Line::Adjuvant),
        ("line:neo", Line::Neoadjuvant),
        ("line:maintenance", Line::Maintenance),
    ] {
        assert_eq!(f(q), Filter::Line(want), "{q}");
    }
    assert!(
        parse("line:fifth")
            .unwrap_err()
            .to_string()
            .contains("line of therapy")
    );
    assert!(
        parse("line:")
            .unwrap_err()
            .to_string()
            .contains("line:first")
    );
}
