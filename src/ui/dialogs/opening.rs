//! The progress of a dataset being opened, with Cancel (the open dataset stays).

use std::path::PathBuf;

use crate::ui::Command;

/// How far opening has got.
#[derive(Debug, Clone, PartialEq)]
pub struct OpeningStatus {
    pub path: PathBuf,
    /// 0 to 1.
    pub fraction: f32,
    pub done_bytes: u64,
    pub total_bytes: u64,
}

/// The progress window (not a [`super::Dialog`]: it is drawn from the opening's status, not
/// kept).
pub struct OpeningDialog;

impl OpeningDialog {
    /// Draws the progress; returns the command when Cancel was pressed.
    pub fn show(ctx: &egui::Context, s: &OpeningStatus) -> Option<Command> {
        let mb = |b: u64| b as f64 / 1_048_576.0;
        let mut cancel = None;
        egui::Modal::new(egui::Id::unique("opening")).show(ctx, |ui| {
            ui.set_width(440.0);
            ui.heading("Opening dataset");
            ui.label(s.path.display().to_string());
            ui.add(egui::ProgressBar::new(s.fraction).text(format!(
                "{:.0} of {:.0} MB read",
                mb(s.done_bytes),
                mb(s.total_bytes)
            )));
            if s.fraction >= 1.0 {
                ui.label(egui::RichText::new("Checking and indexing…").weak());
            }
            if ui
                .button("Cancel")
                .on_hover_text("Stop; the open dataset stays")
                .clicked()
            {
                cancel = Some(Command::CancelOpening);
            }
        });
        cancel
    }
}
