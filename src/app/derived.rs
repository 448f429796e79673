//! What the window derives from the document: the search index, the counts, the checks' findings,
//! the tag and claimant lists, the editor's picker lists, and the view (the lists' rows and the
//! plot's series). Rebuilt only when the document, the filter, the sorts, the plot settings or
//! the selection change — followed record by record after a few records changed (replaced,
//! inserted, removed: `edit::changes`), and, for a large dataset, derived and checked on
//! workers (tasks) while the window paints the previous view and findings.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::derive::{self, View, ViewKey, slot as sort_slot};
use crate::model::edit::Change;
use crate::model::filter::{Filter, SearchIndex};
use crate::model::order::{Counts, Orders};
use crate::model::series::Series;
use crate::model::validate::{validate, validate_unless};
use crate::model::{Finding, Kind};
use crate::ui::editor::Pickers;

use super::App;
use super::tasks::{Done, TaskId, TaskKind};

/// Above this many claims and events, the view is derived on a worker thread by default
/// ([`App::derive_in_background_above`]).
pub const DERIVE_IN_BACKGROUND_ABOVE: usize = 50_000;

/// Everything derived from the document and the filter, rebuilt only when they change.
#[derive(Default)]
pub(super) struct Derived {
    pub version: u64,
    pub index: Arc<SearchIndex>,
    pub counts: Arc<Counts>,
    pub findings: Vec<Finding>,
    /// What the lists and the plot show.
    pub view: View,
    /// Every record's order per kind and sort, for this version of the dataset (lent to the
    /// worker while it runs).
    full_orders: Orders,
    /// The task deriving the next view, if one runs.
    pub job: Option<TaskId>,
    /// The one change since `version`, when it is small, and the version it made: what is
    /// derived from the document is then brought up to date, not rebuilt.
    pub replaced: Option<(u64, SmallChange)>,
    /// On a large dataset the checks run again once editing pauses: since when they are out
    /// of date.
    findings_stale: Option<Instant>,
    /// The worker checking a large dataset again, and the flag that stops it (set when the
    /// document is about to change: the worker holds it).
    check: Option<(TaskId, Arc<AtomicBool>)>,
    /// When the document last changed: on a large dataset the lists and the plot follow
    /// once editing pauses.
    pub edited_at: Option<Instant>,
    /// The number of records of each kind when the view was derived.
    view_lengths: [usize; 4],
    /// The tags of the events, for the filter bar.
    pub tags: Vec<String>,
    /// The actors as (id, name), by name, for the filter bar's claimant choice.
    pub claimants: Vec<(String, String)>,
    /// The editor's large picker lists, and the version they were built for.
    pub pickers: Pickers,
    pickers_version: u64,
}

impl Derived {
    /// What the loading thread derived for a newly opened document (version 1).
    pub fn opened(
        index: SearchIndex,
        counts: Counts,
        findings: Vec<Finding>,
        tags: Vec<String>,
        claimants: Vec<(String, String)>,
    ) -> Derived {
        Derived {
            version: 1,
            index: Arc::new(index),
            counts: Arc::new(counts),
            findings,
            tags,
            claimants,
            ..Derived::default()
        }
    }
}

/// The actors as (id, name), by name without case.
pub(super) fn claimant_choices(ds: &crate::model::Dataset) -> Vec<(String, String)> {
    let mut actors: Vec<(String, String)> = ds
        .actors
        .iter()
        .map(|a| (a.id.clone(), a.name.clone()))
        .collect();
    actors.sort_by_cached_key(|(_, n)| n.to_lowercase());
    actors
}

/// A change to the document that a large dataset's derived data can follow cheaply.
pub(super) enum SmallChange {
    /// A few records replaced, inserted or removed, in the order the edit made the changes.
    Records(Vec<Change>),
    /// Saved: only where records stand in their files changed.
    Saved,
}

impl App {
    /// Rebuilds what depends on the document when it changed, and derives the view again
    /// when the document, the filter, the sorts, the plot settings or the selection changed —
    /// as a task for a large dataset, the window painting the previous view meanwhile.
    pub(super) fn refresh(&mut self) {
        let Some(doc) = &self.doc else { return };
        let d = &mut self.derived;
        let ds = &doc.dataset;
        let large = ds.claims.len() + ds.events.len() > self.derive_in_background_above;
        if d.version != doc.version {
            let small = d
                .replaced
                .take()
                .filter(|(v, _)| *v == doc.version && d.version + 1 == doc.version);
            match small {
                Some((_, SmallChange::Saved)) => {
                    // Only positions in files changed: the findings point at them.
                }
                Some((_, SmallChange::Records(changes))) => {
                    // A few records changed: the index, counts and lists follow them.
                    let pickers_valid = d.pickers_version == d.version;
                    let mut lengths = d.view_lengths;
                    for change in &changes {
                        Arc::make_mut(&mut d.index).follow(ds, change);
                        Arc::make_mut(&mut d.counts).follow(ds, change);
                        if pickers_valid {
                            d.pickers.follow(ds, change);
                        }
                        let t = change.target();
                        d.view.follow(change);
                        let n = &mut lengths[sort_slot(t.kind)];
                        match change {
                            Change::Inserted(_) => *n += 1,
                            Change::Removed(..) => *n = n.saturating_sub(1),
                            Change::Replaced(..) => {}
                        }
                        match t.kind {
                            Kind::Event => d.tags = ds.event_tags(),
                            Kind::Actor => d.claimants = claimant_choices(ds),
                            _ => {}
                        }
                        d.full_orders.follow(ds, change);
                    }
                    // The view's record numbers followed the records (above): it stays
                    // valid if it was.
                    d.view_lengths = lengths;
                    if pickers_valid {
                        d.pickers_version = doc.version;
                    }
                }
                None => {
                    d.index = Arc::new(SearchIndex::build(ds));
                    d.counts = Arc::new(Counts::build(ds));
                    d.tags = ds.event_tags();
                    d.claimants = claimant_choices(ds);
                    d.full_orders.clear();
                }
            }
            // The checks run again: at once on a small dataset, on a worker once editing
            // pauses on a large one.
            if large {
                d.findings_stale = Some(Instant::now());
            } else {
                d.findings = validate(ds, doc.store.manifest_loaded());
            }
            d.version = doc.version;
        }
        if let Some(since) = d.findings_stale
            && d.check.is_none()
        {
            let wait = Duration::from_millis(1000);
            if since.elapsed() >= wait && d.edited_at.is_none_or(|t| t.elapsed() >= wait) {
                // On a worker: the window stays responsive for the second the checks take
                // at a million claims; the findings shown meanwhile are the previous ones.
                let (ds, loaded) = (doc.dataset.clone(), doc.store.manifest_loaded());
                let version = doc.version;
                let stop = Arc::new(AtomicBool::new(false));
                let flag = stop.clone();
                let task = self.tasks.spawn(TaskKind::Check, move || {
                    Done::Checked(version, validate_unless(&ds, loaded, &flag))
                });
                d.check = Some((task, stop));
            } else {
                self.ctx.request_repaint_after(wait);
            }
        }
        // Only while a record is being edited: the editor is what uses them.
        if self.selected.is_some() && d.pickers_version != doc.version {
            d.pickers = Pickers::build(&doc.dataset);
            d.pickers_version = doc.version;
        }
        let key = ViewKey {
            version: doc.version,
            filter: self.prefs.filter.clone(),
            sorts: self.prefs.sorts,
            plot: self.prefs.plot.clone(),
            selected: self.selected,
        };
        if d.view.key.as_ref() == Some(&key) || d.job.is_some() {
            // Up to date, or a worker runs: what it brings is checked when it arrives.
            return;
        }
        let lengths = [
            ds.actors.len(),
            ds.sources.len(),
            ds.events.len(),
            ds.claims.len(),
        ];
        // The previous view's record indices stay valid while no record was added or
        // removed; otherwise the view is derived in this frame whatever the size.
        let indices_valid = d.view.key.is_some() && d.view_lengths == lengths;
        if large && indices_valid {
            // While a researcher types into a record of a large dataset, the lists and the
            // plot follow when the typing pauses.
            let pause = Duration::from_millis(300);
            if let Some(t) = d.edited_at
                && t.elapsed() < pause
            {
                self.ctx.request_repaint_after(pause - t.elapsed());
                return;
            }
        }
        d.view_lengths = lengths;
        if !indices_valid || !large {
            let mut orders = std::mem::take(&mut d.full_orders);
            d.view = derive::derive(ds, &d.index, &d.counts, &mut orders, key, &d.view);
            d.full_orders = orders;
            return;
        }
        let (ds, index, counts) = (doc.dataset.clone(), d.index.clone(), d.counts.clone());
        let mut orders = std::mem::take(&mut d.full_orders);
        // What follows from the same records is reused.
        let previous = d.view.clone();
        d.job = Some(self.tasks.spawn(TaskKind::Derive, move || {
            let view = derive::derive(&ds, &index, &counts, &mut orders, key, &previous);
            Done::Derived(Box::new((view, orders)))
        }));
    }

    /// Takes a derived view. A view of an older version of the document is dropped: the next
    /// refresh derives a new one.
    pub(super) fn derived_view(&mut self, task: TaskId, got: Option<(View, Orders)>) {
        let d = &mut self.derived;
        if d.job == Some(task) {
            d.job = None;
        }
        let Some((view, orders)) = got else { return };
        if view.key.as_ref().map(|k| k.version) == Some(d.version) {
            d.full_orders = orders;
            d.view = view;
        }
    }

    /// Takes the findings of a check run on a worker: kept when they are of the document as
    /// it is; otherwise (stopped, or of an older version) the checks stay due.
    pub(super) fn checked(&mut self, task: TaskId, version: u64, findings: Option<Vec<Finding>>) {
        let d = &mut self.derived;
        if d.check.as_ref().is_none_or(|(t, _)| *t != task) {
            return;
        }
        d.check = None;
        if let Some(findings) = findings
            && version == d.version
        {
            d.findings = findings;
            d.findings_stale = None;
        }
    }

    /// Waits for the worker checking the document, if one runs, to let go of the document —
    /// stopping it first when `stop` (it gives up within milliseconds).
    fn finish_checking(&mut self, stop: bool) {
        let Some((task, flag)) = &self.derived.check else {
            return;
        };
        let task = *task;
        flag.store(stop, Ordering::Relaxed);
        let got = match self.tasks.wait_for(task) {
            Some(Done::Checked(version, findings)) => Some((version, findings)),
            _ => None,
        };
        let (version, findings) = got.unwrap_or((0, None));
        self.checked(task, version, findings);
    }

    /// Waits for the workers that hold the document — the one deriving the view, the one
    /// checking it — so that the document can change without being copied and no view of an
    /// older version is shown afterwards. A check is stopped rather than waited for: it runs
    /// again once editing pauses.
    pub(super) fn settle(&mut self) {
        self.finish_checking(true);
        let Some(task) = self.derived.job else { return };
        let got = match self.tasks.wait_for(task) {
            Some(Done::Derived(v)) => Some(*v),
            _ => None,
        };
        self.derived_view(task, got);
    }

    /// Derives the view now, waiting for any worker: for tests and benchmarks, which check
    /// what a frame shows after a change.
    pub fn finish_deriving(&mut self) {
        self.settle();
        // No pause to wait for: the checks and the view follow at once.
        self.derived.edited_at = None;
        if self.derived.findings_stale.is_some() {
            self.derived.findings_stale = Some(Instant::now() - Duration::from_secs(2));
        }
        self.refresh();
        self.finish_checking(false);
        self.settle();
        self.refresh();
        self.finish_checking(false);
        self.settle();
    }

    /// Waits until no background task runs; the next frame takes their results. For tests of
    /// a window with nothing left to do, however slow the machine.
    pub fn wait_for_tasks(&mut self) {
        self.tasks.wait_until_none_run();
    }

    /// Whether a background task runs.
    pub fn runs_tasks(&self) -> bool {
        self.tasks.any_running()
    }

    /// The editor's picker lists as they stand (built while a record is selected).
    pub fn pickers(&self) -> &Pickers {
        &self.derived.pickers
    }

    /// Whether the lists and the plot show the document as it is now (no worker deriving a
    /// newer view).
    pub fn shows_document(&self) -> bool {
        let version = self.doc.as_ref().map(|d| d.version);
        self.derived.job.is_none() && self.derived.view.key.as_ref().map(|k| k.version) == version
    }

    /// Makes the checks due in the next frame, as when editing has paused (for benchmarks).
    pub fn checks_due_now(&mut self) {
        let long_ago = Instant::now() - Duration::from_secs(2);
        self.derived.findings_stale = Some(long_ago);
        self.derived.edited_at = None;
    }

    /// The series the plot draws (rebuilt when the data, filter, plot settings or selection
    /// change).
    pub fn plot_series(&self) -> &[Series] {
        &self.derived.view.series
    }

    /// The records shown in a list, in display order.
    pub fn shown(&self, kind: Kind) -> &[usize] {
        &self.derived.view.orders[sort_slot(kind)]
    }

    /// The findings the window shows (the checks and reading problems).
    pub fn findings(&self) -> &[Finding] {
        &self.derived.findings
    }

    /// Whether the lists and the plot show the result of `filter`.
    pub fn shows_filter(&self, filter: &Filter) -> bool {
        self.derived
            .view
            .key
            .as_ref()
            .is_some_and(|k| &k.filter == filter)
    }

    /// Whether a worker is deriving the view (the window shows "Updating…").
    pub fn is_deriving(&self) -> bool {
        self.derived.job.is_some()
    }
}
