//! The recovery journal: the unsaved state of an open dataset, written (atomically) to a file
//! outside the dataset — the platform's data folder, one file per dataset path — within
//! seconds of every edit, and removed by a clean save or Discard. After a crash, `kill -9` or
//! a power cut, opening the dataset again finds it and offers to restore it; restoring goes
//! through the three-way record merge, so files changed on disk meanwhile are merged, not
//! overwritten.
//!
//! What is kept, per file with unsaved edits: the file's records as the window had them, and
//! the file's text as last read or written (the merge's base); records not yet in any file;
//! the manifest, if it changed.

use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::edit::{AnyRecord, Edit};
use crate::model::merge::RecordConflict;
use crate::model::{Actor, Claim, Dataset, Event, Kind, Manifest, Record, Source};

use super::disk::{DiskChanges, Parts, follow};
use super::{FileEntry, FileRole, Store, atomic};

/// The folder journals are kept in: `recovery/` in Crosscheck's data folder
/// ([`super::sample::data_dir`], which `$CROSSCHECK_DATA_DIR` moves).
pub fn default_dir() -> Option<PathBuf> {
    super::sample::data_dir().map(|d| d.join("recovery"))
}

/// One kind's records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Records {
    Actors(Vec<Actor>),
    Sources(Vec<Source>),
    Events(Vec<Event>),
    Claims(Vec<Claim>),
}

impl Records {
    fn len(&self) -> usize {
        match self {
            Records::Actors(v) => v.len(),
            Records::Sources(v) => v.len(),
            Records::Events(v) => v.len(),
            Records::Claims(v) => v.len(),
        }
    }
}

/// One file with unsaved edits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JournalFile {
    /// Relative to the dataset folder.
    pub rel: PathBuf,
    /// The file's text as last read or written, when known.
    pub base: Option<String>,
    pub records: Records,
}

/// The unsaved state of a dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    /// The dataset folder.
    pub dataset: PathBuf,
    /// When it was written, for people (`2026-11-28 14:02`).
    pub written: String,
    /// Unsaved changes (undo steps) at that time.
    pub edits: usize,
    pub files: Vec<JournalFile>,
    /// Records not in any file yet (new since the last save).
    pub new_records: Vec<Records>,
    pub manifest: Option<Manifest>,
}

/// The journal file of the dataset at `root`, inside `dir`.
pub fn path_for(dir: &Path, root: &Path) -> PathBuf {
    let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut h = std::collections::hash_map::DefaultHasher::new();
    canonical.hash(&mut h);
    let name = canonical
        .file_name()
        .map(|n| crate::model::ids::slug(&n.to_string_lossy(), 24))
        .unwrap_or_default();
    dir.join(format!("{name}-{:016x}.ron", h.finish()))
}

/// The records in each of `files` (file numbers, all of one kind) and those in no file yet,
/// in dataset order: one pass over the records — a million claims are looked at once per
/// journal, not once per touched file. On this thread: the window's, which must not wait
/// behind a worker's checks for the thread pool.
fn split<R: Record + Clone>(records: &[R], files: &[u32]) -> (Vec<Vec<R>>, Vec<R>) {
    let slot = |file: u32| files.iter().position(|&f| f == file);
    let picked: Vec<(usize, usize)> = records
        .iter()
        .enumerate()
        .filter_map(|(i, r)| match r.origin() {
            None => Some((files.len(), i)),
            Some(o) => slot(o.file).map(|k| (k, i)),
        })
        .collect();
    let mut out = vec![Vec::new(); files.len() + 1];
    for (k, i) in picked {
        out[k].push(records[i].clone());
    }
    let new = out.pop().unwrap_or_default();
    (out, new)
}

/// [`split`] for the records of `kind`.
fn split_kind(ds: &Dataset, kind: Kind, files: &[u32]) -> (Vec<Records>, Records) {
    fn wrap<R>(
        (files, new): (Vec<Vec<R>>, Vec<R>),
        f: fn(Vec<R>) -> Records,
    ) -> (Vec<Records>, Records) {
        (files.into_iter().map(f).collect(), f(new))
    }
    match kind {
        Kind::Actor => wrap(split(&ds.actors, files), Records::Actors),
        Kind::Source => wrap(split(&ds.sources, files), Records::Sources),
        Kind::Event => wrap(split(&ds.events, files), Records::Events),
        Kind::Claim => wrap(split(&ds.claims, files), Records::Claims),
    }
}

impl Store {
    /// The journal of `ds`'s unsaved state.
    pub fn journal(&self, ds: &Dataset, edits: usize) -> Journal {
        // The touched files of record kinds, in the order they were touched.
        let touched: Vec<(u32, Kind)> = ds
            .touched
            .files
            .iter()
            .filter_map(|&i| match self.files.get(i as usize) {
                Some(FileEntry {
                    role: FileRole::Records(kind),
                    ..
                }) => Some((i, *kind)),
                _ => None,
            })
            .collect();
        let mut of_file: Vec<Option<Records>> = touched.iter().map(|_| None).collect();
        let mut new_records = Vec::new();
        for kind in Kind::ALL {
            let places: Vec<usize> = (0..touched.len())
                .filter(|&k| touched[k].1 == kind)
                .collect();
            let numbers: Vec<u32> = places.iter().map(|&k| touched[k].0).collect();
            let (records, new) = split_kind(ds, kind, &numbers);
            for (k, r) in places.into_iter().zip(records) {
                of_file[k] = Some(r);
            }
            if new.len() > 0 {
                new_records.push(new);
            }
        }
        let files = touched
            .iter()
            .zip(of_file)
            .filter_map(|(&(i, _), records)| {
                Some(JournalFile {
                    rel: self.files.get(i as usize)?.rel.clone(),
                    base: self.bases.get(&i).cloned(),
                    records: records?,
                })
            })
            .collect();
        Journal {
            dataset: self.root.clone(),
            written: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
            edits,
            files,
            new_records,
            manifest: ds.touched.manifest.then(|| ds.manifest.clone()),
        }
    }

    /// The edits that restore a journal onto `ds` (the dataset as it is on disk now), merged
    /// with whatever changed on disk since: records changed only in the journal are restored,
    /// records changed in both go to the resolver (ours: the journal's, theirs: the disk's).
    pub fn restore(&mut self, ds: &Dataset, journal: &Journal) -> DiskChanges {
        let mut out = DiskChanges::default();
        let mut parts = Parts::default();
        for f in &journal.files {
            let i = match self.files.iter().position(|e| e.rel == f.rel) {
                Some(i) => i,
                None => {
                    let Some(FileRole::Records(kind)) =
                        super::conflicts::role_of_path(&f.rel.to_string_lossy())
                    else {
                        continue;
                    };
                    self.files
                        .push(FileEntry::new(f.rel.clone(), FileRole::Records(kind)));
                    self.files.len() - 1
                }
            };
            let file = u32::try_from(i).unwrap_or(u32::MAX);
            let base = f.base.clone();
            // The merge's "theirs" is the journal; its sides are swapped back below, so that
            // the resolver says "ours" for the recovered version.
            let (p, o) = (&mut parts, &mut out);
            match &f.records {
                Records::Actors(v) => {
                    follow(
                        &ds.actors,
                        reorigin(v, file),
                        Vec::new(),
                        file,
                        true,
                        base,
                        AnyRecord::Actor,
                        p,
                        o,
                    );
                }
                Records::Sources(v) => {
                    follow(
                        &ds.sources,
                        reorigin(v, file),
                        Vec::new(),
                        file,
                        true,
                        base,
                        AnyRecord::Source,
                        p,
                        o,
                    );
                }
                Records::Events(v) => {
                    follow(
                        &ds.events,
                        reorigin(v, file),
                        Vec::new(),
                        file,
                        true,
                        base,
                        AnyRecord::Event,
                        p,
                        o,
                    );
                }
                Records::Claims(v) => {
                    follow(
                        &ds.claims,
                        reorigin(v, file),
                        Vec::new(),
                        file,
                        true,
                        base,
                        AnyRecord::Claim,
                        p,
                        o,
                    );
                }
            }
            out.files.push(f.rel.clone());
        }
        for c in &mut parts.conflicts {
            swap_sides(c);
        }
        for r in &journal.new_records {
            let mut add = |rec: AnyRecord| {
                if !ds.has_id(rec.id()) {
                    out.added += 1;
                    parts.inserts.push(rec);
                }
            };
            match r {
                Records::Actors(v) => v.iter().cloned().map(AnyRecord::Actor).for_each(&mut add),
                Records::Sources(v) => v.iter().cloned().map(AnyRecord::Source).for_each(&mut add),
                Records::Events(v) => v.iter().cloned().map(AnyRecord::Event).for_each(&mut add),
                Records::Claims(v) => v.iter().cloned().map(AnyRecord::Claim).for_each(&mut add),
            }
        }
        if let Some(m) = &journal.manifest
            && *m != ds.manifest
        {
            parts.replaces.push(Edit::Manifest(Box::new(m.clone())));
            out.changed += 1;
        }
        out.edit = parts.into_edit(ds);
        out
    }
}

/// The records with `file` as their file (journals do not keep positions).
fn reorigin<R: Record + Clone>(records: &[R], file: u32) -> Vec<R> {
    records
        .iter()
        .cloned()
        .map(|mut r| {
            r.set_origin(Some(crate::model::Origin {
                file,
                line: 1,
                col: 1,
            }));
            r
        })
        .collect()
}

fn swap_sides(c: &mut RecordConflict) {
    std::mem::swap(&mut c.ours, &mut c.theirs);
    for f in &mut c.fields {
        std::mem::swap(&mut f.ours, &mut f.theirs);
    }
}

/// Writes `journal` to `path` (atomically, making the folder).
pub fn write(path: &Path, journal: &Journal) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let text = super::canonical(journal).map_err(io::Error::other)?;
    atomic::write_atomic(path, text.as_bytes())
}

/// The journal at `path`, if there is one that reads (a damaged one is treated as none, and
/// left where it is for a person to look at).
pub fn read(path: &Path) -> Option<Journal> {
    let text = std::fs::read_to_string(path).ok()?;
    super::read_options().from_str(&text).ok()
}

/// Removes the journal at `path`; a missing one is fine.
pub fn remove(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Counts for people: how many records the journal changes against `ds`.
pub fn records_changed(changes: &DiskChanges) -> usize {
    changes.added + changes.changed + changes.removed + changes.conflicts
}
