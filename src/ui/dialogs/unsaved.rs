//! "Save your changes?" — asked before closing, opening another dataset or reloading while
//! there are unsaved changes: Save, Discard or Cancel.

use super::{Dialog, Reply};
use crate::ui::{Command, Pending};

/// Unsaved changes, and what waits for the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct UnsavedDialog {
    pub pending: Pending,
}

impl Dialog for UnsavedDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        egui::Modal::new(egui::Id::unique("unsaved-changes")).show(ctx, |ui| {
            ui.set_max_width(440.0);
            ui.heading("Save your changes?");
            let what = match &self.pending {
                Pending::Close => "before closing".to_string(),
                Pending::Open(p) | Pending::Create(p) => format!("before opening {}", p.display()),
            };
            ui.label(format!(
                "This dataset has unsaved changes. Save them {what}?"
            ));
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save").clicked() {
                    reply = Reply::Run(Command::SaveThen(self.pending.clone()));
                }
                if ui.button("Discard").clicked() {
                    reply = Reply::Run(Command::DiscardThen(self.pending.clone()));
                }
                if ui.button("Cancel").clicked() {
                    reply = Reply::Close;
                }
            });
        });
        reply
    }
}
