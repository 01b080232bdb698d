//! What a query's free text asks for, worked out once per search: its terms cut into the
//! units that are matched (a run of Chinese split into words, Latin letters beside Chinese
//! split off), and runs of units that name a disease, which also match the studies of that
//! disease and of its subtypes.
//!
//! The [`Lexicon`] behind this comes from the corpus (the Chinese names of its therapies and
//! diseases, every name and alias of its diseases, their pinyin) and a short list of common
//! clinical words, so that no dictionary has to be loaded.

use std::collections::{HashMap, HashSet};

use super::keymatch::MIN_MISSPELT;
use super::normalize::{fold, fold_query, is_han, pinyin, strip_punctuation};
use super::query::Query;
use crate::corpus::{Corpus, Kind};

/// Common words of Chinese clinical text that are not names of a therapy or a disease
/// (simplified: queries are folded before they are cut).
const COMMON_WORDS: &[&str] = &[
    "耐药",
    "治疗",
    "联合",
    "对比",
    "单纯",
    "单独",
    "复发",
    "难治",
    "晚期",
    "中晚期",
    "早期",
    "中期",
    "转移",
    "切除",
    "手术",
    "化疗",
    "放疗",
    "靶向",
    "免疫",
    "生存",
    "缓解",
    "疗效",
    "研究",
    "临床",
    "试验",
    "病例",
    "费用",
    "价格",
    "指南",
    "患者",
    "病人",
    "儿童",
    "成人",
    "一线",
    "二线",
    "进展",
    "新药",
    "不可切除",
    "可切除",
    "转化",
    "方案",
    "效果",
    "副作用",
    "不良反应",
    "发病",
    "发病率",
    "死亡",
    "中国",
    "我国",
    "国内",
    "诊断",
    "诊疗",
    "筛查",
    "预后",
    "随机",
    "对照",
    "三期",
    "二期",
    "一期",
    "术后",
    "术前",
    "辅助",
    "新辅助",
];

/// One-character words that carry no meaning of their own in a query ("的" in 肝癌的治疗).
const PARTICLES: &[char] = &['的', '了', '和', '与', '及', '或', '在', '对', '是', '之'];

/// The longest word looked for when cutting a run of Chinese, in characters.
const LONGEST_WORD: usize = 16;

/// The longest run of units tried as one disease name.
const LONGEST_PHRASE: usize = 5;

/// Words and disease names of one corpus.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Lexicon {
    /// Folded runs of Chinese that are words.
    words: HashSet<String>,
    /// A disease name, alias or id (folded, punctuation and spaces dropped) or the pinyin of
    /// one → the positions of the diseases it names.
    diseases: HashMap<String, Vec<u32>>,
    /// Disease position → positions of its direct subtypes.
    children: Vec<Vec<u32>>,
    /// Words of Latin letters (five or more) in the names of therapies and diseases, sorted:
    /// what a misspelt unit is corrected to.
    latin: Vec<String>,
}

impl Lexicon {
    pub fn build(c: &Corpus) -> Lexicon {
        let mut words: HashSet<String> = COMMON_WORDS.iter().map(|w| w.to_string()).collect();
        let mut add_words = |s: &str| {
            for run in han_runs(&fold(s)) {
                if run.chars().nth(1).is_some() {
                    words.insert(run);
                }
            }
        };
        for t in &c.therapies {
            t.name
                .iter()
                .chain(t.aliases.iter().map(String::as_str))
                .for_each(&mut add_words);
        }
        let mut latin: Vec<String> = Vec::new();
        let mut add_latin = |s: &str| {
            latin.extend(
                fold(s)
                    .split(|c: char| !c.is_ascii_alphanumeric())
                    .filter(|w| w.len() >= 5 && w.bytes().all(|b| b.is_ascii_lowercase()))
                    .map(str::to_string),
            );
        };
        for t in &c.therapies {
            t.name
                .iter()
                .chain(t.aliases.iter().map(String::as_str))
                .chain(t.class.as_deref())
                .for_each(&mut add_latin);
        }
        for d in &c.diseases {
            d.name
                .iter()
                .chain(d.aliases.iter().map(String::as_str))
                .for_each(&mut add_latin);
        }
        latin.sort_unstable();
        latin.dedup();
        let mut diseases: HashMap<String, Vec<u32>> = HashMap::new();
        let mut children = vec![Vec::new(); c.diseases.len()];
        for (i, d) in c.diseases.iter().enumerate() {
            let i = i as u32;
            let names = std::iter::once(d.id.as_str())
                .chain(d.name.iter())
                .chain(d.aliases.iter().map(String::as_str));
            for n in names {
                add_words(n);
                let mut keys = vec![fold_query(n)];
                if let Some(p) = pinyin(n) {
                    keys.push(p.full.text);
                }
                for k in keys {
                    if k.is_empty() {
                        continue;
                    }
                    let v = diseases.entry(k).or_default();
                    if !v.contains(&i) {
                        v.push(i);
                    }
                }
            }
            if let Some(p) = d
                .parent
                .as_deref()
                .and_then(|p| c.resolve(p))
                .filter(|p| p.kind == Kind::Disease)
            {
                children[p.index as usize].push(i);
            }
        }
        Lexicon {
            words,
            diseases,
            children,
            latin,
        }
    }

    /// The diseases a folded, punctuation-free text names, with all their subtypes, as a
    /// table by disease position; `None` when it names none.
    fn disease_set(&self, text: &str) -> Option<Box<[bool]>> {
        let named = self.diseases.get(text)?;
        let mut set = vec![false; self.children.len()];
        let mut todo: Vec<u32> = named.clone();
        while let Some(d) = todo.pop() {
            if !std::mem::replace(&mut set[d as usize], true) {
                todo.extend(&self.children[d as usize]);
            }
        }
        Some(set.into())
    }

    /// The word a misspelt unit of Latin letters stands for: a word of a therapy's or a
    /// disease's name one edit away (two from nine letters on: a letter changed, added,
    /// dropped, or two swapped), when the unit begins none of those words. The closest wins,
    /// then the first in order.
    pub fn correction(&self, unit: &str) -> Option<String> {
        if unit.len() < 5 || !unit.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let at = self.latin.partition_point(|w| w.as_str() < unit);
        if self.latin.get(at).is_some_and(|w| w.starts_with(unit)) {
            return None;
        }
        let most = if unit.len() >= 9 { 2 } else { 1 };
        self.latin
            .iter()
            .filter(|w| w.len().abs_diff(unit.len()) <= most)
            .filter_map(|w| {
                let d = edits(unit.as_bytes(), w.as_bytes());
                (d <= most).then_some((d, w))
            })
            .min_by_key(|&(d, _)| d)
            .map(|(_, w)| w.clone())
    }

    /// Cuts a folded query term into the units matched one by one: Latin letters and digits
    /// apart from Chinese, and a run of Chinese into its words (longest known word first;
    /// characters between known words stay together; particles between them are dropped).
    pub fn units(&self, term: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut latin = String::new();
        let mut han = String::new();
        for c in term.chars() {
            if is_han(c) {
                if !latin.is_empty() {
                    out.push(std::mem::take(&mut latin));
                }
                han.push(c);
            } else {
                if !han.is_empty() {
                    self.cut(&std::mem::take(&mut han), &mut out);
                }
                latin.push(c);
            }
        }
        if !latin.is_empty() {
            out.push(latin);
        }
        if !han.is_empty() {
            self.cut(&han, &mut out);
        }
        out
    }

    fn cut(&self, run: &str, out: &mut Vec<String>) {
        if self.words.contains(run) {
            out.push(run.to_string());
            return;
        }
        let chars: Vec<char> = run.chars().collect();
        let mut pieces: Vec<(String, bool)> = Vec::new();
        let mut unknown = String::new();
        let mut i = 0;
        while i < chars.len() {
            let found = (i + 2..=(i + LONGEST_WORD).min(chars.len()))
                .rev()
                .map(|j| chars[i..j].iter().collect::<String>())
                .find(|w| self.words.contains(w));
            match found {
                Some(w) => {
                    if !unknown.is_empty() {
                        pieces.push((std::mem::take(&mut unknown), false));
                    }
                    i += w.chars().count();
                    pieces.push((w, true));
                }
                None => {
                    unknown.push(chars[i]);
                    i += 1;
                }
            }
        }
        if !unknown.is_empty() {
            pieces.push((unknown, false));
        }
        if pieces.iter().all(|(_, known)| !known) {
            out.push(run.to_string());
            return;
        }
        for (p, _) in pieces {
            let mut cs = p.chars();
            if let (Some(c), None) = (cs.next(), cs.next())
                && PARTICLES.contains(&c)
            {
                continue;
            }
            out.push(p);
        }
    }
}

/// Edits (a byte changed, added or dropped, or two neighbours swapped) from `a` to `b`.
fn edits(a: &[u8], b: &[u8]) -> usize {
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    rows[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

/// Folded runs of Chinese characters in folded text.
fn han_runs(folded: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in folded.chars() {
        if is_han(c) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A query's free text as the engine matches it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The units, in the order typed.
    pub units: Vec<String>,
    /// For each unit, the word it is taken for when it is misspelt (see
    /// [`Lexicon::correction`]), matched where the unit itself is not.
    pub corrections: Vec<Option<String>>,
    /// Which units a record must match, together: every group must match.
    pub groups: Vec<Group>,
    /// Every unit run together, when there are several: a record one of whose ids or names is
    /// exactly this is named by the whole query.
    pub whole: Option<String>,
}

/// Consecutive units a record must match: each of them by text, or, when they name a disease,
/// by a link to that disease or one of its subtypes.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Positions in [`Plan::units`].
    pub units: std::ops::Range<usize>,
    /// The diseases (by position) the units name, with their subtypes.
    pub diseases: Option<Box<[bool]>>,
}

impl Plan {
    pub fn new(lexicon: &Lexicon, q: &Query) -> Plan {
        let units: Vec<String> = q
            .terms
            .iter()
            .flat_map(|t| lexicon.units(t))
            .filter(|u| !u.is_empty())
            .collect();
        let mut groups = Vec::new();
        let mut i = 0;
        while i < units.len() {
            // The longest run from here that names a disease.
            let named = (i + 1..=(i + LONGEST_PHRASE).min(units.len()))
                .rev()
                .find_map(|j| lexicon.disease_set(&units[i..j].concat()).map(|s| (j, s)));
            match named {
                Some((j, set)) => {
                    groups.push(Group {
                        units: i..j,
                        diseases: Some(set),
                    });
                    i = j;
                }
                None => {
                    groups.push(Group {
                        units: i..i + 1,
                        diseases: None,
                    });
                    i += 1;
                }
            }
        }
        let whole = (units.len() > 1).then(|| strip_punctuation(&units.concat()));
        let corrections = units.iter().map(|u| lexicon.correction(u)).collect();
        Plan {
            units,
            corrections,
            groups,
            whole,
        }
    }

    /// Whether every record that matches `self` also matches `prev`, so that a search for
    /// `self` need only look at `prev`'s matches. Each of `prev`'s groups must be implied:
    /// a group of one unit by a plain unit of `self` (neither a disease's name nor taken for a
    /// misspelling) that contains it (see [`implies`]), a disease group by the same group in
    /// `self` or by plain units implying each of its units.
    /// Whether a unit (or its correction) is long enough to be matched misspelt, so that
    /// matching misspellings could find more than matching as typed.
    pub fn may_be_misspelt(&self) -> bool {
        self.units
            .iter()
            .chain(self.corrections.iter().flatten())
            .any(|u| super::keymatch::may_be_misspelt(u))
    }

    pub fn narrows(&self, prev: &Plan) -> bool {
        let plain: Vec<&str> = self
            .groups
            .iter()
            .filter(|g| g.diseases.is_none() && self.corrections[g.units.start].is_none())
            .map(|g| self.units[g.units.start].as_str())
            .collect();
        let implied = |u: &str| plain.iter().any(|n| implies(n, u));
        prev.groups.iter().all(|g| {
            let units = &prev.units[g.units.clone()];
            units.iter().all(|u| implied(u))
                || (g.diseases.is_some()
                    && self
                        .groups
                        .iter()
                        .any(|n| n.diseases == g.diseases && self.units[n.units.clone()] == *units))
        })
    }
}

/// Whether a key that a unit `new` matches is always matched by the unit `old`: `old` occurs
/// in `new`, and is all of it, or matches in every way `new` does (see
/// `keymatch::quick_score`): one or two characters match only where they stand together, three
/// or four also as word initials, [`MIN_MISSPELT`] or more also misspelt.
pub fn implies(new: &str, old: &str) -> bool {
    let (n, o) = (new.chars().count(), old.chars().count());
    let ways = |len: usize| match len {
        0..=2 => 0,
        l if l < MIN_MISSPELT => 1,
        _ => 2,
    };
    new == old || (ways(o) >= ways(n) && new.contains(old))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::parse;
    use std::sync::OnceLock;

    fn lexicon() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        L.get_or_init(|| Lexicon::build(&Corpus::bundled().unwrap()))
    }

    fn plan(q: &str) -> Plan {
        Plan::new(lexicon(), &parse(q).unwrap())
    }

    #[test]
    fn chinese_runs_are_cut_into_words() {
        let l = lexicon();
        assert_eq!(l.units("奥希替尼耐药"), ["奥希替尼", "耐药"]);
        assert_eq!(l.units("肝癌tace"), ["肝癌", "tace"]);
        assert_eq!(l.units("肝癌的治疗"), ["肝癌", "治疗"]);
        // A run with no known word stays whole.
        assert_eq!(l.units("葫芦岛"), ["葫芦岛"]);
        assert_eq!(l.units("tace"), ["tace"]);
    }

    #[test]
    fn disease_names_in_any_script_name_the_disease_and_its_subtypes() {
        let c = Corpus::bundled().unwrap();
        let pos = |id: &str| c.resolve(id).unwrap().index as usize;
        for q in [
            "liver cancer tace",
            "肝癌 tace",
            "ganai tace",
            "原發性肝癌 tace",
        ] {
            let p = plan(q);
            let g = &p.groups[0];
            let set = g.diseases.as_ref().unwrap_or_else(|| panic!("{q}: {p:?}"));
            assert!(set[pos("primary-liver-cancer")] && set[pos("hcc")] && set[pos("icc")]);
            assert!(!set[pos("nsclc")]);
            assert_eq!(p.groups.len(), 2, "{q}");
            assert!(p.groups[1].diseases.is_none());
        }
        assert!(plan("tace").groups[0].diseases.is_none());
    }

    #[test]
    fn misspelt_words_are_taken_for_the_nearest_name() {
        let l = lexicon();
        assert_eq!(
            l.correction("glioblastome").as_deref(),
            Some("glioblastoma")
        );
        assert_eq!(
            l.correction("pembrolizumap").as_deref(),
            Some("pembrolizumab")
        );
        assert_eq!(l.correction("lenvatinib"), None, "spelt right");
        assert_eq!(l.correction("lenva"), None, "the start of a word");
        assert_eq!(l.correction("tace"), None, "too short to guess");
        assert!(!plan("glioblastome").narrows(&plan("glioblastom")));
    }

    #[test]
    fn narrowing_needs_every_old_group_implied() {
        assert!(plan("tace").narrows(&plan("tac")));
        assert!(
            !plan("tac").narrows(&plan("ta")),
            "two letters match only together"
        );
        // A disease name completed: the new query matches studies the old did not.
        assert!(!plan("liver cancer").narrows(&plan("liver cance")));
        assert!(plan("liver cancer t").narrows(&plan("liver cancer")));
        assert!(plan("奥希替尼耐药").narrows(&plan("奥希替尼")));
        assert!(plan("奥希替尼耐药").narrows(&plan("奥希替尼耐")));
        // The same disease group, and more: narrows.
        assert!(plan("肝癌症").narrows(&plan("肝癌")));
    }
}
