//! Compact columns of the claims, built once and then kept in step with each claim replaced,
//! inserted or removed: each claim's metric and claimant as small integers, and whether a
//! later claim supersedes it. Passes over
//! a million claims (filtering by claimant or metric, building plot series, the legend)
//! compare integers here instead of following each claim's strings through memory.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::record::Name;
use super::sym::Sym;
use super::{Claim, Dataset, Rank};

/// The claims' columns. Indices are those of `Dataset::claims`.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    /// The distinct metric ids, in first-seen order.
    pub metrics: Vec<String>,
    /// Each claim's metric, an index into `metrics`.
    pub metric: Vec<u32>,
    /// The distinct actor ids claims name (claimants, relays, subjects), in first-seen order.
    pub claimants: Vec<String>,
    /// Each claim's claimant, an index into `claimants`.
    pub claimant: Vec<u32>,
    /// Each claim's relay (`via`), an index into `claimants`, or [`NONE`].
    pub via: Vec<u32>,
    /// Each claim's subject, an index into `claimants`.
    pub subject: Vec<u32>,
    /// Each claim's event, an index into `Dataset::events`, or [`NONE`] (none, or unknown).
    pub event: Vec<u32>,
    /// Whether another claim supersedes this one.
    pub superseded: Vec<bool>,
    /// How many claims name each id in `supersedes`: a claim inserted, removed or relinked
    /// updates `superseded` from here, without a pass over every claim's link.
    targets: FxHashMap<Name, u32>,
    /// Whether the claim is ranked deprecated.
    pub deprecated: Vec<bool>,
}

/// No relay.
pub const NONE: u32 = u32::MAX;

/// The number of `name` among `names`, added when new; `table` finds it by the name's key
/// (names are interned: no text is hashed or compared per claim).
fn intern(table: &mut FxHashMap<usize, u32>, names: &mut Vec<String>, name: Sym) -> u32 {
    *table.entry(name.key()).or_insert_with(|| {
        names.push(name.as_str().to_owned());
        u32::try_from(names.len() - 1).unwrap_or(NONE)
    })
}

/// Each event's position, by id.
fn event_positions(ds: &Dataset) -> FxHashMap<&str, u32> {
    ds.events
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), u32::try_from(i).unwrap_or(NONE)))
        .collect()
}

impl Columns {
    pub fn build(ds: &Dataset) -> Columns {
        let n = ds.claims.len();
        let mut c = Columns {
            metric: Vec::with_capacity(n),
            claimant: Vec::with_capacity(n),
            via: Vec::with_capacity(n),
            subject: Vec::with_capacity(n),
            deprecated: Vec::with_capacity(n),
            ..Columns::default()
        };
        let mut metrics = FxHashMap::default();
        let mut claimants = FxHashMap::default();
        // In claim order: names are numbered as first seen.
        for claim in &ds.claims {
            c.metric
                .push(intern(&mut metrics, &mut c.metrics, claim.metric));
            c.claimant
                .push(intern(&mut claimants, &mut c.claimants, claim.claimant));
            c.via.push(match claim.via {
                Some(v) => intern(&mut claimants, &mut c.claimants, v),
                None => NONE,
            });
            c.subject
                .push(intern(&mut claimants, &mut c.claimants, claim.subject));
            c.deprecated.push(claim.rank == Rank::Deprecated);
        }
        // Events are found by their id's text: on all cores.
        let events = event_positions(ds);
        c.event = ds
            .claims
            .par_iter()
            .map(|claim| {
                claim
                    .event
                    .as_deref()
                    .and_then(|e| events.get(e).copied())
                    .unwrap_or(NONE)
            })
            .collect();
        for t in ds.claims.iter().filter_map(|x| x.supersedes.as_ref()) {
            *c.targets.entry(Name::from(&**t)).or_default() += 1;
        }
        c.superseded = if c.targets.is_empty() {
            vec![false; n]
        } else {
            ds.claims
                .par_iter()
                .map(|x| c.targets.contains_key(x.id.as_str()))
                .collect()
        };
        c
    }

    /// Follows a claim's link (`supersedes`) and id as they change: `old` is the claim as it
    /// was (removed or replaced), `new` the position of the claim as it is now (inserted or
    /// replaced; its row already in place). Only a link that appears or disappears costs a
    /// pass over the claims' ids, to mark the claim it names.
    pub fn relink(&mut self, ds: &Dataset, old: Option<&Claim>, new: Option<usize>) {
        let was = old.and_then(|c| c.supersedes.as_ref());
        let now = new
            .and_then(|i| ds.claims.get(i))
            .and_then(|c| c.supersedes.as_ref());
        if was != now {
            if let Some(t) = was
                && let Some(n) = self.targets.get_mut(&**t)
            {
                *n -= 1;
                if *n == 0 {
                    self.targets.remove(&**t);
                    self.mark(ds, t, false);
                }
            }
            if let Some(t) = now {
                let n = self.targets.entry(Name::from(&**t)).or_default();
                *n += 1;
                if *n == 1 {
                    self.mark(ds, t, true);
                }
            }
        }
        if let Some(i) = new
            && let (Some(c), Some(row)) = (ds.claims.get(i), self.superseded.get_mut(i))
        {
            *row = self.targets.contains_key(c.id.as_str());
        }
    }

    /// Marks the claims with id `id` superseded or not.
    fn mark(&mut self, ds: &Dataset, id: &str, on: bool) {
        for (c, row) in ds.claims.iter().zip(self.superseded.iter_mut()) {
            if c.id == id {
                *row = on;
            }
        }
    }

    /// Each claim's `event` column, once events moved.
    pub fn events(ds: &Dataset) -> Vec<u32> {
        let events = event_positions(ds);
        ds.claims
            .iter()
            .map(|c| {
                c.event
                    .as_deref()
                    .and_then(|e| events.get(e).copied())
                    .unwrap_or(NONE)
            })
            .collect()
    }

    /// The columns of one integer a claim.
    fn integer_columns(&mut self) -> [&mut Vec<u32>; 5] {
        [
            &mut self.metric,
            &mut self.claimant,
            &mut self.via,
            &mut self.subject,
            &mut self.event,
        ]
    }

    /// A claim was inserted at `i`: its row is added (`superseded` false: the caller knows
    /// when links make it otherwise). Returns true when a metric or actor id new to the
    /// tables was added.
    pub fn insert_row(&mut self, ds: &Dataset, i: usize) -> bool {
        if i > self.metric.len() {
            return false;
        }
        for column in self.integer_columns() {
            column.insert(i, NONE);
        }
        self.superseded.insert(i, false);
        self.deprecated.insert(i, false);
        self.set_row(ds, i)
    }

    /// The claim at `i` was removed: its row goes.
    pub fn remove_row(&mut self, i: usize) {
        if i >= self.metric.len() {
            return;
        }
        for column in self.integer_columns() {
            column.remove(i);
        }
        self.superseded.remove(i);
        self.deprecated.remove(i);
    }

    /// The index of a metric id, if any claim has it.
    pub fn metric_of(&self, id: &str) -> Option<u32> {
        self.metrics
            .iter()
            .position(|m| m == id)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// The index of a claimant (or relay) id, if any claim has it.
    pub fn claimant_of(&self, id: &str) -> Option<u32> {
        self.claimants
            .iter()
            .position(|m| m == id)
            .and_then(|i| u32::try_from(i).ok())
    }

    /// Sets claim `i`'s row from the dataset; returns true when a metric or actor id new
    /// to the tables was added.
    pub fn set_row(&mut self, ds: &Dataset, i: usize) -> bool {
        let Some(c) = ds.claims.get(i) else {
            return false;
        };
        if i >= self.metric.len() {
            return false;
        }
        let mut grew = false;
        let mut find = |names: &mut Vec<String>, id: &str| -> u32 {
            match names.iter().position(|n| n == id) {
                Some(k) => u32::try_from(k).unwrap_or(NONE),
                None => {
                    grew = true;
                    names.push(id.to_string());
                    u32::try_from(names.len() - 1).unwrap_or(NONE)
                }
            }
        };
        self.metric[i] = find(&mut self.metrics, &c.metric);
        if let Some(d) = self.deprecated.get_mut(i) {
            *d = c.rank == Rank::Deprecated;
        }
        self.claimant[i] = find(&mut self.claimants, &c.claimant);
        self.subject[i] = find(&mut self.claimants, &c.subject);
        self.via[i] = match &c.via {
            Some(v) => find(&mut self.claimants, v),
            None => NONE,
        };
        // The event found before, when it is still the claim's (every keystroke in a claim's
        // notes comes here: no scan of 200,000 events for that).
        let before = self.event[i];
        let same = c.event.as_deref().is_some_and(|e| {
            ds.events
                .get(before as usize)
                .is_some_and(|x| before != NONE && x.id == e)
        });
        if !same {
            self.event[i] = c
                .event
                .as_deref()
                .and_then(|e| ds.events.iter().position(|x| x.id == e))
                .and_then(|k| u32::try_from(k).ok())
                .unwrap_or(NONE);
        }
        grew
    }
}
