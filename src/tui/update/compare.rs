//! The compare screen: scrolling, tabs, endpoints, export and copy.

use super::*;

pub(super) fn compare(s: &mut State, a: Action) -> Vec<Effect> {
    let chart = match s.compare.tab {
        Tab::Forest => crate::compare::Chart::Forest,
        _ => crate::compare::Chart::Bars,
    };
    let view = s.compare_view();
    let n_endpoints = view.map_or(0, |v| v.choices(chart).len());
    let max_scroll = match (a, s.compare.tab) {
        (Action::Down | Action::PageDown | Action::Bottom, Tab::Table) => view
            .and_then(|v| v.table.as_ref())
            .map_or(0, |t| t.max_scroll()),
        // The summary's lines less those its box shows.
        (Action::Down | Action::PageDown | Action::Bottom, Tab::Summary) => view
            .and_then(|v| Some((v.sof_layout.as_ref()?, v.table.as_ref()?)))
            .map_or(0, |(l, t)| {
                l.len()
                    .saturating_sub(t.body.height.saturating_sub(2) as usize)
            }),
        _ => usize::MAX / 2,
    };
    let cmp = &mut s.compare;
    match a {
        Action::Up => cmp.scroll = cmp.scroll.saturating_sub(1),
        Action::Down => cmp.scroll = (cmp.scroll + 1).min(max_scroll),
        Action::PageUp => cmp.scroll = cmp.scroll.saturating_sub(10),
        Action::PageDown => cmp.scroll = (cmp.scroll + 10).min(max_scroll),
        Action::Top => cmp.scroll = 0,
        Action::Bottom => cmp.scroll = max_scroll,
        Action::NextTab | Action::PrevTab => {
            let i = Tab::ALL.iter().position(|&t| t == cmp.tab).unwrap_or(0);
            let step = if a == Action::NextTab {
                1
            } else {
                Tab::ALL.len() - 1
            };
            cmp.tab = Tab::ALL[(i + step) % Tab::ALL.len()];
            cmp.endpoint = 0;
        }
        Action::NextEndpoint if n_endpoints > 0 => cmp.endpoint = (cmp.endpoint + 1) % n_endpoints,
        Action::PrevEndpoint if n_endpoints > 0 => {
            cmp.endpoint = (cmp.endpoint + n_endpoints - 1) % n_endpoints;
        }
        Action::ToggleAllEvents => {
            cmp.events = cmp.events.toggle();
            cmp.scroll = 0;
        }
        Action::Export => return vec![Effect::Export(cmp.records.clone(), cmp.of_therapy)],
        Action::Copy => return vec![Effect::Copy(cmp.records.clone(), cmp.of_therapy)],
        Action::Back => s.screen = Screen::Browse,
        other => return common(s, other),
    }
    Vec::new()
}
