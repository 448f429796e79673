//! "Restore unsaved changes?" — asked when a dataset opens with a recovery journal left by a
//! crash, a `kill -9` or a power cut.

use super::{Dialog, Reply};
use crate::ui::Command;

/// What the journal holds, for people.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoverDialog {
    /// When it was written.
    pub written: String,
    /// Unsaved changes (undo steps) it holds.
    pub edits: usize,
    /// Records it changes against the files now on disk.
    pub records: usize,
}

impl Dialog for RecoverDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        egui::Modal::new(egui::Id::unique("recover")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("Restore unsaved changes?");
            ui.label(format!(
                "Crosscheck stopped before these changes were saved: {} unsaved change(s) to {} record(s), from {}.",
                self.edits, self.records, self.written
            ));
            ui.label("Restoring merges them with the files as they are now; Undo takes the restore back.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Restore").clicked() {
                    reply = Reply::Run(Command::Restore);
                }
                if ui.button("Discard").clicked() {
                    reply = Reply::Run(Command::DiscardRecovery);
                }
            });
        });
        reply
    }
}
