//! Actors' colours, which the whole window and every figure use for them: an actor's own
//! `#rrggbb`, or one derived from its id; and, for a new actor, a colour no other actor of the
//! dataset has (saved with it, so it stays).

use super::Dataset;
use super::record::parse_color;

/// The colours an actor without its own gets, by its id.
const DERIVED: [[u8; 3]; 10] = [
    [0x1f, 0x77, 0xb4],
    [0xff, 0x7f, 0x0e],
    [0x2c, 0xa0, 0x2c],
    [0xd6, 0x27, 0x28],
    [0x94, 0x67, 0xbd],
    [0x8c, 0x56, 0x4b],
    [0xe3, 0x77, 0xc2],
    [0x7f, 0x7f, 0x7f],
    [0xbc, 0xbd, 0x22],
    [0x17, 0xbe, 0xcf],
];

/// The colours new actors are given, in order: mid-light and saturated enough to read on
/// light and dark backgrounds alike (the window darkens or lightens names a little more).
pub const PALETTE: [[u8; 3]; 20] = [
    [0x1f, 0x77, 0xb4],
    [0xff, 0x7f, 0x0e],
    [0x2c, 0xa0, 0x2c],
    [0xd6, 0x27, 0x28],
    [0x94, 0x67, 0xbd],
    [0x8c, 0x56, 0x4b],
    [0xe3, 0x77, 0xc2],
    [0xbc, 0xbd, 0x22],
    [0x17, 0xbe, 0xcf],
    [0x39, 0x3b, 0x79],
    [0xe6, 0x55, 0x0d],
    [0x31, 0xa3, 0x54],
    [0x84, 0x3c, 0x39],
    [0x7b, 0x41, 0x73],
    [0x31, 0x82, 0xbd],
    [0xa5, 0x51, 0x94],
    [0x63, 0x79, 0x39],
    [0xce, 0x6d, 0xbd],
    [0x6b, 0x6e, 0xcf],
    [0x9c, 0x9e, 0xde],
];

/// The colour of an actor: its own `#rrggbb`, or one derived from its id.
pub fn actor_rgb(ds: &Dataset, id: &str) -> [u8; 3] {
    rgb_of(ds.actor(id), id)
}

/// The colour of the actor `id`, found already (or not: a claimant no actor record has).
pub fn rgb_of(actor: Option<&super::Actor>, id: &str) -> [u8; 3] {
    if let Some(c) = actor.and_then(|a| parse_color(&a.color)) {
        return c;
    }
    let h = id
        .bytes()
        .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
    DERIVED[h % DERIVED.len()]
}

/// A colour, as `#rrggbb`, that no actor of `ds` has (its own or derived): the palette's
/// first free one, then hues around the circle.
pub fn distinct_color(ds: &Dataset) -> String {
    ColorPicker::new(ds).next()
}

/// Hands out colours no actor of a dataset has, one after another (an import creating many
/// actors at once).
pub struct ColorPicker {
    used: std::collections::HashSet<[u8; 3]>,
}

impl ColorPicker {
    pub fn new(ds: &Dataset) -> ColorPicker {
        ColorPicker {
            used: ds.actors.iter().map(|a| actor_rgb(ds, &a.id)).collect(),
        }
    }

    /// The colour of the palette (then of hues around the circle) farthest from every
    /// colour taken — not merely one no actor has, which could be a near twin of another
    /// actor's green — as `#rrggbb`; the colour is taken from then on.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> String {
        let hex = |[r, g, b]: [u8; 3]| format!("#{r:02x}{g:02x}{b:02x}");
        let distance = |a: [u8; 3], b: [u8; 3]| {
            // "Redmean": a cheap weighting of RGB close to how far apart colours look.
            let rm = (f64::from(a[0]) + f64::from(b[0])) / 2.0;
            let d = |i: usize| f64::from(a[i]) - f64::from(b[i]);
            ((2.0 + rm / 256.0) * d(0).powi(2)
                + 4.0 * d(1).powi(2)
                + (2.0 + (255.0 - rm) / 256.0) * d(2).powi(2))
            .sqrt()
        };
        let hues = (0..4096u32).map(|n| {
            let hue = (f64::from(n) * 137.507_764) % 360.0;
            let light = if n % 2 == 0 { 0.45 } else { 0.58 };
            hsl(hue, 0.62, light)
        });
        let free = |c: &[u8; 3]| !self.used.contains(c);
        // The palette first, while one of its colours stands well apart from those taken.
        let nearest = |c: [u8; 3]| {
            self.used
                .iter()
                .map(|u| distance(c, *u))
                .fold(f64::INFINITY, f64::min)
        };
        let best_of = |candidates: &mut dyn Iterator<Item = [u8; 3]>| {
            candidates.filter(free).map(|c| (nearest(c), c)).fold(
                None,
                |best: Option<(f64, [u8; 3])>, (d, c)| match best {
                    Some((bd, _)) if bd >= d => best,
                    _ => Some((d, c)),
                },
            )
        };
        const APART: f64 = 150.0;
        // Past a few dozen actors no eye tells colours apart anyway: the first free one, so
        // that an import creating thousands of actors stays quick.
        if self.used.len() >= 64 {
            let pick = PALETTE
                .iter()
                .copied()
                .find(free)
                .or_else(|| hues.clone().find(free))
                .unwrap_or(PALETTE[0]);
            self.used.insert(pick);
            return hex(pick);
        }
        let pick = match best_of(&mut PALETTE.iter().copied()) {
            Some((d, c)) if d >= APART => Some(c),
            // No palette colour stands apart: the farthest of palette and hues.
            from_palette => {
                match (from_palette, best_of(&mut hues.clone().take(256))) {
                    (Some((dp, p)), Some((dh, h))) => Some(if dh > dp { h } else { p }),
                    (p, h) => p.or(h).map(|(_, c)| c),
                }
            }
            .or_else(|| hues.clone().find(free)),
        }
        .unwrap_or(PALETTE[0]);
        self.used.insert(pick);
        hex(pick)
    }
}

fn hsl(h: f64, s: f64, l: f64) -> [u8; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let to = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    [to(r), to(g), to(b)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Actor, ActorKind};

    #[test]
    fn three_hundred_new_actors_never_repeat_a_colour() {
        let mut ds = Dataset::default();
        let mut seen = std::collections::HashSet::new();
        for n in 0..300 {
            let mut a = Actor::new(&format!("a{n}"), "A", ActorKind::Media);
            a.color = distinct_color(&ds);
            assert!(
                seen.insert(a.color.clone()),
                "actor {n} repeats {}",
                a.color
            );
            ds.actors.push(a);
        }
    }

    #[test]
    fn a_new_actor_is_no_near_twin_of_an_existing_colour() {
        // The sample's NIS green: the palette's other green (#2ca02c) is a different colour,
        // but reads as the same one in a legend.
        let mut ds = Dataset::default();
        let mut nis = Actor::new("kr-nis", "NIS", ActorKind::IntelligenceService);
        nis.color = "#31a354".into();
        ds.actors.push(nis);
        let mut picker = ColorPicker::new(&ds);
        for _ in 0..8 {
            let c = parse_color(&picker.next()).unwrap();
            let (dr, dg, db) = (
                i32::from(c[0]) - 0x31,
                i32::from(c[1]) - 0xa3,
                i32::from(c[2]) - 0x54,
            );
            assert!(
                dr * dr + dg * dg + db * db > 60 * 60,
                "{c:?} is too close to NIS"
            );
        }
    }

    #[test]
    fn a_new_actor_avoids_the_colours_derived_for_actors_without_one() {
        let mut ds = Dataset::default();
        ds.actors
            .push(Actor::new("new-actor", "X", ActorKind::Media));
        let taken = actor_rgb(&ds, "new-actor");
        let c = distinct_color(&ds);
        assert_ne!(parse_color(&c), Some(taken));
    }
}
