//! The TUI's one state struct, and the pure layout both `update` (for mouse hits) and `view`
//! (for drawing) compute from it.

use std::sync::Arc;

use ratatui::layout::Rect;

use super::keymap::Context;
use super::theme::ThemeName;
use crate::corpus::{Corpus, Lang, RecordRef};
use crate::present;
use crate::search::{Engine, Results};

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Input,
    List,
    Detail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Browse,
    Compare,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Table,
    Forest,
    Bars,
}

impl Tab {
    pub const ALL: [Tab; 3] = [Tab::Table, Tab::Forest, Tab::Bars];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Table => "Table",
            Tab::Forest => "Forest plot",
            Tab::Bars => "Bars",
        }
    }
}

/// The query being typed; `cursor` is a char index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Input {
    pub text: String,
    pub cursor: usize,
}

impl Input {
    pub fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(b, _)| b)
    }

    pub fn len(&self) -> usize {
        self.text.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The detail pane: a history of followed links and a line cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    /// Records reached by following links; the last is shown. Empty: the selected result.
    pub stack: Vec<(RecordRef, usize)>,
    /// Line of the detail document under the cursor.
    pub cursor: usize,
    /// First visual row shown: the pane scrolls only when the cursor would leave it.
    pub offset: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Compare {
    pub records: Vec<RecordRef>,
    /// The therapy whose studies `v` chose as `records` (index), so the screen can say how.
    pub of_therapy: Option<u32>,
    pub tab: Tab,
    pub scroll: usize,
    /// The chart's choice of endpoint, an index into [`crate::compare::chart_choices`];
    /// 0, the endpoint most columns report, whenever the tab changes.
    pub endpoint: usize,
}

/// Whether the corpus is still loading, ready, or failed.
pub enum Load {
    /// Still loading `name`; `elapsed_ms` is how long it has taken so far (the loop ticks it).
    Loading {
        name: String,
        elapsed_ms: u64,
    },
    Ready(Arc<Engine>),
}

pub struct State {
    pub load: Load,
    pub lang: Lang,
    pub input: Input,
    pub focus: Focus,
    pub screen: Screen,
    pub help: bool,
    /// The latest results accepted, and the generation of the latest query sent.
    pub results: Option<Arc<Results>>,
    /// The parsed query the shown results answer (none after a query that did not parse):
    /// the order and the highlights the list shows.
    pub query: Option<Arc<crate::search::Query>>,
    pub generation: u64,
    /// The generation the shown results answer.
    pub shown_generation: u64,
    /// The query text last sent to the worker (unchanged queries are not re-sent).
    pub sent: Option<String>,
    pub query_error: Option<String>,
    pub selected: usize,
    /// First result shown: the list scrolls only when the selection would leave the window.
    pub list_offset: usize,
    pub detail: Detail,
    /// The detail pane takes the whole body while it has the focus.
    pub zoom: bool,
    pub marked: Vec<RecordRef>,
    pub compare: Compare,
    /// A transient message for the status bar, and whether it is an error.
    pub status: Option<(String, bool)>,
    pub width: u16,
    pub height: u16,
    pub quit: bool,
    /// The colour theme (chosen at start: `--theme`, `NO_COLOR` or the terminal background).
    pub theme: ThemeName,
    /// The shown record's detail document and its layout, derived data kept here so that
    /// `update` and `view` read it instead of building it (see [`State::refresh_detail`]).
    pub detail_view: Option<Arc<DetailView>>,
}

/// A detail document laid out at a width: built once per record, language and pane width.
#[derive(Debug)]
pub struct DetailView {
    pub record: RecordRef,
    pub lang: Lang,
    /// The width of the text inside the pane's border.
    pub width: usize,
    pub doc: present::Doc,
    /// Screen rows: each row's spans and the document line it belongs to.
    pub rows: Vec<(Vec<present::Span>, usize)>,
}

impl DetailView {
    /// The first and last screen rows of document line `line`.
    pub fn rows_of(&self, line: usize) -> (usize, usize) {
        rows_of(&self.rows, line)
    }
}

impl State {
    pub fn new(corpus_name: &str, lang: Lang, width: u16, height: u16) -> State {
        State {
            load: Load::Loading {
                name: corpus_name.to_string(),
                elapsed_ms: 0,
            },
            lang,
            input: Input::default(),
            focus: Focus::Input,
            screen: Screen::Browse,
            help: false,
            results: None,
            query: None,
            generation: 0,
            shown_generation: 0,
            sent: None,
            query_error: None,
            selected: 0,
            list_offset: 0,
            detail: Detail::default(),
            zoom: false,
            marked: Vec::new(),
            compare: Compare::default(),
            status: None,
            width,
            height,
            quit: false,
            theme: ThemeName::default(),
            detail_view: None,
        }
    }

    /// Builds the detail view when what it depends on (the record shown, the language, the
    /// pane's width) changed since it was built; otherwise does nothing. `update` calls it
    /// before and after every action, so one action builds a document at most once per record
    /// it shows.
    pub fn refresh_detail(&mut self) {
        let width = self.areas().detail.width.saturating_sub(2) as usize;
        let want = self
            .corpus()
            .zip(self.detail_record())
            .map(|(_, r)| (r, self.lang, width));
        let have = self
            .detail_view
            .as_ref()
            .map(|v| (v.record, v.lang, v.width));
        if want == have {
            return;
        }
        self.detail_view = match (self.corpus(), want) {
            (Some(c), Some((record, lang, width))) => {
                let doc = present::detail(c, record, lang);
                let rows = doc.layout(width);
                Some(Arc::new(DetailView {
                    record,
                    lang,
                    width,
                    doc,
                    rows,
                }))
            }
            _ => None,
        };
    }

    /// The detail view if it is current for the record shown.
    pub fn detail_view(&self) -> Option<&DetailView> {
        let v = self.detail_view.as_deref()?;
        (Some(v.record) == self.detail_record() && v.lang == self.lang).then_some(v)
    }

    pub fn engine(&self) -> Option<&Arc<Engine>> {
        match &self.load {
            Load::Ready(e) => Some(e),
            Load::Loading { .. } => None,
        }
    }

    pub fn corpus(&self) -> Option<&Corpus> {
        self.engine().map(|e| e.corpus())
    }

    /// What the keyboard is talking to.
    pub fn context(&self) -> Context {
        if self.help {
            Context::Help
        } else if self.screen == Screen::Compare {
            Context::Compare
        } else {
            match self.focus {
                Focus::Input => Context::Input,
                Focus::List => Context::List,
                Focus::Detail => Context::Detail,
            }
        }
    }

    /// The number of results that can be selected.
    pub fn result_count(&self) -> usize {
        self.results.as_ref().map_or(0, |r| r.hits.len())
    }

    pub fn selected_record(&self) -> Option<RecordRef> {
        self.results
            .as_ref()
            .and_then(|r| r.hits.get(self.selected))
            .map(|h| h.record)
    }

    /// The record the detail pane shows.
    pub fn detail_record(&self) -> Option<RecordRef> {
        self.detail
            .stack
            .last()
            .map(|(r, _)| *r)
            .or_else(|| self.selected_record())
    }

    /// Whether the detail pane is drawn full screen (asked for, and focused).
    pub fn zoomed(&self) -> bool {
        self.zoom && self.focus == Focus::Detail && self.screen == Screen::Browse
    }

    /// The browse screen's layout now (see [`areas`]).
    pub fn areas(&self) -> Areas {
        areas_for(self.width, self.height, self.zoomed())
    }

    pub fn too_small(&self) -> bool {
        self.width < MIN_WIDTH || self.height < MIN_HEIGHT
    }
}

/// Where each part of the browse screen is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub input: Rect,
    pub info: Rect,
    pub list: Rect,
    pub detail: Rect,
    pub status: Rect,
}

/// The browse screen's layout for a terminal size: input line, info line (facets or a query
/// error), list and detail side by side, status bar.
pub fn areas(width: u16, height: u16) -> Areas {
    areas_for(width, height, false)
}

/// [`areas`], with the detail pane over the whole body when `zoomed` (the list has no room).
pub fn areas_for(width: u16, height: u16, zoomed: bool) -> Areas {
    let body_h = height.saturating_sub(3);
    let list_w = if zoomed {
        0
    } else if width >= 120 {
        width * 11 / 20
    } else {
        width / 2
    };
    Areas {
        input: Rect::new(0, 0, width, 1),
        info: Rect::new(0, 1, width, 1),
        list: Rect::new(0, 2, list_w, body_h),
        detail: Rect::new(list_w, 2, width.saturating_sub(list_w), body_h),
        status: Rect::new(0, height.saturating_sub(1), width, 1),
    }
}

/// Lines a result takes in a list of this width: one when it fits, else two.
pub fn row_height(list_width: u16) -> usize {
    if list_width >= 66 { 1 } else { 2 }
}

/// The first visible item of a list that showed `offset` first, moved just enough for
/// `selected` to be visible in `visible` rows.
pub fn keep_visible(offset: usize, selected: usize, visible: usize) -> usize {
    keep_span_visible(offset, selected, selected, visible)
}

/// The rows `first..=last` that line `line` of a laid-out document takes (rows are tagged
/// with the line they come from; a wrapped line takes several). Row 0 when it has none.
pub fn rows_of<T>(rows: &[(T, usize)], line: usize) -> (usize, usize) {
    let first = rows.iter().position(|(_, i)| *i == line).unwrap_or(0);
    let last = rows.iter().rposition(|(_, i)| *i == line).unwrap_or(first);
    (first, last)
}

/// Like [`keep_visible`] for an item that spans rows `first..=last` (a wrapped line); when it
/// is taller than the window, its first row wins.
pub fn keep_span_visible(offset: usize, first: usize, last: usize, visible: usize) -> usize {
    let visible = visible.max(1);
    if first < offset {
        first
    } else if last >= offset + visible {
        (last + 1 - visible).min(first)
    } else {
        offset
    }
}
