//! Importing a CSV file: the progress while it is read (with Cancel), then the preview of what
//! the import adds, updates and leaves alone, the problems row by row, and the choice to
//! import, import only the good rows, read the file as another format, or cancel.

use std::path::PathBuf;

use super::{Dialog, Reply};
use crate::import::Format;
use crate::ui::Command;

/// How far reading the file has got.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportStatus {
    pub path: PathBuf,
    /// 0 to 1.
    pub fraction: f32,
}

/// The progress window (drawn from the import's status, not kept).
pub struct ImportProgress;

impl ImportProgress {
    /// Draws the progress; returns the command when Cancel was pressed.
    pub fn show(ctx: &egui::Context, s: &ImportStatus) -> Option<Command> {
        let mut cancel = None;
        egui::Modal::new(egui::Id::unique("import-progress")).show(ctx, |ui| {
            ui.set_width(440.0);
            ui.heading("Reading the file to import");
            ui.label(s.path.display().to_string());
            ui.add(
                egui::ProgressBar::new(s.fraction)
                    .text(format!("{:.0} % read", s.fraction * 100.0)),
            );
            if ui
                .button("Cancel")
                .on_hover_text("Stop reading; nothing is imported")
                .clicked()
            {
                cancel = Some(Command::CancelImport);
            }
        });
        cancel
    }
}

/// What the import would do, shown before it is done.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportDialog {
    pub path: PathBuf,
    pub format: Format,
    /// The report: what is added, updated, left alone, created, missing.
    pub summary: Vec<String>,
    /// `file.csv:LINE:COL: error: ...`, in file order.
    pub problems: Vec<String>,
    /// Rows left out because of errors.
    pub rows_left_out: usize,
    /// Whether there is anything to import.
    pub has_changes: bool,
}

impl Dialog for ImportDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        let modal = egui::Modal::new(egui::Id::unique("import-preview")).show(ctx, |ui| {
            let width = (ctx.content_rect().width() - 80.0).clamp(320.0, 720.0);
            ui.set_width(width);
            ui.heading("Import");
            ui.horizontal_wrapped(|ui| {
                ui.label(self.path.display().to_string());
            });
            ui.horizontal(|ui| {
                let label = ui.label("Read as");
                let mut format = self.format;
                egui::ComboBox::from_id_salt("import-format")
                    .selected_text(format.label())
                    .show_ui(ui, |ui| {
                        for f in Format::ALL {
                            ui.selectable_value(&mut format, f, f.label());
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if format != self.format {
                    reply = Reply::Run(Command::Import(self.path.clone(), Some(format)));
                }
            });
            ui.separator();
            for line in &self.summary {
                ui.label(line);
            }
            if !self.problems.is_empty() {
                ui.separator();
                let heading = if self.rows_left_out > 0 {
                    format!(
                        "{} row(s) cannot be imported as they are:",
                        self.rows_left_out
                    )
                } else {
                    "Worth knowing:".to_string()
                };
                ui.label(egui::RichText::new(heading).strong());
                let max = (ctx.content_rect().height() * 0.35).max(80.0);
                egui::ScrollArea::vertical()
                    .max_height(max)
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        for p in self.problems.iter().take(500) {
                            ui.label(egui::RichText::new(p).monospace());
                        }
                        if self.problems.len() > 500 {
                            ui.label(format!(
                                "… and {} more (crosscheck import --dry-run lists them all)",
                                self.problems.len() - 500
                            ));
                        }
                    });
            }
            ui.separator();
            ui.horizontal(|ui| {
                let undo = "One step: Undo takes it all back; Save writes it";
                if self.rows_left_out == 0 {
                    if ui
                        .add_enabled(self.has_changes, egui::Button::new("Import"))
                        .on_hover_text(undo)
                        .clicked()
                    {
                        reply = Reply::Run(Command::ApplyImport);
                    }
                } else if ui
                    .add_enabled(self.has_changes, egui::Button::new("Import the other rows"))
                    .on_hover_text(format!(
                        "Leave out the {} row(s) with errors. {undo}",
                        self.rows_left_out
                    ))
                    .clicked()
                {
                    reply = Reply::Run(Command::ApplyImport);
                }
                if ui
                    .button("Cancel")
                    .on_hover_text("Import nothing")
                    .clicked()
                {
                    reply = Reply::Run(Command::CancelImport);
                }
            });
        });
        if modal.should_close() && reply == Reply::Stay {
            reply = Reply::Run(Command::CancelImport);
        }
        reply
    }
}
