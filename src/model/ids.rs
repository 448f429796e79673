//! Ids for new records that never collide across clones of a dataset, without any
//! coordination: a readable part (for a claim: claimant, date, metric; for an event: date and
//! a word of the title; for a source: outlet and date; for an actor: its name) and a random
//! part of eight characters (40 bits). Two curators who each add 10,000 records with the same
//! readable part share an id with a chance of about one in ten thousand; records with
//! different readable parts never share one. Ids still read well in a file and in
//! `git log -p`: `ua-hur-2024-10-24-troops-deployed-k3f9x2m7`.

use super::{Actor, Claim, DateText, Event, Source};

/// Crockford's base-32 digits: no `i`, `l`, `o`, `u`, so the random part is not misread.
const DIGITS: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// The length of the random part.
pub const RANDOM_LEN: usize = 8;

/// The longest readable part kept.
const MAX_READABLE: usize = 48;

/// Lowercase ASCII letters and digits of `text`, other characters as single dashes, at most
/// `max` characters, cut at a dash.
pub fn slug(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_string();
    if out.len() > max {
        let cut = out[..max].rfind('-').unwrap_or(max);
        out.truncate(cut);
    }
    out
}

/// FNV-1a, 64 bits: a small hash whose value never changes between builds or platforms, for
/// ids made from content and names made from paths.
pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The low 40 bits of `n` as eight Crockford base-32 digits (an id's last part, made from a
/// hash instead of at random).
pub fn crockford(n: u64) -> String {
    (0..RANDOM_LEN)
        .map(|i| char::from(DIGITS[((n >> (5 * i)) & 31) as usize]))
        .collect()
}

fn random_part(rng: &mut fastrand::Rng) -> String {
    (0..RANDOM_LEN)
        .map(|_| char::from(DIGITS[rng.usize(..DIGITS.len())]))
        .collect()
}

/// `readable` (made a slug) and a random part, not `taken` by any record.
pub fn fresh(readable: &str, rng: &mut fastrand::Rng, taken: impl Fn(&str) -> bool) -> String {
    let base = slug(readable, MAX_READABLE);
    loop {
        let id = if base.is_empty() {
            random_part(rng)
        } else {
            format!("{base}-{}", random_part(rng))
        };
        if !taken(&id) {
            return id;
        }
    }
}

fn date_part(d: Option<&DateText>) -> String {
    d.map(|d| d.text().to_string()).unwrap_or_default()
}

/// The readable part of a claim's id: claimant, date stated, metric.
pub fn claim_readable(c: &Claim) -> String {
    format!(
        "{}-{}-{}",
        c.claimant,
        date_part(Some(&c.stated_on)),
        c.metric
    )
}

/// The readable part of an event's id: `ev`, the date, the first word of the title that
/// says something.
pub fn event_readable(e: &Event) -> String {
    let word = e
        .title
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.len() > 3 && !w.eq_ignore_ascii_case("new"))
        .unwrap_or_default();
    format!("ev-{}-{word}", date_part(Some(&e.date)))
}

/// The readable part of a source's id: outlet (or title) and date published.
pub fn source_readable(s: &Source) -> String {
    let who = if s.outlet.is_empty() {
        slug(&s.title, 20)
    } else {
        slug(&s.outlet, 24)
    };
    format!("{who}-{}", date_part(s.published.as_ref()))
}

/// The readable part of an actor's id: its name.
pub fn actor_readable(a: &Actor) -> String {
    slug(&a.name, 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_keep_ascii_words_and_cut_at_a_dash() {
        assert_eq!(slug("Ukrinform, Kyiv", 40), "ukrinform-kyiv");
        assert_eq!(slug("killed_or_wounded", 40), "killed-or-wounded");
        assert_eq!(slug("Генштаб ЗСУ", 40), "");
        assert_eq!(slug("one two three", 9), "one-two");
    }

    #[test]
    fn hashed_parts_are_eight_crockford_digits_of_the_low_bits() {
        assert_eq!(crockford(0), "00000000");
        assert_eq!(crockford(31), "z0000000");
        assert_eq!(crockford(32), "01000000");
        assert_eq!(crockford(1 << 40), "00000000", "only 40 bits");
        assert!(crate::model::validate::is_valid_id(&crockford(u64::MAX)));
    }

    #[test]
    fn fresh_ids_are_readable_and_avoid_taken_ones() {
        let mut rng = fastrand::Rng::with_seed(7);
        let id = fresh("ua-hur-2024-10-24-troops_deployed", &mut rng, |_| false);
        assert!(id.starts_with("ua-hur-2024-10-24-troops-deployed-"), "{id}");
        assert_eq!(
            id.len(),
            "ua-hur-2024-10-24-troops-deployed-".len() + RANDOM_LEN
        );
        assert!(crate::model::validate::is_valid_id(&id));
        let first = id.clone();
        let mut rng = fastrand::Rng::with_seed(7);
        let again = fresh("ua-hur-2024-10-24-troops_deployed", &mut rng, |s| {
            s == first
        });
        assert_ne!(again, first);
    }
}
