//! Two curators, two clones, one dataset, merged with real git through `crosscheck merge`:
//! new records never share an id, edits of different records always merge cleanly into a
//! dataset that passes `check`, and edits of the same field conflict on exactly that record.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crosscheck::model::defaults::new_record;
use crosscheck::model::edit::{AnyRecord, Edit, Target};
use crosscheck::model::filter::Filter;
use crosscheck::model::merge::same;
use crosscheck::model::{Claim, Kind, Qualifier, Tally, Value};
use crosscheck::store::{OnConflict, Store};

use crate::common::{SAMPLE, Under, copy_tree, run, stderr, stdout};

/// Runs git in `dir` with a fixed identity and no user or system configuration.
fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Curator")
        .env("GIT_AUTHOR_EMAIL", "curator@example.org")
        .env("GIT_COMMITTER_NAME", "Curator")
        .env("GIT_COMMITTER_EMAIL", "curator@example.org")
        .output()
        .expect("run git")
}

fn git_ok(dir: &Path, args: &[&str]) {
    let o = git(dir, args);
    assert!(
        o.status.success(),
        "git {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// A repository holding a copy of the sample in `ds/`, set up with `crosscheck git-setup`
/// and committed on `main`.
fn repository() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    let ds = repo.join("ds");
    copy_tree(Path::new(SAMPLE), &ds);
    git_ok(&repo, &["init", "-q", "-b", "main"]);
    let o = run(&["git-setup", ds.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("registered the merge driver"),
        "{}",
        stdout(&o)
    );
    git_ok(&repo, &["add", "-A"]);
    git_ok(&repo, &["commit", "-q", "-m", "base"]);
    (tmp, repo, ds)
}

/// What one curator did: the records by id as they end up (`None`: deleted).
type Changes = BTreeMap<(Kind, String), Option<AnyRecord>>;

fn record_of(ds: &crosscheck::model::Dataset, kind: Kind, index: usize) -> AnyRecord {
    crosscheck::model::edit::record_at(ds, Target { kind, index }).expect("record")
}

/// One curator's session: adds claims through the app's new-record path (all on the same
/// day), changes and deletes claims of its own share, and saves.
fn curate(ds_dir: &Path, rng: &mut fastrand::Rng, share: usize) -> Changes {
    let mut loaded = Store::load(ds_dir).expect("load");
    let mut changes = Changes::new();
    let ds = &mut loaded.dataset;
    let mut edits = Vec::new();
    // Changes to existing claims: this curator's share only (every other claim).
    let n = ds.claims.len();
    for i in (share..n).step_by(2) {
        if rng.u8(..4) != 0 {
            continue;
        }
        let mut c: Claim = ds.claims[i].clone();
        let referred = !ds.referrers(Kind::Claim, &c.id).is_empty();
        match rng.u8(..4) {
            0 if !referred => {
                edits.push(Edit::Remove {
                    target: Target {
                        kind: Kind::Claim,
                        index: i,
                    },
                });
                changes.insert((Kind::Claim, c.id.to_string()), None);
                continue;
            }
            1 => c.notes = format!("checked by curator {share} ({})", rng.u32(..)).into(),
            2 => c.value = Value::new(Qualifier::Approx, u64::from(rng.u32(1..100_000))),
            _ => c.credibility = Some(i64::from(rng.u8(1..7))),
        }
        changes.insert(
            (Kind::Claim, c.id.to_string()),
            Some(AnyRecord::Claim(c.clone())),
        );
        edits.push(Edit::Replace {
            index: i,
            record: AnyRecord::Claim(c),
        });
    }
    // Replaces first, then removes from the end, so that indices stay valid.
    let (removes, replaces): (Vec<Edit>, Vec<Edit>) = edits
        .into_iter()
        .partition(|e| matches!(e, Edit::Remove { .. }));
    for e in replaces.into_iter().chain(removes.into_iter().rev()) {
        e.apply(ds).expect("edit");
    }
    // New claims, on the same day as the other curator's, with the same defaults.
    for _ in 0..rng.usize(1..4) {
        let filter = Filter {
            claimant: Some("kr-nis".into()),
            metric: Some("killed".into()),
            ..Filter::default()
        };
        let taken = |id: &str| ds.has_id(id);
        let r = new_record(ds, Kind::Claim, &filter, None, "2026-11-28", rng, &taken);
        let AnyRecord::Claim(mut c) = r else {
            panic!("a claim")
        };
        c.value = Value::new(Qualifier::Exact, u64::from(rng.u32(1..1000)));
        c.sources = ds.claims[0].sources.clone();
        changes.insert(
            (Kind::Claim, c.id.to_string()),
            Some(AnyRecord::Claim(c.clone())),
        );
        let index = ds.claims.len();
        Edit::Insert {
            index,
            record: AnyRecord::Claim(c),
        }
        .apply(ds)
        .expect("insert");
    }
    // Sometimes a new event and a new source too.
    for kind in [Kind::Event, Kind::Source] {
        if rng.bool() {
            let taken = |id: &str| ds.has_id(id);
            let r = new_record(
                ds,
                kind,
                &Filter::default(),
                None,
                "2026-11-28",
                rng,
                &taken,
            );
            changes.insert((kind, r.id().to_string()), Some(r.clone()));
            let index = ds.count(kind);
            Edit::Insert { index, record: r }.apply(ds).expect("insert");
        }
    }
    loaded
        .store
        .save(&mut loaded.dataset, OnConflict::Refuse)
        .expect("save");
    changes
}

fn all_records(ds: &crosscheck::model::Dataset) -> BTreeMap<(Kind, String), AnyRecord> {
    let mut out = BTreeMap::new();
    for kind in Kind::ALL {
        for i in 0..ds.count(kind) {
            let r = record_of(ds, kind, i);
            out.insert((kind, r.id().to_string()), r);
        }
    }
    out
}

fn same_record(a: &AnyRecord, b: &AnyRecord) -> bool {
    match (a, b) {
        (AnyRecord::Actor(a), AnyRecord::Actor(b)) => same(a, b),
        (AnyRecord::Source(a), AnyRecord::Source(b)) => same(a, b),
        (AnyRecord::Event(a), AnyRecord::Event(b)) => same(a, b),
        (AnyRecord::Claim(a), AnyRecord::Claim(b)) => same(a, b),
        _ => false,
    }
}

#[test]
fn two_clones_that_each_create_ten_thousand_records_of_each_kind_share_no_id() {
    let base = Store::load(Path::new(SAMPLE)).expect("load").dataset;
    let mut seen: [BTreeSet<String>; 2] = Default::default();
    for (clone, seed) in [(0, 11), (1, 12)] {
        let mut rng = fastrand::Rng::with_seed(seed);
        for kind in Kind::ALL {
            for _ in 0..10_000 {
                let r = new_record(
                    &base,
                    kind,
                    &Filter::default(),
                    None,
                    "2026-11-28",
                    &mut rng,
                    &|id| base.has_id(id),
                );
                assert!(!base.has_id(r.id()));
                assert!(seen[clone].insert(r.id().to_string()), "{} twice", r.id());
            }
        }
    }
    let shared: Vec<&String> = seen[0].intersection(&seen[1]).collect();
    assert!(shared.is_empty(), "{shared:?}");
}

#[test]
fn random_edits_of_different_records_on_two_branches_always_merge_into_a_valid_dataset() {
    let (_tmp, repo, ds) = repository();
    let trials = 200;
    for trial in 0..trials {
        let mut rng = fastrand::Rng::with_seed(trial);
        let (a, b) = (format!("a{trial}"), format!("b{trial}"));
        git_ok(&repo, &["checkout", "-q", "-b", &b, "main"]);
        let theirs = curate(&ds, &mut rng, 1);
        git_ok(&repo, &["add", "-A"]);
        git_ok(&repo, &["commit", "-q", "-m", "theirs"]);
        git_ok(&repo, &["checkout", "-q", "-b", &a, "main"]);
        let ours = curate(&ds, &mut rng, 0);
        git_ok(&repo, &["add", "-A"]);
        git_ok(&repo, &["commit", "-q", "-m", "ours"]);
        let o = git(&repo, &["merge", "-q", "--no-edit", &b]);
        assert!(
            o.status.success(),
            "trial {trial}: git merge failed: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        let merged = Store::load(&ds).expect("load");
        let findings = merged.check();
        assert_eq!(
            Tally::of(&findings).errors,
            0,
            "trial {trial}: {:#?}",
            findings
                .iter()
                .map(|f| merged.store.describe(f))
                .collect::<Vec<_>>()
        );
        // Every edit of both sides is there, and nothing else changed.
        let base = Store::load(Path::new(SAMPLE)).expect("load").dataset;
        let mut expected = all_records(&base);
        for (key, rec) in ours.into_iter().chain(theirs) {
            match rec {
                Some(r) => expected.insert(key, r),
                None => expected.remove(&key),
            };
        }
        let got = all_records(&merged.dataset);
        assert_eq!(
            got.keys().collect::<Vec<_>>(),
            expected.keys().collect::<Vec<_>>(),
            "trial {trial}"
        );
        for (key, r) in &got {
            assert!(same_record(r, &expected[key]), "trial {trial}: {key:?}");
        }
        // The merged files are canonical.
        let o = run(&["fmt", "--check", ds.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(0), "trial {trial}: {}", stdout(&o));
        git_ok(&repo, &["checkout", "-q", "main"]);
    }
}

/// Both curators change the same claim's figure: git reports the file as conflicted, the
/// file marks that claim only, and `check` points at it.
pub fn same_field_conflict() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, repo, ds) = repository();
    let set_best = |best: u64| {
        let mut loaded = Store::load(&ds).expect("load");
        let i = loaded
            .dataset
            .claims
            .iter()
            .position(|c| c.id == "jcs-2024-12-23-killed-or-wounded")
            .expect("claim");
        let mut c = loaded.dataset.claims[i].clone();
        c.value = Value::new(Qualifier::Approx, best);
        Edit::Replace {
            index: i,
            record: AnyRecord::Claim(c),
        }
        .apply(&mut loaded.dataset)
        .expect("edit");
        loaded
            .store
            .save(&mut loaded.dataset, OnConflict::Refuse)
            .expect("save");
    };
    git_ok(&repo, &["checkout", "-q", "-b", "theirs", "main"]);
    set_best(4000);
    git_ok(&repo, &["commit", "-q", "-am", "theirs"]);
    git_ok(&repo, &["checkout", "-q", "-b", "ours", "main"]);
    set_best(3000);
    git_ok(&repo, &["commit", "-q", "-am", "ours"]);
    let o = git(&repo, &["merge", "-q", "--no-edit", "theirs"]);
    assert!(!o.status.success(), "the same field must conflict");
    (tmp, repo, ds)
}

#[test]
fn the_same_field_changed_on_both_branches_conflicts_on_that_record_only() {
    let (_tmp, repo, ds) = same_field_conflict();
    let status =
        String::from_utf8_lossy(&git(&repo, &["status", "--porcelain"]).stdout).to_string();
    assert!(status.contains("UU ds/claims/2024.ron"), "{status}");
    let text = crate::common::read_lf(&ds.under("claims/2024.ron"));
    assert_eq!(text.matches("<<<<<<<").count(), 1, "{text}");
    let conflict = &text[text.find("<<<<<<<").expect("start")..text.find(">>>>>>>").expect("end")];
    assert_eq!(
        conflict.matches("id: ").count(),
        2,
        "only the one record, twice: {conflict}"
    );
    assert!(conflict.contains("jcs-2024-12-23-killed-or-wounded"));
    let o = run(&["check", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.contains("merge conflict"))
        .expect("the conflict is reported");
    assert!(
        line.contains(&format!("{}:", crate::common::native("claims/2024.ron"))),
        "{line}"
    );
    assert!(
        line.contains(": error: merge conflict in claim jcs-2024-12-23-killed-or-wounded (field value.best: 3,000 vs 4,000)"),
        "{line}"
    );
    // The reported line is the record's id line in the conflicted file.
    let n: usize = line
        .split(':')
        .nth(1)
        .expect("line")
        .parse()
        .expect("number");
    assert!(
        text.lines()
            .nth(n - 1)
            .expect("line")
            .contains("id: \"jcs-2024-12-23-killed-or-wounded\"")
    );
    // Everything else of the file loads.
    let loaded = Store::load(&ds).expect("load");
    assert_eq!(loaded.dataset.claims.len(), 21);
    assert_eq!(loaded.dataset.conflicts.len(), 1);
}

#[test]
fn both_branches_creating_the_same_new_file_merge_through_an_empty_base() {
    let (_tmp, repo, ds) = repository();
    let add = |rng: &mut fastrand::Rng| {
        let mut loaded = Store::load(&ds).expect("load");
        let r = new_record(
            &loaded.dataset,
            Kind::Claim,
            &Filter::default(),
            None,
            "2026-11-28",
            rng,
            &|id| loaded.dataset.has_id(id),
        );
        let AnyRecord::Claim(mut c) = r else {
            panic!("a claim")
        };
        c.value = Value::new(Qualifier::Exact, 5);
        let index = loaded.dataset.claims.len();
        Edit::Insert {
            index,
            record: AnyRecord::Claim(c),
        }
        .apply(&mut loaded.dataset)
        .expect("insert");
        loaded
            .store
            .save(&mut loaded.dataset, OnConflict::Refuse)
            .expect("save");
    };
    git_ok(&repo, &["checkout", "-q", "-b", "theirs", "main"]);
    add(&mut fastrand::Rng::with_seed(1));
    git_ok(&repo, &["add", "-A"]);
    git_ok(&repo, &["commit", "-q", "-m", "theirs"]);
    git_ok(&repo, &["checkout", "-q", "-b", "ours", "main"]);
    add(&mut fastrand::Rng::with_seed(2));
    git_ok(&repo, &["add", "-A"]);
    git_ok(&repo, &["commit", "-q", "-m", "ours"]);
    assert!(ds.under("claims/2026.ron").is_file());
    let o = git(&repo, &["merge", "-q", "--no-edit", "theirs"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let merged = Store::load(&ds).expect("load");
    assert_eq!(merged.dataset.claims.len(), 23);
    assert_eq!(Tally::of(&merged.check()).errors, 0);
}

#[test]
fn git_setup_is_idempotent_and_refuses_a_folder_outside_git() {
    let (_tmp, repo, ds) = repository();
    let before = (
        fs::read_to_string(ds.join(".gitattributes")).expect("attributes"),
        fs::read_to_string(ds.join(".gitignore")).expect("ignore"),
    );
    assert!(before.0.contains("*.ron text eol=lf merge=crosscheck"));
    assert!(before.1.contains(".crosscheck-*.tmp"));
    let o = run(&["git-setup", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        before,
        (
            fs::read_to_string(ds.join(".gitattributes")).expect("attributes"),
            fs::read_to_string(ds.join(".gitignore")).expect("ignore"),
        )
    );
    let driver = git(&repo, &["config", "--get", "merge.crosscheck.driver"]);
    assert!(String::from_utf8_lossy(&driver.stdout).contains("merge %O %A %B %P"));

    let outside = tempfile::tempdir().expect("tempdir");
    let o = run(&["git-setup", outside.path().to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not inside a git repository"),
        "{}",
        stderr(&o)
    );
}

fn merge_files(base: &str, ours: &str, theirs: &str) -> (Output, String) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let [b, o, t] = ["base", "ours", "theirs"].map(|n| tmp.path().join(n));
    fs::write(&b, base).expect("write");
    fs::write(&o, ours).expect("write");
    fs::write(&t, theirs).expect("write");
    let out = run(&[
        "merge",
        b.to_str().expect("utf-8"),
        o.to_str().expect("utf-8"),
        t.to_str().expect("utf-8"),
        "claims/2024.ron",
    ]);
    (out, fs::read_to_string(&o).expect("read"))
}

#[test]
fn a_file_that_does_not_parse_falls_back_to_the_line_merge_and_is_reported() {
    // The same line changed on both sides: git's markers.
    let (out, merged) = merge_files(
        "[\n    (id: \"a\"\n]\n",
        "[\n    (id: \"b\"\n]\n",
        "[\n    (id: \"c\"\n]\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be merged record by record (the base version does not parse"),
        "{}",
        stderr(&out)
    );
    assert!(
        merged.contains("<<<<<<< ours") && merged.contains(">>>>>>> theirs"),
        "{merged}"
    );
    // Different lines: a clean line merge, but still no dataset file — never taken as clean.
    let (out, merged) = merge_files(
        "[\n    (id: \"a\"\n]\n",
        "[\n    (id: \"a\"\n]\n// ours\n",
        "[\n    (id: \"b\"\n]\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("the line merge does not parse"),
        "{}",
        stderr(&out)
    );
    assert_eq!(merged, "[\n    (id: \"b\"\n]\n// ours\n");
}

#[test]
fn crlf_checkouts_are_canonical_for_fmt_and_merge() {
    let (_tmp, ds) = crate::common::sample_copy();
    for e in walk(&ds) {
        let text = fs::read_to_string(&e).expect("read");
        fs::write(&e, text.replace('\n', "\r\n")).expect("write");
    }
    let o = run(&["fmt", "--check", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let o = run(&["check", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).expect("read_dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

mod window {
    use super::*;
    use crate::window::{open, replace_text};
    use crosscheck::app::App;
    use egui::{Key, Modifiers};
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    fn conflicts(h: &Harness<'static, App>) -> usize {
        h.state().doc.as_ref().expect("doc").dataset.conflicts.len()
    }

    #[test]
    fn a_conflicted_file_opens_and_is_resolved_in_the_window_then_saved_without_markers() {
        let (_tmp, repo, ds) = same_field_conflict();
        let mut h = open(&ds, (1600.0, 1000.0));
        h.get_by_label_contains("1 merge conflict(s)");
        h.get_by_label_contains(
            "claim jcs-2024-12-23-killed-or-wounded: field value.best: 3,000 vs 4,000",
        );
        assert_eq!(conflicts(&h), 1);
        // Saving before resolving asks first (a conflict is an error), and even then leaves
        // the conflicted file alone.
        h.key_press_modifiers(Modifiers::COMMAND, Key::S);
        h.run();
        h.get_by_label("Save with errors?");
        h.get_by_label("Save anyway").click();
        h.run();
        assert!(
            fs::read_to_string(ds.under("claims/2024.ron"))
                .expect("read")
                .contains("<<<<<<<")
        );

        h.get_by_label("Take theirs").click();
        h.run();
        assert_eq!(conflicts(&h), 0);
        assert!(h.state().is_dirty());
        // Resolving is one undoable edit.
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
        assert_eq!(conflicts(&h), 1);
        h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
        h.run();
        assert_eq!(conflicts(&h), 0);
        h.key_press_modifiers(Modifiers::COMMAND, Key::S);
        h.run();
        assert!(!h.state().is_dirty());
        let text = fs::read_to_string(ds.under("claims/2024.ron")).expect("read");
        assert!(
            !text.contains("<<<<<<<") && !text.contains(">>>>>>>"),
            "{text}"
        );
        let o = run(&["check", ds.to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
        let loaded = Store::load(&ds).expect("load");
        let c = loaded
            .dataset
            .claims
            .iter()
            .find(|c| c.id == "jcs-2024-12-23-killed-or-wounded")
            .expect("claim");
        assert_eq!(c.value.best(), Some(4000), "theirs");
        // git can now conclude the merge.
        git_ok(&repo, &["add", "-A"]);
        git_ok(&repo, &["commit", "-q", "-m", "merged"]);
    }

    #[test]
    fn a_conflict_resolved_field_by_field_takes_each_chosen_field() {
        let (_tmp, _repo, ds) = same_field_conflict();
        let mut h = open(&ds, (1600.0, 1000.0));
        h.get_by_label("Field by field…").click();
        h.run();
        h.get_by_label("Resolve claim jcs-2024-12-23-killed-or-wounded");
        h.get_by_label("theirs: best: 4,000").click();
        h.run();
        h.get_by_label("Resolve").click();
        h.run();
        assert_eq!(conflicts(&h), 0);
        let app = h.state();
        let c = app
            .doc
            .as_ref()
            .expect("doc")
            .dataset
            .claims
            .iter()
            .find(|c| c.id == "jcs-2024-12-23-killed-or-wounded")
            .expect("claim");
        assert_eq!(c.value.best(), Some(4000));
    }

    #[test]
    fn renaming_an_id_in_the_editor_says_how_many_references_change_and_undoes_in_one_step() {
        let (_tmp, ds) = crate::common::sample_copy();
        let mut h = open(&ds, (1600.0, 1000.0));
        h.get_by_label("Actors (15)").click();
        h.run();
        h.get_by_label("Volodymyr Zelensky").click();
        h.run();
        // A taken id is refused at the field.
        replace_text(&mut h, "Id", "ua-hur");
        h.get_by_label_contains("ua-hur is the id of another record");
        replace_text(&mut h, "Id", "zelensky-v");
        h.key_press(Key::Enter);
        h.run();
        let dialog = h.state().dialogs.rename.clone().expect("asked first");
        assert_eq!(dialog.old_id, "ua-zelensky");
        assert!(dialog.references >= 3, "{}", dialog.references);
        h.get_by_label("Rename").click();
        h.run();
        let refs = |h: &Harness<'static, App>, id: &str| {
            h.state()
                .doc
                .as_ref()
                .expect("doc")
                .dataset
                .claims
                .iter()
                .filter(|c| c.claimant == id)
                .count()
        };
        assert_eq!(refs(&h, "ua-zelensky"), 0);
        assert!(refs(&h, "zelensky-v") >= 3);
        assert!(
            h.state()
                .findings()
                .iter()
                .all(|f| !f.message.contains("unknown"))
        );
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
        assert_eq!(refs(&h, "zelensky-v"), 0);
        assert!(refs(&h, "ua-zelensky") >= 3);
    }

    #[test]
    fn a_dataset_in_git_without_the_driver_offers_the_setup_once() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let repo = tmp.path().join("repo");
        let ds = repo.join("ds");
        copy_tree(Path::new(SAMPLE), &ds);
        git_ok(&repo, &["init", "-q", "-b", "main"]);
        let mut h = open(&ds, (1600.0, 1000.0));
        h.get_by_label("Set up merging").click();
        h.run();
        assert!(ds.join(".gitattributes").is_file());
        let driver = git(&repo, &["config", "--get", "merge.crosscheck.driver"]);
        assert!(driver.status.success());
        assert!(h.query_by_label("Set up merging").is_none());
        // Set up: not offered again.
        let h = open(&ds, (1600.0, 1000.0));
        assert!(h.query_by_label("Set up merging").is_none());
    }
}
