//! "Files changed on disk" — asked when a save finds that another program (a text editor,
//! git) changed files since they were read: reload, keep both, overwrite, or cancel.

use std::path::PathBuf;

use super::{Dialog, Reply};
use crate::ui::{Command, ConflictChoice};

/// The files changed on disk.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictDialog {
    pub paths: Vec<PathBuf>,
}

impl Dialog for ConflictDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        egui::Modal::new(egui::Id::unique("save-conflict")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading("Files changed on disk");
            ui.label("Since the dataset was opened, another program (a text editor, git) changed:");
            for p in &self.paths {
                ui.monospace(p.display().to_string());
            }
            ui.label("Saving now would overwrite those changes. What should happen?");
            ui.add_space(8.0);
            ui.horizontal_wrapped(|ui| {
                let choices = [
                    (
                        "Reload from disk (discard my changes)",
                        ConflictChoice::Reload,
                    ),
                    (
                        "Keep both (write mine beside theirs)",
                        ConflictChoice::KeepBoth,
                    ),
                    ("Overwrite theirs", ConflictChoice::Overwrite),
                ];
                for (label, choice) in choices {
                    if ui.button(label).clicked() {
                        reply = Reply::Run(Command::SaveConflict(choice));
                    }
                }
                if ui.button("Cancel").clicked() {
                    reply = Reply::Close;
                }
            });
        });
        reply
    }
}
