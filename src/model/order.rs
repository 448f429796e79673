//! The order of the lists. For each kind, column and direction the full order of every
//! record is computed once per version of the dataset, from sort keys computed once (names
//! lowercased once, actors ranked by name once); a filtered list's order is that full order
//! restricted to the records shown, which is one pass over a bit set rather than a sort.
//! Also the claim counts the lists show and sort by.

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::edit::{AnyRecord, Target};
use super::{Dataset, Kind};

/// A column sort of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// Counts that the lists show and sort by, computed once per version of the dataset.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    /// Claims per actor id, made or relayed (`via`).
    pub claims_by_actor: HashMap<String, usize>,
    /// Claims per event id.
    pub claims_by_event: HashMap<String, usize>,
}

/// Adds `sign` to `key`'s count; the key is copied only the first time it is counted (a
/// million claims name a few hundred claimants).
fn bump(map: &mut HashMap<String, usize>, key: &str, sign: isize) {
    match map.get_mut(key) {
        Some(n) => *n = n.saturating_add_signed(sign),
        None => {
            map.insert(key.to_string(), 0_usize.saturating_add_signed(sign));
        }
    }
}

impl Counts {
    fn add(&mut self, claim: &super::Claim, sign: isize) {
        bump(&mut self.claims_by_actor, &claim.claimant, sign);
        if let Some(via) = &claim.via {
            bump(&mut self.claims_by_actor, via, sign);
        }
        if let Some(e) = &claim.event {
            bump(&mut self.claims_by_event, e, sign);
        }
    }

    /// Brings the counts up to date after record `target` was replaced (`old` is what it
    /// was).
    pub fn replaced(&mut self, ds: &Dataset, target: Target, old: &AnyRecord) {
        if let (Kind::Claim, AnyRecord::Claim(o)) = (target.kind, old) {
            self.add(o, -1);
            if let Some(c) = ds.claims.get(target.index) {
                self.add(c, 1);
            }
        }
    }

    /// Follows one record's change (a claim's, the only ones counted).
    pub fn follow(&mut self, ds: &Dataset, change: &super::edit::Change) {
        use super::edit::Change;
        match change {
            Change::Replaced(t, old) => self.replaced(ds, *t, old),
            Change::Inserted(t) if t.kind == Kind::Claim => {
                if let Some(c) = ds.claims.get(t.index) {
                    self.add(c, 1);
                }
            }
            Change::Removed(_, AnyRecord::Claim(old)) => self.add(old, -1),
            Change::Inserted(_) | Change::Removed(..) => {}
        }
    }

    pub fn build(ds: &Dataset) -> Counts {
        let mut c = Counts::default();
        for claim in &ds.claims {
            c.add(claim, 1);
        }
        c
    }
}

/// Full orders already computed for one version of a dataset.
#[derive(Debug, Default, Clone)]
pub struct Orders {
    full: HashMap<(Kind, Sort), Vec<u32>>,
}

impl Orders {
    /// Forgets every order (the dataset changed).
    pub fn clear(&mut self) {
        self.full.clear();
    }

    /// Forgets the orders of one kind (one of its records changed).
    pub fn clear_kind(&mut self, kind: Kind) {
        self.full.retain(|(k, _), _| *k != kind);
    }

    /// Follows one record's change: a removed record leaves every order of its kind (the
    /// others keep their places, renumbered); a record replaced by one that sorts the same
    /// by every column (a keystroke in a claim's notes or quote) keeps its place; a record
    /// inserted, or replaced by one that may sort elsewhere, may belong anywhere, so its
    /// kind's orders are computed again when next needed.
    pub fn follow(&mut self, ds: &Dataset, change: &super::edit::Change) {
        use super::edit::Change;
        // Actors and events can be sorted by their number of claims.
        let recounted = match change {
            Change::Replaced(t, AnyRecord::Claim(old)) => ds.claims.get(t.index).is_none_or(|c| {
                c.claimant != old.claimant || c.via != old.via || c.event != old.event
            }),
            Change::Inserted(t) | Change::Removed(t, _) => t.kind == Kind::Claim,
            Change::Replaced(..) => false,
        };
        if recounted {
            self.clear_kind(Kind::Actor);
            self.clear_kind(Kind::Event);
        }
        // Claims are sorted by their claimant's name, which an actor's change can change.
        if change.target().kind == Kind::Actor {
            self.clear_kind(Kind::Claim);
        }
        match change {
            Change::Removed(t, _) => {
                let Ok(at) = u32::try_from(t.index) else {
                    self.clear_kind(t.kind);
                    return;
                };
                for ((kind, _), order) in &mut self.full {
                    if *kind == t.kind {
                        order.retain(|&i| i != at);
                        order.iter_mut().filter(|i| **i > at).for_each(|i| *i -= 1);
                    }
                }
            }
            Change::Replaced(t, old) if sorts_alike(ds, *t, old) => {}
            Change::Inserted(t) | Change::Replaced(t, _) => self.clear_kind(t.kind),
        }
    }

    /// Whether the full order for this kind and sort is computed already.
    pub fn has(&self, kind: Kind, sort: Sort) -> bool {
        self.full.contains_key(&(kind, sort))
    }

    /// The records of `shown` (indices of `kind`'s records) in the order of `sort`. The
    /// first call for a kind and sort computes the full order; later calls only pick.
    pub fn sorted(
        &mut self,
        ds: &Dataset,
        counts: &Counts,
        kind: Kind,
        sort: Sort,
        shown: &[usize],
    ) -> Vec<usize> {
        let full = self
            .full
            .entry((kind, sort))
            .or_insert_with(|| full_order(ds, counts, kind, sort));
        restrict(full, shown, ds.count(kind))
    }
}

/// Whether the record at `t` sorts as `old` did by every column of [`full_order`] (ties
/// are broken by position, which a replaced record keeps).
fn sorts_alike(ds: &Dataset, t: super::edit::Target, old: &AnyRecord) -> bool {
    match (old, t.kind) {
        (AnyRecord::Claim(o), Kind::Claim) => ds.claims.get(t.index).is_some_and(|c| {
            let refers = |c: &super::Claim| c.refers_to.as_ref().map(|d| d.cmp_key());
            c.claimant == o.claimant
                && c.metric == o.metric
                && c.value.figure() == o.value.figure()
                && c.stated_on.cmp_key() == o.stated_on.cmp_key()
                && refers(c) == refers(o)
                && c.reliability == o.reliability
                && c.credibility == o.credibility
                && c.rank == o.rank
        }),
        (AnyRecord::Event(o), Kind::Event) => ds.events.get(t.index).is_some_and(|e| {
            let place = |e: &super::Event| e.place.as_ref().map(|p| p.name);
            e.id == o.id
                && e.date.cmp_key() == o.date.cmp_key()
                && e.title == o.title
                && e.event_type == o.event_type
                && place(e) == place(o)
        }),
        (AnyRecord::Source(o), Kind::Source) => ds.sources.get(t.index).is_some_and(|x| {
            let published = |x: &super::Source| x.published.as_ref().map(|d| d.cmp_key());
            published(x) == published(o)
                && x.title == o.title
                && x.outlet == o.outlet
                && x.language == o.language
        }),
        _ => false,
    }
}

/// The records of `shown`, in the order of `full` (a permutation of `0..len`).
fn restrict(full: &[u32], shown: &[usize], len: usize) -> Vec<usize> {
    if shown.len() == len {
        return full.iter().map(|&i| i as usize).collect();
    }
    let mut member = vec![0u64; len.div_ceil(64)];
    for &i in shown {
        if let Some(w) = member.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }
    let mut out = Vec::with_capacity(shown.len());
    out.extend(
        full.iter()
            .map(|&i| i as usize)
            .filter(|&i| member[i / 64] & (1 << (i % 64)) != 0),
    );
    out
}

/// Each value's slot among the distinct values, and the distinct values in first-seen
/// order: one hash lookup per record, whatever the number of records.
fn slots<'a>(values: impl Iterator<Item = &'a str>) -> (Vec<u32>, Vec<&'a str>) {
    let mut seen: FxHashMap<&str, u32> = FxHashMap::default();
    let mut distinct: Vec<&str> = Vec::new();
    let slots = values
        .map(|v| {
            *seen.entry(v).or_insert_with(|| {
                distinct.push(v);
                u32::try_from(distinct.len() - 1).unwrap_or(u32::MAX)
            })
        })
        .collect();
    (slots, distinct)
}

/// Ranks of the slots given an order of the distinct values: equal values, equal ranks.
fn ranked<'a, K: Ord>(
    (slots, distinct): (Vec<u32>, Vec<&'a str>),
    key: impl Fn(&'a str) -> K,
) -> Vec<u32> {
    let keys: Vec<K> = distinct.iter().map(|d| key(d)).collect();
    let mut order: Vec<usize> = (0..distinct.len()).collect();
    order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut rank = vec![0u32; distinct.len()];
    let mut r = 0u32;
    for (k, &i) in order.iter().enumerate() {
        if k > 0 && keys[i] != keys[order[k - 1]] {
            r += 1;
        }
        rank[i] = r;
    }
    slots.into_iter().map(|s| rank[s as usize]).collect()
}

/// Dense ranks of strings as they compare: each distinct string is compared once, so a
/// column of a million claims with a few hundred claimants or metrics costs one hash lookup
/// per claim.
fn ranks_of<'a>(values: impl Iterator<Item = &'a str>) -> Vec<u32> {
    ranked(slots(values), |s| s)
}

/// Dense ranks of strings compared without case (each distinct string lowercased once).
fn ranks_by_lowercase<'a>(values: impl Iterator<Item = &'a str>) -> Vec<u32> {
    ranked(slots(values), str::to_lowercase)
}

/// Packs a date's sort key; `None` after every date.
fn date_key(d: Option<(super::Day, super::Day)>) -> (bool, super::Day, super::Day) {
    match d {
        Some((a, b)) => (false, a, b),
        None => (true, super::Day::MAX, super::Day::MAX),
    }
}

/// Sorts `0..keys.len()` by key; ties keep dataset order in both directions. The keys are
/// small and contiguous, so the sort never chases pointers into the records.
fn by_key<K: Ord + Copy + Send + Sync>(keys: Vec<K>, descending: bool) -> Vec<u32> {
    let mut pairs: Vec<(K, u32)> = keys.into_iter().zip(0u32..).collect();
    if descending {
        pairs.par_sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    } else {
        pairs.par_sort_unstable();
    }
    pairs.into_iter().map(|(_, i)| i).collect()
}

/// Every record of `kind` in the order of `sort`; ties keep dataset order.
pub fn full_order(ds: &Dataset, counts: &Counts, kind: Kind, sort: Sort) -> Vec<u32> {
    let desc = sort.descending;
    match kind {
        Kind::Claim => {
            let c = &ds.claims;
            match sort.column {
                0 => {
                    // Claimants by display name, without case; unknown ids after every
                    // known actor, by id.
                    let names: FxHashMap<&str, String> = ds
                        .actors
                        .iter()
                        .map(|a| (a.id.as_str(), a.name.to_lowercase()))
                        .collect();
                    let keys = ranked(
                        slots(c.iter().map(|x| x.claimant.as_str())),
                        |id| match names.get(id) {
                            Some(name) => (false, name.as_str(), ""),
                            None => (true, "", id),
                        },
                    );
                    by_key(keys, desc)
                }
                1 => by_key(ranks_of(c.iter().map(|x| x.metric.as_str())), desc),
                2 => {
                    let keys: Vec<(bool, u64)> = c
                        .iter()
                        .map(|x| {
                            let f = x.value.figure();
                            (f.is_none(), f.unwrap_or(0))
                        })
                        .collect();
                    by_key(keys, desc)
                }
                3 => by_key(
                    c.iter()
                        .map(|x| date_key(Some(x.stated_on.cmp_key())))
                        .collect(),
                    desc,
                ),
                4 => by_key(
                    c.iter()
                        .map(|x| date_key(x.refers_to.as_ref().map(|d| d.cmp_key())))
                        .collect(),
                    desc,
                ),
                5 => by_key(
                    c.iter()
                        .map(|x| {
                            (
                                x.reliability.is_none(),
                                x.reliability,
                                x.credibility.is_none(),
                                x.credibility,
                            )
                        })
                        .collect(),
                    desc,
                ),
                _ => by_key(c.iter().map(|x| x.rank).collect(), desc),
            }
        }
        Kind::Event => {
            let e = &ds.events;
            match sort.column {
                0 => by_key(
                    e.iter().map(|x| date_key(Some(x.date.cmp_key()))).collect(),
                    desc,
                ),
                1 => by_key(ranks_by_lowercase(e.iter().map(|x| x.title.as_str())), desc),
                2 => by_key(ranks_of(e.iter().map(|x| x.event_type.as_str())), desc),
                3 => by_key(
                    ranks_by_lowercase(
                        e.iter()
                            .map(|x| x.place.as_ref().map_or("", |p| p.name.as_str())),
                    ),
                    desc,
                ),
                _ => by_key(
                    e.iter()
                        .map(|x| counts.claims_by_event.get(&x.id).copied().unwrap_or(0))
                        .collect(),
                    desc,
                ),
            }
        }
        Kind::Source => {
            let s = &ds.sources;
            match sort.column {
                0 => by_key(
                    s.iter()
                        .map(|x| date_key(x.published.as_ref().map(|d| d.cmp_key())))
                        .collect(),
                    desc,
                ),
                1 => by_key(ranks_by_lowercase(s.iter().map(|x| x.title.as_str())), desc),
                2 => by_key(
                    ranks_by_lowercase(s.iter().map(|x| x.outlet.as_str())),
                    desc,
                ),
                _ => by_key(ranks_of(s.iter().map(|x| x.language.as_str())), desc),
            }
        }
        Kind::Actor => {
            let r = &ds.actors;
            match sort.column {
                0 => by_key(ranks_by_lowercase(r.iter().map(|x| x.name.as_str())), desc),
                1 => by_key(ranks_of(r.iter().map(|x| x.kind.as_str())), desc),
                2 => by_key(ranks_of(r.iter().map(|x| x.country.as_str())), desc),
                _ => by_key(
                    r.iter()
                        .map(|x| counts.claims_by_actor.get(&x.id).copied().unwrap_or(0))
                        .collect(),
                    desc,
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    fn some_first<T: Ord>(a: &Option<T>, b: &Option<T>) -> Ordering {
        a.is_none().cmp(&b.is_none()).then_with(|| a.cmp(b))
    }
    use crate::model::{Actor, ActorKind, Claim, DateText, Qualifier, Value};

    fn ds() -> Dataset {
        let actors = vec![
            Actor::new("b", "beta", ActorKind::Government),
            Actor::new("a", "Alpha", ActorKind::Media),
            Actor::new("c", "alpha", ActorKind::Ngo),
        ];
        let claim = |id: &str, who: &str, n: Option<u64>, date: &str| {
            let value = match n {
                Some(n) => Value::new(Qualifier::Exact, n),
                None => Value::new(Qualifier::Unknown, 0),
            };
            Claim::new(id, "killed", "x", who, value, DateText::new(date))
        };
        Dataset {
            actors,
            claims: vec![
                claim("c0", "b", Some(5), "2024-03"),
                claim("c1", "a", None, "2024"),
                claim("c2", "c", Some(1), "2024-01-02"),
                claim("c3", "zz-unknown", Some(5), "2023"),
                claim("c4", "a", Some(9), "2024-03"),
            ],
            ..Dataset::default()
        }
    }

    /// The straightforward sort the cached orders must agree with.
    fn naive(ds: &Dataset, sort: Sort, shown: &[usize]) -> Vec<usize> {
        let mut v = shown.to_vec();
        let c = &ds.claims;
        v.sort_by(|&a, &b| {
            let o = match sort.column {
                0 => {
                    let key = |i: usize| {
                        ds.actor(&c[i].claimant)
                            .map(|x| (0, x.name.to_lowercase()))
                            .unwrap_or((1, c[i].claimant.to_string()))
                    };
                    key(a).cmp(&key(b))
                }
                2 => some_first(&c[a].value.figure(), &c[b].value.figure()),
                _ => c[a].stated_on.cmp_key().cmp(&c[b].stated_on.cmp_key()),
            };
            let o = if sort.descending { o.reverse() } else { o };
            o.then(a.cmp(&b))
        });
        v
    }

    #[test]
    fn cached_orders_restricted_to_a_filter_agree_with_a_plain_sort() {
        let ds = ds();
        let counts = Counts::build(&ds);
        let mut orders = Orders::default();
        for column in [0, 2, 3] {
            for descending in [false, true] {
                let sort = Sort { column, descending };
                for shown in [vec![0, 1, 2, 3, 4], vec![1, 3, 4], vec![2], vec![]] {
                    let got = orders.sorted(&ds, &counts, Kind::Claim, sort, &shown);
                    assert_eq!(got, naive(&ds, sort, &shown), "{sort:?} {shown:?}");
                }
                assert!(orders.has(Kind::Claim, sort));
            }
        }
        // Names compare without case; equal names keep dataset order; missing figures last.
        let by_name = orders.sorted(&ds, &counts, Kind::Claim, Sort::default(), &[0, 1, 2, 3, 4]);
        assert_eq!(by_name, vec![1, 2, 4, 0, 3]);
        let by_value = Sort {
            column: 2,
            descending: false,
        };
        let v = orders.sorted(&ds, &counts, Kind::Claim, by_value, &[0, 1, 2, 3, 4]);
        assert_eq!(v, vec![2, 0, 3, 4, 1]);
    }

    #[test]
    fn orders_kept_past_a_removed_record_are_the_orders_of_what_is_left() {
        use crate::model::edit::{Change, Edit, Target, changes};
        let mut ds = ds();
        let mut counts = Counts::build(&ds);
        let mut orders = Orders::default();
        let sorts: Vec<Sort> = [0, 2, 3]
            .into_iter()
            .flat_map(|column| [false, true].map(|descending| Sort { column, descending }))
            .collect();
        for &sort in &sorts {
            orders.sorted(&ds, &counts, Kind::Claim, sort, &[]);
            orders.sorted(&ds, &counts, Kind::Actor, sort, &[]);
        }
        let edit = Edit::Remove {
            target: Target {
                kind: Kind::Claim,
                index: 2,
            },
        };
        let followed = changes(&ds, &edit).expect("one record");
        edit.apply(&mut ds).expect("remove");
        for change in &followed {
            counts.follow(&ds, change);
            orders.follow(&ds, change);
        }
        assert!(matches!(followed[..], [Change::Removed(..)]));
        let all: Vec<usize> = (0..ds.claims.len()).collect();
        for &sort in &sorts {
            assert!(orders.has(Kind::Claim, sort), "{sort:?} kept");
            let got = orders.sorted(&ds, &counts, Kind::Claim, sort, &all);
            assert_eq!(got, naive(&ds, sort, &all), "{sort:?}");
            // Actors may be sorted by their number of claims: computed again.
            assert!(!orders.has(Kind::Actor, sort));
        }
        // An actor renamed: claims sorted by their claimant's name are sorted again.
        let mut renamed = ds.actors[1].clone();
        renamed.name = "Zulu".into();
        let edit = Edit::Replace {
            index: 1,
            record: crate::model::edit::AnyRecord::Actor(renamed),
        };
        let followed = changes(&ds, &edit).expect("one record");
        edit.apply(&mut ds).expect("rename");
        for change in &followed {
            orders.follow(&ds, change);
        }
        let by_name = Sort::default();
        assert!(!orders.has(Kind::Claim, by_name));
        let got = orders.sorted(&ds, &counts, Kind::Claim, by_name, &all);
        assert_eq!(got, naive(&ds, by_name, &all));
    }

    #[test]
    fn a_replaced_claim_keeps_the_orders_only_when_it_sorts_the_same_by_every_column() {
        use crate::model::edit::{Edit, changes};
        use crate::model::{DateText, Qualifier, Rank, Value};
        type Change = fn(&mut crate::model::Claim);
        let edits: [(&str, Change, bool); 7] = [
            ("notes", |c| c.notes = "typed into".into(), true),
            (
                "figure",
                |c| c.value = Value::new(Qualifier::Exact, 7),
                false,
            ),
            ("claimant", |c| c.claimant = "b".into(), false),
            ("stated on", |c| c.stated_on = DateText::new("2022"), false),
            (
                "refers to",
                |c| c.refers_to = Some(DateText::new("2021")),
                false,
            ),
            ("rank", |c| c.rank = Rank::Deprecated, false),
            ("metric", |c| c.metric = "wounded".into(), false),
        ];
        for (what, edit, kept) in edits {
            let mut ds = ds();
            let mut counts = Counts::build(&ds);
            let mut orders = Orders::default();
            let sorts: Vec<Sort> = (0..7)
                .flat_map(|column| [false, true].map(|descending| Sort { column, descending }))
                .collect();
            for &sort in &sorts {
                orders.sorted(&ds, &counts, Kind::Claim, sort, &[]);
            }
            let mut claim = ds.claims[4].clone();
            edit(&mut claim);
            let edit = Edit::Replace {
                index: 4,
                record: AnyRecord::Claim(claim),
            };
            let followed = changes(&ds, &edit).expect("one record");
            edit.apply(&mut ds).expect("replace");
            for change in &followed {
                counts.follow(&ds, change);
                orders.follow(&ds, change);
            }
            let all: Vec<usize> = (0..ds.claims.len()).collect();
            for &sort in &sorts {
                assert_eq!(orders.has(Kind::Claim, sort), kept, "{what}: {sort:?}");
                let fresh: Vec<usize> = full_order(&ds, &counts, Kind::Claim, sort)
                    .into_iter()
                    .map(|i| i as usize)
                    .collect();
                let got = orders.sorted(&ds, &counts, Kind::Claim, sort, &all);
                assert_eq!(got, fresh, "{what}: {sort:?}");
            }
        }
    }
}
