//! Entering claims: pickers you type into (any script), a new claimant or source created from
//! the picker in one undo step, and a new claim that starts from context.

use crosscheck::app::App;
use crosscheck::model::Kind;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use crate::common::sample_copy;
use crate::window::{open, replace_text};

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
    replace_text(&mut h, "Search", "JCS");
    h.get_by_label("Joint Chiefs of Staff of South Korea (JCS)")
        .click();
    h.run();
    pick_by_typing(&mut h, "Claimant", "국가정보원");
    assert_eq!(selected_claim(&h).claimant, "kr-nis");
    pick_by_typing(&mut h, "Subject", "войска КНДР");
    assert_eq!(selected_claim(&h).subject, "kp-forces-in-russia");
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
    assert_eq!(new.value.best, None, "no number until one is typed");
    let drawn = h
        .state()
        .plot_series()
        .iter()
        .flat_map(|s| s.marks.iter())
        .filter(|m| m.y.is_some())
        .any(|m| h.state().doc.as_ref().expect("doc").dataset.claims[m.claim].id == new.id);
    assert!(!drawn, "a claim without a number is not drawn");
}
