//! `crosscheck-window [DIR]`: the window alone, for desktop shortcuts and the Start menu. On
//! Windows it is a GUI program (no console opens beside it, and none can close it without the
//! unsaved-changes prompt); everything else is `crosscheck`'s.
#![cfg_attr(windows, windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::env::args_os().nth(1).map(std::path::PathBuf::from);
    match crosscheck::app::run(dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // No console on Windows: the error goes to the log of whoever started it.
            eprintln!("crosscheck-window: the window could not be opened: {e}");
            ExitCode::from(2)
        }
    }
}
