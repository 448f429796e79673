//! "Drop the comments?" — asked when a save would rewrite files that hold comments, which the
//! canonical form does not keep.

use std::path::PathBuf;

use super::{Dialog, Reply};
use crate::ui::Command;

/// The files with comments, and the lines of their comments.
#[derive(Debug, Clone, PartialEq)]
pub struct CommentsDialog {
    pub files: Vec<(PathBuf, Vec<u32>)>,
}

impl Dialog for CommentsDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        egui::Modal::new(egui::Id::unique("drop-comments")).show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.heading("Save without the comments?");
            ui.label("These files have comments written by hand. Crosscheck writes its files in one canonical form, which keeps no comments:");
            for (path, lines) in &self.files {
                let l: Vec<String> = lines.iter().map(u32::to_string).collect();
                ui.monospace(format!("{} (line {})", path.display(), l.join(", ")));
            }
            ui.label("Move what they say into the records' notes (in a text editor), or save now and lose them.");
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Save without the comments").clicked() {
                    reply = Reply::Run(Command::SaveDroppingComments);
                }
                if ui.button("Cancel").clicked() {
                    reply = Reply::Close;
                }
            });
        });
        reply
    }
}
