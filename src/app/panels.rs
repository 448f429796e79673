//! The window's layout for one frame: menu bar, status bar, filter bar, the broken-files
//! banner, the lists (left), the editor (right), the plot and the problems list (centre), and
//! the open dialogs. Panels read the app and return [`Command`]s; nothing here changes the
//! document.

use egui::{Color32, RichText, Ui};

use crate::derive::slot as sort_slot;
use crate::model::edit::Target;
use crate::model::{Dataset, Finding, Kind, Severity, Tally};
use crate::ui::dialogs::{ImportProgress, OpeningDialog};
use crate::ui::lists::{self, ListView};
use crate::ui::menu::{self, MenuState};
use crate::ui::plot::{self as plot_ui, PlotView};
use crate::ui::{Command, conflicts, filter_bar};

use super::App;
use super::document::Document;

/// The plot's narrowest (points): the side panels never squeeze it further.
pub const PLOT_MIN: f32 = 360.0;
/// The lists' narrowest.
pub const LISTS_MIN: f32 = 240.0;
/// The editor's narrowest.
pub const EDITOR_MIN: f32 = 300.0;
/// Below this width the editor is a tab beside the plot instead of a third column.
pub const NARROW_BELOW: f32 = LISTS_MIN + EDITOR_MIN + PLOT_MIN + 240.0;

/// Where the panels stood in the last frame (for tests, and for a look at a small screen).
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    pub lists: Option<egui::Rect>,
    pub editor: Option<egui::Rect>,
    pub centre: Option<egui::Rect>,
    /// The editor is a tab of the centre.
    pub narrow: bool,
}

/// What the centre shows where the window is too narrow for three columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Centre {
    #[default]
    Plot,
    Editor,
}

impl App {
    pub(super) fn menu_bar(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
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
                },
                out,
            );
        });
    }

    pub(super) fn filter_bar(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        let Some(doc) = &self.doc else { return };
        egui::Panel::top("filter-bar").show(ui, |ui| {
            ui.add_space(2.0);
            let d = &self.derived;
            filter_bar::show(
                ui,
                &doc.dataset,
                &d.claimants,
                &d.tags,
                &mut self.prefs.filter,
            );
            ui.add_space(2.0);
        });
        broken_files_banner(ui, doc);
        conflicts::banner(ui, &doc.dataset.conflicts, out);
        if doc.git_offer {
            conflicts::git_offer(ui, out);
        }
    }

    pub(super) fn status_bar(&mut self, ui: &mut Ui) {
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
                        let tally = Tally::of(&self.derived.findings);
                        let text = tally.to_string();
                        if tally.errors > 0 {
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

    /// The lists, the editor and the plot — or, with no dataset open, a page that offers to
    /// open one.
    pub(super) fn panels(&mut self, ui: &mut Ui, out: &mut Vec<Command>) {
        let Some(doc) = &self.doc else {
            no_dataset_page(ui, self.opening.is_some(), out);
            return;
        };
        let ds = &doc.dataset;
        let highlight_event = self
            .selected
            .filter(|t| t.kind == Kind::Event)
            .and_then(|t| ds.events.get(t.index))
            .map(|e| e.id.as_str());
        // Panel sizes are shares of the window, within limits that always leave the plot its
        // minimum (a width remembered from a larger screen is clamped to them). Where the
        // three columns do not fit, the editor shares the centre with the plot, as a tab.
        let total = ui.available_width();
        let narrow = self.prefs.show_editor && total < NARROW_BELOW;
        if !narrow {
            self.centre = Centre::Plot;
        }
        let editor_room = if self.prefs.show_editor && !narrow {
            EDITOR_MIN
        } else {
            0.0
        };
        if self.prefs.show_lists {
            let max = (total - editor_room - PLOT_MIN).max(LISTS_MIN);
            let shown = egui::Panel::left("lists")
                .resizable(true)
                .default_size((total * 0.36).clamp(LISTS_MIN, max))
                .min_size(LISTS_MIN)
                .max_size(max)
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
            self.layout.lists = Some(shown.response.rect);
        } else {
            self.layout.lists = None;
        }
        if self.prefs.show_editor && !narrow {
            let left = ui.available_width();
            let max = (left - PLOT_MIN).max(EDITOR_MIN);
            let shown = egui::Panel::right("editor")
                .resizable(true)
                .default_size((total * 0.25).clamp(EDITOR_MIN, max))
                .min_size(EDITOR_MIN)
                .max_size(max)
                .show(ui, |ui| {
                    editor_ui(ui, &mut self.editor, ds, &self.derived, self.selected, out);
                });
            self.layout.editor = Some(shown.response.rect);
        } else {
            self.layout.editor = None;
        }
        self.layout.narrow = narrow;
        let centre = egui::CentralPanel::default().show(ui, |ui| {
            if narrow {
                ui.horizontal(|ui| {
                    ui.selectable_value(&mut self.centre, Centre::Plot, "Plot");
                    let editor = match self.selected {
                        Some(t) => format!("Editor ({})", t.kind.noun()),
                        None => "Editor".to_string(),
                    };
                    ui.selectable_value(&mut self.centre, Centre::Editor, editor);
                });
                ui.separator();
                if self.centre == Centre::Editor {
                    editor_ui(ui, &mut self.editor, ds, &self.derived, self.selected, out);
                    return;
                }
            }
            egui::Panel::bottom("problems")
                .resizable(true)
                .default_size(110.0)
                .min_size(28.0)
                .show(ui, |ui| {
                    problems(ui, &doc.dataset, &self.derived.findings, out)
                });
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
        self.layout.centre = Some(centre.response.rect);
    }

    /// The progress of a dataset being opened, and every open dialog.
    pub(super) fn dialogs(&mut self, ctx: &egui::Context, out: &mut Vec<Command>) {
        if let Some(status) = self.opening_status() {
            out.extend(OpeningDialog::show(ctx, &status));
            // Only while opening: the bar moves without any input.
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        if let Some(status) = self.import_status() {
            out.extend(ImportProgress::show(ctx, &status));
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        self.dialogs.show(ctx, out);
    }
}

/// The editor, wherever it stands (a column, or a tab of the centre).
fn editor_ui(
    ui: &mut Ui,
    editor: &mut crate::ui::editor::EditorState,
    ds: &Dataset,
    derived: &super::derived::Derived,
    selected: Option<Target>,
    out: &mut Vec<Command>,
) {
    crate::ui::editor::show(
        ui,
        editor,
        ds,
        &derived.pickers,
        &derived.findings,
        selected,
        out,
    );
}

fn no_dataset_page(ui: &mut Ui, opening: bool, out: &mut Vec<Command>) {
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
                out.push(Command::OpenSample);
            }
        });
    });
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

/// The dataset's problems, under the plots: click one to go to its record.
fn problems(ui: &mut Ui, ds: &Dataset, findings: &[Finding], out: &mut Vec<Command>) {
    let title = format!("Problems: {}", Tally::of(findings));
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
                            && let Some(index) = ds.index_of(*k, id)
                        {
                            out.push(Command::Reveal(Target { kind: *k, index }));
                        }
                    }
                });
        });
}
