//! Renaming a record's id together with every reference to it — claims' claimant, subject,
//! via, event, supersedes and sources; events' actors and sources; actors' part_of — as one
//! [`Edit::Batch`], so that it is one undo step and never leaves a dangling reference.

use super::edit::{AnyRecord, Edit, Target, record_at};
use super::{Dataset, Kind};

/// A rename, ready to apply: the edits, and how many references in how many other records
/// they change.
#[derive(Debug, Clone, PartialEq)]
pub struct Rename {
    pub edit: Edit,
    pub references: usize,
    pub records: usize,
}

/// One id renamed, applied to each field that may name it.
struct Swap<'a> {
    old: &'a str,
    new: &'a str,
}

impl Swap<'_> {
    /// Points `field` at the new id when it names the old one, counted in `n`.
    fn field<T>(&self, field: &mut T, n: &mut usize)
    where
        T: std::ops::Deref<Target = str> + for<'s> From<&'s str>,
    {
        if **field == *self.old {
            *field = T::from(self.new);
            *n += 1;
        }
    }
}

/// The rename of the record at `target` to `new`, with every reference to it.
pub fn rename(ds: &Dataset, target: Target, new: &str) -> Option<Rename> {
    let mut record = record_at(ds, target)?;
    let old = record.id().to_string();
    match &mut record {
        AnyRecord::Actor(r) => r.id = new.into(),
        AnyRecord::Source(r) => r.id = new.into(),
        AnyRecord::Event(r) => r.id = new.into(),
        AnyRecord::Claim(r) => r.id = new.into(),
    }
    let mut edits = vec![Edit::Replace {
        index: target.index,
        record,
    }];
    let (mut references, mut records) = (0, 0);
    let swap = Swap { old: &old, new };
    for (i, c) in ds.claims.iter().enumerate() {
        // The renamed claim itself is already replaced above; a claim superseding itself
        // would be a mistake anyway.
        if target.kind == Kind::Claim && i == target.index {
            continue;
        }
        let mut c2 = c.clone();
        let mut n = 0;
        match target.kind {
            Kind::Actor => {
                swap.field(&mut c2.claimant, &mut n);
                swap.field(&mut c2.subject, &mut n);
                if let Some(v) = &mut c2.via {
                    swap.field(v, &mut n);
                }
            }
            Kind::Source => {
                for s in &mut c2.sources {
                    swap.field(&mut s.source, &mut n);
                }
            }
            Kind::Event => {
                if let Some(e) = &mut c2.event {
                    swap.field(e, &mut n);
                }
            }
            Kind::Claim => {
                if let Some(s) = &mut c2.supersedes {
                    swap.field(s, &mut n);
                }
            }
        }
        if n > 0 {
            references += n;
            records += 1;
            edits.push(Edit::Replace {
                index: i,
                record: AnyRecord::Claim(c2),
            });
        }
    }
    if matches!(target.kind, Kind::Actor | Kind::Source) {
        for (i, e) in ds.events.iter().enumerate() {
            let mut e2 = e.clone();
            let mut n = 0;
            if target.kind == Kind::Actor {
                for a in &mut e2.actors {
                    swap.field(a, &mut n);
                }
            } else {
                for s in &mut e2.sources {
                    swap.field(&mut s.source, &mut n);
                }
            }
            if n > 0 {
                references += n;
                records += 1;
                edits.push(Edit::Replace {
                    index: i,
                    record: AnyRecord::Event(e2),
                });
            }
        }
    }
    if target.kind == Kind::Actor {
        for (i, a) in ds.actors.iter().enumerate() {
            if i == target.index {
                continue;
            }
            let mut a2 = a.clone();
            let mut n = 0;
            if let Some(p) = &mut a2.part_of {
                swap.field(p, &mut n);
            }
            if n > 0 {
                references += n;
                records += 1;
                edits.push(Edit::Replace {
                    index: i,
                    record: AnyRecord::Actor(a2),
                });
            }
        }
    }
    Some(Rename {
        edit: Edit::Batch(edits),
        references,
        records,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Actor, ActorKind, Citation, Claim, DateText, Event, Qualifier, Value};

    fn ds() -> Dataset {
        let mut c = Claim::new(
            "c1",
            "killed",
            "kp",
            "ua",
            Value::new(Qualifier::Exact, 1),
            DateText::new("2025"),
        );
        c.via = Some("ua".into());
        c.sources = vec![Citation {
            source: "s1".into(),
            ..Citation::default()
        }];
        let mut c2 = c.clone();
        c2.id = "c2".into();
        c2.supersedes = Some("c1".into());
        let mut e = Event::new("e1", DateText::new("2025"), "Battle", "battle");
        e.actors = vec!["ua".into(), "kp".into()];
        let mut sub = Actor::new("ua-hur", "HUR", ActorKind::IntelligenceService);
        sub.part_of = Some("ua".into());
        Dataset {
            actors: vec![Actor::new("ua", "Ukraine", ActorKind::Government), sub],
            events: vec![e],
            claims: vec![c, c2],
            ..Dataset::default()
        }
    }

    #[test]
    fn renaming_an_actor_changes_every_reference_and_undoes_in_one_step() {
        let original = ds();
        let mut d = original.clone();
        let r = rename(
            &d,
            Target {
                kind: Kind::Actor,
                index: 0,
            },
            "ua-gov",
        )
        .expect("rename");
        // claimant and via in two claims, an event's actors, an actor's part_of.
        assert_eq!((r.references, r.records), (6, 4));
        let inverse = r.edit.apply(&mut d).expect("apply");
        assert_eq!(d.actors[0].id, "ua-gov");
        assert!(
            d.claims
                .iter()
                .all(|c| c.claimant == "ua-gov" && c.via.as_deref() == Some("ua-gov"))
        );
        assert_eq!(
            d.events[0].actors,
            vec!["ua-gov".to_string(), "kp".to_string()]
        );
        assert_eq!(d.actors[1].part_of.as_deref(), Some("ua-gov"));
        assert!(
            crate::model::validate::validate(&d, false)
                .iter()
                .all(|f| !f.message.contains("unknown"))
        );
        inverse.apply(&mut d).expect("undo");
        assert_eq!(d, original);
    }

    #[test]
    fn renaming_a_claim_follows_supersedes_and_a_source_its_citations() {
        let d = ds();
        let r = rename(
            &d,
            Target {
                kind: Kind::Claim,
                index: 0,
            },
            "c1-new",
        )
        .expect("rename");
        assert_eq!((r.references, r.records), (1, 1));
        let mut with_source = d.clone();
        with_source.sources = vec![crate::model::Source::new("s1", "Report")];
        let r = rename(
            &with_source,
            Target {
                kind: Kind::Source,
                index: 0,
            },
            "s9",
        )
        .expect("rename");
        assert_eq!((r.references, r.records), (2, 2));
    }
}
