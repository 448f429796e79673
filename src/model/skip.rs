//! Whether a record's empty fields are left out when it is serialized: always in the files
//! (RON), the exports and the recovery journal — so that a file holds only what a researcher
//! wrote — and never in the parse cache, whose encoding reads fields by position and needs
//! every field in its place (reading by position instead of by name is what makes the cache
//! fast). The records' `skip_serializing_if` functions are these.

use std::cell::Cell;

thread_local! {
    static ALL_FIELDS: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` with every field serialized, empty or not (on this thread).
pub fn with_all_fields<T>(f: impl FnOnce() -> T) -> T {
    super::with_flag(&ALL_FIELDS, f)
}

fn skipping() -> bool {
    !ALL_FIELDS.get()
}

pub fn none<T>(v: &Option<T>) -> bool {
    v.is_none() && skipping()
}

/// An empty text: a `String`, or a boxed one (serde's `&String` or `&Box<str>` is taken as
/// `&str`).
pub fn empty(v: &str) -> bool {
    v.is_empty() && skipping()
}

#[allow(clippy::ptr_arg)] // serde passes the field as it is
pub fn empty_list<T>(v: &Vec<T>) -> bool {
    v.is_empty() && skipping()
}

pub fn default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default() && skipping()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Citation;

    #[test]
    fn empty_fields_are_written_only_inside_with_all_fields_and_the_files_stay_as_they_were() {
        let c = Citation {
            source: "src01".into(),
            quote: "q".into(),
            extra: None,
        };
        let plain = ron::to_string(&c).expect("ron");
        assert!(!plain.contains("locator"), "{plain}");
        let all = with_all_fields(|| ron::to_string(&c).expect("ron"));
        assert!(all.contains("locator"), "{all}");
        // Back to leaving them out, also after a panic inside.
        let caught = std::panic::catch_unwind(|| with_all_fields(|| panic!("inside")));
        assert!(caught.is_err());
        assert_eq!(ron::to_string(&c).expect("ron"), plain);
    }
}
