//! What a large dataset costs: opening a folder (parse + validate + index, as the window
//! does it) beside serde_json parsing the same records from one JSON file on one thread;
//! the same reopened from the parse cache; text, date and claimant filters; sorting every
//! list column, the first time and after a filter change; building the plot series; the
//! keystroke path (what one keystroke in the filter bar derives); the typing path (one
//! keystroke into a claim's notes); saving after one edit.
//!
//! The dataset is generated with `crosscheck::synth` (`CROSSCHECK_BENCH_CLAIMS` claims,
//! default 100,000, with a fifth as many events) into a temporary folder, or is the folder
//! named by `CROSSCHECK_BENCH_DIR` (copied to a temporary folder before anything is saved):
//!
//! ```text
//! cargo bench --bench scale
//! CROSSCHECK_BENCH_CLAIMS=1000000 cargo bench --bench scale
//! CROSSCHECK_BENCH_DIR=/tmp/m1 cargo bench --bench scale -- open
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use crosscheck::app::Opened;
use crosscheck::derive::{self, View};
use crosscheck::model::edit::{AnyRecord, Edit, Target};
use crosscheck::model::filter::{self, Filter, SearchIndex};
use crosscheck::model::order::{Counts, Orders, Sort, full_order};
use crosscheck::model::plot::PlotPrefs;
use crosscheck::model::series::{self, XAxis};
use crosscheck::model::{Dataset, Kind};
use crosscheck::store::{self, OnConflict, Store};

/// The dataset folder to measure, and the temporary folder that holds it if it was made here.
fn dataset() -> (PathBuf, Option<tempfile::TempDir>) {
    if let Some(dir) = std::env::var_os("CROSSCHECK_BENCH_DIR") {
        return (PathBuf::from(dir), None);
    }
    let claims: usize = std::env::var("CROSSCHECK_BENCH_CLAIMS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("ds");
    let ds = crosscheck::synth::generate(crosscheck::synth::Size {
        events: claims / 5,
        claims,
        seed: 1,
    });
    store::create_with(&dir, ds).expect("write the generated dataset");
    (dir, Some(tmp))
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).expect("copy");
        }
    }
}

fn label(ds: &Dataset) -> String {
    format!("{}k claims", ds.claims.len() / 1000)
}

fn benches(c: &mut Criterion) {
    let (dir, _tmp) = dataset();
    let loaded = Store::load(&dir).expect("load");
    let ds = loaded.dataset.clone();
    let n = label(&ds);
    let index = SearchIndex::build(&ds);
    let counts = Counts::build(&ds);

    // Opening, beside serde_json on the same records.
    let json_dir = tempfile::tempdir().expect("tempdir");
    let json = json_dir.path().join("all.json");
    store::write_json(&ds, &json).expect("write json");
    let mut g = c.benchmark_group(format!("open {n}"));
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("crosscheck: parse + validate + index (all cores)", |b| {
        b.iter(|| Opened::prepare(Store::load(black_box(&dir)).expect("load")))
    });
    // Opened again unchanged: every file's records from the parse cache (filled once here).
    let cache_dir = tempfile::tempdir().expect("tempdir");
    let cache = store::cache::Cache::for_dataset(cache_dir.path(), &dir);
    Store::load_cached(&dir, &store::Progress::default(), Some(&cache)).expect("fill the cache");
    g.bench_function(
        "crosscheck: reopen from the cache + validate + index",
        |b| {
            b.iter(|| {
                Opened::prepare(
                    Store::load_cached(black_box(&dir), &store::Progress::default(), Some(&cache))
                        .expect("load"),
                )
            })
        },
    );
    g.bench_function("serde_json: parse one JSON file (one thread)", |b| {
        b.iter(|| {
            let bytes = std::fs::read(black_box(&json)).expect("read");
            serde_json::from_slice::<Dataset>(&bytes).expect("json")
        })
    });
    g.finish();

    // Filters: what one keystroke or one click recomputes.
    let mut g = c.benchmark_group(format!("filter {n}"));
    let text = Filter {
        text: "ministry reported".into(),
        ..Filter::default()
    };
    g.bench_function("text (two words)", |b| {
        b.iter(|| filter::apply(&ds, &index, black_box(&text)))
    });
    let busiest = counts
        .claims_by_actor
        .iter()
        .max_by_key(|(id, n)| (**n, std::cmp::Reverse(id.as_str())))
        .map(|(id, _)| id.clone());
    let date_claimant = Filter {
        from: "2020-03".into(),
        to: "2021".into(),
        claimant: busiest,
        ..Filter::default()
    };
    g.bench_function("date range + claimant", |b| {
        b.iter(|| filter::apply(&ds, &index, black_box(&date_claimant)))
    });
    g.finish();

    // Sorting every column of every list: the first time (the full order), then after a
    // filter change (picking).
    let shown = filter::apply(&ds, &index, &date_claimant);
    let mut g = c.benchmark_group(format!("sort {n}"));
    g.sample_size(10);
    for (kind, shown) in [
        (Kind::Claim, &shown.claims),
        (Kind::Event, &shown.events),
        (Kind::Source, &shown.sources),
        (Kind::Actor, &shown.actors),
    ] {
        let columns = crosscheck::ui::lists::columns(kind);
        for (column, name) in columns.iter().enumerate() {
            let sort = Sort {
                column,
                descending: false,
            };
            g.bench_function(format!("{} by {name}: first time", kind.noun()), |b| {
                b.iter(|| full_order(&ds, &counts, kind, black_box(sort)))
            });
            let mut orders = Orders::default();
            orders.sorted(&ds, &counts, kind, sort, shown);
            g.bench_function(format!("{} by {name}: after a filter", kind.noun()), |b| {
                b.iter(|| orders.sorted(&ds, &counts, kind, sort, black_box(shown)))
            });
        }
    }
    g.finish();

    // The plot series of one metric for everything the default filter shows, with the
    // claims' columns of this version (as the window builds them).
    let all = filter::apply(&ds, &index, &Filter::default());
    let metrics = vec![ds.manifest.metrics[0].id.clone()];
    let mut g = c.benchmark_group(format!("plot {n}"));
    g.bench_function(format!("series of {}", metrics[0]), |b| {
        b.iter(|| {
            let mut s = series::build_with(
                &ds,
                &series::Request {
                    claims: &all.claims,
                    metrics: &metrics,
                    x: XAxis::RefersTo,
                    hidden: &[],
                    selected: None,
                    sum_parts: true,
                },
                &index.columns,
            );
            series::thin(&mut s, 800);
            s
        })
    });
    g.finish();

    // The keystroke path: what a worker derives after one keystroke in the filter bar — the
    // lists' records and orders, the plot series and the legend. The first letter searches
    // every record; a letter typed on searches only the previous result, and only for the
    // word that changed.
    let key = |text: &str| derive::ViewKey {
        version: 1,
        filter: Filter {
            text: text.into(),
            ..Filter::default()
        },
        sorts: [Sort::default(); 4],
        plot: PlotPrefs::default(),
        selected: None,
    };
    let mut orders = Orders::default();
    let unfiltered = derive::derive(&ds, &index, &counts, &mut orders, key(""), &View::default());
    let typed_on = derive::derive(
        &ds,
        &index,
        &counts,
        &mut orders,
        key("ministry r"),
        &View::default(),
    );
    let mut g = c.benchmark_group(format!("keystroke {n}"));
    g.sample_size(20);
    g.bench_function("first letter: every record searched", |b| {
        b.iter(|| derive::derive(&ds, &index, &counts, &mut orders, key("m"), &unfiltered))
    });
    g.bench_function("a letter typed on: the previous result searched", |b| {
        b.iter(|| {
            derive::derive(
                &ds,
                &index,
                &counts,
                &mut orders,
                key("ministry re"),
                &typed_on,
            )
        })
    });
    g.finish();

    // The typing path: one keystroke into a selected claim's notes — the edit applied, and
    // the search index and counts brought up to date for that one claim (as the window does
    // before its next frame).
    let mut typing = ds.clone();
    let mut typing_index = index.clone();
    let mut typing_counts = counts.clone();
    let target = typing.claims.len() / 2;
    let mut g = c.benchmark_group(format!("typing {n}"));
    let mut k = 0usize;
    g.bench_function("one keystroke into a claim's notes", |b| {
        b.iter(|| {
            k += 1;
            let old = typing.claims[target].clone();
            let mut claim = old.clone();
            // Typing and erasing, so that the note does not grow without end.
            let mut notes = claim.notes.to_string();
            if k % 40 < 20 {
                notes.push('x');
            } else {
                notes.pop();
            }
            claim.notes = notes.into();
            Edit::Replace {
                index: target,
                record: AnyRecord::Claim(claim),
            }
            .apply(&mut typing)
            .expect("edit");
            let old = AnyRecord::Claim(old);
            typing_index.replaced(&typing, Kind::Claim, target, &old);
            let at = Target {
                kind: Kind::Claim,
                index: target,
            };
            typing_counts.replaced(&typing, at, &old);
        })
    });
    g.finish();

    // Saving after one edit: the note of one claim changes, one file is rewritten.
    let save_tmp = tempfile::tempdir().expect("tempdir");
    let save_dir = save_tmp.path().join("ds");
    copy_tree(&dir, &save_dir);
    let mut loaded = Store::load(&save_dir).expect("load copy");
    let mut g = c.benchmark_group(format!("save {n}"));
    g.sample_size(20);
    let mut k = 0u64;
    g.bench_function("after editing one claim", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                k += 1;
                let index = (k as usize * 7919) % loaded.dataset.claims.len();
                let mut claim = loaded.dataset.claims[index].clone();
                claim.notes = format!("edit {k}").into();
                Edit::Replace {
                    index,
                    record: AnyRecord::Claim(claim),
                }
                .apply(&mut loaded.dataset)
                .expect("edit");
                let t = Instant::now();
                let report = loaded
                    .store
                    .save(&mut loaded.dataset, OnConflict::Refuse)
                    .expect("save");
                total += t.elapsed();
                assert_eq!(report.written.len(), 1);
            }
            total
        })
    });
    g.finish();
}

criterion_group!(scale, benches);
criterion_main!(scale);
