//! What importing a large ACLED export costs: 200,000 rows (`CROSSCHECK_BENCH_ROWS`) shaped
//! like ACLED's CSV export, read into a copy of the sample — the plan alone (reading and
//! matching, what the preview waits for), and the whole import as `crosscheck import` does it
//! (plan, apply, save every new file).
//!
//! ```text
//! cargo bench --bench import
//! ```

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use crosscheck::import::{Format, Options, Progress, plan};
use crosscheck::store::{OnConflict, Store};

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

fn benches(c: &mut Criterion) {
    let rows: usize = std::env::var("CROSSCHECK_BENCH_ROWS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    let csv = tmp.path().join("acled.csv");
    let file = std::io::BufWriter::new(std::fs::File::create(&csv).expect("create"));
    crosscheck::synth::write_acled_csv(file, rows, 7).expect("write the export");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/dprk-kursk");
    let options = Options::new(Format::Acled, "2026-11-28");
    let loaded = Store::load(&sample).expect("load the sample");

    let mut g = c.benchmark_group("import");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function(format!("acled {rows} rows: plan"), |b| {
        b.iter(|| {
            let p = plan(&csv, &loaded.dataset, &options, &Progress::default()).expect("plan");
            assert_eq!(p.errors(), 0);
            black_box(p)
        })
    });
    g.bench_function(format!("acled {rows} rows: plan, apply, save"), |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().expect("tempdir");
                copy_tree(&sample, &dir.path().join("ds"));
                dir
            },
            |dir| {
                let mut l = Store::load(&dir.path().join("ds")).expect("load");
                let p = plan(&csv, &l.dataset, &options, &Progress::default()).expect("plan");
                p.edit
                    .expect("an edit")
                    .apply(&mut l.dataset)
                    .expect("apply");
                l.store
                    .save(&mut l.dataset, OnConflict::Refuse)
                    .expect("save");
                dir
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(import, benches);
criterion_main!(import);
