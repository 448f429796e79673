//! The panels and widgets of the window. UI code reads the document and returns
//! [`Command`]s; it never changes the document itself and never touches the file system —
//! `app.rs` carries the commands out, in one place.

pub mod actions;
pub mod conflicts;
pub mod dialogs;
pub mod editor;
pub mod figure_mesh;
pub mod filter_bar;
pub mod lists;
pub mod menu;
pub mod picker;
pub mod plot;

use std::path::PathBuf;

use egui::{Color32, FontData, FontDefinitions, FontFamily};

use crate::model::edit::{Edit, Target};
use crate::model::{Dataset, Kind};

/// Something the user asked for. Produced by the UI, carried out by the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Change the document. Consecutive edits with the same `coalesce` key are one undo step.
    Edit {
        edit: Box<Edit>,
        coalesce: Option<String>,
    },
    Select(Option<Target>),
    /// Select a record, show its list and scroll to it.
    Reveal(Target),
    ShowTab(Kind),
    NewRecord(Kind),
    Duplicate(Target),
    /// Delete a record (asks first when others refer to it).
    Delete(Target),
    /// Delete without asking (the user confirmed).
    DeleteConfirmed(Target),
    Undo,
    Redo,
    Save,
    /// Open a dataset folder (asks first when there are unsaved changes).
    Open(PathBuf),
    /// Open the bundled sample dataset.
    OpenSample,
    /// Create a dataset in an empty folder and open it.
    Create(PathBuf),
    /// Ask for a folder with the native dialog (or a typed path where there is none).
    OpenDialog,
    NewDialog,
    /// Ask where to export the plot (SVG, PNG) or its claims (CSV), then write it.
    ExportDialog(plot::Export),
    /// Write the plot (SVG, PNG) or its claims (CSV) to this file.
    Export(plot::Export, PathBuf),
    /// Ask for a CSV file to import (the native dialog, or a typed path).
    ImportDialog,
    /// Read a CSV file as this format (told by its header when `None`) and show what
    /// importing it would do.
    Import(PathBuf, Option<crate::import::Format>),
    /// Import what the preview shows: one undoable edit.
    ApplyImport,
    /// Stop reading the file to import, or close its preview: nothing is imported.
    CancelImport,
    /// Stop opening a dataset; the open one stays.
    CancelOpening,
    /// Save although the checks find errors (the user was asked).
    SaveAnyway,
    /// Save, dropping the comments of the files that have them (the user was asked).
    SaveDroppingComments,
    /// Save, then do what waited for the answer (if the save succeeded).
    SaveThen(Pending),
    /// Forget the unsaved changes, then do what waited for the answer.
    DiscardThen(Pending),
    /// Take in what other programs changed in the dataset's files (the watcher does this
    /// by itself; this checks every file).
    CheckDisk,
    /// Put the keyboard focus in the search field.
    FocusSearch,
    /// Give a record a new id, with every reference to it (asks first when others refer to
    /// it).
    Rename {
        target: Target,
        new_id: String,
    },
    /// Rename without asking (the user confirmed).
    RenameConfirmed {
        target: Target,
        new_id: String,
    },
    /// Ask for the essential fields of a record of `kind` named `name`, made from a picker
    /// of the record at `target` (the small form), then create it.
    NewLinked {
        target: Target,
        kind: Kind,
        name: String,
        field: &'static str,
        slot: usize,
    },
    /// Create a record with these fields and point `field` (item `slot` of a list) of the
    /// record at `target` to it: one undo step.
    CreateLinked {
        target: Target,
        field: &'static str,
        slot: usize,
        details: crate::model::defaults::NewDetails,
    },
    /// Resolve the merge conflict at this index of the dataset's list.
    Resolve {
        index: usize,
        resolution: Resolution,
    },
    /// Show the field-by-field choice for the merge conflict at this index.
    ResolveByField(usize),
    /// Restore the unsaved changes of the recovery journal.
    Restore,
    /// Forget the recovery journal.
    DiscardRecovery,
    /// Set git up to merge this dataset record by record (`crosscheck git-setup`).
    SetUpGit,
    /// Do not offer the git setup again for this dataset.
    DismissGitOffer,
    ShowShortcuts,
    ShowAbout,
    Quit,
}

/// What waits for the user's answer to "save your changes?" before it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Close,
    Open(PathBuf),
    Create(PathBuf),
}

/// How a merge conflict is resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// One side for every conflicting field (or the whole record, when a side deleted it).
    All(Side),
    /// The side of each conflicting field, by field name; fields not named keep ours.
    Fields(Vec<(String, Side)>),
}

impl Resolution {
    /// The side chosen for `field`.
    pub fn side(&self, field: &str) -> Side {
        match self {
            Resolution::All(s) => *s,
            Resolution::Fields(v) => v
                .iter()
                .find(|(f, _)| f == field)
                .map_or(Side::Ours, |(_, s)| *s),
        }
    }
}

pub use crate::model::merge::Side;

pub use crate::model::order::Sort;

/// egui's fonts with the bundled Hangul font as a fallback, so Korean names render the same
/// on every machine, headless tests included.
pub fn fonts() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "noto-sans-kr".into(),
        std::sync::Arc::new(FontData::from_static(crate::chart::FONT)),
    );
    for family in [FontFamily::Proportional, FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto-sans-kr".into());
    }
    fonts
}

/// The colour of an actor everywhere in the UI: its own `color`, or one derived from its id
/// (the same as in exported figures).
pub fn actor_color(ds: &Dataset, id: &str) -> Color32 {
    let [r, g, b] = crate::chart::actor_rgb(ds, id);
    Color32::from_rgb(r, g, b)
}

/// The dataset's actors by id, gathered once for a frame's drawing: the plot and the lists
/// name and colour claimants hundreds of times a frame, each a search among every actor
/// otherwise. The first actor with an id wins, as in [`Dataset::actor`].
pub struct Actors<'a> {
    by_id: rustc_hash::FxHashMap<&'a str, &'a crate::model::Actor>,
}

impl<'a> Actors<'a> {
    pub fn new(ds: &'a Dataset) -> Actors<'a> {
        let mut by_id = rustc_hash::FxHashMap::default();
        for a in &ds.actors {
            by_id.entry(a.id.as_str()).or_insert(a);
        }
        Actors { by_id }
    }

    /// The actor's name, or the id when no actor has it.
    pub fn name<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        self.by_id.get(id).map_or(id, |a| a.name.as_str())
    }

    /// As [`actor_color`].
    pub fn color(&self, id: &str) -> Color32 {
        let [r, g, b] = crate::model::colors::rgb_of(self.by_id.get(id).copied(), id);
        Color32::from_rgb(r, g, b)
    }
}

/// The colour an actor's name is written in: the actor's colour, darkened or lightened
/// enough to read on the current background.
pub fn readable(color: Color32, dark_mode: bool) -> Color32 {
    let [r, g, b, _] = color.to_array();
    let lum = 0.299 * f32::from(r) + 0.587 * f32::from(g) + 0.114 * f32::from(b);
    let scale = |c: u8, f: f32| (f32::from(c) * f).clamp(0.0, 255.0) as u8;
    if dark_mode && lum < 110.0 {
        let f = 150.0 / lum.max(1.0);
        Color32::from_rgb(scale(r, f), scale(g, f), scale(b, f))
    } else if !dark_mode && lum > 150.0 {
        let f = 120.0 / lum;
        Color32::from_rgb(scale(r, f), scale(g, f), scale(b, f))
    } else {
        color
    }
}

/// How a finding is marked everywhere: its icon and colour.
pub fn severity_style(s: crate::model::Severity) -> (&'static str, Color32) {
    match s {
        crate::model::Severity::Error => ("⊘", Color32::from_rgb(0xd0, 0x30, 0x30)),
        crate::model::Severity::Warning => ("⚠", Color32::from_rgb(0xc0, 0x80, 0x00)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Actor, ActorKind};

    #[test]
    fn actors_gathered_for_a_frame_name_and_colour_as_the_dataset_does() {
        let mut ds = Dataset::default();
        let mut coloured = Actor::new("nis", "NIS", ActorKind::IntelligenceService);
        coloured.color = "#123456".into();
        ds.actors = vec![
            coloured,
            Actor::new("kcna", "KCNA", ActorKind::Media),
            // A second actor with a taken id: the first one is the one named.
            Actor::new("nis", "Someone else", ActorKind::Other("x".into())),
        ];
        let actors = Actors::new(&ds);
        for id in ["nis", "kcna", "nobody"] {
            assert_eq!(actors.name(id), ds.actor_name(id), "{id}");
            assert_eq!(actors.color(id), actor_color(&ds, id), "{id}");
        }
        assert_eq!(actors.name("nis"), "NIS");
        assert_eq!(actors.color("nis"), Color32::from_rgb(0x12, 0x34, 0x56));
        assert_eq!(actors.name("nobody"), "nobody");
    }
}
