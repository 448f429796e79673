//! "Rename this record?" — asked before an id changes together with the references to it,
//! saying how many change.

use super::{Dialog, Reply};
use crate::model::edit::Target;
use crate::ui::Command;

/// A rename that changes references in other records.
#[derive(Debug, Clone, PartialEq)]
pub struct RenameDialog {
    pub target: Target,
    pub old_id: String,
    pub new_id: String,
    pub references: usize,
    pub records: usize,
}

impl Dialog for RenameDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        egui::Modal::new(egui::Id::unique("confirm-rename")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading(format!("Rename {} “{}”?", self.target.kind.noun(), self.old_id));
            ui.label(format!(
                "Its new id is “{}”. {} reference(s) to it in {} other record(s) change with it, as one change that Undo takes back.",
                self.new_id, self.references, self.records
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Rename").clicked() {
                    reply = Reply::Run(Command::RenameConfirmed {
                        target: self.target,
                        new_id: self.new_id.clone(),
                    });
                }
                if ui.button("Cancel").clicked() {
                    reply = Reply::Close;
                }
            });
        });
        reply
    }
}
