//! A dataset in a git repository: setting up git so that merges of the dataset's files go
//! through `crosscheck merge` (the record-level merge driver), and telling whether that is
//! done. `.gitattributes` travels with the repository; the driver itself is registered in
//! `.git/config`, which git never clones, so every clone runs the setup once.

use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::atomic::TEMP_PREFIX;

/// The name the driver is registered under (`merge=crosscheck`).
pub const DRIVER: &str = "crosscheck";

/// The `.gitattributes` line: dataset files are text with `\n` line ends on every system,
/// merged by the driver.
pub const ATTRIBUTES_LINE: &str = "*.ron text eol=lf merge=crosscheck";

/// The `.gitignore` line: temporary files of a save that was interrupted.
pub fn ignore_line() -> String {
    format!("{TEMP_PREFIX}*.tmp")
}

/// Why git could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error(
        "{0} is not inside a git repository (run `git init` there first, or clone the dataset's repository)"
    )]
    NotARepository(PathBuf),
    #[error("git could not be run: {0} (is git installed and on the PATH?)")]
    NoGit(io::Error),
    #[error("git config failed: {0}")]
    Config(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// What the setup did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// The top folder of the repository.
    pub repository: PathBuf,
    /// Files written (`.gitattributes`, `.gitignore`), if they needed a change.
    pub written: Vec<PathBuf>,
    /// The driver command registered.
    pub driver: String,
}

fn git(dir: &Path, args: &[&str]) -> Result<std::process::Output, GitError> {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(GitError::NoGit)
}

/// The top folder of the git repository that holds `dir`, if any.
pub fn repository(dir: &Path) -> Option<PathBuf> {
    let out = git(dir, &["rev-parse", "--show-toplevel"]).ok()?;
    if !out.status.success() {
        return None;
    }
    let top = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!top.is_empty()).then(|| PathBuf::from(top))
}

/// Whether the dataset at `dir` is in a git repository whose merges do not use the driver
/// yet (no `merge=crosscheck` attribute for its files, or no driver registered). `false`
/// outside a repository and when git cannot be run.
pub fn needs_setup(dir: &Path) -> bool {
    if repository(dir).is_none() {
        return false;
    }
    let attr = git(dir, &["check-attr", "merge", "--", "dataset.ron"])
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(&format!("merge: {DRIVER}")))
        .unwrap_or(false);
    let driver = git(dir, &["config", "--get", &format!("merge.{DRIVER}.driver")])
        .map(|o| o.status.success())
        .unwrap_or(false);
    !(attr && driver)
}

/// The command git runs for a merge: this program, quoted for git's shell.
pub fn driver_command(exe: &Path) -> String {
    let path = exe.to_string_lossy().replace('\\', "/");
    format!("'{}' merge %O %A %B %P", path.replace('\'', r"'\''"))
}

/// Adds `line` to the text file at `path` unless it is there already. Returns whether the
/// file was written.
fn ensure_line(path: &Path, line: &str, comment: &str) -> Result<bool, GitError> {
    let io_err = |source| GitError::Io {
        path: path.to_path_buf(),
        source,
    };
    let old = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io_err(e)),
    };
    if old.lines().any(|l| l.trim() == line) {
        return Ok(false);
    }
    let mut text = old;
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!("# {comment}\n{line}\n"));
    super::atomic::write_atomic(path, text.as_bytes()).map_err(io_err)?;
    Ok(true)
}

/// Sets up git for the dataset at `dir`: `.gitattributes` and `.gitignore` in the dataset
/// folder (idempotent), and the driver `exe merge %O %A %B %P` in the repository's config.
pub fn setup(dir: &Path, exe: &Path) -> Result<Setup, GitError> {
    let repository = repository(dir).ok_or_else(|| GitError::NotARepository(dir.to_path_buf()))?;
    let mut written = Vec::new();
    let attributes = dir.join(".gitattributes");
    if ensure_line(
        &attributes,
        ATTRIBUTES_LINE,
        "Crosscheck: dataset files have \\n line ends everywhere and merge record by record (crosscheck git-setup)",
    )? {
        written.push(attributes);
    }
    let ignore = dir.join(".gitignore");
    if ensure_line(
        &ignore,
        &ignore_line(),
        "Crosscheck: temporary files of an interrupted save",
    )? {
        written.push(ignore);
    }
    let driver = driver_command(exe);
    for (key, value) in [
        (
            format!("merge.{DRIVER}.name"),
            "Crosscheck: merge dataset records by id and field",
        ),
        (format!("merge.{DRIVER}.driver"), driver.as_str()),
    ] {
        let out = git(dir, &["config", &key, value])?;
        if !out.status.success() {
            return Err(GitError::Config(
                String::from_utf8_lossy(&out.stderr).trim().to_string(),
            ));
        }
    }
    Ok(Setup {
        repository,
        written,
        driver,
    })
}
