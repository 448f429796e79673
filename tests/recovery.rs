//! Nothing is lost when the program is killed: unsaved edits come back from the recovery
//! journal, and a save killed at any moment leaves every file old or new, never torn, with no
//! temporary file after the next open.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};

use crosscheck::app::{App, Options, Prefs};
use crosscheck::model::edit::{AnyRecord, Edit, Target};
use crosscheck::model::{Kind, Qualifier, Value};
use crosscheck::store::Store;
use crosscheck::ui::Command;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::common::{run, sample_copy, snapshot};

/// Set in the child process: the dataset it edits.
const CHILD_DATASET: &str = "CROSSCHECK_TEST_CHILD_DATASET";

/// The edits the child makes, by claim id: a note, a figure, a deletion, and a new claim.
const NOTED: &str = "jcs-2024-12-23-killed-or-wounded";
const REFIGURED: &str = "zelensky-2024-12-27-captured";

fn index(app: &App, id: &str) -> usize {
    app.doc
        .as_ref()
        .expect("doc")
        .dataset
        .claims
        .iter()
        .position(|c| c.id == id)
        .expect("claim")
}

/// The child: opens the dataset headlessly, edits through commands, waits until the
/// journal is on disk, says so, and waits to be killed. Does nothing in an ordinary run.
#[test]
fn child_that_edits_and_is_killed() {
    let Some(ds) = std::env::var_os(CHILD_DATASET) else {
        return;
    };
    let ctx = egui::Context::default();
    let mut app = App::with_context(
        &ctx,
        Prefs::default(),
        Some(PathBuf::from(ds)),
        Options::default(),
    );
    app.finish_opening();
    let edit = |app: &mut App, edit: Edit| {
        app.handle(Command::Edit {
            edit: Box::new(edit),
            coalesce: None,
        });
    };
    let i = index(&app, NOTED);
    let mut c = app.doc.as_ref().expect("doc").dataset.claims[i].clone();
    c.notes = "typed just before the crash".into();
    edit(
        &mut app,
        Edit::Replace {
            index: i,
            record: AnyRecord::Claim(c),
        },
    );
    let i = index(&app, REFIGURED);
    let mut c = app.doc.as_ref().expect("doc").dataset.claims[i].clone();
    c.value = Value::new(Qualifier::AtLeast, 3);
    edit(
        &mut app,
        Edit::Replace {
            index: i,
            record: AnyRecord::Claim(c),
        },
    );
    app.handle(Command::NewRecord(Kind::Claim));
    // Its number, typed.
    let i = app.doc.as_ref().expect("doc").dataset.claims.len() - 1;
    let mut c = app.doc.as_ref().expect("doc").dataset.claims[i].clone();
    c.value = Value::new(Qualifier::Approx, 200);
    edit(
        &mut app,
        Edit::Replace {
            index: i,
            record: AnyRecord::Claim(c),
        },
    );
    let i = index(&app, "trump-2025-03-14-encircled");
    app.handle(Command::Delete(Target {
        kind: Kind::Claim,
        index: i,
    }));
    app.flush_journal();
    let new_id = app
        .doc
        .as_ref()
        .expect("doc")
        .dataset
        .claims
        .last()
        .expect("new")
        .id
        .clone();
    println!("journaled {new_id}");
    // Wait for the kill: the parent never closes our input.
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).ok();
}

#[test]
fn unsaved_edits_of_a_killed_window_are_offered_and_restored_exactly() {
    let (_tmp, ds) = sample_copy();
    let recovery = tempfile::tempdir().expect("tempdir");
    let before = snapshot(&ds);
    let mut child = Process::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            "recovery::child_that_edits_and_is_killed",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DATASET, &ds)
        .env(
            crosscheck::store::cache::CACHE_DIR_VARIABLE,
            crate::common::cache_dir(),
        )
        .env(
            crosscheck::store::sample::DATA_DIR_VARIABLE,
            recovery.path(),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn the child");
    let out = child.stdout.take().expect("stdout");
    let new_id = BufReader::new(out)
        .lines()
        .map_while(Result::ok)
        .find_map(|l| l.split("journaled ").nth(1).map(|id| id.trim().to_string()))
        .expect("the child journaled its edits");
    // SIGKILL: no chance to save or clean up.
    child.kill().expect("kill");
    child.wait().expect("wait");
    assert_eq!(snapshot(&ds), before, "nothing was saved");

    let dir = ds.clone();
    let rec = recovery.path().join("recovery");
    let mut h: Harness<'static, App> = Harness::builder()
        .with_size(egui::vec2(1600.0, 1000.0))
        .build_eframe(move |cc| {
            App::new_with(
                cc,
                Some(dir),
                Options {
                    recovery_dir: Some(rec),
                    cache_dir: Some(crate::common::cache_dir()),
                },
            )
        });
    h.state_mut().finish_opening();
    h.run();
    h.get_by_label("Restore unsaved changes?");
    h.get_by_label_contains("5 unsaved change(s) to 4 record(s)");
    h.get_by_label("Restore").click();
    h.run();
    let app = h.state();
    let claims = &app.doc.as_ref().expect("doc").dataset.claims;
    let get = |id: &str| claims.iter().find(|c| c.id == id);
    assert_eq!(
        get(NOTED).expect("noted").notes.text(),
        "typed just before the crash"
    );
    assert_eq!(
        get(REFIGURED).expect("refigured").value,
        Value::new(Qualifier::AtLeast, 3)
    );
    assert!(get("trump-2025-03-14-encircled").is_none(), "deleted again");
    assert_eq!(
        get(&new_id).expect("the new claim is back").value,
        Value::new(Qualifier::Approx, 200)
    );
    assert_eq!(claims.len(), 21);
    assert!(app.is_dirty(), "restored, not saved");
    // The restore is one undo step.
    h.state_mut().handle(Command::Undo);
    h.run();
    assert_eq!(
        *h.state().doc.as_ref().expect("doc").dataset,
        Store::load(&ds).expect("load").dataset
    );
    h.state_mut().handle(Command::Redo);
    h.run();
    // Saved: the journal goes.
    h.state_mut().handle(Command::Save);
    h.run();
    h.run();
    assert!(!h.state().is_dirty());
    h.run();
    let journals: Vec<_> = std::fs::read_dir(recovery.path().join("recovery"))
        .expect("read_dir")
        .collect();
    assert!(journals.is_empty(), "{journals:?}");
    let o = run(&["check", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0));
}

/// Every file below `dir` with its text, relative paths.
fn texts(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    snapshot(dir)
}

#[test]
fn a_save_killed_at_random_points_leaves_every_file_old_or_new_and_no_temporary_after_the_next_open()
 {
    let tmp = tempfile::tempdir().expect("tempdir");
    let generated = tmp.path().join("gen");
    let o = run(&[
        "gen",
        generated.to_str().expect("utf-8"),
        "--events",
        "300",
        "--claims",
        "6000",
    ]);
    assert_eq!(o.status.code(), Some(0));
    // Old: every file written with two-space indentation, so that `fmt` rewrites them all.
    let old: std::collections::BTreeMap<PathBuf, Vec<u8>> = texts(&generated)
        .into_iter()
        .map(|(p, b)| {
            let t = String::from_utf8(b).expect("utf-8").replace("    ", "  ");
            (p, t.into_bytes())
        })
        .collect();
    for (p, b) in &old {
        std::fs::write(generated.join(p), b).expect("write");
    }
    // New: what fmt makes of them.
    let reference = tmp.path().join("reference");
    crate::common::copy_tree(&generated, &reference);
    assert_eq!(
        run(&["fmt", reference.to_str().expect("utf-8")])
            .status
            .code(),
        Some(0)
    );
    let canonical = texts(&reference);
    assert_eq!(old.len(), canonical.len());
    assert!(
        old.iter().all(|(p, b)| *b != canonical[p]),
        "fmt rewrites every file"
    );
    // How long a whole save takes here: the kills are spread over it.
    let timing = tmp.path().join("timing");
    crate::common::copy_tree(&generated, &timing);
    let started = std::time::Instant::now();
    assert_eq!(
        run(&["fmt", timing.to_str().expect("utf-8")]).status.code(),
        Some(0)
    );
    let whole = u64::try_from(started.elapsed().as_micros())
        .unwrap_or(u64::MAX)
        .max(1_000);
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut killed_mid_way = 0;
    let mut temporaries_left = 0;
    for trial in 0..60 {
        let ds = tmp.path().join(format!("t{trial}"));
        crate::common::copy_tree(&generated, &ds);
        let mut child = Process::new(crate::common::bin())
            .args(["fmt", ds.to_str().expect("utf-8")])
            .env(
                crosscheck::store::cache::CACHE_DIR_VARIABLE,
                crate::common::cache_dir(),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn fmt");
        // A random moment of the save; every other trial in its last third, where the files
        // are written (the first two thirds read and render them), so that kills land while
        // a file is being written often enough to be tested, not by luck.
        let from = if trial % 2 == 0 { 0 } else { whole * 2 / 3 };
        std::thread::sleep(std::time::Duration::from_micros(rng.u64(from..whole)));
        child.kill().ok();
        child.wait().expect("wait");
        let mut some_new = false;
        let mut some_old = false;
        for (p, b) in snapshot(&ds) {
            let name = p.file_name().expect("name").to_string_lossy().to_string();
            if crosscheck::store::atomic::is_temporary(&name) {
                temporaries_left += 1;
                continue;
            }
            if b == canonical[&p] {
                some_new = true;
            } else {
                assert_eq!(b, old[&p], "trial {trial}: {} is torn", p.display());
                some_old = true;
            }
        }
        if some_new && some_old {
            killed_mid_way += 1;
        }
        // The next open removes what the kill left, and says so.
        let loaded = Store::load(&ds).expect("load");
        assert!(
            snapshot(&ds)
                .keys()
                .all(|p| !crosscheck::store::atomic::is_temporary(
                    &p.file_name().expect("name").to_string_lossy()
                )),
            "trial {trial}: a temporary file is left"
        );
        assert_eq!(loaded.dataset.claims.len(), 6000, "trial {trial}");
        std::fs::remove_dir_all(&ds).ok();
    }
    assert!(killed_mid_way > 0, "no kill landed in the middle of a save");
    assert!(
        temporaries_left > 0,
        "no kill landed while a file was being written"
    );
}
