//! Positions in file text: 1-based line and column (columns count characters, as ron's
//! errors do), and where each record's `id` stands, so that findings can point at records.

/// The 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = offset.min(text.len());
    let before = &text.as_bytes()[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    (to_u32(line), to_u32(col))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Walks forward through a text and finds, for each id in file order, the position of its
/// `id: "..."` field. Returns 1-based (line, column) pairs; an id that cannot be found (it is
/// written with escapes, say) gets the position after the previous one.
pub fn locate_ids<'a>(text: &str, ids: impl Iterator<Item = &'a str>) -> Vec<(u32, u32)> {
    let mut targets = Vec::new();
    let mut pos = 0usize;
    let mut needle = Vec::new();
    for id in ids {
        let found = find_id_field(text, pos, id, &mut needle);
        targets.push(found.map_or(pos, |(at, _)| at.max(pos)));
        pos = found.map_or(pos, |(_, end)| end.max(pos));
    }
    line_cols(text, targets)
}

/// The 1-based (line, column) of each of `offsets`, byte offsets in the text that never go
/// back: one walk through the text, however many there are.
pub fn line_cols(text: &str, offsets: impl IntoIterator<Item = usize>) -> Vec<(u32, u32)> {
    let bytes = text.as_bytes();
    let offsets = offsets.into_iter();
    let mut out = Vec::with_capacity(offsets.size_hint().0);
    let mut pos = 0usize;
    let (mut line, mut line_start) = (1usize, 0usize);
    for target in offsets {
        let target = target.clamp(pos, text.len());
        // Advance the line counter incrementally: the whole walk is linear in the file size.
        let passed = bytes.get(pos..target).unwrap_or_default();
        if let Some(last) = memchr::memrchr(b'\n', passed) {
            line += memchr::memchr_iter(b'\n', passed).count();
            line_start = pos + last + 1;
        }
        let col = text
            .get(line_start..target)
            .map_or(target - line_start, |s| s.chars().count())
            + 1;
        out.push((to_u32(line), to_u32(col)));
        pos = target;
    }
    out
}

/// The byte offsets of the `id` keyword and of the end of the value in the next
/// `id: "<id>"` whose value starts at or after `from`.
fn find_id_field(
    text: &str,
    from: usize,
    id: &str,
    needle: &mut Vec<u8>,
) -> Option<(usize, usize)> {
    needle.clear();
    needle.push(b'"');
    needle.extend_from_slice(id.as_bytes());
    needle.push(b'"');
    let mut start = from;
    while let Some(rel) = memchr::memmem::find(text.as_bytes().get(start..)?, needle) {
        let at = start + rel;
        let before = text[..at].trim_end();
        if let Some(b) = before.strip_suffix(':') {
            let b = b.trim_end();
            if let Some(prefix) = b.strip_suffix("id") {
                let boundary = prefix
                    .chars()
                    .next_back()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
                if boundary {
                    return Some((b.len() - 2, at + needle.len()));
                }
            }
        }
        start = at + needle.len();
    }
    None
}

/// The 1-based lines where comments (`// …`, `/* … */`) start, outside strings. RON allows
/// them; the canonical form does not keep them.
pub fn comment_lines(text: &str) -> Vec<u32> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut line) = (0usize, 1u32);
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'"' => {
                // A string: to its closing quote, past escapes.
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    if b.get(i) == Some(&b'\n') {
                        line += 1;
                    }
                    i += 1;
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"')) => {
                // A raw string r#"…"#: to the quote followed by as many hashes.
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    let start = i + 2 + hashes;
                    let end =
                        memchr::memmem::find(&b[start..], &close).map_or(b.len(), |e| start + e);
                    line += b[i..end].iter().filter(|&&c| c == b'\n').count() as u32;
                    i = end + close.len();
                    continue;
                }
            }
            b'\'' => {
                // A char literal.
                i += if b.get(i + 1) == Some(&b'\\') { 4 } else { 3 };
                continue;
            }
            b'/' if matches!(b.get(i + 1), Some(b'/' | b'*')) => {
                out.push(line);
                if b[i + 1] == b'/' {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                let end =
                    memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |e| i + 2 + e + 2);
                line += b[i..end.min(b.len())]
                    .iter()
                    .filter(|&&c| c == b'\n')
                    .count() as u32;
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The position of `field:` within the record whose `id` is on line `id_line` (1-based):
/// the first line after it that starts with the field's name, before the next record's id.
pub fn field_position(text: &str, id_line: u32, field: &str) -> Option<(u32, u32)> {
    let key = format!("{field}:");
    for (n, line) in text.lines().enumerate().skip(id_line as usize) {
        let body = line.trim_start();
        if body.starts_with("id:") {
            return None;
        }
        if body.starts_with(&key) {
            let col = line.chars().count() - body.chars().count() + 1;
            return Some((to_u32(n + 1), to_u32(col)));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let t = "ab\nкд x";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        let x = t.find('x').unwrap_or(0);
        assert_eq!(line_col(t, x), (2, 4));
    }

    #[test]
    fn comments_are_found_outside_strings_only() {
        let t = "// head\n[\n    (id: \"a // not\", notes: r#\"/* no */\"#), /* yes\n */\n    (id: \"b\"), // tail\n]\n";
        assert_eq!(comment_lines(t), vec![1, 3, 5]);
        assert!(comment_lines("[(id: \"a\", notes: \"http://x\")]").is_empty());
    }

    #[test]
    fn fields_are_found_inside_their_record_only() {
        let t = "[\n    (\n        id: \"a\",\n        value: (\n            best: 3.5,\n        ),\n    ),\n    (\n        id: \"b\",\n        credibility: 300,\n    ),\n]\n";
        assert_eq!(field_position(t, 3, "best"), Some((5, 13)));
        assert_eq!(field_position(t, 3, "credibility"), None);
        assert_eq!(field_position(t, 9, "credibility"), Some((10, 9)));
    }

    #[test]
    fn positions_in_one_walk_are_those_found_one_at_a_time() {
        let t = "[\n  (id: \"é\"),\n\n  (notes: \"Курськ\", id: \"b\"),\r\n🇺🇦 (id: \"c\")]\n";
        let offsets: Vec<usize> = t.match_indices("id").map(|(i, _)| i).collect();
        assert_eq!(offsets.len(), 3);
        let one_at_a_time: Vec<(u32, u32)> = offsets.iter().map(|&o| line_col(t, o)).collect();
        assert_eq!(line_cols(t, offsets.iter().copied()), one_at_a_time);
        assert_eq!(one_at_a_time[2], (5, 5));
        // The same offset twice, and none.
        assert_eq!(line_cols(t, [3, 3]), vec![(2, 2), (2, 2)]);
        assert!(line_cols(t, []).is_empty());
    }

    #[test]
    fn ids_are_found_in_order_and_not_in_other_fields() {
        let t = "[\n    (\n        id: \"a\",\n        supersedes: \"b\",\n    ),\n    (\n        id: \"b\",\n    ),\n]\n";
        assert_eq!(locate_ids(t, ["a", "b"].into_iter()), vec![(3, 9), (7, 9)]);
        let bad = "[(event_id: \"a\"), (id: \"a\")]";
        assert_eq!(locate_ids(bad, ["a"].into_iter()), vec![(1, 20)]);
        let dup = "[\n(id: \"a\"),\n(id: \"a\"),\n]";
        assert_eq!(
            locate_ids(dup, ["a", "a"].into_iter()),
            vec![(2, 2), (3, 2)]
        );
    }
}
