//! The real window, driven headlessly by egui_kittest on temporary copies of the sample:
//! filtering, editing and saving, undo, deleting referenced records, invalid dates, closing
//! with unsaved changes, and files changed behind the app's back.

use std::fs;
use std::path::Path;

use crosscheck::app::{App, Pending};
use crosscheck::model::Kind;
use crosscheck::model::filter::{Filter, SearchIndex, apply};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::common::{Under, sample_copy, snapshot};

pub fn open(dir: &Path, size: (f32, f32)) -> Harness<'static, App> {
    let dir = dir.to_path_buf();
    let mut h = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .build_eframe(move |cc| App::new_with(cc, Some(dir), crate::common::options()));
    h.state_mut().finish_opening();
    h.run();
    h
}

fn claim<'a>(app: &'a App, id: &str) -> &'a crosscheck::model::Claim {
    let doc = app.doc.as_ref().expect("a dataset is open");
    doc.dataset
        .claims
        .iter()
        .find(|c| c.id == id)
        .expect("claim")
}

/// Types into the field labelled `label`, replacing its text.
pub fn replace_text(h: &mut Harness<'static, App>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_role_and_label(Role::TextInput, label)
        .type_text(text);
    h.run();
}

/// Narrows the claims list to the JCS claim and selects it.
pub fn select_jcs_claim(h: &mut Harness<'static, App>) {
    replace_text(h, "Search", "JCS");
    h.get_by_label("1 of 21 claims shown");
    h.get_by_label("Joint Chiefs of Staff of South Korea (JCS)")
        .click();
    h.run();
    let app = h.state();
    let sel = app.selected.expect("selected");
    let doc = app.doc.as_ref().expect("doc");
    assert_eq!(
        doc.dataset.claims[sel.index].id,
        "jcs-2024-12-23-killed-or-wounded"
    );
}

#[test]
fn the_text_filter_narrows_the_claims_list_and_the_count_follows() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("21 of 21 claims shown");
    replace_text(&mut h, "Search", "zelensky");
    let app = h.state();
    let doc = app.doc.as_ref().expect("doc");
    let expected = apply(
        &doc.dataset,
        &SearchIndex::build(&doc.dataset),
        &Filter {
            text: "zelensky".into(),
            ..Filter::default()
        },
    )
    .claims
    .len();
    assert!((3..21).contains(&expected), "{expected}");
    assert_eq!(app.shown(Kind::Claim).len(), expected);
    h.get_by_label(&format!("{expected} of 21 claims shown"));
    // Every claim of Zelensky's is among them.
    for id in [
        "zelensky-2024-12-23-killed-or-wounded",
        "zelensky-2024-12-27-captured",
        "zelensky-2025-02-07-offensive",
    ] {
        let index = doc
            .dataset
            .claims
            .iter()
            .position(|c| c.id == id)
            .expect("claim");
        assert!(app.shown(Kind::Claim).contains(&index), "{id}");
    }
    // Clearing the filters brings everything back.
    h.get_by_label("Clear filters").click();
    h.run();
    h.get_by_label("21 of 21 claims shown");
}

#[test]
fn a_citations_quote_translation_and_locator_are_typed_into_deleted_from_and_undone() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    let id = "jcs-2024-12-23-killed-or-wounded";
    let quote = claim(h.state(), id).sources[0].quote.text().into_owned();
    // The citation's fields are multiline; the cursor goes to the end of what they hold.
    let type_into = |h: &mut Harness<'static, App>, label: &str, text: &str| {
        h.get_by_role_and_label(Role::MultilineTextInput, label)
            .focus();
        h.run();
        h.key_press_modifiers(Modifiers::COMMAND, Key::End);
        h.run();
        h.get_by_role_and_label(Role::MultilineTextInput, label)
            .type_text(text);
        h.run();
    };
    type_into(&mut h, "Locator (1)", "p. 33");
    // A character deleted where the cursor is.
    h.key_press(Key::Backspace);
    h.run();
    type_into(&mut h, "Translation (1)", "about 1,100 (JCS)");
    type_into(&mut h, "Quote (1)", " [sic] — Курськ 북한군");
    let c = &claim(h.state(), id).sources[0];
    assert_eq!(
        (c.locator(), c.translation(), &*c.quote.text()),
        (
            "p. 3",
            "about 1,100 (JCS)",
            &*format!("{quote} [sic] — Курськ 북한군")
        )
    );
    // Undone one field at a time, back to the claim as it was read.
    for _ in 0..3 {
        h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
        h.run();
    }
    let c = &claim(h.state(), id).sources[0];
    assert_eq!(
        (c.locator(), c.translation(), &*c.quote.text()),
        ("", "", &*quote)
    );
    assert!(!h.state().is_dirty());
}

/// Quotes are held packed in memory (`model::packed`): what is typed into one is written to
/// its file as the plain text, on the quote's own line, and nothing else changes.
#[test]
fn a_quote_typed_into_is_saved_as_plain_text_on_its_line() {
    let (_tmp, ds) = sample_copy();
    let before = snapshot(&ds);
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    h.get_by_role_and_label(Role::MultilineTextInput, "Quote (1)")
        .focus();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::End);
    h.run();
    h.get_by_role_and_label(Role::MultilineTextInput, "Quote (1)")
        .type_text(" — «Курськ», 북한군");
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(!h.state().is_dirty());
    let rel = Path::new("claims/2024.ron");
    let after = snapshot(&ds);
    let old = String::from_utf8(before[rel].clone()).expect("utf8");
    let new = String::from_utf8(after[rel].clone()).expect("utf8");
    let diff: Vec<(&str, &str)> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        diff,
        vec![(
            "                quote: \"about 1,100\",",
            "                quote: \"about 1,100 — «Курськ», 북한군\","
        )]
    );
    for (other, bytes) in &before {
        if other != rel {
            assert_eq!(&after[other], bytes, "{} changed", other.display());
        }
    }
}

#[test]
fn editing_a_value_and_saving_writes_that_value_and_nothing_else() {
    let (_tmp, ds) = sample_copy();
    let before = snapshot(&ds);
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Best", "1200");
    // Save straight from the field: the value is applied first.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(!h.state().is_dirty());
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .value
            .best(),
        Some(1200)
    );
    let after = snapshot(&ds);
    for (rel, bytes) in &before {
        if rel != Path::new("claims/2024.ron") {
            assert_eq!(&after[rel], bytes, "{} changed", rel.display());
        }
    }
    let old = String::from_utf8(before[Path::new("claims/2024.ron")].clone()).expect("utf8");
    let new = String::from_utf8(after[Path::new("claims/2024.ron")].clone()).expect("utf8");
    let diff: Vec<(&str, &str)> = old
        .lines()
        .zip(new.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(
        diff,
        vec![("            best: 1100,", "            best: 1200,")]
    );
    assert_eq!(old.lines().count(), new.lines().count());
}

#[test]
fn undo_restores_the_value_and_the_saved_state() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("✓ All changes saved");
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Best", "1200");
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().is_dirty());
    h.get_by_label("● Unsaved changes");
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .value
            .best(),
        Some(1200)
    );

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .value
            .best(),
        Some(1100)
    );
    assert!(!h.state().is_dirty(), "back at the saved state");
    h.get_by_label("✓ All changes saved");
    assert_eq!(
        h.get_by_role_and_label(Role::TextInput, "Best")
            .value()
            .as_deref(),
        Some("1100")
    );

    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .value
            .best(),
        Some(1200)
    );
    assert!(h.state().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .value
            .best(),
        Some(1200)
    );
}

#[test]
fn deleting_an_actor_that_claims_refer_to_asks_first() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("Actors (15)").click();
    h.run();
    h.get_by_label("Volodymyr Zelensky").click();
    h.run();
    h.get_by_label("Delete").click();
    h.run();
    let refs = h.state().dialogs.delete.clone().expect("asked first").refs;
    assert!(
        refs.iter()
            .any(|(k, id)| *k == Kind::Claim && id == "zelensky-2024-12-23-killed-or-wounded")
    );
    h.get_by_label("• claim zelensky-2024-12-23-killed-or-wounded");
    let actors =
        |h: &Harness<'static, App>| h.state().doc.as_ref().expect("doc").dataset.actors.len();
    assert_eq!(actors(&h), 15, "nothing deleted before the answer");
    h.get_by_label("Cancel").click();
    h.run();
    assert!(h.state().dialogs.delete.is_none());
    assert_eq!(actors(&h), 15);

    h.get_by_label("Delete").click();
    h.run();
    h.get_by_label("Delete anyway").click();
    h.run();
    assert_eq!(actors(&h), 14);
    assert!(h.state().is_dirty());
    // Undo brings it back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(actors(&h), 15);
}

#[test]
fn the_delete_key_does_what_the_delete_tooltip_promises_but_not_while_typing() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    let claims =
        |h: &Harness<'static, App>| h.state().doc.as_ref().expect("doc").dataset.claims.len();
    select_jcs_claim(&mut h);
    // In the search field, Delete deletes a character, not the record.
    h.get_by_role_and_label(Role::TextInput, "Search").focus();
    h.run();
    h.key_press(Key::Delete);
    h.run();
    assert_eq!(claims(&h), 21);
    // Outside any field it deletes the selected record (no one refers to this claim).
    h.key_press(Key::Escape);
    h.run();
    h.key_press(Key::Delete);
    h.run();
    assert_eq!(claims(&h), 20);
    assert!(h.state().selected.is_none());
    assert!(
        h.state().status.contains("Ctrl+Z brings it back"),
        "{}",
        h.state().status
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(claims(&h), 21);
}

#[test]
fn an_invalid_date_shows_the_error_and_is_not_saved() {
    let (_tmp, ds) = sample_copy();
    let before = snapshot(&ds);
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Stated on", "2025-02-30");
    h.get_by_label_contains("not saved until it is valid");
    h.key_press(Key::Enter);
    h.run();
    h.get_by_label_contains("not saved until it is valid");
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .stated_on
            .text(),
        "2024-12-23"
    );
    assert!(!h.state().is_dirty());
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.run();
    assert_eq!(snapshot(&ds), before);

    // A valid date is applied, and shown with what it means.
    replace_text(&mut h, "Stated on", "2024-12-21/2024-12-31");
    h.get_by_label_contains("late Dec 2024 (2024-12-21 – 2024-12-31)");
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .stated_on
            .text(),
        "2024-12-21/2024-12-31"
    );
}

#[test]
fn closing_with_unsaved_changes_asks() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Best", "1300");
    h.key_press(Key::Enter);
    h.run();
    assert!(h.state().is_dirty());
    h.input_mut()
        .viewports
        .entry(egui::ViewportId::ROOT)
        .or_default()
        .events
        .push(egui::ViewportEvent::Close);
    h.run();
    assert_eq!(
        h.state().dialogs.unsaved.as_ref().map(|d| &d.pending),
        Some(&Pending::Close)
    );
    h.get_by_label("Save your changes?");
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(h.state().dialogs.unsaved, None);
    assert!(h.state().is_dirty(), "cancel keeps the changes");

    // Quit from the keyboard asks the same question; Save saves.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Q);
    h.run();
    assert_eq!(
        h.state().dialogs.unsaved.as_ref().map(|d| &d.pending),
        Some(&Pending::Close)
    );
    h.get_by_label("Save").click();
    h.run();
    assert!(!h.state().is_dirty());
    let text = fs::read_to_string(ds.under("claims/2024.ron")).expect("read");
    assert!(text.contains("best: 1300,"));
}

#[test]
fn a_file_changed_on_disk_is_merged_into_the_save_never_overwritten() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    let path = ds.under("claims/2024.ron");
    // Another record of the same file, changed behind the window's back.
    let theirs = fs::read_to_string(&path)
        .expect("read")
        .replace("best: 500,", "best: 501,");
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Best", "1200");
    h.key_press(Key::Enter);
    h.run();
    fs::write(&path, &theirs).expect("edit behind the app's back");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(h.state().dialogs.error.is_none());
    let now = fs::read_to_string(&path).expect("read");
    assert!(now.contains("best: 1200,"), "ours kept");
    assert!(now.contains("best: 501,"), "theirs kept");
    assert!(!h.state().is_dirty());
    let o = crate::common::run(&["check", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn an_unsaved_edit_in_one_file_and_a_change_on_disk_in_another_are_both_kept_and_undo_works() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Best", "1200");
    h.key_press(Key::Enter);
    h.run();
    // A teammate's change to the events arrives (git pull, a text editor).
    let events = ds.under("events/2025.ron");
    let text = fs::read_to_string(&events).expect("read");
    let first_title = text
        .lines()
        .find(|l| l.trim_start().starts_with("title:"))
        .expect("a title")
        .to_string();
    fs::write(
        &events,
        text.replacen(&first_title, "        title: \"Renamed on disk\",", 1),
    )
    .expect("write");
    h.state_mut().handle(crosscheck::ui::Command::CheckDisk);
    h.run();
    assert!(h.state().dialogs.unsaved.is_none() && h.state().dialogs.error.is_none());
    let app = h.state();
    let doc = app.doc.as_ref().expect("doc");
    assert!(
        doc.dataset
            .events
            .iter()
            .any(|e| e.title == "Renamed on disk")
    );
    assert_eq!(
        claim(app, "jcs-2024-12-23-killed-or-wounded").value.best(),
        Some(1200),
        "the unsaved edit stays"
    );
    assert!(app.is_dirty(), "and stays unsaved");
    assert!(app.status.contains("events/2025.ron"), "{}", app.status);
    // Undo takes back the disk's change, then the edit.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_ne!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .value
            .best(),
        Some(1200)
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Y);
    h.run();
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .value
            .best(),
        Some(1200)
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let saved = fs::read_to_string(&events).expect("read");
    assert!(saved.contains("Renamed on disk"));
    assert!(
        fs::read_to_string(ds.under("claims/2024.ron"))
            .expect("read")
            .contains("best: 1200,")
    );
}

#[test]
fn a_file_only_read_by_another_program_leaves_typing_one_undo_step() {
    use crosscheck::model::edit::{AnyRecord, Edit};
    use crosscheck::ui::Command;
    let (_tmp, dir) = sample_copy();
    let ctx = egui::Context::default();
    let mut app = App::with_context(
        &ctx,
        crosscheck::app::Prefs::default(),
        Some(dir.clone()),
        crate::common::options(),
    );
    app.finish_opening();
    let id = "jcs-2024-12-23-killed-or-wounded";
    let i = app
        .doc
        .as_ref()
        .expect("doc")
        .dataset
        .index_of(Kind::Claim, id);
    let i = i.expect("claim");
    let original = claim(&app, id).notes.clone();
    let type_note = |app: &mut App, text: &str| {
        let mut c = claim(app, id).clone();
        c.notes = text.into();
        app.handle(Command::Edit {
            edit: Box::new(Edit::Replace {
                index: i,
                record: AnyRecord::Claim(c),
            }),
            coalesce: Some("notes".into()),
        });
        headless_frame(&ctx, app);
    };
    type_note(&mut app, "a");
    // The watcher reports the file: a text editor or git opened it (it did not change).
    let before = fs::read(dir.under("claims/2024.ron")).expect("read");
    app.files_reported(vec!["claims/2024.ron".into()]);
    headless_frame(&ctx, &mut app);
    type_note(&mut app, "ab");
    assert_eq!(
        fs::read(dir.under("claims/2024.ron")).expect("read"),
        before
    );
    app.handle(Command::Undo);
    headless_frame(&ctx, &mut app);
    assert_eq!(
        claim(&app, id).notes,
        original,
        "one undo step for the typing"
    );
}

#[test]
fn the_same_record_changed_here_and_on_disk_goes_to_the_resolver() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Best", "1200");
    h.key_press(Key::Enter);
    h.run();
    let path = ds.under("claims/2024.ron");
    let text = fs::read_to_string(&path).expect("read");
    let at = text
        .find("jcs-2024-12-23-killed-or-wounded")
        .expect("claim");
    let best = at + text[at..].find("best: ").expect("best");
    let end = best + text[best..].find(',').expect("comma");
    let theirs = format!("{}best: 1500{}", &text[..best], &text[end..]);
    fs::write(&path, theirs).expect("write");
    h.state_mut().handle(crosscheck::ui::Command::CheckDisk);
    h.run();
    h.get_by_label_contains("1 merge conflict(s)");
    h.get_by_label_contains("wounded: field value.best: 1,200 vs 1,500");
    h.get_by_label("Take theirs").click();
    h.run();
    assert_eq!(
        claim(h.state(), "jcs-2024-12-23-killed-or-wounded")
            .value
            .best(),
        Some(1500)
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    assert!(!h.state().is_dirty());
    assert!(
        fs::read_to_string(&path)
            .expect("read")
            .contains("best: 1500,")
    );
}

#[test]
fn saving_a_file_with_comments_asks_before_dropping_them() {
    let (_tmp, ds) = sample_copy();
    let path = ds.under("claims/2024.ron");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, text.replacen("[\n", "[\n    // to check\n", 1)).expect("write");
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Best", "1250");
    h.key_press(Key::Enter);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    h.get_by_label("Save without the comments?");
    assert!(h.state().is_dirty());
    assert!(
        fs::read_to_string(&path)
            .expect("read")
            .contains("// to check")
    );
    h.get_by_label("Save without the comments").click();
    h.run();
    assert!(!h.state().is_dirty());
    let now = fs::read_to_string(&path).expect("read");
    assert!(!now.contains("// to check") && now.contains("best: 1250,"));
}

#[test]
fn a_dataset_with_a_broken_file_opens_with_a_banner() {
    let (_tmp, ds) = sample_copy();
    let path = ds.under("events/2025.ron");
    let text = fs::read_to_string(&path).expect("read");
    fs::write(&path, &text[..text.len() / 2]).expect("break");
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label_contains("will not write these files until they parse again");
    h.get_by_label_contains(&format!("{}:", path.display()));
    // The rest is there; saving after an edit leaves the broken file alone.
    h.get_by_label("21 of 21 claims shown");
    select_jcs_claim(&mut h);
    replace_text(&mut h, "Best", "1250");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    // Claims name events of the broken file: the checks find errors, and Save asks first.
    h.get_by_label("Save with errors?");
    assert!(h.state().is_dirty());
    h.get_by_label("Save anyway").click();
    h.run();
    assert!(!h.state().is_dirty());
    assert_eq!(
        fs::read_to_string(&path).expect("read"),
        text[..text.len() / 2]
    );
}

#[test]
fn korean_russian_and_ukrainian_names_render_at_the_small_size() {
    let (_tmp, ds) = sample_copy();
    // The harness fails on any glyph the fonts lack; the aliases field holds all three scripts.
    let mut h = open(&ds, (1024.0, 700.0));
    h.get_by_label("Actors (15)").click();
    h.run();
    h.get_by_label("National Intelligence Service of South Korea (NIS)")
        .click();
    h.run();
    let aliases = h
        .get_by_role_and_label(Role::TextInput, "Aliases")
        .value()
        .unwrap_or_default();
    assert!(aliases.contains("국가정보원"), "{aliases}");
    h.get_by_label("Volodymyr Zelensky").click();
    h.run();
    let aliases = h
        .get_by_role_and_label(Role::TextInput, "Aliases")
        .value()
        .unwrap_or_default();
    assert!(aliases.contains("Володимир Зеленський"), "{aliases}");
}

#[test]
fn new_and_duplicate_records_get_unique_ids_and_are_selected() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    let app = h.state();
    let sel = app.selected.expect("new claim selected");
    let doc = app.doc.as_ref().expect("doc");
    assert_eq!(sel.kind, Kind::Claim);
    let new = &doc.dataset.claims[sel.index];
    // Claimant, date stated and metric, then a random part no other clone will pick.
    let readable =
        format!("{}-{}-{}-", new.claimant, new.stated_on.text(), new.metric).replace('_', "-");
    assert!(new.id.starts_with(&readable), "{} / {readable}", new.id);
    assert_eq!(new.id.len(), readable.len() + 8, "{}", new.id);
    let first = new.id.clone();
    h.key_press_modifiers(Modifiers::COMMAND, Key::D);
    h.run();
    let app = h.state();
    let doc = app.doc.as_ref().expect("doc");
    assert_eq!(doc.dataset.claims.len(), 23);
    let copy = &doc.dataset.claims[22].id;
    assert!(copy.starts_with(&readable) && *copy != first, "{copy}");
    h.get_by_label("23 of 23 claims shown");
}

#[test]
fn the_editor_pane_keeps_its_width_when_a_record_is_shown() {
    let (_tmp, ds) = sample_copy();
    for size in [(1600.0, 1000.0), (1024.0, 700.0)] {
        let mut h = open(&ds, size);
        select_jcs_claim(&mut h);
        let left = h.get_by_role_and_label(Role::TextInput, "Id").rect().min.x;
        for _ in 0..5 {
            h.step();
        }
        let after = h.get_by_role_and_label(Role::TextInput, "Id").rect();
        assert_eq!(after.min.x, left, "the pane widened itself at {size:?}");
        assert!(
            after.max.x <= size.0,
            "{after:?} is outside the window at {size:?}"
        );
    }
}

#[test]
fn the_legend_hides_a_claimant_and_the_list_selection_is_marked_in_the_plot() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("Casualties").click();
    h.run();
    let claimants = |h: &Harness<'static, App>| -> Vec<String> {
        h.state()
            .plot_series()
            .iter()
            .map(|s| s.claimant.clone())
            .collect()
    };
    assert!(
        claimants(&h).contains(&"ua-zelensky".to_string()),
        "{:?}",
        claimants(&h)
    );
    assert!(claimants(&h).contains(&"kr-jcs".to_string()));
    // The legend entry of Zelensky hides his series, and shows it again.
    h.get_by_label("● Volodymyr Zelensky").click();
    h.run();
    assert!(!claimants(&h).contains(&"ua-zelensky".to_string()));
    assert!(
        h.state()
            .prefs
            .plot
            .hidden
            .contains(&"ua-zelensky".to_string())
    );
    h.get_by_label("○ Volodymyr Zelensky").click();
    h.run();
    assert!(claimants(&h).contains(&"ua-zelensky".to_string()));

    // Selecting the JCS claim in the list marks it selected in the plot.
    select_jcs_claim(&mut h);
    let series = h.state().plot_series();
    let selected: Vec<usize> = series
        .iter()
        .flat_map(|s| s.marks.iter())
        .filter(|m| m.selected && !m.derived)
        .map(|m| m.claim)
        .collect();
    let sel = h.state().selected.expect("selected").index;
    assert_eq!(selected, vec![sel]);
}

#[test]
fn a_claim_entered_in_the_editor_appears_in_the_plot() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("Casualties").click();
    h.run();
    let count = |h: &Harness<'static, App>| -> usize {
        h.state()
            .plot_series()
            .iter()
            .flat_map(|s| s.marks.iter())
            .filter(|m| !m.derived)
            .count()
    };
    let before = count(&h);
    // A new claim takes the plot's metric when the filter names it; set it in the editor.
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    // The editor's metric picker is the rightmost of the two (the filter bar has one too).
    let pickers = h
        .get_all_by_role_and_label(Role::ComboBox, "Metric")
        .collect::<Vec<_>>();
    let editor = pickers
        .iter()
        .max_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
        .expect("a metric picker");
    editor.click();
    h.run();
    h.get_by_label("Killed or wounded").click();
    h.run();
    replace_text(&mut h, "Best", "4000");
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(count(&h), before + 1);
}

#[test]
fn the_plot_exports_as_svg_png_and_csv() {
    use crosscheck::ui::plot::Export;
    let (tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("Casualties").click();
    h.run();
    let svg = tmp.path().join("plot.svg");
    let png = tmp.path().join("plot.png");
    let csv = tmp.path().join("plotted.csv");
    h.state_mut().export(Export::Svg, &svg);
    h.state_mut().export(Export::Png, &png);
    h.state_mut().export(Export::Csv, &csv);
    let text = fs::read_to_string(&svg).expect("svg");
    for id in ["ua-zelensky", "kr-jcs", "kr-nis"] {
        assert!(text.contains(&format!("data-claimant=\"{id}\"")), "{id}");
    }
    assert_eq!(&fs::read(&png).expect("png")[..4], b"\x89PNG");
    let rows = csv::Reader::from_path(&csv).expect("csv").records().count();
    // JCS and Zelensky as stated, and NIS's four parts behind the two sums.
    assert_eq!(rows, 6);
    assert!(h.state().dialogs.error.is_none());
}

#[test]
fn hovering_a_mark_reads_the_claim_and_clicking_selects_it() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("Casualties").click();
    h.run();
    let (pos, claim) = {
        let app = h.state();
        let doc = app.doc.as_ref().expect("doc");
        *app.drawn_marks()
            .iter()
            .find(|(_, i)| doc.dataset.claims[*i].id == "zelensky-2024-12-23-killed-or-wounded")
            .expect("Zelensky's claim is drawn")
    };
    h.hover_at(pos);
    h.run();
    h.get_by_label("killed_or_wounded: more than 3,000");
    h.get_by_label("stated on 23 Dec 2024");
    h.get_by_label("source: The Kyiv Independent");
    h.get_by_label("grading C3");
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run();
    assert_eq!(
        h.state().selected.map(|t| (t.kind, t.index)),
        Some((Kind::Claim, claim))
    );
}

#[test]
fn an_event_lists_its_claims_and_a_click_goes_to_one() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("Events (8)").click();
    h.run();
    h.get_by_label("Ukrainian forces capture two DPRK soldiers")
        .click();
    h.run();
    h.get_by_label_contains("Claims about this event (1)");
    h.get_by_label("Defense Forces of Ukraine: captured 2 (Jan 2025)")
        .click();
    h.run();
    let app = h.state();
    let sel = app.selected.expect("selected");
    assert_eq!(sel.kind, Kind::Claim);
    assert_eq!(app.prefs.tab, Kind::Claim);
    let doc = app.doc.as_ref().expect("doc");
    assert_eq!(
        doc.dataset.claims[sel.index].id,
        "ua-defense-forces-2025-01-captured"
    );
}

/// A place's name, region and country are held interned (`Sym`): typed like any text, undone,
/// and saved as the text typed.
#[test]
fn an_events_place_is_typed_into_undone_and_saved() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.get_by_label("Events (8)").click();
    h.run();
    h.get_by_label("First DPRK soldiers reach the front in the Kursk region")
        .click();
    h.run();
    let place = |h: &Harness<'static, App>| {
        let app = h.state();
        let sel = app.selected.expect("selected");
        let p = app.doc.as_ref().expect("doc").dataset.events[sel.index]
            .place
            .clone()
            .expect("place");
        (
            p.name.to_string(),
            p.region.to_string(),
            p.country.to_string(),
        )
    };
    let before = place(&h);
    assert_eq!(before.0, "Kursk region");
    replace_text(&mut h, "Place", "Sudzha, Курська обл.");
    assert_eq!(
        place(&h),
        (
            "Sudzha, Курська обл.".into(),
            "Kursk Oblast".into(),
            "RU".into()
        )
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(place(&h), before);
    assert!(!h.state().is_dirty());
    replace_text(&mut h, "Country", "UA");
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run();
    let text = std::fs::read_to_string(ds.join("events/2024.ron")).expect("read");
    assert!(text.contains("            country: \"UA\",\n"), "{text}");
    assert!(
        text.contains("            name: \"Kursk region\",\n"),
        "{text}"
    );
}

#[test]
fn every_record_of_the_sample_opens_in_the_editor_cleanly() {
    // The harness fails on a missing glyph and on widgets that clash (egui then paints a
    // warning); every record of every kind is shown once, in both themes.
    use crosscheck::model::edit::Target;
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    for theme in [egui::Theme::Dark, egui::Theme::Light] {
        h.ctx.set_theme(theme);
        for kind in [Kind::Claim, Kind::Event, Kind::Source, Kind::Actor] {
            let n = h.state().doc.as_ref().expect("doc").dataset.count(kind);
            for index in 0..n {
                h.state_mut().selected = Some(Target { kind, index });
                h.state_mut().prefs.tab = kind;
                h.run();
                h.get_by_role_and_label(Role::TextInput, "Id");
            }
        }
    }
    assert!(!h.state().is_dirty(), "showing records changes nothing");
}

#[test]
fn opening_in_the_background_gives_the_same_dataset_and_cancelling_keeps_the_open_one() {
    let (tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    let foreground = crosscheck::store::Store::load(&ds).expect("load");
    assert_eq!(
        *h.state().doc.as_ref().expect("doc").dataset,
        foreground.dataset
    );
    assert!(!h.state().is_opening());

    // Another dataset starts opening, and is cancelled: the sample stays open.
    let other = tmp.path().join("other");
    let o = crate::common::run(&[
        "gen",
        other.to_str().expect("path"),
        "--claims",
        "3000",
        "--events",
        "100",
    ]);
    assert_eq!(o.status.code(), Some(0));
    h.state_mut()
        .handle(crosscheck::ui::Command::Open(other.clone()));
    assert!(h.state().is_opening());
    h.run();
    h.get_by_label("Opening dataset");
    h.get_by_label("Cancel").click();
    h.run();
    h.state_mut().finish_opening();
    h.run();
    assert!(!h.state().is_opening());
    assert_eq!(
        h.state().doc.as_ref().expect("doc").dataset.claims.len(),
        21
    );
    assert!(
        h.state().status.contains("cancelled"),
        "{}",
        h.state().status
    );

    // Not cancelled, it replaces the open dataset.
    h.state_mut().handle(crosscheck::ui::Command::Open(other));
    h.state_mut().finish_opening();
    h.run();
    assert_eq!(
        h.state().doc.as_ref().expect("doc").dataset.claims.len(),
        3000
    );
}

#[test]
fn the_supersedes_picker_offers_the_claimants_earlier_claims_of_the_metric() {
    use crosscheck::model::edit::Target;
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    let index = {
        let doc = h.state().doc.as_ref().expect("doc");
        doc.dataset
            .claims
            .iter()
            .position(|c| c.id == "nis-2025-01-13-killed")
            .expect("claim")
    };
    h.state_mut().selected = Some(Target {
        kind: Kind::Claim,
        index,
    });
    h.run();
    let shown = h
        .get_by_role_and_label(Role::ComboBox, "Supersedes")
        .value()
        .unwrap_or_default();
    assert!(
        shown.contains("19 Dec 2024 — killed at least 100"),
        "{shown:?}"
    );
    h.get_by_role_and_label(Role::ComboBox, "Supersedes")
        .scroll_to_me();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Supersedes")
        .click();
    h.run();
    // The list: "(none)" and NIS's one earlier "killed" claim — not its wounded or later ones.
    let options: Vec<String> = h
        .query_all_by_label_contains(" — ")
        .filter_map(|n| n.accesskit_node().label().or(n.value()))
        .filter(|l| l.contains("killed") || l.contains("wounded"))
        .collect();
    assert_eq!(
        options,
        vec!["19 Dec 2024 — killed at least 100".to_string()],
        "{options:?}"
    );
}

#[test]
fn selecting_a_casualty_claim_turns_the_plot_to_it() {
    use crosscheck::model::plot::PlotTab;
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    assert_eq!(h.state().prefs.plot.tab, PlotTab::Troops);
    select_jcs_claim(&mut h);
    assert_eq!(h.state().prefs.plot.tab, PlotTab::Casualties);
    assert_eq!(h.state().prefs.plot.casualty_metric, "killed_or_wounded");
    let sel = h.state().selected.expect("selected").index;
    assert!(
        h.state()
            .plot_series()
            .iter()
            .flat_map(|s| s.marks.iter())
            .any(|m| m.selected && m.claim == sel)
    );
}

/// One headless frame of `app` on `ctx`.
fn headless_frame(ctx: &egui::Context, app: &mut App) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1600.0, 1000.0),
        )),
        ..egui::RawInput::default()
    };
    let mut out = ctx.run_ui(input, |ui| app.draw(ui));
    // No GPU to upload font textures to.
    out.textures_delta.clear();
}

#[test]
fn the_view_derived_on_a_worker_is_the_one_derived_in_the_frame_and_idle_means_no_repaint() {
    let filter = Filter {
        text: "nis".into(),
        ..Default::default()
    };
    let run = |background: bool| {
        // A copy of its own: the window watches its folder, and no other test's work there
        // may wake it while it should be idle.
        let (_dir, sample) = sample_copy();
        let ctx = egui::Context::default();
        let mut app = App::with_context(
            &ctx,
            crosscheck::app::Prefs::default(),
            Some(sample),
            crate::common::options(),
        );
        app.finish_opening();
        if background {
            app.derive_in_background_above = 0;
        }
        headless_frame(&ctx, &mut app);
        app.finish_deriving();
        app.prefs.filter = filter.clone();
        headless_frame(&ctx, &mut app);
        if background {
            // The frame was painted with the previous view while the worker ran.
            assert!(app.is_deriving() || app.shows_filter(&filter));
        }
        app.finish_deriving();
        assert!(app.shows_filter(&filter));
        let shown: Vec<Vec<usize>> = Kind::ALL.iter().map(|&k| app.shown(k).to_vec()).collect();
        let series: Vec<(String, usize)> = app
            .plot_series()
            .iter()
            .map(|s| (s.claimant.clone(), s.marks.len()))
            .collect();
        // Nothing happens: once the work that opening and filtering started has ended
        // (waited for, however slow the machine: a task that ended after three frames once
        // failed this on a loaded machine), a frame or two, and no frame is asked for. A
        // window that asked for a frame, or started a task, in every frame never gets there.
        let mut idle = false;
        for _ in 0..5 {
            app.wait_for_tasks();
            headless_frame(&ctx, &mut app);
            if !ctx.has_requested_repaint() && !app.runs_tasks() {
                idle = true;
                break;
            }
        }
        if !idle {
            // What asked: the frame it asked for shows its causes.
            headless_frame(&ctx, &mut app);
            panic!("an idle window asks for frames: {:?}", ctx.repaint_causes());
        }
        (shown, series)
    };
    let (fg_shown, fg_series) = run(false);
    let (bg_shown, bg_series) = run(true);
    assert!(
        !fg_shown[3].is_empty() && fg_shown[3].len() < 21,
        "{:?}",
        fg_shown[3]
    );
    assert_eq!(fg_shown, bg_shown);
    assert_eq!(fg_series, bg_series);
}

#[test]
fn an_edit_and_a_save_on_the_large_dataset_path_show_what_the_small_path_shows() {
    use crosscheck::model::edit::{AnyRecord, Edit};
    use crosscheck::model::{Qualifier, Value};
    use crosscheck::ui::Command;
    let run = |large: bool| {
        let (_tmp, dir) = sample_copy();
        let ctx = egui::Context::default();
        let mut prefs = crosscheck::app::Prefs::default();
        prefs.plot.tab = crosscheck::model::plot::PlotTab::Casualties;
        prefs.plot.casualty_metric = "killed_or_wounded".into();
        let root = dir.display().to_string();
        let mut app = App::with_context(&ctx, prefs, Some(dir), crate::common::options());
        app.finish_opening();
        if large {
            // Index and counts brought up to date, checks and view after the pause, the
            // view on a worker.
            app.derive_in_background_above = 0;
        }
        headless_frame(&ctx, &mut app);
        app.finish_deriving();
        let doc = app.doc.as_ref().expect("doc");
        let i = doc
            .dataset
            .claims
            .iter()
            .position(|c| c.id == "jcs-2024-12-23-killed-or-wounded")
            .expect("claim");
        let mut c = doc.dataset.claims[i].clone();
        c.notes = "zebra crossing".into();
        c.value = Value::new(Qualifier::Approx, 99_000);
        c.credibility = Some(9);
        app.handle(Command::Edit {
            edit: Box::new(Edit::Replace {
                index: i,
                record: AnyRecord::Claim(c),
            }),
            coalesce: None,
        });
        headless_frame(&ctx, &mut app);
        app.finish_deriving();
        app.prefs.filter.text = "zebra".into();
        headless_frame(&ctx, &mut app);
        app.finish_deriving();
        let shown = app.shown(Kind::Claim).to_vec();
        let marks: Vec<(String, Vec<Option<f64>>)> = app
            .plot_series()
            .iter()
            .map(|s| (s.claimant.clone(), s.marks.iter().map(|m| m.y).collect()))
            .collect();
        let describe = |app: &App| -> Vec<String> {
            let doc = app.doc.as_ref().expect("doc");
            app.findings()
                .iter()
                .map(|f| doc.store.describe(f).replace(&root, "DS"))
                .collect()
        };
        let before_save = describe(&app);
        app.handle(Command::SaveAnyway);
        headless_frame(&ctx, &mut app);
        app.finish_deriving();
        assert!(!app.is_dirty());
        (shown, marks, before_save, describe(&app))
    };
    let small = run(false);
    let large = run(true);
    assert_eq!(
        small.0.len(),
        1,
        "the edited claim is found by its new note"
    );
    assert!(
        small.1.iter().any(|(_, ys)| ys.contains(&Some(99_000.0))),
        "{:?}",
        small.1
    );
    // Credibility runs from 1 to 6: the checks say so, on either path.
    assert!(
        small.2.iter().any(|f| f.contains("credibility")),
        "{:#?}",
        small.2
    );
    assert_eq!(small, large);
}

#[test]
fn new_delete_undo_and_redo_on_the_large_dataset_path_show_what_a_fresh_index_finds() {
    use crosscheck::model::edit::Target;
    use crosscheck::model::validate::validate;
    use crosscheck::ui::Command;
    use crosscheck::ui::editor::Pickers;
    // Both paths follow a few records' changes instead of rebuilding the index, counts and
    // picker lists; the large one also derives the view and runs the checks on workers.
    let run = |large: bool| {
        let (_tmp, dir) = sample_copy();
        let ctx = egui::Context::default();
        let mut app = App::with_context(
            &ctx,
            crosscheck::app::Prefs::default(),
            Some(dir),
            crate::common::options(),
        );
        app.finish_opening();
        if large {
            app.derive_in_background_above = 0;
        }
        headless_frame(&ctx, &mut app);
        app.finish_deriving();
        let n = app.doc.as_ref().expect("doc").dataset.claims.len();
        let claim = |index| Target {
            kind: Kind::Claim,
            index,
        };
        let mut seen = Vec::new();
        // Claims deleted are ones the list shows (the middle one, the last one).
        let shown_claim = |app: &App, at: fn(usize) -> usize| {
            let shown = app.shown(Kind::Claim);
            claim(shown.get(at(shown.len())).copied().unwrap_or(0))
        };
        for (step, command) in [
            Command::NewRecord(Kind::Claim),
            Command::DeleteConfirmed(claim(usize::MAX)),
            Command::DeleteConfirmed(claim(usize::MAX - 1)),
            Command::Undo,
            Command::Undo,
            Command::Redo,
            Command::NewRecord(Kind::Actor),
            Command::DeleteConfirmed(Target {
                kind: Kind::Event,
                index: 1,
            }),
            Command::Undo,
            Command::Undo,
        ]
        .into_iter()
        .enumerate()
        {
            // A claim is open in the editor: its picker lists are kept up to date.
            app.handle(Command::Select(Some(claim(n / 3))));
            headless_frame(&ctx, &mut app);
            let ids = |app: &App, k: Kind| -> Vec<String> {
                let ds = &app.doc.as_ref().expect("doc").dataset;
                app.shown(k)
                    .iter()
                    .map(|&i| {
                        crosscheck::model::edit::record_at(ds, Target { kind: k, index: i })
                            .map(|r| r.id().to_string())
                            .expect("every row shown is a record that exists")
                    })
                    .collect()
            };
            let before: Vec<Vec<String>> = Kind::ALL.iter().map(|&k| ids(&app, k)).collect();
            let command = match command {
                Command::DeleteConfirmed(t) if t.index == usize::MAX => {
                    Command::DeleteConfirmed(shown_claim(&app, |n| n / 2))
                }
                Command::DeleteConfirmed(t) if t.index == usize::MAX - 1 => {
                    Command::DeleteConfirmed(shown_claim(&app, |n| n.saturating_sub(1)))
                }
                other => other,
            };
            if large {
                // The checks start on a worker (as when editing pauses), and the command
                // stops them: they run again afterwards.
                app.checks_due_now();
                headless_frame(&ctx, &mut app);
            }
            app.handle(command);
            headless_frame(&ctx, &mut app);
            // While the worker derives, the rows drawn are the records shown before, less
            // one removed: none twice, none shifted onto its neighbour.
            for (k, before) in Kind::ALL.iter().zip(&before) {
                let now = ids(&app, *k);
                let mut unique = now.clone();
                unique.sort();
                unique.dedup();
                assert_eq!(unique.len(), now.len(), "step {step}: {k:?}");
                if large && !app.shows_document() {
                    assert!(now.iter().all(|id| before.contains(id)), "step {step}");
                }
            }
            app.prefs.filter.text = "killed".into();
            headless_frame(&ctx, &mut app);
            app.finish_deriving();
            let doc = app.doc.as_ref().expect("doc");
            let ds = &doc.dataset;
            let fresh = apply(ds, &SearchIndex::build(ds), &app.prefs.filter);
            // In the list's order, as a fresh sort of a fresh result gives it.
            let sort = app.prefs.sorts[crosscheck::derive::slot(Kind::Claim)];
            let counts = crosscheck::model::order::Counts::build(ds);
            let mut orders = crosscheck::model::order::Orders::default();
            assert_eq!(
                app.shown(Kind::Claim),
                orders.sorted(ds, &counts, Kind::Claim, sort, &fresh.claims),
                "step {step}"
            );
            let mut shown = app.shown(Kind::Claim).to_vec();
            shown.sort_unstable();
            assert_eq!(shown, fresh.claims, "step {step}");
            let mut events = app.shown(Kind::Event).to_vec();
            events.sort_unstable();
            assert_eq!(events, fresh.events, "step {step}");
            assert_eq!(
                app.pickers().claims_by_claimant,
                Pickers::build(ds).claims_by_claimant,
                "step {step}"
            );
            assert_eq!(
                app.findings().len(),
                validate(ds, doc.store.manifest_loaded()).len(),
                "step {step}"
            );
            seen.push((ds.claims.len(), ds.events.len(), ds.actors.len(), shown));
        }
        seen
    };
    let small = run(false);
    assert_eq!(small, run(true));
    // A claim added, two deleted, both brought back, one deleted again; an actor added and
    // an event deleted, both undone.
    let n = small[0].0 - 1;
    assert_eq!(
        small.iter().map(|s| s.0).collect::<Vec<_>>(),
        vec![n + 1, n, n - 1, n, n + 1, n, n, n, n, n]
    );
    let (events, actors) = (small[0].1, small[0].2);
    assert_eq!(
        small.iter().map(|s| (s.1, s.2)).collect::<Vec<_>>()[6..],
        [
            (events, actors + 1),
            (events - 1, actors + 1),
            (events, actors + 1),
            (events, actors)
        ]
    );
}

/// Opens the sample at `size` (points) and `ppp` pixels per point.
fn open_scaled(dir: &Path, size: (f32, f32), ppp: f32) -> Harness<'static, App> {
    let dir = dir.to_path_buf();
    let mut h = Harness::builder()
        .with_size(egui::vec2(size.0, size.1))
        .with_pixels_per_point(ppp)
        .build_eframe(move |cc| App::new_with(cc, Some(dir), crate::common::options()));
    h.state_mut().finish_opening();
    h.run();
    h
}

fn assert_fits(h: &Harness<'static, App>, width: f32, what: &str) {
    use crosscheck::app::panels::{EDITOR_MIN, LISTS_MIN, PLOT_MIN};
    let l = h.state().layout();
    let centre = l.centre.expect("centre");
    if let Some(lists) = l.lists {
        assert!(lists.width() >= LISTS_MIN - 1.0, "{what}: lists {lists:?}");
    }
    if let Some(editor) = l.editor {
        assert!(
            editor.width() >= EDITOR_MIN - 1.0,
            "{what}: editor {editor:?}"
        );
        assert!(
            editor.max.x <= width + 0.5,
            "{what}: editor {editor:?} past the window"
        );
    }
    assert!(
        centre.width() >= PLOT_MIN - 1.0,
        "{what}: centre {centre:?}"
    );
    assert!(
        centre.max.x <= width + 0.5,
        "{what}: centre past the window"
    );
}

#[test]
fn every_panel_keeps_its_minimum_and_the_editor_stays_inside_the_window_at_common_sizes() {
    let (_tmp, ds) = sample_copy();
    for (size, ppp) in [
        ((1024.0, 700.0), 1.0),
        ((1280.0, 720.0), 1.0),
        ((1366.0, 768.0), 1.0),
        ((1920.0, 1080.0), 1.0),
        ((1280.0, 800.0), 2.0),
    ] {
        let what = format!("{size:?} at {ppp}x");
        let mut h = open_scaled(&ds, size, ppp);
        assert_fits(&h, size.0, &what);
        select_jcs_claim(&mut h);
        assert_fits(&h, size.0, &what);
        let id = h.get_by_role_and_label(Role::TextInput, "Id").rect();
        assert!(
            id.max.x <= size.0 && id.min.x >= 0.0,
            "{what}: the Id field {id:?}"
        );
        // Narrow: the editor is a tab beside the plot, which comes back with one click.
        if h.state().layout().narrow {
            h.get_by_label("Plot").click();
            h.run();
            h.get_by_label("Troops");
            assert_fits(&h, size.0, &what);
        }
    }
}

#[test]
fn a_wide_layout_remembered_from_a_large_screen_is_clamped_in_a_small_window() {
    let (_tmp, ds) = sample_copy();
    let mut h = open_scaled(&ds, (2400.0, 1300.0), 1.0);
    select_jcs_claim(&mut h);
    // Widen both side panels as far as they go.
    let l = h.state().layout();
    assert!(l.lists.expect("lists").width() > 600.0, "{l:?}");
    h.set_size(egui::vec2(1280.0, 720.0));
    h.run();
    assert_fits(&h, 1280.0, "after shrinking to 1280×720");
    h.set_size(egui::vec2(1024.0, 700.0));
    h.run();
    assert_fits(&h, 1024.0, "after shrinking to 1024×700");
}

#[test]
fn a_legend_of_hundreds_of_claimants_draws_the_entries_in_sight_and_scrolls_to_the_others() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let ds = tmp.path().join("many");
    let o = crate::common::run(&[
        "gen",
        ds.to_str().expect("path"),
        "--claims",
        "3000",
        "--events",
        "100",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::common::stderr(&o));
    let mut h = open(&ds, (1600.0, 1000.0));
    h.state_mut().finish_deriving();
    h.run();
    h.run();
    let legend = |h: &Harness<'static, App>| -> Vec<String> {
        h.query_all_by_label_contains("● ")
            .chain(h.query_all_by_label_contains("○ "))
            .filter_map(|n| n.accesskit_node().label().or(n.value()))
            .collect()
    };
    let claimants: usize = {
        let node = h.get_by_label_contains("Claimants (");
        let label = node
            .accesskit_node()
            .label()
            .or(node.value())
            .expect("label");
        label
            .trim_start_matches("Claimants (")
            .trim_end_matches("):")
            .parse()
            .expect("a count")
    };
    let first = legend(&h);
    assert!(
        !first.is_empty() && first.len() * 4 < claimants,
        "{} of {claimants} entries drawn as buttons",
        first.len()
    );

    // Scrolled down, other entries come into sight and the first ones leave it.
    for _ in 0..3 {
        let last = legend(&h).pop().expect("an entry in sight");
        h.get_by_label(&last).scroll_down();
        h.run();
    }
    let later = legend(&h);
    assert!(!later.is_empty(), "entries in sight after scrolling");
    assert!(
        !later.contains(&first[0]),
        "{:?} scrolled out of sight",
        first[0]
    );
    let new: Vec<&String> = later.iter().filter(|l| !first.contains(l)).collect();
    assert!(!new.is_empty(), "new entries came into sight: {later:?}");

    // One of them hides its claimant when clicked, like any entry.
    let name = new[0].trim_start_matches("● ").to_string();
    h.get_by_label(new[0]).click();
    h.run();
    h.run();
    assert_eq!(h.state().prefs.plot.hidden.len(), 1);
    h.get_by_label(&format!("○ {name}"));

    // Back at the top, the same entries are in sight as at first (the places kept while
    // out of sight are the places the entries take).
    for _ in 0..6 {
        let any = legend(&h).pop().expect("an entry in sight");
        h.get_by_label(&any).scroll_up();
        h.run();
    }
    h.run();
    assert_eq!(legend(&h), first);
}

#[test]
fn a_busy_plot_is_drawn_from_one_mesh_while_the_list_scrolls_and_moved_while_it_pans() {
    use crosscheck::ui::figure_mesh::FigureMesh;
    use egui::{Event, PointerButton, Vec2};
    let tmp = tempfile::tempdir().expect("tempdir");
    let ds = tmp.path().join("busy");
    let o = crate::common::run(&[
        "gen",
        ds.to_str().expect("path"),
        "--claims",
        "6000",
        "--events",
        "300",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", crate::common::stderr(&o));
    let mut h = open(&ds, (1600.0, 1000.0));
    h.state_mut().finish_deriving();
    h.run();
    let cache = FigureMesh::shared(&h.ctx);
    let counts = || {
        let c = cache.lock().expect("not poisoned");
        (c.builds, c.moves)
    };
    let (builds, _) = counts();
    assert!(builds >= 1, "the busy plot is drawn from the mesh");

    // Scrolling the claims list redraws the plot from the same mesh.
    let layout = h.state().layout();
    let list = layout.lists.expect("the lists are shown").center();
    let plot = layout.centre.expect("the plot is shown").center();
    for _ in 0..4 {
        h.event(Event::PointerMoved(list));
        h.event(Event::MouseWheel {
            unit: egui::MouseWheelUnit::Point,
            delta: Vec2::new(0.0, -200.0),
            modifiers: Modifiers::NONE,
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
        });
        h.run_steps(2);
    }
    assert_eq!(counts().0, builds, "scrolling the list made the mesh again");

    // Dragging the plot pans it: the mesh is moved, not made again.
    h.event(Event::PointerMoved(plot));
    h.event(Event::PointerButton {
        pos: plot,
        button: PointerButton::Primary,
        pressed: true,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(2);
    for i in 1..=4 {
        h.event(Event::PointerMoved(plot + Vec2::new(-15.0 * i as f32, 0.0)));
        h.run_steps(2);
    }
    h.event(Event::PointerButton {
        pos: plot + Vec2::new(-60.0, 0.0),
        button: PointerButton::Primary,
        pressed: false,
        modifiers: Modifiers::NONE,
    });
    h.run_steps(2);
    let (after, moves) = counts();
    assert_eq!(after, builds, "panning made the mesh again");
    assert!(moves >= 2, "the mesh followed the pan ({moves} moves)");
}

#[test]
fn typing_a_search_letter_by_letter_on_the_worker_shows_what_the_window_thread_shows() {
    // A letter that leaves the same claims shown reuses the orders, plot and legend derived
    // for the letter before: on the worker as on the window's thread.
    let word = "soldiers, including";
    let run = |background: bool| {
        let (_dir, sample) = sample_copy();
        let ctx = egui::Context::default();
        let prefs = crosscheck::app::Prefs::default();
        let mut app = App::with_context(&ctx, prefs, Some(sample), crate::common::options());
        app.finish_opening();
        if background {
            app.derive_in_background_above = 0;
        }
        headless_frame(&ctx, &mut app);
        app.finish_deriving();
        let mut seen = Vec::new();
        for n in 1..=word.len() {
            app.prefs.filter.text = word[..n].to_string();
            headless_frame(&ctx, &mut app);
            app.finish_deriving();
            assert!(app.shows_filter(&app.prefs.filter.clone()));
            let series: Vec<(String, usize)> = app
                .plot_series()
                .iter()
                .map(|s| (s.claimant.clone(), s.marks.len()))
                .collect();
            seen.push((app.shown(Kind::Claim).to_vec(), series));
        }
        seen
    };
    let (window, worker) = (run(false), run(true));
    assert_eq!(window, worker);
    let same_as_before = window.windows(2).filter(|w| w[0].0 == w[1].0).count();
    assert!(
        same_as_before >= 3,
        "letters that kept the same claims: {same_as_before}"
    );
    assert!(
        window
            .iter()
            .all(|(shown, series)| shown.is_empty() || !series.is_empty()),
        "{window:?}"
    );
}
