//! The main window's size and position, remembered across restarts in
//! `window-state.json` in the app's data folder (so `--data-dir` runs keep theirs apart,
//! and removing the app leaves nothing elsewhere).
//!
//! `tauri-plugin-window-state` restores the state when the window is created and
//! writes it at a graceful exit. That alone loses it when the app is killed or the
//! session ends abruptly, so it is also written shortly after each move or resize
//! (once the window has kept still for [`SETTLE`]).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, Runtime, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// The file in the data folder.
pub(crate) const WINDOW_STATE_FILE: &str = "window-state.json";

/// How long a window must keep still before its state is written: a drag sends many
/// moves, and one write is enough.
const SETTLE: Duration = Duration::from_millis(400);

/// What is remembered: not visibility or decorations, which the app sets itself.
fn flags() -> StateFlags {
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED | StateFlags::FULLSCREEN
}

/// Registers the plugin with its file in `data`. Call before the window is created,
/// so that the window opens where it was left.
pub(crate) fn remember<R: Runtime>(app: &AppHandle<R>, data: &Path) -> tauri::Result<()> {
    // The plugin joins this to the app's config folder; joining an absolute path
    // gives the path itself.
    let file = data.join(WINDOW_STATE_FILE);
    app.plugin(
        tauri_plugin_window_state::Builder::new()
            .with_filename(file.to_string_lossy())
            .with_state_flags(flags())
            .build(),
    )
}

/// Writes the state shortly after the main window moves or is resized.
pub(crate) fn save_on_change<R: Runtime>(app: &AppHandle<R>) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let latest = Arc::new(AtomicU64::new(0));
    let app = app.clone();
    window.on_window_event(move |event| {
        if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
            return;
        }
        let change = latest.fetch_add(1, Ordering::SeqCst) + 1;
        let latest = latest.clone();
        let app = app.clone();
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            // A later change restarts the wait.
            if latest.load(Ordering::SeqCst) == change {
                save_now(&app);
            }
        });
    });
}

/// Writes the state now (also before a graceful quit).
pub(crate) fn save_now<R: Runtime>(app: &AppHandle<R>) {
    if let Err(err) = app.save_window_state(flags()) {
        tracing::warn!(error = %err, "the window's size and position were not saved");
    }
}
