//! Opening and creating datasets: a dataset is read, checked and indexed on a worker (a task
//! of the table in `tasks.rs`) while the window keeps painting and shows a progress bar with
//! Cancel; the open dataset stays until the new one is ready.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::model::filter::SearchIndex;
use crate::model::order::Counts;
use crate::model::{Finding, Tally, defaults};
use crate::store::{self, Loaded, Progress, Store, StoreError};
use crate::ui::dialogs::OpeningStatus;

use super::derived::Derived;
use super::document::Document;
use super::tasks::{Done, TaskId, TaskKind};
use super::{App, MAX_RECENT};

/// A dataset read on the loading thread, with what the window derives from it.
pub struct Opened {
    loaded: Loaded,
    index: SearchIndex,
    counts: Counts,
    findings: Vec<Finding>,
    tags: Vec<String>,
    /// The actors by name, for the filter bar.
    claimants: Vec<(String, String)>,
    /// In a git repository without the merge driver (asked on the loading thread: it runs git).
    git_needs_setup: bool,
}

impl Opened {
    /// The search index built for the dataset.
    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// Validates and indexes a loaded dataset (on the loading thread). Public for the
    /// benchmarks, which time opening as the window does it.
    pub fn prepare(loaded: Loaded) -> Opened {
        let ds = &loaded.dataset;
        let (index, (counts, findings)) = rayon::join(
            || {
                // The words of claims and events as this program kept them, taken for the
                // files unchanged since; kept again when any were not.
                let Some(from) = loaded.provenance() else {
                    return SearchIndex::build(ds);
                };
                let key = loaded.cache.as_ref().zip(loaded.program_key());
                let kept = key.and_then(|(cache, key)| cache.get_words(key));
                let (index, all_taken) = SearchIndex::build_reusing(ds, kept, &from);
                if let (false, Some((cache, key))) = (all_taken, key) {
                    cache.put_words(key, &index.kept_words(&from));
                }
                index
            },
            || (Counts::build(ds), loaded.validate()),
        );
        let tags = ds.event_tags();
        let claimants = super::derived::claimant_choices(ds);
        // The sample in the program's own source tree: no offer there.
        let root = loaded.store.root();
        let git_needs_setup =
            !root.starts_with(env!("CARGO_MANIFEST_DIR")) && store::git::needs_setup(root);
        Opened {
            loaded,
            index,
            counts,
            findings,
            tags,
            claimants,
            git_needs_setup,
        }
    }
}

/// A dataset being opened by a task.
pub(super) struct Opening {
    pub path: PathBuf,
    pub progress: Arc<Progress>,
    pub task: TaskId,
    /// Cancel was pressed: what arrives is dropped (and the status says so).
    pub cancelled: bool,
}

impl App {
    /// Starts opening `path` on another thread.
    pub(super) fn open_now(&mut self, path: &Path) {
        self.cancel_opening();
        let progress = Arc::new(Progress::default());
        let (job, dir) = (progress.clone(), path.to_path_buf());
        let cache = self
            .cache_dir
            .as_ref()
            .map(|base| crate::store::cache::Cache::for_dataset(base, path));
        let task = self.tasks.spawn(TaskKind::Open, move || {
            Done::Opened(Box::new(
                Store::load_cached(&dir, &job, cache.as_ref()).map(Opened::prepare),
            ))
        });
        self.opening = Some(Opening {
            path: path.to_path_buf(),
            progress,
            task,
            cancelled: false,
        });
    }

    /// Stops the dataset being opened, if any; the open one stays.
    pub fn cancel_opening(&mut self) {
        if let Some(o) = &mut self.opening {
            o.progress.cancel.store(true, Ordering::Relaxed);
            o.cancelled = true;
        }
    }

    /// True while a dataset is being opened.
    pub fn is_opening(&self) -> bool {
        self.opening.is_some()
    }

    /// Waits for the dataset being opened and shows it (for tests and scripts; the window
    /// takes it when it arrives instead).
    pub fn finish_opening(&mut self) {
        if let Some(o) = &self.opening {
            let task = o.task;
            let result = match self.tasks.wait_for(task) {
                Some(Done::Opened(r)) => *r,
                _ => Err(StoreError::Cancelled),
            };
            self.opened(task, result);
        }
    }

    /// What the progress window shows, while a dataset is being opened.
    pub(super) fn opening_status(&self) -> Option<OpeningStatus> {
        let o = self.opening.as_ref().filter(|o| !o.cancelled)?;
        Some(OpeningStatus {
            path: o.path.clone(),
            fraction: o.progress.fraction(),
            done_bytes: o.progress.done.load(Ordering::Relaxed),
            total_bytes: o.progress.total.load(Ordering::Relaxed),
        })
    }

    /// Installs a dataset that finished opening — unless its opening was cancelled or
    /// replaced by another, which the status line then says.
    pub(super) fn opened(&mut self, task: TaskId, result: Result<Opened, StoreError>) {
        let current = self.opening.as_ref().is_some_and(|o| o.task == task);
        let Some(o) = self.opening.take_if(|_| current) else {
            self.status =
                "An earlier dataset finished opening after another was asked for; it was set aside"
                    .into();
            return;
        };
        let path = o.path;
        let opened = match result {
            Ok(_) | Err(StoreError::Cancelled) if o.cancelled => {
                self.status = format!("Opening {} was cancelled", path.display());
                return;
            }
            Ok(opened) => opened,
            Err(StoreError::Cancelled) => {
                self.status = format!("Opening {} stopped", path.display());
                return;
            }
            Err(e) => {
                self.dialogs
                    .error(format!("Could not open the dataset.\n\n{e}"));
                return;
            }
        };
        let Opened {
            loaded,
            index,
            counts,
            findings,
            tags,
            claimants,
            git_needs_setup,
        } = opened;
        let git_offer = git_needs_setup && !self.prefs.git_offer_dismissed.contains(&path);
        let unreadable = Tally::of(&loaded.load_findings).errors;
        // Whatever a worker derives for the previous dataset is of no use now.
        self.settle();
        self.doc = Some(Document {
            store: loaded.store,
            dataset: Arc::new(loaded.dataset),
            history: Default::default(),
            load_findings: loaded.load_findings,
            version: 1,
            git_offer,
        });
        // What the loading thread derived already: nothing is rebuilt on the UI thread.
        self.derived = Derived::opened(index, counts, findings, tags, claimants);
        self.selected = None;
        if let Some(doc) = &self.doc {
            self.prefs.plot.fit_to(&doc.dataset);
        }
        self.watch_dataset();
        self.look_for_journal();
        self.prefs.recent.retain(|p| *p != path);
        self.prefs.recent.insert(0, path.clone());
        self.prefs.recent.truncate(MAX_RECENT);
        self.prefs.last_dataset = Some(path.clone());
        self.status = if unreadable > 0 {
            format!(
                "Opened {} — {unreadable} file(s) could not be read",
                path.display()
            )
        } else {
            format!("Opened {}", path.display())
        };
    }

    /// Creates a dataset in `dir` with the default vocabularies and opens it.
    pub(super) fn create_now(&mut self, dir: &Path) {
        let title = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "New dataset".into());
        match store::create(dir, &defaults::manifest(&title)) {
            Ok(()) => self.open_now(dir),
            Err(e) => self
                .dialogs
                .error(format!("Could not create the dataset.\n\n{e}")),
        }
    }
}
