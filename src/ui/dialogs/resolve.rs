//! Resolving one merge conflict field by field: each field the two sides changed
//! differently, both values, and a choice of ours or theirs for each.

use super::{Dialog, Reply};
use crate::model::merge::RecordConflict;
use crate::ui::{Command, Resolution, Side};

/// The conflict, its index in the dataset's list, and the choice so far per field.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolveDialog {
    pub index: usize,
    pub conflict: RecordConflict,
    /// (field name as in the files, side) — one entry per top-level field.
    pub choices: Vec<(String, Side)>,
}

impl ResolveDialog {
    pub fn new(index: usize, conflict: RecordConflict) -> ResolveDialog {
        let mut choices: Vec<(String, Side)> = Vec::new();
        for f in &conflict.fields {
            let top = f.field.split('.').next().unwrap_or_default().to_string();
            if !choices.iter().any(|(n, _)| *n == top) {
                choices.push((top, Side::Ours));
            }
        }
        ResolveDialog {
            index,
            conflict,
            choices,
        }
    }
}

impl Dialog for ResolveDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let mut reply = Reply::Stay;
        let c = &self.conflict;
        egui::Modal::new(egui::Id::unique("resolve-conflict")).show(ctx, |ui| {
            ui.set_max_width(620.0);
            ui.heading(format!("Resolve {} {}", c.kind.noun(), c.id));
            ui.label("The two sides changed these fields differently. Choose a version of each; the fields only one side changed are merged already.");
            ui.add_space(6.0);
            egui::Grid::new("resolve-fields")
                .num_columns(3)
                .striped(true)
                .show(ui, |ui| {
                    for (name, side) in &mut self.choices {
                        let parts: Vec<_> = c
                            .fields
                            .iter()
                            .filter(|f| f.field.split('.').next() == Some(name.as_str()))
                            .collect();
                        let text = |pick: fn(&crate::model::merge::FieldConflict) -> &str| {
                            parts
                                .iter()
                                .map(|f| {
                                    let v = pick(f);
                                    let v = if v.is_empty() { "(not set)" } else { v };
                                    if f.field == *name {
                                        v.to_string()
                                    } else {
                                        format!("{}: {v}", &f.field[name.len() + 1..])
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join("; ")
                        };
                        ui.strong(name.as_str());
                        ui.radio_value(side, Side::Ours, format!("ours: {}", text(|f| &f.ours)));
                        ui.radio_value(
                            side,
                            Side::Theirs,
                            format!("theirs: {}", text(|f| &f.theirs)),
                        );
                        ui.end_row();
                    }
                });
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button("Resolve").clicked() {
                    reply = Reply::Run(Command::Resolve {
                        index: self.index,
                        resolution: Resolution::Fields(self.choices.clone()),
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
