//! The menu bar (File, Edit, View, Help) and the keyboard shortcuts it shows. Shortcuts are
//! consumed at the start of a frame, before any text field can take them, so Ctrl+Z always
//! undoes a change to the document.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers, Ui};

use super::Command;
use crate::model::Kind;
use crate::model::edit::Target;

pub const SAVE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::S);
pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::O);
pub const UNDO: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
pub const REDO: KeyboardShortcut =
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
pub const REDO_Y: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
pub const NEW_CLAIM: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::N);
pub const DUPLICATE: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::D);
pub const FIND: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::F);
pub const QUIT: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::Q);

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
    pub show_shortcuts: &'a mut bool,
    pub show_about: &'a mut bool,
}

/// Takes the shortcuts out of this frame's input and turns them into commands. Returns true
/// when Ctrl+F asked for the search field.
pub fn consume_shortcuts(
    ctx: &egui::Context,
    selected: Option<Target>,
    out: &mut Vec<Command>,
) -> bool {
    let mut find = false;
    ctx.input_mut(|i| {
        if i.consume_shortcut(&SAVE) {
            out.push(Command::Save);
        }
        if i.consume_shortcut(&OPEN) {
            out.push(Command::OpenDialog);
        }
        // Redo first: Ctrl+Shift+Z also matches Ctrl+Z.
        if i.consume_shortcut(&REDO) || i.consume_shortcut(&REDO_Y) {
            out.push(Command::Redo);
        }
        if i.consume_shortcut(&UNDO) {
            out.push(Command::Undo);
        }
        if i.consume_shortcut(&NEW_CLAIM) {
            out.push(Command::NewRecord(Kind::Claim));
        }
        if i.consume_shortcut(&DUPLICATE)
            && let Some(t) = selected
        {
            out.push(Command::Duplicate(t));
        }
        if i.consume_shortcut(&QUIT) {
            out.push(Command::Quit);
        }
        find = i.consume_shortcut(&FIND);
    });
    find
}

fn item(ui: &mut Ui, text: &str, shortcut: Option<&KeyboardShortcut>, enabled: bool) -> bool {
    let mut b = egui::Button::new(text);
    if let Some(s) = shortcut {
        b = b.shortcut_text(ui.ctx().format_shortcut(s));
    }
    ui.add_enabled(enabled, b).clicked()
}

/// Draws the menu bar.
pub fn show(ui: &mut Ui, m: MenuState<'_>, out: &mut Vec<Command>) {
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            if item(ui, "New dataset…", None, true) {
                out.push(Command::NewDialog);
            }
            if item(ui, "Open dataset…", Some(&OPEN), true) {
                out.push(Command::OpenDialog);
            }
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
            if item(ui, "Save", Some(&SAVE), true) {
                out.push(Command::Save);
            }
            ui.separator();
            if item(ui, "Quit", Some(&QUIT), true) {
                out.push(Command::Quit);
            }
        });
        ui.menu_button("Edit", |ui| {
            if item(ui, "Undo", Some(&UNDO), m.can_undo) {
                out.push(Command::Undo);
            }
            if item(ui, "Redo", Some(&REDO), m.can_redo) {
                out.push(Command::Redo);
            }
            ui.separator();
            if item(ui, "New claim", Some(&NEW_CLAIM), true) {
                out.push(Command::NewRecord(Kind::Claim));
            }
            for kind in [Kind::Event, Kind::Source, Kind::Actor] {
                if item(ui, &format!("New {}", kind.noun()), None, true) {
                    out.push(Command::NewRecord(kind));
                }
            }
            ui.separator();
            if item(ui, "Duplicate", Some(&DUPLICATE), m.selected.is_some())
                && let Some(t) = m.selected
            {
                out.push(Command::Duplicate(t));
            }
            if item(ui, "Delete…", None, m.selected.is_some())
                && let Some(t) = m.selected
            {
                out.push(Command::Delete(t));
            }
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
            if ui.button("Keyboard shortcuts").clicked() {
                *m.show_shortcuts = true;
            }
            if ui.button("About Crosscheck").clicked() {
                *m.show_about = true;
            }
        });
    });
}

/// The shortcuts, for the Help window.
pub fn shortcut_list(ctx: &egui::Context) -> Vec<(String, &'static str)> {
    [
        (&SAVE, "Save"),
        (&OPEN, "Open a dataset"),
        (&UNDO, "Undo"),
        (&REDO, "Redo"),
        (&REDO_Y, "Redo"),
        (&NEW_CLAIM, "New claim"),
        (&DUPLICATE, "Duplicate the selected record"),
        (&FIND, "Search (focus the filter)"),
        (&QUIT, "Quit"),
    ]
    .into_iter()
    .map(|(s, what)| (ctx.format_shortcut(s), what))
    .collect()
}
