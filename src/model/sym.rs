//! [`Sym`]: an interned name — a claim's claimant, subject, relay and metric, a citation's
//! source, an event's type, tags, actors and place (name, region, country) — stored once for
//! the whole process and eight bytes wherever it is used.
//!
//! These fields hold a small vocabulary (a dataset has hundreds of actors, a dozen metrics)
//! repeated across a million records: as inline strings they took 24 bytes each, as
//! `String`s 24 bytes plus a heap block. A `Sym` is one pointer to the one copy of its text;
//! two are equal exactly when their texts are, and comparing them compares pointers.
//!
//! The texts are never freed: a vocabulary is small, and what the editor interns while a
//! name is typed is a few bytes a keystroke. Ids of records (unique, many) are not `Sym`s.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{LazyLock, Mutex, PoisonError};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An interned name; derefs to its text.
#[derive(Clone, Copy)]
pub struct Sym(&'static &'static str);

/// The one copy of every text interned so far.
static TABLE: LazyLock<Mutex<Interned>> = LazyLock::new(|| {
    Mutex::new(Interned {
        names: HashMap::new(),
        texts: Default::default(),
        handles: Default::default(),
    })
});

/// The interned names, and the room left in the blocks their texts and handles are kept in.
/// Kept side by side rather than in a block each: reading a million records looks a name up
/// for every field that holds one and compares its text, which then is nearby in memory
/// (a name's own block lay anywhere among the records read so far).
struct Interned {
    names: HashMap<&'static str, Sym>,
    texts: &'static mut [u8],
    handles: &'static mut [&'static str],
}

/// How many bytes of texts, and how many handles, a block holds.
const TEXT_BLOCK: usize = 64 << 10;
const HANDLE_BLOCK: usize = 4 << 10;

impl Interned {
    /// A copy of `text` that lives as long as the process, and its handle.
    fn keep(&mut self, text: &str) -> Sym {
        let n = text.len();
        if self.texts.len() < n {
            self.texts = Box::leak(vec![0; TEXT_BLOCK.max(n)].into_boxed_slice());
        }
        let (copy, rest) = std::mem::take(&mut self.texts).split_at_mut(n);
        self.texts = rest;
        copy.copy_from_slice(text.as_bytes());
        let copy: &'static [u8] = copy;
        // The bytes of a `str`: always UTF-8.
        let kept: &'static str =
            std::str::from_utf8(copy).unwrap_or_else(|_| Box::leak(text.into()));
        if self.handles.is_empty() {
            self.handles = Box::leak(vec![""; HANDLE_BLOCK].into_boxed_slice());
        }
        match std::mem::take(&mut self.handles).split_first_mut() {
            Some((handle, rest)) => {
                self.handles = rest;
                *handle = kept;
                Sym(handle)
            }
            None => Sym(Box::leak(Box::new(kept))),
        }
    }
}

thread_local! {
    /// What this thread interned before: reading a million records on several threads
    /// looks a name up here without taking the table's lock.
    static SEEN: std::cell::RefCell<FxHashMap<&'static str, Sym>> =
        std::cell::RefCell::new(FxHashMap::default());
}

static EMPTY: &str = "";

impl Sym {
    /// The empty name (a field not filled in).
    pub const EMPTY: Sym = Sym(&EMPTY);

    /// The name `text`, interned.
    pub fn new(text: &str) -> Sym {
        if text.is_empty() {
            return Sym::EMPTY;
        }
        SEEN.with(|seen| {
            if let Some(&s) = seen.borrow().get(text) {
                return s;
            }
            let s = {
                // A panic elsewhere while the lock was held cannot leave the table
                // half-changed: an insert either happened or did not.
                let mut table = TABLE.lock().unwrap_or_else(PoisonError::into_inner);
                match table.names.get(text) {
                    Some(&s) => s,
                    None => {
                        let s = table.keep(text);
                        table.names.insert(s.0, s);
                        s
                    }
                }
            };
            seen.borrow_mut().insert(s.0, s);
            s
        })
    }

    /// Its text (the one copy, alive as long as the process).
    pub fn as_str(&self) -> &'static str {
        self.0
    }

    /// A number equal for equal names and different for different ones (where its one copy
    /// lives): for maps that key names without hashing and comparing their text.
    pub fn key(&self) -> usize {
        std::ptr::from_ref(self.0).addr()
    }
}

impl Default for Sym {
    fn default() -> Sym {
        Sym::EMPTY
    }
}

impl std::ops::Deref for Sym {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Sym {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl Borrow<str> for Sym {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl PartialEq for Sym {
    fn eq(&self, other: &Sym) -> bool {
        // One copy per text: the same text is the same pointer.
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Sym {}

impl PartialEq<str> for Sym {
    fn eq(&self, other: &str) -> bool {
        *self.0 == other
    }
}

impl PartialEq<&str> for Sym {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<String> for Sym {
    fn eq(&self, other: &String) -> bool {
        *self.0 == other.as_str()
    }
}

impl PartialEq<Sym> for str {
    fn eq(&self, other: &Sym) -> bool {
        self == *other.0
    }
}

impl PartialEq<Sym> for &str {
    fn eq(&self, other: &Sym) -> bool {
        *self == *other.0
    }
}

impl PartialEq<Sym> for String {
    fn eq(&self, other: &Sym) -> bool {
        self.as_str() == *other.0
    }
}

/// Hashes as its text does, so that maps keyed by `Sym` are searched by `&str`.
impl Hash for Sym {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

/// In the order of the texts.
impl Ord for Sym {
    fn cmp(&self, other: &Sym) -> std::cmp::Ordering {
        if self == other {
            std::cmp::Ordering::Equal
        } else {
            self.0.cmp(other.0)
        }
    }
}

impl PartialOrd for Sym {
    fn partial_cmp(&self, other: &Sym) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Debug for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(*self.0, f)
    }
}

/// As its text, padding and all (`{:<20}`). Use `as_str().to_owned()` where a `String` is
/// wanted in a loop: `to_string()` goes through the formatter.
impl std::fmt::Display for Sym {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(*self.0, f)
    }
}

impl From<&str> for Sym {
    fn from(s: &str) -> Sym {
        Sym::new(s)
    }
}

impl From<&String> for Sym {
    fn from(s: &String) -> Sym {
        Sym::new(s)
    }
}

impl From<String> for Sym {
    fn from(s: String) -> Sym {
        Sym::new(&s)
    }
}

impl From<Sym> for String {
    fn from(s: Sym) -> String {
        s.0.to_string()
    }
}

/// How this thread writes and reads `Sym`s at the moment (see [`numbered_writing`]).
enum Book {
    /// As their texts: the files, exports, journal.
    Texts,
    /// As numbers, handed out in order of first use.
    Writing {
        numbers: FxHashMap<usize, u32>,
        names: Vec<Sym>,
    },
    /// As numbers into this table.
    Reading(Vec<Sym>),
}

thread_local! {
    static BOOK: std::cell::RefCell<Book> = const { std::cell::RefCell::new(Book::Texts) };
}

/// Puts this thread's book back as it was, even if the code run inside panics.
struct Restore(Option<Book>);

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(before) = self.0.take() {
            BOOK.set(before);
        }
    }
}

/// Runs `f` with every `Sym` it serializes (on this thread) written as a number, and returns
/// with its result the names in the order of their numbers — for the parse cache, which
/// writes a file's names once before its records: reading a number back is an index into that
/// table, where reading a text means hashing and comparing it with the interned names (an
/// eighth of reopening a million claims).
pub fn numbered_writing<T>(f: impl FnOnce() -> T) -> (T, Vec<Sym>) {
    let before = BOOK.replace(Book::Writing {
        numbers: FxHashMap::default(),
        names: Vec::new(),
    });
    let mut restore = Restore(Some(before));
    let out = f();
    let book = BOOK.replace(restore.0.take().unwrap_or(Book::Texts));
    let names = match book {
        Book::Writing { names, .. } => names,
        Book::Texts | Book::Reading(_) => Vec::new(),
    };
    (out, names)
}

/// Runs `f` with every `Sym` it deserializes (on this thread) read as a number into `names`,
/// the table [`numbered_writing`] returned; a number outside it is an error of the reading.
pub fn numbered_reading<T>(names: Vec<Sym>, f: impl FnOnce() -> T) -> T {
    let _restore = Restore(Some(BOOK.replace(Book::Reading(names))));
    f()
}

impl Serialize for Sym {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let number = BOOK.with_borrow_mut(|book| match book {
            Book::Writing { numbers, names } => {
                let next = u32::try_from(names.len()).ok()?;
                let n = *numbers.entry(self.key()).or_insert(next);
                if n == next {
                    names.push(*self);
                }
                Some(n)
            }
            Book::Texts | Book::Reading(_) => None,
        });
        match number {
            Some(n) => serializer.serialize_u32(n),
            None => serializer.serialize_str(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Sym {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Sym, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Sym;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Sym, E> {
                Ok(Sym::new(v))
            }
        }
        struct Number;
        impl serde::de::Visitor<'_> for Number {
            type Value = Sym;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the number of a name")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Sym, E> {
                BOOK.with_borrow(|book| match book {
                    Book::Reading(names) => {
                        usize::try_from(v).ok().and_then(|i| names.get(i).copied())
                    }
                    Book::Texts | Book::Writing { .. } => None,
                })
                .ok_or_else(|| E::custom(format!("no name numbered {v}")))
            }
        }
        if BOOK.with_borrow(|book| matches!(book, Book::Reading(_))) {
            deserializer.deserialize_u32(Number)
        } else {
            deserializer.deserialize_str(Text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_text_is_one_sym_from_any_thread_and_orders_and_hashes_as_its_text() {
        let a = Sym::new("ru-mod");
        let b = Sym::from(String::from("ru-mod"));
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        let from_threads: Vec<Sym> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| Sym::new(&format!("{}-{}", "ua", "gs"))))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(from_threads.windows(2).all(|w| w[0] == w[1]));
        assert_eq!(from_threads[0], "ua-gs");
        assert_ne!(a, from_threads[0]);
        assert_eq!(Sym::new(""), Sym::default());
        assert!(Sym::new("").is_empty());

        let mut names: Vec<Sym> = ["b", "a", "c", "a"].map(Sym::new).to_vec();
        names.sort();
        assert_eq!(names, ["a", "a", "b", "c"].map(Sym::new));

        let mut map: HashMap<Sym, u32> = HashMap::new();
        map.insert(a, 7);
        assert_eq!(map.get("ru-mod"), Some(&7));
        assert_eq!(map.get("ru"), None);
    }

    #[test]
    fn names_kept_side_by_side_are_each_their_own_text_across_blocks() {
        // More texts and handles than one block holds, a text longer than a block, and
        // texts of every length around the end of a block.
        let mut rng = fastrand::Rng::with_seed(9);
        let mut texts: Vec<String> = (0..2 * HANDLE_BLOCK)
            .map(|i| {
                let len = rng.usize(1..40);
                format!("{i}-{}", "é".repeat(len))
            })
            .collect();
        texts.push("x".repeat(TEXT_BLOCK + 7));
        texts.push("after the long one".into());
        let syms: Vec<Sym> = texts.iter().map(|t| Sym::new(t)).collect();
        for (t, s) in texts.iter().zip(&syms) {
            assert_eq!(s.as_str(), t);
            assert_eq!(Sym::new(t), *s);
        }
        let mut keys: Vec<usize> = syms.iter().map(Sym::key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), texts.len(), "one handle per text");
    }

    #[test]
    fn a_sym_is_written_and_read_as_its_text() {
        let s = Sym::new("Ministry of Defence");
        let ron_text = ron::to_string(&s).unwrap();
        assert_eq!(ron_text, "\"Ministry of Defence\"");
        let back: Sym = ron::from_str(&ron_text).unwrap();
        assert_eq!(back, s);
        let bytes = postcard::to_stdvec(&s).unwrap();
        let back: Sym = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, s);
        assert!(ron::from_str::<Sym>("12").is_err());
    }

    #[test]
    fn numbered_names_read_back_through_their_table_and_only_inside_it() {
        let names = ["ru-mod", "ua-gs", "", "ru-mod", "Міноборони"].map(Sym::new);
        let (bytes, table) = numbered_writing(|| postcard::to_stdvec(&names).unwrap());
        // Each name once, in the order of first use; the list holds numbers, not texts.
        assert_eq!(table, ["ru-mod", "ua-gs", "", "Міноборони"].map(Sym::new));
        assert!(!bytes.windows(6).any(|w| w == b"ru-mod"));
        let back: [Sym; 5] =
            numbered_reading(table.clone(), || postcard::from_bytes(&bytes)).expect("read");
        assert_eq!(back, names);
        // A table too short for the numbers: an error, not a wrong name.
        let short = numbered_reading(table[..2].to_vec(), || {
            postcard::from_bytes::<[Sym; 5]>(&bytes)
        });
        assert!(short.is_err());
        // Outside, names are texts again, also after a panic inside.
        let caught = std::panic::catch_unwind(|| numbered_writing(|| panic!("inside")));
        assert!(caught.is_err());
        assert_eq!(
            postcard::to_stdvec(&names[0]).unwrap(),
            postcard::to_stdvec("ru-mod").unwrap()
        );
        assert_ne!(postcard::from_bytes::<[Sym; 5]>(&bytes).ok(), Some(names));
    }
}
