//! A structural scanner for large JSON records: finds the members of an object and the elements
//! of an array without parsing the values, so the parts evidex does not read are skipped at
//! memory speed and only the parts it does read go through serde.
//!
//! Why: a ClinicalTrials.gov record is largely text evidex has no field for (the eligibility
//! criteria, every site's contacts, a duplicated location list, the derived MeSH section).
//! Skipping that with serde's `IgnoredAny` tokenises every byte; this scanner looks only for
//! quotes and brackets, 64 bytes at a time as bit masks (vector compares through the `wide`
//! crate), once per file: [`Doc::new`] records where every object and array ends, so skipping a
//! value later is a lookup, however deeply the record is split.
//!
//! Why not `serde_json` alone: measured against it on registry-shaped pages with every section
//! the model holds parsed, adverse events and baseline included (benches/import.rs, "parse";
//! docs/PERFORMANCE.md), the two draw on records of about 20 KB and the scanner is faster on
//! larger ones; `serde_json` also refuses values nested more than 128 deep, which the scanner
//! (never recursing) passes over. Earlier, `sonic-rs` and `simd-json` were slower still, and
//! `sonic-rs` skips unknown fields by recursion (a stack overflow on a deeply nested ignored
//! field); its fast skipping is only in its `unsafe`, unchecked API.
//!
//! What it checks in the parts evidex skips: strings are closed, brackets balance and match,
//! and members and elements are separated by colons and commas where the scanner walks them.
//! It does not check every literal (`tru` would pass inside a skipped value); everything evidex
//! reads is parsed strictly by serde_json afterwards.

use std::fmt;

use wide::u8x16;

/// A syntax problem, at a byte offset of the scanned text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub offset: usize,
    pub message: &'static str,
}

impl ScanError {
    /// 1-based line and column (in characters) of the problem in `text`.
    pub fn line_col(&self, text: &str) -> (usize, usize) {
        let mut at = self.offset.min(text.len());
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let before = &text[..at];
        let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[start..].chars().count() + 1)
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

fn err<T>(offset: usize, message: &'static str) -> Result<T, ScanError> {
    Err(ScanError { offset, message })
}

const CHUNK: usize = 32;

/// The first index at or after `i` whose byte satisfies `hit`, testing whole chunks first
/// (the compiler turns the chunk test into vector instructions).
#[inline(always)]
fn find(b: &[u8], mut i: usize, hit: impl Fn(u8) -> bool) -> Option<usize> {
    while let Some(chunk) = b.get(i..).and_then(|s| s.first_chunk::<CHUNK>()) {
        if chunk.iter().fold(false, |any, &c| any | hit(c)) {
            break;
        }
        i += CHUNK;
    }
    b.get(i..)?.iter().position(|&c| hit(c)).map(|k| i + k)
}

#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
        i += 1;
    }
    i
}

/// The index just after the closing quote of a string whose opening quote is at `open`.
#[inline]
fn end_of_string(b: &[u8], open: usize) -> Result<usize, ScanError> {
    let mut i = open + 1;
    loop {
        match find(b, i, |c| c == b'"' || c == b'\\') {
            Some(k) if b[k] == b'"' => return Ok(k + 1),
            // A backslash and the character it escapes.
            Some(k) if k + 1 < b.len() => i = k + 2,
            _ => return err(open, "a string is not closed (the text ends inside it)"),
        }
    }
}

/// A JSON text with the end of every object and array found.
pub struct Doc<'a> {
    text: &'a str,
    /// Every object and array, in order of their opening brackets.
    brackets: Vec<Bracket>,
}

/// An object or array found by the scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bracket {
    /// Offset of its `{` or `[`.
    open: u32,
    /// Offset of its `}` or `]`.
    close: u32,
    /// Index (in [`Doc::brackets`]) of the first bracket after it: walking a container's
    /// members, the next member's bracket, found without a search.
    after: u32,
}

/// `x` with every bit replaced by the XOR of itself and all lower bits: for quote bits, the
/// bytes from an opening quote up to (not including) its closing quote.
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

/// Bit masks of a block: quotes, backslashes, brackets. Sixteen bytes at a time are compared
/// as one vector and their compare results gathered into sixteen bits (`pmovmskb` on x86-64,
/// its equivalent elsewhere), through the `wide` crate's safe vector types.
#[inline(always)]
fn masks(block: &[u8; 64]) -> (u64, u64, u64) {
    let (quote, backslash) = (u8x16::splat(b'"'), u8x16::splat(b'\\'));
    // `{` is 0x7b and `[` 0x5b, `}` 0x7d and `]` 0x5d: setting bit 0x20 folds each pair.
    let (fold, open, close) = (u8x16::splat(0x20), u8x16::splat(b'{'), u8x16::splat(b'}'));
    let (lanes, _) = block.as_chunks::<16>();
    let (mut quotes, mut backslashes, mut brackets) = (0u64, 0u64, 0u64);
    for (k, lane) in lanes.iter().enumerate() {
        let v = u8x16::from(*lane);
        let folded = v | fold;
        let bits = |m: u8x16| u64::from(m.move_mask() as u16) << (16 * k);
        quotes |= bits(v.cmp_eq(quote));
        backslashes |= bits(v.cmp_eq(backslash));
        brackets |= bits(folded.cmp_eq(open) | folded.cmp_eq(close));
    }
    (quotes, backslashes, brackets)
}

/// The scan's state between blocks.
struct State {
    brackets: Vec<Bracket>,
    /// The open brackets: index into `brackets` times two, plus one for an object.
    stack: Vec<u32>,
    in_string: bool,
    /// The previous byte was a backslash inside a string.
    escaped: bool,
    string_start: usize,
}

impl State {
    #[inline]
    fn bracket(&mut self, c: u8, at: usize) -> Result<(), ScanError> {
        // `{` and `}` have bit 0x20 set, `[` and `]` do not.
        let curly = u32::from(c & 0x20 != 0);
        if c | 0x20 == b'{' {
            self.stack.push(((self.brackets.len() as u32) << 1) | curly);
            self.brackets.push(Bracket {
                open: at as u32,
                close: 0,
                after: 0,
            });
            return Ok(());
        }
        match self.stack.pop() {
            Some(top) if top & 1 == curly => {
                let after = self.brackets.len() as u32;
                if let Some(b) = self.brackets.get_mut((top >> 1) as usize) {
                    b.close = at as u32;
                    b.after = after;
                }
                Ok(())
            }
            Some(_) => err(at, "a closing bracket does not match its opening one"),
            None => err(at, "a closing bracket has no opening one"),
        }
    }

    /// One byte, for blocks with backslashes.
    #[inline]
    fn byte(&mut self, c: u8, at: usize) -> Result<(), ScanError> {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if c == b'\\' {
                self.escaped = true;
            } else if c == b'"' {
                self.in_string = false;
            }
            Ok(())
        } else if c == b'"' {
            self.in_string = true;
            self.string_start = at;
            Ok(())
        } else if (c | 0x20) == b'{' || (c | 0x20) == b'}' {
            self.bracket(c, at)
        } else {
            Ok(())
        }
    }
}

impl<'a> Doc<'a> {
    /// Scans `text` once: every string must close, every bracket must match. The text may be
    /// anything JSON allows at the top (the value is not required to be an object).
    ///
    /// The scan works on 64-byte blocks as bit masks (one bit per byte): which bytes are quotes,
    /// which are brackets, and, by a running XOR of the quote bits, which lie inside strings.
    /// Only brackets outside strings are visited. A block with a backslash is walked byte by
    /// byte instead, since an escaped quote does not open or close a string.
    pub fn new(text: &'a str) -> Result<Doc<'a>, ScanError> {
        let b = text.as_bytes();
        if b.len() > u32::MAX as usize {
            return err(0, "the text is too large to scan");
        }
        let mut st = State {
            brackets: Vec::with_capacity(b.len() / 128),
            stack: Vec::new(),
            in_string: false,
            escaped: false,
            string_start: 0,
        };
        let mut base = 0;
        let mut tail = [b' '; 64];
        while base < b.len() {
            // A fixed-size block (the last one padded with spaces), so that the mask loops
            // below compile to vector compares.
            let block: &[u8; 64] = match b[base..].first_chunk::<64>() {
                Some(c) => c,
                None => {
                    let rest = &b[base..];
                    tail[..rest.len()].copy_from_slice(rest);
                    &tail
                }
            };
            let (quotes, backslashes, brackets) = masks(block);
            if backslashes != 0 || st.escaped {
                for (j, &c) in block.iter().enumerate().take(b.len() - base) {
                    st.byte(c, base + j)?;
                }
            } else {
                // Bits inside a string (the opening quote included, the closing one not).
                let mut inside = prefix_xor(quotes);
                if st.in_string {
                    inside = !inside;
                }
                if quotes != 0 {
                    // Where the last string of the block opened, for the error message.
                    let last = 63 - quotes.leading_zeros() as usize;
                    if (inside >> last) & 1 == 1 {
                        st.string_start = base + last;
                    }
                }
                let mut visit = brackets & !inside;
                while visit != 0 {
                    let j = visit.trailing_zeros() as usize;
                    st.bracket(b[base + j], base + j)?;
                    visit &= visit - 1;
                }
                // Bits past a short last block repeat the last byte's parity.
                st.in_string = inside >> 63 == 1;
            }
            base += 64;
        }
        if st.in_string {
            return err(
                st.string_start,
                "a string is not closed (the text ends inside it)",
            );
        }
        if let Some(&top) = st.stack.last() {
            return err(
                st.brackets[(top >> 1) as usize].open as usize,
                "an object or array is not closed (the text ends early)",
            );
        }
        Ok(Doc {
            text,
            brackets: st.brackets,
        })
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Offset of `part` (a slice of this doc's text) in the text.
    pub fn offset_of(&self, part: &str) -> usize {
        (part.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize)
    }

    /// The index in `opens` just past the bracket at offset `i`: where the brackets of the
    /// values inside it begin.
    fn inside(&self, i: usize) -> usize {
        self.brackets.partition_point(|b| b.open as usize <= i)
    }

    /// The index just after the value that starts at `i`. `next` is the index in `opens` of
    /// the first bracket at or after `i` (a walk keeps it, so that skipping a container needs
    /// no search), and is moved past the value.
    fn skip_value(&self, i: usize, next: &mut usize) -> Result<usize, ScanError> {
        let b = self.text.as_bytes();
        let Some(&first) = b.get(i) else {
            return err(i, "a value is missing (the text ends early)");
        };
        match first {
            b'"' => end_of_string(b, i),
            b'{' | b'[' => {
                let found = match self.brackets.get(*next) {
                    Some(b) if b.open as usize == i => Some(b),
                    // Not where the walk expected it: found by a search.
                    _ => self
                        .brackets
                        .binary_search_by_key(&(i as u32), |b| b.open)
                        .ok()
                        .and_then(|k| self.brackets.get(k)),
                };
                let Some(found) = found else {
                    return err(i, "expected a value");
                };
                *next = found.after as usize;
                Ok(found.close as usize + 1)
            }
            b'-' | b'0'..=b'9' | b't' | b'f' | b'n' => {
                let mut j = i;
                while j < b.len()
                    && (b[j].is_ascii_alphanumeric() || matches!(b[j], b'.' | b'+' | b'-'))
                {
                    j += 1;
                }
                Ok(j)
            }
            _ => err(i, "expected a value"),
        }
    }

    /// The span `part` (a slice of the text) as absolute offsets, whitespace trimmed.
    fn span(&self, part: &str) -> (usize, usize) {
        let start = self.offset_of(part);
        let b = self.text.as_bytes();
        let s = skip_ws(b, start);
        let mut e = start + part.len();
        while e > s && matches!(b[e - 1], b' ' | b'\n' | b'\r' | b'\t') {
            e -= 1;
        }
        (s, e)
    }

    /// The members of the object `part`: raw key text (without quotes) and value text.
    pub fn members(&self, part: &'a str) -> Result<Vec<(&'a str, &'a str)>, ScanError> {
        let (b, t) = (self.text.as_bytes(), self.text);
        let (mut i, end) = self.span(part);
        if b.get(i) != Some(&b'{') {
            return err(i, "expected an object");
        }
        let mut next = self.inside(i);
        i = skip_ws(b, i + 1);
        let mut out = Vec::new();
        if b.get(i) == Some(&b'}') {
            return self.ends(i + 1, end).map(|()| out);
        }
        loop {
            if i >= end || b[i] != b'"' {
                return err(i, "expected a key in quotes");
            }
            let key_end = end_of_string(b, i)?;
            let key = &t[i + 1..key_end - 1];
            i = skip_ws(b, key_end);
            if b.get(i) != Some(&b':') {
                return err(i, "expected ':' after a key");
            }
            let v_start = skip_ws(b, i + 1);
            let v_end = self.skip_value(v_start, &mut next)?;
            if v_end > end {
                return err(v_start, "a value runs past the end of its object");
            }
            out.push((key, &t[v_start..v_end]));
            i = skip_ws(b, v_end);
            match b.get(i) {
                Some(b',') if i < end => i = skip_ws(b, i + 1),
                Some(b'}') => return self.ends(i + 1, end).map(|()| out),
                _ => return err(i, "expected ',' or '}' after a value"),
            }
        }
    }

    /// The elements of the array `part`, as value texts.
    pub fn elements(&self, part: &'a str) -> Result<Vec<&'a str>, ScanError> {
        let (b, t) = (self.text.as_bytes(), self.text);
        let (mut i, end) = self.span(part);
        if b.get(i) != Some(&b'[') {
            return err(i, "expected an array");
        }
        let mut next = self.inside(i);
        i = skip_ws(b, i + 1);
        let mut out = Vec::new();
        if b.get(i) == Some(&b']') {
            return self.ends(i + 1, end).map(|()| out);
        }
        loop {
            let v_end = self.skip_value(i, &mut next)?;
            if v_end > end {
                return err(i, "a value runs past the end of its array");
            }
            out.push(&t[i..v_end]);
            i = skip_ws(b, v_end);
            match b.get(i) {
                Some(b',') if i < end => i = skip_ws(b, i + 1),
                Some(b']') => return self.ends(i + 1, end).map(|()| out),
                _ => return err(i, "expected ',' or ']' after a value"),
            }
        }
    }

    /// Only whitespace may follow a value within its span.
    fn ends(&self, i: usize, end: usize) -> Result<(), ScanError> {
        let i = skip_ws(self.text.as_bytes(), i);
        if i >= end {
            Ok(())
        } else {
            err(i, "unexpected text after the end of a JSON value")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(t: &str) -> Result<Vec<(&str, &str)>, ScanError> {
        Doc::new(t)?.members(t)
    }

    fn elements(t: &str) -> Result<Vec<&str>, ScanError> {
        Doc::new(t)?.elements(t)
    }

    #[test]
    fn members_and_elements() {
        let t = r#" { "a" : [1, {"b": "x\"}"}], "c": null, "d": -1.5e3 } "#;
        let doc = Doc::new(t).unwrap();
        let m = doc.members(t).unwrap();
        assert_eq!(
            m,
            vec![
                ("a", r#"[1, {"b": "x\"}"}]"#),
                ("c", "null"),
                ("d", "-1.5e3")
            ]
        );
        let e = doc.elements(m[0].1).unwrap();
        assert_eq!(e, vec!["1", r#"{"b": "x\"}"}"#]);
        assert_eq!(doc.members(e[1]).unwrap(), vec![("b", r#""x\"}""#)]);
        assert_eq!(members("{}").unwrap(), vec![]);
        assert_eq!(elements(" [ ] ").unwrap(), Vec::<&str>::new());
        // Long strings and runs of whitespace cross chunk boundaries.
        let long = format!(
            "{{\"k\": \"{}\\\"{}\",{}\"m\": [{}]}}",
            "x".repeat(100),
            "y".repeat(45),
            " ".repeat(70),
            "\n".repeat(33)
        );
        let m = members(&long).unwrap();
        assert_eq!(m.len(), 2);
        assert_eq!(
            m[1],
            (
                "m",
                "[\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n\n]"
            )
        );
    }

    #[test]
    fn broken_input_is_an_error_never_a_panic() {
        for bad in [
            "",
            "{",
            "{\"a\"",
            "{\"a\":",
            "{\"a\": [}",
            "{\"a\": \"x",
            "{\"a\": 1,}",
            "[1 2]",
            "{\"a\": 1} x",
            "[\"\\",
            "{\"a\": [1, {\"b\": ]}",
            "{\"a\": }",
            "]",
            "{\"a\": 1}}",
        ] {
            let r = members(bad)
                .map(|_| ())
                .or_else(|_| elements(bad).map(|_| ()));
            assert!(r.is_err(), "{bad:?} was accepted");
        }
        // Deep nesting is fine: nothing recurses.
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(members(&deep).unwrap().len(), 1);
    }

    /// The byte-by-byte walk, as a reference for the block scan.
    fn reference(text: &str) -> Result<Vec<Bracket>, ()> {
        let mut st = State {
            brackets: Vec::new(),
            stack: Vec::new(),
            in_string: false,
            escaped: false,
            string_start: 0,
        };
        for (i, &c) in text.as_bytes().iter().enumerate() {
            st.byte(c, i).map_err(|_| ())?;
        }
        if st.in_string || !st.stack.is_empty() {
            return Err(());
        }
        Ok(st.brackets)
    }

    #[test]
    fn block_scan_agrees_with_the_byte_walk() {
        // A small generator (no dependency): strings, escapes, brackets and padding placed
        // across 64-byte block boundaries.
        let parts = [
            "{",
            "}",
            "[",
            "]",
            "\"a\"",
            "\"\\\"\"",
            "\"x\\\\\"",
            "\"[{\"",
            " ",
            "\n",
            "1",
            ",",
            ":",
            "\"long string with ] and } inside it, quite long indeed.....\"",
        ];
        let mut seed: u64 = 0x9e3779b97f4a7c15;
        for _ in 0..3000 {
            let mut t = String::new();
            let n = (seed % 90) as usize;
            for _ in 0..n {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                t.push_str(parts[(seed % parts.len() as u64) as usize]);
            }
            let fast = Doc::new(&t).map(|d| d.brackets).map_err(|_| ());
            assert_eq!(fast, reference(&t), "{t:?}");
        }
    }

    #[test]
    fn block_masks() {
        let mut block = [b' '; 64];
        for (i, c) in [
            (0, b'"'),
            (15, b'\\'),
            (16, b'{'),
            (31, b']'),
            (47, b'['),
            (63, b'}'),
        ] {
            block[i] = c;
        }
        let (q, b, k) = masks(&block);
        assert_eq!(q, 1);
        assert_eq!(b, 1 << 15);
        assert_eq!(k, (1 << 16) | (1 << 31) | (1 << 47) | (1 << 63));
    }

    #[test]
    fn positions() {
        let t = "{\n  \"a\": 1,\n  \"b\" 2}";
        let e = members(t).unwrap_err();
        assert_eq!(e.line_col(t), (3, 7));
    }
}
