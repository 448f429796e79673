//! The small form of a record made from a picker ("+ New actor…", "+ New source…"): the
//! typed text as its name and the few fields that matter at once (an actor's kind and
//! country; a source's outlet, date and address). Enter in any field creates it; the rest is
//! edited later in the record's own list.

use super::{Dialog, Reply};
use crate::model::PartialDate;
use crate::model::defaults::NewDetails;
use crate::model::edit::Target;
use crate::ui::Command;
use crate::ui::editor::ACTOR_KINDS;

/// A record to create and point a field of `target` at.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLinkedDialog {
    pub target: Target,
    pub field: &'static str,
    pub slot: usize,
    pub details: NewDetails,
    /// The first frame puts the keyboard in the name field.
    pub opened: bool,
}

impl NewLinkedDialog {
    pub fn new(target: Target, field: &'static str, slot: usize, details: NewDetails) -> Self {
        NewLinkedDialog {
            target,
            field,
            slot,
            details,
            opened: false,
        }
    }
}

/// A labelled one-line field; returns whether Enter was pressed in it.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, hint: &str, focus: bool) -> bool {
    let l = ui.label(label);
    let r = ui
        .add(
            egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(320.0),
        )
        .labelled_by(l.id);
    if focus {
        r.request_focus();
        // The cursor after the name typed in the picker.
        if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), r.id) {
            let end = egui::text::CCursor::new(text.chars().count());
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::one(end)));
            state.store(ui.ctx(), r.id);
        }
    }
    ui.end_row();
    r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

impl Dialog for NewLinkedDialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply {
        let focus = !std::mem::replace(&mut self.opened, true);
        let mut enter = false;
        let mut create = false;
        let mut cancel = false;
        let mut valid = true;
        let modal = egui::Modal::new(egui::Id::unique("new-linked")).show(ctx, |ui| {
            let noun = self.details.kind().noun();
            ui.heading(format!("New {noun}"));
            egui::Grid::new("new-linked-grid")
                .num_columns(2)
                .spacing([8.0, 6.0])
                .show(ui, |ui| match &mut self.details {
                    NewDetails::Actor {
                        name,
                        kind,
                        country,
                    } => {
                        enter |= field(ui, "Name", name, "as the sources write it", focus);
                        let l = ui.label("Kind");
                        let shown = ACTOR_KINDS
                            .iter()
                            .find(|(k, _)| k == kind)
                            .map_or("other", |(_, n)| *n);
                        egui::ComboBox::from_id_salt("new-actor-kind")
                            .selected_text(shown)
                            .width(320.0)
                            .show_ui(ui, |ui| {
                                for (k, n) in &ACTOR_KINDS {
                                    ui.selectable_value(kind, k.clone(), *n);
                                }
                            })
                            .response
                            .labelled_by(l.id);
                        ui.end_row();
                        enter |= field(ui, "Country", country, "ISO code: UA, RU, KR, KP", false);
                        valid = !name.trim().is_empty();
                    }
                    NewDetails::Source {
                        title,
                        outlet,
                        published,
                        url,
                    } => {
                        enter |= field(ui, "Title", title, "the article's headline", focus);
                        enter |= field(ui, "Outlet", outlet, "Yonhap, Ukrinform, Reuters", false);
                        enter |= field(ui, "Published", published, "2024-12-23, or 2024-12", false);
                        if !published.trim().is_empty()
                            && let Err(e) = PartialDate::parse(published.trim())
                        {
                            ui.label("");
                            ui.colored_label(ui.visuals().error_fg_color, format!("⚠ {e}"));
                            ui.end_row();
                            valid = false;
                        }
                        enter |= field(ui, "URL", url, "https://…", false);
                        valid &= !title.trim().is_empty();
                    }
                });
            ui.horizontal(|ui| {
                create = ui
                    .add_enabled(valid, egui::Button::new(format!("Create {noun}")))
                    .on_hover_text("Create it and choose it (one undo step with the claim)")
                    .clicked();
                cancel = ui.button("Cancel").clicked();
            });
        });
        if (create || enter) && valid {
            return Reply::Run(Command::CreateLinked {
                target: self.target,
                field: self.field,
                slot: self.slot,
                details: self.details.clone(),
            });
        }
        if cancel || modal.should_close() {
            return Reply::Close;
        }
        Reply::Stay
    }
}
