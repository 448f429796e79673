//! A sheet of claims: the columns of `crosscheck export --claims-csv` (so that an export read
//! back gives the same claims), or a sheet with only some of them, matched by header name
//! (`--map HEADER=column` for others). Claimant, subject and via may be ids, names or
//! aliases: matched to actors, created when missing (and listed in the report). A row with a
//! `claim_id` of the dataset updates that claim; the sheet's empty cells keep what it has.
//!
//! The columns the export derives (`claimant_name`, `*_earliest`, `*_latest`) are not read
//! back, except `claimant_name` as the name of a claimant the dataset does not have yet.
//! Quotes come back one per cited source, as the export joins them (` | `).

use super::{Builder, Importer, Row};
use crate::model::edit::AnyRecord;
use crate::model::validate::is_valid_id;
use crate::model::{
    ActorKind, Citation, Claim, DateText, Kind, Method, Qualifier, Rank, RankReason, Reliability,
    Scope, Value, ids,
};

#[derive(Default)]
pub struct Claims;

fn date(row: &mut Row<'_>, name: &str) -> Option<DateText> {
    let text = row.get(name).to_string();
    if text.is_empty() {
        return None;
    }
    let d = DateText::new(&text);
    if let Some(e) = d.error() {
        row.error(name, format!("{name}: `{text}` is not a date: {e}"));
        return None;
    }
    Some(d)
}

/// The variant of `all` whose name (`as_str`) is `text`, in any case.
fn one_of<T: Copy>(
    row: &mut Row<'_>,
    name: &str,
    all: &[T],
    as_str: impl Fn(T) -> &'static str,
) -> Option<T> {
    let text = row.get(name).to_string();
    if text.is_empty() {
        return None;
    }
    let found = all
        .iter()
        .copied()
        .find(|v| as_str(*v).eq_ignore_ascii_case(&text));
    if found.is_none() {
        let names: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
        row.error(
            name,
            format!("{name}: `{text}` is not one of {}", names.join(", ")),
        );
    }
    found
}

fn rank_reason(text: &str) -> RankReason {
    match text.to_ascii_lowercase().as_str() {
        "superseded" => RankReason::Superseded,
        "retracted" => RankReason::Retracted,
        "misattributed" => RankReason::Misattributed,
        "error_in_source" => RankReason::ErrorInSource,
        "duplicate" => RankReason::Duplicate,
        "most_recent" => RankReason::MostRecent,
        _ => RankReason::Other(Box::new(text.to_string())),
    }
}

fn method(text: &str) -> Method {
    match text.to_ascii_lowercase().as_str() {
        "reported" => Method::Reported,
        "estimate" => Method::Estimate,
        "derived" => Method::Derived,
        "named_count" => Method::NamedCount,
        _ => Method::Other(Box::new(text.to_string())),
    }
}

impl Importer for Claims {
    fn required(&self) -> &'static [&'static str] {
        &["metric", "subject", "claimant", "stated_on"]
    }

    fn row(&mut self, b: &mut Builder<'_>, row: &mut Row<'_>) {
        let claim_id = row.get("claim_id").to_string();
        if !claim_id.is_empty() {
            if !is_valid_id(&claim_id) {
                row.error(
                    "claim_id",
                    format!("claim_id `{claim_id}` is not an id: use letters, digits, `_`, `-`, `.` or `:`, no spaces"),
                );
            } else if b.index_of(Kind::Claim, &claim_id).is_none() && b.id_taken(&claim_id) {
                row.error(
                    "claim_id",
                    format!("claim_id `{claim_id}` is already the id of another record"),
                );
            } else if let Some(first) = b.first_seen(&claim_id, row.line) {
                row.error(
                    "claim_id",
                    format!("claim_id `{claim_id}` appears again (first on line {first}); this row is left out"),
                );
            }
        }
        for c in ["metric", "subject", "claimant", "stated_on"] {
            if row.get(c).is_empty() {
                row.error(c, format!("{c} is empty"));
            }
        }
        let stated_on = date(row, "stated_on");
        let refers_to = date(row, "refers_to");
        let scope = one_of(
            row,
            "scope",
            &[Scope::Cumulative, Scope::Period, Scope::Snapshot],
            Scope::as_str,
        );
        let qualifier = one_of(row, "qualifier", &Qualifier::ALL, Qualifier::as_str);
        let best = row.count("best");
        let low = row.count("low");
        let high = row.count("high");
        let reliability = one_of(
            row,
            "reliability",
            &[
                Reliability::A,
                Reliability::B,
                Reliability::C,
                Reliability::D,
                Reliability::E,
                Reliability::F,
            ],
            Reliability::as_str,
        );
        let credibility = match row.get("credibility") {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(n) if (1..=6).contains(&n) => Some(n),
                _ => {
                    let t = t.to_string();
                    row.error(
                        "credibility",
                        format!("credibility: `{t}` is not a number from 1 to 6"),
                    );
                    None
                }
            },
        };
        let rank = one_of(
            row,
            "rank",
            &[Rank::Preferred, Rank::Normal, Rank::Deprecated],
            Rank::as_str,
        );
        let qualifier = qualifier.unwrap_or(match (best, low, high) {
            (Some(_), _, _) => Qualifier::Exact,
            (None, Some(_), Some(_)) => Qualifier::Range,
            _ => Qualifier::None,
        });
        if qualifier == Qualifier::None
            && row.get("qualifier").is_empty()
            && best.is_none()
            && (row.has_column("best") || row.has_column("qualifier"))
        {
            row.error(
                "best",
                "the row has no figure: give best (or low and high), or qualifier none or unknown",
            );
        }
        let value = Value::with(qualifier, best, low, high);
        if let Some(p) = value.problems().first() {
            let col = if row.get("qualifier").is_empty() {
                "best"
            } else {
                "qualifier"
            };
            row.error(col, format!("value: {p}"));
        }
        let Some(stated_on) = stated_on else {
            return;
        };
        if row.has_errors() {
            return;
        }

        let metric = b.metric_named(row.get("metric"));
        let subject = b
            .actor_named(row.get("subject"), "", ActorKind::ArmedForce)
            .unwrap_or_default();
        let claimant_name = row.get("claimant_name").to_string();
        let claimant = b
            .actor_named(row.get("claimant"), &claimant_name, ActorKind::Government)
            .unwrap_or_default();
        let via = b.actor_named(row.get("via"), "", ActorKind::Official);
        let mut claim = Claim::new("", &metric, &subject, &claimant, value, stated_on);
        claim.scope = scope.unwrap_or_default();
        claim.refers_to = refers_to;
        claim.via = via.map(Into::into);
        claim.reliability = reliability.or_else(|| {
            b.dataset()
                .actor(&claimant)
                .and_then(|a| a.default_reliability)
        });
        claim.credibility = credibility;
        claim.rank = rank.unwrap_or_default();
        let reason = row.get("rank_reason");
        claim.rank_reason = (!reason.is_empty()).then(|| rank_reason(reason));
        let supersedes = row.get("supersedes");
        claim.supersedes = (!supersedes.is_empty()).then(|| supersedes.into());
        let event = row.get("event_id").to_string();
        if !event.is_empty() {
            if b.index_of(Kind::Event, &event).is_none() && !b.id_taken(&event) {
                row.warn(
                    "event_id",
                    format!("event_id `{event}` is not an event of the dataset: kept, and `check` reports it until the event is added"),
                );
            }
            claim.event = Some(event.as_str().into());
        }
        let sources: Vec<String> = row
            .get("source_ids")
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        for s in &sources {
            if b.index_of(Kind::Source, s).is_none() && !b.id_taken(s) {
                row.warn(
                    "source_ids",
                    format!("source `{s}` is not a source of the dataset: kept, and `check` reports it until the source is added"),
                );
            }
        }
        let quotes: Vec<String> = row
            .get("quote")
            .split(" | ")
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_string)
            .collect();
        claim.sources = sources
            .iter()
            .map(|s| Citation {
                source: s.as_str().into(),
                ..Citation::default()
            })
            .collect();
        if claim.sources.is_empty() && !quotes.is_empty() {
            row.warn(
                "quote",
                "a quote without a source: kept in the claim's notes",
            );
        }
        if quotes.len() == claim.sources.len() {
            for (c, q) in claim.sources.iter_mut().zip(quotes) {
                c.quote = q.into();
            }
        } else if let Some(first) = claim.sources.first_mut() {
            first.quote = quotes.join(" | ").into();
        }
        let m = row.get("method");
        claim.method = (!m.is_empty()).then(|| method(m));
        let mut notes = row.get("notes").to_string();
        if claim.sources.is_empty() {
            let q = row.get("quote");
            if !q.is_empty() {
                if !notes.is_empty() {
                    notes.push('\n');
                }
                notes.push_str(&format!("Quote: {q}"));
            }
        }
        claim.notes = notes.into();
        claim.id = if claim_id.is_empty() {
            // Made from the row's cells: the same row imported again updates its claim
            // instead of adding it twice.
            let cells: Vec<&str> = row.cells.iter().map(str::trim).collect();
            let id = Builder::content_id(&ids::claim_readable(&claim), &cells.join("\u{1f}"));
            if b.index_of(Kind::Claim, &id).is_none() && b.id_taken(&id) {
                b.fresh_id(&ids::claim_readable(&claim)).into()
            } else {
                id.into()
            }
        } else {
            claim_id.into()
        };
        if let Some(first) = b.first_seen(&claim.id, row.line)
            && first != row.line
        {
            row.error(
                "claim_id",
                format!("the same claim as line {first}; this row is left out"),
            );
            return;
        }
        b.put(AnyRecord::Claim(claim));
    }
}
