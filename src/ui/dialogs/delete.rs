//! "Delete this record?" — asked when other records refer to the one being deleted, naming
//! them.

use super::{Dialog, Reply};
use crate::model::Kind;
use crate::model::edit::Target;
use crate::ui::Command;

/// A record others refer to, and who refers to it.
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteDialog {
    pub target: Target,
    /// The record's id.
    pub name: String,
    pub refs: Vec<(Kind, String)>,
}

impl Dialog for DeleteDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        egui::Modal::new(egui::Id::unique("confirm-delete")).show(ctx, |ui| {
            ui.set_max_width(460.0);
            ui.heading(format!(
                "Delete {} “{}”?",
                self.target.kind.noun(),
                self.name
            ));
            ui.label(format!(
                "{} record(s) refer to it and would point at nothing:",
                self.refs.len()
            ));
            egui::ScrollArea::vertical()
                .max_height(200.0)
                .show(ui, |ui| {
                    for (k, id) in &self.refs {
                        ui.label(format!("• {} {id}", k.noun()));
                    }
                });
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Delete anyway").clicked() {
                    reply = Reply::Run(Command::DeleteConfirmed(self.target));
                }
                if ui.button("Cancel").clicked() {
                    reply = Reply::Close;
                }
            });
        });
        reply
    }
}
