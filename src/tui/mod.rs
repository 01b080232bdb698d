//! The interactive browser, as The Elm Architecture: one [`state::State`], [`action::Action`]s
//! from the [`keymap`] and from background threads, [`update::update`] the only place state
//! changes, and a pure [`view::view`]. [`app`] owns the terminal and the event loop and carries
//! out the [`update::Effect`]s that `update` asks for.

pub mod action;
pub mod app;
pub mod background;
pub mod compare_view;
mod effects;
pub mod facets;
pub mod help;
pub mod hyperlink;
pub mod input;
pub mod keymap;
pub mod layout;
pub mod state;
pub mod theme;
pub mod update;
pub mod view;

pub use app::run;
