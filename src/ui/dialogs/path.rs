//! A typed path, asked for where no native file dialog is available (Linux without a desktop
//! portal) or when the dialog returned nothing.

use std::path::PathBuf;

use super::{Dialog, Reply};
use crate::ui::Command;
use crate::ui::plot::Export;

/// What a chosen path is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathMode {
    Open,
    New,
    Export(Export),
    /// A CSV file to import.
    Import,
}

impl PathMode {
    /// What to do with a path chosen for this.
    pub fn command(self, path: PathBuf) -> Command {
        match self {
            PathMode::Open => Command::Open(path),
            PathMode::New => Command::Create(path),
            PathMode::Export(e) => Command::Export(e, path),
            PathMode::Import => Command::Import(path, None),
        }
    }
}

/// The prompt: what it is for, the text typed so far, and a note saying why it is asked.
#[derive(Debug, Clone, PartialEq)]
pub struct PathDialog {
    pub mode: PathMode,
    pub text: String,
    pub note: String,
}

impl Dialog for PathDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut done = None;
        egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading(match self.mode {
                PathMode::Open => "Open a dataset",
                PathMode::New => "New dataset",
                PathMode::Export(_) => "Export the plot",
                PathMode::Import => "Import a CSV file",
            });
            ui.label(&self.note);
            let l = ui.label(match self.mode {
                PathMode::Export(_) | PathMode::Import => "File",
                _ => "Folder",
            });
            let r = ui
                .add(egui::TextEdit::singleline(&mut self.text).desired_width(480.0))
                .labelled_by(l.id);
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            // The path is what the dialog asks for: typing goes there from the start.
            if !enter && ui.memory(|m| m.focused().is_none()) {
                r.request_focus();
            }
            ui.horizontal(|ui| {
                let go = match self.mode {
                    PathMode::Open => "Open",
                    PathMode::New => "Create",
                    PathMode::Export(_) => "Save",
                    PathMode::Import => "Read",
                };
                if ui.button(go).clicked() || enter {
                    done = Some(true);
                }
                if ui.button("Cancel").clicked() {
                    done = Some(false);
                }
            });
        });
        match done {
            None => Reply::Stay,
            Some(true) if !self.text.trim().is_empty() => {
                Reply::Run(self.mode.command(PathBuf::from(self.text.trim())))
            }
            Some(_) => Reply::Close,
        }
    }
}
