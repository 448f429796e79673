//! What the plot shows, as data: which tab, which casualty metric, which date is the x axis,
//! whether sums of parts are drawn, which claimants are hidden — and which metrics each tab
//! plots. Plain data (no egui), so that deriving the view and exporting a figure need nothing
//! from the UI.

use serde::{Deserialize, Serialize};

use super::Dataset;
use super::series::XAxis;

/// Which plot is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PlotTab {
    #[default]
    Troops,
    Casualties,
    Timeline,
}

/// The plot settings, remembered between runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlotPrefs {
    pub tab: PlotTab,
    /// The metric of the Casualties tab.
    pub casualty_metric: String,
    pub x: XAxis,
    /// Show sums of parts beside combined figures.
    pub sum_parts: bool,
    /// Claimants hidden through the legend.
    pub hidden: Vec<String>,
}

impl Default for PlotPrefs {
    fn default() -> Self {
        PlotPrefs {
            tab: PlotTab::Troops,
            casualty_metric: "killed_or_wounded".into(),
            x: XAxis::RefersTo,
            sum_parts: true,
            hidden: Vec::new(),
        }
    }
}

/// The metrics a troop plot shows: those about deployed personnel.
pub fn troop_metrics(ds: &Dataset) -> Vec<String> {
    ds.manifest
        .metrics
        .iter()
        .filter(|m| m.id.starts_with("troops") || m.id.ends_with("_deployed"))
        .map(|m| m.id.clone())
        .collect()
}

impl PlotPrefs {
    /// Makes the Casualties tab's metric one that `ds` has: the one chosen for another
    /// dataset may not be among this one's, and the plot would stay empty. The default
    /// (killed or wounded) when `ds` has it, else its first; unchanged when `ds` has none.
    pub fn fit_to(&mut self, ds: &Dataset) {
        let metrics = casualty_metrics(ds);
        if metrics.contains(&self.casualty_metric) {
            return;
        }
        let default = PlotPrefs::default().casualty_metric;
        if let Some(m) = metrics.iter().find(|m| **m == default).or(metrics.first()) {
            self.casualty_metric = m.clone();
        }
    }
}

/// The metrics the Casualties tab offers: every other metric.
pub fn casualty_metrics(ds: &Dataset) -> Vec<String> {
    let troops = troop_metrics(ds);
    ds.manifest
        .metrics
        .iter()
        .filter(|m| !troops.contains(&m.id))
        .map(|m| m.id.clone())
        .collect()
}

/// The metrics the current tab plots.
pub fn metrics_for(ds: &Dataset, prefs: &PlotPrefs) -> Vec<String> {
    match prefs.tab {
        PlotTab::Troops => troop_metrics(ds)
            .into_iter()
            .filter(|m| m == "troops_deployed")
            .collect(),
        PlotTab::Casualties => vec![prefs.casualty_metric.clone()],
        PlotTab::Timeline => Vec::new(),
    }
}

/// The metric a plot of `prefs` is drawn for (the Timeline and Troops tabs: troops deployed).
pub fn plotted_metric(prefs: &PlotPrefs) -> &str {
    match prefs.tab {
        PlotTab::Casualties => &prefs.casualty_metric,
        _ => "troops_deployed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_casualty_metric_the_dataset_lacks_gives_way_to_one_it_has() {
        let ds = crate::synth::generate(crate::synth::Size {
            events: 10,
            claims: 50,
            seed: 2,
        });
        let offered = casualty_metrics(&ds);
        assert!(!offered.is_empty());
        let mut prefs = PlotPrefs {
            casualty_metric: "not_in_this_dataset".into(),
            ..PlotPrefs::default()
        };
        prefs.fit_to(&ds);
        assert!(offered.contains(&prefs.casualty_metric));
        // One it has stays.
        let other = offered.last().cloned().unwrap_or_default();
        prefs.casualty_metric = other.clone();
        prefs.fit_to(&ds);
        assert_eq!(prefs.casualty_metric, other);
        // A dataset without metrics: unchanged.
        prefs.casualty_metric = "kept".into();
        prefs.fit_to(&Dataset::default());
        assert_eq!(prefs.casualty_metric, "kept");
    }
}
