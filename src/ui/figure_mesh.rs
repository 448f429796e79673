//! The busy plot's figures — every claimant's line and its batched marks — tessellated once
//! into one mesh and drawn again from it for as long as what they show and where they show
//! it stay the same. Scrolling the lists or hovering the plot at a million claims redraws
//! the same ~100,000 vertices every frame; tessellating them was about 2 ms a frame, and
//! building egui_plot's items for them about as much again.
//!
//! The cache is keyed by everything the mesh is made from, compared by value, never by a
//! generation: the series themselves, the colours, the plot's frame and bounds, the clip
//! rectangle, the pixels per point, the tessellation options and the font atlas' size (the
//! mesh's small circles are drawn from discs in that atlas). The series are the view's own
//! (`Arc`), held by the cache: the same allocation, kept alive, is the same series without
//! comparing them (their contents never change behind an `Arc`); a new one is compared by
//! value.

use std::sync::{Arc, Mutex};

use egui::epaint::{ClippedShape, Mesh, Primitive, Shape, TessellationOptions};
use egui::{Color32, Rect, Ui};
use egui_plot::{
    Line, MarkerShape, PlotBounds, PlotGeometry, PlotItem, PlotItemBase, PlotPoint, PlotPoints,
    PlotTransform, Points,
};

use crate::model::series::{MarkKind, Series};

/// Where and how the mesh was tessellated.
#[derive(Debug, Clone, PartialEq)]
struct Place {
    frame: Rect,
    bounds: PlotBounds,
    clip: Rect,
    pixels_per_point: f32,
    options: TessellationOptions,
    /// The font atlas' size: the pre-rasterised discs small circles are drawn from sit at
    /// places in the atlas that follow from its size alone (epaint lays them out first,
    /// the same way, whenever it makes an atlas).
    atlas_size: [usize; 2],
}

impl Place {
    /// Whether `other` is this place with the plot panned: the same frame, clip, scale and
    /// tessellation, the bounds moved (to within rounding of their width and height).
    fn panned_to(&self, other: &Place) -> bool {
        let same = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs());
        self.frame == other.frame
            && self.clip == other.clip
            && self.pixels_per_point == other.pixels_per_point
            && self.options == other.options
            && self.atlas_size == other.atlas_size
            && same(self.bounds.width(), other.bounds.width())
            && same(self.bounds.height(), other.bounds.height())
    }

    fn of(ui: &Ui, transform: &PlotTransform) -> Place {
        let ctx = ui.ctx();
        Place {
            frame: *transform.frame(),
            bounds: *transform.bounds(),
            clip: ui.clip_rect(),
            pixels_per_point: ctx.pixels_per_point(),
            options: ctx.tessellation_options(|o| *o),
            atlas_size: ctx.fonts(|f| f.font_image_size()),
        }
    }
}

/// The series, colours and theme last drawn, their bounds, and their mesh where it was
/// tessellated.
#[derive(Default)]
pub struct FigureMesh {
    series: Arc<Vec<Series>>,
    colors: Vec<Color32>,
    dark: bool,
    bounds: Option<PlotBounds>,
    mesh: Option<Built>,
    /// How many times the mesh was tessellated, and how many times it was moved with a
    /// panned plot (for tests).
    pub builds: usize,
    pub moves: usize,
}

/// A tessellated mesh and where.
struct Built {
    place: Place,
    transform: PlotTransform,
    mesh: Arc<Mesh>,
    /// Whether every figure lay inside the clip rectangle, so that nothing was culled and
    /// the mesh is whole wherever the plot is panned.
    whole: bool,
}

impl FigureMesh {
    /// The cache kept in `ctx`'s memory for the plot.
    pub fn shared(ctx: &egui::Context) -> Arc<Mutex<FigureMesh>> {
        let id = egui::Id::unique("plot-figure-mesh");
        ctx.data_mut(|d| {
            d.get_temp_mut_or_default::<Arc<Mutex<FigureMesh>>>(id)
                .clone()
        })
    }

    /// Takes this frame's figures: `series`, each drawn in the colour of the same index.
    /// Keeps the mesh when they are what was drawn last.
    pub fn prepare(&mut self, series: &Arc<Vec<Series>>, colors: &[Color32], dark: bool) {
        let same_series = Arc::ptr_eq(&self.series, series) || self.series == *series;
        // The one the view holds now, so that the next frame finds it by its address.
        self.series = Arc::clone(series);
        if self.bounds.is_some() && same_series && self.dark == dark && self.colors == colors {
            return;
        }
        self.colors = colors.to_vec();
        self.dark = dark;
        self.mesh = None;
        let mut bounds = PlotBounds::NOTHING;
        for s in series.iter() {
            for &[x, y] in &s.line {
                bounds.extend_with(&PlotPoint::new(x, y));
            }
            for m in &s.marks {
                if let Some(y) = m.y {
                    bounds.extend_with(&PlotPoint::new(m.x(), y));
                }
            }
        }
        self.bounds = Some(bounds);
    }

    /// The mesh of the prepared figures on `ui` under `transform`: the last one when nothing
    /// it depends on changed, else tessellated again.
    pub fn mesh(&mut self, ui: &Ui, transform: &PlotTransform) -> Arc<Mesh> {
        let place = Place::of(ui, transform);
        if let Some(built) = &mut self.mesh {
            if built.place == place {
                return Arc::clone(&built.mesh);
            }
            if built.whole && built.place.panned_to(&place) {
                // Panning moves every figure by the same distance on screen: the mesh is
                // moved rather than made again (in place: last frame's copy was painted and
                // dropped).
                let b = built.place.bounds.min();
                let at = PlotPoint::new(b[0], b[1]);
                let delta =
                    transform.position_from_point(&at) - built.transform.position_from_point(&at);
                Arc::make_mut(&mut built.mesh).translate(delta);
                built.place = place;
                built.transform = *transform;
                self.moves += 1;
                return Arc::clone(&built.mesh);
            }
        }
        let mut shapes = Vec::new();
        for (s, &base) in self.series.iter().zip(&self.colors) {
            figure_shapes(ui, transform, s, base, self.dark, &mut shapes);
        }
        // egui's own tessellator, with the atlas' discs, as at the end of a frame.
        let clipped = ui.ctx().tessellate(
            vec![ClippedShape::new(place.clip, Shape::Vec(shapes))],
            place.pixels_per_point,
        );
        let mut mesh = Mesh::default();
        for p in clipped {
            if let Primitive::Mesh(m) = p.primitive {
                mesh.append(m);
            }
        }
        // Whole when the figures' bounds lie inside the clip rectangle by more than the
        // largest marker, arrowhead or ring reaches out (a few points).
        let whole = self.bounds.is_some_and(|b| {
            let corner = |x, y| transform.position_from_point(&PlotPoint::new(x, y));
            let (min, max) = (b.min(), b.max());
            let reach = Rect::from_two_pos(corner(min[0], min[1]), corner(max[0], max[1]));
            place.clip.shrink(24.0).contains_rect(reach)
        });
        let mesh = Arc::new(mesh);
        self.mesh = Some(Built {
            place,
            transform: *transform,
            mesh: Arc::clone(&mesh),
            whole,
        });
        self.builds += 1;
        mesh
    }

    /// The bounds of the prepared figures (lines and marks).
    pub fn bounds(&self) -> PlotBounds {
        self.bounds.unwrap_or(PlotBounds::NOTHING)
    }
}

/// One series as egui_plot would draw it: its line, then its marks batched by shape, fill and
/// fade, with the arrowheads of bounds and a ring round the selected mark.
fn figure_shapes(
    ui: &Ui,
    transform: &PlotTransform,
    s: &Series,
    base: Color32,
    dark: bool,
    out: &mut Vec<Shape>,
) {
    if s.line.len() > 1 {
        Line::new("", PlotPoints::from(s.line.clone()))
            .color(base.gamma_multiply(0.8))
            .width(1.5)
            .shapes(ui, transform, out);
    }
    // (shape index, filled, faded) -> positions
    let mut groups: std::collections::BTreeMap<(u8, bool, bool), Vec<[f64; 2]>> =
        Default::default();
    const SHAPES: [MarkerShape; 5] = [
        MarkerShape::Circle,
        MarkerShape::Diamond,
        MarkerShape::Square,
        MarkerShape::Up,
        MarkerShape::Down,
    ];
    for m in &s.marks {
        let Some(y) = m.y else { continue };
        let x = m.x();
        let (shape, filled) = match (m.derived, m.kind) {
            (true, _) => (2, false),
            (_, MarkKind::Exact | MarkKind::Range) => (0, true),
            (_, MarkKind::Approx) => (1, true),
            (_, MarkKind::LowerBound | MarkKind::UpperBound) => (0, false),
            (_, MarkKind::NoNumber) => continue,
        };
        groups
            .entry((shape, filled, m.deprecated))
            .or_default()
            .push([x, y]);
        if matches!(m.kind, MarkKind::LowerBound | MarkKind::UpperBound) {
            let up = m.kind == MarkKind::LowerBound;
            let p = transform.position_from_point(&PlotPoint::new(x, y));
            let tip =
                transform.value_from_position(p + egui::vec2(0.0, if up { -10.0 } else { 10.0 }));
            groups
                .entry((if up { 3 } else { 4 }, true, m.deprecated))
                .or_default()
                .push([x, tip.y]);
        }
    }
    for ((shape, filled, faded), points) in groups {
        let color = if faded {
            base.gamma_multiply(0.35)
        } else {
            base
        };
        Points::new("", points)
            .shape(SHAPES[shape as usize])
            .filled(filled)
            .radius(if shape >= 3 { 3.5 } else { 4.0 })
            .color(color)
            .shapes(ui, transform, out);
    }
    if let Some(m) = s.marks.iter().find(|m| m.selected)
        && let Some(y) = m.y
    {
        Points::new("", vec![[m.x(), y]])
            .shape(MarkerShape::Circle)
            .filled(false)
            .radius(9.0)
            .color(if dark { Color32::WHITE } else { Color32::BLACK })
            .shapes(ui, transform, out);
    }
}

/// The plot item that draws the prepared figures from the shared cache.
pub struct FigureItem {
    base: PlotItemBase,
    cache: Arc<Mutex<FigureMesh>>,
    bounds: PlotBounds,
}

impl FigureItem {
    /// An item drawing what `cache` was last prepared with.
    pub fn new(cache: Arc<Mutex<FigureMesh>>) -> FigureItem {
        let bounds = cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .bounds();
        FigureItem {
            base: PlotItemBase::new("figures".into()),
            cache,
            bounds,
        }
    }
}

impl PlotItem for FigureItem {
    fn shapes(&self, ui: &Ui, transform: &PlotTransform, shapes: &mut Vec<Shape>) {
        // A lock poisoned by a panic mid-build holds no half-made mesh: one is only kept
        // once whole.
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        shapes.push(Shape::Mesh(cache.mesh(ui, transform)));
    }

    fn initialize(&mut self, _x_range: std::ops::RangeInclusive<f64>) {}

    fn color(&self) -> Color32 {
        Color32::TRANSPARENT
    }

    fn allow_hover(&self) -> bool {
        false
    }

    fn geometry(&self) -> PlotGeometry<'_> {
        PlotGeometry::None
    }

    fn bounds(&self) -> PlotBounds {
        self.bounds
    }

    fn base(&self) -> &PlotItemBase {
        &self.base
    }

    fn base_mut(&mut self) -> &mut PlotItemBase {
        &mut self.base
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::series::Mark;

    /// Two claimants' series of `n` marks each, of every kind, with lines, across 1,000 days.
    fn series(n: usize) -> Vec<Series> {
        let kinds = [
            MarkKind::Exact,
            MarkKind::Approx,
            MarkKind::LowerBound,
            MarkKind::UpperBound,
            MarkKind::Range,
        ];
        (0..2)
            .map(|s| {
                let marks: Vec<Mark> = (0..n)
                    .map(|i| {
                        let x = 1_000.0 * i as f64 / n as f64;
                        Mark {
                            claim: i,
                            x0: x,
                            x1: x,
                            y: Some(100.0 + ((i * 37 + s * 11) % 500) as f64),
                            low: None,
                            high: None,
                            kind: kinds[i % kinds.len()],
                            deprecated: i % 7 == 0,
                            superseded: false,
                            selected: i == n / 2 && s == 0,
                            derived: i % 11 == 0,
                            parts: Vec::new(),
                        }
                    })
                    .collect();
                let line = marks.iter().filter_map(|m| Some([m.x(), m.y?])).collect();
                Series {
                    claimant: format!("a{s}"),
                    metric: "killed".into(),
                    marks,
                    line,
                }
            })
            .collect()
    }

    const COLORS: [Color32; 2] = [Color32::RED, Color32::BLUE];

    fn transform(min: [f64; 2], max: [f64; 2]) -> PlotTransform {
        let frame = Rect::from_min_size(egui::pos2(50.0, 40.0), egui::vec2(800.0, 500.0));
        PlotTransform::new(frame, PlotBounds::from_min_max(min, max), false)
    }

    /// Runs `f` inside a frame of a headless context, on a ui clipped to the plot's frame.
    fn in_frame(ctx: &egui::Context, mut f: impl FnMut(&Ui)) {
        let input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1000.0, 700.0),
            )),
            ..Default::default()
        };
        let mut painted = ctx.run_ui(input, |ui| {
            let frame = *transform([0.0, 0.0], [1.0, 1.0]).frame();
            let mut child = ui.new_child(egui::UiBuilder::new().max_rect(frame));
            child.set_clip_rect(frame);
            f(&child);
        });
        // No GPU to upload the font atlas to: dropped knowingly.
        painted.textures_delta.clear();
    }

    #[test]
    fn the_mesh_is_made_once_while_nothing_changes_and_again_when_anything_does() {
        let ctx = egui::Context::default();
        let s = Arc::new(series(300));
        let mut cache = FigureMesh::default();
        let all = transform([-100.0, 0.0], [1_100.0, 700.0]);
        let mut first = None;
        for _ in 0..3 {
            in_frame(&ctx, |ui| {
                cache.prepare(&s, &COLORS, false);
                let mesh = cache.mesh(ui, &all);
                assert!(mesh.vertices.len() > 1_000, "{}", mesh.vertices.len());
                if let Some(first) = &first {
                    assert!(Arc::ptr_eq(first, &mesh));
                }
                first.get_or_insert(mesh);
            });
        }
        assert_eq!(cache.builds, 1);
        // The same series derived again (another `Arc`, equal by value): the same mesh.
        let again = Arc::new(series(300));
        in_frame(&ctx, |ui| {
            cache.prepare(&again, &COLORS, false);
            let mesh = cache.mesh(ui, &all);
            assert!(first.as_ref().is_some_and(|f| Arc::ptr_eq(f, &mesh)));
        });
        assert_eq!(cache.builds, 1);
        // Each of these is drawn differently, so each makes the mesh again.
        let mut other = series(300);
        other[1].marks[3].deprecated = !other[1].marks[3].deprecated;
        let other = Arc::new(other);
        let colors = [Color32::RED, Color32::GREEN];
        type Step<'s> = (&'s Arc<Vec<Series>>, &'s [Color32], bool, PlotTransform);
        let steps: [Step<'_>; 4] = [
            (&other, &COLORS, false, all),
            (&other, &colors, false, all),
            (&other, &colors, true, all),
            (
                &other,
                &colors,
                true,
                transform([0.0, 0.0], [1_100.0, 700.0]),
            ),
        ];
        for (i, (s, colors, dark, t)) in steps.into_iter().enumerate() {
            in_frame(&ctx, |ui| {
                cache.prepare(s, colors, dark);
                let mesh = cache.mesh(ui, &t);
                assert!(first.as_ref().is_some_and(|f| !Arc::ptr_eq(f, &mesh)));
            });
            assert_eq!(cache.builds, i + 2);
        }
    }

    #[test]
    fn a_panned_mesh_is_the_mesh_made_where_it_was_panned_to() {
        let ctx = egui::Context::default();
        let s = Arc::new(series(300));
        let mut moved = FigureMesh::default();
        let mut fresh = FigureMesh::default();
        // Panned a little left and down, twice, as a drag does over frames.
        let at =
            |dx: f64, dy: f64| transform([-100.0 + dx, -50.0 + dy], [1_100.0 + dx, 700.0 + dy]);
        for (dx, dy) in [(0.0, 0.0), (13.3, -7.1), (31.7, -20.9)] {
            in_frame(&ctx, |ui| {
                moved.prepare(&s, &COLORS, false);
                let a = moved.mesh(ui, &at(dx, dy));
                fresh = FigureMesh::default();
                fresh.prepare(&s, &COLORS, false);
                let b = fresh.mesh(ui, &at(dx, dy));
                assert_eq!(a.indices, b.indices);
                assert_eq!(a.vertices.len(), b.vertices.len());
                for (va, vb) in a.vertices.iter().zip(&b.vertices) {
                    assert!(va.pos.distance(vb.pos) < 0.01, "{:?} {:?}", va.pos, vb.pos);
                    assert_eq!((va.uv, va.color), (vb.uv, vb.color));
                }
            });
        }
        assert_eq!((moved.builds, moved.moves), (1, 2));
    }

    #[test]
    fn a_mesh_with_figures_cut_off_is_made_again_when_panned() {
        let ctx = egui::Context::default();
        let s = Arc::new(series(300));
        let mut cache = FigureMesh::default();
        // Zoomed in on the middle: marks on either side lie outside the plot and were left
        // out of the mesh, so panning cannot reuse it.
        for dx in [0.0, 20.0] {
            in_frame(&ctx, |ui| {
                cache.prepare(&s, &COLORS, false);
                cache.mesh(ui, &transform([400.0 + dx, 0.0], [600.0 + dx, 700.0]));
            });
        }
        assert_eq!((cache.builds, cache.moves), (2, 0));
    }
}
