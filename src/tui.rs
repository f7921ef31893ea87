//! The terminal UI: one [`app::App`] state with a pure `update`, a [`view`] that only draws,
//! an [`event_loop`] that connects terminal, worker and effects, and a [`terminal`] guard that
//! restores the screen on every exit path.

pub mod app;
pub mod event_loop;
pub mod input;
pub mod terminal;
pub mod view;
pub mod worker;
