//! The open document and the one place it changes: every [`Edit`] goes through
//! [`App::apply`], which records it for undo; undo and redo apply the recorded edits the same
//! way. Saving writes through the store; new, duplicated and deleted records are edits too.

use std::sync::Arc;
use std::time::Instant;

use crate::model::edit::{self, AnyRecord, Edit, History, Target, record_at};
use crate::model::filter::Filter;
use crate::model::{Dataset, Finding, Kind, defaults};
use crate::store::{OnConflict, SaveError, Store};
use crate::ui::actions::Action;
use crate::ui::dialogs::{CommentsDialog, SaveErrorsDialog};

use super::App;
use super::derived::SmallChange;

/// An open dataset: the records, where they live on disk, and their undo history.
pub struct Document {
    pub store: Store,
    /// Shared with the worker that derives the view; changed only when no worker holds it
    /// (see `App::settle`), so changing it never copies it.
    pub dataset: Arc<Dataset>,
    pub history: History,
    /// Problems found while reading (files that did not parse).
    pub load_findings: Vec<Finding>,
    /// Bumped on every change, so caches know when to rebuild.
    pub version: u64,
    /// The dataset is in a git repository that does not merge it with the driver yet, and the
    /// offer to set that up was not dismissed.
    pub git_offer: bool,
}

impl App {
    /// True when the document has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.doc.as_ref().is_some_and(|d| d.history.is_dirty())
    }

    /// Applies one edit to the document: the one place the document changes. Returns
    /// whether it was applied (a failure is shown).
    pub(super) fn apply(&mut self, edit: Edit, coalesce: Option<String>) -> bool {
        self.settle();
        // The claim entered last: a new claim starts from it.
        if let Edit::Replace {
            record: AnyRecord::Claim(c),
            index,
        }
        | Edit::Insert {
            record: AnyRecord::Claim(c),
            index,
        } = &edit
        {
            self.last_claim = Some((c.id.to_string(), *index));
        }
        let Some(doc) = &mut self.doc else {
            return false;
        };
        // A few records changed and nothing else pending: remember how, so that what is
        // derived from the document can be brought up to date instead of rebuilt.
        let small = (doc.version == self.derived.version)
            .then(|| edit::changes(&doc.dataset, &edit))
            .flatten();
        let typing = coalesce.is_some();
        match doc
            .history
            .apply(Arc::make_mut(&mut doc.dataset), edit, coalesce)
        {
            Ok(()) => {
                doc.version += 1;
                doc.store.remember_bases(&doc.dataset);
                self.derived.replaced =
                    small.map(|changes| (doc.version, SmallChange::Records(changes)));
                // Typing (an edit that coalesces with the next): on a large dataset the lists
                // and the plot follow once it pauses. A new record, a delete: at once.
                if typing {
                    self.derived.edited_at = Some(Instant::now());
                }
                true
            }
            Err(e) => {
                self.dialogs
                    .error(format!("That change could not be made: {e}"));
                false
            }
        }
    }

    pub(super) fn undo_redo(&mut self, redo: bool) {
        self.settle();
        let Some(doc) = &mut self.doc else { return };
        let next = if redo {
            doc.history.next_redo()
        } else {
            doc.history.next_undo()
        };
        let Some(next) = next else {
            // Nothing to undo or redo: the document stays as it is.
            return;
        };
        let small = (doc.version == self.derived.version)
            .then(|| edit::changes(&doc.dataset, next))
            .flatten();
        let ds = Arc::make_mut(&mut doc.dataset);
        let result = if redo {
            doc.history.redo(ds)
        } else {
            doc.history.undo(ds)
        };
        if matches!(result, Ok(Some(_))) {
            self.derived.replaced =
                small.map(|changes| (doc.version + 1, SmallChange::Records(changes)));
        }
        match result {
            Ok(Some(target)) => {
                doc.version += 1;
                // Select what changed, if it still exists.
                let exists = record_at(&doc.dataset, target).is_some();
                self.selected = exists.then_some(target);
                self.status = if redo { "Redone" } else { "Undone" }.into();
            }
            Ok(None) => {
                doc.version += 1;
            }
            Err(e) => self.dialogs.error(format!("Undo failed: {e}")),
        }
    }

    /// Saves, asking first when the checks find errors.
    pub(super) fn save_checked(&mut self) {
        let errors: Vec<&Finding> = self
            .derived
            .findings
            .iter()
            .filter(|f| f.severity == crate::model::Severity::Error)
            .collect();
        if errors.is_empty() {
            self.save(OnConflict::Refuse);
            return;
        }
        let describe = |f: &Finding| match &f.record {
            Some((k, id)) => format!("{} {id}: {}", k.noun(), f.message),
            None => f.message.clone(),
        };
        self.dialogs.save_errors = Some(SaveErrorsDialog {
            errors: errors.iter().take(6).map(|f| describe(f)).collect(),
            total: errors.len(),
        });
    }

    /// Saves; returns whether every change is now on disk. Files changed on disk since they
    /// were read are merged in first.
    pub(super) fn save(&mut self, on_conflict: OnConflict) -> bool {
        self.save_once(on_conflict, true)
    }

    fn save_once(&mut self, on_conflict: OnConflict, retry: bool) -> bool {
        self.settle();
        let Some(doc) = &mut self.doc else {
            return false;
        };
        let before = doc.version;
        let result = doc.store.save(Arc::make_mut(&mut doc.dataset), on_conflict);
        doc.version += 1;
        if before == self.derived.version {
            self.derived.replaced = Some((doc.version, SmallChange::Saved));
        }
        match result {
            Ok(report) => {
                doc.history.mark_saved();
                doc.history.break_coalescing();
                self.status = match report.written.len() {
                    0 => "Nothing to save: the files are up to date".into(),
                    1 => format!("Saved {}", report.written[0].display()),
                    n => format!("Saved {n} files"),
                };
                true
            }
            Err(SaveError::WouldDropComments(files)) => {
                self.dialogs.comments = Some(CommentsDialog { files });
                false
            }
            Err(SaveError::ChangedOnDisk(paths)) if retry => {
                // Never overwrite what another program wrote: take it in first, then save
                // the merged document (conflicts, if any, wait for the resolver).
                let root = self.doc.as_ref().map(|d| d.store.root().to_path_buf());
                let rels: Vec<_> = paths
                    .iter()
                    .filter_map(|p| root.as_ref().and_then(|r| p.strip_prefix(r).ok()))
                    .map(std::path::Path::to_path_buf)
                    .collect();
                self.take_disk_changes(rels);
                self.save_once(on_conflict, false)
            }
            Err(e) => {
                self.dialogs.error(format!(
                    "Could not save.\n\n{e}\n\nYour changes are still here, unsaved."
                ));
                false
            }
        }
    }

    pub(super) fn delete_now(&mut self, t: Target) {
        self.apply(Edit::Remove { target: t }, None);
        if self.selected == Some(t) {
            self.selected = None;
        }
        let undo = Action::Undo.shortcut_text(&self.ctx).unwrap_or_default();
        self.status = format!("Deleted the {} ({undo} brings it back)", t.kind.noun());
    }

    pub(super) fn new_record(&mut self, kind: Kind) {
        let Some(doc) = &self.doc else { return };
        let today = chrono::Local::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        let last = self.last_claim.as_ref().and_then(|(id, at)| {
            // Where it was entered, unless records moved since: then looked for.
            let claims = &doc.dataset.claims;
            claims
                .get(*at)
                .filter(|c| c.id == id.as_str())
                .or_else(|| claims.iter().rev().find(|c| c.id == id.as_str()))
        });
        let record = defaults::new_record(
            &doc.dataset,
            kind,
            &self.prefs.filter,
            last,
            &today,
            &mut self.rng,
            &id_taken(doc, &self.derived),
        );
        let index = doc.dataset.count(kind);
        self.apply(Edit::Insert { index, record }, None);
        self.select_and_reveal(Target { kind, index });
        // Typed into at once: the keyboard in its first field, and in a narrow window the
        // editor in front of the plot.
        self.editor.focus_first_field();
        self.centre = super::panels::Centre::Editor;
    }

    /// Creates a record of `kind` named `name` and points `field` (item `slot`) of the record
    /// at `target` to it — one undo step.
    pub(super) fn create_linked(
        &mut self,
        target: Target,
        details: &defaults::NewDetails,
        field: &str,
        slot: usize,
    ) {
        let Some(doc) = &self.doc else { return };
        let kind = details.kind();
        let name = details.name();
        let record = details.record(&doc.dataset, &mut self.rng, &id_taken(doc, &self.derived));
        // Back to the picker the record was made from, so Tab goes on from there.
        if let Some(field) = ["claimant", "via", "subject", "sources", "actors"]
            .into_iter()
            .find(|f| *f == field)
        {
            self.editor.focus_picker(field, slot);
        }
        let new_id = record.id().to_string();
        let Some(mut owner) = record_at(&doc.dataset, target) else {
            return;
        };
        if !defaults::link(&mut owner, field, slot, &new_id) {
            return;
        }
        let edit = Edit::Batch(vec![
            Edit::Insert {
                index: doc.dataset.count(kind),
                record,
            },
            Edit::Replace {
                index: target.index,
                record: owner,
            },
        ]);
        self.apply(edit, None);
        self.status = format!(
            "New {} “{name}” ({new_id}); its other fields are in the {} list",
            kind.noun(),
            kind.noun()
        );
    }

    pub(super) fn duplicate(&mut self, t: Target) {
        let Some(doc) = &self.doc else { return };
        let Some(rec) = record_at(&doc.dataset, t) else {
            return;
        };
        let record = defaults::duplicate(
            &doc.dataset,
            rec,
            &mut self.rng,
            &id_taken(doc, &self.derived),
        );
        let index = doc.dataset.count(t.kind);
        self.apply(Edit::Insert { index, record }, None);
        self.select_and_reveal(Target {
            kind: t.kind,
            index,
        });
    }

    fn select_and_reveal(&mut self, t: Target) {
        self.selected = Some(t);
        self.prefs.tab = t.kind;
        // A new record must be visible even if the filter would hide it.
        self.prefs.filter = Filter {
            show_deprecated: self.prefs.filter.show_deprecated,
            ..Filter::default()
        };
    }
}

/// Whether a record of the open dataset has an id: the search index rules nearly every
/// candidate out at once when it is up to date with the document; the records are looked
/// through only for what it cannot rule out (a million claims took 30–50 ms a new record).
fn id_taken<'a>(
    doc: &'a Document,
    derived: &'a super::derived::Derived,
) -> impl Fn(&str) -> bool + 'a {
    let index = (derived.version == doc.version).then_some(&*derived.index);
    move |id| index.is_none_or(|i| i.may_hold_id(id)) && doc.dataset.has_id(id)
}
