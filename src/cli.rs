//! The command line of the `crosscheck` binary: the window (no command, or `open DIR`),
//! `check`, `fmt`, `export`, `summary`, and git's merge driver (`merge`, `git-setup`). Every command prints
//! problems as `path:line:col: error|warning: message` and never panics on bad input.
//!
//! Exit codes: 0 success, 1 problems found, 2 could not run.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::model::{Finding, Severity, Tally};
use crate::store::{Loaded, OnConflict, Store};

#[derive(Parser, Debug)]
#[command(
    name = "crosscheck",
    version,
    about = "Curate who claims what about an armed conflict: events, claims, claimants and sources kept as RON files."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Open a dataset in the window.
    Open {
        /// The dataset folder (the one holding dataset.ron).
        dir: PathBuf,
    },
    /// Draw the claims of one metric by claimant over time, as SVG or PNG (by the extension).
    Plot {
        /// The dataset folder.
        dir: PathBuf,
        /// The metric to plot (an id of the manifest: troops_deployed, killed, ...).
        #[arg(long)]
        metric: String,
        /// Which date is the x axis.
        #[arg(long, value_enum, default_value = "refers_to")]
        x: XArg,
        /// Only claims whose text contains all these words (as the window's search).
        #[arg(long)]
        filter: Option<String>,
        /// Include deprecated claims (faded).
        #[arg(long)]
        deprecated: bool,
        /// Leave out sums of parts for a combined metric.
        #[arg(long)]
        no_sums: bool,
        /// The file to write: FILE.svg or FILE.png.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a deterministic synthetic dataset (for benchmarks and scale tests) to a new folder.
    Gen {
        /// The folder to create (it must not hold a dataset yet).
        dir: PathBuf,
        #[arg(long, default_value_t = 1_000)]
        events: usize,
        #[arg(long, default_value_t = 10_000)]
        claims: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a synthetic CSV shaped like an ACLED export (for measuring `import`).
    #[command(hide = true)]
    GenAcled {
        /// The CSV file to write.
        file: PathBuf,
        #[arg(long, default_value_t = 200_000)]
        rows: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Run the window headlessly on a dataset and print per-frame CPU time and vertices.
    BenchUi {
        /// The dataset folder.
        dir: PathBuf,
        /// Frames per phase (scroll, hover, pan, type).
        #[arg(long, default_value_t = 300)]
        frames: usize,
    },
    /// Print a dataset's claims as a table, and its problems.
    Summary {
        /// The dataset folder.
        dir: PathBuf,
    },
    /// Validate a dataset and print every problem as `path:line:col: severity: message`.
    Check {
        /// The dataset folder.
        dir: PathBuf,
        /// Exit 1 on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Rewrite the dataset's files in canonical form (files that do not parse are left alone).
    Fmt {
        /// The dataset folder.
        dir: PathBuf,
        /// Only list the files that would change; exit 1 if any would.
        #[arg(long)]
        check: bool,
        /// Rewrite files that have comments too, dropping the comments (without it, such
        /// files are listed and left alone).
        #[arg(long)]
        drop_comments: bool,
    },
    /// Write a copy of the bundled sample dataset to DIR; without DIR, print where the
    /// sample the window opens is (setting it up in the data folder if needed).
    Sample {
        /// A new folder for the copy.
        dir: Option<PathBuf>,
    },
    /// Merge three versions of one dataset file record by record: git's merge driver
    /// (`crosscheck git-setup` registers it as `crosscheck merge %O %A %B %P`). Writes the
    /// result into OURS; exits 0 when clean, 1 when records conflict (marked in the file).
    Merge {
        /// The common ancestor's version (empty when both sides created the file).
        base: PathBuf,
        /// Our version; the merge is written here.
        ours: PathBuf,
        /// Their version.
        theirs: PathBuf,
        /// The file's path in the repository (tells which kind of records it holds).
        path: Option<String>,
    },
    /// Make git merge the dataset at DIR record by record: writes DIR/.gitattributes and
    /// DIR/.gitignore and registers `crosscheck merge` in the repository's config. Run it once
    /// in every clone.
    GitSetup {
        /// The dataset folder, inside a git repository.
        dir: PathBuf,
    },
    /// Export the dataset's records.
    Export {
        /// The dataset folder.
        dir: PathBuf,
        /// Write every claim as one CSV row to this file.
        #[arg(long, value_name = "FILE", required_unless_present = "json")]
        claims_csv: Option<PathBuf>,
        /// Write the whole dataset (manifest and every record) as one JSON document to this
        /// file, for jq, pandas and the like.
        #[arg(long, value_name = "FILE")]
        json: Option<PathBuf>,
    },
    /// Import an ACLED or UCDP GED export, or a sheet of claims, into a dataset: events and
    /// claims are added, those of an earlier import of the same export updated. Prints what
    /// it adds, updates and cannot read (as `file.csv:line:col: error: ...`); writes nothing
    /// when a row has an error, unless --skip-bad-rows.
    Import {
        /// The dataset folder.
        dir: PathBuf,
        /// What the file is.
        #[arg(long, value_enum)]
        from: FromArg,
        /// The CSV file.
        file: PathBuf,
        /// Read and report only; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Read the file's column HEADER as COLUMN (`--map "Figure=best"`); repeat for more.
        #[arg(long, value_name = "HEADER=COLUMN", value_parser = parse_map)]
        map: Vec<(String, String)>,
        /// Import the rows without errors even when other rows have some.
        #[arg(long)]
        skip_bad_rows: bool,
    },
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum FromArg {
    Acled,
    UcdpGed,
    ClaimsCsv,
}

fn parse_map(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
            Ok((from.trim().to_string(), to.trim().to_string()))
        }
        _ => Err(format!("`{text}` is not HEADER=COLUMN")),
    }
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
#[value(rename_all = "snake_case")]
enum XArg {
    RefersTo,
    StatedOn,
}

/// Writes a line to stdout; a closed pipe (`crosscheck check | head`) is not an error.
fn out(line: &str) {
    writeln!(io::stdout().lock(), "{line}").ok();
}

fn err(line: &str) {
    writeln!(io::stderr().lock(), "{line}").ok();
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            e.print().ok();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let code = match cli.command {
        None => window(None),
        Some(Command::Open { dir }) => window(Some(dir)),
        Some(Command::Summary { dir }) => summary(&dir),
        Some(Command::BenchUi { dir, frames }) => bench_ui(&dir, frames),
        Some(Command::Gen {
            dir,
            events,
            claims,
            seed,
        }) => generate(&dir, events, claims, seed),
        Some(Command::GenAcled { file, rows, seed }) => {
            let written = std::fs::File::create(&file)
                .map_err(csv::Error::from)
                .and_then(|f| crate::synth::write_acled_csv(io::BufWriter::new(f), rows, seed));
            match written {
                Ok(()) => 0,
                Err(e) => {
                    err(&format!("crosscheck: {}: {e}", file.display()));
                    2
                }
            }
        }
        Some(Command::Plot {
            dir,
            metric,
            x,
            filter,
            deprecated,
            no_sums,
            out,
        }) => plot(&dir, &metric, x, filter, deprecated, !no_sums, &out),
        Some(Command::Check { dir, strict }) => check(&dir, strict),
        Some(Command::Merge {
            base,
            ours,
            theirs,
            path,
        }) => merge(&base, &ours, &theirs, path.as_deref()),
        Some(Command::GitSetup { dir }) => git_setup(&dir),
        Some(Command::Sample { dir }) => sample(dir.as_deref()),
        Some(Command::Fmt {
            dir,
            check,
            drop_comments,
        }) => fmt(&dir, check, drop_comments),
        Some(Command::Export {
            dir,
            claims_csv,
            json,
        }) => export(&dir, claims_csv.as_deref(), json.as_deref()),
        Some(Command::Import {
            dir,
            from,
            file,
            dry_run,
            map,
            skip_bad_rows,
        }) => {
            let format = match from {
                FromArg::Acled => crate::import::Format::Acled,
                FromArg::UcdpGed => crate::import::Format::UcdpGed,
                FromArg::ClaimsCsv => crate::import::Format::ClaimsCsv,
            };
            import(&dir, format, &file, dry_run, map, skip_bad_rows)
        }
    };
    ExitCode::from(code)
}

/// git's merge driver: records merged by id and field, conflicts marked around their record
/// only; a file that cannot be merged by record falls back to git's line merge.
fn merge(base: &Path, ours: &Path, theirs: &Path, path: Option<&str>) -> u8 {
    use crate::store::conflicts::{merge_texts, role_of_path, role_of_texts};
    let shown = path.map_or_else(|| ours.display().to_string(), str::to_string);
    let read = |p: &Path| std::fs::read(p).map(|b| String::from_utf8(b).ok());
    let texts = match (read(base), read(ours), read(theirs)) {
        (Ok(b), Ok(o), Ok(t)) => b.zip(o).zip(t).map(|((b, o), t)| [b, o, t]),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            err(&format!(
                "crosscheck merge: {shown}: could not be read: {e}"
            ));
            return 2;
        }
    };
    let role = path.and_then(role_of_path).or_else(|| {
        texts
            .as_ref()
            .and_then(|[b, o, t]| role_of_texts([b.as_str(), o.as_str(), t.as_str()]))
    });
    let why = match (texts, role) {
        (Some([b, o, t]), Some(role)) => match merge_texts(role, &b, &o, &t) {
            Ok(m) => {
                if let Err(e) = crate::store::write_bytes(ours, m.text.as_bytes()) {
                    err(&format!("crosscheck merge: {e}"));
                    return 2;
                }
                if m.conflicts == 0 {
                    return 0;
                }
                err(&format!(
                    "crosscheck merge: {shown}: {} record(s) changed differently on both sides, marked in the file; resolve them in the window or a text editor",
                    m.conflicts
                ));
                return 1;
            }
            Err(e) => e.to_string(),
        },
        (None, _) => "a version is not UTF-8 text".into(),
        (_, None) => "its records are of no known kind".into(),
    };
    err(&format!(
        "crosscheck merge: {shown}: cannot be merged record by record ({why}); merging it line by line instead"
    ));
    let code = line_merge(base, ours, theirs);
    // A clean line merge of files that did not parse is still no dataset file: say so.
    if code == 0
        && let Some(role) = role
        && let Ok(text) = std::fs::read_to_string(ours)
        && let Err(e) = merge_texts(role, "", &text, "")
    {
        err(&format!(
            "crosscheck merge: {shown}: the line merge does not parse ({e})"
        ));
        return 1;
    }
    code
}

/// git's own line merge of three files, written into `ours`: 0 clean, 1 conflicts.
fn line_merge(base: &Path, ours: &Path, theirs: &Path) -> u8 {
    let status = std::process::Command::new("git")
        .args(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs"])
        .args([ours, base, theirs])
        .status();
    match status {
        Ok(s) if s.success() => 0,
        Ok(s) if s.code().is_some_and(|c| c > 0) => 1,
        Ok(s) => {
            err(&format!("crosscheck merge: git merge-file failed ({s})"));
            2
        }
        Err(e) => {
            err(&format!(
                "crosscheck merge: git merge-file could not run: {e}"
            ));
            2
        }
    }
}

fn sample(dir: Option<&Path>) -> u8 {
    let result = match dir {
        Some(d) => crate::store::sample::write(d).map(|()| d.to_path_buf()),
        None => crate::store::sample::location(),
    };
    match result {
        Ok(p) => {
            out(&p.display().to_string());
            0
        }
        Err(e) => {
            err(&format!("crosscheck: error: {e}"));
            2
        }
    }
}

fn git_setup(dir: &Path) -> u8 {
    let exe = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            err(&format!(
                "crosscheck: error: cannot tell where this program is: {e}"
            ));
            return 2;
        }
    };
    match crate::store::git::setup(dir, &exe) {
        Ok(s) => {
            for p in &s.written {
                out(&format!("wrote {}", p.display()));
            }
            out(&format!(
                "registered the merge driver in {}/.git/config: {}",
                s.repository.display(),
                s.driver
            ));
            out(
                "git now merges this dataset's files record by record. Run `crosscheck git-setup` once in every clone.",
            );
            0
        }
        Err(e) => {
            err(&format!("crosscheck: error: {e}"));
            2
        }
    }
}

fn load(dir: &Path) -> Result<Loaded, u8> {
    let cache = crate::store::cache::Cache::default_base()
        .map(|base| crate::store::cache::Cache::for_dataset(&base, dir));
    Store::load_cached(dir, &crate::store::Progress::default(), cache.as_ref()).map_err(|e| {
        err(&format!("crosscheck: error: {e}"));
        2
    })
}

/// Sorts findings by file, line and column and prints them; returns how many of each kind.
fn print_findings(loaded: &Loaded, findings: &mut [Finding], to_stderr: bool) -> Tally {
    findings.sort_by_key(|f| {
        let o = f.at.map(|o| (loaded.store.path_of(o.file), o.line, o.col));
        (o, f.severity)
    });
    for f in findings.iter() {
        let line = loaded.store.describe(f);
        if to_stderr { err(&line) } else { out(&line) }
    }
    Tally::of(findings.iter())
}

/// Prints the files that did not load (to standard error); returns how many problems.
fn print_broken(loaded: &Loaded) -> usize {
    let mut broken: Vec<Finding> = loaded
        .load_findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .cloned()
        .collect();
    print_findings(loaded, &mut broken, true).errors
}

fn check(dir: &Path, strict: bool) -> u8 {
    let loaded = match load(dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut findings = loaded.check();
    let tally = print_findings(&loaded, &mut findings, false);
    let ds = &loaded.dataset;
    err(&format!(
        "{}: {} claims, {} events, {} actors, {} sources; {tally}",
        dir.display(),
        ds.claims.len(),
        ds.events.len(),
        ds.actors.len(),
        ds.sources.len()
    ));
    let code = if tally.errors > 0 || (strict && tally.warnings > 0) {
        1
    } else {
        0
    };
    drop(findings);
    leave(loaded);
    code
}

/// The command is done with the dataset and the process ends: its memory goes back to the
/// system at once, instead of a million records being freed one by one first (a tenth of
/// `check`'s time at a million claims).
fn leave(loaded: Loaded) {
    std::mem::forget(loaded);
}

fn fmt(dir: &Path, check_only: bool, drop_comments: bool) -> u8 {
    let mut loaded = match load(dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let broken_count = print_broken(&loaded);
    let Loaded { store, dataset, .. } = &mut loaded;
    // Every file is brought to the canonical form, edited or not — but comments are not
    // dropped unless asked.
    store.touch_all(dataset);
    let mut kept = 0;
    if drop_comments {
        store.drop_comments();
    } else {
        for (path, lines) in store.hold_commented() {
            let l: Vec<String> = lines.iter().map(u32::to_string).collect();
            err(&format!(
                "{}:{}:1: warning: has comments (line {}): not reformatted; move them into notes, or run fmt --drop-comments",
                path.display(),
                lines.first().copied().unwrap_or(1),
                l.join(", ")
            ));
            kept += 1;
        }
    }
    if check_only {
        let pending = match store.pending(dataset) {
            Ok(p) => p,
            Err(e) => {
                err(&format!("crosscheck: error: {e}"));
                return 2;
            }
        };
        for (i, _) in &pending {
            out(&format!(
                "would reformat {}",
                store.path_of(*i as u32).display()
            ));
        }
        return if pending.is_empty() && broken_count == 0 && kept == 0 {
            0
        } else {
            1
        };
    }
    match store.save(dataset, OnConflict::Refuse) {
        Ok(report) => {
            for p in &report.written {
                out(&format!("reformatted {}", p.display()));
            }
            err(&format!(
                "{} file(s) reformatted, {} already canonical",
                report.written.len(),
                report.unchanged
            ));
            if broken_count > 0 || kept > 0 { 1 } else { 0 }
        }
        Err(e) => {
            err(&format!("crosscheck: error: {e}"));
            1
        }
    }
}

fn export(dir: &Path, csv_path: Option<&Path>, json_path: Option<&Path>) -> u8 {
    let loaded = match load(dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let broken_count = print_broken(&loaded);
    if let Some(csv_path) = csv_path {
        if let Err(e) = crate::store::write_claims_csv(&loaded.dataset, csv_path) {
            err(&format!("crosscheck: error: {e}"));
            return 2;
        }
        err(&format!(
            "wrote {} claims to {}",
            loaded.dataset.claims.len(),
            csv_path.display()
        ));
    }
    if let Some(json_path) = json_path {
        if let Err(e) = crate::store::write_json(&loaded.dataset, json_path) {
            err(&format!("crosscheck: error: {e}"));
            return 2;
        }
        let ds = &loaded.dataset;
        err(&format!(
            "wrote {} claims, {} events, {} sources and {} actors to {}",
            ds.claims.len(),
            ds.events.len(),
            ds.sources.len(),
            ds.actors.len(),
            json_path.display()
        ));
    }
    if broken_count > 0 { 1 } else { 0 }
}

fn import(
    dir: &Path,
    format: crate::import::Format,
    file: &Path,
    dry_run: bool,
    map: Vec<(String, String)>,
    skip_bad_rows: bool,
) -> u8 {
    use crate::import::{Options, Progress, plan};
    let mut loaded = match load(dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if print_broken(&loaded) > 0 {
        err(&format!(
            "crosscheck import: {}: files of the dataset do not load; fix them first (nothing imported)",
            dir.display()
        ));
        return 2;
    }
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    let mut options = Options::new(format, &today);
    options.map = map;
    let plan = match plan(file, &loaded.dataset, &options, &Progress::default()) {
        Ok(p) => p,
        Err(e) => {
            err(&format!("crosscheck import: {e}"));
            return 2;
        }
    };
    for p in &plan.problems {
        err(&p.describe(file));
    }
    for line in plan.summary() {
        out(&line);
    }
    let errors = plan.errors();
    if dry_run {
        err("dry run: nothing written");
        return if errors > 0 { 1 } else { 0 };
    }
    if errors > 0 && !skip_bad_rows {
        err(&format!(
            "nothing written: {} row(s) have errors; fix them, or run again with --skip-bad-rows to import the other rows",
            plan.rows_left_out
        ));
        return 1;
    }
    let Some(edit) = plan.edit else {
        err("nothing to change");
        return 0;
    };
    let Loaded { store, dataset, .. } = &mut loaded;
    if let Err(e) = edit.apply(dataset) {
        err(&format!("crosscheck import: {e}"));
        return 2;
    }
    match store.save(dataset, OnConflict::Refuse) {
        Ok(report) => {
            err(&format!(
                "wrote {} file(s) in {}",
                report.written.len(),
                dir.display()
            ));
            0
        }
        Err(e) => {
            err(&format!("crosscheck import: error: {e}"));
            2
        }
    }
}

fn plot(
    dir: &Path,
    metric: &str,
    x: XArg,
    text: Option<String>,
    deprecated: bool,
    sums: bool,
    out_path: &Path,
) -> u8 {
    use crate::model::filter::{Filter, SearchIndex, apply};
    use crate::model::series::{Request, XAxis, build};
    let loaded = match load(dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let ds = &loaded.dataset;
    let Some(m) = ds.manifest.metrics.iter().find(|m| m.id == metric) else {
        let known: Vec<&str> = ds.manifest.metrics.iter().map(|m| m.id.as_str()).collect();
        err(&format!(
            "crosscheck: error: no metric `{metric}` in this dataset (it has: {})",
            known.join(", ")
        ));
        return 2;
    };
    let filter = Filter {
        text: text.unwrap_or_default(),
        show_deprecated: deprecated,
        ..Filter::default()
    };
    let shown = apply(ds, &SearchIndex::build(ds), &filter);
    let x = match x {
        XArg::RefersTo => XAxis::RefersTo,
        XArg::StatedOn => XAxis::StatedOn,
    };
    let metrics = vec![m.id.clone()];
    let series = build(
        ds,
        &Request {
            claims: &shown.claims,
            metrics: &metrics,
            x,
            hidden: &[],
            selected: None,
            sum_parts: sums,
        },
    );
    let title = format!("{} — {}", m.name, ds.manifest.title);
    let fig = crate::chart::Figure {
        title: &title,
        y_label: &m.name,
        x,
        width: 1200.0,
        height: 700.0,
    };
    let svg = crate::chart::svg(ds, &series, &fig);
    let png = out_path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("png"));
    let bytes = if png {
        match crate::chart::png(&svg, 2.0) {
            Ok(b) => b,
            Err(e) => {
                err(&format!("crosscheck: error: could not draw the PNG: {e}"));
                return 2;
            }
        }
    } else {
        svg.into_bytes()
    };
    if let Err(e) = crate::store::write_bytes(out_path, &bytes) {
        err(&format!("crosscheck: error: {e}"));
        return 2;
    }
    let marks: usize = series
        .iter()
        .map(|s| {
            s.marks
                .iter()
                .filter(|m| !m.derived && m.y.is_some())
                .count()
        })
        .sum();
    err(&format!(
        "wrote {} ({marks} claims by {} claimants)",
        out_path.display(),
        series.len()
    ));
    0
}

fn generate(dir: &Path, events: usize, claims: usize, seed: u64) -> u8 {
    let ds = crate::synth::generate(crate::synth::Size {
        events,
        claims,
        seed,
    });
    match crate::store::create_with(dir, ds) {
        Ok((loaded, report)) => {
            err(&format!(
                "wrote {} files: {claims} claims, {events} events, {} actors, {} sources",
                report.written.len(),
                loaded.dataset.actors.len(),
                loaded.dataset.sources.len()
            ));
            0
        }
        Err(e) => {
            err(&format!("crosscheck: error: {e}"));
            2
        }
    }
}

fn bench_ui(dir: &Path, frames: usize) -> u8 {
    let t0 = std::time::Instant::now();
    match crate::bench_ui::run(dir, frames) {
        Ok(run) => {
            out(&format!(
                "{} ({frames} frames per phase; the whole run, opening included, took {:.1} s)",
                dir.display(),
                t0.elapsed().as_secs_f64()
            ));
            out(&format!(
                "{:<24} {:>8} {:>8} {:>8} {:>12} {:>12}",
                "phase", "p50 ms", "p95 ms", "max ms", "vertices p50", "vertices max"
            ));
            for p in &run.phases {
                let (p50, p95, max) = p.summary();
                let mut v = p.vertices.clone();
                v.sort_unstable();
                let vmax = v.last().copied().unwrap_or(0);
                out(&format!(
                    "{:<24} {p50:>8.2} {p95:>8.2} {max:>8.2} {:>12} {vmax:>12}",
                    p.name,
                    v.get(v.len() / 2).copied().unwrap_or(0)
                ));
            }
            // Linux tells a process its resident memory; elsewhere this line is left out.
            if let Some((rss, peak)) = &run.memory {
                out(&format!(
                    "resident memory with the dataset open: {rss} (peak {peak})"
                ));
            }
            0
        }
        Err(e) => {
            err(&format!("crosscheck: error: {e}"));
            2
        }
    }
}

fn window(dir: Option<PathBuf>) -> u8 {
    match crate::app::run(dir) {
        Ok(()) => 0,
        Err(e) => {
            err(&format!(
                "crosscheck: error: could not open the window: {e}"
            ));
            2
        }
    }
}

fn summary(dir: &Path) -> u8 {
    let loaded = match load(dir) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let ds = &loaded.dataset;
    out(&format!("{} — {}", ds.manifest.title, dir.display()));
    out(&format!(
        "{} claims, {} events, {} actors, {} sources",
        ds.claims.len(),
        ds.events.len(),
        ds.actors.len(),
        ds.sources.len()
    ));
    out("");
    let mut claims: Vec<_> = ds.claims.iter().collect();
    claims.sort_by(|a, b| {
        a.stated_on
            .cmp_key()
            .cmp(&b.stated_on.cmp_key())
            .then(a.id.cmp(&b.id))
    });
    out(&format!(
        "{:<16} {:<34} {:<18} {:<20} {}",
        "stated on", "claimant", "metric", "value", "refers to"
    ));
    for c in claims {
        let claimant = ds
            .actor(&c.claimant)
            .map_or(c.claimant.as_str(), |a| a.name.as_str());
        out(&format!(
            "{:<16} {:<34} {:<18} {:<20} {}",
            c.stated_on.display(),
            truncate(claimant, 34),
            truncate(&c.metric, 18),
            c.value.stated(),
            c.refers_to
                .as_ref()
                .map(|r| r.display())
                .unwrap_or_default()
        ));
    }
    let mut findings = loaded.check();
    out("");
    let tally = print_findings(&loaded, &mut findings, false);
    out(&tally.to_string());
    if tally.errors > 0 { 1 } else { 0 }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
