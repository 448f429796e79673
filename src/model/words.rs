//! The word index the text filter searches: each record's text cut at whitespace into
//! lowercased words, each distinct word of a chunk of records kept once (the chunk's
//! vocabulary) with the records that have it (two bytes each). A search word is looked for in
//! the vocabularies — a few megabytes however many records share a word — and the records of
//! the words it is found in are marked: no copy of the records' text is kept, no keystroke
//! reads it all, and a rare word costs little more than the vocabularies.
//!
//! It finds exactly what a substring search of the lowercased text finds for words without
//! whitespace (the filter's words never hold any): such a word can only match inside one
//! whitespace-separated word of the text. Lowercasing is Unicode's (`str::to_lowercase`), so
//! any script is found in any case.
//!
//! Each chunk of about `CHUNK` (4,096) records has a vocabulary of its own, so that chunks are
//! built and searched in parallel, and a record is replaced, inserted or removed by building
//! its chunk again without touching the others (the chunks after it only move by one).

use memchr::memmem::Finder;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

/// Records per chunk as built; a chunk records are inserted into splits at twice this.
const CHUNK: usize = 4096;

/// The words of one kind's records (kept in the parse cache between opens: see
/// [`Words::fits`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Words {
    chunks: Vec<Chunk>,
    len: usize,
    /// Records per chunk as built ([`CHUNK`]; smaller in tests).
    size: usize,
}

impl Default for Words {
    fn default() -> Words {
        Words {
            chunks: Vec::new(),
            len: 0,
            size: CHUNK,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Chunk {
    /// The number of the chunk's first record.
    first: usize,
    /// Every distinct word of the chunk, numbered in the order first seen, end to end (each
    /// followed by a line break, so that no match spans two).
    vocab: String,
    /// Where each word starts in `vocab`.
    starts: Vec<u32>,
    /// The records (numbered within the chunk) that have each word, word after word, each
    /// list in ascending order written as the gaps between its numbers, a byte for a gap
    /// under 128 (see [`Postings`]): most words are common, so most gaps take one byte.
    /// Kept as one block of bytes (`serde_bytes`), not a list of numbers to read one by one.
    #[serde(with = "serde_bytes")]
    posts: Vec<u8>,
    /// Where each word's records end in `posts` (in bytes).
    post_ends: Vec<u32>,
    /// How many records the chunk holds.
    records: usize,
}

/// The records one search word was found in: a bit per record.
#[derive(Debug, Clone, Default)]
pub struct Hits(Vec<u64>);

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Appends one word's records (ascending, numbered within a chunk) to `out`: the first
/// number, then each gap less one, seven bits a byte with the high bit saying that more
/// follow (LEB128).
fn encode_postings(records: &[u16], out: &mut Vec<u8>) {
    let mut prev: Option<u16> = None;
    for &r in records {
        let mut v = match prev {
            Some(p) => r.saturating_sub(p).saturating_sub(1),
            None => r,
        };
        prev = Some(r);
        while v >= 0x80 {
            out.push((v & 0x7f) as u8 | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
}

/// One word's records, read from [`encode_postings`]' bytes.
struct Postings<'a> {
    bytes: &'a [u8],
    prev: Option<u16>,
}

impl Iterator for Postings<'_> {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        let mut v: u16 = 0;
        let mut shift = 0;
        loop {
            let (&b, rest) = self.bytes.split_first()?;
            self.bytes = rest;
            v |= u16::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
            if b & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let r = match self.prev {
            Some(p) => p.saturating_add(v).saturating_add(1),
            None => v,
        };
        self.prev = Some(r);
        Some(r)
    }
}

/// Calls `f` with where each of `text`'s words starts and ends, words being cut at
/// whitespace (Unicode's, as `str::split_whitespace`; ASCII text — the common case — is cut
/// byte by byte, several times faster). Cutting at fewer places would still find the same
/// (a search word holds no whitespace); cutting at anything else would not.
fn word_ranges(text: &str, mut f: impl FnMut(usize, usize)) {
    if !text.is_ascii() {
        for w in text.split_whitespace() {
            let s = w.as_ptr() as usize - text.as_ptr() as usize;
            f(s, s + w.len());
        }
        return;
    }
    // ASCII's whitespace in Unicode: tab, line feed, vertical tab, form feed, carriage
    // return, space.
    let space = |b: u8| b == b' ' || (b'\t'..=b'\r').contains(&b);
    let b = text.as_bytes();
    let mut p = 0;
    while p < b.len() {
        while p < b.len() && space(b[p]) {
            p += 1;
        }
        let s = p;
        while p < b.len() && !space(b[p]) {
            p += 1;
        }
        if p > s {
            f(s, p);
        }
    }
}

/// `text`'s words, each once, in byte order.
fn distinct_words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    word_ranges(text, |s, e| words.push(text.get(s..e).unwrap_or("")));
    words.sort_unstable();
    words.dedup();
    words
}

/// Appends the distinct numbers of `text`'s words, each numbered by `id` (given where the
/// word starts and ends in `text`). `seen[n]` is the mark of the last record that had word
/// `n`; `mark` is this record's.
fn words_of(
    text: &str,
    out: &mut Vec<u32>,
    seen: &mut Vec<u32>,
    mark: u32,
    mut id: impl FnMut(usize, usize) -> u32,
) {
    word_ranges(text, |s, e| {
        let n = id(s, e);
        let k = n as usize;
        if k >= seen.len() {
            seen.resize(k + 1, u32::MAX);
        }
        if seen[k] != mark {
            seen[k] = mark;
            out.push(n);
        }
    });
}

/// Numbers the words of one text, a short word (most of them) found by its bytes packed into
/// one integer: hashing and comparing it costs a few instructions instead of a string's.
struct Numbering<'t> {
    /// The text, followed by at least 16 bytes that are not part of it (the packing reads
    /// 16 bytes at once).
    text: &'t str,
    short: FxHashMap<u128, u32>,
    long: FxHashMap<&'t str, u32>,
    order: Vec<&'t str>,
}

impl<'t> Numbering<'t> {
    fn id(&mut self, s: usize, e: usize) -> u32 {
        let word = self.text.get(s..e).unwrap_or("");
        let order = &mut self.order;
        let next = || {
            order.push(word);
            to_u32(order.len() - 1)
        };
        let n = e - s;
        if n < 16 {
            let mut raw = [0u8; 16];
            match self.text.as_bytes().get(s..s + 16) {
                Some(sixteen) => raw.copy_from_slice(sixteen),
                None => raw[..n].copy_from_slice(word.as_bytes()),
            }
            let mask = if n == 0 {
                0
            } else {
                u128::MAX >> (128 - 8 * n)
            };
            let key = (u128::from_le_bytes(raw) & mask) | ((n as u128) << 120);
            *self.short.entry(key).or_insert_with(next)
        } else {
            *self.long.entry(word).or_insert_with(next)
        }
    }
}

impl Chunk {
    /// The chunk of records `ids`, `write` appending record `i`'s text, lowercased.
    fn build(ids: std::ops::Range<usize>, write: &impl Fn(usize, &mut String)) -> Chunk {
        // The chunk's text, whole: the words borrow from it while they are numbered.
        let mut text = String::new();
        let mut bounds = Vec::with_capacity(ids.len());
        for i in ids.clone() {
            write(i, &mut text);
            bounds.push(text.len());
        }
        text.push_str(&"\n".repeat(16));
        let mut numbering = Numbering {
            text: &text,
            short: FxHashMap::default(),
            long: FxHashMap::default(),
            order: Vec::new(),
        };
        let mut chunk = Chunk {
            first: ids.start,
            records: bounds.len(),
            ..Chunk::default()
        };
        // Each record's words first, then turned around into each word's records.
        let mut words = Vec::new();
        let mut ends = Vec::with_capacity(bounds.len());
        let mut from = 0;
        let mut seen = Vec::new();
        for (j, end) in bounds.into_iter().enumerate() {
            let record = text.get(from..end).unwrap_or("");
            words_of(record, &mut words, &mut seen, to_u32(j), |s, e| {
                numbering.id(from + s, from + e)
            });
            ends.push(words.len());
            from = end;
        }
        let order = numbering.order;
        let mut count = vec![0u32; order.len()];
        for &w in &words {
            count[w as usize] += 1;
        }
        let mut at = 0;
        let list_ends: Vec<u32> = count
            .iter()
            .map(|&n| {
                at += n;
                at
            })
            .collect();
        // Where each word's next record goes: its start, moving on.
        let mut next: Vec<u32> = list_ends.iter().zip(&count).map(|(&e, &n)| e - n).collect();
        let mut lists = vec![0u16; words.len()];
        let mut start = 0;
        for (j, &end) in ends.iter().enumerate() {
            for &w in &words[start..end] {
                let slot = &mut next[w as usize];
                lists[*slot as usize] = j as u16;
                *slot += 1;
            }
            start = end;
        }
        // Each list in ascending order (records were taken in order), written as gaps.
        chunk.posts.reserve(words.len() + words.len() / 8);
        chunk.post_ends.reserve(order.len());
        let mut start = 0;
        for &end in &list_ends {
            encode_postings(&lists[start as usize..end as usize], &mut chunk.posts);
            chunk.post_ends.push(to_u32(chunk.posts.len()));
            start = end;
        }
        chunk.posts.shrink_to_fit();
        chunk.vocab.reserve(order.iter().map(|w| w.len() + 1).sum());
        chunk.starts.reserve(order.len());
        for w in order {
            chunk.starts.push(to_u32(chunk.vocab.len()));
            chunk.vocab.push_str(w);
            chunk.vocab.push('\n');
        }
        chunk
    }

    /// The records that have word `w`, in ascending order.
    /// The number of `word` in the vocabulary, if it is there.
    fn find(&self, word: &str) -> Option<usize> {
        let vocab = self.vocab.as_bytes();
        let at = if vocab.starts_with(word.as_bytes()) && vocab.get(word.len()) == Some(&b'\n') {
            0
        } else {
            let mut needle = Vec::with_capacity(word.len() + 2);
            needle.push(b'\n');
            needle.extend_from_slice(word.as_bytes());
            needle.push(b'\n');
            memchr::memmem::find(vocab, &needle)? + 1
        };
        let id = self
            .starts
            .partition_point(|&s| s as usize <= at)
            .checked_sub(1)?;
        (self.starts.get(id).is_some_and(|&s| s as usize == at)).then_some(id)
    }

    /// Adds `word` to the vocabulary, with no records yet: its number.
    fn add_word(&mut self, word: &str) -> usize {
        self.starts.push(to_u32(self.vocab.len()));
        self.vocab.push_str(word);
        self.vocab.push('\n');
        let end = self.post_ends.last().copied().unwrap_or(0);
        self.post_ends.push(end);
        self.starts.len() - 1
    }

    /// Where word `w`'s records start in `posts`.
    fn posts_start(&self, w: usize) -> usize {
        w.checked_sub(1)
            .and_then(|p| self.post_ends.get(p))
            .map_or(0, |&s| s as usize)
    }

    /// Writes the lists of the words in `changes` (in ascending order) again, with record
    /// `j` in or out of each as it says; the other words' lists are copied as they are.
    fn relist(&mut self, j: u16, changes: &[(usize, bool)]) {
        let mut posts = Vec::with_capacity(self.posts.len() + 3 * changes.len());
        let mut ends = Vec::with_capacity(self.post_ends.len());
        let mut list = Vec::new();
        // Copies words `from..to`'s lists at once, their ends moved with them.
        let copy = |from: usize, to: usize, posts: &mut Vec<u8>, ends: &mut Vec<u32>| {
            let (a, b) = (self.posts_start(from), self.posts_start(to));
            let shift = posts.len() as i64 - a as i64;
            posts.extend_from_slice(self.posts.get(a..b).unwrap_or(&[]));
            let moved = self.post_ends.get(from..to).unwrap_or(&[]);
            ends.extend(
                moved
                    .iter()
                    .map(|&e| to_u32((i64::from(e) + shift) as usize)),
            );
        };
        let mut next = 0;
        for &(w, has) in changes {
            copy(next, w, &mut posts, &mut ends);
            self.records_with(w, j, has, &mut list);
            encode_postings(&list, &mut posts);
            ends.push(to_u32(posts.len()));
            next = w + 1;
        }
        copy(next, self.post_ends.len(), &mut posts, &mut ends);
        self.posts = posts;
        self.post_ends = ends;
    }

    /// Word `w`'s records into `list`, with record `j` among them or not as `has` says.
    fn records_with(&self, w: usize, j: u16, has: bool, list: &mut Vec<u16>) {
        list.clear();
        list.extend(self.records_of(w).filter(|&r| r != j));
        if has {
            let at = list.partition_point(|&r| r < j);
            list.insert(at, j);
        }
    }

    fn records_of(&self, w: usize) -> Postings<'_> {
        let end = self.post_ends.get(w).map_or(0, |&e| e as usize);
        let start = self.posts_start(w);
        Postings {
            bytes: self.posts.get(start..end).unwrap_or(&[]),
            prev: None,
        }
    }

    /// The records that have a word holding `word`: a bit per record.
    fn hits(&self, word: &Finder<'_>) -> Vec<u64> {
        let mut bits = vec![0u64; self.records.div_ceil(64)];
        let text = self.vocab.as_bytes();
        // Matches come in order: the word each falls in is found by walking on.
        let (mut at, mut id) = (0, 0);
        while let Some(found) = text.get(at..).and_then(|t| word.find(t)) {
            let p = at + found;
            while id + 1 < self.starts.len() && self.starts[id + 1] as usize <= p {
                id += 1;
            }
            for j in self.records_of(id) {
                if let Some(b) = bits.get_mut(usize::from(j) / 64) {
                    *b |= 1 << (j % 64);
                }
            }
            // On to the next word: one hit per word is enough.
            match self.starts.get(id + 1) {
                Some(&next) => at = next as usize,
                None => break,
            }
        }
        bits
    }
}

impl Words {
    /// The words of `n` records, `write` appending record `i`'s text, lowercased (chunks in
    /// parallel).
    pub fn build(n: usize, write: impl Fn(usize, &mut String) + Sync) -> Words {
        Words::build_in(CHUNK, n, write)
    }

    /// [`Words::build`] with `size` records per chunk.
    fn build_in(size: usize, n: usize, write: impl Fn(usize, &mut String) + Sync) -> Words {
        let chunks = (0..n.div_ceil(size))
            .into_par_iter()
            .map(|c| Chunk::build(c * size..((c + 1) * size).min(n), &write))
            .collect();
        Words {
            chunks,
            len: n,
            size,
        }
    }

    /// The words of `n` records, taking the chunks of `old` that are still right: `moved`
    /// says, for an old chunk's first record and number of records, where those very records
    /// now start — `None` when any of them changed or is gone. The records no kept chunk
    /// covers are built anew, `write` appending record `i`'s text as they now stand. `old` is
    /// checked to be whole first (it may come from a cache); if it is not, all is built.
    pub fn reusing(
        old: Words,
        n: usize,
        moved: impl Fn(usize, usize) -> Option<usize>,
        write: impl Fn(usize, &mut String) + Sync,
    ) -> Words {
        if !old.fits(old.len) {
            return Words::build_in(old.size.max(1), n, write);
        }
        let size = old.size;
        let mut kept = Vec::new();
        // Records before this are covered: kept chunks must follow each other.
        let mut covered = 0;
        for mut c in old.chunks {
            let Some(first) = moved(c.first, c.records) else {
                continue;
            };
            if first >= covered && first + c.records <= n {
                c.first = first;
                covered = first + c.records;
                kept.push(c);
            }
        }
        // What no kept chunk covers, in chunks of at most `size` records, built in parallel.
        let mut gaps = Vec::new();
        let mut at = 0;
        for (start, records) in kept.iter().map(|c| (c.first, c.records)).chain([(n, 0)]) {
            while at < start {
                let end = (at + size).min(start);
                gaps.push(at..end);
                at = end;
            }
            at = start + records;
        }
        let built: Vec<Chunk> = gaps
            .into_par_iter()
            .map(|ids| Chunk::build(ids, &write))
            .collect();
        let mut chunks: Vec<Chunk> = kept.into_iter().chain(built).collect();
        chunks.sort_unstable_by_key(|c| c.first);
        Words {
            chunks,
            len: n,
            size,
        }
    }

    /// Whether these words can be those of `records` records: the chunks follow each other
    /// from the first record to the last, and each one's lists stay inside it. Words read
    /// back from a cache are used only when this holds (a search never reads out of bounds
    /// anyway; this keeps a damaged entry from giving wrong hits).
    pub fn fits(&self, records: usize) -> bool {
        let mut next = 0;
        let chunks_fit = self.chunks.iter().all(|c| {
            let vocab = c.vocab.len();
            let fits = c.first == next
                && (1..=usize::from(u16::MAX) + 1).contains(&c.records)
                && c.starts.len() == c.post_ends.len()
                && c.starts.windows(2).all(|w| w[0] < w[1])
                && c.starts.last().is_none_or(|&s| (s as usize) < vocab)
                && c.post_ends.windows(2).all(|w| w[0] <= w[1])
                && c.post_ends
                    .last()
                    .is_none_or(|&e| e as usize == c.posts.len());
            next += c.records;
            fits
        });
        chunks_fit && next == records && self.len == records && self.size > 0
    }

    /// The chunk holding record `i`, if any.
    fn chunk_of(&self, i: usize) -> Option<usize> {
        let c = self.chunks.partition_point(|c| c.first + c.records <= i);
        (c < self.chunks.len()).then_some(c)
    }

    /// Builds chunk `c` again over the records it now holds, `records` of them starting at
    /// its first (split in two when it has grown to twice the chunk size, dropped when
    /// empty).
    fn rebuild(&mut self, c: usize, records: usize, write: impl Fn(usize, &mut String)) {
        let Some(first) = self.chunks.get(c).map(|c| c.first) else {
            return;
        };
        if records == 0 {
            self.chunks.remove(c);
        } else if records >= 2 * self.size {
            let half = first + records / 2;
            self.chunks[c] = Chunk::build(first..half, &write);
            self.chunks
                .insert(c + 1, Chunk::build(half..first + records, &write));
        } else {
            self.chunks[c] = Chunk::build(first..first + records, &write);
        }
    }

    /// A record was inserted at `i` (`write` appends record `k`'s text, lowercased, as the
    /// records now stand): its chunk is built again, the records after it move up by one.
    pub fn insert(&mut self, i: usize, write: impl Fn(usize, &mut String)) {
        if i > self.len {
            return;
        }
        self.len += 1;
        // At the end: into the last chunk while it is not full, else a chunk of its own.
        let c = match self.chunk_of(i) {
            Some(c) => c,
            None => match self.chunks.last() {
                Some(last) if last.records < self.size => self.chunks.len() - 1,
                _ => {
                    self.chunks.push(Chunk::build(i..i + 1, &write));
                    return;
                }
            },
        };
        for later in &mut self.chunks[c + 1..] {
            later.first += 1;
        }
        let records = self.chunks[c].records + 1;
        self.rebuild(c, records, write);
    }

    /// Record `i` was removed (`write` appends record `k`'s text as the records now stand):
    /// its chunk is built again, the records after it move down by one.
    pub fn remove(&mut self, i: usize, write: impl Fn(usize, &mut String)) {
        let Some(c) = self.chunk_of(i) else { return };
        self.len -= 1;
        for later in &mut self.chunks[c + 1..] {
            later.first -= 1;
        }
        let records = self.chunks[c].records - 1;
        self.rebuild(c, records, write);
    }

    /// As [`Words::replace`], told the text the index holds for record `i` (`old` appends
    /// it): only the lists of the words that came or went are written again, the chunk's
    /// other lists copied as they are — a keystroke in a claim's notes costs the word it
    /// changed, not its chunk of 4,096 records. When a word that went is not in the chunk's
    /// vocabulary (the index never held the text `old` gives), the record is cut again as
    /// [`Words::replace`] does.
    pub fn replace_from(
        &mut self,
        i: usize,
        old: impl Fn(&mut String),
        write: impl Fn(usize, &mut String),
    ) {
        let Some(c) = self.chunk_of(i) else { return };
        let (mut before, mut after) = (String::new(), String::new());
        old(&mut before);
        write(i, &mut after);
        let (was, is) = (distinct_words(&before), distinct_words(&after));
        let gone = was.iter().filter(|w| is.binary_search(w).is_err());
        let came: Vec<&str> = is
            .iter()
            .filter(|w| was.binary_search(w).is_err())
            .copied()
            .collect();
        // (word, whether record `i` has it now)
        let mut changes = Vec::with_capacity(came.len() + 4);
        for w in gone {
            match self.chunks[c].find(w) {
                Some(id) => changes.push((id, false)),
                None => return self.replace(i, write),
            }
        }
        let chunk = &mut self.chunks[c];
        let Ok(j) = u16::try_from(i - chunk.first) else {
            return self.replace(i, write);
        };
        for w in came {
            let id = chunk.find(w).unwrap_or_else(|| chunk.add_word(w));
            changes.push((id, true));
        }
        if !changes.is_empty() {
            changes.sort_unstable();
            chunk.relist(j, &changes);
        }
    }

    /// Cuts record `i`'s text again (`write` appends it, lowercased): the one record's words
    /// and its chunk's lists of records, however many chunks there are. Words no longer used
    /// stay in the chunk's vocabulary, matching nothing.
    pub fn replace(&mut self, i: usize, write: impl Fn(usize, &mut String)) {
        let Some(chunk) = self.chunk_of(i).and_then(|c| self.chunks.get_mut(c)) else {
            return;
        };
        let j = i - chunk.first;
        let mut text = String::new();
        write(i, &mut text);
        let vocab = std::mem::take(&mut chunk.vocab);
        let mut table: FxHashMap<&str, u32> = chunk
            .starts
            .iter()
            .enumerate()
            .map(|(k, &s)| {
                let end = chunk.starts.get(k + 1).map_or(vocab.len(), |&e| e as usize);
                (
                    vocab.get(s as usize..end.saturating_sub(1)).unwrap_or(""),
                    to_u32(k),
                )
            })
            .collect();
        let mut added: Vec<&str> = Vec::new();
        let known = chunk.starts.len();
        let mut new = Vec::new();
        words_of(&text, &mut new, &mut Vec::new(), 0, |s, e| {
            let w = text.get(s..e).unwrap_or("");
            *table.entry(w).or_insert_with(|| {
                added.push(w);
                to_u32(known + added.len() - 1)
            })
        });
        drop(table);
        let mut vocab = vocab;
        for w in added {
            chunk.starts.push(to_u32(vocab.len()));
            vocab.push_str(w);
            vocab.push('\n');
        }
        chunk.vocab = vocab;
        // The lists of records again: without record `j`, then with it where it has the word.
        let mut has = vec![false; chunk.starts.len()];
        for &w in &new {
            has[w as usize] = true;
        }
        let j = j as u16;
        let mut posts = Vec::with_capacity(chunk.posts.len() + new.len());
        let mut post_ends = Vec::with_capacity(chunk.starts.len());
        let mut list = Vec::new();
        for (w, &here) in has.iter().enumerate() {
            chunk.records_with(w, j, here, &mut list);
            encode_postings(&list, &mut posts);
            post_ends.push(to_u32(posts.len()));
        }
        chunk.posts = posts;
        chunk.post_ends = post_ends;
    }

    /// The records that have a word holding `word` (which is lowercased and has no
    /// whitespace).
    pub fn hits(&self, word: &Finder<'_>) -> Hits {
        let per_chunk: Vec<Vec<u64>> = self.chunks.par_iter().map(|c| c.hits(word)).collect();
        // Laid end to end: a chunk starts at any bit once records were inserted or removed.
        let mut all = vec![0u64; self.len.div_ceil(64) + 1];
        for (chunk, bits) in self.chunks.iter().zip(per_chunk) {
            let (at, shift) = (chunk.first / 64, chunk.first % 64);
            for (k, b) in bits.into_iter().enumerate() {
                if b == 0 {
                    continue;
                }
                if let Some(w) = all.get_mut(at + k) {
                    *w |= b << shift;
                }
                if shift > 0
                    && let Some(w) = all.get_mut(at + k + 1)
                {
                    *w |= b >> (64 - shift);
                }
            }
        }
        Hits(all)
    }

    /// Whether any record has a word holding `word` — on the calling thread, stopping at
    /// the first (the thread pool may be busy with a worker's long task).
    pub fn any_hit(&self, word: &Finder<'_>) -> bool {
        self.chunks
            .iter()
            .any(|c| c.hits(word).iter().any(|&b| b != 0))
    }

    /// Whether one of record `i`'s words is among `hits`.
    pub fn has(&self, i: usize, hits: &Hits) -> bool {
        self.has_all(i, std::slice::from_ref(hits))
    }

    /// Whether record `i` has every search word (`hits` of each).
    pub fn has_all(&self, i: usize, hits: &[Hits]) -> bool {
        hits.iter()
            .all(|h| h.0.get(i / 64).is_some_and(|b| b & (1 << (i % 64)) != 0))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower(texts: &[&str]) -> Words {
        Words::build(texts.len(), |i, s| s.push_str(&texts[i].to_lowercase()))
    }

    fn found(w: &Words, word: &str) -> Vec<usize> {
        let f = Finder::new(word.to_lowercase().as_bytes()).into_owned();
        let h = w.hits(&f);
        (0..w.len()).filter(|&i| w.has(i, &h)).collect()
    }

    #[test]
    fn words_kept_around_changed_records_find_what_words_built_anew_find() {
        let old_texts: Vec<String> = (0..40)
            .map(|i| format!("rec{i} common w{}", i % 7))
            .collect();
        let old = Words::build_in(4, 40, |i, s| s.push_str(&old_texts[i]));
        // Records 10 to 13 replaced by six others: those after them move on by two.
        let mut texts = old_texts[..10].to_vec();
        texts.extend((0..6).map(|k| format!("fresh{k} common")));
        texts.extend(old_texts[14..].iter().cloned());
        let moved = |first: usize, records: usize| {
            if first + records <= 10 {
                Some(first)
            } else if first >= 14 {
                Some(first + 2)
            } else {
                None
            }
        };
        let write = |i: usize, s: &mut String| s.push_str(&texts[i]);
        let fresh = Words::build_in(4, texts.len(), write);
        let kept = Words::reusing(old.clone(), texts.len(), moved, write);
        let nothing_kept = Words::reusing(old.clone(), texts.len(), |_, _| None, write);
        assert!(kept.fits(texts.len()) && nothing_kept.fits(texts.len()));
        for word in [
            "common", "fresh", "fresh3", "rec9", "rec13", "rec14", "rec39", "w3", "rec1", "gone",
        ] {
            assert_eq!(found(&kept, word), found(&fresh, word), "{word}");
            assert_eq!(found(&nothing_kept, word), found(&fresh, word), "{word}");
        }
        // Eight of the ten chunks taken as they were (the two around the change built).
        let taken = kept
            .chunks
            .iter()
            .filter(|c| old.chunks.iter().any(|o| o.vocab == c.vocab))
            .count();
        assert_eq!(taken, 8);
        // Damaged kept words are not taken at all.
        let mut damaged = old.clone();
        damaged.chunks[3].first += 1;
        let rebuilt = Words::reusing(damaged, texts.len(), |f, _| Some(f), write);
        assert!(rebuilt.fits(texts.len()));
        assert_eq!(found(&rebuilt, "fresh3"), found(&fresh, "fresh3"));
        assert_eq!(found(&rebuilt, "rec39"), found(&fresh, "rec39"));
    }

    #[test]
    fn a_words_records_read_back_as_written_and_common_words_take_a_byte_a_record() {
        let lists: [&[u16]; 6] = [
            &[],
            &[0],
            &[127, 128, 255, 256, 16_383, 16_384, 16_512, u16::MAX],
            &[5, 6, 7, 8, 200],
            &[4095],
            &[0, 1, 2, 3],
        ];
        let mut bytes = Vec::new();
        let mut ends = Vec::new();
        for list in lists {
            encode_postings(list, &mut bytes);
            ends.push(bytes.len());
        }
        let mut start = 0;
        for (list, end) in lists.iter().zip(ends) {
            let back: Vec<u16> = Postings {
                bytes: &bytes[start..end],
                prev: None,
            }
            .collect();
            assert_eq!(back, *list);
            start = end;
        }
        // A word in every record of a chunk: one byte each, not two.
        let every: Vec<u16> = (0..4096).collect();
        let mut out = Vec::new();
        encode_postings(&every, &mut out);
        assert_eq!(out.len(), 4096);
    }

    #[test]
    fn words_fit_their_records_and_damaged_ones_do_not() {
        let texts: Vec<String> = (0..50)
            .map(|i| format!("record {i} word{}", i % 7))
            .collect();
        let w = Words::build_in(8, texts.len(), |i, s| s.push_str(&texts[i]));
        assert!(w.chunks.len() > 2);
        assert!(w.fits(50));
        assert!(!w.fits(49));
        let damaged = |f: &dyn Fn(&mut Words)| {
            let mut d = w.clone();
            f(&mut d);
            d.fits(50)
        };
        assert!(!damaged(&|d| d.chunks[1].first += 1));
        assert!(!damaged(&|d| d.chunks[2].records = 0));
        assert!(!damaged(&|d| d.chunks[0].starts.reverse()));
        assert!(!damaged(&|d| {
            d.chunks[0].posts.pop();
        }));
        assert!(!damaged(&|d| d.chunks[1].vocab.clear()));
        assert!(!damaged(&|d| d.chunks.remove(1).records = 0));
        assert!(damaged(&|_| {}));
    }

    #[test]
    fn a_word_is_found_inside_words_in_any_case_and_script_but_never_across_whitespace() {
        let w = lower(&[
            "Міноборони України повідомило",
            "국정원 said 2024-12-18",
            "ΟΔΟΣ Σίσυφος",
            "ministry reported",
            "",
        ]);
        assert_eq!(found(&w, "МІНО"), vec![0]);
        assert_eq!(found(&w, "ни"), vec![0]);
        assert_eq!(found(&w, "정원"), vec![1]);
        assert_eq!(found(&w, "4-12-1"), vec![1]);
        assert_eq!(found(&w, "οδος"), vec![2]);
        assert_eq!(found(&w, "is"), vec![3]);
        assert_eq!(found(&w, "d"), vec![1, 3]);
        assert_eq!(found(&w, "yreported"), Vec::<usize>::new());
        assert_eq!(found(&w, "zq"), Vec::<usize>::new());
    }

    #[test]
    fn records_inserted_and_removed_anywhere_are_found_as_a_fresh_index_finds_them() {
        // Several chunks; inserts and removals at the start, the end, chunk edges and
        // anywhere, until chunks split and empty; after each, every word is found exactly
        // where a scan of the texts finds it.
        let size = 64;
        let mut texts: Vec<String> = (0..600).map(|i| format!("r{i} w{}", i % 7)).collect();
        let mut w = Words::build_in(size, texts.len(), |i, s| s.push_str(&texts[i]));
        let mut seed: u64 = 52052;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n.max(1)
        };
        for step in 0..1_000 {
            let at = match step % 5 {
                0 => 0,
                1 => texts.len(),
                2 => size,
                _ => next(texts.len() + 1),
            };
            if step % 3 == 2 && !texts.is_empty() {
                let at = at.min(texts.len() - 1);
                texts.remove(at);
                w.remove(at, |i, s| s.push_str(&texts[i]));
            } else {
                texts.insert(at, format!("new{step} w{}", step % 7));
                w.insert(at, |i, s| s.push_str(&texts[i]));
            }
            assert_eq!(w.len(), texts.len());
            if step % 10 == 0 || step == 999 {
                for word in ["w3", "new1", "r599", "r0", "new39", "9"] {
                    let scan: Vec<usize> = (0..texts.len())
                        .filter(|&i| texts[i].contains(word))
                        .collect();
                    assert_eq!(found(&w, word), scan, "{word} after step {step}");
                }
            }
        }
        // Thousands inserted into one place: the chunk splits rather than overflowing.
        for k in 0..1_000 {
            texts.insert(100, format!("burst{k}"));
            w.insert(100, |i, s| s.push_str(&texts[i]));
        }
        assert_eq!(found(&w, "burst999"), vec![100]);
        assert_eq!(found(&w, "burst0").len(), 1);
        assert_eq!(found(&w, "burst").len(), 1_000);
        assert!(w.chunks.iter().all(|c| c.records < 2 * size));
        // Everything removed: nothing is found, nothing is left.
        while !texts.is_empty() {
            let at = texts.len() / 2;
            texts.remove(at);
            w.remove(at, |i, s| s.push_str(&texts[i]));
        }
        assert_eq!(w.len(), 0);
        assert!(w.chunks.is_empty());
        assert_eq!(found(&w, "w"), Vec::<usize>::new());
    }

    #[test]
    fn a_replaced_record_finds_its_new_words_only_and_the_others_are_untouched() {
        let texts: Vec<String> = (0..10_000).map(|i| format!("rec{i} common")).collect();
        let mut w = Words::build(texts.len(), |i, s| s.push_str(&texts[i]));
        w.replace(4100, |_, s| s.push_str("zebra crossing zebra"));
        w.replace(0, |_, s| s.push_str("one two three four five"));
        w.replace(9_999, |_, s| s.push_str(""));
        assert_eq!(found(&w, "zebra"), vec![4100]);
        assert_eq!(found(&w, "rec4100"), Vec::<usize>::new());
        assert_eq!(found(&w, "rec4101"), vec![4101]);
        assert_eq!(found(&w, "rec4099"), vec![4099]);
        assert_eq!(found(&w, "five"), vec![0]);
        assert_eq!(found(&w, "common").len(), 10_000 - 3);
        assert_eq!(found(&w, "rec9999"), Vec::<usize>::new());
        assert_eq!(found(&w, "rec9998"), vec![9_998]);
    }

    #[test]
    fn records_replaced_word_by_word_are_found_as_a_scan_of_their_texts_finds_them() {
        // Small chunks; each step rewrites one record's text, told its old text, with words
        // kept, dropped, repeated, shared with other records and new to the chunk; every
        // tenth step is told a wrong old text (falls back to cutting the record again).
        let size = 64;
        let vocabulary = ["alpha", "beta", "gamma", "delta", "ωμέγα", "x", "xx", "xxx"];
        let mut rng = fastrand::Rng::with_seed(7);
        let mut texts: Vec<String> = (0..300)
            .map(|i| format!("r{i} {}", vocabulary[i % vocabulary.len()]))
            .collect();
        let mut w = Words::build_in(size, texts.len(), |i, s| s.push_str(&texts[i]));
        for step in 0..2_000 {
            let at = rng.usize(..texts.len());
            let mut text = String::new();
            for _ in 0..rng.usize(..5) {
                if rng.u8(..4) == 0 {
                    text.push_str(&format!("new{} ", rng.usize(..50)));
                } else {
                    text.push_str(vocabulary[rng.usize(..vocabulary.len())]);
                    text.push(' ');
                }
            }
            let old = if step % 10 == 9 {
                "never indexed".to_string()
            } else {
                std::mem::take(&mut texts[at])
            };
            texts[at] = text;
            w.replace_from(at, |s| s.push_str(&old), |i, s| s.push_str(&texts[i]));
            if step % 50 == 0 || step == 1_999 {
                let words = vocabulary.iter().map(|v| v.to_string());
                for word in words.chain((0..50).map(|k| format!("new{k}"))) {
                    let scan: Vec<usize> = (0..texts.len())
                        .filter(|&i| texts[i].split_whitespace().any(|t| t.contains(&word)))
                        .collect();
                    assert_eq!(found(&w, &word), scan, "{word} after step {step}");
                }
            }
        }
    }
}
