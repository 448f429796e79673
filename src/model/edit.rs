//! Every change to a dataset is an [`Edit`]: replace, insert or remove one record, or replace
//! the manifest. Applying an edit returns its inverse, so undo and redo are the same
//! operation as any other change. [`History`] keeps the undo and redo stacks and knows when
//! the document is back at its saved state. [`changes`] tells, before an edit is applied,
//! which single records it replaces, inserts or removes, so that what is derived from the
//! dataset can follow them instead of being rebuilt.

use super::merge::RecordConflict;
use super::{Actor, Claim, Dataset, Event, Kind, Manifest, Origin, Source};

/// One record of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyRecord {
    Actor(Actor),
    Source(Source),
    Event(Event),
    Claim(Claim),
}

impl AnyRecord {
    pub fn kind(&self) -> Kind {
        match self {
            AnyRecord::Actor(_) => Kind::Actor,
            AnyRecord::Source(_) => Kind::Source,
            AnyRecord::Event(_) => Kind::Event,
            AnyRecord::Claim(_) => Kind::Claim,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            AnyRecord::Actor(r) => &r.id,
            AnyRecord::Source(r) => &r.id,
            AnyRecord::Event(r) => &r.id,
            AnyRecord::Claim(r) => &r.id,
        }
    }

    pub fn origin(&self) -> Option<Origin> {
        match self {
            AnyRecord::Actor(r) => r.origin,
            AnyRecord::Source(r) => r.origin,
            AnyRecord::Event(r) => r.origin,
            AnyRecord::Claim(r) => r.origin,
        }
    }

    pub fn set_origin(&mut self, origin: Option<Origin>) {
        match self {
            AnyRecord::Actor(r) => r.origin = origin,
            AnyRecord::Source(r) => r.origin = origin,
            AnyRecord::Event(r) => r.origin = origin,
            AnyRecord::Claim(r) => r.origin = origin,
        }
    }

    pub fn as_actor(&self) -> Option<&Actor> {
        match self {
            AnyRecord::Actor(r) => Some(r),
            _ => None,
        }
    }

    pub fn as_source(&self) -> Option<&Source> {
        match self {
            AnyRecord::Source(r) => Some(r),
            _ => None,
        }
    }

    pub fn as_event(&self) -> Option<&Event> {
        match self {
            AnyRecord::Event(r) => Some(r),
            _ => None,
        }
    }

    pub fn as_claim(&self) -> Option<&Claim> {
        match self {
            AnyRecord::Claim(r) => Some(r),
            _ => None,
        }
    }
}

/// A record's place in the dataset: its kind and its index in that kind's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    pub kind: Kind,
    pub index: usize,
}

/// A change to a dataset.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Put `record` at `index` of its kind's list, replacing what is there.
    Replace { index: usize, record: AnyRecord },
    /// Insert `record` at `index` of its kind's list.
    Insert { index: usize, record: AnyRecord },
    /// Remove the record at `target`.
    Remove { target: Target },
    /// Replace the manifest.
    Manifest(Box<Manifest>),
    /// Take the merge conflict at `index` out of the dataset's list (it was resolved).
    TakeConflict { index: usize },
    /// Put a merge conflict back at `index` (undoing a resolution).
    PutConflict {
        index: usize,
        conflict: Box<RecordConflict>,
    },
    /// Several edits as one change: one undo step (a rename with its references, a resolved
    /// conflict with its record, an import).
    Batch(Vec<Edit>),
}

/// Why an edit could not be applied (an index out of range: a bug, reported not panicked).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no {} at position {} (the dataset has {len})", .target.kind.noun(), .target.index)]
pub struct EditError {
    pub target: Target,
    pub len: usize,
}

fn swap_in<T>(list: &mut [T], index: usize, value: T, kind: Kind) -> Result<T, EditError> {
    let len = list.len();
    let slot = list.get_mut(index).ok_or(EditError {
        target: Target { kind, index },
        len,
    })?;
    Ok(std::mem::replace(slot, value))
}

fn insert_at<T>(list: &mut Vec<T>, index: usize, value: T, kind: Kind) -> Result<(), EditError> {
    if index > list.len() {
        return Err(EditError {
            target: Target { kind, index },
            len: list.len(),
        });
    }
    list.insert(index, value);
    Ok(())
}

fn remove_at<T>(list: &mut Vec<T>, index: usize, kind: Kind) -> Result<T, EditError> {
    if index >= list.len() {
        return Err(EditError {
            target: Target { kind, index },
            len: list.len(),
        });
    }
    Ok(list.remove(index))
}

impl Edit {
    /// The record this edit is about, if any.
    pub fn target(&self) -> Option<Target> {
        match self {
            Edit::Replace { index, record } | Edit::Insert { index, record } => Some(Target {
                kind: record.kind(),
                index: *index,
            }),
            Edit::Remove { target } => Some(*target),
            Edit::Manifest(_) | Edit::TakeConflict { .. } | Edit::PutConflict { .. } => None,
            Edit::Batch(edits) => edits.iter().find_map(Edit::target),
        }
    }

    /// The file of the record this edit puts in or takes out, if it has one.
    fn origin(&self) -> Option<super::Origin> {
        use super::Record;
        match self {
            Edit::Replace { record, .. } | Edit::Insert { record, .. } => match record {
                AnyRecord::Actor(r) => r.origin(),
                AnyRecord::Source(r) => r.origin(),
                AnyRecord::Event(r) => r.origin(),
                AnyRecord::Claim(r) => r.origin(),
            },
            Edit::PutConflict { conflict, .. } => Some(conflict.at),
            Edit::Remove { .. }
            | Edit::Manifest(_)
            | Edit::TakeConflict { .. }
            | Edit::Batch(_) => None,
        }
    }

    /// Applies the edit and returns its inverse. The files of the records it changes are
    /// noted in [`Dataset::touched`], so that a save rewrites them and only them.
    pub fn apply(self, ds: &mut Dataset) -> Result<Edit, EditError> {
        if let Edit::Batch(edits) = self {
            let mut inverses = Vec::with_capacity(edits.len());
            for e in edits {
                match e.apply(ds) {
                    Ok(inv) => inverses.push(inv),
                    Err(err) => {
                        // Leave the dataset as it was: undo what was applied.
                        for inv in inverses.into_iter().rev() {
                            inv.apply(ds).ok();
                        }
                        return Err(err);
                    }
                }
            }
            inverses.reverse();
            return Ok(Edit::Batch(inverses));
        }
        let manifest = matches!(self, Edit::Manifest(_));
        let new = self.origin();
        let inverse = self.apply_untracked(ds)?;
        ds.touched.record(new);
        ds.touched.record(inverse.origin());
        ds.touched.manifest |= manifest;
        Ok(inverse)
    }

    fn apply_untracked(self, ds: &mut Dataset) -> Result<Edit, EditError> {
        Ok(match self {
            Edit::Replace { index, record } => {
                let old = match record {
                    AnyRecord::Actor(r) => {
                        AnyRecord::Actor(swap_in(&mut ds.actors, index, r, Kind::Actor)?)
                    }
                    AnyRecord::Source(r) => {
                        AnyRecord::Source(swap_in(&mut ds.sources, index, r, Kind::Source)?)
                    }
                    AnyRecord::Event(r) => {
                        AnyRecord::Event(swap_in(&mut ds.events, index, r, Kind::Event)?)
                    }
                    AnyRecord::Claim(r) => {
                        AnyRecord::Claim(swap_in(&mut ds.claims, index, r, Kind::Claim)?)
                    }
                };
                Edit::Replace { index, record: old }
            }
            Edit::Insert { index, record } => {
                let kind = record.kind();
                match record {
                    AnyRecord::Actor(r) => insert_at(&mut ds.actors, index, r, kind)?,
                    AnyRecord::Source(r) => insert_at(&mut ds.sources, index, r, kind)?,
                    AnyRecord::Event(r) => insert_at(&mut ds.events, index, r, kind)?,
                    AnyRecord::Claim(r) => insert_at(&mut ds.claims, index, r, kind)?,
                }
                Edit::Remove {
                    target: Target { kind, index },
                }
            }
            Edit::Remove { target } => {
                let index = target.index;
                let record = match target.kind {
                    Kind::Actor => AnyRecord::Actor(remove_at(&mut ds.actors, index, Kind::Actor)?),
                    Kind::Source => {
                        AnyRecord::Source(remove_at(&mut ds.sources, index, Kind::Source)?)
                    }
                    Kind::Event => AnyRecord::Event(remove_at(&mut ds.events, index, Kind::Event)?),
                    Kind::Claim => AnyRecord::Claim(remove_at(&mut ds.claims, index, Kind::Claim)?),
                };
                Edit::Insert { index, record }
            }
            Edit::Manifest(m) => Edit::Manifest(Box::new(std::mem::replace(&mut ds.manifest, *m))),
            Edit::TakeConflict { index } => {
                let conflict = remove_at(&mut ds.conflicts, index, Kind::Claim)?;
                // The file is written again once its conflicts are gone.
                ds.touched.record(Some(conflict.at));
                Edit::PutConflict {
                    index,
                    conflict: Box::new(conflict),
                }
            }
            Edit::PutConflict { index, conflict } => {
                insert_at(&mut ds.conflicts, index, *conflict, Kind::Claim)?;
                Edit::TakeConflict { index }
            }
            Edit::Batch(edits) => Edit::Batch(edits).apply(ds)?,
        })
    }
}

/// A clone of the record at `target`.
pub fn record_at(ds: &Dataset, target: Target) -> Option<AnyRecord> {
    let i = target.index;
    match target.kind {
        Kind::Actor => ds.actors.get(i).cloned().map(AnyRecord::Actor),
        Kind::Source => ds.sources.get(i).cloned().map(AnyRecord::Source),
        Kind::Event => ds.events.get(i).cloned().map(AnyRecord::Event),
        Kind::Claim => ds.claims.get(i).cloned().map(AnyRecord::Claim),
    }
}

/// What an edit does to one record, as what is derived from a dataset (its search index,
/// counts, lists) needs to know to follow it record by record instead of being rebuilt.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// The record at the target was replaced; what it was.
    Replaced(Target, AnyRecord),
    /// A record was inserted at the target (those after it moved up by one).
    Inserted(Target),
    /// The record at the target was removed (those after it moved down by one); what it was.
    Removed(Target, AnyRecord),
}

impl Change {
    /// The record changed.
    pub fn target(&self) -> Target {
        match self {
            Change::Replaced(t, _) | Change::Inserted(t) | Change::Removed(t, _) => *t,
        }
    }
}

/// At most this many records changed by one edit are followed record by record; a larger
/// edit (an import, a merge) has what is derived from it rebuilt.
const FOLLOWED: usize = 16;

/// What `edit` will do to single records of `ds` (read before it is applied), in the order
/// it does it — or `None` when it is not a few single-record changes that can be followed
/// one after another against the dataset as it will be: a manifest or conflict edit, more
/// than a few records, or several records of which one moves others (an insertion or
/// removal other than at the end of its list) or one is changed twice.
pub fn changes(ds: &Dataset, edit: &Edit) -> Option<Vec<Change>> {
    fn leaves<'e>(edit: &'e Edit, out: &mut Vec<&'e Edit>) {
        match edit {
            Edit::Batch(edits) => edits.iter().for_each(|e| leaves(e, out)),
            leaf => out.push(leaf),
        }
    }
    let mut all = Vec::new();
    leaves(edit, &mut all);
    if all.is_empty() || all.len() > FOLLOWED {
        return None;
    }
    let single = all.len() == 1;
    let mut lengths = Kind::ALL.map(|k| ds.count(k));
    let slot = |k: Kind| Kind::ALL.iter().position(|&x| x == k).unwrap_or(0);
    let mut seen = Vec::new();
    let mut out = Vec::with_capacity(all.len());
    for leaf in all {
        let t = leaf.target()?;
        if seen.contains(&t) {
            return None;
        }
        seen.push(t);
        let len = &mut lengths[slot(t.kind)];
        let original = t.index < ds.count(t.kind);
        out.push(match leaf {
            Edit::Replace { .. } if original => Change::Replaced(t, record_at(ds, t)?),
            Edit::Insert { .. } if single || t.index == *len => {
                *len += 1;
                Change::Inserted(t)
            }
            Edit::Remove { .. } if original && (single || t.index + 1 == *len) => {
                *len -= 1;
                Change::Removed(t, record_at(ds, t)?)
            }
            _ => return None,
        });
    }
    Some(out)
}

struct Entry {
    /// A number unique to the change this entry undoes or redoes.
    id: u64,
    /// The edit that undoes (on the undo stack) or redoes (on the redo stack) the change.
    edit: Edit,
    /// Consecutive changes with the same key (typing in one field) are undone together.
    coalesce: Option<String>,
}

/// The undo and redo stacks of a document, and where it was last saved.
#[derive(Default)]
pub struct History {
    undo: Vec<Entry>,
    redo: Vec<Entry>,
    next_id: u64,
    /// The id of the change on top of the undo stack when the document was saved (`None`:
    /// saved with an empty undo stack, that is, as loaded).
    saved_at: Option<u64>,
}

impl History {
    /// Applies `edit` to `ds` and records its inverse. Changes with the same `coalesce` key in
    /// a row (each keystroke in one field) become one undo step.
    pub fn apply(
        &mut self,
        ds: &mut Dataset,
        edit: Edit,
        coalesce: Option<String>,
    ) -> Result<(), EditError> {
        let inverse = edit.apply(ds)?;
        self.redo.clear();
        if let (Some(key), Some(top)) = (&coalesce, self.undo.last())
            && top.coalesce.as_ref() == Some(key)
            && Some(top.id) != self.saved_at
        {
            // Keep the older inverse: undo goes back to before the first keystroke.
            return Ok(());
        }
        self.next_id += 1;
        self.undo.push(Entry {
            id: self.next_id,
            edit: inverse,
            coalesce,
        });
        Ok(())
    }

    /// Undoes the last change; returns the record it touched.
    pub fn undo(&mut self, ds: &mut Dataset) -> Result<Option<Target>, EditError> {
        let Some(entry) = self.undo.pop() else {
            return Ok(None);
        };
        let target = entry.edit.target();
        let redo = entry.edit.apply(ds)?;
        self.redo.push(Entry {
            id: entry.id,
            edit: redo,
            coalesce: None,
        });
        Ok(target)
    }

    /// Redoes the last undone change; returns the record it touched.
    pub fn redo(&mut self, ds: &mut Dataset) -> Result<Option<Target>, EditError> {
        let Some(entry) = self.redo.pop() else {
            return Ok(None);
        };
        let target = entry.edit.target();
        let undo = entry.edit.apply(ds)?;
        self.undo.push(Entry {
            id: entry.id,
            edit: undo,
            coalesce: None,
        });
        Ok(target)
    }

    /// The edit the next undo applies.
    pub fn next_undo(&self) -> Option<&Edit> {
        self.undo.last().map(|e| &e.edit)
    }

    /// The edit the next redo applies.
    pub fn next_redo(&self) -> Option<&Edit> {
        self.redo.last().map(|e| &e.edit)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Marks the current state as saved.
    pub fn mark_saved(&mut self) {
        self.saved_at = self.undo.last().map(|e| e.id);
    }

    /// How many changes were made since the last save (or load), as undo steps.
    pub fn unsaved_steps(&self) -> usize {
        match self.saved_at {
            None => self.undo.len(),
            Some(id) => self
                .undo
                .iter()
                .position(|e| e.id == id)
                .map_or(self.undo.len(), |p| self.undo.len() - p - 1),
        }
    }

    /// True when the document differs from what was last saved (or loaded).
    pub fn is_dirty(&self) -> bool {
        self.undo.last().map(|e| e.id) != self.saved_at
    }

    /// Stops the next change from merging into the last one.
    pub fn break_coalescing(&mut self) {
        if let Some(top) = self.undo.last_mut() {
            top.coalesce = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActorKind, DateText, Qualifier, Value};

    fn actor(id: &str) -> Actor {
        Actor::new(id, id, ActorKind::Media)
    }

    fn ds() -> Dataset {
        Dataset {
            actors: vec![actor("a"), actor("b")],
            ..Dataset::default()
        }
    }

    #[test]
    fn every_edit_is_undone_by_its_inverse() {
        let original = ds();
        let edits = vec![
            Edit::Replace {
                index: 1,
                record: AnyRecord::Actor(actor("c")),
            },
            Edit::Insert {
                index: 0,
                record: AnyRecord::Actor(actor("z")),
            },
            Edit::Remove {
                target: Target {
                    kind: Kind::Actor,
                    index: 0,
                },
            },
            Edit::Manifest(Box::new(Manifest {
                title: "new".into(),
                ..Manifest::default()
            })),
        ];
        for e in edits {
            let mut d = original.clone();
            let inverse = e.clone().apply(&mut d).expect("apply");
            assert_ne!(d, original, "{e:?} changed nothing");
            inverse.apply(&mut d).expect("inverse");
            assert_eq!(d, original, "{e:?}");
        }
    }

    #[test]
    fn a_few_single_record_changes_are_followed_and_anything_tangled_is_not() {
        let d = ds();
        let actor_at = |index| Target {
            kind: Kind::Actor,
            index,
        };
        let insert = |index, id: &str| Edit::Insert {
            index,
            record: AnyRecord::Actor(actor(id)),
        };
        let replace = |index, id: &str| Edit::Replace {
            index,
            record: AnyRecord::Actor(actor(id)),
        };
        // One record: anywhere.
        assert_eq!(
            changes(&d, &insert(0, "z")),
            Some(vec![Change::Inserted(actor_at(0))])
        );
        assert_eq!(
            changes(
                &d,
                &Edit::Remove {
                    target: actor_at(0)
                }
            ),
            Some(vec![Change::Removed(
                actor_at(0),
                AnyRecord::Actor(actor("a"))
            )])
        );
        assert_eq!(
            changes(&d, &replace(1, "c")),
            Some(vec![Change::Replaced(
                actor_at(1),
                AnyRecord::Actor(actor("b"))
            )])
        );
        // A new record and the claim naming it (and the undo of that): at the end.
        assert_eq!(
            changes(&d, &Edit::Batch(vec![insert(2, "z"), replace(0, "a2")])),
            Some(vec![
                Change::Inserted(actor_at(2)),
                Change::Replaced(actor_at(0), AnyRecord::Actor(actor("a")))
            ])
        );
        assert_eq!(
            changes(
                &d,
                &Edit::Batch(vec![
                    replace(0, "a"),
                    Edit::Remove {
                        target: actor_at(1)
                    }
                ])
            ),
            Some(vec![
                Change::Replaced(actor_at(0), AnyRecord::Actor(actor("a"))),
                Change::Removed(actor_at(1), AnyRecord::Actor(actor("b")))
            ])
        );
        // Several records of which one moves the others, one changed twice, a record
        // that is not there, a manifest, an edit of many records: rebuilt instead.
        for tangled in [
            Edit::Batch(vec![insert(0, "z"), replace(1, "c")]),
            Edit::Batch(vec![replace(1, "c"), replace(1, "d")]),
            Edit::Batch(vec![
                Edit::Remove {
                    target: actor_at(0),
                },
                replace(1, "c"),
            ]),
            replace(5, "c"),
            Edit::Manifest(Box::default()),
            Edit::Batch((0..FOLLOWED + 1).map(|k| insert(2 + k, "n")).collect()),
        ] {
            assert_eq!(changes(&d, &tangled), None, "{tangled:?}");
        }
    }

    #[test]
    fn out_of_range_is_an_error_not_a_panic() {
        let mut d = ds();
        let e = Edit::Remove {
            target: Target {
                kind: Kind::Claim,
                index: 3,
            },
        };
        assert!(e.apply(&mut d).is_err());
    }

    #[test]
    fn undo_redo_and_the_saved_state() {
        let mut d = ds();
        let mut h = History::default();
        assert!(!h.is_dirty());
        h.apply(
            &mut d,
            Edit::Replace {
                index: 0,
                record: AnyRecord::Actor(actor("x")),
            },
            None,
        )
        .expect("apply");
        assert!(h.is_dirty());
        h.mark_saved();
        assert!(!h.is_dirty());
        h.apply(
            &mut d,
            Edit::Replace {
                index: 0,
                record: AnyRecord::Actor(actor("y")),
            },
            None,
        )
        .expect("apply");
        assert!(h.is_dirty());
        h.undo(&mut d).expect("undo");
        assert_eq!(d.actors[0].id, "x");
        assert!(!h.is_dirty(), "back at the saved state");
        h.undo(&mut d).expect("undo");
        assert_eq!(d.actors[0].id, "a");
        assert!(h.is_dirty());
        h.redo(&mut d).expect("redo");
        h.redo(&mut d).expect("redo");
        assert_eq!(d.actors[0].id, "y");
        assert!(!h.can_redo());
    }

    #[test]
    fn typing_in_one_field_is_one_undo_step() {
        let mut d = Dataset::default();
        let mut h = History::default();
        let claim = Claim::new(
            "c",
            "killed",
            "s",
            "a",
            Value::new(Qualifier::Exact, 1),
            DateText::new("2025"),
        );
        h.apply(
            &mut d,
            Edit::Insert {
                index: 0,
                record: AnyRecord::Claim(claim.clone()),
            },
            None,
        )
        .expect("insert");
        for text in ["n", "no", "not", "note"] {
            let mut c = d.claims[0].clone();
            c.notes = text.into();
            h.apply(
                &mut d,
                Edit::Replace {
                    index: 0,
                    record: AnyRecord::Claim(c),
                },
                Some("c.notes".into()),
            )
            .expect("type");
        }
        assert_eq!(d.claims[0].notes.text(), "note");
        h.undo(&mut d).expect("undo");
        assert_eq!(d.claims[0].notes.text(), "");
        assert_eq!(d.claims.len(), 1);
    }
}
