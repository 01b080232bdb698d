//! The text of the search line and of prompts: a small type over tui-input.

/// The query being typed: text and cursor, edited by tui-input (moves and deletions step
/// over whole graphemes; the cursor counts characters).
#[derive(Debug, Clone, Default)]
pub struct Input {
    inner: tui_input::Input,
    /// The length in characters, kept so the query cap is checked without a scan.
    len: usize,
}

impl PartialEq for Input {
    fn eq(&self, other: &Input) -> bool {
        self.text() == other.text() && self.cursor() == other.cursor()
    }
}

impl Eq for Input {}

impl Input {
    pub fn text(&self) -> &str {
        self.inner.value()
    }

    /// The cursor, in characters before it.
    pub fn cursor(&self) -> usize {
        self.inner.cursor()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Replaces the text; the cursor goes to its end.
    pub fn set(&mut self, text: String) {
        self.len = text.chars().count();
        self.inner = tui_input::Input::new(text);
    }

    /// Inserts `text` at the cursor in one step (linear in the sizes), the cursor after it.
    pub fn insert(&mut self, text: &str) {
        let cursor = self.cursor();
        let at = self
            .text()
            .char_indices()
            .nth(cursor)
            .map_or(self.text().len(), |(b, _)| b);
        let mut value = self.text().to_string();
        value.insert_str(at, text);
        let inserted = text.chars().count();
        self.len += inserted;
        self.inner = tui_input::Input::new(value).with_cursor(cursor + inserted);
    }

    /// An edit or a move.
    pub fn apply(&mut self, req: tui_input::InputRequest) {
        if self.inner.handle(req).is_some_and(|c| c.value) {
            self.len = self.text().chars().count();
        }
    }

    /// The first column shown when the line is `width` columns wide, so the cursor stays in
    /// view, and the cursor's column.
    pub fn scroll(&self, width: usize) -> (usize, usize) {
        (self.inner.visual_scroll(width), self.inner.visual_cursor())
    }
}
