//! UCDP's Georeferenced Event Dataset (GED) as CSV, row by row, columns matched by name (GED
//! releases rename and reorder them): an event per row (id `ucdp-ged-` + `id`), its
//! `date_start`–`date_end` as a partial date (one day, or an interval), the two sides as
//! actors, conflict and dyad as tags, the place with its precision — and UCDP's death estimate
//! as a claim *by UCDP*: `best`, with `low`–`high` as a range when they differ, for the
//! event's dates; the deaths of side A, side B, civilians and unknown as claims of the parts
//! of `killed` (`killed_side_a`, ...), so the sums-of-parts check and plot apply to them.
//!
//! `source_article`, `source_office`, `source_date` and `source_headline` become the
//! event's sources (one per article when UCDP lists several, `;`-separated). `source_original`
//! names who the articles say first gave the information (a ministry, local media): that is
//! the origin of the report, not a document, so it is kept in each article source's notes
//! and in the claim's notes ("Original source: ...").

use super::{Builder, Coverage, Importer, Row, region};
use crate::model::edit::AnyRecord;
use crate::model::{
    ActorKind, Citation, CitationExtra, Claim, DateText, Event, GeoPrecision, Place, Qualifier,
    Scope, Source, Sym, Value, ids,
};

/// The source every UCDP claim cites (the dataset itself).
pub const SOURCE_ID: &str = "ucdp-ged";
/// UCDP as a claimant.
pub const ACTOR_ID: &str = "ucdp";

/// The parts of `killed` in GED: column, metric id, metric name.
const PARTS: [(&str, &str, &str); 4] = [
    ("deaths_a", "killed_side_a", "Killed, side A"),
    ("deaths_b", "killed_side_b", "Killed, side B"),
    ("deaths_civilians", "killed_civilians", "Killed, civilians"),
    ("deaths_unknown", "killed_unknown", "Killed, unknown"),
];

#[derive(Default)]
pub struct Ucdp {
    covers: Coverage,
}

/// GED's `type_of_violence`.
fn violence(code: &str) -> Option<&'static str> {
    match code.trim() {
        "1" => Some("State-based conflict"),
        "2" => Some("Non-state conflict"),
        "3" => Some("One-sided violence"),
        _ => None,
    }
}

/// GED's `where_prec`: 1 the place, 2 within 25 km, 3 a district, 4 a region, 5 a linear
/// feature or an area of a region, 6 the country, 7 international waters or airspace.
fn where_precision(code: &str) -> Option<GeoPrecision> {
    match code.trim() {
        "1" => Some(GeoPrecision::Exact),
        "2" => Some(GeoPrecision::Settlement),
        "3" => Some(GeoPrecision::District),
        "4" | "5" => Some(GeoPrecision::Region),
        "6" => Some(GeoPrecision::Country),
        _ => None,
    }
}

fn side_kind(name: &str) -> ActorKind {
    if name.trim_start().starts_with("Government of") {
        ActorKind::Government
    } else if name.trim().eq_ignore_ascii_case("civilians") {
        ActorKind::Other("civilians".into())
    } else {
        ActorKind::ArmedForce
    }
}

impl Importer for Ucdp {
    fn required(&self) -> &'static [&'static str] {
        &["id", "date_start", "date_end", "best", "side_a", "side_b"]
    }

    fn row(&mut self, b: &mut Builder<'_>, row: &mut Row<'_>) {
        let ged_id = row.get("id").to_string();
        if ged_id.is_empty() {
            row.error("id", "id is empty: every GED event has one");
        }
        let event_id = format!("ucdp-ged-{}", ids::slug(&ged_id, 40));
        if !ged_id.is_empty()
            && let Some(first) = b.first_seen(&event_id, row.line)
        {
            row.error(
                "id",
                format!("id {ged_id} appears again (first on line {first}); this row is left out"),
            );
        }
        let start = row.day("date_start");
        let end = row.day("date_end");
        for c in ["date_start", "date_end"] {
            if row.get(c).is_empty() {
                row.error(c, format!("{c} is empty"));
            }
        }
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            row.error("date_end", format!("date_end {e} is before date_start {s}"));
        }
        let best = row.count("best");
        if row.get("best").is_empty() {
            row.error(
                "best",
                "best is empty: GED gives a best estimate for every event",
            );
        }
        let low = row.count("low");
        let high = row.count("high");
        if let (Some(b), Some(l), Some(h)) = (best, low, high)
            && !(l <= b && b <= h)
        {
            row.error(
                "low",
                format!("low {l}, best {b} and high {h} are not in order (low ≤ best ≤ high)"),
            );
        }
        let parts: Vec<Option<u64>> = PARTS.iter().map(|(c, _, _)| row.count(c)).collect();
        let lat = row.degrees("latitude", 90.0);
        let lon = row.degrees("longitude", 180.0);
        let vtype = row.get("type_of_violence").to_string();
        if !vtype.is_empty() && violence(&vtype).is_none() {
            row.error(
                "type_of_violence",
                format!("type_of_violence: `{vtype}` is not 1, 2 or 3"),
            );
        }
        let (Some(start), Some(end), Some(best)) = (start, end, best) else {
            return;
        };
        if row.has_errors() {
            return;
        }
        let country = row.get("country").to_string();
        self.covers.add(start, end, &country);
        let date = if start == end {
            start.format("%Y-%m-%d").to_string()
        } else {
            format!("{}/{}", start.format("%Y-%m-%d"), end.format("%Y-%m-%d"))
        };

        // The event.
        let type_id = b.event_type(
            violence(&vtype).unwrap_or("Organized violence"),
            "UCDP type of violence",
        );
        let dyad = row.get("dyad_name").to_string();
        let conflict = row.get("conflict_name").to_string();
        let place_name = row.get("where_description").to_string();
        let adm1 = row.get("adm_1").to_string();
        let side_a = row.get("side_a").to_string();
        let side_b = row.get("side_b").to_string();
        let who = if dyad.is_empty() {
            format!("{side_a} – {side_b}")
        } else {
            dyad.clone()
        };
        let title = match (place_name.is_empty(), adm1.is_empty()) {
            (false, _) => format!("{who}: {place_name}"),
            (true, false) => format!("{who}: {adm1}"),
            (true, true) => who,
        };
        let mut event = Event::new(&event_id, DateText::new(&date), &title, &type_id);
        let mut actors = Vec::new();
        for name in [&side_a, &side_b] {
            if let Some(id) = b.actor(name, || side_kind(name))
                && !actors.contains(&id)
            {
                actors.push(id);
            }
        }
        event.actors = actors.iter().map(Sym::from).collect();
        event.tags = [conflict, dyad]
            .into_iter()
            .filter(|t| !t.is_empty())
            .map(Sym::from)
            .collect();
        let adm2 = row.get("adm_2").to_string();
        let region = region(&adm1, &adm2);
        if !place_name.is_empty() || !region.is_empty() || !country.is_empty() || lat.is_some() {
            event.place = Some(Place {
                name: place_name.into(),
                region: region.into(),
                country: country.into(),
                coordinates: lat.zip(lon),
                precision: where_precision(row.get("where_prec")),
            });
        }
        let original = row.get("source_original").to_string();
        let mut cites = Vec::new();
        for source in articles(row, &original, &event_id) {
            cites.push(Citation {
                source: source.id.as_str().into(),
                ..Citation::default()
            });
            b.put(AnyRecord::Source(source));
        }
        event.sources = cites;

        b.export_source(
            SOURCE_ID,
            "UCDP Georeferenced Event Dataset (GED)",
            "Uppsala Conflict Data Program (UCDP)",
            "GED's event id",
        );
        let claimant = b.known_actor(
            ACTOR_ID,
            "Uppsala Conflict Data Program (UCDP)",
            &["UCDP"],
            ActorKind::Researcher,
        );
        let subject = b.all_parties();
        for (_, id, name) in PARTS {
            b.metric(id, name, "UCDP GED: deaths of one side of the dyad, of civilians, or of unknown affiliation in an event; the sides are named in the claim's notes");
        }
        b.metric_parts("killed", &PARTS.map(|(_, id, _)| id));

        // The claims: UCDP's estimate, and its parts.
        let stated_on = format!("{}/..", end.format("%Y-%m-%d"));
        let value = match (low, high) {
            (Some(l), Some(h)) if l != h => {
                Value::with(Qualifier::Range, Some(best), Some(l), Some(h))
            }
            _ => Value::with(Qualifier::Exact, Some(best), None, None),
        };
        let cite = Citation {
            source: SOURCE_ID.into(),
            extra: CitationExtra::new("", format!("id {ged_id}")),
            ..Citation::default()
        };
        let mut notes = format!("Side A: {side_a}. Side B: {side_b}.");
        if !original.is_empty() {
            notes.push_str(&format!(" Original source: {original}."));
        }
        let claim_for = |id: String, metric: &str, value: Value| {
            let mut c = Claim::new(
                &id,
                metric,
                &subject,
                &claimant,
                value,
                DateText::new(&stated_on),
            );
            c.scope = Scope::Period;
            c.refers_to = Some(DateText::new(&date));
            c.event = Some(event_id.as_str().into());
            c.sources = vec![cite.clone()];
            c.notes = notes.as_str().into();
            c
        };
        let total = claim_for(format!("{event_id}-deaths"), "killed", value);
        let part_claims: Vec<Claim> = PARTS
            .iter()
            .zip(&parts)
            .filter_map(|((column, metric, _), n)| {
                n.map(|n| {
                    let suffix = column.trim_start_matches("deaths_");
                    claim_for(
                        format!("{event_id}-deaths-{suffix}"),
                        metric,
                        Value::with(Qualifier::Exact, Some(n), None, None),
                    )
                })
            })
            .collect();
        b.put(AnyRecord::Event(event));
        b.put(AnyRecord::Claim(total));
        for c in part_claims {
            b.put(AnyRecord::Claim(c));
        }
    }

    fn missing(&self, b: &Builder<'_>) -> Vec<(String, String)> {
        self.covers.missing(b, "ucdp-ged-")
    }
}

/// The articles of a row as sources: GED lists several in one cell, `;`-separated, with
/// offices, dates and headlines in the same order when it gives them.
fn articles(row: &Row<'_>, original: &str, event_id: &str) -> Vec<Source> {
    let split = |c: &str| -> Vec<String> {
        row.get(c)
            .split(';')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let article = split("source_article");
    let office = split("source_office");
    let date = split("source_date");
    let headline = split("source_headline");
    let n = article.len().max(headline.len()).max(office.len());
    (0..n)
        .map(|i| {
            let title = headline
                .get(i)
                .or(article.get(i))
                .cloned()
                .unwrap_or_else(|| "Article cited by UCDP".into());
            let mut s = Source::new(&format!("{event_id}-source-{}", i + 1), &title);
            s.outlet = office.get(i).cloned().unwrap_or_default();
            s.published = date
                .get(i)
                .and_then(|d| super::parse_day(d))
                .map(|d| DateText::new(&d.format("%Y-%m-%d").to_string()));
            let mut notes = Vec::new();
            if let Some(a) = article.get(i)
                && headline.get(i).is_some()
            {
                notes.push(format!("As UCDP cites it: {a}"));
            }
            if !original.is_empty() {
                notes.push(format!(
                    "Original source (UCDP source_original): {original}"
                ));
            }
            s.notes = notes.join("\n");
            s
        })
        .collect()
}
