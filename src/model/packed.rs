//! [`Packed`]: a long text held compressed in memory — a citation's quote, a claim's notes, an
//! event's description. A million claims quote over a million times, and their quotes are the
//! largest part of a dataset in memory (about 260 MB of the generated million-claim dataset's
//! 0.8 GB; the notes another 60 MB).
//!
//! The text is compressed with FSST (`fsst-rs`: a table of up to 255 common byte strings of
//! up to 8 bytes, each written as one byte; any other byte escaped). FSST is made for short
//! strings read one at a time: a quote is unpacked alone, at gigabytes a second. The table is
//! trained once per process, deterministically, on the English news reports the sample
//! dataset was built from (`CORPUS`). The generated dataset's quotes take 55 % of their size
//! (drawn from a small English vocabulary), English prose the table never saw 70–80 %. A
//! text that packing would not make smaller (other scripts, very short texts) is kept as it
//! is, so no text takes more room than before.
//!
//! Packing is a function of the text alone: two `Packed` are equal exactly when their texts
//! are, and comparing them compares bytes. Every text packed is unpacked once and compared
//! before it is kept packed, so a fault of the compressor can cost room, never a character.
//!
//! The files hold the plain text (a `Packed` is written and read as a string by text formats);
//! the parse cache keeps the packed bytes (binary formats), read back only as far as they are
//! well-formed for this table, whose fingerprint ([`fingerprint`]) the cache's entries carry.

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What the table is trained on: English news reporting about the subject of the sample
/// dataset (the seed reports under `shared/seed`).
const CORPUS: &str = include_str!("packing_corpus.txt");

/// The first byte of a non-empty `Packed`: the text follows as it is.
const PLAIN: u8 = 0;
/// The first byte of a non-empty `Packed`: FSST codes follow.
const FSST: u8 = 1;
/// The code that says "the next byte as it is".
const ESCAPE: u8 = 255;

struct Codec {
    compressor: fsst::Compressor,
    fingerprint: u64,
    /// The codes whose symbols hold a NUL byte, and whether there are any (none, for a table
    /// trained on English).
    nul_codes: [bool; 256],
    nul_symbols: bool,
}

static CODEC: LazyLock<Codec> = LazyLock::new(|| {
    let lines: Vec<&[u8]> = CORPUS
        .split_inclusive(['.', '\n'])
        .map(str::as_bytes)
        .collect();
    Codec::new(fsst::Compressor::train(&lines))
});

impl Codec {
    fn new(compressor: fsst::Compressor) -> Codec {
        let mut table = Vec::new();
        let mut nul_codes = [false; 256];
        for ((symbol, &len), nul) in compressor
            .symbol_table()
            .iter()
            .zip(compressor.symbol_lengths())
            .zip(&mut nul_codes)
        {
            let bytes = symbol.to_u64().to_le_bytes();
            table.extend_from_slice(&bytes);
            table.push(len);
            *nul = bytes[..usize::from(len).min(8)].contains(&0);
        }
        Codec {
            fingerprint: super::ids::fnv(&table),
            compressor,
            nul_symbols: nul_codes.contains(&true),
            nul_codes,
        }
    }

    /// Whether `codes` give a NUL: an escaped NUL, or a code whose symbol holds one.
    fn holds_nul_slowly(&self, codes: &[u8]) -> bool {
        let mut i = 0;
        while let Some(&c) = codes.get(i) {
            if c == ESCAPE {
                if codes.get(i + 1) == Some(&0) {
                    return true;
                }
                i += 2;
            } else {
                if self.nul_codes[usize::from(c)] {
                    return true;
                }
                i += 1;
            }
        }
        false
    }
}

/// A thread's buffers for packing: the codes of a batch of texts and where each ends, and the
/// text the codes give back, to check them. Kept, so that packing a million texts does not
/// allocate blocks to compress into and compare.
#[derive(Default)]
struct Scratch {
    codes: Vec<u8>,
    ends: Vec<u64>,
    unpacked: Vec<u8>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
    /// Whether texts read now are kept as they are, to be packed later all together (see
    /// [`reading_unpacked`]).
    static LATER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// How many texts are packed at a time by [`pack_all`]: enough for its four cursors to keep
/// busy, few enough that the batch's codes stay in the processor's cache.
const BATCH: usize = 256;

impl Scratch {
    /// `text` (not empty) packed when that makes it smaller and gives it back exactly.
    /// (`Compressor::compress` allocates the codes: its buffer-reusing forms measured no
    /// faster for one text at a time.)
    fn pack(&mut self, text: &str) -> Packed {
        let codes = CODEC.compressor.compress(text.as_bytes());
        Packed::smaller(&codes, text.as_bytes(), &mut self.unpacked)
            .unwrap_or_else(|| Packed::unpacked(text))
    }
}

/// Whether `codes` unpack to `text`, unpacked into `buffer`.
fn gives_back(codes: &[u8], text: &[u8], buffer: &mut Vec<u8>) -> bool {
    let decompressor = CODEC.compressor.decompressor();
    buffer.clear();
    buffer.reserve(decompressor.max_decompression_capacity(codes) + 7);
    let n = decompressor.decompress_into(codes, buffer.spare_capacity_mut());
    // SAFETY: `decompress_into` wrote the first `n` bytes of the spare room it was given
    // (its contract; `fsst::Decompressor::decompress` does the same), and `n` is within
    // the room reserved above, or it would have panicked.
    unsafe { buffer.set_len(n) };
    buffer == text
}

/// Runs `read` with the texts it reads from a text format (a RON file) kept as they are,
/// not packed one by one: the caller packs them together afterwards with [`pack_all`]
/// (1.3–1.8 times as fast on this project's machine, in batches of 64 to 1,000 texts). Until
/// then such a text takes more room than it will, and is not yet equal to the same text
/// packed — so everything `read` reads goes through [`pack_all`] before it is used.
pub fn reading_unpacked<T>(read: impl FnOnce() -> T) -> T {
    super::with_flag(&LATER, read)
}

/// Packs the texts read by [`reading_unpacked`] exactly as [`Packed::new`] packs each: FSST's
/// compressor interleaves several texts of a batch, each of whose codes depends on the
/// previous one (`Compressor::compress_bulk_into`); a text already packed, or empty, is
/// left as it is.
pub fn pack_all(mut texts: Vec<&mut Packed>) {
    texts.retain(|p| p.0.first() == Some(&PLAIN));
    SCRATCH.with_borrow_mut(|scratch| {
        let Scratch {
            codes,
            ends,
            unpacked,
        } = scratch;
        for batch in texts.chunks_mut(BATCH) {
            codes.clear();
            ends.clear();
            let plain: Vec<&[u8]> = batch.iter().map(|p| &p.0[1..]).collect();
            CODEC
                .compressor
                .compress_bulk_into::<4>(&plain, codes, ends);
            let mut start = 0;
            for (p, &end) in batch.iter_mut().zip(ends.iter()) {
                let end = usize::try_from(end).unwrap_or(usize::MAX).min(codes.len());
                if let Some(packed) = Packed::smaller(&codes[start..end], &p.0[1..], unpacked) {
                    **p = packed;
                }
                start = end;
            }
        }
    });
}

/// Names the table texts are packed with: a parse cache entry packed with another table (of
/// another build of `fsst-rs`) is not read.
pub fn fingerprint() -> u64 {
    CODEC.fingerprint
}

/// A text, compressed when that makes it smaller. Sixteen bytes, like a `Box<str>`; an empty
/// text allocates nothing.
///
/// Not ordered: the order of packed bytes is not the order of the texts.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Packed(Box<[u8]>);

impl Packed {
    pub fn new(text: &str) -> Packed {
        if text.is_empty() {
            return Packed::default();
        }
        SCRATCH.with_borrow_mut(|scratch| scratch.pack(text))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `text` (not empty) as it is.
    fn unpacked(text: &str) -> Packed {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.push(PLAIN);
        bytes.extend_from_slice(text.as_bytes());
        Packed(bytes.into_boxed_slice())
    }

    /// `codes`, the FSST codes of `text`, packed — when they make it smaller and give it back
    /// exactly (checked by unpacking them into `buffer`).
    fn smaller(codes: &[u8], text: &[u8], buffer: &mut Vec<u8>) -> Option<Packed> {
        if codes.len() >= text.len() || !gives_back(codes, text, buffer) {
            return None;
        }
        // A block of its exact size, not the compressor's (twice the text's size), which would
        // leave a hole beside every text of a million.
        let mut bytes = Vec::with_capacity(codes.len() + 1);
        bytes.push(FSST);
        bytes.extend_from_slice(codes);
        Some(Packed(bytes.into_boxed_slice()))
    }

    /// The text (borrowed when it is kept as it is).
    pub fn text(&self) -> Cow<'_, str> {
        match self.0.split_first() {
            None => Cow::Borrowed(""),
            Some((&PLAIN, text)) => String::from_utf8_lossy(text),
            Some((_, codes)) => {
                let bytes = CODEC.compressor.decompressor().decompress(codes);
                // Packed from a `str`, or read from a cache entry only when well-formed: not
                // UTF-8 only if the cache's bytes were damaged in a way that keeps its shape.
                match String::from_utf8(bytes) {
                    Ok(text) => Cow::Owned(text),
                    Err(e) => Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned()),
                }
            }
        }
    }

    /// Whether the text holds a NUL character, answered without unpacking it: a NUL is an
    /// escaped byte or part of a symbol that holds one.
    pub fn holds_nul(&self) -> bool {
        match self.0.split_first() {
            None => false,
            Some((&PLAIN, text)) => memchr::memchr(0, text).is_some(),
            Some((_, codes)) => {
                let codec = &*CODEC;
                if codec.nul_symbols {
                    return codec.holds_nul_slowly(codes);
                }
                // No symbol holds a NUL: only an escaped NUL is one. Every other code is one
                // byte, so the escapes are found by a search and their bytes follow them.
                let mut from = 0;
                while let Some(at) = codes.get(from..).and_then(|c| memchr::memchr(ESCAPE, c)) {
                    let escape = from + at;
                    if codes.get(escape + 1) == Some(&0) {
                        return true;
                    }
                    from = escape + 2;
                }
                false
            }
        }
    }

    /// Bytes a cache entry held, taken only when they are what [`Packed::new`] makes with this
    /// table: a tag, then UTF-8 or codes that name symbols of the table, every escape followed
    /// by its byte.
    fn from_kept(bytes: &[u8]) -> Option<Packed> {
        match bytes.split_first() {
            None => Some(Packed::default()),
            Some((&PLAIN, text)) if !text.is_empty() => {
                std::str::from_utf8(text).ok()?;
                Some(Packed(bytes.into()))
            }
            Some((&FSST, codes)) if !codes.is_empty() => {
                let symbols = CODEC.compressor.n_symbols();
                if memchr::memchr(ESCAPE, codes).is_none() {
                    // No escape (most English texts): every byte must name a symbol, checked
                    // without a branch per byte, which the compiler turns into SIMD. A byte
                    // at a time was a twentieth of reopening a million claims.
                    let n = u8::try_from(symbols).unwrap_or(ESCAPE);
                    return codes
                        .iter()
                        .fold(true, |ok, &c| ok & (c < n))
                        .then(|| Packed(bytes.into()));
                }
                let mut i = 0;
                while i < codes.len() {
                    match codes[i] {
                        ESCAPE if i + 1 < codes.len() => i += 2,
                        c if usize::from(c) < symbols => i += 1,
                        _ => return None,
                    }
                }
                Some(Packed(bytes.into()))
            }
            _ => None,
        }
    }
}

impl From<&str> for Packed {
    fn from(text: &str) -> Packed {
        Packed::new(text)
    }
}

impl From<String> for Packed {
    fn from(text: String) -> Packed {
        Packed::new(&text)
    }
}

impl fmt::Display for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl fmt::Debug for Packed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl Serialize for Packed {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.serialize_str(&self.text())
        } else {
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Packed {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Packed, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Packed;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Packed, E> {
                if LATER.get() && !v.is_empty() {
                    return Ok(Packed::unpacked(v));
                }
                Ok(Packed::new(v))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Packed, E> {
                Packed::from_kept(v).ok_or_else(|| E::custom("not a packed text of this table"))
            }
        }
        if d.is_human_readable() {
            d.deserialize_str(Visit)
        } else {
            d.deserialize_bytes(Visit)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_come_back_exactly_and_english_takes_less_room() {
        let report = "According to Ukrainian intelligence, about 12,000 North Korean troops \
                      were deployed to the Kursk region, including 500 officers.";
        let texts = [
            "",
            "a",
            report,
            "Генштаб ЗСУ: бої в Курській області",
            "북한군 약 12,000명",
            "mixed: Курськ and 북한 and \u{0} and \u{10FFFF}",
            &"ÿÿÿ".repeat(50),
        ];
        for text in texts {
            let p = Packed::new(text);
            assert_eq!(p.text(), text);
            assert_eq!(p.is_empty(), text.is_empty());
            assert!(p.0.len() <= text.len() + 1, "{text:?} took more room");
            assert_eq!(p, Packed::new(text), "packing is a function of the text");
            let ron = ron::to_string(&p).expect("ron");
            assert_eq!(
                ron,
                ron::to_string(text).expect("ron"),
                "files hold the text"
            );
            assert_eq!(ron::from_str::<Packed>(&ron).expect("ron back"), p);
            let bytes = postcard::to_stdvec(&p).expect("encode");
            assert_eq!(postcard::from_bytes::<Packed>(&bytes).expect("decode"), p);
        }
        let p = Packed::new(report);
        assert_eq!(p.0[0], FSST);
        assert!(
            p.0.len() * 10 < report.len() * 8,
            "{} of {}",
            p.0.len(),
            report.len()
        );
        assert_ne!(Packed::new("killed"), Packed::new("wounded"));
    }

    #[test]
    fn a_nul_in_a_symbol_is_found_too() {
        // The English table has no symbol with a NUL in it; a table that has one.
        let mut builder = fsst::CompressorBuilder::new();
        builder.insert(fsst::Symbol::from_slice(&[0, b'a', 0, 0, 0, 0, 0, 0]), 2);
        builder.insert(fsst::Symbol::from_slice(&[b'b', b'c', 0, 0, 0, 0, 0, 0]), 2);
        let codec = Codec::new(builder.build());
        assert!(codec.nul_symbols);
        for (text, nul) in [
            (&b"bcbc"[..], false),
            (b"bc\0abc", true),
            (b"xyz", false),
            (b"x\0", true),
            (b"a", false),
        ] {
            let codes = codec.compressor.compress(text);
            assert_eq!(codec.holds_nul_slowly(&codes), nul, "{text:?} as {codes:?}");
        }
        assert!(!CODEC.nul_symbols);
    }

    /// Random texts of every kind — English words, other scripts, control characters, any
    /// char — come back exactly, through the files' and the cache's encodings too.
    #[test]
    fn any_text_comes_back_exactly_and_never_takes_more_room() {
        let words = [
            "troops",
            "killed",
            "according",
            "Kursk",
            "12,000",
            "the",
            " ",
            ".",
            "\n",
            "\t",
            "Курськ",
            "북한군",
            "🇺🇦",
            "\u{0}",
            "\r\n",
            "\"",
            "\\",
            "é",
            "ß",
        ];
        let mut rng = fastrand::Rng::with_seed(52052);
        for _ in 0..3000 {
            let mut text = String::new();
            for _ in 0..rng.usize(0..80) {
                if rng.u8(..8) == 0 {
                    text.push(rng.char(..));
                } else {
                    text.push_str(words[rng.usize(..words.len())]);
                }
            }
            let p = Packed::new(&text);
            assert_eq!(p.text(), text);
            assert_eq!(p.holds_nul(), text.contains('\0'), "{text:?}");
            assert!(p.0.len() <= text.len() + 1);
            assert_eq!(p, Packed::new(&text));
            let bytes = postcard::to_stdvec(&p).expect("encode");
            assert_eq!(postcard::from_bytes::<Packed>(&bytes).expect("decode"), p);
            let ron = ron::to_string(&p).expect("ron");
            assert_eq!(
                ron::from_str::<Packed>(&ron).expect("ron back").text(),
                text
            );
        }
    }

    /// Texts read to be packed later and then packed together are exactly the texts packed
    /// one by one — across batches, beside empty texts and texts packed already — and a text
    /// read outside is packed at once.
    #[test]
    fn texts_packed_together_are_packed_as_each_alone() {
        let words = [
            "troops",
            "Kursk",
            " ",
            ".",
            "Курськ",
            "북한군",
            "\u{0}",
            "ÿ",
            "the",
        ];
        let mut rng = fastrand::Rng::with_seed(7);
        let texts: Vec<String> = (0..3 * BATCH + 17)
            .map(|_| {
                (0..rng.usize(0..40))
                    .map(|_| words[rng.usize(..words.len())])
                    .collect()
            })
            .collect();
        let ron_texts: Vec<String> = texts
            .iter()
            .map(|t| ron::to_string(t).expect("ron"))
            .collect();
        let mut read: Vec<Packed> = reading_unpacked(|| {
            ron_texts
                .iter()
                .map(|r| ron::from_str::<Packed>(r).expect("read"))
                .collect()
        });
        assert!(
            read.iter()
                .any(|p| p.0.first() == Some(&PLAIN) && p != &Packed::new(&p.text())),
            "read unpacked"
        );
        // One already packed, as a cache entry would give it.
        read[5] = Packed::new(&texts[5]);
        pack_all(read.iter_mut().collect());
        for (p, text) in read.iter().zip(&texts) {
            assert_eq!(p, &Packed::new(text), "{text:?}");
            assert_eq!(p.text(), *text);
        }
        // Outside, a text is packed as it is read.
        let once = ron::from_str::<Packed>(&ron_texts[0]).expect("read");
        assert_eq!(once, Packed::new(&texts[0]));
    }

    #[test]
    fn kept_bytes_are_taken_only_when_well_formed() {
        let good = Packed::new("North Korean troops were deployed to the Kursk region.");
        assert_eq!(Packed::from_kept(&good.0), Some(good.clone()));
        let mut escape_at_end = good.0.to_vec();
        escape_at_end.push(ESCAPE);
        let symbols = CODEC.compressor.n_symbols();
        assert!(
            symbols < 255,
            "the test needs a code the table does not use"
        );
        let unknown_code = vec![FSST, symbols as u8];
        let unknown_code_after_an_escape = vec![FSST, ESCAPE, b'a', 0, symbols as u8];
        let bad_tag = vec![7, b'a'];
        let not_utf8 = vec![PLAIN, 0xff, 0xfe];
        for bad in [
            escape_at_end,
            unknown_code,
            unknown_code_after_an_escape,
            bad_tag,
            not_utf8,
            vec![FSST],
            vec![PLAIN],
        ] {
            assert_eq!(Packed::from_kept(&bad), None, "{bad:?}");
            let bytes = postcard::to_stdvec(&serde_bytes::Bytes::new(&bad)).expect("encode");
            assert!(postcard::from_bytes::<Packed>(&bytes).is_err());
        }
        // Well-formed codes of a damaged entry that do not make UTF-8: shown with a
        // replacement character, never a panic or a `str` that is not UTF-8.
        let damaged = Packed::from_kept(&[FSST, ESCAPE, 0xff]).expect("well-formed");
        assert_eq!(damaged.text(), "\u{FFFD}");
    }
}
