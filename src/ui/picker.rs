//! A record picker you type into: a combo box whose list opens with a search field in focus,
//! filters by every word typed (names, aliases in any script, outlets, titles, ids), moves
//! with the arrow keys, chooses with Enter or a click, opens with the current choice in view,
//! and can end with "+ New actor…" that creates one from the typed text. Typing while the
//! closed picker has the keyboard focus (after Tab) opens it with what was typed.

use std::borrow::Cow;

use egui::{Color32, Key, PopupCloseBehavior, RichText, Ui};

/// One entry: id, label and colour.
pub struct Entry<'a> {
    pub id: &'a str,
    pub label: Cow<'a, str>,
    pub color: Option<Color32>,
}

/// Whether `hay` holds `word` (already lower case) in any case: ASCII text is compared byte
/// by byte without a lower-case copy (a picker over 200,000 events asks this of every event
/// while a search is typed); other text is lowercased as Unicode says.
pub fn contains_folded(hay: &str, word: &str) -> bool {
    if word.is_empty() {
        return true;
    }
    if !hay.is_ascii() {
        return hay.to_lowercase().contains(word);
    }
    let (w, hay) = (word.as_bytes(), hay.as_bytes());
    let Some(last) = hay.len().checked_sub(w.len()) else {
        return false;
    };
    // Where the word's first letter is, in either case; then the rest compared.
    memchr::memchr2_iter(w[0], w[0].to_ascii_uppercase(), &hay[..=last])
        .any(|at| hay[at..at + w.len()].eq_ignore_ascii_case(w))
}

/// What the user did with the picker this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picked {
    Nothing,
    /// Chose this id (`None`: "(none)").
    Chose(Option<String>),
    /// Asked for a new record named by this text.
    Create(String),
}

/// The most entries listed at once (the search narrows the rest).
const SHOWN: usize = 400;

/// Draws the picker. `current` is the chosen id; `create` the label of the entry that makes
/// a new record ("+ New actor…"), if any. Entries are numbered `0..count`; `matches` says
/// whether entry `i` holds every word searched for (lower case), and `entry` makes the ones
/// listed. Both are asked only while the list is open, so a closed picker over 200,000
/// events costs nothing per frame.
#[allow(clippy::too_many_arguments)]
pub fn picker<'a>(
    ui: &mut Ui,
    salt: impl std::hash::Hash + std::fmt::Debug,
    name: &str,
    shown: &str,
    current: Option<&str>,
    count: usize,
    matches: impl Fn(usize, &[String]) -> bool,
    entry: impl Fn(usize) -> Entry<'a>,
    allow_none: bool,
    create: Option<&str>,
    width: f32,
) -> (egui::Response, Picked) {
    let id = ui.make_persistent_id(&salt);
    let (query_id, hl_id, open_id) = (id.with("query"), id.with("highlight"), id.with("open"));
    let seed_id = id.with("seed");
    // Typed while the closed picker has the focus: open it, searching for what was typed.
    // (The combo box's own id, noted when it was last drawn; its list's id is made from it
    // as egui's `ComboBox` makes it.)
    let button_key = id.with("button");
    let button: Option<egui::Id> = ui.data(|d| d.get_temp(button_key));
    if let Some(button) = button
        && ui.memory(|m| m.has_focus(button))
        && !egui::Popup::is_id_open(ui.ctx(), button.with("popup"))
    {
        let popup = button.with("popup");
        let typed: String = ui.input_mut(|i| {
            let mut typed = String::new();
            i.events.retain(|e| match e {
                egui::Event::Text(t) if !(typed.is_empty() && t.trim().is_empty()) => {
                    typed.push_str(t);
                    false
                }
                _ => true,
            });
            typed
        });
        if !typed.is_empty() {
            ui.data_mut(|d| d.insert_temp(seed_id, typed));
            egui::Popup::open_id(ui.ctx(), popup);
        }
    }
    let mut picked = Picked::Nothing;
    let inner = egui::ComboBox::from_id_salt(salt)
        .selected_text(shown)
        .truncate()
        .width(width)
        .height(340.0)
        .close_behavior(PopupCloseBehavior::CloseOnClickOutside)
        .show_ui(ui, |ui| {
            let first = !ui.data(|d| d.get_temp::<bool>(open_id).unwrap_or(false));
            ui.data_mut(|d| d.insert_temp(open_id, true));
            let mut query: String = if first {
                ui.data_mut(|d| d.remove_temp::<String>(seed_id))
                    .unwrap_or_default()
            } else {
                ui.data(|d| d.get_temp(query_id).unwrap_or_default())
            };
            let l = ui.label(RichText::new(format!("Find {name}")).small().weak());
            let r = ui
                .add(
                    egui::TextEdit::singleline(&mut query)
                        .hint_text("type a name, alias, outlet, title or id")
                        .desired_width(f32::INFINITY),
                )
                .labelled_by(l.id);
            if first {
                r.request_focus();
                // The cursor after what was typed to open the picker.
                if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), r.id) {
                    let end = egui::text::CCursor::new(query.chars().count());
                    state
                        .cursor
                        .set_char_range(Some(egui::text::CCursorRange::one(end)));
                    state.store(ui.ctx(), r.id);
                }
            }
            let words: Vec<String> = query
                .to_lowercase()
                .split_whitespace()
                .map(str::to_string)
                .collect();
            let matches: Vec<Entry<'a>> = (0..count)
                .filter(|&i| matches(i, &words))
                .take(SHOWN)
                .map(&entry)
                .collect();
            let none_row = allow_none && words.is_empty();
            let create_row = create.filter(|_| !query.trim().is_empty());
            let rows = usize::from(none_row) + matches.len() + usize::from(create_row.is_some());
            let mut hl: usize = if first || r.changed() {
                let at = matches.iter().position(|e| Some(e.id) == current);
                match (at, r.changed() || !query.is_empty()) {
                    (Some(i), false) => i + usize::from(none_row),
                    _ => 0,
                }
            } else {
                ui.data(|d| d.get_temp(hl_id).unwrap_or(0))
            };
            let mut moved = first;
            if r.has_focus() {
                ui.input(|i| {
                    if i.key_pressed(Key::ArrowDown) && hl + 1 < rows {
                        hl += 1;
                        moved = true;
                    }
                    if i.key_pressed(Key::ArrowUp) && hl > 0 {
                        hl -= 1;
                        moved = true;
                    }
                });
            }
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(300.0)
                .show(ui, |ui| {
                    let mut row = 0;
                    let mut line = |ui: &mut Ui, text: RichText, chosen: bool| {
                        let this = row;
                        row += 1;
                        let resp = ui.selectable_label(this == hl || chosen, text);
                        if this == hl && moved {
                            resp.scroll_to_me(Some(egui::Align::Center));
                        }
                        resp.clicked() || (enter && this == hl)
                    };
                    if none_row && line(ui, RichText::new("(none)"), current.is_none()) {
                        picked = Picked::Chose(None);
                    }
                    for e in &matches {
                        let text = match e.color {
                            Some(c) => RichText::new(e.label.as_ref()).color(c),
                            None => RichText::new(e.label.as_ref()),
                        };
                        if line(ui, text, Some(e.id) == current) {
                            picked = Picked::Chose(Some(e.id.to_string()));
                        }
                    }
                    if matches.is_empty() && create_row.is_none() {
                        ui.label(RichText::new("Nothing matches").weak());
                    }
                    if let Some(label) = create_row
                        && line(
                            ui,
                            RichText::new(format!("{label} “{}”", query.trim())).strong(),
                            false,
                        )
                    {
                        picked = Picked::Create(query.trim().to_string());
                    }
                });
            ui.data_mut(|d| {
                d.insert_temp(query_id, query);
                d.insert_temp(hl_id, hl);
            });
            if picked != Picked::Nothing {
                ui.close();
            }
        });
    if inner.inner.is_none() || picked != Picked::Nothing {
        ui.data_mut(|d| d.remove::<bool>(open_id));
    }
    ui.data_mut(|d| d.insert_temp(button_key, inner.response.id));
    // The keyboard stays on the picker once a choice is made, so Tab goes on from here.
    if picked != Picked::Nothing {
        inner.response.request_focus();
    }
    (inner.response, picked)
}
