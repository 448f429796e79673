//! Entering claims: pickers you type into (any script), a new claimant or source created from
//! the picker in one undo step, and a new claim that starts from context.

use crosscheck::app::App;
use crosscheck::model::Kind;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::common::sample_copy;
use crate::window::{open, replace_text, select_jcs_claim};

fn selected_claim(h: &Harness<'static, App>) -> crosscheck::model::Claim {
    let app = h.state();
    let t = app.selected.expect("selected");
    assert_eq!(t.kind, Kind::Claim);
    app.doc.as_ref().expect("doc").dataset.claims[t.index].clone()
}

/// Opens the picker labelled `label`, types `text` into its search and presses Enter.
fn pick_by_typing(h: &mut Harness<'static, App>, label: &str, text: &str) {
    // The editor's picker (the filter bar may have one of the same name, further left).
    h.get_all_by_role_and_label(Role::ComboBox, label)
        .max_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
        .expect("the picker")
        .click();
    h.run();
    // The search field has the keyboard as soon as the list opens.
    h.get_by_role_and_label(Role::TextInput, &format!("Find {}", label.to_lowercase()))
        .type_text(text);
    h.run();
    h.key_press(Key::Enter);
    h.run();
}

#[test]
fn a_picker_finds_an_actor_by_a_hangul_or_cyrillic_alias() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    pick_by_typing(&mut h, "Claimant", "국가정보원");
    assert_eq!(selected_claim(&h).claimant, "kr-nis");
    pick_by_typing(&mut h, "Subject", "войска КНДР");
    assert_eq!(selected_claim(&h).subject, "kp-forces-in-russia");
}

#[test]
fn the_event_picker_finds_an_event_by_words_of_its_title_and_date_and_shows_the_choice() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    select_jcs_claim(&mut h);
    // Words of the title in any case, and the date as the label shows it.
    pick_by_typing(&mut h, "Event", "CAPTURE two");
    assert_eq!(
        selected_claim(&h).event.as_deref(),
        Some("ev-2025-01-two-dprk-soldiers-captured")
    );
    pick_by_typing(&mut h, "Event", "2024 wounds");
    assert_eq!(
        selected_claim(&h).event.as_deref(),
        Some("ev-2024-12-dprk-captives-die")
    );
    // The closed picker shows the chosen event's label, found by its id.
    let shown = h
        .get_all_by_role_and_label(Role::ComboBox, "Event")
        .filter_map(|n| n.value())
        .collect::<Vec<_>>();
    assert!(
        shown.contains(&"until 27 Dec 2024 — Captured DPRK soldiers die of their wounds".into()),
        "{shown:?}"
    );
}

#[test]
fn a_new_claimant_typed_into_the_picker_is_created_and_chosen_in_one_undo_step() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    let actors =
        |h: &Harness<'static, App>| h.state().doc.as_ref().expect("doc").dataset.actors.len();
    let before = actors(&h);
    pick_by_typing(&mut h, "Claimant", "Kim Yong-hyun");
    // The small form of the new actor, its name typed already: Enter creates it.
    h.get_by_label("New actor");
    h.get_by_role_and_label(Role::TextInput, "Name");
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(actors(&h), before + 1);
    let claim = selected_claim(&h);
    let app = h.state();
    let actor = app
        .doc
        .as_ref()
        .expect("doc")
        .dataset
        .actor(&claim.claimant)
        .expect("the new claimant");
    assert_eq!(actor.name, "Kim Yong-hyun");
    assert!(actor.id.starts_with("kim-yong-hyun-"), "{}", actor.id);
    // One undo step takes back both the actor and the choice.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(actors(&h), before);
    assert_ne!(selected_claim(&h).claimant, claim.claimant);
}

#[test]
fn a_new_claim_starts_from_the_last_claim_entered_and_is_not_drawn_until_it_has_a_number() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    // The researcher works on the JCS claim...
    replace_text(&mut h, "Search", "JCS");
    h.get_by_label("Joint Chiefs of Staff of South Korea (JCS)")
        .click();
    h.run();
    replace_text(&mut h, "Best", "1150");
    h.key_press(Key::Enter);
    h.run();
    let last = selected_claim(&h);
    // ...a claim before it is deleted (the claim entered last moves up a place)...
    let at = h.state().selected.expect("selected").index;
    assert!(at > 0, "the claim entered is not the first");
    h.state_mut().handle(crosscheck::ui::Command::Edit {
        edit: Box::new(crosscheck::model::edit::Edit::Remove {
            target: crosscheck::model::edit::Target {
                kind: Kind::Claim,
                index: 0,
            },
        }),
        coalesce: None,
    });
    h.run();
    // ...then adds the next claim from the same report.
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    let new = selected_claim(&h);
    assert_ne!(new.id, last.id);
    assert_eq!(
        new.claimant, last.claimant,
        "the claimant of the last claim"
    );
    assert_ne!(new.claimant, new.subject, "never the subject");
    assert_eq!(new.metric, last.metric);
    assert_eq!(new.subject, last.subject);
    assert_eq!(
        new.sources.first().map(|s| &s.source),
        last.sources.first().map(|s| &s.source)
    );
    assert!(new.sources[0].quote.is_empty(), "the source, not its quote");
    let default = h
        .state()
        .doc
        .as_ref()
        .expect("doc")
        .dataset
        .actor(&new.claimant)
        .and_then(|a| a.default_reliability);
    assert_eq!(
        new.reliability, default,
        "the claimant's default reliability"
    );
    assert_eq!(new.value.best(), None, "no number until one is typed");
    let drawn = h
        .state()
        .plot_series()
        .iter()
        .flat_map(|s| s.marks.iter())
        .filter(|m| m.y.is_some())
        .any(|m| h.state().doc.as_ref().expect("doc").dataset.claims[m.claim].id == new.id);
    assert!(!drawn, "a claim without a number is not drawn");
}

/// The editor's picker labelled `label` (the filter bar has pickers of the same names,
/// further left).
fn editor_picker<'h>(h: &'h Harness<'static, App>, label: &'h str) -> egui_kittest::Node<'h> {
    h.get_all_by_role_and_label(Role::ComboBox, label)
        .max_by(|a, b| a.rect().min.x.total_cmp(&b.rect().min.x))
        .expect("the picker")
}

/// Counts what the user does: each key pressed and each piece of text typed is a step.
struct Steps(usize);

impl Steps {
    fn key(&mut self, h: &mut Harness<'static, App>, key: Key) {
        h.key_press(key);
        h.run();
        self.0 += 1;
    }

    fn command(&mut self, h: &mut Harness<'static, App>, key: Key) {
        h.key_press_modifiers(Modifiers::COMMAND, key);
        h.run();
        self.0 += 1;
    }

    fn type_text(&mut self, h: &mut Harness<'static, App>, text: &str) {
        h.event(egui::Event::Text(text.to_string()));
        h.run();
        self.0 += 1;
    }
}

#[test]
fn a_claim_with_a_new_claimant_and_a_new_source_is_entered_from_the_keyboard_in_twenty_steps() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    let mut s = Steps(0);
    // A new claim; the keyboard is in its claimant.
    s.command(&mut h, Key::N);
    assert!(editor_picker(&h, "Claimant").is_focused());
    // A claimant the dataset does not have: typing opens the picker, whose one entry then
    // is "+ New actor… “Kyiv Independent”"; Enter opens the small form, Enter creates it.
    s.type_text(&mut h, "Kyiv Independent");
    eprintln!(
        "search open: {:?}",
        h.query_by_role_and_label(Role::TextInput, "Find claimant")
            .map(|n| n.value())
    );
    s.key(&mut h, Key::Enter);
    h.get_by_label("New actor");
    s.key(&mut h, Key::Enter);
    assert!(
        editor_picker(&h, "Claimant").is_focused(),
        "back in the picker"
    );
    // Qualifier, then the figure.
    s.key(&mut h, Key::Tab);
    s.key(&mut h, Key::Tab);
    s.type_text(&mut h, "100");
    // Metric and subject as they came (from context); the date typed over today's.
    s.key(&mut h, Key::Tab);
    s.key(&mut h, Key::Tab);
    s.key(&mut h, Key::Tab);
    s.type_text(&mut h, "2024-12-23");
    // Refers to left empty; then the source, new too, through its own small form.
    s.key(&mut h, Key::Tab);
    s.key(&mut h, Key::Tab);
    s.type_text(&mut h, "North Korean troops suffer heavy losses in Kursk");
    s.key(&mut h, Key::Enter);
    h.get_by_label("New source");
    s.key(&mut h, Key::Enter);
    // Its quote, and save.
    s.key(&mut h, Key::Tab);
    s.type_text(
        &mut h,
        "At least 100 North Korean soldiers have been killed",
    );
    s.command(&mut h, Key::S);
    assert!(s.0 <= 20, "{} steps", s.0);

    let claim = selected_claim(&h);
    let app = h.state();
    let doc = app.doc.as_ref().expect("doc");
    let claimant = doc.dataset.actor(&claim.claimant).expect("claimant");
    assert_eq!(claimant.name, "Kyiv Independent");
    assert_eq!(claim.value.best(), Some(100));
    assert_eq!(claim.stated_on.text(), "2024-12-23");
    assert_eq!(claim.sources.len(), 1);
    let source = doc
        .dataset
        .sources
        .iter()
        .find(|x| x.id == claim.sources[0].source.as_str())
        .expect("the new source");
    assert_eq!(
        source.title,
        "North Korean troops suffer heavy losses in Kursk"
    );
    assert_eq!(
        claim.sources[0].quote.text(),
        "At least 100 North Korean soldiers have been killed"
    );
    assert!(
        !app.is_dirty(),
        "saved: {} {:?}",
        app.status,
        app.dialogs.save_errors.as_ref().map(|d| d.errors.clone())
    );

    // The next claim from the same report, by a claimant the dataset has now: its source
    // and date come with it — at most ten steps.
    let mut s = Steps(0);
    s.command(&mut h, Key::N);
    s.type_text(&mut h, "Kyiv Indep");
    s.key(&mut h, Key::Enter);
    s.key(&mut h, Key::Tab);
    s.key(&mut h, Key::Tab);
    s.type_text(&mut h, "250");
    s.command(&mut h, Key::S);
    assert!(s.0 <= 10, "{} steps", s.0);
    let next = selected_claim(&h);
    assert_ne!(next.id, claim.id);
    assert_eq!(next.claimant, claim.claimant);
    assert_eq!(next.value.best(), Some(250));
    assert_eq!(next.stated_on.text(), "2024-12-23");
    assert_eq!(next.sources[0].source, claim.sources[0].source);
    assert!(
        !h.state().is_dirty(),
        "saved: {} {:?}",
        h.state().status,
        h.state()
            .dialogs
            .save_errors
            .as_ref()
            .map(|d| d.errors.clone())
    );
}

#[test]
fn text_typed_in_the_same_frame_as_tab_lands_in_the_next_field() {
    let (_tmp, ds) = sample_copy();
    let mut h = open(&ds, (1600.0, 1000.0));
    h.key_press_modifiers(Modifiers::COMMAND, Key::N);
    h.run();
    let stated = selected_claim(&h).stated_on.text().to_string();
    // In "Stated on", Tab and the next field's text arrive in one frame (a text expander,
    // keys 15 ms apart): the text belongs to "Refers to".
    h.get_by_role_and_label(Role::TextInput, "Stated on")
        .focus();
    h.run();
    h.event(egui::Event::Key {
        key: Key::Tab,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: Modifiers::NONE,
    });
    h.event(egui::Event::Text("2024-12".into()));
    h.run();
    h.key_press(Key::Tab);
    h.run();
    let claim = selected_claim(&h);
    assert_eq!(
        claim.stated_on.text(),
        stated,
        "the field left is unchanged"
    );
    assert_eq!(claim.refers_to.as_ref().map(|d| d.text()), Some("2024-12"));
}
