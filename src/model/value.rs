//! The value of a claim: a best figure with optional low and high, and a qualifier that says
//! how the claimant put it (exact, approximately, at least, more than, at most, fewer than, a
//! range, unknown, or no number at all). Counts are non-negative whole numbers.
//!
//! Also: the range of whole numbers a value allows ([`Value::interval`]), used to check that
//! the parts of a combined metric add up, and the value as stated ("more than 3,000").

use serde::{Deserialize, Serialize};

/// The largest count accepted: every count must survive a round trip through an `f64`
/// (plots, JSON) exactly.
pub const MAX_COUNT: u64 = (1 << 53) - 1;

/// How a figure was stated.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// Exactly this number.
    #[default]
    Exact,
    /// About, nearly, roughly: `best`, optionally with `low`–`high`.
    Approx,
    /// This number or more: a lower bound.
    AtLeast,
    /// Strictly more than this number.
    MoreThan,
    /// This number or fewer: an upper bound.
    AtMost,
    /// Strictly fewer than this number.
    FewerThan,
    /// Between `low` and `high`, `best` optional.
    Range,
    /// A figure exists but was not given ("an unknown number").
    Unknown,
    /// No number at all: an acknowledgment, a denial, a qualitative claim.
    None,
}

impl Qualifier {
    /// Every qualifier, in the order they are offered to the user.
    pub const ALL: [Qualifier; 9] = [
        Qualifier::Exact,
        Qualifier::Approx,
        Qualifier::AtLeast,
        Qualifier::MoreThan,
        Qualifier::AtMost,
        Qualifier::FewerThan,
        Qualifier::Range,
        Qualifier::Unknown,
        Qualifier::None,
    ];

    /// The name used in files and CSV (`at_least`).
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approx",
            Qualifier::AtLeast => "at_least",
            Qualifier::MoreThan => "more_than",
            Qualifier::AtMost => "at_most",
            Qualifier::FewerThan => "fewer_than",
            Qualifier::Range => "range",
            Qualifier::Unknown => "unknown",
            Qualifier::None => "none",
        }
    }

    /// Whether this qualifier carries a number at all.
    pub fn has_number(self) -> bool {
        !matches!(self, Qualifier::Unknown | Qualifier::None)
    }
}

/// A claimed figure.
///
/// Its three numbers are packed (which are given in one byte beside the qualifier) instead of
/// three `Option<u64>`: 40 bytes instead of 64, in every one of a million claims. Read them
/// with [`Value::best`], [`Value::low`], [`Value::high`].
#[derive(Clone, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(from = "RawValue")]
pub struct Value {
    pub qualifier: Qualifier,
    /// Bit `i` set: `numbers[i]` is given (best, low, high). A number not given is 0, so
    /// that equal values compare and hash equal.
    given: u8,
    numbers: [u64; 3],
    /// Numbers in the file that are not counts (`3.5`, `-5`), by field, with what a save
    /// writes instead: reported by `check` at the field rather than failing the whole file.
    pub unread: Option<Box<Vec<(&'static str, String)>>>,
}

const BEST: usize = 0;
const LOW: usize = 1;
const HIGH: usize = 2;
const NAMES: [&str; 3] = ["best", "low", "high"];

impl Value {
    /// A value with all three numbers (each may be missing).
    pub fn with(
        qualifier: Qualifier,
        best: Option<u64>,
        low: Option<u64>,
        high: Option<u64>,
    ) -> Value {
        let mut v = Value {
            qualifier,
            ..Value::default()
        };
        v.set_best(best);
        v.set_low(low);
        v.set_high(high);
        v
    }

    fn number(&self, i: usize) -> Option<u64> {
        (self.given & (1 << i) != 0).then(|| self.numbers[i])
    }

    fn set_number(&mut self, i: usize, n: Option<u64>) {
        match n {
            Some(n) => {
                self.given |= 1 << i;
                self.numbers[i] = n;
            }
            None => {
                self.given &= !(1 << i);
                self.numbers[i] = 0;
            }
        }
    }

    /// The figure itself (`about 3,000`: 3,000).
    pub fn best(&self) -> Option<u64> {
        self.number(BEST)
    }

    /// The lower bound, when one is given.
    pub fn low(&self) -> Option<u64> {
        self.number(LOW)
    }

    /// The upper bound, when one is given.
    pub fn high(&self) -> Option<u64> {
        self.number(HIGH)
    }

    pub fn set_best(&mut self, n: Option<u64>) {
        self.set_number(BEST, n);
    }

    pub fn set_low(&mut self, n: Option<u64>) {
        self.set_number(LOW, n);
    }

    pub fn set_high(&mut self, n: Option<u64>) {
        self.set_number(HIGH, n);
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Value")
            .field("qualifier", &self.qualifier)
            .field("best", &self.best())
            .field("low", &self.low())
            .field("high", &self.high())
            .field("unread", &self.unread)
            .finish()
    }
}

/// Written as the fields `qualifier`, `best`, `low`, `high`, the numbers not given left out
/// (in the files; the cache writes every field, see [`super::skip`]).
impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let numbers = [self.best(), self.low(), self.high()];
        let written = numbers.iter().filter(|n| !super::skip::none(n)).count();
        let mut st = serializer.serialize_struct("Value", 1 + written)?;
        st.serialize_field("qualifier", &self.qualifier)?;
        for (name, n) in NAMES.into_iter().zip(numbers) {
            if super::skip::none(&n) {
                st.skip_field(name)?;
            } else {
                st.serialize_field(name, &n)?;
            }
        }
        st.end()
    }
}

/// A figure as read: its numbers may be anything a file can hold.
#[derive(Deserialize)]
struct RawValue {
    qualifier: Qualifier,
    #[serde(default)]
    best: Option<Count>,
    #[serde(default)]
    low: Option<Count>,
    #[serde(default)]
    high: Option<Count>,
}

/// A number from a file: a count, or what is wrong with it and the whole part kept.
struct Count(Result<u64, (String, Option<u64>)>);

/// Said of every number that is not a count: the file keeps it until a person fixes it.
const HELD: &str = "fix it in a text editor (Crosscheck does not write this file until then)";

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Count, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Count;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Count, E> {
                Ok(Count(Ok(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Count, E> {
                Ok(Count(u64::try_from(v).map_err(|_| {
                    (
                        format!("{v} is negative, which a count cannot be: {HELD}"),
                        None,
                    )
                })))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Count, E> {
                const LIMIT: f64 = 9_007_199_254_740_992.0;
                if v.fract() == 0.0 && (0.0..LIMIT).contains(&v) {
                    return Ok(Count(Ok(v as u64)));
                }
                Ok(Count(Err(if (0.0..LIMIT).contains(&v) {
                    (
                        format!("{v} is not a whole number, which a count is: {HELD}"),
                        Some(v.floor() as u64),
                    )
                } else {
                    (format!("{v} is not a count: {HELD}"), None)
                })))
            }
        }
        if !d.is_human_readable() {
            return u64::deserialize(d).map(|v| Count(Ok(v)));
        }
        d.deserialize_any(V)
    }
}

impl From<RawValue> for Value {
    fn from(r: RawValue) -> Value {
        let mut unread = Vec::new();
        let mut take = |field: &'static str, c: Option<Count>| match c.map(|c| c.0) {
            None => None,
            Some(Ok(n)) => Some(n),
            Some(Err((why, kept))) => {
                unread.push((field, format!("{field} {why}")));
                kept
            }
        };
        let best = take("best", r.best);
        let low = take("low", r.low);
        let high = take("high", r.high);
        Value {
            unread: (!unread.is_empty()).then(|| Box::new(unread)),
            ..Value::with(r.qualifier, best, low, high)
        }
    }
}

/// What is wrong with a value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("`{0}` needs a best figure")]
    MissingBest(&'static str),
    #[error("`range` needs both low and high")]
    RangeNeedsBounds,
    #[error("`{0}` carries no number, but numbers are given")]
    UnexpectedNumber(&'static str),
    #[error("`exact` cannot have a low or high different from best")]
    ExactWithRange,
    #[error("low ({low}) is greater than best ({best})")]
    LowAboveBest { low: u64, best: u64 },
    #[error("best ({best}) is greater than high ({high})")]
    BestAboveHigh { best: u64, high: u64 },
    #[error("low ({low}) is greater than high ({high})")]
    LowAboveHigh { low: u64, high: u64 },
    #[error("{0} is too large for a count (the largest is 9,007,199,254,740,991)")]
    TooLarge(u64),
    #[error("`fewer_than 0` allows no count at all")]
    FewerThanZero,
}

impl Value {
    /// Numbers the file held that are not counts, by field, as messages.
    pub fn unread(&self) -> impl Iterator<Item = (&'static str, String)> + '_ {
        self.unread.iter().flat_map(|v| v.iter().cloned())
    }

    /// A value of the given qualifier with only a best figure.
    pub fn new(qualifier: Qualifier, best: u64) -> Value {
        Value::with(qualifier, Some(best), None, None)
    }

    /// A value with no number.
    pub fn none() -> Value {
        Value::with(Qualifier::None, None, None, None)
    }

    /// Every problem with this value: the order of low, best and high, and whether the
    /// qualifier fits the numbers given.
    pub fn problems(&self) -> Vec<ValueError> {
        let mut out = Vec::new();
        let q = self.qualifier;
        for n in [self.best(), self.low(), self.high()].into_iter().flatten() {
            if n > MAX_COUNT {
                out.push(ValueError::TooLarge(n));
            }
        }
        match q {
            Qualifier::Unknown | Qualifier::None => {
                if self.best().is_some() || self.low().is_some() || self.high().is_some() {
                    out.push(ValueError::UnexpectedNumber(q.as_str()));
                }
                return out;
            }
            Qualifier::Range => {
                if self.low().is_none() || self.high().is_none() {
                    out.push(ValueError::RangeNeedsBounds);
                }
            }
            Qualifier::Exact => {
                if self.best().is_none() {
                    out.push(ValueError::MissingBest(q.as_str()));
                }
                if self.low().is_some_and(|l| Some(l) != self.best())
                    || self.high().is_some_and(|h| Some(h) != self.best())
                {
                    out.push(ValueError::ExactWithRange);
                }
            }
            _ => {
                if self.best().is_none() {
                    out.push(ValueError::MissingBest(q.as_str()));
                }
            }
        }
        if q == Qualifier::FewerThan && self.best() == Some(0) {
            out.push(ValueError::FewerThanZero);
        }
        if let (Some(low), Some(best)) = (self.low(), self.best())
            && low > best
        {
            out.push(ValueError::LowAboveBest { low, best });
        }
        if let (Some(best), Some(high)) = (self.best(), self.high())
            && best > high
        {
            out.push(ValueError::BestAboveHigh { best, high });
        }
        if let (Some(low), Some(high)) = (self.low(), self.high())
            && low > high
        {
            out.push(ValueError::LowAboveHigh { low, high });
        }
        out
    }

    /// The whole numbers this value allows, as `(min, max)` with `max = None` for no upper
    /// limit; `None` when the value carries no number. An approximate value without its own
    /// low/high allows ±10 % around best.
    pub fn interval(&self) -> Option<(u64, Option<u64>)> {
        let best = self.best();
        match self.qualifier {
            Qualifier::Unknown | Qualifier::None => None,
            Qualifier::Exact => best.map(|b| (b, Some(b))),
            Qualifier::Approx => best.map(|b| {
                let slack = b / 10;
                (
                    self.low().unwrap_or(b.saturating_sub(slack)),
                    Some(self.high().unwrap_or(b.saturating_add(slack))),
                )
            }),
            Qualifier::AtLeast => best.map(|b| (b, self.high())),
            Qualifier::MoreThan => best.map(|b| (b.saturating_add(1), self.high())),
            Qualifier::AtMost => best.map(|b| (self.low().unwrap_or(0), Some(b))),
            Qualifier::FewerThan => {
                best.map(|b| (self.low().unwrap_or(0), Some(b.saturating_sub(1))))
            }
            Qualifier::Range => match (self.low(), self.high()) {
                (Some(l), Some(h)) => Some((l, Some(h))),
                _ => None,
            },
        }
    }

    /// The figure a plot or a sort uses: best, else the bound that was given.
    pub fn figure(&self) -> Option<u64> {
        if !self.qualifier.has_number() {
            return None;
        }
        self.best().or(self.low()).or(self.high())
    }

    /// The value as the claimant stated it: `more than 3,000`, `≈ 12,000`, `300–350`,
    /// `no number`.
    pub fn stated(&self) -> String {
        let n = |v: Option<u64>| v.map(thousands).unwrap_or_else(|| "?".into());
        let with_range = |s: String| match (self.low(), self.high()) {
            (Some(l), Some(h)) => format!("{s} ({}–{})", thousands(l), thousands(h)),
            _ => s,
        };
        match self.qualifier {
            Qualifier::Exact => n(self.best()),
            Qualifier::Approx => with_range(format!("≈ {}", n(self.best()))),
            Qualifier::AtLeast => with_range(format!("at least {}", n(self.best()))),
            Qualifier::MoreThan => with_range(format!("more than {}", n(self.best()))),
            Qualifier::AtMost => with_range(format!("at most {}", n(self.best()))),
            Qualifier::FewerThan => with_range(format!("fewer than {}", n(self.best()))),
            Qualifier::Range => {
                let range = format!("{}–{}", n(self.low()), n(self.high()));
                match self.best() {
                    Some(b) => format!("{range} (best {})", thousands(b)),
                    None => range,
                }
            }
            Qualifier::Unknown => "unknown number".into(),
            Qualifier::None => "no number".into(),
        }
    }
}

/// `12000` → `12,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(q: Qualifier, best: Option<u64>, low: Option<u64>, high: Option<u64>) -> Value {
        Value::with(q, best, low, high)
    }

    #[test]
    fn a_values_packed_numbers_read_write_compare_and_serialize_as_three_optional_fields() {
        let mut a = v(Qualifier::Range, Some(5), Some(3), Some(9));
        assert_eq!((a.best(), a.low(), a.high()), (Some(5), Some(3), Some(9)));
        a.set_best(None);
        a.set_low(Some(0));
        assert_eq!((a.best(), a.low(), a.high()), (None, Some(0), Some(9)));
        // A number taken away leaves nothing behind: equal values compare and hash equal.
        let b = v(Qualifier::Range, None, Some(0), Some(9));
        assert_eq!(a, b);
        let state = std::hash::RandomState::new();
        assert_eq!(
            std::hash::BuildHasher::hash_one(&state, &a),
            std::hash::BuildHasher::hash_one(&state, &b)
        );
        assert_ne!(a, v(Qualifier::Range, Some(0), Some(0), Some(9)));

        // The files: the numbers not given are left out, in the order qualifier, best, low,
        // high; read back the same.
        let files = ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME);
        let text = files.to_string(&a).expect("ron");
        assert_eq!(text, "(qualifier:range,low:0,high:9)");
        assert_eq!(files.from_str::<Value>(&text).expect("read"), a);
        let text = files
            .to_string(&Value::new(Qualifier::AtLeast, 2_000))
            .expect("ron");
        assert_eq!(text, "(qualifier:at_least,best:2000)");
        // The cache: every field in its place.
        let bytes =
            crate::model::skip::with_all_fields(|| postcard::to_stdvec(&a)).expect("postcard");
        assert_eq!(postcard::from_bytes::<Value>(&bytes).expect("read"), a);
    }

    #[test]
    fn well_formed_values_have_no_problems() {
        for value in [
            Value::new(Qualifier::Exact, 500),
            Value::new(Qualifier::Approx, 12_000),
            v(Qualifier::Approx, Some(12_000), Some(11_000), Some(13_000)),
            Value::new(Qualifier::AtLeast, 3_000),
            Value::new(Qualifier::MoreThan, 3_000),
            Value::new(Qualifier::AtMost, 10),
            Value::new(Qualifier::FewerThan, 10),
            v(Qualifier::Range, None, Some(300), Some(350)),
            v(Qualifier::Range, Some(320), Some(300), Some(350)),
            Value::none(),
            v(Qualifier::Unknown, None, None, None),
            Value::new(Qualifier::Exact, 0),
        ] {
            assert_eq!(value.problems(), vec![], "{value:?}");
        }
    }

    #[test]
    fn bounds_out_of_order() {
        assert!(
            v(Qualifier::Approx, Some(100), Some(200), None)
                .problems()
                .contains(&ValueError::LowAboveBest {
                    low: 200,
                    best: 100
                })
        );
        assert!(
            v(Qualifier::Approx, Some(300), None, Some(200))
                .problems()
                .contains(&ValueError::BestAboveHigh {
                    best: 300,
                    high: 200
                })
        );
        assert!(
            v(Qualifier::Range, None, Some(400), Some(300))
                .problems()
                .contains(&ValueError::LowAboveHigh {
                    low: 400,
                    high: 300
                })
        );
    }

    #[test]
    fn qualifier_must_fit_the_numbers() {
        assert_eq!(
            v(Qualifier::Exact, None, None, None).problems(),
            vec![ValueError::MissingBest("exact")]
        );
        assert_eq!(
            v(Qualifier::MoreThan, None, None, None).problems(),
            vec![ValueError::MissingBest("more_than")]
        );
        assert_eq!(
            v(Qualifier::Range, Some(5), Some(1), None).problems(),
            vec![ValueError::RangeNeedsBounds]
        );
        assert_eq!(
            v(Qualifier::None, Some(5), None, None).problems(),
            vec![ValueError::UnexpectedNumber("none")]
        );
        assert_eq!(
            v(Qualifier::Unknown, None, Some(1), None).problems(),
            vec![ValueError::UnexpectedNumber("unknown")]
        );
        assert_eq!(
            v(Qualifier::Exact, Some(5), Some(4), None).problems(),
            vec![ValueError::ExactWithRange]
        );
        assert_eq!(
            Value::new(Qualifier::FewerThan, 0).problems(),
            vec![ValueError::FewerThanZero]
        );
        assert_eq!(
            Value::new(Qualifier::Exact, MAX_COUNT + 1).problems(),
            vec![ValueError::TooLarge(MAX_COUNT + 1)]
        );
    }

    #[test]
    fn intervals() {
        assert_eq!(
            Value::new(Qualifier::Exact, 300).interval(),
            Some((300, Some(300)))
        );
        assert_eq!(
            Value::new(Qualifier::Approx, 2_700).interval(),
            Some((2_430, Some(2_970)))
        );
        assert_eq!(
            Value::new(Qualifier::AtLeast, 100).interval(),
            Some((100, None))
        );
        assert_eq!(
            Value::new(Qualifier::MoreThan, 3_000).interval(),
            Some((3_001, None))
        );
        assert_eq!(
            Value::new(Qualifier::AtMost, 10).interval(),
            Some((0, Some(10)))
        );
        assert_eq!(
            Value::new(Qualifier::FewerThan, 10).interval(),
            Some((0, Some(9)))
        );
        assert_eq!(
            v(Qualifier::Range, None, Some(1), Some(2)).interval(),
            Some((1, Some(2)))
        );
        assert_eq!(Value::none().interval(), None);
    }

    #[test]
    fn stated_as_the_claimant_put_it() {
        assert_eq!(
            Value::new(Qualifier::MoreThan, 3_000).stated(),
            "more than 3,000"
        );
        assert_eq!(Value::new(Qualifier::Approx, 12_000).stated(), "≈ 12,000");
        assert_eq!(
            v(Qualifier::Range, None, Some(300), Some(350)).stated(),
            "300–350"
        );
        assert_eq!(Value::new(Qualifier::Exact, 2).stated(), "2");
        assert_eq!(Value::none().stated(), "no number");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
