//! Quit: a menu item and Ctrl+Q (Cmd+Q on macOS) that end the app gracefully, so the
//! window's size and position are saved with everything else that is saved at exit.
//! A killed app saves nothing; closing the window quits too.

use tauri::menu::{Menu, MenuItem, Submenu};
use tauri::{AppHandle, Runtime};

/// The Quit item's menu id.
const QUIT: &str = "quit";

/// Gives the app its menu (File > Quit, with its shortcut) and handles it.
pub(crate) fn install_menu<R: Runtime>(app: &AppHandle<R>) -> tauri::Result<()> {
    let quit = MenuItem::with_id(app, QUIT, "Quit", true, Some("CmdOrCtrl+Q"))?;
    let file = Submenu::with_items(app, "File", true, &[&quit])?;
    app.set_menu(Menu::with_items(app, &[&file])?)?;
    app.on_menu_event(|app, event| {
        if event.id() == QUIT {
            tracing::info!("quit from the menu");
            crate::window_state::save_now(app);
            app.exit(0);
        }
    });
    Ok(())
}
