//! The filter bar: one row of controls that drives every list (and later the plots) — free
//! text, a partial-date range, claimant, metric, event type, tag, minimum grading, whether
//! deprecated claims show, and a button that clears them all.

use egui::{Color32, RichText, Ui};

use crate::model::filter::Filter;
use crate::model::{Dataset, Reliability};

/// The id of the search field (Ctrl+F focuses it).
pub const SEARCH_ID: &str = "filter-search";

/// A combo box of `(id, label)` choices plus "any"; returns true when the choice changed.
fn choice<'a>(
    ui: &mut Ui,
    label: &str,
    value: &mut Option<String>,
    items: impl Iterator<Item = (&'a str, &'a str)> + Clone,
    width: f32,
) -> bool {
    let before = value.clone();
    let shown = value
        .as_ref()
        .map(|v| {
            items
                .clone()
                .find(|(id, _)| id == v)
                .map_or(v.as_str(), |(_, l)| l)
        })
        .unwrap_or("any");
    let l = ui.label(label);
    egui::ComboBox::from_id_salt(("filter", label))
        .selected_text(shown)
        .truncate()
        .width(width)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, "any");
            for (id, name) in items {
                ui.selectable_value(value, Some(id.to_string()), name);
            }
        })
        .response
        .labelled_by(l.id);
    *value != before
}

/// Draws the filter bar. Returns true when the filter changed.
/// `claimants` are the actors as (id, name), by name; `tags` the events' tags.
pub fn show(
    ui: &mut Ui,
    ds: &Dataset,
    claimants: &[(String, String)],
    tags: &[String],
    f: &mut Filter,
) -> bool {
    let before = f.clone();
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Search");
        ui.add(
            egui::TextEdit::singleline(&mut f.text)
                .id(egui::Id::unique(SEARCH_ID))
                .hint_text("titles, places, claimants, aliases, quotes…")
                .desired_width(220.0),
        )
        .labelled_by(l.id);

        let range_error = f.range().err();
        for (name, text, hint) in [
            ("From", &mut f.from, "YYYY-MM"),
            ("To", &mut f.to, "YYYY-MM"),
        ] {
            let l = ui.label(name);
            let bad = range_error
                .as_ref()
                .is_some_and(|(side, _)| side.eq_ignore_ascii_case(name));
            let mut edit = egui::TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(82.0);
            if bad {
                edit = edit.text_color(Color32::from_rgb(0xd0, 0x30, 0x30));
            }
            let r = ui.add(edit).labelled_by(l.id);
            if bad && let Some((_, e)) = &range_error {
                r.on_hover_text(format!("Not a date: {e}"));
            }
        }

        // Borrowed, not copied: the bar is drawn every frame.
        let actors = claimants.iter().map(|(id, n)| (id.as_str(), n.as_str()));
        choice(ui, "Claimant", &mut f.claimant, actors, 150.0);
        let metrics = ds
            .manifest
            .metrics
            .iter()
            .map(|m| (m.id.as_str(), m.name.as_str()));
        choice(ui, "Metric", &mut f.metric, metrics, 120.0);
        let types = ds
            .manifest
            .event_types
            .iter()
            .map(|t| (t.id.as_str(), t.name.as_str()));
        choice(ui, "Event type", &mut f.event_type, types, 110.0);
        let tags = tags.iter().map(|t| (t.as_str(), t.as_str()));
        choice(ui, "Tag", &mut f.tag, tags, 90.0);

        let l = ui.label("Min. grade");
        let rel = f.min_reliability.map_or("any", Reliability::as_str);
        egui::ComboBox::from_id_salt("filter-reliability")
            .selected_text(rel)
            .width(40.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut f.min_reliability, None, "any");
                for r in [
                    Reliability::A,
                    Reliability::B,
                    Reliability::C,
                    Reliability::D,
                    Reliability::E,
                ] {
                    ui.selectable_value(
                        &mut f.min_reliability,
                        Some(r),
                        format!("{} or better", r.as_str()),
                    );
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text("Source reliability, A (completely reliable) to F (cannot be judged)");
        let cred = f
            .min_credibility
            .map_or("any".to_string(), |c| c.to_string());
        let l2 = ui.label("/");
        egui::ComboBox::from_id_salt("filter-credibility")
            .selected_text(cred)
            .width(40.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut f.min_credibility, None, "any");
                for c in 1..=5u8 {
                    ui.selectable_value(&mut f.min_credibility, Some(c), format!("{c} or better"));
                }
            })
            .response
            .labelled_by(l2.id)
            .on_hover_text("Information credibility, 1 (confirmed) to 6 (cannot be judged)");

        ui.checkbox(&mut f.show_deprecated, "Show deprecated");
        let clear = ui.add_enabled(!f.is_default(), egui::Button::new("Clear filters"));
        if clear.clicked() {
            *f = Filter::default();
        }
        if let Some(c) = &f.claimant {
            ui.label(RichText::new(format!("claims by or via {}", ds.actor_name(c))).weak());
        }
    });
    *f != before
}
