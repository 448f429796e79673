//! Changes made on disk while a dataset is open — a text editor, `git pull`, a teammate's sync
//! — turned into edits for the open document with the three-way record merge: base is the
//! file as last read or written, theirs the file now on disk, ours the document with its
//! unsaved edits. Records the document did not touch simply follow the disk; records changed
//! on both sides in different fields are merged; the same field changed on both sides is a
//! conflict for the resolver. Never touches the document itself: the app applies the edits.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::model::edit::{AnyRecord, Edit, Target};
use crate::model::merge::{self, Conflict, Keyed, RecordConflict};
use crate::model::{Dataset, Finding, Kind, Origin, Record, Severity};

use super::{FileEntry, FileRole, MANIFEST, Parsed, Store, conflicts, hash, parse_file};

/// What the disk's changes come to.
#[derive(Debug, Default)]
pub struct DiskChanges {
    /// The edits that bring them into the document (one undo step), if any.
    pub edit: Option<Edit>,
    /// The files whose changes were taken in.
    pub files: Vec<PathBuf>,
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
    pub conflicts: usize,
    /// Files that do not parse now (their records stay as they were in the window, and the
    /// files are not written until they parse), and other problems, to show the user.
    pub findings: Vec<Finding>,
    /// Files that parse again: their old reading problems are gone.
    pub readable_again: Vec<u32>,
    /// Where each record of a reread file stands now, to set after the edit is applied.
    pub origins: Vec<(u32, HashMap<String, Origin>)>,
}

impl DiskChanges {
    /// Whether nothing changed: the files read again are as the window had them.
    pub fn is_empty(&self) -> bool {
        self.edit.is_none()
            && self.files.is_empty()
            && self.findings.is_empty()
            && self.readable_again.is_empty()
            && self.origins.is_empty()
    }
}

/// The edits of a merge with the disk, by sort: applied in an order that keeps every index
/// valid.
#[derive(Default)]
pub(super) struct Parts {
    pub replaces: Vec<Edit>,
    pub inserts: Vec<AnyRecord>,
    /// Indices in their kind's list.
    pub removes: Vec<Target>,
    pub conflicts: Vec<RecordConflict>,
}

impl Parts {
    /// One edit: replaces (no index moves), conflicts, inserts at the ends of the lists,
    /// removes from the end.
    pub fn into_edit(self, ds: &Dataset) -> Option<Edit> {
        let mut edits = self.replaces;
        for (index, c) in (ds.conflicts.len()..).zip(self.conflicts) {
            edits.push(Edit::PutConflict {
                index,
                conflict: Box::new(c),
            });
        }
        let mut counts: BTreeMap<Kind, usize> =
            Kind::ALL.iter().map(|&k| (k, ds.count(k))).collect();
        for r in self.inserts {
            let n = counts.entry(r.kind()).or_default();
            edits.push(Edit::Insert {
                index: *n,
                record: r,
            });
            *n += 1;
        }
        let mut removes = self.removes;
        removes.sort_by(|a, b| b.cmp(a));
        edits.extend(removes.into_iter().map(|target| Edit::Remove { target }));
        (!edits.is_empty()).then_some(Edit::Batch(edits))
    }
}

impl Store {
    /// Remembers, for every file that edits have touched, the text it had when it was last
    /// read or written: the base a later merge with the disk needs. Reads a file only the
    /// first time it is touched, and only keeps it when it is still what was read.
    pub fn remember_bases(&mut self, ds: &Dataset) {
        for &i in &ds.touched.files {
            let Some(f) = self.files.get(i as usize) else {
                continue;
            };
            if self.bases.contains_key(&i) || f.disk_hash.is_none() {
                continue;
            }
            if let Ok(bytes) = fs::read(self.root.join(&f.rel))
                && Some(hash(&bytes)) == f.disk_hash
                && let Ok(text) = String::from_utf8(bytes)
            {
                self.bases.insert(i, text);
            }
        }
    }

    /// The dataset's files whose bytes differ from what was last read or written, and files
    /// that appeared in its folders: what a full check of the disk finds (the watcher names
    /// the files itself).
    pub fn changed_files(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|f| self.changed_on_disk(f))
            .map(|f| f.rel.clone())
            .collect();
        let known: BTreeSet<&PathBuf> = self.files.iter().map(|f| &f.rel).collect();
        for kind in Kind::ALL {
            let mut w = super::Walk::default();
            if super::walk(&self.root, Path::new(kind.folder()), &mut w).is_ok() {
                out.extend(w.files.into_iter().filter(|p| !known.contains(p)));
            }
        }
        out
    }

    /// Reads the files at `rels` (relative to the dataset folder) again and works out the
    /// edits that bring their changes into `ds`. Files that are as last read or written (our
    /// own saves) are skipped. The store notes the new versions as read.
    pub fn changes_on_disk(&mut self, ds: &Dataset, rels: &[PathBuf]) -> DiskChanges {
        let mut out = DiskChanges::default();
        let mut parts = Parts::default();
        let unique: BTreeSet<&PathBuf> = rels.iter().collect();
        for rel in unique {
            self.file_changed(ds, rel, &mut parts, &mut out);
        }
        out.edit = parts.into_edit(ds);
        out
    }

    fn file_changed(&mut self, ds: &Dataset, rel: &Path, parts: &mut Parts, out: &mut DiskChanges) {
        let role = if rel == Path::new(MANIFEST) {
            FileRole::Manifest
        } else {
            match conflicts::role_of_path(&rel.to_string_lossy()) {
                Some(r @ FileRole::Records(_)) => r,
                _ => return,
            }
        };
        let i = match self.files.iter().position(|f| f.rel == rel) {
            Some(i) => i,
            None => {
                self.files.push(FileEntry::new(rel.to_path_buf(), role));
                self.files.len() - 1
            }
        };
        let file = u32::try_from(i).unwrap_or(u32::MAX);
        let path = self.root.join(rel);
        let (h, parsed) = match fs::read(&path) {
            Ok(bytes) => {
                let h = hash(&bytes);
                if Some(h) == self.files[i].disk_hash {
                    return;
                }
                let (info, parsed) = parse_file(&self.root, rel, role, file, None);
                self.files[i].comments = info.comments;
                (Some(h), parsed)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                if self.files[i].disk_hash.is_none() {
                    return;
                }
                // Deleted on disk: as if it held no records.
                let empty = match role {
                    FileRole::Records(Kind::Actor) => Parsed::Actors(Vec::new()),
                    FileRole::Records(Kind::Source) => Parsed::Sources(Vec::new()),
                    FileRole::Records(Kind::Event) => Parsed::Events(Vec::new()),
                    FileRole::Records(Kind::Claim) => Parsed::Claims(Vec::new()),
                    FileRole::Manifest => return,
                };
                (None, Ok((empty, Vec::new())))
            }
            Err(_) => return,
        };
        let (parsed, marked) = match parsed {
            Ok(p) => p,
            Err(f) => {
                // Not readable now (being written by hand, say): the window keeps its version,
                // and the file is not written until it parses.
                self.files[i].broken = Some(f.message.clone());
                self.files[i].disk_hash = h;
                out.findings.push(Finding {
                    severity: Severity::Error,
                    at: Some(Origin {
                        file,
                        line: f.line,
                        col: f.col,
                    }),
                    record: None,
                    message: format!(
                        "{} (changed on disk; the window keeps its own version of these records, and will not write this file until it parses)",
                        f.message
                    ),
                    related: None,
                    field: None,
                });
                return;
            }
        };
        if self.files[i].broken.take().is_some() {
            out.readable_again.push(file);
        }
        self.files[i].held =
            matches!(&parsed, Parsed::Claims(v) if v.iter().any(|c| c.value.unread.is_some()));
        let touched = ds.touched.files.contains(&file);
        let base_text = if touched {
            self.bases.get(&file).cloned()
        } else {
            None
        };
        let before = parts.replaces.len()
            + parts.inserts.len()
            + parts.removes.len()
            + parts.conflicts.len();
        let origins = match parsed {
            Parsed::Manifest(m) => {
                if ds.touched.manifest {
                    // Changed here and there: the save refuses and names it, rather than
                    // choosing for the user.
                    out.findings.push(Finding {
                        severity: Severity::Warning,
                        at: None,
                        record: None,
                        message: "dataset.ron changed on disk while the window has unsaved changes to it: the save will refuse it; merge it by hand".into(),
                        related: None,
                        field: None,
                    });
                    return;
                }
                parts.replaces.push(Edit::Manifest(Box::new(m)));
                out.changed += 1;
                HashMap::new()
            }
            Parsed::Actors(v) => follow(
                &ds.actors,
                v,
                marked,
                file,
                touched,
                base_text,
                AnyRecord::Actor,
                parts,
                out,
            ),
            Parsed::Sources(v) => follow(
                &ds.sources,
                v,
                marked,
                file,
                touched,
                base_text,
                AnyRecord::Source,
                parts,
                out,
            ),
            Parsed::Events(v) => follow(
                &ds.events,
                v,
                marked,
                file,
                touched,
                base_text,
                AnyRecord::Event,
                parts,
                out,
            ),
            Parsed::Claims(v) => follow(
                &ds.claims,
                v,
                marked,
                file,
                touched,
                base_text,
                AnyRecord::Claim,
                parts,
                out,
            ),
        };
        self.files[i].disk_hash = h;
        if touched {
            // What was merged in is the new base of the next merge.
            match fs::read_to_string(&path) {
                Ok(t) => {
                    self.bases.insert(file, t);
                }
                Err(_) => {
                    self.bases.remove(&file);
                }
            }
        }
        out.origins.push((file, origins));
        let after = parts.replaces.len()
            + parts.inserts.len()
            + parts.removes.len()
            + parts.conflicts.len();
        if after > before {
            out.files.push(rel.to_path_buf());
        }
    }
}

/// The edits that make the records of `file` in the document follow `theirs`, the file's
/// records now on disk. Returns where each of them stands in the file now.
#[allow(clippy::too_many_arguments)]
pub(super) fn follow<R: Keyed + Record + DeserializeOwned>(
    all: &[R],
    theirs: Vec<R>,
    marked: Vec<RecordConflict>,
    file: u32,
    touched: bool,
    base_text: Option<String>,
    wrap: fn(R) -> AnyRecord,
    parts: &mut Parts,
    out: &mut DiskChanges,
) -> HashMap<String, Origin> {
    let origins: HashMap<String, Origin> = theirs
        .iter()
        .filter_map(|r| r.origin().map(|o| (r.key().to_string(), o)))
        .collect();
    let ours: Vec<(usize, &R)> = all
        .iter()
        .enumerate()
        .filter(|(_, r)| r.origin().is_some_and(|o| o.file == file))
        .collect();
    let ours_by_id: BTreeMap<&str, (usize, &R)> =
        ours.iter().map(|&(i, r)| (r.key(), (i, r))).collect();
    let theirs_by_id: BTreeMap<&str, &R> = theirs.iter().map(|r| (r.key(), r)).collect();
    // The base: ours when the document has not touched this file; else the text last read.
    let base: Option<Vec<R>> = if touched {
        base_text.and_then(|t| {
            super::read_options()
                .from_str::<Vec<R>>(&conflicts::normalize(&t))
                .ok()
        })
    } else {
        Some(ours.iter().map(|(_, r)| (*r).clone()).collect())
    };
    let base_by_id: Option<BTreeMap<&str, &R>> = base
        .as_ref()
        .map(|b| b.iter().map(|r| (r.key(), r)).collect());
    let ids: BTreeSet<&str> = ours_by_id
        .keys()
        .chain(theirs_by_id.keys())
        .copied()
        .collect();
    let at = |id: &str| {
        origins
            .get(id)
            .copied()
            .or_else(|| ours_by_id.get(id).and_then(|(_, r)| r.origin()))
            .unwrap_or(Origin {
                file,
                line: 1,
                col: 1,
            })
    };
    for id in ids {
        let o = ours_by_id.get(id).copied();
        let t = theirs_by_id.get(id).copied();
        let outcome = match &base_by_id {
            Some(b) => {
                let b = b.get(id).copied();
                match merge::merge(
                    &b.into_iter().cloned().collect::<Vec<_>>(),
                    &o.map(|(_, r)| r.clone()).into_iter().collect::<Vec<_>>(),
                    &t.into_iter().cloned().collect::<Vec<_>>(),
                ) {
                    Ok(m) => match (m.records.into_iter().next(), m.conflicts.into_iter().next()) {
                        (Some(r), _) => Outcome::Keep(r),
                        (None, Some(c)) => Outcome::Conflict(c),
                        (None, None) => Outcome::Gone,
                    },
                    Err(_) => Outcome::Conflict(Conflict::between(
                        None,
                        o.map(|(_, r)| r.clone()),
                        t.cloned(),
                    )),
                }
            }
            // No base known: whatever differs is for the user to choose.
            None => match (o, t) {
                (Some((_, o)), Some(t)) if merge::same(o, t) => Outcome::Keep(t.clone()),
                (None, None) => Outcome::Gone,
                _ => Outcome::Conflict(Conflict::between(
                    None,
                    o.map(|(_, r)| r.clone()),
                    t.cloned(),
                )),
            },
        };
        match (outcome, o) {
            (Outcome::Keep(mut r), Some((index, current))) => {
                if !merge::same(&r, current) {
                    r.set_origin(Some(at(id)));
                    parts.replaces.push(Edit::Replace {
                        index,
                        record: wrap(r),
                    });
                    out.changed += 1;
                }
            }
            (Outcome::Keep(mut r), None) => {
                r.set_origin(Some(at(id)));
                parts.inserts.push(wrap(r));
                out.added += 1;
            }
            (Outcome::Gone, Some((index, _))) => {
                parts.removes.push(Target {
                    kind: R::KIND,
                    index,
                });
                out.removed += 1;
            }
            (Outcome::Gone, None) => {}
            (Outcome::Conflict(c), _) => {
                parts
                    .conflicts
                    .push(RecordConflict::new(R::KIND, at(id), c, wrap));
                out.conflicts += 1;
            }
        }
    }
    // Conflict markers in the file itself (a `git pull` that stopped on a conflict).
    for c in marked {
        out.conflicts += 1;
        parts.conflicts.push(c);
    }
    origins
}

/// What one record comes to.
enum Outcome<R> {
    Keep(R),
    Gone,
    Conflict(Conflict<R>),
}

/// Sets where each record of `file` stands, after the file was read again.
pub fn relocate_by_id(ds: &mut Dataset, file: u32, origins: &HashMap<String, Origin>) {
    fn go<R: Record>(records: &mut [R], file: u32, origins: &HashMap<String, Origin>) {
        for r in records.iter_mut() {
            if r.origin().is_some_and(|o| o.file == file)
                && let Some(o) = origins.get(r.id())
            {
                r.set_origin(Some(*o));
            }
        }
    }
    go(&mut ds.actors, file, origins);
    go(&mut ds.sources, file, origins);
    go(&mut ds.events, file, origins);
    go(&mut ds.claims, file, origins);
}
