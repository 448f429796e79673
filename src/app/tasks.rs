//! The one table of work running off the UI thread — opening a dataset, a native file dialog,
//! deriving the lists and the plot, checking a large dataset again — and the one channel
//! their results come back on. Workers post through a cloneable [`TaskSender`], which also
//! wakes the window; the app takes the results in `App::logic` (also while the window is
//! hidden). Every result is handed to the app: none is dropped here.

use std::collections::{BTreeMap, VecDeque};
use std::path::PathBuf;
use std::sync::{Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::derive::View;
use crate::memory::give_back_freed_memory;
use crate::model::order::Orders;
use crate::store::StoreError;
use crate::ui::dialogs::PathMode;

use super::opening::Opened;

/// Whether a derivation's thread should give back what it freed: at most every half second.
/// A derivation follows each keystroke; a trim after each (2–5 ms, and the window waits for
/// the allocator meanwhile) put ~6 ms on the way from a keystroke to the lists showing it,
/// and one every half second gives back as much.
fn derivation_trim_due() -> bool {
    static LAST: Mutex<Option<Instant>> = Mutex::new(None);
    // A poisoned lock (a panic elsewhere while holding it) only means trimming more often.
    let Ok(mut last) = LAST.lock() else {
        return true;
    };
    let due = last.is_none_or(|t| t.elapsed() >= Duration::from_millis(500));
    if due {
        *last = Some(Instant::now());
    }
    due
}

/// A task's number, unique for the app's life.
pub type TaskId = u64;

/// What kind of work a task does; at most one of each kind runs at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskKind {
    /// Reading, checking and indexing a dataset.
    Open,
    /// A native folder or file dialog.
    FileDialog,
    /// Deriving the lists and the plot of a large dataset.
    Derive,
    /// Checking a large dataset again after edits.
    Check,
    /// Writing the recovery journal.
    Journal,
    /// Reading a file to import.
    Import,
}

/// What a task brings back.
pub enum Done {
    Opened(Box<Result<Opened, StoreError>>),
    Picked(PathMode, Option<PathBuf>),
    Derived(Box<(View, Orders)>),
    /// The findings of the document version given (`None`: the check was stopped).
    Checked(u64, Option<Vec<crate::model::Finding>>),
    Journaled(Result<(), String>),
    Imported(Box<Result<crate::import::Plan, crate::import::ImportError>>),
}

impl Done {
    fn kind(&self) -> TaskKind {
        match self {
            Done::Opened(_) => TaskKind::Open,
            Done::Picked(..) => TaskKind::FileDialog,
            Done::Derived(_) => TaskKind::Derive,
            Done::Checked(..) => TaskKind::Check,
            Done::Journaled(_) => TaskKind::Journal,
            Done::Imported(_) => TaskKind::Import,
        }
    }
}

/// Posts a worker's result to the app and wakes the window. Cloneable, so any thread can
/// hold one.
#[derive(Clone)]
pub struct TaskSender {
    tx: mpsc::Sender<(TaskId, Done)>,
    ctx: egui::Context,
}

impl TaskSender {
    pub fn send(&self, id: TaskId, done: Done) {
        // A journal written as it should be changes nothing on screen: it waits for the next
        // frame rather than asking for one.
        let wake = !matches!(done, Done::Journaled(Ok(())));
        if self.tx.send((id, done)).is_err() {
            // Only when the app is gone: the window closed while the task ran.
            eprintln!("crosscheck: a background task finished after the window closed");
        }
        if wake {
            self.ctx.request_repaint();
        }
    }
}

/// A task that runs.
pub struct Task {
    pub kind: TaskKind,
    handle: JoinHandle<()>,
}

/// The table of running tasks and their results.
pub struct Tasks {
    sender: TaskSender,
    rx: mpsc::Receiver<(TaskId, Done)>,
    running: BTreeMap<TaskId, Task>,
    /// Results taken while waiting for another task, handed out next.
    backlog: VecDeque<(TaskId, Done)>,
    next: TaskId,
}

/// A finished task: its id, what it was, and what it brought (`None`: it ended without a
/// result, which only a panic in the worker does).
pub struct Finished {
    pub id: TaskId,
    pub kind: TaskKind,
    pub done: Option<Done>,
}

impl Tasks {
    pub fn new(ctx: &egui::Context) -> Tasks {
        let (tx, rx) = mpsc::channel();
        Tasks {
            sender: TaskSender {
                tx,
                ctx: ctx.clone(),
            },
            rx,
            running: BTreeMap::new(),
            backlog: VecDeque::new(),
            next: 0,
        }
    }

    /// Runs `work` on a new thread as a task of `kind`; its result comes back through
    /// [`Tasks::next_finished`].
    pub fn spawn(
        &mut self,
        kind: TaskKind,
        work: impl FnOnce() -> Done + Send + 'static,
    ) -> TaskId {
        self.next += 1;
        let id = self.next;
        let sender = self.sender.clone();
        let handle = std::thread::spawn(move || {
            let done = work();
            // Before the result is sent: trimming while the window takes the result in
            // delays it as much (both want the allocator), and gives back less.
            if kind != TaskKind::Derive || derivation_trim_due() {
                give_back_freed_memory();
            }
            sender.send(id, done);
        });
        self.running.insert(id, Task { kind, handle });
        id
    }

    /// The running task of `kind`, if any.
    pub fn running(&self, kind: TaskKind) -> Option<TaskId> {
        self.running
            .iter()
            .find(|(_, t)| t.kind == kind)
            .map(|(id, _)| *id)
    }

    /// Whether any task runs.
    pub fn any_running(&self) -> bool {
        !self.running.is_empty()
    }

    /// Waits until no task runs. Their results are handed out next by
    /// [`Tasks::next_finished`], as if they had just come in.
    pub fn wait_until_none_run(&mut self) {
        while let Some(&id) = self.running.keys().next() {
            if let Some(done) = self.wait_for(id) {
                self.backlog.push_back((id, done));
            }
        }
    }

    /// The next finished task, without waiting.
    pub fn next_finished(&mut self) -> Option<Finished> {
        if let Some((id, done)) = self.backlog.pop_front() {
            return Some(self.finish(id, Some(done)));
        }
        match self.rx.try_recv() {
            Ok((id, done)) => Some(self.finish(id, Some(done))),
            Err(_) => self.ended_without_result(),
        }
    }

    /// Waits for the task `id` to finish and returns what it brought (`None` if it ended
    /// without a result). Other tasks' results that arrive meanwhile are kept for
    /// [`Tasks::next_finished`].
    pub fn wait_for(&mut self, id: TaskId) -> Option<Done> {
        if let Some(i) = self.backlog.iter().position(|(t, _)| *t == id) {
            let (_, done) = self.backlog.remove(i)?;
            return self.finish(id, Some(done)).done;
        }
        while self.running.contains_key(&id) {
            match self.rx.recv_timeout(Duration::from_millis(20)) {
                Ok((got, done)) if got == id => return self.finish(id, Some(done)).done,
                Ok(other) => self.backlog.push_back(other),
                Err(_) => {
                    if self
                        .running
                        .get(&id)
                        .is_some_and(|t| t.handle.is_finished())
                    {
                        // Finished: its result may have arrived between the two checks.
                        if let Ok((got, done)) = self.rx.try_recv() {
                            if got == id {
                                return self.finish(id, Some(done)).done;
                            }
                            self.backlog.push_back((got, done));
                            continue;
                        }
                        self.running.remove(&id);
                    }
                }
            }
        }
        None
    }

    fn finish(&mut self, id: TaskId, done: Option<Done>) -> Finished {
        let kind = self
            .running
            .remove(&id)
            .map(|t| t.kind)
            .or_else(|| done.as_ref().map(Done::kind))
            .unwrap_or(TaskKind::Derive);
        Finished { id, kind, done }
    }

    /// A task whose thread ended without sending anything (it panicked), if any.
    fn ended_without_result(&mut self) -> Option<Finished> {
        let id = self
            .running
            .iter()
            .find(|(_, t)| t.handle.is_finished())
            .map(|(id, _)| *id)?;
        // Its result may be on its way after all: only a thread that ended with nothing in
        // the channel is reported as lost.
        if let Ok((got, done)) = self.rx.try_recv() {
            return Some(self.finish(got, Some(done)));
        }
        Some(self.finish(id, None))
    }
}
