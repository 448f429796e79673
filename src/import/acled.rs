//! ACLED's CSV export, row by row: an event per row (id `acled-` + `event_id_cnty`), its
//! date with ACLED's time precision, type and sub-event type in the manifest's vocabulary,
//! actors matched by name or alias (created when missing), place, tags and notes — and
//! `fatalities` as a claim *by ACLED*: `at_least` the number, for the event's date.
//!
//! Why `at_least`: ACLED's codebook says its fatality figure is "the most conservative
//! estimate" its sources give — where reports differ it takes the lowest, and it never
//! codes more than its sources support. The figure is therefore a floor, not a best guess;
//! `approx` would claim more than ACLED does.
//!
//! ACLED's `source` names outlets, not documents (no title, date or address): they are kept
//! in the claim's notes, word for word. The claim cites the export itself (one source,
//! `acled-data`, with `event_id_cnty` as the locator) — the document the figure was read in.

use chrono::{Datelike, NaiveDate};

use super::{Builder, Coverage, Importer, Row, region};
use crate::model::edit::AnyRecord;
use crate::model::{
    ActorKind, Citation, CitationExtra, Claim, DateText, Event, GeoPrecision, Place, Qualifier,
    Scope, Sym, Value, ids,
};

/// The source every ACLED claim cites.
pub const SOURCE_ID: &str = "acled-data";
/// ACLED as a claimant.
pub const ACTOR_ID: &str = "acled";

#[derive(Default)]
pub struct Acled {
    /// The span of dates and the countries this file covers: an earlier ACLED event outside
    /// them is not "missing" from this export, only outside it.
    covers: Coverage,
}

/// The kind of actor an ACLED interaction code (`inter1`, `inter2`) names: numbers in older
/// exports, words in newer ones.
fn inter_kind(code: &str) -> ActorKind {
    let c = code.trim().to_ascii_lowercase();
    match c.as_str() {
        "1" | "state forces" => ActorKind::Military,
        "2"
        | "rebel groups"
        | "3"
        | "political militias"
        | "4"
        | "identity militias"
        | "8"
        | "external/other forces" => ActorKind::ArmedForce,
        "5" | "rioters" => ActorKind::Other("rioters".into()),
        "6" | "protesters" => ActorKind::Other("protesters".into()),
        "7" | "civilians" => ActorKind::Other("civilians".into()),
        _ => ActorKind::ArmedForce,
    }
}

/// The partial date of an ACLED date with its `time_precision` (1 day, 2 week, 3 month).
pub fn partial_date(day: NaiveDate, precision: u8) -> Option<String> {
    match precision {
        1 => Some(day.format("%Y-%m-%d").to_string()),
        // "Within the week": the ISO week (Monday to Sunday) that holds the date ACLED gives.
        2 => {
            let monday = day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
            let sunday = monday + chrono::Days::new(6);
            Some(format!(
                "{}/{}",
                monday.format("%Y-%m-%d"),
                sunday.format("%Y-%m-%d")
            ))
        }
        3 => Some(day.format("%Y-%m").to_string()),
        _ => None,
    }
}

/// ACLED's `geo_precision`: 1 the town itself, 2 near it or a part of a region, 3 a region.
fn geo_precision(code: &str) -> Option<GeoPrecision> {
    match code.trim().trim_end_matches(".0") {
        "1" => Some(GeoPrecision::Settlement),
        "2" => Some(GeoPrecision::District),
        "3" => Some(GeoPrecision::Region),
        _ => None,
    }
}

impl Importer for Acled {
    fn required(&self) -> &'static [&'static str] {
        &["event_id_cnty", "event_date", "event_type", "fatalities"]
    }

    fn row(&mut self, b: &mut Builder<'_>, row: &mut Row<'_>) {
        // Every cell is read and checked first; nothing is made from a row with an error.
        let acled_id = row.get("event_id_cnty").to_string();
        if acled_id.is_empty() {
            row.error(
                "event_id_cnty",
                "event_id_cnty is empty: ACLED gives every event one",
            );
        }
        let slug = ids::slug(&acled_id, 60);
        let event_id = format!("acled-{slug}");
        if !acled_id.is_empty()
            && let Some(first) = b.first_seen(&event_id, row.line)
        {
            row.error(
                "event_id_cnty",
                format!("event_id_cnty {acled_id} appears again (first on line {first}); this row is left out"),
            );
        }
        let day = row.day("event_date");
        if row.get("event_date").is_empty() {
            row.error("event_date", "event_date is empty");
        }
        let precision = match row.get("time_precision").trim_end_matches(".0") {
            "" | "1" => 1,
            "2" => 2,
            "3" => 3,
            other => {
                let other = other.to_string();
                row.error(
                    "time_precision",
                    format!(
                        "time_precision: `{other}` is not a precision code (1 day, 2 week, 3 month)"
                    ),
                );
                1
            }
        };
        let fatalities = row.count("fatalities");
        if row.get("fatalities").is_empty() {
            row.error(
                "fatalities",
                "fatalities is empty (write 0 for none reported)",
            );
        }
        let stated = {
            let text = row.get("timestamp").to_string();
            if text.is_empty() {
                None
            } else {
                match text
                    .parse::<i64>()
                    .ok()
                    .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
                {
                    Some(t) => Some(t.date_naive()),
                    None => {
                        row.error(
                            "timestamp",
                            format!("timestamp: `{text}` is not a Unix time (seconds since 1970)"),
                        );
                        None
                    }
                }
            }
        };
        let lat = row.degrees("latitude", 90.0);
        let lon = row.degrees("longitude", 180.0);
        let geo = row.get("geo_precision").to_string();
        if !geo.is_empty() && geo_precision(&geo).is_none() {
            row.warn(
                "geo_precision",
                format!(
                    "geo_precision: `{geo}` is not 1, 2 or 3; the place is kept without a precision"
                ),
            );
        }
        let (Some(day), Some(fatalities)) = (day, fatalities) else {
            return;
        };
        if row.has_errors() {
            return;
        }
        let Some(date) = partial_date(day, precision) else {
            return;
        };

        let country = row.get("country").to_string();
        self.covers.add(day, day, &country);

        // The event.
        let event_type_name = row.get("event_type").to_string();
        let sub = row.get("sub_event_type").to_string();
        let type_id = if sub.is_empty() {
            b.event_type(&event_type_name, "ACLED event type")
        } else {
            b.event_type(&sub, &format!("ACLED sub-event type, of {event_type_name}"))
        };
        let location = row.get("location").to_string();
        let admin1 = row.get("admin1").to_string();
        let what = if sub.is_empty() {
            &event_type_name
        } else {
            &sub
        };
        let title = match (location.is_empty(), admin1.is_empty()) {
            (false, _) => format!("{what} in {location}"),
            (true, false) => format!("{what} in {admin1}"),
            (true, true) => what.clone(),
        };
        let mut event = Event::new(&event_id, DateText::new(&date), &title, &type_id);
        event.description = row.get("notes").into();
        let mut actors = Vec::new();
        for (name, inter) in [("actor1", "inter1"), ("actor2", "inter2")] {
            let kind = inter_kind(row.get(inter));
            if let Some(id) = b.actor(row.get(name), || kind) {
                actors.push(id);
            }
        }
        for name in ["assoc_actor_1", "assoc_actor_2"] {
            let cell = row.get(name).to_string();
            for part in cell.split(';') {
                if let Some(id) = b.actor(part, || ActorKind::ArmedForce)
                    && !actors.contains(&id)
                {
                    actors.push(id);
                }
            }
        }
        event.actors = actors.iter().map(Sym::from).collect();
        let admin2 = row.get("admin2").to_string();
        let region = region(&admin1, &admin2);
        if !location.is_empty() || !region.is_empty() || !country.is_empty() || lat.is_some() {
            event.place = Some(Place {
                name: location.into(),
                region: region.into(),
                country: country.into(),
                coordinates: lat.zip(lon),
                precision: geo_precision(&geo),
            });
        }
        let mut tags: Vec<Sym> = row
            .get("tags")
            .split(';')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(Sym::new)
            .collect();
        if !row.get("civilian_targeting").is_empty() {
            tags.push("civilian targeting".into());
        }
        event.tags = tags;
        let cite = Citation {
            source: SOURCE_ID.into(),
            extra: CitationExtra::new("", acled_id.as_str()),
            ..Citation::default()
        };
        event.sources = vec![cite.clone()];

        // The source, the claimant and the subject, made once.
        b.export_source(
            SOURCE_ID,
            "ACLED data export",
            "Armed Conflict Location & Event Data (ACLED)",
            "ACLED's event_id_cnty",
        );
        let claimant = b.known_actor(
            ACTOR_ID,
            "Armed Conflict Location & Event Data (ACLED)",
            &["ACLED"],
            ActorKind::Researcher,
        );
        let subject = b.all_parties();

        // The claim: ACLED's figure for the event.
        let stated_on = match stated {
            Some(d) => d.format("%Y-%m-%d").to_string(),
            // Stated some time after the event: an interval open at the end.
            None => format!("{}/..", DateText::new(&date).latest().iso()),
        };
        let mut claim = Claim::new(
            &format!("{event_id}-fatalities"),
            "killed",
            &subject,
            &claimant,
            Value::with(Qualifier::AtLeast, Some(fatalities), None, None),
            DateText::new(&stated_on),
        );
        claim.scope = Scope::Period;
        claim.refers_to = Some(DateText::new(&date));
        claim.event = Some(event_id.as_str().into());
        claim.sources = vec![cite];
        let outlets = row.get("source");
        if !outlets.is_empty() {
            let scale = row.get("source_scale");
            claim.notes = if scale.is_empty() {
                format!("ACLED's sources: {outlets}")
            } else {
                format!("ACLED's sources: {outlets} (scale: {scale})")
            }
            .into();
        }
        b.put(AnyRecord::Event(event));
        b.put(AnyRecord::Claim(claim));
    }

    fn missing(&self, b: &Builder<'_>) -> Vec<(String, String)> {
        self.covers.missing(b, "acled-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_precision_code_gives_its_partial_date() {
        let d = NaiveDate::from_ymd_opt(2024, 8, 15).unwrap(); // a Thursday
        assert_eq!(partial_date(d, 1).as_deref(), Some("2024-08-15"));
        assert_eq!(partial_date(d, 2).as_deref(), Some("2024-08-12/2024-08-18"));
        assert_eq!(partial_date(d, 3).as_deref(), Some("2024-08"));
        assert_eq!(partial_date(d, 4), None);
        for p in 1..=3 {
            let text = partial_date(d, p).unwrap();
            let parsed = DateText::new(&text);
            assert!(parsed.valid().is_some(), "{text}");
            assert!(parsed.earliest() <= crate::model::Day::from_date(d));
            assert!(parsed.latest() >= crate::model::Day::from_date(d));
        }
    }
}
