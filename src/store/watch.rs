//! Watching a dataset's folder for files changed by other programs (a text editor, `git
//! pull`, a sync client). The folder is watched, not the files (an editor or git replaces a
//! file by rename, which ends a watch on the file), and events are debounced, so that a
//! checkout of many files arrives as one list. A file only opened or read (a backup, a
//! search, `crosscheck check` in a terminal) is not a change. Reports the dataset files that
//! changed, relative to the folder; whether they really differ from what was read or written
//! (our own saves fire events too) is decided by comparing content hashes when they are read
//! (`disk.rs`). Never touches the dataset.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use super::MANIFEST;
use super::atomic::is_temporary;
use crate::model::Kind;

/// How long the folder must be quiet before its changes are reported.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// A running watch; dropping it stops it.
pub struct Watch {
    _debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
}

/// Whether `rel` (relative to the dataset folder) is a file of the dataset.
fn is_dataset_file(rel: &Path) -> bool {
    if rel == Path::new(MANIFEST) {
        return true;
    }
    let mut parts = rel.components();
    let top = parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    let in_kind = top.is_some_and(|t| Kind::ALL.iter().any(|k| k.folder() == t));
    let name = rel
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    in_kind && name.ends_with(".ron") && !name.starts_with('.') && !is_temporary(&name)
}

/// Whether an event can mean a file's content changed: not a file opened, read or closed
/// after reading (Linux reports those, and every program reading the dataset — another
/// window, a backup, a search — woke the window and had it hash the files again).
fn changes(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Watches `root`; calls `changed` with the dataset files (relative to `root`) that changed,
/// once the folder has been quiet for [`DEBOUNCE`].
pub fn watch(
    root: &Path,
    changed: impl Fn(Vec<PathBuf>) + Send + 'static,
) -> Result<Watch, notify::Error> {
    // The watcher reports absolute paths, through the canonical form of the root.
    let roots = [
        root.to_path_buf(),
        root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
    ];
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        let mut paths: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| changes(&e.event.kind))
            .flat_map(|e| e.event.paths)
            .filter_map(|path| {
                roots
                    .iter()
                    .find_map(|r| path.strip_prefix(r).ok())
                    .map(Path::to_path_buf)
            })
            .filter(|rel| is_dataset_file(rel))
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            changed(paths);
        }
    })?;
    debouncer.watch(root, RecursiveMode::Recursive)?;
    Ok(Watch {
        _debouncer: debouncer,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn only_dataset_files_count() {
        assert!(is_dataset_file(Path::new("claims/2024.ron")));
        assert!(is_dataset_file(Path::new("claims/2024/2024-03.ron")));
        assert!(is_dataset_file(Path::new("dataset.ron")));
        assert!(!is_dataset_file(Path::new("claims/.crosscheck-abc.tmp")));
        assert!(!is_dataset_file(Path::new("claims/2024.ron.swp")));
        assert!(!is_dataset_file(Path::new("notes/x.ron")));
        assert!(!is_dataset_file(Path::new(".git/index")));
    }

    #[test]
    fn a_file_replaced_by_rename_is_reported_once_the_folder_is_quiet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("claims")).expect("mkdir");
        std::fs::write(root.join("claims/2024.ron"), "[]\n").expect("write");
        let (tx, rx) = mpsc::channel();
        let _w = watch(root, move |p| {
            tx.send(p).ok();
        })
        .expect("watch");
        // As an editor saves: a temporary file renamed over the file.
        crate::store::atomic::write_atomic(&root.join("claims/2024.ron"), b"[ ]\n").expect("write");
        std::fs::write(root.join("notes.txt"), "not a dataset file").expect("write");
        let got = rx.recv_timeout(Duration::from_secs(10)).expect("an event");
        assert_eq!(got, vec![PathBuf::from("claims/2024.ron")]);
    }

    #[test]
    fn a_file_only_read_by_another_program_is_not_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("claims")).expect("mkdir");
        std::fs::write(root.join("claims/2024.ron"), "[]\n").expect("write");
        std::fs::write(root.join("claims/2025.ron"), "[]\n").expect("write");
        let (tx, rx) = mpsc::channel();
        let _w = watch(root, move |p| {
            tx.send(p).ok();
        })
        .expect("watch");
        // Read (opened, read, closed), then another file changed in the same quiet period:
        // only the change is reported.
        assert_eq!(
            std::fs::read_to_string(root.join("claims/2024.ron")).expect("read"),
            "[]\n"
        );
        crate::store::atomic::write_atomic(&root.join("claims/2025.ron"), b"[ ]\n").expect("write");
        let got = rx.recv_timeout(Duration::from_secs(10)).expect("an event");
        assert_eq!(got, vec![PathBuf::from("claims/2025.ron")]);
    }
}
