//! A quick reader for the RON that Crosscheck itself writes, in front of the `ron` crate.
//!
//! Opening a dataset for the first time is mostly parsing: two thirds of the CPU at a million
//! claims went to `ron`, which reads a character at a time and tries each kind of token in
//! turn. The files Crosscheck writes use a small part of RON: lists, structs with named fields
//! and no struct names, plain and raw strings without escapes, whole and decimal numbers, unit
//! and newtype enum variants (`exact`, `other("...")`), `None`, and the `implicit_some`
//! attribute. This reader reads exactly that, a byte at a time, and **declines** (returns
//! `None`) at the first thing it does not know: a comment, an escape, a struct name, a number
//! written any other way, an unknown field, a character `ron` would count as whitespace or as
//! part of a name where this reader would not. The caller then parses the text with `ron`,
//! which stays the reference: it reads everything RON allows and reports every error with its
//! line and column.
//!
//! So a text this reader accepts must give what `ron` gives. Each choice below follows `ron`'s
//! own reading (0.12, with `Extensions::IMPLICIT_SOME`); where the two could differ at all (a
//! decimal where either kind of number may stand, which `ron` hands on as an `f32` or an
//! `f64` by its own rule), this reader declines. The tests compare the two on the sample, on
//! generated datasets with awkward texts, and on thousands of damaged texts.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};

/// The text is not in the form this reader knows: `ron` is to read it.
#[derive(Debug)]
pub(crate) struct Declined;

impl fmt::Display for Declined {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not in the canonical form")
    }
}

impl std::error::Error for Declined {}

impl de::Error for Declined {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Declined
    }
}

type Result<T> = std::result::Result<T, Declined>;

/// The value of `text` if it is in the form Crosscheck writes, or `None` when `ron` is to read
/// it (whether or not it is valid RON).
#[cfg(test)]
pub(crate) fn from_str<T: DeserializeOwned>(text: &str) -> Option<T> {
    read(text).ok().map(|(value, _)| value)
}

/// As [`from_str`], with the byte offset of every `id` field of the structs that are elements
/// of the outermost list (a file's records), in the order read: where the store says a record
/// stands, found while reading rather than searched for afterwards.
pub(crate) fn from_str_with_ids<T: DeserializeOwned>(text: &str) -> Option<(T, Vec<usize>)> {
    read(text).ok()
}

/// The value of `text` and its records' `id` offsets, or how far the reader got before it
/// declined.
fn read<T: DeserializeOwned>(text: &str) -> std::result::Result<(T, Vec<usize>), usize> {
    let mut r = Reader {
        text,
        pos: 0,
        depth: 0,
        ids: Vec::new(),
    };
    let value = r
        .attributes()
        .and_then(|()| T::deserialize(&mut r))
        .map_err(|Declined| r.pos)?;
    r.ws();
    if r.pos == text.len() {
        Ok((value, r.ids))
    } else {
        Err(r.pos)
    }
}

/// The text and how far it has been read. `pos` only ever stops beside an ASCII byte, so
/// every slice of the text taken at it is whole characters.
struct Reader<'a> {
    text: &'a str,
    pos: usize,
    /// How many lists and structs the reader is inside.
    depth: u32,
    /// Where the `id` fields of structs at depth 2 (a list's elements) start.
    ids: Vec<usize>,
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.bytes().get(i).copied()
    }

    /// Skips the whitespace Crosscheck writes. Anything else `ron` counts as whitespace (a
    /// form feed, U+2028, ...) or as a comment stops here and is then declined as a token.
    ///
    /// Runs of spaces (a pretty-printed file's indentation, a third of its bytes) are
    /// skipped eight bytes at a time.
    fn ws(&mut self) {
        const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
        let bytes = self.bytes();
        let mut i = self.pos;
        loop {
            if let Some(word) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
                // The bytes that are not spaces are the ones left set; the lowest is the
                // first in the text.
                let spaces = (u64::from_le_bytes(*word) ^ SPACES).trailing_zeros() / 8;
                i += spaces as usize;
                if spaces == 8 {
                    continue;
                }
            }
            match bytes.get(i) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => i += 1,
                _ => break,
            }
        }
        self.pos = i;
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.at(self.pos)
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<()> {
        if self.eat(b) { Ok(()) } else { Err(Declined) }
    }

    /// The attribute Crosscheck writes, `#![enable(implicit_some)]`, which this reader (like
    /// `ron` with the options the store passes) applies anyway; any other attribute declines.
    fn attributes(&mut self) -> Result<()> {
        const IMPLICIT_SOME: &str = "#![enable(implicit_some)]";
        if self.peek() == Some(b'#') {
            if !self.text[self.pos..].starts_with(IMPLICIT_SOME) {
                return Err(Declined);
            }
            self.pos += IMPLICIT_SOME.len();
            if self.peek() == Some(b'#') {
                return Err(Declined);
            }
        }
        Ok(())
    }

    /// A name of ASCII letters, digits and `_`. A name followed by a byte that could go on
    /// in `ron`'s reading (any non-ASCII character, which may be a letter) or that would make
    /// it something else (`r#name`, `b"..."`, `r"..."`) declines.
    fn name(&mut self) -> Result<&'a str> {
        self.ws();
        let start = self.pos;
        if !self.at(start).is_some_and(is_name_start) {
            return Err(Declined);
        }
        let mut end = start + 1;
        while self.at(end).is_some_and(is_name_byte) {
            end += 1;
        }
        if let Some(b) = self.at(end)
            && (b >= 0x80 || matches!(b, b'#' | b'"' | b'\''))
        {
            return Err(Declined);
        }
        self.pos = end;
        Ok(&self.text[start..end])
    }

    /// Whether the next token is the name `name` (and not a longer name that starts so).
    fn next_is_name(&mut self, name: &str) -> bool {
        self.ws();
        self.text[self.pos..].starts_with(name)
            && !self
                .at(self.pos + name.len())
                .is_some_and(|b| is_name_byte(b) || b >= 0x80)
    }

    /// A string: `"..."` without a backslash (an escape declines), or a raw string
    /// `r"..."`, `r#"..."#`, ..., taken as written.
    fn string(&mut self) -> Result<&'a str> {
        self.ws();
        let bytes = self.bytes();
        match self.at(self.pos) {
            Some(b'"') => {
                let start = self.pos + 1;
                let end = start + memchr::memchr2(b'"', b'\\', &bytes[start..]).ok_or(Declined)?;
                if bytes[end] != b'"' {
                    return Err(Declined);
                }
                self.pos = end + 1;
                Ok(&self.text[start..end])
            }
            Some(b'r') => {
                let mut i = self.pos + 1;
                while self.at(i) == Some(b'#') {
                    i += 1;
                }
                let hashes = i - self.pos - 1;
                if self.at(i) != Some(b'"') {
                    return Err(Declined);
                }
                let start = i + 1;
                let mut from = start;
                loop {
                    let quote = from + memchr::memchr(b'"', &bytes[from..]).ok_or(Declined)?;
                    let close = quote + 1 + hashes;
                    if bytes
                        .get(quote + 1..close)
                        .is_some_and(|h| h.iter().all(|&b| b == b'#'))
                    {
                        self.pos = close;
                        return Ok(&self.text[start..quote]);
                    }
                    from = quote + 1;
                }
            }
            _ => Err(Declined),
        }
    }

    /// A number as Crosscheck writes it: `-`, digits without a leading zero, then perhaps a
    /// fraction and an exponent, ending where a value ends. Returns its text and whether it
    /// has a fraction or an exponent. `+`, `_`, `0x`, `inf`, a suffix... decline.
    fn number(&mut self) -> Result<(&'a str, bool)> {
        self.ws();
        let start = self.pos;
        let mut i = start;
        if self.at(i) == Some(b'-') {
            i += 1;
        }
        let digits = |r: &Self, mut i: usize| {
            while r.at(i).is_some_and(|b| b.is_ascii_digit()) {
                i += 1;
            }
            i
        };
        let int_end = digits(self, i);
        if int_end == i || (self.at(i) == Some(b'0') && int_end > i + 1) {
            return Err(Declined);
        }
        i = int_end;
        let mut float = false;
        if self.at(i) == Some(b'.') {
            let end = digits(self, i + 1);
            if end == i + 1 {
                return Err(Declined);
            }
            i = end;
            float = true;
        }
        if let Some(b'e' | b'E') = self.at(i) {
            let mut j = i + 1;
            if let Some(b'+' | b'-') = self.at(j) {
                j += 1;
            }
            let end = digits(self, j);
            if end == j {
                return Err(Declined);
            }
            i = end;
            float = true;
        }
        match self.at(i) {
            None | Some(b',' | b')' | b']' | b' ' | b'\t' | b'\n' | b'\r') => {}
            Some(_) => return Err(Declined),
        }
        self.pos = i;
        Ok((&self.text[start..i], float))
    }

    /// A whole number of type `T`: one that does not fit declines (`ron` says why).
    fn whole<T: std::str::FromStr>(&mut self) -> Result<T> {
        match self.number()? {
            (text, false) => text.parse().map_err(|_| Declined),
            (_, true) => Err(Declined),
        }
    }

    fn float<T: std::str::FromStr>(&mut self) -> Result<T> {
        let (text, _) = self.number()?;
        text.parse().map_err(|_| Declined)
    }

    /// Whether another item of a list, tuple or struct follows, taking the comma before it
    /// (unless it is the first); `false` at `close`, which is left for [`Reader::close`].
    fn more(&mut self, first: bool, close: u8) -> Result<bool> {
        if !first && !self.eat(b',') {
            return if self.peek() == Some(close) {
                Ok(false)
            } else {
                Err(Declined)
            };
        }
        Ok(self.peek() != Some(close))
    }

    /// The end of a list or struct: a comma may stand before `close`.
    fn close(&mut self, close: u8) -> Result<()> {
        self.eat(b',');
        self.expect(close)
    }

    /// A list (`[...]`) or a tuple (`(...)`) of elements separated by commas.
    fn elements<V: Visitor<'a>>(&mut self, open: u8, close: u8, visitor: V) -> Result<V::Value> {
        self.expect(open)?;
        self.depth += 1;
        let value = visitor.visit_seq(Elements {
            r: self,
            close,
            first: true,
        })?;
        self.depth -= 1;
        self.close(close)?;
        Ok(value)
    }
}

/// The elements of a list (`close` = `]`) or a tuple (`)`).
struct Elements<'r, 'a> {
    r: &'r mut Reader<'a>,
    close: u8,
    first: bool,
}

impl<'de> de::SeqAccess<'de> for Elements<'_, 'de> {
    type Error = Declined;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if !self.r.more(self.first, self.close)? {
            return Ok(None);
        }
        self.first = false;
        seed.deserialize(&mut *self.r).map(Some)
    }
}

/// The fields of a struct, `name: value`, separated by commas.
struct Fields<'r, 'a> {
    r: &'r mut Reader<'a>,
    first: bool,
}

impl<'de> de::MapAccess<'de> for Fields<'_, 'de> {
    type Error = Declined;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if !self.r.more(self.first, b')')? {
            // `()` for a whole struct is left to `ron`.
            return if self.first { Err(Declined) } else { Ok(None) };
        }
        self.first = false;
        let name = self.r.name()?;
        if self.r.depth == 2 && name == "id" {
            self.r.ids.push(self.r.pos - name.len());
        }
        self.r.expect(b':')?;
        seed.deserialize(de::value::BorrowedStrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        seed.deserialize(&mut *self.r)
    }
}

/// An enum's variant: a name, with its contents in parentheses when it has any.
struct Variant<'r, 'a> {
    r: &'r mut Reader<'a>,
    name: &'a str,
    contents: bool,
}

impl<'de> de::EnumAccess<'de> for Variant<'_, 'de> {
    type Error = Declined;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self)> {
        let v = seed.deserialize(de::value::BorrowedStrDeserializer::new(self.name))?;
        Ok((v, self))
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_, 'de> {
    type Error = Declined;

    fn unit_variant(self) -> Result<()> {
        if self.contents { Err(Declined) } else { Ok(()) }
    }

    /// `name(value)`.
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value> {
        if !self.contents {
            return Err(Declined);
        }
        self.r.expect(b'(')?;
        let value = seed.deserialize(&mut *self.r)?;
        self.r.close(b')')?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, _visitor: V) -> Result<V::Value> {
        Err(Declined)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Declined)
    }
}

macro_rules! whole {
    ($($method:ident $visit:ident $t:ty),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
            visitor.$visit(self.whole::<$t>()?)
        }
    )*};
}

macro_rules! declined {
    ($($method:ident),* $(,)?) => {$(
        fn $method<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value> {
            Err(Declined)
        }
    )*};
}

impl<'de> de::Deserializer<'de> for &mut Reader<'de> {
    type Error = Declined;

    /// A string, a whole number, a list or `true`/`false`: what `Count` and the like ask
    /// for. A decimal number declines: `ron` hands it on as an `f32` or an `f64` by its own
    /// rule.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b'"' | b'r') => visitor.visit_borrowed_str(self.string()?),
            Some(b'-') => visitor.visit_i64(self.whole()?),
            Some(b'0'..=b'9') => visitor.visit_u64(self.whole()?),
            Some(b'[') => self.deserialize_seq(visitor),
            Some(b't' | b'f') => self.deserialize_bool(visitor),
            _ => Err(Declined),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.name()? {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            _ => Err(Declined),
        }
    }

    whole! {
        deserialize_i8 visit_i8 i8, deserialize_i16 visit_i16 i16,
        deserialize_i32 visit_i32 i32, deserialize_i64 visit_i64 i64,
        deserialize_u8 visit_u8 u8, deserialize_u16 visit_u16 u16,
        deserialize_u32 visit_u32 u32, deserialize_u64 visit_u64 u64,
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f32(self.float()?)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_f64(self.float()?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.string()?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.deserialize_str(visitor)
    }

    /// With `implicit_some`, a value is `Some` of itself; `None` is none. An explicit
    /// `Some(...)` is left to `ron`.
    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.next_is_name("None") {
            self.pos += "None".len();
            visitor.visit_none()
        } else if self.next_is_name("Some") {
            Err(Declined)
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.elements(b'[', b']', visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value> {
        self.elements(b'(', b')', visitor)
    }

    /// `(name: value, ...)`, without the struct's name before it (with one, `ron` reads it).
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        self.expect(b'(')?;
        self.depth += 1;
        let value = visitor.visit_map(Fields {
            r: &mut *self,
            first: true,
        })?;
        self.depth -= 1;
        self.close(b')')?;
        Ok(value)
    }

    /// A unit variant by its name, or a newtype variant `name(value)`; other variants are
    /// left to `ron`.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value> {
        let name = self.name()?;
        let contents = self.peek() == Some(b'(');
        visitor.visit_enum(Variant {
            r: self,
            name,
            contents,
        })
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        visitor.visit_borrowed_str(self.name()?)
    }

    declined! {
        deserialize_char, deserialize_bytes, deserialize_byte_buf, deserialize_unit,
        deserialize_map, deserialize_ignored_any,
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Declined)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Declined)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value> {
        Err(Declined)
    }
}

#[cfg(test)]
mod tests {
    use super::{from_str, from_str_with_ids};
    use crate::model::packed::Packed;
    use crate::model::{Actor, Claim, Event, Manifest, Record, Source};
    use crate::store::text::{line_cols, locate_ids};
    use serde::de::DeserializeOwned;
    use std::fmt::Debug;

    /// What `ron` reads, with the options the store reads files with.
    fn by_ron<T: DeserializeOwned>(text: &str) -> Option<T> {
        super::super::read_options().from_str(text).ok()
    }

    /// Texts a curator may write into a quote or a note: every kind of string `ron` writes
    /// (plain, raw with one or more `#`, with line breaks), other scripts, emoji, controls.
    fn awkward_text(rng: &mut fastrand::Rng) -> String {
        let pieces = [
            "forces ",
            "said",
            ", ",
            "\n",
            "\t",
            "Курськ",
            "북한군",
            "🇺🇦",
            "\u{0}",
            "\r\n",
            "\"",
            "\"#",
            "#",
            "\\",
            "\\n",
            "é",
            "r#",
            "//",
            "/*",
            "None",
            "12 000",
            "\u{2028}",
        ];
        let mut text = String::new();
        for _ in 0..rng.usize(0..12) {
            if rng.u8(..10) == 0 {
                text.push(rng.char(..));
            } else {
                text.push_str(pieces[rng.usize(..pieces.len())]);
            }
        }
        text
    }

    /// The canonical texts of a generated dataset whose quotes, notes and descriptions are
    /// awkward.
    fn generated_files(seed: u64) -> Vec<String> {
        let mut ds = crate::synth::generate(crate::synth::Size {
            events: 400,
            claims: 2_000,
            seed,
        });
        let mut rng = fastrand::Rng::with_seed(seed);
        for c in ds.claims.iter_mut().step_by(3) {
            c.notes = Packed::new(&awkward_text(&mut rng));
            for s in &mut c.sources {
                s.quote = Packed::new(&awkward_text(&mut rng));
            }
        }
        for e in ds.events.iter_mut().step_by(2) {
            e.description = Packed::new(&awkward_text(&mut rng));
            e.notes = awkward_text(&mut rng);
        }
        let canonical = |t: Result<String, ron::Error>| t.expect("written");
        vec![
            canonical(super::super::canonical(&ds.claims)),
            canonical(super::super::canonical(&ds.events)),
            canonical(super::super::canonical(&ds.actors)),
            canonical(super::super::canonical(&ds.sources)),
        ]
    }

    /// Reads `text` as records of each kind: whatever the quick reader accepts, `ron` reads
    /// the same, and the records' ids stand where a search for them finds them. Returns how
    /// many kinds it accepted.
    fn agrees(text: &str) -> usize {
        fn one<T: DeserializeOwned + PartialEq + Debug + Record>(text: &str) -> usize {
            match from_str_with_ids::<Vec<T>>(text) {
                Some((quick, ids)) => {
                    assert_eq!(Some(&quick), by_ron::<Vec<T>>(text).as_ref(), "{text}");
                    assert_eq!(
                        line_cols(text, ids),
                        locate_ids(text, quick.iter().map(Record::id)),
                        "{text}"
                    );
                    1
                }
                None => 0,
            }
        }
        one::<Claim>(text) + one::<Event>(text) + one::<Actor>(text) + one::<Source>(text)
    }

    #[test]
    fn the_files_crosscheck_writes_are_read_quickly_and_as_ron_reads_them() {
        let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/dprk-kursk");
        let mut texts = Vec::new();
        for kind in ["claims", "events", "actors", "sources"] {
            for entry in std::fs::read_dir(sample.join(kind)).expect("sample folder") {
                texts.push(std::fs::read_to_string(entry.expect("entry").path()).expect("read"));
            }
        }
        assert!(texts.len() >= 7);
        texts.extend(generated_files(52052));
        texts.extend(generated_files(7));
        for text in &texts {
            if agrees(text) != 1 {
                let at = [
                    super::read::<Vec<Claim>>(text).err(),
                    super::read::<Vec<Event>>(text).err(),
                    super::read::<Vec<Actor>>(text).err(),
                    super::read::<Vec<Source>>(text).err(),
                ]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(0);
                let mut from = at.saturating_sub(300);
                while !text.is_char_boundary(from) {
                    from -= 1;
                }
                panic!("not read quickly, at byte {at}:\n{}", &text[from..]);
            }
        }
        let manifest = std::fs::read_to_string(sample.join("dataset.ron")).expect("manifest");
        let quick = from_str::<Manifest>(&manifest).expect("the manifest is read quickly");
        assert_eq!(Some(quick), by_ron::<Manifest>(&manifest));
    }

    #[test]
    fn a_damaged_text_is_read_quickly_only_when_ron_reads_it_the_same() {
        // Small files, so that most damage lands somewhere that matters.
        let base: Vec<String> = generated_files(11)
            .into_iter()
            .map(|t| {
                let cut = t
                    .match_indices("\n    ),\n")
                    .nth(2)
                    .map_or(t.len(), |(i, _)| i);
                format!("{}\n    ),\n]\n", &t[..cut])
            })
            .collect();
        let tokens = [
            "\"", "\\", "#", "r#", "//", "/*", "(", ")", "[", "]", ",", ":", " ", "\n", "\u{c}",
            "\u{2028}", "0", "7", "-", ".", "e", "+", "_", "0x1", "1.5", "None", "Some(", "é", "x",
            "Claim", "true", "inf", "'", "b\"", "{",
        ];
        let mut rng = fastrand::Rng::with_seed(3);
        let (mut tried, mut accepted) = (0, 0);
        for _ in 0..6_000 {
            let mut text = base[rng.usize(..base.len())].clone();
            for _ in 0..rng.usize(1..3) {
                let mut at = rng.usize(..text.len());
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.u8(..3) {
                    0 => text.insert_str(at, tokens[rng.usize(..tokens.len())]),
                    1 => {
                        let mut end = (at + rng.usize(1..12)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        text.replace_range(at..end, "");
                    }
                    _ => {
                        let mut end = (at + rng.usize(1..40)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end -= 1;
                        }
                        let copy = text[at..end].to_string();
                        text.insert_str(end, &copy);
                    }
                }
            }
            tried += 1;
            accepted += agrees(&text);
        }
        // Most damage makes a text neither reads; some leaves one both read alike.
        assert!(accepted > tried / 20, "{accepted} of {tried}");
    }

    #[test]
    fn what_the_quick_reader_does_not_know_is_left_to_ron() {
        let claim = |inside: &str| {
            format!(
                "[(id: \"c1\", metric: \"killed\", subject: \"s\", value: (qualifier: exact, \
                 best: 3), stated_on: \"2024\", claimant: \"a\"{inside})]"
            )
        };
        let plain = claim("");
        assert!(from_str::<Vec<Claim>>(&plain).is_some());
        let declined = [
            claim(", notes: \"a \\\"quoted\\\" word\""),
            claim(", credibility: +3"),
            claim(", credibility: 0x3"),
            claim(", credibility: 1_0"),
            claim(", credibility: 03"),
            claim(", credibility: Some(3)"),
            claim(", notes: \"x\" // a comment"),
            claim(", notes: \"x\" /* a comment */"),
            claim(", method: r#reported"),
            claim(", unknown_field: 1"),
            claim(",\u{c}notes: \"x\""),
            format!("#![enable(unwrap_newtypes)]\n{plain}"),
            plain.replace("[(id", "[Claim(id"),
            plain.replace("best: 3", "best: 3.0"),
            plain.replace("qualifier: exact", "qualifier: \"exact\""),
            format!("{plain} x"),
        ];
        for text in &declined {
            assert!(
                from_str::<Vec<Claim>>(text).is_none(),
                "read quickly: {text}"
            );
            assert_eq!(agrees(text), 0);
        }
        // Each of these is still a file `ron` reads, as the store then does.
        for text in &declined[..2] {
            assert!(by_ron::<Vec<Claim>>(text).is_some(), "{text}");
        }
        let escaped = by_ron::<Vec<Claim>>(&declined[0]).expect("ron reads escapes");
        assert_eq!(escaped[0].notes.text(), "a \"quoted\" word");
    }

    /// Runs of spaces are skipped eight at a time: runs of every length up to past two words,
    /// mixed with tabs, line ends and carriage returns, before and after every token and at
    /// the very end of the text, are read as `ron` reads them.
    #[test]
    fn whitespace_of_any_length_is_skipped_as_ron_skips_it() {
        let tokens = concat!(
            r#"[|(|id|:|"c1"|,|metric|:|"killed"|,|subject|:|"s"|,|value|:|(|qualifier|:|"#,
            r#"exact|,|best|:|3|)|,|stated_on|:|"2024"|,|claimant|:|"a"|,|notes|:|"#,
            r#""  spaces   inside  "|,|)|,|]"#
        )
        .split('|');
        let mut rng = fastrand::Rng::with_seed(8);
        let run = |rng: &mut fastrand::Rng| -> String {
            let n = rng.usize(0..=19);
            (0..n)
                .map(|_| match rng.u8(0..12) {
                    0 => '\t',
                    1 => '\n',
                    2 => '\r',
                    _ => ' ',
                })
                .collect()
        };
        for _ in 0..500 {
            let mut text = run(&mut rng);
            for t in tokens.clone() {
                text.push_str(t);
                text.push_str(&run(&mut rng));
            }
            let quick = from_str::<Vec<Claim>>(&text);
            assert!(quick.is_some(), "declined: {text:?}");
            assert_eq!(quick, by_ron::<Vec<Claim>>(&text), "{text:?}");
            assert_eq!(
                quick.as_ref().map(|c| c[0].notes.text().into_owned()),
                Some("  spaces   inside  ".to_string())
            );
        }
        // A form feed (whitespace to `ron`) still stops it, wherever it stands in a run.
        for at in 0..12 {
            let text = format!("[{}\u{c}{}]", " ".repeat(at), " ".repeat(11 - at));
            assert!(from_str::<Vec<Claim>>(&text).is_none(), "{text:?}");
        }
    }
}
