//! What the lists and the plot show, derived from the document, the filter, the sort orders,
//! the plot settings and the selection: the shown records, their order, the plot series and
//! the legend. Pure (no egui, no files), so that for a large dataset it runs on a worker
//! thread while the window keeps painting the previous result.

use std::collections::HashSet;
use std::sync::Arc;

use crate::model::edit::{Change, Target};
use crate::model::filter::{self, Filter, SearchIndex, Shown};
use crate::model::order::{Counts, Orders, Sort};
use crate::model::plot::{PlotPrefs, metrics_for};
use crate::model::series::{self, Series, Thinned};
use crate::model::{Dataset, Kind};

/// The order of the lists in [`View::orders`].
pub fn slot(kind: Kind) -> usize {
    match kind {
        Kind::Actor => 0,
        Kind::Source => 1,
        Kind::Event => 2,
        Kind::Claim => 3,
    }
}

/// Everything a [`View`] is derived from, besides the dataset of that version.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewKey {
    pub version: u64,
    pub filter: Filter,
    pub sorts: [Sort; 4],
    pub plot: PlotPrefs,
    pub selected: Option<Target>,
}

impl ViewKey {
    /// Whether the lists of `self` are those of `other` (only the plot differs).
    pub fn same_lists(&self, other: &ViewKey) -> bool {
        self.version == other.version && self.filter == other.filter && self.sorts == other.sorts
    }
}

/// What the lists and the plot show (cheap to clone: a worker deriving the next view is
/// handed the whole of this one).
#[derive(Debug, Default, Clone)]
pub struct View {
    pub key: Option<ViewKey>,
    pub shown: Arc<Shown>,
    /// Shown records per kind (by [`slot`]), sorted.
    pub orders: Arc<[Vec<usize>; 4]>,
    pub series: Arc<Vec<Series>>,
    pub thinned: Thinned,
    /// Claimants with claims of the plotted metrics, hidden ones included.
    pub legend: Arc<Vec<String>>,
}

impl View {
    /// Follows a record inserted or removed (the records after it moved): the lists and the
    /// plot's marks keep pointing at the records they showed until the next view is derived
    /// (a removed record is no longer shown; an inserted one is not shown yet).
    pub fn follow(&mut self, change: &Change) {
        let (kind, at, inserted) = match change {
            Change::Inserted(t) => (t.kind, t.index, true),
            Change::Removed(t, _) => (t.kind, t.index, false),
            Change::Replaced(..) => return,
        };
        let moved = |list: &mut Vec<usize>| {
            if inserted {
                list.iter_mut().filter(|i| **i >= at).for_each(|i| *i += 1);
            } else {
                list.retain(|&i| i != at);
                list.iter_mut().filter(|i| **i > at).for_each(|i| *i -= 1);
            }
        };
        let shown = Arc::make_mut(&mut self.shown);
        moved(match kind {
            Kind::Claim => &mut shown.claims,
            Kind::Event => &mut shown.events,
            Kind::Source => &mut shown.sources,
            Kind::Actor => &mut shown.actors,
        });
        moved(&mut Arc::make_mut(&mut self.orders)[slot(kind)]);
        if kind == Kind::Claim {
            for s in Arc::make_mut(&mut self.series) {
                if !inserted {
                    s.marks.retain(|m| m.claim != at);
                }
                for m in &mut s.marks {
                    if m.claim >= at && inserted || m.claim > at && !inserted {
                        m.claim = if inserted { m.claim + 1 } else { m.claim - 1 };
                    }
                }
            }
        }
    }
}

/// Every series the plot settings ask for among `claims`, before any thinning for drawing
/// (what the plot's CSV export writes).
pub fn plotted(
    ds: &Dataset,
    index: &SearchIndex,
    claims: &[usize],
    plot: &PlotPrefs,
    selected: Option<Target>,
) -> Vec<Series> {
    let metrics = metrics_for(ds, plot);
    series::build_with(
        ds,
        &series::Request {
            claims,
            metrics: &metrics,
            x: plot.x,
            hidden: &plot.hidden,
            selected: selected.filter(|t| t.kind == Kind::Claim).map(|t| t.index),
            sum_parts: plot.sum_parts,
        },
        &index.columns,
    )
}

/// The shown records of `kind`.
fn records(s: &Shown, kind: Kind) -> &[usize] {
    match kind {
        Kind::Claim => &s.claims,
        Kind::Event => &s.events,
        Kind::Source => &s.sources,
        Kind::Actor => &s.actors,
    }
}

/// Derives the view for `key`. `previous` (the whole view derived before) is reused for the
/// lists when only the plot changed, and for whatever follows from the same records; `orders`
/// holds the full orders already computed for this version and gains any computed here.
pub fn derive(
    ds: &Dataset,
    index: &SearchIndex,
    counts: &Counts,
    orders: &mut Orders,
    key: ViewKey,
    previous: &View,
) -> View {
    let (shown, sorted) = match &previous.key {
        Some(p) if p.same_lists(&key) => (previous.shown.clone(), previous.orders.clone()),
        _ => {
            // Typing on: only the claims shown before can still match.
            let within = previous
                .key
                .as_ref()
                .filter(|p| p.version == key.version && filter::narrows(&p.filter, &key.filter))
                .map(|p| (previous.shown.as_ref(), &p.filter));
            let shown = filter::apply_within(ds, index, &key.filter, within);
            // Another letter of a word often shows the same records: their order is the
            // one shown before (same version, same sort).
            let before = previous.key.as_ref().filter(|p| p.version == key.version);
            let mut sorted: [Vec<usize>; 4] = Default::default();
            for kind in Kind::ALL {
                let k = slot(kind);
                sorted[k] = match before {
                    Some(p)
                        if p.sorts[k] == key.sorts[k]
                            && records(&previous.shown, kind) == records(&shown, kind) =>
                    {
                        previous.orders[k].clone()
                    }
                    _ => orders.sorted(ds, counts, kind, key.sorts[k], records(&shown, kind)),
                };
            }
            (Arc::new(shown), Arc::new(sorted))
        }
    };
    // The plot and its legend follow from the shown claims, the plot settings and the
    // selection on one version: the same as before, they are what was derived before.
    if let Some(p) = &previous.key
        && p.version == key.version
        && p.plot == key.plot
        && p.selected == key.selected
        && previous.shown.claims == shown.claims
    {
        return View {
            key: Some(key),
            shown,
            orders: sorted,
            series: previous.series.clone(),
            thinned: previous.thinned,
            legend: previous.legend.clone(),
        };
    }
    let metrics = metrics_for(ds, &key.plot);
    let mut series = plotted(ds, index, &shown.claims, &key.plot, key.selected);
    // More marks than the plot has pixels: keep each pixel column's extremes.
    let thinned = series::thin(&mut series, 800);
    let cols = &index.columns;
    let wanted: Vec<bool> = cols.metrics.iter().map(|m| metrics.contains(m)).collect();
    let mut in_legend = vec![false; cols.claimants.len()];
    for &i in shown.claims.iter() {
        if cols.metric.get(i).is_some_and(|&m| wanted[m as usize])
            && ds.claims[i].value.qualifier.has_number()
        {
            in_legend[cols.claimant[i] as usize] = true;
        }
    }
    let mut claimants: HashSet<&str> = cols
        .claimants
        .iter()
        .zip(&in_legend)
        .filter(|(_, on)| **on)
        .map(|(c, _)| c.as_str())
        .collect();
    claimants.extend(series.iter().map(|s| s.claimant.as_str()));
    let mut legend: Vec<(String, String)> = claimants
        .into_iter()
        .map(|id| (ds.actor_name(id).to_lowercase(), id.to_string()))
        .collect();
    legend.sort();
    View {
        key: Some(key),
        shown,
        orders: sorted,
        series: Arc::new(series),
        thinned,
        legend: Arc::new(legend.into_iter().map(|(_, id)| id).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::plot::PlotTab;

    /// Typing, erasing, sorting, hiding a claimant and selecting, each view derived from the
    /// one before is the view derived from nothing.
    #[test]
    fn each_view_derived_from_the_one_before_is_the_view_derived_afresh() {
        let ds = crate::synth::generate(crate::synth::Size {
            events: 200,
            claims: 4_000,
            seed: 3,
        });
        let index = SearchIndex::build(&ds);
        let counts = Counts::build(&ds);
        let mut orders = Orders::default();
        let mut keys = Vec::new();
        let mut key = ViewKey {
            version: 1,
            filter: Filter::default(),
            sorts: [Sort::default(); 4],
            plot: PlotPrefs::default(),
            selected: None,
        };
        let text = "ministry  reported";
        for n in (0..=text.len()).chain((0..text.len()).rev()) {
            key.filter.text = text[..n].to_string();
            keys.push(key.clone());
            if n == 9 {
                key.sorts[slot(Kind::Claim)] = Sort {
                    column: 2,
                    descending: true,
                };
                keys.push(key.clone());
                key.plot.tab = PlotTab::Casualties;
                keys.push(key.clone());
                key.plot.hidden = vec![ds.claims[0].claimant.to_string()];
                keys.push(key.clone());
                key.selected = Some(Target {
                    kind: Kind::Claim,
                    index: 0,
                });
                keys.push(key.clone());
            }
        }
        let mut view = View::default();
        for key in keys {
            let fresh = derive(
                &ds,
                &index,
                &counts,
                &mut Orders::default(),
                key.clone(),
                &View::default(),
            );
            view = derive(&ds, &index, &counts, &mut orders, key.clone(), &view);
            let what = format!("{:?} {:?}", key.filter.text, key.plot.tab);
            assert_eq!(view.shown, fresh.shown, "{what}");
            assert_eq!(view.orders, fresh.orders, "{what}");
            assert_eq!(view.series, fresh.series, "{what}");
            assert_eq!(view.thinned, fresh.thinned, "{what}");
            assert_eq!(view.legend, fresh.legend, "{what}");
        }
        assert!(!view.series.is_empty());
    }
}
