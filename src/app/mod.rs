//! The eframe application. It owns the open document and wires the rooms together, one file
//! per role:
//!
//! - `document.rs` — the document, its history and the one place it changes (`App::apply`);
//! - `commands.rs` — the one dispatcher of every [`Command`] ([`App::handle`]);
//! - `derived.rs` — what the lists, plot and checks derive from the document;
//! - `disk.rs` — the watch of the dataset folder, and changes on disk merged in;
//! - `tasks.rs` — the one table of background work and the channel its results come back on;
//! - `opening.rs` — opening and creating datasets;
//! - `files.rs` — file dialogs and exports;
//! - `team.rs` — merge conflicts, renames, and setting git up;
//! - `recovery.rs` — the crash-recovery journal;
//! - `panels.rs` — the layout of a frame.
//!
//! Non-UI work (background results, the close request, deriving) runs in
//! [`eframe::App::logic`], which eframe also calls while the window is hidden; drawing runs in
//! [`eframe::App::ui`].

mod commands;
mod derived;
mod disk;
mod document;
mod files;
mod importing;
mod opening;
pub mod panels;
mod recovery;
mod tasks;
mod team;

use std::path::PathBuf;

use egui::{Ui, ViewportCommand};
use serde::{Deserialize, Serialize};

use crate::model::Kind;
use crate::model::edit::Target;
use crate::model::filter::Filter;
use crate::model::plot::PlotPrefs;
use crate::store;
use crate::ui::actions;
use crate::ui::dialogs::{Dialogs, UnsavedDialog};
use crate::ui::editor::EditorState;
use crate::ui::menu::ThemeChoice;
use crate::ui::{Command, Sort};

pub use crate::ui::Pending;
pub use derived::DERIVE_IN_BACKGROUND_ABOVE;
pub use document::Document;
pub use files::ExportError;
pub use opening::Opened;

use derived::Derived;
use opening::Opening;
use tasks::{Done, Tasks};

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
    /// Datasets whose "set git up" offer was dismissed.
    pub git_offer_dismissed: Vec<PathBuf>,
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
            git_offer_dismissed: Vec::new(),
        }
    }
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
    tasks: Tasks,
    allow_close: bool,
    title: String,
    theme_applied: Option<ThemeChoice>,
    save_next_frame: bool,
    /// A native file dialog asked for this frame, started once the frame is drawn.
    dialog_request: Option<crate::ui::dialogs::PathMode>,
    /// Where the plot drew each mark last frame (screen position, claim).
    drawn: Vec<(egui::Pos2, usize)>,
    /// A dataset being opened in the background.
    opening: Option<Opening>,
    /// Where parsed files are cached between opens.
    cache_dir: Option<PathBuf>,
    /// Input that came in the same frame after a Tab, handed to the next frame (see
    /// [`App::text_after_tab`]).
    deferred: Vec<egui::Event>,
    /// A file being read for import, then its plan waiting for the user's yes.
    importing: Option<importing::Importing>,
    /// The watch of the open dataset's folder.
    watching: Option<disk::Watching>,
    ctx: egui::Context,
    /// The random part of new records' ids.
    rng: fastrand::Rng,
    /// The id of the claim entered or edited last, and where it was: a new claim starts from
    /// it.
    last_claim: Option<(String, usize)>,
    /// In a narrow window, whether the centre shows the plot or the editor.
    centre: panels::Centre,
    /// Where the panels stood in the last frame.
    layout: panels::Layout,
    /// The crash-recovery journal.
    recovery: recovery::Recovery,
    /// Above this many claims and events, the lists and the plot are derived on a worker
    /// thread (tests set it to 0 to exercise that path on the sample).
    pub derive_in_background_above: usize,
}

/// The window's icon (the Dock, the taskbar, the title bar).
const ICON: &[u8] = include_bytes!("../../assets/icon.png");

fn native_options() -> eframe::NativeOptions {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Crosscheck")
        .with_app_id("crosscheck")
        .with_inner_size([1600.0, 1000.0])
        .with_min_inner_size([800.0, 500.0]);
    match eframe::icon_data::from_png_bytes(ICON) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(e) => eprintln!("crosscheck: the icon could not be read ({e}); using the default"),
    }
    eframe::NativeOptions {
        viewport,
        event_loop_builder: event_loop_hook(),
        ..Default::default()
    }
}

/// macOS: without this, winit's own app menu quits on Cmd+Q without the app ever hearing of
/// it, and unsaved edits are lost. With it, Cmd+Q is a key press like any other, and the
/// app's Quit asks first. Elsewhere: nothing to change.
fn event_loop_hook() -> Option<eframe::EventLoopBuilderHook> {
    #[cfg(target_os = "macos")]
    return Some(Box::new(|builder| {
        use winit::platform::macos::EventLoopBuilderExtMacOS;
        builder.with_default_menu(false);
    }));
    #[cfg(not(target_os = "macos"))]
    None
}

/// Opens the window on `dir`, or on the last dataset, or on the bundled sample.
pub fn run(dir: Option<PathBuf>) -> Result<(), eframe::Error> {
    let start = |dir: Option<PathBuf>, options: eframe::NativeOptions| {
        eframe::run_native(
            "crosscheck",
            options,
            Box::new(move |cc| Ok(Box::new(App::new(cc, dir)))),
        )
    };
    let result = start(dir.clone(), native_options());
    // Windows without OpenGL 2 (Remote Desktop, virtual machines, no vendor driver): try
    // wgpu, which has Direct3D 12 and the WARP software renderer.
    #[cfg(windows)]
    if let Err(e) = &result {
        eprintln!("crosscheck: OpenGL did not start ({e}); trying Direct3D");
        let options = eframe::NativeOptions {
            renderer: eframe::Renderer::Wgpu,
            ..native_options()
        };
        return start(dir, options);
    }
    result
}

/// How the app is set up, besides the remembered preferences.
#[derive(Debug, Clone)]
pub struct Options {
    /// Where crash-recovery journals are kept (`None`: no journal).
    pub recovery_dir: Option<PathBuf>,
    /// Where parsed files are cached between opens (`None`: no cache).
    pub cache_dir: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            recovery_dir: store::journal::default_dir(),
            cache_dir: store::cache::Cache::default_base(),
        }
    }
}

impl App {
    /// Creates the app and opens `dir` (or the last dataset, or the sample).
    pub fn new(cc: &eframe::CreationContext<'_>, dir: Option<PathBuf>) -> App {
        App::new_with(cc, dir, Options::default())
    }

    /// Like [`App::new`], set up with `options`.
    pub fn new_with(
        cc: &eframe::CreationContext<'_>,
        dir: Option<PathBuf>,
        options: Options,
    ) -> App {
        let prefs: Prefs = cc
            .storage
            .and_then(|s| eframe::get_value(s, PREFS_KEY))
            .unwrap_or_default();
        App::with_context(&cc.egui_ctx, prefs, dir, options)
    }

    /// Creates the app on an egui context (a window's, or a headless one for `bench-ui`).
    pub fn with_context(
        ctx: &egui::Context,
        prefs: Prefs,
        dir: Option<PathBuf>,
        options: Options,
    ) -> App {
        ctx.set_fonts(crate::ui::fonts());
        let mut app = App {
            doc: None,
            prefs,
            selected: None,
            dialogs: Dialogs::default(),
            status: String::new(),
            editor: EditorState::default(),
            derived: Derived::default(),
            tasks: Tasks::new(ctx),
            allow_close: false,
            title: String::new(),
            theme_applied: None,
            save_next_frame: false,
            dialog_request: None,
            drawn: Vec::new(),
            opening: None,
            importing: None,
            deferred: Vec::new(),
            cache_dir: options.cache_dir.clone(),
            watching: None,
            ctx: ctx.clone(),
            rng: fastrand::Rng::new(),
            last_claim: None,
            centre: panels::Centre::default(),
            layout: panels::Layout::default(),
            recovery: recovery::Recovery::new(options.recovery_dir),
            derive_in_background_above: DERIVE_IN_BACKGROUND_ABOVE,
        };
        let last = app
            .prefs
            .last_dataset
            .clone()
            .filter(|p| p.join(store::MANIFEST).is_file());
        match dir.or(last).map_or_else(store::sample::location, Ok) {
            Ok(path) => app.open_now(&path),
            Err(e) => app
                .dialogs
                .error(format!("The sample dataset could not be set up.\n\n{e}")),
        }
        app
    }

    /// Where the panels stood in the last frame.
    pub fn layout(&self) -> panels::Layout {
        self.layout
    }

    /// Where the plot drew each mark in the last frame: screen position and claim index.
    pub fn drawn_marks(&self) -> &[(egui::Pos2, usize)] {
        &self.drawn
    }

    /// One whole frame, for headless drivers (`bench-ui`, tests) that have no eframe: the
    /// logic, then the window.
    pub fn draw(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.logic_pass(&ctx);
        self.ui_pass(ui);
        self.start_file_dialog(None);
    }

    /// Everything that is not drawing: results of background tasks, the request to close,
    /// and what the window derives from the document.
    fn logic_pass(&mut self, ctx: &egui::Context) {
        while let Some(finished) = self.tasks.next_finished() {
            match finished.done {
                Some(Done::Opened(result)) => self.opened(finished.id, *result),
                Some(Done::Picked(mode, path)) => self.picked(mode, path),
                Some(Done::Derived(v)) => self.derived_view(finished.id, Some(*v)),
                Some(Done::Checked(version, findings)) => {
                    self.checked(finished.id, version, findings);
                }
                Some(Done::Journaled(r)) => self.journaled(r),
                Some(Done::Imported(r)) => self.imported(finished.id, *r),
                None => {
                    if self.derived.job == Some(finished.id) {
                        self.derived_view(finished.id, None);
                    }
                    self.checked(finished.id, 0, None);
                    if self.opening.as_ref().is_some_and(|o| o.task == finished.id) {
                        self.opening = None;
                    }
                    if self
                        .importing
                        .as_ref()
                        .is_some_and(|i| i.task == finished.id)
                    {
                        self.importing = None;
                    }
                    self.dialogs.error(format!(
                        "A background task ({:?}) stopped without a result.",
                        finished.kind
                    ));
                }
            }
        }
        self.poll_watch();
        if ctx.input(|i| i.viewport().close_requested()) && self.is_dirty() && !self.allow_close {
            ctx.send_viewport_cmd(ViewportCommand::CancelClose);
            self.dialogs.unsaved = Some(UnsavedDialog {
                pending: Pending::Close,
            });
        }
        self.refresh();
        self.keep_journal();
    }

    /// The window: reads like a table of contents.
    fn ui_pass(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.apply_theme(&ctx);
        self.text_after_tab(&ctx);
        let mut out = Vec::new();
        let deferred_save = std::mem::take(&mut self.save_next_frame);
        let progress = self.opening_status().is_some() || self.import_status().is_some();
        if !self.dialogs.modal_open() && !progress {
            actions::consume_shortcuts(&ctx, self.selected, &mut out);
        }
        self.menu_bar(ui, &mut out);
        self.status_bar(ui);
        self.filter_bar(ui, &mut out);
        self.panels(ui, &mut out);
        self.dialogs(&ctx, &mut out);
        if deferred_save {
            // After the edit that the field committed on losing focus.
            out.push(Command::Save);
        }
        for cmd in out {
            self.handle(cmd);
        }
        self.update_title(&ctx);
    }

    /// Text typed right after Tab reaches the field Tab goes to. egui moves the keyboard
    /// focus during the frame that sees the Tab, after the field that had it has read that
    /// frame's input: keys that arrive in the same frame (a fast typist, a text expander)
    /// would land in the field being left. So whatever follows a Tab in one frame's input is
    /// taken out and handed to the next frame, where the focus has moved.
    fn text_after_tab(&mut self, ctx: &egui::Context) {
        let deferred = std::mem::take(&mut self.deferred);
        // A Tab among the keys handed on: egui read this frame's Tabs before the app runs,
        // so the focus is moved here.
        let tab = deferred.iter().find_map(|e| match e {
            egui::Event::Key {
                key: egui::Key::Tab,
                pressed: true,
                modifiers,
                ..
            } => Some(modifiers.shift),
            _ => None,
        });
        if let Some(shift) = tab {
            ctx.memory_mut(|m| {
                m.move_focus(if shift {
                    egui::FocusDirection::Previous
                } else {
                    egui::FocusDirection::Next
                });
            });
        }
        ctx.input_mut(|i| {
            if !deferred.is_empty() {
                let now = std::mem::replace(&mut i.events, deferred);
                i.events.extend(now);
            }
            let tab = i.events.iter().position(|e| {
                matches!(
                    e,
                    egui::Event::Key {
                        key: egui::Key::Tab,
                        pressed: true,
                        ..
                    }
                )
            });
            if let Some(at) = tab
                && i.events[at + 1..]
                    .iter()
                    .any(|e| matches!(e, egui::Event::Text(_) | egui::Event::Key { .. }))
            {
                self.deferred = i.events.split_off(at + 1);
            }
        });
        if !self.deferred.is_empty() {
            ctx.request_repaint();
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.doc {
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
        };
        if title != self.title {
            ctx.send_viewport_cmd(ViewportCommand::Title(title.clone()));
            self.title = title;
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

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.logic_pass(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, frame: &mut eframe::Frame) {
        self.ui_pass(ui);
        self.start_file_dialog(Some(frame));
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, PREFS_KEY, &self.prefs);
    }
}
