//! Changes made on disk while the dataset is open: the folder is watched (`store::watch`),
//! and changed files are merged into the open document (`store::disk`) as one undoable edit —
//! unsaved edits stay unsaved and undoable, records changed both here and there go to the
//! conflict resolver. Runs in `App::logic`, so it also happens while the window is hidden.

use std::path::PathBuf;
use std::sync::{Arc, mpsc};

use crate::model::edit::record_at;
use crate::store::{disk::relocate_by_id, watch};

use super::App;

/// The watch of the open dataset's folder and the channel its reports come on.
pub(super) struct Watching {
    _watch: watch::Watch,
    rx: mpsc::Receiver<Vec<PathBuf>>,
}

impl App {
    /// Starts watching the open dataset's folder (a failure only means no live merging: it
    /// is said in the status line, and a save still never overwrites a change on disk).
    pub(super) fn watch_dataset(&mut self) {
        self.watching = None;
        let Some(doc) = &self.doc else { return };
        let (tx, rx) = mpsc::channel();
        let ctx = self.ctx.clone();
        match watch::watch(doc.store.root(), move |paths| {
            if tx.send(paths).is_ok() {
                ctx.request_repaint();
            }
        }) {
            Ok(w) => self.watching = Some(Watching { _watch: w, rx }),
            Err(e) => {
                self.status = format!(
                    "Changes made on disk by other programs are not followed live ({e}); saving still never overwrites them"
                );
            }
        }
    }

    /// Takes in what the watcher reported.
    pub(super) fn poll_watch(&mut self) {
        let Some(w) = &self.watching else { return };
        let rels: Vec<PathBuf> = w.rx.try_iter().flatten().collect();
        self.files_reported(rels);
    }

    /// Takes in the files the watcher reported (`rels`, relative to the dataset): those
    /// changed are merged in; those only opened or read are left alone. Tests call it
    /// directly rather than waiting for the watcher.
    pub fn files_reported(&mut self, mut rels: Vec<PathBuf>) {
        if rels.is_empty() {
            return;
        }
        rels.sort();
        rels.dedup();
        self.take_disk_changes(rels);
    }

    /// Checks every file of the dataset against the disk and takes in what changed.
    pub(super) fn check_disk(&mut self) {
        let Some(doc) = &self.doc else { return };
        let rels = doc.store.changed_files();
        if rels.is_empty() {
            self.status = "The files on disk are as the window last read or wrote them".into();
            return;
        }
        self.take_disk_changes(rels);
    }

    /// Merges the changes on disk of the files `rels` into the document, as one edit.
    pub(super) fn take_disk_changes(&mut self, rels: Vec<PathBuf>) {
        let Some(doc) = &mut self.doc else { return };
        let mut changes = doc.store.changes_on_disk(&doc.dataset, &rels);
        if changes.is_empty() {
            // Only read (the watcher also reports a file opened: by this window, an editor,
            // git): nothing to take in, and typing goes on as one undo step.
            return;
        }
        self.settle();
        let Some(doc) = &mut self.doc else { return };
        let selected = self
            .selected
            .and_then(|t| record_at(&doc.dataset, t).map(|r| (t.kind, r.id().to_string())));
        // Reading problems follow the files: gone when a file parses again, new when not.
        let stale: Vec<u32> = changes
            .readable_again
            .iter()
            .copied()
            .chain(changes.findings.iter().filter_map(|f| f.at.map(|o| o.file)))
            .collect();
        doc.load_findings
            .retain(|f| !f.at.is_some_and(|o| stale.contains(&o.file)));
        doc.load_findings.extend(changes.findings.iter().cloned());
        let was_saved = !doc.history.is_dirty();
        let conflicts = changes.conflicts;
        let edit = changes.edit.take();
        if let Some(edit) = edit
            && !self.apply(edit, None)
        {
            return;
        }
        let Some(doc) = &mut self.doc else { return };
        if !changes.origins.is_empty() {
            // Where records stand in the files read again: storage, not content (as a save
            // relocates what it wrote).
            let ds = Arc::make_mut(&mut doc.dataset);
            for (file, origins) in &changes.origins {
                relocate_by_id(ds, *file, origins);
            }
            doc.version += 1;
        }
        doc.history.break_coalescing();
        // Taken from disk, not typed here: a document that was saved still is.
        if was_saved && conflicts == 0 {
            doc.history.mark_saved();
        }
        // The selection follows its record, wherever the merge moved it.
        self.selected = selected.and_then(|(kind, id)| {
            doc.dataset
                .index_of(kind, &id)
                .map(|index| crate::model::edit::Target { kind, index })
        });
        if changes.files.is_empty() && changes.findings.is_empty() {
            return;
        }
        let names: Vec<String> = changes
            .files
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        let mut what = Vec::new();
        for (n, word) in [
            (changes.changed, "changed"),
            (changes.added, "added"),
            (changes.removed, "removed"),
        ] {
            if n > 0 {
                what.push(format!("{n} {word}"));
            }
        }
        self.status = if changes.files.is_empty() {
            format!(
                "{} file(s) changed on disk do not parse; the window keeps its version",
                changes.findings.len()
            )
        } else {
            let mut s = format!(
                "Changed on disk and taken in: {} ({})",
                names.join(", "),
                what.join(", ")
            );
            if changes.conflicts > 0 {
                s.push_str(&format!(
                    "; {} record(s) changed here and there — choose in the banner",
                    changes.conflicts
                ));
            }
            s
        };
    }
}
