//! The rules a dataset must follow, shared by the window and `crosscheck check`: unique ids,
//! known references, well-formed values and dates, ranks with reasons, sound `supersedes`
//! chains, and sums of combined metrics that agree with their parts. Each finding points at
//! the record it is about (its [`Origin`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::date::{DateText, Day};
use super::record::{parse_color, Origin, FORMAT_VERSION};
use super::value::thousands;
use super::{Claim, Dataset, Kind, Rank, Scope};

/// How serious a finding is: errors make `check` fail, warnings only with `--strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
}

impl Finding {
    fn new(severity: Severity, kind: Kind, id: &str, at: Option<Origin>, message: String) -> Self {
        Finding {
            severity,
            at,
            record: Some((kind, id.to_string())),
            message,
            related: None,
        }
    }
}

/// Whether an id is well formed: ASCII letters, digits, `_`, `-`, `.` and `:`, not empty.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
}

struct Ctx<'a> {
    out: Vec<Finding>,
    actors: HashSet<&'a str>,
    sources: HashSet<&'a str>,
    events: HashSet<&'a str>,
    claims: HashMap<&'a str, &'a Claim>,
    metrics: HashSet<&'a str>,
    event_types: HashSet<&'a str>,
    /// False when the manifest could not be read: vocabulary references are then not checked.
    vocabulary_known: bool,
}

impl<'a> Ctx<'a> {
    fn push(&mut self, sev: Severity, kind: Kind, id: &str, at: Option<Origin>, msg: String) {
        self.out.push(Finding::new(sev, kind, id, at, msg));
    }

    fn date(&mut self, kind: Kind, id: &str, at: Option<Origin>, field: &str, date: &DateText) {
        if let Some(e) = date.error() {
            self.push(
                Severity::Error,
                kind,
                id,
                at,
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
    let mut cx = Ctx {
        out: Vec::new(),
        actors: ds.actors.iter().map(|a| a.id.as_str()).collect(),
        sources: ds.sources.iter().map(|s| s.id.as_str()).collect(),
        events: ds.events.iter().map(|e| e.id.as_str()).collect(),
        claims: ds.claims.iter().map(|c| (c.id.as_str(), c)).collect(),
        metrics: ds.manifest.metrics.iter().map(|m| m.id.as_str()).collect(),
        event_types: ds.manifest.event_types.iter().map(|t| t.id.as_str()).collect(),
        vocabulary_known: manifest_loaded,
    };
    check_manifest(ds, &mut cx, manifest_loaded);
    check_ids(ds, &mut cx);
    for a in &ds.actors {
        if let Some(p) = &a.part_of {
            let known = cx.actors.contains(p.as_str());
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
            cx.push(Severity::Error, Kind::Actor, &a.id, a.origin, "the actor has no name".into());
        }
    }
    for s in &ds.sources {
        for (field, date) in [("published", &s.published), ("accessed", &s.accessed)] {
            if let Some(d) = date {
                cx.date(Kind::Source, &s.id, s.origin, field, d);
            }
        }
    }
    for e in &ds.events {
        cx.date(Kind::Event, &e.id, e.origin, "date", &e.date);
        if cx.vocabulary_known {
            let known = cx.event_types.contains(e.event_type.as_str());
            cx.reference(Kind::Event, &e.id, e.origin, "event_type", &e.event_type, known, "event type");
        }
        for a in &e.actors {
            let known = cx.actors.contains(a.as_str());
            cx.reference(Kind::Event, &e.id, e.origin, "actor", a, known, "actor");
        }
        for c in &e.sources {
            let known = cx.sources.contains(c.source.as_str());
            cx.reference(Kind::Event, &e.id, e.origin, "source", &c.source, known, "source");
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
    for c in &ds.claims {
        check_claim(c, &mut cx);
    }
    check_sums(ds, &mut cx);
    cx.out
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
    let mut seen = HashSet::new();
    for metric in &m.metrics {
        let at = metric.origin;
        if !seen.insert(metric.id.as_str()) {
            cx.out.push(manifest_finding(at, format!("metric `{}` is defined twice", metric.id)));
        }
        for part in &metric.parts {
            if part == &metric.id {
                cx.out.push(manifest_finding(
                    at,
                    format!("metric `{}` names itself as a part", metric.id),
                ));
            } else if !cx.metrics.contains(part.as_str()) {
                cx.out.push(manifest_finding(at, format!(
                    "metric `{}` has part `{part}`, which is not a known metric",
                    metric.id
                )));
            }
        }
    }
    let mut types = HashSet::new();
    for t in &m.event_types {
        if !types.insert(t.id.as_str()) {
            cx.out.push(manifest_finding(t.origin, format!("event type `{}` is defined twice", t.id)));
        }
    }
}

fn manifest_finding(at: Option<Origin>, message: String) -> Finding {
    Finding {
        severity: Severity::Error,
        at,
        record: None,
        message,
        related: None,
    }
}

fn check_ids(ds: &Dataset, cx: &mut Ctx<'_>) {
    let mut first: HashMap<&str, (Kind, Option<Origin>)> = HashMap::new();
    let all = ds
        .actors
        .iter()
        .map(|r| (Kind::Actor, r.id.as_str(), r.origin))
        .chain(ds.sources.iter().map(|r| (Kind::Source, r.id.as_str(), r.origin)))
        .chain(ds.events.iter().map(|r| (Kind::Event, r.id.as_str(), r.origin)))
        .chain(ds.claims.iter().map(|r| (Kind::Claim, r.id.as_str(), r.origin)));
    for (kind, id, origin) in all {
        if !is_valid_id(id) {
            cx.push(
                Severity::Error,
                kind,
                id,
                origin,
                format!(
                    "id `{id}` is not valid: use letters, digits, `_`, `-`, `.` or `:`, no spaces"
                ),
            );
        }
        match first.get(id) {
            Some(&(other_kind, other_origin)) => {
                let mut f = Finding::new(
                    Severity::Error,
                    kind,
                    id,
                    origin,
                    format!("duplicate id `{id}`: already used by {}", other_kind.noun()),
                );
                f.related = other_origin;
                cx.out.push(f);
            }
            None => {
                first.insert(id, (kind, origin));
            }
        }
    }
}

fn check_claim(c: &Claim, cx: &mut Ctx<'_>) {
    let (k, id, at) = (Kind::Claim, c.id.as_str(), c.origin);
    if cx.vocabulary_known {
        let known = cx.metrics.contains(c.metric.as_str());
        cx.reference(k, id, at, "metric", &c.metric, known, "metric");
    }
    let known = cx.actors.contains(c.subject.as_str());
    cx.reference(k, id, at, "subject", &c.subject, known, "actor");
    let known = cx.actors.contains(c.claimant.as_str());
    cx.reference(k, id, at, "claimant", &c.claimant, known, "actor");
    if let Some(via) = &c.via {
        let known = cx.actors.contains(via.as_str());
        cx.reference(k, id, at, "via", via, known, "actor");
    }
    if let Some(ev) = &c.event {
        let known = cx.events.contains(ev.as_str());
        cx.reference(k, id, at, "event", ev, known, "event");
    }
    for s in &c.sources {
        let known = cx.sources.contains(s.source.as_str());
        cx.reference(k, id, at, "source", &s.source, known, "source");
    }
    if c.sources.is_empty() {
        cx.push(Severity::Warning, k, id, at, "the claim cites no source".into());
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
        cx.push(Severity::Error, k, id, at, format!("credibility {cred} is not between 1 and 6"));
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
        cx.push(Severity::Error, k, id, at, "the claim supersedes itself".into());
        return;
    }
    let Some(old) = cx.claims.get(sup).copied() else {
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
            format!("supersedes `{sup}`, which counts `{}`, not `{}`", old.metric, c.metric),
        );
    }
}

/// For one claimant, subject and statement date: do the parts of a combined metric add up to
/// what the combined figure allows?
fn check_sums(ds: &Dataset, cx: &mut Ctx<'_>) {
    let combined: Vec<_> = ds.manifest.metrics.iter().filter(|m| !m.parts.is_empty()).collect();
    if combined.is_empty() {
        return;
    }
    // (claimant, subject, stated earliest, stated latest, metric) -> claims
    type Key<'a> = (&'a str, &'a str, Day, Day, &'a str);
    let mut groups: BTreeMap<Key<'_>, Vec<&Claim>> = BTreeMap::new();
    for c in &ds.claims {
        let Some(stated) = c.stated_on.valid() else { continue };
        if c.rank == Rank::Deprecated || c.value.interval().is_none() {
            continue;
        }
        groups
            .entry((&c.claimant, &c.subject, stated.earliest(), stated.latest(), &c.metric))
            .or_default()
            .push(c);
    }
    for (&(claimant, subject, from, to, metric), claims) in &groups {
        let Some(m) = combined.iter().find(|m| m.id == metric) else { continue };
        let mut lo: u64 = 0;
        let mut hi: Option<u64> = Some(0);
        let mut parts_seen = Vec::new();
        for part in &m.parts {
            let Some(pc) = groups.get(&(claimant, subject, from, to, part.as_str())) else {
                hi = None;
                continue;
            };
            // Several claims for one part on one day: take the first; they are checked as
            // separate claims elsewhere.
            let Some((plo, phi)) = pc[0].value.interval() else { continue };
            lo = lo.saturating_add(plo);
            hi = match (hi, phi) {
                (Some(a), Some(b)) => Some(a.saturating_add(b)),
                _ => None,
            };
            parts_seen.push(pc[0]);
        }
        if parts_seen.is_empty() {
            continue;
        }
        for c in claims {
            let Some((clo, chi)) = c.value.interval() else { continue };
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
                cx.push(
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
                );
            }
        }
    }
}
