//! The TUI's one state struct and the derived views it keeps (the detail document, the
//! comparison with its views' data in [`super::compare_view`], the help's lines in
//! [`super::help`]), rebuilt only when their inputs change. The layout both `update` and `view`
//! compute from it is in [`super::layout`]; the search line's text in [`super::input`].

use std::sync::Arc;

pub use super::compare_view::{ChartData, CompareView};
pub use super::input::Input;
pub use super::layout::*;

use super::keymap::{Context, Keymap};
use super::theme::ThemeName;
use crate::compare::{self, Chart};
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
    /// The summary of findings (GRADE layout).
    Summary,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Table, Tab::Forest, Tab::Bars, Tab::Summary];
    pub fn title(self) -> &'static str {
        match self {
            Tab::Table => "Table",
            Tab::Forest => "Forest plot",
            Tab::Bars => "Bars",
            Tab::Summary => "Summary of findings",
        }
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
    /// The link cursor: the web address chosen on a line, as (document line, index among that
    /// line's addresses). It counts while the cursor is on that line; elsewhere the line's
    /// first address is the chosen one.
    pub link: (usize, usize),
}

impl Detail {
    /// Which of the cursor line's web addresses is chosen (its index).
    pub fn link_index(&self) -> usize {
        if self.link.0 == self.cursor {
            self.link.1
        } else {
            0
        }
    }
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
    /// Which adverse-event terms the table lists (`a` switches between the most frequent and
    /// all).
    pub events: compare::Events,
}

/// A one-line prompt on the search line's row, and what its text is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: Input,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    /// The name of a new set of the marked records.
    SaveSet,
    /// The user's note on a record (empty removes it).
    Note(RecordRef),
}

/// A transient message for the status bar: news, or an error (drawn in the error colour).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Info(String),
    Error(String),
}

impl Status {
    pub fn info(text: impl Into<String>) -> Status {
        Status::Info(text.into())
    }

    pub fn error(text: impl Into<String>) -> Status {
        Status::Error(text.into())
    }

    pub fn text(&self) -> &str {
        match self {
            Status::Info(t) | Status::Error(t) => t,
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Status::Error(_))
    }
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
    /// The Chinese that `L` switches to from English: simplified, or traditional when the
    /// configuration's language asks for it.
    pub chinese: Lang,
    pub input: Input,
    pub focus: Focus,
    pub screen: Screen,
    pub help: bool,
    /// The help overlay's first line shown, when it is taller than the screen.
    pub help_scroll: usize,
    /// The help's lines while it is open (derived: see [`State::refresh_help`]).
    pub help_content: Option<super::help::Help>,
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
    /// Why the query as typed did not parse (the view says it in the interface's language,
    /// so `L` re-says it); the last good results stay shown.
    pub query_error: Option<crate::search::QueryError>,
    pub selected: usize,
    /// First result shown: the list scrolls only when the selection would leave the window.
    pub list_offset: usize,
    pub detail: Detail,
    /// The detail pane takes the whole body while it has the focus.
    pub zoom: bool,
    pub marked: Vec<RecordRef>,
    pub compare: Compare,
    /// A transient message for the status bar.
    pub status: Option<Status>,
    pub width: u16,
    pub height: u16,
    pub quit: bool,
    /// The colour theme (chosen at start: `--theme`, `NO_COLOR` or the terminal background).
    pub theme: ThemeName,
    /// The shown record's detail document and its layout, derived data kept here so that
    /// `update` and `view` read it instead of building it (see [`State::refresh_detail`]).
    pub detail_view: Option<Arc<DetailView>>,
    /// The query history, oldest first (from the user's data directory).
    pub history: Vec<String>,
    /// While walking the history: the entry shown, and what was typed before the walk.
    pub history_walk: Option<(usize, String)>,
    /// Record ids marked in an earlier session, marked again once the corpus is loaded.
    pub pending_marks: Vec<String>,
    /// A one-line prompt (a set's name, a note), while it is open.
    pub prompt: Option<Prompt>,
    /// The user's notes on records (from the data directory).
    pub notes: Vec<crate::userdata::Note>,
    /// While the facet line has the keys: the facet chosen (an index into
    /// [`State::facet_items`]).
    pub facet_cursor: Option<usize>,
    /// The menu of saved sets, while it is open: the sets and the one selected.
    pub sets_menu: Option<(Vec<crate::userdata::Set>, usize)>,
    /// The keys in force: the table's, with the configuration's changes.
    pub keymap: Arc<Keymap>,
    /// The list's share of the body's width, in percent (the configuration's `split`).
    pub split: Option<u8>,
    /// The configuration's colours for theme roles.
    pub colors: crate::tui::theme::Overrides,
    /// Web addresses in the detail are drawn as OSC 8 hyperlinks (the terminal supports them,
    /// or the configuration says so).
    pub hyperlinks: bool,
    /// The comparison on screen and its views' data, derived like `detail_view` (see
    /// [`State::refresh_compare`]).
    pub compare_view: Option<CompareView>,
}

/// A detail document laid out at a width: built once per record, language and pane width.
#[derive(Debug)]
pub struct DetailView {
    pub record: RecordRef,
    pub lang: Lang,
    /// The width of the text inside the pane's border.
    pub width: usize,
    /// The user's note shown at its end, if any (part of the key: a new note rebuilds).
    pub note: Option<String>,
    pub doc: present::Doc,
    /// Screen rows: each row's spans and the document line it belongs to.
    pub rows: Vec<(Vec<present::Span>, usize)>,
    /// The web addresses on those rows (DOIs, PubMed and NCT ids, URLs).
    pub web: Vec<present::weblinks::RowLink>,
}

impl DetailView {
    /// The first and last screen rows of document line `line`.
    pub fn rows_of(&self, line: usize) -> (usize, usize) {
        rows_of(&self.rows, line)
    }

    /// The web address of document line `line` (its first, when it has several).
    pub fn web_link(&self, line: usize) -> Option<&str> {
        self.web_links(line).first().copied()
    }

    /// The web addresses of document line `line`, in reading order, each once (an address
    /// wrapped over two rows is one).
    pub fn web_links(&self, line: usize) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for l in self.web.iter().filter(|l| l.line == line) {
            if !out.contains(&l.url.as_str()) {
                out.push(&l.url);
            }
        }
        out
    }

    /// The address the link cursor `detail` has chosen, if its line has any.
    pub fn chosen_link(&self, detail: &Detail) -> Option<&str> {
        let links = self.web_links(detail.cursor);
        links.get(detail.link_index()).or(links.first()).copied()
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
            chinese: if lang == Lang::ZhHant {
                Lang::ZhHant
            } else {
                Lang::Zh
            },
            input: Input::default(),
            focus: Focus::Input,
            screen: Screen::Browse,
            help: false,
            help_scroll: 0,
            help_content: None,
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
            compare_view: None,
            keymap: Arc::new(Keymap::default()),
            history: Vec::new(),
            history_walk: None,
            pending_marks: Vec::new(),
            prompt: None,
            notes: Vec::new(),
            sets_menu: None,
            facet_cursor: None,
            hyperlinks: false,
            split: None,
            colors: Default::default(),
        }
    }

    /// Builds the help's lines when the help is open and they are not those of the screen
    /// underneath (in this language, for this search line); drops them when it is closed.
    pub fn refresh_help(&mut self) {
        self.help_content = if self.help {
            Some(super::help::Help::refreshed(self.help_content.take(), self))
        } else {
            None
        };
    }

    /// Builds the detail view when what it depends on (the record shown, the language, the
    /// pane's width) changed since it was built; otherwise does nothing. `update` calls it
    /// before and after every action, so one action builds a document at most once per record
    /// it shows.
    pub fn refresh_detail(&mut self) {
        let width = self.areas().detail.width.saturating_sub(2) as usize;
        let want = self.corpus().zip(self.detail_record()).map(|(c, r)| {
            let note = self
                .notes
                .iter()
                .find(|n| n.record == c.id_of(r))
                .map(|n| format!("{}\u{0}{}", n.date, n.text));
            (r, self.lang, width, note)
        });
        let have = self
            .detail_view
            .as_ref()
            .map(|v| (v.record, v.lang, v.width, v.note.clone()));
        if want == have {
            return;
        }
        self.detail_view = match (self.corpus(), want) {
            (Some(c), Some((record, lang, width, note))) => {
                let mut doc = present::detail(c, record, lang);
                if let Some((date, text)) = note.as_deref().and_then(|n| n.split_once('\u{0}')) {
                    present::detail::user_note(&mut doc, date, text);
                }
                let rows = doc.layout(width);
                let web = present::weblinks::row_links(&doc, &rows);
                Some(Arc::new(DetailView {
                    web,
                    record,
                    lang,
                    width,
                    note,
                    doc,
                    rows,
                }))
            }
            _ => None,
        };
    }

    /// Brings the compare view up to date with the compared records, the language, the chart
    /// and endpoint chosen and the terminal's size, building only what changed. `update` calls
    /// it with [`State::refresh_detail`].
    pub fn refresh_compare(&mut self) {
        if self.screen != Screen::Compare || self.compare.records.is_empty() {
            self.compare_view = None;
            return;
        }
        let Some(c) = self.engine().cloned() else {
            return;
        };
        let c = c.corpus();
        let key = (
            &self.compare.records,
            self.compare.of_therapy,
            self.lang,
            self.compare.events,
        );
        let current = self
            .compare_view
            .as_ref()
            .is_some_and(|v| (&v.records, v.of_therapy, v.lang, v.events) == key);
        if !current {
            self.compare_view = Some(CompareView::new(
                c,
                self.compare.records.clone(),
                self.compare.of_therapy,
                self.lang,
                self.compare.events,
            ));
        }
        let (tab, endpoint, lang, size) = (
            self.compare.tab,
            self.compare.endpoint,
            self.lang,
            (self.width, self.height),
        );
        let Some(v) = self.compare_view.as_mut() else {
            return;
        };
        let chart = match tab {
            Tab::Table | Tab::Summary => None,
            Tab::Forest => Some(Chart::Forest),
            Tab::Bars => Some(Chart::Bars),
        };
        if tab == Tab::Summary {
            v.refresh_summary(c, lang, size.0);
        }
        if let Some(chart) = chart {
            v.refresh_chart(c, chart, endpoint, lang);
        }
        if v.table.as_ref().map(|t| t.size) != Some(size) {
            v.table = Some(super::view::compare::TableLayout::new(
                &v.comparison,
                size.0,
                size.1,
            ));
        }
    }

    /// The compare view if it is current for the compared records and language.
    pub fn compare_view(&self) -> Option<&CompareView> {
        let v = self.compare_view.as_ref()?;
        (v.records == self.compare.records
            && v.of_therapy == self.compare.of_therapy
            && v.lang == self.lang
            && v.events == self.compare.events)
            .then_some(v)
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
        } else if self.prompt.is_some() {
            Context::Prompt
        } else if self.sets_menu.is_some() {
            Context::Sets
        } else if self.facet_cursor.is_some() && self.screen == Screen::Browse {
            Context::Facets
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

    /// The facet line's values for the results shown (see [`super::facets`]).
    pub fn facet_items(&self) -> Vec<super::facets::Item> {
        if self.query_error.is_some() {
            return Vec::new(); // the line shows the error
        }
        match (self.results.as_deref(), self.corpus()) {
            (Some(r), Some(c)) => super::facets::items(
                r,
                c,
                self.lang,
                self.input.text(),
                self.areas().info.width as usize,
            ),
            _ => Vec::new(),
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
        if let Some(split) = self.split {
            return areas_split(self.width, self.height, self.zoomed(), split);
        }
        areas_for(self.width, self.height, self.zoomed())
    }

    pub fn too_small(&self) -> bool {
        self.width < MIN_WIDTH || self.height < MIN_HEIGHT
    }
}
