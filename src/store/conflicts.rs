//! Dataset files and git's merges. Writing: the merge of three versions of one file, records
//! merged by id and field ([`crate::model::merge`]), each conflict written between git's
//! markers around that record only, everything else in canonical form. Reading: a file that
//! holds conflict markers (ours, an optional base, theirs) is split into its sides, so that
//! each side can be parsed and every record they disagree on becomes a conflict.

use crate::model::merge::{self, Conflict, Keyed, Merged};
use crate::model::{Actor, Claim, Event, Kind, Manifest, Source};

use super::{FileRole, canonical, read_options};

/// The marker lines git writes (and this driver writes) around a conflict.
pub const OURS_MARKER: &str = "<<<<<<< ours";
pub const BASE_MARKER: &str = "||||||| base";
pub const SPLIT_MARKER: &str = "=======";
pub const THEIRS_MARKER: &str = ">>>>>>> theirs";

/// The two (or three) versions of a text with conflict markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    pub ours: String,
    pub theirs: String,
    /// The common version, when every conflict shows it (git's `diff3` style).
    pub base: Option<String>,
    /// For each line of `ours`, its 1-based line in the file.
    pub ours_lines: Vec<u32>,
    /// The 1-based lines where conflicts start.
    pub starts: Vec<u32>,
}

fn is_marker(line: &str, c: char) -> bool {
    let n = line.chars().take_while(|&x| x == c).count();
    n >= 7 && line[n..].chars().next().is_none_or(char::is_whitespace)
}

/// Splits a text with conflict markers into its sides. `None` when it has no markers (or
/// markers that do not pair up, which the parser then reports where they stand).
pub fn split_markers(text: &str) -> Option<Sides> {
    #[derive(PartialEq)]
    enum At {
        Both,
        Ours,
        Base,
        Theirs,
    }
    // A marker line starts with seven `<`: a text without them anywhere (nearly every file)
    // is passed over at memchr's speed instead of line by line.
    if memchr::memmem::find(text.as_bytes(), b"<<<<<<<").is_none()
        || !text.lines().any(|l| is_marker(l, '<'))
    {
        return None;
    }
    let mut s = Sides {
        ours: String::new(),
        theirs: String::new(),
        base: Some(String::new()),
        ours_lines: Vec::new(),
        starts: Vec::new(),
    };
    let mut at = At::Both;
    let mut region_has_base = false;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let bare = line.trim_end_matches(['\n', '\r']);
        match at {
            At::Both if is_marker(bare, '<') => {
                at = At::Ours;
                region_has_base = false;
                s.starts.push(n);
                continue;
            }
            At::Ours if is_marker(bare, '|') => {
                at = At::Base;
                region_has_base = true;
                continue;
            }
            At::Ours | At::Base if is_marker(bare, '=') => {
                if !region_has_base {
                    s.base = None;
                }
                at = At::Theirs;
                continue;
            }
            At::Theirs if is_marker(bare, '>') => {
                at = At::Both;
                continue;
            }
            _ => {}
        }
        if matches!(at, At::Both | At::Ours) {
            s.ours.push_str(line);
            s.ours_lines.push(n);
        }
        if matches!(at, At::Both | At::Theirs) {
            s.theirs.push_str(line);
        }
        if matches!(at, At::Both | At::Base)
            && let Some(b) = &mut s.base
        {
            b.push_str(line);
        }
    }
    (at == At::Both).then_some(s)
}

/// The text of one list element as the canonical form writes it (four spaces in, a comma
/// after), so that a list can be written element by element.
fn element<R: serde::Serialize>(r: &R) -> Result<String, ron::Error> {
    let text = canonical(std::slice::from_ref(r))?;
    let open = text.find("[\n").map_or(0, |i| i + 2);
    let close = text.rfind(']').unwrap_or(text.len());
    Ok(text.get(open..close).unwrap_or_default().to_string())
}

/// The canonical text of a list of records, with each conflict between markers in its
/// place by id: our version, then theirs (nothing for a side that deleted it).
pub fn render_with_conflicts<R: Keyed>(
    records: &[R],
    conflicts: &[Conflict<R>],
) -> Result<String, ron::Error> {
    if conflicts.is_empty() {
        let refs: Vec<&R> = records.iter().collect();
        return canonical(&refs);
    }
    let empty = canonical(&Vec::<R>::new())?;
    let head = empty.trim_end().trim_end_matches("[]");
    let mut out = format!("{head}[\n");
    let (mut r, mut c) = (0, 0);
    while r < records.len() || c < conflicts.len() {
        let take_record = match (records.get(r), conflicts.get(c)) {
            (Some(rec), Some(con)) => rec.key() < con.id.as_str(),
            (Some(_), None) => true,
            _ => false,
        };
        if take_record {
            out.push_str(&element(&records[r])?);
            r += 1;
        } else {
            let con = &conflicts[c];
            out.push_str(OURS_MARKER);
            out.push('\n');
            if let Some(o) = &con.ours {
                out.push_str(&element(o)?);
            }
            out.push_str(SPLIT_MARKER);
            out.push('\n');
            if let Some(t) = &con.theirs {
                out.push_str(&element(t)?);
            }
            out.push_str(THEIRS_MARKER);
            out.push('\n');
            c += 1;
        }
    }
    out.push_str("]\n");
    Ok(out)
}

/// What merging three versions of a file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMerge {
    /// The merged file: canonical, with markers around each conflicting record.
    pub text: String,
    /// How many records conflict (0: a clean merge).
    pub conflicts: usize,
}

/// Why three versions of a file could not be merged by record.
#[derive(Debug, thiserror::Error)]
pub enum FileMergeError {
    #[error("the {side} version does not parse: {line}:{col}: {message}")]
    Parse {
        side: &'static str,
        line: usize,
        col: usize,
        message: String,
    },
    #[error(transparent)]
    Records(#[from] merge::MergeError),
    #[error("could not be written: {0}")]
    Render(#[from] ron::Error),
}

fn parse<T: serde::de::DeserializeOwned>(
    side: &'static str,
    text: &str,
) -> Result<T, FileMergeError> {
    // An empty version: the file did not exist on that side (git's add/add gives an empty
    // base).
    if text.trim().is_empty() {
        return read_options()
            .from_str("[]")
            .map_err(|e| parse_error(side, e));
    }
    read_options()
        .from_str(&normalize(text))
        .map_err(|e| parse_error(side, e))
}

fn parse_error(side: &'static str, e: ron::error::SpannedError) -> FileMergeError {
    FileMergeError::Parse {
        side,
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    }
}

/// The text with Windows line ends made plain (`\r\n` → `\n`), and without a byte-order mark.
pub fn normalize(text: &str) -> std::borrow::Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Searched for with SIMD (`str::contains` looks at a gigabyte of files slower).
    if memchr::memmem::find(text.as_bytes(), b"\r\n").is_some() {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn merge_records<R: Keyed>(
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<FileMerge, FileMergeError> {
    let b: Vec<R> = parse("base", base)?;
    let o: Vec<R> = parse("our", ours)?;
    let t: Vec<R> = parse("their", theirs)?;
    let Merged { records, conflicts } = merge::merge(&b, &o, &t)?;
    Ok(FileMerge {
        text: render_with_conflicts(&records, &conflicts)?,
        conflicts: conflicts.len(),
    })
}

/// The manifest as a record of the merge: its vocabularies are merged by id, its other
/// fields one by one.
impl Keyed for Manifest {
    fn key(&self) -> &str {
        "manifest"
    }
}

fn merge_manifest(base: &str, ours: &str, theirs: &str) -> Result<FileMerge, FileMergeError> {
    let parse_m = |side, text: &str| -> Result<Option<Manifest>, FileMergeError> {
        if text.trim().is_empty() {
            Ok(None)
        } else {
            read_options()
                .from_str(&normalize(text))
                .map(Some)
                .map_err(|e| parse_error(side, e))
        }
    };
    let b = parse_m("base", base)?;
    let o = parse_m("our", ours)?.unwrap_or_default();
    let t = parse_m("their", theirs)?.unwrap_or_default();
    let bare = |m: &Manifest| Manifest {
        metrics: Vec::new(),
        event_types: Vec::new(),
        ..m.clone()
    };
    let bm = b.as_ref().map(|m| m.metrics.as_slice()).unwrap_or_default();
    let be = b
        .as_ref()
        .map(|m| m.event_types.as_slice())
        .unwrap_or_default();
    let metrics = merge::merge(bm, &o.metrics, &t.metrics)?;
    let types = merge::merge(be, &o.event_types, &t.event_types)?;
    let head = merge::merge(
        &b.iter().map(bare).collect::<Vec<_>>(),
        &[bare(&o)],
        &[bare(&t)],
    )?;
    let conflicts = metrics.conflicts.len() + types.conflicts.len() + head.conflicts.len();
    // One side's whole manifest, with that side's choice wherever the two disagree.
    let side_version = |side: merge::Side| -> Manifest {
        let pick = |m: &Merged<_>| -> Vec<_> {
            let mut v = m.records.clone();
            v.extend(m.conflicts.iter().filter_map(|c| c.resolve(side)));
            v.sort_by(|a: &crate::model::Metric, b| a.id.cmp(&b.id));
            v
        };
        let pick_t = |m: &Merged<crate::model::Term>| -> Vec<_> {
            let mut v = m.records.clone();
            v.extend(m.conflicts.iter().filter_map(|c| c.resolve(side)));
            v.sort_by(|a, b| a.id.cmp(&b.id));
            v
        };
        let head = head
            .records
            .first()
            .cloned()
            .or_else(|| head.conflicts.first().and_then(|c| c.resolve(side)))
            .unwrap_or_default();
        Manifest {
            metrics: pick(&metrics),
            event_types: pick_t(&types),
            ..head
        }
    };
    let merged = side_version(merge::Side::Ours);
    let text = if conflicts == 0 {
        canonical(&merged)?
    } else {
        // The manifest is one record: the markers go around all of it.
        let theirs = canonical(&side_version(merge::Side::Theirs))?;
        let ours = canonical(&merged)?;
        format!("{OURS_MARKER}\n{ours}{SPLIT_MARKER}\n{theirs}{THEIRS_MARKER}\n")
    };
    Ok(FileMerge { text, conflicts })
}

/// Merges three versions of one dataset file of the given role.
pub fn merge_texts(
    role: FileRole,
    base: &str,
    ours: &str,
    theirs: &str,
) -> Result<FileMerge, FileMergeError> {
    match role {
        FileRole::Manifest => merge_manifest(base, ours, theirs),
        FileRole::Records(Kind::Actor) => merge_records::<Actor>(base, ours, theirs),
        FileRole::Records(Kind::Source) => merge_records::<Source>(base, ours, theirs),
        FileRole::Records(Kind::Event) => merge_records::<Event>(base, ours, theirs),
        FileRole::Records(Kind::Claim) => merge_records::<Claim>(base, ours, theirs),
    }
}

/// The role of a dataset file from its path inside the dataset (`claims/2024.ron`,
/// `dataset.ron`), as git passes it to the driver.
pub fn role_of_path(path: &str) -> Option<FileRole> {
    let path = path.replace('\\', "/");
    let mut parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let name = parts.pop()?;
    if name == super::MANIFEST {
        return Some(FileRole::Manifest);
    }
    // The nearest folder named after a kind (the dataset may sit anywhere in the repository).
    parts.iter().rev().find_map(|p| {
        Kind::ALL
            .into_iter()
            .find(|k| k.folder().eq_ignore_ascii_case(p))
            .map(FileRole::Records)
    })
}

/// The role of a file from its text, when its path does not tell: the first kind whose
/// records all three versions parse as.
pub fn role_of_texts(texts: [&str; 3]) -> Option<FileRole> {
    let fits = |role: FileRole| {
        texts.iter().all(|t| {
            t.trim().is_empty()
                || match role {
                    FileRole::Manifest => {
                        read_options().from_str::<Manifest>(&normalize(t)).is_ok()
                    }
                    FileRole::Records(Kind::Actor) => parse::<Vec<Actor>>("", t).is_ok(),
                    FileRole::Records(Kind::Source) => parse::<Vec<Source>>("", t).is_ok(),
                    FileRole::Records(Kind::Event) => parse::<Vec<Event>>("", t).is_ok(),
                    FileRole::Records(Kind::Claim) => parse::<Vec<Claim>>("", t).is_ok(),
                }
        })
    };
    [
        FileRole::Records(Kind::Claim),
        FileRole::Records(Kind::Event),
        FileRole::Records(Kind::Source),
        FileRole::Records(Kind::Actor),
        FileRole::Manifest,
    ]
    .into_iter()
    .find(|r| fits(*r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DateText, Qualifier, Value};

    fn claim(id: &str, best: u64) -> Claim {
        Claim::new(
            id,
            "killed",
            "kp",
            "ua",
            Value::new(Qualifier::Exact, best),
            DateText::new("2025-01-13"),
        )
    }

    fn text(claims: &[Claim]) -> String {
        canonical(&claims.iter().collect::<Vec<_>>()).expect("render")
    }

    #[test]
    fn a_list_written_element_by_element_is_the_canonical_list() {
        let claims = vec![claim("a", 1), claim("b", 2), claim("c", 3)];
        assert_eq!(
            render_with_conflicts::<Claim>(&claims, &[]).expect("render"),
            text(&claims)
        );
        let c = Conflict::between(None, Some(claim("b", 5)), Some(claim("b", 6)));
        let with = render_with_conflicts(&[claim("a", 1), claim("c", 3)], &[c]).expect("render");
        // Without the markers and their side, it is the canonical list.
        let sides = split_markers(&with).expect("markers");
        assert_eq!(
            sides.ours,
            text(&[claim("a", 1), claim("b", 5), claim("c", 3)])
        );
        assert_eq!(
            sides.theirs,
            text(&[claim("a", 1), claim("b", 6), claim("c", 3)])
        );
        assert_eq!(sides.base, None);
    }

    #[test]
    fn markers_with_a_base_give_three_sides_and_the_lines_of_ours() {
        let t = "[\n<<<<<<< HEAD\nA\n||||||| merged common ancestors\nB\n=======\nC\n>>>>>>> other\nD\n]\n";
        let s = split_markers(t).expect("markers");
        assert_eq!(s.ours, "[\nA\nD\n]\n");
        assert_eq!(s.base.as_deref(), Some("[\nB\nD\n]\n"));
        assert_eq!(s.theirs, "[\nC\nD\n]\n");
        assert_eq!(s.ours_lines, vec![1, 3, 9, 10]);
        assert_eq!(s.starts, vec![2]);
        assert_eq!(split_markers("[\n]\n"), None);
        // Unterminated: left to the parser.
        assert_eq!(split_markers("<<<<<<< x\nA\n"), None);
    }

    #[test]
    fn the_driver_merges_different_records_and_marks_only_the_conflicting_one() {
        let base = text(&[claim("a", 1), claim("b", 2), claim("c", 3)]);
        let ours = text(&[claim("a", 10), claim("b", 2), claim("c", 3), claim("d", 4)]);
        let theirs = text(&[claim("a", 11), claim("b", 2), claim("e", 5)]);
        let m = merge_texts(FileRole::Records(Kind::Claim), &base, &ours, &theirs).expect("merge");
        assert_eq!(m.conflicts, 1);
        let sides = split_markers(&m.text).expect("markers");
        assert_eq!(
            sides.ours,
            text(&[claim("a", 10), claim("b", 2), claim("d", 4), claim("e", 5)])
        );
        assert_eq!(
            sides.theirs,
            text(&[claim("a", 11), claim("b", 2), claim("d", 4), claim("e", 5)])
        );
        // c was deleted by theirs and untouched by ours.
        assert!(!m.text.contains("\"c\""));
    }

    #[test]
    fn an_empty_base_and_windows_line_ends_merge() {
        let ours = text(&[claim("a", 1)]).replace('\n', "\r\n");
        let theirs = text(&[claim("b", 2)]);
        let m = merge_texts(FileRole::Records(Kind::Claim), "", &ours, &theirs).expect("merge");
        assert_eq!(m.conflicts, 0);
        assert_eq!(m.text, text(&[claim("a", 1), claim("b", 2)]));
    }

    #[test]
    fn unparsable_versions_are_refused() {
        let e = merge_texts(FileRole::Records(Kind::Claim), "", "[ (", "[]").expect_err("bad");
        assert!(
            e.to_string()
                .starts_with("the our version does not parse: 1:"),
            "{e}"
        );
    }

    /// Random edits of a side: each record of its share changed (notes, figure, grading) or
    /// deleted, and new records added.
    fn edit_side(base: &[Claim], rng: &mut fastrand::Rng, share: usize, tag: &str) -> Vec<Claim> {
        let mut out = Vec::new();
        for (i, c) in base.iter().enumerate() {
            if i % 2 != share || rng.u8(..3) == 0 {
                out.push(c.clone());
                continue;
            }
            let mut c = c.clone();
            match rng.u8(..4) {
                0 => continue,
                1 => c.notes = format!("{tag} {}", rng.u32(..)).into(),
                2 => c.value = Value::new(Qualifier::Approx, rng.u64(..1_000_000)),
                _ => c.credibility = Some(i64::from(rng.u8(1..7))),
            }
            out.push(c);
        }
        for n in 0..rng.usize(..3) {
            out.push(claim(&format!("{tag}-new-{n}"), rng.u64(..100)));
        }
        rng.shuffle(&mut out);
        out
    }

    #[test]
    fn merging_edits_of_different_records_equals_applying_both_and_is_canonical() {
        for seed in 0..300 {
            let mut rng = fastrand::Rng::with_seed(seed);
            let base: Vec<Claim> = (0..rng.usize(..12))
                .map(|i| claim(&format!("c{i:02}"), rng.u64(..1000)))
                .collect();
            let ours = edit_side(&base, &mut rng, 0, "ours");
            let theirs = edit_side(&base, &mut rng, 1, "theirs");
            // What applying both sides' edits gives.
            let mut expected: std::collections::BTreeMap<crate::model::record::Name, Claim> =
                base.iter().map(|c| (c.id.clone(), c.clone())).collect();
            for (side, share) in [(&ours, 0), (&theirs, 1)] {
                for (i, b) in base.iter().enumerate() {
                    if i % 2 == share {
                        match side.iter().find(|c| c.id == b.id) {
                            Some(c) => expected.insert(c.id.clone(), c.clone()),
                            None => expected.remove(&b.id),
                        };
                    }
                }
                for c in side.iter().filter(|c| c.id.contains("-new-")) {
                    expected.insert(c.id.clone(), c.clone());
                }
            }
            let m = merge_texts(
                FileRole::Records(Kind::Claim),
                &text(&base),
                &text(&ours),
                &text(&theirs),
            )
            .expect("merge");
            assert_eq!(m.conflicts, 0, "seed {seed}");
            let expected: Vec<Claim> = expected.into_values().collect();
            assert_eq!(m.text, text(&expected), "seed {seed}");
            // Canonical: parsed and written again, the same bytes.
            let again: Vec<Claim> = read_options().from_str(&m.text).expect("parse");
            assert_eq!(text(&again), m.text, "seed {seed}");
        }
    }

    #[test]
    fn the_role_comes_from_the_path_or_the_text() {
        assert_eq!(
            role_of_path("data/ds/claims/2024.ron"),
            Some(FileRole::Records(Kind::Claim))
        );
        assert_eq!(
            role_of_path("claims/2024/2024-03.ron"),
            Some(FileRole::Records(Kind::Claim))
        );
        assert_eq!(
            role_of_path("ds\\actors\\actors.ron"),
            Some(FileRole::Records(Kind::Actor))
        );
        assert_eq!(role_of_path("ds/dataset.ron"), Some(FileRole::Manifest));
        assert_eq!(role_of_path("notes.ron"), None);
        let t = text(&[claim("a", 1)]);
        assert_eq!(
            role_of_texts([&t, "", &t]),
            Some(FileRole::Records(Kind::Claim))
        );
    }
}
