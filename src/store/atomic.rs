//! Atomic file replacement — the one writer every file Crosscheck writes goes through: write
//! a temporary file beside the target, flush it to disk, give it the target's mode (and, where
//! permitted, owner), rename it over the target, then flush the directory. A crash leaves the
//! old file or the new one, never half of one; a failure leaves the old file and no temporary
//! file. A target that is a symbolic link is refused, never replaced by a regular file. A
//! rename that Windows refuses while another program (antivirus, indexer, sync client) holds
//! the target is retried with a short backoff.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// The prefix of temporary files, so that people (and the loader) can tell them apart.
pub const TEMP_PREFIX: &str = ".crosscheck-";

/// The suffix of temporary files.
pub const TEMP_SUFFIX: &str = ".tmp";

/// How many times a refused rename is tried before the save fails.
const RENAME_TRIES: u32 = 6;

/// Whether `name` is a temporary file of an interrupted save.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

/// Replaces `path` with `bytes` atomically. On error the target is untouched and the
/// temporary file is removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_with(path, bytes, &mut Faults::default())
}

/// Failures to inject, for the tests of what a failure leaves behind.
#[derive(Debug, Default)]
pub struct Faults {
    /// Fail writing the temporary file after this many bytes (a full disk).
    pub write_fails_after: Option<usize>,
    /// Refuse this many renames first (Windows: another program holds the file).
    pub renames_refused: u32,
    /// Renames tried so far.
    pub renames_tried: u32,
}

impl Faults {
    fn write(&self, file: &mut fs::File, bytes: &[u8]) -> io::Result<()> {
        match self.write_fails_after {
            Some(n) if n < bytes.len() => {
                file.write_all(&bytes[..n])?;
                Err(io::Error::new(
                    io::ErrorKind::StorageFull,
                    "No space left on device",
                ))
            }
            _ => file.write_all(bytes),
        }
    }
}

/// The extended-length form of an absolute Windows path (`\\?\C:\…`, `\\?\UNC\server\…`),
/// which lifts the 260-character limit that plain paths have (OneDrive folders reach it). Pure
/// text, so that it is tested everywhere; used on Windows only.
pub fn extended_length(path: &str) -> Option<String> {
    if path.starts_with(r"\\?\") {
        return None;
    }
    let bytes = path.as_bytes();
    if bytes.len() > 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'\\' {
        return Some(format!(r"\\?\{path}"));
    }
    path.strip_prefix(r"\\")
        .map(|unc| format!(r"\\?\UNC\{unc}"))
}

/// `path` in a form the system can write whatever its length.
fn writable(path: &Path) -> std::borrow::Cow<'_, Path> {
    if cfg!(windows)
        && let Some(long) = path.to_str().and_then(extended_length)
    {
        return std::borrow::Cow::Owned(std::path::PathBuf::from(long));
    }
    std::borrow::Cow::Borrowed(path)
}

/// [`write_atomic`] with injected failures.
pub fn write_atomic_with(path: &Path, bytes: &[u8], faults: &mut Faults) -> io::Result<()> {
    let path = &*writable(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let existing = match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "is a symbolic link: Crosscheck does not replace links (replace it with the file it points to)",
            ));
        }
        // A read-only file is left alone on every system (Windows refuses to replace one;
        // elsewhere the rename would quietly succeed).
        Ok(m) if m.permissions().readonly() => {
            return Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "is read-only: clear its read-only attribute (Properties → General on Windows, `chmod u+w` elsewhere) and save again",
            ));
        }
        Ok(m) => Some(m),
        Err(_) => None,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .tempfile_in(dir)?;
    faults.write(tmp.as_file_mut(), bytes)?;
    tmp.flush()?;
    // The permissions (and owner) of the file being replaced; a new file gets what the
    // umask gives (tempfile creates 0600 files).
    match &existing {
        Some(meta) => {
            fs::set_permissions(tmp.path(), meta.permissions())?;
            keep_owner(tmp.path(), meta);
        }
        None => {
            if let Some(p) = new_file_permissions() {
                fs::set_permissions(tmp.path(), p)?;
            }
        }
    }
    tmp.as_file().sync_all()?;
    loop {
        faults.renames_tried += 1;
        let refused = faults.renames_tried <= faults.renames_refused;
        let result = if refused {
            Err(io::Error::new(
                io::ErrorKind::PermissionDenied,
                "Access is denied (the file is open in another program)",
            ))
        } else {
            match tmp.persist(path) {
                Ok(_) => break,
                Err(e) => {
                    tmp = e.file;
                    Err(e.error)
                }
            }
        };
        match result {
            Ok(()) => break,
            Err(e) => {
                // On Windows an indexer, antivirus or sync client may hold the target open
                // for a moment: retry with a short backoff. Elsewhere (and for an injected
                // refusal, whatever the system) only a refusal is retried.
                let retry = (cfg!(windows) || refused)
                    && e.kind() == io::ErrorKind::PermissionDenied
                    && faults.renames_tried < RENAME_TRIES;
                if !retry {
                    // Dropping the temporary file deletes it.
                    drop(tmp);
                    return Err(explain(e, existing.as_ref()));
                }
                std::thread::sleep(std::time::Duration::from_millis(
                    if refused { 1 } else { 20 } << faults.renames_tried,
                ));
            }
        }
    }
    sync_dir(dir);
    Ok(())
}

/// The error with its likely cause, when the system's own words do not say it.
fn explain(e: io::Error, existing: Option<&fs::Metadata>) -> io::Error {
    if e.kind() != io::ErrorKind::PermissionDenied {
        return e;
    }
    let read_only = existing.is_some_and(|m| m.permissions().readonly());
    let why = if read_only {
        "the file is read-only: clear its read-only attribute (Properties on Windows, chmod u+w elsewhere) and save again"
    } else {
        "another program holds the file open (an antivirus, an indexer, a sync client, Excel): close it or wait, and save again"
    };
    io::Error::new(e.kind(), format!("{e} — {why}"))
}

/// Gives `tmp` the owner and group of the file it replaces, where the system permits it
/// (root, or the same owner); otherwise it keeps the saver's.
#[cfg(unix)]
fn keep_owner(tmp: &Path, meta: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    // Permission denied is the ordinary case for another user's file: nothing to do.
    std::os::unix::fs::chown(tmp, Some(meta.uid()), Some(meta.gid())).ok();
}

#[cfg(not(unix))]
fn keep_owner(_tmp: &Path, _meta: &fs::Metadata) {}

/// What a new file's mode is on this system: 0666 less the umask, as any program's new
/// files (tempfile's own are 0600).
#[cfg(unix)]
fn new_file_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o666 & !umask()))
}

#[cfg(not(unix))]
fn new_file_permissions() -> Option<fs::Permissions> {
    None
}

/// The process's umask, read by creating a file and looking at its mode (reading the umask
/// otherwise means setting it, which races with other threads).
#[cfg(unix)]
fn umask() -> u32 {
    use std::os::unix::fs::PermissionsExt;
    static UMASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UMASK.get_or_init(|| {
        let probe = std::env::temp_dir().join(format!(
            "{TEMP_PREFIX}umask-{}{TEMP_SUFFIX}",
            std::process::id()
        ));
        let mode = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&probe)
            .and_then(|f| f.metadata())
            .map(|m| m.permissions().mode());
        fs::remove_file(&probe).ok();
        // The open asked for 0666; what is missing is the umask.
        mode.map_or(0o022, |m| 0o666 & !m & 0o777)
    })
}

/// Flushes a directory entry (the rename) to disk where the platform allows it (not on
/// Windows, which has no such call: there the rename itself is what is guaranteed). A
/// failure here cannot be acted on and does not undo the save, so it is ignored.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = fs::File::open(dir) {
        d.sync_all().ok();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<std::ffi::OsString> {
        let mut v: Vec<_> = fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.ron");
        fs::write(&p, "old").expect("write");
        write_atomic(&p, b"new").expect("atomic write");
        assert_eq!(fs::read_to_string(&p).expect("read"), "new");
        assert_eq!(names(dir.path()).len(), 1);
    }

    #[test]
    fn a_failed_rename_keeps_the_old_target_and_removes_the_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A non-empty directory cannot be replaced by a file: the rename fails.
        let p = dir.path().join("b.ron");
        fs::create_dir(&p).expect("mkdir");
        fs::write(p.join("keep"), "x").expect("write");
        assert!(write_atomic(&p, b"new").is_err());
        assert!(p.join("keep").exists());
        assert_eq!(names(dir.path()), vec![std::ffi::OsString::from("b.ron")]);
    }

    #[test]
    fn a_full_disk_keeps_the_old_file_whole_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("claims.csv");
        fs::write(&p, "old export").expect("write");
        let mut faults = Faults {
            write_fails_after: Some(3),
            ..Faults::default()
        };
        let e = write_atomic_with(&p, b"a much longer new export", &mut faults).expect_err("full");
        assert_eq!(e.kind(), io::ErrorKind::StorageFull);
        assert_eq!(fs::read_to_string(&p).expect("read"), "old export");
        assert_eq!(
            names(dir.path()),
            vec![std::ffi::OsString::from("claims.csv")]
        );
    }

    #[test]
    fn a_refused_rename_is_retried_then_reported_with_its_cause() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("2024.ron");
        fs::write(&p, "old").expect("write");
        // Held for a moment: the third try goes through.
        let mut faults = Faults {
            renames_refused: 2,
            ..Faults::default()
        };
        write_atomic_with(&p, b"new", &mut faults).expect("retried");
        assert_eq!(faults.renames_tried, 3);
        assert_eq!(fs::read_to_string(&p).expect("read"), "new");
        // Held for good: the old file stays, nothing is left behind, the message says why.
        let mut faults = Faults {
            renames_refused: 100,
            ..Faults::default()
        };
        let e = write_atomic_with(&p, b"newer", &mut faults).expect_err("refused");
        assert_eq!(faults.renames_tried, RENAME_TRIES);
        assert!(
            e.to_string()
                .contains("another program holds the file open"),
            "{e}"
        );
        assert_eq!(fs::read_to_string(&p).expect("read"), "new");
        assert_eq!(names(dir.path()).len(), 1);
    }

    #[test]
    fn long_windows_paths_get_their_extended_form() {
        assert_eq!(
            extended_length(r"C:\Users\a\OneDrive\ds\claims\2024.ron").as_deref(),
            Some(r"\\?\C:\Users\a\OneDrive\ds\claims\2024.ron")
        );
        assert_eq!(
            extended_length(r"\\server\share\ds\dataset.ron").as_deref(),
            Some(r"\\?\UNC\server\share\ds\dataset.ron")
        );
        assert_eq!(extended_length(r"\\?\C:\x"), None);
        assert_eq!(extended_length("relative\\path"), None);
        assert_eq!(extended_length("/home/a/ds"), None);
    }

    #[test]
    fn a_read_only_file_is_refused_with_the_cause_and_the_fix() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("2024.ron");
        fs::write(&p, "old").expect("write");
        let mut perms = fs::metadata(&p).expect("meta").permissions();
        perms.set_readonly(true);
        fs::set_permissions(&p, perms).expect("chmod");
        let e = write_atomic(&p, b"new").expect_err("refused");
        assert!(
            e.to_string()
                .contains("is read-only: clear its read-only attribute"),
            "{e}"
        );
        assert_eq!(fs::read_to_string(&p).expect("read"), "old");
        assert_eq!(names(dir.path()).len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_is_refused_not_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.ron");
        fs::write(&real, "real").expect("write");
        let link = dir.path().join("link.ron");
        std::os::unix::fs::symlink(&real, &link).expect("symlink");
        let e = write_atomic(&link, b"new").expect_err("refused");
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(
            fs::symlink_metadata(&link)
                .expect("meta")
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).expect("read"), "real");
    }

    #[cfg(unix)]
    #[test]
    fn the_mode_of_the_replaced_file_is_kept_and_new_files_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("shared.ron");
        fs::write(&p, "old").expect("write");
        fs::set_permissions(&p, fs::Permissions::from_mode(0o664)).expect("chmod");
        write_atomic(&p, b"new").expect("write");
        let mode = fs::metadata(&p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o664);
        let q = dir.path().join("new.ron");
        write_atomic(&q, b"new").expect("write");
        let mode = fs::metadata(&q).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o666 & !umask());
    }
}
