//! "Save with errors?" — asked when the checks find errors in the dataset at Save, naming
//! them, so that a broken dataset is not written by accident (`check` would then fail).

use super::{Dialog, Reply};
use crate::ui::Command;

/// The errors, as people read them (the first ones), and how many there are in all.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveErrorsDialog {
    pub errors: Vec<String>,
    pub total: usize,
}

impl Dialog for SaveErrorsDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        egui::Modal::new(egui::Id::unique("save-errors")).show(ctx, |ui| {
            ui.set_max_width(560.0);
            ui.heading("Save with errors?");
            ui.label(format!(
                "The checks find {} error(s); `crosscheck check` will fail on the saved files until they are fixed:",
                self.total
            ));
            for e in &self.errors {
                ui.label(format!("• {e}"));
            }
            if self.total > self.errors.len() {
                ui.label(format!("… and {} more (see Problems)", self.total - self.errors.len()));
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save anyway").clicked() {
                    reply = Reply::Run(Command::SaveAnyway);
                }
                if ui.button("Cancel").clicked() {
                    reply = Reply::Close;
                }
            });
        });
        reply
    }
}
