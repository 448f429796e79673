//! The rules a dataset must follow, shared by the window and `crosscheck check`: unique ids,
//! known references, well-formed values and dates, ranks with reasons, sound `supersedes`
//! chains, and sums of combined metrics that agree with their parts. Each finding points at
//! the record it is about (its [`Origin`]).

use std::hash::BuildHasher;
use std::sync::atomic::{AtomicBool, Ordering};

use hashbrown::HashTable;
use rustc_hash::{FxBuildHasher, FxHashSet};

use super::date::{DateText, Day};
use super::packed::Packed;
use super::record::{FORMAT_VERSION, Origin, parse_color};
use super::value::thousands;
use super::{Claim, Dataset, Kind, Rank, Scope, Sym};

/// How serious a finding is: errors make `check` fail, warnings only with `--strict`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a dataset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub severity: Severity,
    /// Where the problem is (the record's `id`, or a place in a file that did not parse).
    pub at: Option<Origin>,
    /// The record it is about, when there is one.
    pub record: Option<(Kind, String)>,
    pub message: String,
    /// Another place the message speaks of (the first record with a duplicated id).
    pub related: Option<Origin>,
    /// The field of the record the problem is in (`stated_on`, `best`), so that the store
    /// can point at the field's own line rather than the record's id.
    pub field: Option<&'static str>,
}

impl Finding {
    fn new(severity: Severity, kind: Kind, id: &str, at: Option<Origin>, message: String) -> Self {
        Finding {
            severity,
            at,
            record: Some((kind, id.to_string())),
            message,
            related: None,
            field: None,
        }
    }

    /// The same finding, about `field` of its record.
    pub fn at_field(mut self, field: &'static str) -> Self {
        self.field = Some(field);
        self
    }
}

/// How many errors and warnings a list of findings holds: counted here, once, for the
/// status bar, the problems list, the command line and the generator alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
}

impl Tally {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Tally {
        let mut t = Tally::default();
        for f in findings {
            match f.severity {
                Severity::Error => t.errors += 1,
                Severity::Warning => t.warnings += 1,
            }
        }
        t
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} error(s), {} warning(s)", self.errors, self.warnings)
    }
}

/// Whether `tag` has the shape of a BCP 47 language tag: a language of 2–3 (or 5–8) letters,
/// then subtags of 1–8 letters or digits (`en`, `uk`, `zh-Hant`, `pt-BR`, `sr-Latn-RS`).
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang_ok = parts.next().is_some_and(|l| {
        matches!(l.len(), 2 | 3 | 5..=8) && l.bytes().all(|b| b.is_ascii_alphabetic())
    });
    lang_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether an id is well formed: ASCII letters, digits, `_`, `-`, `.` and `:`, not empty.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
}

/// The ids each kind of reference must be among, built once and shared by the threads that
/// check the claims.
struct Known<'a> {
    actors: Names,
    sources: Names,
    events: FxHashSet<&'a str>,
    claims: Claims<'a>,
    metrics: Names,
    event_types: Names,
}

/// The ids of actors, sources, metrics or event types, as the interned names (`Sym`) claims
/// and events refer to them by: a look-up compares a number where a set of texts hashed and
/// compared a text kept elsewhere in memory (several look-ups a claim, a million claims).
struct Names(FxHashSet<usize>);

impl Names {
    fn of<'x>(ids: impl Iterator<Item = &'x str>) -> Names {
        Names(ids.map(|id| Sym::new(id).key()).collect())
    }

    fn contains(&self, name: Sym) -> bool {
        self.0.contains(&name.key())
    }
}

/// Every record's id, first use of an id kept: what the duplicate-id check builds, kept to
/// find a claim by id (one table of a million ids instead of two). The table holds only
/// each record's place among all records (4 bytes; the id is read from the record), a
/// tenth of a map holding the ids and places — at a million claims, ~10 MB instead of ~100.
struct FirstUse<'a> {
    ds: &'a Dataset,
    places: HashTable<u32>,
}

/// A record, by its place among all records: actors, then sources, events and claims.
struct Place<'a> {
    kind: Kind,
    id: &'a str,
    origin: Option<Origin>,
    /// Its number among its kind.
    index: usize,
}

impl<'a> FirstUse<'a> {
    fn new(ds: &'a Dataset) -> FirstUse<'a> {
        let n = ds.actors.len() + ds.sources.len() + ds.events.len() + ds.claims.len();
        FirstUse {
            ds,
            places: HashTable::with_capacity(n),
        }
    }

    /// Every record's place, in order (places past `u32::MAX` are not checked).
    fn places(&self) -> std::ops::Range<u32> {
        let n = self.ds.actors.len() + self.ds.sources.len() + self.ds.events.len();
        0..u32::try_from(n + self.ds.claims.len()).unwrap_or(u32::MAX)
    }

    fn at(&self, place: u32) -> Option<Place<'a>> {
        place_of(self.ds, place)
    }

    fn hash(id: &str) -> u64 {
        FxBuildHasher.hash_one(id)
    }

    /// The first record with this id.
    fn get(&self, id: &str) -> Option<Place<'a>> {
        let place = *self
            .places
            .find(Self::hash(id), |&p| self.at(p).is_some_and(|p| p.id == id))?;
        self.at(place)
    }

    /// The first record with the id of the record at `place`, if it is another; otherwise
    /// keeps `place` as the first use of its id. One look-up for both (a million ids).
    fn first_or_keep(&mut self, id: &str, place: u32) -> Option<Place<'a>> {
        let ds = self.ds;
        let rehash = |&p: &u32| Self::hash(place_of(ds, p).map_or("", |p| p.id));
        let same = |&p: &u32| place_of(ds, p).is_some_and(|p| p.id == id);
        match self.places.entry(Self::hash(id), same, rehash) {
            hashbrown::hash_table::Entry::Occupied(first) => place_of(ds, *first.get()),
            hashbrown::hash_table::Entry::Vacant(free) => {
                free.insert(place);
                None
            }
        }
    }
}

/// The record at `place` among all records.
fn place_of(ds: &Dataset, place: u32) -> Option<Place<'_>> {
    let i = place as usize;
    let (a, s, e) = (ds.actors.len(), ds.sources.len(), ds.events.len());
    let (kind, index) = if i < a {
        (Kind::Actor, i)
    } else if i < a + s {
        (Kind::Source, i - a)
    } else if i < a + s + e {
        (Kind::Event, i - a - s)
    } else {
        (Kind::Claim, i - a - s - e)
    };
    let (id, origin) = match kind {
        Kind::Actor => ds.actors.get(index).map(|r| (r.id.as_str(), r.origin)),
        Kind::Source => ds.sources.get(index).map(|r| (r.id.as_str(), r.origin)),
        Kind::Event => ds.events.get(index).map(|r| (r.id.as_str(), r.origin)),
        Kind::Claim => ds.claims.get(index).map(|r| (r.id.as_str(), r.origin)),
    }?;
    Some(Place {
        kind,
        id,
        origin,
        index,
    })
}

/// The claims by id.
struct Claims<'a> {
    first: FirstUse<'a>,
    all: &'a [Claim],
}

impl<'a> Claims<'a> {
    /// The claim with this id (the first, when the id is used twice).
    fn get(&self, id: &str) -> Option<&'a Claim> {
        match self.first.get(id) {
            Some(Place {
                kind: Kind::Claim,
                index,
                ..
            }) => self.all.get(index),
            // The id is first another kind's (a duplicate id, an error of its own).
            Some(_) => self.all.iter().find(|c| c.id == id),
            None => None,
        }
    }
}

struct Ctx<'a> {
    out: Vec<Finding>,
    actors: &'a Names,
    sources: &'a Names,
    events: &'a FxHashSet<&'a str>,
    claims: &'a Claims<'a>,
    metrics: &'a Names,
    event_types: &'a Names,
    /// False when the manifest could not be read: vocabulary references are then not checked.
    vocabulary_known: bool,
}

impl<'a> Known<'a> {
    /// A context that writes its findings to a list of its own.
    fn ctx(&'a self, vocabulary_known: bool) -> Ctx<'a> {
        Ctx {
            out: Vec::new(),
            actors: &self.actors,
            sources: &self.sources,
            events: &self.events,
            claims: &self.claims,
            metrics: &self.metrics,
            event_types: &self.event_types,
            vocabulary_known,
        }
    }
}

/// A text that may hold a NUL character: a packed text answers without being unpacked (the
/// checks look at every quote of a million claims).
trait HoldsNul {
    fn holds_nul(&self) -> bool;
}

impl HoldsNul for str {
    fn holds_nul(&self) -> bool {
        memchr::memchr(0, self.as_bytes()).is_some()
    }
}

impl HoldsNul for Packed {
    fn holds_nul(&self) -> bool {
        Packed::holds_nul(self)
    }
}

impl<'a> Ctx<'a> {
    fn push(&mut self, sev: Severity, kind: Kind, id: &str, at: Option<Origin>, msg: String) {
        self.out.push(Finding::new(sev, kind, id, at, msg));
    }

    /// A finding about one field of a record.
    fn push_at(
        &mut self,
        sev: Severity,
        kind: Kind,
        id: &str,
        at: Option<Origin>,
        field: &'static str,
        msg: String,
    ) {
        self.out
            .push(Finding::new(sev, kind, id, at, msg).at_field(field));
    }

    /// Text with a NUL character in it (pasted from a broken export, say): a warning, as it
    /// would reach every export unseen.
    fn text(
        &mut self,
        kind: Kind,
        id: &str,
        at: Option<Origin>,
        field: &'static str,
        text: &(impl HoldsNul + ?Sized),
    ) {
        if text.holds_nul() {
            self.push_at(
                Severity::Warning,
                kind,
                id,
                at,
                field,
                format!(
                    "{field} holds a NUL character (\\0), invisible here and in exports: remove it"
                ),
            );
        }
    }

    /// A link: only `http` and `https` are links (they may be opened in a browser).
    fn link(&mut self, kind: Kind, id: &str, at: Option<Origin>, field: &'static str, url: &str) {
        let lower = url.trim().to_ascii_lowercase();
        if !url.is_empty() && !lower.starts_with("http://") && !lower.starts_with("https://") {
            self.push_at(
                Severity::Warning,
                kind,
                id,
                at,
                field,
                format!("{field} `{url}` is not an http(s) address: it is kept, but never opened as a link"),
            );
        }
    }

    fn date(
        &mut self,
        kind: Kind,
        id: &str,
        at: Option<Origin>,
        field: &'static str,
        date: &DateText,
    ) {
        if let Some(d) = date.valid()
            && d.was_padded()
        {
            self.push_at(
                Severity::Warning,
                kind,
                id,
                at,
                field,
                format!(
                    "{field} `{}` had spaces around it; a save writes it without them",
                    d.text()
                ),
            );
        }
        if let Some(e) = date.error() {
            self.push_at(
                Severity::Error,
                kind,
                id,
                at,
                field,
                format!("{field} `{}` is not a valid date: {e}", date.text()),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn reference(
        &mut self,
        kind: Kind,
        id: &str,
        at: Option<Origin>,
        field: &str,
        target: &str,
        known: bool,
        what: &str,
    ) {
        if !known {
            self.push(
                Severity::Error,
                kind,
                id,
                at,
                format!("{field} `{target}` is not a known {what}"),
            );
        }
    }
}

/// Checks a dataset. `manifest_loaded` is false when the manifest failed to parse; references
/// to metrics and event types are then not reported (they would all be noise).
pub fn validate(ds: &Dataset, manifest_loaded: bool) -> Vec<Finding> {
    validate_unless(ds, manifest_loaded, &AtomicBool::new(false)).unwrap_or_default()
}

/// [`validate`], given up as soon as it can once `stop` is set (the window checks a large
/// dataset on a worker and stops it when the document is about to change): `None` when it
/// was stopped.
pub fn validate_unless(
    ds: &Dataset,
    manifest_loaded: bool,
    stop: &AtomicBool,
) -> Option<Vec<Finding>> {
    let go = || !stop.load(Ordering::Relaxed);
    // The duplicate-id check (the one big map: every id) and the sums (a pass over all
    // claims of their own), side by side.
    let ((id_findings, first), sums) = rayon::join(|| check_ids(ds, stop), || check_sums(ds, stop));
    if !go() {
        return None;
    }
    let known = Known {
        actors: Names::of(ds.actors.iter().map(|a| a.id.as_str())),
        sources: Names::of(ds.sources.iter().map(|s| s.id.as_str())),
        events: ds.events.iter().map(|e| e.id.as_str()).collect(),
        claims: Claims {
            first,
            all: &ds.claims,
        },
        metrics: Names::of(ds.manifest.metrics.iter().map(|m| m.id.as_str())),
        event_types: Names::of(ds.manifest.event_types.iter().map(|t| t.id.as_str())),
    };
    let mut cx = known.ctx(manifest_loaded);
    check_manifest(ds, &mut cx, manifest_loaded);
    cx.out.extend(id_findings);
    for c in &ds.conflicts {
        cx.push(
            Severity::Error,
            c.kind,
            &c.id,
            Some(c.at),
            format!(
                "merge conflict in {} {} ({}); the file is not written until it is resolved",
                c.kind.noun(),
                c.id,
                c.summary()
            ),
        );
    }
    for a in &ds.actors {
        if let Some(p) = &a.part_of {
            let known = cx.actors.contains(Sym::new(p));
            cx.reference(Kind::Actor, &a.id, a.origin, "part_of", p, known, "actor");
        }
        if !a.color.is_empty() && parse_color(&a.color).is_none() {
            cx.push(
                Severity::Error,
                Kind::Actor,
                &a.id,
                a.origin,
                format!("colour `{}` is not of the form #rrggbb", a.color),
            );
        }
        if a.name.trim().is_empty() {
            cx.push(
                Severity::Error,
                Kind::Actor,
                &a.id,
                a.origin,
                "the actor has no name".into(),
            );
        }
    }
    for s in &ds.sources {
        for (field, date) in [("published", &s.published), ("accessed", &s.accessed)] {
            if let Some(d) = date {
                cx.date(Kind::Source, &s.id, s.origin, field, d);
            }
        }
        if !s.language.is_empty() && !is_language_tag(&s.language) {
            cx.push_at(
                Severity::Warning,
                Kind::Source,
                &s.id,
                s.origin,
                "language",
                format!(
                    "language `{}` is not a language tag (BCP 47: en, uk, ru, ko, pt-BR)",
                    s.language
                ),
            );
        }
        cx.link(Kind::Source, &s.id, s.origin, "url", &s.url);
        cx.link(Kind::Source, &s.id, s.origin, "archive_url", &s.archive_url);
        cx.text(Kind::Source, &s.id, s.origin, "title", s.title.as_str());
        cx.text(Kind::Source, &s.id, s.origin, "notes", s.notes.as_str());
    }
    for e in ds.events.iter().take_while(|_| go()) {
        cx.date(Kind::Event, &e.id, e.origin, "date", &e.date);
        cx.text(Kind::Event, &e.id, e.origin, "title", e.title.as_str());
        cx.text(Kind::Event, &e.id, e.origin, "description", &e.description);
        cx.text(Kind::Event, &e.id, e.origin, "notes", e.notes.as_str());
        if cx.vocabulary_known {
            let known = cx.event_types.contains(e.event_type);
            cx.reference(
                Kind::Event,
                &e.id,
                e.origin,
                "event_type",
                &e.event_type,
                known,
                "event type",
            );
        }
        for a in &e.actors {
            let known = cx.actors.contains(*a);
            cx.reference(Kind::Event, &e.id, e.origin, "actor", a, known, "actor");
        }
        for c in &e.sources {
            let known = cx.sources.contains(c.source);
            cx.reference(
                Kind::Event,
                &e.id,
                e.origin,
                "source",
                &c.source,
                known,
                "source",
            );
        }
        if let Some(place) = &e.place
            && let Some((lat, lon)) = place.coordinates
            && !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0)
        {
            cx.push(
                Severity::Error,
                Kind::Event,
                &e.id,
                e.origin,
                format!("coordinates ({lat}, {lon}) are not a latitude and longitude"),
            );
        }
    }
    // Each claim is checked on its own: in chunks on all cores, findings kept in order.
    use rayon::prelude::*;
    let per_chunk: Vec<Vec<Finding>> = ds
        .claims
        .par_chunks(8192)
        .map(|chunk| {
            let mut local = known.ctx(manifest_loaded);
            if go() {
                for c in chunk {
                    check_claim(c, &mut local);
                }
            }
            local.out
        })
        .collect();
    cx.out.extend(per_chunk.into_iter().flatten());
    cx.out.extend(sums);
    go().then_some(cx.out)
}

fn check_manifest(ds: &Dataset, cx: &mut Ctx<'_>, loaded: bool) {
    if !loaded {
        return;
    }
    let m = &ds.manifest;
    if m.format_version > FORMAT_VERSION {
        cx.out.push(manifest_finding(
            m.origin,
            format!(
                "format_version {} was written by a newer Crosscheck (this one reads {FORMAT_VERSION})",
                m.format_version
            ),
        ));
    }
    let mut seen = FxHashSet::default();
    for metric in &m.metrics {
        let at = metric.origin;
        if !seen.insert(metric.id.as_str()) {
            cx.out.push(manifest_finding(
                at,
                format!("metric `{}` is defined twice", metric.id),
            ));
        }
        for part in &metric.parts {
            if part == &metric.id {
                cx.out.push(manifest_finding(
                    at,
                    format!("metric `{}` names itself as a part", metric.id),
                ));
            } else if !cx.metrics.contains(Sym::new(part)) {
                cx.out.push(manifest_finding(
                    at,
                    format!(
                        "metric `{}` has part `{part}`, which is not a known metric",
                        metric.id
                    ),
                ));
            }
        }
    }
    let mut types = FxHashSet::default();
    for t in &m.event_types {
        if !types.insert(t.id.as_str()) {
            cx.out.push(manifest_finding(
                t.origin,
                format!("event type `{}` is defined twice", t.id),
            ));
        }
    }
}

fn manifest_finding(at: Option<Origin>, message: String) -> Finding {
    Finding {
        field: None,
        severity: Severity::Error,
        at,
        record: None,
        message,
        related: None,
    }
}

/// Malformed and duplicate ids, across all kinds.
fn check_ids<'a>(ds: &'a Dataset, stop: &AtomicBool) -> (Vec<Finding>, FirstUse<'a>) {
    let mut out = Vec::new();
    let mut first = FirstUse::new(ds);
    for place in first.places() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let Some(Place {
            kind, id, origin, ..
        }) = first.at(place)
        else {
            break;
        };
        if !is_valid_id(id) {
            out.push(Finding::new(
                Severity::Error,
                kind,
                id,
                origin,
                format!(
                    "id `{id}` is not valid: use letters, digits, `_`, `-`, `.` or `:`, no spaces"
                ),
            ));
        }
        if let Some(other) = first.first_or_keep(id, place) {
            let mut f = Finding::new(
                Severity::Error,
                kind,
                id,
                origin,
                format!("duplicate id `{id}`: already used by {}", other.kind.noun()),
            );
            f.related = other.origin;
            out.push(f);
        }
    }
    (out, first)
}

fn check_claim(c: &Claim, cx: &mut Ctx<'_>) {
    let (k, id, at) = (Kind::Claim, c.id.as_str(), c.origin);
    if cx.vocabulary_known {
        let known = cx.metrics.contains(c.metric);
        cx.reference(k, id, at, "metric", &c.metric, known, "metric");
    }
    let known = cx.actors.contains(c.subject);
    cx.reference(k, id, at, "subject", &c.subject, known, "actor");
    let known = cx.actors.contains(c.claimant);
    cx.reference(k, id, at, "claimant", &c.claimant, known, "actor");
    if let Some(via) = &c.via {
        let known = cx.actors.contains(*via);
        cx.reference(k, id, at, "via", via, known, "actor");
    }
    if let Some(ev) = &c.event {
        let known = cx.events.contains(ev.as_str());
        cx.reference(k, id, at, "event", ev, known, "event");
    }
    for s in &c.sources {
        let known = cx.sources.contains(s.source);
        cx.reference(k, id, at, "source", &s.source, known, "source");
    }
    if c.sources.is_empty() {
        cx.push(
            Severity::Warning,
            k,
            id,
            at,
            "the claim cites no source".into(),
        );
    }
    for p in c.value.problems() {
        cx.push(Severity::Error, k, id, at, format!("value: {p}"));
    }
    cx.date(k, id, at, "stated_on", &c.stated_on);
    if let Some(r) = &c.refers_to {
        cx.date(k, id, at, "refers_to", r);
        if c.scope == Scope::Cumulative
            && let (Some(stated), Some(refers)) = (c.stated_on.valid(), r.valid())
            && refers.earliest() > stated.latest()
        {
            cx.push(
                Severity::Warning,
                k,
                id,
                at,
                format!(
                    "a cumulative figure stated on {} refers to {}, which is later",
                    stated.display(),
                    refers.display()
                ),
            );
        }
    }
    if let Some(cred) = c.credibility
        && !(1..=6).contains(&cred)
    {
        cx.push_at(
            Severity::Error,
            k,
            id,
            at,
            "credibility",
            format!("credibility {cred} is not between 1 and 6"),
        );
    }
    for (field, problem) in c.value.unread() {
        cx.push_at(Severity::Error, k, id, at, field, problem);
    }
    cx.text(k, id, at, "notes", &c.notes);
    for s in &c.sources {
        cx.text(k, id, at, "quote", &s.quote);
        cx.text(k, id, at, "translation", s.translation());
    }
    if c.rank == Rank::Deprecated && c.rank_reason.is_none() {
        cx.push(
            Severity::Error,
            k,
            id,
            at,
            "a deprecated claim needs a rank_reason (superseded, retracted, misattributed, error_in_source, ...)".into(),
        );
    }
    if let Some(sup) = &c.supersedes {
        check_supersedes(c, sup, cx);
    }
}

fn check_supersedes(c: &Claim, sup: &str, cx: &mut Ctx<'_>) {
    let (k, id, at) = (Kind::Claim, c.id.as_str(), c.origin);
    if sup == c.id {
        cx.push(
            Severity::Error,
            k,
            id,
            at,
            "the claim supersedes itself".into(),
        );
        return;
    }
    let Some(old) = cx.claims.get(sup) else {
        cx.reference(k, id, at, "supersedes", sup, false, "claim");
        return;
    };
    if old.claimant != c.claimant {
        cx.push(
            Severity::Error,
            k,
            id,
            at,
            format!(
                "supersedes `{sup}`, a claim of `{}`, not of the same claimant `{}`",
                old.claimant, c.claimant
            ),
        );
    }
    if let (Some(new), Some(prev)) = (c.stated_on.valid(), old.stated_on.valid())
        && prev.earliest() > new.latest()
    {
        cx.push(
            Severity::Error,
            k,
            id,
            at,
            format!(
                "supersedes `{sup}`, which was stated later ({} after {})",
                prev.display(),
                new.display()
            ),
        );
    }
    if old.metric != c.metric {
        cx.push(
            Severity::Warning,
            k,
            id,
            at,
            format!(
                "supersedes `{sup}`, which counts `{}`, not `{}`",
                old.metric, c.metric
            ),
        );
    }
}

/// What claims are grouped by for the sums: claimant, subject, the statement date's first and
/// last day, metric (interned names: keys compare by pointer).
type SumKey = (Sym, Sym, Day, Day, Sym);

fn sum_key(c: &Claim) -> Option<SumKey> {
    let stated = c.stated_on.valid()?;
    Some((
        c.claimant,
        c.subject,
        stated.earliest(),
        stated.latest(),
        c.metric,
    ))
}

/// The claims that can disagree about a sum, in groups of one [`SumKey`]: a table of each
/// group's first and last claim (the key read from the claims) and, per claim, the next of
/// its group — ~14 MB at a million claims, where a map from keys to lists of claims took
/// ~35 MB at every run of the checks.
struct SumGroups<'a> {
    claims: &'a [Claim],
    table: HashTable<(u32, u32)>,
    next: Vec<u32>,
}

impl<'a> SumGroups<'a> {
    /// Ends a group's chain of claims.
    const END: u32 = u32::MAX;

    fn new(claims: &'a [Claim]) -> SumGroups<'a> {
        SumGroups {
            claims,
            table: HashTable::new(),
            next: vec![Self::END; claims.len()],
        }
    }

    fn hash(key: &SumKey) -> u64 {
        FxBuildHasher.hash_one(key)
    }

    fn key_at(claims: &[Claim], i: u32) -> Option<SumKey> {
        claims.get(i as usize).and_then(sum_key)
    }

    /// Puts claim `i` (whose key is `key`) last in its group; true when it starts the group.
    fn add(&mut self, key: SumKey, i: u32) -> bool {
        let claims = self.claims;
        let hash = Self::hash(&key);
        let same = |&(first, _): &(u32, u32)| Self::key_at(claims, first) == Some(key);
        if let Some((_, last)) = self.table.find_mut(hash, same) {
            if let Some(link) = self.next.get_mut(*last as usize) {
                *link = i;
            }
            *last = i;
            return false;
        }
        let rehash =
            |&(first, _): &(u32, u32)| Self::key_at(claims, first).map_or(0, |k| Self::hash(&k));
        self.table.insert_unique(hash, (i, i), rehash);
        true
    }

    /// The first claim of the group with this key.
    fn first(&self, key: &SumKey) -> Option<&'a Claim> {
        let same =
            |&(first, _): &(u32, u32)| Self::key_at(self.claims, first).as_ref() == Some(key);
        let &(first, _) = self.table.find(Self::hash(key), same)?;
        self.claims.get(first as usize)
    }

    /// The claims of the group that claim `first` starts, in the dataset's order.
    fn members(&self, first: u32) -> impl Iterator<Item = &'a Claim> + '_ {
        std::iter::successors(Some(first), |&i| {
            self.next
                .get(i as usize)
                .copied()
                .filter(|&n| n != Self::END)
        })
        .filter_map(|i| self.claims.get(i as usize))
    }
}

/// For one claimant, subject and statement date: do the parts of a combined metric add up to
/// what the combined figure allows?
fn check_sums(ds: &Dataset, stop: &AtomicBool) -> Vec<Finding> {
    let mut out = Vec::new();
    let combined: Vec<_> = ds
        .manifest
        .metrics
        .iter()
        .filter(|m| !m.parts.is_empty())
        .collect();
    if combined.is_empty() {
        return out;
    }
    // The groups, and the first claim of each group of a combined metric, in the order met
    // (hashed: a sorted map's string comparisons cost most of the checks at a million claims).
    let mut groups = SumGroups::new(&ds.claims);
    let mut sums: Vec<u32> = Vec::new();
    // Only claims of combined metrics and of their parts can disagree about a sum.
    let relevant =
        Names::of(combined.iter().flat_map(|m| {
            std::iter::once(m.id.as_str()).chain(m.parts.iter().map(String::as_str))
        }));
    for (i, c) in ds
        .claims
        .iter()
        .enumerate()
        .take_while(|_| !stop.load(Ordering::Relaxed))
    {
        if !relevant.contains(c.metric) {
            continue;
        }
        let Some(key) = sum_key(c) else {
            continue;
        };
        if c.rank == Rank::Deprecated || c.value.interval().is_none() {
            continue;
        }
        let Ok(i) = u32::try_from(i) else {
            break;
        };
        if groups.add(key, i) && combined.iter().any(|m| m.id == c.metric) {
            sums.push(i);
        }
    }
    for &first in &sums {
        let Some((claimant, subject, from, to, metric)) = SumGroups::key_at(&ds.claims, first)
        else {
            continue;
        };
        let Some(m) = combined.iter().find(|m| m.id == metric) else {
            continue;
        };
        let mut lo: u64 = 0;
        let mut hi: Option<u64> = Some(0);
        let mut parts_seen = Vec::new();
        for part in &m.parts {
            // Several claims for one part on one day: take the first; they are checked as
            // separate claims elsewhere.
            let Some(pc) = groups.first(&(claimant, subject, from, to, Sym::new(part))) else {
                hi = None;
                continue;
            };
            let Some((plo, phi)) = pc.value.interval() else {
                continue;
            };
            lo = lo.saturating_add(plo);
            hi = match (hi, phi) {
                (Some(a), Some(b)) => Some(a.saturating_add(b)),
                _ => None,
            };
            parts_seen.push(pc);
        }
        if parts_seen.is_empty() {
            continue;
        }
        for c in groups.members(first) {
            let Some((clo, chi)) = c.value.interval() else {
                continue;
            };
            let too_low = hi.is_some_and(|h| h < clo);
            let too_high = chi.is_some_and(|h| lo > h);
            if too_low || too_high {
                let parts: Vec<String> = parts_seen
                    .iter()
                    .map(|p| format!("{} {} (`{}`)", p.metric, p.value.stated(), p.id))
                    .collect();
                let sum = match hi {
                    Some(h) if h == lo => thousands(lo),
                    Some(h) => format!("{}–{}", thousands(lo), thousands(h)),
                    None => format!("at least {}", thousands(lo)),
                };
                out.push(Finding::new(
                    Severity::Warning,
                    Kind::Claim,
                    &c.id,
                    c.origin,
                    format!(
                        "{} {} contradicts the same claimant's parts on the same date: {} — together {sum}",
                        c.metric,
                        c.value.stated(),
                        parts.join(" + ")
                    ),
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        Actor, ActorKind, Citation, Event, Manifest, Metric, Qualifier, RankReason, Source, Term,
        Value,
    };

    fn actor(id: &str) -> Actor {
        Actor::new(id, &id.to_uppercase(), ActorKind::Government)
    }

    fn claim(id: &str, claimant: &str, metric: &str, value: Value, stated: &str) -> Claim {
        Claim {
            sources: vec![Citation {
                source: "src".into(),
                ..Citation::default()
            }],
            ..Claim::new(id, metric, "troops", claimant, value, DateText::new(stated))
        }
    }

    fn metric(id: &str, parts: &[&str]) -> Metric {
        Metric {
            id: id.into(),
            name: id.into(),
            parts: parts.iter().map(|p| p.to_string()).collect(),
            ..Metric::default()
        }
    }

    /// A small dataset with no problems at all.
    fn base() -> Dataset {
        Dataset {
            manifest: Manifest {
                format_version: FORMAT_VERSION,
                title: "t".into(),
                metrics: vec![
                    metric("killed", &[]),
                    metric("wounded", &[]),
                    metric("killed_or_wounded", &["killed", "wounded"]),
                ],
                event_types: vec![Term {
                    id: "battle".into(),
                    name: "Battle".into(),
                    ..Term::default()
                }],
                ..Manifest::default()
            },
            actors: vec![actor("nis"), actor("zelensky"), actor("troops")],
            sources: vec![Source {
                published: Some(DateText::new("2025-01-13")),
                ..Source::new("src", "A report")
            }],
            events: vec![Event {
                actors: vec!["troops".into()],
                ..Event::new("ev", DateText::new("2025-01"), "Something", "battle")
            }],
            claims: vec![
                claim(
                    "k1",
                    "nis",
                    "killed",
                    Value::new(Qualifier::Approx, 300),
                    "2025-01-13",
                ),
                claim(
                    "w1",
                    "nis",
                    "wounded",
                    Value::new(Qualifier::Approx, 2_700),
                    "2025-01-13",
                ),
            ],
            ..Dataset::default()
        }
    }

    fn findings(ds: &Dataset) -> Vec<Finding> {
        validate(ds, true)
    }

    /// Asserts exactly one finding of `severity` mentioning `needle`, about record `id`.
    fn assert_one(ds: &Dataset, severity: Severity, id: Option<&str>, needle: &str) {
        let all = findings(ds);
        let hits: Vec<_> = all.iter().filter(|f| f.message.contains(needle)).collect();
        assert_eq!(
            hits.len(),
            1,
            "expected one finding with {needle:?}, got {all:#?}"
        );
        assert_eq!(hits[0].severity, severity, "{:?}", hits[0]);
        assert_eq!(hits[0].record.as_ref().map(|r| r.1.as_str()), id);
    }

    #[test]
    fn checks_asked_to_stop_give_nothing_and_otherwise_give_what_validate_gives() {
        let mut ds = crate::synth::generate(crate::synth::Size {
            events: 50,
            claims: 3_000,
            seed: 4,
        });
        ds.claims[10].credibility = Some(9);
        ds.claims[2_900].id = ds.claims[2_901].id.clone();
        let all = validate(&ds, true);
        assert!(
            !all.is_empty(),
            "the generated dataset has findings to compare"
        );
        assert_eq!(
            validate_unless(&ds, true, &AtomicBool::new(false)),
            Some(all)
        );
        assert_eq!(validate_unless(&ds, true, &AtomicBool::new(true)), None);
    }

    #[test]
    fn the_base_dataset_is_clean() {
        assert_eq!(findings(&base()), vec![]);
    }

    #[test]
    fn duplicate_ids_across_kinds() {
        let mut ds = base();
        ds.claims[1].id = "k1".into();
        assert_one(
            &ds,
            Severity::Error,
            Some("k1"),
            "duplicate id `k1`: already used by claim",
        );
        let mut ds = base();
        ds.events[0].id = "nis".into();
        assert_one(&ds, Severity::Error, Some("nis"), "already used by actor");
    }

    #[test]
    fn each_later_use_of_an_id_points_at_the_first_whatever_their_kinds() {
        let mut ds = base();
        // Many records, so that the table of first uses holds more than a handful.
        let template = ds.claims[0].clone();
        for i in 0..2000 {
            let mut c = template.clone();
            c.id = format!("bulk{i}").into();
            ds.claims.push(c);
        }
        let at = |file: u32| {
            Some(Origin {
                file,
                line: 1,
                col: 1,
            })
        };
        ds.actors[0].origin = at(1);
        let shared = ds.actors[0].id.clone();
        ds.events[0].id = shared.to_string();
        ds.events[0].origin = at(2);
        let last = ds.claims.len() - 1;
        ds.claims[last].id = shared.as_str().into();
        ds.claims[last].origin = at(3);
        // A second pair, both claims, far apart.
        ds.claims[1].origin = at(4);
        ds.claims[1500].id = ds.claims[1].id.clone();
        ds.claims[1500].origin = at(5);
        let dups: Vec<_> = findings(&ds)
            .into_iter()
            .filter(|f| f.message.starts_with("duplicate id"))
            .map(|f| (f.at, f.related, f.message))
            .collect();
        let name = |kind: &str, id: &str| format!("duplicate id `{id}`: already used by {kind}");
        assert_eq!(
            dups,
            vec![
                (at(2), at(1), name("actor", &shared)),
                (at(5), at(4), name("claim", &ds.claims[1].id)),
                (at(3), at(1), name("actor", &shared)),
            ]
        );
    }

    #[test]
    fn malformed_ids() {
        let mut ds = base();
        ds.claims[0].id = "has space".into();
        assert_one(&ds, Severity::Error, Some("has space"), "is not valid");
        assert!(is_valid_id("nis-2025-01-13.killed:a_b"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("é"));
    }

    #[test]
    fn unknown_references() {
        type Change = Box<dyn Fn(&mut Dataset)>;
        let cases: Vec<(Change, &str)> = vec![
            (
                Box::new(|d| d.claims[0].claimant = "nobody".into()),
                "claimant `nobody` is not a known actor",
            ),
            (
                Box::new(|d| d.claims[0].subject = "nobody".into()),
                "subject `nobody` is not a known actor",
            ),
            (
                Box::new(|d| d.claims[0].via = Some("nobody".into())),
                "via `nobody` is not a known actor",
            ),
            (
                Box::new(|d| d.claims[0].metric = "eaten".into()),
                "metric `eaten` is not a known metric",
            ),
            (
                Box::new(|d| d.claims[0].event = Some("ev-x".into())),
                "event `ev-x` is not a known event",
            ),
            (
                Box::new(|d| d.claims[0].sources[0].source = "s-x".into()),
                "source `s-x` is not a known source",
            ),
            (
                Box::new(|d| d.claims[0].supersedes = Some("c-x".into())),
                "supersedes `c-x` is not a known claim",
            ),
        ];
        for (change, needle) in cases {
            let mut ds = base();
            change(&mut ds);
            assert_one(&ds, Severity::Error, Some("k1"), needle);
        }
        let mut ds = base();
        ds.events[0].event_type = "picnic".into();
        assert_one(
            &ds,
            Severity::Error,
            Some("ev"),
            "event_type `picnic` is not a known event type",
        );
        let mut ds = base();
        ds.events[0].actors.push("ghost".into());
        assert_one(
            &ds,
            Severity::Error,
            Some("ev"),
            "actor `ghost` is not a known actor",
        );
        let mut ds = base();
        ds.actors[0].part_of = Some("ghost".into());
        assert_one(&ds, Severity::Error, Some("nis"), "part_of `ghost`");
        let mut ds = base();
        ds.manifest.metrics[2].parts.push("missing".into());
        assert_one(
            &ds,
            Severity::Error,
            None,
            "has part `missing`, which is not a known metric",
        );
    }

    #[test]
    fn vocabulary_is_not_checked_without_a_manifest() {
        let mut ds = base();
        ds.claims[0].metric = "eaten".into();
        assert_eq!(validate(&ds, false), vec![]);
    }

    #[test]
    fn value_order_and_qualifier_fit() {
        let mut ds = base();
        ds.claims[0].value = Value::with(Qualifier::Range, None, Some(500), Some(400));
        assert_one(
            &ds,
            Severity::Error,
            Some("k1"),
            "low (500) is greater than high (400)",
        );
        let mut ds = base();
        ds.claims[0].value = Value::with(Qualifier::Approx, Some(300), Some(350), None);
        assert_one(
            &ds,
            Severity::Error,
            Some("k1"),
            "low (350) is greater than best (300)",
        );
        let mut ds = base();
        ds.claims[0].value = Value::with(Qualifier::None, Some(1), None, None);
        assert_one(&ds, Severity::Error, Some("k1"), "carries no number");
    }

    #[test]
    fn invalid_and_reversed_dates() {
        let mut ds = base();
        ds.claims[0].stated_on = DateText::new("2025-02-30");
        assert_one(
            &ds,
            Severity::Error,
            Some("k1"),
            "stated_on `2025-02-30` is not a valid date",
        );
        let mut ds = base();
        ds.claims[0].refers_to = Some(DateText::new("2025-03/2025-01"));
        assert_one(
            &ds,
            Severity::Error,
            Some("k1"),
            "refers_to `2025-03/2025-01` is not a valid date",
        );
        let mut ds = base();
        ds.events[0].date = DateText::new("2025-13");
        assert_one(&ds, Severity::Error, Some("ev"), "date `2025-13`");
        let mut ds = base();
        ds.sources[0].published = Some(DateText::new("yesterday"));
        assert_one(&ds, Severity::Error, Some("src"), "published `yesterday`");
    }

    #[test]
    fn deprecated_needs_a_reason() {
        let mut ds = base();
        ds.claims[0].rank = Rank::Deprecated;
        assert_one(
            &ds,
            Severity::Error,
            Some("k1"),
            "a deprecated claim needs a rank_reason",
        );
        ds.claims[0].rank_reason = Some(RankReason::Retracted);
        assert_eq!(findings(&ds), vec![]);
    }

    #[test]
    fn supersedes_must_be_an_earlier_claim_of_the_same_claimant() {
        let mut ds = base();
        ds.claims.push(claim(
            "z1",
            "zelensky",
            "killed",
            Value::new(Qualifier::Exact, 1),
            "2024-12-01",
        ));
        ds.claims[0].supersedes = Some("z1".into());
        assert_one(
            &ds,
            Severity::Error,
            Some("k1"),
            "not of the same claimant `nis`",
        );

        let mut ds = base();
        ds.claims.push(claim(
            "k0",
            "nis",
            "killed",
            Value::new(Qualifier::Exact, 100),
            "2025-02-01",
        ));
        ds.claims[0].supersedes = Some("k0".into());
        assert_one(&ds, Severity::Error, Some("k1"), "which was stated later");

        let mut ds = base();
        ds.claims[0].supersedes = Some("k1".into());
        assert_one(&ds, Severity::Error, Some("k1"), "supersedes itself");

        let mut ds = base();
        ds.claims.push(claim(
            "k0",
            "nis",
            "killed",
            Value::new(Qualifier::Exact, 100),
            "2024-12-19",
        ));
        ds.claims[0].supersedes = Some("k0".into());
        assert_eq!(findings(&ds), vec![]);

        // The earlier claim's id is an actor's too: the claim is still found (only the
        // duplicate id is reported, not an unknown or a foreign claim).
        let mut ds = base();
        ds.claims.push(claim(
            "zelensky",
            "nis",
            "killed",
            Value::new(Qualifier::Exact, 100),
            "2024-12-19",
        ));
        ds.claims[0].supersedes = Some("zelensky".into());
        let all = findings(&ds);
        assert_eq!(all.len(), 1, "{all:#?}");
        assert!(
            all[0].message.contains("duplicate id `zelensky`"),
            "{all:#?}"
        );
    }

    #[test]
    fn cumulative_claim_about_a_later_period_is_a_warning() {
        let mut ds = base();
        ds.claims[0].refers_to = Some(DateText::new("2025-03"));
        assert_one(&ds, Severity::Warning, Some("k1"), "which is later");
        ds.claims[0].scope = Scope::Period;
        assert_eq!(findings(&ds), vec![]);
    }

    #[test]
    fn parts_that_contradict_the_combined_figure_are_a_warning() {
        // NIS: about 300 killed + about 2,700 wounded = 2,700–3,300. "About 1,100 killed or
        // wounded" from the same claimant on the same day contradicts that.
        let mut ds = base();
        ds.claims.push(claim(
            "kw1",
            "nis",
            "killed_or_wounded",
            Value::new(Qualifier::Approx, 1_100),
            "2025-01-13",
        ));
        assert_one(
            &ds,
            Severity::Warning,
            Some("kw1"),
            "contradicts the same claimant's parts",
        );
        // "More than 3,000" is compatible with 2,700–3,300.
        ds.claims[2].value = Value::new(Qualifier::MoreThan, 3_000);
        assert_eq!(findings(&ds), vec![]);
        // Another claimant, or another day, is not compared.
        ds.claims[2].value = Value::new(Qualifier::Approx, 1_100);
        ds.claims[2].claimant = "zelensky".into();
        assert_eq!(findings(&ds), vec![]);
        // A single part larger than the combined figure is already a contradiction.
        let mut ds = base();
        ds.claims.remove(1);
        ds.claims.push(claim(
            "kw1",
            "nis",
            "killed_or_wounded",
            Value::new(Qualifier::AtMost, 100),
            "2025-01-13",
        ));
        assert_one(&ds, Severity::Warning, Some("kw1"), "together at least 270");
    }

    #[test]
    fn every_combined_claim_of_a_day_is_compared_with_the_first_claim_of_each_part() {
        // Three combined claims of one claimant and day among claims of other days; the
        // first and third contradict the parts (2,700–3,300), the second does not. A later
        // second "killed" claim of that day is not the one summed.
        let mut ds = base();
        for d in 1..=9 {
            let day = format!("2025-02-0{d}");
            ds.claims.push(claim(
                &format!("other{d}"),
                "nis",
                "killed_or_wounded",
                Value::new(Qualifier::Exact, 5),
                &day,
            ));
        }
        let combined = |id: &str, v: u64| {
            claim(
                id,
                "nis",
                "killed_or_wounded",
                Value::new(Qualifier::Approx, v),
                "2025-01-13",
            )
        };
        ds.claims.insert(0, combined("kw1", 1_100));
        ds.claims.push(combined("kw2", 3_000));
        let mut later = ds.claims[1].clone();
        later.id = "k-later".into();
        later.value = Value::new(Qualifier::Exact, 2_900);
        ds.claims.push(later);
        ds.claims.push(combined("kw3", 9_000));
        let hits: Vec<_> = findings(&ds)
            .into_iter()
            .filter(|f| f.message.contains("contradicts the same claimant's parts"))
            .map(|f| f.record.map(|r| r.1))
            .collect();
        assert_eq!(hits, vec![Some("kw1".to_string()), Some("kw3".to_string())]);
    }

    #[test]
    fn language_tags_are_checked_for_their_shape() {
        for ok in ["en", "uk", "ko", "pt-BR", "zh-Hant", "sr-Latn-RS", "yue"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["2024-11-26", "e", "english language", "en_", "en--US", ""] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn grading_colours_coordinates_and_sources() {
        let mut ds = base();
        ds.claims[0].credibility = Some(7);
        assert_one(
            &ds,
            Severity::Error,
            Some("k1"),
            "credibility 7 is not between 1 and 6",
        );
        let mut ds = base();
        ds.actors[0].color = "red".into();
        assert_one(&ds, Severity::Error, Some("nis"), "colour `red`");
        let mut ds = base();
        ds.events[0].place = Some(crate::model::Place {
            coordinates: Some((91.0, 0.0)),
            ..Default::default()
        });
        assert_one(
            &ds,
            Severity::Error,
            Some("ev"),
            "not a latitude and longitude",
        );
        let mut ds = base();
        ds.claims[0].sources.clear();
        assert_one(&ds, Severity::Warning, Some("k1"), "cites no source");
    }

    #[test]
    fn newer_format_versions_are_refused() {
        let mut ds = base();
        ds.manifest.format_version = FORMAT_VERSION + 1;
        assert_one(&ds, Severity::Error, None, "written by a newer Crosscheck");
    }
}
