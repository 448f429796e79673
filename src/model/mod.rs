//! The records and their rules: partial dates, values, claims, events, actors, sources, the
//! manifest, validation and the claim table the CSV export writes. No egui and no files here.

pub mod colors;
pub mod columns;
pub mod date;
pub mod defaults;
pub mod edit;
pub mod export;
pub mod filter;
pub mod ids;
pub mod merge;
pub mod order;
pub mod packed;
pub mod plot;
pub mod record;
pub mod rename;
pub mod series;
pub mod skip;
pub mod sym;
pub mod validate;
pub mod value;
pub mod words;

pub use date::{DateError, DateText, Day, PartialDate};
pub use record::{
    Actor, ActorKind, Citation, CitationExtra, Claim, Event, FORMAT_VERSION, GeoPrecision,
    Manifest, Method, Metric, Origin, Place, Rank, RankReason, Reliability, Scope, Source, Term,
};
pub use sym::Sym;
pub use validate::{Finding, Severity, Tally};
pub use value::{Qualifier, Value};

/// Runs `f` with this thread's `flag` set, and puts it back as it was afterwards — also when
/// `f` panics. How serialization and reading are told to work differently for a while
/// (`skip::with_all_fields`, `packed::reading_unpacked`), through serde, which passes nothing.
pub(crate) fn with_flag<T>(
    flag: &'static std::thread::LocalKey<std::cell::Cell<bool>>,
    f: impl FnOnce() -> T,
) -> T {
    struct Restore(&'static std::thread::LocalKey<std::cell::Cell<bool>>, bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            self.0.set(self.1);
        }
    }
    let _restore = Restore(flag, flag.replace(true));
    f()
}

/// The four kinds of record a dataset holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Kind {
    Actor,
    Source,
    Event,
    Claim,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Actor, Kind::Source, Kind::Event, Kind::Claim];

    /// The singular noun, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Actor => "actor",
            Kind::Source => "source",
            Kind::Event => "event",
            Kind::Claim => "claim",
        }
    }

    /// The folder of a dataset that holds records of this kind.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::Actor => "actors",
            Kind::Source => "sources",
            Kind::Event => "events",
            Kind::Claim => "claims",
        }
    }
}

/// A whole dataset in memory: the manifest and every record. Serialized only as the one JSON
/// document of `crosscheck export --json`; the folder of RON files is the store's business.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    pub manifest: Manifest,
    pub actors: Vec<Actor>,
    pub sources: Vec<Source>,
    pub events: Vec<Event>,
    pub claims: Vec<Claim>,
    /// Merge conflicts waiting to be resolved (records a file holds in two versions, between
    /// git's conflict markers). A file with conflicts is not written until they are resolved.
    #[serde(skip)]
    pub conflicts: Vec<merge::RecordConflict>,
    /// The files edits have touched since the last save.
    #[serde(skip)]
    pub touched: Touched,
}

/// The files whose records edits have changed, added or removed since the last save: what a
/// save has to render again. Recorded by [`edit::Edit::apply`], the one place records change,
/// and cleared by the store once those files are written. Not part of the dataset's content,
/// so it never makes two datasets unequal.
#[derive(Debug, Clone, Default)]
pub struct Touched {
    /// Indices into the store's file table.
    pub files: std::collections::BTreeSet<u32>,
    pub manifest: bool,
}

impl PartialEq for Touched {
    fn eq(&self, _: &Touched) -> bool {
        true
    }
}

impl Touched {
    /// Notes the file of a record's origin, if it has one.
    pub fn record(&mut self, origin: Option<Origin>) {
        if let Some(o) = origin {
            self.files.insert(o.file);
        }
    }
}

impl Dataset {
    /// The actor with this id.
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    /// The records that refer to the record of `kind` with `id`, as (kind, id) pairs: what a
    /// delete would leave dangling.
    pub fn referrers(&self, kind: Kind, id: &str) -> Vec<(Kind, String)> {
        let mut out = Vec::new();
        let is = |s: &str| s == id;
        match kind {
            Kind::Actor => {
                for c in &self.claims {
                    if is(&c.claimant) || is(&c.subject) || c.via.as_deref().is_some_and(is) {
                        out.push((Kind::Claim, c.id.to_string()));
                    }
                }
                for e in &self.events {
                    if e.actors.iter().any(|a| is(a)) {
                        out.push((Kind::Event, e.id.clone()));
                    }
                }
                for a in &self.actors {
                    if a.part_of.as_deref().is_some_and(is) {
                        out.push((Kind::Actor, a.id.clone()));
                    }
                }
            }
            Kind::Source => {
                for c in &self.claims {
                    if c.sources.iter().any(|s| is(&s.source)) {
                        out.push((Kind::Claim, c.id.to_string()));
                    }
                }
                for e in &self.events {
                    if e.sources.iter().any(|s| is(&s.source)) {
                        out.push((Kind::Event, e.id.clone()));
                    }
                }
            }
            Kind::Event => {
                for c in &self.claims {
                    if c.event.as_deref().is_some_and(is) {
                        out.push((Kind::Claim, c.id.to_string()));
                    }
                }
            }
            Kind::Claim => {
                for c in &self.claims {
                    if c.supersedes.as_deref().is_some_and(is) {
                        out.push((Kind::Claim, c.id.to_string()));
                    }
                }
            }
        }
        out
    }

    /// Whether any record (of any kind) has this id.
    pub fn has_id(&self, id: &str) -> bool {
        self.actors.iter().any(|r| r.id == id)
            || self.sources.iter().any(|r| r.id == id)
            || self.events.iter().any(|r| r.id == id)
            || self.claims.iter().any(|r| r.id == id)
    }

    /// Every tag of the events, sorted, each once (what the tag filter offers).
    pub fn event_tags(&self) -> Vec<String> {
        let tags: std::collections::BTreeSet<Sym> = self
            .events
            .iter()
            .flat_map(|e| e.tags.iter().copied())
            .collect();
        tags.into_iter().map(String::from).collect()
    }

    /// The display name of an actor id (the id itself when unknown).
    pub fn actor_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.actor(id).map_or(id, |a| a.name.as_str())
    }

    /// Where the record of `kind` with `id` stands in its list.
    pub fn index_of(&self, kind: Kind, id: &str) -> Option<usize> {
        match kind {
            Kind::Actor => self.actors.iter().position(|r| r.id == id),
            Kind::Source => self.sources.iter().position(|r| r.id == id),
            Kind::Event => self.events.iter().position(|r| r.id == id),
            Kind::Claim => self.claims.iter().position(|r| r.id == id),
        }
    }

    /// The number of records of one kind.
    pub fn count(&self, kind: Kind) -> usize {
        match kind {
            Kind::Actor => self.actors.len(),
            Kind::Source => self.sources.len(),
            Kind::Event => self.events.len(),
            Kind::Claim => self.claims.len(),
        }
    }
}

/// What the store needs of every record kind: its id and where it was read from.
pub trait Record {
    const KIND: Kind;
    fn id(&self) -> &str;
    fn origin(&self) -> Option<Origin>;
    fn set_origin(&mut self, origin: Option<Origin>);
    /// The date records of this kind are filed by (claims: stated on; events: date;
    /// sources: published), if any.
    fn primary_date(&self) -> Option<&DateText>;
    /// Hands each of its packed texts to `each` (see `packed::pack_all`).
    fn texts_mut<'a>(&'a mut self, each: &mut dyn FnMut(&'a mut packed::Packed));
}

macro_rules! impl_record {
    ($t:ty, $k:expr, |$r:ident| $date:expr, |$m:ident, $each:ident| $texts:expr) => {
        impl Record for $t {
            const KIND: Kind = $k;
            fn id(&self) -> &str {
                &self.id
            }
            fn origin(&self) -> Option<Origin> {
                self.origin
            }
            fn set_origin(&mut self, origin: Option<Origin>) {
                self.origin = origin;
            }
            fn primary_date(&self) -> Option<&DateText> {
                let $r = self;
                $date
            }
            fn texts_mut<'a>(&'a mut self, $each: &mut dyn FnMut(&'a mut packed::Packed)) {
                let $m = self;
                $texts
            }
        }
    };
}

impl_record!(Actor, Kind::Actor, |_r| None, |_m, _each| {});
impl_record!(
    Source,
    Kind::Source,
    |r| r.published.as_ref(),
    |_m, _each| {}
);
impl_record!(Event, Kind::Event, |r| Some(&r.date), |m, each| {
    each(&mut m.description);
    for c in &mut m.sources {
        each(&mut c.quote);
    }
});
impl_record!(Claim, Kind::Claim, |r| Some(&r.stated_on), |m, each| {
    each(&mut m.notes);
    for c in &mut m.sources {
        each(&mut c.quote);
    }
});
