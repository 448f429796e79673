//! The editor pane: the selected record as a labelled form with every field, pickers for
//! actors, sources, events and metrics, dates that show what they parse to (or why not) as
//! you type, and the validation findings of the record. Changes are returned as
//! [`Command::Edit`]; text that does not parse (a date, a number) stays in the form and never
//! reaches the document.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};

use egui::{Color32, RichText, Ui};
use rayon::prelude::*;

use super::actions::Action;
use super::picker::{Entry, Picked, contains_folded, picker};
use super::{Command, actor_color, readable};
use crate::model::edit::{AnyRecord, Change, Edit, Target, record_at};
use crate::model::packed::Packed;
use crate::model::{
    Actor, ActorKind, Citation, Claim, Dataset, DateText, Event, Finding, GeoPrecision, Kind,
    Method, PartialDate, Place, Qualifier, Rank, RankReason, Reliability, Scope, Source, Sym,
};

/// Picker items that would cost a pass over the whole dataset to build: made once per
/// version of the dataset, not every frame.
#[derive(Default)]
pub struct Pickers {
    /// Every event's number in the dataset, in date order: the event picker's list. Its
    /// labels ("date — title") are made as the list is drawn, not held for 200,000 events.
    event_order: Vec<u32>,
    /// Every source as (id, "outlet, date — title"), by that label.
    pub sources: Vec<(String, String, Option<Color32>)>,
    /// Where each source id first stands in `sources`: a citation shows its source's label
    /// every frame without looking through thousands of them.
    source_at: HashMap<String, usize>,
    /// Every actor as (id, name, colour) by name, for dark and for light backgrounds.
    actors_dark: Vec<(String, String, Option<Color32>)>,
    actors_light: Vec<(String, String, Option<Color32>)>,
    /// The claims of each claimant, in statement-date order.
    pub claims_by_claimant: HashMap<Sym, Vec<usize>>,
    /// What a picker's search looks in, by id: an actor's name, aliases (any script) and id;
    /// a source's outlet, title, date and id — lower case.
    pub search: HashMap<String, String>,
    /// Every event's number in the dataset, by id: the event picker shows the chosen event's
    /// label every frame without looking through 200,000 of them.
    event_by_id: Vec<u32>,
    /// Each event's date as the picker shows it: a number into `dates` (a dataset has far
    /// fewer distinct dates than events).
    event_dates: Vec<u32>,
    /// The distinct dates of events as shown ("until 27 Dec 2024"), and in lower case.
    dates: Vec<(String, String)>,
    /// The words the event picker searched for last, and whether each event (by number)
    /// has them: found again when the search changes, not in every frame the list is open.
    event_hits: Mutex<Option<EventHits>>,
    /// The id of a claim looked for among all claims, and where it was found (or that it was
    /// not): the claim a `supersedes` names when it is not its claimant's own (another
    /// claimant's, or none — the checks flag both), so that the claim's editor does not look
    /// through a million claims in every frame it is shown. Forgotten when a claim comes,
    /// goes or changes its id.
    claim_found: Mutex<Option<(String, Option<usize>)>>,
}

/// The words of an event search, and whether each event (by number) has them all.
type EventHits = (Vec<String>, Arc<Vec<bool>>);

/// One entry of a picker's list: id, label and colour.
type Item = (String, String, Option<Color32>);

/// What a picker chooses among: a list made for it, the dataset's events (listed through
/// [`Pickers`]' order of them, not copied), or a list made only while the picker is open.
#[derive(Clone, Copy)]
enum Items<'x> {
    List(&'x [Item]),
    Events,
    /// A list of at most `most` entries made by `all` when the picker's list is opened (not
    /// in every frame the form is drawn), and the label of the chosen id for the closed
    /// picker.
    Later {
        most: usize,
        all: &'x dyn Fn() -> Vec<Item>,
        label: &'x dyn Fn(&str) -> Option<String>,
    },
}

impl<'x> From<&'x [(String, String, Option<Color32>)]> for Items<'x> {
    fn from(list: &'x [(String, String, Option<Color32>)]) -> Items<'x> {
        Items::List(list)
    }
}

impl<'x> From<&'x Vec<(String, String, Option<Color32>)>> for Items<'x> {
    fn from(list: &'x Vec<(String, String, Option<Color32>)>) -> Items<'x> {
        Items::List(list)
    }
}

/// An event as the event picker lists it, its date shown as `date`.
fn event_label(date: &str, e: &Event) -> String {
    format!("{date} — {}", e.title)
}

/// Whether an event's label or id holds every word (lower case) — what a search of
/// "date — title id" in lower case finds, without making that text for every event: a word
/// holds no whitespace, so it can only be found within one of them. `date` is the event's
/// date as shown, in lower case.
fn event_matches(e: &Event, date: &str, words: &[String]) -> bool {
    words.iter().all(|w| {
        w == "—"
            || date.contains(w.as_str())
            || contains_folded(&e.title, w)
            || contains_folded(&e.id, w)
    })
}

/// The claims of each claimant, in statement-date order (ties in dataset order).
fn claims_by_claimant(ds: &Dataset) -> HashMap<Sym, Vec<usize>> {
    let mut by: HashMap<Sym, Vec<usize>> = HashMap::new();
    for (i, c) in ds.claims.iter().enumerate() {
        by.entry(c.claimant).or_default().push(i);
    }
    for list in by.values_mut() {
        list.sort_by_key(|&i| ds.claims[i].stated_on.cmp_key());
    }
    by
}

impl Pickers {
    pub fn build(ds: &Dataset) -> Pickers {
        Pickers {
            claims_by_claimant: claims_by_claimant(ds),
            ..Pickers::build_records(ds)
        }
    }

    /// Follows one record's change (`ds` as it is now): a claim moves in its claimant's
    /// list, and the claims after an inserted or removed one are renumbered — no pass over
    /// a million claims' strings; an actor, source or event changed: their lists are built
    /// again (not the claims').
    pub fn follow(&mut self, ds: &Dataset, change: &Change) {
        let (t, old) = match change {
            Change::Replaced(t, old) => (*t, Some(old)),
            Change::Inserted(t) => (*t, None),
            Change::Removed(t, old) => (*t, Some(old)),
        };
        // Every claim keeps its place and id only when one was replaced by one of that id.
        let same_ids = match change {
            Change::Replaced(t, AnyRecord::Claim(o)) => {
                ds.claims.get(t.index).is_some_and(|c| c.id == o.id)
            }
            _ => t.kind != Kind::Claim,
        };
        if !same_ids {
            *self
                .claim_found
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner) = None;
        }
        if t.kind != Kind::Claim {
            if let Change::Replaced(t, old) = change
                && Pickers::still_valid_after(ds, *t, old)
            {
                return;
            }
            let claims = std::mem::take(&mut self.claims_by_claimant);
            *self = Pickers {
                claims_by_claimant: claims,
                ..Pickers::build_records(ds)
            };
            return;
        }
        let i = t.index;
        // Out of its claimant's list (it was removed, or it changed).
        if let Some(AnyRecord::Claim(o)) = old
            && let Some(list) = self.claims_by_claimant.get_mut(o.claimant.as_str())
        {
            list.retain(|&k| k != i);
            if list.is_empty() {
                self.claims_by_claimant.remove(o.claimant.as_str());
            }
        }
        let moved = match change {
            Change::Inserted(_) => Some(true),
            Change::Removed(..) => Some(false),
            Change::Replaced(..) => None,
        };
        if let Some(inserted) = moved {
            for list in self.claims_by_claimant.values_mut() {
                for k in list.iter_mut() {
                    if inserted && *k >= i {
                        *k += 1;
                    } else if !inserted && *k > i {
                        *k -= 1;
                    }
                }
            }
        }
        // Into its claimant's list, where its date (then its place) puts it.
        if !matches!(change, Change::Removed(..))
            && let Some(c) = ds.claims.get(i)
        {
            let key = |k: usize| (ds.claims.get(k).map(|c| c.stated_on.cmp_key()), k);
            let list = self.claims_by_claimant.entry(c.claimant).or_default();
            let at = list.partition_point(|&k| key(k) < key(i));
            list.insert(at, i);
        }
    }

    /// Everything but the claims by claimant.
    fn build_records(ds: &Dataset) -> Pickers {
        let number = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut event_order: Vec<u32> = (0..ds.events.len()).map(number).collect();
        event_order.sort_by_key(|&i| ds.events[i as usize].date.cmp_key());
        let mut dates = Vec::new();
        let mut date_at: HashMap<&str, u32> = HashMap::new();
        let event_dates = ds
            .events
            .iter()
            .map(|e| {
                *date_at.entry(e.date.text()).or_insert_with(|| {
                    let shown = e.date.display();
                    let lower = shown.to_lowercase();
                    dates.push((shown, lower));
                    number(dates.len() - 1)
                })
            })
            .collect();
        let mut event_by_id: Vec<u32> = (0..ds.events.len()).map(number).collect();
        event_by_id
            .sort_unstable_by(|&a, &b| ds.events[a as usize].id.cmp(&ds.events[b as usize].id));
        let actors = |dark: bool| {
            let mut v: Vec<_> = ds
                .actors
                .iter()
                .map(|a| {
                    (
                        a.id.clone(),
                        a.name.clone(),
                        Some(readable(actor_color(ds, &a.id), dark)),
                    )
                })
                .collect();
            v.sort_by_cached_key(|(_, n, _)| n.to_lowercase());
            v
        };
        let mut sources: Vec<_> = ds
            .sources
            .iter()
            .map(|s| {
                // Outlet and date first: they survive truncation and tell sources apart.
                let date = s
                    .published
                    .as_ref()
                    .map(|d| d.display())
                    .unwrap_or_default();
                // Outlet · date · title: two sources of one outlet differ at a glance.
                let name = [s.outlet.as_str(), date.as_str(), s.title.as_str()]
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · ");
                (s.id.clone(), name, None)
            })
            .collect();
        sources.sort_by_cached_key(|(_, n, _)| n.to_lowercase());
        let mut source_at = HashMap::with_capacity(sources.len());
        for (i, (id, _, _)) in sources.iter().enumerate() {
            source_at.entry(id.clone()).or_insert(i);
        }
        let mut search = HashMap::new();
        for a in &ds.actors {
            let text = format!("{} {} {}", a.name, a.aliases.join(" "), a.id);
            search.insert(a.id.clone(), text.to_lowercase());
        }
        for s in &ds.sources {
            let date = s
                .published
                .as_ref()
                .map(|d| d.text().to_string())
                .unwrap_or_default();
            let text = format!("{} {} {date} {} {}", s.outlet, s.title, s.author, s.id);
            search.insert(s.id.clone(), text.to_lowercase());
        }
        Pickers {
            event_order,
            event_by_id,
            event_dates,
            dates,
            event_hits: Mutex::default(),
            claim_found: Mutex::default(),
            sources,
            source_at,
            actors_dark: actors(true),
            actors_light: actors(false),
            claims_by_claimant: HashMap::new(),
            search,
        }
    }

    /// The label of the source with this id, as its picker lists it.
    fn source_label(&self, id: &str) -> Option<&str> {
        let (_, label, _) = self.sources.get(*self.source_at.get(id)?)?;
        Some(label)
    }

    /// The event at place `i` of the event picker's list (date order).
    fn event<'d>(&self, ds: &'d Dataset, i: usize) -> Option<(usize, &'d Event)> {
        let k = *self.event_order.get(i)? as usize;
        Some((k, ds.events.get(k)?))
    }

    /// The date of event number `k` as shown, and in lower case.
    fn event_date(&self, k: usize) -> (&str, &str) {
        self.event_dates
            .get(k)
            .and_then(|&d| self.dates.get(d as usize))
            .map_or(("", ""), |(shown, lower)| (shown, lower))
    }

    /// The event picker's label of event number `k`.
    fn label_of(&self, ds: &Dataset, k: usize) -> Option<String> {
        let e = ds.events.get(k)?;
        Some(event_label(self.event_date(k).0, e))
    }

    /// The claim with this id, looked for once until a claim comes, goes or changes its id
    /// (see `claim_found`): first among the claims at the places `near` (a claimant's own,
    /// the latest first), then among all.
    fn claim_with_id<'d>(&self, ds: &'d Dataset, id: &str, near: &[usize]) -> Option<&'d Claim> {
        let mut memo = self
            .claim_found
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((seen, at)) = &*memo
            && seen == id
        {
            match at.and_then(|i| ds.claims.get(i)) {
                // Where it was, still of this id.
                Some(c) if *c.id == *id => return Some(c),
                // Not there before, and no claim came or changed its id since.
                None if at.is_none() => return None,
                // A dataset other than the one looked through: looked for again.
                _ => {}
            }
        }
        let at = near
            .iter()
            .rev()
            .copied()
            .find(|&i| ds.claims.get(i).is_some_and(|c| *c.id == *id))
            .or_else(|| ds.claims.iter().position(|c| *c.id == *id));
        *memo = Some((id.to_string(), at));
        at.and_then(|i| ds.claims.get(i))
    }

    /// Whether each event (by number) holds every word of a search (lower case).
    fn event_hits(&self, ds: &Dataset, words: &[String]) -> Arc<Vec<bool>> {
        let mut memo = self
            .event_hits
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match &*memo {
            Some((w, hits)) if w.as_slice() == words && hits.len() == ds.events.len() => {
                hits.clone()
            }
            _ => {
                // In dataset order (the events and their titles are read as they lie in
                // memory), on every core.
                let hits: Arc<Vec<bool>> = Arc::new(
                    ds.events
                        .par_iter()
                        .enumerate()
                        .map(|(k, e)| event_matches(e, self.event_date(k).1, words))
                        .collect(),
                );
                *memo = Some((words.to_vec(), hits.clone()));
                hits
            }
        }
    }

    /// The number of the event with id `id` (the first, if two have it).
    fn event_with_id(&self, ds: &Dataset, id: &str) -> Option<usize> {
        let at = self.event_by_id.partition_point(|&k| {
            ds.events
                .get(k as usize)
                .is_some_and(|e| e.id.as_str() < id)
        });
        let k = *self.event_by_id.get(at)? as usize;
        (ds.events.get(k)?.id == id).then_some(k)
    }

    /// The actors, coloured for the theme.
    pub fn actors(&self, dark: bool) -> &[(String, String, Option<Color32>)] {
        if dark {
            &self.actors_dark
        } else {
            &self.actors_light
        }
    }

    /// Whether lists built before record `t` was replaced (`old` is what it was) still hold:
    /// of claims and events they read only claimants, ids, dates and titles, so typing a note
    /// into a claim of a large dataset does not rebuild them. An actor or a source changed:
    /// rebuilt.
    pub fn still_valid_after(ds: &Dataset, t: Target, old: &AnyRecord) -> bool {
        match old {
            AnyRecord::Claim(o) => ds
                .claims
                .get(t.index)
                .is_some_and(|c| c.claimant == o.claimant && c.stated_on == o.stated_on),
            AnyRecord::Event(o) => ds
                .events
                .get(t.index)
                .is_some_and(|e| e.id == o.id && e.date == o.date && e.title == o.title),
            AnyRecord::Actor(_) | AnyRecord::Source(_) => false,
        }
    }
}

/// Text being typed into fields whose value must parse first (dates, numbers, lists).
#[derive(Default)]
pub struct EditorState {
    target: Option<Target>,
    buffers: HashMap<&'static str, Buffer>,
    /// The next form drawn puts the keyboard in its first field (a record just created).
    focus_first: bool,
    /// The next form drawn puts the keyboard in this picker (field, slot): the one a record
    /// was just created from.
    focus_field: Option<(&'static str, usize)>,
    /// The widget that had the keyboard when the form was last drawn: a field that has it
    /// now and did not then was just entered (with Tab), and its text is selected.
    seen_focus: Option<egui::Id>,
    /// An id typed into the id field, the number of records of each kind when it was looked
    /// for, and whether another record has it: looked for once per keystroke, not every
    /// frame (a pass over a million records).
    id_taken: Option<(String, [usize; 4], bool)>,
}

struct Buffer {
    text: String,
    /// The document's text for the field when the buffer was last in step with it.
    synced: String,
}

impl EditorState {
    /// Puts the keyboard in the first field of the next record shown (its claimant, title
    /// or name), so that a new record is typed into at once.
    pub fn focus_first_field(&mut self) {
        self.focus_first = true;
    }

    /// Puts the keyboard back in the picker of `field` (item `slot`) of the next record
    /// shown: where the user was when a record was created from it.
    pub fn focus_picker(&mut self, field: &'static str, slot: usize) {
        self.focus_field = Some((field, slot));
    }

    /// The buffer of a field, reset to the document's text when the document changed under it
    /// (undo, another record selected).
    fn buffer(&mut self, key: &'static str, doc: String) -> &mut Buffer {
        let b = self.buffers.entry(key).or_insert_with(|| Buffer {
            text: doc.clone(),
            synced: doc.clone(),
        });
        if b.synced != doc {
            b.text = doc.clone();
            b.synced = doc;
        }
        b
    }
}

const ERROR: Color32 = Color32::from_rgb(0xd0, 0x30, 0x30);

/// A form being drawn: the record's fields, and which one changed this frame.
struct Form<'a> {
    ds: &'a Dataset,
    pickers: &'a Pickers,
    st: &'a mut EditorState,
    changed: Option<&'static str>,
    /// A new id typed and committed: renamed with its references, not edited in place.
    rename: Option<String>,
    /// A record to create from a picker ("+ New actor…"): its kind, name, and the field
    /// (and slot, for lists) of this record to point at it.
    create: Option<(Kind, String, &'static str, usize)>,
    /// The width of the field column, so that the form fits the pane instead of widening it.
    width: f32,
    /// The first field drawn that can take it gets the keyboard focus (then this is false).
    focus_first: std::cell::Cell<bool>,
    /// The picker (field, slot) that gets the keyboard focus.
    focus_field: std::cell::Cell<Option<(&'static str, usize)>>,
    /// What had the keyboard focus when the form was drawn last.
    seen_focus: Option<egui::Id>,
}

impl Form<'_> {
    /// Gives `r` the keyboard focus if the form was asked to focus its first field, with its
    /// text selected (typing replaces a placeholder such as "New event").
    fn take_focus(&self, ui: &Ui, r: &egui::Response) {
        if !self.focus_first.replace(false) {
            return;
        }
        r.request_focus();
        if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), r.id) {
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::two(
                    egui::text::CCursor::new(0),
                    egui::text::CCursor::new(usize::MAX / 2),
                )));
            state.store(ui.ctx(), r.id);
        }
    }

    /// The id of the text field of `field`, made before the field is drawn, so that its text
    /// can be selected when Tab has just brought the keyboard to it: typing then replaces it
    /// (the date in a new claim), as in every desktop form.
    fn text_id(&self, ui: &Ui, field: &'static str, label: &str) -> egui::Id {
        let id = ui.make_persistent_id(("field", field, label));
        let entered = ui.memory(|m| m.has_focus(id)) && self.seen_focus != Some(id);
        let clicked = ui.input(|i| i.pointer.any_pressed());
        if entered
            && !clicked
            && let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), id)
        {
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::two(
                    egui::text::CCursor::new(0),
                    egui::text::CCursor::new(usize::MAX / 2),
                )));
            state.store(ui.ctx(), id);
        }
        id
    }

    fn mark(&mut self, changed: bool, field: &'static str) {
        if changed {
            self.changed = Some(field);
        }
    }

    fn label(ui: &mut Ui, text: &str) -> egui::Response {
        ui.label(text)
    }

    /// The record's id: checked as it is typed (well formed, not used by another record),
    /// and on leaving the field renamed together with every reference to it.
    fn id(&mut self, ui: &mut Ui, id: &str) {
        let l = Self::label(ui, "Id");
        let width = self.width;
        let ds = self.ds;
        let typed = self.st.buffer("id", id.to_string()).text.trim().to_string();
        let lengths = Kind::ALL.map(|k| ds.count(k));
        let taken = |st: &mut EditorState| match &st.id_taken {
            Some((t, n, taken)) if *t == typed && *n == lengths => *taken,
            _ => {
                let taken = ds.has_id(&typed);
                st.id_taken = Some((typed.clone(), lengths, taken));
                taken
            }
        };
        let problem = if typed == id {
            None
        } else if !crate::model::validate::is_valid_id(&typed) {
            Some("an id is letters, digits, and _ - . : only".to_string())
        } else if taken(self.st) {
            Some(format!("{typed} is the id of another record"))
        } else {
            None
        };
        let buf = self.st.buffer("id", id.to_string());
        ui.vertical(|ui| {
            let mut edit = egui::TextEdit::singleline(&mut buf.text).desired_width(width - 8.0);
            if problem.is_some() {
                edit = edit.text_color(ERROR);
            }
            let r = ui.add(edit).labelled_by(l.id);
            match &problem {
                Some(p) => {
                    ui.label(
                        RichText::new(format!("⚠ {p} — not applied"))
                            .small()
                            .color(ERROR),
                    );
                }
                None if typed != id => {
                    ui.label(
                        RichText::new("Press Enter to rename it, with every reference to it")
                            .small()
                            .weak(),
                    );
                }
                None => {}
            }
            if r.lost_focus() && problem.is_none() && typed != id {
                self.rename = Some(typed);
            }
        });
        ui.end_row();
    }

    fn text(&mut self, ui: &mut Ui, label: &str, field: &'static str, value: &mut String) {
        let l = Self::label(ui, label);
        let id = self.text_id(ui, field, label);
        let r = ui
            .add(
                egui::TextEdit::singleline(value)
                    .id(id)
                    .desired_width(self.width - 8.0),
            )
            .labelled_by(l.id);
        self.take_focus(ui, &r);
        self.mark(r.changed(), field);
        ui.end_row();
    }

    /// A free-text name held interned (a place's name, region, country): typed as text,
    /// interned again when it changed.
    fn sym_text(&mut self, ui: &mut Ui, label: &str, field: &'static str, value: &mut Sym) {
        let mut text = value.as_str().to_owned();
        self.text(ui, label, field, &mut text);
        if text != value.as_str() {
            *value = Sym::new(&text);
        }
    }

    /// A web address, with a button that opens it in the browser — only `http(s)` ones
    /// (a `file:` or `javascript:` address is kept, never opened).
    fn link(&mut self, ui: &mut Ui, label: &str, field: &'static str, value: &mut String) {
        let l = Self::label(ui, label);
        let openable = {
            let v = value.trim().to_ascii_lowercase();
            v.starts_with("http://") || v.starts_with("https://")
        };
        ui.horizontal(|ui| {
            let r = ui
                .add(egui::TextEdit::singleline(value).desired_width(self.width - 70.0))
                .labelled_by(l.id);
            self.mark(r.changed(), field);
            let open = ui
                .add_enabled(openable, egui::Button::new("Open").small())
                .on_hover_text(if openable {
                    "Open in the browser"
                } else {
                    "Only http and https addresses are opened"
                })
                .on_disabled_hover_text("Only http and https addresses are opened");
            if open.clicked() {
                ui.ctx().open_url(egui::OpenUrl::new_tab(value.trim()));
            }
        });
        ui.end_row();
    }

    fn multiline(
        &mut self,
        ui: &mut Ui,
        label: &str,
        field: &'static str,
        value: &mut dyn egui::TextBuffer,
    ) {
        let l = Self::label(ui, label);
        let r = ui
            .add(
                egui::TextEdit::multiline(value)
                    .desired_rows(2)
                    .desired_width(self.width - 8.0),
            )
            .labelled_by(l.id);
        self.mark(r.changed(), field);
        ui.end_row();
    }

    /// A field whose text must parse before it reaches the document: `show` writes the
    /// value as text, `parse` reads it back, `explain` says what a valid text means.
    #[allow(clippy::too_many_arguments)]
    fn parsed<T>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        field: &'static str,
        value: &mut T,
        show: impl Fn(&T) -> String,
        parse: impl Fn(&str) -> Result<T, String>,
        explain: impl Fn(&T) -> Option<String>,
    ) {
        let l = Self::label(ui, label);
        let width = self.width;
        let id = self.text_id(ui, field, label);
        let doc = show(value);
        let buf = self.st.buffer(field, doc);
        let parsed = parse(&buf.text);
        ui.vertical(|ui| {
            let mut edit = egui::TextEdit::singleline(&mut buf.text)
                .id(id)
                .desired_width(width - 8.0);
            if parsed.is_err() {
                edit = edit.text_color(ERROR);
            }
            let r = ui.add(edit).labelled_by(l.id);
            let parsed = parse(&buf.text);
            match &parsed {
                Ok(v) => {
                    let mut note = explain(v).unwrap_or_default();
                    if buf.text != buf.synced {
                        note = format!("{note}  — press Enter to apply")
                            .trim_start()
                            .to_string();
                    }
                    if !note.is_empty() {
                        ui.label(RichText::new(note).small().weak());
                    }
                }
                Err(e) => {
                    ui.label(
                        RichText::new(format!("⚠ {e} — not saved until it is valid"))
                            .small()
                            .color(ERROR),
                    );
                }
            }
            // Commit when the field is left (Enter, Tab, a click elsewhere, or Save): a
            // half-typed value such as `2025` on the way to `2025-02-14` never reaches the
            // document.
            if r.lost_focus()
                && buf.text != buf.synced
                && let Ok(v) = parsed
            {
                let text = show(&v);
                *value = v;
                buf.text = text.clone();
                buf.synced = text;
                self.changed = Some(field);
            }
        });
        ui.end_row();
    }

    fn date(&mut self, ui: &mut Ui, label: &str, field: &'static str, value: &mut DateText) {
        self.parsed(
            ui,
            label,
            field,
            value,
            |d| d.text().to_string(),
            |s| {
                PartialDate::parse(s)
                    .map(DateText::Valid)
                    .map_err(|e| e.to_string())
            },
            |d| d.valid().map(explain_date),
        );
    }

    fn opt_date(
        &mut self,
        ui: &mut Ui,
        label: &str,
        field: &'static str,
        value: &mut Option<DateText>,
    ) {
        self.parsed(
            ui,
            label,
            field,
            value,
            |d| d.as_ref().map(|d| d.text().to_string()).unwrap_or_default(),
            |s| {
                if s.trim().is_empty() {
                    Ok(None)
                } else {
                    PartialDate::parse(s)
                        .map(|d| Some(DateText::Valid(d)))
                        .map_err(|e| e.to_string())
                }
            },
            |d| d.as_ref().and_then(|d| d.valid()).map(explain_date),
        );
    }

    fn number<T: FromStr + ToString + Copy>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        field: &'static str,
        value: &mut Option<T>,
        what: &'static str,
    ) {
        self.parsed(
            ui,
            label,
            field,
            value,
            |v| v.map(|n| n.to_string()).unwrap_or_default(),
            |s| {
                let s = s.trim().replace([',', '_', ' '], "");
                if s.is_empty() {
                    Ok(None)
                } else {
                    s.parse::<T>().map(Some).map_err(|_| format!("not {what}"))
                }
            },
            |_| None,
        );
    }

    /// A picker of record ids (`String` or the claims' inline `Name`) you type into.
    fn pick<'x, S>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        field: &'static str,
        value: &mut Option<S>,
        items: impl Into<Items<'x>>,
        allow_none: bool,
    ) where
        S: Clone + PartialEq + std::fmt::Display + for<'s> From<&'s str> + AsRef<str>,
    {
        self.pick_or_create(ui, label, field, 0, value, items.into(), allow_none, None);
    }

    /// [`Form::pick`], ending with "+ New actor…" (or source) when `create` says which kind:
    /// the typed text becomes the new record's name, created and chosen in one step.
    #[allow(clippy::too_many_arguments)]
    fn pick_or_create<S>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        field: &'static str,
        slot: usize,
        value: &mut Option<S>,
        items: Items<'_>,
        allow_none: bool,
        create: Option<Kind>,
    ) where
        S: Clone + PartialEq + std::fmt::Display + for<'s> From<&'s str> + AsRef<str>,
    {
        let l = Self::label(ui, label);
        let shown = match value {
            None => "(none)".to_string(),
            Some(v) => {
                let label = match items {
                    Items::List(list) => list
                        .iter()
                        .find(|(id, _, _)| id.as_str() == v.as_ref())
                        .map(|(_, n, _)| n.clone()),
                    Items::Events => self
                        .pickers
                        .event_with_id(self.ds, v.as_ref())
                        .and_then(|k| self.pickers.label_of(self.ds, k)),
                    Items::Later { label, .. } => label(v.as_ref()),
                };
                label.unwrap_or_else(|| format!("⚠ unknown: {v}"))
            }
        };
        let picked = self.search_pick(
            ui,
            (field, slot),
            ("pick", field, label),
            &label.to_lowercase(),
            &shown,
            value.as_ref().map(AsRef::as_ref),
            items,
            allow_none,
            create,
            self.width - 30.0,
            l.id,
        );
        match picked {
            Picked::Chose(v) => {
                let v = v.map(|v| S::from(v.as_str()));
                if v != *value {
                    *value = v;
                    self.changed = Some(field);
                }
            }
            Picked::Create(name) => {
                if let Some(kind) = create {
                    self.create = Some((kind, name, field, slot));
                }
            }
            Picked::Nothing => {}
        }
        ui.end_row();
    }

    /// The searchable picker itself, labelled by `label_id`.
    #[allow(clippy::too_many_arguments)]
    fn search_pick(
        &self,
        ui: &mut Ui,
        key: (&'static str, usize),
        salt: impl std::hash::Hash + std::fmt::Debug,
        name: &str,
        shown: &str,
        current: Option<&str>,
        items: Items<'_>,
        allow_none: bool,
        create: Option<Kind>,
        width: f32,
        label_id: egui::Id,
    ) -> Picked {
        let (pickers, ds) = (self.pickers, self.ds);
        let made: std::cell::OnceCell<Vec<Item>> = std::cell::OnceCell::new();
        let later = &made;
        type Matches<'m> = Box<dyn Fn(usize, &[String]) -> bool + 'm>;
        type Entries<'m> = Box<dyn Fn(usize) -> Entry<'m> + 'm>;
        /// Whether entry `i` of `list` holds every word searched for.
        fn list_matches(pickers: &Pickers, list: &[Item], i: usize, words: &[String]) -> bool {
            let Some((id, label, _)) = list.get(i) else {
                return false;
            };
            let text = pickers.search.get(id).map_or_else(
                || Cow::Owned(format!("{label} {id}").to_lowercase()),
                |s| Cow::Borrowed(s.as_str()),
            );
            words.iter().all(|w| text.contains(w.as_str()))
        }
        fn list_entry(list: &[Item], i: usize) -> Entry<'_> {
            let (id, label, color) = &list[i];
            Entry {
                id,
                label: Cow::Borrowed(label),
                color: *color,
            }
        }
        let (count, matches, entry): (usize, Matches<'_>, Entries<'_>) = match items {
            Items::List(list) => (
                list.len(),
                Box::new(move |i, words| list_matches(pickers, list, i, words)),
                Box::new(move |i| list_entry(list, i)),
            ),
            // The picker asks for entries only while its list is open: the list is made
            // then, once, and entries past its end match nothing.
            Items::Later { most, all, .. } => (
                most,
                Box::new(move |i, words| list_matches(pickers, later.get_or_init(all), i, words)),
                Box::new(move |i| list_entry(later.get_or_init(all), i)),
            ),
            Items::Events => (
                pickers.event_order.len(),
                {
                    // The picker asks with the same words throughout a frame: the events'
                    // flags are fetched once a frame (and found once per change of words).
                    let hits: RefCell<Option<Arc<Vec<bool>>>> = RefCell::new(None);
                    Box::new(move |i, words| {
                        let Some(&k) = pickers.event_order.get(i) else {
                            return false;
                        };
                        if words.is_empty() {
                            return true;
                        }
                        let mut hits = hits.borrow_mut();
                        let hits = hits.get_or_insert_with(|| pickers.event_hits(ds, words));
                        hits.get(k as usize).copied().unwrap_or(false)
                    })
                },
                Box::new(move |i| {
                    let e = pickers.event(ds, i);
                    Entry {
                        id: e.map_or("", |(_, e)| e.id.as_str()),
                        label: Cow::Owned(
                            e.map(|(k, e)| event_label(pickers.event_date(k).0, e))
                                .unwrap_or_default(),
                        ),
                        color: None,
                    }
                }),
            ),
        };
        let create_label = create.map(|k| format!("+ New {}…", k.noun()));
        let (resp, picked) = picker(
            ui,
            salt,
            name,
            shown,
            current,
            count,
            matches,
            entry,
            allow_none,
            create_label.as_deref(),
            width,
        );
        let resp = resp.labelled_by(label_id);
        self.take_focus(ui, &resp);
        if self.focus_field.get() == Some(key) {
            self.focus_field.set(None);
            resp.request_focus();
        }
        picked
    }

    fn pick_required<'x, S>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        field: &'static str,
        value: &mut S,
        items: impl Into<Items<'x>>,
    ) where
        S: Clone + PartialEq + std::fmt::Display + for<'s> From<&'s str> + AsRef<str>,
    {
        let mut v = Some(value.clone());
        self.pick(ui, label, field, &mut v, items, false);
        if let Some(v) = v {
            *value = v;
        }
    }

    fn choose<T: PartialEq + Clone>(
        &mut self,
        ui: &mut Ui,
        label: &str,
        field: &'static str,
        value: &mut T,
        options: &[(T, &str)],
    ) {
        let l = Self::label(ui, label);
        let before = value.clone();
        let shown = options
            .iter()
            .find(|(o, _)| o == value)
            .map_or("other", |(_, n)| *n);
        egui::ComboBox::from_id_salt(("choose", field))
            .selected_text(shown)
            .truncate()
            .width(self.width - 30.0)
            .show_ui(ui, |ui| {
                for (o, name) in options {
                    ui.selectable_value(value, o.clone(), *name);
                }
            })
            .response
            .labelled_by(l.id);
        self.mark(*value != before, field);
        ui.end_row();
    }

    fn citations(&mut self, ui: &mut Ui, field: &'static str, list: &mut Vec<Citation>) {
        let l = Self::label(ui, "Sources");
        let sources = &self.pickers.sources;
        let mut remove = None;
        let mut changed = false;
        let mut create = None;
        ui.vertical(|ui| {
            for (i, c) in list.iter_mut().enumerate() {
                ui.group(|ui| {
                    ui.horizontal(|ui| {
                        let sl = ui.label(format!("Source {}", i + 1));
                        {
                            let shown = self
                                .pickers
                                .source_label(&c.source)
                                .map_or_else(|| format!("⚠ unknown: {}", c.source), str::to_string);
                            let width = (self.width - 100.0).max(80.0);
                            match self.search_pick(
                                ui,
                                (field, i),
                                ("citation", field, i),
                                &format!("source {}", i + 1),
                                &shown,
                                Some(c.source.as_str()),
                                Items::List(sources),
                                false,
                                Some(Kind::Source),
                                width,
                                sl.id,
                            ) {
                                Picked::Chose(Some(v)) if v != c.source => {
                                    c.source = Sym::new(v.as_str());
                                    changed = true;
                                }
                                Picked::Create(name) => create = Some((name, i)),
                                _ => {}
                            }
                        }
                    });
                    let Citation { quote, extra, .. } = &mut *c;
                    let extra = extra.get_or_insert_default();
                    let mut quote = Edited::new(quote);
                    let mut translation = Edited::new(&mut extra.translation);
                    let mut locator = Edited::new(&mut extra.locator);
                    for (name, text, rows) in [
                        ("Quote", &mut quote as &mut dyn egui::TextBuffer, 3),
                        ("Translation", &mut translation, 1),
                        ("Locator", &mut locator, 1),
                    ] {
                        let ql = ui.label(RichText::new(format!("{name} ({})", i + 1)).small());
                        let r = ui
                            .add(
                                egui::TextEdit::multiline(text)
                                    .desired_rows(rows)
                                    .desired_width(self.width - 30.0),
                            )
                            .labelled_by(ql.id);
                        if r.changed() {
                            self.changed = Some(field);
                        }
                    }
                    c.tidy();
                    // Last, so that Tab goes from the source to its quote first.
                    if ui
                        .small_button(format!("Remove source {}", i + 1))
                        .on_hover_text("Remove this source from the record")
                        .clicked()
                    {
                        remove = Some(i);
                    }
                });
            }
            if list.is_empty() {
                // No source yet: a picker right here (choose one, or type a new one's title).
                let width = self.width - 30.0;
                match self.search_pick(
                    ui,
                    (field, 0),
                    ("citation", field, "first"),
                    "source",
                    "(choose or add a source)",
                    None,
                    Items::List(sources),
                    false,
                    Some(Kind::Source),
                    width,
                    l.id,
                ) {
                    Picked::Chose(Some(v)) => {
                        list.push(Citation {
                            source: v.as_str().into(),
                            ..Citation::default()
                        });
                        changed = true;
                    }
                    Picked::Create(name) => create = Some((name, 0)),
                    _ => {}
                }
            } else if ui.button("+ Add source").labelled_by(l.id).clicked() {
                list.push(Citation {
                    source: sources
                        .first()
                        .map(|s| s.0.as_str())
                        .unwrap_or_default()
                        .into(),
                    ..Citation::default()
                });
                self.changed = Some(field);
            }
        });
        if let Some(i) = remove {
            list.remove(i);
            self.changed = Some(field);
        }
        if changed {
            self.changed = Some(field);
        }
        if let Some((name, slot)) = create {
            self.create = Some((Kind::Source, name, field, slot));
        }
        ui.end_row();
    }
}

fn explain_date(d: &PartialDate) -> String {
    let e = d
        .earliest()
        .date()
        .map_or("open".to_string(), |d| d.format("%Y-%m-%d").to_string());
    let l = d
        .latest()
        .date()
        .map_or("open".to_string(), |d| d.format("%Y-%m-%d").to_string());
    if e == l {
        format!("{} ({e})", d.display())
    } else {
        format!("{} ({e} – {l})", d.display())
    }
}

/// The kinds of actor offered, as people read them (the editor, the new actor's form).
pub const ACTOR_KINDS: [(ActorKind, &str); 11] = [
    (ActorKind::Government, "government"),
    (ActorKind::HeadOfState, "head of state"),
    (ActorKind::Military, "military"),
    (ActorKind::ArmedForce, "armed force"),
    (ActorKind::IntelligenceService, "intelligence service"),
    (ActorKind::Ministry, "ministry"),
    (ActorKind::Legislator, "legislator"),
    (ActorKind::Official, "official"),
    (ActorKind::Media, "media"),
    (ActorKind::Ngo, "NGO"),
    (ActorKind::Researcher, "researcher"),
];

const QUALIFIERS: [(Qualifier, &str); 9] = [
    (Qualifier::Exact, "exactly"),
    (Qualifier::Approx, "approximately (≈)"),
    (Qualifier::AtLeast, "at least"),
    (Qualifier::MoreThan, "more than"),
    (Qualifier::AtMost, "at most"),
    (Qualifier::FewerThan, "fewer than"),
    (Qualifier::Range, "range (low–high)"),
    (Qualifier::Unknown, "unknown number"),
    (Qualifier::None, "no number"),
];

fn reliability_options() -> Vec<(Option<Reliability>, &'static str)> {
    vec![
        (None, "(not graded)"),
        (Some(Reliability::A), "A — completely reliable"),
        (Some(Reliability::B), "B — usually reliable"),
        (Some(Reliability::C), "C — fairly reliable"),
        (Some(Reliability::D), "D — not usually reliable"),
        (Some(Reliability::E), "E — unreliable"),
        (Some(Reliability::F), "F — cannot be judged"),
    ]
}

/// Draws the editor for the selected record.
pub fn show(
    ui: &mut Ui,
    st: &mut EditorState,
    ds: &Dataset,
    pickers: &Pickers,
    findings: &[Finding],
    selected: Option<Target>,
    out: &mut Vec<Command>,
) {
    if st.target != selected {
        st.buffers.clear();
        st.target = selected;
    }
    let focus_first = std::mem::take(&mut st.focus_first);
    let focus_field = st.focus_field.take();
    let seen_focus = std::mem::replace(&mut st.seen_focus, ui.memory(|m| m.focused()));
    let Some(target) = selected else {
        ui.add_space(8.0);
        ui.label("Select a record in a list to edit it here, or add one:");
        ui.horizontal_wrapped(|ui| {
            for kind in [Kind::Claim, Kind::Event, Kind::Source, Kind::Actor] {
                if ui.button(format!("+ New {}", kind.noun())).clicked() {
                    out.push(Command::NewRecord(kind));
                }
            }
        });
        return;
    };
    let Some(record) = record_at(ds, target) else {
        ui.label("The selected record no longer exists.");
        return;
    };
    ui.horizontal(|ui| {
        let noun = target.kind.noun();
        ui.heading(format!("{}{}", noun[..1].to_uppercase(), &noun[1..]));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button("Delete")
                .on_hover_text(Action::Delete.hint(ui.ctx()))
                .clicked()
            {
                out.push(Command::Delete(target));
            }
            if ui
                .button("Duplicate")
                .on_hover_text(Action::Duplicate.hint(ui.ctx()))
                .clicked()
            {
                out.push(Command::Duplicate(target));
            }
        });
    });
    let mine: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.record
                .as_ref()
                .is_some_and(|(k, id)| *k == target.kind && id == record.id())
        })
        .collect();
    for f in &mine {
        let (icon, color) = super::severity_style(f.severity);
        ui.label(RichText::new(format!("{icon} {}", f.message)).color(color));
    }
    if mine.is_empty() {
        ui.label(RichText::new("✓ No problems found").weak());
    }
    ui.separator();
    let dark = ui.visuals().dark_mode;
    // The label column is 110 points wide; with the spacing and the scroll bar the fields get
    // what is left. Every widget below stays inside `width`, so the pane never widens itself.
    let width = (ui.available_width() - 150.0).max(160.0);
    let mut form = Form {
        ds,
        pickers,
        st,
        changed: None,
        rename: None,
        create: None,
        width,
        focus_first: std::cell::Cell::new(focus_first),
        focus_field: std::cell::Cell::new(focus_field),
        seen_focus,
    };
    let mut edited = record.clone();
    egui::ScrollArea::vertical()
        .id_salt("editor-scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new(("editor-grid", target.kind.noun()))
                .num_columns(2)
                .spacing([8.0, 6.0])
                .min_col_width(110.0)
                .show(ui, |ui| match &mut edited {
                    AnyRecord::Claim(c) => claim_form(ui, &mut form, c, dark),
                    AnyRecord::Event(e) => event_form(ui, &mut form, e, dark),
                    AnyRecord::Actor(a) => actor_form(ui, &mut form, a, dark),
                    AnyRecord::Source(s) => source_form(ui, &mut form, s),
                });
            if let AnyRecord::Event(e) = &record {
                linked_claims(ui, ds, &e.id, out);
            }
        });
    if let Some((kind, name, field, slot)) = form.create.take() {
        out.push(Command::NewLinked {
            target,
            kind,
            name,
            field,
            slot,
        });
    }
    if let Some(new_id) = form.rename.take() {
        out.push(Command::Rename { target, new_id });
    }
    if let Some(field) = form.changed
        && edited != record
    {
        out.push(Command::Edit {
            edit: Box::new(Edit::Replace {
                index: target.index,
                record: edited,
            }),
            coalesce: Some(format!("{}:{}:{field}", target.kind.noun(), target.index)),
        });
    }
}

/// The claims that refer to an event, each a link that selects it.
fn linked_claims(ui: &mut Ui, ds: &Dataset, event: &str, out: &mut Vec<Command>) {
    ui.separator();
    let claims: Vec<(usize, &Claim)> = ds
        .claims
        .iter()
        .enumerate()
        .filter(|(_, c)| c.event.as_deref() == Some(event))
        .collect();
    ui.strong(format!(
        "Claims about this event ({}) — highlighted in the claims list",
        claims.len()
    ));
    for (i, c) in claims {
        let text = format!(
            "{}: {} {} ({})",
            ds.actor_name(&c.claimant),
            c.metric,
            c.value.stated(),
            c.stated_on.display()
        );
        if ui.link(text).clicked() {
            out.push(Command::Reveal(Target {
                kind: Kind::Claim,
                index: i,
            }));
        }
    }
}

/// A text a record holds in a compact form — boxed without spare room (a citation's
/// translation or locator) or packed (a quote, a claim's notes, an event's description) —
/// to keep a million records small.
trait Compact {
    fn text(&self) -> Cow<'_, str>;
    fn store(&mut self, text: &str);
}

impl Compact for Box<str> {
    fn text(&self) -> Cow<'_, str> {
        Cow::Borrowed(self)
    }

    fn store(&mut self, text: &str) {
        *self = text.into();
    }
}

impl Compact for Packed {
    fn text(&self) -> Cow<'_, str> {
        Packed::text(self)
    }

    fn store(&mut self, text: &str) {
        *self = Packed::new(text);
    }
}

/// A compact text edited as a `String`: copied out while it is shown, stored again after
/// each edit.
struct Edited<'a, T: Compact> {
    held: &'a mut T,
    text: String,
}

impl<'a, T: Compact> Edited<'a, T> {
    fn new(held: &'a mut T) -> Self {
        let text = held.text().into_owned();
        Edited { held, text }
    }

    fn edit<R>(&mut self, f: impl FnOnce(&mut String) -> R) -> R {
        let r = f(&mut self.text);
        self.held.store(&self.text);
        r
    }
}

impl<T: Compact + 'static> egui::TextBuffer for Edited<'_, T> {
    fn is_mutable(&self) -> bool {
        true
    }

    fn as_str(&self) -> &str {
        &self.text
    }

    fn insert_text(&mut self, text: &str, char_index: egui::text::CharIndex) -> usize {
        self.edit(|s| s.insert_text(text, char_index))
    }

    fn delete_char_range(&mut self, char_range: std::ops::Range<egui::text::CharIndex>) {
        self.edit(|s| s.delete_char_range(char_range));
    }

    fn type_id(&self) -> std::any::TypeId {
        std::any::TypeId::of::<Edited<'static, T>>()
    }
}

fn claim_form(ui: &mut Ui, f: &mut Form<'_>, c: &mut Claim, dark: bool) {
    let ds = f.ds;
    let actors = f.pickers.actors(dark);
    f.id(ui, &c.id.clone());
    let mut claimant = Some(c.claimant);
    f.pick_or_create(
        ui,
        "Claimant",
        "claimant",
        0,
        &mut claimant,
        Items::List(actors),
        false,
        Some(Kind::Actor),
    );
    if let Some(v) = claimant {
        c.claimant = v;
    }
    // In the order a claim is read and typed: who, how many, of what, about whom, when, where
    // it was read; then the rest. Tab goes down the form in this order.
    f.choose(
        ui,
        "Qualifier",
        "qualifier",
        &mut c.value.qualifier,
        &QUALIFIERS,
    );
    if c.value.qualifier.has_number() {
        let mut best = c.value.best();
        f.number(ui, "Best", "best", &mut best, "a whole number");
        c.value.set_best(best);
        // Low and high only where the qualifier uses them (or they hold something).
        if matches!(c.value.qualifier, Qualifier::Approx | Qualifier::Range)
            || c.value.low().is_some()
            || c.value.high().is_some()
        {
            let (mut low, mut high) = (c.value.low(), c.value.high());
            f.number(ui, "Low", "low", &mut low, "a whole number");
            f.number(ui, "High", "high", &mut high, "a whole number");
            c.value.set_low(low);
            c.value.set_high(high);
        }
        ui.label("");
        ui.label(RichText::new(format!("Shown as: {}", c.value.stated())).weak());
        ui.end_row();
    }
    let metrics: Vec<_> = ds
        .manifest
        .metrics
        .iter()
        .map(|m| (m.id.clone(), m.name.clone(), None))
        .collect();
    f.pick_required(ui, "Metric", "metric", &mut c.metric, &metrics);
    let mut subject = Some(c.subject);
    f.pick_or_create(
        ui,
        "Subject",
        "subject",
        0,
        &mut subject,
        Items::List(actors),
        false,
        Some(Kind::Actor),
    );
    if let Some(v) = subject {
        c.subject = v;
    }
    f.date(ui, "Stated on", "stated_on", &mut c.stated_on);
    f.opt_date(ui, "Refers to", "refers_to", &mut c.refers_to);
    f.citations(ui, "sources", &mut c.sources);
    f.pick_or_create(
        ui,
        "Via",
        "via",
        0,
        &mut c.via,
        Items::List(actors),
        true,
        Some(Kind::Actor),
    );
    f.choose(
        ui,
        "Scope",
        "scope",
        &mut c.scope,
        &[
            (Scope::Cumulative, "cumulative total"),
            (Scope::Period, "count for a period"),
            (Scope::Snapshot, "snapshot"),
        ],
    );
    f.choose(
        ui,
        "Reliability",
        "reliability",
        &mut c.reliability,
        &reliability_options(),
    );
    f.choose(
        ui,
        "Credibility",
        "credibility",
        &mut c.credibility,
        &[
            (None, "(not graded)"),
            (Some(1), "1 — confirmed"),
            (Some(2), "2 — probably true"),
            (Some(3), "3 — possibly true"),
            (Some(4), "4 — doubtful"),
            (Some(5), "5 — improbable"),
            (Some(6), "6 — cannot be judged"),
        ],
    );
    f.choose(
        ui,
        "Rank",
        "rank",
        &mut c.rank,
        &[
            (Rank::Preferred, "preferred"),
            (Rank::Normal, "normal"),
            (Rank::Deprecated, "deprecated"),
        ],
    );
    f.choose(
        ui,
        "Rank reason",
        "rank_reason",
        &mut c.rank_reason,
        &[
            (None, "(none)"),
            (Some(RankReason::Superseded), "superseded"),
            (Some(RankReason::Retracted), "retracted"),
            (Some(RankReason::Misattributed), "misattributed"),
            (Some(RankReason::ErrorInSource), "error in source"),
            (Some(RankReason::Duplicate), "duplicate"),
            (Some(RankReason::MostRecent), "most recent"),
        ],
    );
    // The earlier claims of the same claimant and metric, most recent first (at most 300:
    // a busy claimant can have tens of thousands), listed only while the picker is open.
    let (id, metric, stated) = (c.id.clone(), c.metric, c.stated_on.cmp_key());
    let mine = f.pickers.claims_by_claimant.get(c.claimant.as_str());
    let label = |o: &Claim| {
        format!(
            "{} — {} {}",
            o.stated_on.display(),
            o.metric,
            o.value.stated()
        )
    };
    // A claim by its id, looked for among the claimant's own (a claim supersedes one of its
    // claimant's), and then among all — once, not in every frame the form is drawn.
    let find = |cur: &str| {
        f.pickers
            .claim_with_id(ds, cur, mine.map_or(&[], Vec::as_slice))
    };
    let current = c.supersedes.clone();
    let earlier = || -> Vec<Item> {
        let mut claims: Vec<Item> = mine
            .map(|list| {
                list.iter()
                    .rev()
                    .take(5_000)
                    .filter_map(|&i| ds.claims.get(i))
                    .filter(|o| o.id != id && o.metric == metric && o.stated_on.cmp_key() <= stated)
                    .take(300)
                    .map(|o| (o.id.to_string(), label(o), None))
                    .collect()
            })
            .unwrap_or_default();
        // The claim it supersedes now is listed too.
        if let Some(cur) = &current
            && !claims.iter().any(|(id, _, _)| **id == **cur)
            && let Some(o) = find(cur)
        {
            claims.push((o.id.to_string(), label(o), None));
        }
        claims
    };
    f.pick(
        ui,
        "Supersedes",
        "supersedes",
        &mut c.supersedes,
        Items::Later {
            most: 301,
            all: &earlier,
            label: &|cur| find(cur).map(label),
        },
        true,
    );
    f.pick(ui, "Event", "event", &mut c.event, Items::Events, true);
    f.choose(
        ui,
        "Method",
        "method",
        &mut c.method,
        &[
            (None, "(none)"),
            (Some(Method::Reported), "reported figure"),
            (Some(Method::Estimate), "estimate"),
            (
                Some(Method::Derived),
                "derived from a ratio or other figure",
            ),
            (Some(Method::NamedCount), "count of confirmed names"),
        ],
    );
    f.multiline(ui, "Notes", "notes", &mut Edited::new(&mut c.notes));
}

fn event_form(ui: &mut Ui, f: &mut Form<'_>, e: &mut Event, dark: bool) {
    let ds = f.ds;
    f.id(ui, &e.id.clone());
    f.date(ui, "Date", "date", &mut e.date);
    f.text(ui, "Title", "title", &mut e.title);
    let types: Vec<_> = ds
        .manifest
        .event_types
        .iter()
        .map(|t| (t.id.clone(), t.name.clone(), None))
        .collect();
    f.pick_required(ui, "Event type", "event_type", &mut e.event_type, &types);
    f.multiline(
        ui,
        "Description",
        "description",
        &mut Edited::new(&mut e.description),
    );
    let mut place = e.place.clone().unwrap_or_default();
    f.sym_text(ui, "Place", "place.name", &mut place.name);
    f.sym_text(ui, "Region", "place.region", &mut place.region);
    f.sym_text(ui, "Country", "place.country", &mut place.country);
    let mut lat = place.coordinates.map(|c| c.0);
    let mut lon = place.coordinates.map(|c| c.1);
    f.number(ui, "Latitude", "place.lat", &mut lat, "a number");
    f.number(ui, "Longitude", "place.lon", &mut lon, "a number");
    place.coordinates = match (lat, lon) {
        (Some(a), Some(b)) => Some((a, b)),
        (Some(a), None) => Some((a, 0.0)),
        (None, Some(b)) => Some((0.0, b)),
        (None, None) => None,
    };
    f.choose(
        ui,
        "Precision",
        "place.precision",
        &mut place.precision,
        &[
            (None, "(not given)"),
            (Some(GeoPrecision::Exact), "exact"),
            (Some(GeoPrecision::Settlement), "settlement"),
            (Some(GeoPrecision::District), "district"),
            (Some(GeoPrecision::Region), "region"),
            (Some(GeoPrecision::Country), "country"),
        ],
    );
    e.place = if place == Place::default() {
        None
    } else {
        Some(place)
    };
    let mut tags = e.tags.clone();
    f.parsed(
        ui,
        "Tags",
        "tags",
        &mut tags,
        |t| t.join(", "),
        |s| {
            Ok(s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(Sym::new)
                .collect())
        },
        |_| Some("separated by commas".into()),
    );
    e.tags = tags;
    let actors = f.pickers.actors(dark);
    let mut remove = None;
    for (i, a) in e.actors.iter_mut().enumerate() {
        let mut v = Some(*a);
        let label = format!("Actor {}", i + 1);
        f.pick(ui, &label, "actors", &mut v, actors, true);
        match v {
            Some(v) => *a = v,
            None => remove = Some(i),
        }
    }
    if let Some(i) = remove {
        e.actors.remove(i);
    }
    ui.label("");
    if ui.button("+ Add actor").clicked()
        && let Some(first) = actors.first()
    {
        e.actors.push(first.0.as_str().into());
        f.changed = Some("actors");
    }
    ui.end_row();
    f.citations(ui, "sources", &mut e.sources);
    f.multiline(ui, "Notes", "notes", &mut e.notes);
}

fn actor_form(ui: &mut Ui, f: &mut Form<'_>, a: &mut Actor, dark: bool) {
    f.id(ui, &a.id.clone());
    f.text(ui, "Name", "name", &mut a.name);
    f.parsed(
        ui,
        "Aliases",
        "aliases",
        &mut a.aliases,
        |v| v.join("; "),
        |s| {
            Ok(s.split(';')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(String::from)
                .collect())
        },
        |_| Some("separated by semicolons; include the name in its own script".into()),
    );
    f.choose(ui, "Kind", "kind", &mut a.kind, &ACTOR_KINDS);
    f.text(ui, "Country", "country", &mut a.country);
    f.text(ui, "Side", "side", &mut a.side);
    let actors: Vec<_> = f
        .pickers
        .actors(dark)
        .iter()
        .filter(|(id, _, _)| *id != a.id)
        .cloned()
        .collect();
    f.pick(ui, "Part of", "part_of", &mut a.part_of, &actors, true);
    f.choose(
        ui,
        "Default reliability",
        "default_reliability",
        &mut a.default_reliability,
        &reliability_options(),
    );
    let l = ui.label("Colour");
    ui.horizontal(|ui| {
        let mut rgb = crate::model::record::parse_color(&a.color).unwrap_or_else(|| {
            let c = actor_color(f.ds, &a.id);
            [c.r(), c.g(), c.b()]
        });
        if ui
            .color_edit_button_srgb(&mut rgb)
            .labelled_by(l.id)
            .changed()
        {
            a.color = format!("#{:02x}{:02x}{:02x}", rgb[0], rgb[1], rgb[2]);
            f.changed = Some("color");
        }
        let r = ui
            .add(
                egui::TextEdit::singleline(&mut a.color)
                    .desired_width(80.0)
                    .hint_text("#rrggbb"),
            )
            .labelled_by(l.id);
        if r.changed() {
            f.changed = Some("color");
        }
    });
    ui.end_row();
    f.multiline(ui, "Notes", "notes", &mut a.notes);
}

fn source_form(ui: &mut Ui, f: &mut Form<'_>, s: &mut Source) {
    f.id(ui, &s.id.clone());
    f.text(ui, "Title", "title", &mut s.title);
    f.text(ui, "Outlet", "outlet", &mut s.outlet);
    f.text(ui, "Author", "author", &mut s.author);
    f.link(ui, "URL", "url", &mut s.url);
    f.link(ui, "Archive URL", "archive_url", &mut s.archive_url);
    f.opt_date(ui, "Published", "published", &mut s.published);
    f.opt_date(ui, "Accessed", "accessed", &mut s.accessed);
    f.text(ui, "Language", "language", &mut s.language);
    f.multiline(ui, "Notes", "notes", &mut s.notes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DateText;

    #[test]
    fn contains_folded_finds_a_word_in_any_case_in_any_script() {
        assert!(contains_folded("Captured DPRK soldiers", "dprk"));
        assert!(contains_folded("Captured DPRK soldiers", "k so"));
        assert!(!contains_folded("Captured DPRK soldiers", "dprks"));
        assert!(contains_folded("Войска КНДР под Курском", "кндр"));
        assert!(!contains_folded("Войска КНДР", "kndr"));
        assert!(contains_folded("anything", ""));
    }

    /// A list made later (the supersedes picker's: up to 5,000 of a claimant's claims looked
    /// through, 300 labels written) is made only when its picker is opened, not in every
    /// frame the form is drawn; the closed picker shows the chosen entry's label.
    #[test]
    fn a_list_made_later_is_made_only_when_its_picker_is_opened() {
        use egui::accesskit::Role;
        use egui_kittest::kittest::Queryable;
        let ds = Dataset::default();
        let pickers = Pickers::build(&ds);
        let made = std::cell::Cell::new(0);
        let all = || {
            made.set(made.get() + 1);
            vec![
                (
                    "c-2".to_string(),
                    "2 Jan — the earlier one".to_string(),
                    None,
                ),
                ("c-3".to_string(), "3 Jan — another".to_string(), None),
            ]
        };
        let label = |id: &str| match id {
            "c-2" => Some("2 Jan — the earlier one".to_string()),
            "c-3" => Some("3 Jan — another".to_string()),
            _ => None,
        };
        let mut st = EditorState::default();
        let mut value: Option<Box<str>> = Some("c-2".into());
        let mut h = egui_kittest::Harness::new_ui(|ui| {
            ui.ctx().set_fonts(crate::ui::fonts());
            let mut f = Form {
                ds: &ds,
                pickers: &pickers,
                st: &mut st,
                changed: None,
                rename: None,
                create: None,
                width: 300.0,
                focus_first: std::cell::Cell::new(false),
                focus_field: std::cell::Cell::new(None),
                seen_focus: None,
            };
            let items = Items::Later {
                most: 3,
                all: &all,
                label: &label,
            };
            f.pick(ui, "Supersedes", "supersedes", &mut value, items, true);
        });
        for _ in 0..3 {
            h.run();
        }
        let shown = h
            .get_by_role_and_label(Role::ComboBox, "Supersedes")
            .value()
            .unwrap_or_default();
        assert!(shown.contains("the earlier one"), "{shown:?}");
        assert_eq!(made.get(), 0);
        h.get_by_role_and_label(Role::ComboBox, "Supersedes")
            .click();
        h.run();
        // Listed once per frame drawn open (the search's matches and entries share it).
        assert!(h.query_by_label_contains("3 Jan — another").is_some());
        let open_frames = made.get();
        assert!(open_frames >= 1, "{open_frames}");
        h.get_by_label_contains("3 Jan — another").click();
        h.run();
        // Closed again: drawn without being made.
        let chosen = made.get();
        for _ in 0..3 {
            h.run();
        }
        assert!(
            h.query_by_label_contains("2 Jan — the earlier one")
                .is_none()
        );
        drop(h);
        assert_eq!(made.get(), chosen, "made again once closed");
        assert_eq!(value.as_deref(), Some("c-3"));
    }

    /// A citation's source is shown by the label its picker lists, found by id: the first
    /// source listed with the id when two share one, and none for an unknown id — as looking
    /// through the list finds it.
    #[test]
    fn a_sources_label_is_found_by_id_as_a_look_through_the_list_finds_it() {
        let mut ds = Dataset::default();
        for (id, title, outlet) in [
            ("src-b", "Troops seen near Kursk", "Reuters"),
            ("src-a", "Losses reported", "Yonhap"),
            ("src-b", "A second record with the same id", "AP"),
            ("src-c", "Обстріл", "Укрінформ"),
        ] {
            let mut s = Source::new(id, title);
            s.outlet = outlet.into();
            ds.sources.push(s);
        }
        let p = Pickers::build(&ds);
        for id in ["src-a", "src-b", "src-c", "src-x", ""] {
            let looked = p
                .sources
                .iter()
                .find(|(i, _, _)| i == id)
                .map(|(_, l, _)| l.as_str());
            assert_eq!(p.source_label(id), looked, "{id}");
        }
        assert!(
            p.source_label("src-c")
                .is_some_and(|l| l.contains("Укрінформ"))
        );
        assert_eq!(p.source_label("src-x"), None);
    }

    /// A claim looked for by id (a `supersedes` that is not its claimant's own) is found as
    /// a look through all claims finds it, after claims come, go, are replaced and renamed.
    #[test]
    fn a_claim_looked_for_by_id_is_found_as_a_look_through_all_claims_finds_it() {
        use crate::model::Value;
        let claim = |id: &str| {
            Claim::new(
                id,
                "killed",
                "s",
                "a",
                Value::new(Qualifier::Exact, 3),
                DateText::new("2024-12"),
            )
        };
        let mut ds = Dataset::default();
        for id in ["c-1", "c-2", "c-3"] {
            ds.claims.push(claim(id));
        }
        let mut p = Pickers::build(&ds);
        let ids = ["c-1", "c-2", "c-3", "c-4", "c-9"];
        // The id asked last (the remembered one) first, then all.
        let agree = |p: &Pickers, ds: &Dataset, step: &str, last: &str| {
            for id in std::iter::once(last).chain(ids) {
                // Asked twice: the second answer is the remembered one.
                for _ in 0..2 {
                    let found = p.claim_with_id(ds, id, &[]).map(|c| c.id.to_string());
                    let looked = ds
                        .claims
                        .iter()
                        .find(|c| c.id == id)
                        .map(|c| c.id.to_string());
                    assert_eq!(found, looked, "{step}: {id}");
                }
            }
        };
        agree(&p, &ds, "built", "c-1");
        let at = |index| Target {
            kind: Kind::Claim,
            index,
        };
        // Asked for a missing id, then a claim of that id comes.
        assert!(p.claim_with_id(&ds, "c-4", &[]).is_none());
        ds.claims.insert(0, claim("c-4"));
        p.follow(&ds, &Change::Inserted(at(0)));
        agree(&p, &ds, "inserted", "c-4");
        // One goes: those after it move down.
        assert!(p.claim_with_id(&ds, "c-3", &[]).is_some());
        let gone = ds.claims.remove(1);
        p.follow(&ds, &Change::Removed(at(1), AnyRecord::Claim(gone)));
        agree(&p, &ds, "removed", "c-3");
        // Renamed to an id asked for and missing: the new id is found where it stands, the
        // old one nowhere.
        assert!(p.claim_with_id(&ds, "c-9", &[]).is_none());
        let old = std::mem::replace(&mut ds.claims[1], claim("c-9"));
        p.follow(&ds, &Change::Replaced(at(1), AnyRecord::Claim(old)));
        agree(&p, &ds, "renamed", "c-9");
        // Replaced by a claim of the same id: where it was.
        assert!(p.claim_with_id(&ds, "c-3", &[]).is_some());
        let mut same = ds.claims[2].clone();
        same.notes = "typed".into();
        let old = std::mem::replace(&mut ds.claims[2], same);
        p.follow(&ds, &Change::Replaced(at(2), AnyRecord::Claim(old)));
        agree(&p, &ds, "replaced", "c-3");
        // Looked for first at the places given (a claimant's own, some gone or another's):
        // found where it stands, and a claim not among them among all.
        for (id, near) in [("c-3", &[99, 0, 2][..]), ("c-1", &[0, 1]), ("c-4", &[])] {
            let p = Pickers::build(&ds);
            let found = p.claim_with_id(&ds, id, near).map(|c| c.id.to_string());
            let looked = ds
                .claims
                .iter()
                .find(|c| c.id == id)
                .map(|c| c.id.to_string());
            assert_eq!(found, looked, "near: {id}");
        }
    }

    /// The event picker's flags are found again when the words change, and for the events
    /// the dataset has now.
    #[test]
    fn the_event_pickers_search_follows_its_words_and_the_dataset() {
        let mut ds = Dataset::default();
        for (id, title) in [("ev-a", "Kursk offensive"), ("ev-b", "Talks in Ankara")] {
            ds.events
                .push(Event::new(id, DateText::new("2024-12"), title, "battle"));
        }
        let p = Pickers::build(&ds);
        let words = |w: &str| vec![w.to_string()];
        assert_eq!(*p.event_hits(&ds, &words("kursk")), vec![true, false]);
        assert_eq!(*p.event_hits(&ds, &words("ankara")), vec![false, true]);
        assert_eq!(*p.event_hits(&ds, &words("kursk")), vec![true, false]);
        ds.events.push(Event::new(
            "ev-c",
            DateText::new("2025"),
            "Kursk again",
            "battle",
        ));
        assert_eq!(*p.event_hits(&ds, &words("kursk")), vec![true, false, true]);
    }

    /// The event picker finds what a search of its old lower-case text ("date — title id")
    /// found, for every word cut from the events' labels and ids, in every case.
    #[test]
    fn the_event_picker_finds_what_a_search_of_its_lower_case_text_finds() {
        let events: Vec<Event> = [
            (
                "ev-2024-12-captives",
                "2024-12-27/..",
                "Captured DPRK soldiers die",
            ),
            ("ev-kursk", "2025-01~", "Бои под Курском: КНДР"),
            ("EV-Upper", "2024?", "Ceasefire — talks in Ankara"),
        ]
        .into_iter()
        .map(|(id, date, title)| Event::new(id, DateText::new(date), title, "battle"))
        .collect();
        let mut words: Vec<String> = vec!["—".into(), "-".into(), "zzz".into(), "c.".into()];
        for e in &events {
            let text = format!("{} {}", event_label(&e.date.display(), e), e.id);
            for w in text.split_whitespace() {
                let chars: Vec<char> = w.chars().collect();
                for n in 1..=chars.len().min(4) {
                    words.push(chars[..n].iter().collect());
                    words.push(
                        chars[chars.len() - n..]
                            .iter()
                            .collect::<String>()
                            .to_uppercase(),
                    );
                }
            }
        }
        for e in &events {
            let old = format!("{} {}", event_label(&e.date.display(), e), e.id).to_lowercase();
            let date = e.date.display().to_lowercase();
            for w in &words {
                let w = vec![w.to_lowercase()];
                assert_eq!(
                    event_matches(e, &date, &w),
                    old.contains(w[0].as_str()),
                    "{w:?} in {old:?}"
                );
            }
        }
    }
}
