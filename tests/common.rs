//! Helpers shared by the integration tests: temporary copies of the sample dataset, file
//! snapshots, and running the binary.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/dprk-kursk");

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create copy");
    for e in fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).expect("copy file");
        }
    }
}

/// A temporary copy of the sample dataset; the folder is `dir.path().join("ds")`.
pub fn sample_copy() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let ds = dir.path().join("ds");
    copy_tree(Path::new(SAMPLE), &ds);
    (dir, ds)
}

/// Every file below `root` with its bytes, keyed by relative path.
pub fn snapshot(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for e in fs::read_dir(dir).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("prefix").to_path_buf();
                out.insert(rel, fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_crosscheck")
}

/// Runs the binary with arguments and returns its output.
pub fn run(args: &[&str]) -> Output {
    Command::new(bin())
        .args(args)
        .env(crosscheck::store::cache::CACHE_DIR_VARIABLE, cache_dir())
        .output()
        .expect("run crosscheck")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The folder crash-recovery journals of the window tests go to (never the user's own).
pub fn recovery_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("tempdir"))
        .path()
        .to_path_buf()
}

/// The window's options for tests: journals in [`recovery_dir`].
pub fn options() -> crosscheck::app::Options {
    crosscheck::app::Options {
        recovery_dir: Some(recovery_dir()),
        cache_dir: Some(cache_dir()),
    }
}

/// The folder parse caches of the tests go to (never the user's own).
pub fn cache_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("tempdir"))
        .path()
        .to_path_buf()
}

/// Paths written with `/` in the tests, made of components, so that they compare equal to
/// paths the program builds on every platform (Windows included).
pub trait Under {
    fn under(&self, rel: &str) -> PathBuf;
}

impl Under for Path {
    fn under(&self, rel: &str) -> PathBuf {
        rel.split('/').fold(self.to_path_buf(), |p, c| p.join(c))
    }
}

impl Under for PathBuf {
    fn under(&self, rel: &str) -> PathBuf {
        self.as_path().under(rel)
    }
}

/// A relative path as this platform prints it (`claims\2024.ron` on Windows).
pub fn native(rel: &str) -> String {
    rel.replace('/', std::path::MAIN_SEPARATOR_STR)
}

/// A file's text with Windows line ends made plain, for comparing file contents on every
/// platform.
pub fn read_lf(path: &Path) -> String {
    fs::read_to_string(path)
        .expect("read")
        .replace("\r\n", "\n")
}
