//! The merge conflicts banner: every record a git merge left in two versions, with what the
//! two sides disagree on and a way to resolve each — keep ours, take theirs, or choose field
//! by field. Shown like the broken-files banner, above the panels, until none is left.

use egui::{Color32, RichText, Ui};

use super::{Command, Resolution, Side};
use crate::model::merge::RecordConflict;

/// Draws the banner when there are conflicts.
pub fn banner(ui: &mut Ui, conflicts: &[RecordConflict], out: &mut Vec<Command>) {
    if conflicts.is_empty() {
        return;
    }
    let fill = Color32::from_rgb(0x6b, 0x3a, 0x00);
    egui::Panel::top("merge-conflicts")
        .frame(egui::Frame::new().fill(fill).inner_margin(8.0))
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!(
                    "{} merge conflict(s): the two sides of a git merge changed these records differently. Choose for each; Save then writes the files without the conflict markers.",
                    conflicts.len()
                ))
                .color(Color32::WHITE)
                .strong(),
            );
            egui::ScrollArea::vertical()
                .id_salt("merge-conflicts")
                .max_height(140.0)
                .show(ui, |ui| {
                    for (index, c) in conflicts.iter().enumerate() {
                        ui.push_id(index, |ui| row(ui, index, c, out));
                    }
                });
        });
}

fn row(ui: &mut Ui, index: usize, c: &RecordConflict, out: &mut Vec<Command>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(
            RichText::new(format!("{} {}: {}", c.kind.noun(), c.id, c.summary()))
                .color(Color32::WHITE),
        );
        let keep = if c.ours.is_some() {
            "Keep ours"
        } else {
            "Keep it deleted (ours)"
        };
        let take = if c.theirs.is_some() {
            "Take theirs"
        } else {
            "Delete it (theirs)"
        };
        if ui
            .button(keep)
            .on_hover_text("Resolve with the version of the branch you merged into")
            .clicked()
        {
            out.push(Command::Resolve {
                index,
                resolution: Resolution::All(Side::Ours),
            });
        }
        if ui
            .button(take)
            .on_hover_text("Resolve with the version of the branch you merged")
            .clicked()
        {
            out.push(Command::Resolve {
                index,
                resolution: Resolution::All(Side::Theirs),
            });
        }
        if c.ours.is_some()
            && c.theirs.is_some()
            && ui
                .button("Field by field…")
                .on_hover_text("Choose ours or theirs for each field the two sides changed")
                .clicked()
        {
            out.push(Command::ResolveByField(index));
        }
    });
}

/// The offer to set git up for record-by-record merges, for a dataset in a git repository
/// that does not use the driver yet. Dismissible; shown once per dataset.
pub fn git_offer(ui: &mut Ui, out: &mut Vec<Command>) {
    egui::Panel::top("git-offer")
        .frame(
            egui::Frame::new()
                .fill(ui.visuals().faint_bg_color)
                .inner_margin(6.0),
        )
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    "This dataset is in a git repository. Set git up to merge it record by record, so that teammates' edits of different records never conflict?",
                );
                if ui
                    .button("Set up merging")
                    .on_hover_text("Writes .gitattributes and .gitignore here and registers `crosscheck merge` in this clone's git config (as `crosscheck git-setup` does)")
                    .clicked()
                {
                    out.push(Command::SetUpGit);
                }
                if ui.button("Not now").clicked() {
                    out.push(Command::DismissGitOffer);
                }
            });
        });
}
