//! What a record made in the window starts as: a new claim, event, source or actor filled in
//! from the dataset and the current filter, a copy of a record under a new id, and the manifest
//! of a new dataset. Pure: the caller passes today's date, so tests can fix it.

use super::edit::AnyRecord;
use super::filter::Filter;
use super::ids;
use super::{
    Actor, ActorKind, Claim, Dataset, DateText, Event, FORMAT_VERSION, Kind, Manifest, Metric,
    Qualifier, Source, Term, Value,
};

/// A new record of `kind` for `ds`, with an id that no record of `ds` uses (`taken` says
/// which are: the window answers from its search index, without a look through a million
/// records) and no other clone will pick ([`ids`]). `filter` is the one the lists show,
/// `last` the claim entered last: together the likeliest claimant, metric, subject and
/// source of a new claim (researchers take several claims from one report). `today` is the
/// date new records are given, as `YYYY-MM-DD`.
pub fn new_record(
    ds: &Dataset,
    kind: Kind,
    filter: &Filter,
    last: Option<&Claim>,
    today: &str,
    rng: &mut fastrand::Rng,
    taken: &dyn Fn(&str) -> bool,
) -> AnyRecord {
    let record = blank_record(ds, kind, filter, last, today);
    with_fresh_id(ds, record, rng, taken)
}

fn blank_record(
    ds: &Dataset,
    kind: Kind,
    filter: &Filter,
    last: Option<&Claim>,
    today: &str,
) -> AnyRecord {
    match kind {
        Kind::Claim => {
            let metric = filter
                .metric
                .clone()
                .or_else(|| last.map(|c| c.metric.as_str().to_owned()))
                .or_else(|| ds.manifest.metrics.first().map(|m| m.id.clone()))
                .unwrap_or_default();
            let subject = last
                .map(|c| c.subject.as_str().to_owned())
                .or_else(|| {
                    ds.actors
                        .iter()
                        .find(|a| a.kind == ActorKind::ArmedForce)
                        .map(|a| a.id.clone())
                })
                .or_else(|| ds.actors.first().map(|a| a.id.clone()))
                .unwrap_or_default();
            // Never the subject: the party counted is not the one who claims.
            let claimant = filter
                .claimant
                .clone()
                .or_else(|| last.map(|c| c.claimant.as_str().to_owned()))
                .or_else(|| {
                    ds.actors
                        .iter()
                        .find(|a| a.id != subject && a.kind != ActorKind::ArmedForce)
                        .map(|a| a.id.clone())
                })
                .unwrap_or_default();
            let mut c = Claim::new(
                "",
                &metric,
                &subject,
                &claimant,
                // No number until one is typed: a claim without one is not drawn.
                Value::with(Qualifier::Exact, None, None, None),
                // The next claim from the same report was most likely stated on the same day.
                last.map_or_else(|| DateText::new(today), |l| l.stated_on.clone()),
            );
            c.reliability = ds.actor(&claimant).and_then(|a| a.default_reliability);
            if let Some(s) = last.and_then(|l| l.sources.first()) {
                c.sources = vec![crate::model::Citation {
                    source: s.source,
                    ..Default::default()
                }];
            }
            AnyRecord::Claim(c)
        }
        Kind::Event => {
            let ty = ds
                .manifest
                .event_types
                .first()
                .map(|t| t.id.clone())
                .unwrap_or_default();
            AnyRecord::Event(Event::new("", DateText::new(today), "New event", &ty))
        }
        // Published and Accessed stay empty until set: today is rarely either.
        Kind::Source => AnyRecord::Source(Source::new("", "New source")),
        Kind::Actor => AnyRecord::Actor(Actor::new("", "New actor", ActorKind::Government)),
    }
}

/// The essential fields of a record made from a picker's "+ New actor…" / "+ New source…"
/// (the small form asks for them; the rest is edited in the record's own list later).
#[derive(Debug, Clone, PartialEq)]
pub enum NewDetails {
    Actor {
        name: String,
        kind: ActorKind,
        /// ISO 3166 alpha-2, or empty.
        country: String,
    },
    Source {
        title: String,
        outlet: String,
        /// As typed (EDTF), or empty.
        published: String,
        url: String,
    },
}

impl NewDetails {
    /// The kind of record these are the fields of.
    pub fn kind(&self) -> Kind {
        match self {
            NewDetails::Actor { .. } => Kind::Actor,
            NewDetails::Source { .. } => Kind::Source,
        }
    }

    /// The name shown for the record (an actor's name, a source's title).
    pub fn name(&self) -> &str {
        match self {
            NewDetails::Actor { name, .. } => name,
            NewDetails::Source { title, .. } => title,
        }
    }

    /// The fields of `kind` for a record named `name`, the rest empty.
    pub fn named(kind: Kind, name: &str) -> NewDetails {
        match kind {
            Kind::Source => NewDetails::Source {
                title: name.to_string(),
                outlet: String::new(),
                published: String::new(),
                url: String::new(),
            },
            _ => NewDetails::Actor {
                name: name.to_string(),
                kind: ActorKind::Government,
                country: String::new(),
            },
        }
    }

    /// A new record with these fields, an id that `taken` says no record of `ds` has, and a
    /// colour of its own for an actor.
    pub fn record(
        &self,
        ds: &Dataset,
        rng: &mut fastrand::Rng,
        taken: &dyn Fn(&str) -> bool,
    ) -> AnyRecord {
        let record = match self {
            NewDetails::Actor {
                name,
                kind,
                country,
            } => {
                let mut a = Actor::new("", name.trim(), kind.clone());
                a.country = country.trim().to_uppercase();
                AnyRecord::Actor(a)
            }
            NewDetails::Source {
                title,
                outlet,
                published,
                url,
            } => {
                let mut s = Source::new("", title.trim());
                s.outlet = outlet.trim().to_string();
                s.url = url.trim().to_string();
                s.published =
                    (!published.trim().is_empty()).then(|| DateText::new(published.trim()));
                AnyRecord::Source(s)
            }
        };
        with_fresh_id(ds, record, rng, taken)
    }
}

/// Points `field` (item `slot` of a list, or a new item past its end) of `record` at the
/// record `id`: a claim's claimant, via, subject, event or sources; an event's actors or
/// sources. Returns whether `field` is such a field.
pub fn link(record: &mut AnyRecord, field: &str, slot: usize, id: &str) -> bool {
    fn cite(list: &mut Vec<crate::model::Citation>, slot: usize, id: &str) {
        match list.get_mut(slot) {
            Some(c) => c.source = id.into(),
            None => list.push(crate::model::Citation {
                source: id.into(),
                ..Default::default()
            }),
        }
    }
    match (record, field) {
        (AnyRecord::Claim(c), "claimant") => c.claimant = id.into(),
        (AnyRecord::Claim(c), "via") => c.via = Some(id.into()),
        (AnyRecord::Claim(c), "subject") => c.subject = id.into(),
        (AnyRecord::Claim(c), "event") => c.event = Some(id.into()),
        (AnyRecord::Claim(c), "sources") => cite(&mut c.sources, slot, id),
        (AnyRecord::Event(e), "sources") => cite(&mut e.sources, slot, id),
        (AnyRecord::Event(e), "actors") => match e.actors.get_mut(slot) {
            Some(a) => *a = id.into(),
            None => e.actors.push(id.into()),
        },
        _ => return false,
    }
    true
}

/// A copy of `record` under a new id (as a new record gets; `taken` says which ids are in
/// use), not yet in any file.
pub fn duplicate(
    ds: &Dataset,
    record: AnyRecord,
    rng: &mut fastrand::Rng,
    taken: &dyn Fn(&str) -> bool,
) -> AnyRecord {
    with_fresh_id(ds, record, rng, taken)
}

/// `record` with a fresh id made from its own content (one `taken` says is free), and no
/// file.
fn with_fresh_id(
    ds: &Dataset,
    mut record: AnyRecord,
    rng: &mut fastrand::Rng,
    taken: &dyn Fn(&str) -> bool,
) -> AnyRecord {
    let readable = match &record {
        AnyRecord::Actor(r) => ids::actor_readable(r),
        AnyRecord::Source(r) => ids::source_readable(r),
        AnyRecord::Event(r) => ids::event_readable(r),
        AnyRecord::Claim(r) => ids::claim_readable(r),
    };
    let id = ids::fresh(&readable, rng, taken);
    // A new actor's colour is its own: none other of the dataset has it (a copy's is the
    // original's, so it gets another).
    if let AnyRecord::Actor(a) = &mut record
        && (a.color.is_empty() || ds.actors.iter().any(|o| o.color == a.color))
    {
        a.color = super::colors::distinct_color(ds);
    }
    match &mut record {
        AnyRecord::Actor(r) => (r.id, r.origin) = (id, None),
        AnyRecord::Source(r) => (r.id, r.origin) = (id, None),
        AnyRecord::Event(r) => (r.id, r.origin) = (id, None),
        AnyRecord::Claim(r) => (r.id, r.origin) = (id.into(), None),
    }
    record
}

/// The manifest of a new dataset: the common metrics and event types.
pub fn manifest(title: &str) -> Manifest {
    let metric = |id: &str, name: &str, parts: &[&str]| Metric {
        id: id.into(),
        name: name.into(),
        parts: parts.iter().map(|s| s.to_string()).collect(),
        ..Metric::default()
    };
    let term = |id: &str, name: &str| Term {
        id: id.into(),
        name: name.into(),
        ..Term::default()
    };
    Manifest {
        format_version: FORMAT_VERSION,
        title: title.into(),
        metrics: vec![
            metric("troops_deployed", "Troops deployed", &[]),
            metric("killed", "Killed", &[]),
            metric("wounded", "Wounded", &[]),
            metric(
                "killed_or_wounded",
                "Killed or wounded",
                &["killed", "wounded"],
            ),
            metric("captured", "Captured", &[]),
            metric("missing", "Missing", &[]),
        ],
        event_types: vec![
            term("battle", "Battle or clashes"),
            term("deployment", "Deployment"),
            term("capture", "Capture of prisoners"),
            term("statement", "Official statement"),
        ],
        ..Manifest::default()
    }
}
