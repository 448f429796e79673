//! The dialogs of the window, one type and one file each. A dialog is drawn from what it was
//! given and answers with a [`Reply`]: stay open, close, or close and run a [`Command`]. It
//! never changes the document or the app itself, so each can be tried alone in a small
//! harness (egui's `modals.rs`, Rerun's modals).

mod about;
mod comments;
mod delete;
mod error;
mod import;
mod new_linked;
mod opening;
mod path;
mod recover;
mod rename;
mod resolve;
mod save_errors;
mod shortcuts;
mod unsaved;

pub use about::about_window;
pub use comments::CommentsDialog;
pub use delete::DeleteDialog;
pub use error::ErrorDialog;
pub use import::{ImportDialog, ImportProgress, ImportStatus};
pub use new_linked::NewLinkedDialog;
pub use opening::{OpeningDialog, OpeningStatus};
pub use path::{PathDialog, PathMode};
pub use recover::RecoverDialog;
pub use rename::RenameDialog;
pub use resolve::ResolveDialog;
pub use save_errors::SaveErrorsDialog;
pub use shortcuts::shortcuts_window;
pub use unsaved::UnsavedDialog;

use super::Command;

/// A dialog's answer to one frame.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum Reply {
    /// Still waiting for the user.
    Stay,
    /// Closed without asking for anything (Cancel, OK).
    Close,
    /// Closed, asking for this.
    Run(Command),
}

/// A modal dialog: drawn every frame while it is open.
pub trait Dialog {
    fn show(&mut self, ctx: &egui::Context) -> Reply;
}

/// The dialogs that can be open, each at most once.
#[derive(Default)]
pub struct Dialogs {
    /// A record others refer to, and who refers to it.
    pub delete: Option<DeleteDialog>,
    /// Unsaved changes and what waits for an answer (Save / Discard / Cancel).
    pub unsaved: Option<UnsavedDialog>,
    /// A path typed where no native dialog is available.
    pub path: Option<PathDialog>,
    pub error: Option<ErrorDialog>,
    /// A rename that changes references, waiting for a yes.
    pub rename: Option<RenameDialog>,
    /// A merge conflict being resolved field by field.
    pub resolve: Option<ResolveDialog>,
    /// Unsaved changes a crash left in the recovery journal.
    pub recover: Option<RecoverDialog>,
    /// A save that would drop comments.
    pub comments: Option<CommentsDialog>,
    /// A save while the checks find errors.
    pub save_errors: Option<SaveErrorsDialog>,
    /// The small form of a record made from a picker.
    pub new_linked: Option<NewLinkedDialog>,
    /// What an import would do, waiting for a yes.
    pub import: Option<ImportDialog>,
    pub shortcuts: bool,
    pub about: bool,
}

impl Dialogs {
    /// Whether a modal dialog is open (the window's shortcuts then wait: Ctrl+N behind
    /// "Restore unsaved changes?" would add a claim nobody sees).
    pub fn modal_open(&self) -> bool {
        self.delete.is_some()
            || self.unsaved.is_some()
            || self.path.is_some()
            || self.error.is_some()
            || self.rename.is_some()
            || self.resolve.is_some()
            || self.recover.is_some()
            || self.comments.is_some()
            || self.save_errors.is_some()
            || self.import.is_some()
            || self.new_linked.is_some()
    }

    /// Shows an error.
    pub fn error(&mut self, message: impl Into<String>) {
        self.error = Some(ErrorDialog {
            message: message.into(),
        });
    }

    /// Draws every open dialog and collects what they ask for.
    pub fn show(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) {
        answer(&mut self.delete, ctx, out);
        answer(&mut self.unsaved, ctx, out);
        answer(&mut self.path, ctx, out);
        answer(&mut self.rename, ctx, out);
        answer(&mut self.resolve, ctx, out);
        answer(&mut self.recover, ctx, out);
        answer(&mut self.comments, ctx, out);
        answer(&mut self.save_errors, ctx, out);
        answer(&mut self.import, ctx, out);
        answer(&mut self.new_linked, ctx, out);
        answer(&mut self.error, ctx, out);
        if self.shortcuts {
            self.shortcuts = shortcuts_window(ctx);
        }
        if self.about {
            self.about = about_window(ctx);
        }
    }
}

/// Draws the dialog in `slot`, if any, and closes it when it answers.
fn answer<D: Dialog>(slot: &mut Option<D>, ctx: &egui::Context, out: &mut Vec<Command>) {
    let Some(dialog) = slot else { return };
    match dialog.show(ctx) {
        Reply::Stay => {}
        Reply::Close => *slot = None,
        Reply::Run(c) => {
            *slot = None;
            out.push(c);
        }
    }
}
