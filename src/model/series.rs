//! The plot series, built from claims without any drawing library: one series per claimant
//! and metric, each claim a [`Mark`] with its date span, its figure or bound, its low–high
//! whisker, its kind (exact, approximate, lower or upper bound, range, no number) and its
//! style (deprecated, superseded, selected). Successive cumulative (and snapshot) claims of
//! one claimant are joined in date order. Also: sums of the parts of a combined metric, so
//! that a claimant's "300 killed + 2,700 wounded" stands beside others' "killed or wounded";
//! and min/max decimation for series with more marks than the plot has pixels.
//!
//! The window (egui_plot) and `crosscheck plot` (SVG, PNG) both draw from these series.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::columns::Columns;
use super::date::{DateText, Day};
use super::value::{Qualifier, thousands};
use super::{Claim, Dataset, Rank, Scope};

/// Which date of a claim the x axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum XAxis {
    /// The instant or period the figure describes (falls back to "stated on").
    #[default]
    RefersTo,
    /// When the claim was made.
    StatedOn,
}

impl XAxis {
    pub fn label(self) -> &'static str {
        match self {
            XAxis::RefersTo => "refers to",
            XAxis::StatedOn => "stated on",
        }
    }
}

/// How a mark is drawn: what kind of number the claim gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarkKind {
    /// An exact figure: a filled marker.
    Exact,
    /// "About", "nearly": a distinct (diamond) marker.
    Approx,
    /// "At least", "more than": an open marker with an upward arrow.
    LowerBound,
    /// "At most", "fewer than": an open marker with a downward arrow.
    UpperBound,
    /// Low–high only: a whisker without a central figure (or with it, when best is given).
    Range,
    /// No number: shown on the timeline, never as a zero.
    NoNumber,
}

/// One claim on the plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// Index of the claim in the dataset (for derived sums: the first part).
    pub claim: usize,
    /// First and last day of the chosen date, as day numbers.
    pub x0: f64,
    pub x1: f64,
    /// The figure or the bound; `None` for no number.
    pub y: Option<f64>,
    /// The whisker, when the claim gives low and high.
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub kind: MarkKind,
    pub deprecated: bool,
    /// A later claim of the same claimant replaces this one.
    pub superseded: bool,
    pub selected: bool,
    /// A sum of parts, not a claim as made.
    pub derived: bool,
    /// The parts a derived mark adds up (claim indices).
    pub parts: Vec<usize>,
}

impl Mark {
    /// The x at which the marker sits: the middle of the date span.
    pub fn x(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
}

/// All marks of one claimant for one metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub claimant: String,
    pub metric: String,
    /// Marks in date order.
    pub marks: Vec<Mark>,
    /// The path joining successive cumulative or snapshot claims, in date order.
    pub line: Vec<[f64; 2]>,
}

/// What to plot.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Request<'a> {
    /// Claims to consider (indices into the dataset's claims: the filtered ones).
    pub claims: &'a [usize],
    /// The metrics to plot.
    pub metrics: &'a [String],
    pub x: XAxis,
    /// Claimants left out (the legend's hidden ones).
    pub hidden: &'a [String],
    /// The selected claim, highlighted.
    pub selected: Option<usize>,
    /// Add sums of parts for combined metrics among `metrics`.
    pub sum_parts: bool,
}

/// The date span of a claim on the chosen axis, or `None` when it has no bounded date.
pub fn span(c: &Claim, x: XAxis) -> Option<(f64, f64)> {
    let date: &DateText = match x {
        XAxis::RefersTo => c
            .refers_to
            .as_ref()
            .filter(|d| d.valid().is_some())
            .unwrap_or(&c.stated_on),
        XAxis::StatedOn => &c.stated_on,
    };
    let d = date.valid()?;
    let (e, l) = (d.earliest(), d.latest());
    match (e.is_bounded(), l.is_bounded()) {
        (true, true) => Some((f64::from(e.0), f64::from(l.0))),
        (true, false) => Some((f64::from(e.0), f64::from(e.0))),
        (false, true) => Some((f64::from(l.0), f64::from(l.0))),
        (false, false) => None,
    }
}

/// The kind of mark a claim's value makes.
pub fn kind_of(q: Qualifier) -> MarkKind {
    match q {
        Qualifier::Exact => MarkKind::Exact,
        Qualifier::Approx => MarkKind::Approx,
        Qualifier::AtLeast | Qualifier::MoreThan => MarkKind::LowerBound,
        Qualifier::AtMost | Qualifier::FewerThan => MarkKind::UpperBound,
        Qualifier::Range => MarkKind::Range,
        Qualifier::Unknown | Qualifier::None => MarkKind::NoNumber,
    }
}

fn mark_of(
    ds: &Dataset,
    i: usize,
    x: XAxis,
    superseded: bool,
    selected: Option<usize>,
) -> Option<Mark> {
    let c = ds.claims.get(i)?;
    let (x0, x1) = span(c, x)?;
    let v = &c.value;
    let kind = kind_of(v.qualifier);
    let as_f = |n: Option<u64>| n.map(|n| n as f64);
    let y = match kind {
        MarkKind::NoNumber => None,
        MarkKind::Range => as_f(v.best()).or_else(|| match (v.low(), v.high()) {
            (Some(l), Some(h)) => Some((l as f64 + h as f64) / 2.0),
            _ => None,
        }),
        _ => as_f(v.figure()),
    };
    Some(Mark {
        claim: i,
        x0,
        x1,
        y,
        low: as_f(v.low()),
        high: as_f(v.high()),
        kind,
        deprecated: c.rank == Rank::Deprecated,
        superseded,
        selected: selected == Some(i),
        derived: false,
        parts: Vec::new(),
    })
}

/// Builds one series per claimant and metric from the requested claims.
pub fn build(ds: &Dataset, req: &Request<'_>) -> Vec<Series> {
    build_with(ds, req, &Columns::build(ds))
}

/// [`build`] with the claims' columns of this version of the dataset, built once.
pub fn build_with<'a>(ds: &'a Dataset, req: &Request<'_>, columns: &'a Columns) -> Vec<Series> {
    // A million claims pass through here on every filter change: the loop compares small
    // integers, and only plotted claims are read.
    let hidden: HashSet<&str> = req.hidden.iter().map(String::as_str).collect();
    let mut wanted = vec![false; columns.metrics.len()];
    for m in req.metrics {
        if let Some(i) = columns.metric_of(m) {
            wanted[i as usize] = true;
        }
    }
    let shown_claimant: Vec<bool> = columns
        .claimants
        .iter()
        .map(|c| !hidden.contains(c.as_str()))
        .collect();
    let plotted: Vec<usize> = req
        .claims
        .iter()
        .copied()
        .filter(|&i| {
            columns.metric.get(i).is_some_and(|&m| wanted[m as usize])
                && columns
                    .claimant
                    .get(i)
                    .is_some_and(|&c| shown_claimant[c as usize])
        })
        .collect();
    // Grouped by (claimant, metric) as integers, then named: a few hundred string keys
    // instead of one lookup by strings per mark.
    let marks: Vec<((u32, u32), Mark)> = plotted
        .par_iter()
        .filter_map(|&i| {
            let superseded = columns.superseded.get(i).copied().unwrap_or(false);
            mark_of(ds, i, req.x, superseded, req.selected)
                .map(|m| ((columns.claimant[i], columns.metric[i]), m))
        })
        .collect();
    let mut by_ix: FxHashMap<(u32, u32), Vec<Mark>> = FxHashMap::default();
    for (key, m) in marks {
        by_ix.entry(key).or_default().push(m);
    }
    let mut groups: BTreeMap<(&'a str, &'a str), Vec<Mark>> = BTreeMap::new();
    for ((claimant, metric), marks) in by_ix {
        let (Some(c), Some(m)) = (
            columns.claimants.get(claimant as usize),
            columns.metrics.get(metric as usize),
        ) else {
            continue;
        };
        groups.insert((c.as_str(), m.as_str()), marks);
    }
    if req.sum_parts {
        add_sums(ds, req, &hidden, columns, &mut groups);
    }
    let groups: Vec<((&str, &str), Vec<Mark>)> = groups.into_iter().collect();
    groups
        .into_par_iter()
        .map(|((claimant, metric), mut marks)| {
            marks.sort_by(|a, b| a.x().total_cmp(&b.x()).then(a.claim.cmp(&b.claim)));
            let line = join(ds, &marks);
            Series {
                claimant: claimant.to_string(),
                metric: metric.to_string(),
                marks,
                line,
            }
        })
        .collect()
}

/// The path through successive cumulative or snapshot claims (and sums of such parts) that carry
/// a number and are not deprecated, in date order.
fn join(ds: &Dataset, marks: &[Mark]) -> Vec<[f64; 2]> {
    marks
        .iter()
        .filter(|m| !m.deprecated && m.kind != MarkKind::NoNumber)
        // A sum of parts has the scope of its parts (its `claim` is the first of them).
        .filter(|m| {
            ds.claims
                .get(m.claim)
                .is_some_and(|c| c.scope != Scope::Period)
        })
        .filter_map(|m| m.y.map(|y| [m.x(), y]))
        .collect()
}

/// For each combined metric requested, the sum of the parts one claimant gave on one date,
/// as a derived mark in that claimant's series of the combined metric.
fn add_sums<'a>(
    ds: &'a Dataset,
    req: &Request<'_>,
    hidden: &HashSet<&str>,
    columns: &Columns,
    groups: &mut BTreeMap<(&'a str, &'a str), Vec<Mark>>,
) {
    for metric in ds.manifest.metrics.iter().filter(|m| !m.parts.is_empty()) {
        if !req.metrics.contains(&metric.id) {
            continue;
        }
        // The claims of the parts, found by comparing integers: metric index -> position
        // among the parts.
        let mut part_of = vec![None; columns.metrics.len()];
        for (k, p) in metric.parts.iter().enumerate() {
            if let Some(m) = columns.metric_of(p) {
                part_of[m as usize] = Some(k);
            }
        }
        // (claimant, subject, stated earliest, stated latest) -> each part's first claim
        type Key = (u32, u32, Day, Day);
        let mut by_date: FxHashMap<Key, Vec<Option<usize>>> = FxHashMap::default();
        for &i in req.claims {
            let Some(part) = columns.metric.get(i).and_then(|&m| part_of[m as usize]) else {
                continue;
            };
            let Some(c) = ds.claims.get(i) else { continue };
            if (!hidden.is_empty() && hidden.contains(c.claimant.as_str()))
                || c.rank == Rank::Deprecated
                || !c.value.qualifier.has_number()
            {
                continue;
            }
            let Some(d) = c.stated_on.valid() else {
                continue;
            };
            let slots = by_date
                .entry((
                    columns.claimant[i],
                    columns.subject[i],
                    d.earliest(),
                    d.latest(),
                ))
                .or_insert_with(|| vec![None; metric.parts.len()]);
            slots[part].get_or_insert(i);
        }
        // In a fixed order, whatever the hash map's.
        let mut complete: Vec<Vec<usize>> = by_date
            .into_values()
            .filter_map(|slots| slots.into_iter().collect::<Option<Vec<usize>>>())
            .collect();
        complete.sort_unstable();
        for idx in complete {
            let Some(claimant) = ds.claims.get(idx[0]).map(|c| c.claimant.as_str()) else {
                continue;
            };
            let claims: Vec<&Claim> = idx.iter().filter_map(|&i| ds.claims.get(i)).collect();
            let Some(first) = claims.first() else {
                continue;
            };
            let Some((x0, x1)) = span(first, req.x) else {
                continue;
            };
            let sum: f64 = claims
                .iter()
                .filter_map(|c| c.value.figure())
                .map(|n| n as f64)
                .sum();
            let kinds: Vec<MarkKind> = claims.iter().map(|c| kind_of(c.value.qualifier)).collect();
            let kind = if kinds.contains(&MarkKind::LowerBound)
                && !kinds.contains(&MarkKind::UpperBound)
            {
                MarkKind::LowerBound
            } else if kinds.contains(&MarkKind::UpperBound)
                && !kinds.contains(&MarkKind::LowerBound)
            {
                MarkKind::UpperBound
            } else if kinds.iter().all(|k| *k == MarkKind::Exact) {
                MarkKind::Exact
            } else {
                MarkKind::Approx
            };
            groups
                .entry((claimant, metric.id.as_str()))
                .or_default()
                .push(Mark {
                    claim: idx[0],
                    x0,
                    x1,
                    y: Some(sum),
                    low: None,
                    high: None,
                    kind,
                    deprecated: false,
                    superseded: false,
                    selected: req.selected.is_some_and(|s| idx.contains(&s)),
                    derived: true,
                    parts: idx,
                });
        }
    }
}

/// The value of a derived mark as it reads: "≈ 3,000 (sum of killed ≈ 300 + wounded ≈ 2,700)".
pub fn describe_sum(ds: &Dataset, m: &Mark) -> String {
    let parts: Vec<String> = m
        .parts
        .iter()
        .filter_map(|&i| ds.claims.get(i))
        .map(|c| format!("{} {}", c.metric, c.value.stated()))
        .collect();
    let prefix = match m.kind {
        MarkKind::LowerBound => "at least ",
        MarkKind::UpperBound => "at most ",
        MarkKind::Approx => "≈ ",
        _ => "",
    };
    format!(
        "{prefix}{} (sum of {})",
        thousands(m.y.unwrap_or(0.0) as u64),
        parts.join(" + ")
    )
}

/// Keeps, for each of `columns` equal slices of `[x_min, x_max]`, the marks with the lowest
/// and the highest figure (and the selected one), so that a series never has more marks than
/// the plot has pixel columns and its extremes survive. Marks without a figure are kept one
/// per column. Order is preserved.
pub fn decimate(marks: &[Mark], x_min: f64, x_max: f64, columns: usize) -> Vec<Mark> {
    if marks.len() <= columns.saturating_mul(2) || columns == 0 || x_max <= x_min {
        return marks.to_vec();
    }
    let width = (x_max - x_min) / columns as f64;
    let col = |x: f64| (((x - x_min) / width).floor().max(0.0) as usize).min(columns - 1);
    // Per column: (index of min, index of max, index of a no-number mark)
    let mut keep: Vec<(Option<usize>, Option<usize>, Option<usize>)> =
        vec![(None, None, None); columns];
    for (i, m) in marks.iter().enumerate() {
        let slot = &mut keep[col(m.x())];
        match m.y {
            Some(y) => {
                if slot.0.is_none_or(|j| marks[j].y.is_some_and(|v| y < v)) {
                    slot.0 = Some(i);
                }
                if slot.1.is_none_or(|j| marks[j].y.is_some_and(|v| y > v)) {
                    slot.1 = Some(i);
                }
            }
            None => {
                slot.2.get_or_insert(i);
            }
        }
    }
    let mut wanted: Vec<usize> = keep
        .into_iter()
        .flat_map(|(a, b, c)| [a, b, c])
        .flatten()
        .chain(marks.iter().position(|m| m.selected))
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    wanted.into_iter().map(|i| marks[i].clone()).collect()
}

/// At most this many marks are drawn, over all series: beyond that, drawing would cost more
/// than a frame (each mark is a tessellated shape).
pub const MAX_MARKS: usize = 4_000;
/// At most this many line points are drawn, over all series.
pub const MAX_LINE_POINTS: usize = 16_000;

/// What [`thin`] left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Thinned {
    pub marks_before: usize,
    pub marks_after: usize,
}

/// Thins every series for drawing: more than `columns * 2` marks (or line points) become the
/// extremes of each of `columns` slices of the whole x range; and when all series together
/// still hold more than [`MAX_MARKS`] marks or [`MAX_LINE_POINTS`] line points, each series
/// gets fewer, wider slices, so that a plot of three hundred claimants stays one frame's work.
/// The selected mark always stays.
pub fn thin(series: &mut [Series], columns: usize) -> Thinned {
    let marks_before = series.iter().map(|s| s.marks.len()).sum();
    thin_each(series, columns, columns);
    let n = series.len().max(1);
    let marks: usize = series.iter().map(|s| s.marks.len()).sum();
    let points: usize = series.iter().map(|s| s.line.len()).sum();
    if marks > MAX_MARKS || points > MAX_LINE_POINTS {
        // Up to three marks and two line points per slice.
        let mark_cols = if marks > MAX_MARKS {
            (MAX_MARKS / (3 * n)).max(4)
        } else {
            columns
        };
        let line_cols = if points > MAX_LINE_POINTS {
            (MAX_LINE_POINTS / (2 * n)).max(4)
        } else {
            columns
        };
        thin_each(series, mark_cols, line_cols);
    }
    Thinned {
        marks_before,
        marks_after: series.iter().map(|s| s.marks.len()).sum(),
    }
}

fn thin_each(series: &mut [Series], columns: usize, line_columns: usize) {
    let (mut lo, mut hi) = (f64::MAX, f64::MIN);
    for m in series.iter().flat_map(|s| s.marks.iter()) {
        lo = lo.min(m.x0);
        hi = hi.max(m.x1);
    }
    if lo >= hi {
        return;
    }
    for s in series.iter_mut() {
        if s.marks.len() > columns * 2 {
            s.marks = decimate(&s.marks, lo, hi, columns);
        }
        if s.line.len() > line_columns * 2 {
            let columns = line_columns;
            let width = (hi - lo) / columns as f64;
            let col_of = |x: f64| ((x - lo) / width).floor().clamp(0.0, columns as f64 - 1.0);
            let mut out: Vec<[f64; 2]> = Vec::with_capacity(columns * 2);
            let mut i = 0;
            while i < s.line.len() {
                let col = col_of(s.line[i][0]);
                let mut j = i;
                let (mut min, mut max) = (i, i);
                while j < s.line.len() && col_of(s.line[j][0]) == col {
                    if s.line[j][1] < s.line[min][1] {
                        min = j;
                    }
                    if s.line[j][1] > s.line[max][1] {
                        max = j;
                    }
                    j += 1;
                }
                out.push(s.line[min.min(max)]);
                if min != max {
                    out.push(s.line[min.max(max)]);
                }
                i = j;
            }
            s.line = out;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Citation, Manifest, Metric, Value};

    fn claim(
        id: &str,
        claimant: &str,
        metric: &str,
        value: Value,
        stated: &str,
        refers: Option<&str>,
    ) -> Claim {
        Claim {
            refers_to: refers.map(DateText::new),
            sources: vec![Citation::default()],
            ..Claim::new(id, metric, "dprk", claimant, value, DateText::new(stated))
        }
    }

    fn v(q: Qualifier, best: Option<u64>, low: Option<u64>, high: Option<u64>) -> Value {
        Value::with(q, best, low, high)
    }

    fn ds(claims: Vec<Claim>) -> Dataset {
        Dataset {
            manifest: Manifest {
                metrics: vec![
                    Metric {
                        id: "killed".into(),
                        ..Metric::default()
                    },
                    Metric {
                        id: "wounded".into(),
                        ..Metric::default()
                    },
                    Metric {
                        id: "killed_or_wounded".into(),
                        parts: vec!["killed".into(), "wounded".into()],
                        ..Metric::default()
                    },
                ],
                ..Manifest::default()
            },
            claims,
            ..Dataset::default()
        }
    }

    fn day(s: &str) -> f64 {
        f64::from(DateText::new(s).earliest().0)
    }

    fn plot(ds: &Dataset, metrics: &[&str], sum_parts: bool) -> Vec<Series> {
        let all: Vec<usize> = (0..ds.claims.len()).collect();
        let metrics: Vec<String> = metrics.iter().map(|m| m.to_string()).collect();
        build(
            ds,
            &Request {
                claims: &all,
                metrics: &metrics,
                x: XAxis::RefersTo,
                hidden: &[],
                selected: None,
                sum_parts,
            },
        )
    }

    #[test]
    fn every_qualifier_makes_its_kind_of_mark() {
        let d = ds(vec![
            claim(
                "a",
                "x",
                "killed",
                Value::new(Qualifier::Exact, 10),
                "2025-01-01",
                None,
            ),
            claim(
                "b",
                "x",
                "killed",
                Value::new(Qualifier::Approx, 20),
                "2025-01-02",
                None,
            ),
            claim(
                "c",
                "x",
                "killed",
                Value::new(Qualifier::AtLeast, 30),
                "2025-01-03",
                None,
            ),
            claim(
                "d",
                "x",
                "killed",
                Value::new(Qualifier::MoreThan, 40),
                "2025-01-04",
                None,
            ),
            claim(
                "e",
                "x",
                "killed",
                Value::new(Qualifier::AtMost, 50),
                "2025-01-05",
                None,
            ),
            claim(
                "f",
                "x",
                "killed",
                Value::new(Qualifier::FewerThan, 60),
                "2025-01-06",
                None,
            ),
            claim(
                "g",
                "x",
                "killed",
                v(Qualifier::Range, None, Some(300), Some(350)),
                "2025-01-07",
                None,
            ),
            claim("h", "x", "killed", Value::none(), "2025-01-08", None),
        ]);
        let s = plot(&d, &["killed"], false);
        assert_eq!(s.len(), 1);
        let kinds: Vec<MarkKind> = s[0].marks.iter().map(|m| m.kind).collect();
        use MarkKind::*;
        assert_eq!(
            kinds,
            [
                Exact, Approx, LowerBound, LowerBound, UpperBound, UpperBound, Range, NoNumber
            ]
        );
        let ys: Vec<Option<f64>> = s[0].marks.iter().map(|m| m.y).collect();
        assert_eq!(
            ys[..6],
            [
                Some(10.0),
                Some(20.0),
                Some(30.0),
                Some(40.0),
                Some(50.0),
                Some(60.0)
            ]
        );
        // A range without best sits in the middle, its whisker spans low–high.
        assert_eq!(s[0].marks[6].y, Some(325.0));
        assert_eq!(
            (s[0].marks[6].low, s[0].marks[6].high),
            (Some(300.0), Some(350.0))
        );
        // No number is never a zero.
        assert_eq!(s[0].marks[7].y, None);
    }

    #[test]
    fn partial_dates_become_spans_from_earliest_to_latest_day() {
        let d = ds(vec![
            claim(
                "a",
                "x",
                "killed",
                Value::new(Qualifier::Exact, 1),
                "2025-03",
                Some("2025-01/2025-02"),
            ),
            claim(
                "b",
                "x",
                "killed",
                Value::new(Qualifier::Exact, 1),
                "2024-12-23",
                Some("2024-12-21/2024-12-31"),
            ),
            claim(
                "c",
                "x",
                "killed",
                Value::new(Qualifier::Exact, 1),
                "2025-03",
                Some("2025-04/.."),
            ),
            claim(
                "d",
                "x",
                "killed",
                Value::new(Qualifier::Exact, 1),
                "2025-03",
                Some("not a date"),
            ),
        ]);
        let s = plot(&d, &["killed"], false);
        let m = |id: &str| {
            s[0].marks
                .iter()
                .find(|m| d.claims[m.claim].id == id)
                .cloned()
                .expect("mark")
        };
        assert_eq!(
            (m("a").x0, m("a").x1),
            (day("2025-01-01"), day("2025-02-28"))
        );
        assert_eq!(
            (m("b").x0, m("b").x1),
            (day("2024-12-21"), day("2024-12-31"))
        );
        // An open end collapses to the known one.
        assert_eq!(
            (m("c").x0, m("c").x1),
            (day("2025-04-01"), day("2025-04-01"))
        );
        // An invalid "refers to" falls back to "stated on".
        assert_eq!(
            (m("d").x0, m("d").x1),
            (day("2025-03-01"), day("2025-03-31"))
        );
        // On the "stated on" axis, a uses its statement month.
        let all: Vec<usize> = (0..d.claims.len()).collect();
        let metrics = vec!["killed".to_string()];
        let stated = build(
            &d,
            &Request {
                claims: &all,
                metrics: &metrics,
                x: XAxis::StatedOn,
                ..Request::default()
            },
        );
        let a = stated[0].marks.iter().find(|m| m.claim == 0).expect("a");
        assert_eq!((a.x0, a.x1), (day("2025-03-01"), day("2025-03-31")));
    }

    #[test]
    fn successive_cumulative_claims_are_joined_in_date_order_and_periods_are_not() {
        let mut late = claim(
            "late",
            "nis",
            "killed",
            Value::new(Qualifier::Approx, 300),
            "2025-01-13",
            None,
        );
        late.supersedes = Some("early".into());
        let mut period = claim(
            "p",
            "nis",
            "killed",
            Value::new(Qualifier::AtLeast, 50),
            "2025-02-01",
            None,
        );
        period.scope = Scope::Period;
        let d = ds(vec![
            late,
            claim(
                "early",
                "nis",
                "killed",
                Value::new(Qualifier::AtLeast, 100),
                "2024-12-19",
                None,
            ),
            claim(
                "z",
                "zelensky",
                "killed",
                Value::new(Qualifier::Exact, 7),
                "2025-01-01",
                None,
            ),
            period,
            claim("none", "nis", "killed", Value::none(), "2025-01-20", None),
        ]);
        let s = plot(&d, &["killed"], false);
        assert_eq!(s.len(), 2, "one series per claimant");
        let nis = s.iter().find(|s| s.claimant == "nis").expect("nis");
        assert_eq!(
            nis.line,
            vec![[day("2024-12-19"), 100.0], [day("2025-01-13"), 300.0]]
        );
        let early = nis
            .marks
            .iter()
            .find(|m| d.claims[m.claim].id == "early")
            .expect("early");
        assert!(early.superseded);
        assert!(
            !nis.marks
                .iter()
                .find(|m| d.claims[m.claim].id == "late")
                .expect("late")
                .superseded
        );
    }

    #[test]
    fn deprecated_claims_are_marked_and_not_joined_hidden_claimants_are_left_out() {
        let mut dep = claim(
            "dep",
            "nis",
            "killed",
            Value::new(Qualifier::Exact, 999),
            "2025-01-01",
            None,
        );
        dep.rank = Rank::Deprecated;
        let d = ds(vec![
            dep,
            claim(
                "a",
                "nis",
                "killed",
                Value::new(Qualifier::Exact, 1),
                "2024-12-01",
                None,
            ),
            claim(
                "b",
                "nis",
                "killed",
                Value::new(Qualifier::Exact, 2),
                "2025-02-01",
                None,
            ),
            claim(
                "z",
                "zelensky",
                "killed",
                Value::new(Qualifier::Exact, 3),
                "2025-02-01",
                None,
            ),
        ]);
        let s = plot(&d, &["killed"], false);
        let nis = s.iter().find(|s| s.claimant == "nis").expect("nis");
        assert!(nis.marks.iter().any(|m| m.deprecated && m.y == Some(999.0)));
        assert!(
            nis.line.iter().all(|p| p[1] != 999.0),
            "the deprecated claim is not on the line"
        );
        let all: Vec<usize> = (0..d.claims.len()).collect();
        let metrics = vec!["killed".to_string()];
        let hidden = vec!["zelensky".to_string()];
        let s = build(
            &d,
            &Request {
                claims: &all,
                metrics: &metrics,
                hidden: &hidden,
                selected: Some(1),
                ..Request::default()
            },
        );
        assert!(s.iter().all(|s| s.claimant != "zelensky"));
        assert!(s[0].marks.iter().any(|m| m.selected && m.claim == 1));
        assert_eq!(s[0].marks.iter().filter(|m| m.selected).count(), 1);
    }

    #[test]
    fn sums_of_parts_stand_beside_combined_claims() {
        let d = ds(vec![
            claim(
                "k",
                "nis",
                "killed",
                Value::new(Qualifier::Approx, 300),
                "2025-01-13",
                None,
            ),
            claim(
                "w",
                "nis",
                "wounded",
                Value::new(Qualifier::Approx, 2_700),
                "2025-01-13",
                None,
            ),
            claim(
                "k0",
                "nis",
                "killed",
                Value::new(Qualifier::AtLeast, 100),
                "2024-12-19",
                None,
            ),
            claim(
                "w0",
                "nis",
                "wounded",
                Value::new(Qualifier::Approx, 1_000),
                "2024-12-19",
                None,
            ),
            claim(
                "z",
                "zelensky",
                "killed_or_wounded",
                Value::new(Qualifier::MoreThan, 3_000),
                "2024-12-23",
                None,
            ),
            claim(
                "j",
                "jcs",
                "killed_or_wounded",
                Value::new(Qualifier::Approx, 1_100),
                "2024-12-23",
                None,
            ),
            claim(
                "lonely",
                "other",
                "killed",
                Value::new(Qualifier::Exact, 5),
                "2024-12-23",
                None,
            ),
        ]);
        let s = plot(&d, &["killed_or_wounded"], true);
        let nis = s
            .iter()
            .find(|s| s.claimant == "nis")
            .expect("derived NIS series");
        assert_eq!(nis.marks.len(), 2);
        assert!(nis.marks.iter().all(|m| m.derived));
        assert_eq!(nis.marks[0].y, Some(1_100.0));
        assert_eq!(
            nis.marks[0].kind,
            MarkKind::LowerBound,
            "at least 100 + about 1,000"
        );
        assert_eq!(nis.marks[1].y, Some(3_000.0));
        assert_eq!(nis.marks[1].kind, MarkKind::Approx);
        assert_eq!(
            describe_sum(&d, &nis.marks[1]),
            "≈ 3,000 (sum of killed ≈ 300 + wounded ≈ 2,700)"
        );
        assert_eq!(nis.line.len(), 2);
        assert!(
            s.iter().all(|s| s.claimant != "other"),
            "a part alone makes no sum"
        );
        assert!(
            s.iter().any(|s| s.claimant == "zelensky") && s.iter().any(|s| s.claimant == "jcs")
        );
        assert!(
            plot(&d, &["killed_or_wounded"], false)
                .iter()
                .all(|s| s.claimant != "nis")
        );
    }

    #[test]
    fn decimation_keeps_the_extremes_of_every_column() {
        let marks: Vec<Mark> = (0..10_000)
            .map(|i| Mark {
                claim: i,
                x0: i as f64,
                x1: i as f64,
                y: Some(((i * 7919) % 1000) as f64),
                low: None,
                high: None,
                kind: MarkKind::Exact,
                deprecated: false,
                superseded: false,
                selected: i == 4321,
                derived: false,
                parts: vec![],
            })
            .collect();
        let kept = decimate(&marks, 0.0, 10_000.0, 100);
        assert!(kept.len() <= 2 * 100 + 1, "{}", kept.len());
        for c in 0..100 {
            let col: Vec<&Mark> = marks
                .iter()
                .filter(|m| (m.x0 as usize) / 100 == c)
                .collect();
            let min = col.iter().filter_map(|m| m.y).fold(f64::MAX, f64::min);
            let max = col.iter().filter_map(|m| m.y).fold(f64::MIN, f64::max);
            let kept_col: Vec<&Mark> = kept.iter().filter(|m| (m.x0 as usize) / 100 == c).collect();
            assert!(
                kept_col.iter().any(|m| m.y == Some(min)),
                "column {c} lost its minimum"
            );
            assert!(
                kept_col.iter().any(|m| m.y == Some(max)),
                "column {c} lost its maximum"
            );
        }
        assert!(
            kept.iter().any(|m| m.selected),
            "the selected mark survives"
        );
        assert!(kept.windows(2).all(|w| w[0].x0 <= w[1].x0), "order is kept");
        // Small series are left alone.
        assert_eq!(decimate(&marks[..50], 0.0, 50.0, 100).len(), 50);
        // Whole series, line included.
        let line: Vec<[f64; 2]> = marks.iter().map(|m| [m.x0, m.y.unwrap_or(0.0)]).collect();
        let mut series = vec![Series {
            claimant: "a".into(),
            metric: "m".into(),
            marks: marks.clone(),
            line,
        }];
        thin(&mut series, 100);
        assert!(
            series[0].marks.len() <= 201 && series[0].line.len() <= 200,
            "{}",
            series[0].line.len()
        );
        assert!(
            series[0].line.iter().any(|p| p[1] == 999.0)
                && series[0].line.iter().any(|p| p[1] == 0.0)
        );
    }

    #[test]
    fn many_series_are_thinned_to_the_drawing_budget_keeping_each_extreme() {
        let series: Vec<Series> = (0..300)
            .map(|k| {
                let marks: Vec<Mark> = (0..3_000)
                    .map(|i| Mark {
                        claim: k * 10_000 + i,
                        x0: i as f64,
                        x1: i as f64,
                        y: Some(((i * 31 + k) % 5_000) as f64),
                        low: None,
                        high: None,
                        kind: MarkKind::Exact,
                        deprecated: false,
                        superseded: false,
                        selected: k == 7 && i == 1234,
                        derived: false,
                        parts: vec![],
                    })
                    .collect();
                let line = marks.iter().map(|m| [m.x0, m.y.unwrap_or(0.0)]).collect();
                Series {
                    claimant: format!("c{k}"),
                    metric: "m".into(),
                    marks,
                    line,
                }
            })
            .collect();
        let mut thinned = series.clone();
        let t = thin(&mut thinned, 800);
        assert_eq!(t.marks_before, 900_000);
        // Each series: at most three marks per slice plus the selected one.
        assert!(t.marks_after <= MAX_MARKS + 300, "{}", t.marks_after);
        let points: usize = thinned.iter().map(|s| s.line.len()).sum();
        assert!(points <= MAX_LINE_POINTS, "{points}");
        for (before, after) in series.iter().zip(&thinned) {
            let max = before
                .marks
                .iter()
                .filter_map(|m| m.y)
                .fold(f64::MIN, f64::max);
            let min = before
                .marks
                .iter()
                .filter_map(|m| m.y)
                .fold(f64::MAX, f64::min);
            assert!(
                after.marks.iter().any(|m| m.y == Some(max)),
                "{}",
                after.claimant
            );
            assert!(
                after.marks.iter().any(|m| m.y == Some(min)),
                "{}",
                after.claimant
            );
            assert!(after.line.iter().any(|p| p[1] == max));
        }
        assert!(thinned[7].marks.iter().any(|m| m.selected));
    }
}
