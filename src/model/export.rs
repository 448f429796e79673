//! The claim table: one row of plain text cells per claim, with the fixed columns of
//! `crosscheck export --claims-csv`. Writing the rows to a file is the store's job.

use super::date::{DateText, Day};
use super::{Claim, Dataset};

/// The header of the claims CSV, in order. Researchers' scripts depend on it: never reorder.
pub const CLAIMS_CSV_HEADER: [&str; 27] = [
    "claim_id",
    "metric",
    "subject",
    "claimant",
    "claimant_name",
    "via",
    "stated_on",
    "stated_on_earliest",
    "stated_on_latest",
    "refers_to",
    "refers_to_earliest",
    "refers_to_latest",
    "scope",
    "qualifier",
    "best",
    "low",
    "high",
    "reliability",
    "credibility",
    "rank",
    "rank_reason",
    "supersedes",
    "event_id",
    "source_ids",
    "quote",
    "method",
    "notes",
];

fn day(d: Day) -> String {
    d.iso()
}

fn date_cells(d: Option<&DateText>) -> [String; 3] {
    match d {
        None => Default::default(),
        Some(t) => match t.valid() {
            Some(p) => [p.text().to_string(), day(p.earliest()), day(p.latest())],
            None => [t.text().to_string(), String::new(), String::new()],
        },
    }
}

fn num(n: Option<u64>) -> String {
    n.map(|n| n.to_string()).unwrap_or_default()
}

/// One CSV row for a claim (cells in the order of [`CLAIMS_CSV_HEADER`]).
pub fn claim_row(ds: &Dataset, c: &Claim) -> Vec<String> {
    let [stated, stated_e, stated_l] = date_cells(Some(&c.stated_on));
    let [refers, refers_e, refers_l] = date_cells(c.refers_to.as_ref());
    let claimant_name = ds
        .actor(&c.claimant)
        .map(|a| a.name.clone())
        .unwrap_or_default();
    let source_ids: Vec<&str> = c.sources.iter().map(|s| s.source.as_str()).collect();
    let quotes: Vec<std::borrow::Cow<'_, str>> = c
        .sources
        .iter()
        .filter(|s| !s.quote.is_empty())
        .map(|s| s.quote.text())
        .collect();
    vec![
        c.id.to_string(),
        c.metric.as_str().to_owned(),
        c.subject.as_str().to_owned(),
        c.claimant.as_str().to_owned(),
        claimant_name,
        c.via.as_deref().unwrap_or_default().to_string(),
        stated,
        stated_e,
        stated_l,
        refers,
        refers_e,
        refers_l,
        c.scope.as_str().to_string(),
        c.value.qualifier.as_str().to_string(),
        num(c.value.best()),
        num(c.value.low()),
        num(c.value.high()),
        c.reliability
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        c.credibility.map(|n| n.to_string()).unwrap_or_default(),
        c.rank.as_str().to_string(),
        c.rank_reason
            .as_ref()
            .map(|r| r.as_str().to_string())
            .unwrap_or_default(),
        c.supersedes.as_deref().unwrap_or_default().to_string(),
        c.event.as_deref().unwrap_or_default().to_string(),
        source_ids.join(";"),
        quotes.join(" | "),
        c.method
            .as_ref()
            .map(|m| m.as_str().to_string())
            .unwrap_or_default(),
        c.notes.to_string(),
    ]
}
