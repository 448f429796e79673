//! Asking for a path — the native folder or file dialog as a task (it would freeze the window
//! on the UI thread), or a typed path where no dialog service exists — and writing exports:
//! the plot as SVG or PNG, its claims as CSV, each through the store's one atomic writer.

use std::path::{Path, PathBuf};

use crate::derive;
use crate::model::plot::plotted_metric;
use crate::store::{self, SaveError};
use crate::ui::dialogs::{PathDialog, PathMode};
use crate::ui::plot::Export;

use super::App;
use super::tasks::{Done, TaskKind};

/// Why an export was not written.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Write(#[from] SaveError),
    #[error(transparent)]
    Png(#[from] crate::chart::PngError),
}

impl App {
    /// Starts the native dialog as a task, or asks for a typed path where no dialog service
    /// is available. While one dialog is open, asking again does not open a second.
    pub(super) fn file_dialog(&mut self, mode: PathMode) {
        if self.tasks.running(TaskKind::FileDialog).is_some() {
            self.status = "A file dialog is already open".into();
            return;
        }
        if !native_dialog_available() {
            self.dialogs.path = Some(PathDialog {
                mode,
                text: String::new(),
                note: match mode {
                    PathMode::Export(_) | PathMode::Import => {
                        "No file dialog is available here: type the file's path.".into()
                    }
                    _ => "No folder dialog is available here: type the folder's path.".into(),
                },
            });
            return;
        }
        // Started after this frame, where the window is at hand to be the dialog's parent.
        self.dialog_request = Some(mode);
    }

    /// Starts the native dialog asked for in this frame, if any. The dialog is made here, on
    /// the UI thread (macOS wants AppKit called from the main thread; the window is its
    /// parent on Windows), and only waited for on a task.
    pub(super) fn start_file_dialog(&mut self, parent: Option<&eframe::Frame>) {
        let Some(mode) = self.dialog_request.take() else {
            return;
        };
        let title = match mode {
            PathMode::Open => "Open a Crosscheck dataset (the folder holding dataset.ron)",
            PathMode::New => "Choose an empty folder for the new dataset",
            PathMode::Export(_) => "Export the plot",
            PathMode::Import => "Import an ACLED or UCDP GED export, or a sheet of claims (CSV)",
        };
        let mut dialog = rfd::AsyncFileDialog::new().set_title(title);
        if let Some(dir) = self.doc.as_ref().map(|d| d.store.root().to_path_buf()) {
            dialog = dialog.set_directory(dir);
        }
        if let Some(frame) = parent {
            dialog = dialog.set_parent(frame);
        }
        let picked: std::pin::Pin<
            Box<dyn std::future::Future<Output = Option<rfd::FileHandle>> + Send>,
        > = match mode {
            PathMode::Export(e) => {
                let (name, ext) = export_name(e);
                Box::pin(
                    dialog
                        .set_file_name(name)
                        .add_filter(ext, &[ext])
                        .save_file(),
                )
            }
            PathMode::Import => {
                Box::pin(dialog.add_filter("CSV", &["csv", "CSV", "txt"]).pick_file())
            }
            _ => Box::pin(dialog.pick_folder()),
        };
        self.tasks.spawn(TaskKind::FileDialog, move || {
            let picked = pollster::block_on(picked);
            Done::Picked(mode, picked.map(|h| h.path().to_path_buf()))
        });
    }

    /// What the dialog brought: the path's command, or a typed path when a folder dialog
    /// returned nothing.
    pub(super) fn picked(&mut self, mode: PathMode, path: Option<PathBuf>) {
        match (mode, path) {
            (_, Some(path)) => self.handle(mode.command(path)),
            (PathMode::Export(_) | PathMode::Import, None) => {}
            (_, None) => {
                self.dialogs.path = Some(PathDialog {
                    mode,
                    text: String::new(),
                    note: "No folder was chosen. You can also type its path:".into(),
                });
            }
        }
    }

    /// Writes the current plot (SVG, PNG) or its claims (CSV) to `path`.
    pub fn export(&mut self, what: Export, path: &Path) {
        match self.write_export(what, path) {
            Ok(()) => self.status = format!("Exported {}", path.display()),
            Err(e) => self
                .dialogs
                .error(format!("Could not export to {}.\n\n{e}", path.display())),
        }
    }

    fn write_export(&self, what: Export, path: &Path) -> Result<(), ExportError> {
        let Some(doc) = &self.doc else { return Ok(()) };
        let ds = &doc.dataset;
        match what {
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
                store::write_some_claims_csv(ds, claims, path)?;
            }
            Export::Svg => store::write_bytes(path, self.plot_svg().as_bytes())?,
            Export::Png => store::write_bytes(path, &crate::chart::png(&self.plot_svg(), 2.0)?)?,
        }
        Ok(())
    }

    /// The current plot as an SVG document.
    pub fn plot_svg(&self) -> String {
        let Some(doc) = &self.doc else {
            return String::new();
        };
        let ds = &doc.dataset;
        let metric = plotted_metric(&self.prefs.plot);
        let name = ds
            .manifest
            .metrics
            .iter()
            .find(|m| m.id == metric)
            .map_or(metric.to_string(), |m| m.name.clone());
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

/// The default file name and extension of an export.
fn export_name(e: Export) -> (&'static str, &'static str) {
    match e {
        Export::Svg => ("plot.svg", "svg"),
        Export::Png => ("plot.png", "png"),
        Export::Csv => ("plotted-claims.csv", "csv"),
    }
}
