//! Which characters of a shown name to highlight for a query: what matched, found as the
//! search finds it (see [`score`](super::score)).

use super::keymatch::{MAX_GAPS, MIN_MISSPELT};
use super::normalize::{fold, is_han, keeps, pinyin};

/// Char positions in `name` to highlight for `terms` (a query's folded terms): what matched,
/// found as the search finds it. Each Latin part of a term is marked where it stands together
/// in the folded name (at a word's start if it is at one), else in the name's pinyin (mapped
/// back to the Chinese characters), else as the initials of consecutive words, else as letters
/// with at most [`MAX_GAPS`] others between them. A run of Chinese is marked word by word: the
/// longest parts of it that occur in the name. A term that matched through a link (a therapy,
/// a disease) marks nothing in the name.
pub fn highlight(name: &str, terms: &[String]) -> Vec<usize> {
    let folded: Vec<char> = fold(name).chars().collect();
    let py = std::cell::OnceCell::new();
    let mut out: Vec<usize> = Vec::new();
    for t in terms {
        for (part, han) in script_parts(t) {
            let part: Vec<char> = part.chars().collect();
            if han {
                mark_han(&folded, &part, &mut out);
                continue;
            }
            if let Some(found) = mark_latin(&folded, &part) {
                out.extend(found);
                continue;
            }
            if let Some(p) = py.get_or_init(|| pinyin(name)) {
                let found = p.spellings().find_map(|sp| {
                    let text: Vec<char> = sp.text.chars().collect();
                    let i = occurrences(&text, &part).next()?;
                    Some(
                        (i..i + part.len())
                            .filter_map(|j| sp.map.get(j).map(|&x| x as usize))
                            .collect::<Vec<_>>(),
                    )
                });
                if let Some(found) = found {
                    out.extend(found);
                    continue;
                }
            }
            if part.len() >= 3 {
                if let Some(found) = mark_initials(&folded, &part) {
                    out.extend(found);
                } else if part.len() >= MIN_MISSPELT
                    && tight_positions(&folded, &part, MAX_GAPS).is_some()
                {
                    // A misspelling: the engine decided it matches; the letters shown are
                    // the fuzzy matcher's best alignment of the word in the name.
                    out.extend(misspelt_positions(&folded, &part));
                }
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A folded term cut where Chinese meets other letters, each part with whether it is Chinese.
fn script_parts(term: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    for c in term.chars() {
        let han = is_han(c);
        match out.last_mut() {
            Some((s, h)) if *h == han => s.push(c),
            _ => out.push((c.to_string(), han)),
        }
    }
    out
}

/// Starts of `needle` in `hay`.
fn occurrences<'a>(hay: &'a [char], needle: &'a [char]) -> impl Iterator<Item = usize> + 'a {
    (0..(hay.len() + 1).saturating_sub(needle.len().max(1)))
        .filter(move |&i| hay[i..i + needle.len()] == *needle)
}

/// A Latin part where it stands together, at a word's start if it is at one, punctuation
/// between its letters allowed.
fn mark_latin(folded: &[char], part: &[char]) -> Option<Vec<usize>> {
    let at_word = |i: usize| i == 0 || !folded[i - 1].is_alphanumeric();
    let mut first = None;
    for i in occurrences(folded, part) {
        if at_word(i) {
            return Some((i..i + part.len()).collect());
        }
        first.get_or_insert(i);
    }
    if let Some(i) = first {
        return Some((i..i + part.len()).collect());
    }
    tight_positions(folded, part, 0)
}

/// The word starts whose letters spell `part`, for consecutive words.
fn mark_initials(folded: &[char], part: &[char]) -> Option<Vec<usize>> {
    let starts: Vec<usize> = (0..folded.len())
        .filter(|&i| folded[i].is_alphanumeric() && (i == 0 || !folded[i - 1].is_alphanumeric()))
        .collect();
    let initials: Vec<char> = starts.iter().map(|&i| folded[i]).collect();
    let i = occurrences(&initials, part).next()?;
    Some(starts[i..i + part.len()].to_vec())
}

/// The longest parts of a run of Chinese that occur in the name, left to right.
fn mark_han(folded: &[char], part: &[char], out: &mut Vec<usize>) {
    let min = if part.len() == 1 { 1 } else { 2 };
    let mut i = 0;
    while i < part.len() {
        let found = (i + min..=part.len())
            .rev()
            .find_map(|j| occurrences(folded, &part[i..j]).next().map(|at| (j, at)));
        match found {
            Some((j, at)) => {
                out.extend(at..at + (j - i));
                i = j;
            }
            None => i += 1,
        }
    }
}

/// Positions of `needle`'s chars in order in `hay` with the fewest letters between them, if
/// at most `budget` (as [`tight_bytes`] counts them).
/// Where a misspelt word's letters stand in a folded name, as skim's fuzzy matcher aligns them
/// (it prefers word starts and letters together), falling back to the first tight run.
fn misspelt_positions(hay: &[char], needle: &[char]) -> Vec<usize> {
    use fuzzy_matcher::FuzzyMatcher;
    let hay_s: String = hay.iter().collect();
    let needle_s: String = needle.iter().collect();
    fuzzy_matcher::skim::SkimMatcherV2::default()
        .fuzzy_indices(&hay_s, &needle_s)
        .map(|(_, idx)| idx)
        .or_else(|| tight_positions(hay, needle, MAX_GAPS))
        .unwrap_or_default()
}

fn tight_positions(hay: &[char], needle: &[char], budget: usize) -> Option<Vec<usize>> {
    let mut best: Option<(usize, Vec<usize>)> = None;
    for start in (0..hay.len()).filter(|&i| Some(&hay[i]) == needle.first()) {
        let mut pos = vec![start];
        let (mut gaps, mut at) = (0, start + 1);
        let mut crossed = false;
        for &c in &needle[1..] {
            while at < hay.len() && hay[at] != c {
                if keeps(hay[at]) {
                    gaps += 1;
                } else if hay[at].is_whitespace() {
                    at = hay.len();
                    break;
                } else {
                    crossed = true;
                }
                at += 1;
            }
            if at == hay.len() {
                break;
            }
            pos.push(at);
            at += 1;
        }
        if pos.len() == needle.len()
            && gaps <= budget
            && (gaps == 0 || !crossed)
            && best.as_ref().is_none_or(|(g, _)| gaps < *g)
        {
            best = Some((gaps, pos));
        }
    }
    best.map(|(_, p)| p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_mark_what_matched() {
        let marks = |name: &str, q: &str| {
            let q = crate::search::parse(q).unwrap();
            highlight(name, &q.terms)
        };
        // Contiguous TACE inside TALENTACE, not T + ACE.
        assert_eq!(marks("TALENTACE", "tace"), vec![5, 6, 7, 8]);
        // A whole word before letters inside one.
        assert_eq!(
            marks("TALENTACE: TACE with atezolizumab", "tace"),
            vec![11, 12, 13, 14]
        );
        assert_eq!(marks("LEAP-012", "leap012"), vec![0, 1, 2, 3, 5, 6, 7]);
        assert_eq!(
            marks("Hepatic arterial infusion chemotherapy", "haic"),
            vec![0, 8, 17, 26]
        );
        assert_eq!(marks("奥希替尼", "aoxitini"), vec![0, 1, 2, 3]);
        // A run of Chinese, word by word.
        assert_eq!(marks("T790M:奥希替尼", "奥希替尼耐药"), vec![6, 7, 8, 9]);
        assert!(marks("Haematopoietic stem-cell transplantation", "haic").is_empty());
    }
}
