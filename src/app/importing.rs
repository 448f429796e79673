//! File → Import…: the file read on a worker (with progress and Cancel), its plan shown in the
//! preview, and — on the user's yes — applied as one edit through [`App::apply`], so Undo
//! takes the whole import back and Save writes it like any other change.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::import::{self, Format, ImportError, Options, Plan, Progress};
use crate::model::Severity;
use crate::ui::dialogs::{ImportDialog, ImportStatus};

use super::App;
use super::tasks::{Done, TaskId, TaskKind};

/// A file being read for import, then its plan waiting for the user.
pub(super) struct Importing {
    pub task: TaskId,
    path: PathBuf,
    progress: Arc<Progress>,
    /// The document's version the plan was made against: applied only to that version.
    version: u64,
    plan: Option<Plan>,
}

impl App {
    /// Reads `path` (as `format`, or as its header says) on a worker; the preview follows.
    pub(super) fn start_import(&mut self, path: PathBuf, format: Option<Format>) {
        let Some(doc) = &self.doc else {
            self.status = "Open a dataset to import into first".into();
            return;
        };
        let broken = doc
            .load_findings
            .iter()
            .any(|f| f.severity == Severity::Error);
        if broken || !doc.store.manifest_loaded() {
            self.dialogs.error(
                "Some files of this dataset did not load (see the problems list). Fix them before importing, so that nothing imported lands beside a file that cannot be written.",
            );
            return;
        }
        let dataset = Arc::clone(&doc.dataset);
        let version = doc.version;
        self.cancel_import();
        let progress = Arc::new(Progress::default());
        let shared = Arc::clone(&progress);
        let today = chrono::Local::now()
            .date_naive()
            .format("%Y-%m-%d")
            .to_string();
        let file = path.clone();
        let task = self.tasks.spawn(TaskKind::Import, move || {
            let result = format
                .map_or_else(|| import::detect(&file), Ok)
                .and_then(|format| {
                    import::plan(&file, &dataset, &Options::new(format, &today), &shared)
                });
            Done::Imported(Box::new(result))
        });
        self.importing = Some(Importing {
            task,
            path,
            progress,
            version,
            plan: None,
        });
    }

    /// The plan of the file read: shown for a yes, or the reason it could not be read.
    pub(super) fn imported(&mut self, task: TaskId, result: Result<Plan, ImportError>) {
        let Some(importing) = self.importing.as_mut().filter(|i| i.task == task) else {
            // A cancelled or replaced import.
            return;
        };
        match result {
            Ok(plan) => {
                self.dialogs.import = Some(preview(&importing.path, &plan));
                importing.plan = Some(plan);
            }
            Err(ImportError::Cancelled) => {
                self.importing = None;
                self.status = "Import cancelled: nothing was imported".into();
            }
            Err(e) => {
                self.importing = None;
                self.dialogs.error(format!("Nothing was imported.\n\n{e}"));
            }
        }
    }

    /// Applies the previewed plan: one undo step.
    pub(super) fn apply_import(&mut self) {
        let Some(importing) = self.importing.take() else {
            return;
        };
        let Some(plan) = importing.plan else {
            return;
        };
        if self.doc.as_ref().map(|d| d.version) != Some(importing.version) {
            self.dialogs.error(
                "The dataset changed while the file was being read. Nothing was imported: import it again.",
            );
            return;
        }
        let Some(edit) = plan.edit else {
            self.status = "Nothing to import: the dataset has it all already".into();
            return;
        };
        let name = file_name(&plan.path);
        if self.apply(edit, None) {
            self.status = format!(
                "Imported {name}: added {}, updated {} — Undo takes it back, Save writes it",
                plan.added, plan.updated
            );
        }
    }

    /// Stops the file being read, or drops its preview: nothing is imported.
    pub(super) fn cancel_import(&mut self) {
        if let Some(i) = self.importing.take() {
            i.progress.cancel.store(true, Ordering::Relaxed);
        }
        self.dialogs.import = None;
    }

    /// What the progress window shows, while a file is read for import.
    pub(super) fn import_status(&self) -> Option<ImportStatus> {
        let i = self.importing.as_ref().filter(|i| i.plan.is_none())?;
        Some(ImportStatus {
            path: i.path.clone(),
            fraction: i.progress.fraction(),
        })
    }

    /// Waits for the file being read for import and shows its preview (for tests; the
    /// window takes it when it arrives instead).
    pub fn finish_import(&mut self) {
        let Some(task) = self
            .importing
            .as_ref()
            .filter(|i| i.plan.is_none())
            .map(|i| i.task)
        else {
            return;
        };
        match self.tasks.wait_for(task) {
            Some(Done::Imported(r)) => self.imported(task, *r),
            _ => self.importing = None,
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

fn preview(path: &Path, plan: &Plan) -> ImportDialog {
    let shown = Path::new(&file_name(path)).to_path_buf();
    let mut summary = plan.summary();
    // The first line names the whole path, which the dialog shows above.
    if !summary.is_empty() {
        summary[0] = format!(
            "{} row{} read",
            plan.rows,
            if plan.rows == 1 { "" } else { "s" }
        );
    }
    ImportDialog {
        path: path.to_path_buf(),
        format: plan.format,
        summary,
        problems: plan.problems.iter().map(|p| p.describe(&shown)).collect(),
        rows_left_out: plan.rows_left_out,
        has_changes: plan.edit.is_some(),
    }
}
