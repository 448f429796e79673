//! The sample dataset, bundled into the program so that a copied binary (a release archive,
//! a colleague's download) has it too. The copy in the source tree is used only when the
//! program runs from that source tree (`cargo run`); otherwise the bundled files are written
//! once to the platform's data folder and opened from there.

use std::io;
use std::path::{Path, PathBuf};

use super::{MANIFEST, SAMPLE_DATASET, atomic};

/// The variable that moves Crosscheck's data folder (the sample's copy, recovery journals):
/// tests and portable installs.
pub const DATA_DIR_VARIABLE: &str = "CROSSCHECK_DATA_DIR";

/// The sample's files, relative to its folder.
pub const FILES: &[(&str, &str)] = &[
    (
        "dataset.ron",
        include_str!("../../data/dprk-kursk/dataset.ron"),
    ),
    (
        "actors/actors.ron",
        include_str!("../../data/dprk-kursk/actors/actors.ron"),
    ),
    (
        "claims/2024.ron",
        include_str!("../../data/dprk-kursk/claims/2024.ron"),
    ),
    (
        "claims/2025.ron",
        include_str!("../../data/dprk-kursk/claims/2025.ron"),
    ),
    (
        "events/2024.ron",
        include_str!("../../data/dprk-kursk/events/2024.ron"),
    ),
    (
        "events/2025.ron",
        include_str!("../../data/dprk-kursk/events/2025.ron"),
    ),
    (
        "sources/2024.ron",
        include_str!("../../data/dprk-kursk/sources/2024.ron"),
    ),
    (
        "sources/2025.ron",
        include_str!("../../data/dprk-kursk/sources/2025.ron"),
    ),
];

/// Crosscheck's own data folder: `$CROSSCHECK_DATA_DIR`, or the platform's
/// (`~/.local/share/crosscheck`, `~/Library/Application Support/org.crosscheck.Crosscheck`,
/// `%APPDATA%\crosscheck\Crosscheck\data`).
pub fn data_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os(DATA_DIR_VARIABLE) {
        return Some(PathBuf::from(d));
    }
    directories::ProjectDirs::from("org", "crosscheck", "Crosscheck")
        .map(|p| p.data_dir().to_path_buf())
}

/// Whether this program runs from the source tree it was built in.
fn in_source_tree() -> bool {
    let tree = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::current_exe().is_ok_and(|exe| exe.starts_with(tree))
}

/// Writes the bundled sample into `dir` (made if missing); refuses a folder that already
/// holds a dataset.
pub fn write(dir: &Path) -> io::Result<()> {
    if dir.join(MANIFEST).exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already holds a dataset", dir.display()),
        ));
    }
    for (rel, text) in FILES {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        atomic::write_atomic(&path, text.as_bytes())?;
    }
    Ok(())
}

/// Where the sample dataset is: the source tree's, when running from it; else a copy in the
/// data folder, written there the first time.
pub fn location() -> io::Result<PathBuf> {
    let tree = PathBuf::from(SAMPLE_DATASET);
    if in_source_tree() && tree.join(MANIFEST).is_file() {
        return Ok(tree);
    }
    let dir = data_dir()
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no data folder on this system"))?
        .join("sample")
        .join("dprk-kursk");
    if !dir.join(MANIFEST).is_file() {
        write(&dir)?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_files_are_the_sample_in_the_source_tree() {
        let mut on_disk = Vec::new();
        fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
            for e in std::fs::read_dir(dir).expect("read_dir") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let rel = p.strip_prefix(root).expect("inside");
                    let rel: Vec<String> = rel
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy().to_string())
                        .collect();
                    out.push((rel.join("/"), std::fs::read_to_string(&p).expect("read")));
                }
            }
        }
        walk(
            Path::new(SAMPLE_DATASET),
            Path::new(SAMPLE_DATASET),
            &mut on_disk,
        );
        on_disk.sort();
        let mut bundled: Vec<(String, String)> = FILES
            .iter()
            .map(|(r, t)| (r.to_string(), t.to_string()))
            .collect();
        bundled.sort();
        assert_eq!(
            bundled, on_disk,
            "a file of data/dprk-kursk is missing from FILES"
        );
    }
}
