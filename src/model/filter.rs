//! The one filter that drives every list (and later the plots): free text, a date range with
//! partial-date semantics, claimant, metric, event type, tag, rank and minimum grading — and
//! the prepared lowercase search text that makes free-text filtering cheap.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::columns::{self, Columns};
use super::date::{DateError, DateText, Day, PartialDate};
use super::{Claim, Dataset, Rank, Reliability};

/// What the researcher asked to see. Serialized into the window's preferences.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Words that must all appear (case-insensitive) in the record's text.
    pub text: String,
    /// Start of the date range, a partial date (`2024-12`).
    pub from: String,
    /// End of the date range, a partial date.
    pub to: String,
    /// An actor id: claims by it (or relayed by it), events it takes part in.
    pub claimant: Option<String>,
    pub metric: Option<String>,
    pub event_type: Option<String>,
    pub tag: Option<String>,
    /// Deprecated claims are hidden unless this is set.
    pub show_deprecated: bool,
    /// Only claims graded at least this reliable (A is best).
    pub min_reliability: Option<Reliability>,
    /// Only claims graded at least this credible (1 is best).
    pub min_credibility: Option<u8>,
}

/// The parsed date range of a filter: inclusive day bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub from: Day,
    pub to: Day,
}

impl Filter {
    /// True when the filter shows everything but deprecated claims.
    pub fn is_default(&self) -> bool {
        *self == Filter::default()
    }

    /// The date range: from the earliest day of `from` to the latest day of `to`. An empty
    /// side is open. An invalid side is an error naming it (`from` or `to`).
    pub fn range(&self) -> Result<Range, (&'static str, DateError)> {
        let side = |text: &str,
                    name: &'static str|
         -> Result<Option<PartialDate>, (&'static str, DateError)> {
            if text.trim().is_empty() {
                Ok(None)
            } else {
                PartialDate::parse(text).map(Some).map_err(|e| (name, e))
            }
        };
        let from = side(&self.from, "from")?;
        let to = side(&self.to, "to")?;
        Ok(Range {
            from: from.map_or(Day::MIN, |d| d.earliest()),
            to: to.map_or(Day::MAX, |d| d.latest()),
        })
    }
}

/// Lowercased search text for every record, built once per version of the dataset.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex {
    /// The claims' metric, claimant and superseded columns.
    pub columns: Columns,
    pub claims: Vec<String>,
    pub events: Vec<String>,
    pub sources: Vec<String>,
    pub actors: Vec<String>,
}

fn push(out: &mut String, s: &str) {
    if !s.is_empty() {
        out.push_str(&s.to_lowercase());
        out.push('\n');
    }
}

impl SearchIndex {
    pub fn build(ds: &Dataset) -> SearchIndex {
        let actor_text: HashMap<&str, String> = ds
            .actors
            .iter()
            .map(|a| {
                let mut s = String::new();
                push(&mut s, &a.name);
                for alias in &a.aliases {
                    push(&mut s, alias);
                }
                (a.id.as_str(), s)
            })
            .collect();
        let metric_names: HashMap<&str, &str> = ds
            .manifest
            .metrics
            .iter()
            .map(|m| (m.id.as_str(), m.name.as_str()))
            .collect();
        let event_titles: HashMap<&str, &str> = ds
            .events
            .iter()
            .map(|e| (e.id.as_str(), e.title.as_str()))
            .collect();
        let actor = |id: &str| actor_text.get(id).map_or("", String::as_str).to_string();

        let claims = ds
            .claims
            .par_iter()
            .map(|c| {
                let mut s = String::new();
                push(&mut s, &c.id);
                push(&mut s, &c.metric);
                push(
                    &mut s,
                    metric_names.get(c.metric.as_str()).copied().unwrap_or(""),
                );
                s.push_str(&actor(&c.claimant));
                s.push_str(&actor(&c.subject));
                if let Some(v) = &c.via {
                    s.push_str(&actor(v));
                }
                for cit in &c.sources {
                    push(&mut s, &cit.quote);
                    push(&mut s, &cit.translation);
                }
                push(&mut s, &c.notes);
                push(&mut s, &c.value.stated());
                if let Some(e) = &c.event {
                    push(&mut s, event_titles.get(e.as_str()).copied().unwrap_or(""));
                }
                s
            })
            .collect();
        let events = ds
            .events
            .par_iter()
            .map(|e| {
                let mut s = String::new();
                push(&mut s, &e.id);
                push(&mut s, &e.title);
                push(&mut s, &e.description);
                if let Some(p) = &e.place {
                    push(&mut s, &p.name);
                    push(&mut s, &p.region);
                    push(&mut s, &p.country);
                }
                push(&mut s, &e.event_type);
                for t in &e.tags {
                    push(&mut s, t);
                }
                for a in &e.actors {
                    s.push_str(&actor(a));
                }
                for cit in &e.sources {
                    push(&mut s, &cit.quote);
                }
                push(&mut s, &e.notes);
                s
            })
            .collect();
        let sources = ds
            .sources
            .iter()
            .map(|x| {
                let mut s = String::new();
                for f in [&x.id, &x.title, &x.outlet, &x.author, &x.url, &x.notes] {
                    push(&mut s, f);
                }
                s
            })
            .collect();
        let actors = ds
            .actors
            .iter()
            .map(|a| {
                let mut s = actor(&a.id);
                for f in [&a.id, &a.country, &a.side, &a.notes] {
                    push(&mut s, f);
                }
                push(&mut s, a.kind.as_str());
                s
            })
            .collect();
        SearchIndex {
            columns: Columns::build(ds),
            claims,
            events,
            sources,
            actors,
        }
    }
}

/// The indices of the records a filter shows, per kind, in dataset order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub claims: Vec<usize>,
    pub events: Vec<usize>,
    pub sources: Vec<usize>,
    pub actors: Vec<usize>,
}

/// The words of the filter text, lowercased, each with a searcher prepared once (SIMD
/// substring search; a searcher built per record would cost more than the search).
fn words(text: &str) -> Vec<memchr::memmem::Finder<'static>> {
    text.split_whitespace()
        .map(|w| memchr::memmem::Finder::new(w.to_lowercase().as_bytes()).into_owned())
        .collect()
}

fn has_all(hay: &str, words: &[memchr::memmem::Finder<'_>]) -> bool {
    words.iter().all(|w| w.find(hay.as_bytes()).is_some())
}

fn overlaps(d: &DateText, r: Range) -> bool {
    d.valid().is_some_and(|d| d.overlaps(r.from, r.to))
}

/// Applies the filter. A date range that does not parse is treated as no range (the filter
/// bar shows the error).
pub fn apply(ds: &Dataset, index: &SearchIndex, f: &Filter) -> Shown {
    let w = words(&f.text);
    let range = f
        .range()
        .ok()
        .filter(|r| r.from != Day::MIN || r.to != Day::MAX);
    let event_ok: HashMap<&str, bool> = ds
        .events
        .iter()
        .map(|e| {
            let ok = f.event_type.as_ref().is_none_or(|t| &e.event_type == t)
                && f.tag.as_ref().is_none_or(|t| e.tags.contains(t));
            (e.id.as_str(), ok)
        })
        .collect();
    let by_event = f.event_type.is_some() || f.tag.is_some();

    let built;
    let cols = if index.columns.metric.len() == ds.claims.len() {
        &index.columns
    } else {
        built = Columns::build(ds);
        &built
    };
    // `Some(None)`: asked for, but no claim has it.
    let want_claimant = f.claimant.as_ref().map(|a| cols.claimant_of(a));
    let want_metric = f.metric.as_ref().map(|m| cols.metric_of(m));
    let by_claimant = |i: usize| match want_claimant {
        None => true,
        Some(None) => false,
        Some(Some(a)) => cols.claimant[i] == a || (a != columns::NONE && cols.via[i] == a),
    };
    let by_metric = |i: usize| match want_metric {
        None => true,
        Some(None) => false,
        Some(Some(m)) => cols.metric[i] == m,
    };
    let claim_ok = |i: usize, c: &Claim| {
        (f.show_deprecated || c.rank != Rank::Deprecated)
            && by_claimant(i)
            && by_metric(i)
            && (!by_event
                || c.event
                    .as_ref()
                    .is_some_and(|e| event_ok.get(e.as_str()) == Some(&true)))
            && f.min_reliability
                .is_none_or(|min| c.reliability.is_some_and(|r| r <= min))
            && f.min_credibility
                .is_none_or(|min| c.credibility.is_some_and(|n| n <= min))
            && range.is_none_or(|r| {
                overlaps(&c.stated_on, r) || c.refers_to.as_ref().is_some_and(|d| overlaps(d, r))
            })
    };
    let claims: Vec<usize> = ds
        .claims
        .par_iter()
        .enumerate()
        .filter(|(i, c)| {
            claim_ok(*i, c) && has_all(index.claims.get(*i).map_or("", String::as_str), &w)
        })
        .map(|(i, _)| i)
        .collect();

    // Events and sources connected to the claimant or metric through claims.
    let claim_scoped = f.claimant.is_some() || f.metric.is_some();
    let mut linked_events: HashSet<&str> = HashSet::new();
    let mut linked_sources: HashSet<&str> = HashSet::new();
    if claim_scoped {
        for (i, c) in ds.claims.iter().enumerate() {
            if by_claimant(i) && by_metric(i) {
                if let Some(e) = &c.event {
                    linked_events.insert(e);
                }
                linked_sources.extend(c.sources.iter().map(|s| s.source.as_str()));
            }
        }
    }
    let events = ds
        .events
        .par_iter()
        .enumerate()
        .filter(|(i, e)| {
            event_ok.get(e.id.as_str()) == Some(&true)
                && (!claim_scoped
                    || linked_events.contains(e.id.as_str())
                    || (f.metric.is_none()
                        && f.claimant.as_ref().is_some_and(|a| e.actors.contains(a))))
                && range.is_none_or(|r| overlaps(&e.date, r))
                && has_all(index.events.get(*i).map_or("", String::as_str), &w)
        })
        .map(|(i, _)| i)
        .collect();
    let sources = ds
        .sources
        .iter()
        .enumerate()
        .filter(|(i, s)| {
            (!claim_scoped || linked_sources.contains(s.id.as_str()))
                && range.is_none_or(|r| s.published.as_ref().is_some_and(|d| overlaps(d, r)))
                && has_all(index.sources.get(*i).map_or("", String::as_str), &w)
        })
        .map(|(i, _)| i)
        .collect();
    let actors = ds
        .actors
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            f.claimant.as_ref().is_none_or(|c| &a.id == c)
                && has_all(index.actors.get(*i).map_or("", String::as_str), &w)
        })
        .map(|(i, _)| i)
        .collect();
    Shown {
        claims,
        events,
        sources,
        actors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a claim matches, by the plain definition: every word appears, ignoring case, in
    /// one of the texts a researcher sees for it.
    fn plain_scan(ds: &Dataset, words: &[String]) -> Vec<usize> {
        let actor = |id: &str| -> Vec<String> {
            ds.actor(id)
                .map(|a| {
                    let mut v = vec![a.name.clone()];
                    v.extend(a.aliases.iter().cloned());
                    v
                })
                .unwrap_or_default()
        };
        ds.claims
            .iter()
            .enumerate()
            .filter(|(_, c)| c.rank != Rank::Deprecated)
            .filter(|(_, c)| {
                let mut texts = vec![c.id.clone(), c.metric.clone(), c.notes.clone()];
                texts.push(c.value.stated());
                if let Some(m) = ds.manifest.metrics.iter().find(|m| m.id == c.metric) {
                    texts.push(m.name.clone());
                }
                texts.extend(actor(&c.claimant));
                texts.extend(actor(&c.subject));
                if let Some(v) = &c.via {
                    texts.extend(actor(v));
                }
                for s in &c.sources {
                    texts.push(s.quote.clone());
                    texts.push(s.translation.clone());
                }
                if let Some(e) = c
                    .event
                    .as_ref()
                    .and_then(|e| ds.events.iter().find(|x| &x.id == e))
                {
                    texts.push(e.title.clone());
                }
                words.iter().all(|w| {
                    texts
                        .iter()
                        .any(|t| t.to_lowercase().contains(&w.to_lowercase()))
                })
            })
            .map(|(i, _)| i)
            .collect()
    }

    #[test]
    fn the_search_index_finds_what_a_plain_scan_finds() {
        let ds = crate::synth::generate(crate::synth::Size {
            events: 60,
            claims: 400,
            seed: 11,
        });
        let index = SearchIndex::build(&ds);
        let mut rng = fastrand::Rng::with_seed(3);
        let mut non_empty = 0;
        for _ in 0..300 {
            // Words cut from the records' own texts, in random case, one to three of them;
            // sometimes a word that appears nowhere.
            let n = rng.usize(1..=3);
            let words: Vec<String> = (0..n)
                .map(|_| {
                    let c = &ds.claims[rng.usize(..ds.claims.len())];
                    let source = match rng.u8(..5) {
                        0 => ds.actor_name(&c.claimant).to_string(),
                        1 => c.notes.clone(),
                        2 => c
                            .sources
                            .first()
                            .map(|s| s.quote.clone())
                            .unwrap_or_default(),
                        3 => c.id.clone(),
                        _ => "zqxj".to_string(),
                    };
                    let chars: Vec<char> = source.chars().collect();
                    if chars.is_empty() {
                        return "x".to_string();
                    }
                    let start = rng.usize(..chars.len());
                    let len = rng.usize(1..=6).min(chars.len() - start);
                    chars[start..start + len]
                        .iter()
                        .map(|ch| {
                            if rng.bool() {
                                ch.to_uppercase().next().unwrap_or(*ch)
                            } else {
                                *ch
                            }
                        })
                        .collect::<String>()
                })
                .filter(|w| !w.trim().is_empty() && !w.contains(char::is_whitespace))
                .collect();
            if words.is_empty() {
                continue;
            }
            let f = Filter {
                text: words.join(" "),
                ..Filter::default()
            };
            let got = apply(&ds, &index, &f).claims;
            let want = plain_scan(&ds, &words);
            assert_eq!(got, want, "{:?}", f.text);
            non_empty += usize::from(!want.is_empty());
        }
        assert!(
            non_empty > 100,
            "the queries mostly matched nothing: {non_empty}"
        );
    }
}
