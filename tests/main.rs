//! The one integration-test binary (one link of the crate): store behaviour on real folders,
//! and the command line as researchers run it.

mod cache;
mod cli;
mod common;
mod dialogs;
mod entry;
mod hostile;
mod import;
mod platform;
mod recovery;
mod store;
mod teams;
mod window;
