//! Working as a team: resolving merge conflicts (one undoable edit each), renaming an id with
//! every reference to it (one undoable edit, after saying how many references change), and
//! setting git up to merge the dataset record by record.

use crate::model::edit::{Edit, Target, record_at};
use crate::model::rename::rename;
use crate::store;
use crate::ui::Resolution;
use crate::ui::dialogs::{RenameDialog, ResolveDialog};

use super::App;

impl App {
    /// Resolves the merge conflict at `index`: takes it out of the dataset's list and puts
    /// the chosen version of the record in place, as one edit.
    pub(super) fn resolve(&mut self, index: usize, resolution: &Resolution) {
        let Some(doc) = &self.doc else { return };
        let ds = &doc.dataset;
        let Some(c) = ds.conflicts.get(index) else {
            return;
        };
        let chosen = c.resolve_fields(&|field| resolution.side(field));
        let current = ds.index_of(c.kind, &c.id);
        let mut edits = vec![Edit::TakeConflict { index }];
        match (current, chosen) {
            (Some(i), Some(record)) => edits.push(Edit::Replace { index: i, record }),
            (Some(i), None) => edits.push(Edit::Remove {
                target: Target {
                    kind: c.kind,
                    index: i,
                },
            }),
            (None, Some(record)) => edits.push(Edit::Insert {
                index: ds.count(c.kind),
                record,
            }),
            (None, None) => {}
        }
        let what = format!("{} {}", c.kind.noun(), c.id);
        let left = ds.conflicts.len() - 1;
        self.selected = None;
        self.apply(Edit::Batch(edits), None);
        self.status = format!(
            "Resolved the conflict in {what}; {left} left. Save writes the file without its markers."
        );
    }

    /// Opens the field-by-field choice for the conflict at `index`.
    pub(super) fn resolve_by_field(&mut self, index: usize) {
        let Some(c) = self
            .doc
            .as_ref()
            .and_then(|d| d.dataset.conflicts.get(index))
        else {
            return;
        };
        self.dialogs.resolve = Some(ResolveDialog::new(index, c.clone()));
    }

    /// Renames the record at `target`, asking first when other records refer to it.
    pub(super) fn rename(&mut self, target: Target, new_id: String, confirmed: bool) {
        let Some(doc) = &self.doc else { return };
        let ds = &doc.dataset;
        let Some(old_id) = record_at(ds, target).map(|r| r.id().to_string()) else {
            return;
        };
        if ds.has_id(&new_id) || !crate::model::validate::is_valid_id(&new_id) {
            self.dialogs.error(format!(
                "“{new_id}” cannot be the new id of {old_id}: it is malformed or taken."
            ));
            return;
        }
        let Some(r) = rename(ds, target, &new_id) else {
            return;
        };
        if r.references > 0 && !confirmed {
            self.dialogs.rename = Some(RenameDialog {
                target,
                old_id,
                new_id,
                references: r.references,
                records: r.records,
            });
            return;
        }
        self.apply(r.edit, None);
        self.status = match r.references {
            0 => format!("Renamed {old_id} to {new_id}"),
            n => format!(
                "Renamed {old_id} to {new_id} and {n} reference(s) in {} record(s)",
                r.records
            ),
        };
    }

    /// Sets git up for the open dataset (as `crosscheck git-setup` does).
    pub(super) fn set_up_git(&mut self) {
        let Some(doc) = &mut self.doc else { return };
        let root = doc.store.root().to_path_buf();
        let result = std::env::current_exe()
            .map_err(|e| e.to_string())
            .and_then(|exe| store::git::setup(&root, &exe).map_err(|e| e.to_string()));
        match result {
            Ok(s) => {
                doc.git_offer = false;
                self.status = format!(
                    "git now merges this dataset record by record ({} file(s) written; commit them). Every clone runs the setup once.",
                    s.written.len()
                );
            }
            Err(e) => self.dialogs.error(format!("Could not set git up.\n\n{e}")),
        }
    }

    /// Stops offering the git setup for the open dataset.
    pub(super) fn dismiss_git_offer(&mut self) {
        let Some(doc) = &mut self.doc else { return };
        doc.git_offer = false;
        let root = doc.store.root().to_path_buf();
        if !self.prefs.git_offer_dismissed.contains(&root) {
            self.prefs.git_offer_dismissed.push(root);
        }
    }
}
