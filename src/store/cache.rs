//! A cache of parsed record files, so that a dataset opened again is not parsed again: one
//! entry per RON file, outside the dataset and outside git (the platform's cache folder, one
//! folder per dataset path), in postcard — the same serde types as the files, read by
//! position: every field is written, empty or not (see `model::skip`), a
//! valid date keeps its parsed bounds beside its text (binary encodings only), and the names
//! (claimants, metrics, sources: `Sym`) are written once per entry and numbered in its
//! records (see `sym::numbered_writing`). Quotes are kept packed, as they are held
//! (`model::packed`), and read back only with the table they were packed with.
//!
//! The folders of datasets not opened for [`UNUSED_FOR`] are removed when any dataset is
//! opened (temporary clones, datasets moved or deleted): the cache does not grow forever.
//!
//! The RON files stay the only truth. An entry is used only when its header says it is of
//! this format and this version of Crosscheck, of the same file (path and kind), and of the
//! same bytes: the size and the content hash of the file just read (the store hashes every
//! file it reads anyway, to know later whether it changed on disk — a file edited by hand
//! with the same size and modification time is still told apart). A missing, stale,
//! truncated, damaged (every entry ends with a checksum of its bytes) or foreign entry is
//! ignored and the file parsed; writing an entry that fails costs nothing but the next
//! open's time.
//!
//! Only files that parse cleanly are cached: no merge conflict, no comment, no figure that is
//! not a count. Each record's line and column (its `Origin`, never serialized) are kept
//! beside it.
//!
//! Beside the entries, what was derived from the dataset as last opened by the very same
//! program (its version, and its executable's size and modification time — another build
//! may derive differently): the checks' findings ([`Cache::get_checks`]), used only for the
//! very same files (every path and content hash), else found again; and the words of the
//! claims and events the search looks in ([`Cache::get_words`]), with where their records
//! came from, so that the words of the claims of files unchanged since are taken and the
//! rest built (`SearchIndex::build_reusing`).

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::model::filter::{KeptWords, KeptWordsOf};
use crate::model::ids::fnv;
use crate::model::sym::{self, Sym};
use crate::model::{Finding, Kind, Origin, Record, Severity};

thread_local! {
    /// The entry this thread is reading (see `store::with_file_read`; the record file it is
    /// for is in another buffer meanwhile).
    static ENTRY_BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The folder `crosscheck` keeps caches in unless told otherwise.
pub const CACHE_DIR_VARIABLE: &str = "CROSSCHECK_CACHE_DIR";

/// Starts every entry: not a cache entry of ours otherwise.
const MAGIC: &[u8] = b"crosscheck parse cache\n";
/// Bumped whenever what an entry holds changes shape.
const FORMAT: u32 = 8;

/// Fewer bytes than a record takes in an entry (every field is written): a list is reserved
/// for at most the entry's size over this. Were a record smaller, its list would only grow
/// as it is read.
const MIN_ENTRY_BYTES: usize = 8;

/// The file of a dataset's cache folder that keeps the checks' findings.
const CHECKS: &str = "checks.postcard";
/// The file of a dataset's cache folder that keeps the search's words of claims and events.
const WORDS: &str = "words.postcard";

/// What a file of derived results starts with, after [`MAGIC`]: it is of this format and
/// version, holds this (`what`), and is for the dataset and program that make `key`.
#[derive(Serialize, Deserialize, PartialEq)]
struct DerivedHeader {
    format: u32,
    version: String,
    what: String,
    key: u64,
}

/// A finding as the checks' file keeps it (a place as file, line and column).
#[derive(Serialize, Deserialize)]
struct KeptFinding {
    severity: Severity,
    at: Option<(u32, u32, u32)>,
    record: Option<(Kind, String)>,
    message: String,
    related: Option<(u32, u32, u32)>,
    field: Option<String>,
}

impl From<&Finding> for KeptFinding {
    fn from(f: &Finding) -> KeptFinding {
        let place = |o: Option<Origin>| o.map(|o| (o.file, o.line, o.col));
        KeptFinding {
            severity: f.severity,
            at: place(f.at),
            record: f.record.clone(),
            message: f.message.clone(),
            related: place(f.related),
            field: f.field.map(str::to_string),
        }
    }
}

impl From<KeptFinding> for Finding {
    fn from(k: KeptFinding) -> Finding {
        let place =
            |p: Option<(u32, u32, u32)>| p.map(|(file, line, col)| Origin { file, line, col });
        Finding {
            severity: k.severity,
            at: place(k.at),
            record: k.record,
            message: k.message,
            related: place(k.related),
            // The names of fields, a handful: interned for the `'static` a finding holds.
            field: k.field.map(|f| Sym::new(&f).as_str()),
        }
    }
}

/// The caches of one dataset.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
}

/// A dataset's cache folder not used for this long is removed (the dataset is opened cold
/// next time, and cached again).
pub const UNUSED_FOR: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 60 * 60);

/// The file in a dataset's cache folder whose modification time says when it was last used.
pub const LAST_USED: &str = "last-used";

/// How the names of entries being written start (renamed into place once whole).
const TEMPORARY: &str = ".tmp";

/// How the names of entries and of the files of derived results end.
const ENTRY_EXTENSION: &str = "postcard";

/// How they ended up to format 6 (MessagePack): such files are removed when their dataset is
/// opened, and a folder of them is still a cache folder.
const FORMER_EXTENSION: &str = "msgpack";

#[derive(Serialize, Deserialize, PartialEq)]
struct Header {
    format: u32,
    version: String,
    /// The table quotes are packed with (`packed::fingerprint`).
    packing: u64,
    rel: String,
    kind: Kind,
    size: u64,
    hash: u64,
}

impl Cache {
    /// The platform's cache folder for Crosscheck (`CROSSCHECK_CACHE_DIR` when set).
    pub fn default_base() -> Option<PathBuf> {
        if let Some(d) = std::env::var_os(CACHE_DIR_VARIABLE) {
            return Some(PathBuf::from(d));
        }
        directories::ProjectDirs::from("org", "crosscheck", "Crosscheck")
            .map(|p| p.cache_dir().to_path_buf())
    }

    /// The cache of the dataset at `root`, under `base`: a folder named after the dataset's
    /// absolute path, so two datasets never share entries.
    pub fn for_dataset(base: &Path, root: &Path) -> Cache {
        let abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let name = format!("{:016x}", fnv(abs.to_string_lossy().as_bytes()));
        Cache {
            dir: base.join("datasets").join(name),
        }
    }

    /// Notes that this dataset's cache is used now, and removes the folders of the datasets
    /// whose caches were not used for [`UNUSED_FOR`]. Failing is harmless and not reported:
    /// at worst a folder stays, or a dataset is parsed again.
    pub fn mark_used_and_prune(&self) {
        if std::fs::create_dir_all(&self.dir).is_ok() {
            std::fs::write(self.dir.join(LAST_USED), b"").ok();
        }
        let now = std::time::SystemTime::now();
        let older = |time: std::io::Result<std::time::SystemTime>, than| {
            time.is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age > than))
        };
        // Entries a crash cut short before their rename (an hour old, no writer is on them),
        // and entries of the former format (never read again).
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                let cut_short = name.starts_with(TEMPORARY)
                    && older(
                        e.metadata().and_then(|m| m.modified()),
                        std::time::Duration::from_secs(3600),
                    );
                if cut_short
                    || Path::new(name.as_ref()).extension() == Some(FORMER_EXTENSION.as_ref())
                {
                    std::fs::remove_file(e.path()).ok();
                }
            }
        }
        let Some(all) = self.dir.parent() else { return };
        let Ok(folders) = std::fs::read_dir(all) else {
            return;
        };
        for folder in folders.flatten() {
            let path = folder.path();
            if path == self.dir || !is_cache_folder(&path) {
                continue;
            }
            // Folders of older versions have no marker: their own time stands in.
            let used = std::fs::metadata(path.join(LAST_USED))
                .or_else(|_| folder.metadata())
                .and_then(|m| m.modified());
            if older(used, UNUSED_FOR) {
                std::fs::remove_dir_all(&path).ok();
            }
        }
    }

    /// Where the entry of the file `rel` is kept.
    pub fn entry_path(&self, rel: &Path) -> PathBuf {
        self.dir.join(format!(
            "{:016x}.{ENTRY_EXTENSION}",
            fnv(rel.to_string_lossy().as_bytes())
        ))
    }

    fn header(rel: &Path, kind: Kind, size: u64, hash: u64) -> Header {
        Header {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            packing: crate::model::packed::fingerprint(),
            rel: rel.to_string_lossy().into_owned(),
            kind,
            size,
            hash,
        }
    }

    /// Whether an entry for file `rel` is kept (fit to use or not).
    pub fn has_entry(&self, rel: &Path) -> bool {
        self.entry_path(rel).is_file()
    }

    /// Removes the entry for file `rel`, if any (failing is harmless: at worst it is read
    /// and found stale again).
    pub fn forget(&self, rel: &Path) {
        std::fs::remove_file(self.entry_path(rel)).ok();
    }

    /// The records of file `rel` (number `file` of the store's table) as cached for these
    /// bytes, with their positions; `None` when there is no entry fit to use.
    pub fn get<R: DeserializeOwned + Record>(
        &self,
        rel: &Path,
        file: u32,
        size: u64,
        hash: u64,
    ) -> Option<Vec<R>> {
        super::with_file_read(&ENTRY_BYTES, &self.entry_path(rel), |bytes| {
            Cache::decode(bytes.ok()?, rel, file, size, hash)
        })
    }

    fn decode<R: DeserializeOwned + Record>(
        bytes: &[u8],
        rel: &Path,
        file: u32,
        size: u64,
        hash: u64,
    ) -> Option<Vec<R>> {
        let (content, sum) = bytes.strip_prefix(MAGIC)?.split_last_chunk::<8>()?;
        let (header, rest) = postcard::take_from_bytes::<Header>(content).ok()?;
        if header != Cache::header(rel, R::KIND, size, hash) {
            return None;
        }
        // The names the records use, each once (the records name them by number), and how
        // many records there are.
        let (names, rest) = postcard::take_from_bytes::<Vec<&str>>(rest).ok()?;
        let (count, rest) = postcard::take_from_bytes::<usize>(rest).ok()?;
        let head = content.get(..content.len() - rest.len())?;
        if checksum(head, rest) != u64::from_le_bytes(*sum) {
            return None;
        }
        let names = names.into_iter().map(Sym::new).collect();
        // The records' list is made as long as it will be, not grown by copying: the count
        // is trusted only as far as the entry's bytes could hold that many records. Read in
        // place: strings are copied once, into the records, not first into a buffer.
        let mut records: Vec<R> = Vec::with_capacity(count.min(rest.len() / MIN_ENTRY_BYTES));
        let mut de = postcard::Deserializer::from_bytes(rest);
        sym::numbered_reading(names, || {
            Deserialize::deserialize_in_place(&mut de, &mut records)
        })
        .ok()?;
        let at: Vec<(u32, u32)> = Deserialize::deserialize(&mut de).ok()?;
        if at.len() != records.len() || !de.finalize().ok()?.is_empty() {
            return None;
        }
        for (r, (line, col)) in records.iter_mut().zip(at) {
            r.set_origin(Some(Origin { file, line, col }));
        }
        Some(records)
    }

    /// Keeps the records of file `rel`, read from bytes of this size and hash. Failing is
    /// harmless (the file is parsed next time), so it is not reported.
    pub fn put<R: Serialize + Record>(&self, rel: &Path, size: u64, hash: u64, records: &[R]) {
        let at: Vec<(u32, u32)> = records
            .iter()
            .map(|r| r.origin().map_or((0, 0), |o| (o.line, o.col)))
            .collect();
        // The records by position (every field written: see `model::skip`), naming names by
        // number. An entry is about half its file's size: reserved once, not grown by copying.
        let mut body = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let (written, names) = sym::numbered_writing(|| {
            crate::model::skip::with_all_fields(|| {
                postcard::serialize_with_flavor(records, Appending(&mut body))
            })
        });
        let written =
            written.and_then(|()| postcard::serialize_with_flavor(&at, Appending(&mut body)));
        let names: Vec<&str> = names.iter().map(Sym::as_str).collect();
        // The header, the names the records use and their count; then the records and their
        // places in the file, and the checksum of both parts: written in pieces, the records
        // not copied again.
        let mut head = Vec::with_capacity(MAGIC.len() + (64 << 10));
        head.extend_from_slice(MAGIC);
        let encoded = postcard::to_io(&Cache::header(rel, R::KIND, size, hash), &mut head)
            .and_then(|head| postcard::to_io(&names, head))
            .and_then(|head| postcard::to_io(&records.len(), head))
            .and(written);
        if encoded.is_ok() && std::fs::create_dir_all(&self.dir).is_ok() {
            let sum = checksum(&head[MAGIC.len()..], &body).to_le_bytes();
            write_unsynced(&self.dir, &self.entry_path(rel), &[&head, &body, &sum]).ok();
        }
    }
}

/// The checksum an entry ends with, of its bytes after [`MAGIC`] in two parts (the header,
/// names and count; the records and their places): an entry damaged on disk — a flipped
/// bit, a block of another file — is not read as records that were never in the file.
/// FxHash, at gigabytes a second: not against adversaries, against accidents.
fn checksum(head: &[u8], rest: &[u8]) -> u64 {
    use std::hash::Hasher as _;
    let mut h = rustc_hash::FxHasher::default();
    h.write(head);
    h.write_usize(head.len());
    h.write(rest);
    h.write_usize(rest.len());
    h.finish()
}

impl Cache {
    fn derived_header(file: &str, key: u64) -> DerivedHeader {
        DerivedHeader {
            format: FORMAT,
            version: env!("CARGO_PKG_VERSION").to_string(),
            what: file.to_string(),
            key,
        }
    }

    /// What file `file` of the cache folder keeps for `key`, if it is that and decodes.
    fn get_derived<T: DeserializeOwned>(&self, file: &str, key: u64) -> Option<T> {
        let bytes = std::fs::read(self.dir.join(file)).ok()?;
        let (content, sum) = bytes.strip_prefix(MAGIC)?.split_last_chunk::<8>()?;
        let (header, rest) = postcard::take_from_bytes::<DerivedHeader>(content).ok()?;
        if header != Cache::derived_header(file, key)
            || checksum(content, &[]) != u64::from_le_bytes(*sum)
        {
            return None;
        }
        postcard::from_bytes(rest).ok()
    }

    /// Keeps `value` in file `file` of the cache folder for `key`. Failing is harmless (it is
    /// derived again next time), so it is not reported.
    fn put_derived<T: Serialize>(&self, file: &str, key: u64, value: &T) {
        let out = postcard::to_extend(&Cache::derived_header(file, key), MAGIC.to_vec())
            .and_then(|out| postcard::to_extend(value, out));
        if let Ok(out) = out
            && std::fs::create_dir_all(&self.dir).is_ok()
        {
            let sum = checksum(&out[MAGIC.len()..], &[]).to_le_bytes();
            write_unsynced(&self.dir, &self.dir.join(file), &[&out, &sum]).ok();
        }
    }

    /// The checks' findings kept for the dataset and program that make `key` (see
    /// `Loaded::derived_key`); `None` when none fit to use are kept.
    pub fn get_checks(&self, key: u64) -> Option<Vec<Finding>> {
        let kept: Vec<KeptFinding> = self.get_derived(CHECKS, key)?;
        Some(kept.into_iter().map(Finding::from).collect())
    }

    /// Keeps the checks' findings for `key`.
    pub fn put_checks(&self, key: u64, findings: &[Finding]) {
        let kept: Vec<KeptFinding> = findings.iter().map(KeptFinding::from).collect();
        self.put_derived(CHECKS, key, &kept);
    }

    /// The search's words of claims and events kept by the program `key`, if they decode: the
    /// caller takes what still fits the dataset (`SearchIndex::build_reusing`).
    pub fn get_words(&self, key: u64) -> Option<KeptWords> {
        self.get_derived(WORDS, key)
    }

    /// Keeps the search's words of claims and events for the program `key`.
    pub fn put_words(&self, key: u64, words: &KeptWordsOf<'_>) {
        self.put_derived(WORDS, key, words);
    }
}

/// postcard's output appended to a `Vec` reserved beforehand: a byte is pushed, not copied
/// through `io::Write` (a call of `memcpy` for each of the many one-byte fields).
struct Appending<'a>(&'a mut Vec<u8>);

impl postcard::ser_flavors::Flavor for Appending<'_> {
    type Output = ();

    fn try_push(&mut self, byte: u8) -> postcard::Result<()> {
        self.0.push(byte);
        Ok(())
    }

    fn try_extend(&mut self, bytes: &[u8]) -> postcard::Result<()> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// Writes an entry (its pieces, one after another) under a temporary name and renames it
/// into place, so that a reader never sees half an entry — but without waiting for the disk
/// (no `fsync`): an entry lost or cut short by a crash is only ignored (its header or its
/// decoding fails) and rebuilt.
fn write_unsynced(dir: &Path, path: &Path, pieces: &[&[u8]]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMPORARY)
        .tempfile_in(dir)?;
    for piece in pieces {
        tmp.write_all(piece)?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Whether `path` is a dataset's cache folder as [`Cache::for_dataset`] names and fills them —
/// sixteen hexadecimal digits, holding nothing but entries, the marker and temporaries — so
/// that pruning never removes anything else (`CROSSCHECK_CACHE_DIR` may point anywhere).
fn is_cache_folder(path: &Path) -> bool {
    let named = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
        n.len() == 16
            && n.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    named
        && std::fs::read_dir(path).is_ok_and(|entries| {
            entries.flatten().all(|e| {
                let name = e.file_name();
                let name = name.to_string_lossy();
                e.file_type().is_ok_and(|t| t.is_file())
                    && (Path::new(name.as_ref())
                        .extension()
                        .is_some_and(|x| x == ENTRY_EXTENSION || x == FORMER_EXTENSION)
                        || name == LAST_USED
                        || name.starts_with(TEMPORARY))
            })
        })
}
