//! The four lists — events, claims, sources, actors — as virtualized tables with sortable
//! columns and an "N of M shown" count. Sorting works on index vectors, never on records.

use egui::{Color32, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Command, Sort, readable};
use crate::model::edit::Target;
use crate::model::order::Counts;
use crate::model::{Dataset, Kind, Rank};

/// The memory key of a record a list should scroll to once.
pub const REVEAL: &str = "list-reveal";

/// The columns of each list, in order.
pub fn columns(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Claim => &[
            "Claimant",
            "Metric",
            "Value",
            "Stated on",
            "Refers to",
            "Grade",
            "Rank",
        ],
        Kind::Event => &["Date", "Title", "Type", "Place", "Claims"],
        Kind::Source => &["Published", "Title", "Outlet", "Lang."],
        Kind::Actor => &["Name", "Kind", "Country", "Claims made or relayed"],
    }
}

/// What a list needs to draw itself.
pub struct ListView<'a> {
    pub ds: &'a Dataset,
    pub counts: &'a Counts,
    pub kind: Kind,
    /// Shown records, sorted.
    pub order: &'a [usize],
    pub selected: Option<Target>,
    /// Claims of this event are highlighted.
    pub highlight_event: Option<&'a str>,
}

/// What the widest cell of a column of bounded content reads (dates, grades, ranks), or
/// `None` for a column of names and titles, which shares the width left.
fn widest(kind: Kind, column: usize) -> Option<&'static str> {
    match (kind, column) {
        // A day; spans and open ends are cut, whole on hover.
        (Kind::Claim, 3 | 4) | (Kind::Event, 0) | (Kind::Source, 0) => Some("30 Sep 2024"),
        (Kind::Claim, 2) => Some("≈ 12,000"),
        (Kind::Claim, 5) => Some("Grade ▼"),
        (Kind::Claim, 6) => Some("Rank ▼"),
        (Kind::Event, 4) => Some("Claims ▼"),
        (Kind::Source, 3) => Some("Lang. ▼"),
        (Kind::Actor, 2) => Some("Country ▼"),
        (Kind::Actor, 3) => Some("Claims made or relayed"),
        _ => None,
    }
}

/// Column widths for a table `width` wide: columns of bounded content (dates, grades) as wide
/// as their widest cell, the others sharing what is left (names first); when the pane is too
/// narrow for that, every column shrinks in proportion. They always add up to `width`, so
/// nothing is pushed out of the pane.
pub fn widths(ctx: &egui::Context, kind: Kind, width: f32) -> Vec<f32> {
    let pad = 12.0;
    let font = egui::TextStyle::Body.resolve(&ctx.global_style());
    let measure = |text: &str| {
        ctx.fonts_mut(|f| {
            f.layout_no_wrap(text.to_string(), font.clone(), Color32::WHITE)
                .size()
                .x
        }) + pad
    };
    let n = columns(kind).len();
    let fixed: Vec<Option<f32>> = (0..n).map(|i| widest(kind, i).map(measure)).collect();
    // Shares of the rest for the name columns, in order.
    let shares: &[f32] = match kind {
        Kind::Claim => &[0.6, 0.4],
        Kind::Event => &[0.6, 0.2, 0.2],
        Kind::Source => &[0.65, 0.35],
        Kind::Actor => &[0.65, 0.35],
    };
    let min_free = 70.0;
    let free_cols = fixed.iter().filter(|f| f.is_none()).count() as f32;
    let fixed_sum: f32 = fixed.iter().flatten().sum();
    // Between and around the columns (with a margin: a table wider than its pane would make
    // the pane grow, and the columns after it, frame after frame).
    let spacing = ctx.global_style().spacing.item_spacing.x * (n + 1) as f32 + 8.0;
    // Less the scroll bar, so the table never asks the pane to grow.
    let scroll = ctx.global_style().spacing.scroll.allocated_width() + 4.0;
    let usable = (width - spacing - scroll).max(n as f32 * 12.0);
    let scale = if fixed_sum + free_cols * min_free > usable {
        (usable / (fixed_sum + free_cols * min_free)).max(0.1)
    } else {
        1.0
    };
    let rest = (usable - fixed_sum * scale).max(free_cols * min_free * scale);
    let mut k = 0;
    fixed
        .iter()
        .map(|f| match f {
            Some(w) => w * scale,
            None => {
                let share = shares.get(k).copied().unwrap_or(0.2);
                k += 1;
                (rest * share).max(min_free * scale)
            }
        })
        .collect()
}

fn cell(ui: &mut Ui, text: impl Into<egui::WidgetText>) {
    ui.add(egui::Label::new(text).selectable(false).truncate());
}

/// Draws the count line and the table. Header clicks change `sort`; row clicks select.
pub fn show(ui: &mut Ui, view: &ListView<'_>, sort: &mut Sort, out: &mut Vec<Command>) {
    let ds = view.ds;
    // Each claim row names and colours its claimant, each actor row its actor.
    let actors = super::Actors::new(ds);
    let total = ds.count(view.kind);
    let noun = match view.kind {
        Kind::Claim => "claims",
        Kind::Event => "events",
        Kind::Source => "sources",
        Kind::Actor => "actors",
    };
    ui.horizontal(|ui| {
        ui.label(format!("{} of {total} {noun} shown", view.order.len()));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            let new = match view.kind {
                Kind::Claim => "New claim",
                Kind::Event => "New event",
                Kind::Source => "New source",
                Kind::Actor => "New actor",
            };
            if ui
                .small_button(format!("+ {new}"))
                .on_hover_text(format!("Add a {}", view.kind.noun()))
                .clicked()
            {
                out.push(Command::NewRecord(view.kind));
            }
        });
    });
    if view.order.is_empty() && total > 0 {
        ui.label(
            RichText::new(format!(
                "No {} passes the filter: \"Clear filters\" above shows them all.",
                view.kind.noun()
            ))
            .weak(),
        );
    }
    let cols = columns(view.kind);
    let dark = ui.visuals().dark_mode;
    let highlight = if dark {
        Color32::from_rgba_unmultiplied(255, 210, 80, 40)
    } else {
        Color32::from_rgba_unmultiplied(255, 200, 0, 60)
    };
    let row_h = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let ctx = ui.ctx().clone();
    let table_width = ui.available_width();
    let mut table = TableBuilder::new(ui)
        .id_salt(("list", view.kind.noun()))
        .striped(true)
        .sense(Sense::click())
        .auto_shrink([false, false])
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center));
    for w in widths(&ctx, view.kind, table_width) {
        table = table.column(Column::exact(w).clip(true));
    }
    // Only when asked to reveal the selection is its row looked for (among up to a million).
    if let Some(sel) = view.selected.filter(|s| s.kind == view.kind)
        && ctx.memory(|m| m.data.get_temp::<Target>(egui::Id::unique(REVEAL)) == Some(sel))
        && let Some(row) = view.order.iter().position(|&i| i == sel.index)
    {
        table = table.scroll_to_row(row, Some(egui::Align::Center));
        ctx.memory_mut(|m| m.data.remove::<Target>(egui::Id::unique(REVEAL)));
    }
    table
        .header(row_h + 2.0, |mut header| {
            for (i, name) in cols.iter().enumerate() {
                header.col(|ui| {
                    let arrow = if sort.column == i {
                        if sort.descending { " ▼" } else { " ▲" }
                    } else {
                        ""
                    };
                    let b = egui::Button::new(RichText::new(format!("{name}{arrow}")).strong())
                        .frame(false);
                    if ui
                        .add(b)
                        .on_hover_text(format!("Sort by {}", name.to_lowercase()))
                        .clicked()
                    {
                        if sort.column == i {
                            sort.descending = !sort.descending;
                        } else {
                            *sort = Sort {
                                column: i,
                                descending: false,
                            };
                        }
                    }
                });
            }
        })
        .body(|body| {
            body.rows(row_h, view.order.len(), |mut row| {
                let i = view.order[row.index()];
                let target = Target {
                    kind: view.kind,
                    index: i,
                };
                row.set_selected(view.selected == Some(target));
                match view.kind {
                    Kind::Claim => {
                        let Some(c) = ds.claims.get(i) else { return };
                        let lit = view
                            .highlight_event
                            .is_some_and(|e| c.event.as_deref() == Some(e));
                        let faded = c.rank == Rank::Deprecated;
                        row.col(|ui| {
                            if lit {
                                ui.painter().rect_filled(ui.max_rect(), 0.0, highlight);
                            }
                            let color = readable(actors.color(&c.claimant), dark);
                            let mut t = RichText::new(actors.name(&c.claimant)).color(color);
                            if faded {
                                t = t.strikethrough();
                            }
                            cell(ui, t);
                        });
                        row.col(|ui| cell(ui, c.metric.as_str()));
                        row.col(|ui| cell(ui, c.value.stated()));
                        row.col(|ui| cell(ui, c.stated_on.display()));
                        row.col(|ui| {
                            cell(
                                ui,
                                c.refers_to
                                    .as_ref()
                                    .map(|d| d.display())
                                    .unwrap_or_default(),
                            )
                        });
                        row.col(|ui| cell(ui, c.grading()));
                        // Most claims are of normal rank: only the others say so.
                        row.col(|ui| {
                            if c.rank != Rank::Normal {
                                cell(ui, c.rank.as_str());
                            }
                        });
                    }
                    Kind::Event => {
                        let Some(e) = ds.events.get(i) else { return };
                        row.col(|ui| cell(ui, e.date.display()));
                        row.col(|ui| cell(ui, &e.title));
                        row.col(|ui| cell(ui, e.event_type.as_str()));
                        row.col(|ui| {
                            cell(ui, e.place.as_ref().map(|p| p.name.as_str()).unwrap_or(""))
                        });
                        row.col(|ui| {
                            cell(
                                ui,
                                view.counts
                                    .claims_by_event
                                    .get(&e.id)
                                    .copied()
                                    .unwrap_or(0)
                                    .to_string(),
                            )
                        });
                    }
                    Kind::Source => {
                        let Some(s) = ds.sources.get(i) else { return };
                        row.col(|ui| {
                            cell(
                                ui,
                                s.published
                                    .as_ref()
                                    .map(|d| d.display())
                                    .unwrap_or_default(),
                            )
                        });
                        row.col(|ui| cell(ui, &s.title));
                        row.col(|ui| cell(ui, &s.outlet));
                        row.col(|ui| cell(ui, &s.language));
                    }
                    Kind::Actor => {
                        let Some(a) = ds.actors.get(i) else { return };
                        row.col(|ui| {
                            let color = readable(actors.color(&a.id), dark);
                            cell(ui, RichText::new("● ").color(color));
                            cell(ui, &a.name);
                        });
                        row.col(|ui| cell(ui, a.kind.as_str()));
                        row.col(|ui| cell(ui, &a.country));
                        row.col(|ui| {
                            cell(
                                ui,
                                view.counts
                                    .claims_by_actor
                                    .get(&a.id)
                                    .copied()
                                    .unwrap_or(0)
                                    .to_string(),
                            )
                        });
                    }
                }
                if row.response().clicked() {
                    out.push(Command::Select(Some(target)));
                }
            });
        });
}
