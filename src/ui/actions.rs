//! The things a user can ask for from a menu, a button or the keyboard, each with its label,
//! its tooltip and its shortcuts written once. The menus, the shortcuts window, tooltips and
//! the keyboard handling all read them from here, so a shortcut a tooltip names is the one
//! that works.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::Command;
use crate::model::Kind;
use crate::model::edit::Target;

/// Something the user can ask for by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    NewDataset,
    Open,
    Import,
    Save,
    Quit,
    Undo,
    Redo,
    NewClaim,
    NewEvent,
    NewSource,
    NewActor,
    Duplicate,
    Delete,
    Find,
    Shortcuts,
    About,
}

const fn cmd(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

impl Action {
    pub const ALL: [Action; 16] = [
        Action::NewDataset,
        Action::Open,
        Action::Import,
        Action::Save,
        Action::Quit,
        Action::Undo,
        Action::Redo,
        Action::NewClaim,
        Action::NewEvent,
        Action::NewSource,
        Action::NewActor,
        Action::Duplicate,
        Action::Delete,
        Action::Find,
        Action::Shortcuts,
        Action::About,
    ];

    /// The name in menus and on buttons.
    pub fn label(self) -> &'static str {
        match self {
            Action::NewDataset => "New dataset…",
            Action::Open => "Open dataset…",
            Action::Import => "Import…",
            Action::Save => "Save",
            Action::Quit => "Quit",
            Action::Undo => "Undo",
            Action::Redo => "Redo",
            Action::NewClaim => "New claim",
            Action::NewEvent => "New event",
            Action::NewSource => "New source",
            Action::NewActor => "New actor",
            Action::Duplicate => "Duplicate",
            Action::Delete => "Delete…",
            Action::Find => "Search",
            Action::Shortcuts => "Keyboard shortcuts",
            Action::About => "About Crosscheck",
        }
    }

    /// What it does, in a sentence (tooltips and the shortcuts window).
    pub fn tooltip(self) -> &'static str {
        match self {
            Action::NewDataset => "Create a dataset in an empty folder",
            Action::Open => "Open a dataset",
            Action::Import => {
                "Add the events and claims of an ACLED or UCDP GED export, or of a sheet of claims (CSV)"
            }
            Action::Save => "Save every change to the dataset's files",
            Action::Quit => "Quit (asks first when there are unsaved changes)",
            Action::Undo => "Undo the last change",
            Action::Redo => "Redo the last undone change",
            Action::NewClaim => "Add a claim",
            Action::NewEvent => "Add an event",
            Action::NewSource => "Add a source",
            Action::NewActor => "Add an actor",
            Action::Duplicate => "Copy this record under a new id",
            Action::Delete => "Delete this record",
            Action::Find => "Search (focus the filter)",
            Action::Shortcuts => "List the keyboard shortcuts",
            Action::About => "Version and licences",
        }
    }

    /// The keys that ask for it; the first is the one menus and tooltips show.
    pub fn shortcuts(self) -> &'static [KeyboardShortcut] {
        const SAVE: [KeyboardShortcut; 1] = [cmd(Key::S)];
        const OPEN: [KeyboardShortcut; 1] = [cmd(Key::O)];
        const QUIT: [KeyboardShortcut; 1] = [cmd(Key::Q)];
        const UNDO: [KeyboardShortcut; 1] = [cmd(Key::Z)];
        const REDO: [KeyboardShortcut; 2] = [
            KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z),
            cmd(Key::Y),
        ];
        const NEW_CLAIM: [KeyboardShortcut; 1] = [cmd(Key::N)];
        const DUPLICATE: [KeyboardShortcut; 1] = [cmd(Key::D)];
        const DELETE: [KeyboardShortcut; 1] = [KeyboardShortcut::new(Modifiers::NONE, Key::Delete)];
        const FIND: [KeyboardShortcut; 1] = [cmd(Key::F)];
        match self {
            Action::Save => &SAVE,
            Action::Open => &OPEN,
            Action::Quit => &QUIT,
            Action::Undo => &UNDO,
            Action::Redo => &REDO,
            Action::NewClaim => &NEW_CLAIM,
            Action::Duplicate => &DUPLICATE,
            Action::Delete => &DELETE,
            Action::Find => &FIND,
            Action::NewDataset
            | Action::Import
            | Action::NewEvent
            | Action::NewSource
            | Action::NewActor
            | Action::Shortcuts
            | Action::About => &[],
        }
    }

    /// Whether its shortcut only counts while no text field has the keyboard (Delete would
    /// otherwise delete the record instead of a character).
    pub fn only_outside_text(self) -> bool {
        self == Action::Delete
    }

    /// Whether it applies to the selected record (and so needs one).
    pub fn needs_selection(self) -> bool {
        matches!(self, Action::Duplicate | Action::Delete)
    }

    /// The shortcut as this platform writes it (`Ctrl+S`, `⌘S`), if it has one.
    pub fn shortcut_text(self, ctx: &egui::Context) -> Option<String> {
        self.shortcuts().first().map(|s| ctx.format_shortcut(s))
    }

    /// The tooltip with the shortcut: "Copy this record under a new id (Ctrl+D)".
    pub fn hint(self, ctx: &egui::Context) -> String {
        match self.shortcut_text(ctx) {
            Some(keys) => format!("{} ({keys})", self.tooltip()),
            None => self.tooltip().to_string(),
        }
    }

    /// The command it stands for, given the selected record.
    pub fn command(self, selected: Option<Target>) -> Option<Command> {
        Some(match self {
            Action::NewDataset => Command::NewDialog,
            Action::Open => Command::OpenDialog,
            Action::Import => Command::ImportDialog,
            Action::Save => Command::Save,
            Action::Quit => Command::Quit,
            Action::Undo => Command::Undo,
            Action::Redo => Command::Redo,
            Action::NewClaim => Command::NewRecord(Kind::Claim),
            Action::NewEvent => Command::NewRecord(Kind::Event),
            Action::NewSource => Command::NewRecord(Kind::Source),
            Action::NewActor => Command::NewRecord(Kind::Actor),
            Action::Duplicate => Command::Duplicate(selected?),
            Action::Delete => Command::Delete(selected?),
            Action::Find => Command::FocusSearch,
            Action::Shortcuts => Command::ShowShortcuts,
            Action::About => Command::ShowAbout,
        })
    }
}

/// Takes this frame's shortcuts out of the input, before any text field can take them (so
/// Ctrl+Z always undoes a change to the document), and turns them into commands.
pub fn consume_shortcuts(ctx: &egui::Context, selected: Option<Target>, out: &mut Vec<Command>) {
    let typing = ctx.egui_wants_keyboard_input();
    // Redo before Undo: Ctrl+Shift+Z also matches Ctrl+Z.
    let mut order = Action::ALL;
    order.sort_by_key(|a| *a != Action::Redo);
    ctx.input_mut(|i| {
        for action in order {
            if action.only_outside_text() && typing {
                continue;
            }
            let pressed = action
                .shortcuts()
                .iter()
                .fold(false, |hit, s| hit | i.consume_shortcut(s));
            if pressed && let Some(c) = action.command(selected) {
                out.push(c);
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs one frame with `key` pressed and returns the commands the shortcuts gave.
    fn press(key: Key, modifiers: Modifiers, selected: Option<Target>) -> Vec<Command> {
        let ctx = egui::Context::default();
        let mut input = egui::RawInput::default();
        input.events.push(egui::Event::Key {
            key,
            physical_key: None,
            pressed: true,
            repeat: false,
            modifiers,
        });
        let mut out = Vec::new();
        let mut output = ctx.run_ui(input, |ui| consume_shortcuts(ui.ctx(), selected, &mut out));
        output.textures_delta.clear();
        out
    }

    #[test]
    fn every_shortcut_gives_its_actions_command() {
        let selected = Some(Target {
            kind: Kind::Claim,
            index: 0,
        });
        for action in Action::ALL {
            for s in action.shortcuts() {
                let got = press(s.logical_key, s.modifiers, selected);
                assert_eq!(
                    got,
                    vec![action.command(selected).expect("a command")],
                    "{action:?} by {s:?}"
                );
            }
        }
    }

    #[test]
    fn undo_is_not_taken_for_redo() {
        let got = press(Key::Z, Modifiers::COMMAND, None);
        assert_eq!(got, vec![Command::Undo]);
    }

    #[test]
    fn shortcuts_on_the_selection_need_one() {
        assert!(press(Key::D, Modifiers::COMMAND, None).is_empty());
        assert!(press(Key::Delete, Modifiers::NONE, None).is_empty());
    }

    #[test]
    fn no_two_actions_share_a_shortcut() {
        let all: Vec<_> = Action::ALL
            .iter()
            .flat_map(|a| a.shortcuts().iter().map(move |s| (*a, *s)))
            .collect();
        for (i, (a, s)) in all.iter().enumerate() {
            for (b, t) in &all[i + 1..] {
                assert!(s != t, "{a:?} and {b:?} share {s:?}");
            }
        }
    }
}
