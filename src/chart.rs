//! Figures without a window: the plot series drawn as SVG (for papers and slides, and for
//! `crosscheck plot`), rasterized to PNG with resvg; and the date and count axis ticks that
//! the window's plots use too. No egui and no files here: callers write the bytes.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::model::series::{MarkKind, Series, XAxis, describe_sum};
use crate::model::value::thousands;
use crate::model::{Dataset, Day};

/// The bundled font (Latin, Hangul, symbols), used for PNG text and by the window.
pub const FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansKR-Hangul.otf");
const FONT_FAMILY: &str = "Noto Sans CJK KR";

/// The colour of an actor: its own `#rrggbb`, or one derived from its id.
pub fn actor_rgb(ds: &Dataset, id: &str) -> [u8; 3] {
    crate::model::colors::actor_rgb(ds, id)
}

fn date_of(x: f64) -> Option<NaiveDate> {
    let d = x.round();
    if !(1.0..=3_652_059.0).contains(&d) {
        return None;
    }
    Day(d as i32).date()
}

fn day_of(d: NaiveDate) -> f64 {
    f64::from(Day::from_date(d).0)
}

/// Ticks for a date axis between two day numbers: years, quarters, months, weeks or days,
/// whichever gives at most `max_ticks`. Each tick is (day number, label, step in days).
pub fn date_ticks(min: f64, max: f64, max_ticks: usize) -> Vec<(f64, String, f64)> {
    let (Some(start), Some(end)) = (date_of(min.floor()), date_of(max.ceil())) else {
        return Vec::new();
    };
    let span = (max - min).max(1.0);
    let max_ticks = max_ticks.max(2) as f64;
    // (months per step, days per step) — months when > 0, else days.
    let steps: [(u32, i64); 9] = [
        (0, 1),
        (0, 2),
        (0, 7),
        (0, 14),
        (1, 0),
        (3, 0),
        (6, 0),
        (12, 0),
        (60, 0),
    ];
    let (months, days) = steps
        .iter()
        .copied()
        .find(|&(m, d)| {
            let len = if m > 0 { f64::from(m) * 30.4 } else { d as f64 };
            span / len <= max_ticks
        })
        .unwrap_or((120, 0));
    let mut out = Vec::new();
    if months == 0 {
        let mut d = start;
        while d <= end {
            let label = if (d.day() == 1 && d.month() == 1) || out.is_empty() {
                d.format("%-d %b %Y").to_string()
            } else {
                d.format("%-d %b").to_string()
            };
            out.push((day_of(d), label, days as f64));
            d += chrono::Duration::days(days);
            if out.len() > 400 {
                break;
            }
        }
        return out;
    }
    // Start at the first month boundary that is a multiple of the step.
    let total = start.year() * 12 + start.month0() as i32;
    let step = months as i32;
    let mut m = total.div_euclid(step) * step;
    loop {
        let (y, mo) = (m.div_euclid(12), m.rem_euclid(12) as u32 + 1);
        let Some(d) = NaiveDate::from_ymd_opt(y, mo, 1) else {
            break;
        };
        if d > end {
            break;
        }
        if d >= start {
            let label = if months >= 12 {
                format!("{y}")
            } else if mo == 1 || out.is_empty() {
                d.format("%b %Y").to_string()
            } else {
                d.format("%b").to_string()
            };
            out.push((day_of(d), label, f64::from(months) * 30.4));
        }
        m += step;
        if out.len() > 400 {
            break;
        }
    }
    out
}

/// Ticks for a count axis from 0 to `max`: 1, 2 or 5 times a power of ten, labelled with
/// thousands separators.
pub fn count_ticks(max: f64, max_ticks: usize) -> Vec<(f64, String)> {
    let max = max.max(1.0);
    let raw = max / max_ticks.max(1) as f64;
    let pow = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * pow)
        .find(|s| max / s <= max_ticks as f64)
        .unwrap_or(10.0 * pow)
        .max(1.0);
    let mut out = Vec::new();
    let mut v = 0.0;
    while v <= max * 1.0001 {
        out.push((v, thousands(v as u64)));
        v += step;
    }
    out
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn rgb(c: [u8; 3]) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

/// What the figure shows, for its title and axes.
pub struct Figure<'a> {
    pub title: &'a str,
    pub y_label: &'a str,
    pub x: XAxis,
    pub width: f64,
    pub height: f64,
}

/// Draws the series as an SVG document: date axis, count axis, one colour per claimant,
/// spans for partial dates, whiskers, open markers with arrows for bounds, diamonds for
/// approximate figures, dashed squares for sums of parts, and a legend of claimant names.
/// Every claim is a `<g class="mark" data-claim="ID">`, every sum a `<g class="sum">`, every
/// legend entry a `<g class="legend-entry" data-claimant="ID">`.
pub fn svg(ds: &Dataset, series: &[Series], fig: &Figure<'_>) -> String {
    let (w, h) = (fig.width, fig.height);
    let legend_w = 300.0;
    let (left, right, top, bottom) = (80.0, w - legend_w, 50.0, h - 60.0);
    let marks = series
        .iter()
        .flat_map(|s| s.marks.iter())
        .filter(|m| m.y.is_some());
    let (mut x_min, mut x_max, mut y_max) = (f64::MAX, f64::MIN, 0.0f64);
    for m in marks {
        x_min = x_min.min(m.x0);
        x_max = x_max.max(m.x1);
        y_max = y_max.max(m.high.unwrap_or(0.0)).max(m.y.unwrap_or(0.0));
    }
    if x_min > x_max {
        x_min = 0.0;
        x_max = 1.0;
    }
    let pad = ((x_max - x_min) * 0.05).max(5.0);
    let (x_min, x_max) = (x_min - pad, x_max + pad);
    let y_ticks = count_ticks(y_max * 1.15, 6);
    let y_top = y_ticks
        .last()
        .map_or(1.0, |t| t.0)
        .max(y_max * 1.1)
        .max(1.0);
    let sx = |x: f64| left + (x - x_min) / (x_max - x_min) * (right - left);
    let sy = |y: f64| bottom - y / y_top * (bottom - top);

    let mut s = String::new();
    write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}, sans-serif" font-size="12">"#
    ).ok();
    write!(s, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##).ok();
    write!(
        s,
        r##"<text x="{left}" y="28" font-size="16" font-weight="bold" fill="#222">{}</text>"##,
        esc(fig.title)
    )
    .ok();
    // Grid and axes.
    for (v, label) in &y_ticks {
        let y = sy(*v);
        write!(
            s,
            r##"<line x1="{left}" y1="{y:.1}" x2="{right}" y2="{y:.1}" stroke="#e4e4e4"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#444">{label}</text>"##,
            left - 6.0,
            y + 4.0
        ).ok();
    }
    for (v, label, _) in date_ticks(x_min, x_max, ((right - left) / 90.0) as usize) {
        let x = sx(v);
        write!(
            s,
            r##"<line x1="{x:.1}" y1="{top}" x2="{x:.1}" y2="{bottom}" stroke="#eeeeee"/><text x="{x:.1}" y="{:.1}" text-anchor="middle" fill="#444">{}</text>"##,
            bottom + 18.0,
            esc(&label)
        ).ok();
    }
    write!(
        s,
        r##"<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#888"/><line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#888"/>"##
    ).ok();
    write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#444">date ({})</text>"##,
        (left + right) / 2.0,
        h - 18.0,
        fig.x.label()
    )
    .ok();
    write!(
        s,
        r##"<text transform="translate(20 {:.1}) rotate(-90)" text-anchor="middle" fill="#444">{}</text>"##,
        (top + bottom) / 2.0,
        esc(fig.y_label)
    ).ok();

    for ser in series {
        let color = rgb(actor_rgb(ds, &ser.claimant));
        if ser.line.len() > 1 {
            let pts: Vec<String> = ser
                .line
                .iter()
                .map(|p| format!("{:.1},{:.1}", sx(p[0]), sy(p[1])))
                .collect();
            write!(
                s,
                r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="1.5" stroke-opacity="0.7"/>"#,
                pts.join(" ")
            ).ok();
        }
        for m in &ser.marks {
            let Some(yv) = m.y else { continue };
            let (x, y) = (sx(m.x()), sy(yv));
            let opacity = if m.deprecated { 0.35 } else { 1.0 };
            let id = ds.claims.get(m.claim).map_or("", |c| c.id.as_str());
            if m.derived {
                let parts: Vec<&str> = m
                    .parts
                    .iter()
                    .filter_map(|&i| ds.claims.get(i))
                    .map(|c| c.id.as_str())
                    .collect();
                write!(
                    s,
                    r#"<g class="sum" data-parts="{}" opacity="{opacity}">"#,
                    esc(&parts.join(";"))
                )
                .ok();
                write!(s, "<title>{}</title>", esc(&describe_sum(ds, m))).ok();
            } else {
                write!(
                    s,
                    r#"<g class="mark" data-claim="{}" opacity="{opacity}">"#,
                    esc(id)
                )
                .ok();
                if let Some(c) = ds.claims.get(m.claim) {
                    write!(
                        s,
                        "<title>{}: {} {} ({})</title>",
                        esc(ds.actor_name(&c.claimant)),
                        esc(&c.metric),
                        esc(&c.value.stated()),
                        esc(&c.stated_on.display())
                    )
                    .ok();
                }
            }
            if m.x1 > m.x0 {
                write!(
                    s,
                    r#"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="{color}" stroke-width="5" stroke-opacity="0.3" stroke-linecap="round"/>"#,
                    sx(m.x0),
                    sx(m.x1)
                ).ok();
            }
            if let (Some(lo), Some(hi)) = (m.low, m.high) {
                let (y0, y1) = (sy(lo), sy(hi));
                write!(
                    s,
                    r#"<path d="M{x:.1} {y0:.1} V{y1:.1} M{:.1} {y0:.1} H{:.1} M{:.1} {y1:.1} H{:.1}" stroke="{color}" stroke-width="1.5" fill="none"/>"#,
                    x - 4.0,
                    x + 4.0,
                    x - 4.0,
                    x + 4.0
                ).ok();
            }
            let r = if m.selected { 7.0 } else { 5.0 };
            match (m.derived, m.kind) {
                (true, _) => {
                    write!(
                        s,
                        r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="none" stroke="{color}" stroke-width="2" stroke-dasharray="3 2"/>"#,
                        x - r,
                        y - r,
                        2.0 * r,
                        2.0 * r
                    ).ok();
                    let parts: Vec<String> = m
                        .parts
                        .iter()
                        .filter_map(|&i| ds.claims.get(i))
                        .filter_map(|c| c.value.figure())
                        .map(thousands)
                        .collect();
                    write!(
                        s,
                        r#"<text x="{:.1}" y="{:.1}" font-size="11" fill="{color}">{} (sum)</text>"#,
                        x + r + 4.0,
                        y + 4.0,
                        esc(&parts.join(" + "))
                    ).ok();
                }
                (_, MarkKind::Exact) => {
                    write!(
                        s,
                        r#"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{color}"/>"#
                    )
                    .ok();
                }
                (_, MarkKind::Approx) => {
                    write!(
                        s,
                        r#"<path d="M{x:.1} {:.1} L{:.1} {y:.1} L{x:.1} {:.1} L{:.1} {y:.1} Z" fill="{color}" fill-opacity="0.55" stroke="{color}" stroke-width="1.5"/>"#,
                        y - r - 1.0,
                        x + r + 1.0,
                        y + r + 1.0,
                        x - r - 1.0
                    ).ok();
                }
                (_, MarkKind::Range) => {
                    write!(
                        s,
                        r#"<circle cx="{x:.1}" cy="{y:.1}" r="2.5" fill="{color}"/>"#
                    )
                    .ok();
                }
                _ => {}
            }
            if matches!(m.kind, MarkKind::LowerBound | MarkKind::UpperBound) {
                let up = m.kind == MarkKind::LowerBound;
                let (dir, tip) = if up {
                    (-1.0, y - r - 14.0)
                } else {
                    (1.0, y + r + 14.0)
                };
                if !m.derived {
                    write!(
                        s,
                        r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="#ffffff" stroke="{color}" stroke-width="2"/>"##
                    ).ok();
                }
                write!(
                    s,
                    r#"<path d="M{x:.1} {:.1} V{tip:.1} M{:.1} {:.1} L{x:.1} {tip:.1} L{:.1} {:.1}" stroke="{color}" stroke-width="2" fill="none"/>"#,
                    y + dir * r,
                    x - 4.0,
                    tip - dir * 5.0,
                    x + 4.0,
                    tip - dir * 5.0
                ).ok();
            }
            if m.selected {
                write!(
                    s,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="none" stroke="#000000" stroke-width="1.5"/>"##,
                    r + 4.0
                ).ok();
            }
            s.push_str("</g>");
        }
    }

    // Legend: one entry per claimant, in the order of the series.
    let mut seen = Vec::new();
    for ser in series {
        // Claims with no number are not drawn here (they belong on the timeline).
        if !seen.contains(&ser.claimant) && ser.marks.iter().any(|m| m.y.is_some()) {
            seen.push(ser.claimant.clone());
        }
    }
    let lx = right + 24.0;
    write!(
        s,
        r##"<text x="{lx}" y="{top}" font-weight="bold" fill="#222">Claimant</text>"##
    )
    .ok();
    for (i, id) in seen.iter().enumerate() {
        let y = top + 22.0 + i as f64 * 20.0;
        let full = ds.actor_name(id);
        let name: String = if full.chars().count() > 34 {
            full.chars().take(33).chain(['…']).collect()
        } else {
            full.to_string()
        };
        write!(
            s,
            r##"<g class="legend-entry" data-claimant="{}"><circle cx="{:.1}" cy="{:.1}" r="5" fill="{}"/><text x="{:.1}" y="{:.1}" fill="#222">{}</text></g>"##,
            esc(id),
            lx + 5.0,
            y - 4.0,
            rgb(actor_rgb(ds, id)),
            lx + 16.0,
            y,
            esc(&name)
        ).ok();
    }
    let key_y = top + 40.0 + seen.len() as f64 * 20.0;
    let key = [
        "● exact   ◆ approximate",
        "○↑ at least / more than",
        "○↓ at most / fewer than",
        "— bar: date span; ⊥ low–high",
        "□ dashed: sum of parts",
    ];
    for (i, k) in key.iter().enumerate() {
        write!(
            s,
            r##"<text x="{lx}" y="{:.1}" font-size="11" fill="#666">{}</text>"##,
            key_y + i as f64 * 16.0,
            esc(k)
        )
        .ok();
    }
    s.push_str("</svg>\n");
    s
}

/// Why a figure could not be rasterized.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("the figure could not be read: {0}")]
    Svg(#[from] resvg::usvg::Error),
    #[error("the figure has no size")]
    NoSize,
    #[error("the figure is too large")]
    TooLarge,
    #[error("the PNG could not be encoded: {0}")]
    Encode(String),
}

/// Rasterizes an SVG document to PNG bytes, with the bundled font for the text.
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    let mut opt = resvg::usvg::Options::default();
    opt.fontdb_mut().load_font_data(FONT.to_vec());
    opt.fontdb_mut().set_sans_serif_family(FONT_FAMILY);
    let tree = resvg::usvg::Tree::from_str(svg, &opt)?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or(PngError::NoSize)?;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or(PngError::TooLarge)?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> f64 {
        f64::from(crate::model::DateText::new(s).earliest().0)
    }

    #[test]
    fn date_ticks_read_as_dates_at_every_zoom() {
        let years = date_ticks(day("2015-01-01"), day("2025-01-01"), 8);
        assert!(years.iter().all(|t| t.1.len() == 4), "{years:?}");
        let months = date_ticks(day("2024-10-01"), day("2025-04-30"), 8);
        assert!(months.iter().any(|t| t.1 == "Jan 2025"), "{months:?}");
        assert!(months.len() <= 8);
        let days = date_ticks(day("2024-12-20"), day("2024-12-27"), 10);
        assert!(days.iter().any(|t| t.1 == "23 Dec"), "{days:?}");
        assert!(date_ticks(-5.0, 3.0, 5).is_empty());
    }

    #[test]
    fn count_ticks_have_thousands_separators() {
        let t = count_ticks(12_500.0, 6);
        assert!(t.iter().any(|t| t.1 == "10,000"), "{t:?}");
        assert!(t.len() <= 7);
        assert_eq!(t[0].1, "0");
    }
}
