//! The About window: version, what the program is, and the licence of the bundled font.

/// Draws the window; returns false once it was closed.
pub fn about_window(ctx: &egui::Context) -> bool {
    let mut open = true;
    egui::Window::new("About Crosscheck")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            ui.label(format!("Crosscheck {}", env!("CARGO_PKG_VERSION")));
            ui.label(
                "Who claims what about an armed conflict: events, claims, claimants and sources, kept as RON files.",
            );
            ui.label(
                "Hangul is drawn with a subset of Noto Sans CJK KR (SIL Open Font License).",
            );
        });
    open
}
