//! Partial dates: EDTF (ISO 8601-2) strings such as `2024-10-24`, `2024-12`, `2024-12~`,
//! `2024-12-XX`, `2025-01/2025-02` or `2025-03/..`, with the earliest and latest day each one
//! can mean, an order for sorting and a short display for people.
//!
//! Parsing is delegated to the `edtf-core` crate (levels 0–2, calendar-checked); this module
//! turns its bounds into day numbers and adds the display researchers expect ("late Dec 2024").
//!
//! A [`DateText`] keeps what the curator wrote even when it does not parse, so that one typo
//! never makes a whole file unreadable: the text is saved back unchanged and validation reports
//! it as an error.

use std::cmp::Ordering;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use compact_str::CompactString;
use edtf_core::{Bound, Edtf};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A day number: days since 0001-01-01 (proleptic Gregorian), so that 0001-01-01 is 1.
/// [`Day::MIN`] and [`Day::MAX`] stand for an open or unknown start and end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(pub i32);

impl Day {
    /// An open or unknown start: before every date.
    pub const MIN: Day = Day(i32::MIN);
    /// An open or unknown end: after every date.
    pub const MAX: Day = Day(i32::MAX);

    /// The day number of a calendar date.
    pub fn from_date(date: NaiveDate) -> Day {
        Day(date.num_days_from_ce())
    }

    /// The calendar date of this day, or `None` for an open end.
    pub fn date(self) -> Option<NaiveDate> {
        if self == Day::MIN || self == Day::MAX {
            return None;
        }
        NaiveDate::from_num_days_from_ce_opt(self.0)
    }

    /// `YYYY-MM-DD`, or an empty string for an open end.
    pub fn iso(self) -> String {
        self.date()
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }

    /// True unless this is an open or unknown end.
    pub fn is_bounded(self) -> bool {
        self != Day::MIN && self != Day::MAX
    }
}

/// Why a date string is not a partial date this tool accepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, thiserror::Error)]
pub enum DateError {
    #[error("empty date")]
    Empty,
    #[error("not an EDTF date: {message} (at character {offset})")]
    Syntax { message: String, offset: usize },
    #[error("the year must be between 1 and 9999")]
    YearOutOfRange,
    #[error("a date with a time of day is not supported; write the day only")]
    HasTime,
    #[error("starts ({earliest}) after it ends ({latest})")]
    Reversed { earliest: String, latest: String },
}

/// A valid partial date: the EDTF text as written, and the span of days it can mean.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartialDate {
    /// Inline up to 24 bytes (every date short of a long interval): no allocation per date.
    text: CompactString,
    earliest: Day,
    latest: Day,
    approximate: bool,
    uncertain: bool,
    /// The text had white space around it (trimmed here; `check` warns).
    padded: bool,
}

impl PartialDate {
    /// Parses an EDTF string. Surrounding white space is not accepted silently: the text is
    /// trimmed and the trimmed form is kept, so that saving writes the canonical spelling.
    pub fn parse(text: &str) -> Result<PartialDate, DateError> {
        let padded = text.trim().len() != text.len();
        let text = text.trim();
        if text.is_empty() {
            return Err(DateError::Empty);
        }
        let edtf = Edtf::parse(text).map_err(|e| DateError::Syntax {
            message: e.message.to_string(),
            offset: e.offset,
        })?;
        if matches!(edtf, Edtf::DateTime(_)) {
            return Err(DateError::HasTime);
        }
        let bounds = edtf.bounds();
        // A year written in EDTF's long form (`Y17E7`, `Y1E19`) must land on a day this
        // program can place, however it is written: never an open end by overflow.
        if text.contains('Y')
            && !(matches!(bounds.earliest, Bound::Date(_))
                && matches!(bounds.latest, Bound::Date(_)))
        {
            return Err(DateError::YearOutOfRange);
        }
        let earliest = bound_day(bounds.earliest, Day::MIN)?;
        let latest = bound_day(bounds.latest, Day::MAX)?;
        if earliest > latest {
            return Err(DateError::Reversed {
                earliest: earliest.iso(),
                latest: latest.iso(),
            });
        }
        Ok(PartialDate {
            text: CompactString::from(text),
            earliest,
            latest,
            approximate: edtf.is_approximate(),
            uncertain: edtf.is_uncertain(),
            padded,
        })
    }

    /// Whether the text had white space around it when read.
    pub fn was_padded(&self) -> bool {
        self.padded
    }

    /// The EDTF text, as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The first day the date can mean ([`Day::MIN`] when open or unknown).
    pub fn earliest(&self) -> Day {
        self.earliest
    }

    /// The last day the date can mean ([`Day::MAX`] when open or unknown).
    pub fn latest(&self) -> Day {
        self.latest
    }

    /// Marked approximate (`~` or `%`).
    pub fn is_approximate(&self) -> bool {
        self.approximate
    }

    /// Marked uncertain (`?` or `%`).
    pub fn is_uncertain(&self) -> bool {
        self.uncertain
    }

    /// True when the earliest–latest span overlaps `[from, to]` (inclusive).
    pub fn overlaps(&self, from: Day, to: Day) -> bool {
        self.earliest <= to && self.latest >= from
    }

    /// The key this date sorts by: earliest day, then latest day, then the text.
    fn sort_key(&self) -> (Day, Day, &str) {
        (self.earliest, self.latest, &self.text)
    }

    /// A short display as a researcher would write it: `24 Oct 2024`, `Dec 2024`,
    /// `late Dec 2024`, `Jan–Feb 2025`, `c. Dec 2024`, `from Mar 2025`, `2010s`.
    pub fn display(&self) -> String {
        let mut out = match human(&self.text) {
            Some(s) => s,
            None => self.text.to_string(),
        };
        if self.approximate {
            out = format!("c. {out}");
        }
        if self.uncertain {
            out.push('?');
        }
        out
    }
}

impl Ord for PartialDate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for PartialDate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn bound_day(bound: Bound, open: Day) -> Result<Day, DateError> {
    match bound {
        Bound::Date(d) => {
            let year = i32::try_from(d.year).map_err(|_| DateError::YearOutOfRange)?;
            if !(1..=9999).contains(&year) {
                return Err(DateError::YearOutOfRange);
            }
            NaiveDate::from_ymd_opt(year, u32::from(d.month), u32::from(d.day))
                .map(Day::from_date)
                .ok_or(DateError::YearOutOfRange)
        }
        Bound::NegativeInfinity | Bound::PositiveInfinity | Bound::Unknown => Ok(open),
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// One side of a date, for display: what precision it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    Year(i32),
    Month(i32, u32),
    Day(i32, u32, u32),
}

/// Reads a plain `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (qualifiers stripped, `XX` treated as
/// missing). Anything else (decades, seasons, sets) returns `None`.
fn piece(text: &str) -> Option<Piece> {
    let t = text.trim_end_matches(['~', '?', '%']);
    let mut parts = t.split('-');
    let y = parts.next()?;
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let m = match parts.next() {
        None => return Some(Piece::Year(year)),
        Some("XX") => return Some(Piece::Year(year)),
        Some(m) => m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?,
    };
    let d = match parts.next() {
        None | Some("XX") => return Some(Piece::Month(year, m)),
        Some(d) => d.parse::<u32>().ok()?,
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Piece::Day(year, m, d))
}

fn month_name(m: u32) -> &'static str {
    MONTHS
        .get((m as usize).wrapping_sub(1))
        .copied()
        .unwrap_or("?")
}

fn show_piece(p: Piece) -> String {
    match p {
        Piece::Year(y) => format!("{y}"),
        Piece::Month(y, m) => format!("{} {y}", month_name(m)),
        Piece::Day(y, m, d) => format!("{d} {} {y}", month_name(m)),
    }
}

fn last_day_of_month(y: i32, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)
        .and_then(|d| d.pred_opt())
        .map(|d| d.day())
        .unwrap_or(31)
}

/// The human display of the text without its qualifiers, or `None` to show the text itself.
fn human(text: &str) -> Option<String> {
    let bare: String = text
        .chars()
        .filter(|c| !matches!(c, '~' | '?' | '%'))
        .collect();
    if let Some((a, b)) = bare.split_once('/') {
        return Some(interval(a, b));
    }
    if let Some(decade) = bare.strip_suffix('X')
        && decade.len() == 3
        && decade.bytes().all(|b| b.is_ascii_digit())
    {
        return Some(format!("{decade}0s"));
    }
    if bare.len() == 7
        && let Some((y, s)) = bare.split_once('-')
        && let Ok(season) = s.parse::<u32>()
        && (21..=24).contains(&season)
    {
        let name = ["spring", "summer", "autumn", "winter"][(season - 21) as usize];
        return Some(format!("{name} {y}"));
    }
    piece(&bare).map(show_piece)
}

fn interval(a: &str, b: &str) -> String {
    let open_start = a.is_empty() || a == "..";
    let open_end = b.is_empty() || b == "..";
    let a = a.trim_start_matches("..");
    let b = b.trim_end_matches("..");
    match (piece(a), piece(b)) {
        (None, Some(end)) if open_start => format!("until {}", show_piece(end)),
        (Some(start), None) if open_end => format!("from {}", show_piece(start)),
        (Some(start), Some(end)) => span(start, end),
        _ => format!("{a}–{b}"),
    }
}

fn span(start: Piece, end: Piece) -> String {
    match (start, end) {
        (Piece::Day(y1, m1, d1), Piece::Day(y2, m2, d2)) if y1 == y2 && m1 == m2 => {
            let last = last_day_of_month(y1, m1);
            let part = match (d1, d2) {
                (1, d) if d == last => return show_piece(Piece::Month(y1, m1)),
                (1, 10) => "early",
                (11, 20) => "mid",
                (21, d) if d == last => "late",
                _ if d1 == d2 => return show_piece(start),
                _ => return format!("{d1}–{d2} {} {y1}", month_name(m1)),
            };
            format!("{part} {} {y1}", month_name(m1))
        }
        (Piece::Day(y1, m1, d1), Piece::Day(y2, m2, d2)) if y1 == y2 => {
            format!("{d1} {} – {d2} {} {y1}", month_name(m1), month_name(m2))
        }
        (Piece::Month(y1, m1), Piece::Month(y2, m2)) if y1 == y2 => {
            if m1 == m2 {
                show_piece(start)
            } else {
                format!("{}–{} {y1}", month_name(m1), month_name(m2))
            }
        }
        (Piece::Year(y1), Piece::Year(y2)) => format!("{y1}–{y2}"),
        _ => format!("{} – {}", show_piece(start), show_piece(end)),
    }
}

/// A date as the curator wrote it: valid, or kept verbatim with the reason it is not.
///
/// Serialized as the plain string, so invalid text survives a load and a save unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DateText {
    Valid(PartialDate),
    /// Rare, so boxed: a date costs the size of a valid one (two per claim, a million
    /// claims).
    Invalid(Box<Unparsed>),
}

/// A date's text that does not parse, and why.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Unparsed {
    pub text: String,
    pub error: DateError,
}

impl DateText {
    /// Parses `text`, keeping it even when it is not a valid partial date.
    ///
    /// The same few dates recur through a file (a claim's two dates are often one; a month's
    /// file has a month's days), so each thread remembers the last valid dates it parsed, by
    /// text: opening a million claims parses two million dates, a tenth of the first open's
    /// time before this.
    pub fn new(text: &str) -> DateText {
        /// Slots for recent dates, chosen by the text's hash.
        const SLOTS: usize = 256;
        thread_local! {
            static RECENT: std::cell::RefCell<Vec<Option<PartialDate>>> =
                const { std::cell::RefCell::new(Vec::new()) };
        }
        // Kept only for texts that are their own trimmed form, so a hit's text is the text.
        let slot = {
            use std::hash::BuildHasher as _;
            rustc_hash::FxBuildHasher.hash_one(text) as usize % SLOTS
        };
        let hit = RECENT.with_borrow(|recent| {
            recent
                .get(slot)
                .and_then(Option::as_ref)
                .filter(|d| d.text() == text)
                .cloned()
        });
        if let Some(d) = hit {
            return DateText::Valid(d);
        }
        let parsed = DateText::parse(text);
        if let DateText::Valid(d) = &parsed
            && d.text() == text
        {
            RECENT.with_borrow_mut(|recent| {
                if recent.is_empty() {
                    recent.resize(SLOTS, None);
                }
                if let Some(kept) = recent.get_mut(slot) {
                    *kept = Some(d.clone());
                }
            });
        }
        parsed
    }

    fn parse(text: &str) -> DateText {
        match PartialDate::parse(text) {
            Ok(d) => DateText::Valid(d),
            Err(error) => DateText::Invalid(Box::new(Unparsed {
                text: text.to_string(),
                error,
            })),
        }
    }

    /// The text as written (trimmed when valid).
    pub fn text(&self) -> &str {
        match self {
            DateText::Valid(d) => d.text(),
            DateText::Invalid(u) => &u.text,
        }
    }

    /// The parsed date, when valid.
    pub fn valid(&self) -> Option<&PartialDate> {
        match self {
            DateText::Valid(d) => Some(d),
            DateText::Invalid(_) => None,
        }
    }

    /// Why the text is not a valid date, when it is not.
    pub fn error(&self) -> Option<&DateError> {
        match self {
            DateText::Valid(_) => None,
            DateText::Invalid(u) => Some(&u.error),
        }
    }

    /// Earliest day, or [`Day::MAX`] for an invalid date (sorts last).
    pub fn earliest(&self) -> Day {
        self.valid().map_or(Day::MAX, PartialDate::earliest)
    }

    /// Latest day, or [`Day::MAX`] for an invalid date.
    pub fn latest(&self) -> Day {
        self.valid().map_or(Day::MAX, PartialDate::latest)
    }

    /// The key dates sort by: earliest, then latest day (invalid dates last).
    pub fn cmp_key(&self) -> (Day, Day) {
        (self.earliest(), self.latest())
    }

    /// The human display, or the raw text for an invalid date.
    pub fn display(&self) -> String {
        match self {
            DateText::Valid(d) => d.display(),
            DateText::Invalid(u) => u.text.clone(),
        }
    }
}

impl From<PartialDate> for DateText {
    fn from(d: PartialDate) -> Self {
        DateText::Valid(d)
    }
}

/// The parsed form a binary encoding (the parse cache) keeps beside a valid date's text, so
/// that reading it back does not parse the text again: the first and last day, and the
/// approximate, uncertain and padded marks as bits.
type Bounds = (i32, i32, u8);

impl PartialDate {
    fn bounds(&self) -> Bounds {
        let marks =
            u8::from(self.approximate) | u8::from(self.uncertain) << 1 | u8::from(self.padded) << 2;
        (self.earliest.0, self.latest.0, marks)
    }

    fn with_bounds(text: CompactString, (earliest, latest, marks): Bounds) -> PartialDate {
        PartialDate {
            text,
            earliest: Day(earliest),
            latest: Day(latest),
            approximate: marks & 1 != 0,
            uncertain: marks & 2 != 0,
            padded: marks & 4 != 0,
        }
    }
}

impl Serialize for DateText {
    /// The plain string in the files (RON) and exports (JSON), which are read by people; in
    /// a binary encoding the string and, for a valid date, its `Bounds`.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(self.text())
        } else {
            (self.text(), self.valid().map(PartialDate::bounds)).serialize(s)
        }
    }
}

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// Reads the text where it stands in the file when it can: no string is allocated
        /// on the way (two dates a claim, a million claims).
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = DateText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a date as a string (EDTF: 2024-12-23, 2024-12, 2025-01/2025-02, ...)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DateText, E> {
                Ok(DateText::new(v))
            }
        }
        if d.is_human_readable() {
            return d.deserialize_str(Text);
        }
        let (text, bounds) = <(CompactString, Option<Bounds>)>::deserialize(d)?;
        Ok(match bounds {
            Some(b) => DateText::Valid(PartialDate::with_bounds(text, b)),
            None => DateText::new(&text),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> PartialDate {
        PartialDate::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn span_of(s: &str) -> (String, String) {
        let p = d(s);
        (p.earliest().iso(), p.latest().iso())
    }

    #[test]
    fn day_month_year_precision() {
        assert_eq!(
            span_of("2024-10-24"),
            ("2024-10-24".into(), "2024-10-24".into())
        );
        assert_eq!(
            span_of("2024-12"),
            ("2024-12-01".into(), "2024-12-31".into())
        );
        assert_eq!(
            span_of("2024-02"),
            ("2024-02-01".into(), "2024-02-29".into())
        );
        assert_eq!(
            span_of("2025-02"),
            ("2025-02-01".into(), "2025-02-28".into())
        );
        assert_eq!(span_of("2024"), ("2024-01-01".into(), "2024-12-31".into()));
    }

    #[test]
    fn intervals_and_open_ends() {
        assert_eq!(
            span_of("2025-01/2025-02"),
            ("2025-01-01".into(), "2025-02-28".into())
        );
        assert_eq!(
            span_of("2024-12-21/2024-12-31"),
            ("2024-12-21".into(), "2024-12-31".into())
        );
        let open_end = d("2025-03/..");
        assert_eq!(open_end.earliest().iso(), "2025-03-01");
        assert_eq!(open_end.latest(), Day::MAX);
        let unknown_start = d("/2025-03");
        assert_eq!(unknown_start.earliest(), Day::MIN);
        assert_eq!(unknown_start.latest().iso(), "2025-03-31");
        let open_start = d("../2025-02");
        assert_eq!(open_start.earliest(), Day::MIN);
        assert_eq!(open_start.latest().iso(), "2025-02-28");
    }

    #[test]
    fn qualifiers() {
        let approx = d("2024-12~");
        assert!(approx.is_approximate() && !approx.is_uncertain());
        assert_eq!(approx.earliest().iso(), "2024-12-01");
        let unc = d("2024-12-27?");
        assert!(unc.is_uncertain() && !unc.is_approximate());
        let both = d("2024%");
        assert!(both.is_uncertain() && both.is_approximate());
    }

    #[test]
    fn unspecified_digits() {
        assert_eq!(
            span_of("2024-12-XX"),
            ("2024-12-01".into(), "2024-12-31".into())
        );
        assert_eq!(span_of("201X"), ("2010-01-01".into(), "2019-12-31".into()));
        assert_eq!(
            span_of("2024-XX"),
            ("2024-01-01".into(), "2024-12-31".into())
        );
    }

    #[test]
    fn seasons() {
        assert_eq!(
            span_of("2024-21"),
            ("2024-03-01".into(), "2024-05-31".into())
        );
        assert_eq!(d("2024-21").display(), "spring 2024");
    }

    #[test]
    fn every_invalid_form_is_an_error() {
        for bad in [
            "",
            "   ",
            "2025-02-30",
            "2025-13",
            "2025-00",
            "2025-12-32",
            "2023-02-29",
            "2025-02/2025-01",
            "2024-12-31/2024-12-01",
            "24-10-2024",
            "October 2024",
            "2024/10/24",
            "2024-1-5",
            "/",
            "../..",
            "2024-10-24T10:00:00",
            "0000",
            "2024-12-XY",
        ] {
            assert!(
                PartialDate::parse(bad).is_err(),
                "{bad:?} should be invalid"
            );
        }
        assert_eq!(PartialDate::parse(""), Err(DateError::Empty));
        assert!(matches!(
            PartialDate::parse("2024-10-24T10:00:00"),
            Err(DateError::HasTime)
        ));
    }

    #[test]
    fn ordering_uses_earliest_then_latest() {
        let mut v = [
            d("2025"),
            d("2024-12-27"),
            d("2024-12"),
            d("/2024-06"),
            d("2024-12-XX"),
        ];
        v.sort();
        let texts: Vec<&str> = v.iter().map(PartialDate::text).collect();
        assert_eq!(
            texts,
            ["/2024-06", "2024-12", "2024-12-XX", "2024-12-27", "2025"]
        );
        assert!(d("2024-10-24") < d("2024-10-25"));
        assert!(d("2024-10") < d("2024-10-01/2024-11-30"));
    }

    #[test]
    fn display_as_a_researcher_writes_it() {
        let cases = [
            ("2024-10-24", "24 Oct 2024"),
            ("2024-12", "Dec 2024"),
            ("2024", "2024"),
            ("2024-12-21/2024-12-31", "late Dec 2024"),
            ("2024-12-01/2024-12-10", "early Dec 2024"),
            ("2024-12-11/2024-12-20", "mid Dec 2024"),
            ("2024-12-01/2024-12-31", "Dec 2024"),
            ("2024-12-05/2024-12-09", "5–9 Dec 2024"),
            ("2024-11-28/2024-12-03", "28 Nov – 3 Dec 2024"),
            ("2025-01/2025-02", "Jan–Feb 2025"),
            ("2024-12/2025-01", "Dec 2024 – Jan 2025"),
            ("2024/2025", "2024–2025"),
            ("2024-12~", "c. Dec 2024"),
            ("2024-12-27?", "27 Dec 2024?"),
            ("2024%", "c. 2024?"),
            ("2025-03/..", "from Mar 2025"),
            ("../2025-02", "until Feb 2025"),
            ("/2025-03", "until Mar 2025"),
            ("2024-12-XX", "Dec 2024"),
            ("201X", "2010s"),
        ];
        for (text, shown) in cases {
            assert_eq!(d(text).display(), shown, "{text}");
        }
    }

    #[test]
    fn date_text_keeps_invalid_input() {
        let t = DateText::new("2025-02-30");
        assert_eq!(t.text(), "2025-02-30");
        assert!(t.valid().is_none());
        assert!(t.error().is_some());
        assert_eq!(t.earliest(), Day::MAX);
        let ok = DateText::new(" 2024-10 ");
        assert_eq!(ok.text(), "2024-10");
        assert!(ok.valid().is_some());
    }

    #[test]
    fn overlap() {
        let dec = d("2024-12");
        let from = d("2024-12-31").earliest();
        let to = d("2025-01-05").earliest();
        assert!(dec.overlaps(from, to));
        assert!(!dec.overlaps(to, to));
        assert!(d("2025-03/..").overlaps(d("2030").earliest(), d("2030").latest()));
    }

    #[test]
    fn a_binary_encoding_keeps_the_parsed_date_and_the_files_keep_the_plain_text() {
        for text in [
            "2024-12-23",
            " 2024-12 ",
            "2024-12~",
            "2024?",
            "2024-12-XX%",
            "2025-01/2025-02",
            "../2024-03",
            "1990s",
            "not a date",
            "2024-13-40",
            "",
        ] {
            let date = DateText::new(text);
            let bytes = postcard::to_stdvec(&date).expect("encode");
            let back: DateText = postcard::from_bytes(&bytes).expect("decode");
            assert_eq!(back, date, "{text:?} through the binary encoding");
            assert_eq!(
                back.valid().map(PartialDate::was_padded),
                date.valid().map(PartialDate::was_padded)
            );
            let ron = ron::to_string(&date).expect("ron");
            assert_eq!(ron, format!("{:?}", date.text()), "{text:?} in a file");
            assert_eq!(
                ron::from_str::<DateText>(&ron).expect("read back"),
                DateText::new(date.text())
            );
        }
    }

    #[test]
    fn a_remembered_date_is_the_date_its_text_gives() {
        let mut texts: Vec<String> = [
            "2024-12-23",
            " 2024-12-23",
            "2024-12-23 ",
            "2024-12",
            "2024-12~",
            "2025-01/2025-02",
            "2025-03/..",
            "2024-13-01",
            "2024-12-XX",
            "",
            "Y17E7",
        ]
        .map(String::from)
        .to_vec();
        // Far more texts than the memory has slots, so that texts share a slot.
        for day in 0..3_000 {
            texts.push(format!(
                "{}-{:02}-{:02}",
                1900 + day % 120,
                1 + day % 12,
                1 + day % 28
            ));
        }
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..3 {
            rng.shuffle(&mut texts);
            for t in &texts {
                let remembered = DateText::new(t);
                assert_eq!(remembered, DateText::parse(t), "{t:?}");
                assert_eq!(remembered, DateText::new(t), "{t:?}");
            }
        }
    }
}
