//! The keyboard shortcuts window (Help → Keyboard shortcuts), listed from the actions.

/// Draws the window; returns false once it was closed.
pub fn shortcuts_window(ctx: &egui::Context) -> bool {
    let mut open = true;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                for (keys, what) in crate::ui::menu::shortcut_list(ctx) {
                    ui.monospace(keys);
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
    open
}
