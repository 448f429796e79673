//! Carrying out commands: every [`Command`] the panels, dialogs, menus and shortcuts return
//! is run here, in [`App::handle`] — the one dispatcher. What would lose unsaved changes asks
//! first ([`App::guard`]).

use egui::ViewportCommand;

use crate::model::Kind;
use crate::model::edit::{Target, record_at};
use crate::model::plot::{PlotTab, troop_metrics};
use crate::store::{self, OnConflict};
use crate::ui::dialogs::{DeleteDialog, PathMode, UnsavedDialog};
use crate::ui::{Command, Pending, filter_bar, lists};

use super::App;

impl App {
    /// Carries out one command.
    pub fn handle(&mut self, cmd: Command) {
        match cmd {
            Command::Edit { edit, coalesce } => {
                self.apply(*edit, coalesce);
            }
            Command::Select(t) => {
                self.selected = t;
                // In a narrow window, a chosen record is shown in the editor tab.
                if t.is_some() {
                    self.centre = super::panels::Centre::Editor;
                }
                if let Some(doc) = &mut self.doc {
                    doc.history.break_coalescing();
                }
                self.show_in_plot(t);
            }
            Command::ShowTab(k) => self.prefs.tab = k,
            Command::NewRecord(kind) => {
                self.centre = super::panels::Centre::Editor;
                self.new_record(kind);
                self.reveal();
            }
            Command::Duplicate(t) => {
                self.centre = super::panels::Centre::Editor;
                self.duplicate(t);
                self.reveal();
            }
            Command::Reveal(t) => {
                self.centre = super::panels::Centre::Editor;
                self.selected = Some(t);
                self.prefs.tab = t.kind;
                self.reveal();
            }
            Command::Delete(t) => self.ask_delete(t),
            Command::DeleteConfirmed(t) => self.delete_now(t),
            Command::Undo => self.undo_redo(false),
            Command::Redo => self.undo_redo(true),
            Command::Save => {
                // A field being typed in commits when it loses focus: let it, then save on
                // the next frame.
                let focused = self.ctx.memory(|m| m.focused());
                let stale = self
                    .doc
                    .as_ref()
                    .is_some_and(|d| d.version != self.derived.version);
                if let Some(id) = focused {
                    self.ctx.memory_mut(|m| m.surrender_focus(id));
                    self.save_next_frame = true;
                    self.ctx.request_repaint();
                } else if stale {
                    // The checks have not seen the last edit (the field that committed as
                    // the save began): save once they have, so a fixed error is not shown.
                    self.save_next_frame = true;
                    self.ctx.request_repaint();
                } else {
                    self.save_checked();
                }
            }
            Command::SaveAnyway => {
                self.save(OnConflict::Refuse);
            }
            Command::SaveDroppingComments => {
                if let Some(doc) = &mut self.doc {
                    doc.store.drop_comments();
                }
                self.save(OnConflict::Refuse);
            }
            Command::SaveThen(pending) => {
                if self.save(OnConflict::Refuse) {
                    self.proceed(pending);
                }
            }
            Command::DiscardThen(pending) => {
                if let Some(doc) = &mut self.doc {
                    // Discarding: the document is left as it is, but nothing asks again.
                    doc.history.mark_saved();
                }
                self.discard_journal();
                self.proceed(pending);
            }
            Command::CheckDisk => self.check_disk(),
            Command::Open(p) => self.guard(Pending::Open(p)),
            Command::OpenSample => match store::sample::location() {
                Ok(p) => self.guard(Pending::Open(p)),
                Err(e) => self
                    .dialogs
                    .error(format!("The sample dataset could not be set up.\n\n{e}")),
            },
            Command::Create(p) => self.guard(Pending::Create(p)),
            Command::OpenDialog => self.file_dialog(PathMode::Open),
            Command::ExportDialog(e) => self.file_dialog(PathMode::Export(e)),
            Command::NewDialog => self.file_dialog(PathMode::New),
            Command::Export(e, path) => self.export(e, &path),
            Command::CancelOpening => self.cancel_opening(),
            Command::ImportDialog => {
                if self.doc.is_some() {
                    self.file_dialog(PathMode::Import);
                } else {
                    self.status = "Open a dataset to import into first".into();
                }
            }
            Command::Import(path, format) => self.start_import(path, format),
            Command::ApplyImport => self.apply_import(),
            Command::CancelImport => self.cancel_import(),
            Command::FocusSearch => self.ctx.memory_mut(|m| {
                m.request_focus(egui::Id::unique(filter_bar::SEARCH_ID));
            }),
            Command::Rename { target, new_id } => self.rename(target, new_id, false),
            Command::RenameConfirmed { target, new_id } => self.rename(target, new_id, true),
            Command::NewLinked {
                target,
                kind,
                name,
                field,
                slot,
            } => {
                self.dialogs.new_linked = Some(crate::ui::dialogs::NewLinkedDialog::new(
                    target,
                    field,
                    slot,
                    crate::model::defaults::NewDetails::named(kind, &name),
                ));
            }
            Command::CreateLinked {
                target,
                field,
                slot,
                details,
            } => self.create_linked(target, &details, field, slot),
            Command::Resolve { index, resolution } => self.resolve(index, &resolution),
            Command::ResolveByField(index) => self.resolve_by_field(index),
            Command::Restore => self.restore(),
            Command::DiscardRecovery => self.discard_journal(),
            Command::SetUpGit => self.set_up_git(),
            Command::DismissGitOffer => self.dismiss_git_offer(),
            Command::ShowShortcuts => self.dialogs.shortcuts = true,
            Command::ShowAbout => self.dialogs.about = true,
            Command::Quit => self.guard(Pending::Close),
        }
    }

    /// Deletes `t`, asking first when other records refer to it.
    fn ask_delete(&mut self, t: Target) {
        let Some(doc) = &self.doc else { return };
        let Some(rec) = record_at(&doc.dataset, t) else {
            return;
        };
        let refs = doc.dataset.referrers(t.kind, rec.id());
        if refs.is_empty() {
            self.delete_now(t);
        } else {
            self.dialogs.delete = Some(DeleteDialog {
                target: t,
                name: rec.id().to_string(),
                refs,
            });
        }
    }

    /// Runs `pending` now, or asks Save / Discard / Cancel first when there are unsaved
    /// changes.
    pub(super) fn guard(&mut self, pending: Pending) {
        if self.is_dirty() {
            self.dialogs.unsaved = Some(UnsavedDialog { pending });
        } else {
            self.proceed(pending);
        }
    }

    fn proceed(&mut self, pending: Pending) {
        match pending {
            Pending::Close => {
                self.allow_close = true;
                self.ctx.send_viewport_cmd(ViewportCommand::Close);
            }
            Pending::Open(p) => self.open_now(&p),
            Pending::Create(p) => self.create_now(&p),
        }
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
        if troop_metrics(&doc.dataset).iter().any(|m| *m == c.metric) {
            if c.metric == "troops_deployed" {
                plot.tab = PlotTab::Troops;
            }
        } else {
            plot.tab = PlotTab::Casualties;
            plot.casualty_metric = c.metric.as_str().to_owned();
        }
    }

    /// Scrolls the list to the selected record once.
    fn reveal(&self) {
        if let Some(t) = self.selected {
            self.ctx
                .memory_mut(|m| m.data.insert_temp(egui::Id::unique(lists::REVEAL), t));
        }
    }
}
