//! The store on real folders: loading the sample, byte-identical round trips, saving only
//! what changed, broken files, conflicts with edits made behind the app's back, failed saves.

use std::fs;
use std::path::Path;

use crosscheck::model::edit::{AnyRecord, Edit};
use crosscheck::model::{Claim, Dataset, DateText, Qualifier, Severity, Value};
use crosscheck::store::{OnConflict, SaveError, Store};

use crate::common::{SAMPLE, Under, sample_copy, snapshot};

#[test]
fn the_sample_dataset_loads_with_no_error_and_no_warning() {
    let loaded = Store::load(Path::new(SAMPLE)).expect("load sample");
    let findings = loaded.check();
    let text: Vec<String> = findings.iter().map(|f| loaded.store.describe(f)).collect();
    assert!(findings.is_empty(), "{text:#?}");
    let ds = &loaded.dataset;
    assert_eq!(ds.claims.len(), 21);
    assert_eq!(ds.events.len(), 8);
    // Names in their own script are kept as aliases.
    let nis = ds.actor("kr-nis").expect("NIS");
    assert!(nis.aliases.iter().any(|a| a == "국가정보원"));
    let zelensky = ds.actor("ua-zelensky").expect("Zelensky");
    assert!(zelensky.aliases.iter().any(|a| a == "Володимир Зеленський"));
    let gerasimov = ds.actor("ru-gerasimov").expect("Gerasimov");
    assert!(gerasimov.aliases.iter().any(|a| a == "Валерий Герасимов"));
}

#[test]
fn every_record_knows_where_it_was_read() {
    let loaded = Store::load(Path::new(SAMPLE)).expect("load sample");
    for c in &loaded.dataset.claims {
        let o = c.origin.expect("origin");
        let path = loaded.store.path_of(o.file);
        let text = fs::read_to_string(&path).expect("read");
        let line = text.lines().nth(o.line as usize - 1).expect("line exists");
        let at: String = line.chars().skip(o.col as usize - 1).collect();
        assert_eq!(at, format!("id: \"{}\",", c.id), "{}", path.display());
    }
}

/// Changes the claim `id` as the window does: through an [`Edit`].
fn edit_claim(ds: &mut Dataset, id: &str, change: impl FnOnce(&mut Claim)) {
    let index = ds.claims.iter().position(|c| c.id == id).expect("claim");
    let mut c = ds.claims[index].clone();
    change(&mut c);
    Edit::Replace {
        index,
        record: AnyRecord::Claim(c),
    }
    .apply(ds)
    .expect("edit");
}

/// Adds a claim as the window does.
fn add_claim(ds: &mut Dataset, c: Claim) {
    let index = ds.claims.len();
    Edit::Insert {
        index,
        record: AnyRecord::Claim(c),
    }
    .apply(ds)
    .expect("insert");
}

#[test]
fn load_and_save_of_an_unchanged_dataset_rewrites_no_byte() {
    let (_tmp, ds_dir) = sample_copy();
    let before = snapshot(&ds_dir);
    let mut loaded = Store::load(&ds_dir).expect("load");
    assert!(
        loaded
            .store
            .pending(&mut loaded.dataset)
            .expect("pending")
            .is_empty()
    );
    let report = loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Refuse)
        .expect("save");
    assert!(report.written.is_empty(), "{:?}", report.written);
    assert_eq!(report.unchanged, 8);
    assert_eq!(snapshot(&ds_dir), before);
}

#[test]
fn saving_one_edit_rewrites_one_line_of_one_file() {
    let (_tmp, ds_dir) = sample_copy();
    let before = snapshot(&ds_dir);
    let mut loaded = Store::load(&ds_dir).expect("load");
    edit_claim(
        &mut loaded.dataset,
        "jcs-2024-12-23-killed-or-wounded",
        |c| c.value = Value::new(Qualifier::Approx, 1_200),
    );
    let report = loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Refuse)
        .expect("save");
    assert_eq!(report.written, vec![ds_dir.under("claims/2024.ron")]);
    let after = snapshot(&ds_dir);
    for (rel, bytes) in &before {
        if rel != Path::new("claims").join("2024.ron").as_path() {
            assert_eq!(&after[rel], bytes, "{} changed", rel.display());
        }
    }
    let old = String::from_utf8(before[Path::new("claims").join("2024.ron").as_path()].clone())
        .expect("utf8");
    let new = String::from_utf8(after[Path::new("claims").join("2024.ron").as_path()].clone())
        .expect("utf8");
    let changed: Vec<(&str, &str)> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        changed,
        vec![("            best: 1100,", "            best: 1200,")]
    );
    let reloaded = Store::load(&ds_dir).expect("reload");
    let c = reloaded
        .dataset
        .claims
        .iter()
        .find(|c| c.id == "jcs-2024-12-23-killed-or-wounded")
        .expect("claim");
    assert_eq!(c.value.best(), Some(1_200));
}

#[test]
fn a_new_record_is_filed_by_kind_and_year() {
    let (_tmp, ds_dir) = sample_copy();
    let mut loaded = Store::load(&ds_dir).expect("load");
    let mut c = loaded.dataset.claims[0].clone();
    c.id = "nis-2026-02-01-killed".into();
    c.stated_on = DateText::new("2026-02-01");
    c.origin = None;
    add_claim(&mut loaded.dataset, c);
    let report = loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Refuse)
        .expect("save");
    assert_eq!(report.written, vec![ds_dir.under("claims/2026.ron")]);
    let reloaded = Store::load(&ds_dir).expect("reload");
    assert_eq!(reloaded.dataset.claims.len(), 22);
    assert!(reloaded.check().is_empty());
}

fn break_file(path: &Path) -> Vec<u8> {
    let text = fs::read_to_string(path).expect("read");
    let cut = text.len() / 2;
    let cut = (0..=cut)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let broken = text.as_bytes()[..cut].to_vec();
    fs::write(path, &broken).expect("write");
    broken
}

#[test]
fn a_broken_file_is_reported_the_rest_loads_and_it_is_never_written() {
    let (_tmp, ds_dir) = sample_copy();
    let broken_path = ds_dir.under("claims/2025.ron");
    let broken = break_file(&broken_path);
    let mut loaded = Store::load(&ds_dir).expect("load");

    let errors: Vec<String> = loaded
        .load_findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| loaded.store.describe(f))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let prefix = format!("{}:", broken_path.display());
    assert!(errors[0].starts_with(&prefix), "{}", errors[0]);
    let rest = &errors[0][prefix.len()..];
    let mut parts = rest.splitn(3, ':');
    let line: usize = parts
        .next()
        .and_then(|s| s.parse().ok())
        .expect("line number");
    let col: usize = parts
        .next()
        .and_then(|s| s.parse().ok())
        .expect("column number");
    assert!(line >= 1 && line <= broken.iter().filter(|&&b| b == b'\n').count() + 1);
    assert!(col >= 1);
    assert!(parts.next().expect("message").starts_with(" error: "));

    // The 2024 claims and everything else still load.
    assert_eq!(loaded.dataset.claims.len(), 9);
    assert_eq!(loaded.dataset.events.len(), 8);

    // Saving after an edit elsewhere and a new 2025 claim leaves the broken file alone.
    let first = loaded.dataset.claims[0].id.clone();
    edit_claim(&mut loaded.dataset, &first, |c| c.notes = "edited".into());
    let mut c = loaded.dataset.claims[0].clone();
    c.id = "nis-2025-02-01-new".into();
    c.stated_on = DateText::new("2025-02-01");
    c.origin = None;
    add_claim(&mut loaded.dataset, c);
    let report = loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Overwrite)
        .expect("save");
    assert!(!report.written.contains(&broken_path));
    assert!(report.written.contains(&ds_dir.under("claims/2025-2.ron")));
    assert_eq!(fs::read(&broken_path).expect("read"), broken);
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten_silently() {
    let (_tmp, ds_dir) = sample_copy();
    let mut loaded = Store::load(&ds_dir).expect("load");
    let path = ds_dir.under("claims/2024.ron");
    let theirs = fs::read_to_string(&path)
        .expect("read")
        .replace("at least 100", "at least 101");
    fs::write(&path, &theirs).expect("write behind the store's back");

    edit_claim(&mut loaded.dataset, "nis-2024-12-19-killed", |c| {
        c.notes = "mine".into()
    });
    match loaded.store.save(&mut loaded.dataset, OnConflict::Refuse) {
        Err(SaveError::ChangedOnDisk(paths)) => assert_eq!(paths, vec![path.clone()]),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(fs::read_to_string(&path).expect("read"), theirs);
    loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Overwrite)
        .expect("overwrite");
    assert!(
        fs::read_to_string(&path)
            .expect("read")
            .contains("notes: \"mine\"")
    );
}

#[test]
fn no_damage_to_a_file_makes_loading_or_checking_panic() {
    let (_tmp, ds_dir) = sample_copy();
    let path = ds_dir.under("claims/2025.ron");
    let original = fs::read(&path).expect("read");
    let replacements: [&[u8]; 8] = [b"(", b")", b"\"", b",", b"[", b"\xff", b"9", b""];
    let step = original.len() / 120;
    for at in (0..original.len()).step_by(step.max(1)) {
        for r in replacements {
            let mut bytes = original.clone();
            bytes.splice(at..at + 1, r.iter().copied());
            fs::write(&path, &bytes).expect("write");
            let loaded = Store::load(&ds_dir).expect("load");
            for f in loaded.check() {
                let line = loaded.store.describe(&f);
                assert!(
                    line.contains(": error: ") || line.contains(": warning: "),
                    "{line}"
                );
            }
        }
        let truncated = &original[..at];
        fs::write(&path, truncated).expect("write");
        let loaded = Store::load(&ds_dir).expect("load");
        let _ = loaded.check();
    }
}

#[test]
fn a_save_rewrites_only_the_files_edits_touched_and_nothing_after_an_undo() {
    let (_tmp, ds_dir) = sample_copy();
    // A file that parses but is not in canonical form: saving an edit elsewhere must not
    // reformat it behind the researcher's back (that is what `fmt` is for).
    let other = ds_dir.under("claims/2025.ron");
    let loose = fs::read_to_string(&other)
        .expect("read")
        .replace("\n", "\n\n");
    fs::write(&other, &loose).expect("write");
    let mut loaded = Store::load(&ds_dir).expect("load");
    let mut history = crosscheck::model::edit::History::default();
    let index = loaded
        .dataset
        .claims
        .iter()
        .position(|c| c.id == "jcs-2024-12-23-killed-or-wounded")
        .expect("claim");
    let mut c = loaded.dataset.claims[index].clone();
    c.notes = "checked against the JCS release".into();
    history
        .apply(
            &mut loaded.dataset,
            Edit::Replace {
                index,
                record: AnyRecord::Claim(c),
            },
            None,
        )
        .expect("edit");
    let pending = loaded.store.pending(&mut loaded.dataset).expect("pending");
    let paths: Vec<_> = pending
        .iter()
        .map(|(i, _)| loaded.store.path_of(*i as u32))
        .collect();
    assert_eq!(paths, vec![ds_dir.under("claims/2024.ron")]);

    // Undone before saving: the file would come out as it is on disk, so nothing is written.
    history.undo(&mut loaded.dataset).expect("undo");
    let report = loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Refuse)
        .expect("save");
    assert!(report.written.is_empty(), "{:?}", report.written);
    assert!(loaded.dataset.touched.files.is_empty());
    assert_eq!(fs::read_to_string(&other).expect("read"), loose);
}

#[test]
fn a_busy_year_is_filed_by_month() {
    let (_tmp, ds_dir) = sample_copy();
    let mut loaded = Store::load(&ds_dir).expect("load");
    let template = loaded.dataset.claims[0].clone();
    let n = crosscheck::store::MONTHLY_ABOVE + 1;
    for k in 0..n {
        let mut c = template.clone();
        c.id = format!("bulk-{k:05}").into();
        c.stated_on = DateText::new(&format!("2026-{:02}-{:02}", 1 + k % 12, 1 + k % 28));
        c.supersedes = None;
        c.origin = None;
        add_claim(&mut loaded.dataset, c);
    }
    let report = loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Refuse)
        .expect("save");
    assert_eq!(report.written.len(), 12, "{:?}", report.written);
    assert!(
        report
            .written
            .contains(&ds_dir.under("claims/2026/2026-03.ron"))
    );
    assert!(!ds_dir.under("claims/2026.ron").exists());
    let reloaded = Store::load(&ds_dir).expect("reload");
    assert_eq!(reloaded.dataset.claims.len(), 21 + n);
    let march = reloaded
        .dataset
        .claims
        .iter()
        .filter(|c| {
            c.origin
                .is_some_and(|o| reloaded.store.path_of(o.file).ends_with("2026-03.ron"))
        })
        .count();
    assert_eq!(march, (0..n).filter(|k| k % 12 == 2).count());
}
