//! The records of a dataset — claims, events, actors, sources — and the manifest with its
//! vocabularies (metrics, event types). These are the types written to and read from RON:
//! plain structs and externally tagged enums, optional fields left out when empty, so that
//! files stay short and diffs stay small.

use serde::{Deserialize, Serialize};

/// A short id naming another record (a metric, an actor, an event, a source): kept inline up
/// to 24 bytes, so a million claims do not make six million small allocations.
pub type Name = compact_str::CompactString;

use super::date::DateText;
use super::packed::Packed;
use super::sym::Sym;
use super::value::Value;

/// Reads a list and gives back the room it grew into while it was read. A RON list does not
/// say its length ahead, so a list of one citation is given room for four: read from the
/// files, a million claims held ~0.28 GB of such room. (The parse cache's encoding says each
/// list's length: there this costs nothing.)
fn fitted<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    let mut list = Vec::<T>::deserialize(d)?;
    list.shrink_to_fit();
    Ok(list)
}

/// Where a record was read from: an index into the store's file table, and the 1-based line
/// and column of the record's `id`. Never serialized; new records have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Origin {
    pub file: u32,
    pub line: u32,
    pub col: u32,
}

/// The format version this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;

/// A dataset's manifest: what it is about, and its vocabularies.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub title: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub license: String,
    /// What claims count: `troops_deployed`, `killed`, `killed_or_wounded`, ...
    #[serde(default)]
    pub metrics: Vec<Metric>,
    /// The kinds of event: `battle`, `deployment`, `statement`, ...
    #[serde(default)]
    pub event_types: Vec<Term>,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A metric of the vocabulary. A combined metric names its parts
/// (`killed_or_wounded` = `killed` + `wounded`), so that sums can be checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Metric {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "super::skip::empty_list")]
    pub parts: Vec<String>,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A term of a plain vocabulary (event types).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Term {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub description: String,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// Source reliability, the letter of the NATO/Admiralty code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Reliability {
    /// Completely reliable.
    A,
    /// Usually reliable.
    B,
    /// Fairly reliable.
    C,
    /// Not usually reliable.
    D,
    /// Unreliable.
    E,
    /// Reliability cannot be judged.
    F,
}

impl Reliability {
    pub fn as_str(self) -> &'static str {
        match self {
            Reliability::A => "A",
            Reliability::B => "B",
            Reliability::C => "C",
            Reliability::D => "D",
            Reliability::E => "E",
            Reliability::F => "F",
        }
    }
}

/// Whether a claim is the one to prefer, an ordinary one, or one kept only for the record.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Rank {
    Preferred,
    #[default]
    Normal,
    Deprecated,
}

impl Rank {
    pub fn as_str(self) -> &'static str {
        match self {
            Rank::Preferred => "preferred",
            Rank::Normal => "normal",
            Rank::Deprecated => "deprecated",
        }
    }
}

/// Why a claim has its rank (required for a deprecated claim).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RankReason {
    /// A later claim of the same claimant replaces it.
    Superseded,
    /// The claimant withdrew it.
    Retracted,
    /// The source attributes it to the wrong party.
    Misattributed,
    /// The source misreports what the claimant said.
    ErrorInSource,
    /// The same claim is recorded elsewhere.
    Duplicate,
    /// The most recent or most authoritative figure (for a preferred claim).
    MostRecent,
    /// Boxed: the enum (and a claim) stays two words smaller for a reason rarely written.
    Other(Box<String>),
}

impl RankReason {
    pub fn as_str(&self) -> &str {
        match self {
            RankReason::Superseded => "superseded",
            RankReason::Retracted => "retracted",
            RankReason::Misattributed => "misattributed",
            RankReason::ErrorInSource => "error_in_source",
            RankReason::Duplicate => "duplicate",
            RankReason::MostRecent => "most_recent",
            RankReason::Other(s) => s,
        }
    }
}

/// What a figure counts over.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Everything up to the end of `refers_to` (losses so far).
    #[default]
    Cumulative,
    /// Only what happened within `refers_to` (sent in January–February).
    Period,
    /// The state at one moment (troops present on a day).
    Snapshot,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Cumulative => "cumulative",
            Scope::Period => "period",
            Scope::Snapshot => "snapshot",
        }
    }
}

/// How the figure came about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// The figure as the claimant reported it.
    Reported,
    /// The claimant's own estimate.
    Estimate,
    /// Derived from a ratio or another figure.
    Derived,
    /// A count of confirmed names or cases.
    NamedCount,
    /// Boxed: the enum (and a claim) stays two words smaller for a method rarely written.
    Other(Box<String>),
}

impl Method {
    pub fn as_str(&self) -> &str {
        match self {
            Method::Reported => "reported",
            Method::Estimate => "estimate",
            Method::Derived => "derived",
            Method::NamedCount => "named_count",
            Method::Other(s) => s,
        }
    }
}

/// A place a claim or event was read: the source, the verbatim quote, and a translation.
///
/// A million claims cite over a million times: the quote is held packed (`model::packed`),
/// and the translation and locator, mostly empty, are boxed together and left out when both
/// are empty — 32 bytes a citation instead of 56. In the files they are three plain fields.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "CitationFields")]
pub struct Citation {
    pub source: Sym,
    /// Held compressed: quotes are the largest part of a dataset in memory.
    pub quote: Packed,
    /// `None` when the translation and the locator are both empty (see [`CitationExtra::new`]).
    pub extra: Option<Box<CitationExtra>>,
}

/// A citation's rarely given texts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CitationExtra {
    pub translation: Box<str>,
    /// Page, paragraph, timestamp.
    pub locator: Box<str>,
}

impl CitationExtra {
    /// Both texts, or `None` when both are empty.
    pub fn new(
        translation: impl Into<Box<str>>,
        locator: impl Into<Box<str>>,
    ) -> Option<Box<CitationExtra>> {
        let (translation, locator) = (translation.into(), locator.into());
        (!translation.is_empty() || !locator.is_empty()).then(|| {
            Box::new(CitationExtra {
                translation,
                locator,
            })
        })
    }
}

impl Citation {
    pub fn translation(&self) -> &str {
        self.extra.as_ref().map_or("", |e| &e.translation)
    }

    pub fn locator(&self) -> &str {
        self.extra.as_ref().map_or("", |e| &e.locator)
    }

    /// Drops the box of the translation and locator when both were emptied (the editor boxes
    /// them to edit them in place).
    pub fn tidy(&mut self) {
        if self
            .extra
            .as_ref()
            .is_some_and(|e| e.translation.is_empty() && e.locator.is_empty())
        {
            self.extra = None;
        }
    }
}

/// Citations are equal when their texts are, whether an empty translation and locator are
/// boxed or not.
impl PartialEq for Citation {
    fn eq(&self, other: &Citation) -> bool {
        self.source == other.source
            && self.quote == other.quote
            && self.translation() == other.translation()
            && self.locator() == other.locator()
    }
}

impl Eq for Citation {}

/// A citation as the files and the cache hold it: four fields, in this order.
#[derive(Deserialize)]
#[serde(rename = "Citation")]
struct CitationFields {
    source: Sym,
    #[serde(default)]
    quote: Packed,
    #[serde(default)]
    translation: Box<str>,
    #[serde(default)]
    locator: Box<str>,
}

impl From<CitationFields> for Citation {
    fn from(f: CitationFields) -> Citation {
        Citation {
            source: f.source,
            quote: f.quote,
            extra: CitationExtra::new(f.translation, f.locator),
        }
    }
}

/// A citation written: the fields of [`CitationFields`], borrowed.
#[derive(Serialize)]
#[serde(rename = "Citation")]
struct CitationView<'a> {
    source: Sym,
    #[serde(skip_serializing_if = "no_quote")]
    quote: &'a Packed,
    #[serde(skip_serializing_if = "super::skip::empty")]
    translation: &'a str,
    #[serde(skip_serializing_if = "super::skip::empty")]
    locator: &'a str,
}

fn no_quote(q: &&Packed) -> bool {
    super::skip::default(*q)
}

impl Serialize for Citation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        CitationView {
            source: self.source,
            quote: &self.quote,
            translation: self.translation(),
            locator: self.locator(),
        }
        .serialize(s)
    }
}

/// One number (or one qualitative assertion) made by one claimant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    pub id: Name,
    pub metric: Sym,
    /// The actor being counted (e.g. DPRK forces in Russia).
    pub subject: Sym,
    pub value: Value,
    #[serde(default, skip_serializing_if = "super::skip::default")]
    pub scope: Scope,
    /// When the claim was made.
    pub stated_on: DateText,
    /// The instant or period the figure describes.
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub refers_to: Option<DateText>,
    /// Who asserted it.
    pub claimant: Sym,
    /// Who relayed it (a lawmaker briefing for an intelligence service).
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub via: Option<Sym>,
    #[serde(
        default,
        skip_serializing_if = "super::skip::empty_list",
        deserialize_with = "fitted"
    )]
    pub sources: Vec<Citation>,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub reliability: Option<Reliability>,
    /// Information credibility, 1 (confirmed) to 6 (cannot be judged). Any whole number is
    /// read, so that a wrong one (`300`) is a finding of `check` at the field, not a file that
    /// does not parse.
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub credibility: Option<i64>,
    #[serde(default, skip_serializing_if = "super::skip::default")]
    pub rank: Rank,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub rank_reason: Option<RankReason>,
    /// The earlier claim of the same claimant that this one replaces.
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub supersedes: Option<Box<str>>,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub event: Option<Name>,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub method: Option<Method>,
    /// Held compressed, like a quote: half the claims carry a paragraph of notes.
    #[serde(default, skip_serializing_if = "super::skip::default")]
    pub notes: Packed,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

impl Claim {
    /// The grading as analysts write it (`B2`, `C`, `?3`), or empty.
    pub fn grading(&self) -> String {
        match (self.reliability, self.credibility) {
            (None, None) => String::new(),
            (r, c) => format!(
                "{}{}",
                r.map_or("?", Reliability::as_str),
                c.map(|c| c.to_string()).unwrap_or_default()
            ),
        }
    }
}

/// The precision of coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GeoPrecision {
    Exact,
    Settlement,
    District,
    Region,
    Country,
}

/// Where an event happened.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Place {
    /// Interned, like the other names a dataset repeats: a few thousand settlements, regions
    /// and countries across 200,000 events.
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub name: Sym,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub region: Sym,
    /// ISO 3166 alpha-2 code or name.
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub country: Sym,
    /// Latitude and longitude in degrees.
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub coordinates: Option<(f64, f64)>,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub precision: Option<GeoPrecision>,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub id: String,
    pub date: DateText,
    pub title: String,
    /// Held compressed, like a quote.
    #[serde(default, skip_serializing_if = "super::skip::default")]
    pub description: Packed,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub place: Option<Place>,
    pub event_type: Sym,
    #[serde(
        default,
        skip_serializing_if = "super::skip::empty_list",
        deserialize_with = "fitted"
    )]
    pub tags: Vec<Sym>,
    #[serde(
        default,
        skip_serializing_if = "super::skip::empty_list",
        deserialize_with = "fitted"
    )]
    pub actors: Vec<Sym>,
    #[serde(
        default,
        skip_serializing_if = "super::skip::empty_list",
        deserialize_with = "fitted"
    )]
    pub sources: Vec<Citation>,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub notes: String,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// What kind of party an actor is.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    Government,
    HeadOfState,
    Military,
    ArmedForce,
    IntelligenceService,
    Ministry,
    Legislator,
    Official,
    Media,
    Ngo,
    Researcher,
    Other(String),
}

impl ActorKind {
    pub fn as_str(&self) -> &str {
        match self {
            ActorKind::Government => "government",
            ActorKind::HeadOfState => "head_of_state",
            ActorKind::Military => "military",
            ActorKind::ArmedForce => "armed_force",
            ActorKind::IntelligenceService => "intelligence_service",
            ActorKind::Ministry => "ministry",
            ActorKind::Legislator => "legislator",
            ActorKind::Official => "official",
            ActorKind::Media => "media",
            ActorKind::Ngo => "ngo",
            ActorKind::Researcher => "researcher",
            ActorKind::Other(s) => s,
        }
    }
}

/// A party or a claimant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub name: String,
    /// Other names, including the name in the actor's own script.
    #[serde(default, skip_serializing_if = "super::skip::empty_list")]
    pub aliases: Vec<String>,
    pub kind: ActorKind,
    /// ISO 3166 alpha-2 code of the actor's country.
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub country: String,
    /// The side of the conflict (`ukraine`, `russia`, `neutral`, ...).
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub side: String,
    /// The organisation the actor belongs to, an actor id.
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub part_of: Option<String>,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub default_reliability: Option<Reliability>,
    /// Display colour, `#rrggbb`, used for this actor everywhere in the UI.
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub color: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub notes: String,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

/// A document claims and events are read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub outlet: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub author: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub url: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub archive_url: String,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub published: Option<DateText>,
    #[serde(default, skip_serializing_if = "super::skip::none")]
    pub accessed: Option<DateText>,
    /// BCP 47 language tag (`en`, `uk`, `ko`).
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub language: String,
    #[serde(default, skip_serializing_if = "super::skip::empty")]
    pub notes: String,
    #[serde(skip)]
    pub origin: Option<Origin>,
}

impl Claim {
    /// A claim with the given essentials and every optional field empty.
    pub fn new(
        id: &str,
        metric: &str,
        subject: &str,
        claimant: &str,
        value: Value,
        stated_on: DateText,
    ) -> Claim {
        Claim {
            id: id.into(),
            metric: metric.into(),
            subject: subject.into(),
            value,
            scope: Scope::default(),
            stated_on,
            refers_to: None,
            claimant: claimant.into(),
            via: None,
            sources: Vec::new(),
            reliability: None,
            credibility: None,
            rank: Rank::default(),
            rank_reason: None,
            supersedes: None,
            event: None,
            method: None,
            notes: Packed::default(),
            origin: None,
        }
    }
}

impl Actor {
    /// An actor with a name and kind and every optional field empty.
    pub fn new(id: &str, name: &str, kind: ActorKind) -> Actor {
        Actor {
            id: id.into(),
            name: name.into(),
            aliases: Vec::new(),
            kind,
            country: String::new(),
            side: String::new(),
            part_of: None,
            default_reliability: None,
            color: String::new(),
            notes: String::new(),
            origin: None,
        }
    }
}

impl Event {
    /// An event with a date, title and type and every optional field empty.
    pub fn new(id: &str, date: DateText, title: &str, event_type: &str) -> Event {
        Event {
            id: id.into(),
            date,
            title: title.into(),
            description: Packed::default(),
            place: None,
            event_type: event_type.into(),
            tags: Vec::new(),
            actors: Vec::new(),
            sources: Vec::new(),
            notes: String::new(),
            origin: None,
        }
    }
}

impl Source {
    /// A source with a title and every optional field empty.
    pub fn new(id: &str, title: &str) -> Source {
        Source {
            id: id.into(),
            title: title.into(),
            outlet: String::new(),
            author: String::new(),
            url: String::new(),
            archive_url: String::new(),
            published: None,
            accessed: None,
            language: String::new(),
            notes: String::new(),
            origin: None,
        }
    }
}

/// Parses a `#rrggbb` colour.
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A million claims: every byte of a claim is a megabyte of memory. The README's figures
    /// depend on these sizes; a field added or widened shows here first.
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn records_keep_the_sizes_the_memory_figures_count_on() {
        let sizes = [
            ("claim", size_of::<Claim>(), 328),
            ("citation", size_of::<Citation>(), 32),
            ("value", size_of::<Value>(), 40),
            ("date", size_of::<DateText>(), 40),
            ("name", size_of::<Sym>(), 8),
            ("optional name", size_of::<Option<Sym>>(), 8),
        ];
        for (what, size, most) in sizes {
            assert!(
                size <= most,
                "a {what} takes {size} bytes, more than {most}"
            );
        }
    }

    #[test]
    fn colours() {
        assert_eq!(parse_color("#1f77b4"), Some([0x1f, 0x77, 0xb4]));
        assert_eq!(parse_color("1f77b4"), None);
        assert_eq!(parse_color("#1f77b"), None);
        assert_eq!(parse_color("#gg0000"), None);
        assert_eq!(parse_color("#ééé"), None);
    }

    /// A citation's translation and locator are boxed only when given; in the files and the
    /// cache they stay three plain fields after the source, each written only when given.
    #[test]
    fn citations_keep_their_texts_through_the_files_and_the_cache() {
        let cases = [
            ("", "", "(source:\"s1\")"),
            ("", "p. 3", "(source:\"s1\",quote:\"q\",locator:\"p. 3\")"),
            (
                "about 1,100",
                "",
                "(source:\"s1\",quote:\"q\",translation:\"about 1,100\")",
            ),
            (
                "t",
                "l",
                "(source:\"s1\",quote:\"q\",translation:\"t\",locator:\"l\")",
            ),
        ];
        for (translation, locator, ron_text) in cases {
            let quote = if ron_text.contains("quote") { "q" } else { "" };
            let c = Citation {
                source: "s1".into(),
                quote: quote.into(),
                extra: CitationExtra::new(translation, locator),
            };
            assert_eq!(
                c.extra.is_none(),
                translation.is_empty() && locator.is_empty()
            );
            assert_eq!((c.translation(), c.locator()), (translation, locator));
            assert_eq!(ron::to_string(&c).expect("ron"), ron_text);
            let back: Citation = ron::from_str(ron_text).expect("ron back");
            assert_eq!(back, c);
            assert_eq!(back.extra.is_none(), c.extra.is_none());
            let bytes =
                super::super::skip::with_all_fields(|| postcard::to_stdvec(&c)).expect("postcard");
            let back: Citation = postcard::from_bytes(&bytes).expect("postcard back");
            assert_eq!((back.translation(), back.locator()), (translation, locator));
            assert_eq!(back.extra.is_none(), c.extra.is_none());
        }
        // Emptied in the editor: equal to one never given, and unboxed by `tidy`.
        let mut c = Citation {
            source: "s1".into(),
            ..Citation::default()
        };
        let plain = c.clone();
        c.extra.get_or_insert_default().locator = "p. 3".into();
        assert_ne!(c, plain);
        c.extra.get_or_insert_default().locator = "".into();
        assert_eq!(c, plain);
        c.tidy();
        assert!(c.extra.is_none());
    }

    #[test]
    fn lists_read_from_ron_hold_no_room_beyond_what_they_hold() {
        let claim: Claim = ron::from_str(
            r#"#![enable(implicit_some)]
            (id: "c1", metric: "killed", subject: "a", value: (qualifier: exact, best: 3),
                stated_on: "2024-12", claimant: "b",
                sources: [(source: "s1", quote: "three killed")])"#,
        )
        .expect("claim");
        let event: Event = ron::from_str(
            r#"#![enable(implicit_some)]
            (id: "e1", date: "2024-12", title: "t", event_type: "attack",
                tags: ["a", "b", "c", "d", "e"], actors: ["x"], sources: [(source: "s1")])"#,
        )
        .expect("event");
        let lists = [
            (claim.sources.len(), claim.sources.capacity()),
            (event.tags.len(), event.tags.capacity()),
            (event.actors.len(), event.actors.capacity()),
            (event.sources.len(), event.sources.capacity()),
        ];
        assert_eq!(lists, [(1, 1), (5, 5), (1, 1), (1, 1)]);
    }
}
