//! Atomic file replacement: write a temporary file beside the target, flush it to disk,
//! rename it over the target, then flush the directory. A crash leaves the old file or the
//! new one, never half of one; a failure leaves the old file and no temporary file.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// The prefix of temporary files, so that people (and the loader) can tell them apart.
pub const TEMP_PREFIX: &str = ".crosscheck-";

/// Replaces `path` with `bytes` atomically. On error the target is untouched and the
/// temporary file is removed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.flush()?;
    // Keep the permissions of the file being replaced (tempfile creates 0600 files).
    let perms = match fs::metadata(path) {
        Ok(meta) => Some(meta.permissions()),
        Err(_) => default_permissions(),
    };
    if let Some(p) = perms {
        fs::set_permissions(tmp.path(), p)?;
    }
    tmp.as_file().sync_all()?;
    let mut attempt = 0;
    loop {
        match tmp.persist(path) {
            Ok(_) => break,
            Err(e) => {
                // On Windows an indexer, antivirus or sync client may hold the target open for
                // a moment: retry with a short backoff. Elsewhere a failed rename is final.
                attempt += 1;
                if !cfg!(windows) || attempt >= 6 {
                    // Dropping the temporary file deletes it.
                    drop(e.file);
                    return Err(e.error);
                }
                tmp = e.file;
                std::thread::sleep(std::time::Duration::from_millis(20 << attempt));
            }
        }
    }
    sync_dir(dir);
    Ok(())
}

#[cfg(unix)]
fn default_permissions() -> Option<fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    Some(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions() -> Option<fs::Permissions> {
    None
}

/// Flushes a directory entry (the rename) to disk where the platform allows it. A failure
/// here cannot be acted on and does not undo the save, so it is ignored.
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

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.ron");
        fs::write(&p, "old").expect("write");
        write_atomic(&p, b"new").expect("atomic write");
        assert_eq!(fs::read_to_string(&p).expect("read"), "new");
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 1);
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
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("b.ron")]);
    }
}
