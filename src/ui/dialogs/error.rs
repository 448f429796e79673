//! "Something went wrong" — an error the user has to see (a file that could not be written, a
//! dataset that could not be opened), with OK.

use super::{Dialog, Reply};

/// An error message.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorDialog {
    pub message: String,
}

impl Dialog for ErrorDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        egui::Modal::new(egui::Id::unique("error")).show(ctx, |ui| {
            ui.set_max_width(480.0);
            ui.heading("Something went wrong");
            ui.label(&self.message);
            if ui.button("OK").clicked() {
                reply = Reply::Close;
            }
        });
        reply
    }
}
