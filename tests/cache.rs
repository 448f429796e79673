//! The cache of parsed files: a dataset opened from the cache is exactly the dataset a fresh
//! parse gives — after random edits on disk between opens, after a hand edit that keeps the
//! file's size and modification time, and with entries that are stale, truncated, garbage or
//! another file's.

use std::fs;
use std::path::{Path, PathBuf};

use crosscheck::model::edit::{AnyRecord, Edit, Target, record_at};
use crosscheck::model::filter::SearchIndex;
use crosscheck::model::{Dataset, Finding, Kind, Severity};
use crosscheck::store::cache::Cache;
use crosscheck::store::{OnConflict, Progress, Store};

/// A synthetic dataset of a few thousand claims in a temporary folder.
fn generated(seed: u64) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ds");
    let ds = crosscheck::synth::generate(crosscheck::synth::Size {
        events: 400,
        claims: 3_000,
        seed,
    });
    crosscheck::store::create_with(&dir, ds).expect("write");
    (tmp, dir)
}

fn fresh(dir: &Path) -> Dataset {
    Store::load(dir).expect("load").dataset
}

fn cached(dir: &Path, cache: &Cache) -> Dataset {
    Store::load_cached(dir, &Progress::default(), Some(cache))
        .expect("load")
        .dataset
}

/// The record files of a dataset, relative to it.
fn record_files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Kind::ALL
        .into_iter()
        .flat_map(|kind| walk_files(&dir.join(kind.folder())))
        .map(|p| p.strip_prefix(dir).expect("inside").to_path_buf())
        .collect();
    out.sort();
    out
}

#[test]
fn a_dataset_opened_from_the_cache_is_the_one_a_fresh_parse_gives() {
    let (tmp, dir) = generated(3);
    let cache = Cache::for_dataset(&tmp.path().join("cache"), &dir);
    let first = cached(&dir, &cache);
    assert_eq!(first, fresh(&dir), "the open that fills the cache");
    // Every record file has an entry now, and the second open reads them.
    for rel in record_files(&dir) {
        assert!(cache.entry_path(&rel).is_file(), "{} cached", rel.display());
    }
    assert_eq!(cached(&dir, &cache), fresh(&dir), "the open from the cache");
}

#[test]
fn the_sample_every_field_used_reads_back_from_the_cache_as_parsed() {
    // The sample uses the fields the generator leaves out (translations, locators, rank
    // reasons, methods, places, parts): entries hold every field by position.
    let (tmp, dir) = crate::common::sample_copy();
    let cache = Cache::for_dataset(&tmp.path().join("cache"), &dir);
    assert_eq!(
        cached(&dir, &cache),
        fresh(&dir),
        "the open that fills the cache"
    );
    for rel in record_files(&dir) {
        assert!(cache.entry_path(&rel).is_file(), "{} cached", rel.display());
    }
    assert_eq!(cached(&dir, &cache), fresh(&dir), "the open from the cache");
}

#[test]
fn random_edits_on_disk_between_opens_never_give_a_stale_record() {
    for seed in 0..12u64 {
        let (tmp, dir) = generated(100 + seed);
        let cache = Cache::for_dataset(&tmp.path().join("cache"), &dir);
        let mut rng = fastrand::Rng::with_seed(seed);
        cached(&dir, &cache);
        for _ in 0..4 {
            // Another program changes the files: a save of a few edits.
            let mut l = Store::load(&dir).expect("load");
            for _ in 0..rng.usize(1..6) {
                let n = l.dataset.claims.len();
                let t = Target {
                    kind: Kind::Claim,
                    index: rng.usize(..n),
                };
                let edit = match rng.u8(..3) {
                    0 => Edit::Remove { target: t },
                    _ => {
                        let Some(AnyRecord::Claim(mut c)) = record_at(&l.dataset, t) else {
                            continue;
                        };
                        c.notes = format!("edited {}", rng.u32(..1000)).into();
                        c.value.set_best(c.value.best().map(|b| b + 1));
                        Edit::Replace {
                            index: t.index,
                            record: AnyRecord::Claim(c),
                        }
                    }
                };
                edit.apply(&mut l.dataset).expect("apply");
            }
            l.store
                .save(&mut l.dataset, OnConflict::Overwrite)
                .expect("save");
            assert_eq!(cached(&dir, &cache), fresh(&dir), "seed {seed}");
        }
    }
}

#[test]
fn a_hand_edit_that_keeps_size_and_modification_time_is_still_seen() {
    let (tmp, dir) = generated(7);
    let cache = Cache::for_dataset(&tmp.path().join("cache"), &dir);
    cached(&dir, &cache);
    let rel = record_files(&dir)
        .into_iter()
        .find(|r| r.starts_with("claims"))
        .expect("a claims file");
    let path = dir.join(&rel);
    let when = fs::metadata(&path)
        .and_then(|m| m.modified())
        .expect("mtime");
    let text = fs::read_to_string(&path).expect("read");
    // One digit of the first figure changed: the same number of bytes.
    let at = text.find("best: ").expect("a figure") + "best: ".len();
    let digit = text.as_bytes()[at];
    let other = if digit == b'9' { b'8' } else { digit + 1 };
    let mut bytes = text.into_bytes();
    bytes[at] = other;
    fs::write(&path, &bytes).expect("write");
    fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|f| f.set_modified(when))
        .expect("set mtime");
    assert_eq!(fs::metadata(&path).expect("meta").len(), bytes.len() as u64);
    let from_cache = cached(&dir, &cache);
    assert_eq!(from_cache, fresh(&dir));
}

/// The checks' findings of a dataset opened again unchanged are those kept from the last open
/// (a finding planted among the kept ones comes back); after an edit on disk, or with the kept
/// file garbage, they are found again — and are then those a check without cache finds.
#[test]
fn the_checks_of_an_unchanged_dataset_are_kept_and_found_again_after_an_edit() {
    let (tmp, dir) = generated(13);
    let base = tmp.path().join("cache");
    let cache = Cache::for_dataset(&base, &dir);
    let open = || Store::load_cached(&dir, &Progress::default(), Some(&cache)).expect("load");
    let truth = || Store::load(&dir).expect("load").check();
    assert_eq!(open().check(), truth());
    let planted = Finding {
        severity: Severity::Error,
        at: None,
        record: Some((Kind::Claim, "nobody".into())),
        message: "planted in the kept findings".into(),
        related: None,
        field: Some("best"),
    };
    let loaded = open();
    let key = loaded.derived_key().expect("a key");
    cache.put_checks(key, std::slice::from_ref(&planted));
    assert_eq!(open().check(), vec![planted.clone()]);
    // A file edited: the key changes, the checks run again.
    let rel = record_files(&dir)
        .into_iter()
        .find(|r| r.starts_with("claims"))
        .expect("a claims file");
    let path = dir.join(&rel);
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replacen("best: ", "best: 1", 1)).expect("write");
    let edited = open();
    assert_ne!(edited.derived_key(), Some(key));
    let found = edited.check();
    assert!(!found.contains(&planted));
    assert_eq!(found, truth());
    // Kept findings that are garbage: ignored.
    let kept = walk_files(&base)
        .into_iter()
        .find(|p| p.ends_with("checks.postcard"))
        .expect("the kept findings");
    let whole = fs::read(&kept).expect("read");
    fs::write(&kept, b"crosscheck parse cache\n\x93garbage").expect("write");
    assert_eq!(open().check(), truth());
    // Kept findings damaged in a message's text (still decodable): ignored.
    let message = truth()
        .first()
        .map(|f| f.message.clone())
        .expect("a finding");
    let at = whole
        .windows(message.len())
        .position(|w| w == message.as_bytes())
        .expect("the message kept");
    let mut damaged = whole;
    damaged[at] ^= 0x20;
    fs::write(&kept, &damaged).expect("write");
    assert_eq!(open().check(), truth());
}

/// The words of claims and events are kept on the first open, with where their records came
/// from, and read back whole; after a claim file is edited on disk the next open takes what
/// is still right and finds exactly what a new index finds; a kept file of another program,
/// or that is garbage, is not used.
#[test]
fn the_search_words_are_kept_and_taken_for_the_files_unchanged() {
    let (tmp, dir) = generated(17);
    let base = tmp.path().join("cache");
    let cache = Cache::for_dataset(&base, &dir);
    let open = || Store::load_cached(&dir, &Progress::default(), Some(&cache)).expect("load");
    let loaded = open();
    let key = loaded.program_key().expect("a key");
    let from = loaded.provenance().expect("every claim from a file");
    assert!(from.claim_files.len() > 1, "{:?}", from.claim_files);
    assert!(cache.get_words(key).is_none());
    let ds = loaded.dataset.clone();
    crosscheck::app::Opened::prepare(loaded);
    let kept = cache.get_words(key).expect("kept on the first open");
    assert_eq!(kept.from, from);
    // The words an index built from them holds are those of a new index.
    let index = SearchIndex::build(&ds);
    assert_eq!(kept.claims, index.claims);
    assert_eq!(kept.events, index.events);

    // A claim file edited by hand: a word no claim had, and a claim gone.
    let file = ds.claims[ds.claims.len() / 2]
        .origin
        .map(|o| o.file)
        .expect("read from a file");
    let loaded = open();
    let path = loaded.store.path_of(file);
    let text = fs::read_to_string(&path).expect("read");
    let first_quote = text.find("quote: \"").expect("a quote") + "quote: \"".len();
    let mut edited = text.clone();
    edited.insert_str(first_quote, "zqxjfresh ");
    let start = edited.rfind("\n    (").expect("a last claim");
    let end = edited.rfind("\n    ),").expect("its end") + "\n    ),".len();
    edited.replace_range(start..end, "");
    fs::write(&path, &edited).expect("write");
    let loaded = open();
    let ds = loaded.dataset.clone();
    assert_eq!(ds.claims.len() + 1, kept.claims.len());
    let now = loaded.provenance().expect("every claim from a file");
    assert_ne!(now, from);
    let opened = crosscheck::app::Opened::prepare(loaded);
    let fresh = SearchIndex::build(&ds);
    for w in ["zqxjfresh", "forces", "c00", "2024", "ин", "killed"] {
        let f = memchr::memmem::Finder::new(w.as_bytes());
        let (a, b) = (opened.index().claims.hits(&f), fresh.claims.hits(&f));
        let found: Vec<usize> = (0..ds.claims.len())
            .filter(|&i| opened.index().claims.has(i, &a))
            .collect();
        let expected: Vec<usize> = (0..ds.claims.len())
            .filter(|&i| fresh.claims.has(i, &b))
            .collect();
        assert_eq!(found, expected, "{w}");
        if w == "zqxjfresh" {
            assert_eq!(found.len(), 1);
        }
    }
    // Kept again, now for the files as they are.
    assert_eq!(cache.get_words(key).expect("kept").from, now);
    // Not for another program.
    assert!(cache.get_words(key ^ 1).is_none());
    // Garbage: not used.
    let path = walk_files(&base)
        .into_iter()
        .find(|p| p.ends_with("words.postcard"))
        .expect("the kept words");
    let mut bytes = fs::read(&path).expect("read");
    bytes.truncate(bytes.len() / 2);
    fs::write(&path, &bytes).expect("write");
    assert!(cache.get_words(key).is_none());
}

/// The number the store gives the file `rel` of the dataset at `dir`.
fn file_number(dir: &Path, rel: &Path) -> u32 {
    let loaded = Store::load(dir).expect("load");
    let i = loaded
        .store
        .files()
        .iter()
        .position(|f| f.rel == rel)
        .expect("the file");
    u32::try_from(i).expect("few files")
}

/// Every file under `dir`.
fn walk_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn stale_truncated_garbage_and_foreign_entries_are_ignored() {
    let (tmp, dir) = generated(11);
    let cache = Cache::for_dataset(&tmp.path().join("cache"), &dir);
    cached(&dir, &cache);
    let files = record_files(&dir);
    let claims: Vec<&PathBuf> = files.iter().filter(|r| r.starts_with("claims")).collect();
    assert!(claims.len() >= 3, "{files:?}");
    let entry = |rel: &Path| cache.entry_path(rel);
    // Truncated.
    let a = entry(claims[0]);
    let bytes = fs::read(&a).expect("entry");
    fs::write(&a, &bytes[..bytes.len() / 2]).expect("truncate");
    // Garbage.
    let b = entry(claims[1]);
    fs::write(&b, b"\x00\x01 not a cache entry at all").expect("garbage");
    // Damaged: one character of a record's id changed, which still decodes — as another
    // record than the file holds, were the entry's checksum not looked at.
    let c = entry(claims[2]);
    let mut bytes = fs::read(&c).expect("entry");
    let first_id = fresh(&dir)
        .claims
        .into_iter()
        .find(|cl| {
            cl.origin
                .is_some_and(|o| o.file == file_number(&dir, claims[2]))
        })
        .expect("a claim of the file")
        .id;
    let at = bytes
        .windows(first_id.len())
        .position(|w| w == first_id.as_bytes())
        .expect("the id in the entry");
    let last = at + first_id.len() - 1;
    bytes[last] = if bytes[last] == b'0' { b'1' } else { b'0' };
    fs::write(&c, &bytes).expect("damage");
    // Another file's entry in place of this one's.
    if let (Some(events), Some(sources)) = (
        files.iter().find(|r| r.starts_with("events")),
        files.iter().find(|r| r.starts_with("sources")),
    ) {
        fs::copy(entry(events), entry(sources)).expect("foreign");
    }
    assert_eq!(cached(&dir, &cache), fresh(&dir));
    // Stale: the entries of an older version of a file.
    let mut l = Store::load(&dir).expect("load");
    let t = Target {
        kind: Kind::Claim,
        index: 0,
    };
    Edit::Remove { target: t }
        .apply(&mut l.dataset)
        .expect("apply");
    l.store
        .save(&mut l.dataset, OnConflict::Overwrite)
        .expect("save");
    assert_eq!(cached(&dir, &cache), fresh(&dir));
    // And the cache was rebuilt: the entries fit the files again.
    for rel in record_files(&dir) {
        let bytes = fs::read(dir.join(&rel)).expect("read");
        assert!(!bytes.is_empty());
        assert!(cache.entry_path(&rel).is_file());
    }
}

/// A file that was cached and then got a comment (files with comments are not cached: a
/// cache hit would not report them) loses its entry, instead of keeping a stale one that
/// every open would read and find stale again.
#[test]
fn a_file_no_longer_cached_loses_its_stale_entry() {
    let (tmp, dir) = generated(13);
    let cache = Cache::for_dataset(&tmp.path().join("cache"), &dir);
    cached(&dir, &cache);
    let files = record_files(&dir);
    let claims = files
        .iter()
        .find(|r| r.starts_with("claims"))
        .expect("a claim file");
    assert!(cache.has_entry(claims));
    let path = dir.join(claims);
    let text = fs::read_to_string(&path).expect("read");
    let (first, rest) = text.split_once('\n').expect("lines");
    fs::write(
        &path,
        format!("{first}\n// checked against the report\n{rest}"),
    )
    .expect("write");
    for _ in 0..2 {
        let loaded = Store::load_cached(&dir, &Progress::default(), Some(&cache)).expect("load");
        assert_eq!(loaded.dataset, fresh(&dir));
        assert!(!cache.has_entry(claims), "a stale entry kept");
        assert!(
            loaded
                .load_findings
                .iter()
                .any(|f| f.message.contains("comment")),
            "the comment is still reported"
        );
    }
}

#[test]
fn caches_of_datasets_not_opened_for_a_month_are_removed_and_nothing_else_is() {
    use crosscheck::store::cache::{LAST_USED, UNUSED_FOR};
    let (_tmp, dir) = generated(11);
    let base = tempfile::tempdir().expect("tempdir");
    let all = base.path().join("datasets");
    let long_ago =
        std::time::SystemTime::now() - UNUSED_FOR - std::time::Duration::from_secs(86_400);
    let folder = |name: &str, files: &[&str], used: Option<std::time::SystemTime>| {
        let f = all.join(name);
        fs::create_dir_all(&f).expect("folder");
        for file in files {
            fs::write(f.join(file), b"x").expect("file");
        }
        if let Some(t) = used {
            fs::write(f.join(LAST_USED), b"").expect("marker");
            fs::File::options()
                .write(true)
                .open(f.join(LAST_USED))
                .and_then(|m| m.set_modified(t))
                .expect("set the time");
        }
        f
    };
    let stale = folder(
        "00000000000000aa",
        &["1.postcard", "2.msgpack"],
        Some(long_ago),
    );
    let recent = folder(
        "00000000000000bb",
        &["1.postcard"],
        Some(std::time::SystemTime::now()),
    );
    let not_only_ours = folder(
        "00000000000000cc",
        &["1.postcard", "notes.txt"],
        Some(long_ago),
    );
    let other_name = folder("my-datasets", &["1.msgpack"], Some(long_ago));

    let cache = Cache::for_dataset(base.path(), &dir);
    let own = cache
        .entry_path(Path::new("claims/x.ron"))
        .parent()
        .expect("folder")
        .to_path_buf();
    // A temporary entry a crash left behind, and one being written now.
    fs::create_dir_all(&own).expect("own folder");
    let cut = own.join(".tmpCUT");
    fs::write(&cut, b"half an entry").expect("cut");
    fs::File::options()
        .write(true)
        .open(&cut)
        .and_then(|m| m.set_modified(long_ago))
        .expect("set the time");
    let writing = own.join(".tmpNOW");
    fs::write(&writing, b"being written").expect("writing");
    // An entry of the former format (MessagePack, until format 6): never read again.
    let former = own.join("00000000000000dd.msgpack");
    fs::write(&former, b"crosscheck parse cache\n\x93").expect("former");
    assert_eq!(cached(&dir, &cache), fresh(&dir));
    assert!(!cut.exists(), "a temporary a crash left is removed");
    assert!(!former.exists(), "an entry of the former format is removed");
    assert!(writing.exists(), "a temporary being written is left alone");
    assert!(!stale.exists(), "a cache unused for a month is removed");
    for kept in [&recent, &not_only_ours, &other_name] {
        assert!(kept.exists(), "{} is kept", kept.display());
    }
    assert!(
        own.join(LAST_USED).is_file(),
        "the open dataset's cache is marked used"
    );
    // Its entries are used: a second open reads them and gives the same dataset.
    assert_eq!(cached(&dir, &cache), fresh(&dir));
}
