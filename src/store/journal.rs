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

fn collect<R: Record + Clone>(records: &[R], file: Option<u32>) -> Vec<R> {
    records
        .iter()
        .filter(|r| r.origin().map(|o| o.file) == file)
        .cloned()
        .collect()
}

fn of_kind(ds: &Dataset, kind: Kind, file: Option<u32>) -> Records {
    match kind {
        Kind::Actor => Records::Actors(collect(&ds.actors, file)),
        Kind::Source => Records::Sources(collect(&ds.sources, file)),
        Kind::Event => Records::Events(collect(&ds.events, file)),
        Kind::Claim => Records::Claims(collect(&ds.claims, file)),
    }
}

impl Store {
    /// The journal of `ds`'s unsaved state.
    pub fn journal(&self, ds: &Dataset, edits: usize) -> Journal {
        let mut files = Vec::new();
        for &i in &ds.touched.files {
            let Some(FileEntry {
                rel,
                role: FileRole::Records(kind),
                ..
            }) = self.files.get(i as usize)
            else {
                continue;
            };
            files.push(JournalFile {
                rel: rel.clone(),
                base: self.bases.get(&i).cloned(),
                records: of_kind(ds, *kind, Some(i)),
            });
        }
        let new_records = Kind::ALL
            .iter()
            .map(|&k| of_kind(ds, k, None))
            .filter(|r| r.len() > 0)
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
