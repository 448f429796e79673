//! Crosscheck: curate who claims what about an armed conflict — dated events and the numbers
//! different parties claim about them, kept as plain RON files.
//!
//! `model` holds the records and their rules, `store` reads and writes dataset folders, `ui`
//! draws the panels, `app` ties them together in the window, `cli` is the command line of the
//! `crosscheck` binary.

pub mod app;
pub mod bench_ui;
pub mod chart;
pub mod cli;
pub mod derive;
pub mod import;
pub mod memory;
pub mod model;
pub mod store;
pub mod synth;
pub mod ui;
