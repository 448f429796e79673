//! The three-way merge of two versions of a list of records against their common base, by
//! record id and by field: what git's merge driver (`crosscheck merge`), changes made on disk
//! while the window has unsaved edits, and crash recovery all use. Pure: no files, no egui.
//!
//! The rules, per record id:
//! - added on one side → added; added on both sides, equal → once; different → the fields
//!   that differ conflict;
//! - deleted on one side and unchanged on the other → deleted; deleted on one side and
//!   changed on the other → a conflict (the whole record);
//! - changed on both sides → merged field by field: a field changed on one side takes that
//!   side's value, a field changed on both sides to the same value takes it, a field changed
//!   on both sides to different values conflicts.
//!
//! Fields are a record's top-level fields as serde names them (`value`, `sources`, `notes`):
//! a figure's qualifier, best, low and high change together, so they are one field.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::edit::AnyRecord;
use super::{Actor, Claim, Event, Kind, Metric, Origin, Source, Term};

/// A record the merge can key by id.
pub trait Keyed: Serialize + DeserializeOwned + Clone + PartialEq {
    fn key(&self) -> &str;
}

macro_rules! keyed {
    ($($t:ty),*) => {$(
        impl Keyed for $t {
            fn key(&self) -> &str {
                &self.id
            }
        }
    )*};
}
keyed!(Actor, Source, Event, Claim, Metric, Term);

/// Which version a resolution takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Ours,
    Theirs,
}

/// One field changed differently on the two sides, as text for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldConflict {
    /// The field's name in the files (`notes`, `value`; `value.best` inside a figure).
    pub field: String,
    /// The field's value on each side (empty: not set).
    pub ours: String,
    pub theirs: String,
}

/// A record the two sides changed in ways that cannot both be kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict<R> {
    pub id: String,
    pub base: Option<R>,
    /// `None`: deleted on that side.
    pub ours: Option<R>,
    pub theirs: Option<R>,
    /// The fields changed differently on both sides (empty when one side deleted it).
    pub fields: Vec<FieldConflict>,
}

/// Why two versions could not be merged by record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("the {0} version holds the id {1} twice, so its records cannot be told apart")]
    DuplicateId(&'static str, String),
}

/// The merged records (sorted by id; a conflicted record is left out) and the conflicts.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged<R> {
    pub records: Vec<R>,
    pub conflicts: Vec<Conflict<R>>,
}

fn by_id<'a, R: Keyed>(
    side: &'static str,
    records: &'a [R],
) -> Result<BTreeMap<&'a str, &'a R>, MergeError> {
    let mut map = BTreeMap::new();
    for r in records {
        if map.insert(r.key(), r).is_some() {
            return Err(MergeError::DuplicateId(side, r.key().to_string()));
        }
    }
    Ok(map)
}

/// Merges `ours` and `theirs`, two versions of the records of `base`.
pub fn merge<R: Keyed>(base: &[R], ours: &[R], theirs: &[R]) -> Result<Merged<R>, MergeError> {
    let b = by_id("base", base)?;
    let o = by_id("our", ours)?;
    let t = by_id("their", theirs)?;
    let ids: BTreeSet<&str> = b.keys().chain(o.keys()).chain(t.keys()).copied().collect();
    let mut out = Merged {
        records: Vec::new(),
        conflicts: Vec::new(),
    };
    for id in ids {
        match merge_one(b.get(id).copied(), o.get(id).copied(), t.get(id).copied()) {
            Outcome::Keep(r) => out.records.push(r),
            Outcome::Gone => {}
            Outcome::Conflict(c) => out.conflicts.push(*c),
        }
    }
    Ok(out)
}

enum Outcome<R> {
    Keep(R),
    Gone,
    Conflict(Box<Conflict<R>>),
}

/// Whether two records say the same (where they were read from does not count).
pub fn same<R: Keyed>(a: &R, b: &R) -> bool {
    fields_of(a) == fields_of(b)
}

fn merge_one<R: Keyed>(b: Option<&R>, o: Option<&R>, t: Option<&R>) -> Outcome<R> {
    let conflict = |fields| {
        let id = o
            .or(t)
            .or(b)
            .map(|r| r.key().to_string())
            .unwrap_or_default();
        Outcome::Conflict(Box::new(Conflict {
            id,
            base: b.cloned(),
            ours: o.cloned(),
            theirs: t.cloned(),
            fields,
        }))
    };
    match (b, o, t) {
        (_, None, None) => Outcome::Gone,
        (_, Some(o), Some(t)) if same(o, t) => Outcome::Keep(o.clone()),
        // Added on one side only.
        (None, Some(r), None) | (None, None, Some(r)) => Outcome::Keep(r.clone()),
        // Deleted on one side: fine if the other left it as it was.
        (Some(b), Some(o), None) => {
            if same(o, b) {
                Outcome::Gone
            } else {
                conflict(Vec::new())
            }
        }
        (Some(b), None, Some(t)) => {
            if same(t, b) {
                Outcome::Gone
            } else {
                conflict(Vec::new())
            }
        }
        (b, Some(o), Some(t)) => {
            let (merged, fields) = merge_fields(b, o, t);
            if fields.is_empty()
                && let Some(r) = merged
            {
                Outcome::Keep(r)
            } else {
                conflict(fields)
            }
        }
    }
}

/// `new`, with every field it leaves unset (left out when written) taken from `old`: what a
/// re-import does, so that a curator's rank, notes or grading survive an update of the
/// imported fields.
pub fn keep_unset<R: Keyed>(new: &R, old: &R) -> R {
    let mut fields = fields_of(new);
    for (name, value) in fields_of(old) {
        fields.entry(name).or_insert(value);
    }
    serde_json::from_value(Value::Object(fields)).unwrap_or_else(|_| new.clone())
}

/// A record's fields as serde writes them.
fn fields_of<R: Serialize>(r: &R) -> Map<String, Value> {
    match serde_json::to_value(r) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// Merges the fields of one record changed on both sides. Returns the merged record (when
/// no field conflicts) and the conflicting fields.
fn merge_fields<R: Keyed>(b: Option<&R>, o: &R, t: &R) -> (Option<R>, Vec<FieldConflict>) {
    let bf = b.map(fields_of).unwrap_or_default();
    let of = fields_of(o);
    let tf = fields_of(t);
    let names: BTreeSet<&String> = bf.keys().chain(of.keys()).chain(tf.keys()).collect();
    let mut merged = Map::new();
    let mut conflicts = Vec::new();
    for name in names {
        let (bv, ov, tv) = (bf.get(name), of.get(name), tf.get(name));
        let pick = if ov == tv || tv == bv {
            ov
        } else if ov == bv {
            tv
        } else {
            conflicts.extend(describe(name, ov, tv));
            ov
        };
        if let Some(v) = pick {
            merged.insert(name.clone(), v.clone());
        }
    }
    if !conflicts.is_empty() {
        return (None, conflicts);
    }
    match serde_json::from_value(Value::Object(merged)) {
        Ok(r) => (Some(r), conflicts),
        // Cannot happen for records of one type; if it did, the whole record conflicts.
        Err(_) => (
            None,
            vec![FieldConflict {
                field: "(record)".into(),
                ours: String::new(),
                theirs: String::new(),
            }],
        ),
    }
}

/// The conflict of one field as people read it: a figure names the parts that differ
/// (`value.best: 3,000 vs 4,000`).
fn describe(name: &str, o: Option<&Value>, t: Option<&Value>) -> Vec<FieldConflict> {
    if let (Some(Value::Object(om)), Some(Value::Object(tm))) = (o, t) {
        let keys: BTreeSet<&String> = om.keys().chain(tm.keys()).collect();
        let parts: Vec<FieldConflict> = keys
            .into_iter()
            .filter(|k| om.get(*k) != tm.get(*k))
            .map(|k| FieldConflict {
                field: format!("{name}.{k}"),
                ours: om.get(k).map(show).unwrap_or_default(),
                theirs: tm.get(k).map(show).unwrap_or_default(),
            })
            .collect();
        if !parts.is_empty() {
            return parts;
        }
    }
    vec![FieldConflict {
        field: name.to_string(),
        ours: o.map(show).unwrap_or_default(),
        theirs: t.map(show).unwrap_or_default(),
    }]
}

/// A field's value as text: strings as they are, numbers with thousands separators.
pub fn show(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => thousands(i),
            None => n.to_string(),
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(show).collect::<Vec<_>>().join(", ")),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}: {}", show(v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn thousands(i: i64) -> String {
    let digits = i.unsigned_abs().to_string();
    let mut out = String::new();
    for (n, c) in digits.chars().enumerate() {
        if n > 0 && (digits.len() - n).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if i < 0 { format!("-{out}") } else { out }
}

impl<R: Keyed> Conflict<R> {
    /// The record as resolved: `side` for every conflicting field (or, when one side deleted
    /// the record, that side's choice: `None` keeps it deleted), the merged value elsewhere.
    pub fn resolve(&self, side: Side) -> Option<R> {
        self.resolve_fields(&|_| side)
    }

    /// Like [`Conflict::resolve`], choosing the side field by field (by the field's name as in
    /// [`FieldConflict::field`], before any `.`).
    pub fn resolve_fields(&self, pick: &dyn Fn(&str) -> Side) -> Option<R> {
        let (o, t) = match (&self.ours, &self.theirs) {
            (Some(o), Some(t)) => (o, t),
            // Deleted on one side: the whole record is the choice.
            (o, t) => {
                let side = pick("");
                return match side {
                    Side::Ours => o.clone(),
                    Side::Theirs => t.clone(),
                };
            }
        };
        let bf = self.base.as_ref().map(fields_of).unwrap_or_default();
        let of = fields_of(o);
        let tf = fields_of(t);
        let names: BTreeSet<&String> = bf.keys().chain(of.keys()).chain(tf.keys()).collect();
        let mut merged = Map::new();
        for name in names {
            let (bv, ov, tv) = (bf.get(name), of.get(name), tf.get(name));
            let v = if ov == tv || tv == bv {
                ov
            } else if ov == bv {
                tv
            } else {
                match pick(name) {
                    Side::Ours => ov,
                    Side::Theirs => tv,
                }
            };
            if let Some(v) = v {
                merged.insert(name.clone(), v.clone());
            }
        }
        serde_json::from_value(Value::Object(merged))
            .ok()
            .or_else(|| Some(o.clone()))
    }

    /// One line for people: `field best: 3,000 vs 4,000`, or what each side did.
    pub fn summary(&self) -> String {
        summarize(self.ours.is_some(), self.theirs.is_some(), &self.fields)
    }
}

fn summarize(ours: bool, theirs: bool, fields: &[FieldConflict]) -> String {
    match (ours, theirs) {
        (true, false) => "changed on our side, deleted on theirs".into(),
        (false, true) => "deleted on our side, changed on theirs".into(),
        _ => fields
            .iter()
            .map(|f| {
                let side = |s: &str| {
                    if s.is_empty() {
                        "(not set)".to_string()
                    } else {
                        s.to_string()
                    }
                };
                format!(
                    "field {}: {} vs {}",
                    f.field,
                    side(&f.ours),
                    side(&f.theirs)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

impl<R: Keyed> Conflict<R> {
    /// The conflict between two versions of one record (either may be missing: deleted), with
    /// their base when it is known. Without a base, every field that differs is a conflict.
    pub fn between(base: Option<R>, ours: Option<R>, theirs: Option<R>) -> Conflict<R> {
        let id = ours
            .as_ref()
            .or(theirs.as_ref())
            .or(base.as_ref())
            .map(|r| r.key().to_string())
            .unwrap_or_default();
        let fields = match (&ours, &theirs) {
            (Some(o), Some(t)) => match &base {
                Some(b) => merge_fields(Some(b), o, t).1,
                None => {
                    let (of, tf) = (fields_of(o), fields_of(t));
                    let names: BTreeSet<&String> = of.keys().chain(tf.keys()).collect();
                    names
                        .into_iter()
                        .filter(|n| of.get(*n) != tf.get(*n))
                        .flat_map(|n| describe(n, of.get(n), tf.get(n)))
                        .collect()
                }
            },
            _ => Vec::new(),
        };
        Conflict {
            id,
            base,
            ours,
            theirs,
            fields,
        }
    }
}

/// A conflict of any record kind, where it stands in the files: what a dataset holds while a
/// merge conflict waits to be resolved (the record itself is in the dataset as our side has
/// it, if our side kept it).
#[derive(Debug, Clone, PartialEq)]
pub struct RecordConflict {
    pub kind: Kind,
    pub id: String,
    /// The conflicted file and the record's place in it.
    pub at: Origin,
    pub base: Option<AnyRecord>,
    pub ours: Option<AnyRecord>,
    pub theirs: Option<AnyRecord>,
    pub fields: Vec<FieldConflict>,
}

fn typed<R: Keyed>(r: &Option<AnyRecord>, get: fn(&AnyRecord) -> Option<&R>) -> Option<R> {
    r.as_ref().and_then(get).cloned()
}

impl RecordConflict {
    /// Wraps a typed conflict.
    pub fn new<R: Keyed>(kind: Kind, at: Origin, c: Conflict<R>, wrap: fn(R) -> AnyRecord) -> Self {
        RecordConflict {
            kind,
            id: c.id,
            at,
            base: c.base.map(wrap),
            ours: c.ours.map(wrap),
            theirs: c.theirs.map(wrap),
            fields: c.fields,
        }
    }

    fn resolve_typed<R: Keyed>(
        &self,
        get: fn(&AnyRecord) -> Option<&R>,
        wrap: fn(R) -> AnyRecord,
        pick: &dyn Fn(&str) -> Side,
    ) -> Option<AnyRecord> {
        Conflict {
            id: self.id.clone(),
            base: typed(&self.base, get),
            ours: typed(&self.ours, get),
            theirs: typed(&self.theirs, get),
            fields: self.fields.clone(),
        }
        .resolve_fields(pick)
        .map(wrap)
    }

    /// The record as resolved, choosing the side field by field (see
    /// [`Conflict::resolve_fields`]); `None` when the choice keeps it deleted.
    pub fn resolve_fields(&self, pick: &dyn Fn(&str) -> Side) -> Option<AnyRecord> {
        let mut r = match self.kind {
            Kind::Actor => self.resolve_typed(AnyRecord::as_actor, AnyRecord::Actor, pick),
            Kind::Source => self.resolve_typed(AnyRecord::as_source, AnyRecord::Source, pick),
            Kind::Event => self.resolve_typed(AnyRecord::as_event, AnyRecord::Event, pick),
            Kind::Claim => self.resolve_typed(AnyRecord::as_claim, AnyRecord::Claim, pick),
        }?;
        // The resolved record lives in the conflicted file.
        r.set_origin(Some(self.at));
        Some(r)
    }

    /// One line for people (see [`Conflict::summary`]).
    pub fn summary(&self) -> String {
        summarize(self.ours.is_some(), self.theirs.is_some(), &self.fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ActorKind, DateText, Qualifier, Value as Figure};

    fn claim(id: &str, best: u64) -> Claim {
        Claim::new(
            id,
            "killed",
            "kp-forces",
            "ua-gs",
            Figure::new(Qualifier::Exact, best),
            DateText::new("2025-01-13"),
        )
    }

    fn ids(m: &Merged<Claim>) -> Vec<&str> {
        m.records.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn records_added_on_either_side_are_both_kept() {
        let base = vec![claim("a", 1)];
        let m = merge(
            &base,
            &[claim("a", 1), claim("b", 2)],
            &[claim("a", 1), claim("c", 3)],
        )
        .expect("merge");
        assert_eq!(ids(&m), ["a", "b", "c"]);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn the_same_record_added_on_both_sides_is_kept_once_and_different_ones_conflict() {
        let m = merge(&[], &[claim("a", 1)], &[claim("a", 1)]).expect("merge");
        assert_eq!(ids(&m), ["a"]);
        let m = merge(&[], &[claim("a", 1)], &[claim("a", 2)]).expect("merge");
        assert!(m.records.is_empty());
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].fields[0].field, "value.best");
        assert_eq!(m.conflicts[0].summary(), "field value.best: 1 vs 2");
    }

    #[test]
    fn deleted_on_one_side_and_untouched_on_the_other_is_deleted() {
        let base = vec![claim("a", 1), claim("b", 2)];
        let m = merge(&base, &[claim("b", 2)], &base).expect("merge");
        assert_eq!(ids(&m), ["b"]);
        let m = merge(&base, &base, &[claim("a", 1)]).expect("merge");
        assert_eq!(ids(&m), ["a"]);
    }

    #[test]
    fn deleted_on_one_side_and_changed_on_the_other_conflicts() {
        let base = vec![claim("a", 1)];
        let m = merge(&base, &[], &[claim("a", 5)]).expect("merge");
        assert!(m.records.is_empty());
        let c = &m.conflicts[0];
        assert_eq!((c.ours.is_none(), c.theirs.is_some()), (true, true));
        assert_eq!(c.summary(), "deleted on our side, changed on theirs");
        assert_eq!(c.resolve(Side::Theirs), Some(claim("a", 5)));
        assert_eq!(c.resolve(Side::Ours), None);
    }

    #[test]
    fn different_fields_changed_on_the_two_sides_are_both_kept() {
        let base = claim("a", 1);
        let mut ours = base.clone();
        ours.notes = "from the briefing".into();
        let mut theirs = base.clone();
        theirs.value = Figure::new(Qualifier::Approx, 300);
        let m = merge(&[base], &[ours], &[theirs]).expect("merge");
        assert!(m.conflicts.is_empty());
        assert_eq!(m.records[0].notes.text(), "from the briefing");
        assert_eq!(m.records[0].value, Figure::new(Qualifier::Approx, 300));
    }

    #[test]
    fn the_same_field_changed_differently_conflicts_and_resolves_per_field() {
        let base = claim("a", 1);
        let mut ours = base.clone();
        ours.value = Figure::new(Qualifier::Exact, 3000);
        ours.notes = "ours".into();
        let mut theirs = base.clone();
        theirs.value = Figure::new(Qualifier::Exact, 4000);
        theirs.credibility = Some(2);
        let m = merge(&[base], &[ours], &[theirs]).expect("merge");
        assert!(m.records.is_empty());
        let c = &m.conflicts[0];
        assert_eq!(c.summary(), "field value.best: 3,000 vs 4,000");
        let r = c.resolve(Side::Theirs).expect("record");
        // The conflicting field from theirs, the others merged.
        assert_eq!(r.value.best(), Some(4000));
        assert_eq!(r.notes.text(), "ours");
        assert_eq!(r.credibility, Some(2));
        let r = c
            .resolve_fields(&|f| {
                if f == "value" {
                    Side::Ours
                } else {
                    Side::Theirs
                }
            })
            .expect("record");
        assert_eq!(r.value.best(), Some(3000));
    }

    #[test]
    fn order_does_not_matter() {
        let base = vec![claim("a", 1), claim("b", 2), claim("c", 3)];
        let ours = vec![claim("c", 3), claim("a", 1), claim("b", 2)];
        let theirs = vec![claim("b", 2), claim("c", 3), claim("a", 1), claim("d", 4)];
        let m = merge(&base, &ours, &theirs).expect("merge");
        assert_eq!(ids(&m), ["a", "b", "c", "d"]);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn a_duplicated_id_is_refused_not_guessed() {
        let e = merge(&[], &[claim("a", 1), claim("a", 2)], &[]).expect_err("duplicate");
        assert_eq!(e, MergeError::DuplicateId("our", "a".into()));
    }

    #[test]
    fn vocabularies_merge_by_id_too() {
        let t = |id: &str, name: &str| Term {
            id: id.into(),
            name: name.into(),
            ..Term::default()
        };
        let m = merge(
            &[t("battle", "Battle")],
            &[t("battle", "Battle"), t("raid", "Raid")],
            &[t("battle", "Battle or clashes")],
        )
        .expect("merge");
        assert_eq!(
            m.records,
            vec![t("battle", "Battle or clashes"), t("raid", "Raid")]
        );
        let a = Actor::new("x", "X", ActorKind::Media);
        assert_eq!(
            merge(&[], std::slice::from_ref(&a), &[])
                .expect("merge")
                .records,
            vec![a]
        );
    }

    #[test]
    fn numbers_read_with_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
    }
}
