//! The main window, with its navigation locked to the app's own pages: it navigates
//! nowhere else, opens no other window and downloads nothing.

use tauri::webview::{DownloadEvent, NewWindowResponse};
use tauri::{DragDropEvent, Manager, Runtime, WebviewWindowBuilder, WindowEvent};

use crate::navigation::{Platform, is_app_page};

/// Creates the main window from its entry in `tauri.conf.json` (marked `create:
/// false` there so that these handlers are attached before it loads anything).
pub fn create_main_window<R: Runtime, M: Manager<R>>(
    manager: &M,
) -> Result<(), Box<dyn std::error::Error>> {
    let config = manager
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .cloned()
        .ok_or("tauri.conf.json has no window labelled main")?;
    let mut builder = WebviewWindowBuilder::from_config(manager.app_handle(), &config)?;
    // A dark choice paints dark from the first frame, before the page's styles load
    // (the colour is the dark theme's background in ui/src/theme.css).
    if let Some(settings) = manager.try_state::<crate::settings::AppSettings>()
        && settings.get().theme == athena_core::settings::Theme::Dark
    {
        builder = builder.background_color(tauri::window::Color(0x14, 0x17, 0x1c, 0xff));
    }
    let window = builder
        .on_navigation(|url| {
            let allowed = is_app_page(url, Platform::current());
            if !allowed {
                tracing::warn!(
                    scheme = url.scheme(),
                    "blocked a navigation away from the app"
                );
            }
            allowed
        })
        .on_new_window(|url, _features| {
            tracing::warn!(scheme = url.scheme(), "blocked a new window");
            NewWindowResponse::Deny
        })
        // A download writes a file the page chose (name and content) into the user's
        // folders: `<a download>` of a blob or data URL, or a navigation to an app
        // file the webview cannot show. The app saves nothing from the page, so every
        // download is refused before it starts. Without this handler WebKitGTK saves
        // to the Downloads folder without asking.
        .on_download(|_webview, event| match event {
            DownloadEvent::Requested { url, .. } => {
                tracing::warn!(scheme = url.scheme(), "blocked a download");
                false
            }
            DownloadEvent::Finished { success, .. } => {
                tracing::debug!(success, "a refused download ended");
                false
            }
            // `DownloadEvent` is non-exhaustive: refuse whatever a later Tauri adds.
            _ => false,
        })
        .build()?;
    let app = manager.app_handle().clone();
    window.on_window_event(move |event| {
        match event {
            WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) => {
                let paths = paths.clone();
                let app = app.clone();
                // Looking at the files touches the disk: not on the main thread.
                tauri::async_runtime::spawn_blocking(move || {
                    crate::drops::files_dropped(&app, &paths)
                });
            }
            // Enter once per drag (Over repeats at the pointer's pace: not sent).
            WindowEvent::DragDrop(DragDropEvent::Enter { .. }) => {
                crate::drops::drag_hover(&app, true);
            }
            WindowEvent::DragDrop(DragDropEvent::Leave) => crate::drops::drag_hover(&app, false),
            _ => {}
        }
    });
    Ok(())
}
