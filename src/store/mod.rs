//! Reading, validating and writing dataset folders. No egui here.
//!
//! A dataset is a folder: `dataset.ron` (the manifest) and the records in `actors/`,
//! `sources/`, `events/` and `claims/`, each folder holding one or more `*.ron` files with a
//! list of records. Files are parsed in parallel; a file that fails to parse is reported with
//! its path, line and column, the others still load, and the broken file is never written
//! until it parses again. Saving is deterministic (records sorted by id, one canonical
//! formatting) and atomic per file, and writes only the files whose bytes would change.

pub mod atomic;
pub mod cache;
pub mod conflicts;
pub mod disk;
pub mod git;
pub mod journal;
mod quick;
pub mod sample;
pub mod text;
pub mod watch;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::hash::{Hash, Hasher};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use ron::extensions::Extensions;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::model::edit::AnyRecord;
use crate::model::export::{CLAIMS_CSV_HEADER, claim_row};
use crate::model::filter::Provenance;
use crate::model::merge::{Conflict, Keyed, RecordConflict};
use crate::model::packed;
use crate::model::validate::validate;
use crate::model::{
    Actor, Claim, Dataset, Event, Finding, Kind, Manifest, Origin, Record, Severity, Source,
    Touched,
};

/// The sample dataset bundled with the source.
pub const SAMPLE_DATASET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/dprk-kursk");

/// The manifest's file name inside a dataset folder.
pub const MANIFEST: &str = "dataset.ron";

/// What a file of the dataset holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileRole {
    Manifest,
    Records(Kind),
}

/// One file of a dataset as the store knows it.
#[derive(Debug, Clone)]
pub struct FileEntry {
    /// Path relative to the dataset folder.
    pub rel: PathBuf,
    pub role: FileRole,
    /// Hash of the bytes last read from or written to disk; `None` for a file not yet written.
    disk_hash: Option<u64>,
    /// Why the file could not be read. Such a file is never written.
    pub broken: Option<String>,
    /// The file holds numbers that are not counts (`3.5`, `-5`): it is read, and `check`
    /// reports them, but it is not written until they are fixed by hand — a save would
    /// otherwise change them.
    pub held: bool,
    /// The lines where the file has comments, which the canonical form does not keep: a save
    /// that would drop them asks first ([`SaveError::WouldDropComments`]).
    pub comments: Vec<u32>,
}

impl FileEntry {
    /// A file of the table not read or written yet.
    fn new(rel: PathBuf, role: FileRole) -> FileEntry {
        FileEntry {
            rel,
            role,
            disk_hash: None,
            broken: None,
            held: false,
            comments: Vec::new(),
        }
    }
}

/// Why a dataset could not be opened at all.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}: not a folder")]
    NotAFolder(PathBuf),
    #[error("{0}: no {MANIFEST} here, so this is not a Crosscheck dataset")]
    NoManifest(PathBuf),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("opening was cancelled")]
    Cancelled,
}

/// How far a long read has got (a dataset loading, a file being imported), and a way to
/// stop it; shared with the thread that reads.
#[derive(Debug, Default)]
pub struct Progress {
    /// Bytes read so far.
    pub done: AtomicU64,
    /// Bytes to read in all.
    pub total: AtomicU64,
    /// Set to stop reading.
    pub cancel: AtomicBool,
}

impl Progress {
    /// The fraction read, 0 to 1.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.done.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32
    }
}

/// Why a save did not complete. Files written before the failure stay written.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("changed on disk since they were loaded: {}", list(.0))]
    ChangedOnDisk(Vec<PathBuf>),
    #[error("{path}: could not be written: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: could not be serialized: {message}")]
    Serialize { path: PathBuf, message: String },
    #[error("these files have comments, which a save does not keep: {}", list_lines(.0))]
    WouldDropComments(Vec<(PathBuf, Vec<u32>)>),
}

fn list_lines(files: &[(PathBuf, Vec<u32>)]) -> String {
    files
        .iter()
        .map(|(p, lines)| {
            let l: Vec<String> = lines.iter().map(u32::to_string).collect();
            format!("{} (line {})", p.display(), l.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn list(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a save did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SaveReport {
    /// Files written, as full paths.
    pub written: Vec<PathBuf>,
    /// Files left alone because their bytes would not change.
    pub unchanged: usize,
}

/// How a save treats files changed by someone else since they were loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnConflict {
    /// Refuse to save, naming the files ([`SaveError::ChangedOnDisk`]).
    #[default]
    Refuse,
    /// Overwrite them.
    Overwrite,
}

/// The on-disk side of an open dataset: its folder and its files.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    files: Vec<FileEntry>,
    /// The text of each file with unsaved edits as it was last read or written: the base of
    /// a merge with changes made on disk meanwhile (see `disk.rs`).
    bases: HashMap<u32, String>,
}

/// A dataset as loaded: the store, the records, and the files that could not be read.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub store: Store,
    pub dataset: Dataset,
    /// Problems found while reading (files that do not parse, stray files).
    pub load_findings: Vec<Finding>,
    /// The parse cache it was read through, which also keeps what is derived from the files
    /// (the checks' findings, the search's words: see [`Loaded::derived_key`] and
    /// [`Loaded::provenance`]).
    pub cache: Option<cache::Cache>,
}

impl Loaded {
    /// Every finding: reading problems, then the validation rules, each about a field
    /// pointing at that field's own line.
    pub fn check(&self) -> Vec<Finding> {
        let mut all = self.load_findings.clone();
        all.extend(self.validate());
        self.store.locate_fields(&mut all);
        all
    }

    /// The validation rules' findings: as kept in the cache when the same program last
    /// checked these very files (half a second at a million claims), else found and kept.
    pub fn validate(&self) -> Vec<Finding> {
        let key = self.cache.as_ref().zip(self.derived_key());
        if let Some(kept) = key.and_then(|(cache, key)| cache.get_checks(key)) {
            return kept;
        }
        let found = validate(&self.dataset, self.store.manifest_loaded());
        if let Some((cache, key)) = key {
            cache.put_checks(key, &found);
        }
        found
    }

    /// What the checks' findings depend on, hashed: every file's path, role and content hash,
    /// whether the manifest was read, and the program ([`Loaded::program_key`]). `None` when a
    /// file has no hash or the executable cannot be looked at: they are found again then.
    pub fn derived_key(&self) -> Option<u64> {
        let mut h = rustc_hash::FxHasher::default();
        self.program_key()?.hash(&mut h);
        self.hash_files(&mut h, |_| true)?;
        Some(h.finish())
    }

    /// Hashes into `h` whether the manifest was read, and the path, role and content hash of
    /// every file `which` takes; `None` when one of them has no hash.
    fn hash_files(&self, h: &mut impl Hasher, which: impl Fn(&FileEntry) -> bool) -> Option<()> {
        self.store.manifest_loaded().hash(h);
        for f in self.store.files.iter().filter(|f| which(f)) {
            f.rel.hash(h);
            f.role.hash(h);
            f.disk_hash?.hash(h);
        }
        Some(())
    }

    /// The program, hashed: its version, and its executable's size and modification time
    /// (another build may derive differently). `None` when the executable cannot be looked at.
    pub fn program_key(&self) -> Option<u64> {
        // Looked at once: a build put in place while this one runs is not taken for it.
        static EXE: std::sync::LazyLock<Option<(u64, std::time::SystemTime)>> =
            std::sync::LazyLock::new(|| {
                let exe = fs::metadata(std::env::current_exe().ok()?).ok()?;
                Some((exe.len(), exe.modified().ok()?))
            });
        let exe = (*EXE)?;
        let mut h = rustc_hash::FxHasher::default();
        env!("CARGO_PKG_VERSION").hash(&mut h);
        exe.hash(&mut h);
        Some(h.finish())
    }

    /// Where the dataset's records came from, for the search's kept words: each run of
    /// claims read from one file (its path and content hash, hashed) and how many, and the
    /// other files together. `None` when a claim or a file cannot be placed (a record not
    /// read from a file, a file with no hash): the words are then built and not kept.
    pub fn provenance(&self) -> Option<Provenance> {
        let mut claim_files: Vec<(u64, usize)> = Vec::new();
        let mut last = None;
        for c in &self.dataset.claims {
            let file = c.origin?.file;
            if last == Some(file) {
                claim_files.last_mut()?.1 += 1;
                continue;
            }
            let f = self.store.files.get(usize::try_from(file).ok()?)?;
            let mut h = rustc_hash::FxHasher::default();
            f.rel.hash(&mut h);
            f.disk_hash?.hash(&mut h);
            claim_files.push((h.finish(), 1));
            last = Some(file);
        }
        let mut h = rustc_hash::FxHasher::default();
        self.hash_files(&mut h, |f| f.role != FileRole::Records(Kind::Claim))?;
        Some(Provenance {
            claim_files,
            others: h.finish(),
        })
    }
}

/// The hash of a file's content, indifferent to Windows line ends (`\r\n` counts as `\n`),
/// so that a checkout with CRLF (git's `core.autocrlf`) is not "changed" nor "to reformat".
fn hash(bytes: &[u8]) -> u64 {
    let mut h = ContentHasher::default();
    // A block at a time, so that looking for line ends and hashing read it from the
    // processor's cache, not memory.
    for piece in bytes.chunks(HASH_BLOCK) {
        h.update(piece);
    }
    h.finish()
}

/// How many bytes [`ContentHasher`] hands the hasher at a time.
const HASH_BLOCK: usize = 64 << 10;

/// [`hash`] of bytes given in pieces (as a file is read): the content without the `\r` of
/// each `\r\n` (also of one split between two pieces), hashed in blocks of [`HASH_BLOCK`]
/// bytes and its length. The hasher is handed the same blocks however the bytes come and
/// whatever their line ends; a block without `\r\n` is hashed where it lies, one with them is
/// copied without their `\r`s.
#[derive(Default)]
struct ContentHasher {
    // FxHash: several GB/s, where SipHash took 7 % of reopening a million claims. Not for
    // adversaries — only to tell whether a file's bytes changed.
    h: rustc_hash::FxHasher,
    /// Content not hashed yet, less than a block.
    block: Vec<u8>,
    /// How many bytes of content so far.
    len: usize,
    /// The last piece ended with a `\r`, not taken yet: dropped if a `\n` follows.
    cr: bool,
}

impl ContentHasher {
    fn update(&mut self, mut piece: &[u8]) {
        if piece.is_empty() {
            return;
        }
        if std::mem::take(&mut self.cr) && piece.first() != Some(&b'\n') {
            self.take(b"\r");
        }
        if let Some(rest) = piece.strip_suffix(b"\r") {
            self.cr = true;
            piece = rest;
        }
        let mut kept = 0;
        for cr in memchr::memchr_iter(b'\r', piece) {
            if piece.get(cr + 1) == Some(&b'\n') {
                self.take(&piece[kept..cr]);
                kept = cr + 1;
            }
        }
        self.take(&piece[kept..]);
    }

    /// Takes `content` into the hash, block by block.
    fn take(&mut self, mut content: &[u8]) {
        self.len += content.len();
        while !content.is_empty() {
            if self.block.is_empty() && content.len() >= HASH_BLOCK {
                self.h.write(&content[..HASH_BLOCK]);
                content = &content[HASH_BLOCK..];
                continue;
            }
            let n = (HASH_BLOCK - self.block.len()).min(content.len());
            self.block.extend_from_slice(&content[..n]);
            content = &content[n..];
            if self.block.len() == HASH_BLOCK {
                self.h.write(&self.block);
                self.block.clear();
            }
        }
    }

    fn finish(mut self) -> u64 {
        if self.cr {
            self.take(b"\r");
        }
        if !self.block.is_empty() {
            self.h.write(&self.block);
        }
        self.h.write_usize(self.len);
        self.h.finish()
    }
}

/// The size and [`hash`] of the file at `path`, read a little at a time (into the buffer this
/// thread keeps for the files it reads): what is read is hashed while it is still in the
/// processor's cache.
fn hash_file(path: &Path) -> io::Result<(u64, u64)> {
    use std::io::Read as _;
    let mut file = fs::File::open(path)?;
    FILE_BYTES.with_borrow_mut(|buf| {
        let piece = 4 * HASH_BLOCK;
        if buf.len() < piece {
            buf.resize(piece, 0);
        }
        let mut h = ContentHasher::default();
        let mut size = 0;
        loop {
            let n = match file.read(&mut buf[..piece]) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            size += n as u64;
            h.update(&buf[..n]);
        }
        Ok((size, h.finish()))
    })
}

fn read_options() -> ron::Options {
    ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

fn pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(false)
        .extensions(Extensions::IMPLICIT_SOME)
}

/// The canonical text of a value: ron's pretty form with `\n` line ends, a final newline.
fn canonical<T: Serialize + ?Sized>(value: &T) -> Result<String, ron::Error> {
    let mut s = ron::Options::default().to_string_pretty(value, pretty())?;
    s.push('\n');
    Ok(s)
}

enum Parsed {
    Manifest(Manifest),
    Actors(Vec<Actor>),
    Sources(Vec<Source>),
    Events(Vec<Event>),
    Claims(Vec<Claim>),
}

struct ParseFailure {
    line: u32,
    col: u32,
    message: String,
}

fn parse_records<T: DeserializeOwned + Record>(
    text: &str,
    file: u32,
) -> Result<Vec<T>, ParseFailure> {
    // The form Crosscheck writes is read quickly, which finds where each record's id stands
    // on the way; anything else (and every error) is read by `ron`, and the ids searched for.
    // The long texts are packed a few records at a time, together, as they are read.
    let (Packing(mut records), id_offsets): (Packing<T>, _) =
        packed::reading_unpacked(|| match quick::from_str_with_ids(text) {
            Some(read) => Ok(read),
            None => read_options()
                .from_str(text)
                .map(|r| (r, Vec::new()))
                .map_err(ron_failure),
        })?;
    // The list grew by doubling while it was read: give the slack back now, not after every
    // file of a large dataset has been read.
    records.shrink_to_fit();
    let positions = if id_offsets.len() == records.len() {
        text::line_cols(text, id_offsets)
    } else {
        text::locate_ids(text, records.iter().map(Record::id))
    };
    for (r, (line, col)) in records.iter_mut().zip(positions) {
        r.set_origin(Some(Origin { file, line, col }));
    }
    Ok(records)
}

/// A file's records, their long texts packed a few records at a time as they are read (see
/// `packed::reading_unpacked`): together, which is faster, and while they are still in the
/// processor's cache.
struct Packing<T>(Vec<T>);

impl<'de, T: serde::Deserialize<'de> + Record> serde::Deserialize<'de> for Packing<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Packing<T>, D::Error> {
        struct Visit<T>(std::marker::PhantomData<T>);
        impl<'de, T: serde::Deserialize<'de> + Record> serde::de::Visitor<'de> for Visit<T> {
            type Value = Packing<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of records")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Packing<T>, A::Error> {
                const EVERY: usize = 64;
                let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                let mut packed = 0;
                let pack = |records: &mut [T]| {
                    let mut texts = Vec::with_capacity(4 * records.len());
                    for r in records {
                        r.texts_mut(&mut |t| texts.push(t));
                    }
                    packed::pack_all(texts);
                };
                while let Some(r) = seq.next_element()? {
                    records.push(r);
                    if records.len() - packed == EVERY {
                        pack(&mut records[packed..]);
                        packed = records.len();
                    }
                }
                pack(&mut records[packed..]);
                Ok(Packing(records))
            }
        }
        d.deserialize_seq(Visit(std::marker::PhantomData))
    }
}

fn ron_failure(e: ron::error::SpannedError) -> ParseFailure {
    ParseFailure {
        line: u32::try_from(e.span.start.line).unwrap_or(u32::MAX),
        col: u32::try_from(e.span.start.col).unwrap_or(u32::MAX),
        message: e.code.to_string(),
    }
}

/// A file's records (our side's, for a file with conflict markers) and its conflicts.
type ParsedFile = (Parsed, Vec<RecordConflict>);

/// What reading a file found besides its records: the hash of its bytes, and the lines where
/// comments start.
#[derive(Debug, Default)]
struct ReadInfo {
    hash: Option<u64>,
    comments: Vec<u32>,
}

/// A buffer a thread keeps for the files it reads (see [`with_file_read`]).
pub(crate) type KeptBuffer = std::thread::LocalKey<std::cell::RefCell<Vec<u8>>>;

/// Reads the file at `path` into `buffer`, a buffer this thread keeps, and hands its bytes to
/// `use_bytes`. Opening a dataset reads every file: a gigabyte of fresh memory per open would
/// cost more in the system's page faults than the reading. A buffer grown for an unusually
/// large file is not kept.
pub(crate) fn with_file_read<T>(
    buffer: &'static KeptBuffer,
    path: &Path,
    use_bytes: impl FnOnce(io::Result<&[u8]>) -> T,
) -> T {
    use std::io::Read as _;
    buffer.with_borrow_mut(|buf| {
        buf.clear();
        let read = fs::File::open(path).and_then(|mut f| {
            let size = f.metadata().map_or(0, |m| m.len());
            buf.reserve(usize::try_from(size).unwrap_or(0));
            f.read_to_end(buf)
        });
        let out = use_bytes(read.map(|_| buf.as_slice()));
        if buf.capacity() > 64 << 20 {
            *buf = Vec::new();
        }
        out
    })
}

thread_local! {
    /// The record file this thread is reading.
    static FILE_BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn parse_file(
    root: &Path,
    rel: &Path,
    role: FileRole,
    file: u32,
    cache: Option<&cache::Cache>,
) -> (ReadInfo, Result<ParsedFile, ParseFailure>) {
    let path = root.join(rel);
    // With an entry in the cache, the file is first only hashed: when the entry has its
    // records, that is all it is read for. Otherwise it is read whole and hashed again (it
    // may have changed in between: the hash kept is that of the bytes parsed).
    if let (Some(c), FileRole::Records(kind)) = (cache, role)
        && c.has_entry(rel)
        && let Ok((size, content_hash)) = hash_file(&path)
    {
        let hit = match kind {
            Kind::Actor => c.get(rel, file, size, content_hash).map(Parsed::Actors),
            Kind::Source => c.get(rel, file, size, content_hash).map(Parsed::Sources),
            Kind::Event => c.get(rel, file, size, content_hash).map(Parsed::Events),
            Kind::Claim => c.get(rel, file, size, content_hash).map(Parsed::Claims),
        };
        if let Some(p) = hit {
            let info = ReadInfo {
                hash: Some(content_hash),
                comments: Vec::new(),
            };
            return (info, Ok((p, Vec::new())));
        }
        // Stale (or foreign): removed, so that a file that is no longer cached (it now has
        // comments or conflicts) is not hashed twice on every open.
        c.forget(rel);
    }
    with_file_read(&FILE_BYTES, &path, |bytes| {
        parse_bytes(bytes, rel, role, file, cache)
    })
}

fn parse_bytes(
    bytes: io::Result<&[u8]>,
    rel: &Path,
    role: FileRole,
    file: u32,
    cache: Option<&cache::Cache>,
) -> (ReadInfo, Result<ParsedFile, ParseFailure>) {
    let bytes = match bytes {
        Ok(b) => b,
        Err(e) => {
            let fail = ParseFailure {
                line: 1,
                col: 1,
                message: format!("could not be read: {e}"),
            };
            return (ReadInfo::default(), Err(fail));
        }
    };
    let content_hash = hash(bytes);
    let mut h = ReadInfo {
        hash: Some(content_hash),
        comments: Vec::new(),
    };
    let size = bytes.len() as u64;
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let (line, col) = text::line_col(std::str::from_utf8(valid).unwrap_or(""), valid.len());
            let fail = ParseFailure {
                line,
                col,
                message: "invalid UTF-8: files must be UTF-8 text".into(),
            };
            return (h, Err(fail));
        }
    };
    let text = conflicts::normalize(text);
    // Only a text with `//` or `/*` somewhere (a URL, say) is scanned for comments: one
    // search for a slash (none in most record files), not one for each pair.
    let slashes = text.as_bytes();
    if memchr::memchr_iter(b'/', slashes).any(|i| matches!(slashes.get(i + 1), Some(b'/' | b'*'))) {
        h.comments = text::comment_lines(&text);
    }
    if let Some(sides) = conflicts::split_markers(&text) {
        return (h, parse_conflicted(&text, &sides, role, file));
    }
    let text = text.as_ref();
    let parsed = match role {
        FileRole::Manifest => parse_manifest(text, file).map(Parsed::Manifest),
        FileRole::Records(Kind::Actor) => parse_records(text, file).map(Parsed::Actors),
        FileRole::Records(Kind::Source) => parse_records(text, file).map(Parsed::Sources),
        FileRole::Records(Kind::Event) => parse_records(text, file).map(Parsed::Events),
        FileRole::Records(Kind::Claim) => parse_records(text, file).map(Parsed::Claims),
    };
    // A file read cleanly is cached for the next open (not one with comments, which a
    // cache hit would not report, nor one with figures that are not counts).
    if let (Some(c), Ok(p)) = (cache, &parsed)
        && h.comments.is_empty()
    {
        match p {
            Parsed::Actors(v) => c.put(rel, size, content_hash, v),
            Parsed::Sources(v) => c.put(rel, size, content_hash, v),
            Parsed::Events(v) => c.put(rel, size, content_hash, v),
            Parsed::Claims(v) if !v.iter().any(|c| c.value.unread.is_some()) => {
                c.put(rel, size, content_hash, v);
            }
            Parsed::Claims(_) | Parsed::Manifest(_) => {}
        }
    }
    (h, parsed.map(|p| (p, Vec::new())))
}

fn parse_manifest(text: &str, file: u32) -> Result<Manifest, ParseFailure> {
    read_options()
        .from_str::<Manifest>(text)
        .map_err(ron_failure)
        .map(|mut m| {
            m.origin = Some(Origin {
                file,
                line: 1,
                col: 1,
            });
            let ids: Vec<&str> = m.metrics.iter().map(|x| x.id.as_str()).collect();
            let pos = text::locate_ids(text, ids.into_iter());
            for (metric, (line, col)) in m.metrics.iter_mut().zip(pos) {
                metric.origin = Some(Origin { file, line, col });
            }
            let ids: Vec<&str> = m.event_types.iter().map(|x| x.id.as_str()).collect();
            let pos = text::locate_ids(text, ids.into_iter());
            for (term, (line, col)) in m.event_types.iter_mut().zip(pos) {
                term.origin = Some(Origin { file, line, col });
            }
            m
        })
}

/// A parse failure in one side of a file with conflict markers, pointed at the file's own
/// line when the side's lines are known.
fn in_file(mut f: ParseFailure, lines: Option<&[u32]>) -> ParseFailure {
    if let Some(l) = lines.and_then(|l| l.get((f.line as usize).saturating_sub(1))) {
        f.line = *l;
    }
    f.message = format!("{} (in a file with merge conflict markers)", f.message);
    f
}

/// A file with conflict markers: our side is loaded (each record where it stands in the
/// file), and every record the sides disagree on is a conflict to resolve. The manifest's
/// conflicts are resolved in a text editor: its file is then not written.
fn parse_conflicted(
    text: &str,
    sides: &conflicts::Sides,
    role: FileRole,
    file: u32,
) -> Result<ParsedFile, ParseFailure> {
    // Ron's positions are in the side's text: point them at the file's lines.
    let kind = match role {
        FileRole::Manifest => {
            parse_manifest(&sides.ours, file).map_err(|f| in_file(f, Some(&sides.ours_lines)))?;
            parse_manifest(&sides.theirs, file).map_err(|f| in_file(f, None))?;
            let line = sides.starts.first().copied().unwrap_or(1);
            return Err(ParseFailure {
                line,
                col: 1,
                message: format!(
                    "merge conflict in the manifest ({} conflict(s) between git's markers): resolve it in a text editor",
                    sides.starts.len(),
                ),
            });
        }
        FileRole::Records(k) => k,
    };
    fn both<T: DeserializeOwned + Record + Keyed>(
        text: &str,
        sides: &conflicts::Sides,
        file: u32,
        kind: Kind,
        wrap: fn(T) -> AnyRecord,
    ) -> Result<(Vec<T>, Vec<RecordConflict>), ParseFailure> {
        let fix = in_file;
        let mut ours: Vec<T> =
            parse_records(&sides.ours, file).map_err(|f| fix(f, Some(&sides.ours_lines)))?;
        let theirs: Vec<T> = parse_records(&sides.theirs, file).map_err(|f| fix(f, None))?;
        let base: Vec<T> = match &sides.base {
            Some(b) => parse_records(b, file).map_err(|f| fix(f, None))?,
            None => Vec::new(),
        };
        for r in &mut ours {
            if let Some(mut o) = r.origin() {
                o.line = sides
                    .ours_lines
                    .get((o.line as usize).saturating_sub(1))
                    .copied()
                    .unwrap_or(o.line);
                r.set_origin(Some(o));
            }
        }
        let index = |v: &[T]| -> std::collections::BTreeMap<String, usize> {
            v.iter()
                .enumerate()
                .map(|(i, r)| (r.key().to_string(), i))
                .collect()
        };
        let (oi, ti, bi) = (index(&ours), index(&theirs), index(&base));
        let ids: std::collections::BTreeSet<&String> = oi.keys().chain(ti.keys()).collect();
        let mut found = Vec::new();
        for id in ids {
            let o = oi.get(id).map(|&i| &ours[i]);
            let t = ti.get(id).map(|&i| &theirs[i]);
            let same = match (o, t) {
                (Some(o), Some(t)) => crate::model::merge::same(o, t),
                _ => false,
            };
            if same {
                continue;
            }
            let at = match o.and_then(Record::origin) {
                Some(at) => at,
                None => {
                    let (line, col) = text::locate_ids(text, std::iter::once(id.as_str()))
                        .first()
                        .copied()
                        .unwrap_or((1, 1));
                    Origin { file, line, col }
                }
            };
            let b = sides
                .base
                .as_ref()
                .and(bi.get(id))
                .map(|&i| base[i].clone());
            let c = Conflict::between(b, o.cloned(), t.cloned());
            found.push(RecordConflict::new(kind, at, c, wrap));
        }
        Ok((ours, found))
    }
    Ok(match kind {
        Kind::Actor => {
            let (r, c) = both(text, sides, file, kind, AnyRecord::Actor)?;
            (Parsed::Actors(r), c)
        }
        Kind::Source => {
            let (r, c) = both(text, sides, file, kind, AnyRecord::Source)?;
            (Parsed::Sources(r), c)
        }
        Kind::Event => {
            let (r, c) = both(text, sides, file, kind, AnyRecord::Event)?;
            (Parsed::Events(r), c)
        }
        Kind::Claim => {
            let (r, c) = both(text, sides, file, kind, AnyRecord::Claim)?;
            (Parsed::Claims(r), c)
        }
    })
}

/// What the walk of a dataset's folders found besides its files.
#[derive(Default)]
struct Walk {
    /// `*.ron` files, relative to the root, sorted.
    files: Vec<PathBuf>,
    /// Symbolic links, relative to the root: never followed.
    links: Vec<PathBuf>,
    /// Temporary files of interrupted saves, relative to the root.
    temporary: Vec<PathBuf>,
    /// Files and folders whose names differ from what is read only in case (`2025.RON`,
    /// `Claims/`): read on Windows and macOS, not on Linux, so reported everywhere.
    case_only: Vec<(PathBuf, String)>,
}

/// Walks `dir` (relative to `root`) for `*.ron` files. Hidden files are skipped; symbolic
/// links are never followed (so the walk never leaves the dataset folder and never loops),
/// only listed.
fn walk(root: &Path, dir: &Path, out: &mut Walk) -> Result<(), StoreError> {
    let full = root.join(dir);
    match fs::symlink_metadata(&full) {
        Ok(m) if m.file_type().is_symlink() => {
            out.links.push(dir.to_path_buf());
            return Ok(());
        }
        Ok(m) if m.is_dir() => {}
        _ => return Ok(()),
    }
    let io_err = |source| StoreError::Io {
        path: full.clone(),
        source,
    };
    let mut entries: Vec<_> = fs::read_dir(&full)
        .map_err(io_err)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(io_err)?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        let rel = dir.join(&name);
        let text = name.to_string_lossy();
        if atomic::is_temporary(&text) {
            out.temporary.push(rel);
            continue;
        }
        if text.starts_with('.') {
            continue;
        }
        let ty = e.file_type().map_err(io_err)?;
        if ty.is_symlink() {
            out.links.push(rel);
        } else if ty.is_dir() {
            walk(root, &rel, out)?;
        } else if Path::new(&name).extension().is_some_and(|x| x == "ron") {
            out.files.push(rel);
        } else if Path::new(&name)
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("ron"))
        {
            let mut want = PathBuf::from(&name);
            want.set_extension("ron");
            out.case_only.push((rel, want.display().to_string()));
        }
    }
    Ok(())
}

/// Whether `dir` holds a file named `name` in another case (`2025.RON` for `2025.ron`): the
/// same file on Windows and macOS, so a new file is never given that name.
fn taken_on_disk(dir: &Path, name: &str) -> bool {
    fs::read_dir(dir).is_ok_and(|rd| {
        rd.flatten().any(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            n != name && n.eq_ignore_ascii_case(name)
        })
    })
}

/// Refuses a path inside the dataset that passes through a symbolic link: nothing is ever
/// written outside the dataset folder.
fn check_inside(root: &Path, rel: &Path) -> io::Result<()> {
    let mut at = root.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for part in parts.iter().take(parts.len().saturating_sub(1)) {
        at.push(part);
        if fs::symlink_metadata(&at).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} is a symbolic link: Crosscheck writes nothing outside the dataset folder",
                    at.display()
                ),
            ));
        }
    }
    Ok(())
}

impl Store {
    /// Opens the dataset folder `root`. Fails only when the folder is not a dataset at all;
    /// files that do not parse are reported in [`Loaded::load_findings`].
    pub fn load(root: &Path) -> Result<Loaded, StoreError> {
        Store::load_with(root, &Progress::default())
    }

    /// Like [`Store::load`], reporting the bytes read so far in `progress` and stopping with
    /// [`StoreError::Cancelled`] as soon as its `cancel` flag is set.
    pub fn load_with(root: &Path, progress: &Progress) -> Result<Loaded, StoreError> {
        Store::load_cached(root, progress, None)
    }

    /// Like [`Store::load_with`], taking the records of files parsed before from `cache`
    /// (and keeping those of files parsed now there).
    pub fn load_cached(
        root: &Path,
        progress: &Progress,
        cache: Option<&cache::Cache>,
    ) -> Result<Loaded, StoreError> {
        if !root.is_dir() {
            return Err(StoreError::NotAFolder(root.to_path_buf()));
        }
        if !root.join(MANIFEST).is_file() {
            return Err(StoreError::NoManifest(root.to_path_buf()));
        }
        if let Some(c) = cache {
            c.mark_used_and_prune();
        }
        let mut files = vec![FileEntry::new(PathBuf::from(MANIFEST), FileRole::Manifest)];
        let mut found = Walk::default();
        for kind in Kind::ALL {
            let mut w = Walk::default();
            walk(root, Path::new(kind.folder()), &mut w)?;
            found.links.extend(w.links);
            found.temporary.extend(w.temporary);
            found.case_only.extend(w.case_only);
            files.extend(
                w.files
                    .into_iter()
                    .map(|rel| FileEntry::new(rel, FileRole::Records(kind))),
            );
        }
        let sizes: Vec<u64> = files
            .iter()
            .map(|f| fs::metadata(root.join(&f.rel)).map_or(0, |m| m.len()))
            .collect();
        progress.total.store(sizes.iter().sum(), Ordering::Relaxed);
        // Each reading thread takes the next file not yet taken, in file order, and hands its
        // records to this thread, which moves them into the dataset in file order as soon as
        // the files before have been moved: a file's lists are freed (and their memory
        // reused) soon after it is read, so the records are never all held twice — at most a
        // few files' besides the dataset. No thread waits for a batch's slowest file. The
        // dataset's lists are reserved from the files' sizes (generously: untouched reserved
        // memory is not resident) and trimmed at the end.
        let mut dataset = Dataset::default();
        let bytes_of = |kind: Kind| -> usize {
            files
                .iter()
                .zip(&sizes)
                .filter(|(f, _)| f.role == FileRole::Records(kind))
                .map(|(_, &n)| usize::try_from(n).unwrap_or(usize::MAX))
                .sum()
        };
        /// Fewer bytes than any record of a kind takes in a file.
        const MIN_RECORD_BYTES: usize = 64;
        dataset
            .claims
            .reserve(bytes_of(Kind::Claim) / MIN_RECORD_BYTES);
        dataset
            .events
            .reserve(bytes_of(Kind::Event) / MIN_RECORD_BYTES);
        let threads = rayon::current_num_threads().max(1);
        let mut results = Vec::with_capacity(files.len());
        // Files whose numbers are not all counts: read, but not written.
        let mut held_files = Vec::new();
        let mut absorb = |(h, r): (ReadInfo, Result<ParsedFile, Option<ParseFailure>>)| {
            let r = r.map(|(p, c)| {
                dataset.conflicts.extend(c);
                p
            });
            results.push((
                h,
                match r {
                    Ok(Parsed::Actors(v)) => {
                        dataset.actors.extend(v);
                        Ok(None)
                    }
                    Ok(Parsed::Sources(v)) => {
                        dataset.sources.extend(v);
                        Ok(None)
                    }
                    Ok(Parsed::Events(v)) => {
                        dataset.events.extend(v);
                        Ok(None)
                    }
                    Ok(Parsed::Claims(v)) => {
                        if v.iter().any(|c| c.value.unread.is_some()) {
                            held_files.push(results.len());
                        }
                        dataset.claims.extend(v);
                        Ok(None)
                    }
                    Ok(Parsed::Manifest(m)) => Ok(Some(m)),
                    Err(f) => Err(f),
                },
            ));
        };
        let taken = AtomicUsize::new(0);
        // Room for a file per reader besides the one each reads: a reader ahead waits.
        let (send, receive) = std::sync::mpsc::sync_channel(threads);
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let send = send.clone();
                let (taken, files, sizes) = (&taken, &files, &sizes);
                scope.spawn(move || {
                    loop {
                        let i = taken.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        let read = if progress.cancel.load(Ordering::Relaxed) {
                            (ReadInfo::default(), Err(None))
                        } else {
                            let (h, r) = parse_file(
                                root,
                                &f.rel,
                                f.role,
                                u32::try_from(i).unwrap_or(u32::MAX),
                                cache,
                            );
                            progress.done.fetch_add(sizes[i], Ordering::Relaxed);
                            (h, r.map_err(Some))
                        };
                        if send.send((i, read)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(send);
            // Files read out of order wait here for those before them.
            let mut waiting = std::collections::BTreeMap::new();
            let mut next = 0;
            for (i, read) in receive {
                waiting.insert(i, read);
                while let Some(read) = waiting.remove(&next) {
                    absorb(read);
                    next += 1;
                }
            }
        });
        if progress.cancel.load(Ordering::Relaxed) {
            return Err(StoreError::Cancelled);
        }
        // Trimmed to what was read, with room for a few new records: a new record at a
        // full list would move the whole list (0.4 GB at a million claims; where the system's
        // allocator cannot remap it, a copy of a second or more, and both copies held).
        let room = |n: usize| n + n / 64 + 64;
        dataset.claims.shrink_to(room(dataset.claims.len()));
        dataset.events.shrink_to(room(dataset.events.len()));
        // The readers' buffers and the batches' lists, freed on the reading threads: given
        // back before the checks and the index allocate.
        crate::memory::give_back_freed_memory();

        for i in held_files {
            if let Some(f) = files.get_mut(i) {
                f.held = true;
            }
        }
        let mut load_findings = Vec::new();
        for (i, (info, parsed)) in results.into_iter().enumerate() {
            let entry = &mut files[i];
            entry.disk_hash = info.hash;
            for line in &info.comments {
                load_findings.push(Finding {
                    severity: Severity::Warning,
                    at: Some(Origin {
                        file: u32::try_from(i).unwrap_or(u32::MAX),
                        line: *line,
                        col: 1,
                    }),
                    record: None,
                    message: "a comment: saving this file would drop it (Crosscheck's files keep no comments; move it into a record's notes)".into(),
                    related: None,
                    field: None,
                });
            }
            entry.comments = info.comments;
            match parsed {
                Ok(Some(m)) => dataset.manifest = m,
                Ok(None) | Err(None) => {}
                Err(Some(f)) => {
                    let noun = match entry.role {
                        FileRole::Manifest => "the manifest".to_string(),
                        FileRole::Records(k) => format!("this {} file", k.noun()),
                    };
                    entry.broken = Some(f.message.clone());
                    load_findings.push(Finding {
                        severity: Severity::Error,
                        at: Some(Origin {
                            file: u32::try_from(i).unwrap_or(u32::MAX),
                            line: f.line,
                            col: f.col,
                        }),
                        record: None,
                        message: format!(
                            "{} (none of {noun}'s records were loaded, and it will not be written until it parses)",
                            f.message
                        ),
                        related: None,
                        field: None,
                    });
                }
            }
        }
        let mut stray = Vec::new();
        if let Ok(rd) = fs::read_dir(root) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().to_string();
                let expected = Kind::ALL
                    .iter()
                    .map(|k| k.folder())
                    .chain([MANIFEST])
                    .find(|n| n.eq_ignore_ascii_case(&name) && *n != name);
                if let Some(n) = expected {
                    found.case_only.push((PathBuf::from(&name), n.to_string()));
                } else if atomic::is_temporary(&name) {
                    found.temporary.push(PathBuf::from(&name));
                } else if name.starts_with("._") {
                    // macOS's AppleDouble files on exFAT and network drives: not ours.
                } else if e.file_type().is_ok_and(|t| t.is_file())
                    && name.ends_with(".ron")
                    && name != MANIFEST
                {
                    stray.push(name);
                }
            }
        }
        stray.sort();
        let warn = |message: String| Finding {
            severity: Severity::Warning,
            at: None,
            record: None,
            message,
            related: None,
            field: None,
        };
        for (rel, want) in &found.case_only {
            load_findings.push(warn(format!(
                "{} is not read: its name differs from `{want}` only in case (Windows and macOS would read it, Linux does not); rename it to `{want}`",
                rel.display()
            )));
        }
        for link in &found.links {
            load_findings.push(warn(format!(
                "{} is a symbolic link: skipped (Crosscheck reads and writes only the files inside the dataset folder, and follows no links)",
                link.display()
            )));
        }
        // Temporary files of a save that was interrupted (a crash, a kill): the files they
        // were to replace are whole (old or new), so these are only litter.
        let mut removed = Vec::new();
        for t in &found.temporary {
            if fs::remove_file(root.join(t)).is_ok() {
                removed.push(t.display().to_string());
            }
        }
        if !removed.is_empty() {
            load_findings.push(warn(format!(
                "removed {} temporary file(s) left by an interrupted save: {}",
                removed.len(),
                removed.join(", ")
            )));
        }
        let store = Store {
            root: root.to_path_buf(),
            files,
            bases: HashMap::new(),
        };
        for name in stray {
            load_findings.push(Finding {
                severity: Severity::Warning,
                at: None,
                record: None,
                message: format!(
                    "{name} is ignored: records belong in actors/, sources/, events/ or claims/"
                ),
                related: None,
                field: None,
            });
        }
        Ok(Loaded {
            store,
            dataset,
            load_findings,
            cache: cache.cloned(),
        })
    }

    /// Points each finding about a field at the field's line and column (reading each file
    /// concerned once).
    pub fn locate_fields(&self, findings: &mut [Finding]) {
        let mut by_file: HashMap<u32, Vec<usize>> = HashMap::new();
        for (i, f) in findings.iter().enumerate() {
            if let (Some(_), Some(at)) = (f.field, f.at) {
                by_file.entry(at.file).or_default().push(i);
            }
        }
        for (file, items) in by_file {
            let Ok(text) = fs::read_to_string(self.path_of(file)) else {
                continue;
            };
            let text = conflicts::normalize(&text);
            for i in items {
                let f = &mut findings[i];
                if let (Some(field), Some(at)) = (f.field, f.at.as_mut())
                    && let Some((line, col)) = text::field_position(&text, at.line, field)
                {
                    at.line = line;
                    at.col = col;
                }
            }
        }
    }

    /// The dataset folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Every file of the dataset.
    pub fn files(&self) -> &[FileEntry] {
        &self.files
    }

    /// Whether the manifest was read.
    pub fn manifest_loaded(&self) -> bool {
        self.files
            .iter()
            .any(|f| f.role == FileRole::Manifest && f.broken.is_none())
    }

    /// The full path of a file of the table.
    pub fn path_of(&self, file: u32) -> PathBuf {
        match self.files.get(file as usize) {
            Some(f) => self.root.join(&f.rel),
            None => self.root.clone(),
        }
    }

    /// `path:line:col: error: message`, the form every finding is printed in.
    pub fn describe(&self, f: &Finding) -> String {
        let (path, line, col) = match f.at {
            Some(o) => (self.path_of(o.file), o.line, o.col),
            None => (self.root.join(MANIFEST), 1, 1),
        };
        let mut s = format!(
            "{}:{line}:{col}: {}: {}",
            path.display(),
            f.severity.as_str(),
            f.message
        );
        if let Some(r) = f.related {
            write!(
                s,
                " (see {}:{}:{})",
                self.path_of(r.file).display(),
                r.line,
                r.col
            )
            .ok();
        }
        s
    }

    /// Gives every record that has no file (or whose file is broken) one, by kind and date,
    /// adding new file entries as needed and noting the files as touched.
    fn assign<R: Record>(&mut self, records: &mut [R], touched: &mut Touched) {
        let homeless: Vec<usize> = records
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                !r.origin().is_some_and(|o| {
                    self.files
                        .get(o.file as usize)
                        .is_some_and(|f| f.broken.is_none() && f.role == FileRole::Records(R::KIND))
                })
            })
            .map(|(i, _)| i)
            .collect();
        if homeless.is_empty() {
            return;
        }
        // Years with many records of this kind are split by month, so that a save after one
        // edit rewrites a small file.
        let mut per_year: HashMap<Option<i32>, usize> = HashMap::new();
        for r in records.iter() {
            *per_year.entry(year_of(r.primary_date())).or_default() += 1;
        }
        for i in homeless {
            let r = &mut records[i];
            let date = r.primary_date();
            let by_month = per_year
                .get(&year_of(date))
                .is_some_and(|&n| n > MONTHLY_ABOVE);
            let file = self.default_file(R::KIND, shard_name(R::KIND, date, by_month));
            touched.files.insert(file);
            r.set_origin(Some(Origin {
                file,
                line: 0,
                col: 0,
            }));
        }
    }

    /// Marks every file as touched, so that the next save renders each one (`fmt`).
    pub fn touch_all(&self, ds: &mut Dataset) {
        ds.touched.manifest = true;
        ds.touched
            .files
            .extend((0..self.files.len()).filter_map(|i| u32::try_from(i).ok()));
    }

    fn default_file(&mut self, kind: Kind, name: String) -> u32 {
        // `name` may hold a subfolder (`2024/2024-03`): joined part by part, so that paths
        // compare equal to those read from disk on every platform.
        let mut parts: Vec<&str> = name.split('/').collect();
        let base = parts.pop().unwrap_or("records");
        let folder = parts
            .iter()
            .fold(Path::new(kind.folder()).to_path_buf(), |p, c| p.join(c));
        let mut n = 1;
        loop {
            let file_name = if n == 1 {
                format!("{base}.ron")
            } else {
                format!("{base}-{n}.ron")
            };
            let rel = folder.join(&file_name);
            match self.files.iter().position(|f| f.rel == rel) {
                Some(i) if self.files[i].broken.is_none() && !self.files[i].held => {
                    return u32::try_from(i).unwrap_or(u32::MAX);
                }
                Some(_) => n += 1,
                None if taken_on_disk(&self.root.join(&folder), &file_name) => n += 1,
                None => {
                    self.files
                        .push(FileEntry::new(rel, FileRole::Records(kind)));
                    return u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX);
                }
            }
        }
    }

    /// The canonical text of each writable file whose bytes differ from what was last read
    /// or written. Records without a file are given one first. Only files that edits have
    /// touched ([`Dataset::touched`]) or that were never written are rendered, so a save after
    /// one edit costs one file, whatever the size of the dataset; a touched file whose text
    /// comes out as it is on disk (an edit undone) is left alone.
    pub fn pending(&mut self, ds: &mut Dataset) -> Result<Vec<(usize, String)>, SaveError> {
        let mut touched = std::mem::take(&mut ds.touched);
        self.assign(&mut ds.actors, &mut touched);
        self.assign(&mut ds.sources, &mut touched);
        self.assign(&mut ds.events, &mut touched);
        self.assign(&mut ds.claims, &mut touched);
        ds.touched = touched;
        let candidates: Vec<usize> = (0..self.files.len())
            .filter(|&i| {
                let f = &self.files[i];
                f.broken.is_none()
                    && !f.held
                    && !ds.conflicts.iter().any(|c| c.at.file as usize == i)
                    && (f.disk_hash.is_none()
                        || u32::try_from(i).is_ok_and(|i| ds.touched.files.contains(&i))
                        || (f.role == FileRole::Manifest && ds.touched.manifest))
            })
            .collect();
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        // Each file's records, found in one pass over the dataset.
        let roles: Vec<FileRole> = self.files.iter().map(|f| f.role).collect();
        let members = Members::of(ds, &roles, &candidates);
        let texts: Vec<(usize, Result<String, ron::Error>)> = candidates
            .into_par_iter()
            .map(|i| (i, self.render(ds, &members, i)))
            .collect();
        let mut out = Vec::new();
        for (i, text) in texts {
            let text = text.map_err(|e| SaveError::Serialize {
                path: self.root.join(&self.files[i].rel),
                message: e.to_string(),
            })?;
            if self.files[i].disk_hash != Some(hash(text.as_bytes())) {
                out.push((i, text));
            } else {
                self.settled(ds, i);
            }
        }
        Ok(out)
    }

    /// File `i` is as on disk: no longer touched.
    fn settled(&self, ds: &mut Dataset, i: usize) {
        if let Ok(f) = u32::try_from(i) {
            ds.touched.files.remove(&f);
        }
        if self.files[i].role == FileRole::Manifest {
            ds.touched.manifest = false;
        }
    }

    fn render(&self, ds: &Dataset, members: &Members, file: usize) -> Result<String, ron::Error> {
        fn sorted<'a, R: Record>(records: &'a [R], mine: &[usize]) -> Vec<&'a R> {
            let mut v: Vec<&R> = mine.iter().filter_map(|&i| records.get(i)).collect();
            v.sort_by(|a, b| a.id().cmp(b.id()).then(a.origin().cmp(&b.origin())));
            v
        }
        let mine = members.of_file(file);
        match self.files[file].role {
            FileRole::Manifest => canonical(&ds.manifest),
            FileRole::Records(Kind::Actor) => canonical(&sorted(&ds.actors, mine)),
            FileRole::Records(Kind::Source) => canonical(&sorted(&ds.sources, mine)),
            FileRole::Records(Kind::Event) => canonical(&sorted(&ds.events, mine)),
            FileRole::Records(Kind::Claim) => canonical(&sorted(&ds.claims, mine)),
        }
    }

    /// Writes every file whose canonical bytes changed, each atomically. Broken files are
    /// never written. Files changed on disk since they were loaded are refused unless
    /// `on_conflict` says to overwrite them.
    pub fn save(
        &mut self,
        ds: &mut Dataset,
        on_conflict: OnConflict,
    ) -> Result<SaveReport, SaveError> {
        let pending = self.pending(ds)?;
        let mut report = SaveReport {
            written: Vec::new(),
            unchanged: self.files.iter().filter(|f| f.broken.is_none()).count() - pending.len(),
        };
        let commented: Vec<(PathBuf, Vec<u32>)> = pending
            .iter()
            .map(|(i, _)| &self.files[*i])
            .filter(|f| !f.comments.is_empty())
            .map(|f| (self.root.join(&f.rel), f.comments.clone()))
            .collect();
        if !commented.is_empty() {
            return Err(SaveError::WouldDropComments(commented));
        }
        if on_conflict == OnConflict::Refuse {
            let changed: Vec<PathBuf> = pending
                .iter()
                .map(|(i, _)| &self.files[*i])
                .filter(|f| self.changed_on_disk(f))
                .map(|f| self.root.join(&f.rel))
                .collect();
            if !changed.is_empty() {
                return Err(SaveError::ChangedOnDisk(changed));
            }
        }
        for (i, text) in pending {
            let path = self.root.join(&self.files[i].rel);
            write_file(&self.root, &self.files[i].rel, &text)?;
            self.written(ds, i, &text);
            report.written.push(path);
        }
        Ok(report)
    }

    /// Records that file `i` now holds `text`: its hash, where its records stand, and that
    /// it is no longer touched.
    fn written(&mut self, ds: &mut Dataset, i: usize, text: &str) {
        self.files[i].disk_hash = Some(hash(text.as_bytes()));
        if let Ok(f) = u32::try_from(i) {
            self.bases.remove(&f);
        }
        relocate(ds, &self.files[i], i, text);
        self.settled(ds, i);
    }

    /// Consent to drop the comments of every file that has them, at the next save.
    pub fn drop_comments(&mut self) {
        for f in &mut self.files {
            f.comments.clear();
        }
    }

    /// Leaves the files with comments alone at the next saves (as `fmt` does unless told to
    /// drop them); returns them.
    pub fn hold_commented(&mut self) -> Vec<(PathBuf, Vec<u32>)> {
        let mut out = Vec::new();
        for f in &mut self.files {
            if !f.comments.is_empty() {
                f.held = true;
                out.push((self.root.join(&f.rel), f.comments.clone()));
            }
        }
        out
    }

    /// True when the file on disk is no longer what was loaded or last saved.
    fn changed_on_disk(&self, f: &FileEntry) -> bool {
        match (fs::read(self.root.join(&f.rel)), f.disk_hash) {
            (Ok(bytes), Some(h)) => hash(&bytes) != h,
            (Ok(_), None) => true,
            (Err(e), Some(_)) => e.kind() == io::ErrorKind::NotFound,
            (Err(_), None) => false,
        }
    }
}

/// Writes one file atomically, making its folder if needed.
fn write_file(root: &Path, rel: &Path, text: &str) -> Result<(), SaveError> {
    let path = &root.join(rel);
    let io_err = |source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    };
    check_inside(root, rel).map_err(io_err)?;
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(io_err)?;
    }
    atomic::write_atomic(path, text.as_bytes()).map_err(io_err)
}

/// Updates the line and column of the records of a file just written.
fn relocate(ds: &mut Dataset, entry: &FileEntry, file: usize, text: &str) {
    fn go<R: Record>(records: &mut [R], file: usize, text: &str) {
        let mut mine: Vec<&mut R> = records
            .iter_mut()
            .filter(|r| r.origin().is_some_and(|o| o.file as usize == file))
            .collect();
        mine.sort_by(|a, b| a.id().cmp(b.id()).then(a.origin().cmp(&b.origin())));
        let pos = text::locate_ids(text, mine.iter().map(|r| r.id()));
        for (r, (line, col)) in mine.into_iter().zip(pos) {
            let f = u32::try_from(file).unwrap_or(u32::MAX);
            r.set_origin(Some(Origin { file: f, line, col }));
        }
    }
    match entry.role {
        FileRole::Manifest => {}
        FileRole::Records(Kind::Actor) => go(&mut ds.actors, file, text),
        FileRole::Records(Kind::Source) => go(&mut ds.sources, file, text),
        FileRole::Records(Kind::Event) => go(&mut ds.events, file, text),
        FileRole::Records(Kind::Claim) => go(&mut ds.claims, file, text),
    }
}

/// Creates a new dataset in `dir` (made if missing) with `manifest`. Refuses a folder that
/// already holds a dataset.
pub fn create(dir: &Path, manifest: &Manifest) -> Result<(), StoreError> {
    let path = dir.join(MANIFEST);
    let io_err = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    if path.exists() {
        return Err(io_err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "this folder already holds a dataset",
        )));
    }
    fs::create_dir_all(dir).map_err(io_err)?;
    let text = canonical(manifest).map_err(|e| io_err(io::Error::other(e)))?;
    atomic::write_atomic(&path, text.as_bytes()).map_err(io_err)
}

/// Why a new dataset could not be written.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error(transparent)]
    Create(#[from] StoreError),
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// Writes a whole new dataset into `dir` (made if missing), filed as the store files new
/// records. Refuses a folder that already holds a dataset.
pub fn create_with(dir: &Path, mut dataset: Dataset) -> Result<(Loaded, SaveReport), CreateError> {
    create(dir, &dataset.manifest)?;
    let mut loaded = Store::load(dir)?;
    dataset.touched = Touched::default();
    loaded.dataset = dataset;
    let report = loaded.store.save(&mut loaded.dataset, OnConflict::Refuse)?;
    Ok((loaded, report))
}

/// Above this many records of one kind in a year, new records of that year are filed by
/// month (`claims/2024/2024-03.ron`) rather than by year (`claims/2024.ron`).
pub const MONTHLY_ABOVE: usize = 2_000;

fn first_day(date: Option<&crate::model::DateText>) -> Option<chrono::NaiveDate> {
    date.and_then(|d| d.valid())
        .and_then(|d| d.earliest().date().or(d.latest().date()))
}

fn year_of(date: Option<&crate::model::DateText>) -> Option<i32> {
    first_day(date).map(|d| chrono::Datelike::year(&d))
}

/// The base name (relative to the kind's folder) of the file a new record goes to: its year
/// or `YEAR/YEAR-MONTH`, `undated`, or the kind.
fn shard_name(kind: Kind, date: Option<&crate::model::DateText>, by_month: bool) -> String {
    use chrono::Datelike;
    if kind == Kind::Actor {
        return "actors".into();
    }
    match first_day(date) {
        Some(d) if by_month => format!("{0}/{0}-{1:02}", d.year(), d.month()),
        Some(d) => d.year().to_string(),
        None => "undated".into(),
    }
}

/// The records of each file about to be rendered, found in one pass over the dataset.
struct Members {
    /// For each file of the table, the indices of its records in their kind's list (empty
    /// for files not being rendered).
    by_file: Vec<Vec<usize>>,
}

impl Members {
    fn of(ds: &Dataset, roles: &[FileRole], files: &[usize]) -> Members {
        let len = files.iter().max().map_or(0, |m| m + 1);
        let mut wanted = vec![None; len];
        for &f in files {
            wanted[f] = roles.get(f).copied();
        }
        let mut by_file = vec![Vec::new(); len];
        fn collect<R: Record>(
            records: &[R],
            wanted: &[Option<FileRole>],
            by_file: &mut [Vec<usize>],
        ) {
            for (i, r) in records.iter().enumerate() {
                if let Some(o) = r.origin()
                    && wanted.get(o.file as usize).copied().flatten()
                        == Some(FileRole::Records(R::KIND))
                {
                    by_file[o.file as usize].push(i);
                }
            }
        }
        collect(&ds.actors, &wanted, &mut by_file);
        collect(&ds.sources, &wanted, &mut by_file);
        collect(&ds.events, &wanted, &mut by_file);
        collect(&ds.claims, &wanted, &mut by_file);
        Members { by_file }
    }

    fn of_file(&self, file: usize) -> &[usize] {
        self.by_file.get(file).map_or(&[], Vec::as_slice)
    }
}

/// Writes every claim as one CSV row with the fixed header, atomically.
pub fn write_claims_csv(ds: &Dataset, out: &Path) -> Result<(), SaveError> {
    write_some_claims_csv(ds, ds.claims.iter(), out)
}

/// Writes the given claims as CSV rows with the fixed header, sorted by statement date —
/// atomically, like every file Crosscheck writes: the rows are rendered first, then the file
/// is replaced in one step, so a full disk leaves the previous export whole.
pub fn write_some_claims_csv<'a>(
    ds: &Dataset,
    claims: impl Iterator<Item = &'a Claim>,
    out: &Path,
) -> Result<(), SaveError> {
    let bytes = claims_csv(ds, claims).map_err(|e| SaveError::Serialize {
        path: out.to_path_buf(),
        message: e.to_string(),
    })?;
    write_bytes(out, &bytes)
}

/// The CSV text of the given claims.
fn claims_csv<'a>(
    ds: &Dataset,
    claims: impl Iterator<Item = &'a Claim>,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(CLAIMS_CSV_HEADER)?;
    let mut claims: Vec<&Claim> = claims.collect();
    claims.sort_by(|a, b| {
        a.stated_on
            .earliest()
            .cmp(&b.stated_on.earliest())
            .then(a.id.cmp(&b.id))
    });
    for c in claims {
        w.write_record(claim_row(ds, c))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// Writes the whole dataset as one JSON document: `{"manifest": .., "actors": [..],
/// "sources": [..], "events": [..], "claims": [..]}`, the fields named as in the RON files.
/// Written atomically, like every file Crosscheck writes.
pub fn write_json(ds: &Dataset, out: &Path) -> Result<(), SaveError> {
    let text = serde_json::to_string(ds).map_err(|e| SaveError::Serialize {
        path: out.to_path_buf(),
        message: e.to_string(),
    })?;
    write_bytes(out, text.as_bytes())
}

/// Writes `bytes` to `path` through the one atomic writer, naming the path in any error.
/// Every file Crosscheck writes outside the dataset's records (exports, figures) goes
/// through here.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    atomic::write_atomic(path, bytes).map_err(|source| SaveError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads a dataset written by [`write_json`].
pub fn read_json(text: &str) -> Result<Dataset, serde_json::Error> {
    serde_json::from_str(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the hash must be the hash of: the bytes without the `\r` of each `\r\n`.
    fn without_crlf(bytes: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
                plain.push(b);
            }
        }
        plain
    }

    /// The quotes, notes and descriptions of a file's records — packed together as they are
    /// read, by the quick reader or by `ron` — are exactly the texts packed one by one.
    #[test]
    fn texts_read_from_a_file_are_packed_as_each_alone() {
        use crate::model::packed::Packed;
        let ds = crate::synth::generate(crate::synth::Size {
            events: 150,
            claims: 300,
            seed: 9,
        });
        let pretty = canonical(&ds.claims).expect("claims");
        let compact = ron::to_string(&ds.claims).expect("claims");
        assert!(quick::from_str_with_ids::<Vec<Claim>>(&pretty).is_some());
        assert!(quick::from_str_with_ids::<Vec<Claim>>(&compact).is_none());
        let mut packed = 0;
        for text in [&pretty, &compact] {
            let Ok(read) = parse_records::<Claim>(text, 0) else {
                panic!("not read")
            };
            assert_eq!(read.len(), ds.claims.len());
            for (r, c) in read.iter().zip(&ds.claims) {
                assert_eq!(r.notes, Packed::new(&c.notes.text()));
                assert_eq!(r.sources.len(), c.sources.len());
                for (a, b) in r.sources.iter().zip(&c.sources) {
                    assert_eq!(a.quote, Packed::new(&b.quote.text()));
                    packed += usize::from(!a.quote.is_empty());
                }
            }
        }
        assert!(packed > 2 * 64, "texts of several batches: {packed}");
        let Ok(events) = parse_records::<Event>(&canonical(&ds.events).expect("events"), 0) else {
            panic!("not read")
        };
        for (r, e) in events.iter().zip(&ds.events) {
            assert_eq!(r.description, Packed::new(&e.description.text()));
        }
    }

    /// The reading threads hand files on in file order whatever order they finish in, and
    /// stop reading once told to.
    #[test]
    fn files_read_on_several_threads_come_in_file_order_and_a_cancel_stops_the_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("ds");
        let ds = crate::synth::generate(crate::synth::Size {
            events: 300,
            claims: 4_000,
            seed: 9,
        });
        create_with(&root, ds).expect("write");
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .expect("pool");
        let loaded = pool
            .install(|| Store::load_cached(&root, &Progress::default(), None))
            .expect("load");
        let files: Vec<u32> = loaded
            .dataset
            .claims
            .iter()
            .map(|c| c.origin.expect("read from a file").file)
            .collect();
        assert!(
            files.windows(2).all(|w| w[0] <= w[1]),
            "claims out of file order"
        );
        assert!(
            files.last() > files.first(),
            "one file only: nothing to order"
        );
        assert_eq!(loaded.dataset, Store::load(&root).expect("load").dataset);

        let cancelled = Progress::default();
        cancelled.cancel.store(true, Ordering::Relaxed);
        let out = pool.install(|| Store::load_cached(&root, &cancelled, None));
        assert!(matches!(out, Err(StoreError::Cancelled)));
        assert_eq!(
            cancelled.done.load(Ordering::Relaxed),
            0,
            "files read after the cancel"
        );
    }

    #[test]
    fn a_file_and_its_crlf_checkout_hash_alike_and_other_bytes_do_not() {
        let mut rng = fastrand::Rng::with_seed(7);
        // Sizes around the block, line ends straddling its edge, lone `\r`s.
        for size in [
            0,
            1,
            2,
            HASH_BLOCK - 1,
            HASH_BLOCK,
            HASH_BLOCK + 1,
            3 * HASH_BLOCK + 5,
        ] {
            // LF text with lone `\r`s (none right before a `\n`: that would be a CRLF).
            let mut text: Vec<u8> = (0..size)
                .map(|_| match rng.u8(..40) {
                    0 => b'\n',
                    1 => b'\r',
                    _ => b'a' + rng.u8(..26),
                })
                .collect();
            for i in 1..text.len() {
                if text[i] == b'\n' && text[i - 1] == b'\r' {
                    text[i - 1] = b'r';
                }
            }
            let crlf: Vec<u8> = text
                .iter()
                .flat_map(|&b| {
                    if b == b'\n' {
                        vec![b'\r', b'\n']
                    } else {
                        vec![b]
                    }
                })
                .collect();
            let lf = text.clone();
            assert_eq!(without_crlf(&crlf), lf);
            assert_eq!(hash(&crlf), hash(&lf), "size {size}");
            // Lone `\r`s count.
            if text.contains(&b'\r') {
                let no_cr: Vec<u8> = text.iter().copied().filter(|&b| b != b'\r').collect();
                assert_ne!(hash(&text), hash(&no_cr), "size {size}");
            }
            // Given in pieces of any size (a `\r\n` split between two, empty ones), as a file
            // is read: the same hash.
            let mut pieces = ContentHasher::default();
            let mut rest = &crlf[..];
            while !rest.is_empty() {
                let n = rng.usize(..=rest.len().min(3 * HASH_BLOCK));
                pieces.update(&rest[..n]);
                rest = &rest[n..];
            }
            assert_eq!(pieces.finish(), hash(&lf), "size {size}");
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("claims.ron");
            fs::write(&path, &crlf).expect("write");
            assert_eq!(
                hash_file(&path).expect("read"),
                (crlf.len() as u64, hash(&lf))
            );
            // One byte changed, or a lone `\r` taken out: another hash.
            if size > 0 {
                let mut other = lf.clone();
                let i = rng.usize(..other.len());
                other[i] = other[i].wrapping_add(1);
                assert_ne!(hash(&other), hash(&lf), "size {size}");
            }
        }
        // A `\r\n` exactly on a block's edge.
        let mut edge = vec![b'x'; HASH_BLOCK + 10];
        edge[HASH_BLOCK - 1] = b'\r';
        edge[HASH_BLOCK] = b'\n';
        assert_eq!(hash(&edge), hash(&without_crlf(&edge)));
        assert_ne!(hash(b"a\rb"), hash(b"ab"));
        assert_ne!(hash(b"a\r"), hash(b"a"));
        assert_ne!(hash(b"ab"), hash(b"ab\0"));
    }
}
