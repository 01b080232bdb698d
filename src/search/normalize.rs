//! Folding text for matching: case, width, traditional/simplified Chinese, and pinyin.
//!
//! [`fold`] maps a string char by char (the result has exactly as many chars as the input), so a
//! match position in the folded text is a position in the original: highlights need no table.
//! Pinyin keys do need one: [`pinyin()`] returns, with the key, the index of the Chinese character
//! each pinyin letter came from.

/// Folds one char: full-width ASCII to ASCII, upper to lower case.
fn fold_char(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        c => c,
    };
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// Case-, width- and script-folded text with as many chars as `s`.
pub fn fold(s: &str) -> String {
    let simplified = if s.is_ascii() {
        s.to_string()
    } else {
        fast2s::convert(s)
    };
    simplified.chars().map(fold_char).collect()
}

/// Whether a char is a Han ideograph.
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}')
}

pub fn has_han(s: &str) -> bool {
    s.chars().any(is_han)
}

/// Folds a query term for matching: [`fold`], then drops punctuation so that `PD-1`, `pd1`
/// and `ＰＤ－１` are the same term.
pub fn fold_query(s: &str) -> String {
    strip_punctuation(&fold(s))
}

/// Drops what is neither a letter, a digit nor a Han character from already folded text.
pub fn strip_punctuation(folded: &str) -> String {
    folded.chars().filter(|&c| keeps(c)).collect()
}

/// Whether [`strip_punctuation`] keeps a char.
pub fn keeps(c: char) -> bool {
    c.is_alphanumeric() || is_han(c)
}

/// A pinyin spelling of a text, with the index of the source char behind each letter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spelling {
    pub text: String,
    /// For each char of `text`, the index of the char of the source it came from.
    pub map: Vec<u16>,
}

impl Spelling {
    fn push(&mut self, s: &str, from: u16) {
        self.text.push_str(s);
        self.map
            .extend(std::iter::repeat_n(from, s.chars().count()));
    }
}

/// Pinyin renderings of a text for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinyinKey {
    /// Full pinyin of each character's first reading, without tones or separators.
    pub full: Spelling,
    /// First letters of the first readings.
    pub initials: Spelling,
    /// When a character has several readings: every distinct reading in turn (`行` →
    /// `xinghang`), so that a fuzzy match finds the text under any of them.
    pub all_readings: Option<Spelling>,
    pub all_initials: Option<Spelling>,
}

impl PinyinKey {
    /// The spellings, primary first.
    pub fn spellings(&self) -> impl Iterator<Item = &Spelling> {
        [
            Some(&self.full),
            Some(&self.initials),
            self.all_readings.as_ref(),
            self.all_initials.as_ref(),
        ]
        .into_iter()
        .flatten()
    }
}

/// Pinyin of the Han characters in `s` (other letters and digits are kept, folded). `None`
/// when `s` has no Han character.
pub fn pinyin(s: &str) -> Option<PinyinKey> {
    use pinyin::ToPinyinMulti;
    if !has_han(s) {
        return None;
    }
    let simplified = fast2s::convert(s);
    let (mut full, mut initials) = (Spelling::default(), Spelling::default());
    let (mut all, mut all_init) = (Spelling::default(), Spelling::default());
    let mut heteronyms = false;
    let mut buf = [0u8; 4];
    for (i, (c, multi)) in simplified
        .chars()
        .zip(simplified.as_str().to_pinyin_multi())
        .enumerate()
    {
        let i = i.min(u16::MAX as usize) as u16;
        match multi {
            Some(m) => {
                let mut readings: Vec<&str> = Vec::with_capacity(m.count());
                for r in 0..m.count().min(4) {
                    let plain = m.get(r).plain();
                    if !readings.contains(&plain) {
                        readings.push(plain);
                    }
                }
                heteronyms |= readings.len() > 1;
                for (n, r) in readings.iter().enumerate() {
                    let first = &r[..r.chars().next().map_or(0, char::len_utf8)];
                    if n == 0 {
                        full.push(r, i);
                        initials.push(first, i);
                    }
                    all.push(r, i);
                    all_init.push(first, i);
                }
            }
            None => {
                let f = fold_char(c);
                if f.is_alphanumeric() {
                    let f = f.encode_utf8(&mut buf);
                    full.push(f, i);
                    initials.push(f, i);
                    all.push(f, i);
                    all_init.push(f, i);
                }
            }
        }
    }
    Some(PinyinKey {
        full,
        initials,
        all_readings: heteronyms.then_some(all),
        all_initials: heteronyms.then_some(all_init),
    })
}

/// A 64-bit mask of the pairs of letters that stand next to each other in `s` (punctuation
/// between them aside; a space ends a run): a key whose mask lacks one of a unit's pairs cannot
/// hold the unit as a substring, nor with only punctuation between its letters, nor as word
/// initials (the initials' pairs are added to a key's mask). One AND rejects most keys that
/// hold every letter of a unit, but not next to each other. It is the [`Wide`] mask folded
/// onto 64 bits.
pub fn pair_mask(s: &str) -> u64 {
    let mut m = 0u64;
    each_pair(s, |p| m |= narrow_bit(p));
    m
}

/// A 256-bit pair mask, for long keys: a title of 130 letters has about 110 pairs, which set
/// most of 64 bits (so nearly every unit's pairs seem to be there) and about a third of 256.
pub type Wide = [u64; 4];

/// Adds the pairs of `s` to a [`Wide`] mask; returns how many pairs `s` has.
pub fn add_wide_pairs(s: &str, w: &mut Wide) -> usize {
    let mut n = 0;
    each_pair(s, |p| {
        n += 1;
        w[usize::from(p >> 6)] |= narrow_bit(p);
    });
    n
}

/// Pair `p`'s bit (see [`each_pair`]) in a 64-bit mask.
#[inline]
pub fn narrow_bit(p: u8) -> u64 {
    1 << (p & 63)
}

/// Whether pair `p` is in a [`Wide`] mask.
#[inline]
pub fn in_wide(w: &Wide, p: u8) -> bool {
    w[usize::from(p >> 6)] & narrow_bit(p) != 0
}

/// Calls `f` with the position (0–255) of each adjacent pair of letters of `s` (see
/// [`pair_mask`]).
pub fn each_pair(s: &str, mut f: impl FnMut(u8)) {
    each_char_pair(s, |a, b| f(pair_pos(a, b)));
}

/// Calls `f` with each adjacent pair of letters of `s` itself (see [`pair_mask`]): what
/// [`each_pair`] hashes, and what the index's posting lists are kept by.
pub fn each_char_pair(s: &str, mut f: impl FnMut(char, char)) {
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if keeps(c) {
            if let Some(p) = prev {
                f(p, c);
            }
            prev = Some(c);
        } else if c.is_whitespace() {
            prev = None;
        }
    }
}

#[inline]
fn pair_pos(a: char, b: char) -> u8 {
    let x = ((u64::from(a) << 32) | u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (x >> 56) as u8
}

/// A 64-bit summary of which characters a text holds: a key can only match a query whose
/// mask is a subset of the key's. Letters and digits have a bit each; other characters share
/// the remaining 28 bits by code point.
pub fn char_mask(s: &str) -> u64 {
    let mut m = 0u64;
    for c in s.chars() {
        m |= char_bit(c);
    }
    m
}

#[inline]
pub fn char_bit(c: char) -> u64 {
    match c {
        'a'..='z' => 1 << (c as u32 - 'a' as u32),
        '0'..='9' => 1 << (26 + c as u32 - '0' as u32),
        c if c.is_whitespace() || c.is_ascii_punctuation() => 0,
        c => 1 << (36 + (c as u32 % 28)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_and_script() {
        assert_eq!(fold("ＰＤ－１"), "pd-1");
        assert_eq!(fold("膠質瘤"), "胶质瘤");
        assert_eq!(
            fold("EMERALD-1").chars().count(),
            "EMERALD-1".chars().count()
        );
        assert_eq!(fold_query("PD-1"), "pd1");
        assert_eq!(fold_query("ＰＤ－１"), "pd1");
    }

    #[test]
    fn pinyin_full_and_initials() {
        let k = pinyin("奥希替尼").unwrap();
        assert_eq!(k.full.text, "aoxitini");
        assert_eq!(k.initials.text, "axtn");
        assert_eq!(k.full.map.len(), k.full.text.chars().count());
        assert_eq!(k.full.map[2], 1);
        assert!(pinyin("TACE").is_none());
        let mixed = pinyin("TACE联合").unwrap();
        assert!(
            mixed.full.text.starts_with("tacelianhe"),
            "{}",
            mixed.full.text
        );
    }

    #[test]
    fn heteronyms_contribute_every_reading() {
        let k = pinyin("银行").unwrap();
        let all = k.all_readings.unwrap().text;
        assert!(all.contains("hang") && all.contains("xing"), "{all}");
    }

    #[test]
    fn masks_are_subsets() {
        let key = char_mask("durvalumab");
        let q = char_mask("durva");
        assert_eq!(key & q, q);
        let q2 = char_mask("zz");
        assert_ne!(key & q2, q2);
    }
}
