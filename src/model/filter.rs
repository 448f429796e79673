//! The one filter that drives every list (and later the plots): free text, a date range with
//! partial-date semantics, claimant, metric, event type, tag, rank and minimum grading — and
//! the search index (the records' words, [`Words`]) that makes free-text filtering cheap.

use std::collections::HashSet;

use memchr::memmem::Finder;
use rustc_hash::FxHashMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::columns::{self, Columns};
use super::date::{DateError, DateText, Day, PartialDate};
use super::edit::AnyRecord;
use super::words::{Hits, Words};
use super::{Claim, Dataset, Rank, Reliability};

/// What the researcher asked to see. Serialized into the window's preferences.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Words that must all appear (case-insensitive) in the record's text.
    pub text: String,
    /// Start of the date range, a partial date (`2024-12`).
    pub from: String,
    /// End of the date range, a partial date.
    pub to: String,
    /// An actor id: claims by it (or relayed by it), events it takes part in.
    pub claimant: Option<String>,
    pub metric: Option<String>,
    pub event_type: Option<String>,
    pub tag: Option<String>,
    /// Deprecated claims are hidden unless this is set.
    pub show_deprecated: bool,
    /// Only claims graded at least this reliable (A is best).
    pub min_reliability: Option<Reliability>,
    /// Only claims graded at least this credible (1 is best).
    pub min_credibility: Option<u8>,
}

/// The parsed date range of a filter: inclusive day bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: Day,
    pub to: Day,
}

impl Filter {
    /// True when the filter shows everything but deprecated claims.
    pub fn is_default(&self) -> bool {
        *self == Filter::default()
    }

    /// The date range: from the earliest day of `from` to the latest day of `to`. An empty
    /// side is open. An invalid side is an error naming it (`from` or `to`).
    pub fn range(&self) -> Result<Range, (&'static str, DateError)> {
        let side = |text: &str,
                    name: &'static str|
         -> Result<Option<PartialDate>, (&'static str, DateError)> {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                PartialDate::parse(text).map(Some).map_err(|e| (name, e))
            }
        };
        let from = side(&self.from, "from")?;
        let to = side(&self.to, "to")?;
        Ok(Range {
            from: from.map_or(Day::MIN, |d| d.earliest()),
            to: to.map_or(Day::MAX, |d| d.latest()),
        })
    }
}

/// Appends `s` lowercased, then a line break (so that no word spans two fields).
fn push(out: &mut String, s: &str) {
    if s.is_empty() {
        return;
    }
    if s.is_ascii() {
        let start = out.len();
        out.push_str(s);
        if let Some(added) = out.get_mut(start..) {
            added.make_ascii_lowercase();
        }
    } else {
        out.push_str(&s.to_lowercase());
    }
    out.push('\n');
}

/// The words of every record, built once per version of the dataset. A claim's own text
/// (id, quotes, translations, notes, value as stated) is in its words; the names of its
/// claimant, relay and subject, its metric's name and its event's title are matched once per
/// search word and reached through [`Columns`], so they are not repeated a million times.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// The claims' integer columns.
    pub columns: Columns,
    pub claims: Words,
    pub events: Words,
    pub sources: Words,
    pub actors: Words,
    /// Each entry of `columns.claimants`: its actor's name and aliases.
    claimant_names: Words,
    /// Each entry of `columns.metrics`: the metric id and name.
    metric_names: Words,
    /// Each event's title.
    event_titles: Words,
}

/// The words of claims and events — what building the index spends its time on — as the
/// parse cache keeps them between opens, with where their records came from.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct KeptWords {
    pub claims: Words,
    pub events: Words,
    pub event_titles: Words,
    pub from: Provenance,
}

/// [`KeptWords`] borrowed from an index, to be written.
#[derive(serde::Serialize)]
pub struct KeptWordsOf<'a> {
    claims: &'a Words,
    events: &'a Words,
    event_titles: &'a Words,
    from: &'a Provenance,
}

/// Where a dataset's records came from, as far as their words care — told by the store,
/// which knows the files: each run of claims read from one file as a key of that file's path
/// and content, and how many claims it holds (a claim's words are its own); and one key of
/// every other file together (an event's words also hold the names of its actors).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Provenance {
    pub claim_files: Vec<(u64, usize)>,
    pub others: u64,
}

impl Provenance {
    /// Where each of the claims `first..first + records` of the dataset these came from is
    /// now, in a dataset that came from `now`: `Some(where they start)` when they all come
    /// from files unchanged since and have moved together, else `None`.
    fn claims_moved(&self, now: &Provenance) -> impl Fn(usize, usize) -> Option<usize> {
        let mut was = Vec::with_capacity(self.claim_files.len());
        let mut at = 0;
        for &(key, n) in &self.claim_files {
            was.push((at, key, n));
            at += n;
        }
        let mut is: FxHashMap<u64, (usize, usize)> = FxHashMap::default();
        let mut at = 0;
        for &(key, n) in &now.claim_files {
            is.insert(key, (at, n));
            at += n;
        }
        move |first, records| {
            let end = first + records;
            let runs = &was[was.partition_point(|&(start, _, n)| start + n <= first)..];
            let mut moved_to = None;
            for &(start, key, n) in runs.iter().take_while(|&&(start, _, _)| start < end) {
                let &(start_now, n_now) = is.get(&key)?;
                if n_now != n {
                    return None;
                }
                let to = (first + start_now).checked_sub(start)?;
                if moved_to.is_some_and(|m| m != to) {
                    return None;
                }
                moved_to = Some(to);
            }
            moved_to
        }
    }
}

/// A claim's own searchable text.
fn claim_text(ds: &Dataset, i: usize, s: &mut String) {
    claim_words(&ds.claims[i], s);
}

fn claim_words(c: &super::Claim, s: &mut String) {
    push(s, &c.id);
    for cit in &c.sources {
        push(s, &cit.quote.text());
        push(s, cit.translation());
    }
    push(s, &c.notes.text());
    push(s, &c.value.stated());
}

/// The actors by id, for the texts that name them.
type ActorsById<'a> = FxHashMap<&'a str, &'a super::Actor>;

fn actors_by_id(ds: &Dataset) -> ActorsById<'_> {
    ds.actors.iter().map(|a| (a.id.as_str(), a)).collect()
}

/// An actor's name and aliases.
fn actor_names(actors: &ActorsById<'_>, id: &str, s: &mut String) {
    if let Some(a) = actors.get(id) {
        push(s, &a.name);
        for alias in &a.aliases {
            push(s, alias);
        }
    }
}

fn event_text(ds: &Dataset, actors: &ActorsById<'_>, i: usize, s: &mut String) {
    event_words(&ds.events[i], actors, s);
}

fn event_words(e: &super::Event, actors: &ActorsById<'_>, s: &mut String) {
    push(s, &e.id);
    push(s, &e.title);
    push(s, &e.description.text());
    if let Some(p) = &e.place {
        push(s, &p.name);
        push(s, &p.region);
        push(s, &p.country);
    }
    push(s, &e.event_type);
    for t in &e.tags {
        push(s, t);
    }
    for a in &e.actors {
        actor_names(actors, a, s);
    }
    for cit in &e.sources {
        push(s, &cit.quote.text());
    }
    push(s, &e.notes);
}

fn source_text(ds: &Dataset, i: usize, s: &mut String) {
    source_words(&ds.sources[i], s);
}

fn source_words(x: &super::Source, s: &mut String) {
    for f in [&x.id, &x.title, &x.outlet, &x.author, &x.url, &x.notes] {
        push(s, f);
    }
}

fn actor_text(ds: &Dataset, actors: &ActorsById<'_>, i: usize, s: &mut String) {
    let a = &ds.actors[i];
    actor_names(actors, &a.id, s);
    for f in [&a.id, &a.country, &a.side, &a.notes] {
        push(s, f);
    }
    push(s, a.kind.as_str());
}

impl SearchIndex {
    /// Whether a record of the indexed dataset may have the id `id`: false only when none
    /// has it — every record's id is one of its words, so a record with this id would be
    /// among the hits of the id as a search word. (True may be wrong: a longer id, or one
    /// in other case, holds it too; ask the dataset then.) A few milliseconds at a million
    /// claims, where looking through every record takes tens.
    pub fn may_hold_id(&self, id: &str) -> bool {
        let lower = id.to_lowercase();
        // An id with whitespace is not one word: only the dataset can tell.
        if lower.is_empty() || lower.chars().any(char::is_whitespace) {
            return true;
        }
        let word = Finder::new(lower.as_bytes());
        [&self.claims, &self.events, &self.sources, &self.actors]
            .into_iter()
            .any(|words| words.any_hit(&word))
    }

    pub fn build(ds: &Dataset) -> SearchIndex {
        SearchIndex::build_reusing(ds, None, &Provenance::default()).0
    }

    /// [`SearchIndex::build`], taking from `kept` — words of claims and events made from the
    /// records `kept.from` tells of — what is still right for `ds`, whose records came from
    /// `now`: the events' words when no file but claims' changed, and the claims' words of
    /// every claim file unchanged (building the words is most of the time building the index
    /// takes at a million claims; after a hand edit of one file, only that file's claims are
    /// read again). Also says whether everything was taken (else what is kept is out of
    /// date). The caller vouches that `kept` was made by this program (the parse cache keeps
    /// it per program) and that `now` is where `ds` came from.
    pub fn build_reusing(
        ds: &Dataset,
        kept: Option<KeptWords>,
        now: &Provenance,
    ) -> (SearchIndex, bool) {
        let columns = Columns::build(ds);
        let by_id = actors_by_id(ds);
        let claim_words = |i: usize, s: &mut String| claim_text(ds, i, s);
        let event_words = |i: usize, s: &mut String| event_text(ds, &by_id, i, s);
        let title_words = |i: usize, s: &mut String| push(s, &ds.events[i].title);
        let (claims, events, event_titles, all_taken) = match kept {
            Some(k) => {
                let events_same = k.from.others == now.others
                    && k.events.fits(ds.events.len())
                    && k.event_titles.fits(ds.events.len());
                let claims_same =
                    k.from.claim_files == now.claim_files && k.claims.fits(ds.claims.len());
                let told: usize = k.from.claim_files.iter().map(|&(_, n)| n).sum();
                let claims = if claims_same {
                    k.claims
                } else if told == k.claims.len() {
                    let moved = k.from.claims_moved(now);
                    Words::reusing(k.claims, ds.claims.len(), moved, claim_words)
                } else {
                    Words::build(ds.claims.len(), claim_words)
                };
                let (events, titles) = if events_same {
                    (k.events, k.event_titles)
                } else {
                    (
                        Words::build(ds.events.len(), event_words),
                        Words::build(ds.events.len(), title_words),
                    )
                };
                (claims, events, titles, claims_same && events_same)
            }
            None => (
                Words::build(ds.claims.len(), claim_words),
                Words::build(ds.events.len(), event_words),
                Words::build(ds.events.len(), title_words),
                false,
            ),
        };
        let mut index = SearchIndex {
            claims,
            events,
            sources: Words::build(ds.sources.len(), |i, s| source_text(ds, i, s)),
            actors: Words::build(ds.actors.len(), |i, s| actor_text(ds, &by_id, i, s)),
            event_titles,
            columns,
            ..SearchIndex::default()
        };
        index.name_tables(ds);
        (index, all_taken)
    }

    /// The words of claims and events, to keep with where their records came from (see
    /// [`SearchIndex::build_reusing`]); written as [`KeptWords`] is read.
    pub fn kept_words<'a>(&'a self, from: &'a Provenance) -> KeptWordsOf<'a> {
        KeptWordsOf {
            claims: &self.claims,
            events: &self.events,
            event_titles: &self.event_titles,
            from,
        }
    }

    /// The small tables: names of the actors and metrics the claims' columns point at.
    fn name_tables(&mut self, ds: &Dataset) {
        let cols = &self.columns;
        let by_id = actors_by_id(ds);
        self.claimant_names = Words::build(cols.claimants.len(), |i, s| {
            actor_names(&by_id, &cols.claimants[i], s);
        });
        self.metric_names = Words::build(cols.metrics.len(), |i, s| {
            let id = &cols.metrics[i];
            push(s, id);
            if let Some(m) = ds.manifest.metrics.iter().find(|m| &m.id == id) {
                push(s, &m.name);
            }
        });
    }

    /// Brings the index up to date after record `index` of `kind` was replaced (`old` is
    /// what it was): a few thousand records' text and one row of the columns, instead of a
    /// million. Anything wider (an id changed, a supersedes link) rebuilds what it touches.
    pub fn replaced(&mut self, ds: &Dataset, kind: super::Kind, index: usize, old: &AnyRecord) {
        use super::Kind;
        match (kind, old) {
            (Kind::Claim, AnyRecord::Claim(o)) => {
                self.claims
                    .replace_from(index, |s| claim_words(o, s), |i, s| claim_text(ds, i, s));
                let Some(c) = ds.claims.get(index) else {
                    return;
                };
                if o.id != c.id || o.supersedes != c.supersedes {
                    self.columns.relink(ds, Some(o), Some(index));
                }
                let grew = self.columns.set_row(ds, index);
                if grew {
                    self.name_tables(ds);
                }
            }
            (Kind::Event, AnyRecord::Event(o)) => {
                let by_id = actors_by_id(ds);
                self.events.replace_from(
                    index,
                    |s| event_words(o, &by_id, s),
                    |i, s| event_text(ds, &by_id, i, s),
                );
                self.event_titles
                    .replace(index, |i, s| push(s, &ds.events[i].title));
                if ds.events.get(index).is_none_or(|e| e.id != o.id) {
                    self.columns.event = Columns::events(ds);
                }
            }
            (Kind::Source, AnyRecord::Source(o)) => {
                self.sources.replace_from(
                    index,
                    |s| source_words(o, s),
                    |i, s| source_text(ds, i, s),
                );
            }
            (Kind::Actor, AnyRecord::Actor(o)) => {
                let by_id = actors_by_id(ds);
                self.actors
                    .replace(index, |i, s| actor_text(ds, &by_id, i, s));
                let new = ds.actors.get(index).map(|a| a.id.as_str());
                self.actor_named(ds, &[o.id.as_str(), new.unwrap_or("")]);
            }
            _ => *self = SearchIndex::build(ds),
        }
    }

    /// An actor named `ids` changed, came or went: its names are in the claimant table and
    /// in the text of the events it took part in.
    fn actor_named(&mut self, ds: &Dataset, ids: &[&str]) {
        let by_id = actors_by_id(ds);
        for (i, e) in ds.events.iter().enumerate() {
            if e.actors.iter().any(|a| ids.contains(&a.as_str())) {
                self.events.replace(i, |i, s| event_text(ds, &by_id, i, s));
            }
        }
        self.name_tables(ds);
    }

    /// Brings the index up to date after one record's change (`ds` as it is now): a record
    /// inserted or removed costs its chunk of records and a pass over one column, not a
    /// rebuild of a million records' words.
    pub fn follow(&mut self, ds: &Dataset, change: &super::edit::Change) {
        use super::edit::Change;
        match change {
            Change::Replaced(t, old) => self.replaced(ds, t.kind, t.index, old),
            Change::Inserted(t) => self.moved(ds, t.kind, t.index, true, None),
            Change::Removed(t, old) => self.moved(ds, t.kind, t.index, false, Some(old)),
        }
    }

    /// A record of `kind` inserted at `index` (`old` is `None`) or removed from there.
    fn moved(
        &mut self,
        ds: &Dataset,
        kind: super::Kind,
        index: usize,
        inserted: bool,
        old: Option<&AnyRecord>,
    ) {
        use super::Kind;
        let by_id = actors_by_id(ds);
        let follow = |w: &mut Words, write: &dyn Fn(usize, &mut String)| {
            if inserted {
                w.insert(index, write);
            } else {
                w.remove(index, write);
            }
        };
        match kind {
            Kind::Claim => {
                follow(&mut self.claims, &|i, s| claim_text(ds, i, s));
                let grew = if inserted {
                    self.columns.insert_row(ds, index)
                } else {
                    self.columns.remove_row(index);
                    false
                };
                let old = old.and_then(AnyRecord::as_claim);
                self.columns.relink(ds, old, inserted.then_some(index));
                if grew {
                    self.name_tables(ds);
                }
            }
            Kind::Event => {
                follow(&mut self.events, &|i, s| event_text(ds, &by_id, i, s));
                follow(&mut self.event_titles, &|i, s| {
                    push(s, &ds.events[i].title);
                });
                // The claims' event column holds event positions, which moved.
                self.columns.event = Columns::events(ds);
            }
            Kind::Source => follow(&mut self.sources, &|i, s| source_text(ds, i, s)),
            Kind::Actor => {
                follow(&mut self.actors, &|i, s| actor_text(ds, &by_id, i, s));
                let id = match old {
                    Some(o) => o.id(),
                    None => ds.actors.get(index).map_or("", |a| a.id.as_str()),
                };
                self.actor_named(ds, &[id]);
            }
        }
    }

    /// For each word, what a claim can match through: which claimant-table entries, metrics
    /// and events have it in their names.
    fn linked(&self, words: &[Finder<'static>]) -> Vec<Linked> {
        let hits = |t: &Words, w: &Finder<'_>| -> Vec<bool> {
            let h = t.hits(w);
            (0..t.len()).into_par_iter().map(|i| t.has(i, &h)).collect()
        };
        words
            .iter()
            .map(|w| Linked {
                actors: hits(&self.claimant_names, w),
                metrics: hits(&self.metric_names, w),
                events: hits(&self.event_titles, w),
            })
            .collect()
    }

    /// Each search word's hits among the words of one kind's records.
    fn hits(t: &Words, words: &[Finder<'static>]) -> Vec<Hits> {
        words.iter().map(|w| t.hits(w)).collect()
    }
}

/// What one word of the filter matches besides a claim's own text.
struct Linked {
    actors: Vec<bool>,
    metrics: Vec<bool>,
    events: Vec<bool>,
}

impl Linked {
    fn claim(&self, cols: &Columns, i: usize) -> bool {
        let hit = |v: &[bool], at: Option<&u32>| {
            at.is_some_and(|&k| k != columns::NONE && v.get(k as usize) == Some(&true))
        };
        hit(&self.actors, cols.claimant.get(i))
            || hit(&self.actors, cols.subject.get(i))
            || hit(&self.actors, cols.via.get(i))
            || hit(&self.metrics, cols.metric.get(i))
            || hit(&self.events, cols.event.get(i))
    }
}

/// The indices of the records a filter shows, per kind, in dataset order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub claims: Vec<usize>,
    pub events: Vec<usize>,
    pub sources: Vec<usize>,
    pub actors: Vec<usize>,
}

/// The words of the filter text, lowercased, each with a searcher prepared once (SIMD
/// substring search; a searcher built per record would cost more than the search).
fn words(text: &str) -> Vec<Finder<'static>> {
    lowered_words(text)
        .iter()
        .map(|w| Finder::new(w.as_bytes()).into_owned())
        .collect()
}

fn overlaps(d: &DateText, r: Range) -> bool {
    d.valid().is_some_and(|d| d.overlaps(r.from, r.to))
}

/// Applies the filter. A date range that does not parse is treated as no range (the filter
/// bar shows the error).
pub fn apply(ds: &Dataset, index: &SearchIndex, f: &Filter) -> Shown {
    apply_within(ds, index, f, None)
}

/// The words of a filter's text, lowercased.
fn lowered_words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

/// Whether every record `new` shows is among those `old` shows: the filters differ only in
/// their text, and each word of the old text is part of a word of the new one (typing on).
pub fn narrows(old: &Filter, new: &Filter) -> bool {
    let same_rest = Filter {
        text: String::new(),
        ..old.clone()
    } == Filter {
        text: String::new(),
        ..new.clone()
    };
    let (o, n) = (lowered_words(&old.text), lowered_words(&new.text));
    same_rest && o.iter().all(|w| n.iter().any(|x| x.contains(w.as_str())))
}

/// [`apply`], looking only at the claims and events of `within` when given: what a filter
/// that this one [`narrows`] showed, and that filter. Those records passed the rest of the
/// filter (the same) and have the earlier filter's words already: only the words that
/// changed (the one being typed) are looked for in them.
pub fn apply_within(
    ds: &Dataset,
    index: &SearchIndex,
    f: &Filter,
    within: Option<(&Shown, &Filter)>,
) -> Shown {
    let w = words(&f.text);
    // The words the claims and events to look at may still lack.
    let check: Vec<Finder<'static>> = match within {
        Some((_, old)) => {
            let had = lowered_words(&old.text);
            w.iter()
                .filter(|x| !had.iter().any(|h| h.as_bytes() == x.needle()))
                .cloned()
                .collect()
        }
        None => w.clone(),
    };
    let within = within.map(|(shown, _)| shown);
    let range = f
        .range()
        .ok()
        .filter(|r| r.from != Day::MIN || r.to != Day::MAX);
    let event_ok: Vec<bool> = ds
        .events
        .iter()
        .map(|e| {
            f.event_type.as_ref().is_none_or(|t| &e.event_type == t)
                && f.tag.as_ref().is_none_or(|t| e.tags.iter().any(|x| x == t))
        })
        .collect();
    let by_event = f.event_type.is_some() || f.tag.is_some();

    let built;
    let cols = if index.columns.metric.len() == ds.claims.len() {
        &index.columns
    } else {
        built = Columns::build(ds);
        &built
    };
    // `Some(None)`: asked for, but no claim has it.
    let want_claimant = f.claimant.as_ref().map(|a| cols.claimant_of(a));
    let want_metric = f.metric.as_ref().map(|m| cols.metric_of(m));
    let by_claimant = |i: usize| match want_claimant {
        None => true,
        Some(None) => false,
        Some(Some(a)) => cols.claimant[i] == a || (a != columns::NONE && cols.via[i] == a),
    };
    let by_metric = |i: usize| match want_metric {
        None => true,
        Some(None) => false,
        Some(Some(m)) => cols.metric[i] == m,
    };
    let claim_ok = |i: usize, c: &Claim| {
        (f.show_deprecated
            || !cols
                .deprecated
                .get(i)
                .copied()
                .unwrap_or(c.rank == Rank::Deprecated))
            && by_claimant(i)
            && by_metric(i)
            && (!by_event || event_ok.get(cols.event[i] as usize) == Some(&true))
            && f.min_reliability
                .is_none_or(|min| c.reliability.is_some_and(|r| r <= min))
            && f.min_credibility
                .is_none_or(|min| c.credibility.is_some_and(|n| n <= i64::from(min)))
            && range.is_none_or(|r| {
                overlaps(&c.stated_on, r) || c.refers_to.as_ref().is_some_and(|d| overlaps(d, r))
            })
    };
    // The index's tables belong to its own columns: used only when the index is current.
    let linked = if index.columns.metric.len() == ds.claims.len() {
        index.linked(&check)
    } else {
        Vec::new()
    };
    let claim_hits = SearchIndex::hits(&index.claims, &check);
    let text_ok = |i: usize| {
        claim_hits.iter().enumerate().all(|(k, hits)| {
            index.claims.has(i, hits) || linked.get(k).is_some_and(|l| l.claim(cols, i))
        })
    };
    // Records shown by a filter this one narrows passed everything but the new words
    // already (`narrows` holds the rest of the filter the same, on the same dataset).
    let claims: Vec<usize> = match within {
        Some(within) if check.is_empty() => within.claims.clone(),
        Some(within) => within
            .claims
            .par_iter()
            .copied()
            .filter(|&i| i < ds.claims.len() && text_ok(i))
            .collect(),
        None => ds
            .claims
            .par_iter()
            .enumerate()
            .filter(|(i, c)| claim_ok(*i, c) && text_ok(*i))
            .map(|(i, _)| i)
            .collect(),
    };

    // Events and sources connected to the claimant or metric through claims.
    let claim_scoped = f.claimant.is_some() || f.metric.is_some();
    let mut linked_events: Vec<bool> = vec![false; ds.events.len()];
    let mut linked_sources: HashSet<&str> = HashSet::new();
    if claim_scoped {
        for (i, c) in ds.claims.iter().enumerate() {
            if by_claimant(i) && by_metric(i) {
                if let Some(e) = linked_events.get_mut(cols.event[i] as usize) {
                    *e = true;
                }
                linked_sources.extend(c.sources.iter().map(|s| s.source.as_str()));
            }
        }
    }
    let event_hits = SearchIndex::hits(&index.events, &check);
    let event_ok = |i: usize, e: &super::Event| {
        event_ok[i]
            && (!claim_scoped
                || linked_events[i]
                || (f.metric.is_none()
                    && f.claimant
                        .as_ref()
                        .is_some_and(|a| e.actors.iter().any(|x| x == a))))
            && range.is_none_or(|r| overlaps(&e.date, r))
            && index.events.has_all(i, &event_hits)
    };
    let events = match within {
        Some(within) if check.is_empty() => within.events.clone(),
        Some(within) => within
            .events
            .par_iter()
            .copied()
            .filter(|&i| i < ds.events.len() && index.events.has_all(i, &event_hits))
            .collect(),
        None => ds
            .events
            .par_iter()
            .enumerate()
            .filter(|(i, e)| event_ok(*i, e))
            .map(|(i, _)| i)
            .collect(),
    };
    let source_hits = SearchIndex::hits(&index.sources, &w);
    let sources = ds
        .sources
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            (!claim_scoped || linked_sources.contains(s.id.as_str()))
                && range.is_none_or(|r| s.published.as_ref().is_some_and(|d| overlaps(d, r)))
                && index.sources.has_all(*i, &source_hits)
        })
        .map(|(i, _)| i)
        .collect();
    let actor_hits = SearchIndex::hits(&index.actors, &w);
    let actors = ds
        .actors
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            f.claimant.as_ref().is_none_or(|c| &a.id == c) && index.actors.has_all(*i, &actor_hits)
        })
        .map(|(i, _)| i)
        .collect();
    Shown {
        claims,
        events,
        sources,
        actors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a claim matches, by the plain definition: every word appears, ignoring case, in
    /// one of the texts a researcher sees for it.
    fn plain_scan(ds: &Dataset, words: &[String]) -> Vec<usize> {
        let actor = |id: &str| -> Vec<String> {
            ds.actor(id)
                .map(|a| {
                    let mut v = vec![a.name.clone()];
                    v.extend(a.aliases.iter().cloned());
                    v
                })
                .unwrap_or_default()
        };
        ds.claims
            .iter()
            .enumerate()
            .filter(|(_, c)| c.rank != Rank::Deprecated)
            .filter(|(_, c)| {
                let mut texts = vec![
                    c.id.to_string(),
                    c.metric.as_str().to_owned(),
                    c.notes.to_string(),
                ];
                texts.push(c.value.stated());
                if let Some(m) = ds.manifest.metrics.iter().find(|m| m.id == c.metric) {
                    texts.push(m.name.clone());
                }
                texts.extend(actor(&c.claimant));
                texts.extend(actor(&c.subject));
                if let Some(v) = &c.via {
                    texts.extend(actor(v));
                }
                for s in &c.sources {
                    texts.push(s.quote.to_string());
                    texts.push(s.translation().to_string());
                }
                if let Some(e) = c
                    .event
                    .as_ref()
                    .and_then(|e| ds.events.iter().find(|x| x.id == *e))
                {
                    texts.push(e.title.clone());
                }
                words.iter().all(|w| {
                    texts
                        .iter()
                        .any(|t| t.to_lowercase().contains(&w.to_lowercase()))
                })
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The words of claims and events written as the parse cache writes them and read back
    /// are those built, and an index built from them finds what a new one finds; after one
    /// "file" of claims changed (and another file of events), what is taken from them still
    /// finds exactly what a new index finds.
    #[test]
    fn kept_words_read_back_as_built_and_only_what_is_still_right_is_taken() {
        let ds = crate::synth::generate(crate::synth::Size {
            events: 300,
            claims: 13_000,
            seed: 5,
        });
        // Four files: three of a chunk's size (4,096 claims) each, and the rest.
        let from = Provenance {
            claim_files: vec![(100, 4_096), (101, 4_096), (102, 4_096), (103, 712)],
            others: 1,
        };
        let index = SearchIndex::build(&ds);
        let bytes = postcard::to_stdvec(&index.kept_words(&from)).expect("encode");
        let kept: KeptWords = postcard::from_bytes(&bytes).expect("decode");
        assert_eq!(kept.claims, index.claims);
        assert_eq!(kept.events, index.events);
        assert_eq!(kept.event_titles, index.event_titles);
        assert_eq!(kept.from, from);
        let same = |a: &SearchIndex, b: &SearchIndex, ds: &Dataset, words: &[&str]| {
            for w in words {
                let f = Finder::new(w.as_bytes()).into_owned();
                let (ha, hb) = (a.claims.hits(&f), b.claims.hits(&f));
                let claims =
                    (0..ds.claims.len()).all(|i| a.claims.has(i, &ha) == b.claims.has(i, &hb));
                let (ea, eb) = (a.events.hits(&f), b.events.hits(&f));
                let events =
                    (0..ds.events.len()).all(|i| a.events.has(i, &ea) == b.events.has(i, &eb));
                assert!(claims && events, "{w}");
            }
        };
        let words = ["forces", "c000", "c0038", "2024", "zqxj", "ин", "fresh"];
        let (taken, all) = SearchIndex::build_reusing(&ds, Some(kept.clone()), &from);
        assert!(all);
        same(&index, &taken, &ds, &words);

        // The second file edited: a claim gone, others with new notes; the claims after it
        // move back by one. And an event's title changed (another file than claims').
        let mut other = ds.clone();
        other.claims.remove(5_000);
        for c in &mut other.claims[4_096..4_106] {
            c.notes = "fresh words".into();
        }
        other.events[7].title = "a zqxj title".into();
        let mut now = from.clone();
        now.claim_files[1] = (999, 4_095);
        now.others = 2;
        let fresh = SearchIndex::build(&other);
        let (built, all) = SearchIndex::build_reusing(&other, Some(kept.clone()), &now);
        assert!(!all);
        same(&fresh, &built, &other, &words);
        // Claims kept from a file said to be unchanged but not where they were (a lying
        // count) are not taken.
        let mut wrong = kept.clone();
        wrong.from.claim_files[3].1 = 713;
        let (built, _) = SearchIndex::build_reusing(&other, Some(wrong), &now);
        same(&fresh, &built, &other, &words);
    }

    #[test]
    fn the_search_index_finds_what_a_plain_scan_finds() {
        let mut ds = crate::synth::generate(crate::synth::Size {
            events: 60,
            claims: 400,
            seed: 11,
        });
        // Other scripts, and whitespace other than spaces and line breaks.
        let others = [
            "Міноборони\u{a0}повідомило: ЗСУ 2024-12",
            "국정원은\t북한군 사상자\u{3000}발표",
            "ΟΔΟΣ\x0bΣίσυφος",
            "vertical\x0btab\x0cform\rfeed",
        ];
        for (k, c) in ds.claims.iter_mut().enumerate().step_by(5) {
            c.notes = format!("{} {}", c.notes, others[k % others.len()]).into();
        }
        let index = SearchIndex::build(&ds);
        let mut rng = fastrand::Rng::with_seed(3);
        let mut non_empty = 0;
        for _ in 0..300 {
            // Words cut from the records' own texts, in random case, one to three of them;
            // sometimes a word that appears nowhere.
            let n = rng.usize(1..=3);
            let words: Vec<String> = (0..n)
                .map(|_| {
                    let c = &ds.claims[rng.usize(..ds.claims.len())];
                    let source = match rng.u8(..5) {
                        0 => ds.actor_name(&c.claimant).to_string(),
                        1 => c.notes.to_string(),
                        2 => c
                            .sources
                            .first()
                            .map(|s| s.quote.to_string())
                            .unwrap_or_default(),
                        3 => c.id.to_string(),
                        _ => "zqxj".to_string(),
                    };
                    let chars: Vec<char> = source.chars().collect();
                    if chars.is_empty() {
                        return "x".to_string();
                    }
                    let start = rng.usize(..chars.len());
                    let len = rng.usize(1..=6).min(chars.len() - start);
                    chars[start..start + len]
                        .iter()
                        .map(|ch| {
                            if rng.bool() {
                                ch.to_uppercase().next().unwrap_or(*ch)
                            } else {
                                *ch
                            }
                        })
                        .collect::<String>()
                })
                .filter(|w| !w.trim().is_empty() && !w.contains(char::is_whitespace))
                .collect();
            if words.is_empty() {
                continue;
            }
            let f = Filter {
                text: words.join(" "),
                ..Filter::default()
            };
            let got = apply(&ds, &index, &f).claims;
            let want = plain_scan(&ds, &words);
            assert_eq!(got, want, "{:?}", f.text);
            non_empty += usize::from(!want.is_empty());
        }
        assert!(
            non_empty > 100,
            "the queries mostly matched nothing: {non_empty}"
        );
    }

    /// Counts followed edit by edit are those built afresh (zeros aside).
    fn assert_counts_as_built(counts: &crate::model::order::Counts, ds: &Dataset) {
        let rebuilt = crate::model::order::Counts::build(ds);
        let nonzero = |m: &std::collections::HashMap<String, usize>| {
            let mut v: Vec<(String, usize)> = m
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(k, n)| (k.clone(), *n))
                .collect();
            v.sort();
            v
        };
        assert_eq!(
            nonzero(&counts.claims_by_actor),
            nonzero(&rebuilt.claims_by_actor)
        );
        assert_eq!(
            nonzero(&counts.claims_by_event),
            nonzero(&rebuilt.claims_by_event)
        );
    }

    #[test]
    fn an_index_following_random_inserts_removals_and_replacements_finds_what_a_new_one_finds() {
        use super::super::Kind;
        use crate::model::edit::{Edit, Target, changes, record_at};
        use crate::model::order::Counts;
        let mut ds = crate::synth::generate(crate::synth::Size {
            events: 300,
            claims: 9_000,
            seed: 8,
        });
        let mut index = SearchIndex::build(&ds);
        let mut counts = Counts::build(&ds);
        let mut rng = fastrand::Rng::with_seed(21);
        let mut followed = 0;
        for step in 0..150 {
            let kind = [
                Kind::Claim,
                Kind::Claim,
                Kind::Claim,
                Kind::Event,
                Kind::Actor,
                Kind::Source,
            ][rng.usize(..6)];
            let n = ds.count(kind);
            let at = rng.usize(..n);
            // A copy of a record elsewhere, with new words, links and names.
            let mut record = record_at(&ds, Target { kind, index: at }).expect("record");
            match &mut record {
                AnyRecord::Claim(c) => {
                    c.id = format!("zz{step}").into();
                    c.notes = format!("zebra{step} crossing").into();
                    let other = &ds.claims[rng.usize(..ds.claims.len())];
                    c.supersedes = rng.bool().then(|| other.id.as_str().into());
                    c.claimant = ds.actors[rng.usize(..ds.actors.len())].id.as_str().into();
                    c.rank = if rng.u8(..4) == 0 {
                        Rank::Deprecated
                    } else {
                        Rank::Normal
                    };
                }
                AnyRecord::Event(e) => {
                    e.title = format!("yak{step} battle");
                    if rng.bool() {
                        e.id = format!("ev-zz{step}");
                    }
                }
                AnyRecord::Actor(a) => a.name = format!("gnu{step} brigade"),
                AnyRecord::Source(x) => x.title = format!("emu{step} report"),
            }
            let edit = match rng.u8(..3) {
                0 => Edit::Insert {
                    index: rng.usize(..=n),
                    record,
                },
                1 => Edit::Remove {
                    target: Target { kind, index: at },
                },
                _ => Edit::Replace { index: at, record },
            };
            let Some(followed_changes) = changes(&ds, &edit) else {
                panic!("a single-record edit is always followed: {edit:?}");
            };
            edit.apply(&mut ds).expect("edit");
            for change in &followed_changes {
                index.follow(&ds, change);
                counts.follow(&ds, change);
                followed += 1;
            }
            if step % 25 != 24 {
                continue;
            }
            let fresh = SearchIndex::build(&ds);
            assert_eq!(
                index.columns.superseded, fresh.columns.superseded,
                "step {step}"
            );
            assert_eq!(
                index.columns.deprecated, fresh.columns.deprecated,
                "step {step}"
            );
            assert_eq!(index.columns.event, fresh.columns.event, "step {step}");
            let mut texts = vec![
                "zebra".to_string(),
                "yak".into(),
                "gnu".into(),
                "emu".into(),
            ];
            texts.push(format!("zebra{}", step - 3));
            texts.push(ds.actors[3].name.clone());
            texts.push(ds.claims[ds.claims.len() / 2].id.to_string());
            texts.push(ds.events[ds.events.len() - 1].title.clone());
            for text in texts {
                let f = Filter {
                    text,
                    ..Filter::default()
                };
                assert_eq!(apply(&ds, &index, &f), apply(&ds, &fresh, &f), "{f:?}");
            }
            assert_counts_as_built(&counts, &ds);
            // The followed index never rules out an id a record has (records moved,
            // inserted, renamed), and rules out fresh ones.
            let mut ids: Vec<&str> = (0..60)
                .flat_map(|_| {
                    [
                        ds.claims[rng.usize(..ds.claims.len())].id.as_str(),
                        ds.events[rng.usize(..ds.events.len())].id.as_str(),
                        ds.sources[rng.usize(..ds.sources.len())].id.as_str(),
                        ds.actors[rng.usize(..ds.actors.len())].id.as_str(),
                    ]
                })
                .collect();
            ids.extend(ds.claims.iter().rev().take(40).map(|c| c.id.as_str()));
            for id in ids {
                assert!(index.may_hold_id(id), "step {step}: {id} is a record's id");
                assert!(
                    index.may_hold_id(&id.to_uppercase()),
                    "step {step}: {id} in capitals"
                );
            }
            for _ in 0..40 {
                let id = crate::model::ids::fresh("nis 2024 killed", &mut rng, |_| false);
                assert!(!ds.has_id(&id));
                assert!(!index.may_hold_id(&id), "step {step}: {id} is free");
            }
        }
        assert_eq!(followed, 150);
        assert!(
            apply(
                &ds,
                &index,
                &Filter {
                    text: "zebra".into(),
                    ..Filter::default()
                }
            )
            .claims
            .len()
                > 5
        );
    }

    #[test]
    fn an_index_brought_up_to_date_after_a_replace_finds_what_a_new_one_finds() {
        use crate::model::edit::Edit;
        use crate::model::order::Counts;
        let mut ds = crate::synth::generate(crate::synth::Size {
            events: 60,
            claims: 5_000,
            seed: 5,
        });
        let mut index = SearchIndex::build(&ds);
        let mut counts = Counts::build(&ds);
        let other = ds.actors[7].id.clone();
        let event = ds.events[3].id.clone();
        for (k, i) in [4_100usize, 17, 4_999].into_iter().enumerate() {
            let old = ds.claims[i].clone();
            let mut c = old.clone();
            c.notes = format!("zebra crossing {k}").into();
            c.claimant = other.as_str().into();
            c.metric = "civilians_killed".into();
            c.event = Some(event.as_str().into());
            c.supersedes = Some(ds.claims[0].id.as_str().into());
            if k == 1 {
                c.rank = Rank::Deprecated;
            }
            Edit::Replace {
                index: i,
                record: AnyRecord::Claim(c),
            }
            .apply(&mut ds)
            .expect("edit");
            index.replaced(
                &ds,
                super::super::Kind::Claim,
                i,
                &AnyRecord::Claim(old.clone()),
            );
            counts.replaced(
                &ds,
                crate::model::edit::Target {
                    kind: super::super::Kind::Claim,
                    index: i,
                },
                &AnyRecord::Claim(old),
            );
        }
        let fresh = SearchIndex::build(&ds);
        let name = ds.actors[7].name.clone();
        let title = ds.events[3].title.clone();
        for f in [
            Filter {
                text: "zebra".into(),
                ..Filter::default()
            },
            Filter {
                text: name,
                ..Filter::default()
            },
            Filter {
                text: title,
                ..Filter::default()
            },
            Filter {
                claimant: Some(other.clone()),
                metric: Some("civilians_killed".into()),
                ..Filter::default()
            },
        ] {
            let got = apply(&ds, &index, &f);
            assert_eq!(got, apply(&ds, &fresh, &f), "{f:?}");
            assert!(!got.claims.is_empty(), "{f:?}");
        }
        assert_eq!(index.columns.superseded, fresh.columns.superseded);
        assert_eq!(index.columns.deprecated, fresh.columns.deprecated);
        assert_counts_as_built(&counts, &ds);
    }

    #[test]
    fn typing_on_narrows_and_searching_within_the_previous_result_finds_the_same() {
        let ds = crate::synth::generate(crate::synth::Size {
            events: 60,
            claims: 3_000,
            seed: 9,
        });
        let index = SearchIndex::build(&ds);
        let f = |t: &str| Filter {
            text: t.into(),
            ..Filter::default()
        };
        assert!(narrows(&f("mi"), &f("min")));
        assert!(narrows(&f("min"), &f("Ministry rep")));
        assert!(narrows(&f(""), &f("x")));
        assert!(!narrows(&f("min"), &f("mi")));
        assert!(!narrows(&f("ministry"), &f("reported")));
        let mut other = f("min");
        other.show_deprecated = true;
        assert!(!narrows(&f("mi"), &other));
        // Typed alone, and with the rest of a filter set (kept the same while typing).
        let claimant = ds.claims[0].claimant.to_string();
        let scoped = |t: &str| Filter {
            text: t.into(),
            claimant: Some(claimant.clone()),
            show_deprecated: true,
            from: "2015".into(),
            ..Filter::default()
        };
        for (base, name) in [(&f as &dyn Fn(&str) -> Filter, "text"), (&scoped, "scoped")] {
            let mut previous = apply(&ds, &index, &base(""));
            let mut text = String::new();
            let mut before = String::new();
            for ch in "ministry  reported".chars() {
                text.push(ch);
                let (old, new) = (base(&before), base(&text));
                assert!(narrows(&old, &new), "{name}: {text}");
                let now = apply_within(&ds, &index, &new, Some((&previous, &old)));
                assert_eq!(now, apply(&ds, &index, &new), "{name}: {text}");
                previous = now;
                before = text.clone();
            }
            assert!(!previous.claims.is_empty(), "{name}");
        }
    }
}
