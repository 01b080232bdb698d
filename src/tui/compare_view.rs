//! The compare screen's derived data, kept in [`super::state::State`]: the comparison of the
//! compared records and what its views draw (a chart's rows, the summary of findings, the
//! layouts), each built only when its inputs change. `update` brings it up to date through
//! `State::refresh_compare`; `view` only reads it.

use crate::compare::{self, Bar, Chart, Comparison, ForestRow, Group};
use crate::corpus::{Corpus, Lang, RecordRef};

/// The comparison on screen and the data its three views draw: the comparison and the
/// charts' endpoint choices are built when the compared records, the language or the
/// adverse events listed change, the
/// chart of the chosen endpoint when the choice changes, and the table's layout when the
/// terminal's size changes. `view` only reads it.
#[derive(Debug)]
pub struct CompareView {
    pub records: Vec<RecordRef>,
    pub of_therapy: Option<u32>,
    pub lang: Lang,
    pub events: compare::Events,
    pub comparison: Comparison,
    /// Endpoints the forest plot can show (some column has a hazard ratio).
    pub forest_choices: Vec<Group>,
    /// Measures the bar chart can show.
    pub bar_choices: Vec<Group>,
    /// The chart of the chosen endpoint.
    pub chart: Option<ChartData>,
    /// The table laid out for the terminal's size.
    pub table: Option<super::view::compare::TableLayout>,
    /// The summary of findings, built when its tab is first shown for these records.
    pub sof: Option<compare::sof::SummaryOfFindings>,
    /// The summary laid out for the terminal's width.
    pub sof_layout: Option<super::view::compare::SofLayout>,
}

/// The rows of one chart for one endpoint choice.
#[derive(Debug)]
pub enum ChartData {
    Forest {
        choice: usize,
        rows: Vec<ForestRow>,
        /// The pooled estimate of the endpoint (REML random effects and fixed effect).
        pool: Option<Box<crate::meta::Pool>>,
    },
    Bars {
        choice: usize,
        groups: Vec<(String, Vec<Bar>)>,
    },
}

impl CompareView {
    /// The comparison of `records` (for the therapy `of_therapy` chose them for), with the
    /// endpoints each chart can show; charts, the summary and layouts are built when shown.
    pub(super) fn new(
        c: &Corpus,
        records: Vec<RecordRef>,
        of_therapy: Option<u32>,
        lang: Lang,
        events: compare::Events,
    ) -> CompareView {
        CompareView {
            comparison: compare::build_with(c, &records, of_therapy, lang, events),
            events,
            forest_choices: compare::chart_choices(c, &records, Chart::Forest),
            bar_choices: compare::chart_choices(c, &records, Chart::Bars),
            records,
            of_therapy,
            lang,
            chart: None,
            table: None,
            sof: None,
            sof_layout: None,
        }
    }

    /// The summary of findings, built once, and its layout for `width` columns.
    pub(super) fn refresh_summary(&mut self, c: &Corpus, lang: Lang, width: u16) {
        if self.sof.is_none() {
            self.sof = Some(compare::sof::summary(c, &self.records, lang));
        }
        if self.sof_layout.as_ref().map(|l| l.width) != Some(width)
            && let Some(sof) = &self.sof
        {
            self.sof_layout = Some(super::view::compare::SofLayout::new(sof, width));
        }
    }

    /// The data of `chart` for the endpoint chosen (`endpoint`, counted round its choices),
    /// built when the chart or the choice changed.
    pub(super) fn refresh_chart(&mut self, c: &Corpus, chart: Chart, endpoint: usize, lang: Lang) {
        let n = self.choices(chart).len().max(1);
        let choice = endpoint % n;
        let have = match (&self.chart, chart) {
            (Some(ChartData::Forest { choice: i, .. }), Chart::Forest)
            | (Some(ChartData::Bars { choice: i, .. }), Chart::Bars) => Some(*i),
            _ => None,
        };
        if have == Some(choice) {
            return;
        }
        let group = self.choices(chart).get(choice).cloned();
        self.chart = Some(match chart {
            Chart::Forest => {
                let ep = group.as_ref().and_then(Group::endpoint);
                ChartData::Forest {
                    choice,
                    rows: ep
                        .map(|ep| compare::forest(c, &self.records, ep, lang))
                        .unwrap_or_default(),
                    pool: ep.map(|ep| {
                        Box::new(crate::meta::pool(
                            c,
                            &self.records,
                            ep,
                            crate::meta::Tau2::Reml,
                            lang,
                        ))
                    }),
                }
            }
            Chart::Bars => ChartData::Bars {
                choice,
                groups: group
                    .map(|g| compare::bars(c, &self.records, &g, lang))
                    .unwrap_or_default(),
            },
        });
    }

    /// The endpoint choices of a chart.
    pub fn choices(&self, chart: Chart) -> &[Group] {
        match chart {
            Chart::Forest => &self.forest_choices,
            Chart::Bars => &self.bar_choices,
        }
    }
}
