//! `crosscheck bench-ui`: the real application run headlessly (an `egui::Context`, no window,
//! no GPU) on a dataset, with the lists and plots visible, through its phases — scrolling
//! the claims list, hovering the plot, panning the plot, typing a filter, typing into a
//! claim, a keystroke until its result is shown, adding, deleting and undoing records, the
//! checks once typing pauses — measuring the CPU time of each frame (UI plus tessellation)
//! and the vertices it produces.

use std::path::Path;
use std::time::Instant;

use egui::{Event, Modifiers, PointerButton, Pos2, RawInput, Rect, Vec2};

use crate::app::{App, Prefs};
use crate::model::plot::PlotTab;

/// Frame times and vertex counts of one phase.
#[derive(Debug, Clone)]
pub struct Phase {
    pub name: &'static str,
    /// Milliseconds per frame.
    pub millis: Vec<f64>,
    pub vertices: Vec<usize>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

impl Phase {
    /// p50, p95 and max of the frame times, in milliseconds.
    pub fn summary(&self) -> (f64, f64, f64) {
        let mut t = self.millis.clone();
        t.sort_by(f64::total_cmp);
        (
            percentile(&t, 0.5),
            percentile(&t, 0.95),
            t.last().copied().unwrap_or(0.0),
        )
    }
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct Run {
    pub phases: Vec<Phase>,
    /// Resident memory once open, after the phases, with the dataset still open (and the
    /// peak): read from `/proc/self/status`, so on Linux only.
    pub memory: Option<(String, String)>,
}

/// This process's resident memory and its peak, where the system tells them (Linux).
fn memory() -> Option<(String, String)> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.trim().to_string())
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

/// Runs `frames` frames per phase on the dataset in `dir` at 1600×1000 points.
pub fn run(dir: &Path, frames: usize) -> Result<Run, String> {
    let ctx = egui::Context::default();
    let prefs = Prefs {
        plot: crate::model::plot::PlotPrefs {
            tab: PlotTab::Casualties,
            ..Default::default()
        },
        ..Prefs::default()
    };
    let cache_dir = crate::store::cache::Cache::default_base();
    // Whether this open reads the parse cache (filled by an earlier open) or parses.
    let cached = cache_dir.as_ref().is_some_and(|base| {
        let any = Path::new("claims").join("x");
        crate::store::cache::Cache::for_dataset(base, dir)
            .entry_path(&any)
            .parent()
            .is_some_and(Path::is_dir)
    });
    let options = crate::app::Options {
        recovery_dir: None,
        cache_dir,
    };
    let opened = Instant::now();
    let mut app = App::with_context(&ctx, prefs, Some(dir.to_path_buf()), options);
    app.finish_opening();
    let open = Phase {
        name: if cached {
            "open: from the parse cache"
        } else {
            "open: parse (fills the cache)"
        },
        millis: vec![opened.elapsed().as_secs_f64() * 1000.0],
        vertices: vec![0],
    };
    if app.doc.is_none() {
        return Err(app
            .dialogs
            .error
            .as_ref()
            .map_or_else(|| "the dataset did not open".into(), |e| e.message.clone()));
    }
    let size = Vec2::new(1600.0, 1000.0);
    let mut time = 0.0;
    let mut frame = |app: &mut App, events: Vec<Event>| -> (f64, usize) {
        time += 1.0 / 60.0;
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, size)),
            time: Some(time),
            events,
            ..RawInput::default()
        };
        let t0 = Instant::now();
        let mut out = ctx.run_ui(input, |ui| app.draw(ui));
        let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
        // No GPU to upload font textures to: drop them knowingly.
        out.textures_delta.clear();
        let ms = t0.elapsed().as_secs_f64() * 1000.0;
        let vertices = prims
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum();
        (ms, vertices)
    };
    // Warm up: fonts, layout caches, the first view (derived on a worker for a large
    // dataset: waited for, so that the phases draw the full lists and plot).
    app.finish_deriving();
    for _ in 0..10 {
        let (ms, _) = frame(&mut app, Vec::new());
        if std::env::var_os("CROSSCHECK_BENCH_DEBUG").is_some() {
            eprintln!("warm-up frame: {ms:.1} ms");
        }
    }
    let list = Pos2::new(250.0, 500.0);
    let plot = Pos2::new(780.0, 450.0);
    let mut phases = vec![open];
    for name in [
        "scroll the claims list",
        "hover the plot",
        "pan the plot",
        "type a filter",
    ] {
        let mut phase = Phase {
            name,
            millis: Vec::with_capacity(frames),
            vertices: Vec::with_capacity(frames),
        };
        for i in 0..frames {
            let t = i as f32 / frames.max(1) as f32;
            let events = match name {
                "scroll the claims list" => vec![
                    Event::PointerMoved(list),
                    Event::MouseWheel {
                        unit: egui::MouseWheelUnit::Point,
                        delta: Vec2::new(0.0, if i % 200 < 100 { -120.0 } else { 120.0 }),
                        modifiers: Modifiers::NONE,
                        phase: egui::TouchPhase::Move,
                        source: egui::MouseWheelSource::Wheel,
                    },
                ],
                "hover the plot" => vec![Event::PointerMoved(
                    plot + Vec2::new(-250.0 + 500.0 * t, 150.0 * (t * 12.0).sin()),
                )],
                "pan the plot" => {
                    let p = plot + Vec2::new(-100.0 + 200.0 * ((t * 6.0).sin()), 0.0);
                    let mut e = vec![Event::PointerMoved(p)];
                    if i == 0 {
                        e.push(Event::PointerButton {
                            pos: p,
                            button: PointerButton::Primary,
                            pressed: true,
                            modifiers: Modifiers::NONE,
                        });
                    }
                    if i + 1 == frames {
                        e.push(Event::PointerButton {
                            pos: p,
                            button: PointerButton::Primary,
                            pressed: false,
                            modifiers: Modifiers::NONE,
                        });
                    }
                    e
                }
                _ => {
                    // A researcher typing and erasing a search, one keystroke a frame.
                    let word = "killed 2024 nis";
                    let n = i % (2 * word.len());
                    let len = if n < word.len() {
                        n + 1
                    } else {
                        2 * word.len() - n - 1
                    };
                    app.prefs.filter.text = word[..len].to_string();
                    vec![Event::PointerMoved(plot)]
                }
            };
            let (ms, v) = frame(&mut app, events);
            phase.millis.push(ms);
            phase.vertices.push(v);
        }
        phases.push(phase);
    }
    // Typing into one claim's notes, one character a frame (each an edit, as the editor
    // makes them): the time from the edit to the end of its frame.
    let mut phase = Phase {
        name: "type into a claim's notes",
        millis: Vec::new(),
        vertices: Vec::new(),
    };
    let target = app.doc.as_ref().map_or(0, |d| d.dataset.claims.len() / 2);
    // The claim is selected, as when a researcher types into it: the editor is open.
    app.handle(crate::ui::Command::Select(Some(
        crate::model::edit::Target {
            kind: crate::model::Kind::Claim,
            index: target,
        },
    )));
    frame(&mut app, Vec::new());
    app.finish_deriving();
    for i in 0..frames {
        let Some(doc) = app.doc.as_ref() else { break };
        let Some(mut claim) = doc.dataset.claims.get(target).cloned() else {
            break;
        };
        let mut notes = claim.notes.to_string();
        notes.push(if i % 6 == 5 { ' ' } else { 'x' });
        claim.notes = notes.into();
        let t0 = Instant::now();
        app.handle(crate::ui::Command::Edit {
            edit: Box::new(crate::model::edit::Edit::Replace {
                index: target,
                record: crate::model::edit::AnyRecord::Claim(claim),
            }),
            coalesce: Some("bench-notes".into()),
        });
        let (_, v) = frame(&mut app, vec![Event::PointerMoved(plot)]);
        phase.millis.push(t0.elapsed().as_secs_f64() * 1000.0);
        phase.vertices.push(v);
    }
    phases.push(phase);
    // The edits are never saved: the benchmark leaves the dataset as it found it (saving
    // after one edit is measured by `cargo bench`).
    app.finish_deriving();

    // A keystroke until the lists and the plot show its result: frames are drawn meanwhile
    // (on a large dataset the result is derived on a worker thread), and the wall-clock time
    // to the first frame showing it is what a researcher waits.
    let mut phase = Phase {
        name: "keystroke until shown",
        millis: Vec::new(),
        vertices: Vec::new(),
    };
    let word = "ministry reported";
    for len in 1..=word.len().min(frames.max(1)) {
        app.prefs.filter.text = word[..len].to_string();
        let t0 = Instant::now();
        let mut v = 0;
        loop {
            let (_, vertices) = frame(&mut app, vec![Event::PointerMoved(plot)]);
            v = v.max(vertices);
            if !app.is_deriving() && app.shows_filter(&app.prefs.filter.clone()) {
                break;
            }
            if t0.elapsed().as_secs() > 60 {
                return Err("the filter never finished".into());
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        phase.millis.push(t0.elapsed().as_secs_f64() * 1000.0);
        phase.vertices.push(v);
    }
    phases.push(phase);
    // Adding, deleting and undoing a record: the frame the command runs in (what freezes the
    // window), and the time until the lists and the plot show the result (frames drawn
    // meanwhile). Then the frame in which the checks follow the edits once typing pauses.
    let mut command_frame = Phase {
        name: "new/delete/undo: frame",
        millis: Vec::new(),
        vertices: Vec::new(),
    };
    let mut until_shown = Phase {
        name: "new/delete/undo: shown",
        millis: Vec::new(),
        vertices: Vec::new(),
    };
    let claim = |index| crate::model::edit::Target {
        kind: crate::model::Kind::Claim,
        index,
    };
    let middle = app.doc.as_ref().map_or(0, |d| d.dataset.claims.len() / 3);
    for round in 0..3.min(frames.max(1)) {
        for command in [
            crate::ui::Command::NewRecord(crate::model::Kind::Claim),
            crate::ui::Command::Undo,
            crate::ui::Command::DeleteConfirmed(claim(middle + round)),
            crate::ui::Command::Undo,
        ] {
            let t0 = Instant::now();
            app.handle(command);
            let (_, v) = frame(&mut app, vec![Event::PointerMoved(plot)]);
            command_frame
                .millis
                .push(t0.elapsed().as_secs_f64() * 1000.0);
            command_frame.vertices.push(v);
            loop {
                if app.shows_document() {
                    break;
                }
                if t0.elapsed().as_secs() > 60 {
                    return Err("the view never followed the edit".into());
                }
                std::thread::sleep(std::time::Duration::from_millis(1));
                frame(&mut app, vec![Event::PointerMoved(plot)]);
            }
            until_shown.millis.push(t0.elapsed().as_secs_f64() * 1000.0);
            until_shown.vertices.push(v);
        }
    }
    phases.push(command_frame);
    phases.push(until_shown);
    let mut checks = Phase {
        name: "checks after a pause",
        millis: Vec::new(),
        vertices: Vec::new(),
    };
    for _ in 0..3.min(frames.max(1)) {
        app.checks_due_now();
        let t0 = Instant::now();
        let (_, v) = frame(&mut app, vec![Event::PointerMoved(plot)]);
        checks.millis.push(t0.elapsed().as_secs_f64() * 1000.0);
        checks.vertices.push(v);
        app.finish_deriving();
    }
    phases.push(checks);
    // Measured here, the dataset still open (once `app` is dropped the figure would be of
    // memory freed but not yet given back).
    let memory = memory();
    drop(app);
    Ok(Run { phases, memory })
}
