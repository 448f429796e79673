//! Compact columns of the claims, built once per version of the dataset: each claim's
//! metric and claimant as small integers, and whether a later claim supersedes it. Passes over
//! a million claims (filtering by claimant or metric, building plot series, the legend)
//! compare integers here instead of following each claim's strings through memory.

use std::collections::HashSet;

use rustc_hash::FxHashMap;

use super::{Dataset, Rank};

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
    /// Whether the claim is ranked deprecated.
    pub deprecated: Vec<bool>,
}

/// No relay.
pub const NONE: u32 = u32::MAX;

fn intern<'a>(table: &mut FxHashMap<&'a str, u32>, names: &mut Vec<String>, name: &'a str) -> u32 {
    *table.entry(name).or_insert_with(|| {
        names.push(name.to_string());
        u32::try_from(names.len() - 1).unwrap_or(NONE)
    })
}

impl Columns {
    pub fn build(ds: &Dataset) -> Columns {
        let n = ds.claims.len();
        let mut c = Columns {
            metric: Vec::with_capacity(n),
            claimant: Vec::with_capacity(n),
            via: Vec::with_capacity(n),
            subject: Vec::with_capacity(n),
            event: Vec::with_capacity(n),
            deprecated: Vec::with_capacity(n),
            ..Columns::default()
        };
        let events: FxHashMap<&str, u32> = ds
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.as_str(), u32::try_from(i).unwrap_or(NONE)))
            .collect();
        let mut metrics: FxHashMap<&str, u32> = FxHashMap::default();
        let mut claimants: FxHashMap<&str, u32> = FxHashMap::default();
        for claim in &ds.claims {
            c.metric
                .push(intern(&mut metrics, &mut c.metrics, &claim.metric));
            c.claimant
                .push(intern(&mut claimants, &mut c.claimants, &claim.claimant));
            c.via.push(match &claim.via {
                Some(v) => intern(&mut claimants, &mut c.claimants, v),
                None => NONE,
            });
            c.subject
                .push(intern(&mut claimants, &mut c.claimants, &claim.subject));
            c.deprecated.push(claim.rank == Rank::Deprecated);
            c.event.push(
                claim
                    .event
                    .as_deref()
                    .and_then(|e| events.get(e).copied())
                    .unwrap_or(NONE),
            );
        }
        let targets: HashSet<&str> = ds
            .claims
            .iter()
            .filter_map(|x| x.supersedes.as_deref())
            .collect();
        c.superseded = if targets.is_empty() {
            vec![false; n]
        } else {
            ds.claims
                .iter()
                .map(|x| targets.contains(x.id.as_str()))
                .collect()
        };
        c
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
