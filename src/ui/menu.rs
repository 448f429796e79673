//! The menu bar (File, Edit, View, Help), built from the [`Action`]s with their labels,
//! tooltips and shortcuts, and the list the shortcuts window shows.

use std::path::PathBuf;

use egui::Ui;

use super::Command;
use super::actions::Action;
use crate::model::edit::Target;

/// Light, dark, or as the system says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum ThemeChoice {
    #[default]
    System,
    Light,
    Dark,
}

/// What the menus show and toggle.
pub struct MenuState<'a> {
    pub can_undo: bool,
    pub can_redo: bool,
    pub recent: &'a [PathBuf],
    pub selected: Option<Target>,
    pub show_lists: &'a mut bool,
    pub show_editor: &'a mut bool,
    pub theme: &'a mut ThemeChoice,
}

/// A menu entry for `action`, with its shortcut; pushes its command when clicked.
fn item(ui: &mut Ui, action: Action, m: &MenuState<'_>, out: &mut Vec<Command>) {
    let enabled = match action {
        Action::Undo => m.can_undo,
        Action::Redo => m.can_redo,
        a => !a.needs_selection() || m.selected.is_some(),
    };
    let mut b = egui::Button::new(action.label());
    if let Some(keys) = action.shortcut_text(ui.ctx()) {
        b = b.shortcut_text(keys);
    }
    if ui
        .add_enabled(enabled, b)
        .on_hover_text(action.tooltip())
        .clicked()
        && let Some(c) = action.command(m.selected)
    {
        out.push(c);
    }
}

/// Draws the menu bar.
pub fn show(ui: &mut Ui, m: MenuState<'_>, out: &mut Vec<Command>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            item(ui, Action::NewDataset, &m, out);
            item(ui, Action::Open, &m, out);
            ui.menu_button("Open recent", |ui| {
                if m.recent.is_empty() {
                    ui.label("(none yet)");
                }
                for p in m.recent {
                    if ui.button(p.display().to_string()).clicked() {
                        out.push(Command::Open(p.clone()));
                    }
                }
            });
            ui.separator();
            item(ui, Action::Import, &m, out);
            ui.separator();
            item(ui, Action::Save, &m, out);
            ui.separator();
            item(ui, Action::Quit, &m, out);
        });
        ui.menu_button("Edit", |ui| {
            item(ui, Action::Undo, &m, out);
            item(ui, Action::Redo, &m, out);
            ui.separator();
            for a in [
                Action::NewClaim,
                Action::NewEvent,
                Action::NewSource,
                Action::NewActor,
            ] {
                item(ui, a, &m, out);
            }
            ui.separator();
            item(ui, Action::Duplicate, &m, out);
            item(ui, Action::Delete, &m, out);
        });
        ui.menu_button("View", |ui| {
            ui.checkbox(m.show_lists, "Lists panel");
            ui.checkbox(m.show_editor, "Editor panel");
            ui.separator();
            ui.radio_value(m.theme, ThemeChoice::System, "Follow the system theme");
            ui.radio_value(m.theme, ThemeChoice::Light, "Light theme");
            ui.radio_value(m.theme, ThemeChoice::Dark, "Dark theme");
        });
        ui.menu_button("Help", |ui| {
            item(ui, Action::Shortcuts, &m, out);
            item(ui, Action::About, &m, out);
        });
    });
}

/// Every shortcut with what it does, for the shortcuts window.
pub fn shortcut_list(ctx: &egui::Context) -> Vec<(String, &'static str)> {
    Action::ALL
        .iter()
        .flat_map(|a| {
            a.shortcuts()
                .iter()
                .map(move |s| (ctx.format_shortcut(s), a.tooltip()))
        })
        .collect()
}
