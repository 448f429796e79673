//! Crash recovery: every unsaved state of the document is journaled (`store::journal`)
//! within about a second of the last edit, written on a task so typing never waits for it;
//! the journal is removed by a clean save or Discard. When a dataset opens with a journal
//! left behind, the user is offered to restore it — through the merge, as one undoable edit.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::store::journal::{self, Journal};
use crate::ui::dialogs::RecoverDialog;

use super::App;
use super::tasks::{Done, TaskKind};

/// How long after an edit the journal is written at the latest.
pub const JOURNAL_DELAY: Duration = Duration::from_millis(1000);

/// The journal of the open document.
#[derive(Default)]
pub(super) struct Recovery {
    /// Where journals are kept (`None`: no journal, as in benchmarks).
    pub dir: Option<PathBuf>,
    /// The document version last journaled, and when.
    journaled: Option<(u64, Instant)>,
    /// A journal file exists for the open dataset (written by us or left by a crash).
    on_disk: bool,
    /// A journal left by a crash, waiting for Restore or Discard.
    pub found: Option<Journal>,
}

impl Recovery {
    pub fn new(dir: Option<PathBuf>) -> Recovery {
        Recovery {
            dir,
            ..Recovery::default()
        }
    }
}

impl App {
    fn journal_path(&self) -> Option<PathBuf> {
        let doc = self.doc.as_ref()?;
        let dir = self.recovery.dir.as_ref()?;
        Some(journal::path_for(dir, doc.store.root()))
    }

    /// After a dataset opened: a journal left by a crash is offered for restoring.
    pub(super) fn look_for_journal(&mut self) {
        self.recovery.journaled = None;
        self.recovery.found = None;
        let Some(path) = self.journal_path() else {
            return;
        };
        self.recovery.on_disk = path.exists();
        let (Some(j), Some(doc)) = (journal::read(&path), &self.doc) else {
            return;
        };
        // What restoring would change, counted on a copy of the store.
        let changes = doc.store.clone().restore(&doc.dataset, &j);
        let records = journal::records_changed(&changes);
        if records == 0 {
            // Nothing it holds differs from the files: it can go.
            self.discard_journal();
            return;
        }
        self.dialogs.recover = Some(RecoverDialog {
            written: j.written.clone(),
            edits: j.edits.max(1),
            records,
        });
        self.recovery.found = Some(j);
    }

    /// Restores the journal found at opening, merged with the files as they are now.
    pub(super) fn restore(&mut self) {
        let Some(j) = self.recovery.found.take() else {
            return;
        };
        self.settle();
        let Some(doc) = &mut self.doc else { return };
        let mut changes = doc.store.restore(&doc.dataset, &j);
        let Some(edit) = changes.edit.take() else {
            return;
        };
        if !self.apply(edit, None) {
            return;
        }
        let mut s = format!(
            "Restored the unsaved changes from {}: {} record(s). Undo takes the restore back.",
            j.written,
            journal::records_changed(&changes)
        );
        if changes.conflicts > 0 {
            s.push_str(&format!(
                " {} record(s) also changed on disk — choose in the banner.",
                changes.conflicts
            ));
        }
        self.status = s;
    }

    /// Forgets the journal (Discard, or a clean save).
    pub(super) fn discard_journal(&mut self) {
        self.recovery.found = None;
        self.recovery.journaled = None;
        // A journal still being written would land after the removal and outlive the save:
        // it is waited for first (a few records, written in milliseconds).
        if let Some(task) = self.tasks.running(TaskKind::Journal)
            && let Some(Done::Journaled(r)) = self.tasks.wait_for(task)
        {
            self.journaled(r);
        }
        if !self.recovery.on_disk {
            return;
        }
        if let Some(path) = self.journal_path() {
            match journal::remove(&path) {
                Ok(()) => self.recovery.on_disk = false,
                Err(e) => {
                    self.status = format!(
                        "The recovery journal {} could not be removed: {e}",
                        path.display()
                    );
                }
            }
        }
    }

    /// Keeps the journal in step with the document: written (on a task) once edits pause or
    /// at least every [`JOURNAL_DELAY`], removed when the document is saved.
    pub(super) fn keep_journal(&mut self) {
        let Some(doc) = &self.doc else { return };
        if self.recovery.dir.is_none() || self.recovery.found.is_some() {
            return;
        }
        if !doc.history.is_dirty() {
            if self.recovery.on_disk {
                self.discard_journal();
            }
            return;
        }
        let version = doc.version;
        let due = match self.recovery.journaled {
            Some((v, _)) if v == version => return,
            Some((_, at)) => at.elapsed() >= JOURNAL_DELAY,
            None => true,
        };
        if !due || self.tasks.running(TaskKind::Journal).is_some() {
            self.ctx.request_repaint_after(JOURNAL_DELAY);
            return;
        }
        let Some(path) = self.journal_path() else {
            return;
        };
        let j = doc.store.journal(&doc.dataset, doc.history.unsaved_steps());
        self.recovery.journaled = Some((version, Instant::now()));
        self.recovery.on_disk = true;
        self.tasks.spawn(TaskKind::Journal, move || {
            Done::Journaled(
                journal::write(&path, &j).map_err(|e| format!("{}: {e}", path.display())),
            )
        });
    }

    /// Writes the journal now and waits until it is on disk (for tests and scripts; the
    /// window writes it on a task once edits pause).
    pub fn flush_journal(&mut self) {
        self.recovery.journaled = None;
        self.keep_journal();
        if let Some(task) = self.tasks.running(TaskKind::Journal)
            && let Some(Done::Journaled(r)) = self.tasks.wait_for(task)
        {
            self.journaled(r);
        }
    }

    /// What writing the journal gave.
    pub(super) fn journaled(&mut self, result: Result<(), String>) {
        if let Err(e) = result {
            self.status =
                format!("Unsaved changes could not be journaled for recovery ({e}); save often");
        }
    }
}
