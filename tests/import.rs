//! `crosscheck import`: ACLED and UCDP GED exports and sheets of claims, read into copies of
//! the sample as a researcher runs it — header variants, precision codes, actors matched by
//! alias, re-imports of newer exports, bad rows with their line and column, dry runs that
//! change no byte, and the claims CSV read back as the same claims.

use std::fs;
use std::path::{Path, PathBuf};

use crosscheck::model::{Claim, Dataset, Qualifier, Scope};
use crosscheck::store::Store;

use crate::common::{run, sample_copy, snapshot, stderr, stdout};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join("import")
        .join(name)
}

fn import(ds: &Path, from: &str, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "import",
        ds.to_str().expect("utf-8 path"),
        "--from",
        from,
        file.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn load(ds: &Path) -> Dataset {
    Store::load(ds).expect("load").dataset
}

fn claim<'a>(ds: &'a Dataset, id: &str) -> &'a Claim {
    ds.claims
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no claim {id}"))
}

fn check_is_clean(ds: &Path) {
    let o = run(&["check", ds.to_str().expect("utf-8 path")]);
    assert!(
        o.status.success() && stderr(&o).contains("0 error(s)"),
        "check after the import:\n{}{}",
        stdout(&o),
        stderr(&o)
    );
}

#[test]
fn an_acled_export_becomes_events_and_claims_by_acled() {
    let (_tmp, ds) = sample_copy();
    // The sample's DPRK contingent, known to ACLED by another name: matched by that alias,
    // in another case, never created twice.
    let actors = ds.join("actors").join("actors.ron");
    let text = fs::read_to_string(&actors).expect("read actors");
    let text = text.replacen(
        "\"North Korean troops\",",
        "\"North Korean troops\",\n            \"MILITARY FORCES OF NORTH KOREA (2011-)\",",
        1,
    );
    fs::write(&actors, text).expect("write actors");
    let before = load(&ds);

    let o = import(&ds, "acled", &fixture("acled.csv"), &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("adds 4 events, 4 claims"),
        "{}",
        stdout(&o)
    );
    check_is_clean(&ds);

    let after = load(&ds);
    // One event per row, with ACLED's id; ACLED and "all parties" as actors.
    let event = |id: &str| {
        after
            .events
            .iter()
            .find(|e| e.id == id)
            .unwrap_or_else(|| panic!("no event {id}"))
    };
    let sudzha = event("acled-rus45001");
    assert_eq!(sudzha.date.text(), "2024-08-10");
    assert_eq!(sudzha.title, "Armed clash in Sudzha");
    assert_eq!(sudzha.event_type, "armed_clash");
    assert!(
        sudzha
            .description
            .text()
            .contains("\nThe Russian MoD claimed \"up to 12\"")
    );
    let place = sudzha.place.as_ref().expect("place");
    assert_eq!(
        (place.name.as_str(), place.country.as_str()),
        ("Sudzha", "Russia")
    );
    assert_eq!(place.coordinates, Some((51.1911, 35.2719)));
    // Precision 2: the ISO week that holds 16 December 2024; precision 3: the month.
    assert_eq!(event("acled-rus45002").date.text(), "2024-12-16/2024-12-22");
    assert_eq!(event("acled-ukr190003").date.text(), "2024-11");
    assert!(
        event("acled-ukr190003")
            .tags
            .contains(&"civilian targeting".into())
    );
    // The alias matched: the contingent is the sample's actor, not a new one.
    assert!(
        event("acled-rus45002")
            .actors
            .contains(&"kp-forces-in-russia".into())
    );
    assert!(
        !after
            .actors
            .iter()
            .any(|a| a.name.contains("North Korea (2011-)"))
    );
    let new_actors = after.actors.len() - before.actors.len();
    assert_eq!(
        new_actors, 6,
        "Russia, Ukraine, Akhmat, civilians, ACLED, all parties"
    );
    // Every new actor has a colour of its own.
    let colours: std::collections::HashSet<&str> =
        after.actors.iter().map(|a| a.color.as_str()).collect();
    assert_eq!(colours.len(), after.actors.len());

    let c = claim(&after, "acled-rus45001-fatalities");
    assert_eq!(c.claimant, "acled");
    assert_eq!(c.metric, "killed");
    assert_eq!(c.value.qualifier, Qualifier::AtLeast);
    assert_eq!(c.value.best(), Some(12));
    assert_eq!(c.scope, Scope::Period);
    assert_eq!(c.stated_on.text(), "2024-08-15", "from the timestamp");
    assert_eq!(c.refers_to.as_ref().map(|d| d.text()), Some("2024-08-10"));
    assert_eq!(c.event.as_deref(), Some("acled-rus45001"));
    assert_eq!(c.sources[0].source, "acled-data");
    assert_eq!(c.sources[0].locator(), "RUS45001");
    assert!(
        c.notes
            .text()
            .contains("Ministry of Defence of Russia; Ukrainska Pravda")
    );

    // The plot of `killed` shows ACLED beside the sample's claimants.
    let png = ds.parent().expect("parent").join("killed.svg");
    let o = run(&[
        "plot",
        ds.to_str().expect("utf-8"),
        "--metric",
        "killed",
        "--out",
        png.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = fs::read_to_string(&png).expect("svg");
    assert!(
        svg.contains("Armed Conflict Location"),
        "ACLED in the legend"
    );
    assert!(
        svg.contains("National Intelligence Service"),
        "NIS in the legend"
    );
}

#[test]
fn an_older_acled_export_with_other_columns_in_another_order_reads_the_same() {
    let (_a, full) = sample_copy();
    let (_b, old) = sample_copy();
    assert!(
        import(&full, "acled", &fixture("acled.csv"), &[])
            .status
            .success()
    );
    let o = import(&old, "acled", &fixture("acled-old.csv"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let (full, old) = (load(&full), load(&old));
    for id in [
        "acled-rus45001",
        "acled-rus45002",
        "acled-ukr190003",
        "acled-ukr190004",
    ] {
        let f = full.events.iter().find(|e| e.id == id).expect("full");
        let o = old.events.iter().find(|e| e.id == id).expect("old");
        assert_eq!((&f.date, &f.title, &f.place), (&o.date, &o.title, &o.place));
        let fc = claim(&full, &format!("{id}-fatalities"));
        let oc = claim(&old, &format!("{id}-fatalities"));
        assert_eq!(fc.value, oc.value);
        // No timestamp column: stated some time after the event.
        assert!(
            oc.stated_on.text().ends_with("/.."),
            "{}",
            oc.stated_on.text()
        );
    }
}

#[test]
fn a_header_without_a_required_column_names_it_and_nothing_is_written() {
    for (from, file, column) in [
        ("acled", "acled-no-fatalities.csv", "fatalities"),
        ("ucdp-ged", "ged-no-best.csv", "best"),
    ] {
        let (_tmp, ds) = sample_copy();
        let before = snapshot(&ds);
        let o = import(&ds, from, &fixture(file), &[]);
        assert_eq!(o.status.code(), Some(2));
        let e = stderr(&o);
        assert!(
            e.contains(&format!(
                "{file}:1:1: the header lacks the required column(s) {column}"
            )),
            "{e}"
        );
        assert_eq!(snapshot(&ds), before);
    }
}

#[test]
fn a_newer_export_updates_what_changed_adds_the_new_and_lists_the_missing() {
    let (_tmp, ds) = sample_copy();
    assert!(
        import(&ds, "acled", &fixture("acled.csv"), &[])
            .status
            .success()
    );
    // The same file again changes nothing at all.
    let first = snapshot(&ds);
    let o = import(&ds, "acled", &fixture("acled.csv"), &[]);
    assert!(o.status.success());
    assert!(stdout(&o).contains("adds nothing"), "{}", stdout(&o));
    assert!(stdout(&o).contains("updates nothing"), "{}", stdout(&o));
    assert_eq!(snapshot(&ds), first);

    // A curator's grading of an imported claim survives a re-import that updates it.
    let claims = ds.join("claims").join("2024.ron");
    let text = fs::read_to_string(&claims).expect("read");
    let text = text.replacen(
        "id: \"acled-rus45001-fatalities\",",
        "id: \"acled-rus45001-fatalities\",\n        credibility: 2,",
        1,
    );
    fs::write(&claims, text).expect("write");

    let o = import(&ds, "acled", &fixture("acled-updated.csv"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("adds 1 event, 1 claim"), "{out}");
    assert!(out.contains("updates 1 claim"), "{out}");
    assert!(
        out.contains("1 record(s) of an earlier import are not in this file"),
        "{out}"
    );
    assert!(out.contains("acled-ukr190003"), "{out}");
    let after = load(&ds);
    let revised = claim(&after, "acled-rus45001-fatalities");
    assert_eq!(revised.value.best(), Some(14));
    assert_eq!(
        revised.credibility,
        Some(2),
        "the curator's grading is kept"
    );
    // Listed, never deleted.
    assert!(after.events.iter().any(|e| e.id == "acled-ukr190003"));
    assert!(after.events.iter().any(|e| e.id == "acled-rus45005"));
    check_is_clean(&ds);
}

#[test]
fn bad_rows_answer_with_line_and_column_and_nothing_is_written_unless_asked() {
    let (_tmp, ds) = sample_copy();
    let before = snapshot(&ds);
    let file = fixture("acled-bad.csv");
    let o = import(&ds, "acled", &file, &[]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    let shown = file.display().to_string();
    // Line 3: the first row's notes hold a line break, so its fatalities cell is on line 3.
    for expected in [
        format!("{shown}:3:100: error: fatalities: `twelve` is not a whole number"),
        format!("{shown}:4:10: error: event_date: `31 June 2024` is not a date"),
        format!("{shown}:5:27: error: time_precision: `4` is not a precision code"),
    ] {
        assert!(e.contains(&expected), "missing {expected} in\n{e}");
    }
    assert!(e.contains("nothing written"), "{e}");
    assert_eq!(snapshot(&ds), before);

    let o = import(&ds, "acled", &file, &["--skip-bad-rows"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = load(&ds);
    let acled: Vec<&str> = after
        .events
        .iter()
        .filter(|e| e.id.starts_with("acled-"))
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(acled, ["acled-ukr190004"]);
}

#[test]
fn a_dry_run_changes_no_byte() {
    let (_tmp, ds) = sample_copy();
    let before = snapshot(&ds);
    for (from, file) in [("acled", "acled.csv"), ("ucdp-ged", "ged.csv")] {
        let o = import(&ds, from, &fixture(file), &["--dry-run"]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert!(stdout(&o).contains("adds "), "{}", stdout(&o));
        assert!(stderr(&o).contains("dry run: nothing written"));
    }
    assert_eq!(snapshot(&ds), before);
}

#[test]
fn a_ged_export_becomes_a_range_claim_by_ucdp_with_its_parts() {
    let (_tmp, ds) = sample_copy();
    let o = import(&ds, "ucdp-ged", &fixture("ged.csv"), &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    check_is_clean(&ds);
    let after = load(&ds);
    let ev = after
        .events
        .iter()
        .find(|e| e.id == "ucdp-ged-543001")
        .expect("event");
    assert_eq!(ev.date.text(), "2024-08-10/2024-08-12");
    assert!(ev.tags.contains(&"Russia - Ukraine".into()));
    assert!(
        ev.tags
            .iter()
            .any(|t| t.starts_with("Government of Russia"))
    );
    assert_eq!(ev.sources.len(), 2, "two articles");
    let total = claim(&after, "ucdp-ged-543001-deaths");
    assert_eq!(total.claimant, "ucdp");
    assert_eq!(total.value.qualifier, Qualifier::Range);
    assert_eq!(
        (total.value.low(), total.value.best(), total.value.high()),
        (Some(30), Some(38), Some(45))
    );
    assert!(
        total
            .notes
            .text()
            .contains("Original source: Ministry of Defence of Russia")
    );
    for (part, n) in [("a", 20), ("b", 15), ("civilians", 3), ("unknown", 0)] {
        let c = claim(&after, &format!("ucdp-ged-543001-deaths-{part}"));
        assert_eq!(c.value.best(), Some(n));
        assert_eq!(
            c.metric,
            format!(
                "killed_{}",
                if part.len() == 1 {
                    format!("side_{part}")
                } else {
                    part.to_string()
                }
            )
        );
    }
    let killed = after
        .manifest
        .metrics
        .iter()
        .find(|m| m.id == "killed")
        .expect("killed");
    assert_eq!(
        killed.parts,
        [
            "killed_side_a",
            "killed_side_b",
            "killed_civilians",
            "killed_unknown"
        ]
    );
    // low = high: an exact figure.
    let sumy = claim(&after, "ucdp-ged-543002-deaths");
    assert_eq!(sumy.value.qualifier, Qualifier::Exact);
    assert_eq!(sumy.value.best(), Some(2));

    // A release with its columns reordered, some left out, and a BOM: the same records.
    let (_tmp2, ds2) = sample_copy();
    let o = import(&ds2, "ucdp-ged", &fixture("ged-reordered.csv"), &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let other = load(&ds2);
    for id in ["ucdp-ged-543001-deaths", "ucdp-ged-543002-deaths-civilians"] {
        assert_eq!(claim(&after, id).value, claim(&other, id).value);
    }
}

#[test]
fn the_claims_csv_read_into_an_empty_dataset_gives_back_the_same_claims() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let exported = tmp.path().join("claims.csv");
    let o = run(&[
        "export",
        crate::common::SAMPLE,
        "--claims-csv",
        exported.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let empty = tmp.path().join("empty");
    crosscheck::store::create(&empty, &crosscheck::model::defaults::manifest("Empty"))
        .expect("create");
    let o = import(&empty, "claims-csv", &exported, &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    let again = tmp.path().join("again.csv");
    let o = run(&[
        "export",
        empty.to_str().expect("utf-8"),
        "--claims-csv",
        again.to_str().expect("utf-8"),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows = |p: &Path| {
        let mut r: Vec<String> = fs::read_to_string(p)
            .expect("read")
            .lines()
            .map(str::to_string)
            .collect();
        r.sort();
        r
    };
    let (a, b) = (rows(&exported), rows(&again));
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
}

#[test]
fn a_sheet_with_its_own_headers_is_mapped_and_names_are_matched_to_actors() {
    let (_tmp, ds) = sample_copy();
    let sheet = ds.parent().expect("parent").join("mine.csv");
    fs::write(
        &sheet,
        "Date,Who said it,Counted,What,Figure,Quote\n\
         2024-12-23,국가정보원,DPRK forces in Russia,Killed,100,\"At least 100 killed, NIS says\"\n\
         2024-12-24,Kyiv Independent,North Korean troops,killed,200,\n\
         2024-12-25,NIS,North Korean troops,killed,lots,\n",
    )
    .expect("write sheet");
    let maps = [
        "--map",
        "Date=stated_on",
        "--map",
        "Who said it=claimant",
        "--map",
        "Counted=subject",
        "--map",
        "What=metric",
        "--map",
        "Figure=best",
        "--map",
        "Quote=notes",
    ];
    let o = import(&ds, "claims-csv", &sheet, &maps);
    assert_eq!(o.status.code(), Some(1), "the third row is bad");
    assert!(
        stderr(&o).contains(&format!("{}:4:43: error: best: `lots`", sheet.display())),
        "{}",
        stderr(&o)
    );
    let o = import(
        &ds,
        "claims-csv",
        &sheet,
        &[&maps[..], &["--skip-bad-rows"]].concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("new actors: Kyiv Independent"),
        "{}",
        stdout(&o)
    );
    // The sheet has no claim ids: its claims' ids come from their cells, so the same sheet
    // again adds nothing twice.
    let o = import(
        &ds,
        "claims-csv",
        &sheet,
        &[&maps[..], &["--skip-bad-rows"]].concat(),
    );
    assert!(stdout(&o).contains("adds nothing"), "{}", stdout(&o));
    let after = load(&ds);
    let nis: Vec<&Claim> = after
        .claims
        .iter()
        .filter(|c| c.notes.text().contains("NIS says"))
        .collect();
    assert_eq!(nis.len(), 1);
    // The Hangul alias and the name found the sample's actors.
    assert_eq!(nis[0].claimant, "kr-nis");
    assert_eq!(nis[0].subject, "kp-forces-in-russia");
    assert_eq!(nis[0].metric, "killed");
    check_is_clean_of_errors(&ds);
}

#[test]
fn a_sheet_saved_with_semicolons_is_read_too() {
    let (_tmp, ds) = sample_copy();
    let sheet = ds.parent().expect("parent").join("semicolons.csv");
    fs::write(
        &sheet,
        "metric;subject;claimant;stated_on;best;notes\n\
         killed;kp-forces-in-russia;kr-nis;2025-01-02;12;\"one; two\"\n",
    )
    .expect("write sheet");
    let o = import(&ds, "claims-csv", &sheet, &[]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("adds 1 claim"), "{}", stdout(&o));
    let after = load(&ds);
    assert!(
        after
            .claims
            .iter()
            .any(|c| c.notes.text() == "one; two" && c.value.best() == Some(12))
    );
}

fn check_is_clean_of_errors(ds: &Path) {
    let o = run(&["check", ds.to_str().expect("utf-8 path")]);
    assert!(
        stderr(&o).contains("0 error(s)"),
        "{}{}",
        stdout(&o),
        stderr(&o)
    );
}

/// File → Import… in the window: previewed, applied as one edit, undone in one step.
mod window {
    use egui::accesskit::Role;
    use egui::{Key, Modifiers};
    use egui_kittest::kittest::Queryable;

    use super::fixture;
    use crate::common::sample_copy;
    use crate::window::open;
    use crosscheck::ui::Command;

    #[test]
    fn an_import_is_previewed_applied_and_undone_in_one_step() {
        let (_tmp, ds) = sample_copy();
        let mut h = open(&ds, (1280.0, 800.0));
        let before = h
            .state()
            .doc
            .as_ref()
            .expect("doc")
            .dataset
            .as_ref()
            .clone();
        h.state_mut()
            .handle(Command::Import(fixture("acled.csv"), None));
        h.state_mut().finish_import();
        h.run();
        // The preview says what will happen, and the format it was read as.
        h.get_by_label("adds 4 events, 4 claims, 7 actors, 1 source");
        h.get_by_role_and_label(Role::ComboBox, "Read as");
        let unchanged = h.state().doc.as_ref().expect("doc").dataset.claims.len();
        assert_eq!(unchanged, before.claims.len(), "nothing before the yes");
        h.get_by_role_and_label(Role::Button, "Import").click();
        h.run();
        let doc = h.state().doc.as_ref().expect("doc");
        assert_eq!(doc.dataset.claims.len(), before.claims.len() + 4);
        assert_eq!(doc.dataset.events.len(), before.events.len() + 4);
        assert!(h.state().is_dirty());
        // One undo takes the whole import back.
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
        let doc = h.state().doc.as_ref().expect("doc");
        assert_eq!(*doc.dataset, before);
        assert!(!h.state().is_dirty());
        // And redo brings it all again.
        h.key_press_modifiers(Modifiers::COMMAND.plus(Modifiers::SHIFT), Key::Z);
        h.run();
        let doc = h.state().doc.as_ref().expect("doc");
        assert_eq!(doc.dataset.claims.len(), before.claims.len() + 4);
    }

    #[test]
    fn bad_rows_are_listed_in_the_preview_and_only_the_good_ones_imported() {
        let (_tmp, ds) = sample_copy();
        let mut h = open(&ds, (1024.0, 700.0));
        let claims = h.state().doc.as_ref().expect("doc").dataset.claims.len();
        h.state_mut()
            .handle(Command::Import(fixture("acled-bad.csv"), None));
        h.state_mut().finish_import();
        h.run();
        h.get_by_label(
            "acled-bad.csv:3:100: error: fatalities: `twelve` is not a whole number of 0 or more",
        );
        h.get_by_label("3 row(s) cannot be imported as they are:");
        assert!(
            h.query_by_role_and_label(Role::Button, "Import").is_none(),
            "no plain Import with errors"
        );
        h.get_by_role_and_label(Role::Button, "Import the other rows")
            .click();
        h.run();
        let doc = h.state().doc.as_ref().expect("doc");
        assert_eq!(doc.dataset.claims.len(), claims + 1);
    }

    #[test]
    fn shortcuts_wait_while_the_preview_is_open() {
        let (_tmp, ds) = sample_copy();
        let mut h = open(&ds, (1280.0, 800.0));
        let claims = h.state().doc.as_ref().expect("doc").dataset.claims.len();
        h.state_mut()
            .handle(Command::Import(fixture("acled.csv"), None));
        h.state_mut().finish_import();
        h.run();
        h.key_press_modifiers(Modifiers::COMMAND, Key::N);
        h.run();
        let doc = h.state().doc.as_ref().expect("doc");
        assert_eq!(
            doc.dataset.claims.len(),
            claims,
            "no claim behind the dialog"
        );
        assert!(!h.state().is_dirty());
    }

    #[test]
    fn cancel_imports_nothing() {
        let (_tmp, ds) = sample_copy();
        let mut h = open(&ds, (1280.0, 800.0));
        let before = h
            .state()
            .doc
            .as_ref()
            .expect("doc")
            .dataset
            .as_ref()
            .clone();
        h.state_mut()
            .handle(Command::Import(fixture("ged.csv"), None));
        h.state_mut().finish_import();
        h.run();
        h.get_by_label("adds 2 events, 10 claims, 5 actors, 4 sources");
        h.get_by_role_and_label(Role::Button, "Cancel").click();
        h.run();
        assert!(
            h.query_by_label("Read as").is_none(),
            "the preview is closed"
        );
        assert_eq!(*h.state().doc.as_ref().expect("doc").dataset, before);
        assert!(!h.state().is_dirty());
    }
}
