//! The panels and widgets of the window. UI code reads the document and returns
//! [`Command`]s; it never changes the document itself and never touches the file system —
//! `app.rs` carries the commands out, in one place.

pub mod editor;
pub mod filter_bar;
pub mod lists;
pub mod menu;

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
    /// Create a dataset in an empty folder and open it.
    Create(PathBuf),
    /// Ask for a folder with the native dialog (or a typed path where there is none).
    OpenDialog,
    NewDialog,
    Quit,
}

/// Which list a column sort applies to, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Sort {
    pub column: usize,
    pub descending: bool,
}

/// The bundled font for Hangul (the built-in fonts have Latin, Cyrillic and Greek, no Hangul).
pub const HANGUL_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansKR-Hangul.otf");

/// egui's fonts with the bundled Hangul font as a fallback, so Korean names render the same
/// on every machine, headless tests included.
pub fn fonts() -> FontDefinitions {
    let mut fonts = FontDefinitions::default();
    fonts.font_data.insert(
        "noto-sans-kr".into(),
        std::sync::Arc::new(FontData::from_static(HANGUL_FONT)),
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

const PALETTE: [Color32; 10] = [
    Color32::from_rgb(0x1f, 0x77, 0xb4),
    Color32::from_rgb(0xff, 0x7f, 0x0e),
    Color32::from_rgb(0x2c, 0xa0, 0x2c),
    Color32::from_rgb(0xd6, 0x27, 0x28),
    Color32::from_rgb(0x94, 0x67, 0xbd),
    Color32::from_rgb(0x8c, 0x56, 0x4b),
    Color32::from_rgb(0xe3, 0x77, 0xc2),
    Color32::from_rgb(0x7f, 0x7f, 0x7f),
    Color32::from_rgb(0xbc, 0xbd, 0x22),
    Color32::from_rgb(0x17, 0xbe, 0xcf),
];

/// The colour of an actor everywhere in the UI: its own `color`, or one derived from its id.
pub fn actor_color(ds: &Dataset, id: &str) -> Color32 {
    if let Some([r, g, b]) = ds
        .actor(id)
        .and_then(|a| crate::model::record::parse_color(&a.color))
    {
        return Color32::from_rgb(r, g, b);
    }
    let h = id
        .bytes()
        .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b as usize));
    PALETTE[h % PALETTE.len()]
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

/// The display name of an actor id (the id itself when unknown).
pub fn actor_name<'a>(ds: &'a Dataset, id: &'a str) -> &'a str {
    ds.actor(id).map_or(id, |a| a.name.as_str())
}
