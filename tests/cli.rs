//! The command line as researchers and their CI run it: `check` on the sample and on damaged
//! copies (exit codes, `path:line:col` messages, no panic, no file touched), `fmt`, `export`.

use std::fs;
use std::path::Path;

use crate::common::{SAMPLE, Under, bin, run, sample_copy, snapshot, stderr, stdout};

#[test]
fn check_passes_on_the_sample() {
    let o = run(&["check", SAMPLE]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
    assert!(stderr(&o).contains("21 claims"), "{}", stderr(&o));
}

#[test]
fn fmt_check_finds_nothing_to_change_in_the_sample() {
    let o = run(&["fmt", SAMPLE, "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
}

#[test]
fn fmt_rewrites_a_hand_edited_file_into_canonical_form() {
    let (_tmp, ds) = sample_copy();
    let path = ds.under("actors/actors.ron");
    let canonical = fs::read(&path).expect("read");
    let messy = String::from_utf8(canonical.clone())
        .expect("utf8")
        .replace("    ", "  ")
        .replace("#![enable(implicit_some)]\n", "");
    fs::write(&path, messy).expect("write");
    let o = run(&["fmt", ds.to_str().expect("path"), "--check"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("actors.ron"), "{}", stdout(&o));
    let o = run(&["fmt", ds.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(fs::read(&path).expect("read"), canonical);
}

#[test]
fn check_cannot_run_on_a_folder_that_is_not_a_dataset() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = run(&["check", tmp.path().to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("dataset.ron"), "{}", stderr(&o));
    let missing = tmp.path().join("nope");
    let o = run(&["check", missing.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["check"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn strict_turns_warnings_into_failure() {
    let (_tmp, ds) = sample_copy();
    let path = ds.under("claims/2025.ron");
    // A claim without a source is a warning.
    let text = fs::read_to_string(&path).expect("read");
    let start = text
        .find("id: \"zakharova-2025-04-26-korean-friends\"")
        .expect("claim");
    let sources = start + text[start..].find("        sources: [").expect("sources");
    let end = sources + text[sources..].find("        ],\n").expect("end") + "        ],\n".len();
    fs::write(&path, format!("{}{}", &text[..sources], &text[end..])).expect("write");
    let dir = ds.to_str().expect("path");
    let o = run(&["check", dir]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stdout(&o).contains(": warning: the claim cites no source"),
        "{}",
        stdout(&o)
    );
    let o = run(&["check", dir, "--strict"]);
    assert_eq!(o.status.code(), Some(1));
}

/// A damaged copy of the sample: `check` exits 1 with a `path:line:col: error:` line for
/// `file`, never panics, and neither `check` nor `fmt` changes the damaged file.
fn assert_reported(
    name: &str,
    file: &str,
    damage: impl FnOnce(&Path),
    expect: Option<(u32, u32, &str)>,
) {
    let (_tmp, ds) = sample_copy();
    let path = ds.under(file);
    damage(&path);
    let before = snapshot(&ds);
    let dir = ds.to_str().expect("path");
    let o = run(&["check", dir]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{name}: {out}{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
    let prefix = format!("{}:", path.display());
    let line = out
        .lines()
        .find(|l| l.starts_with(&prefix) && l.contains(": error: "))
        .unwrap_or_else(|| panic!("{name}: no error for {file} in {out}"));
    let mut parts = line[prefix.len()..].splitn(3, ':');
    let l: u32 = parts.next().and_then(|s| s.parse().ok()).expect("line");
    let c: u32 = parts.next().and_then(|s| s.parse().ok()).expect("col");
    assert!(l >= 1 && c >= 1, "{name}: {line}");
    if let Some((el, ec, msg)) = expect {
        assert_eq!((l, c), (el, ec), "{name}: {line}");
        assert!(line.contains(msg), "{name}: {line}");
    }
    assert_eq!(snapshot(&ds), before, "{name}: check changed files");
    let o = run(&["fmt", dir]);
    assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
    assert_eq!(
        fs::read(&path).expect("read"),
        before[&Path::new("").under(file)],
        "{name}: fmt changed the damaged file"
    );
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "{from} not in {}", path.display());
    fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn a_truncated_file() {
    assert_reported(
        "truncated",
        "claims/2024.ron",
        |p| {
            let bytes = fs::read(p).expect("read");
            fs::write(p, &bytes[..bytes.len() / 3]).expect("write");
        },
        None,
    );
    assert_reported(
        "empty",
        "events/2025.ron",
        |p| fs::write(p, "").expect("write"),
        None,
    );
}

#[test]
fn invalid_utf8() {
    assert_reported(
        "invalid UTF-8",
        "claims/2025.ron",
        |p| {
            let text = fs::read_to_string(p).expect("read");
            let at = text.find("about 300").expect("quote");
            let mut bytes = text.into_bytes();
            bytes.splice(at..at, [0xff, 0xfe]);
            fs::write(p, bytes).expect("write");
        },
        None,
    );
    // The position is that of the first bad byte.
    let (_tmp, ds) = sample_copy();
    fs::write(ds.under("sources/2024.ron"), b"[\n  (id: \"a\xffb\"),\n]\n").expect("write");
    let o = run(&["check", ds.to_str().expect("path")]);
    let expected = format!(
        "{}:2:10: error: invalid UTF-8",
        ds.under("sources/2024.ron").display()
    );
    assert!(stdout(&o).contains(&expected), "{}", stdout(&o));
}

#[test]
fn absurd_nesting() {
    assert_reported(
        "nesting",
        "events/2024.ron",
        |p| {
            fs::write(p, "[".repeat(100_000)).expect("write");
        },
        None,
    );
    assert_reported(
        "nesting in a field",
        "claims/2024.ron",
        |p| {
            edit(p, "value: (", &format!("value: {}", "(".repeat(5_000)));
        },
        None,
    );
}

#[test]
fn absurd_numbers() {
    for (name, to) in [
        ("huge", "best: 99999999999999999999999999,"),
        ("negative", "best: -5,"),
        ("float", "best: 1e308,"),
        ("nan", "best: NaN,"),
    ] {
        assert_reported(
            name,
            "claims/2024.ron",
            |p| edit(p, "best: 1100,", to),
            None,
        );
    }
    // Larger than a count can be, but a valid u64: a validation error at the record.
    assert_reported(
        "beyond 2^53",
        "claims/2024.ron",
        |p| edit(p, "best: 1100,", "best: 18446744073709551615,"),
        None,
    );
}

#[test]
fn impossible_dates() {
    let (_tmp, ds) = sample_copy();
    let text = fs::read_to_string(ds.under("claims/2024.ron")).expect("read");
    let id_line = text
        .lines()
        .position(|l| l.contains("id: \"jcs-2024-12-23-killed-or-wounded\""))
        .expect("claim");
    // The date's own line, not the record's id.
    let date_line = text
        .lines()
        .enumerate()
        .skip(id_line)
        .find(|(_, l)| l.contains("stated_on:"))
        .expect("date")
        .0 as u32
        + 1;
    assert_reported(
        "impossible date",
        "claims/2024.ron",
        |p| {
            let text = fs::read_to_string(p).expect("read");
            let at = text
                .find("id: \"jcs-2024-12-23-killed-or-wounded\"")
                .expect("claim");
            let rel = text[at..].find("stated_on: \"2024-12-23\"").expect("date");
            let mut t = text.clone();
            t.replace_range(
                at + rel..at + rel + "stated_on: \"2024-12-23\"".len(),
                "stated_on: \"2024-02-30\"",
            );
            fs::write(p, t).expect("write");
        },
        Some((date_line, 9, "stated_on `2024-02-30` is not a valid date")),
    );
    assert_reported(
        "reversed interval",
        "events/2025.ron",
        |p| edit(p, "date: \"2025-01/2025-02\"", "date: \"2025-02/2025-01\""),
        None,
    );
    assert_reported(
        "month 13",
        "sources/2024.ron",
        |p| edit(p, "published: \"2024-10\"", "published: \"2024-13\""),
        None,
    );
}

#[test]
fn duplicated_records() {
    assert_reported(
        "duplicate",
        "claims/2024.ron",
        |p| {
            let text = fs::read_to_string(p).expect("read");
            let start = text.find("    (\n").expect("first record");
            let end = start + text[start..].find("\n    ),\n").expect("end") + "\n    ),\n".len();
            let record = text[start..end].to_string();
            fs::write(p, format!("{}{}", &text[..end], record) + &text[end..]).expect("write");
        },
        None,
    );
}

#[test]
fn wrong_types_and_unknown_fields() {
    assert_reported(
        "string for a number",
        "claims/2024.ron",
        |p| edit(p, "best: 1100,", "best: \"1100\","),
        None,
    );
    assert_reported(
        "unknown qualifier",
        "claims/2024.ron",
        |p| edit(p, "qualifier: approx,", "qualifier: roughly,"),
        None,
    );
    assert_reported(
        "manifest",
        "dataset.ron",
        |p| edit(p, "format_version: 1,", "format_version: one,"),
        None,
    );
}

#[test]
fn export_writes_the_fixed_header_and_the_seed_claims() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let csv_path = tmp.path().join("claims.csv");
    let o = run(&[
        "export",
        SAMPLE,
        "--claims-csv",
        csv_path.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut r = csv::Reader::from_path(&csv_path).expect("csv");
    let header: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header.join(","),
        "claim_id,metric,subject,claimant,claimant_name,via,stated_on,stated_on_earliest,stated_on_latest,refers_to,refers_to_earliest,refers_to_latest,scope,qualifier,best,low,high,reliability,credibility,rank,rank_reason,supersedes,event_id,source_ids,quote,method,notes"
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 21);
    let col = |name: &str| header.iter().position(|h| h == name).expect("column");
    let row = |id: &str| {
        rows.iter()
            .find(|r| &r[0] == id)
            .unwrap_or_else(|| panic!("{id}"))
            .clone()
    };

    let z = row("zelensky-2024-12-23-killed-or-wounded");
    assert_eq!(&z[col("claimant")], "ua-zelensky");
    assert_eq!(&z[col("claimant_name")], "Volodymyr Zelensky");
    assert_eq!(&z[col("metric")], "killed_or_wounded");
    assert_eq!(&z[col("qualifier")], "more_than");
    assert_eq!(&z[col("best")], "3000");
    assert_eq!(&z[col("low")], "");
    assert_eq!(&z[col("stated_on_earliest")], "2024-12-23");
    assert_eq!(
        &z[col("source_ids")],
        "kyivindependent-2024-12-23-zelensky;report-2025-04-26"
    );

    let sent = row("unattributed-2025-03-troops-sent");
    assert_eq!(&sent[col("qualifier")], "at_least");
    assert_eq!(&sent[col("best")], "3000");
    assert_eq!(&sent[col("scope")], "period");
    assert_eq!(&sent[col("refers_to")], "2025-01/2025-02");
    assert_eq!(&sent[col("refers_to_earliest")], "2025-01-01");
    assert_eq!(&sent[col("refers_to_latest")], "2025-02-28");
    assert_eq!(&sent[col("stated_on_earliest")], "2025-03-01");
    assert_eq!(&sent[col("stated_on_latest")], "2025-03-31");

    let nis = row("nis-2025-01-13-wounded");
    assert_eq!(&nis[col("via")], "kr-lee-seong-kweun");
    assert_eq!(&nis[col("qualifier")], "approx");
    assert_eq!(&nis[col("best")], "2700");
    assert_eq!(&nis[col("reliability")], "B");
    assert_eq!(&nis[col("credibility")], "2");
    assert_eq!(&nis[col("supersedes")], "nis-2024-12-19-wounded");

    let hur = row("hur-2024-10-24-troops");
    assert_eq!(&hur[col("qualifier")], "approx");
    assert_eq!(&hur[col("best")], "12000");
    assert!(hur[col("quote")].contains("approximately 12 000 soldiers"));

    let gerasimov = row("gerasimov-2025-04-26-dprk-participation");
    assert_eq!(&gerasimov[col("qualifier")], "none");
    assert_eq!(&gerasimov[col("best")], "");
    assert_eq!(&gerasimov[col("refers_to")], "2024-10/2025-04");
}

#[cfg(unix)]
#[test]
fn a_save_that_fails_half_way_keeps_the_old_file_and_leaves_no_temporary() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt, chown};
    use std::os::unix::process::CommandExt;
    use std::process::Command;

    let (tmp, ds) = sample_copy();
    // Two files need rewriting: sources/2025.ron is written first, events/2025.ron second.
    for f in ["sources/2025.ron", "events/2025.ron"] {
        let p = ds.join(f);
        let mut text = fs::read_to_string(&p).expect("read");
        text.push('\n');
        fs::write(&p, text).expect("write");
    }
    let events_before = fs::read(ds.under("events/2025.ron")).expect("read");
    // Root ignores a read-only folder: run the binary as an unprivileged user then.
    let exe = tmp.path().join("crosscheck");
    fs::copy(bin(), &exe).expect("copy binary");
    let as_root = fs::metadata(tmp.path()).expect("meta").uid() == 0;
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
    if as_root {
        fn chown_all(p: &Path) {
            chown(p, Some(65534), Some(65534)).expect("chown");
            if p.is_dir() {
                for e in fs::read_dir(p).expect("read_dir") {
                    chown_all(&e.expect("entry").path());
                }
            }
        }
        chown_all(tmp.path());
    }
    let events_dir = ds.join("events");
    fs::set_permissions(&events_dir, fs::Permissions::from_mode(0o555)).expect("chmod");
    let mut cmd = Command::new(&exe);
    cmd.args(["fmt", ds.to_str().expect("path")]).env(
        crosscheck::store::cache::CACHE_DIR_VARIABLE,
        crate::common::cache_dir(),
    );
    if as_root {
        cmd.uid(65534).gid(65534);
    }
    let o = cmd.output().expect("run fmt");
    fs::set_permissions(&events_dir, fs::Permissions::from_mode(0o755)).expect("chmod back");

    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&crate::common::native("events/2025.ron"))
            && err.contains("could not be written"),
        "{err}"
    );
    // The first file was written (canonical again), the second is as it was.
    let sources = fs::read_to_string(ds.under("sources/2025.ron")).expect("read");
    assert!(
        !sources.ends_with("\n\n"),
        "sources/2025.ron was not rewritten"
    );
    assert_eq!(
        fs::read(ds.under("events/2025.ron")).expect("read"),
        events_before
    );
    // No temporary file anywhere.
    let leftovers: Vec<_> = snapshot(&ds)
        .into_keys()
        .filter(|p| p.to_string_lossy().contains(".crosscheck-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn plot_writes_an_svg_with_a_legend_entry_per_claimant_and_a_mark_per_claim() {
    use crosscheck::model::filter::{Filter, SearchIndex, apply};
    let tmp = tempfile::tempdir().expect("tempdir");
    let loaded = crosscheck::store::Store::load(Path::new(SAMPLE)).expect("load");
    let ds = &loaded.dataset;
    let shown = apply(ds, &SearchIndex::build(ds), &Filter::default()).claims;
    for metric in [
        "troops_deployed",
        "killed",
        "wounded",
        "killed_or_wounded",
        "captured",
    ] {
        let out = tmp.path().join(format!("{metric}.svg"));
        let o = run(&[
            "plot",
            SAMPLE,
            "--metric",
            metric,
            "--out",
            out.to_str().expect("path"),
        ]);
        assert_eq!(o.status.code(), Some(0), "{metric}: {}", stderr(&o));
        let svg = fs::read_to_string(&out).expect("svg");
        // The claims that carry a number, and their claimants.
        let plotted: Vec<&crosscheck::model::Claim> = shown
            .iter()
            .map(|&i| &ds.claims[i])
            .filter(|c| c.metric == metric && c.value.qualifier.has_number())
            .collect();
        let mut claimants: Vec<&str> = plotted.iter().map(|c| c.claimant.as_str()).collect();
        if metric == "killed_or_wounded" {
            claimants.push("kr-nis"); // the sums of NIS's parts
        }
        claimants.sort_unstable();
        claimants.dedup();
        assert_eq!(
            svg.matches("class=\"legend-entry\"").count(),
            claimants.len(),
            "{metric}"
        );
        for id in &claimants {
            assert!(
                svg.contains(&format!("data-claimant=\"{id}\"")),
                "{metric}: {id}"
            );
            let name = &ds.actor(id).expect("actor").name;
            let shown_name: String = name
                .chars()
                .take(20)
                .collect::<String>()
                .replace('"', "&quot;");
            assert!(svg.contains(&shown_name), "{metric}: legend lacks {name}");
        }
        assert_eq!(
            svg.matches("class=\"mark\"").count(),
            plotted.len(),
            "{metric}"
        );
        for c in &plotted {
            assert!(
                svg.contains(&format!("data-claim=\"{}\"", c.id)),
                "{metric}: {}",
                c.id
            );
        }
    }
    // The NIS / Zelensky / JCS disagreement in one picture: both sums of NIS's parts.
    let svg = fs::read_to_string(tmp.path().join("killed_or_wounded.svg")).expect("svg");
    assert!(svg.contains("data-parts=\"nis-2025-01-13-killed;nis-2025-01-13-wounded\""));
    assert!(svg.contains("300 + 2,700 (sum)"));

    // PNG, the other axis, a filter.
    let png = tmp.path().join("k.png");
    let o = run(&[
        "plot",
        SAMPLE,
        "--metric",
        "killed",
        "--x",
        "stated_on",
        "--filter",
        "lee",
        "--out",
        png.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let bytes = fs::read(&png).expect("png");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let o = run(&[
        "plot",
        SAMPLE,
        "--metric",
        "eaten",
        "--out",
        png.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("troops_deployed"), "{}", stderr(&o));
}

#[test]
fn export_json_holds_the_same_records_as_the_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let json = tmp.path().join("all.json");
    let o = run(&["export", SAMPLE, "--json", json.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("21 claims, 8 events"), "{}", stderr(&o));
    let text = std::fs::read_to_string(&json).expect("json");
    let from_json = crosscheck::store::read_json(&text).expect("parses as a dataset");
    let mut from_ron = crosscheck::store::Store::load(std::path::Path::new(SAMPLE))
        .expect("load")
        .dataset;
    // Where a record was read from is not part of it.
    from_ron.claims.iter_mut().for_each(|c| c.origin = None);
    from_ron.events.iter_mut().for_each(|c| c.origin = None);
    from_ron.sources.iter_mut().for_each(|c| c.origin = None);
    from_ron.actors.iter_mut().for_each(|c| c.origin = None);
    from_ron.manifest.origin = None;
    from_ron
        .manifest
        .metrics
        .iter_mut()
        .for_each(|m| m.origin = None);
    from_ron
        .manifest
        .event_types
        .iter_mut()
        .for_each(|m| m.origin = None);
    assert_eq!(from_json, from_ron);
    // Plain JSON a researcher can query: a claim's fields by their RON names.
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let z = v["claims"]
        .as_array()
        .expect("claims")
        .iter()
        .find(|c| c["id"] == "zelensky-2024-12-23-killed-or-wounded")
        .expect("zelensky");
    assert_eq!(z["claimant"], "ua-zelensky");
    assert_eq!(z["stated_on"], "2024-12-23");
}

#[test]
fn gen_is_deterministic_and_writes_a_clean_dataset() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    for (dir, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let o = run(&[
            "gen",
            dir.to_str().expect("path"),
            "--events",
            "50",
            "--claims",
            "1000",
            "--seed",
            seed,
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
    assert_eq!(snapshot(&a), snapshot(&b), "same seed, same bytes");
    assert_ne!(snapshot(&a), snapshot(&c));
    let o = run(&["check", a.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(
        stderr(&o).contains("1000 claims, 50 events"),
        "{}",
        stderr(&o)
    );
    let o = run(&["fmt", a.to_str().expect("path"), "--check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // It refuses to write over a dataset.
    let o = run(&["gen", a.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn bench_ui_runs_every_phase_headless() {
    // Not timed: it must run the real window without a display, report each phase, and
    // leave the dataset as it found it (it edits a claim in memory, never saves).
    let (_tmp, dir) = sample_copy();
    let before = snapshot(&dir);
    let o = run(&["bench-ui", dir.to_str().expect("path"), "--frames", "5"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(snapshot(&dir), before);
    let text = stdout(&o);
    for phase in [
        "scroll the claims list",
        "hover the plot",
        "pan the plot",
        "type a filter",
        "type into a claim's notes",
        "keystroke until shown",
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(phase))
            .unwrap_or_else(|| panic!("{phase}: {text}"));
        let numbers: Vec<f64> = line[phase.len()..]
            .split_whitespace()
            .filter_map(|n| n.parse().ok())
            .collect();
        assert_eq!(numbers.len(), 5, "{line}");
        assert!(numbers[3] > 0.0, "no vertices: {line}");
    }
}
