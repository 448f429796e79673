//! Each dialog alone, in a small kittest harness: drawn from what it is given, answering with
//! the command its buttons stand for, never touching the app.

use std::path::PathBuf;

use crosscheck::model::Kind;
use crosscheck::model::edit::Target;
use crosscheck::ui::dialogs::{
    DeleteDialog, Dialog, ErrorDialog, PathDialog, PathMode, RenameDialog, Reply, UnsavedDialog,
};
use crosscheck::ui::plot::Export;
use crosscheck::ui::{Command, Pending};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// A harness showing `dialog` every frame and keeping its last reply.
fn harness<D: Dialog + 'static>(dialog: D) -> Harness<'static, (D, Vec<Reply>)> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(800.0, 600.0))
        .build_ui_state(
            |ui, (dialog, replies): &mut (D, Vec<Reply>)| {
                let reply = dialog.show(ui.ctx());
                if reply != Reply::Stay {
                    replies.push(reply);
                }
            },
            (dialog, Vec::new()),
        );
    h.run();
    h
}

/// Clicks `label` and returns the reply it gave.
fn click<D: Dialog + 'static>(h: &mut Harness<'static, (D, Vec<Reply>)>, label: &str) -> Reply {
    h.get_by_label(label).click();
    h.run();
    let replies = &h.state().1;
    assert_eq!(replies.len(), 1, "one answer to one click: {replies:?}");
    replies[0].clone()
}

#[test]
fn unsaved_changes_answers_save_then_discard_then_or_cancel() {
    let pending = Pending::Open(PathBuf::from("/data/other"));
    let dialog = || UnsavedDialog {
        pending: pending.clone(),
    };
    let mut h = harness(dialog());
    h.get_by_label("Save your changes?");
    h.get_by_label("This dataset has unsaved changes. Save them before opening /data/other?");
    assert_eq!(
        click(&mut h, "Save"),
        Reply::Run(Command::SaveThen(pending.clone()))
    );
    let mut h = harness(dialog());
    assert_eq!(
        click(&mut h, "Discard"),
        Reply::Run(Command::DiscardThen(pending.clone()))
    );
    let mut h = harness(dialog());
    assert_eq!(click(&mut h, "Cancel"), Reply::Close);
}

#[test]
fn a_rename_says_how_many_references_change() {
    let target = Target {
        kind: Kind::Actor,
        index: 2,
    };
    let dialog = || RenameDialog {
        target,
        old_id: "ua-zelensky".into(),
        new_id: "zelensky-v".into(),
        references: 5,
        records: 4,
    };
    let mut h = harness(dialog());
    h.get_by_label("Rename actor “ua-zelensky”?");
    h.get_by_label_contains("5 reference(s) to it in 4 other record(s) change with it");
    assert_eq!(
        click(&mut h, "Rename"),
        Reply::Run(Command::RenameConfirmed {
            target,
            new_id: "zelensky-v".into()
        })
    );
    let mut h = harness(dialog());
    assert_eq!(click(&mut h, "Cancel"), Reply::Close);
}

#[test]
fn deleting_a_referenced_record_lists_who_refers_to_it() {
    let target = Target {
        kind: Kind::Actor,
        index: 3,
    };
    let dialog = || DeleteDialog {
        target,
        name: "zelensky".into(),
        refs: vec![
            (Kind::Claim, "zelensky-2024-12-23-killed-or-wounded".into()),
            (Kind::Event, "kursk-battle".into()),
        ],
    };
    let mut h = harness(dialog());
    h.get_by_label("Delete actor “zelensky”?");
    h.get_by_label("2 record(s) refer to it and would point at nothing:");
    h.get_by_label("• event kursk-battle");
    assert_eq!(
        click(&mut h, "Delete anyway"),
        Reply::Run(Command::DeleteConfirmed(target))
    );
    let mut h = harness(dialog());
    assert_eq!(click(&mut h, "Cancel"), Reply::Close);
}

#[test]
fn a_typed_path_answers_with_the_command_of_its_mode() {
    for (mode, expected) in [
        (PathMode::Open, Command::Open(PathBuf::from("/tmp/ds"))),
        (PathMode::New, Command::Create(PathBuf::from("/tmp/ds"))),
        (
            PathMode::Export(Export::Csv),
            Command::Export(Export::Csv, PathBuf::from("/tmp/ds")),
        ),
        (
            PathMode::Import,
            Command::Import(PathBuf::from("/tmp/ds"), None),
        ),
    ] {
        let mut h = harness(PathDialog {
            mode,
            text: String::new(),
            note: "No folder dialog is available here: type the folder's path.".into(),
        });
        h.get_by_role(Role::TextInput).focus();
        h.run();
        h.get_by_role(Role::TextInput).type_text("  /tmp/ds ");
        h.run();
        let go = match mode {
            PathMode::Open => "Open",
            PathMode::New => "Create",
            PathMode::Export(_) => "Save",
            PathMode::Import => "Read",
        };
        assert_eq!(click(&mut h, go), Reply::Run(expected));
    }
    // Nothing typed: nothing to do.
    let mut h = harness(PathDialog {
        mode: PathMode::Open,
        text: String::new(),
        note: String::new(),
    });
    assert_eq!(click(&mut h, "Open"), Reply::Close);
}

#[test]
fn an_error_shows_its_message_until_ok() {
    let mut h = harness(ErrorDialog {
        message: "Could not save.\n\nclaims/2024.ron: Access is denied".into(),
    });
    h.get_by_label("Something went wrong");
    h.run();
    assert!(h.state().1.is_empty(), "stays until answered");
    assert_eq!(click(&mut h, "OK"), Reply::Close);
}
