//! What Windows and macOS users meet that Linux never shows, tested here as far as Linux can:
//! the sample found by a copied binary, names that differ only in case, macOS's `._` files,
//! read-only files, and Quit with unsaved edits (the path the macOS menu's Cmd+Q takes).

use std::fs;
use std::process::Command;

use crosscheck::model::edit::{AnyRecord, Edit};
use crosscheck::store::{OnConflict, Store};
use egui::{Key, Modifiers};
use egui_kittest::kittest::Queryable;

use crate::common::{Under, bin, native, sample_copy, stderr, stdout};

#[test]
fn a_binary_outside_the_source_tree_has_the_sample_too() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let exe = tmp.path().join(if cfg!(windows) {
        "crosscheck.exe"
    } else {
        "crosscheck"
    });
    fs::copy(bin(), &exe).expect("copy the binary");
    let data = tmp.path().join("data");
    let o = Command::new(&exe)
        .arg("sample")
        .env(crosscheck::store::sample::DATA_DIR_VARIABLE, &data)
        .output()
        .expect("run the copy");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let at = std::path::PathBuf::from(stdout(&o).trim());
    assert!(
        at.starts_with(&data),
        "written to the data folder, not the source tree: {}",
        at.display()
    );
    let o = Command::new(&exe)
        .args(["check", at.to_str().expect("utf-8")])
        .env(
            crosscheck::store::cache::CACHE_DIR_VARIABLE,
            crate::common::cache_dir(),
        )
        .output()
        .expect("check");
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("21 claims, 8 events, 15 actors, 6 sources"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn names_that_differ_only_in_case_are_reported_and_never_given_to_new_files() {
    let (_tmp, ds) = sample_copy();
    fs::rename(ds.under("sources"), ds.join("Sources")).expect("rename");
    fs::rename(ds.under("claims/2025.ron"), ds.under("claims/2026.RON")).expect("rename");
    let o = crate::common::run(&["check", ds.to_str().expect("utf-8")]);
    let out = stdout(&o);
    assert!(
        out.contains("warning: Sources is not read: its name differs from `sources` only in case"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "warning: {} is not read: its name differs from `2026.ron` only in case",
            native("claims/2026.RON")
        )),
        "{out}"
    );
    // A claim of 2026 goes to a new file whose name no file has in any case.
    let mut loaded = Store::load(&ds).expect("load");
    let mut c = loaded.dataset.claims[0].clone();
    c.id = "new-2026".into();
    c.stated_on = crosscheck::model::DateText::new("2026-01-05");
    c.origin = None;
    let index = loaded.dataset.claims.len();
    Edit::Insert {
        index,
        record: AnyRecord::Claim(c),
    }
    .apply(&mut loaded.dataset)
    .expect("insert");
    let report = loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Refuse)
        .expect("save");
    assert!(
        report.written.contains(&ds.under("claims/2026-2.ron")),
        "{:?}",
        report.written
    );
    assert!(!ds.under("claims/2026.ron").exists());
}

#[test]
fn macos_appledouble_files_do_not_fail_a_strict_check() {
    let (_tmp, ds) = sample_copy();
    fs::write(ds.join("._dataset.ron"), [0u8, 5, 22, 7]).expect("write");
    fs::write(ds.under("claims/._2024.ron"), [0u8, 5, 22, 7]).expect("write");
    let o = crate::common::run(&["check", "--strict", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

#[test]
fn a_save_onto_a_read_only_file_fails_and_names_the_cause() {
    let (_tmp, ds) = sample_copy();
    let path = ds.under("claims/2024.ron");
    let mut perms = fs::metadata(&path).expect("meta").permissions();
    perms.set_readonly(true);
    fs::set_permissions(&path, perms).expect("chmod");
    let before = fs::read(&path).expect("read");
    let mut loaded = Store::load(&ds).expect("load");
    let mut c = loaded.dataset.claims[0].clone();
    c.notes = "edited".into();
    Edit::Replace {
        index: 0,
        record: AnyRecord::Claim(c),
    }
    .apply(&mut loaded.dataset)
    .expect("edit");
    let e = loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Refuse)
        .expect_err("refused");
    let msg = e.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(
        msg.contains("is read-only: clear its read-only attribute"),
        "{msg}"
    );
    assert_eq!(fs::read(&path).expect("read"), before);
}

#[test]
fn quit_with_unsaved_edits_asks_first() {
    let (_tmp, ds) = sample_copy();
    let mut h = crate::window::open(&ds, (1600.0, 1000.0));
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    assert!(h.state().is_dirty());
    // Cmd+Q on macOS, Ctrl+Q elsewhere: the app's own Quit.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run();
    h.get_by_label("Save your changes?");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().is_dirty(), "still open, nothing lost");
}
