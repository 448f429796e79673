//! Hostile and careless input from the command line: symbolic links that loop or lead out
//! of the dataset, a byte-order mark, grades and counts out of range, padded dates, NUL
//! characters, links that are not web addresses, years no calendar can place. Each gets a
//! message that names the problem at its place, nothing hangs, nothing outside the dataset
//! is written.

use std::fs;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Under, bin, native, sample_copy, snapshot, stdout};

/// Runs the binary; fails the test if it has not finished within `secs` (a hang).
fn run_within(secs: u64, args: &[&str]) -> Output {
    let mut child = Command::new(bin())
        .args(args)
        .env(
            crosscheck::store::cache::CACHE_DIR_VARIABLE,
            crate::common::cache_dir(),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if Instant::now() > deadline {
            child.kill().ok();
            panic!("crosscheck {args:?} did not finish within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn check(ds: &Path) -> (Option<i32>, String) {
    let o = run_within(30, &["check", "--strict", ds.to_str().expect("utf-8")]);
    (o.status.code(), stdout(&o))
}

/// Replaces the first `from` in the record `id` of `file`.
fn edit_record(ds: &Path, file: &str, id: &str, from: &str, to: &str) -> u32 {
    let path = ds.under(file);
    let text = fs::read_to_string(&path).expect("read");
    let at = text.find(&format!("id: \"{id}\"")).expect("record");
    let rel = text[at..].find(from).expect("field");
    let mut t = text.clone();
    t.replace_range(at + rel..at + rel + from.len(), to);
    fs::write(&path, &t).expect("write");
    text[..at + rel].lines().count() as u32
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_dataset_are_skipped_and_nothing_is_written_through_them() {
    use std::os::unix::fs::symlink;
    let (tmp, ds) = sample_copy();
    symlink(".", ds.under("claims/loop-a")).expect("symlink");
    symlink(".", ds.under("claims/loop-b")).expect("symlink");
    symlink("/usr", ds.under("claims/usr")).expect("symlink");
    let (code, out) = check(&ds);
    assert_eq!(code, Some(1), "warnings under --strict: {out}");
    assert!(
        out.contains("claims/loop-a is a symbolic link: skipped"),
        "{out}"
    );
    assert!(
        out.contains("claims/usr is a symbolic link: skipped"),
        "{out}"
    );
    assert!(!out.contains("duplicate"), "every record once: {out}");
    let o = run_within(
        30,
        &[
            "export",
            ds.to_str().expect("utf-8"),
            "--claims-csv",
            tmp.path().join("c.csv").to_str().expect("utf-8"),
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let rows = fs::read_to_string(tmp.path().join("c.csv"))
        .expect("csv")
        .lines()
        .count();
    assert_eq!(rows, 22, "21 claims and the header, not 41 copies");

    // A kind folder that is a link out of the dataset: not read, and fmt writes nothing there.
    let outside = tmp.path().join("outside");
    fs::create_dir(&outside).expect("mkdir");
    fs::rename(ds.join("sources"), outside.join("sources")).expect("move");
    symlink(outside.join("sources"), ds.join("sources")).expect("symlink");
    let before = snapshot(&outside);
    let o = run_within(30, &["fmt", ds.to_str().expect("utf-8")]);
    assert!(o.status.code().is_some());
    assert_eq!(
        snapshot(&outside),
        before,
        "nothing written outside the dataset"
    );
    assert!(
        fs::symlink_metadata(ds.join("sources"))
            .expect("meta")
            .file_type()
            .is_symlink()
    );

    // A record file that is a link is neither read nor replaced.
    let real = tmp.path().join("real-2024.ron");
    fs::rename(ds.under("events/2024.ron"), &real).expect("move");
    symlink(&real, ds.under("events/2024.ron")).expect("symlink");
    let real_before = fs::read(&real).expect("read");
    let o = run_within(30, &["fmt", ds.to_str().expect("utf-8")]);
    assert!(o.status.code().is_some());
    assert!(
        fs::symlink_metadata(ds.under("events/2024.ron"))
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read(&real).expect("read"), real_before);
}

#[test]
fn a_byte_order_mark_is_read_and_removed_by_fmt() {
    let (_tmp, ds) = sample_copy();
    let path = ds.under("claims/2025.ron");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(fs::read(&path).expect("read"));
    fs::write(&path, &bytes).expect("write");
    let (code, out) = check(&ds);
    assert_eq!(code, Some(0), "{out}");
    let o = run_within(30, &["fmt", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(fs::read(&path).expect("read"), bytes[3..].to_vec());
}

#[test]
fn grades_and_counts_out_of_range_are_reported_at_their_field_and_the_file_still_loads() {
    let (_tmp, ds) = sample_copy();
    let id = "jcs-2024-12-23-killed-or-wounded";
    let line = edit_record(
        &ds,
        "claims/2024.ron",
        id,
        "credibility: 3,",
        "credibility: 300,",
    );
    let (code, out) = check(&ds);
    assert_eq!(code, Some(1));
    let want = format!(
        "{}:{line}:9: error: credibility 300 is not between 1 and 6",
        native("claims/2024.ron")
    );
    assert!(out.contains(&want), "{want} in {out}");
    assert!(
        out.lines().filter(|l| l.contains("error")).count() == 1,
        "the rest loads: {out}"
    );

    let (_tmp2, ds) = sample_copy();
    let line = edit_record(&ds, "claims/2024.ron", id, "best: 1100,", "best: 3.5,");
    let before = snapshot(&ds);
    let (code, out) = check(&ds);
    assert_eq!(code, Some(1));
    let want = format!(
        "{}:{line}:13: error: best 3.5 is not a whole number",
        native("claims/2024.ron")
    );
    assert!(out.contains(&want), "{want} in {out}");
    // Never rewritten with the number changed.
    let o = run_within(30, &["fmt", ds.to_str().expect("utf-8")]);
    assert!(o.status.code().is_some());
    assert_eq!(snapshot(&ds), before);
}

#[test]
fn padded_dates_nul_characters_and_links_that_are_not_web_addresses_are_warnings() {
    let (_tmp, ds) = sample_copy();
    let id = "jcs-2024-12-23-killed-or-wounded";
    edit_record(
        &ds,
        "claims/2024.ron",
        id,
        "stated_on: \"2024-12-23\"",
        "stated_on: \" 2024-12-23 \"",
    );
    edit_record(
        &ds,
        "claims/2024.ron",
        id,
        "quote: \"about",
        "quote: \"\0about",
    );
    let sources = fs::read_to_string(ds.under("sources/2024.ron")).expect("read");
    let first_id = sources
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix("id: \"")
                .and_then(|r| r.strip_suffix("\","))
        })
        .expect("a source")
        .to_string();
    edit_record(
        &ds,
        "sources/2024.ron",
        &first_id,
        "title:",
        "url: \"file:///etc/passwd\",\n        title:",
    );
    let (code, out) = check(&ds);
    assert_eq!(code, Some(1), "warnings under --strict: {out}");
    assert!(
        out.contains("warning: stated_on `2024-12-23` had spaces around it"),
        "{out}"
    );
    assert!(
        out.contains("warning: quote holds a NUL character"),
        "{out}"
    );
    assert!(
        out.contains("warning: url `file:///etc/passwd` is not an http(s) address"),
        "{out}"
    );
    assert!(!out.contains(": error: "), "{out}");
}

#[test]
fn every_year_outside_the_calendar_is_refused_however_it_is_written() {
    for year in ["Y17E200", "Y1E19", "Y17E7", "Y-17E7"] {
        let (_tmp, ds) = sample_copy();
        let id = "jcs-2024-12-23-killed-or-wounded";
        let line = edit_record(
            &ds,
            "claims/2024.ron",
            id,
            "refers_to: \"2024-12-23\"",
            &format!("refers_to: \"{year}\""),
        );
        let (code, out) = check(&ds);
        assert_eq!(code, Some(1), "{year}: {out}");
        let want = format!(
            "{}:{line}:9: error: refers_to `{year}` is not a valid date",
            native("claims/2024.ron")
        );
        assert!(out.contains(&want), "{year}: {want} in {out}");
    }
}

#[test]
fn comments_are_warned_about_and_never_dropped_without_saying_so() {
    let (_tmp, ds) = sample_copy();
    let path = ds.under("claims/2025.ron");
    let text = fs::read_to_string(&path).expect("read");
    let with = text.replacen(
        "[\n",
        "[\n    // Checked against the Ukrinform original, 2025-02-03.\n",
        1,
    );
    fs::write(&path, &with).expect("write");
    let (code, out) = check(&ds);
    assert_eq!(code, Some(1), "a warning under --strict: {out}");
    assert!(
        out.contains(&format!(
            "{}:3:1: warning: a comment: saving this file would drop it",
            native("claims/2025.ron")
        )),
        "{out}"
    );
    // fmt leaves the file alone and says why; with --drop-comments it does as asked.
    let o = run_within(30, &["fmt", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        crate::common::stderr(&o).contains("has comments (line 3): not reformatted"),
        "{}",
        crate::common::stderr(&o)
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), with);
    let o = run_within(30, &["fmt", "--drop-comments", ds.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(fs::read_to_string(&path).expect("read"), text);
    // A block comment is one too; slashes inside strings (a URL, a date) are not.
    let block = text.replacen("[\n", "[\n    /* to check: Ukrinform, 2025/02/03 */\n", 1);
    fs::write(&path, &block).expect("write");
    let (_, out) = check(&ds);
    assert!(
        out.contains(&format!(
            "{}:3:1: warning: a comment",
            native("claims/2025.ron")
        )),
        "{out}"
    );
    let url = text.replacen(
        "quote: \"",
        "quote: \"https://www.ukrinform.net/ 2025/02/03 ",
        1,
    );
    assert_ne!(url, text, "a quote to put a URL in");
    fs::write(&path, &url).expect("write");
    let (code, out) = check(&ds);
    assert_eq!(code, Some(0), "no comment: {out}");
}
