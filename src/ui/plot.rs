//! The centre of the window: Troops, Casualties and Timeline plots (egui_plot) drawn from the
//! cached series — one colour per claimant, a legend that hides and shows claimants, bounds
//! as open markers with arrows, approximate figures as diamonds, partial dates as bars, low–
//! high whiskers, sums of parts as dashed squares, a real date axis. Hovering a mark shows the
//! claim; clicking selects it.

use egui::{Color32, RichText, Stroke, Ui};
use egui_plot::{
    GridMark, Line, LineStyle, MarkerShape, Plot, PlotPoint, PlotPoints, Points, Polygon,
};

use super::figure_mesh::{FigureItem, FigureMesh};
use super::{Command, actor_color, readable};
use crate::chart::{count_ticks, date_ticks};
use crate::model::edit::Target;
use crate::model::plot::{PlotPrefs, PlotTab, casualty_metrics};
use crate::model::series::{Mark, MarkKind, Series, XAxis, describe_sum};
use crate::model::{Dataset, Kind};

/// What the plot panel draws.
pub struct PlotView<'a> {
    pub ds: &'a Dataset,
    pub series: &'a std::sync::Arc<Vec<Series>>,
    /// Claimants that have claims for the plotted metrics (hidden ones included).
    pub legend: &'a [String],
    /// Shown events and claims (for the timeline).
    pub events: &'a [usize],
    pub claims: &'a [usize],
    pub selected: Option<Target>,
    /// How many marks thinning left out, if any.
    pub thinned: crate::model::series::Thinned,
}

/// What the user asked the plot panel for, besides commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Svg,
    Png,
    Csv,
}

fn day_label(x: f64, step: f64) -> String {
    let Some(d) = crate::model::Day(x.round() as i32).date() else {
        return String::new();
    };
    if step >= 360.0 {
        d.format("%Y").to_string()
    } else if step >= 28.0 {
        d.format("%b %Y").to_string()
    } else {
        d.format("%-d %b %Y").to_string()
    }
}

/// A date tick's label, or none for a tick so near the plot's right (or left) edge that its
/// label would be cut ("14 Jan 202"): its grid line stays.
/// Where a label under a mark at `x` (screen) hangs from: centred below it, but reaching
/// inward near an edge of the plot's `frame`, so that the frame does not cut it.
fn label_anchor(x: f32, frame: egui::Rect) -> egui::Align2 {
    /// About half the width of a sum's label ("1,200 + 3,400 (sum)").
    const REACH: f32 = 80.0;
    if x - frame.left() < REACH {
        egui::Align2::LEFT_TOP
    } else if frame.right() - x < REACH {
        egui::Align2::RIGHT_TOP
    } else {
        egui::Align2::CENTER_TOP
    }
}

fn edge_safe_label(mark: GridMark, range: &std::ops::RangeInclusive<f64>) -> String {
    let span = (range.end() - range.start()).max(1e-9);
    let from_end = (range.end() - mark.value) / span;
    let from_start = (mark.value - range.start()) / span;
    if !(0.06..).contains(&from_end) || from_start < 0.03 {
        return String::new();
    }
    day_label(mark.value, mark.step_size)
}

fn date_grid(input: egui_plot::GridInput) -> Vec<GridMark> {
    let (min, max) = input.bounds;
    let n = ((max - min) / input.base_step_size.max(1e-9) / 8.0).clamp(4.0, 12.0) as usize;
    date_ticks(min, max, n)
        .into_iter()
        .map(|(value, _, step)| GridMark {
            value,
            step_size: step,
        })
        .collect()
}

fn faded(c: Color32, m: &Mark) -> Color32 {
    if m.deprecated {
        c.gamma_multiply(0.35)
    } else {
        c
    }
}

/// Draws the plot panel. Returns an export request, if any. `drawn` receives the screen
/// position of every mark drawn, with its claim (what hovering and clicking can reach).
pub fn show(
    ui: &mut Ui,
    prefs: &mut PlotPrefs,
    view: &PlotView<'_>,
    out: &mut Vec<Command>,
    drawn: &mut Vec<(egui::Pos2, usize)>,
) -> Option<Export> {
    drawn.clear();
    let ds = view.ds;
    let mut export = None;
    ui.horizontal_wrapped(|ui| {
        for (tab, name) in [(PlotTab::Troops, "Troops"), (PlotTab::Casualties, "Casualties"), (PlotTab::Timeline, "Timeline")] {
            ui.selectable_value(&mut prefs.tab, tab, RichText::new(name).strong());
        }
        ui.separator();
        if prefs.tab == PlotTab::Casualties {
            let l = ui.label("Plotted metric");
            let metrics = casualty_metrics(ds);
            let name = |id: &str| {
                ds.manifest.metrics.iter().find(|m| m.id == id).map_or(id.to_string(), |m| m.name.clone())
            };
            egui::ComboBox::from_id_salt("casualty-metric")
                .selected_text(name(&prefs.casualty_metric))
                .show_ui(ui, |ui| {
                    for m in &metrics {
                        ui.selectable_value(&mut prefs.casualty_metric, m.clone(), name(m));
                    }
                })
                .response
                .labelled_by(l.id);
            let combined = ds.manifest.metrics.iter().any(|m| m.id == prefs.casualty_metric && !m.parts.is_empty());
            if combined {
                ui.checkbox(&mut prefs.sum_parts, "Sums of parts")
                    .on_hover_text("Where one claimant gives the parts on one date (killed + wounded), show their sum");
            }
        }
        if prefs.tab != PlotTab::Timeline {
            let l = ui.label("Date");
            egui::ComboBox::from_id_salt("plot-x")
                .selected_text(prefs.x.label())
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut prefs.x, XAxis::RefersTo, "refers to");
                    ui.selectable_value(&mut prefs.x, XAxis::StatedOn, "stated on");
                })
                .response
                .labelled_by(l.id);
            ui.separator();
            let l = ui.label("Export");
            if ui.small_button("SVG").labelled_by(l.id).on_hover_text("Save this plot as SVG").clicked() {
                export = Some(Export::Svg);
            }
            if ui.small_button("PNG").on_hover_text("Save this plot as PNG").clicked() {
                export = Some(Export::Png);
            }
            if ui.small_button("CSV").on_hover_text("Save the plotted claims as CSV").clicked() {
                export = Some(Export::Csv);
            }
        }
    });
    let t = view.thinned;
    if prefs.tab != PlotTab::Timeline && t.marks_after < t.marks_before {
        ui.label(
            RichText::new(format!(
                "Showing {} of {} marks: each claimant's highest and lowest per time slice. Narrow the filter or hide claimants to see every mark.",
                crate::model::value::thousands(t.marks_after as u64),
                crate::model::value::thousands(t.marks_before as u64)
            ))
            .weak()
            .small(),
        );
    }
    if prefs.tab != PlotTab::Timeline {
        let actors = super::Actors::new(view.ds);
        legend(ui, prefs, view, &actors);
        figures(ui, prefs, view, &actors, out, drawn);
    } else {
        timeline(ui, view, out);
    }
    export
}

fn legend(ui: &mut Ui, prefs: &mut PlotPrefs, view: &PlotView<'_>, actors: &super::Actors<'_>) {
    let dark = ui.visuals().dark_mode;
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!("Claimants ({}):", view.legend.len())).weak());
        if view.legend.is_empty() {
            ui.label(RichText::new("no claim of this metric passes the filter").weak());
        }
        if view.legend.len() > 1 {
            if ui.small_button("show all").clicked() {
                prefs.hidden.clear();
            }
            if ui.small_button("hide all").clicked() {
                prefs.hidden = view.legend.to_vec();
            }
        }
    });
    // Many claimants: the legend scrolls instead of pushing the plot away.
    egui::ScrollArea::vertical()
        .id_salt("plot-legend")
        .max_height(ui.text_style_height(&egui::TextStyle::Body) * 3.6)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                // Hundreds of claimants, a few lines shown: an entry scrolled out of sight
                // takes the place it took last frame instead of being a button again (a
                // button per claimant was a tenth of a frame at a million claims). The
                // places are measured again whenever the entries, their names or the width
                // change.
                let key = egui::Id::unique("plot-legend-places");
                let identity = {
                    use std::hash::{Hash, Hasher};
                    let mut h = std::hash::DefaultHasher::new();
                    // The names too: an actor renamed changes its entry's width.
                    for id in view.legend {
                        actors.name(id).hash(&mut h);
                    }
                    view.legend.hash(&mut h);
                    prefs.hidden.hash(&mut h);
                    ui.available_width().to_bits().hash(&mut h);
                    h.finish()
                };
                let origin = ui.cursor().min;
                let clip = ui.clip_rect();
                let last: Option<(u64, std::sync::Arc<Vec<egui::Rect>>)> =
                    ui.data(|d| d.get_temp(key));
                let last = last.filter(|(k, r)| *k == identity && r.len() == view.legend.len());
                let mut places = Vec::with_capacity(view.legend.len());
                for (k, id) in view.legend.iter().enumerate() {
                    if let Some((_, rects)) = &last
                        && let Some(rel) = rects.get(k)
                        && !clip.intersects(rel.translate(origin.to_vec2()))
                    {
                        ui.allocate_space(rel.size());
                        places.push(*rel);
                        continue;
                    }
                    let hidden = prefs.hidden.contains(id);
                    let color = readable(actors.color(id), dark);
                    let text = if hidden {
                        RichText::new(format!("○ {}", actors.name(id)))
                            .weak()
                            .strikethrough()
                    } else {
                        RichText::new(format!("● {}", actors.name(id))).color(color)
                    };
                    let r = ui
                        .add(egui::Button::new(text).frame(false))
                        .on_hover_text(if hidden {
                            "Show this claimant"
                        } else {
                            "Hide this claimant"
                        });
                    places.push(r.rect.translate(-origin.to_vec2()));
                    if r.clicked() {
                        if hidden {
                            prefs.hidden.retain(|h| h != id);
                        } else {
                            prefs.hidden.push(id.clone());
                        }
                    }
                }
                ui.data_mut(|d| d.insert_temp(key, (identity, std::sync::Arc::new(places))));
            });
        });
}

/// The mark nearest to the pointer, within `radius` points: (series, mark).
fn nearest<'s>(
    series: &'s [Series],
    transform: &egui_plot::PlotTransform,
    pointer: egui::Pos2,
    radius: f32,
) -> Option<(&'s Series, &'s Mark)> {
    let mut best: Option<(f32, &Series, &Mark)> = None;
    for s in series {
        for m in &s.marks {
            let Some(y) = m.y else { continue };
            let p = transform.position_from_point(&PlotPoint::new(m.x(), y));
            let d = p.distance(pointer);
            if d <= radius && best.is_none_or(|(bd, _, _)| d < bd) {
                best = Some((d, s, m));
            }
        }
    }
    best.map(|(_, s, m)| (s, m))
}

fn tooltip(ui: &mut Ui, ds: &Dataset, m: &Mark) {
    let Some(c) = ds.claims.get(m.claim) else {
        return;
    };
    ui.set_max_width(380.0);
    let mut who = ds.actor_name(&c.claimant).to_string();
    if let Some(v) = &c.via {
        who = format!("{who} (via {})", ds.actor_name(v));
    }
    ui.strong(who);
    if m.derived {
        ui.label(format!("{}: {}", c.claimant, describe_sum(ds, m)));
        ui.label(RichText::new("A sum of this claimant's parts, not a figure it stated.").weak());
        return;
    }
    ui.label(format!("{}: {}", c.metric, c.value.stated()));
    if let Some(r) = &c.refers_to {
        ui.label(format!("refers to {}", r.display()));
    }
    ui.label(format!("stated on {}", c.stated_on.display()));
    if let Some(cit) = c.sources.first() {
        if let Some(s) = ds.sources.iter().find(|s| s.id == cit.source) {
            let outlet = if s.outlet.is_empty() {
                &s.title
            } else {
                &s.outlet
            };
            ui.label(format!("source: {outlet}"));
        }
        if !cit.quote.is_empty() {
            let quote = cit.quote.text();
            let q: String = quote.chars().take(160).collect();
            let more = if quote.chars().count() > 160 {
                "…"
            } else {
                ""
            };
            ui.label(RichText::new(format!("“{q}{more}”")).italics());
        }
    }
    let g = c.grading();
    if !g.is_empty() {
        ui.label(format!("grading {g}"));
    }
    if m.deprecated {
        ui.label(RichText::new("deprecated").strong());
    }
    if m.superseded {
        ui.label(RichText::new("superseded by a later claim of the same claimant").weak());
    }
    ui.label(RichText::new("Click to select").weak().small());
}

/// For marks at `xs` (day numbers), the level each is drawn at: 0 for the first on its
/// day, 1 for the second, and so on.
fn stack_levels(xs: &[f64]) -> Vec<usize> {
    let mut on_day: std::collections::HashMap<i64, usize> = Default::default();
    xs.iter()
        .map(|x| {
            let k = on_day.entry(x.round() as i64).or_default();
            *k += 1;
            *k - 1
        })
        .collect()
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
fn elide(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    if text.chars().count() <= max {
        return std::borrow::Cow::Borrowed(text);
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    std::borrow::Cow::Owned(format!("{}…", cut.trim_end()))
}

fn figures(
    ui: &mut Ui,
    prefs: &PlotPrefs,
    view: &PlotView<'_>,
    actors: &super::Actors<'_>,
    out: &mut Vec<Command>,
    drawn: &mut Vec<(egui::Pos2, usize)>,
) {
    let ds = view.ds;
    let dark = ui.visuals().dark_mode;
    let y_label = match prefs.tab {
        PlotTab::Troops => "troops".to_string(),
        _ => ds
            .manifest
            .metrics
            .iter()
            .find(|m| m.id == prefs.casualty_metric)
            .map_or(prefs.casualty_metric.clone(), |m| m.name.to_lowercase()),
    };
    let plot = Plot::new(("plot", format!("{:?}", prefs.tab)))
        .x_axis_formatter(edge_safe_label)
        .x_grid_spacer(date_grid)
        .y_axis_formatter(|mark, _| {
            if mark.value < 0.0 {
                String::new()
            } else {
                crate::model::value::thousands(mark.value.round() as u64)
            }
        })
        .y_grid_spacer(|input| {
            count_ticks(input.bounds.1.max(1.0), 8)
                .into_iter()
                .map(|(value, _)| GridMark {
                    value,
                    step_size: input.bounds.1 / 8.0,
                })
                .collect()
        })
        .x_axis_label(format!("date ({})", prefs.x.label()))
        .y_axis_label(y_label)
        .include_y(0.0)
        .set_margin_fraction(egui::vec2(0.08, 0.12))
        .allow_double_click_reset(true)
        .show_grid(true)
        .label_formatter(|_| None);
    // Label sums of parts only while they are few enough to read.
    let label_sums = view
        .series
        .iter()
        .flat_map(|s| s.marks.iter())
        .filter(|m| m.derived)
        .count()
        <= 40;
    // Many marks: draw them as a few batched items (one per shape and style) without spans,
    // whiskers or arrow shafts; egui_plot's cost grows with the number of items.
    let total: usize = view.series.iter().map(|s| s.marks.len()).sum();
    let detailed = total <= 1_500;
    // The batched figures come from a mesh kept between frames (see `figure_mesh`).
    let figures = (!detailed).then(|| {
        let cache = FigureMesh::shared(ui.ctx());
        let colors: Vec<Color32> = view
            .series
            .iter()
            .map(|s| readable(actors.color(&s.claimant), dark))
            .collect();
        cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .prepare(view.series, &colors, dark);
        cache
    });
    let response = plot.show(ui, |pui| {
        if let Some(cache) = figures {
            pui.add(FigureItem::new(cache));
        }
        for s in view.series.iter().filter(|_| detailed) {
            let base = readable(actors.color(&s.claimant), dark);
            if s.line.len() > 1 {
                pui.line(
                    Line::new(actors.name(&s.claimant), PlotPoints::from(s.line.clone()))
                        .color(base.gamma_multiply(0.8))
                        .width(1.5)
                        .allow_hover(false),
                );
            }
            for m in &s.marks {
                let Some(y) = m.y else { continue };
                let c = faded(base, m);
                let x = m.x();
                if m.x1 > m.x0 {
                    pui.line(
                        Line::new("", vec![[m.x0, y], [m.x1, y]])
                            .color(c.gamma_multiply(0.4))
                            .width(5.0)
                            .allow_hover(false),
                    );
                }
                if let (Some(lo), Some(hi)) = (m.low, m.high) {
                    pui.line(
                        Line::new("", vec![[x, lo], [x, hi]])
                            .color(c)
                            .width(1.5)
                            .allow_hover(false),
                    );
                }
                let radius = if m.selected { 7.0 } else { 5.0 };
                let marker = |shape, filled| {
                    Points::new("", vec![[x, y]])
                        .shape(shape)
                        .filled(filled)
                        .radius(radius)
                        .color(c)
                        .allow_hover(false)
                };
                match (m.derived, m.kind) {
                    (true, _) => {
                        pui.add(marker(MarkerShape::Square, false));
                    }
                    (_, MarkKind::Exact) => pui.add(marker(MarkerShape::Circle, true)),
                    (_, MarkKind::Approx) => pui.add(marker(MarkerShape::Diamond, true)),
                    (_, MarkKind::Range) => pui.add(marker(MarkerShape::Circle, true).radius(2.5)),
                    (_, MarkKind::LowerBound | MarkKind::UpperBound) => {
                        pui.add(marker(MarkerShape::Circle, false))
                    }
                    (_, MarkKind::NoNumber) => {}
                }
                if matches!(m.kind, MarkKind::LowerBound | MarkKind::UpperBound) {
                    // An arrow of fixed screen length: 22 points up (or down) from the marker.
                    let t = pui.transform();
                    let p = t.position_from_point(&PlotPoint::new(x, y));
                    let dir = if m.kind == MarkKind::LowerBound {
                        -1.0
                    } else {
                        1.0
                    };
                    let tip = t.value_from_position(p + egui::vec2(0.0, dir * 24.0));
                    let from = t.value_from_position(p + egui::vec2(0.0, dir * radius));
                    pui.line(
                        Line::new("", vec![[x, from.y], [x, tip.y]])
                            .color(c)
                            .width(2.0)
                            .allow_hover(false),
                    );
                    let head = if dir < 0.0 {
                        MarkerShape::Up
                    } else {
                        MarkerShape::Down
                    };
                    pui.add(
                        Points::new("", vec![[x, tip.y]])
                            .shape(head)
                            .filled(true)
                            .radius(5.0)
                            .color(c)
                            .allow_hover(false),
                    );
                }
                if m.derived && label_sums {
                    let parts: Vec<String> = m
                        .parts
                        .iter()
                        .filter_map(|&i| ds.claims.get(i))
                        .filter_map(|c| c.value.figure())
                        .map(crate::model::value::thousands)
                        .collect();
                    let (at, anchor) = {
                        let t = pui.transform();
                        let p = t.position_from_point(&PlotPoint::new(x, y));
                        (
                            t.value_from_position(p + egui::vec2(0.0, radius + 6.0)),
                            label_anchor(p.x, *t.frame()),
                        )
                    };
                    pui.text(
                        egui_plot::Text::new(
                            "",
                            at,
                            RichText::new(format!("{} (sum)", parts.join(" + ")))
                                .color(c)
                                .small(),
                        )
                        .anchor(anchor)
                        .allow_hover(false),
                    );
                    let (l, r, b, tp) = {
                        let t = pui.transform();
                        let p = t.position_from_point(&PlotPoint::new(x, y));
                        let a = t.value_from_position(p + egui::vec2(-radius - 3.0, radius + 3.0));
                        let z = t.value_from_position(p + egui::vec2(radius + 3.0, -radius - 3.0));
                        (a.x, z.x, a.y, z.y)
                    };
                    pui.polygon(
                        Polygon::new("", vec![[l, b], [r, b], [r, tp], [l, tp]])
                            .fill_color(Color32::TRANSPARENT)
                            .stroke(Stroke::new(1.5, c))
                            .style(LineStyle::Dashed { length: 4.0 })
                            .allow_hover(false),
                    );
                }
                if m.selected {
                    pui.add(
                        Points::new("", vec![[x, y]])
                            .shape(MarkerShape::Circle)
                            .filled(false)
                            .radius(radius + 4.0)
                            .color(if dark { Color32::WHITE } else { Color32::BLACK })
                            .allow_hover(false),
                    );
                }
            }
        }
        pui.pointer_coordinate()
    });
    let frame = *response.transform.frame();
    for s in view.series.iter() {
        for m in &s.marks {
            if let Some(y) = m.y {
                let p = response
                    .transform
                    .position_from_point(&PlotPoint::new(m.x(), y));
                if frame.contains(p) {
                    drawn.push((p, m.claim));
                }
            }
        }
    }
    let pointer = response.response.hover_pos();
    if let Some(p) = pointer
        && let Some((_, m)) = nearest(view.series, &response.transform, p, 10.0)
    {
        let m = m.clone();
        response
            .response
            .clone()
            .on_hover_ui_at_pointer(|ui| tooltip(ui, ds, &m));
        if response.response.clicked() {
            out.push(Command::Select(Some(Target {
                kind: Kind::Claim,
                index: m.claim,
            })));
        }
    }
}

fn timeline(ui: &mut Ui, view: &PlotView<'_>, out: &mut Vec<Command>) {
    let ds = view.ds;
    let dark = ui.visuals().dark_mode;
    let text = ui.visuals().text_color();
    ui.label(RichText::new("Events (bars span their dates), and claims that carry no number (acknowledgments, denials) on the lane below.").weak());
    let mut events: Vec<usize> = view.events.to_vec();
    events.sort_by_key(|&i| ds.events[i].date.cmp_key());
    let no_number: Vec<usize> = view
        .claims
        .iter()
        .copied()
        .filter(|&i| !ds.claims[i].value.qualifier.has_number())
        .collect();
    let selected = view.selected;
    // Room on the right for the titles written after each bar.
    let mut lo = f64::MAX;
    let mut hi = f64::MIN;
    for &i in &events {
        if let Some(d) = ds.events[i].date.valid() {
            for day in [d.earliest(), d.latest()] {
                if day.is_bounded() {
                    lo = lo.min(f64::from(day.0));
                    hi = hi.max(f64::from(day.0));
                }
            }
        }
    }
    for &i in &no_number {
        if let Some((a, b)) = crate::model::series::span(&ds.claims[i], XAxis::StatedOn) {
            lo = lo.min(a);
            hi = hi.max(b);
        }
    }
    if lo > hi {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = (hi - lo).max(30.0);
    let response = Plot::new("timeline")
        .include_x(lo - pad * 0.05)
        .include_x(hi + pad * 0.45)
        .x_axis_formatter(edge_safe_label)
        .x_grid_spacer(date_grid)
        .show_axes([true, false])
        .show_grid([true, false])
        .allow_double_click_reset(true)
        .label_formatter(|_| None)
        .show(ui, |pui| {
            let mut hits: Vec<(f64, f64, f64, Target)> = Vec::new();
            for (row, &i) in events.iter().enumerate() {
                let e = &ds.events[i];
                let Some(d) = e.date.valid() else { continue };
                let (a, b) = (d.earliest(), d.latest());
                let (x0, x1) = match (a.is_bounded(), b.is_bounded()) {
                    (true, true) => (f64::from(a.0), f64::from(b.0)),
                    (true, false) => (f64::from(a.0), f64::from(a.0)),
                    (false, true) => (f64::from(b.0), f64::from(b.0)),
                    _ => continue,
                };
                let y = -(row as f64);
                let sel = selected
                    == Some(Target {
                        kind: Kind::Event,
                        index: i,
                    });
                let color = if sel {
                    Color32::from_rgb(0xff, 0xb0, 0x20)
                } else {
                    Color32::from_rgb(0x4a, 0x90, 0xd9)
                };
                pui.line(
                    Line::new("", vec![[x0, y], [x1 + 0.9, y]])
                        .color(color)
                        .width(8.0)
                        .allow_hover(false),
                );
                // Long titles are cut; hovering the bar shows the whole title.
                pui.text(
                    egui_plot::Text::new(
                        "",
                        PlotPoint::new(x1 + 2.0, y),
                        RichText::new(elide(&e.title, 48)).color(text),
                    )
                    .anchor(egui::Align2::LEFT_CENTER)
                    .allow_hover(false),
                );
                hits.push((
                    (x0 + x1) / 2.0,
                    y,
                    (x1 - x0) / 2.0,
                    Target {
                        kind: Kind::Event,
                        index: i,
                    },
                ));
            }
            let lane = -(events.len() as f64) - 1.0;
            if !no_number.is_empty() {
                pui.text(
                    egui_plot::Text::new(
                        "",
                        PlotPoint::new(lo - pad * 0.04, lane + 0.55),
                        RichText::new("claims with no number").color(text).small(),
                    )
                    .anchor(egui::Align2::LEFT_CENTER)
                    .allow_hover(false),
                );
            }
            // Claims on one date are stacked below each other, not drawn on top of each other.
            let placed: Vec<(usize, f64)> = no_number
                .iter()
                .filter_map(|&i| {
                    crate::model::series::span(&ds.claims[i], XAxis::StatedOn)
                        .map(|(x0, x1)| (i, (x0 + x1) / 2.0))
                })
                .collect();
            let xs: Vec<f64> = placed.iter().map(|(_, x)| *x).collect();
            for (&(i, x), level) in placed.iter().zip(stack_levels(&xs)) {
                let c = &ds.claims[i];
                let lane = lane - 0.7 * level as f64;
                let color = readable(actor_color(ds, &c.claimant), dark);
                let sel = selected
                    == Some(Target {
                        kind: Kind::Claim,
                        index: i,
                    });
                pui.add(
                    Points::new("", vec![[x, lane]])
                        .shape(MarkerShape::Diamond)
                        .radius(if sel { 8.0 } else { 6.0 })
                        .color(color)
                        .allow_hover(false),
                );
                hits.push((
                    x,
                    lane,
                    0.0,
                    Target {
                        kind: Kind::Claim,
                        index: i,
                    },
                ));
            }
            hits
        });
    if let Some(p) = response.response.hover_pos() {
        let t = &response.transform;
        let hit = response.inner.iter().find(|(x, y, half, _)| {
            let a = t.position_from_point(&PlotPoint::new(x - half, *y));
            let b = t.position_from_point(&PlotPoint::new(x + half, *y));
            (p.y - a.y).abs() < 8.0 && p.x >= a.x - 8.0 && p.x <= b.x + 8.0
        });
        if let Some(&(_, _, _, target)) = hit {
            response
                .response
                .clone()
                .on_hover_ui_at_pointer(|ui| match target.kind {
                    Kind::Event => {
                        let e = &ds.events[target.index];
                        ui.strong(&e.title);
                        ui.label(e.date.display());
                        if !e.description.is_empty() {
                            ui.label(e.description.text());
                        }
                    }
                    _ => {
                        let c = &ds.claims[target.index];
                        ui.strong(ds.actor_name(&c.claimant));
                        ui.label(format!(
                            "{}: {} — stated on {}",
                            c.metric,
                            c.value.stated(),
                            c.stated_on.display()
                        ));
                        if !c.notes.is_empty() {
                            ui.label(c.notes.text());
                        }
                    }
                });
            if response.response.clicked() {
                out.push(Command::Select(Some(target)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_near_an_edge_of_the_plot_reaches_inward() {
        let frame = egui::Rect::from_min_max(egui::pos2(100.0, 0.0), egui::pos2(600.0, 400.0));
        assert_eq!(label_anchor(120.0, frame), egui::Align2::LEFT_TOP);
        assert_eq!(label_anchor(350.0, frame), egui::Align2::CENTER_TOP);
        assert_eq!(label_anchor(590.0, frame), egui::Align2::RIGHT_TOP);
    }

    #[test]
    fn claims_on_one_day_are_stacked_and_long_titles_cut() {
        assert_eq!(
            stack_levels(&[10.0, 10.0, 11.0, 10.0, 11.0]),
            [0, 1, 0, 2, 1]
        );
        assert_eq!(elide("short", 48), "short");
        let long = "Government of Russia (Russian Federation) - Government of Ukraine: Sudzha town";
        let cut = elide(long, 48);
        assert_eq!(cut.chars().count(), 48);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn a_tick_at_the_right_edge_has_no_label_to_cut() {
        let range = 0.0..=100.0;
        let at = |value| {
            edge_safe_label(
                GridMark {
                    value,
                    step_size: 30.0,
                },
                &range,
            )
        };
        assert!(at(99.0).is_empty());
        assert!(at(1.0).is_empty());
        assert!(!at(50.0).is_empty());
    }
}
