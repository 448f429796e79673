//! The eframe application: it owns the open document, lays out the panels, and carries out
//! every [`Command`] the UI returns — in one place, [`App::handle`]. Every change to the
//! document goes through [`App::apply`], which records it for undo; undo and redo apply the
//! recorded edits the same way. This is also where files are read and written (through the
//! store) and where the native folder dialog runs, off the UI thread.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, mpsc};
use std::time::Instant;

use egui::{Color32, RichText, Ui, ViewportCommand};
use serde::{Deserialize, Serialize};

use crate::cli::SAMPLE_DATASET;
use crate::derive::{self, View, ViewKey, slot as sort_slot};
use crate::model::edit::{AnyRecord, Edit, History, Target, record_at};
use crate::model::filter::{Filter, SearchIndex};
use crate::model::order::{Counts, Orders};
use crate::model::series::Series;
use crate::model::validate::validate;
use crate::model::{
    Actor, ActorKind, Claim, Dataset, DateText, Event, FORMAT_VERSION, Finding, Kind, Manifest,
    Metric, Qualifier, Severity, Source, Term, Value,
};
use crate::store::{self, Loaded, OnConflict, Progress, SaveError, Store, StoreError};
use crate::ui::editor::{EditorState, Pickers};
use crate::ui::lists::{self, ListView};
use crate::ui::menu::{self, MenuState, ThemeChoice};
use crate::ui::plot::{self as plot_ui, Export, PlotPrefs, PlotTab, PlotView};
use crate::ui::{Command, Sort, filter_bar};

const PREFS_KEY: &str = "crosscheck-prefs";
const MAX_RECENT: usize = 10;

/// What is remembered between runs (eframe's storage; never research data).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    pub last_dataset: Option<PathBuf>,
    pub recent: Vec<PathBuf>,
    pub filter: Filter,
    pub theme: ThemeChoice,
    pub show_lists: bool,
    pub show_editor: bool,
    pub tab: Kind,
    pub sorts: [Sort; 4],
    pub plot: PlotPrefs,
}

impl Default for Prefs {
    fn default() -> Self {
        let by_date = Sort {
            column: 0,
            descending: false,
        };
        Prefs {
            last_dataset: None,
            recent: Vec::new(),
            filter: Filter::default(),
            theme: ThemeChoice::System,
            show_lists: true,
            show_editor: true,
            tab: Kind::Claim,
            // Claims by statement date (column 3), the others by their first column.
            sorts: [
                by_date,
                by_date,
                by_date,
                Sort {
                    column: 3,
                    descending: false,
                },
            ],
            plot: PlotPrefs::default(),
        }
    }
}

/// A dataset read on the loading thread, with what the window derives from it.
pub struct Opened {
    loaded: Loaded,
    index: SearchIndex,
    counts: Counts,
    findings: Vec<Finding>,
    tags: Vec<String>,
}

impl Opened {
    /// Validates and indexes a loaded dataset (on the loading thread). Public for the
    /// benchmarks, which time opening as the window does it.
    pub fn prepare(loaded: Loaded) -> Opened {
        let ds = &loaded.dataset;
        let (index, (counts, findings)) = rayon::join(
            || SearchIndex::build(ds),
            || {
                (
                    Counts::build(ds),
                    validate(ds, loaded.store.manifest_loaded()),
                )
            },
        );
        let tags = filter_bar::tags(ds);
        Opened {
            loaded,
            index,
            counts,
            findings,
            tags,
        }
    }
}

/// A dataset being opened on another thread.
struct Opening {
    path: PathBuf,
    progress: Arc<Progress>,
    rx: mpsc::Receiver<Result<Opened, StoreError>>,
    /// Cancel was pressed: whatever arrives is dropped.
    cancelled: bool,
}

/// An open dataset: the records, where they live on disk, and their undo history.
pub struct Document {
    pub store: Store,
    /// Shared with the worker that derives the view; changed only when no worker holds it
    /// (see [`App::settle`]), so changing it never copies it.
    pub dataset: Arc<Dataset>,
    pub history: History,
    /// Problems found while reading (files that did not parse).
    pub load_findings: Vec<Finding>,
    /// Bumped on every change, so caches know when to rebuild.
    pub version: u64,
}

/// Everything derived from the document and the filter, rebuilt only when they change.
#[derive(Default)]
struct Derived {
    version: u64,
    index: Arc<SearchIndex>,
    counts: Arc<Counts>,
    findings: Vec<Finding>,
    /// What the lists and the plot show.
    view: View,
    /// Every record's order per kind and sort, for this version of the dataset (lent to the
    /// worker while it runs).
    full_orders: Orders,
    /// The worker deriving the next view, if one runs.
    job: Option<mpsc::Receiver<(View, Orders)>>,
    /// The one change since `version`, when it is small, and the version it made: what is
    /// derived from the document is then brought up to date, not rebuilt.
    replaced: Option<(u64, SmallChange)>,
    /// On a large dataset the checks run again once editing pauses: since when they are out
    /// of date.
    findings_stale: Option<Instant>,
    /// When the document last changed: on a large dataset the lists and the plot follow
    /// once editing pauses.
    edited_at: Option<Instant>,
    /// The number of records of each kind when the view was derived.
    view_lengths: [usize; 4],
    /// The tags of the events, for the filter bar.
    tags: Vec<String>,
    /// The editor's large picker lists, and the version they were built for.
    pickers: Pickers,
    pickers_version: u64,
}

/// A change to the document that a large dataset's derived data can follow cheaply.
enum SmallChange {
    /// One record replaced; what it was.
    Replaced(Target, Box<AnyRecord>),
    /// Saved: only where records stand in their files changed.
    Saved,
}

/// Above this many claims and events, the view is derived on a worker thread by default
/// ([`App::derive_in_background_above`]).
pub const DERIVE_IN_BACKGROUND_ABOVE: usize = 50_000;

/// What waits for the user's answer before it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Close,
    Open(PathBuf),
    Create(PathBuf),
    Reload,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PathMode {
    Open,
    New,
    Export(Export),
}

struct PathPrompt {
    mode: PathMode,
    text: String,
    note: String,
}

/// The dialogs that can be open.
#[derive(Default)]
pub struct Dialogs {
    /// A record others refer to, and who refers to it.
    pub delete: Option<(Target, Vec<(Kind, String)>)>,
    /// Files changed on disk since they were loaded.
    pub conflict: Option<Vec<PathBuf>>,
    /// Unsaved changes and what waits for an answer (Save / Discard / Cancel).
    pub unsaved: Option<Pending>,
    path: Option<PathPrompt>,
    pub error: Option<String>,
    pub shortcuts: bool,
    pub about: bool,
}

/// The application.
pub struct App {
    pub doc: Option<Document>,
    pub prefs: Prefs,
    pub selected: Option<Target>,
    pub dialogs: Dialogs,
    pub status: String,
    editor: EditorState,
    derived: Derived,
    allow_close: bool,
    title: String,
    theme_applied: Option<ThemeChoice>,
    folder_dialog: Option<mpsc::Receiver<(PathMode, Option<PathBuf>)>>,
    save_next_frame: bool,
    /// Where the plot drew each mark last frame (screen position, claim).
    drawn: Vec<(egui::Pos2, usize)>,
    /// A dataset being opened in the background.
    opening: Option<Opening>,
    ctx: egui::Context,
    /// Above this many claims and events, the lists and the plot are derived on a worker
    /// thread (tests set it to 0 to exercise that path on the sample).
    pub derive_in_background_above: usize,
}

/// Opens the window on `dir`, or on the last dataset, or on the bundled sample.
pub fn run(dir: Option<PathBuf>) -> Result<(), eframe::Error> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Crosscheck")
            .with_app_id("crosscheck")
            .with_inner_size([1600.0, 1000.0])
            .with_min_inner_size([800.0, 500.0]),
        ..Default::default()
    };
    eframe::run_native(
        "crosscheck",
        options,
        Box::new(move |cc| Ok(Box::new(App::new(cc, dir)))),
    )
}

impl App {
    /// Creates the app and opens `dir` (or the last dataset, or the sample).
    pub fn new(cc: &eframe::CreationContext<'_>, dir: Option<PathBuf>) -> App {
        let prefs: Prefs = cc
            .storage
            .and_then(|s| eframe::get_value(s, PREFS_KEY))
            .unwrap_or_default();
        App::with_context(&cc.egui_ctx, prefs, dir)
    }

    /// Creates the app on an egui context (a window's, or a headless one for `bench-ui`).
    pub fn with_context(ctx: &egui::Context, prefs: Prefs, dir: Option<PathBuf>) -> App {
        ctx.set_fonts(crate::ui::fonts());
        let mut app = App {
            doc: None,
            prefs,
            selected: None,
            dialogs: Dialogs::default(),
            status: String::new(),
            editor: EditorState::default(),
            derived: Derived::default(),
            allow_close: false,
            title: String::new(),
            theme_applied: None,
            folder_dialog: None,
            save_next_frame: false,
            drawn: Vec::new(),
            opening: None,
            ctx: ctx.clone(),
            derive_in_background_above: DERIVE_IN_BACKGROUND_ABOVE,
        };
        let path = dir.unwrap_or_else(|| {
            app.prefs
                .last_dataset
                .clone()
                .filter(|p| p.join(store::MANIFEST).is_file())
                .unwrap_or_else(|| PathBuf::from(SAMPLE_DATASET))
        });
        app.open_now(&path);
        app
    }

    /// True when the document has changes not yet saved.
    pub fn is_dirty(&self) -> bool {
        self.doc.as_ref().is_some_and(|d| d.history.is_dirty())
    }

    /// The series the plot draws (rebuilt when the data, filter, plot settings or selection
    /// change).
    pub fn plot_series(&self) -> &[Series] {
        &self.derived.view.series
    }

    /// Where the plot drew each mark in the last frame: screen position and claim index.
    pub fn drawn_marks(&self) -> &[(egui::Pos2, usize)] {
        &self.drawn
    }

    /// The records shown in a list, in display order.
    pub fn shown(&self, kind: Kind) -> &[usize] {
        &self.derived.view.orders[sort_slot(kind)]
    }

    /// Starts opening `path` on another thread: reading, validating and indexing happen there
    /// while the window keeps painting and shows a progress bar with a Cancel button. The open
    /// dataset, if any, stays until the new one is ready.
    fn open_now(&mut self, path: &Path) {
        self.cancel_opening();
        let progress = Arc::new(Progress::default());
        let (tx, rx) = mpsc::channel();
        let (job, ctx, dir) = (progress.clone(), self.ctx.clone(), path.to_path_buf());
        std::thread::spawn(move || {
            let result = Store::load_with(&dir, &job).map(Opened::prepare);
            let _ = tx.send(result);
            ctx.request_repaint();
        });
        self.opening = Some(Opening {
            path: path.to_path_buf(),
            progress,
            rx,
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
    /// polls instead).
    pub fn finish_opening(&mut self) {
        if let Some(o) = &self.opening {
            let result = o.rx.recv().unwrap_or(Err(StoreError::Cancelled));
            self.opened(result);
        }
    }

    fn poll_opening(&mut self) {
        let Some(o) = &self.opening else { return };
        match o.rx.try_recv() {
            Ok(result) => self.opened(result),
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => self.opened(Err(StoreError::Cancelled)),
        }
    }

    /// Installs a dataset that finished opening (unless the opening was cancelled).
    fn opened(&mut self, result: Result<Opened, StoreError>) {
        let Some(o) = self.opening.take() else { return };
        let path = o.path;
        let opened = match result {
            Ok(_) | Err(StoreError::Cancelled) if o.cancelled => {
                self.status = format!("Opening {} was cancelled", path.display());
                return;
            }
            Ok(opened) => opened,
            Err(StoreError::Cancelled) => return,
            Err(e) => {
                self.dialogs.error = Some(format!("Could not open the dataset.\n\n{e}"));
                return;
            }
        };
        let Opened {
            loaded,
            index,
            counts,
            findings,
            tags,
        } = opened;
        let errors = loaded
            .load_findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        self.doc = Some(Document {
            store: loaded.store,
            dataset: Arc::new(loaded.dataset),
            history: History::default(),
            load_findings: loaded.load_findings,
            version: 1,
        });
        // What the loading thread derived already: nothing is rebuilt on the UI thread.
        self.settle();
        self.derived = Derived {
            version: 1,
            index: Arc::new(index),
            counts: Arc::new(counts),
            findings,
            tags,
            ..Derived::default()
        };
        self.selected = None;
        self.prefs.recent.retain(|p| *p != path);
        self.prefs.recent.insert(0, path.clone());
        self.prefs.recent.truncate(MAX_RECENT);
        self.prefs.last_dataset = Some(path.clone());
        self.status = if errors > 0 {
            format!(
                "Opened {} — {errors} file(s) could not be read",
                path.display()
            )
        } else {
            format!("Opened {}", path.display())
        };
    }

    /// Applies one edit to the document: the one place the document changes.
    fn apply(&mut self, edit: Edit, coalesce: Option<String>) {
        self.settle();
        let Some(doc) = &mut self.doc else { return };
        // One record replaced and nothing else pending: remember what it was, so that what
        // is derived from the document can be brought up to date instead of rebuilt.
        let single = match &edit {
            Edit::Replace { index, record } if doc.version == self.derived.version => {
                let t = Target {
                    kind: record.kind(),
                    index: *index,
                };
                record_at(&doc.dataset, t).map(|old| (t, old))
            }
            _ => None,
        };
        match doc
            .history
            .apply(Arc::make_mut(&mut doc.dataset), edit, coalesce)
        {
            Ok(()) => {
                doc.version += 1;
                self.derived.replaced =
                    single.map(|(t, old)| (doc.version, SmallChange::Replaced(t, Box::new(old))));
                self.derived.edited_at = Some(Instant::now());
            }
            Err(e) => self.dialogs.error = Some(format!("That change could not be made: {e}")),
        }
    }

    fn undo_redo(&mut self, redo: bool) {
        self.settle();
        let Some(doc) = &mut self.doc else { return };
        let ds = Arc::make_mut(&mut doc.dataset);
        let result = if redo {
            doc.history.redo(ds)
        } else {
            doc.history.undo(ds)
        };
        match result {
            Ok(Some(target)) => {
                doc.version += 1;
                // Select what changed, if it still exists.
                let exists = record_at(&doc.dataset, target).is_some();
                self.selected = exists.then_some(target);
                self.status = if redo {
                    "Redone".into()
                } else {
                    "Undone".into()
                };
            }
            Ok(None) => {
                doc.version += 1;
            }
            Err(e) => self.dialogs.error = Some(format!("Undo failed: {e}")),
        }
    }

    fn save(&mut self, on_conflict: OnConflict) -> bool {
        self.settle();
        let Some(doc) = &mut self.doc else {
            return false;
        };
        let before = doc.version;
        let result = doc.store.save(Arc::make_mut(&mut doc.dataset), on_conflict);
        doc.version += 1;
        if before == self.derived.version {
            self.derived.replaced = Some((doc.version, SmallChange::Saved));
        }
        match result {
            Ok(report) => {
                doc.history.mark_saved();
                doc.history.break_coalescing();
                self.status = match report.written.len() {
                    0 => "Nothing to save: the files are up to date".into(),
                    1 => format!("Saved {}", report.written[0].display()),
                    n => format!("Saved {n} files"),
                };
                true
            }
            Err(SaveError::ChangedOnDisk(paths)) => {
                self.dialogs.conflict = Some(paths);
                false
            }
            Err(e) => {
                self.dialogs.error = Some(format!(
                    "Could not save.\n\n{e}\n\nYour changes are still here, unsaved."
                ));
                false
            }
        }
    }

    fn keep_both(&mut self) {
        self.settle();
        let Some(doc) = &mut self.doc else { return };
        let result = doc.store.save_keeping_both(Arc::make_mut(&mut doc.dataset));
        doc.version += 1;
        match result {
            Ok((_, copies)) => {
                let names: Vec<String> = copies.iter().map(|p| p.display().to_string()).collect();
                self.status = format!(
                    "Your version was written beside the changed file(s): {}. Merge by hand, then reload.",
                    names.join(", ")
                );
            }
            Err(e) => self.dialogs.error = Some(format!("Could not save.\n\n{e}")),
        }
    }

    /// Runs `pending` now, or asks Save / Discard / Cancel first when there are unsaved
    /// changes.
    fn guard(&mut self, pending: Pending, ctx: &egui::Context) {
        if self.is_dirty() {
            self.dialogs.unsaved = Some(pending);
        } else {
            self.proceed(pending, ctx);
        }
    }

    fn proceed(&mut self, pending: Pending, ctx: &egui::Context) {
        match pending {
            Pending::Close => {
                self.allow_close = true;
                ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            Pending::Open(p) => self.open_now(&p),
            Pending::Create(p) => self.create_now(&p),
            Pending::Reload => {
                if let Some(root) = self.doc.as_ref().map(|d| d.store.root().to_path_buf()) {
                    self.open_now(&root);
                }
            }
        }
    }

    fn create_now(&mut self, dir: &Path) {
        let title = dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "New dataset".into());
        match store::create(dir, &default_manifest(&title)) {
            Ok(()) => self.open_now(dir),
            Err(e) => self.dialogs.error = Some(format!("Could not create the dataset.\n\n{e}")),
        }
    }

    /// Starts the native folder dialog on another thread, or asks for a typed path where no
    /// dialog service is available.
    fn folder_dialog(&mut self, mode: PathMode, ctx: &egui::Context) {
        if !native_dialog_available() {
            self.dialogs.path = Some(PathPrompt {
                mode,
                text: String::new(),
                note: match mode {
                    PathMode::Export(_) => {
                        "No file dialog is available here: type the file's path.".into()
                    }
                    _ => "No folder dialog is available here: type the folder's path.".into(),
                },
            });
            return;
        }
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let title = match mode {
            PathMode::Open => "Open a Crosscheck dataset (the folder holding dataset.ron)",
            PathMode::New => "Choose an empty folder for the new dataset",
            PathMode::Export(_) => "Export the plot",
        };
        let start = self.doc.as_ref().map(|d| d.store.root().to_path_buf());
        std::thread::spawn(move || {
            let mut dialog = rfd::AsyncFileDialog::new().set_title(title);
            if let Some(dir) = start {
                dialog = dialog.set_directory(dir);
            }
            let picked = match mode {
                PathMode::Export(e) => {
                    let (name, ext) = export_name(e);
                    pollster::block_on(
                        dialog
                            .set_file_name(name)
                            .add_filter(ext, &[ext])
                            .save_file(),
                    )
                }
                _ => pollster::block_on(dialog.pick_folder()),
            };
            let _ = tx.send((mode, picked.map(|h| h.path().to_path_buf())));
            ctx.request_repaint();
        });
        self.folder_dialog = Some(rx);
    }

    fn poll_folder_dialog(&mut self, ctx: &egui::Context) {
        let Some(rx) = &self.folder_dialog else {
            return;
        };
        match rx.try_recv() {
            Ok((mode, Some(path))) => {
                self.folder_dialog = None;
                let pending = match mode {
                    PathMode::Open => Pending::Open(path),
                    PathMode::New => Pending::Create(path),
                    PathMode::Export(e) => {
                        self.export(e, &path);
                        return;
                    }
                };
                self.guard(pending, ctx);
            }
            Ok((PathMode::Export(_), None)) => self.folder_dialog = None,
            Ok((mode, None)) => {
                self.folder_dialog = None;
                self.dialogs.path = Some(PathPrompt {
                    mode,
                    text: String::new(),
                    note: "No folder was chosen. You can also type its path:".into(),
                });
            }
            Err(mpsc::TryRecvError::Empty) => {}
            Err(mpsc::TryRecvError::Disconnected) => self.folder_dialog = None,
        }
    }

    /// Carries out one command.
    pub fn handle(&mut self, cmd: Command, ctx: &egui::Context) {
        match cmd {
            Command::Edit { edit, coalesce } => self.apply(*edit, coalesce),
            Command::Select(t) => {
                self.selected = t;
                if let Some(doc) = &mut self.doc {
                    doc.history.break_coalescing();
                }
                self.show_in_plot(t);
            }
            Command::ShowTab(k) => self.prefs.tab = k,
            Command::NewRecord(kind) => {
                self.new_record(kind);
                self.reveal(ctx);
            }
            Command::Duplicate(t) => {
                self.duplicate(t);
                self.reveal(ctx);
            }
            Command::Reveal(t) => {
                self.selected = Some(t);
                self.prefs.tab = t.kind;
                self.reveal(ctx);
            }
            Command::Delete(t) => {
                let Some(doc) = &self.doc else { return };
                let Some(rec) = record_at(&doc.dataset, t) else {
                    return;
                };
                let refs = doc.dataset.referrers(t.kind, rec.id());
                if refs.is_empty() {
                    self.delete_now(t);
                } else {
                    self.dialogs.delete = Some((t, refs));
                }
            }
            Command::DeleteConfirmed(t) => self.delete_now(t),
            Command::Undo => self.undo_redo(false),
            Command::Redo => self.undo_redo(true),
            Command::Save => {
                // A field being typed in commits when it loses focus: let it, then save on
                // the next frame.
                let focused = ctx.memory(|m| m.focused());
                if let Some(id) = focused {
                    ctx.memory_mut(|m| m.surrender_focus(id));
                    self.save_next_frame = true;
                    ctx.request_repaint();
                } else {
                    self.save(OnConflict::Refuse);
                }
            }
            Command::Open(p) => self.guard(Pending::Open(p), ctx),
            Command::Create(p) => self.guard(Pending::Create(p), ctx),
            Command::OpenDialog => self.folder_dialog(PathMode::Open, ctx),
            Command::ExportDialog(e) => self.folder_dialog(PathMode::Export(e), ctx),
            Command::NewDialog => self.folder_dialog(PathMode::New, ctx),
            Command::Quit => self.guard(Pending::Close, ctx),
        }
    }

    /// Writes the current plot (SVG, PNG) or its claims (CSV) to `path`.
    pub fn export(&mut self, what: Export, path: &Path) {
        let Some(doc) = &self.doc else { return };
        let ds = &doc.dataset;
        let result: Result<(), String> = match what {
            Export::Csv => {
                // The claims plotted (all of them, also where the drawing is thinned), and
                // the parts behind each sum.
                let all = derive::plotted(
                    ds,
                    &self.derived.index,
                    &self.derived.view.shown.claims,
                    &self.prefs.plot,
                    None,
                );
                let mut idx: Vec<usize> = all
                    .iter()
                    .flat_map(|s| s.marks.iter())
                    .filter(|m| m.y.is_some())
                    .flat_map(|m| {
                        if m.derived {
                            m.parts.clone()
                        } else {
                            vec![m.claim]
                        }
                    })
                    .collect();
                idx.sort_unstable();
                idx.dedup();
                let claims = idx.into_iter().filter_map(|i| ds.claims.get(i));
                store::write_some_claims_csv(ds, claims, path).map_err(|e| e.to_string())
            }
            Export::Svg | Export::Png => {
                let text = self.plot_svg();
                let bytes = match what {
                    Export::Png => crate::chart::png(&text, 2.0),
                    _ => Ok(text.into_bytes()),
                };
                bytes.and_then(|b| store::atomic::write_atomic(path, &b).map_err(|e| e.to_string()))
            }
        };
        match result {
            Ok(()) => self.status = format!("Exported {}", path.display()),
            Err(e) => {
                self.dialogs.error = Some(format!("Could not export to {}.\n\n{e}", path.display()))
            }
        }
    }

    /// The current plot as an SVG document.
    pub fn plot_svg(&self) -> String {
        let Some(doc) = &self.doc else {
            return String::new();
        };
        let ds = &doc.dataset;
        let metric = match self.prefs.plot.tab {
            PlotTab::Casualties => self.prefs.plot.casualty_metric.clone(),
            _ => "troops_deployed".to_string(),
        };
        let name = ds
            .manifest
            .metrics
            .iter()
            .find(|m| m.id == metric)
            .map_or(metric.clone(), |m| m.name.clone());
        let title = format!("{name} — {}", ds.manifest.title);
        crate::chart::svg(
            ds,
            &self.derived.view.series,
            &crate::chart::Figure {
                title: &title,
                y_label: &name,
                x: self.prefs.plot.x,
                width: 1200.0,
                height: 700.0,
            },
        )
    }

    /// Turns the plot to the tab and metric of a selected claim with a number, so that the
    /// selection is visible there (the Timeline stays as it is).
    fn show_in_plot(&mut self, t: Option<Target>) {
        let (Some(doc), Some(t)) = (&self.doc, t) else {
            return;
        };
        let Some(c) = doc
            .dataset
            .claims
            .get(t.index)
            .filter(|_| t.kind == Kind::Claim)
        else {
            return;
        };
        let plot = &mut self.prefs.plot;
        if plot.tab == PlotTab::Timeline || !c.value.qualifier.has_number() {
            return;
        }
        if plot_ui::troop_metrics(&doc.dataset)
            .iter()
            .any(|m| *m == c.metric)
        {
            if c.metric == "troops_deployed" {
                plot.tab = PlotTab::Troops;
            }
        } else {
            plot.tab = PlotTab::Casualties;
            plot.casualty_metric = c.metric.to_string();
        }
    }

    /// Scrolls the list to the selected record once.
    fn reveal(&self, ctx: &egui::Context) {
        if let Some(t) = self.selected {
            ctx.memory_mut(|m| m.data.insert_temp(egui::Id::unique(lists::REVEAL), t));
        }
    }

    fn delete_now(&mut self, t: Target) {
        self.apply(Edit::Remove { target: t }, None);
        if self.selected == Some(t) {
            self.selected = None;
        }
        self.status = format!("Deleted the {} (Ctrl+Z brings it back)", t.kind.noun());
    }

    fn new_record(&mut self, kind: Kind) {
        let Some(doc) = &self.doc else { return };
        let ds = &doc.dataset;
        let f = &self.prefs.filter;
        let first_actor = || ds.actors.first().map(|a| a.id.clone()).unwrap_or_default();
        let today = chrono::Local::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        let record = match kind {
            Kind::Claim => {
                let metric = f
                    .metric
                    .clone()
                    .or_else(|| ds.manifest.metrics.first().map(|m| m.id.clone()))
                    .unwrap_or_default();
                let subject = ds
                    .actors
                    .iter()
                    .find(|a| a.kind == ActorKind::ArmedForce)
                    .map(|a| a.id.clone())
                    .unwrap_or_else(first_actor);
                let claimant = f.claimant.clone().unwrap_or_else(first_actor);
                AnyRecord::Claim(Claim::new(
                    &ds.unique_id("new-claim"),
                    &metric,
                    &subject,
                    &claimant,
                    Value::new(Qualifier::Exact, 0),
                    DateText::new(&today),
                ))
            }
            Kind::Event => {
                let ty = ds
                    .manifest
                    .event_types
                    .first()
                    .map(|t| t.id.clone())
                    .unwrap_or_default();
                AnyRecord::Event(Event::new(
                    &ds.unique_id("new-event"),
                    DateText::new(&today),
                    "New event",
                    &ty,
                ))
            }
            Kind::Source => AnyRecord::Source(Source {
                published: Some(DateText::new(&today)),
                accessed: Some(DateText::new(&today)),
                language: "en".into(),
                ..Source::new(&ds.unique_id("new-source"), "New source")
            }),
            Kind::Actor => AnyRecord::Actor(Actor::new(
                &ds.unique_id("new-actor"),
                "New actor",
                ActorKind::Government,
            )),
        };
        let index = doc.dataset.count(kind);
        self.apply(Edit::Insert { index, record }, None);
        self.select_and_reveal(Target { kind, index });
    }

    fn duplicate(&mut self, t: Target) {
        let Some(doc) = &self.doc else { return };
        let Some(mut rec) = record_at(&doc.dataset, t) else {
            return;
        };
        let id = doc.dataset.unique_id(&format!("{}-copy", rec.id()));
        match &mut rec {
            AnyRecord::Actor(r) => (r.id, r.origin) = (id, None),
            AnyRecord::Source(r) => (r.id, r.origin) = (id, None),
            AnyRecord::Event(r) => (r.id, r.origin) = (id, None),
            AnyRecord::Claim(r) => (r.id, r.origin) = (id, None),
        }
        let index = doc.dataset.count(t.kind);
        self.apply(Edit::Insert { index, record: rec }, None);
        self.select_and_reveal(Target {
            kind: t.kind,
            index,
        });
    }

    fn select_and_reveal(&mut self, t: Target) {
        self.selected = Some(t);
        self.prefs.tab = t.kind;
        // A new record must be visible even if the filter would hide it.
        self.prefs.filter = Filter {
            show_deprecated: self.prefs.filter.show_deprecated,
            ..Filter::default()
        };
    }

    /// Rebuilds what depends on the document when it changed, and derives the view again
    /// when the document, the filter, the sorts, the plot settings or the selection changed —
    /// on a worker thread for a large dataset, the window painting the previous view
    /// meanwhile. Never on an ordinary frame.
    fn refresh(&mut self) {
        let Some(doc) = &self.doc else { return };
        let d = &mut self.derived;
        let ds = &doc.dataset;
        let large = ds.claims.len() + ds.events.len() > self.derive_in_background_above;
        if d.version != doc.version {
            let small = d
                .replaced
                .take()
                .filter(|(v, _)| *v == doc.version && d.version + 1 == doc.version);
            // After a small change the checks run again: at once on a small dataset, once
            // editing pauses on a large one.
            let mut recheck = false;
            match small {
                Some((_, SmallChange::Saved)) => {
                    // Only positions in files changed: the findings point at them.
                    recheck = true;
                }
                Some((_, SmallChange::Replaced(t, old))) => {
                    // One record changed: bring the index and counts up to date.
                    Arc::make_mut(&mut d.index).replaced(ds, t.kind, t.index, &old);
                    Arc::make_mut(&mut d.counts).replaced(ds, t, &old);
                    if t.kind == Kind::Event {
                        d.tags = filter_bar::tags(ds);
                    }
                    d.full_orders.clear_kind(t.kind);
                    if d.pickers_version == d.version && Pickers::still_valid_after(ds, t, &old) {
                        d.pickers_version = doc.version;
                    }
                    recheck = true;
                }
                _ => {
                    d.index = Arc::new(SearchIndex::build(ds));
                    d.counts = Arc::new(Counts::build(ds));
                    d.tags = filter_bar::tags(ds);
                    d.findings = validate(ds, doc.store.manifest_loaded());
                    d.findings_stale = None;
                    d.full_orders.clear();
                }
            }
            if recheck {
                if large {
                    d.findings_stale = Some(Instant::now());
                } else {
                    d.findings = validate(ds, doc.store.manifest_loaded());
                }
            }
            d.version = doc.version;
        }
        if let Some(since) = d.findings_stale {
            let wait = std::time::Duration::from_millis(1000);
            if since.elapsed() >= wait && d.edited_at.is_none_or(|t| t.elapsed() >= wait) {
                d.findings = validate(ds, doc.store.manifest_loaded());
                d.findings_stale = None;
            } else {
                self.ctx.request_repaint_after(wait);
            }
        }
        // Only while a record is being edited: the editor is what uses them.
        if self.selected.is_some() && d.pickers_version != doc.version {
            d.pickers = Pickers::build(&doc.dataset);
            d.pickers_version = doc.version;
        }
        self.poll_view(false);
        let Some(doc) = &self.doc else { return };
        let d = &mut self.derived;
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
        let ds = &doc.dataset;
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
            let pause = std::time::Duration::from_millis(300);
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
        let (tx, rx) = mpsc::channel();
        let (ds, index, counts) = (doc.dataset.clone(), d.index.clone(), d.counts.clone());
        let mut orders = std::mem::take(&mut d.full_orders);
        // The lists are reused when only the plot changes.
        let previous = View {
            key: d.view.key.clone(),
            shown: d.view.shown.clone(),
            orders: d.view.orders.clone(),
            ..View::default()
        };
        let ctx = self.ctx.clone();
        std::thread::spawn(move || {
            let view = derive::derive(&ds, &index, &counts, &mut orders, key, &previous);
            drop((ds, index, counts));
            // The window may be gone; then nobody needs the result.
            let _ = tx.send((view, orders));
            ctx.request_repaint();
        });
        d.job = Some(rx);
    }

    /// Takes the worker's view if it is done (or, with `wait`, once it is done). A view of an
    /// older version of the document is dropped; the next refresh derives a new one.
    fn poll_view(&mut self, wait: bool) {
        let d = &mut self.derived;
        let Some(rx) = &d.job else { return };
        let got = if wait {
            rx.recv().ok()
        } else {
            match rx.try_recv() {
                Ok(v) => Some(v),
                Err(mpsc::TryRecvError::Empty) => return,
                Err(mpsc::TryRecvError::Disconnected) => None,
            }
        };
        d.job = None;
        let Some((view, orders)) = got else { return };
        let version = view.key.as_ref().map(|k| k.version);
        if version == Some(d.version) {
            d.full_orders = orders;
            d.view = view;
        }
    }

    /// Waits for the worker, if one runs, so that the document can change without being
    /// copied and no view of an older version is shown afterwards.
    fn settle(&mut self) {
        self.poll_view(true);
    }

    /// Derives the view now, waiting for any worker: for tests and benchmarks, which check
    /// what a frame shows after a change.
    pub fn finish_deriving(&mut self) {
        self.settle();
        // No pause to wait for: the checks and the view follow at once.
        self.derived.edited_at = None;
        if self.derived.findings_stale.is_some() {
            self.derived.findings_stale = Some(Instant::now() - std::time::Duration::from_secs(2));
        }
        self.refresh();
        self.settle();
        self.refresh();
        self.settle();
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

    fn window_title(&self) -> String {
        match &self.doc {
            None => "Crosscheck".into(),
            Some(doc) => {
                let name = if doc.dataset.manifest.title.is_empty() {
                    doc.store.root().display().to_string()
                } else {
                    doc.dataset.manifest.title.clone()
                };
                let mark = if doc.history.is_dirty() { "● " } else { "" };
                format!("{mark}{name} — Crosscheck")
            }
        }
    }

    fn apply_theme(&mut self, ctx: &egui::Context) {
        if self.theme_applied == Some(self.prefs.theme) {
            return;
        }
        self.theme_applied = Some(self.prefs.theme);
        ctx.set_theme(match self.prefs.theme {
            ThemeChoice::System => egui::ThemePreference::System,
            ThemeChoice::Light => egui::ThemePreference::Light,
            ThemeChoice::Dark => egui::ThemePreference::Dark,
        });
    }
}

/// Whether a native folder dialog can be shown. On Linux the dialog is the desktop portal,
/// reached over the session bus: without one, a typed path is asked for instead.
fn native_dialog_available() -> bool {
    if cfg!(target_os = "linux") {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
    } else {
        true
    }
}

/// The manifest of a new dataset: the common metrics and event types.
pub fn default_manifest(title: &str) -> Manifest {
    let metric = |id: &str, name: &str, parts: &[&str]| Metric {
        id: id.into(),
        name: name.into(),
        parts: parts.iter().map(|s| s.to_string()).collect(),
        ..Metric::default()
    };
    let term = |id: &str, name: &str| Term {
        id: id.into(),
        name: name.into(),
        ..Term::default()
    };
    Manifest {
        format_version: FORMAT_VERSION,
        title: title.into(),
        metrics: vec![
            metric("troops_deployed", "Troops deployed", &[]),
            metric("killed", "Killed", &[]),
            metric("wounded", "Wounded", &[]),
            metric(
                "killed_or_wounded",
                "Killed or wounded",
                &["killed", "wounded"],
            ),
            metric("captured", "Captured", &[]),
            metric("missing", "Missing", &[]),
        ],
        event_types: vec![
            term("battle", "Battle or clashes"),
            term("deployment", "Deployment"),
            term("capture", "Capture of prisoners"),
            term("statement", "Official statement"),
        ],
        ..Manifest::default()
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.draw(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFS_KEY, &self.prefs);
    }
}

impl App {
    /// One frame of the whole window.
    pub fn draw(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.apply_theme(&ctx);
        let mut out = Vec::new();
        let deferred_save = std::mem::take(&mut self.save_next_frame);
        let find = menu::consume_shortcuts(&ctx, self.selected, &mut out);
        self.poll_folder_dialog(&ctx);
        self.poll_opening();
        if ctx.input(|i| i.viewport().close_requested()) && self.is_dirty() && !self.allow_close {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
            self.dialogs.unsaved = Some(Pending::Close);
        }
        self.refresh();

        let (can_undo, can_redo) = self.doc.as_ref().map_or((false, false), |d| {
            (d.history.can_undo(), d.history.can_redo())
        });
        egui::Panel::top("menu-bar").show(ui, |ui| {
            menu::show(
                ui,
                MenuState {
                    can_undo,
                    can_redo,
                    recent: &self.prefs.recent,
                    selected: self.selected,
                    show_lists: &mut self.prefs.show_lists,
                    show_editor: &mut self.prefs.show_editor,
                    theme: &mut self.prefs.theme,
                    show_shortcuts: &mut self.dialogs.shortcuts,
                    show_about: &mut self.dialogs.about,
                },
                &mut out,
            );
        });
        self.status_bar(ui);
        if let Some(doc) = &self.doc {
            egui::Panel::top("filter-bar").show(ui, |ui| {
                ui.add_space(2.0);
                filter_bar::show(ui, &doc.dataset, &self.derived.tags, &mut self.prefs.filter);
                ui.add_space(2.0);
            });
            if find {
                ctx.memory_mut(|m| m.request_focus(egui::Id::unique(filter_bar::SEARCH_ID)));
            }
            broken_files_banner(ui, doc);
        }
        self.panels(ui, &mut out);
        self.dialogs(&ctx, &mut out);
        if deferred_save {
            // After the edit that the field committed on losing focus.
            out.push(Command::Save);
        }
        for cmd in out {
            self.handle(cmd, &ctx);
        }
        let title = self.window_title();
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }
}

fn broken_files_banner(ui: &mut Ui, doc: &Document) {
    let broken: Vec<&Finding> = doc
        .load_findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if broken.is_empty() {
        return;
    }
    egui::Panel::top("broken-files")
        .frame(egui::Frame::new().fill(Color32::from_rgb(0x80, 0x1c, 0x1c)).inner_margin(8.0))
        .show(ui, |ui| {
            ui.label(
                RichText::new(format!(
                    "{} file(s) could not be read. Their records are not shown, and Crosscheck will not write these files until they parse again:",
                    broken.len()
                ))
                .color(Color32::WHITE)
                .strong(),
            );
            for f in broken {
                ui.label(RichText::new(doc.store.describe(f)).color(Color32::WHITE).monospace());
            }
        });
}

impl App {
    fn status_bar(&mut self, ui: &mut Ui) {
        egui::Panel::bottom("status-bar").show(ui, |ui| {
            ui.horizontal(|ui| {
                match &self.doc {
                    None => {
                        ui.label("No dataset open");
                    }
                    Some(doc) => {
                        if doc.history.is_dirty() {
                            ui.label(
                                RichText::new("● Unsaved changes")
                                    .color(Color32::from_rgb(0xe0, 0x90, 0x20))
                                    .strong(),
                            );
                        } else {
                            ui.label(RichText::new("✓ All changes saved").weak());
                        }
                        ui.separator();
                        ui.label(doc.store.root().display().to_string());
                        ui.separator();
                        let errors = self
                            .derived
                            .findings
                            .iter()
                            .filter(|f| f.severity == Severity::Error)
                            .count();
                        let warnings = self.derived.findings.len() - errors;
                        let text = format!("{errors} error(s), {warnings} warning(s)");
                        if errors > 0 {
                            ui.label(
                                RichText::new(text).color(Color32::from_rgb(0xd0, 0x30, 0x30)),
                            );
                        } else {
                            ui.label(text);
                        }
                        if self.derived.job.is_some() {
                            ui.separator();
                            ui.label(RichText::new("Updating the lists and the plot…").italics());
                        }
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    ui.add(egui::Label::new(&self.status).truncate());
                });
            });
        });
    }

    fn panels(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        let Some(doc) = &self.doc else {
            let opening = self.opening.is_some();
            egui::CentralPanel::default().show(ui, |ui| {
                ui.vertical_centered(|ui| {
                    ui.add_space(80.0);
                    if opening {
                        ui.heading("Opening the dataset…");
                        return;
                    }
                    ui.heading("No dataset is open");
                    ui.add_space(12.0);
                    if ui.button("Open dataset…").clicked() {
                        out.push(Command::OpenDialog);
                    }
                    if ui.button("New dataset…").clicked() {
                        out.push(Command::NewDialog);
                    }
                    if ui.button("Open the sample dataset").clicked() {
                        out.push(Command::Open(PathBuf::from(SAMPLE_DATASET)));
                    }
                });
            });
            return;
        };
        let ds = &doc.dataset;
        let highlight_event = self
            .selected
            .filter(|t| t.kind == Kind::Event)
            .and_then(|t| ds.events.get(t.index))
            .map(|e| e.id.as_str());
        // Panel sizes follow the window, so that a small window still shows all three.
        let total = ui.available_width();
        if self.prefs.show_lists {
            egui::Panel::left("lists")
                .resizable(true)
                .default_size(total * 0.36)
                .min_size(260.0_f32.min(total * 0.3))
                .max_size(total * 0.6)
                .show(ui, |ui| {
                    ui.add_space(4.0);
                    ui.horizontal(|ui| {
                        for kind in [Kind::Event, Kind::Claim, Kind::Source, Kind::Actor] {
                            let name = match kind {
                                Kind::Event => "Events",
                                Kind::Claim => "Claims",
                                Kind::Source => "Sources",
                                Kind::Actor => "Actors",
                            };
                            let label = format!(
                                "{name} ({})",
                                self.derived.view.orders[sort_slot(kind)].len()
                            );
                            if ui.selectable_label(self.prefs.tab == kind, label).clicked() {
                                out.push(Command::ShowTab(kind));
                            }
                        }
                    });
                    ui.separator();
                    let kind = self.prefs.tab;
                    let view = ListView {
                        ds,
                        counts: &self.derived.counts,
                        kind,
                        order: &self.derived.view.orders[sort_slot(kind)],
                        selected: self.selected,
                        highlight_event,
                    };
                    lists::show(ui, &view, &mut self.prefs.sorts[sort_slot(kind)], out);
                });
        }
        if self.prefs.show_editor {
            egui::Panel::right("editor")
                .resizable(true)
                .default_size(total * 0.27)
                .min_size(260.0_f32.min(total * 0.25))
                .max_size(total * 0.45)
                .show(ui, |ui| {
                    crate::ui::editor::show(
                        ui,
                        &mut self.editor,
                        ds,
                        &self.derived.pickers,
                        &self.derived.findings,
                        self.selected,
                        out,
                    );
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            egui::Panel::bottom("problems")
                .resizable(true)
                .default_size(110.0)
                .min_size(28.0)
                .show(ui, |ui| problems(ui, doc, &self.derived.findings, out));
            let view = PlotView {
                ds,
                series: &self.derived.view.series,
                legend: &self.derived.view.legend,
                events: &self.derived.view.orders[sort_slot(Kind::Event)],
                claims: &self.derived.view.shown.claims,
                selected: self.selected,
                thinned: self.derived.view.thinned,
            };
            if let Some(e) = plot_ui::show(ui, &mut self.prefs.plot, &view, out, &mut self.drawn) {
                out.push(Command::ExportDialog(e));
            }
        });
    }

    fn dialogs(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) {
        if let Some(o) = self.opening.as_ref().filter(|o| !o.cancelled) {
            let fraction = o.progress.fraction();
            let mb = |b: u64| b as f64 / 1_048_576.0;
            let (done, total) = (
                o.progress.done.load(Ordering::Relaxed),
                o.progress.total.load(Ordering::Relaxed),
            );
            let mut cancel = false;
            egui::Modal::new(egui::Id::unique("opening")).show(ctx, |ui| {
                ui.set_width(440.0);
                ui.heading("Opening dataset");
                ui.label(o.path.display().to_string());
                ui.add(egui::ProgressBar::new(fraction).text(format!(
                    "{:.0} of {:.0} MB read",
                    mb(done),
                    mb(total)
                )));
                if fraction >= 1.0 {
                    ui.label(RichText::new("Checking and indexing…").weak());
                }
                if ui
                    .button("Cancel")
                    .on_hover_text("Stop; the open dataset stays")
                    .clicked()
                {
                    cancel = true;
                }
            });
            if cancel {
                self.cancel_opening();
            } else {
                // Only while opening: the bar moves without any input.
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
            }
        }
        if let Some((target, refs)) = self.dialogs.delete.clone() {
            let name = self
                .doc
                .as_ref()
                .and_then(|d| record_at(&d.dataset, target))
                .map(|r| r.id().to_string())
                .unwrap_or_default();
            let mut close = false;
            egui::Modal::new(egui::Id::unique("confirm-delete")).show(ctx, |ui| {
                ui.set_max_width(460.0);
                ui.heading(format!("Delete {} “{name}”?", target.kind.noun()));
                ui.label(format!(
                    "{} record(s) refer to it and would point at nothing:",
                    refs.len()
                ));
                egui::ScrollArea::vertical()
                    .max_height(200.0)
                    .show(ui, |ui| {
                        for (k, id) in &refs {
                            ui.label(format!("• {} {id}", k.noun()));
                        }
                    });
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Delete anyway").clicked() {
                        out.push(Command::DeleteConfirmed(target));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
            if close {
                self.dialogs.delete = None;
            }
        }
        if let Some(paths) = self.dialogs.conflict.clone() {
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("save-conflict")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading("Files changed on disk");
                ui.label(
                    "Since the dataset was opened, another program (a text editor, git) changed:",
                );
                for p in &paths {
                    ui.monospace(p.display().to_string());
                }
                ui.label("Saving now would overwrite those changes. What should happen?");
                ui.add_space(8.0);
                ui.horizontal_wrapped(|ui| {
                    if ui.button("Reload from disk (discard my changes)").clicked() {
                        choice = Some(0);
                    }
                    if ui.button("Keep both (write mine beside theirs)").clicked() {
                        choice = Some(1);
                    }
                    if ui.button("Overwrite theirs").clicked() {
                        choice = Some(2);
                    }
                    if ui.button("Cancel").clicked() {
                        choice = Some(3);
                    }
                });
            });
            if let Some(c) = choice {
                self.dialogs.conflict = None;
                match c {
                    0 => self.proceed(Pending::Reload, ctx),
                    1 => self.keep_both(),
                    2 => {
                        self.save(OnConflict::Overwrite);
                    }
                    _ => {}
                }
            }
        }
        if let Some(pending) = self.dialogs.unsaved.clone() {
            let mut choice = None;
            egui::Modal::new(egui::Id::unique("unsaved-changes")).show(ctx, |ui| {
                ui.set_max_width(440.0);
                ui.heading("Save your changes?");
                let what = match &pending {
                    Pending::Close => "before closing".to_string(),
                    Pending::Open(p) | Pending::Create(p) => {
                        format!("before opening {}", p.display())
                    }
                    Pending::Reload => "before reloading".to_string(),
                };
                ui.label(format!(
                    "This dataset has unsaved changes. Save them {what}?"
                ));
                ui.add_space(8.0);
                ui.horizontal(|ui| {
                    if ui.button("Save").clicked() {
                        choice = Some(0);
                    }
                    if ui.button("Discard").clicked() {
                        choice = Some(1);
                    }
                    if ui.button("Cancel").clicked() {
                        choice = Some(2);
                    }
                });
            });
            if let Some(c) = choice {
                self.dialogs.unsaved = None;
                match c {
                    0 if self.save(OnConflict::Refuse) => self.proceed(pending, ctx),
                    1 => {
                        if let Some(doc) = &mut self.doc {
                            // Discarding: the document is left as it is, but nothing asks again.
                            doc.history.mark_saved();
                        }
                        self.proceed(pending, ctx);
                    }
                    _ => {}
                }
            }
        }
        if let Some(prompt) = &mut self.dialogs.path {
            let mut done = None;
            egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
                ui.set_max_width(520.0);
                ui.heading(match prompt.mode {
                    PathMode::Open => "Open a dataset",
                    PathMode::New => "New dataset",
                    PathMode::Export(_) => "Export the plot",
                });
                ui.label(&prompt.note);
                let l = ui.label("Folder");
                let r = ui
                    .add(egui::TextEdit::singleline(&mut prompt.text).desired_width(480.0))
                    .labelled_by(l.id);
                let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let go = match prompt.mode {
                        PathMode::Open => "Open",
                        PathMode::New => "Create",
                        PathMode::Export(_) => "Save",
                    };
                    if ui.button(go).clicked() || enter {
                        done = Some(true);
                    }
                    if ui.button("Cancel").clicked() {
                        done = Some(false);
                    }
                });
            });
            if let Some(go) = done {
                let path = PathBuf::from(prompt.text.trim());
                let mode = prompt.mode;
                self.dialogs.path = None;
                if go && !path.as_os_str().is_empty() {
                    match mode {
                        PathMode::Open => out.push(Command::Open(path)),
                        PathMode::New => out.push(Command::Create(path)),
                        PathMode::Export(e) => self.export(e, &path),
                    }
                }
            }
        }
        if let Some(msg) = self.dialogs.error.clone() {
            let mut close = false;
            egui::Modal::new(egui::Id::unique("error")).show(ctx, |ui| {
                ui.set_max_width(480.0);
                ui.heading("Something went wrong");
                ui.label(msg);
                if ui.button("OK").clicked() {
                    close = true;
                }
            });
            if close {
                self.dialogs.error = None;
            }
        }
        if self.dialogs.shortcuts {
            let mut open = true;
            egui::Window::new("Keyboard shortcuts")
                .open(&mut open)
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                        for (keys, what) in menu::shortcut_list(ctx) {
                            ui.monospace(keys);
                            ui.label(what);
                            ui.end_row();
                        }
                    });
                });
            self.dialogs.shortcuts = open;
        }
        if self.dialogs.about {
            let mut open = true;
            egui::Window::new("About Crosscheck")
                .open(&mut open)
                .collapsible(false)
                .resizable(false)
                .show(ctx, |ui| {
                    ui.label(format!("Crosscheck {}", env!("CARGO_PKG_VERSION")));
                    ui.label("Who claims what about an armed conflict: events, claims, claimants and sources, kept as RON files.");
                    ui.label("Hangul is drawn with a subset of Noto Sans CJK KR (SIL Open Font License).");
                });
            self.dialogs.about = open;
        }
    }
}

/// The dataset's problems, under the plots: click one to go to its record.
fn problems(ui: &mut Ui, doc: &Document, findings: &[Finding], out: &mut Vec<Command>) {
    let ds = &doc.dataset;
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let title = format!(
        "Problems: {errors} error(s), {} warning(s)",
        findings.len() - errors
    );
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
    egui::CollapsingHeader::new(title)
        .id_salt("problems-header")
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("problems")
                .auto_shrink([false, true])
                // Only the visible rows are laid out: a large dataset can have many findings.
                .show_rows(ui, row_h, findings.len().max(1), |ui, rows| {
                    if findings.is_empty() {
                        ui.label("✓ The dataset passes every check.");
                    }
                    for f in findings.get(rows).unwrap_or_default() {
                        let (icon, color) = crate::ui::severity_style(f.severity);
                        let label = match &f.record {
                            Some((k, id)) => format!("{icon} {} {id}: {}", k.noun(), f.message),
                            None => format!("{icon} {}", f.message),
                        };
                        let r = ui.add(
                            egui::Label::new(RichText::new(label).color(color))
                                .truncate()
                                .sense(egui::Sense::click()),
                        );
                        if r.clicked()
                            && let Some((k, id)) = &f.record
                            && let Some(index) = index_of(ds, *k, id)
                        {
                            out.push(Command::Reveal(Target { kind: *k, index }));
                        }
                    }
                });
        });
}

fn index_of(ds: &Dataset, kind: Kind, id: &str) -> Option<usize> {
    match kind {
        Kind::Actor => ds.actors.iter().position(|r| r.id == id),
        Kind::Source => ds.sources.iter().position(|r| r.id == id),
        Kind::Event => ds.events.iter().position(|r| r.id == id),
        Kind::Claim => ds.claims.iter().position(|r| r.id == id),
    }
}

/// The default file name and extension of an export.
fn export_name(e: Export) -> (&'static str, &'static str) {
    match e {
        Export::Svg => ("plot.svg", "svg"),
        Export::Png => ("plot.png", "png"),
        Export::Csv => ("plotted-claims.csv", "csv"),
    }
}
